"""Pages keep answering while a large import runs on SQLite (issue 14, item 4): SQLite has one
writer at a time and every page view writes its audit row, so a page waits for the import's
write to end (the busy timeout covers it) and never fails with "database is locked"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

SCRIPT = Path(__file__).with_name("reader_during_import.py")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="one writer at a time: SQLite"
)


def test_a_child_page_opened_again_and_again_during_an_import_never_fails() -> None:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, str(SCRIPT), "4000"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(next(x for x in done.stdout.splitlines() if x.startswith('{"import"')))
    assert result["import"].get("committed"), result["import"]
    statuses = [status for status, _seconds in result["views"]]
    assert statuses and set(statuses) == {200}, [s for s in statuses if s != 200][:3]
    # The page was opened while the import held the write lock, and waited for it.
    assert len(statuses) > 2 and max(seconds for _s, seconds in result["views"]) > 0.5
