"""Background jobs: each alert goes once to the right people, failed emails are retried, no email
names a child, `jobs run --once` answers one JSON object, and the worker's heartbeat feeds /readyz.

Time is frozen by passing `now` to the jobs: nothing sleeps."""

from __future__ import annotations

import datetime as dt
import json
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returnhome.accounts.models import Role, User
from returnhome.alerts.models import Alert
from returnhome.children.models import Child
from returnhome.core import jobs
from returnhome.core.models import JobRun, WorkerHeartbeat
from returnhome.followup.jobs import actions_due
from returnhome.followup.models import ProposedAction
from returnhome.interviews import services
from returnhome.interviews.jobs import (
    interviews_to_review,
    rhi_allocated,
    rhi_deadlines,
    rhi_to_allocate,
)
from returnhome.interviews.models import RHI, Interview
from returnhome.interviews.services import ActionProposal, InterviewDetails
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory, UserFactory, ago


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("the mail server is down")


@pytest.fixture
def mailboxes(cast: Cast) -> Cast:
    """The cast with email addresses, so alerts are emailed too."""
    for user in User.objects.all():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    for name in ("practitioner", "practitioner2", "manager"):
        getattr(cast, name).refresh_from_db()
    return cast


def allocated(cast: Cast, rhi: RHI, worker: User | None = None) -> RHI:
    return services.allocate_rhi(
        rhi, worker or cast.practitioner, expected_version=None, acting_user=cast.manager
    )


def emails_to(user: User) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if user.email in m.to]


def new_rhi(cast: Cast, child: Child | None = None) -> RHI:
    child = child or ChildFactory(council=cast.council)
    return returned(cast, missing(cast, child, ago(hours=30)), ago(hours=10))


@pytest.mark.django_db
class TestDeadlineAlerts:
    def test_the_worker_and_manager_hear_once_a_day_before_and_once_at_breach(
        self, mailboxes: Cast, returned_rhi: RHI
    ) -> None:
        cast = mailboxes
        rhi = allocated(cast, returned_rhi)
        assert rhi.due_at is not None
        day_before = rhi.due_at - dt.timedelta(hours=20)
        assert rhi_deadlines(day_before - dt.timedelta(hours=5)) == 0  # not yet within 24 hours
        assert rhi_deadlines(day_before) == 2
        assert rhi_deadlines(day_before + dt.timedelta(hours=1)) == 0
        soon = Alert.objects.filter(kind=Alert.Kind.RHI_DUE_SOON)
        assert {a.recipient_id for a in soon} == {cast.practitioner.pk, cast.manager.pk}

        breach = rhi.due_at + dt.timedelta(minutes=5)
        assert rhi_deadlines(breach) == 2
        assert rhi_deadlines(breach + dt.timedelta(hours=3)) == 0
        late = Alert.objects.filter(kind=Alert.Kind.RHI_OVERDUE)
        assert {a.recipient_id for a in late} == {cast.practitioner.pk, cast.manager.pk}
        assert {a.link for a in late} == {reverse("interviews:rhi", args=[rhi.pk])}

        jobs.run_all(breach)  # the emails follow, one per alert
        for person in (cast.practitioner, cast.manager):
            subjects = sorted(m.subject for m in emails_to(person) if "RHI d" in m.subject)
            assert subjects == sorted(
                [
                    f"returnhome: {Alert.Kind.RHI_DUE_SOON.label}",
                    f"returnhome: {Alert.Kind.RHI_OVERDUE.label}",
                ]
            )

    def test_an_rhi_interviewed_in_time_raises_no_breach(
        self, cast: Cast, returned_rhi: RHI
    ) -> None:
        rhi = allocated(cast, returned_rhi)
        services.record_offer(
            rhi,
            offer_made_at=ago(hours=2),
            offered_to="child",
            expected_version=None,
            acting_user=cast.practitioner,
        )
        services.record_outcome(
            rhi, outcome="accepted", expected_version=None, acting_user=cast.practitioner
        )
        services.record_interview(
            [rhi],
            InterviewDetails("interview", ago(hours=1), "home", "face_to_face", time_alone=True),
            [],
            acting_user=cast.practitioner,
        )
        assert rhi.due_at is not None
        assert rhi_deadlines(rhi.due_at + dt.timedelta(hours=1)) == 0

    def test_a_moved_deadline_alerts_again(self, cast: Cast, returned_rhi: RHI) -> None:
        rhi = allocated(cast, returned_rhi)
        assert rhi.due_at is not None
        assert rhi_deadlines(rhi.due_at - dt.timedelta(hours=1)) == 2
        RHI.objects.filter(pk=rhi.pk).update(due_at=rhi.due_at + dt.timedelta(hours=6))
        assert rhi_deadlines(rhi.due_at) == 2

    def test_two_runs_of_every_job_send_everything_once(
        self, mailboxes: Cast, returned_rhi: RHI
    ) -> None:
        rhi = allocated(mailboxes, returned_rhi)
        assert rhi.due_at is not None
        now = rhi.due_at - dt.timedelta(hours=2)
        first = jobs.run_all(now)
        assert first["rhi_deadlines"] == 2 and first["alert_emails"] == Alert.objects.count()
        sent = len(mail.outbox)
        assert sent == first["alert_emails"]
        second = jobs.run_all(now + dt.timedelta(minutes=1))
        assert set(second) == set(first) and set(second.values()) == {0}
        assert len(mail.outbox) == sent


@pytest.mark.django_db
class TestWorkArrives:
    def test_a_new_rhi_goes_to_the_providers_managers_once(
        self, cast: Cast, returned_rhi: RHI
    ) -> None:
        other_manager = UserFactory(organisation=cast.council, role=Role.MANAGER)
        assert rhi_to_allocate(timezone.now()) == 2
        assert rhi_to_allocate(timezone.now()) == 0
        alerted = Alert.objects.filter(kind=Alert.Kind.RHI_REFERRED).values_list(
            "recipient_id", flat=True
        )
        assert set(alerted) == {cast.manager.pk, other_manager.pk}
        allocated(cast, returned_rhi)
        assert rhi_to_allocate(timezone.now()) == 0

    def test_an_allocation_goes_to_the_worker_and_a_reallocation_to_the_next(
        self, cast: Cast, returned_rhi: RHI
    ) -> None:
        allocated(cast, returned_rhi)
        assert rhi_allocated(timezone.now()) == 1
        assert rhi_allocated(timezone.now()) == 0
        allocated(cast, returned_rhi, cast.practitioner2)
        assert rhi_allocated(timezone.now()) == 1
        recipients = Alert.objects.filter(kind=Alert.Kind.RHI_ALLOCATED).values_list(
            "recipient_id", flat=True
        )
        assert sorted(recipients) == sorted([cast.practitioner.pk, cast.practitioner2.pk])

    def test_a_submitted_interview_goes_to_the_reviewer_once(
        self, cast: Cast, returned_rhi: RHI
    ) -> None:
        record = interviewed(cast, returned_rhi, owner="Jo")
        assert interviews_to_review(timezone.now()) == 1
        assert interviews_to_review(timezone.now()) == 0
        alert = Alert.objects.get(kind=Alert.Kind.INTERVIEW_SUBMITTED)
        assert alert.recipient_id == cast.manager.pk
        assert alert.link == reverse("interviews:review", args=[record.pk])


def interviewed(cast: Cast, rhi: RHI, *, owner: str, due: dt.date | None = None) -> Interview:
    allocated(cast, rhi)
    services.record_offer(
        rhi,
        offer_made_at=ago(hours=2),
        offered_to="child",
        expected_version=None,
        acting_user=cast.practitioner,
    )
    services.record_outcome(
        rhi, outcome="accepted", expected_version=None, acting_user=cast.practitioner
    )
    return services.record_interview(
        [rhi],
        InterviewDetails("interview", ago(hours=1), "home", "face_to_face", time_alone=True),
        [ActionProposal("Refer to the exploitation team", "sexual_exploitation", owner, due)],
        acting_user=cast.practitioner,
    )


def agreed_action(cast: Cast, rhi: RHI, *, owner: str, due: dt.date) -> ProposedAction:
    record = interviewed(cast, rhi, owner=owner, due=due)
    action = record.actions.get()
    services.review_interview(
        record, responses={action.pk: ("agreed", "")}, acting_user=cast.manager
    )
    action.refresh_from_db()
    return action


@pytest.mark.django_db
class TestActions:
    def test_the_owner_hears_when_it_falls_due_and_when_overdue(
        self, mailboxes: Cast, returned_rhi: RHI
    ) -> None:
        cast = mailboxes
        due = timezone.localdate() + dt.timedelta(days=3)
        action = agreed_action(cast, returned_rhi, owner=cast.practitioner2.email, due=due)
        on_the_day = timezone.make_aware(dt.datetime.combine(due, dt.time(9)))
        assert actions_due(on_the_day - dt.timedelta(days=1)) == 0
        assert actions_due(on_the_day) == 1
        assert actions_due(on_the_day + dt.timedelta(hours=3)) == 0
        assert actions_due(on_the_day + dt.timedelta(days=1)) == 1
        assert actions_due(on_the_day + dt.timedelta(days=2)) == 0
        kinds = Alert.objects.filter(recipient=cast.practitioner2).values_list("kind", flat=True)
        assert sorted(kinds) == sorted([Alert.Kind.ACTION_DUE, Alert.Kind.ACTION_OVERDUE])
        action.status = ProposedAction.Status.DONE
        action.save()
        assert actions_due(on_the_day + dt.timedelta(days=3)) == 0

    def test_an_owner_who_is_not_a_user_means_the_practitioner_who_proposed_it(
        self, cast: Cast, returned_rhi: RHI
    ) -> None:
        due = timezone.localdate() + dt.timedelta(days=1)
        agreed_action(cast, returned_rhi, owner="School DSL", due=due)
        assert actions_due(timezone.make_aware(dt.datetime.combine(due, dt.time(9)))) == 1
        assert Alert.objects.get(kind=Alert.Kind.ACTION_DUE).recipient_id == cast.practitioner.pk


@pytest.mark.django_db
class TestRetry:
    def test_a_failed_email_is_recorded_and_sent_by_the_next_run(
        self, mailboxes: Cast, returned_rhi: RHI, settings: Any
    ) -> None:
        rhi = allocated(mailboxes, returned_rhi)
        assert rhi.due_at is not None
        now = rhi.due_at - dt.timedelta(hours=2)
        settings.EMAIL_BACKEND = "tests.jobs.test_jobs.FailingBackend"
        first = jobs.run_all(now)
        assert first["rhi_deadlines"] == 2 and first["alert_emails"] == 0
        failed = Alert.objects.filter(kind=Alert.Kind.RHI_DUE_SOON)
        assert {(a.email_state, a.email_attempts) for a in failed} == {(Alert.Email.FAILED, 1)}
        assert all("mail server is down" in a.email_error for a in failed)

        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        second = jobs.run_all(now + dt.timedelta(minutes=1))
        assert second["rhi_deadlines"] == 0
        assert second["alert_emails"] == Alert.objects.count() == len(mail.outbox)
        assert set(Alert.objects.values_list("email_state", flat=True)) == {Alert.Email.SENT}
        assert set(jobs.run_all(now + dt.timedelta(minutes=2)).values()) == {0}

    def test_retries_stop_after_the_configured_attempts(
        self, mailboxes: Cast, returned_rhi: RHI, settings: Any
    ) -> None:
        rhi = allocated(mailboxes, returned_rhi)
        assert rhi.due_at is not None
        now = rhi.due_at - dt.timedelta(hours=2)
        settings.RETURNHOME_ALERT_EMAIL_ATTEMPTS = 2
        settings.EMAIL_BACKEND = "tests.jobs.test_jobs.FailingBackend"
        jobs.run_all(now)
        jobs.run_all(now)
        assert set(Alert.objects.values_list("email_state", "email_attempts")) == {
            (Alert.Email.GAVE_UP, 2)
        }
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert jobs.run_all(now)["alert_emails"] == 0 and mail.outbox == []


DISTINCTIVE = [
    ("Zebediah", "Quillfeather"),
    ("Persephone", "Marchbanks"),
    ("Ignatius", "Thorncastle"),
]


@pytest.mark.django_db
def test_no_email_names_a_child_and_the_digest_counts_the_team(mailboxes: Cast) -> None:
    cast = mailboxes
    children = [
        ChildFactory(council=cast.council, forename=first, surname=last)
        for first, last in DISTINCTIVE
    ]
    rhis = [new_rhi(cast, child) for child in children]
    allocated(cast, rhis[0])
    due = timezone.localdate() + dt.timedelta(days=1)
    agreed_action(cast, rhis[1], owner="Key worker", due=due)
    # A Monday morning a day after the action fell due: every job has something to do.
    day = due + dt.timedelta(days=1)
    monday = day + dt.timedelta(days=(7 - day.weekday()) % 7)
    now = timezone.make_aware(dt.datetime.combine(monday, dt.time(9, 30)))
    for rhi in rhis:  # one due within 24 hours, the others past their deadline
        RHI.objects.filter(pk=rhi.pk).update(due_at=now - dt.timedelta(hours=1))
    RHI.objects.filter(pk=rhis[0].pk).update(due_at=now + dt.timedelta(hours=3))

    done = jobs.run_all(now)
    assert done["daily_digest"] >= 1 and done["meeting_pack"] >= 1 and done["rhi_deadlines"] >= 1
    assert mail.outbox and len(mail.outbox) == done["alert_emails"]
    names = {n for child in children for n in (child.forename, child.surname)}
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        assert not [n for n in names if n.lower() in text.lower()], text

    digest = [m for m in emails_to(cast.manager) if Alert.Kind.DAILY_DIGEST.label in m.subject]
    assert len(digest) == 1
    waiting = RHI.objects.filter(provider=cast.council).awaiting_interview()
    expected = {
        "RHIs to allocate": waiting.filter(status=RHI.Status.AWAITING_ALLOCATION).count(),
        "RHIs due within 24 hours": 1,
        "RHIs past their deadline": waiting.filter(due_at__lt=now).count(),
    }
    for what, count in expected.items():
        assert f"{what}: {count}\n" in digest[0].body
    assert expected["RHIs to allocate"] == len(rhis) - 1 - 1  # one allocated, one interviewed
    assert set(jobs.run_all(now + dt.timedelta(minutes=5)).values()) == {0}


@pytest.mark.django_db
def test_jobs_run_once_prints_one_json_object_alone_on_stdout(
    mailboxes: Cast, returned_rhi: RHI, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # prints mail
    rhi = allocated(mailboxes, returned_rhi)
    RHI.objects.filter(pk=rhi.pk).update(due_at=timezone.now() + dt.timedelta(hours=3))

    call_command("jobs", "run", "--once")
    out, err = capsys.readouterr()
    assert out.endswith("\n") and out.count("\n") == 1
    answer = json.loads(out)
    assert isinstance(answer, dict) and "rhi_deadlines" in answer
    assert all(type(v) is int for v in answer.values())
    assert answer["rhi_deadlines"] == 2
    assert "RHI due within 24 hours" in err  # the console backend's email went to stderr

    call_command("jobs", "run", "--once")
    again = json.loads(capsys.readouterr().out)
    assert again.keys() == answer.keys() and set(again.values()) == {0}
    assert JobRun.objects.get(name="rhi_deadlines").runs == 2


def readyz() -> tuple[int, dict[str, Any]]:
    response = Client().get("/readyz")
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
class TestHeartbeat:
    def test_ready_without_a_worker_unless_one_is_required(self, settings: Any) -> None:
        assert readyz()[0] == 200
        settings.RETURNHOME_REQUIRE_WORKER = True
        status, body = readyz()
        assert status == 503 and "no job worker" in body["checks"]["worker_heartbeat"]

    def test_a_worker_tick_beats_and_runs_the_due_jobs(self, settings: Any) -> None:
        settings.RETURNHOME_REQUIRE_WORKER = True
        first = jobs.tick()
        assert set(first) == {j.name for j in jobs.registry()}
        assert jobs.tick() == {}  # none is due again yet
        assert WorkerHeartbeat.objects.count() == 1
        assert readyz() == (200, readyz()[1]) and readyz()[1]["status"] == "ready"

    def test_a_stale_heartbeat_makes_the_service_not_ready(self, settings: Any) -> None:
        settings.RETURNHOME_WORKER_MAX_AGE = 300
        jobs.beat(timezone.now() - dt.timedelta(minutes=10))
        status, body = readyz()
        assert status == 503
        assert body["checks"]["worker_heartbeat"] == (
            "the job worker has not reported for 10 minutes"
        )
        jobs.beat()
        assert readyz()[0] == 200
