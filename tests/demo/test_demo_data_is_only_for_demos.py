"""`demo-data` is only for demos: never in production, never next to records it did not make, and
what it removes is only what it made (issue 11, finding 5: on a real database it added fake
children and accounts with the published password, and its --reset would have deleted real
review items and import runs)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.children.models import Child
from returnhome.core.models import AuditEvent
from returnhome.demo.common import DEFAULT_PASSWORD
from returnhome.demo.pools import MAIN_AREA
from returnhome.demo.records import demo_children, fingerprint
from returnhome.demo.setup import DEMO_USERNAMES
from returnhome.imports.models import ImportRun, ReviewItem
from returnhome.organisations.models import Organisation
from tests.factories import ChildFactory, UserFactory

SMALL = {"seed": 5, "children": 3, "today": "2026-03-14"}


def counts() -> dict[str, int]:
    return {
        "children": Child.objects.count(),
        "users": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_refused_in_production_unless_demos_are_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RETURNHOME_ALLOW_DEMO", raising=False)
    before = counts()
    for extra in ({}, {"if_empty": True}, {"reset": True}, {"remove": True}):
        with pytest.raises(CommandError, match="RETURNHOME_ALLOW_DEMO=true"):
            call_command("demo-data", stdout=io.StringIO(), **SMALL, **extra)
    assert counts() == before
    monkeypatch.setenv("RETURNHOME_ALLOW_DEMO", "false")
    with pytest.raises(CommandError, match="for demos only"):
        call_command("demo-data", stdout=io.StringIO(), **SMALL)
    assert counts() == before


@pytest.mark.django_db
def test_refuses_a_database_holding_a_child_or_a_user_it_did_not_make() -> None:
    real = ChildFactory()
    before = counts()
    with pytest.raises(CommandError, match=f"did not make.*child {real.pk}") as refused:
        call_command("demo-data", stdout=io.StringIO(), **SMALL)
    assert "nothing was changed" in str(refused.value)
    assert counts() == before
    # --reset is refused too, and --if-empty loads nothing (and says why).
    with pytest.raises(CommandError, match="did not make"):
        call_command("demo-data", stdout=io.StringIO(), reset=True, **SMALL)
    out = io.StringIO()
    call_command("demo-data", stdout=out, if_empty=True, **SMALL)
    assert "did not make" in out.getvalue() and "not loaded" in out.getvalue()
    assert counts() == before

    real.delete()
    someone = UserFactory(username="real-admin")
    before = counts()
    with pytest.raises(CommandError, match="users: real-admin"):
        call_command("demo-data", stdout=io.StringIO(), **SMALL)
    assert counts() == before
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()
    assert someone.pk in User.objects.values_list("pk", flat=True)


@pytest.mark.django_db
def test_reset_and_remove_take_away_only_what_demo_data_made_and_keep_the_audit_trail() -> None:
    call_command("demo-data", stdout=io.StringIO(), **SMALL)
    built = fingerprint()
    users = dict(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", "pk"))
    audit = set(AuditEvent.objects.values_list("pk", flat=True))
    assert audit

    # --reset builds the same data again; no audit row goes, the same user accounts come back.
    call_command("demo-data", stdout=io.StringIO(), reset=True, **SMALL)
    assert fingerprint() == built
    assert audit <= set(AuditEvent.objects.values_list("pk", flat=True))
    assert (
        dict(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", "pk"))
        == users
    )

    # A real child in the demo council, sent to the front door by a real import.
    council = Organisation.objects.get(la_code=MAIN_AREA.la_code)
    real = ChildFactory(council=council, forename="Real", la_child_id="REAL-1")
    run = ImportRun.objects.create(council=council, file_name="real.csv", started_at=timezone.now())
    item = ReviewItem.objects.create(
        council=council,
        reason=ReviewItem.Reason.UNCERTAIN_MATCH,
        event="missing",
        event_at=timezone.now(),
        received_at=timezone.now(),
        suggested_child=real,
        import_run=run,
    )
    demo_fingerprint = fingerprint()
    # Building again next to it is refused, and nothing changes.
    with pytest.raises(CommandError, match=f"child {real.pk}"):
        call_command("demo-data", stdout=io.StringIO(), reset=True, **SMALL)
    assert fingerprint() == demo_fingerprint

    audit = set(AuditEvent.objects.values_list("pk", flat=True))
    out = io.StringIO()
    call_command("demo-data", stdout=out, remove=True)
    assert "Removed demo data" in out.getvalue()
    assert not demo_children().exists()
    # What demo-data did not make is untouched.
    assert Child.objects.get(pk=real.pk).forename == "Real"
    assert ReviewItem.objects.get(pk=item.pk).suggested_child_id == real.pk
    assert ImportRun.objects.filter(pk=run.pk).exists()
    # Every audit row is kept.
    assert audit <= set(AuditEvent.objects.values_list("pk", flat=True))
    # Its users are deactivated, not deleted, and the published password no longer signs in.
    demo_users = User.objects.filter(username__in=DEMO_USERNAMES)
    assert demo_users.count() == len(DEMO_USERNAMES)
    assert not demo_users.filter(is_active=True).exists()
    assert not any(user.check_password(DEFAULT_PASSWORD) for user in demo_users)
