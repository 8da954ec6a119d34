"""Carrying out a history plan (`history.plan`): children, their legal-status and placement
history, episodes, found notifications, RHIs and interviews, in bulk, audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.children import groups as child_groups
from returnhome.children.models import Child, LegalStatus, Placement
from returnhome.core.audit import insert_chained
from returnhome.core.db import BULK_BATCH, bulk_write, chunked, fast_insert, unsaved
from returnhome.core.models import AuditEvent
from returnhome.episodes.models import Episode, Notification
from returnhome.episodes.partners import tell_everyone_responsible_for
from returnhome.imports.commit.records import audit_row
from returnhome.imports.history.plan import HistoryPlan
from returnhome.imports.history.rows import HistoryRow
from returnhome.imports.models import ImportRun
from returnhome.interviews.models import RHI, Interview
from returnhome.interviews.services import deadlines_by_rule, due_field, provider_for
from returnhome.organisations.models import Organisation

HISTORY_SOURCE = Notification.Source.OTHER
HISTORY_WORKER = "imported-history"


def history_worker() -> User:
    """Who "conducted" an imported interview: the file does not say, so a named placeholder
    (inactive, no organisation, no role, cannot log in)."""
    user, created = User.objects.get_or_create(
        username=HISTORY_WORKER,
        defaults={
            "first_name": "Imported history",
            "last_name": "(worker not recorded)",
            "is_active": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _history_rhi_fields(item: HistoryRow, rule: Any, now: dt.datetime) -> dict[str, Any]:
    """The RHI of an imported returned episode: its clock as refer_rhi sets it, its offer and
    outcome as the row says. Imported RHIs are closed: they are history, not work to do."""
    received = item.received_at
    every_due = deadlines_by_rule(item.returned_at, received)
    outcome = item.rhi_outcome
    return {
        "referred_at": received,
        "clock_started_at": rule.start_at(item.returned_at, received),
        "due_at": every_due[due_field(rule)],
        **every_due,
        "offer_made_at": item.rhi_offered_at,
        "outcome": outcome,
        "decline_reason": item.decline_reason,
        "outcome_note": "Imported from history" if outcome else "",
        "outcome_recorded_at": (item.interview_at or item.rhi_offered_at or received)
        if outcome
        else None,
        "status": RHI.Status.CLOSED,
        "closed_at": now,
    }


def _history_interview_fields(item: HistoryRow, now: dt.datetime) -> dict[str, Any]:
    assert item.interview_at is not None
    return {
        "kind": Interview.Kind.CARER_ONLY if item.carer_only else Interview.Kind.INTERVIEW,
        "held_at": item.interview_at,
        "place": Interview.Place.OTHER,
        "mode": "",
        "information_from": "Not recorded (imported history)" if item.carer_only else "",
        "cce_identified": item.cce_identified,
        "cse_identified": item.cse_identified,
        "submitted_at": item.interview_at,
        "reviewed_at": now,
        "manager_comment": "Imported from history: not reviewed in returnhome",
    }


def _write_periods(model: Any, plans: list[tuple[int, list[Any]]]) -> list[Any]:
    """Replace each child's periods (legal status or placement) with the planned ones."""
    ids = [child_pk for child_pk, _ in plans]
    for part in chunked(ids):
        model.objects.filter(child_id__in=part).delete()
    objs = [
        model(child_id=child_pk, start_date=p.start_date, end_date=p.end_date, **p.fields)
        for child_pk, periods in plans
        for p in periods
    ]
    model.objects.bulk_create(objs, batch_size=BULK_BATCH)
    return objs


@dataclass
class _HistoryCommit:
    """One history plan being committed: the children's pks by file id, and the audit rows."""

    plan: HistoryPlan
    council: Organisation
    actor: User | None
    now: dt.datetime
    rule: Any
    provider: Organisation
    worker: User
    children: dict[str, int] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)

    def record(self, action: str, obj: Model, **detail: Any) -> None:
        self.audit.append(audit_row(self.actor, action, obj, **detail))


def _write_children(commit: _HistoryCommit) -> None:
    """New children, and changed details of children already recorded."""
    plan = commit.plan
    commit.children = {c.child_id: c.pk for c in plan.children if c.pk is not None}
    new_children = [
        Child(council=commit.council, la_child_id=c.child_id, **c.fields)
        for c in plan.children
        if c.pk is None
    ]
    Child.objects.bulk_create(new_children, batch_size=BULK_BATCH)
    for new in new_children:
        commit.children[new.la_child_id] = new.pk
        commit.record(
            "create_child", new, fields={"la_child_id": new.la_child_id}, source="history"
        )
    for child_plan in plan.children:
        if child_plan.pk is not None and child_plan.changed:
            # The version moves on: an edit form opened before this import is stale.
            Child.objects.filter(pk=child_plan.pk).update(
                updated_at=commit.now, version=F("version") + 1, **child_plan.changed
            )
            commit.record("update_child", Child(pk=child_plan.pk), changed=child_plan.changed)


def _write_histories(commit: _HistoryCommit) -> list[int]:
    """The children's legal-status and placement history where it changes; their pks."""
    plan = commit.plan
    status_plans = [
        (commit.children[c.child_id], c.statuses) for c in plan.children if c.statuses is not None
    ]
    place_plans = [
        (commit.children[c.child_id], c.placements)
        for c in plan.children
        if c.placements is not None
    ]
    _write_periods(LegalStatus, status_plans)
    _write_periods(Placement, place_plans)
    for part in chunked([pk for pk, _ in place_plans]):  # in another council's area (issue 12)
        Placement.objects.filter(child_id__in=part).exclude(
            council_area_id=commit.council.pk
        ).update(out_of_area=True)
    for child_pk, periods in status_plans:
        commit.record(
            "record_legal_status",
            Child(pk=child_pk),
            source="history",
            periods=[[p.start_date, p.end_date, *p.key] for p in periods],
        )
    for child_pk, periods in place_plans:
        commit.record(
            "record_placement",
            Child(pk=child_pk),
            source="history",
            periods=[[p.start_date, p.end_date, p.key] for p in periods],
        )
    return sorted({pk for pk, _ in status_plans} | {pk for pk, _ in place_plans})


def _create_episodes(commit: _HistoryCommit) -> list[Episode]:
    """New episodes, with their found notification, interview and RHI; the episodes."""
    creates = [e.row for e in commit.plan.episodes if e.pk is None]
    council = commit.council
    episode_objs = [
        unsaved(
            Episode,
            child_id=commit.children[item.child_id],
            council_id=council.pk,
            group=str(item.group),
            reported_missing_at=item.reported_missing_at,
            returned_at=item.returned_at,
            risk_level=item.risk_level,
            classification=item.classification,
            external_id=item.episode_id,
        )
        for item in creates
    ]
    fast_insert(Episode, episode_objs)
    notes = []
    interviews: dict[str, Interview] = {}
    for item, episode in zip(creates, episode_objs, strict=True):
        commit.record("import_episode", episode, external_id=item.episode_id, group=episode.group)
        if item.returned_at is not None:
            notes.append(
                unsaved(
                    Notification,
                    episode_id=episode.pk,
                    council_id=council.pk,
                    event=Notification.Event.FOUND,
                    source=HISTORY_SOURCE,
                    received_at=item.received_at,
                    content={"import": "history", "episode_id": item.episode_id, "row": item.row},
                    recorded_by_id=commit.actor.pk if commit.actor else None,
                )
            )
        if item.interview_at is not None:
            interviews[item.episode_id] = unsaved(
                Interview,
                child_id=episode.child_id,
                council_id=council.pk,
                conducted_by_id=commit.worker.pk,
                **_history_interview_fields(item, commit.now),
            )
    fast_insert(Notification, notes)
    fast_insert(Interview, list(interviews.values()))
    _create_rhis(commit, creates, episode_objs, interviews)
    return episode_objs


def _create_rhis(
    commit: _HistoryCommit,
    creates: list[HistoryRow],
    episode_objs: list[Episode],
    interviews: dict[str, Interview],
) -> None:
    rhis = []
    for item, episode in zip(creates, episode_objs, strict=True):
        if item.returned_at is None:
            continue
        interview = interviews.get(item.episode_id)
        rhis.append(
            unsaved(
                RHI,
                episode_id=episode.pk,
                child_id=episode.child_id,
                council_id=commit.council.pk,
                provider_id=commit.provider.pk,
                interview_id=interview.pk if interview else None,
                **_history_rhi_fields(item, commit.rule, commit.now),
            )
        )
    fast_insert(RHI, rhis)
    for rhi in rhis:
        commit.record(
            "import_rhi",
            rhi,
            offer_made_at=rhi.offer_made_at,
            outcome=rhi.outcome,
            interview=rhi.interview_id,
        )


def _update_episodes(commit: _HistoryCommit) -> None:
    """Episodes imported before whose row changed."""
    updates = [e for e in commit.plan.episodes if e.pk is not None and e.changes]
    for episode_plan in updates:
        assert episode_plan.pk is not None
        child_pk = commit.children[episode_plan.row.child_id]
        update_episode(
            episode_plan.pk,
            episode_plan.row,
            child_pk,
            rule=commit.rule,
            provider=commit.provider,
            worker=commit.worker,
            now=commit.now,
        )
        commit.record(
            "update_imported_episode",
            Episode(pk=episode_plan.pk, child_id=child_pk),
            external_id=episode_plan.row.episode_id,
            changed=sorted(episode_plan.changes),
        )


def _refresh_other_groups(commit: _HistoryCommit, changed: list[int]) -> None:
    """Other episodes of children whose history changed take their group from it again."""
    in_file = {e.row.episode_id for e in commit.plan.episodes}
    others: set[int] = set()
    for part in chunked(changed):
        for child_pk, external in Episode.objects.filter(child_id__in=part).values_list(
            "child_id", "external_id"
        ):
            if not external or external not in in_file:
                others.add(child_pk)
    for child in Child.objects.filter(pk__in=sorted(others)):
        child_groups.refresh_groups(child)


@transaction.atomic
def commit_history(
    plan: HistoryPlan, *, acting_user: User | None, run: ImportRun | None = None
) -> dict[str, int]:
    """Carry out a history plan: children, their legal-status and placement history, episodes,
    found notifications, RHIs and interviews, in bulk, with one audit row per record written."""
    council = Organisation.objects.select_related("service_configuration").get(pk=plan.council.pk)
    commit = _HistoryCommit(
        plan=plan,
        council=council,
        actor=acting_user if acting_user is not None and acting_user.pk else None,
        now=timezone.now(),
        rule=council.clock_rule(),
        provider=provider_for(council),
        worker=history_worker(),
    )
    with bulk_write():  # the report facts derived once, for the children touched
        _write_children(commit)
        changed = _write_histories(commit)
        created = _create_episodes(commit)
        _update_episodes(commit)
        _refresh_other_groups(commit, changed)
    insert_chained(commit.audit)
    # A child the file says is still missing, placed out of area: everyone responsible hears, as
    # through the services. Past episodes already closed are history, not news: no alert.
    tell_everyone_responsible_for(
        [(e, "missing") for e in created if e.returned_at is None], acting_user=commit.actor
    )
    return plan.counts()


def update_episode(
    pk: int,
    item: HistoryRow,
    child_pk: int,
    *,
    rule: Any,
    provider: Organisation,
    worker: User,
    now: dt.datetime,
) -> None:
    """Make an episode imported earlier (and its notification, RHI, interview) match its row."""
    episode = Episode.objects.select_for_update().get(pk=pk)
    for name, value in (
        ("child_id", child_pk),
        ("reported_missing_at", item.reported_missing_at),
        ("returned_at", item.returned_at),
        ("risk_level", item.risk_level),
        ("classification", item.classification),
        ("group", str(item.group)),
    ):
        setattr(episode, name, value)
    episode.save()
    found = list(
        episode.notifications.filter(event=Notification.Event.FOUND).order_by("received_at")
    )
    rhi = RHI.objects.filter(episode=episode).select_related("interview").first()
    if item.returned_at is None:
        for note in found:
            note.delete()
        if rhi is not None:
            old = rhi.interview
            rhi.delete()
            if old is not None and not old.rhis.exists():
                old.delete()
        return
    received = item.received_at or item.returned_at
    if found:
        Notification.objects.filter(pk=found[0].pk).update(received_at=received)
    else:
        Notification.objects.create(
            episode=episode,
            council_id=episode.council_id,
            event=Notification.Event.FOUND,
            source=HISTORY_SOURCE,
            received_at=received,
            content={"import": "history", "episode_id": item.episode_id, "row": item.row},
        )
    interview = rhi.interview if rhi is not None else None
    if item.interview_at is None:
        if interview is not None:
            RHI.objects.filter(interview=interview, episode=episode).update(interview=None)
            # Nor is it this RHI's interview any more: another may be recorded on it.
            Interview.objects.filter(pk=interview.pk, recorded_for__episode=episode).update(
                recorded_for=None
            )
            if not interview.rhis.exists():
                interview.delete()
            interview = None
    elif interview is None:
        interview = Interview.objects.create(
            child_id=child_pk,
            council_id=episode.council_id,
            conducted_by=worker,
            **_history_interview_fields(item, now),
        )
    else:
        for name, value in {"child_id": child_pk, **_history_interview_fields(item, now)}.items():
            setattr(interview, name, value)
        interview.save()
    fields = _history_rhi_fields(item, rule, now)
    if rhi is None:
        RHI.objects.create(
            episode=episode,
            child_id=child_pk,
            council_id=episode.council_id,
            provider=provider,
            interview=interview,
            **fields,
        )
        return
    for name, value in {**fields, "child_id": child_pk, "interview": interview}.items():
        setattr(rhi, name, value)
    rhi.save()
