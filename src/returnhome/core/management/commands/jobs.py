"""`returnhome jobs run`: the background job worker (core/jobs.py), in the foreground.

`returnhome jobs run --once` runs every job once, then prints one JSON object alone on stdout,
{job name: how many things it did}; logs (and the console email backend's emails) go to stderr.
It exits 1 if a job failed (the JSON still names it, with 0).
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from returnhome.core import jobs
from returnhome.core.models import JobRun


class Command(BaseCommand):
    help = "Run the background jobs: `jobs run` (the worker) or `jobs run --once`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run"])
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run every job once, print {job: how many things it did} as JSON, and exit",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self.once()
        else:
            self.worker()

    def once(self) -> None:
        with contextlib.redirect_stdout(sys.stderr):
            done = jobs.run_all(timezone.now())
            failed = list(
                JobRun.objects.filter(name__in=done)
                .exclude(error="")
                .values_list("name", flat=True)
            )
        self.stdout.write(json.dumps(done))
        if failed:
            raise CommandError(f"These jobs failed (see the log): {', '.join(failed)}")

    def worker(self) -> None:
        tick = max(1, int(getattr(settings, "RETURNHOME_JOBS_TICK", 30)))
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stderr.write(f"returnhome job worker {jobs.worker_name()} running every {tick} s")
        with contextlib.redirect_stdout(sys.stderr):
            while not stopping:
                close_old_connections()
                jobs.tick(lambda: stopping)
                for _ in range(tick):
                    if stopping:
                        break
                    time.sleep(1)
        self.stderr.write("returnhome job worker stopped")
