"""`returnhome report foi`: one command answers a questionnaire for a year; bad arguments exit 2."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document

from returnhome.reports.management.commands.report import Command
from tests.conftest import Cast

JUNE = ["--from", "2025-06-01", "--to", "2025-06-30"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", "foi", *args, stdout=out)
    return out.getvalue()


def test_markdown_to_standard_output(june: Cast) -> None:
    text = run("seed-003", "--org", june.council.la_code or "", *JUNE)
    assert text.startswith("# Freedom of Information response: Return Home Interviews\n")
    assert "8 of the 11 episodes (72.7%) were offered an RHI" in text
    assert "2 of the 4 episodes with an RHI (50.0%) were addressed within 72 hours." in text
    assert f"- **Council:** {june.council.name}" in text


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_each_format_to_a_file(june: Cast, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"answers.{fmt}"
    assert (
        run(
            "seed-000",
            "--org",
            june.council.la_code or "",
            *JUNE,
            "--format",
            fmt,
            "--output",
            str(out),
        )
        == ""
    )
    body = out.read_bytes()
    if fmt == "md":
        assert "8 missing episodes were offered a Return Home Interview" in body.decode()
    elif fmt == "docx":
        assert zipfile.is_zipfile(out)
        text = "\n".join(p.text for p in Document(str(out)).paragraphs)
        assert "Children were interviewed in 4 of the 11 missing episodes" in text
    else:
        assert body.startswith(b"%PDF")


def test_list() -> None:
    text = run("--list")
    names = [line.split("\t")[0] for line in text.splitlines()]
    assert {"seed-000", "seed-001", "seed-003"} <= set(names)


def test_a_file_path_works_too(june: Cast, tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        "title='Mine'\n[[questions]]\nnumber='1'\ntext='Episodes?'\n[questions.answer]\n"
        "kind='indicator'\nkeys=['episodes']\n",
        encoding="utf-8",
    )
    assert "Episodes: 11." in run(str(path), "--org", june.council.la_code or "", *JUNE)


def test_malformed_questionnaire_is_a_clear_error(cast: Cast, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        "title='Bad'\n[[questions]]\nnumber='9'\ntext='Q'\n[questions.answer]\nkind='oops'\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        run(str(path), "--org", cast.council.la_code or "", *JUNE)
    assert str(path) in str(error.value) and "question 9" in str(error.value)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "{org}", *JUNE], "Name the questionnaire"),
        (["nope", "--org", "{org}", *JUNE], "No questionnaire called 'nope'"),
        (["seed-003", *JUNE], "--org is required"),
        (["seed-003", "--org", "{org}", "--to", "2025-06-30"], "--from is required"),
        (["seed-003", "--org", "ZZZ", *JUNE], "No council has the LA code 'ZZZ'"),
        (
            ["seed-003", "--org", "{org}", "--from", "2025-13-01", "--to", "2025-06-30"],
            "--from must be a real date",
        ),
        (
            ["seed-003", "--org", "{org}", "--from", "2025-07-01", "--to", "2025-06-30"],
            "is after --to",
        ),
        (["seed-003", "--org", "{org}", *JUNE, "--format", "pdf"], "give --output FILE"),
        (["seed-003", "--org", "{org}", *JUNE, "--format", "docx"], "give --output FILE"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(cast: Cast, args: list[str], message: str) -> None:
    args = [a.replace("{org}", cast.council.la_code or "") for a in args]
    with pytest.raises(CommandError) as error:
        run(*args)
    assert error.value.returncode == 2
    assert message in str(error.value) and "\n" not in str(error.value)


def test_unknown_format_exits_2_from_the_command_line(cast: Cast) -> None:
    command = Command()
    with pytest.raises(SystemExit) as exit_:
        command.run_from_argv(
            [
                "returnhome",
                "report",
                "foi",
                "seed-003",
                "--org",
                cast.council.la_code or "",
                *JUNE,
                "--format",
                "rtf",
            ]
        )
    assert exit_.value.code == 2
