"""Which database a benchmark runs on: `--database sqlite` (the default), `postgres` or `both`.

postgres: a throwaway database on the local PostgreSQL server, created for the run and dropped
after it. The server is `BENCH_POSTGRES` (default postgres://postgres@127.0.0.1:5432, as in
development); the database is named `BENCH_POSTGRES_DB` (default `rh_bench`) + the process id.
both: the script runs once per database, each in its own process, and prints both.

Needs only what the app needs at runtime (psycopg), not the development dependencies.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable

SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASES = ("sqlite", "postgres")


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        choices=(*DATABASES, "both"),
        default="sqlite",
        help="sqlite (default), postgres (a throwaway database on the local server), or both",
    )


def run_each(args: argparse.Namespace) -> bool:
    """With `--database both`: run this script again once per database and say True (the caller
    then stops); otherwise False."""
    if args.database != "both":
        return False
    rest, skip = [], False
    for arg in sys.argv[1:]:
        if skip:
            skip = False
        elif arg == "--database":
            skip = True
        elif not arg.startswith("--database="):
            rest.append(arg)
    for database in DATABASES:
        print(f"=== {database}", flush=True)
        command = [sys.executable, sys.argv[0], *rest, "--database", database]
        subprocess.run(command, check=True)  # noqa: S603 - this script again, its own arguments
    return True


def use(database: str) -> Callable[[], None]:
    """Point Django (not yet set up) at the database to benchmark; the function that drops it."""
    os.environ.pop("DATABASE_URL", None)
    if database != "postgres":
        print("database: SQLite, in the temporary directory", flush=True)
        return lambda: None
    import psycopg

    name = f"{os.environ.get('BENCH_POSTGRES_DB', 'rh_bench')}_{os.getpid()}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{SERVER}/{name}"
    print(f"database: PostgreSQL, throwaway database {name}", flush=True)

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return drop
