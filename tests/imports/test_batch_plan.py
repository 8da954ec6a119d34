"""A large file's plan is the same whether its notifications are matched all at once
(`Planner._prescore`, decision 0047) or one at a time: every action, with its matching decision,
including found notifications whose details differ from their missing one's, found ones alone,
and notifications about children the file itself creates."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.utils import timezone

from returnhome.children.models import Alias, Child
from returnhome.demo.synthetic import Generator
from returnhome.imports.police import pipeline
from returnhome.imports.police.pipeline import Checked, Planner, make_validator, validate_rows
from returnhome.imports.police.register import STORED_KEYS_UP_TO
from tests.imports.import_helpers import Area


def _digest(plan: pipeline.Plan) -> list[str]:
    lines = []
    for a in plan.actions:
        d = a.decision
        lines.append(
            json.dumps(
                [
                    a.kind,
                    a.notice.row if a.notice else None,
                    a.child_id,
                    a.episode_id,
                    a.reason,
                    a.open_episode_id,
                    None
                    if d is None
                    else [
                        d.outcome,
                        d.child_id,
                        d.how,
                        d.conflict,
                        [[c.child_id, c.score, c.reasons] for c in d.candidates],
                    ],
                ]
            )
        )
    return [*lines, json.dumps(dict(plan.match_how)), json.dumps(plan.counts())]


@pytest.mark.django_db
def test_a_large_file_plans_the_same_matched_at_once_or_one_at_a_time(
    area: Area, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = timezone.localdate()
    generator = Generator(3, today)
    register = generator.register(3000)
    children = [
        Child(
            council=area.council,
            forename=c.forename,
            surname=c.surname,
            date_of_birth=c.dob,
            sex=c.sex,
            postcode=c.postcode,
            address=c.address,
            la_child_id=c.la_child_id,
            nhs_number=c.nhs_number,
        )
        for c in register
    ]
    Child.objects.bulk_create(children)
    Alias.objects.bulk_create(
        [Alias(child=o, name=n) for o, c in zip(children, register, strict=True) for n in c.aliases]
    )
    rng = random.Random(3)
    latest = timezone.now() - dt.timedelta(hours=1)
    rows: list[dict[str, str]] = []
    for i, labelled in enumerate(generator.labelled_rows(register, 1150, new_share=0.3)):
        missing = dict(labelled.values, force="Testshire Police")
        found = dict(missing, event="found", last_seen_at="", risk_level="")
        at = dt.datetime.fromisoformat(missing["event_at"]) + dt.timedelta(hours=rng.randint(1, 9))
        found["event_at"] = min(at, latest).isoformat(timespec="minutes")
        if i % 5 == 0:  # told differently when found
            found["forename"] = found["forename"][:-1] + "y"
            found["address"] = ""
        if i % 9 == 0:  # found, with no missing notification in the file
            found["police_reference"] += "-F"
        if i % 11 != 0:  # some missing and never found (yet)
            rows.append(found)
        rows.append(missing)
        if labelled.truth is None and i % 3 == 0:  # a new child, missing again later
            again = dt.datetime.fromisoformat(found["event_at"]) + dt.timedelta(minutes=30)
            rows.append(
                dict(
                    missing,
                    police_reference=missing["police_reference"] + "-2",
                    event_at=min(again, latest).isoformat(timespec="minutes"),
                    last_seen_at="",
                )
            )
    checked = validate_rows(
        enumerate(rows, start=2), make_validator(timezone.now()), Checked(), texts=False
    )
    assert len(checked.notices) > STORED_KEYS_UP_TO
    received = timezone.now()

    at_once = Planner(area.council, received)
    batched = at_once.run(checked.notices)
    assert at_once.prescored is not None
    monkeypatch.setattr(pipeline, "BATCH_FROM", 10**9)
    one_at_a_time = Planner(area.council, received)
    single = one_at_a_time.run(checked.notices)
    assert one_at_a_time.prescored is None

    assert _digest(batched) == _digest(single)
    assert set(batched.match_how) >= {"auto (score)", "review (score)", "new (score)"}
    # Some notifications are about a child the file itself created.
    about_created = [
        a
        for a in batched.actions
        if a.decision is not None and any(c.child_id < 0 for c in a.decision.candidates)
    ]
    assert about_created
