"""Every page and endpoint, for every member of the cast: who gets in, who does not.

One scenario: a child of the council with a closed episode whose RHI has an interview awaiting
review (with one proposed action), and an open episode. The police force in the cast reported both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from returnhome.accounts.models import Role, User
from returnhome.alerts.models import Alert
from returnhome.children.models import PackageSend
from returnhome.children.services import record_placement
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
# The matrix adds a manager at an RHI provider (a charity) that delivers none of the scenario's RHIs.
MATRIX = [*EVERYONE, "charity"]
ALL = set(MATRIX)
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
# So is the charity's manager; but the front door's pages (report missing, the queue) are a
# council's: a charity's manager is refused them (`works_front_door`).
ELSEWHERE = PARTNER | {"charity"}
NOT_ELSEWHERE = ALL - ELSEWHERE
REPORT_READERS = {"manager", "performance", "admin"} | PARTNER
REPORTERS = {"reporter", "social_worker"}
FOI_QUERY = "?questionnaire=seed-000&date_from=2025-04-01&date_to=2026-03-31"
# Statutory returns list the council's looked after children by ID: the same readers as reports.
SSDA903_QUERY = "?year=2026"
ANNEX_A_QUERY = "?date_from=2025-04-01&date_to=2026-03-31"
# The meeting pack names children: the council's managers, front door and performance leads.
MEETING_PACK = {"manager", "front_door", "performance"} | PARTNER
# The partner's council has no police force or region in the cast: nothing to download.
BENCHMARK = {"ok": REPORT_READERS - PARTNER, "finds": ALL - PARTNER}


@pytest.fixture
def charity(cast: Cast) -> User:
    provider = OrganisationFactory(kind=Organisation.Kind.PROVIDER, name="Test charity")
    return UserFactory(organisation=provider, role=Role.MANAGER, username="charity")


def member(cast: Cast, charity: User, who: str) -> User:
    return charity if who == "charity" else getattr(cast, who)


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
    user_pk: int = 0  # a practitioner: a user the council's administrator manages
    package_send_pk: int = 0  # the package of a child placed in the partner's area, sent to it


@pytest.fixture
def scenario(cast: Cast) -> Scenario:
    # The child's allocated social worker is the cast's: she reads the child's interviews.
    child = ChildFactory(
        council=cast.council, surname="Scenariochild", allocated_social_worker=cast.social_worker
    )
    rhi = returned(cast, missing(cast, child, ago(days=3)), ago(days=2))
    services.allocate_rhi(rhi, cast.practitioner, expected_version=None, acting_user=cast.manager)
    services.record_offer(
        rhi,
        offer_made_at=ago(days=1),
        offered_to="child",
        expected_version=None,
        acting_user=cast.practitioner,
    )
    services.record_outcome(
        rhi, outcome="accepted", expected_version=None, acting_user=cast.practitioner
    )
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
    # A child of the council placed in the partner council's area: its package goes to the partner.
    placed_out = ChildFactory(council=cast.council, surname="Placedout")
    record_placement(
        placed_out,
        placement_type="foster",
        council_area=cast.partner_council,
        start_date=dt.date(2026, 1, 1),
        rhi_arrangement="own_service",
        acting_user=cast.front_door,
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
        cast.practitioner.pk,
        PackageSend.objects.get(package__child=placed_out).pk,
    )


@dataclass(frozen=True)
class Visit:
    """One request to a route, and what each member of the cast gets.

    `ok` get `status`. Of the others, those who may know the record exists (`finds`) are refused
    (403); the record is hidden from the rest (404: a page never confirms what it does not show).
    """

    path: str
    ok: set[str]
    status: int = 200
    finds: set[str] = field(default_factory=lambda: set(ALL))
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)

    def expected(self, who: str) -> int:
        if who in self.ok:
            return self.status
        return 403 if who in self.finds else 404


def page(name: str, *args: object, query: str = "", **kwargs: Any) -> tuple[str, Visit]:
    return name, Visit(reverse(name, args=list(args)) + query, **kwargs)


# Routes anyone may call without signing in (the sign-in page, the health check, the police API and
# its schema): they answer everyone the same, and are not behind the sign-in page.
PUBLIC = {
    "login",
    "healthz",
    "readyz",
    "accounts:accept_invite",  # the invitee has no password yet
    "api:notifications",
    "api:notification",
    "api:schema",
    "api:not_found",
}


def visits(s: Scenario) -> list[tuple[str, Visit]]:
    """Every named route (URL name, visit), with a representative record from the scenario."""
    return [
        # Home sends each user to their work; a user with no role that sees records is told so.
        page("home", ok=ALL - {"outsider"}, status=302),
        page("login", ok=ALL),
        page("logout", ok=ALL, status=405),  # signing out is a POST
        page("healthz", ok=ALL),
        page("readyz", ok=ALL),
        page("episodes:open", ok=CHILD_RECORDS | ELSEWHERE),
        page("episodes:list", ok=CHILD_RECORDS | ELSEWHERE),
        page("episodes:record_missing", ok=FRONT_DOOR | PARTNER),
        page("episodes:record_missing_new_child", ok=FRONT_DOOR | PARTNER),
        # The front door of another council is not told the child exists.
        page("episodes:record_missing_for", s.child_pk, ok=FRONT_DOOR, finds=ALL - PARTNER),
        page("episodes:detail", s.episode_pk, ok=CHILD_RECORDS, finds=CHILD_RECORDS),
        # The police force handling the episode records that the child was found, too.
        page(
            "episodes:record_found",
            s.open_episode_pk,
            ok=FRONT_DOOR | {"police"},
            finds=CHILD_RECORDS | {"police"},
        ),
        page("children:list", ok=CHILD_RECORDS | ELSEWHERE),
        # Who opened a child's record: the council's managers and administrators alone.
        page("children:access_history", s.child_pk, ok={"manager", "admin"}, finds=set()),
        # Records past their retention, erasing one, keeping one longer (docs/privacy.md): the
        # council's managers and administrators alone (another council's see their own queue).
        page("privacy:retention", ok={"manager", "admin"} | PARTNER, finds=set()),
        page("privacy:rule", ok={"admin"}, finds=set()),
        page("privacy:erase", s.child_pk, ok={"manager", "admin"}, finds=set()),
        page("privacy:keep", s.child_pk, ok={"manager", "admin"}, finds=set()),
        page("children:detail", s.child_pk, ok=CHILD_RECORDS, finds=CHILD_RECORDS),
        page("children:edit", s.child_pk, ok=FRONT_DOOR, finds=CHILD_RECORDS),
        page("children:add_legal_status", s.child_pk, ok=FRONT_DOOR, finds=CHILD_RECORDS),
        page("children:add_placement", s.child_pk, ok=FRONT_DOOR, finds=CHILD_RECORDS),
        page("children:add_alias", s.child_pk, ok=FRONT_DOOR, finds=CHILD_RECORDS),
        # The information package (issue 12): read by whoever sees the child, kept by the front
        # door; a host council or force reads what it was sent and records receipt.
        page("children:package", s.child_pk, ok=CHILD_RECORDS, finds=CHILD_RECORDS),
        page("children:edit_package", s.child_pk, ok=FRONT_DOOR, finds=CHILD_RECORDS),
        page(
            "children:share_interviews",
            s.child_pk,
            ok=FRONT_DOOR,
            status=302,
            finds=CHILD_RECORDS,
            method="post",
        ),
        page("children:packages_received", ok=COUNCIL_STAFF | {"police"} | PARTNER),
        page(
            "children:receive_package",
            s.package_send_pk,
            ok=PARTNER,
            status=302,
            finds=COUNCIL_STAFF | PARTNER,
            method="post",
        ),
        page("interviews:mine", ok=COUNCIL_STAFF | ELSEWHERE),
        page("interviews:team", ok=COUNCIL_STAFF | ELSEWHERE),
        page("interviews:rhi", s.rhi_pk, ok=COUNCIL_STAFF, finds=COUNCIL_STAFF),
        page("interviews:allocate", s.rhi_pk, ok={"manager"}, finds=COUNCIL_STAFF),
        page("interviews:contact", s.rhi_pk, ok=RHI_WORKERS, finds=COUNCIL_STAFF),
        page("interviews:consent", s.rhi_pk, ok=RHI_WORKERS, finds=COUNCIL_STAFF),
        page("interviews:offer", s.rhi_pk, ok=RHI_WORKERS, finds=COUNCIL_STAFF),
        page("interviews:outcome", s.rhi_pk, ok=RHI_WORKERS, finds=COUNCIL_STAFF),
        # The interview form opens at its first section (in three, with a draft saved as it goes).
        page(
            "interviews:record_interview",
            s.rhi_pk,
            ok=RHI_WORKERS,
            finds=COUNCIL_STAFF,
            status=302,
        ),
        page(
            "interviews:record_carer_only",
            s.rhi_pk,
            ok=RHI_WORKERS,
            finds=COUNCIL_STAFF,
            status=302,
        ),
        page(
            "interviews:interview_section",
            s.rhi_pk,
            "interview",
            "said",
            ok=RHI_WORKERS,
            finds=COUNCIL_STAFF,
        ),
        page(
            "interviews:interview_check", s.rhi_pk, "interview", ok=RHI_WORKERS, finds=COUNCIL_STAFF
        ),
        # A draft is its author's own: saved only by who may record the interview.
        page(
            "interviews:interview_autosave",
            s.rhi_pk,
            "interview",
            "said",
            ok=RHI_WORKERS,
            finds=COUNCIL_STAFF,
            method="post",
        ),
        page("interviews:interview", s.interview_pk, ok=INTERVIEW_READERS, finds=NOT_ELSEWHERE),
        page(
            "interviews:review", s.interview_pk, ok={"manager"}, finds=INTERVIEW_READERS - PARTNER
        ),
        page("followup:list", ok=INTERVIEW_READERS | ELSEWHERE),
        page("followup:action", s.action_pk, ok=INTERVIEW_READERS, finds=NOT_ELSEWHERE),
        page("organisations:service", ok={"admin"}),
        page("reports:unusual_access", ok={"manager", "admin"} | PARTNER),
        # Signing in: the code and set-up steps belong to someone part-way through signing in;
        # a signed-in user is sent back to the sign-in page.
        page("login_code", ok=ALL, status=302),
        page("login_set_up", ok=ALL, status=302),
        # Each person's own account.
        page("accounts:account", ok=ALL),
        page("accounts:change_password", ok=ALL),
        page("accounts:two_factor_set_up", ok=ALL),
        page("accounts:recovery_codes", ok=ALL, status=302),  # none to show without two-factor
        # An invitation link that is not one: found by nobody.
        page("accounts:accept_invite", "MQ", "not-a-token", ok=set(), finds=set(), status=404),
        # User management: an organisation's administrator, for its own people only.
        page("accounts:users", ok={"admin"}),
        page("accounts:invite", ok={"admin"}),
        page("accounts:user", s.user_pk, ok={"admin"}),
        # An empty change of role is refused as bad input (400) to the administrator alone.
        page("accounts:user_role", s.user_pk, ok={"admin"}, status=400, method="post"),
        page("accounts:user_action", s.user_pk, "unlock", ok={"admin"}, status=302, method="post"),
        page("organisations:delivery", ok={"admin"}),
        page("organisations:forces", ok={"admin"}),
        page("organisations:contract_add", ok={"admin"}),
        page("organisations:contract_edit", s.contract_pk, ok={"admin"}),
        page("organisations:contract_end", s.contract_pk, ok={"admin"}),
        # Figures for the user's own council only (no child named): the partner sees its own.
        page("reports:indicators", ok=REPORT_READERS),
        page("reports:indicators_csv", ok=REPORT_READERS),
        page("reports:indicators_xlsx", ok=REPORT_READERS),
        page("reports:dashboard", ok=REPORT_READERS),
        page("reports:dashboard_download", "csv", query="?table=repeat", ok=REPORT_READERS),
        page("reports:dashboard_download", "xlsx", query="?table=funnel", ok=REPORT_READERS),
        page("reports:meeting_pack", ok=MEETING_PACK),
        page("reports:meeting_pack_pdf", ok=MEETING_PACK),
        page("reports:meeting_pack_csv", query="?table=missing", ok=MEETING_PACK),
        page("reports:meeting_pack_xlsx", query="?table=overdue", ok=MEETING_PACK),
        page("reports:police", ok=REPORT_READERS),
        page("reports:police_download", "csv", query="?table=sharing", ok=REPORT_READERS),
        page("reports:police_download", "xlsx", query="?table=timeliness", ok=REPORT_READERS),
        page("reports:benchmark", ok=REPORT_READERS),
        page("reports:benchmark_download", "csv", query="?table=councils", **BENCHMARK),
        page("reports:benchmark_download", "xlsx", query="?table=councils", **BENCHMARK),
        page("reports:foi", ok=REPORT_READERS),
        page("reports:foi", query=FOI_QUERY, ok=REPORT_READERS),
        page("reports:foi_download", "md", query=FOI_QUERY, ok=REPORT_READERS),
        page("reports:foi_download", "docx", query=FOI_QUERY, ok=REPORT_READERS),
        page("reports:exports", ok=REPORT_READERS),
        page("reports:exports", query=SSDA903_QUERY, ok=REPORT_READERS),
        page("reports:exports", query=ANNEX_A_QUERY, ok=REPORT_READERS),
        page(
            "reports:export_download",
            "ssda903-missing",
            "csv",
            query=SSDA903_QUERY,
            ok=REPORT_READERS,
        ),
        page(
            "reports:export_download",
            "ssda903-missing",
            "xlsx",
            query=SSDA903_QUERY,
            ok=REPORT_READERS,
        ),
        page(
            "reports:export_download",
            "annex-a-list-8",
            "csv",
            query=ANNEX_A_QUERY,
            ok=REPORT_READERS,
        ),
        page(
            "reports:export_download",
            "annex-a-list-8",
            "xlsx",
            query=ANNEX_A_QUERY,
            ok=REPORT_READERS,
        ),
        # The police API takes tokens, not sessions: every signed-in user gets 401 (as JSON).
        page("api:notifications", ok=ALL, status=401, method="post"),
        page("api:notification", "ANY-1", ok=ALL, status=401),
        page("api:schema", ok=ALL),
        page("api:not_found", "v0/anything", ok=ALL, status=404),  # a JSON 404
        # Direct reporting: reporters and social workers report; a report is seen by its reporter,
        # the receiving council's staff and the police force told (not by other reporters).
        page("reporting:mine", ok=REPORTERS),
        page("reporting:report_missing", ok=REPORTERS),
        page("reporting:detail", s.report_pk, ok=CHILD_RECORDS, finds=CHILD_RECORDS),
        page("reporting:report_return", s.report_pk, ok=set(), finds=CHILD_RECORDS),
        # Everyone signed in has an inbox; an alert opens for its recipient only (a POST).
        page("alerts:inbox", ok=ALL),
        page("alerts:open", s.alert_pk, ok={"front_door"}, status=302, finds=set(), method="post"),
        page("alerts:mark_all_read", ok=ALL, status=302, method="post"),
        *front_door_visits(s),
        *sharing_visits(s),
    ]


def front_door_visits(s: Scenario) -> list[tuple[str, Visit]]:
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
        page("imports:queue", ok=FRONT_DOOR | PARTNER),
        page("imports:item", item.pk, ok=FRONT_DOOR, finds=FRONT_DOOR),
        # Deciding is a POST with a reason: without one, the item page says what is missing (400).
        page(
            "imports:resolve",
            item.pk,
            "discard",
            ok=FRONT_DOOR,
            status=400,
            finds=FRONT_DOOR,
            method="post",
        ),
        page("imports:pending", pending.pk, ok=FRONT_DOOR, finds=FRONT_DOOR),
        page(
            "imports:resolve_pending",
            pending.pk,
            "join",
            ok=FRONT_DOOR,
            status=400,  # no episode chosen
            finds=FRONT_DOOR,
            method="post",
        ),
        page("imports:merge_choose", s.child_pk, ok=FRONT_DOOR, finds=CHILD_RECORDS),
        page(
            "imports:merge_confirm",
            s.child_pk,
            merge.duplicate_id,
            ok=FRONT_DOOR,
            finds=COUNCIL_STAFF,  # the duplicate has no episode the police reported
        ),
        page("imports:undo_merge", merge.pk, ok=FRONT_DOOR, finds=FRONT_DOOR),
    ]


def sharing_visits(s: Scenario) -> list[tuple[str, Visit]]:
    """Information-sharing forms (issue 12): the council's practitioners and managers send them;
    the sending council's staff who read the child's record, and the force it went to, read one;
    only that force records receipt and feedback."""
    from returnhome.children.models import Child
    from returnhome.sharing.models import SharingForm
    from returnhome.sharing.services import SharingDetails, send_sharing_form

    form = SharingForm.objects.filter(child_id=s.child_pk).first()
    if form is None:
        details = SharingDetails(
            ["county_lines"], "Seen at the station", "child", "2", "B", "child_consent"
        )
        sender = User.objects.get(username="practitioner")
        form = send_sharing_form(Child.objects.get(pk=s.child_pk), details, acting_user=sender)
    senders = {"practitioner", "practitioner2", "manager"}
    return [
        page("sharing:sent", ok=COUNCIL_STAFF | PARTNER),
        page("sharing:inbox", ok={"police"}),
        page("sharing:new", s.child_pk, ok=senders, finds=CHILD_RECORDS),
        page("sharing:form", form.pk, ok=COUNCIL_STAFF | {"police"}, finds=set()),
        page(
            "sharing:receipt",
            form.pk,
            ok={"police"},
            status=302,
            finds=COUNCIL_STAFF,
            method="post",
        ),
        page("sharing:feedback", form.pk, ok={"police"}, finds=COUNCIL_STAFF),
    ]


def route_names() -> set[str]:
    """Every named route in the project, in every namespace."""

    def walk(resolver: URLResolver, namespace: str) -> Iterator[str]:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name

    return set(walk(get_resolver(), ""))


def test_every_route_has_a_row(cast: Cast, scenario: Scenario) -> None:
    """A new route needs a row above saying who gets in: the matrix covers every URL name."""
    covered = {name for name, _ in visits(scenario)}
    assert route_names() - covered == set(), "routes with no row in the access matrix"
    assert covered - route_names() == set(), "rows for routes that do not exist"


def _request(client: Client, visit: Visit) -> HttpResponse:
    if visit.method == "post":
        return client.post(visit.path, visit.data)
    return client.get(visit.path)


@pytest.mark.parametrize("who", MATRIX)
def test_every_page_lets_in_exactly_who_it_should(
    cast: Cast, charity: User, scenario: Scenario, who: str
) -> None:
    client = Client()
    client.force_login(member(cast, charity, who))
    wrong = []
    for name, visit in visits(scenario):
        response = _request(client, visit)
        if response.status_code != visit.expected(who):
            wrong.append(
                f"{name} {visit.method.upper()} {visit.path}: {response.status_code} "
                f"(expected {visit.expected(who)})"
            )
        if who not in CHILD_RECORDS and b"Scenariochild" in response.content:
            wrong.append(f"{visit.path}: shows the child to {who}")
    assert not wrong, "\n".join(wrong)


def test_signed_out_visitors_are_sent_to_sign_in(scenario: Scenario) -> None:
    client = Client()
    for name, visit in visits(scenario):
        if name in PUBLIC:
            continue
        response = _request(client, visit)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), (
            visit.path
        )


def test_public_routes_answer_signed_out_visitors(scenario: Scenario) -> None:
    """The sign-in page and the health check open; the API asks for its token (401), and a path
    it does not have is a JSON 404."""
    client = Client()
    for name, visit in visits(scenario):
        if name in PUBLIC:
            assert _request(client, visit).status_code == visit.status, visit.path


def test_a_social_worker_reads_only_her_own_childrens_interviews(
    cast: Cast, scenario: Scenario
) -> None:
    """Interview records are confidential: of the council's social workers, only the child's
    allocated one reads them (another social worker of the same council is not told they exist)."""
    colleague = UserFactory(organisation=cast.council, role=Role.SOCIAL_WORKER)
    for user, status in ((cast.social_worker, 200), (colleague, 404)):
        client = Client()
        client.force_login(user)
        for name, pk in (
            ("interviews:interview", scenario.interview_pk),
            ("followup:action", scenario.action_pk),
        ):
            assert client.get(reverse(name, args=[pk])).status_code == status, (name, user)


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


# The service navigation: each role's own work (not every page they may open: an administrator may
# open the list of children still missing, but it is not their work).
RHI_WORK = ["My work", "My team's work"]
MANAGER_NAV = [
    *RHI_WORK,
    "Still missing",
    "Episodes",
    "Report missing",
    "Children",
    "Actions",
    "Police sharing",
    "Reports",
    "Front door",
    "FOI answers",
    "Meeting pack",
]
NAVIGATION = {
    "practitioner": [
        *RHI_WORK,
        "Still missing",
        "Episodes",
        "Children",
        "Actions",
        "Police sharing",
    ],
    "practitioner2": [
        *RHI_WORK,
        "Still missing",
        "Episodes",
        "Children",
        "Actions",
        "Police sharing",
    ],
    "manager": MANAGER_NAV,
    "partner": MANAGER_NAV,
    "front_door": ["Still missing", "Episodes", "Report missing", "Children", "Front door"],
    "police": ["Still missing", "Episodes", "Shared with us"],
    "outsider": [],
    "reporter": ["My reports"],
    "performance": [
        "Still missing",
        "Episodes",
        "Children",
        "Reports",
        "FOI answers",
        "Meeting pack",
    ],
    "admin": ["Children", "Reports", "Service settings", "FOI answers"],
    "social_worker": ["Still missing", "Episodes", "Children", "Actions", "My reports"],
    # A provider's manager: the council's reports are not theirs (the front door is: see above).
    "charity": [*RHI_WORK, "Still missing", "Episodes", "Children", "Actions"],
}


@pytest.mark.parametrize("who", MATRIX)
def test_navigation_shows_each_role_their_work(cast: Cast, charity: User, who: str) -> None:
    client = Client()
    client.force_login(member(cast, charity, who))
    nav = client.get(reverse("alerts:inbox")).context["nav_items"]
    assert [item["text"] for item in nav] == NAVIGATION[who]


@pytest.mark.parametrize("who", sorted(CHILD_RECORDS))
def test_an_episode_links_to_the_child_and_to_the_rhi_for_who_may_open_them(
    cast: Cast, scenario: Scenario, who: str
) -> None:
    client = Client()
    client.force_login(getattr(cast, who))
    html = client.get(reverse("episodes:detail", args=[scenario.episode_pk])).content.decode()
    assert reverse("children:detail", args=[scenario.child_pk]) in html
    assert (reverse("interviews:rhi", args=[scenario.rhi_pk]) in html) == (who in COUNCIL_STAFF)
