"""A child looked after by council A and placed in council B (issue 12): A's front door records
the placement, naming the charity that will interview him; B's police file reports him missing
and found; the episode lands on A's one record, the RHI goes to the charity; both councils, both
forces and the charity each see exactly what they should, and a third force nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from returnhome.accounts.models import Role
from returnhome.children.models import Child, PackageSend
from returnhome.children.services import record_legal_status
from returnhome.episodes.models import Episode
from returnhome.interviews.models import RHI
from returnhome.organisations.models import Organisation
from tests.browser.test_journey import fill_when, sign_in
from tests.conftest import Cast
from tests.factories import ChildFactory, OrganisationFactory, PoliceFactory, UserFactory
from tests.imports.import_helpers import csv_bytes, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def import_for(council: Organisation, rows: list[dict[str, str]], tmp_path: Path) -> None:
    path = tmp_path / "police.csv"
    path.write_bytes(csv_bytes(rows))
    call_command("import-notifications", str(path), "--org", council.la_code, stdout=io.StringIO())


def test_a_child_placed_out_of_area_reaches_everyone_responsible(
    page: Any, live_server: Any, cast: Cast, tmp_path: Path
) -> None:
    a, b = cast.council, cast.partner_council
    b.name, b.police_force = "Hostshire Council", PoliceFactory(name="Hostshire Police")
    b.save()
    charity = OrganisationFactory(kind=Organisation.Kind.PROVIDER, name="Open Door Charity")
    UserFactory(organisation=b.police_force, role=Role.POLICE, username="hostpolice")
    UserFactory(organisation=charity, role=Role.MANAGER, username="charity")
    UserFactory(organisation=PoliceFactory(), role=Role.POLICE, username="farpolice")
    alfie = ChildFactory(
        council=a,
        forename="Alfie",
        surname="Brown",
        date_of_birth=dt.date(2010, 4, 3),
        sex="M",
        la_child_id="A-77",
        nhs_number="9990001234",
    )
    record_legal_status(
        alfie,
        status="looked_after",
        start_date=timezone.localdate() - dt.timedelta(days=400),
        acting_user=cast.front_door,
    )
    base = live_server.url
    start = timezone.localdate() - dt.timedelta(days=30)

    # A's front door records the placement in B: it asks who interviews him if he goes missing.
    sign_in(page, base, "frontdoor")
    page.goto(f"{base}/children/{alfie.pk}/placement/")
    page.get_by_label("Type of placement").select_option("home_private")
    page.get_by_label("Council area of the placement").select_option(str(b.pk))
    fill_when(page, "From", start)  # the GOV.UK date input: day, month, year
    page.get_by_role("button", name="Save").click()
    page.get_by_text("choose who interviews the child").first.wait_for()
    page.get_by_label("A commissioned provider").check()
    page.get_by_label("The organisation named to do it").select_option(str(charity.pk))
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Placement recorded").wait_for()
    page.get_by_text("Open Door Charity").first.wait_for()
    assert PackageSend.objects.filter(package__child=alfie).count() == 2  # B and B's force

    # B's police file: missing, then found. No second child at B; one episode on A's record.
    missing = row(
        force="Hostshire Police",
        police_reference="HOST-1",
        forename="Alfie",
        surname="Brown",
        date_of_birth="03/04/2010",
        sex="M",
        postcode="",
        la_child_id="A-77",
        la_code=a.la_code,
        event_at=(timezone.localtime() - dt.timedelta(hours=30)).strftime("%d/%m/%Y %H:%M"),
    )
    import_for(b, [missing], tmp_path)
    found = {
        **missing,
        "event": "found",
        "event_at": (timezone.localtime() - dt.timedelta(hours=6)).strftime("%d/%m/%Y %H:%M"),
        "last_seen_at": "",
        "risk_level": "",
    }
    import_for(b, [found], tmp_path)
    assert not Child.objects.filter(council=b).exists()
    episode = Episode.objects.get(child=alfie)
    assert episode.council == a and not episode.is_open
    assert RHI.objects.get(episode=episode).provider == charity

    # A's front door: its child's page holds the episode reported by B's police.
    page.goto(f"{base}/children/{alfie.pk}/")
    page.get_by_text("9990001234").wait_for()
    page.get_by_role("link", name="Reported missing").first.wait_for()
    page.get_by_text("Group: LAC-out, looked after by this council").first.wait_for()

    # B (the host council): the child without his NHS number; records the package's receipt.
    sign_in(page, base, "partner")
    page.goto(f"{base}/children/{alfie.pk}/")
    page.get_by_text("Record held by").wait_for()
    assert "9990001234" not in page.content()
    page.goto(f"{base}/children/packages/")
    page.get_by_role("button", name="Record receipt").click()
    page.get_by_text("Receipt recorded").wait_for()
    page.goto(f"{base}/episodes/{episode.pk}/")
    page.get_by_text("By Open Door Charity").wait_for()

    # Both forces see the episode page; neither the RHI.
    for force_user in ("police", "hostpolice"):
        sign_in(page, base, force_user)
        page.goto(f"{base}/episodes/{episode.pk}/")
        page.get_by_role("heading", name="Alfie Brown").wait_for()
        assert "Open the RHI" not in page.content() and "Interview summary" not in page.content()
        rhi = RHI.objects.get(episode=episode)
        assert page.goto(f"{base}/rhis/{rhi.pk}/").status == 404

    # The charity has the RHI in its team's queue.
    sign_in(page, base, "charity")
    page.goto(f"{base}/rhis/team/")
    page.get_by_text("Alfie Brown").first.wait_for()

    # A third force: nothing.
    sign_in(page, base, "farpolice")
    assert page.goto(f"{base}/episodes/{episode.pk}/").status == 404
    assert page.goto(f"{base}/children/{alfie.pk}/").status == 404
