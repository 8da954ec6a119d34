"""Run in its own process by test_pages_during_import.py: a SQLite file database as in production
(the test database is in memory, where concurrent connections behave differently), a police file
import in one thread, and a signed-in practitioner opening a child's page again and again in
another (each view writes its audit row) until the import ends. Prints JSON: the import's outcome
and each page view's status and seconds.

    python tests/imports/reader_during_import.py ROWS
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any


def police_file(register: list[Any], generator: Any, rows: int) -> bytes:
    from returnhome.imports.police.rows import COLUMNS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    for labelled in generator.labelled_rows(register, rows, new_share=0.2):
        writer.writerow(labelled.values)
    return out.getvalue().encode()


def main(rows: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="rh-reader-"))
    os.environ.update(
        RETURNHOME_DATA_DIR=str(work),
        DEBUG="false",
        RETURNHOME_INSECURE_DEV_KEY="true",
        RETURNHOME_HTTPS="false",
        DJANGO_SETTINGS_MODULE="returnhome.settings",
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from returnhome.accounts.models import Role, User
    from returnhome.children.models import Child
    from returnhome.demo.synthetic import Generator
    from returnhome.imports.importer import import_notifications
    from returnhome.organisations.models import Organisation

    settings.RETURNHOME_REQUIRE_2FA = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    force = Organisation.objects.create(
        code="police:SYN", name="Synthetic Police", kind=Organisation.Kind.POLICE
    )
    council = Organisation.objects.create(
        la_code="Z99", name="Synthetic Council", kind=Organisation.Kind.COUNCIL, police_force=force
    )
    generator = Generator(3, timezone.localdate())
    register = generator.register(rows)
    children = Child.objects.bulk_create(
        Child(council=council, forename=c.forename, surname=c.surname, date_of_birth=c.dob)
        for c in register
    )
    data = police_file(register, generator, rows)
    reader = User.objects.create(username="reader", organisation=council, role=Role.PRACTITIONER)
    client = Client()
    client.force_login(reader)
    url = reverse("children:detail", args=[children[0].pk])
    outcome: dict[str, Any] = {}

    def run_import() -> None:
        try:
            summary = import_notifications(data, council, name="large.csv").summary
            outcome.update(committed=summary["committed"], seconds=summary["seconds"])
        except Exception as error:  # reported to the test, which fails on it
            outcome["error"] = repr(error)
        finally:
            connection.close()

    views: list[tuple[int | str, float]] = [(client.get(url).status_code, 0.0)]
    importing = threading.Thread(target=run_import)
    importing.start()
    while importing.is_alive():
        began = time.monotonic()
        try:
            status: int | str = client.get(url).status_code
        except Exception as error:  # "database is locked" is what this looks for
            status = repr(error)
        views.append((status, round(time.monotonic() - began, 3)))
        time.sleep(0.05)
    importing.join()
    print(json.dumps({"import": outcome, "views": views}))
    connection.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
