"""demo-data's progress bar: redrawn in place on a terminal; a few lines (every 5%) in a log."""

from __future__ import annotations

import importlib

command = importlib.import_module("returnhome.demo.management.commands.demo-data")


def test_a_log_gets_a_line_every_five_percent_and_the_last() -> None:
    written: list[str] = []
    bar = command.ProgressBar(written.append, live=False)
    for done in range(1, 301):
        bar.update(done, 300)
    assert 20 <= len(written) <= 21
    assert all(line.endswith("\n") and "\r" not in line for line in written)
    assert written[-1].startswith("[" + "#" * command.ProgressBar.WIDTH + "] 300/300 children")


def test_a_terminal_gets_the_bar_redrawn_in_place() -> None:
    written: list[str] = []
    bar = command.ProgressBar(written.append, live=True)
    for done in range(1, 11):
        bar.update(done, 10)
    assert len(written) == 10
    assert all(line.startswith("\r") for line in written)
    assert written[-1].endswith("\n") and not written[0].endswith("\n")
    assert "5/10 children" in written[4] and "left)" in written[4]
