"""Matching on a labelled synthetic set: noisy police rows against a register of children.

Goal (issue 3): automatic matches >= 99.5% correct; >= 95% of true matches found automatically
or sent to review. Run with -s to see the figures.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from returnhome.demo.synthetic import Generator
from returnhome.imports.police.register import probe_for
from returnhome.imports.police.rows import RowValidator
from tests.imports.import_helpers import index_of

REGISTER = 30_000
ROWS = 8_000
SEED = 20250314
TODAY = dt.date(2025, 6, 1)


def test_precision_and_recall_on_a_labelled_synthetic_set() -> None:
    generator = Generator(SEED, TODAY)
    register = generator.register(REGISTER)
    index = index_of(register)
    validator = RowValidator(
        forces={"synthetic police": (1, "Synthetic Police")},
        council_codes=set(),
        now=dt.datetime.combine(TODAY, dt.time(), tzinfo=dt.UTC),
    )
    outcome: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    wrong: list[str] = []
    fuzzy: Counter[str] = Counter()
    for number, labelled in enumerate(generator.labelled_rows(register, ROWS), start=2):
        notice = validator.validate(number, labelled.values)
        if isinstance(notice, list):
            outcome["invalid row"] += 1
            continue
        decision = index.match(probe_for(notice))
        on_register = labelled.truth is not None
        if decision.outcome == "auto":
            right = decision.child_id == labelled.truth
            outcome[
                f"{'true' if on_register else 'not on register'}: auto {'right' if right else 'WRONG'}"
            ] += 1
            if not right:
                wrong.append(
                    f"{labelled.noise} {labelled.values['forename']} {labelled.values['surname']} {labelled.values['date_of_birth']}"
                )
        else:
            outcome[f"{'true' if on_register else 'not on register'}: {decision.outcome}"] += 1
            if on_register and decision.outcome == "new":
                missed.update(labelled.noise or ["none"])
        if on_register and decision.how == "score":
            fuzzy[
                decision.outcome
                + (
                    ""
                    if decision.outcome != "auto" or decision.child_id == labelled.truth
                    else " wrong"
                )
            ] += 1

    autos = sum(v for k, v in outcome.items() if ": auto" in k)
    right = outcome["true: auto right"]
    true_rows = sum(v for k, v in outcome.items() if k.startswith("true:"))
    precision = right / autos
    recall = (right + outcome["true: review"]) / true_rows
    fuzzy_total = sum(fuzzy.values())
    print(f"\nregister {REGISTER} children, {ROWS} police rows (seed {SEED}):")
    for key, value in sorted(outcome.items()):
        print(f"  {key:32} {value}")
    print(f"  precision of automatic matches: {precision:.4%} ({right}/{autos})")
    print(f"  true matches found (auto or review): {recall:.4%}")
    print(f"  true matches matched automatically: {right / true_rows:.2%}")
    print(f"  without an exact identifier: {dict(fuzzy)} of {fuzzy_total}")
    print(f"  true matches missed (made new), by noise: {dict(missed.most_common(8))}")
    for line in wrong[:10]:
        print(f"  wrong: {line}")
    assert precision >= 0.995
    assert recall >= 0.95
    assert outcome["invalid row"] < ROWS * 0.01
