"""Reference data shipped with the product: every council in England and Wales and every police force.

Loaded (and kept up to date) after every `returnhome migrate`.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from returnhome.organisations.models import Organisation

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def load_reference_data(**_: Any) -> None:
    forces: dict[str, Organisation] = {}
    for row in read_rows("police_forces.csv"):
        force, _created = Organisation.objects.update_or_create(
            code=f"police:{row['code']}",
            defaults={
                "name": row["name"],
                "kind": Organisation.Kind.POLICE,
                "nation": row.get("nation", ""),
                "gss_code": row.get("gss_code", ""),
                "is_reference": True,
            },
        )
        forces[row["code"]] = force
    for row in read_rows("councils.csv"):
        Organisation.objects.update_or_create(
            la_code=row["la_code"],
            defaults={
                "code": f"la:{row['la_code']}",
                "name": row["name"],
                "kind": Organisation.Kind.COUNCIL,
                "nation": row["nation"],
                "gss_code": row["gss_code"],
                "region": row["region"],
                "police_force": forces.get(row["police_force_code"]),
                "is_reference": True,
            },
        )
