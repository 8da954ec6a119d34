"""The `returnhome` console script: Django's manage.py, plus our own commands.

Every argument is checked first with the rule every input path keeps (`lib.text`): a control
character, or a byte that is not UTF-8 (Python keeps it as an unpaired surrogate), is refused
here, naming the argument, before any command can take it to the database (PostgreSQL refuses
such text with an error, SQLite stores it, and every XLSX or PDF holding it breaks later).
"""

import os
import sys

from returnhome.lib.text import escaped, text_problem


def check_arguments(argv: list[str]) -> str | None:
    """Why the command line cannot be taken, naming the first bad argument; or None."""
    for position, argument in enumerate(argv[1:], start=1):
        why = text_problem(argument)
        if why is not None:
            return f"returnhome: argument {position} ('{escaped(argument)}') {why}"
    return None


def main() -> None:
    problem = check_arguments(sys.argv)
    if problem is not None:
        sys.stderr.write(problem + "\n")
        raise SystemExit(2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returnhome.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
