"""Direct reporting: a children's home, foster carer, school, social worker or youth worker reports
a child missing (with what Box D says a good report holds) and later their return, straight to the
council's front door, the police and — on return — the RHI provider at the same moment (Box G).
A report nobody made to the police is a "hidden missing" report (Box C): it is marked, and the
police force of the council's area is told by returnhome.

The report is matched to the council's children with the importer's matcher
(`imports.police.matching.ChildIndex`): a confident match opens an episode on that child
(`episodes.services.record_missing`); nobody like it opens one on a new child; an uncertain match,
or a child already missing, goes to the front door's review queue (`imports.ReviewItem`) with the
report kept. A return closes the episode through `episodes.services.record_return`, which refers
the RHI to the provider at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from returnhome.access.policy import is_reporter, reports_for_own_council
from returnhome.access.roles import (
    front_door_users,
    police_coordinator_users,
    rhi_manager_users,
)
from returnhome.accounts.models import User
from returnhome.alerts.models import Alert
from returnhome.alerts.services import notify
from returnhome.children.models import Child
from returnhome.children.services import create_child
from returnhome.core.audit import record_write
from returnhome.core.errors import Problems, require
from returnhome.episodes import services
from returnhome.episodes.models import DirectReport, Episode, Notification
from returnhome.imports.models import ReviewItem
from returnhome.imports.police.matching import Decision, Person
from returnhome.imports.police.register import load_index_for
from returnhome.interviews.services import provider_for
from returnhome.organisations.models import Organisation

FUTURE_TOLERANCE = dt.timedelta(minutes=5)
OLDEST_YEARS = 26  # as the police notification format: the oldest plausible child reported
Source = Notification.Source
REPORTER_SOURCES = [
    (Source.CHILDRENS_HOME.value, "Children's home"),
    (Source.FOSTER_CARER.value, "Foster carer"),
    (Source.SCHOOL.value, "School"),
    (Source.SOCIAL_WORKER.value, "Social worker"),
    (Source.OTHER.value, "Youth worker or other professional"),
]
SOURCE_BY_KIND = {
    Organisation.Kind.CHILDRENS_HOME: Source.CHILDRENS_HOME,
    Organisation.Kind.SCHOOL: Source.SCHOOL,
    Organisation.Kind.COUNCIL: Source.SOCIAL_WORKER,
}


@dataclass(kw_only=True)
class MissingDetails:
    """What the reporter tells us (Box D)."""

    forename: str
    surname: str
    date_of_birth: dt.date | None = None
    la_child_id: str = ""
    last_seen_at: dt.datetime
    missing_since: dt.datetime | None = None
    missing_from: str
    reported_to_police: bool
    police_force: Organisation | None = None
    police_reference: str = ""
    description: str = ""
    with_whom: str = ""
    vehicles: str = ""
    whereabouts: str = ""
    contact_details: str = ""
    concerns: str = ""
    medication: str = ""
    reporter_risk: str = DirectReport.ReporterRisk.NOT_SURE


@dataclass(kw_only=True)
class ReturnDetails:
    returned_at: dt.datetime
    found_location: str = ""
    brought_back_by: str = ""
    wellbeing: str = ""
    return_concerns: str = ""


def receiving_council(user: User) -> Organisation | None:
    """Where a user's reports go by default: a social worker's own council; a home's, school's or
    other organisation's council area. A reporter may choose another council."""
    org = user.organisation
    if org is None:
        return None
    if org.kind == Organisation.Kind.COUNCIL:
        return org
    return org.council_area


def default_source(user: User) -> str:
    if reports_for_own_council(user):
        return Source.SOCIAL_WORKER
    kind = user.organisation.kind if user.organisation else ""
    return str(SOURCE_BY_KIND.get(kind, Source.OTHER))  # type: ignore[call-overload]


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return _local(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def report_content(report: DirectReport) -> dict[str, Any]:
    """The report as a notification's content (text, as received; column names as the police
    notification format where they mean the same)."""
    fields = [
        "forename",
        "surname",
        "date_of_birth",
        "la_child_id",
        "last_seen_at",
        "missing_since",
    ]
    fields += ["missing_from", "reported_to_police", "police_reference", *DirectReport.BOX_D]
    content: dict[str, Any] = {f: _text(getattr(report, f)) for f in fields}
    content.update(
        direct_report=report.pk,
        event_at=_local(report.missing_at),
        force=report.police_force.name if report.reported_to_police and report.police_force else "",
        hidden_missing=_text(report.hidden_missing),
        reporter=str(report.reporter),
        reporter_organisation=str(report.reporter_organisation or ""),
        reporter_risk=report.get_reporter_risk_display(),
    )
    return content


def _check_missing(
    problems: Problems, council: Organisation, d: MissingDetails, reported_at: dt.datetime
) -> None:
    if not council.is_council:
        problems.add("council", "Choose the council to report to")
    if not d.forename.strip():
        problems.add("forename", "Enter the child's first name")
    if not d.surname.strip():
        problems.add("surname", "Enter the child's last name")
    today = timezone.localdate(reported_at)
    if d.date_of_birth is not None and d.date_of_birth > today:
        problems.add("date_of_birth", "Date of birth must be today or in the past")
    elif d.date_of_birth is not None and d.date_of_birth.year < today.year - OLDEST_YEARS:
        problems.add("date_of_birth", f"Date of birth is more than {OLDEST_YEARS} years ago")
    if d.last_seen_at > reported_at + FUTURE_TOLERANCE:
        problems.add("last_seen_at", "When they were last seen cannot be in the future")
    if d.missing_since is not None and d.missing_since > reported_at + FUTURE_TOLERANCE:
        problems.add("missing_since", "When you realised they were missing cannot be in the future")
    elif d.missing_since is not None and d.missing_since < d.last_seen_at:
        problems.add(
            "missing_since", "You cannot realise they were missing before they were last seen"
        )
    if not d.missing_from.strip():
        problems.add("missing_from", "Enter where they went missing from")
    if d.reporter_risk not in DirectReport.ReporterRisk.values:
        problems.add("reporter_risk", "Select the risk as you see it")
    force_ok = d.police_force is not None and d.police_force.kind == Organisation.Kind.POLICE
    if d.reported_to_police and not force_ok:
        problems.add("police_force", "Choose the police force you reported to")


@transaction.atomic
def report_missing(
    reporter: User,
    *,
    council: Organisation,
    details: MissingDetails,
    source: str | None = None,
    reported_at: dt.datetime | None = None,
) -> DirectReport:
    """A reporter reports a child missing: keep the report, record it on the right child (or send
    it to the front door to decide), and alert the front door and the police."""
    require(is_reporter(reporter), "Only reporters and social workers report children directly.")
    if reports_for_own_council(reporter):
        require(council.pk == reporter.organisation_id, "Social workers report to their council.")
    # To the minute, as people give times: a return reported in the same minute is not "before".
    reported_at = reported_at or timezone.now().replace(second=0, microsecond=0)
    source = source or default_source(reporter)
    problems = Problems()
    _check_missing(problems, council, details, reported_at)
    if source not in {s for s, _ in REPORTER_SOURCES}:
        problems.add("source", "Select who you are reporting as")
    problems.raise_if_any()
    fields = asdict(details)
    fields["police_force"] = details.police_force  # asdict deep-copies models: use the original
    if not details.reported_to_police:
        fields["police_force"], fields["police_reference"] = None, ""
    fields["police_force"] = fields["police_force"] or council.police_force
    report = DirectReport.objects.create(
        council=council,
        reporter=reporter,
        reporter_organisation=reporter.organisation,
        source=source,
        status=DirectReport.Status.WITH_FRONT_DOOR,
        reported_at=reported_at,
        **{k: v.strip() if isinstance(v, str) else v for k, v in fields.items()},
    )
    record_write(
        reporter,
        "report_missing",
        report,
        council=council,
        source=source,
        hidden_missing=report.hidden_missing,
    )
    _route(report)
    _alert_missing(report)
    return report


def _match(report: DirectReport) -> Decision:
    probe = Person.build(
        0,
        report.forename,
        report.surname,
        report.date_of_birth,
        la_child_id=report.la_child_id,
    )
    return load_index_for(report.council, [probe]).match(probe)


def _route(report: DirectReport) -> None:
    """Record the report on its child, or send it to the front door's review queue."""
    decision = _match(report)
    child: Child | None = None
    if decision.outcome == "auto" and decision.child_id is not None:
        child = Child.objects.get(pk=decision.child_id)
        open_episode = child.episodes.open().first()
        if open_episode is not None:
            _send_to_review(
                report,
                ReviewItem.Reason.ALREADY_MISSING,
                "The child already has an open missing episode: add this report to it, or "
                "record a new episode",
                decision,
                open_episode,
            )
            return
    elif decision.outcome == "new" and not report.la_child_id:
        child = create_child(
            report.council,
            acting_user=report.reporter,
            forename=report.forename,
            surname=report.surname,
            date_of_birth=report.date_of_birth,
        )
    elif decision.outcome == "new":
        _send_to_review(
            report,
            ReviewItem.Reason.UNCERTAIN_MATCH,
            f"No child holds the council child ID given ({report.la_child_id})",
            decision,
        )
        return
    else:
        reason = (
            ReviewItem.Reason.IDENTIFIER_CONFLICT
            if decision.conflict
            else ReviewItem.Reason.UNCERTAIN_MATCH
        )
        _send_to_review(report, reason, "Reported directly: check which child this is", decision)
        return
    assert child is not None
    episode = services.record_missing(
        child,
        reported_missing_at=report.missing_at,
        received_at=report.reported_at,
        source=report.source,
        acting_user=report.reporter,
        last_seen_at=min(report.last_seen_at, report.missing_at),
        missing_from=report.missing_from,
        police_force=report.police_force,
        police_reference=report.police_reference,
        reported_by=_reported_by(report),
        circumstances=report.concerns,
        content=report_content(report),
        check_permission=False,
    )
    report.episode = episode
    report.status = DirectReport.Status.RECORDED
    report.save(update_fields=["episode", "status", "updated_at"])
    record_write(report.reporter, "link_direct_report", report, episode=episode)


def _reported_by(report: DirectReport) -> str:
    org = f", {report.reporter_organisation}" if report.reporter_organisation else ""
    return f"{report.reporter}{org} ({report.get_source_display()})"[:200]


def _send_to_review(
    report: DirectReport,
    reason: str,
    message: str,
    decision: Decision | None,
    open_episode: Episode | None = None,
    *,
    event: str = Notification.Event.MISSING,
    event_at: dt.datetime | None = None,
) -> ReviewItem:
    """A review item for the front door, holding the report. The police key stays in `data` only:
    the police's own notification of the same episode must still import."""
    suggested = decision.suggested if decision else None
    item = ReviewItem.objects.create(
        council=report.council,
        reason=reason,
        message=message[:500],
        source=report.source,
        event=event,
        event_at=event_at or report.missing_at,
        received_at=timezone.now(),
        data=report_content(report),
        candidates=[c.as_dict() for c in decision.candidates] if decision else [],
        suggested_child_id=suggested if suggested and suggested > 0 else None,
        open_episode=open_episode,
    )
    record_write(report.reporter, "send_to_review", item, reason=reason, event=event)
    if event == Notification.Event.MISSING:
        report.review_item = item
        report.save(update_fields=["review_item", "updated_at"])
    return item


def _link(report: DirectReport) -> str:
    if report.episode_id:
        return reverse("episodes:detail", args=[report.episode_id])
    return reverse("reporting:detail", args=[report.pk])


def _who(report: DirectReport) -> str:
    return str(report.reporter_organisation or report.reporter)


def front_door_of(council: Organisation) -> list[User]:
    return list(User.objects.filter(front_door_users(), organisation=council, is_active=True))


def police_coordinators(force: Organisation | None) -> list[User]:
    if force is None:
        return []
    return list(User.objects.filter(police_coordinator_users(), organisation=force, is_active=True))


def provider_managers(council: Organisation) -> list[User]:
    """The managers of the council's commissioned RHI provider (none when the RHI team is the
    council's own: its managers are the front door's colleagues, alerted already)."""
    provider = provider_for(council)
    if provider.pk == council.pk:
        return []
    return list(User.objects.filter(rhi_manager_users(), organisation=provider, is_active=True))


def _alert_missing(report: DirectReport) -> None:
    hidden = " — hidden missing: the police had not been told" if report.hidden_missing else ""
    checking = "" if report.episode_id else " (the front door is checking which child)"
    title = f"Child reported missing by {_who(report)}{hidden}{checking}"
    # Box G: the home's report reaches the RHI provider and the police at the same moment.
    recipients = (
        front_door_of(report.council)
        + police_coordinators(report.police_force)
        + provider_managers(report.council)
    )
    notify(
        recipients,
        kind=Alert.Kind.REPORTED_MISSING,
        title=title,
        link=_link(report),
        acting_user=report.reporter,
    )


@transaction.atomic
def report_return(
    report: DirectReport,
    *,
    acting_user: User,
    details: ReturnDetails,
    reported_at: dt.datetime | None = None,
) -> DirectReport:
    """The reporter says the child is back: close the episode (the RHI is referred at once), and
    alert the front door, the police and the RHI provider's managers."""
    report = DirectReport.objects.select_for_update().get(pk=report.pk)
    require(report.reporter_id == acting_user.pk, "Only the person who reported it can do this.")
    reported_at = reported_at or timezone.now()
    problems = Problems()
    if report.status == DirectReport.Status.RETURNED:
        problems.add("__all__", "You have already reported this child's return.")
    if details.returned_at > reported_at + FUTURE_TOLERANCE:
        problems.add("returned_at", "The return time cannot be in the future")
    elif details.returned_at < report.last_seen_at:
        problems.add("returned_at", "The child cannot return before they were last seen")
    elif details.returned_at < report.missing_at:
        problems.add("returned_at", "The child cannot return before they were reported missing")
    problems.raise_if_any()
    for name, value in asdict(details).items():
        setattr(report, name, value.strip() if isinstance(value, str) else value)
    report.return_reported_at = reported_at
    report.status = DirectReport.Status.RETURNED
    report.save()
    record_write(acting_user, "report_return", report, returned_at=details.returned_at)
    content = {**report_content(report), **{k: _text(v) for k, v in asdict(details).items()}}
    episode = report.episode
    if episode is not None and episode.is_open:
        services.record_return(
            episode,
            returned_at=details.returned_at,
            received_at=max(reported_at, details.returned_at),
            source=report.source,
            acting_user=acting_user,
            found_location=report.found_location,
            content=content,
            check_permission=False,
        )
    elif episode is not None:  # the front door or police recorded the return already
        Notification.objects.create(
            episode=episode,
            council=episode.council,
            event=Notification.Event.FOUND,
            source=report.source,
            received_at=max(reported_at, details.returned_at),
            content=content,
            recorded_by=acting_user,
        )
        record_write(acting_user, "add_notification", episode, source=report.source, event="found")
    else:
        _send_to_review(
            report,
            ReviewItem.Reason.UNCERTAIN_MATCH,
            "Return reported directly for a missing report the front door has not yet linked "
            "to a child",
            None,
            event=Notification.Event.FOUND,
            event_at=details.returned_at,
        )
    _alert_return(report)
    return report


def _alert_return(report: DirectReport) -> None:
    who = _who(report)
    notify(
        front_door_of(report.council) + police_coordinators(report.police_force),
        kind=Alert.Kind.REPORTED_RETURNED,
        title=f"Child reported returned by {who}",
        link=_link(report),
        acting_user=report.reporter,
    )
    rhi = getattr(report.episode, "rhi", None) if report.episode_id else None
    if rhi is None:
        return
    managers = User.objects.filter(rhi_manager_users(), organisation_id=rhi.provider_id)
    notify(
        managers,
        kind=Alert.Kind.RHI_REFERRED,
        title=f"New RHI to allocate: a child reported returned by {who}",
        link=reverse("interviews:rhi", args=[rhi.pk]),
        acting_user=report.reporter,
    )


@transaction.atomic
def link_review_resolution(item: ReviewItem, episode: Episode, *, acting_user: User) -> None:
    """For the front door's review queue: once a direct report's review item is resolved onto an
    episode, the report follows it (so its return closes that episode) and the police force told
    can open it."""
    for report in DirectReport.objects.select_for_update().filter(review_item=item):
        report.episode = episode
        if report.status == DirectReport.Status.WITH_FRONT_DOOR:
            report.status = DirectReport.Status.RECORDED
        report.save(update_fields=["episode", "status", "updated_at"])
        if episode.police_force_id is None and report.police_force_id is not None:
            Episode.objects.filter(pk=episode.pk).update(police_force_id=report.police_force_id)
        record_write(acting_user, "link_direct_report", report, episode=episode)
