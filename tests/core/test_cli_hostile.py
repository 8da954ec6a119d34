"""Hostile command-line arguments (issue 11, item 6: NUL refused at every input path): a byte
that is not UTF-8, or a control character, is refused before any command runs, naming the
argument; before, `api-token create --name $'\\xff'` ended in a UnicodeEncodeError traceback
from the database driver, and a control character was stored."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from returnhome.__main__ import check_arguments


def test_a_byte_that_is_not_utf8_is_refused_naming_the_argument() -> None:
    command = [sys.executable, "-m", "returnhome", "api-token", "create"]
    done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [*command, "--force", "Kent Police", "--name", b"Case \xff system"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=60,
        check=False,
    )
    stderr = done.stderr.decode("utf-8", errors="replace")
    assert done.returncode == 2, stderr
    assert stderr.startswith("returnhome: argument 6 ('Case \\udcff system') contains an unpaired")
    assert "Traceback" not in stderr


@pytest.mark.parametrize(("argument", "said"), [("K\x00NT", "NUL"), ("K\x0bNT", "control")])
def test_nul_and_control_characters_are_refused(argument: str, said: str) -> None:
    problem = check_arguments(["returnhome", "api-token", "create", "--force", argument])
    assert problem is not None
    assert problem.startswith("returnhome: argument 4 (") and f"contains a {said}" in problem
    assert check_arguments(["returnhome", "api-token", "create", "--name", "Zoë's system"]) is None
