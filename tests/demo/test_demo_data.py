"""`returnhome demo-data`: a small, fixed demo data set has every state the product must show."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.db.models import Count, Max
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.alerts.models import Alert
from returnhome.children.models import Child
from returnhome.core.jobs import lookback
from returnhome.demo.common import (
    CHARITY_CODE,
    CHILD_ID_PREFIX,
    DEFAULT_PASSWORD,
    nhs_number_is_valid,
)
from returnhome.demo.pools import MAIN_AREA
from returnhome.demo.records import demo_children, fingerprint
from returnhome.demo.setup import DEMO_USERNAMES
from returnhome.demo.showcase import SMALLEST_DEMO
from returnhome.episodes.models import Episode
from returnhome.followup.models import ProposedAction
from returnhome.imports.models import ImportRun, PendingNotification, ReviewItem
from returnhome.interviews.jobs import DUE_SOON, rhi_deadlines
from returnhome.interviews.models import RHI, ContactAttempt, DeclineReason, Interview
from returnhome.lib.groups import Group
from returnhome.organisations.models import Organisation

TODAY = "2026-03-14"
OPTIONS = {"seed": 7, "children": 40, "today": TODAY}


def run(**extra: object) -> str:
    out = io.StringIO()
    call_command("demo-data", stdout=out, **OPTIONS, **extra)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_data_has_every_state_the_product_shows() -> None:
    output = run()

    main = Organisation.objects.get(la_code=MAIN_AREA.la_code)
    children = demo_children()
    # 40 planned, two across a boundary (demo/placed_out.py), and one new to the council in last
    # night's police file.
    assert children.count() == 43
    assert "frontdoor" in output and "Every demo user's password" in output

    groups = set(Episode.objects.filter(council=main).values_list("group", flat=True))
    assert groups == {g.value for g in Group}

    per_child = children.annotate(n=Count("episodes")).aggregate(most=Max("n"))["most"]
    assert per_child >= 30
    assert Episode.objects.open().filter(child__in=children).exists()

    reasons = set(
        RHI.objects.filter(outcome=RHI.Outcome.DECLINED).values_list("decline_reason", flat=True)
    )
    assert reasons == set(DeclineReason.values)
    assert RHI.objects.filter(outcome=RHI.Outcome.NOT_APPLICABLE).exclude(outcome_note="").exists()
    assert Interview.objects.filter(kind=Interview.Kind.CARER_ONLY).exists()
    assert Interview.objects.awaiting_review().exists()
    covering = RHI.objects.values("interview").annotate(n=Count("pk")).filter(n__gt=1)
    assert covering.exclude(interview=None).exists()
    assert set(ProposedAction.objects.values_list("status", flat=True)) == set(
        ProposedAction.Status.values
    )

    # Last night's police file left the front door work: decisions to make, a found notification
    # waiting for its missing one.
    reasons = set(
        ReviewItem.objects.filter(council=main, status="open").values_list("reason", flat=True)
    )
    assert {"uncertain_match", "already_missing"} <= reasons
    assert PendingNotification.objects.filter(council=main, status="waiting").exists()

    # Synthetic identifiers: NHS numbers pass the modulus 11 check.
    nhs = [n for n in children.values_list("nhs_number", flat=True) if n]
    assert nhs and all(nhs_number_is_valid(n) for n in nhs)
    assert User.objects.get(username="manager").check_password(DEFAULT_PASSWORD)

    # Nothing is in the future.
    now = timezone.now()
    for model in apps.get_models():
        if not model.__module__.startswith("returnhome."):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                latest = model._default_manager.aggregate(m=Max(field.name))["m"]
                assert latest is None or latest <= now, (model, field.name, latest)


@pytest.mark.django_db
def test_same_seed_and_today_give_the_same_data_and_reloading_needs_reset() -> None:
    small = {"seed": 3, "children": 12, "today": TODAY}
    call_command("demo-data", stdout=io.StringIO(), **small)
    first = fingerprint()
    assert len(first) > 12 + 50  # children, their episodes and actions
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo-data", stdout=io.StringIO(), **small)
    # An invalid option changes nothing, even with --reset.
    with pytest.raises(CommandError, match="future"):
        call_command("demo-data", stdout=io.StringIO(), reset=True, seed=3, today="2999-01-01")
    assert fingerprint() == first
    call_command("demo-data", stdout=io.StringIO(), reset=True, **small)
    assert fingerprint() == first
    # The 12 planned, the two across a boundary, and any the demo's overnight police file
    # recorded as new to the council.
    from_police_file = sum(r.summary.get("children_created", 0) for r in ImportRun.objects.all())
    assert Child.objects.filter(la_child_id__startswith=CHILD_ID_PREFIX).count() == (
        12 + 2 + from_police_file
    )
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERNAMES)


@pytest.mark.django_db
def test_if_empty_skips_a_database_with_data() -> None:
    call_command("demo-data", seed=1, children=3, today=TODAY, stdout=io.StringIO())
    before = fingerprint()
    out = io.StringIO()
    call_command("demo-data", seed=2, children=3, today=TODAY, if_empty=True, stdout=out)
    assert "not loaded" in out.getvalue()
    assert fingerprint() == before


def test_nhs_number_check_digit() -> None:
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    assert not nhs_number_is_valid("94347659")


@pytest.mark.django_db
def test_the_demo_has_a_child_placed_out_and_one_placed_in_with_packages() -> None:
    run()
    main = Organisation.objects.get(la_code=MAIN_AREA.la_code)
    out = Child.objects.get(la_child_id=f"{CHILD_ID_PREFIX}-X1")
    hosted = Child.objects.get(la_child_id=f"{CHILD_ID_PREFIX}-X2")
    assert out.council == main and out.placements.get().council_area != main
    assert hosted.council != main and hosted.placements.get().council_area == main
    for child in (out, hosted):
        assert child.package.places and child.package.sends.count() == 2
        assert Episode.objects.get(child=child).council == child.council


def build_moments(day: str) -> list[dt.datetime]:
    """The start of the build day (the demo's "now"), its middle and its last minute."""
    start = timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time()))
    return [
        start,
        start + dt.timedelta(hours=13, minutes=30),
        start + dt.timedelta(hours=23, minutes=59),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("seed", "children", "today"),
    [(7, 40, TODAY), (1, SMALLEST_DEMO, "2026-10-25"), (2, 10, "2026-12-05")],
)
def test_every_demo_holds_rhis_due_within_24_hours_and_past_their_deadline(
    seed: int, children: int, today: str
) -> None:
    # The smallest demo that holds them all, and one on the day the clocks go back.
    call_command("demo-data", seed=seed, children=children, today=today, stdout=io.StringIO())
    main = Organisation.objects.get(la_code=MAIN_AREA.la_code)
    practitioner = User.objects.get(username="practitioner")
    waiting = RHI.objects.filter(provider=main).awaiting_interview()

    # Whenever on its day the demo is built, the deadline alerts have both kinds to send.
    for now in build_moments(today):
        due_soon = waiting.filter(due_at__gt=now, due_at__lte=now + DUE_SOON)
        assert due_soon.filter(allocated_worker=practitioner).exists(), now
        assert due_soon.filter(status=RHI.Status.AWAITING_ALLOCATION).exists(), now
        breached = waiting.overdue(now).filter(
            due_at__gte=now - lookback(), allocated_worker__isnull=False
        )
        assert breached.count() >= 2, now
        assert breached.filter(allocated_worker=practitioner).exists()

    now = build_moments(today)[1]
    assert rhi_deadlines(now) > 0
    kinds = set(Alert.objects.values_list("kind", flat=True))
    assert {Alert.Kind.RHI_DUE_SOON, Alert.Kind.RHI_OVERDUE} <= kinds

    # Nothing in the future but deadlines: all that happened, happened before the build day.
    start = build_moments(today)[0]
    for model in (Episode, RHI, ContactAttempt, Interview):
        for field in model._meta.concrete_fields:
            if (
                isinstance(field, models.DateTimeField)
                and not field.name.startswith("due_")
                and not (field.auto_now or field.auto_now_add)  # the real clock's
            ):
                latest = model._default_manager.aggregate(m=Max(field.name))["m"]
                assert latest is None or latest < start, (model, field.name, latest)

    # The charity's practitioner has work of their own: some open, some done.
    theirs = RHI.objects.filter(allocated_worker__username="charity-practitioner")
    assert theirs.exists() and {r.provider.code for r in theirs} == {CHARITY_CODE}
    assert theirs.awaiting_interview().exists()
    assert theirs.exclude(status__in=RHI.WAITING_STATUSES).exists()


@pytest.mark.django_db
def test_a_demo_smaller_than_the_smallest_still_builds_what_it_can() -> None:
    call_command("demo-data", seed=1, children=SMALLEST_DEMO - 4, today=TODAY, stdout=io.StringIO())
    main = Organisation.objects.get(la_code=MAIN_AREA.la_code)
    now = build_moments(TODAY)[0]
    due_soon = RHI.objects.filter(provider=main, due_at__gt=now, due_at__lte=now + DUE_SOON)
    assert due_soon.awaiting_interview().filter(allocated_worker__username="practitioner").exists()
