"""Where a child's personal data is held: every model with rows about one child, how to find them,
and which of their fields hold personal data (names, dates of birth, addresses, identifiers,
references, free text). Subject access (`subject_access.py`) exports every row found here;
erasure (`services.erase_child`) blanks the personal fields, or deletes the rows of a kind that
holds nothing the figures count.

Complete by test: `tests/privacy/test_records.py` fails when a model pointing at a child, an
episode, an RHI, an interview, a direct report or a review item is neither here nor in
`NOT_PERSONAL` (with the reason).

What erasure keeps (the figures count it, and without the rest it names nobody): the child
record itself (anonymised, marked erased), each episode's times, group, risk level and
classification, each RHI's dates, status, offer, outcome codes and deadlines, each interview's
kind, date, place, mode and exploitation flags, each action's service, status and dates, each
information-sharing form's categories, grading, lawful basis code and dates (its people,
places, vehicles and phones are deleted), and the notifications' events, sources and times. The audit trail is never touched (it holds no
personal values: `core.audit`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

from returnhome.alerts.models import Alert
from returnhome.children.models import (
    Alias,
    Child,
    ChildMerge,
    InformationPackage,
    LegalStatus,
    MatchKey,
    Placement,
    RiskFlag,
)
from returnhome.core.models import AuditEvent
from returnhome.episodes.models import DirectReport, Episode, Notification
from returnhome.followup.models import ProposedAction
from returnhome.imports.models import PendingNotification, ReviewItem
from returnhome.interviews.models import RHI, ContactAttempt, Interview, InterviewDraft
from returnhome.privacy.models import RetentionDecision
from returnhome.reports.models import EpisodeFacts
from returnhome.sharing.models import SharingEntry, SharingForm, SharingRecipient

Rows = Callable[[list[int]], QuerySet[Any]]


@dataclass(frozen=True)
class Held:
    """One kind of record about a child."""

    key: str  # the subject access export's key
    title: str
    model: type[models.Model]
    rows: Rows  # the rows about these children (a child and the duplicates merged into it)
    personal: tuple[str, ...] = ()  # blanked on erasure
    delete: bool = False  # erasure deletes the rows (nothing in them is counted)

    def about(self, child_ids: list[int]) -> QuerySet[Any]:
        return self.rows(child_ids).order_by("pk")


def _by_child(model: type[models.Model]) -> Rows:
    return lambda ids: model._default_manager.filter(child_id__in=ids)


def _direct_reports(ids: list[int]) -> QuerySet[Any]:
    # Reports recorded on the child's episodes, or resolved to the child by the front door (a
    # report only suggested to be about the child may be someone else's: not included).
    return DirectReport.objects.filter(
        Q(episode__child_id__in=ids) | Q(review_item__resolved_child_id__in=ids)
    )


def _review_items(ids: list[int]) -> QuerySet[Any]:
    # Resolved to the child, or still undecided about the child's open episode. Only suggested:
    # perhaps another child's (the front door has not decided), so not included.
    return ReviewItem.objects.filter(
        Q(resolved_child_id__in=ids)
        | Q(resolved_child__isnull=True, open_episode__child_id__in=ids)
    )


HELD: tuple[Held, ...] = (
    Held(
        "child",
        "The child's record",
        Child,
        lambda ids: Child.objects.filter(pk__in=ids),
        personal=(
            "la_child_id",
            "forename",
            "surname",
            "date_of_birth",
            "sex",
            "gender",
            "ethnicity",
            "address",
            "postcode",
            "nhs_number",
            "services_involved",
            "allocated_social_worker",
            "photographs_held",
            "photographs_location",
        ),
    ),
    Held("aliases", "Other names", Alias, _by_child(Alias), delete=True),
    Held(
        "match_keys",
        "Keys for matching police notifications (derived from the names, date of birth, "
        "postcode and identifiers above)",
        MatchKey,
        _by_child(MatchKey),
        delete=True,
    ),
    Held("legal_statuses", "Legal status", LegalStatus, _by_child(LegalStatus), delete=True),
    Held("placements", "Placements", Placement, _by_child(Placement), delete=True),
    Held("risk_flags", "Risk flags", RiskFlag, _by_child(RiskFlag), delete=True),
    Held(
        "information_package",
        "Information package for placements out of area (and where it was sent)",
        InformationPackage,
        _by_child(InformationPackage),
        delete=True,
    ),
    Held(
        "merges",
        "Duplicate records merged",
        ChildMerge,
        lambda ids: ChildMerge.objects.filter(Q(keep_id__in=ids) | Q(duplicate_id__in=ids)),
        personal=("reason", "moved", "undo_reason"),
    ),
    Held(
        "episodes",
        "Missing episodes",
        Episode,
        _by_child(Episode),
        personal=(
            "missing_from",
            "found_location",
            "police_reference",
            "reported_by",
            "circumstances",
            "external_id",
        ),
    ),
    Held(
        "notifications",
        "Notifications received",
        Notification,
        lambda ids: Notification.objects.filter(episode__child_id__in=ids),
        personal=("content", "police_reference"),
    ),
    Held(
        "direct_reports",
        "Reported directly (children's homes, carers, schools, workers)",
        DirectReport,
        _direct_reports,
        personal=(
            "forename",
            "surname",
            "date_of_birth",
            "la_child_id",
            "missing_from",
            "police_reference",
            *DirectReport.BOX_D,
            *DirectReport.RETURN_FIELDS,
        ),
    ),
    Held(
        "review_items",
        "Notifications the front door decided",
        ReviewItem,
        _review_items,
        personal=("message", "police_reference", "data", "candidates", "resolution_reason"),
    ),
    Held(
        "pending_notifications",
        "Found notifications that waited for their missing notification",
        PendingNotification,
        lambda ids: PendingNotification.objects.filter(
            Q(child_id__in=ids) | Q(episode__child_id__in=ids)
        ),
        personal=("content", "found_location", "police_reference"),
    ),
    Held(
        "rhis",
        "Return Home Interviews (offer, consent, outcome)",
        RHI,
        _by_child(RHI),
        personal=("independence_reason", "consent_given_by_name", "outcome_note"),
    ),
    Held(
        "contact_attempts",
        "Contact attempts",
        ContactAttempt,
        lambda ids: ContactAttempt.objects.filter(rhi__child_id__in=ids),
        personal=("note",),
    ),
    Held(
        "interviews",
        "Interview records",
        Interview,
        _by_child(Interview),
        personal=(
            "people_present",
            "information_from",
            "push_factors",
            "pull_factors",
            "experiences",
            "people_of_concern",
            "places_of_concern",
            "risk_factors",
            "protective_factors",
            "childs_words",
            "reflection",
            "child_feedback",
            "carer_feedback",
            "manager_comment",
            "return_comment",
        ),
    ),
    Held(
        "interview_drafts",
        "Interview records being written (drafts)",
        InterviewDraft,
        lambda ids: InterviewDraft.objects.filter(rhi__child_id__in=ids),
        delete=True,
    ),
    Held(
        "actions",
        "Actions and referrals",
        ProposedAction,
        _by_child(ProposedAction),
        personal=("description", "owner", "manager_comment", "outcome"),
    ),
    Held(
        "sharing_forms",
        "Information shared with the police",
        SharingForm,
        _by_child(SharingForm),
        personal=(
            "key_information",
            "coercion",
            "payments",
            "third_party",
            "consent_given_by",
            "basis_reason",
        ),
    ),
    Held(
        "sharing_entries",
        "People, places, vehicles and phones shared with the police",
        SharingEntry,
        lambda ids: SharingEntry.objects.filter(form__child_id__in=ids),
        delete=True,
    ),
    Held(
        "sharing_recipients",
        "The police forces it went to: receipt and feedback",
        SharingRecipient,
        lambda ids: SharingRecipient.objects.filter(form__child_id__in=ids),
        personal=("feedback",),
    ),
    Held(
        "retention_decisions",
        "Decisions to keep or erase the record",
        RetentionDecision,
        _by_child(RetentionDecision),
        personal=("reason",),
    ),
)

NOT_PERSONAL: dict[type[models.Model], str] = {
    EpisodeFacts: "derived by database triggers from the episode, RHI and interview (codes and "
    "times only); kept so that the figures still count an erased child's episodes",
    AuditEvent: "the audit trail: identifiers and field names, never personal values; "
    "append-only; exported as the access history",
}
"""Models that point at a child's records but hold no personal data of their own."""

UNIQUE_REFERENCE: dict[type[models.Model], str] = {PendingNotification: "police_reference"}
"""Personal fields in a unique constraint: erased to a placeholder naming the row, not blanked."""


def child_ids(child: Child) -> list[int]:
    """The child and every duplicate record merged into it (and into those), which hold the same
    person's data."""
    ids = [child.pk]
    frontier = [child.pk]
    while frontier:
        frontier = list(
            Child.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


def links_to(records: Mapping[str, Iterable[models.Model]]) -> list[str]:
    """The pages of these records, as alerts link to them (`/episodes/5/`, `/rhis/7/`, …)."""
    prefixes = {
        "child": "/children/{}/",
        "episodes": "/episodes/{}/",
        "rhis": "/rhis/{}/",
        "interviews": "/interviews/{}/",
        "actions": "/actions/{}/",
        "direct_reports": "/reporting/{}/",
    }
    return [
        prefix.format(obj.pk) for key, prefix in prefixes.items() for obj in records.get(key, ())
    ]


def alerts_about(links: list[str]) -> QuerySet[Alert]:
    """Alerts whose link opens one of these pages (an alert names no child: its link is what
    makes it about one)."""
    if not links:
        return Alert.objects.none()
    match = Q()
    for link in links:
        match |= Q(link__startswith=link)
    return Alert.objects.filter(match).select_related("recipient").order_by("pk")
