"""A child with one of everything the product holds about a child, each personal value carrying a
word found nowhere else, so a scan of every table can look for it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from returnhome.alerts.models import Alert
from returnhome.children.matchkeys import refresh_match_keys
from returnhome.children.models import (
    Alias,
    Child,
    ChildMerge,
    InformationPackage,
    LegalStatus,
    Placement,
    RiskFlag,
)
from returnhome.core.audit import record_read
from returnhome.episodes.models import DirectReport, Episode, Notification
from returnhome.imports.models import PendingNotification, ReviewItem
from returnhome.interviews import services
from returnhome.interviews.models import RHI, ContactAttempt, Interview, InterviewDraft
from returnhome.interviews.services import ActionProposal, InterviewDetails
from returnhome.privacy.models import RetentionDecision
from returnhome.sharing.services import (
    Entry,
    SharingDetails,
    record_sharing_feedback,
    send_sharing_form,
)
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory, ago

DOB = dt.date(1996, 2, 29)
# Every personal value holds one of these (case is ignored when searching).
PERSONAL = (
    "Zephyrine",
    "Quillfeather",
    "Marrowbone",
    "ZZ9 9ZZ",
    "9434765919",
    "LAC-77123",
    "PR77-4411",
)


@dataclass
class Everything:
    child: Child
    duplicate: Child
    episode: Episode
    rhi: RHI
    interview: Interview
    report: DirectReport


def _q(what: str) -> str:
    return f"{what} — Quillfeather"


@pytest.fixture
def everything(cast: Cast) -> Everything:
    child = ChildFactory(
        council=cast.council,
        forename="Zephyrine",
        surname="Quillfeather",
        date_of_birth=DOB,
        la_child_id="LAC-77123",
        nhs_number="9434765919",
        address="4 Marrowbone Lane, Testtown",
        postcode="ZZ9 9ZZ",
        gender="Girl (Quillfeather said)",
        ethnicity="Quillfeather-described",
        photographs_held=True,
        photographs_location="Marrowbone drive",
        services_involved=["looked_after"],
        allocated_social_worker=cast.social_worker,
    )
    duplicate = ChildFactory(
        council=cast.council, forename="Zephy", surname="Quillfeather", merged_into=child
    )
    ChildMerge.objects.create(
        council=cast.council,
        keep=child,
        duplicate=duplicate,
        merged_at=ago(days=400),
        merged_by=cast.front_door,
        reason=_q("same girl"),
        moved={"fields": {"address": "4 Marrowbone Lane"}},
    )
    Alias.objects.create(child=child, name="Zeph Quillfeather")
    LegalStatus.objects.create(
        child=child,
        status=LegalStatus.Status.LOOKED_AFTER,
        responsible_council=cast.council,
        start_date=dt.date(2010, 1, 1),
    )
    Placement.objects.create(
        child=child,
        placement_type=Placement.Type.FOSTER,
        address="9 Marrowbone Close",
        postcode="ZZ9 9ZZ",
        council_area=cast.council,
        start_date=dt.date(2010, 1, 1),
    )
    RiskFlag.objects.create(child=child, flag="cse", start_date=dt.date(2011, 1, 1), note=_q("x"))

    episode = missing(
        cast,
        child,
        ago(days=30),
        missing_from="Marrowbone foster home",
        police_reference="PR77-4411",
        reported_by=_q("carer"),
        circumstances=_q("left after an argument"),
        content={"name": "Zephyrine Quillfeather", "dob": DOB.isoformat()},
    )
    rhi = returned(cast, episode, ago(days=29))
    Episode.objects.filter(pk=episode.pk).update(
        found_location="Marrowbone park", external_id="LAC-77123-E1"
    )
    Notification.objects.filter(episode=episode).update(
        content={"name": "Zephyrine Quillfeather", "found at": "Marrowbone park"}
    )
    services.allocate_rhi(rhi, cast.practitioner, expected_version=None, acting_user=cast.manager)
    services.record_offer(
        rhi,
        offer_made_at=ago(days=28),
        offered_to="child",
        expected_version=None,
        acting_user=cast.practitioner,
    )
    services.record_outcome(
        rhi, outcome="accepted", expected_version=None, acting_user=cast.practitioner
    )
    RHI.objects.filter(pk=rhi.pk).update(
        independence_reason=_q("worker knows her"),
        consent_given_by_name="Mrs Quillfeather",
        outcome_note=_q("note"),
    )
    ContactAttempt.objects.create(
        rhi=rhi,
        attempted_at=ago(days=28),
        method="phone",
        contacted="carer",
        result="spoke",
        note=_q("spoke to carer"),
        recorded_by=cast.practitioner,
    )
    rhi.refresh_from_db()
    interview = services.record_interview(
        [rhi],
        InterviewDetails(
            kind="interview",
            held_at=ago(days=27),
            place="home",
            mode="face_to_face",
            people_present=_q("carer"),
            time_alone=True,
            box_o={
                name: _q(name)
                for name in services.BOX_O_FIELDS
                if name not in {"cce_identified", "cse_identified"}
            },
        ),
        [ActionProposal(_q("Refer to youth service"), "youth_service", owner=_q("Sam"))],
        acting_user=cast.practitioner,
    )
    Interview.objects.filter(pk=interview.pk).update(
        information_from=_q("carer"), manager_comment=_q("ok"), return_comment=_q("returned")
    )
    InterviewDraft.objects.create(  # carer information being written: a draft is about the child
        rhi=rhi,
        author=cast.practitioner,
        kind=Interview.Kind.CARER_ONLY,
        data={"information_from": [_q("draft")]},
    )
    interview.actions.update(manager_comment=_q("agreed"), outcome=_q("done"))
    shared = send_sharing_form(
        child,
        SharingDetails(
            categories=["cse"],
            key_information=_q("key"),
            source="child",
            source_evaluation="1",
            assessment="A",
            lawful_basis="parent_consent",
            consent_given_by="Mrs Quillfeather",
            coercion=_q("coercion"),
            payments=_q("payments"),
            third_party=_q("rumour"),
            entries=[Entry("person", "Marrowbone Mick", _q("nickname"))],
        ),
        interview=interview,
        acting_user=cast.practitioner,
        now=ago(days=26),
    )
    sending = shared.recipients.get()
    record_sharing_feedback(
        sending, feedback=_q("visited"), expected_version=None, acting_user=cast.police
    )
    report = DirectReport.objects.create(
        council=cast.council,
        reporter=cast.reporter,
        source=Notification.Source.FOSTER_CARER,
        status=DirectReport.Status.RETURNED,
        forename="Zephyrine",
        surname="Quillfeather",
        date_of_birth=DOB,
        la_child_id="LAC-77123",
        reported_at=ago(days=30),
        last_seen_at=ago(days=30),
        missing_from="Marrowbone foster home",
        reported_to_police=True,
        police_reference="PR77-4411",
        **{name: _q(name) for name in DirectReport.BOX_D},
        **{name: _q(name) for name in DirectReport.RETURN_FIELDS},
        reporter_risk="high",
        episode=episode,
    )
    ReviewItem.objects.create(
        council=cast.council,
        reason=ReviewItem.Reason.UNCERTAIN_MATCH,
        message=_q("Is this Zephyrine?"),
        event="missing",
        event_at=ago(days=30),
        received_at=ago(days=30),
        police_force=cast.police_force,
        police_reference="PR77-4411-B",
        data={"forename": "Zephyrine", "surname": "Quillfeather", "dob": DOB.isoformat()},
        candidates=[{"child_id": child.pk, "score": 0.9, "reasons": ["same date of birth"]}],
        status=ReviewItem.Status.RESOLVED,
        resolution=ReviewItem.Resolution.MATCHED,
        resolved_child=child,
        resolved_by=cast.front_door,
        resolved_at=ago(days=30),
        resolution_reason=_q("same girl"),
    )
    PendingNotification.objects.create(
        council=cast.council,
        police_force=cast.police_force,
        police_reference="PR77-4411-F",
        event_at=ago(days=29),
        received_at=ago(days=29),
        found_location="Marrowbone park",
        content={"name": "Zephyrine Quillfeather"},
        child=child,
        status=PendingNotification.Status.JOINED,
        episode=episode,
    )
    Alert.objects.create(
        recipient=cast.front_door,
        kind=Alert.Kind.REPORTED_MISSING,
        title="Child reported missing by a foster carer",
        link=f"/episodes/{episode.pk}/",
    )
    RetentionDecision.objects.create(
        child=child,
        kind=RetentionDecision.Kind.KEPT,
        keep_until=dt.date(2020, 1, 1),
        reason=_q("court case"),
        decided_by=cast.admin,
    )
    InformationPackage.objects.create(
        child=child,
        **{name: _q(name) for name in InformationPackage.TEXT_FIELDS},
    )
    refresh_match_keys()  # as the next police import would: the child's keys for matching
    record_read(cast.practitioner, child)
    return Everything(child, duplicate, episode, rhi, interview, report)
