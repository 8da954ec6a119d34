"""Background jobs: one registry (name → function, how often), run by `returnhome jobs run`.

A job is a function taking the time it runs at (`now`, so tests freeze time by passing it) and
returning how many things it did. It lives in the app whose records it reads (`<app>/jobs.py`)
and registers itself with `@job(...)`; the registry finds those modules in the installed
returnhome apps. A job must be safe to run again at any moment: whatever it sends carries a key
in the database (see `alerts.services.notify`), so a second run, or a second worker, does nothing
more. The worker runs each job when its interval has passed since it last started; of several
workers only one runs it (`claim`). `jobs run --once` runs every job once.

The worker writes a heartbeat; `worker_heartbeat` (a readiness check, RETURNHOME_READINESS_CHECKS)
fails when it is older than RETURNHOME_WORKER_MAX_AGE seconds once a worker has ever run, or when
none has and RETURNHOME_REQUIRE_WORKER is true.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from returnhome.core.models import JobRun, WorkerHeartbeat

log = logging.getLogger(__name__)

JobFunction = Callable[[dt.datetime], int]


@dataclass(frozen=True)
class Job:
    name: str
    function: JobFunction
    every: dt.timedelta
    order: int  # lower first: jobs that raise alerts before the one that emails them

    def __str__(self) -> str:
        return self.name


_registry: dict[str, Job] = {}
_discovered = False


def job(
    name: str, *, every: dt.timedelta = dt.timedelta(minutes=1), order: int = 50
) -> Callable[[JobFunction], JobFunction]:
    """Register a job under `name`, run by the worker every `every`."""

    def register(function: JobFunction) -> JobFunction:
        _registry[name] = Job(name, function, every, order)
        return function

    return register


def registry() -> list[Job]:
    """Every job of the installed returnhome apps, in the order they run."""
    global _discovered
    if not _discovered:
        for config in apps.get_app_configs():
            if config.name.startswith("returnhome.") and find_spec(f"{config.name}.jobs"):
                import_module(f"{config.name}.jobs")
        _discovered = True
    return sorted(_registry.values(), key=lambda j: (j.order, j.name))


def run_job(entry: Job, now: dt.datetime) -> int:
    """Run one job, recording when, what it did and any error (logged, never raised)."""
    run, _ = JobRun.objects.get_or_create(name=entry.name, defaults={"started_at": now})
    run.started_at, run.finished_at, run.error = now, None, ""
    try:
        done = int(entry.function(now))
    except Exception as exc:
        log.exception("Job %s failed", entry.name)
        done, run.error = 0, f"{type(exc).__name__}: {exc}"[:300]
    run.finished_at, run.done, run.runs = timezone.now(), done, run.runs + 1
    run.save()
    log.info("Job %s did %s", entry.name, done)
    return done


def run_all(now: dt.datetime | None = None) -> dict[str, int]:
    """Run every job once: {job name: how many things it did}."""
    now = now or timezone.now()
    return {entry.name: run_job(entry, now) for entry in registry()}


def due(now: dt.datetime) -> list[Job]:
    """The jobs whose interval has passed since they last started."""
    last = dict(JobRun.objects.values_list("name", "started_at"))
    return [j for j in registry() if j.name not in last or now - last[j.name] >= j.every]


def claim(entry: Job, now: dt.datetime) -> bool:
    """Take a due job for this worker: one conditional UPDATE (or the first run's INSERT), so of
    several workers that saw it due at the same moment exactly one runs it."""
    if JobRun.objects.filter(name=entry.name, started_at__lte=now - entry.every).update(
        started_at=now
    ):
        return True
    try:
        with transaction.atomic():
            JobRun.objects.create(name=entry.name, started_at=now)
    except IntegrityError:  # it has run before and is not due, or another worker just took it
        return False
    return True


def tick(stopping: Callable[[], bool] = lambda: False) -> dict[str, int]:
    """One turn of the worker: a heartbeat, then each due job this worker claims (a heartbeat
    after each). Several workers may tick at once (docs/deploy.md, "Scale-out")."""
    beat()
    done: dict[str, int] = {}
    for entry in due(timezone.now()):
        if stopping():
            break
        now = timezone.now()
        if not claim(entry, now):
            continue  # another worker has started it since we looked
        done[entry.name] = run_job(entry, now)
        beat()
    return done


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def beat(now: dt.datetime | None = None) -> None:
    """The worker is alive (and workers silent for a day are forgotten)."""
    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(worker=worker_name(), defaults={"beat_at": now})
    WorkerHeartbeat.objects.filter(beat_at__lt=now - dt.timedelta(days=1)).delete()


def worker_heartbeat() -> str | None:
    """Readiness: a job worker has reported within RETURNHOME_WORKER_MAX_AGE seconds."""
    latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    if latest is None:
        if getattr(settings, "RETURNHOME_REQUIRE_WORKER", False):
            return "no job worker has run: start `returnhome jobs run`"
        return None
    age = timezone.now() - latest
    if age > dt.timedelta(seconds=int(getattr(settings, "RETURNHOME_WORKER_MAX_AGE", 300))):
        return f"the job worker has not reported for {int(age.total_seconds() // 60)} minutes"
    return None


def lookback() -> dt.timedelta:
    """How far back a job looks for things to alert about (RETURNHOME_ALERT_LOOKBACK_DAYS), so a
    first run on years of records does not alert about each old one."""
    return dt.timedelta(days=int(getattr(settings, "RETURNHOME_ALERT_LOOKBACK_DAYS", 7)))
