"""Information-sharing forms (issue 12, items 4 and 5), through the services (no HTTP): who sends,
to which forces, the lawful basis every share records, receipt and feedback, what is overdue, the
timeline, the audit per recipient, the alerts (never naming the child) and the job alerting once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returnhome.accounts.models import Role
from returnhome.alerts.models import Alert
from returnhome.children.models import Child, Placement
from returnhome.children.timeline import timeline_for
from returnhome.core.models import AuditEvent
from returnhome.organisations.models import Organisation
from returnhome.sharing.jobs import sharing_feedback_overdue
from returnhome.sharing.models import SharingForm, SharingRecipient
from returnhome.sharing.services import (
    Entry,
    SharingDetails,
    acknowledge_sharing_form,
    forces_for,
    record_sharing_feedback,
    send_sharing_form,
)
from tests.conftest import Cast
from tests.factories import CouncilFactory, PoliceFactory, UserFactory, ago


def details(**changes: object) -> SharingDetails:
    base = SharingDetails(
        categories=["county_lines", "vehicles"],
        key_information="Collected twice from the station by a man in a grey car",
        source="child",
        source_evaluation="2",
        assessment="A",
        lawful_basis="safeguarding",
        basis_reason="Risk of serious harm from exploitation",
        entries=[Entry("vehicle", "AB12 CDE", "Grey hatchback"), Entry("phone", "07700 900123")],
    )
    for name, value in changes.items():
        setattr(base, name, value)
    return base


@pytest.fixture
def placed_out(cast: Cast, child: Child) -> Organisation:
    """The child is placed in another council's area, policed by another force."""
    host_force = PoliceFactory(name="Host Police")
    host = CouncilFactory(name="Host Council", police_force=host_force)
    Placement.objects.create(
        child=child, placement_type="foster", council_area=host, start_date=dt.date(2024, 1, 1)
    )
    return host_force


def test_a_form_goes_to_the_councils_force_and_the_placements_force(
    cast: Cast, child: Child, placed_out: Organisation
) -> None:
    form = send_sharing_form(child, details(), acting_user=cast.practitioner)
    forces = {r.force: r.reason for r in form.recipients.all()}
    assert forces == {cast.police_force: "council_area", placed_out: "placement_area"}
    assert [(e.kind, e.value) for e in form.entries.all()] == [
        ("phone", "07700 900123"),
        ("vehicle", "AB12 CDE"),
    ]


def test_a_child_placed_at_home_goes_to_one_force(cast: Cast, child: Child) -> None:
    assert [f for f, _ in forces_for(child)] == [cast.police_force]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lawful_basis": ""}, "lawful_basis"),
        ({"basis_reason": " "}, "basis_reason"),  # without consent: the reason is required
        ({"lawful_basis": "parent_consent", "basis_reason": ""}, "consent_given_by"),
        ({"categories": []}, "categories"),
        ({"categories": ["invented"]}, "categories"),
        ({"key_information": ""}, "key_information"),
        ({"source_evaluation": "9"}, "source_evaluation"),
        ({"entries": [Entry("vehicle", "  ")]}, "entries"),
    ],
)
def test_every_share_records_its_consent_or_lawful_basis(
    cast: Cast, child: Child, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        send_sharing_form(child, details(**changes), acting_user=cast.practitioner)
    assert field in error.value.message_dict
    assert not SharingForm.objects.exists()


def test_consent_given_by_a_parent_is_recorded(cast: Cast, child: Child) -> None:
    form = send_sharing_form(
        child,
        details(lawful_basis="parent_consent", consent_given_by="Mother", basis_reason=""),
        acting_user=cast.practitioner,
    )
    assert (form.lawful_basis, form.consent_given_by) == ("parent_consent", "Mother")


@pytest.mark.parametrize("who", ["front_door", "performance", "social_worker", "police", "partner"])
def test_only_a_practitioner_or_manager_of_the_childs_council_sends(
    cast: Cast, child: Child, who: str
) -> None:
    with pytest.raises(PermissionDenied):
        send_sharing_form(child, details(), acting_user=getattr(cast, who))


def test_the_police_are_alerted_without_the_childs_name_and_each_share_is_audited(
    cast: Cast, child: Child, placed_out: Organisation
) -> None:
    host_officer = UserFactory(organisation=placed_out, role=Role.POLICE, email="h@police.test")
    cast.police.email = "p@police.test"
    cast.police.save()
    form = send_sharing_form(child, details(), acting_user=cast.manager)
    alerts = Alert.objects.filter(kind=Alert.Kind.SHARING_RECEIVED)
    assert {a.recipient for a in alerts} == {cast.police, host_officer}
    for text in [a.title for a in alerts] + [m.body + m.subject for m in mail.outbox]:
        assert child.forename not in text and child.surname not in text
    shares = AuditEvent.objects.filter(action="share_with_police", child_id=child.pk)
    assert sorted(e.detail["force"] for e in shares) == sorted(
        [cast.police_force.pk, placed_out.pk]
    )
    assert all(e.detail["lawful_basis"] == "safeguarding" for e in shares)
    assert AuditEvent.objects.filter(action="send_sharing_form", object_id=str(form.pk)).exists()


def test_the_force_records_receipt_then_feedback(cast: Cast, child: Child) -> None:
    form = send_sharing_form(child, details(), acting_user=cast.practitioner)
    sending = form.recipients.get()
    acknowledge_sharing_form(sending, acting_user=cast.police)
    acknowledge_sharing_form(sending, acting_user=cast.police)  # twice: no second receipt
    sending.refresh_from_db()
    assert sending.received_by == cast.police
    record_sharing_feedback(
        sending,
        feedback="Vehicle flagged on ANPR; address visited",
        expected_version=sending.version,
        acting_user=cast.police,
    )
    sending.refresh_from_db()
    assert sending.feedback_at is not None and sending.feedback_by == cast.police
    assert AuditEvent.objects.filter(action="acknowledge_sharing_form").count() == 1


def test_feedback_needs_words_and_the_right_force(cast: Cast, child: Child) -> None:
    sending = send_sharing_form(child, details(), acting_user=cast.practitioner).recipients.get()
    with pytest.raises(ValidationError):
        record_sharing_feedback(
            sending, feedback=" ", expected_version=None, acting_user=cast.police
        )
    other_force = UserFactory(organisation=PoliceFactory(), role=Role.POLICE)
    with pytest.raises(PermissionDenied):
        acknowledge_sharing_form(sending, acting_user=other_force)


def test_who_reads_a_form(cast: Cast, child: Child, placed_out: Organisation) -> None:
    form = send_sharing_form(child, details(), acting_user=cast.practitioner)
    host_officer = UserFactory(organisation=placed_out, role=Role.POLICE)
    elsewhere = UserFactory(organisation=PoliceFactory(), role=Role.POLICE)
    for user, sees in (
        (cast.practitioner, True),
        (cast.performance, True),
        (cast.police, True),
        (host_officer, True),
        (elsewhere, False),
        (cast.partner, False),
        (cast.reporter, False),
    ):
        assert SharingForm.objects.visible_to(user).filter(pk=form.pk).exists() == sees, user
    # A force sees its own receipt and feedback, not the other force's.
    assert list(SharingRecipient.objects.visible_to(host_officer)) == list(
        form.recipients.filter(force=placed_out)
    )


def test_the_force_loses_a_form_when_its_access_to_the_child_ends(
    cast: Cast, child: Child, settings: Any
) -> None:
    """Issue 12: police access ends `RETURNHOME_SHARED_ACCESS_DAYS` after the child's last
    episode closed (or placement ended) — the forms sent to them too, though never before the
    window after the form was sent has passed (time to answer it)."""
    from tests.conftest import missing, returned

    form = send_sharing_form(child, details(), acting_user=cast.practitioner)
    sending = form.recipients.get()

    def police_sees() -> tuple[bool, bool]:
        return (
            SharingForm.objects.visible_to(cast.police).filter(pk=form.pk).exists(),
            SharingRecipient.objects.visible_to(cast.police).filter(pk=sending.pk).exists(),
        )

    assert police_sees() == (True, True)  # just sent
    SharingRecipient.objects.filter(pk=sending.pk).update(sent_at=ago(days=91))
    assert police_sees() == (False, False)  # sent long ago, no episode: ended
    episode = missing(cast, child, ago(days=40))
    returned(cast, episode, ago(days=39))
    assert police_sees() == (True, True)  # the child's episode closed within the window
    type(episode).objects.filter(pk=episode.pk).update(returned_at=ago(days=100))
    assert police_sees() == (False, False)
    settings.RETURNHOME_SHARED_ACCESS_DAYS = 120
    assert police_sees() == (True, True)
    assert SharingForm.objects.visible_to(cast.practitioner).filter(pk=form.pk).exists()


def test_every_share_is_on_the_childs_timeline(cast: Cast, child: Child) -> None:
    sending = send_sharing_form(child, details(), acting_user=cast.practitioner).recipients.get()
    acknowledge_sharing_form(sending, acting_user=cast.police)
    titles = [e.title for e in timeline_for(child, cast.manager) if e.kind == "sharing"]
    force = cast.police_force.name
    assert titles == [f"{force} received it", f"Information shared with {force}"]


def test_a_form_without_feedback_is_overdue_after_the_configured_days(
    cast: Cast, child: Child, settings: object
) -> None:
    sending = send_sharing_form(
        child, details(), acting_user=cast.practitioner, now=ago(days=15)
    ).recipients.get()
    assert sending.is_overdue
    assert list(SharingRecipient.objects.visible_to(cast.manager).overdue()) == [sending]
    settings.RETURNHOME_SHARING_FEEDBACK_DAYS = 20  # type: ignore[attr-defined]
    assert not sending.is_overdue
    settings.RETURNHOME_SHARING_FEEDBACK_DAYS = 14  # type: ignore[attr-defined]
    record_sharing_feedback(
        sending, feedback="Intelligence logged", expected_version=None, acting_user=cast.police
    )
    sending.refresh_from_db()
    assert not sending.is_overdue


def test_the_job_alerts_the_sender_and_managers_once(cast: Cast, child: Child) -> None:
    send_sharing_form(child, details(), acting_user=cast.practitioner, now=ago(days=15))
    now = timezone.now()
    assert sharing_feedback_overdue(now) == 2  # the practitioner who sent it, and the manager
    assert sharing_feedback_overdue(now + dt.timedelta(hours=1)) == 0
    alerts = Alert.objects.filter(kind=Alert.Kind.SHARING_OVERDUE)
    assert {a.recipient for a in alerts} == {cast.practitioner, cast.manager}
    assert all(child.surname not in a.title for a in alerts)


def test_overdue_forms_are_on_the_managers_page_and_in_the_meeting_pack(
    cast: Cast, child: Child
) -> None:
    sending = send_sharing_form(
        child, details(), acting_user=cast.practitioner, now=ago(days=15)
    ).recipients.get()
    client = Client()
    client.force_login(cast.manager)
    team = client.get(reverse("interviews:team")).content.decode()
    assert "1 information-sharing form sent to the police has had no feedback" in team
    pack = client.get(reverse("reports:meeting_pack")).context["tables"]["sharing_overdue"]
    assert [row[0] for row in pack.rows] == [child.full_name]
    record_sharing_feedback(
        sending, feedback="Logged", expected_version=None, acting_user=cast.police
    )
    assert "no feedback" not in client.get(reverse("interviews:team")).content.decode()
    pack = client.get(reverse("reports:meeting_pack")).context["tables"]["sharing_overdue"]
    assert pack.rows == []


def test_a_form_sent_from_the_interview_page_keeps_its_interview(
    cast: Cast, returned_rhi: object
) -> None:
    from returnhome.interviews import services as interview_services
    from returnhome.interviews.services import InterviewDetails

    rhi: Any = returned_rhi
    interview_services.allocate_rhi(
        rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
    )
    interview_services.record_offer(
        rhi,
        offer_made_at=ago(hours=3),
        offered_to="child",
        expected_version=None,
        acting_user=cast.practitioner,
    )
    interview_services.record_outcome(
        rhi, outcome="accepted", expected_version=None, acting_user=cast.practitioner
    )
    record = interview_services.record_interview(
        [rhi],
        InterviewDetails(
            kind="interview",
            held_at=ago(hours=2),
            place="home",
            mode="face_to_face",
            time_alone=True,
        ),
        [],
        acting_user=cast.practitioner,
    )
    client = Client()
    client.force_login(cast.practitioner)
    page = client.get(reverse("interviews:interview", args=[record.pk])).content.decode()
    link = f"{reverse('sharing:new', args=[rhi.child_id])}?interview={record.pk}"
    assert link in page
    data = {
        "categories": ["cse"],
        "key_information": "Older boyfriend",
        "source": "child",
        "source_evaluation": "1",
        "assessment": "A",
        "lawful_basis": "child_consent",
        **{
            f"{kind}-{key}": value
            for kind in ("person", "place", "vehicle", "phone")
            for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
        },
    }
    response = client.post(link, data)
    assert response.status_code == 302
    form = SharingForm.objects.get()
    assert (form.interview_id, form.child_id) == (record.pk, rhi.child_id)
    # The police never see the interview record, only the form.
    police = Client()
    police.force_login(cast.police)
    assert police.get(reverse("sharing:form", args=[form.pk])).status_code == 200
    assert police.get(reverse("interviews:interview", args=[record.pk])).status_code in {403, 404}


def test_the_episode_page_offers_a_form_to_those_who_send_them(cast: Cast, child: Child) -> None:
    from tests.conftest import missing

    episode = missing(cast, child, ago(hours=5))
    link = f"{reverse('sharing:new', args=[child.pk])}?episode={episode.pk}"
    for user, shown in ((cast.practitioner, True), (cast.front_door, False), (cast.police, False)):
        client = Client()
        client.force_login(user)
        page = client.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
        assert (link in page) == shown, user
    client = Client()
    client.force_login(cast.manager)
    assert client.get(link).context["episode"] == episode
