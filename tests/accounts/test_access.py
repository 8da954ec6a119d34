"""Every page and endpoint, for every member of the cast: who gets in, who does not.

One scenario: a child of the council with a closed episode whose RHI has an interview awaiting
review (with one proposed action), and an open episode. The police force in the cast reported both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from returnhome.accounts.models import Role, User
from returnhome.alerts.models import Alert
from returnhome.core.models import AuditEvent
from returnhome.imports.direct_reports import reporting
from returnhome.imports.direct_reports.reporting import MissingDetails
from returnhome.interviews import services
from returnhome.interviews.services import ActionProposal, InterviewDetails
from returnhome.organisations.models import Organisation
from returnhome.organisations.services import ContractDetails, add_contract
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory, OrganisationFactory, UserFactory, ago

EVERYONE = [
    "practitioner",
    "practitioner2",
    "manager",
    "front_door",
    "police",
    "partner",
    "outsider",
    "reporter",
    "performance",
    "admin",
    "social_worker",
]
COUNCIL_STAFF = {
    "practitioner",
    "practitioner2",
    "manager",
    "front_door",
    "performance",
    "admin",
    "social_worker",
}
CHILD_RECORDS = COUNCIL_STAFF | {"police"}
INTERVIEW_READERS = {"practitioner", "practitioner2", "manager", "social_worker"}
FRONT_DOOR = {"front_door", "manager"}
RHI_WORKERS = {"practitioner", "manager"}  # the allocated worker and the team manager
# The partner is a manager at another council: its own lists open, but hold none of our records.
PARTNER = {"partner"}
REPORT_READERS = {"manager", "performance", "admin"} | PARTNER
REPORTERS = {"reporter", "social_worker"}
FOI_QUERY = "?questionnaire=seed-000&date_from=2025-04-01&date_to=2026-03-31"
# Statutory returns list the council's looked after children by ID: the same readers as reports.
SSDA903_QUERY = "?year=2026"
ANNEX_A_QUERY = "?date_from=2025-04-01&date_to=2026-03-31"
# The meeting pack names children: the council's managers, front door and performance leads.
MEETING_PACK = {"manager", "front_door", "performance"} | PARTNER
# The partner's council has no police force or region in the cast: nothing to download.
BENCHMARK_DOWNLOAD = REPORT_READERS - PARTNER


@dataclass
class Scenario:
    child_pk: int
    episode_pk: int
    open_episode_pk: int
    rhi_pk: int
    interview_pk: int
    action_pk: int
    report_pk: int = 0
    alert_pk: int = 0
    contract_pk: int = 0


@pytest.fixture
def scenario(cast: Cast) -> Scenario:
    child = ChildFactory(council=cast.council, surname="Scenariochild")
    rhi = returned(cast, missing(cast, child, ago(days=3)), ago(days=2))
    services.allocate_rhi(rhi, cast.practitioner, acting_user=cast.manager)
    services.record_offer(
        rhi, offer_made_at=ago(days=1), offered_to="child", acting_user=cast.practitioner
    )
    services.record_outcome(rhi, outcome="accepted", acting_user=cast.practitioner)
    record = services.record_interview(
        [rhi],
        InterviewDetails(
            kind="interview",
            held_at=ago(hours=20),
            place="home",
            mode="face_to_face",
            time_alone=True,
        ),
        [ActionProposal("Refer to youth service", "youth_service")],
        acting_user=cast.practitioner,
    )
    open_episode = missing(cast, child, ago(hours=5))
    # A direct report by another home's worker, of another child (the cast's reporter made none).
    other_home = OrganisationFactory(kind=Organisation.Kind.CHILDRENS_HOME)
    worker = UserFactory(organisation=other_home, role=Role.REPORTER)
    report = reporting.report_missing(
        worker,
        council=cast.council,
        details=MissingDetails(
            forename="Reported",
            surname="Scenariochild",
            last_seen_at=ago(hours=2),
            missing_from="Another home",
            reported_to_police=False,
        ),
    )
    alert = Alert.objects.filter(recipient=cast.front_door).get()
    contract = add_contract(
        cast.council,
        ContractDetails("Open Door", "rhi", start_date=dt.date(2024, 4, 1)),
        acting_user=cast.admin,
    )
    return Scenario(
        child.pk,
        rhi.episode_id,
        open_episode.pk,
        rhi.pk,
        record.pk,
        record.actions.get().pk,
        report.pk,
        alert.pk,
        contract.pk,
    )


def pages(s: Scenario) -> list[tuple[str, set[str]]]:
    return [
        (reverse("episodes:open"), CHILD_RECORDS | PARTNER),
        (reverse("episodes:record_missing"), FRONT_DOOR | PARTNER),
        (reverse("episodes:record_missing_new_child"), FRONT_DOOR | PARTNER),
        (reverse("episodes:record_missing_for", args=[s.child_pk]), FRONT_DOOR),
        (reverse("episodes:detail", args=[s.episode_pk]), CHILD_RECORDS),
        (reverse("episodes:record_found", args=[s.open_episode_pk]), FRONT_DOOR),
        (reverse("children:list"), CHILD_RECORDS | PARTNER),
        (reverse("children:detail", args=[s.child_pk]), CHILD_RECORDS),
        (reverse("children:edit", args=[s.child_pk]), FRONT_DOOR),
        (reverse("children:add_legal_status", args=[s.child_pk]), FRONT_DOOR),
        (reverse("children:add_placement", args=[s.child_pk]), FRONT_DOOR),
        (reverse("children:add_alias", args=[s.child_pk]), FRONT_DOOR),
        (reverse("interviews:mine"), COUNCIL_STAFF | PARTNER),
        (reverse("interviews:team"), COUNCIL_STAFF | PARTNER),
        (reverse("interviews:rhi", args=[s.rhi_pk]), COUNCIL_STAFF),
        (reverse("interviews:allocate", args=[s.rhi_pk]), {"manager"}),
        (reverse("interviews:contact", args=[s.rhi_pk]), RHI_WORKERS),
        (reverse("interviews:consent", args=[s.rhi_pk]), RHI_WORKERS),
        (reverse("interviews:offer", args=[s.rhi_pk]), RHI_WORKERS),
        (reverse("interviews:outcome", args=[s.rhi_pk]), RHI_WORKERS),
        (reverse("interviews:record_interview", args=[s.rhi_pk]), RHI_WORKERS),
        (reverse("interviews:record_carer_only", args=[s.rhi_pk]), RHI_WORKERS),
        (reverse("interviews:interview", args=[s.interview_pk]), INTERVIEW_READERS),
        (reverse("interviews:review", args=[s.interview_pk]), {"manager"}),
        (reverse("followup:list"), INTERVIEW_READERS | PARTNER),
        (reverse("followup:action", args=[s.action_pk]), INTERVIEW_READERS),
        (reverse("organisations:service"), {"admin"}),
        # Figures for the user's own council only (no child named): the partner sees its own.
        (reverse("reports:indicators"), REPORT_READERS),
        (reverse("reports:indicators_csv"), REPORT_READERS),
        (reverse("reports:indicators_xlsx"), REPORT_READERS),
        (reverse("reports:dashboard"), REPORT_READERS),
        (reverse("reports:dashboard_download", args=["csv"]) + "?table=repeat", REPORT_READERS),
        (reverse("reports:dashboard_download", args=["xlsx"]) + "?table=funnel", REPORT_READERS),
        (reverse("reports:meeting_pack"), MEETING_PACK),
        (reverse("reports:meeting_pack_pdf"), MEETING_PACK),
        (reverse("reports:meeting_pack_csv") + "?table=missing", MEETING_PACK),
        (reverse("reports:meeting_pack_xlsx") + "?table=overdue", MEETING_PACK),
        (reverse("reports:benchmark"), REPORT_READERS),
        (
            reverse("reports:benchmark_download", args=["csv"]) + "?table=councils",
            BENCHMARK_DOWNLOAD,
        ),
        (
            reverse("reports:benchmark_download", args=["xlsx"]) + "?table=councils",
            BENCHMARK_DOWNLOAD,
        ),
        (reverse("organisations:delivery"), {"admin"}),
        (reverse("organisations:contract_add"), {"admin"}),
        (reverse("organisations:contract_edit", args=[s.contract_pk]), {"admin"}),
        (reverse("organisations:contract_end", args=[s.contract_pk]), {"admin"}),
        (reverse("reports:foi"), REPORT_READERS),
        (reverse("reports:foi") + FOI_QUERY, REPORT_READERS),
        (reverse("reports:foi_download", args=["md"]) + FOI_QUERY, REPORT_READERS),
        (reverse("reports:foi_download", args=["docx"]) + FOI_QUERY, REPORT_READERS),
        (reverse("reports:exports"), REPORT_READERS),
        (reverse("reports:exports") + SSDA903_QUERY, REPORT_READERS),
        (reverse("reports:exports") + ANNEX_A_QUERY, REPORT_READERS),
        (
            reverse("reports:export_download", args=["ssda903-missing", "csv"]) + SSDA903_QUERY,
            REPORT_READERS,
        ),
        (
            reverse("reports:export_download", args=["ssda903-missing", "xlsx"]) + SSDA903_QUERY,
            REPORT_READERS,
        ),
        (
            reverse("reports:export_download", args=["annex-a-list-8", "csv"]) + ANNEX_A_QUERY,
            REPORT_READERS,
        ),
        (
            reverse("reports:export_download", args=["annex-a-list-8", "xlsx"]) + ANNEX_A_QUERY,
            REPORT_READERS,
        ),
        # Direct reporting: reporters and social workers report; a report is seen by its reporter,
        # the receiving council's staff and the police force told (not by other reporters).
        (reverse("reporting:mine"), REPORTERS),
        (reverse("reporting:report_missing"), REPORTERS),
        (reverse("reporting:detail", args=[s.report_pk]), CHILD_RECORDS),
        (reverse("reporting:report_return", args=[s.report_pk]), set()),
        # Everyone signed in has an inbox; an alert opens for its recipient only (POST).
        (reverse("alerts:inbox"), set(EVERYONE)),
        *front_door_pages(s),
    ]


def front_door_pages(s: Scenario) -> list[tuple[str, set[str]]]:
    """The front door's queue, an item, a waiting found notification, merging and its undo."""
    from returnhome.children.models import Child, ChildMerge
    from returnhome.children.services import merge_children
    from returnhome.episodes.models import Episode
    from returnhome.imports.models import PendingNotification, ReviewItem

    child = Child.objects.get(pk=s.child_pk)
    episode = Episode.objects.get(pk=s.episode_pk)
    when = {"event_at": episode.reported_missing_at, "received_at": episode.reported_missing_at}
    item, _ = ReviewItem.objects.get_or_create(
        council=child.council,
        reason=ReviewItem.Reason.UNCERTAIN_MATCH,
        event="missing",
        defaults={**when, "data": {"surname": "Scenariochild"}, "suggested_child": child},
    )
    pending, _ = PendingNotification.objects.get_or_create(
        council=child.council,
        police_force=episode.police_force,
        police_reference="SCN-WAIT",
        defaults={**when, "content": {"surname": "Scenariochild"}, "child": child},
    )
    merge = ChildMerge.objects.filter(keep=child).first()
    if merge is None:
        duplicate = ChildFactory(council=child.council, surname="Scenariochild")
        front_door = User.objects.get(username="frontdoor")
        merge = merge_children(child, duplicate, acting_user=front_door, reason="Same child")
    return [
        (reverse("imports:queue"), FRONT_DOOR | PARTNER),
        (reverse("imports:item", args=[item.pk]), FRONT_DOOR),
        (reverse("imports:pending", args=[pending.pk]), FRONT_DOOR),
        (reverse("imports:merge_choose", args=[s.child_pk]), FRONT_DOOR),
        (reverse("imports:merge_confirm", args=[s.child_pk, merge.duplicate_id]), FRONT_DOOR),
        (reverse("imports:undo_merge", args=[merge.pk]), FRONT_DOOR),
    ]


@pytest.mark.parametrize("who", EVERYONE)
def test_every_page_lets_in_exactly_who_it_should(cast: Cast, scenario: Scenario, who: str) -> None:
    client = Client()
    client.force_login(getattr(cast, who))
    wrong = []
    for url, allowed in pages(scenario):
        response = client.get(url)
        status = response.status_code
        expected_ok = who in allowed
        if (status == 200) != expected_ok or status not in (200, 403, 404):
            wrong.append(f"{url}: {status} (expected {'200' if expected_ok else '403/404'})")
        if who not in CHILD_RECORDS and b"Scenariochild" in response.content:
            wrong.append(f"{url}: shows the child to {who}")
    assert not wrong, "\n".join(wrong)


def test_signed_out_visitors_are_sent_to_sign_in(scenario: Scenario) -> None:
    client = Client()
    for url, _ in pages(scenario):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), (
            url
        )


@pytest.mark.parametrize("who", EVERYONE)
def test_home_sends_each_role_to_their_work(cast: Cast, who: str) -> None:
    client = Client()
    client.force_login(getattr(cast, who))
    response = client.get(reverse("home"))
    if who == "outsider":
        assert response.status_code == 403
    else:
        assert response.status_code == 302


def test_reading_a_childs_record_is_audited(cast: Cast, scenario: Scenario) -> None:
    client = Client()
    client.force_login(cast.practitioner)
    client.get(reverse("children:detail", args=[scenario.child_pk]))
    assert AuditEvent.objects.filter(
        actor=cast.practitioner,
        kind="read",
        object_type="children.child",
        child_id=scenario.child_pk,
    ).exists()


def test_lists_only_show_the_users_own_organisation(cast: Cast, scenario: Scenario) -> None:
    other = ChildFactory(council=cast.partner_council, forename="Elsewhere")
    client = Client()
    client.force_login(cast.front_door)
    assert b"Elsewhere" not in client.get(reverse("children:list")).content
    client.force_login(cast.partner)
    content = client.get(reverse("children:list")).content
    assert b"Elsewhere" in content and other.surname.encode() in content
    assert client.get(reverse("children:detail", args=[scenario.child_pk])).status_code == 404


def test_security_headers(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.manager)
    response = client.get(reverse("interviews:team"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("who", EVERYONE)
def test_the_api_takes_tokens_not_sessions(cast: Cast, scenario: Scenario, who: str) -> None:
    """The police API (docs/formats/api.md) answers every signed-in user 401, as JSON."""
    client = Client()
    client.force_login(getattr(cast, who))
    for response in (
        client.get(reverse("api:notification", args=["ANY-1"])),
        client.post(reverse("api:notifications"), "{}", content_type="application/json"),
    ):
        assert response.status_code == 401
        assert response.json()["errors"][0]["field"] == "Authorization"


@pytest.mark.parametrize("who", EVERYONE)
def test_an_alert_opens_only_for_its_recipient(cast: Cast, scenario: Scenario, who: str) -> None:
    client = Client()
    client.force_login(getattr(cast, who))
    response = client.post(reverse("alerts:open", args=[scenario.alert_pk]))
    if who == "front_door":
        assert response.status_code == 302
        assert response["Location"] == Alert.objects.get(pk=scenario.alert_pk).link
    else:
        assert response.status_code == 404
