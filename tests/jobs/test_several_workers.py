"""Several job workers against one database (docs/deploy.md, "Scale-out"): of the workers that see
a job due at the same moment exactly one runs it, and every alert is raised and emailed once."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from returnhome.alerts.models import Alert
from returnhome.core import jobs
from returnhome.core.models import JobRun
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory, ago


@pytest.mark.django_db
def test_a_due_job_is_claimed_by_one_worker_only() -> None:
    entry = jobs.registry()[0]
    now = timezone.now()
    assert jobs.claim(entry, now)  # never run: the first worker takes it
    assert not jobs.claim(entry, now)  # a second worker that saw it due at the same moment
    later = now + entry.every
    assert jobs.claim(entry, later)  # due again: taken once more
    assert not jobs.claim(entry, later)
    assert JobRun.objects.get(name=entry.name).started_at == later


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent connections: one worker on SQLite"
)
@pytest.mark.django_db(transaction=True)
def test_workers_ticking_at_once_run_each_job_once_and_alert_once(
    cast: Cast, settings: object
) -> None:
    cast.practitioner.email = "worker@example.org"
    cast.practitioner.save()
    for _ in range(3):  # RHIs with nobody allocated: the providers' managers hear of each
        child = ChildFactory(council=cast.council)
        returned(cast, missing(cast, child, ago(hours=30)), ago(hours=10))
    workers, start = 4, threading.Barrier(4)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait()
            results.append(jobs.tick())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    ran = [name for result in results for name in result]
    assert sorted(ran) == sorted(j.name for j in jobs.registry())  # each once, by some worker
    assert set(JobRun.objects.values_list("runs", flat=True)) == {1}
    keys = list(Alert.objects.exclude(key=None).values_list("key", flat=True))
    assert keys and len(keys) == len(set(keys))
    emailed = Alert.objects.exclude(emailed_to="")
    assert len(mail.outbox) == emailed.count()
