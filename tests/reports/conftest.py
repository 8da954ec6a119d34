"""The June 2025 scenario: every definition, hand-computed (expected figures in JUNE_EXPECTED).

Period 1-30 June 2025 (British Summer Time); rule: from return, elapsed hours.

MFH
  E1  M1 missing 02/06 10:00, back 02/06 20:00; offered 03/06 09:00, accepted; interviewed
      04/06 10:00 (CCE). Actions: CAMHS (agreed, done), early help (agreed), police (rejected).
  E2  M1 missing 10/06 22:00, back 11/06 08:00; offered 11/06 12:00; declined, child refused.
  E3  M2 missing 05/06 14:00, back 05/06 18:00; offered 09/06 10:00 (late: due 08/06 18:00),
      accepted; interviewed 09/06 11:00 (late; CSE). One action, not reviewed yet.
  E5  M2 missing 15/06 12:00, back 15/06 13:00; not applicable, never offered (so in no
      outcome figure: outcomes are of offered episodes).
  E6  M3 missing 01/06 09:00, back 01/06 12:00; offered 01/06 15:00; not applicable.
  E4  M3 missing 20/06 19:00, still missing (open).
LAC-in
  E7  L1 missing 03/06 10:00, back 03/06 16:00; offered 04/06 10:00, accepted; carer-only
      information 05/06 10:00 (CCE): not undertaken.
LAC-out
  E9  O1 missing 06/06 18:00, back 07/06 09:00; offered 07/06 12:00, accepted.
  E10 O1 missing 08/06 20:00, back 11/06 10:00. One interview 12/06 10:00 covers E9 and E10:
      both undertaken; E9 late (due 10/06 09:00), E10 in time; E10 offered at the interview.
      Action: youth justice (agreed, not done: an outcome).
Hosted
  E11 H1 missing 30/06 23:30 (last day: in), back 01/07 02:00; offered 01/07 10:00; declined,
      no contact.
  E13 H2 missing 01/06 00:30 (= 31/05 23:30 UTC: in), back 01/06 01:00.
  out H2 missing 31/05 23:30 (= 22:30 UTC on 31/05, the day before: out), back 31/05 23:50.
  out H2 missing 01/07 00:30 (= 30/06 23:30 UTC, but 1 July in the UK: out), still missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from returnhome.followup.models import ProposedAction
from returnhome.imports.importer import import_history
from returnhome.interviews.models import DeclineReason, Interview
from returnhome.lib.clock import ClockCount, ClockStart
from returnhome.organisations.models import Organisation
from tests.conftest import Cast
from tests.imports.test_history_import import csv_bytes, row
from tests.reports import builders as b

REASONS = [str(code) for code in DeclineReason.values]
SERVICES = [str(code) for code in ProposedAction.Service.values]


def _group(
    counts: dict[str, int],
    reasons: dict[str, int],
    referrals: tuple[int, int],
    by_service: dict[str, tuple[int, int]],
    rates: dict[str, float | None],
) -> dict[str, Any]:
    return {
        **counts,
        "declined_reasons": {code: reasons.get(code, 0) for code in REASONS},
        "referrals": {
            "made": referrals[0],
            "with_outcome": referrals[1],
            "by_service": {
                code: dict(zip(("made", "with_outcome"), by_service.get(code, (0, 0)), strict=True))
                for code in SERVICES
            },
        },
        "rates": rates,
    }


def _counts(*values: int) -> dict[str, int]:
    keys = [
        "episodes",
        "children",
        "offered",
        "accepted",
        "declined",
        "not_applicable",
        "undertaken",
        "carer_only",
        "within_72h",
        "offered_within_72h",
        "cce_raised",
        "cse_raised",
    ]
    return dict(zip(keys, values, strict=True))


def _rates(*values: float | None) -> dict[str, float | None]:
    keys = [
        "offered_of_episodes",
        "accepted_of_offered",
        "undertaken_of_episodes",
        "undertaken_of_offered",
        "undertaken_of_accepted",
        "within_72h_of_undertaken",
    ]
    return dict(zip(keys, values, strict=True))


JUNE_EXPECTED: dict[str, dict[str, Any]] = {
    #            ep ch of ac de na un co wi ow cce cse
    "MFH": _group(
        _counts(6, 3, 4, 2, 1, 1, 2, 0, 1, 3, 1, 1),
        {"child_refused": 1},
        (2, 1),
        {"camhs": (1, 1), "early_help": (1, 0)},
        _rates(0.6667, 0.5, 0.3333, 0.5, 1.0, 0.5),
    ),
    "LAC-in": _group(
        _counts(1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0),
        {},
        (0, 0),
        {},
        _rates(1.0, 1.0, 0.0, 0.0, 0.0, None),
    ),
    "LAC-out": _group(
        _counts(2, 1, 2, 2, 0, 0, 2, 0, 1, 2, 0, 0),
        {},
        (1, 1),
        {"youth_justice": (1, 1)},
        _rates(1.0, 1.0, 1.0, 1.0, 1.0, 0.5),
    ),
    "Hosted": _group(
        _counts(2, 2, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0),
        {"no_contact": 1},
        (0, 0),
        {},
        _rates(0.5, 0.0, 0.0, 0.0, None, None),
    ),
    "total": _group(
        _counts(11, 7, 8, 5, 2, 1, 4, 1, 2, 7, 2, 1),
        {"child_refused": 1, "no_contact": 1},
        (3, 2),
        {"camhs": (1, 1), "early_help": (1, 0), "youth_justice": (1, 1)},
        _rates(0.7273, 0.625, 0.3636, 0.5, 0.8, 0.5),
    ),
}


@pytest.fixture
def june(cast: Cast) -> Cast:
    """The council in `cast` with the June 2025 scenario above."""
    local = b.local
    m1, m2, m3 = b.mfh_child(cast), b.mfh_child(cast), b.mfh_child(cast)
    l1, o1 = b.lac_in_child(cast), b.lac_out_child(cast)
    h1, h2 = b.hosted_child(cast), b.hosted_child(cast)

    # MFH
    _, e1 = b.episode(cast, m1, local(2025, 6, 2, 10), local(2025, 6, 2, 20))
    assert e1 is not None
    b.offer(cast, e1, local(2025, 6, 3, 9))
    b.accept(cast, e1)
    done = b.interview(
        cast,
        [e1],
        local(2025, 6, 4, 10),
        cce=True,
        actions=[("See CAMHS", "camhs"), ("Early help", "early_help"), ("Tell police", "police")],
    )
    actions = {
        a.service: a
        for a in b.review(
            cast, done, {"camhs": "agreed", "early_help": "agreed", "police": "rejected"}
        )
    }
    b.progress(cast, actions["camhs"], ProposedAction.Status.DONE)
    _, e2 = b.episode(cast, m1, local(2025, 6, 10, 22), local(2025, 6, 11, 8))
    assert e2 is not None
    b.offer(cast, e2, local(2025, 6, 11, 12))
    b.decline(cast, e2, DeclineReason.CHILD_REFUSED)

    _, e3 = b.episode(cast, m2, local(2025, 6, 5, 14), local(2025, 6, 5, 18))
    assert e3 is not None
    b.offer(cast, e3, local(2025, 6, 9, 10))
    b.accept(cast, e3)
    b.interview(
        cast, [e3], local(2025, 6, 9, 11), cse=True, actions=[("CSE team", "sexual_exploitation")]
    )
    _, e5 = b.episode(cast, m2, local(2025, 6, 15, 12), local(2025, 6, 15, 13))
    assert e5 is not None
    b.not_applicable(cast, e5)

    _, e6 = b.episode(cast, m3, local(2025, 6, 1, 9), local(2025, 6, 1, 12))
    assert e6 is not None
    b.offer(cast, e6, local(2025, 6, 1, 15))
    b.not_applicable(cast, e6)
    b.episode(cast, m3, local(2025, 6, 20, 19))  # E4, still missing

    # LAC-in
    _, e7 = b.episode(cast, l1, local(2025, 6, 3, 10), local(2025, 6, 3, 16))
    assert e7 is not None
    b.offer(cast, e7, local(2025, 6, 4, 10))
    b.accept(cast, e7)
    b.interview(cast, [e7], local(2025, 6, 5, 10), kind=Interview.Kind.CARER_ONLY, cce=True)

    # LAC-out: one interview covers two episodes
    _, e9 = b.episode(cast, o1, local(2025, 6, 6, 18), local(2025, 6, 7, 9))
    assert e9 is not None
    b.offer(cast, e9, local(2025, 6, 7, 12))
    b.accept(cast, e9)
    _, e10 = b.episode(cast, o1, local(2025, 6, 8, 20), local(2025, 6, 11, 10))
    assert e10 is not None
    both = b.interview(cast, [e9, e10], local(2025, 6, 12, 10), actions=[("YOT", "youth_justice")])
    (yot,) = b.review(cast, both, {"youth_justice": "agreed"})
    b.progress(cast, yot, ProposedAction.Status.NOT_DONE)

    # Hosted, and the period's edges
    _, e11 = b.episode(cast, h1, local(2025, 6, 30, 23, 30), local(2025, 7, 1, 2))
    assert e11 is not None
    b.offer(cast, e11, local(2025, 7, 1, 10))
    b.decline(cast, e11, DeclineReason.NO_CONTACT)
    b.episode(cast, h2, local(2025, 5, 31, 23, 30), local(2025, 5, 31, 23, 50))
    b.episode(cast, h2, local(2025, 6, 1, 0, 30), local(2025, 6, 1, 1))  # E13
    b.episode(cast, h2, local(2025, 7, 1, 0, 30))
    return cast


# The clock: a return at 23:30 on Friday 22 August 2025, before the bank holiday Monday (25th);
# the found notification is received 30 minutes later, at 00:00 on Saturday 23rd.
# Deadlines: from return — hours Mon 25 23:30; calendar days end of Mon 25; working days end of
# Thu 28. From the notification — hours Tue 26 00:00; calendar days end of Tue 26; working days
# end of Thu 28.
AUGUST_INTERVIEWS = {
    "a": b.local(2025, 8, 25, 23, 30),
    "b": b.local(2025, 8, 25, 23, 30, 0, 1),
    "c": b.local(2025, 8, 26, 0, 0),
    "d": b.local(2025, 8, 26, 0, 0, 0, 1),
    "g": b.local(2025, 8, 26, 23, 59, 59, 999999),
    "h": b.local(2025, 8, 27, 0, 0),
    "e": b.local(2025, 8, 28, 23, 59, 59, 999999),
    "f": b.local(2025, 8, 29, 0, 0),
}
AUGUST_WITHIN = {
    (ClockStart.RETURN, ClockCount.HOURS): {"a"},
    (ClockStart.RETURN, ClockCount.CALENDAR_DAYS): {"a", "b"},
    (ClockStart.RETURN, ClockCount.WORKING_DAYS): {"a", "b", "c", "d", "g", "h", "e"},
    (ClockStart.NOTIFICATION, ClockCount.HOURS): {"a", "b", "c"},
    (ClockStart.NOTIFICATION, ClockCount.CALENDAR_DAYS): {"a", "b", "c", "d", "g"},
    (ClockStart.NOTIFICATION, ClockCount.WORKING_DAYS): {"a", "b", "c", "d", "g", "h", "e"},
}
AUGUST = (dt.date(2025, 8, 1), dt.date(2025, 8, 31))


@pytest.fixture
def august(cast: Cast) -> Cast:
    """Eight interviews (offered at the interview), one offered early but interviewed late, one
    carer-only in time, one still missing; every child back at 23:30 on Fri 22 August 2025."""
    friday_back = b.local(2025, 8, 22, 23, 30)
    for held_at in AUGUST_INTERVIEWS.values():
        _, rhi = b.episode(cast, b.mfh_child(cast), b.local(2025, 8, 22, 20), friday_back)
        assert rhi is not None
        b.offer(cast, rhi, held_at)
        b.accept(cast, rhi)
        b.interview(cast, [rhi], held_at)
    _, early = b.episode(cast, b.mfh_child(cast), b.local(2025, 8, 22, 20), friday_back)
    assert early is not None
    b.offer(cast, early, b.local(2025, 8, 23, 10))
    b.accept(cast, early)
    b.interview(cast, [early], AUGUST_INTERVIEWS["f"])
    _, carer = b.episode(cast, b.mfh_child(cast), b.local(2025, 8, 22, 20), friday_back)
    assert carer is not None
    b.interview(cast, [carer], b.local(2025, 8, 25, 23), kind=Interview.Kind.CARER_ONLY)
    b.episode(cast, b.mfh_child(cast), b.local(2025, 8, 30, 20))
    return cast


# Statutory exports (test_exports.py, test_exports_page.py): Kent's history, imported.
LAC_IN = {"legal_status": "looked_after", "responsible_la": "886", "placement_la": "886"}
LAC_OUT = {"legal_status": "looked_after", "responsible_la": "886", "placement_la": "887"}
HOSTED = {"legal_status": "looked_after", "responsible_la": "887", "placement_la": "886"}
NO_RHI = {
    "notification_received_at": "",
    "rhi_offered_at": "",
    "rhi_outcome": "",
    "interview_at": "",
}


def history_row(child: str, episode_id: str, start: str, end: str, **values: str) -> dict[str, str]:
    return row(
        child_id=child,
        forename=child,
        episode_id=episode_id,
        reported_missing_at=start,
        returned_at=end,
        **{**NO_RHI, **values},
    )


@pytest.fixture
def kent(db: None) -> Organisation:
    """Kent's history around the collection year 1 April 2024 - 31 March 2025."""
    council = Organisation.objects.get(la_code="886")
    rows = [
        # L1, looked after by Kent, placed in Kent.
        history_row("L1", "L1-a", "20/03/2024 10:00", "25/03/2024 10:00", **LAC_IN),  # ended before
        history_row("L1", "L1-b", "30/03/2024 22:00", "02/04/2024 09:00", **LAC_IN),  # ends in year
        history_row(
            "L1", "L1-c", "10/06/2024 10:00", "10/06/2024 18:00", classification="A", **LAC_IN
        ),
        history_row(
            "L1",
            "L1-d",
            "01/09/2024 19:00",
            "02/09/2024 08:00",
            rhi_offered_at="02/09/2024 10:00",
            rhi_outcome="accepted",
            interview_at="03/09/2024 10:00",
            **LAC_IN,
        ),
        # L2, placed in Medway: returned after the year ended, then missing again after it.
        history_row(
            "L2",
            "L2-a",
            "25/03/2025 10:00",
            "03/04/2025 10:00",
            rhi_offered_at="03/04/2025 12:00",
            rhi_outcome="declined",
            decline_reason="child_refused",
            date_of_birth="05/11/2009",
            sex="M",
            **LAC_OUT,
        ),
        history_row(
            "L2",
            "L2-b",
            "10/04/2025 10:00",
            "10/04/2025 12:00",
            date_of_birth="05/11/2009",
            sex="M",
            **LAC_OUT,
        ),
        # L3: still missing.
        history_row("L3", "L3-a", "01/03/2025 23:30", "", **LAC_IN),
        # Not in either return: missing from home; hosted (Medway's return).
        history_row("M1", "M1-a", "01/06/2024 10:00", "01/06/2024 12:00"),
        history_row("H1", "H1-a", "01/07/2024 10:00", "01/07/2024 12:00", **HOSTED),
    ]
    report = import_history(csv_bytes(rows), council, name="kent.csv")
    assert report.summary["committed"], report.summary["rejected"]
    return council
