"""A large file's notifications matched all at once (`imports.police.batch.prescore`) decide
exactly as one at a time (`ChildIndex.match`): same candidates with the same scores, same
decisions, with the children earlier notifications create (decision 0047)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from returnhome.demo.synthetic import Generator
from returnhome.imports.police.batch import prescore
from returnhome.imports.police.matching import Person
from returnhome.imports.police.register import probe_for
from returnhome.imports.police.rows import RowValidator
from tests.imports.import_helpers import index_of

TODAY = dt.date(2025, 6, 1)


def _probes(seed: int, children: int, rows: int) -> tuple[list[Any], list[Person]]:
    generator = Generator(seed, TODAY)
    register = generator.register(children)
    validator = RowValidator(
        forces={"synthetic police": (1, "Synthetic Police")},
        council_codes=set(),
        now=dt.datetime.combine(TODAY, dt.time(), tzinfo=dt.UTC),
    )
    probes = []
    for number, labelled in enumerate(generator.labelled_rows(register, rows), start=2):
        notice = validator.validate(number, labelled.values)
        if not isinstance(notice, list):
            probes.append(probe_for(notice))
    # Some notifications twice (a child reported again), some without a date of birth.
    probes += probes[: rows // 10]
    for probe in probes[: rows // 20]:
        probes.append(Person.build(0, probe.forename, probe.surname, None, postcode=probe.postcode))
    return register, probes


def test_the_batch_finds_the_candidates_one_at_a_time_finds() -> None:
    register, probes = _probes(7, 4000, 1500)
    index = index_of(register)
    batch = prescore(index, probes, [False] * len(probes))
    assert batch is not None
    assert len(batch.known) == len(probes)
    kept = 0
    for i, probe in enumerate(probes):
        assert sorted(batch.known[i]) == sorted(index._scored(probe)), probe
        assert batch.among_new[i] == []
        kept += len(batch.known[i])
    assert kept > len(probes) // 2  # the candidates were really compared


def test_the_batch_decides_as_one_at_a_time_with_the_children_the_file_creates() -> None:
    register, probes = _probes(11, 3000, 1500)
    one_by_one, batched = index_of(register), index_of(register)
    batch = prescore(batched, probes)
    assert batch is not None
    created: dict[int, int] = {}
    outcomes: set[str] = set()
    matched_new = 0
    for i, probe in enumerate(probes):
        single = one_by_one.match(probe)
        scored = batch.scored(i, created)
        assert scored is not None
        decision = batched.match(probe, scored)
        assert decision == single, (i, probe)
        outcomes.add(decision.outcome)
        if decision.child_id is not None and decision.child_id < 0:
            matched_new += 1
        if decision.outcome == "new":
            child_id = -1 - len(created)
            created[i] = child_id
            for index in (one_by_one, batched):
                index.add(dataclasses.replace(probe, id=child_id))
    assert outcomes == {"auto", "review", "new"}
    assert matched_new > 0  # a notification about a child an earlier one created
