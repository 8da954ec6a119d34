"""Direct reporting: a children's home (or school, carer, social worker) reports a child missing and
returned; the report reaches the right child or the front door's review queue; alerts and emails
go to the right people and name no child."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returnhome.accounts.models import Role, User
from returnhome.alerts.models import Alert
from returnhome.children.models import Child
from returnhome.core.models import AuditEvent
from returnhome.core.paging import PAGE_SIZE
from returnhome.episodes import services
from returnhome.episodes.models import DirectReport, Episode, Notification
from returnhome.imports.direct_reports import reporting
from returnhome.imports.direct_reports.reporting import MissingDetails, ReturnDetails
from returnhome.imports.models import ReviewItem
from returnhome.interviews.models import RHI
from returnhome.organisations.models import Organisation
from returnhome.organisations.services import configure_service
from tests.conftest import Cast, missing
from tests.factories import ChildFactory, OrganisationFactory, PoliceFactory, UserFactory, ago


def details(**overrides: Any) -> MissingDetails:
    fields: dict[str, Any] = {
        "forename": "Robin",
        "surname": "Reportchild",
        "date_of_birth": dt.date(2010, 3, 4),
        "last_seen_at": ago(hours=3),
        "missing_since": ago(hours=2),
        "missing_from": "Test children's home",
        "reported_to_police": False,
        "description": "Grey hoodie, white trainers",
        "with_whom": "Picked up by an older male known as 'T'",
        "vehicles": "Black hatchback, AB12 CDE",
        "whereabouts": "Possibly the retail park",
        "contact_details": "07700 900123; snap @robin_x",
        "concerns": "Possible criminal exploitation",
        "medication": "Inhaler",
        "reporter_risk": DirectReport.ReporterRisk.HIGH,
    }
    fields.update(overrides)
    return MissingDetails(**fields)


@pytest.fixture
def capture(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    """Run a service and the emails it sends after commit."""

    def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def report(cast: Cast, **overrides: Any) -> DirectReport:
    return reporting.report_missing(
        cast.reporter, council=cast.council, details=details(**overrides)
    )


def test_a_new_child_gets_an_episode_and_the_box_d_details_are_kept(cast: Cast) -> None:
    r = report(cast)
    assert r.status == DirectReport.Status.RECORDED and r.episode is not None
    child = r.episode.child
    assert (child.forename, child.surname, child.council) == ("Robin", "Reportchild", cast.council)
    assert r.episode.is_open and r.episode.missing_from == "Test children's home"
    note = r.episode.notifications.get()
    assert note.source == Notification.Source.CHILDRENS_HOME and note.recorded_by == cast.reporter
    assert note.content["vehicles"] == "Black hatchback, AB12 CDE"
    assert note.content["hidden_missing"] == "yes"
    assert r.vehicles == "Black hatchback, AB12 CDE" and r.medication == "Inhaler"
    actions = set(AuditEvent.objects.filter(actor=cast.reporter).values_list("action", flat=True))
    assert {"report_missing", "create_child", "record_missing", "link_direct_report"} <= actions


def test_a_confident_match_records_the_episode_on_the_councils_child(cast: Cast) -> None:
    known = ChildFactory(
        council=cast.council, forename="Robin", surname="Reportchild", la_child_id="C123"
    )
    ChildFactory(council=cast.council, forename="Someone", surname="Else")
    r = report(cast, la_child_id="C123")
    assert r.episode is not None and r.episode.child == known
    assert Child.objects.filter(council=cast.council).count() == 2


def test_an_uncertain_match_goes_to_the_front_door_with_the_report(cast: Cast) -> None:
    ChildFactory(
        council=cast.council,
        forename="Robyn",
        surname="Reportchild",
        date_of_birth=dt.date(2010, 4, 3),
    )
    ChildFactory(
        council=cast.council,
        forename="Robin",
        surname="Reportchild",
        date_of_birth=dt.date(2010, 3, 14),
    )
    r = report(cast)
    assert r.episode is None and r.status == DirectReport.Status.WITH_FRONT_DOOR
    item = r.review_item
    assert item is not None and item.council == cast.council
    assert item.source == Notification.Source.CHILDRENS_HOME and item.status == "open"
    assert item.data["direct_report"] == r.pk and item.data["vehicles"].startswith("Black")
    assert item.candidates and item.police_reference == ""
    assert not Episode.objects.exists()


def test_an_unknown_council_child_id_goes_to_review_not_a_new_child(cast: Cast) -> None:
    r = report(cast, la_child_id="NOPE1")
    assert r.review_item is not None and "NOPE1" in r.review_item.message
    assert not Child.objects.exists()


def test_a_child_already_missing_goes_to_review_with_the_open_episode(cast: Cast) -> None:
    known = ChildFactory(
        council=cast.council,
        forename="Robin",
        surname="Reportchild",
        date_of_birth=dt.date(2010, 3, 4),
    )
    open_episode = missing(cast, known, ago(hours=10))
    r = report(cast)
    assert r.episode is None
    item = r.review_item
    assert item is not None and item.reason == ReviewItem.Reason.ALREADY_MISSING
    assert item.open_episode == open_episode and item.suggested_child == known
    assert known.episodes.count() == 1


def test_reported_to_police_keeps_the_force_and_reference(cast: Cast) -> None:
    other_force = PoliceFactory()
    r = report(cast, reported_to_police=True, police_force=other_force, police_reference="LOG 42")
    assert not r.hidden_missing and r.police_force == other_force
    assert r.episode is not None and r.episode.police_force == other_force
    assert r.episode.police_reference == "LOG 42"


def test_hidden_missing_is_marked_and_the_area_force_is_told(cast: Cast) -> None:
    r = report(cast, police_reference="ignored when not reported")
    assert r.hidden_missing and r.police_reference == ""
    assert r.police_force == cast.police_force
    assert r.episode is not None and r.episode.police_force == cast.police_force
    # ... so the area force's coordinator can open the episode and the report.
    assert Episode.objects.visible_to(cast.police).filter(pk=r.episode.pk).exists()
    assert DirectReport.objects.visible_to(cast.police).filter(pk=r.pk).exists()


def test_alerts_go_to_the_front_door_and_police_and_nobody_else(
    cast: Cast, capture: Callable[..., Any]
) -> None:
    for user in (cast.front_door, cast.manager, cast.police, cast.practitioner, cast.partner):
        user.email = f"{user.username}@example.invalid"
        user.save()
    r = capture(report, cast)
    alerted = set(Alert.objects.values_list("recipient__username", flat=True))
    assert alerted == {"frontdoor", "manager", "police"}
    alert = Alert.objects.get(recipient=cast.front_door)
    assert "hidden missing" in alert.title and alert.link == f"/episodes/{r.episode_id}/"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "frontdoor@example.invalid",
        "manager@example.invalid",
        "police@example.invalid",
    ]
    for message in mail.outbox:
        text = message.subject + message.body
        assert "Robin" not in text and "Reportchild" not in text and "AB12" not in text
        assert f"/episodes/{r.episode_id}/" in message.body


def test_no_email_without_an_address_and_nothing_if_the_report_fails(
    cast: Cast, capture: Callable[..., Any]
) -> None:
    capture(report, cast)
    assert Alert.objects.count() == 3 and mail.outbox == []
    cast.front_door.email = "fd@example.invalid"
    cast.front_door.save()
    with pytest.raises(ValidationError):
        capture(report, cast, last_seen_at=ago(hours=-3))
    assert Alert.objects.count() == 3 and mail.outbox == []


def test_return_closes_the_episode_and_the_rhi_is_in_the_providers_queue(
    cast: Cast, capture: Callable[..., Any]
) -> None:
    charity = OrganisationFactory(kind=Organisation.Kind.PROVIDER, name="Test charity")
    charity_manager = UserFactory(
        organisation=charity, role=Role.MANAGER, email="cm@example.invalid"
    )
    configure_service(
        cast.council,
        rhi_provider=charity,
        clock_start="return",
        clock_count="hours",
        expected_version=None,
        acting_user=None,
        check_permission=False,
    )
    r = report(cast)
    Alert.objects.all().delete()
    capture(
        reporting.report_return,
        r,
        acting_user=cast.reporter,
        details=ReturnDetails(
            returned_at=ago(minutes=30),
            found_location="Retail park",
            brought_back_by="Police",
            wellbeing="Tired, hungry",
            return_concerns="Graze on left hand",
        ),
    )
    r.refresh_from_db()
    assert r.status == DirectReport.Status.RETURNED and r.brought_back_by == "Police"
    episode = Episode.objects.get(pk=r.episode_id)
    assert not episode.is_open and episode.found_location == "Retail park"
    rhi = RHI.objects.get(episode=episode)
    assert (
        RHI.objects.visible_to(charity_manager)
        .in_provider_queue(charity_manager)
        .filter(pk=rhi.pk)
        .exists()
    )
    assert set(Alert.objects.values_list("recipient__username", flat=True)) == {
        "frontdoor",
        "manager",
        "police",
        charity_manager.username,
    }
    rhi_alert = Alert.objects.get(recipient=charity_manager)
    assert rhi_alert.kind == Alert.Kind.RHI_REFERRED and rhi_alert.link == f"/rhis/{rhi.pk}/"
    assert [m.to for m in mail.outbox] == [["cm@example.invalid"]]
    assert "Robin" not in mail.outbox[0].body


def test_return_of_a_report_still_with_the_front_door_goes_to_review(cast: Cast) -> None:
    r = report(cast, la_child_id="NOPE1")
    reporting.report_return(
        r, acting_user=cast.reporter, details=ReturnDetails(returned_at=ago(minutes=5))
    )
    items = ReviewItem.objects.filter(council=cast.council).order_by("pk")
    assert [i.event for i in items] == ["missing", "found"]
    assert items[1].data["direct_report"] == r.pk


def test_a_resolved_review_item_links_the_report_to_its_episode(cast: Cast) -> None:
    r = report(cast, la_child_id="NOPE1")
    assert r.review_item is not None
    child = ChildFactory(council=cast.council)
    episode = services.record_missing(
        child,
        reported_missing_at=ago(hours=2),
        received_at=ago(hours=1),
        source=Notification.Source.FRONT_DOOR,
        acting_user=cast.front_door,
    )
    reporting.link_review_resolution(r.review_item, episode, acting_user=cast.front_door)
    r.refresh_from_db()
    episode.refresh_from_db()
    assert r.episode == episode and r.status == DirectReport.Status.RECORDED
    assert episode.police_force == cast.police_force


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"last_seen_at": ago(hours=-2)}, "last_seen_at", "cannot be in the future"),
        ({"forename": "  "}, "forename", "Enter the child's first name"),
        ({"surname": ""}, "surname", "Enter the child's last name"),
        ({"missing_from": ""}, "missing_from", "Enter where they went missing from"),
        ({"date_of_birth": timezone.localdate() + dt.timedelta(days=2)}, "date_of_birth", "past"),
        ({"reported_to_police": True}, "police_force", "Choose the police force"),
        ({"missing_since": ago(hours=4)}, "missing_since", "before they were last seen"),
    ],
)
def test_bad_reports_are_refused_with_a_clear_message_and_nothing_saved(
    cast: Cast, overrides: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        report(cast, **overrides)
    assert any(message in m for m in error.value.message_dict[field])
    assert not DirectReport.objects.exists() and not Alert.objects.exists()


def test_bad_returns_are_refused(cast: Cast) -> None:
    r = report(cast)
    for when, message in [
        (ago(hours=-1), "cannot be in the future"),
        (ago(hours=5), "before they were last seen"),
        (ago(hours=2.5), "before they were reported missing"),
    ]:
        with pytest.raises(ValidationError) as error:
            reporting.report_return(
                r, acting_user=cast.reporter, details=ReturnDetails(returned_at=when)
            )
        assert message in str(error.value.message_dict["returned_at"])
    reporting.report_return(
        r, acting_user=cast.reporter, details=ReturnDetails(returned_at=ago(minutes=1))
    )
    with pytest.raises(ValidationError, match="already reported"):
        reporting.report_return(
            r, acting_user=cast.reporter, details=ReturnDetails(returned_at=ago(minutes=1))
        )


def test_only_reporters_and_social_workers_report_and_only_the_reporter_returns(
    cast: Cast,
) -> None:
    for user in (cast.front_door, cast.police, cast.practitioner, cast.outsider):
        with pytest.raises(PermissionDenied):
            reporting.report_missing(user, council=cast.council, details=details())
    with pytest.raises(PermissionDenied):
        reporting.report_missing(
            cast.social_worker, council=cast.partner_council, details=details()
        )
    r = reporting.report_missing(cast.social_worker, council=cast.council, details=details())
    assert r.source == Notification.Source.SOCIAL_WORKER
    other: User = UserFactory(organisation=cast.reporter.organisation, role=Role.REPORTER)
    with pytest.raises(PermissionDenied):
        reporting.report_return(
            r, acting_user=other, details=ReturnDetails(returned_at=ago(minutes=1))
        )


def test_a_reporter_sees_only_what_they_reported(cast: Cast) -> None:
    mine = report(cast)
    other: User = UserFactory(organisation=cast.reporter.organisation, role=Role.REPORTER)
    theirs = reporting.report_missing(
        other, council=cast.council, details=details(forename="Sam", surname="Otherchild")
    )
    assert list(DirectReport.objects.visible_to(cast.reporter)) == [mine]
    assert list(DirectReport.objects.visible_to(other)) == [theirs]
    assert not DirectReport.objects.visible_to(cast.partner).exists()
    assert DirectReport.objects.visible_to(cast.front_door).count() == 2


def test_my_reports_are_paged_newest_first_and_say_how_many(cast: Cast) -> None:
    report(cast, forename="Ada", surname="Firstreport")
    for n in range(PAGE_SIZE):
        report(cast, forename=f"Kid{n:02d}", surname="Pagedreport")
    client = Client()
    client.force_login(cast.reporter)
    url = reverse("reporting:mine")
    top = client.get(url).content.decode()
    assert f"Showing 1 to {PAGE_SIZE} of {PAGE_SIZE + 1} reports" in top
    assert "Firstreport" not in top  # the oldest is on the next page
    assert "Firstreport" in client.get(url, {"page": 2}).content.decode()


def test_the_receiving_council_is_the_organisations_area_or_the_social_workers_own(
    cast: Cast,
) -> None:
    assert reporting.receiving_council(cast.social_worker) == cast.council
    home = cast.reporter.organisation
    assert home is not None and reporting.receiving_council(cast.reporter) is None
    home.council_area = cast.partner_council
    home.save()
    cast.reporter.refresh_from_db()
    assert reporting.receiving_council(cast.reporter) == cast.partner_council


def test_a_child_reported_after_coming_back_is_caught(cast: Cast) -> None:
    """Box C: a school learns on Monday that a child was missing over the weekend."""
    r = report(cast, last_seen_at=ago(days=3), missing_since=ago(days=3, hours=-2))
    assert r.hidden_missing
    assert r.episode is not None and r.episode.reported_missing_at == r.missing_since
    reporting.report_return(
        r, acting_user=cast.reporter, details=ReturnDetails(returned_at=ago(days=2))
    )
    episode = Episode.objects.get(pk=r.episode_id)
    assert not episode.is_open and episode.returned_at is not None
    assert RHI.objects.filter(episode=episode).exists()


def test_the_front_door_resolving_a_report_lets_the_home_report_the_return(cast: Cast) -> None:
    """The whole path through the queue: an uncertain report, the front door picks the child
    (imports.review), and the home's return report closes that child's episode."""
    from returnhome.imports.front_door import review

    robyn = ChildFactory(
        council=cast.council,
        forename="Robyn",
        surname="Reportchild",
        date_of_birth=dt.date(2010, 4, 3),
    )
    ChildFactory(
        council=cast.council,
        forename="Robin",
        surname="Reportchild",
        date_of_birth=dt.date(2010, 3, 14),
    )
    r = report(cast)
    assert r.review_item is not None
    review.match_to_child(
        r.review_item, robyn, acting_user=cast.front_door, reason="Home confirmed her date of birth"
    )
    r.refresh_from_db()
    assert r.status == DirectReport.Status.RECORDED and r.episode is not None
    assert r.episode.child == robyn and r.episode.is_open
    reporting.report_return(
        r, acting_user=cast.reporter, details=ReturnDetails(returned_at=ago(minutes=30))
    )
    episode = Episode.objects.get(pk=r.episode.pk)
    assert not episode.is_open and RHI.objects.filter(episode=episode).exists()


def test_a_commissioned_provider_hears_of_a_missing_report_at_once_and_can_open_it(
    cast: Cast,
) -> None:
    """Box G: the home's report reaches the RHI provider at the same moment; the provider sees
    children still missing from the councils it serves, and no closed episode it has no RHI for."""
    charity = OrganisationFactory(kind=Organisation.Kind.PROVIDER, name="Test charity")
    charity_manager = UserFactory(organisation=charity, role=Role.MANAGER)
    configure_service(
        cast.council,
        rhi_provider=charity,
        clock_start="return",
        clock_count="hours",
        expected_version=None,
        acting_user=None,
        check_permission=False,
    )
    old = missing(cast, ChildFactory(council=cast.council), ago(days=5))
    services.record_return(
        old,
        returned_at=ago(days=4),
        received_at=ago(days=4),
        source=Notification.Source.POLICE,
        acting_user=cast.front_door,
    )
    RHI.objects.filter(episode=old).update(provider=cast.council)  # an RHI someone else delivers
    r = report(cast)
    alert = Alert.objects.get(recipient=charity_manager)
    assert alert.kind == Alert.Kind.REPORTED_MISSING and "Robin" not in alert.title
    visible = Episode.objects.visible_to(charity_manager)
    assert r.episode in visible and old not in visible
    assert r.episode not in Episode.objects.visible_to(
        UserFactory(
            organisation=OrganisationFactory(kind=Organisation.Kind.PROVIDER), role=Role.MANAGER
        )
    )


def test_the_episode_page_shows_a_report_only_to_those_who_may_open_it(
    cast: Cast, client: Any
) -> None:
    """Issue 11, finding 8: the episode page showed a direct report's Box D details to an RHI
    provider that could not open the report itself. The provider delivering the RHI (or serving
    the council while the child is missing) prepares the interview from the carer's report
    (Box G): it may open the report, and the episode page shows it; a provider with no part in
    the episode sees neither; each report shown is an audited read."""
    charity = OrganisationFactory(kind=Organisation.Kind.PROVIDER, name="Test charity")
    charity_manager = UserFactory(organisation=charity, role=Role.MANAGER)
    configure_service(
        cast.council,
        rhi_provider=charity,
        clock_start="return",
        clock_count="hours",
        expected_version=None,
        acting_user=None,
        check_permission=False,
    )
    r = report(cast)
    assert r.episode is not None
    services.record_return(
        r.episode,
        returned_at=ago(hours=1),
        received_at=ago(hours=1),
        source=Notification.Source.POLICE,
        acting_user=cast.front_door,
    )
    assert RHI.objects.get(episode=r.episode).provider == charity
    client.force_login(charity_manager)
    page = client.get(f"/episodes/{r.episode.pk}/")
    assert page.status_code == 200 and "Black hatchback, AB12 CDE" in page.content.decode()
    assert client.get(f"/reporting/{r.pk}/").status_code == 200
    assert AuditEvent.objects.filter(
        actor=charity_manager, action="episode_direct_reports", object_id=str(r.pk)
    ).exists()

    # The RHI moves to another provider: the charity no longer opens the episode or the report.
    RHI.objects.filter(episode=r.episode).update(provider=cast.council)
    assert client.get(f"/episodes/{r.episode.pk}/").status_code == 404
    assert client.get(f"/reporting/{r.pk}/").status_code == 404

    # Someone who may open the episode but not the report (a police force whose episode it is,
    # when another force was told of the report) never sees the report's details on its page.
    Episode.objects.filter(pk=r.episode.pk).update(police_force=cast.police_force)
    DirectReport.objects.filter(pk=r.pk).update(police_force=PoliceFactory())
    client.force_login(cast.police)
    page = client.get(f"/episodes/{r.episode.pk}/")
    assert page.status_code == 200 and "Black hatchback" not in page.content.decode()
    assert client.get(f"/reporting/{r.pk}/").status_code == 404
