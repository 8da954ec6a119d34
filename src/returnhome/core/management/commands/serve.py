"""`returnhome serve`: the production web server (gunicorn) in the foreground.

It checks first and refuses to start, saying what to run, when the static files are not
collected (or are missing a file the code ships: an upgrade without collectstatic). It does not
collect them itself: collectstatic belongs to the install/upgrade step, run by the operator as the
user who may write STATIC_ROOT (docs/deploy.md), while the server may run with fewer rights.
Unapplied migrations only warn: /readyz answers 503 until `returnhome migrate` has run.

Then it replaces itself with gunicorn serving returnhome.wsgi (same process id, so systemd and
Ctrl-C reach gunicorn directly): sync workers, an access log on stdout without query strings,
referrers or user agents, and the application's JSON logs on stderr.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from returnhome.core import health

# gunicorn's access log: address, time, method, path (%(U)s: no query string), status, bytes,
# duration and the request id the application logs too. No query string, referrer or user agent.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'


def default_workers() -> int:
    return int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)


def uncollected_static_files() -> str | None:
    """What is wrong with the collected static files, or None (also when the storage needs no
    collecting, e.g. with DEBUG=true)."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return None
    manifest_path = os.path.join(settings.STATIC_ROOT, staticfiles_storage.manifest_name)
    if not os.path.exists(manifest_path):
        return f"the static files are not collected (no {manifest_path})"
    with open(manifest_path, encoding="utf-8") as f:
        collected = set(json.load(f).get("paths", {}))
    shipped = {path for finder in finders.get_finders() for path, _ in finder.list([])}
    missing = sorted(shipped - collected)
    if missing:
        return (
            f"{len(missing)} static file(s) are not collected (e.g. {missing[0]}): "
            "they changed since the last collectstatic"
        )
    return None


class Command(BaseCommand):
    help = "Runs the production web server (gunicorn, returnhome.wsgi) in the foreground."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("RETURNHOME_BIND", "127.0.0.1:8000"),
            help="HOST:PORT (or unix:PATH) to listen on (default $RETURNHOME_BIND or 127.0.0.1:8000)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="worker processes (default $WEB_CONCURRENCY or 2 x CPUs + 1)",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=int(os.environ.get("RETURNHOME_TIMEOUT", "120")),
            help="seconds a request may take before its worker is restarted (default 120)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        problem = uncollected_static_files()
        if problem:
            raise CommandError(
                f"Not starting: {problem}. Run `returnhome collectstatic --noinput` "
                "(after every install or upgrade), then `returnhome serve` again."
            )
        if settings.DEBUG:
            self.stderr.write("Warning: DEBUG is on; never serve real records with DEBUG=true.")
        unapplied = health.migrations()
        if unapplied:
            self.stderr.write(f"Warning: {unapplied}; /readyz answers 503 until then.")
        connections.close_all()

        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--timeout",
            str(options["timeout"]),
            "--access-logfile",
            "-",
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            "--error-logfile",
            "-",
            "--name",
            "returnhome",
            "returnhome.wsgi:application",
        ]
        self.stdout.write(
            f"returnhome: serving on {options['bind']} with {options['workers']} worker(s)"
        )
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)  # noqa: S606 (gunicorn from this interpreter's environment)
