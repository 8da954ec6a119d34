#!/usr/bin/env python
# ruff: noqa: S608 - SQL text is built from this script's own constants, never from input
"""Benchmark `returnhome report indicators` on a council-scale history, against DuckDB.

    .venv/bin/python bench/indicators.py --episodes 1000000 --children 200000
    .venv/bin/python bench/indicators.py --episodes 20000          # a quick check

What it does:
1. Makes a fresh database (SQLite in a temporary RETURNHOME_DATA_DIR; with `--database
   postgres` a throwaway PostgreSQL database, see bench/benchdb.py), migrates it, and writes a
   synthetic history straight into the tables (raw executemany, no services): children,
   episodes over ten years (2016-2025), each returned episode's "found" notification and RHI
   (with its deadline under every rule, as refer_rhi stores them), interviews (some covering two
   episodes, some carer-only), and follow-up actions. 95% of it belongs to the council reported
   on; the rest to a neighbour, so the council filter does work.
2. Times the real command (`call_command("report", "indicators", ..., "--format", "json")`)
   for one financial year (April 2024 - March 2025) and for all time, three runs each.
3. Copies the same rows into an in-memory DuckDB database (through CSV files; that copy is not
   timed), times DuckDB computing the same figures with the same definitions (only the query is
   timed), prints both timings and the ratio, and asserts that every figure agrees.
4. Checks the stored deadlines independently: DuckDB recomputes "within 72 hours" for all six
   rules from the raw return and notification times (its own time-zone and working-day
   arithmetic, bank holidays from the `holidays` package) and must agree with the command.

Goal (issue 4): under 2 s on SQLite for 1M episodes, and within 3x of DuckDB (issue 14: on
PostgreSQL too). `--database both` runs it on each and prints both.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb

DAY = 86400
HOUR = 3600
SPAN_START = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
SPAN_END = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
YEAR = ("2024-04-01", "2025-03-31")
ALL_TIME = ("2016-01-01", "2025-12-31")
BATCH = 50_000


def setup_django(data_dir: str, database: str = "sqlite", url: str = "") -> Any:
    """Django on a fresh database (`benchdb`), or on the existing database at `url`; returns the
    function that drops it (nothing, for an existing one)."""
    import benchdb

    os.environ["RETURNHOME_DATA_DIR"] = data_dir
    if url:
        os.environ["DATABASE_URL"] = url
        drop = lambda: None  # noqa: E731 - an existing database is kept
    else:
        drop = benchdb.use(database)
    os.environ["DEBUG"] = "false"  # no query log growing with every batch
    os.environ["RETURNHOME_INSECURE_DEV_KEY"] = "true"
    os.environ["RETURNHOME_HTTPS"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "returnhome.settings"
    import django

    django.setup()
    return drop


# --------------------------------------------------------------------------- writing rows


def utc_text(value: dt.datetime) -> str:
    """A datetime as Django stores it in SQLite: naive UTC, microseconds only when non-zero."""
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))


def ts_text(seconds: int) -> str:
    return str(dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None))


class Table:
    """Batched raw INSERTs into one model's table; unlisted columns get their default."""

    def __init__(self, model: Any, columns: Sequence[str]) -> None:
        from django.db import connection
        from django.db.models import NOT_PROVIDED

        self.connection = connection
        self.columns = list(columns)
        now = utc_text(dt.datetime.now(dt.UTC))
        names, fixed = list(columns), []
        for f in model._meta.concrete_fields:
            if f.attname in columns or f.primary_key:
                continue
            if f.default is not NOT_PROVIDED:
                value = f.get_db_prep_save(f.get_default(), connection)
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.null:
                value = None
            elif f.get_internal_type() in {"CharField", "TextField"}:
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{f.attname} needs a value")
            names.append(f.column)
            fixed.append(value)
        self.fixed = tuple(fixed)
        quoted = ", ".join(connection.ops.quote_name(n) for n in names)
        marks = ", ".join(["%s"] * len(names))
        self.sql = f"INSERT INTO {model._meta.db_table} ({quoted}) VALUES ({marks})"
        # PostgreSQL: COPY, several times faster than batched INSERTs for a bulk load.
        self.copy = f"COPY {model._meta.db_table} ({quoted}) FROM STDIN"
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, *values: Any) -> None:
        self.rows.append(values + self.fixed)

    def flush(self) -> None:
        if self.rows:
            with self.connection.cursor() as cursor:
                if self.connection.vendor == "postgresql":
                    with cursor.cursor.copy(self.copy) as copy:
                        for row in self.rows:
                            copy.write_row(row)
                else:
                    cursor.executemany(self.sql, self.rows)
            self.count += len(self.rows)
            self.rows = []


@cache
def day_deadlines(local_day: dt.date) -> tuple[str, str]:
    """Calendar-day and working-day deadlines for a clock started on `local_day` (lib.clock)."""
    from returnhome.lib.clock import LONDON, ClockCount, deadline

    noon = dt.datetime.combine(local_day, dt.time(12), tzinfo=LONDON)
    return (
        utc_text(deadline(noon, ClockCount.CALENDAR_DAYS)),
        utc_text(deadline(noon, ClockCount.WORKING_DAYS)),
    )


def deadlines(start: int) -> tuple[str, str, str]:
    """(hours, calendar days, working days) deadlines for a clock started at `start` (epoch s)."""
    from returnhome.lib.clock import LONDON

    local_day = dt.datetime.fromtimestamp(start, LONDON).date()
    calendar, working = day_deadlines(local_day)
    return ts_text(start + 72 * HOUR), calendar, working


def weighted(rng: random.Random, choices: Sequence[tuple[str, float]]) -> str:
    r = rng.random() * sum(w for _, w in choices)
    for value, weight in choices:
        r -= weight
        if r < 0:
            return value
    return choices[-1][0]


def generate(
    episodes: int, children: int, seed: int, with_triggers: bool = False
) -> tuple[str, dict[str, int]]:
    """Write the history; returns the LA code of the council reported on and the row counts.

    The report facts (reports/facts.py) are kept by triggers on every write; for this bulk load
    they are dropped, and the facts derived afterwards by `rebuild_facts` (the function the
    migration runs on existing data) before the triggers are put back, unless `with_triggers`.
    DuckDB's figures come from the source tables, so they check the rebuilt facts too.
    """
    from django.db import transaction

    from returnhome.accounts.models import Role, User
    from returnhome.children.models import Child
    from returnhome.episodes.models import Episode, Notification
    from returnhome.followup.models import ProposedAction
    from returnhome.interviews.models import RHI, DeclineReason, Interview
    from returnhome.organisations.models import Organisation
    from returnhome.reports.facts import drop_triggers, install_triggers, rebuild_facts

    rng = random.Random(seed)
    council = Organisation.objects.create(name="Benchshire", kind="council", la_code="B01")
    neighbour = Organisation.objects.create(name="Nextshire", kind="council", la_code="B02")
    worker = User.objects.create(username="bench", organisation=council, role=Role.PRACTITIONER)
    reasons = [str(r) for r in DeclineReason.values]
    services = [str(s) for s in ProposedAction.Service.values]
    action_statuses = [
        ("proposed", 10),
        ("agreed", 25),
        ("rejected", 5),
        ("in_progress", 15),
        ("done", 35),
        ("not_done", 10),
    ]
    groups = [("MFH", 55), ("LAC-in", 25), ("LAC-out", 12), ("Hosted", 8)]

    child_rows = Table(Child, ["id", "council_id", "forename", "surname", "sex"])
    episode_rows = Table(
        Episode,
        ["id", "child_id", "council_id", "group", "reported_missing_at", "returned_at"],
    )
    notification_rows = Table(
        Notification, ["episode_id", "council_id", "event", "source", "received_at"]
    )
    rhi_rows = Table(
        RHI,
        [
            "episode_id",
            "child_id",
            "council_id",
            "provider_id",
            "status",
            "referred_at",
            "offer_made_at",
            "outcome",
            "decline_reason",
            "interview_id",
            "due_return_hours",
            "due_return_calendar_days",
            "due_return_working_days",
            "due_notification_hours",
            "due_notification_calendar_days",
            "due_notification_working_days",
        ],
    )
    interview_rows = Table(
        Interview,
        [
            "id",
            "child_id",
            "council_id",
            "conducted_by_id",
            "kind",
            "held_at",
            "place",
            "mode",
            "cce_identified",
            "cse_identified",
        ],
    )
    action_rows = Table(
        ProposedAction, ["interview_id", "child_id", "description", "service", "status"]
    )

    # Which child each episode belongs to: skewed, so some children go missing very often.
    # Rows are written in time order, as a live system writes them.
    span = int((SPAN_END - SPAN_START).total_seconds())
    start0 = int(SPAN_START.timestamp())
    child_org, child_group = [0], [""]
    for child_id in range(1, children + 1):
        org = council if rng.random() < 0.95 else neighbour
        child_rows.add(child_id, org.pk, f"Child{child_id}", "Benchmark", "X")
        child_org.append(org.pk)
        child_group.append(weighted(rng, groups))
    timeline = sorted(
        (start0 + rng.randrange(span), 1 + min(children - 1, int(children * rng.random() ** 2)))
        for _ in range(episodes)
    )
    tables = (child_rows, episode_rows, notification_rows, interview_rows, rhi_rows, action_rows)

    def flush_all() -> None:
        # In this order, in one transaction: foreign keys are checked at commit.
        with transaction.atomic():
            for table in tables:
                table.flush()

    if not with_triggers:
        drop_triggers()
    episode_id = interview_id = 0
    last_interviews: dict[int, tuple[int, int]] = {}  # child -> (interview id, held at)
    for missing_at, child_id in timeline:
        if len(episode_rows.rows) >= BATCH:
            flush_all()
        org_id, group = child_org[child_id], child_group[child_id]
        last_interview = last_interviews.get(child_id)
        episode_id += 1
        returned: int | None = None
        if rng.random() < 0.97:
            hours = rng.uniform(0.2, 72) if rng.random() < 0.95 else rng.uniform(72, 336)
            returned = missing_at + int(hours * HOUR)
            if returned >= start0 + span:
                returned = None
        episode_rows.add(
            episode_id,
            child_id,
            org_id,
            group,
            ts_text(missing_at),
            ts_text(returned) if returned is not None else None,
        )
        if returned is None:
            continue
        delay = rng.randint(0, HOUR) if rng.random() < 0.9 else rng.randint(12, 30) * HOUR
        notified = returned + delay
        notification_rows.add(episode_id, org_id, "found", "police", ts_text(notified))
        offer: int | None = None
        outcome = reason = ""
        interview: int | None = None
        if rng.random() < 0.85:
            offer = returned + int(rng.expovariate(1 / 40) * HOUR)
            r = rng.random()
            if r < 0.62:
                outcome = "accepted"
            elif r < 0.92:
                outcome, reason = "declined", rng.choice(reasons)
            elif r < 0.96:
                outcome = "not_applicable"
        elif rng.random() < 0.04:
            outcome = "not_applicable"
        if (
            last_interview is not None
            and last_interview[1] >= returned
            and outcome in {"", "accepted"}
            and rng.random() < 0.5
        ):
            # A later episode covered by the interview already arranged for an earlier one.
            interview = last_interview[0]
            offer = offer if offer is not None else last_interview[1]
            outcome = "accepted"
        elif outcome == "accepted" and rng.random() < 0.88:
            interview_id += 1
            interview = interview_id
            held = offer + int(rng.expovariate(1 / 30) * HOUR)  # type: ignore[operator]
            kind = "carer_only" if rng.random() < 0.07 else "interview"
            interview_rows.add(
                interview,
                child_id,
                org_id,
                worker.pk,
                kind,
                ts_text(held),
                "home",
                "face_to_face",
                rng.random() < 0.06,
                rng.random() < 0.04,
            )
            last_interviews[child_id] = (interview, held)
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                action_rows.add(
                    interview,
                    child_id,
                    "Follow-up",
                    rng.choice(services),
                    weighted(rng, action_statuses),
                )
        status = "awaiting_review" if interview else ("closed" if outcome else "offered")
        rhi_rows.add(
            episode_id,
            child_id,
            org_id,
            org_id,
            status,
            ts_text(notified),
            ts_text(offer) if offer is not None else None,
            outcome,
            reason,
            interview,
            *deadlines(returned),
            *deadlines(notified),
        )
    flush_all()
    reset_sequences([Child, Episode, Interview])
    if not with_triggers:
        started = time.perf_counter()
        with transaction.atomic():
            facts = rebuild_facts()
            install_triggers()
        say(f"report facts rebuilt in {time.perf_counter() - started:.1f} s ({facts:,} rows)")
    counts = {
        "children": child_rows.count,
        "episodes": episode_rows.count,
        "notifications": notification_rows.count,
        "rhis": rhi_rows.count,
        "interviews": interview_rows.count,
        "actions": action_rows.count,
    }
    return str(council.la_code), counts


def reset_sequences(models: list[Any]) -> None:
    """PostgreSQL: the id sequences after rows written with explicit ids (SQLite needs nothing)."""
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


# --------------------------------------------------------------------------- timing the command


def time_command(
    la_code: str, period: tuple[str, str], runs: int
) -> tuple[list[float], dict[str, Any]]:
    from django.core.management import call_command

    timings, data = [], {}
    for _ in range(runs):
        out = io.StringIO()
        started = time.perf_counter()
        call_command(
            "report", "indicators", "--org", la_code, "--from", period[0], "--to", period[1],
            "--format", "json", stdout=out,
        )  # fmt: skip
        timings.append(time.perf_counter() - started)
        data = json.loads(out.getvalue())
    return timings, data


# --------------------------------------------------------------------------- DuckDB

DUCK_TABLES = {
    "episode": (
        'SELECT id, council_id, child_id, "group", reported_missing_at, returned_at '
        "FROM episodes_episode",
        {
            "id": "BIGINT",
            "council_id": "BIGINT",
            "child_id": "BIGINT",
            "group": "VARCHAR",
            "reported_missing_at": "TIMESTAMP",
            "returned_at": "TIMESTAMP",
        },
    ),
    "notification": (
        "SELECT episode_id, event, received_at FROM episodes_notification",
        {"episode_id": "BIGINT", "event": "VARCHAR", "received_at": "TIMESTAMP"},
    ),
    "rhi": (
        "SELECT episode_id, offer_made_at, outcome, decline_reason, interview_id, "
        "due_return_hours, due_return_calendar_days, due_return_working_days, "
        "due_notification_hours, due_notification_calendar_days, due_notification_working_days "
        "FROM interviews_rhi",
        {
            "episode_id": "BIGINT",
            "offer_made_at": "TIMESTAMP",
            "outcome": "VARCHAR",
            "decline_reason": "VARCHAR",
            "interview_id": "BIGINT",
            "due_return_hours": "TIMESTAMP",
            "due_return_calendar_days": "TIMESTAMP",
            "due_return_working_days": "TIMESTAMP",
            "due_notification_hours": "TIMESTAMP",
            "due_notification_calendar_days": "TIMESTAMP",
            "due_notification_working_days": "TIMESTAMP",
        },
    ),
    "interview": (
        "SELECT id, kind, held_at, cce_identified, cse_identified FROM interviews_interview",
        {
            "id": "BIGINT",
            "kind": "VARCHAR",
            "held_at": "TIMESTAMP",
            "cce_identified": "BOOLEAN",
            "cse_identified": "BOOLEAN",
        },
    ),
    "action": (
        "SELECT id, interview_id, service, status FROM followup_proposedaction",
        {"id": "BIGINT", "interview_id": "BIGINT", "service": "VARCHAR", "status": "VARCHAR"},
    ),
}


def _csv_value(value: Any) -> Any:
    """As DuckDB reads it: None empty, instants naive UTC (PostgreSQL gives datetimes)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):  # naive from SQLite (already UTC), aware from PostgreSQL
        return str(value) if value.tzinfo is None else utc_text(value)
    return value


def load_duckdb(work: Path) -> Any:
    """DuckDB tables copied from the benchmarked database (SQLite file or PostgreSQL)."""
    import duckdb
    from django.db import connection

    duck = duckdb.connect()
    for name, (query, columns) in DUCK_TABLES.items():
        path = work / f"{name}.csv"
        with path.open("w", newline="") as handle, connection.cursor() as source:
            writer = csv.writer(handle)
            writer.writerow(list(columns))
            source.execute(query)
            while rows := source.fetchmany(50_000):
                writer.writerows([_csv_value(v) for v in row] for row in rows)
        types = ", ".join(f"'{c}': '{t}'" for c, t in columns.items())
        duck.execute(
            f"CREATE TABLE {name} AS SELECT * FROM read_csv('{path}', header=true, "
            f"columns={{{types}}}, nullstr='', quote='\"')"
        )
        path.unlink()
    return duck


def duck_figures(
    duck: Any, council_id: int, period: tuple[str, str], due: str
) -> tuple[float, dict[str, dict[str, Any]]]:
    """The same figures as the engine, same definitions, in DuckDB. Returns (query seconds, groups)."""
    from returnhome.followup.models import ProposedAction
    from returnhome.interviews.models import DeclineReason
    from returnhome.reports.indicators import COLUMNS, OUTCOME_STATUSES, REFERRAL_STATUSES, _rate

    start, end = bounds(period)
    reasons = [str(r) for r in DeclineReason.values]
    reason_sql = ", ".join(
        f"count(*) FILTER (WHERE r.offer_made_at IS NOT NULL AND r.outcome = 'declined' "
        f"AND r.decline_reason = '{code}') AS \"declined__{code}\""
        for code in reasons
    )
    where = "e.council_id = $council AND e.reported_missing_at >= $start AND e.reported_missing_at < $end"
    episodes_sql = f"""
        SELECT e."group",
          count(*) AS episodes,
          count(DISTINCT e.child_id) AS children,
          count(*) FILTER (WHERE r.offer_made_at IS NOT NULL) AS offered,
          count(*) FILTER (WHERE r.offer_made_at IS NOT NULL AND r.outcome = 'accepted') AS accepted,
          count(*) FILTER (WHERE r.offer_made_at IS NOT NULL AND r.outcome = 'declined') AS declined,
          count(*) FILTER (WHERE r.offer_made_at IS NOT NULL AND r.outcome = 'not_applicable') AS not_applicable,
          count(*) FILTER (WHERE i.kind = 'interview') AS undertaken,
          count(*) FILTER (WHERE i.kind = 'carer_only') AS carer_only,
          count(*) FILTER (WHERE i.kind = 'interview' AND e.returned_at IS NOT NULL AND i.held_at <= r.{due}) AS within_72h,
          count(*) FILTER (WHERE r.offer_made_at IS NOT NULL AND e.returned_at IS NOT NULL AND r.offer_made_at <= r.{due}) AS offered_within_72h,
          count(*) FILTER (WHERE i.cce_identified) AS cce_raised,
          count(*) FILTER (WHERE i.cse_identified) AS cse_raised,
          {reason_sql}
        FROM episode e
        LEFT JOIN rhi r ON r.episode_id = e.id
        LEFT JOIN interview i ON i.id = r.interview_id
        WHERE {where}
        GROUP BY e."group"
    """
    children_sql = f"SELECT count(DISTINCT e.child_id) FROM episode e WHERE {where}"
    referral_statuses = ", ".join(f"'{s}'" for s in REFERRAL_STATUSES)
    outcome_statuses = ", ".join(f"'{s}'" for s in OUTCOME_STATUSES)
    referrals_sql = f"""
        SELECT a.service, e."group",
          count(DISTINCT a.id) AS made,
          count(DISTINCT a.id) FILTER (WHERE a.status IN ({outcome_statuses})) AS with_outcome
        FROM action a JOIN rhi r ON r.interview_id = a.interview_id JOIN episode e ON e.id = r.episode_id
        WHERE {where} AND a.status IN ({referral_statuses})
        GROUP BY GROUPING SETS ((a.service, e."group"), (a.service))
    """
    params = {"council": council_id, "start": start, "end": end}
    started = time.perf_counter()
    cursor = duck.execute(episodes_sql, params)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    (children,) = duck.execute(children_sql, params).fetchone()
    referral_rows = duck.execute(referrals_sql, params).fetchall()
    elapsed = time.perf_counter() - started

    services = [str(s) for s in ProposedAction.Service.values]
    counts_keys = [n for n in names[1:] if not n.startswith("declined__")]
    groups: dict[str, dict[str, Any]] = {}
    for column in COLUMNS:
        groups[column] = {key: 0 for key in counts_keys}
        groups[column]["declined_reasons"] = dict.fromkeys(reasons, 0)
        groups[column]["referrals"] = {
            "made": 0,
            "with_outcome": 0,
            "by_service": {s: {"made": 0, "with_outcome": 0} for s in services},
        }
    for row in rows:
        for column in (row["group"], "total"):
            for key in counts_keys:
                groups[column][key] += row[key]
            for code in reasons:
                groups[column]["declined_reasons"][code] += row[f"declined__{code}"]
    groups["total"]["children"] = children
    for service, group, made, with_outcome in referral_rows:
        target = groups[group if group is not None else "total"]["referrals"]
        target["made"] += made
        target["with_outcome"] += with_outcome
        target["by_service"][service] = {"made": made, "with_outcome": with_outcome}
    for figures in groups.values():
        figures["rates"] = {
            "offered_of_episodes": _rate(figures["offered"], figures["episodes"]),
            "accepted_of_offered": _rate(figures["accepted"], figures["offered"]),
            "undertaken_of_episodes": _rate(figures["undertaken"], figures["episodes"]),
            "undertaken_of_offered": _rate(figures["undertaken"], figures["offered"]),
            "undertaken_of_accepted": _rate(figures["undertaken"], figures["accepted"]),
            "within_72h_of_undertaken": _rate(figures["within_72h"], figures["undertaken"]),
        }
    return elapsed, groups


def bounds(period: tuple[str, str]) -> tuple[dt.datetime, dt.datetime]:
    """The period's [start, end) in naive UTC, as DuckDB holds the timestamps."""
    from returnhome.reports.indicators import period_bounds

    start, end = period_bounds(dt.date.fromisoformat(period[0]), dt.date.fromisoformat(period[1]))
    return start.replace(tzinfo=None), end.replace(tzinfo=None)


def independent_within(duck: Any, council_id: int, period: tuple[str, str]) -> dict[str, int]:
    """Within-72-hours totals for all six rules, from raw times, not the stored deadlines."""
    import holidays

    first, last = 2015, 2027
    bank = {
        d
        for y in range(first, last + 1)
        for d in holidays.country_holidays("GB", subdiv="ENG", years=y, observed=True)
    }
    days, ordinal = [], 0
    day = dt.date(first, 1, 1)
    while day <= dt.date(last, 12, 31):
        working = day.weekday() < 5 and day not in bank
        ordinal += working
        days.append((day, working, ordinal))
        day += dt.timedelta(days=1)
    duck.execute("CREATE OR REPLACE TABLE cal (d DATE, working BOOLEAN, wd INTEGER)")
    duck.executemany("INSERT INTO cal VALUES (?, ?, ?)", days)
    start, end = bounds(period)
    local = "CAST(timezone('Europe/London', timezone('UTC', {})) AS DATE)"
    results = {}
    for clock, start_expr in (("return", "e.returned_at"), ("notification", "n.first_found")):
        sql = f"""
            WITH base AS (
              SELECT {start_expr} AS s, i.held_at AS h
              FROM episode e
              JOIN rhi r ON r.episode_id = e.id
              JOIN interview i ON i.id = r.interview_id AND i.kind = 'interview'
              LEFT JOIN (SELECT episode_id, min(received_at) AS first_found FROM notification
                         WHERE event = 'found' GROUP BY episode_id) n ON n.episode_id = e.id
              WHERE e.council_id = $council AND e.reported_missing_at >= $start
                AND e.reported_missing_at < $end AND e.returned_at IS NOT NULL
            ), days AS (
              SELECT s, h, {local.format("s")} AS sd, {local.format("h")} AS hd FROM base
            )
            SELECT
              count(*) FILTER (WHERE h <= s + INTERVAL 72 HOUR) AS hours,
              count(*) FILTER (WHERE hd - sd <= 3) AS calendar,
              count(*) FILTER (WHERE hc.wd - sc.wd < 3 OR (hc.wd - sc.wd = 3 AND hc.working)) AS working
            FROM days JOIN cal sc ON sc.d = days.sd JOIN cal hc ON hc.d = days.hd
        """
        hours, calendar, working = duck.execute(
            sql, {"council": council_id, "start": start, "end": end}
        ).fetchone()
        results[f"{clock}/hours"] = hours
        results[f"{clock}/calendar-days"] = calendar
        results[f"{clock}/working-days"] = working
    return results


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--children", type=int, default=None, help="default: episodes / 5")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each query (default 3)")
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="run ANALYZE before timing (PostgreSQL: VACUUM (ANALYZE), as autovacuum would)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument(
        "--with-triggers",
        action="store_true",
        help="keep the report-facts triggers while generating (much slower; default: rebuild after)",
    )
    benchdb.add_argument(parser)
    parser.add_argument(
        "--database-url",
        default="",
        help="time an existing database instead of generating one, e.g. the one bench/load.py "
        "keeps (postgres://postgres@127.0.0.1:5432/rh_load1m): its history is this script's "
        "(with realistic names, recent work open; police notifications the load test sent)",
    )
    parser.add_argument("--la-code", default="B01", help="with --database-url: the council")
    args = parser.parse_args(argv)
    if benchdb.run_each(args):
        return 0
    children = args.children or max(1, args.episodes // 5)

    work = Path(tempfile.mkdtemp(prefix="rh-bench-"))
    drop_database = setup_django(str(work), args.database, args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from returnhome.organisations.models import Organisation

    say(f"data directory {work}")
    call_command("migrate", verbosity=0)
    if args.database_url:
        la_code = args.la_code
        say(f"existing database {connection.settings_dict['NAME']}, council {la_code}")
    else:
        started = time.perf_counter()
        la_code, counts = generate(args.episodes, children, args.seed, args.with_triggers)
        say(
            f"generated in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
    if args.analyze:
        # PostgreSQL: VACUUM too, as autovacuum keeps a live database: the visibility map lets the
        # engine read its covering indexes alone (index-only scans).
        vacuum = "VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(vacuum)
    council_id = Organisation.objects.get(la_code=la_code).pk
    engine = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    if connection.vendor == "sqlite":
        size = Path(connection.settings_dict["NAME"]).stat().st_size
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    say(f"{engine} database {size / 2**20:,.0f} MiB" + (" (ANALYZEd)" if args.analyze else ""))

    started = time.perf_counter()
    duck = load_duckdb(work)
    say(f"copied into DuckDB in {time.perf_counter() - started:.1f} s (not timed below)")

    failures = 0
    results = []
    for label, period in (("one year", YEAR), ("all time", ALL_TIME)):
        timings, data = time_command(la_code, period, args.runs)
        due = "due_" + data["clock"] + "_" + data["count"].replace("-", "_")
        duck_times, duck_groups = [], {}
        for _ in range(args.runs):
            elapsed, duck_groups = duck_figures(duck, council_id, period, due)
            duck_times.append(elapsed)
        sqlite_s, duck_s = statistics.median(timings), statistics.median(duck_times)
        agree = duck_groups == data["groups"]
        failures += not agree
        results.append(
            (
                label,
                period,
                data["groups"]["total"]["episodes"],
                sqlite_s,
                min(timings),
                duck_s,
                agree,
            )
        )
        if not agree:
            for group, figures in data["groups"].items():
                if figures != duck_groups[group]:
                    say(
                        f"  DISAGREE {label} {group}:\n    {engine} {figures}\n    duckdb {duck_groups[group]}"
                    )
        # The stored deadlines against DuckDB's own clock arithmetic, for every rule.
        independent = independent_within(duck, council_id, period)
        for rule, expected in independent.items():
            clock, count = rule.split("/")
            _t, other = time_command_rule(la_code, period, clock, count)
            if other["groups"]["total"]["within_72h"] != expected:
                failures += 1
                say(
                    f"  DISAGREE {label} within_72h under {rule}: command {other['groups']['total']['within_72h']}, DuckDB {expected}"
                )
        say(
            f"  {label}: within 72 hours under the six rules agree with DuckDB's own clock: {independent}"
        )

    print()
    print(
        f"{'period':<10} {'episodes':>10} {engine + ' median':>14} {'(best)':>8} {'DuckDB median':>14} {'ratio':>7}  figures"
    )
    for label, period, n, sqlite_s, best, duck_s, agree in results:
        print(
            f"{label:<10} {n:>10,} {sqlite_s:>13.3f}s {best:>7.3f}s {duck_s:>13.3f}s {sqlite_s / duck_s:>6.1f}x  "
            f"{'agree' if agree else 'DISAGREE'}  ({period[0]} to {period[1]})"
        )
    print(
        f"{engine}: the real command via call_command (JSON), end to end. DuckDB: the query alone, "
        f"on in-memory tables copied from the same {engine} database. Goal: under 2 s, within 3x "
        "of DuckDB."
    )
    connection.close()
    if not args.keep:
        import shutil

        drop_database()
        shutil.rmtree(work, ignore_errors=True)
    assert failures == 0, f"{failures} disagreement(s) between SQLite and DuckDB"
    return 0


def time_command_rule(
    la_code: str, period: tuple[str, str], clock: str, count: str
) -> tuple[float, dict[str, Any]]:
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command(
        "report", "indicators", "--org", la_code, "--from", period[0], "--to", period[1],
        "--clock", clock, "--count", count, stdout=out,
    )  # fmt: skip
    return time.perf_counter() - started, json.loads(out.getvalue())


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
