"""demo-data's progress bar: named with the stage; redrawn in place on a terminal; a few lines
(each stage, every 5% of the children) in a log."""

from __future__ import annotations

import importlib
import io

import pytest
from django.core.management import call_command

command = importlib.import_module("returnhome.demo.management.commands.demo-data")


def test_a_log_gets_a_line_for_each_stage_and_every_five_percent() -> None:
    written: list[str] = []
    bar = command.ProgressBar(written.append, live=False)
    bar.stage("Setting up")
    bar.stage("Children")
    for done in range(1, 301):
        bar.update(done, 300)
    bar.stage("Deriving the report facts")
    bar.finish()
    assert 23 <= len(written) <= 24  # 2 stages, 20 or 21 of the children, 1 stage
    assert all(line.endswith("\n") and "\r" not in line for line in written)
    assert written[0].startswith("[" + "." * command.ProgressBar.WIDTH + "] 0 children: Setting up")
    full = "[" + "#" * command.ProgressBar.WIDTH + "] 300/300 children"
    assert written[-2].startswith(full + ": Children")
    assert written[-1].startswith(full + ": Deriving the report facts")


def test_a_terminal_gets_the_bar_redrawn_in_place_with_its_stage() -> None:
    written: list[str] = []
    bar = command.ProgressBar(written.append, live=True)
    bar.stage("A rather long name for the first stage")
    for done in range(1, 11):
        bar.update(done, 10)
    bar.stage("Facts")
    bar.finish()
    assert len(written) == 13
    assert all(line.startswith("\r") for line in written[:-1])
    assert written[-1] == "\n"
    assert "5/10 children: A rather long name for the first stage" in written[5]
    assert "left)" in written[5]
    assert "10/10 children: Facts" in written[-2]
    # A shorter line drawn over a longer one clears what was left of it.
    assert len(written[-2]) >= len(written[-3])


@pytest.mark.django_db
def test_the_demo_build_names_each_stage_on_stderr() -> None:
    err = io.StringIO()
    call_command(
        "demo-data", seed=2, children=3, today="2026-03-14", stdout=io.StringIO(), stderr=err
    )
    lines = err.getvalue().splitlines()
    stages = [line.split(": ", 1)[1].rsplit(" (", 1)[0] for line in lines if ": " in line]
    for stage in (
        "Setting up the councils, the charity, the children's home and the users",
        "Children, their missing episodes and their RHIs",
        "Deriving the report facts",
        "Last night's police file, for the front door's queue",
    ):
        assert stage in stages
    assert lines[-1].startswith("[" + "#" * command.ProgressBar.WIDTH + "] 3/3 children")
