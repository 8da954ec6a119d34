#!/usr/bin/env python
"""Load test: the production server (`returnhome serve`) on PostgreSQL, many people at once.

    .venv/bin/python bench/load.py                                   # 1M episodes, 50 users, 5 min
    .venv/bin/python bench/load.py --episodes 50000 --users 20 --duration 60   # a quick run
    .venv/bin/python bench/load.py --data-dir /tmp/rh-load --reuse   # keep the database, run again

What it does:
1. Makes a throwaway PostgreSQL database (--database-url; dropped and created again unless --reuse
   finds the one a previous run generated) and writes a synthetic history with
   `bench/indicators.py`'s generator (COPY, the report facts derived once after ANALYZE):
   --episodes over ten years, --children (default episodes / 5), 95% of them in the council the
   users work for. The children get realistic names, dates of birth and postcodes (the demo's
   generator), so the police API's matching does real work. Old work is done, as in a live
   service (`close_old_work`), then VACUUM (ANALYZE). With --reuse, a kept database first gets the
   migrations the code has and it lacks. Then a police force for that council with one API token
   per police system, and the users' accounts.
2. `collectstatic`, then the deployment docs/deploy.md recommends at national scale: one
   `returnhome serve` for people's pages (--workers, default 2 x CPUs + 1) and one for the police
   API (--api-workers, default 2; 0: the API on the web server), on 127.0.0.1, production settings
   (DEBUG off; plain HTTP on loopback: RETURNHOME_HTTPS=false; two-factor sign-in off).
3. --users simulated people for --duration seconds, each signing in through /login/ and then, after
   a think time of 5 to 15 s (--think), opening a page their role uses: front door (queue, child
   search, child record, open episodes), practitioners (my RHIs, an RHI, a child, actions),
   managers (team RHIs, an RHI, a child, the meeting pack), performance leads (dashboard,
   indicators, benchmark); police systems (a fifth of --users, or --police) POST batches of 10 to
   100 missing/found notifications to the API, new ones each run. A load balancer's probe asks
   the web server's /readyz every 2 s: the baseline, measured under the same load.
4. Prints, per page type: requests, errors, median, p95, max and p95 / the probe's p95; the API's
   ingest rate (notifications / wall seconds during which at least one API request ran:
   overlapping requests count once); and each goal: 0 errors, p95 under 300 ms for every page
   type, API ingest above 500 notifications/s.

Each page type alone, one request at a time, on the same kept database: bench/pages.py.

Only loopback is ever contacted. Every loop is bounded by --duration; the server is stopped at the
end, whatever happens.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import indicators as history

GOAL_P95_MS = 300.0
GOAL_INGEST = 500.0
PASSWORD = "load-test-" + secrets.token_urlsafe(12)
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/rh_h14ops_load"
# Who the simulated users are: (role, share of --users).
MIX = [  # the rest are police systems
    ("front_door", 0.2),
    ("practitioner", 0.3),
    ("manager", 0.16),
    ("performance", 0.14),
]
# Shown, not held to the 300 ms goal: the probe is the baseline, and checking a password is slow on
# purpose (Django's PBKDF2, hundreds of milliseconds of CPU; once per sign-in).
NOT_IN_THE_GOAL = {"/readyz (probe, baseline)", "sign in (password)"}


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


# --------------------------------------------------------------------------- the database


def recreate_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"rh_[a-z0-9_]+", name):
        raise SystemExit(f"refusing to drop {name!r}: the bench database's name starts with rh_")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str, data_dir: Path) -> None:
    os.environ.update(
        {
            "DATABASE_URL": url,
            "RETURNHOME_DATA_DIR": str(data_dir),
            "DEBUG": "false",
            "RETURNHOME_INSECURE_DEV_KEY": "true",
            "RETURNHOME_HTTPS": "false",
            "DJANGO_SETTINGS_MODULE": "returnhome.settings",
        }
    )
    import django

    django.setup()


def realistic_children(children: int, seed: int) -> list[Any]:
    """Names, dates of birth and postcodes from the demo's generator, for every child id."""
    from django.db import connection

    from returnhome.demo.synthetic import Generator

    register = Generator(seed, dt.date(2026, 1, 1)).register(children)[:children]
    rows = [
        (i + 1, c.forename, c.surname, c.dob, c.sex, c.postcode, c.la_child_id, c.nhs_number)
        for i, c in enumerate(register)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE synth (id bigint, forename text, surname text, dob date, sex text,"
            " postcode text, la_child_id text, nhs_number text)"
        )
        with cursor.cursor.copy("COPY synth FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            "UPDATE children_child c SET forename = s.forename, surname = s.surname,"
            " date_of_birth = s.dob, sex = s.sex, postcode = s.postcode,"
            " la_child_id = s.la_child_id, nhs_number = s.nhs_number FROM synth s WHERE c.id = s.id"
        )
        cursor.execute("DROP TABLE synth")
    return register


@contextlib.contextmanager
def analyzed_before_facts() -> Iterator[None]:
    """The generator derives the report facts right after its bulk load; on PostgreSQL the fresh
    tables have no planner statistics yet (autovacuum comes later) and that query then runs for
    many minutes (20,000 episodes: over 10 minutes, against 8 s after ANALYZE). ANALYZE first."""
    from django.db import connection

    from returnhome.reports import facts

    rebuild = facts.rebuild_facts

    def analyzed(conn: Any = None) -> int:
        with (conn or connection).cursor() as cursor:
            cursor.execute("ANALYZE")
        return rebuild(conn)

    facts.rebuild_facts = analyzed  # type: ignore[assignment]
    try:
        yield
    finally:
        facts.rebuild_facts = rebuild  # type: ignore[assignment]


def reset_sequences() -> None:
    """The generator wrote explicit ids: the app's own inserts continue after them."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    models = [m for m in apps.get_models() if m._meta.managed]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def close_old_work() -> int:
    """Ten years of history has its old work done. The generator leaves 3% of episodes open for
    ever, every RHI with an interview awaiting review, every RHI without an outcome offered and a
    third of the follow-up actions open, from 2016 on: at 1M episodes, 29,000 children "still
    missing" and 600,000 open RHIs in one team's queue, which no service ever has (a weekly
    meeting pack listing 29,000 children). So, as a live service's would be:
    - episodes reported missing more than 4 weeks before the history ends have come back (1 to 72
      hours later), but one in 50 of them: children missing for a long time;
    - RHIs referred more than 2 weeks before it are closed (two weeks after their offer, or
      referral): the open RHIs are the last two weeks' (and what the API adds);
    - actions from interviews held more than 26 weeks before it are done;
    - children an earlier run of the load test left missing have come back.
    The report facts of the children whose episodes changed are derived again (the triggers off
    for the bulk update); RHI status and action status are no facts' source (reports/facts.py).
    Idempotent. Returns the rows changed."""
    from django.db import connection, transaction

    from returnhome.reports.facts import drop_triggers, install_triggers, upsert_sql

    end = history.SPAN_END
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE settled ON COMMIT DROP AS SELECT id, child_id FROM episodes_episode"
            " WHERE returned_at IS NULL AND reported_missing_at < %s AND id %% 50 <> 0",
            [end - dt.timedelta(weeks=4)],
        )
        changed = cursor.rowcount
        if changed:
            drop_triggers()
            cursor.execute(
                "UPDATE episodes_episode e SET returned_at ="
                " e.reported_missing_at + (1 + e.id % 72) * interval '1 hour'"
                " FROM settled s WHERE e.id = s.id"
            )
            install_triggers()
            cursor.execute(upsert_sql("postgresql", "e.child_id IN (SELECT child_id FROM settled)"))
        # Children an earlier run of the load test left missing have come back (each run's
        # notifications cover the same days: a new "found" must not precede an open episode).
        cursor.execute(
            "UPDATE episodes_episode SET returned_at = reported_missing_at + interval '1 hour'"
            " WHERE returned_at IS NULL AND reported_missing_at >= %s",
            [end],
        )
        changed += cursor.rowcount
        cursor.execute(
            "UPDATE interviews_rhi SET status = 'closed',"
            " closed_at = COALESCE(offer_made_at, referred_at) + interval '14 days'"
            " WHERE status <> 'closed' AND referred_at < %s",
            [end - dt.timedelta(weeks=2)],
        )
        changed += cursor.rowcount
        cursor.execute(
            "UPDATE followup_proposedaction a SET status = 'done' FROM interviews_interview i"
            " WHERE a.interview_id = i.id AND i.held_at < %s"
            " AND a.status IN ('proposed', 'agreed', 'in_progress')",
            [end - dt.timedelta(weeks=26)],
        )
        return changed + cursor.rowcount


def refresh_all_match_keys() -> int:
    """The children's stored match keys (decision 0040) derived for every child noted stale, as
    a live register has them: the triggers note each child whose details change, and the next
    import derives them. Written with their names (`realistic_children`), all 200,000 would
    otherwise be derived by the load test's first API request (about 30 s), and the planner's
    statistics would be a whole table out of date."""
    from django.db import transaction

    from returnhome.children.matchkeys import refresh_match_keys

    started = time.perf_counter()
    with transaction.atomic():
        refreshed = refresh_match_keys()
    if refreshed:
        say(f"match keys derived: {refreshed:,} children, {time.perf_counter() - started:.0f} s")
    return refreshed


def vacuum() -> None:
    """VACUUM (ANALYZE), as autovacuum keeps a live database: planner statistics, and the
    visibility map that lets the reports read their covering indexes alone (index-only scans;
    after a bulk write, without it, PostgreSQL reads every row too: the indicators page 2-3x
    slower at 1M episodes)."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    say(f"VACUUM (ANALYZE): {time.perf_counter() - started:.0f} s")


def migrate_kept_database() -> None:
    """A kept database, run by newer code: apply the migrations it lacks (planner statistics
    first, since a migration may derive the report facts again over a million rows), then check
    the report facts still hold one row per episode, and derive them again if not."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    from returnhome.episodes.models import Episode
    from returnhome.reports.facts import rebuild_facts
    from returnhome.reports.models import EpisodeFacts

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        say(
            f"applying {len(plan)} migration(s) to the kept database: {', '.join(str(m) for m, _ in plan)}"
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        say(f"migrated in {time.perf_counter() - started:.0f} s")
        vacuum()
    episodes, facts = Episode.objects.count(), EpisodeFacts.objects.count()
    if episodes != facts:
        say(f"{facts:,} report facts for {episodes:,} episodes: deriving them again")
        started = time.perf_counter()
        with transaction.atomic():
            rebuild_facts()
        say(f"report facts derived in {time.perf_counter() - started:.0f} s")


@dataclass
class World:
    la_code: str
    accounts: dict[str, list[str]]  # role -> usernames
    tokens: list[str]
    child_ids: list[int]
    surnames: list[str]
    rhi_ids: list[int]
    register: list[Any] = field(default_factory=list)


def build(args: argparse.Namespace, data_dir: Path) -> World:
    """Generate the history (or reuse it) and make the accounts and tokens for this run."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from returnhome.accounts.models import Role, User
    from returnhome.accounts.services import create_api_token
    from returnhome.children.models import Child
    from returnhome.interviews.models import RHI
    from returnhome.organisations.models import Organisation

    marker = data_dir / "generated"
    if args.reuse and marker.exists():
        la_code = marker.read_text().strip()
        say("reusing the history generated before")
        migrate_kept_database()
    else:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        with analyzed_before_facts():
            la_code, counts = history.generate(args.episodes, args.children, args.seed)
        say(
            f"history written in {time.perf_counter() - started:.0f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
        reset_sequences()
        started = time.perf_counter()
        realistic_children(args.children, args.seed)
        say(f"children's names, dates of birth, postcodes: {time.perf_counter() - started:.0f} s")
        marker.write_text(la_code)
    started = time.perf_counter()
    closed = close_old_work()
    if closed:
        say(
            f"old work closed: {closed:,} episodes, RHIs and actions, {time.perf_counter() - started:.0f} s"
        )
    refreshed = refresh_all_match_keys()
    if closed or refreshed:
        vacuum()
    council = Organisation.objects.get(la_code=la_code)
    force, _ = Organisation.objects.get_or_create(
        code="police:BLT", defaults={"name": "Bench Police", "kind": Organisation.Kind.POLICE}
    )
    Organisation.objects.filter(pk=council.pk).update(police_force=force)
    password = make_password(PASSWORD)  # hashed once, shared by every account of this run
    accounts: dict[str, list[str]] = defaultdict(list)
    for role, count in role_counts(args.users, args.police).items():
        if role == "police":
            continue
        for n in range(count):
            username = f"load-{role}-{n}"
            User.objects.update_or_create(
                username=username,
                defaults={
                    "organisation": council,
                    "role": getattr(Role, role.upper()),
                    "password": password,
                    "is_active": True,
                },
            )
            accounts[role].append(username)
    police = role_counts(args.users, args.police).get("police", 0)
    tokens = [
        create_api_token(force, name=f"load {n}", acting_user=None).secret for n in range(police)
    ]
    practitioners = list(User.objects.filter(username__in=accounts["practitioner"]))
    recent = list(
        RHI.objects.filter(council=council).order_by("-pk").values_list("pk", flat=True)[:2000]
    )
    for i, worker in enumerate(practitioners):  # each practitioner has RHIs of their own
        RHI.objects.filter(pk__in=recent[i :: max(1, len(practitioners))][:100]).update(
            allocated_worker=worker
        )
    sample = list(
        Child.objects.filter(council=council).order_by("?").values_list("pk", "surname")[:2000]
    )
    return World(
        la_code=la_code,
        accounts=dict(accounts),
        tokens=tokens,
        child_ids=[pk for pk, _ in sample],
        surnames=sorted({s for _, s in sample}),
        rhi_ids=recent,
    )


def role_counts(users: int, police: int | None = None) -> dict[str, int]:
    """How many of each role: police systems (default a fifth), the rest by MIX."""
    police = round(users * 0.2) if police is None else police
    people = users - police
    weight = sum(share for _, share in MIX)
    counts = {role: max(1, round(people * share / weight)) for role, share in MIX}
    counts["police"] = police
    return counts


def notification_batches(register: list[Any], seed: int, total: int) -> list[list[dict[str, str]]]:
    """Missing and found notifications (80% about children on the council's register, so the
    matching finds them), in batches of 10 to 100, each notification sent once."""

    from returnhome.demo.synthetic import Generator

    rng = random.Random(seed)
    # Dated up to yesterday: after the history (which ends on 1 January 2026), so a "found" never
    # comes before a child's open episode of the history (the API would rightly refuse it).
    yesterday = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date()
    generator = Generator(seed + 1, yesterday)
    rows: list[dict[str, str]] = []
    # One episode per child in a run: two of a child's episodes sent out of order would have a
    # "found" before the child's later "missing", which the API rightly refuses.
    children_sent: set[int] = set()
    for labelled in generator.labelled_rows(register, total // 2, new_share=0.2):
        if labelled.truth is not None:
            if labelled.truth in children_sent:
                continue
            children_sent.add(labelled.truth)
        missing = {k: v for k, v in labelled.values.items() if v and k != "force"}
        # Each run's police references are its own: the generator numbers them from 1 in every
        # run, and a reference an earlier run sent names that run's episode (a "found" for it
        # dated before its "missing" is rightly refused).
        if missing.get("police_reference"):
            missing["police_reference"] = f"{missing['police_reference']}-R{seed}"
        rows.append(missing)
        at = dt.datetime.strptime(missing["event_at"], "%Y-%m-%dT%H:%M%z")
        found = {
            k: v
            for k, v in missing.items()
            if k not in {"last_seen_at", "risk_level", "missing_from"}
        }
        found["event"] = "found"
        found["event_at"] = (at + dt.timedelta(hours=rng.randint(1, 20))).strftime(
            "%Y-%m-%dT%H:%M%z"
        )
        rows.append(found)
    # In the order the events happened, as police systems send them: a child's "found" never
    # goes before a later "missing" of the same child.
    rows.sort(key=lambda row: dt.datetime.strptime(row["event_at"], "%Y-%m-%dT%H:%M%z"))
    batches, start = [], 0
    while start < len(rows):
        size = rng.randint(10, 100)
        batches.append(rows[start : start + size])
        start += size
    return batches


# --------------------------------------------------------------------------- the simulated people


class Session:
    """One person's browser: cookies kept, one connection per request (gunicorn's sync workers
    close it after each), redirects not followed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.location = ""  # of the last redirect

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            sent = {"Host": "127.0.0.1", **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            where = urllib.parse.urlsplit(response.headers.get("Location", ""))
            self.location = where.path + (f"?{where.query}" if where.query else "")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
            return response.status, data
        finally:
            conn.close()


@dataclass
class Results:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    notifications: int = 0
    api_busy: list[tuple[float, float]] = field(default_factory=list)  # (start, end) per request
    lock: threading.Lock = field(default_factory=threading.Lock)

    def api_seconds(self) -> float:
        """Wall seconds during which at least one API request was running: requests that overlap
        (several police systems at once) count once, so notifications / this is the ingest rate
        of the API as a whole, not of one request."""
        busy, end = 0.0, float("-inf")
        for start, stop in sorted(self.api_busy):
            if stop <= end:
                continue
            busy += stop - max(start, end)
            end = stop
        return busy

    def record(self, page: str, started: float, problem: str | None) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.timings[page].append(elapsed)
            if problem:
                self.errors[page].append(problem)


def timed(
    results: Results, page: str, call: Callable[[], tuple[int, bytes]], ok: set[int]
) -> tuple[int, bytes]:
    """Make the request, recording its time and, unless its status is in `ok`, the error."""
    started = time.perf_counter()
    try:
        status, body = call()
    except OSError as exc:
        results.record(page, started, f"{type(exc).__name__}: {exc}")
        return 0, b""
    problem = None if status in ok else f"HTTP {status}: {body[:200]!r}"
    results.record(page, started, problem)
    return status, body


CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(session: Session, results: Results, username: str) -> bool:
    _, page = timed(results, "sign in (form)", lambda: session.request("GET", "/login/"), {200})
    token = CSRF.search(page)
    if not token:
        return False
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": PASSWORD}
    ).encode()
    status, _ = timed(
        results,
        "sign in (password)",
        lambda: session.request(
            "POST", "/login/", form, {"Content-Type": "application/x-www-form-urlencoded"}
        ),
        {302},
    )
    return status == 302 and "sessionid" in session.cookies


Visit = Callable[[Session], tuple[int, bytes]]


def get(path: Callable[[], str]) -> Visit:
    return lambda session: session.request("GET", path())


def posted_search(terms: Callable[[], str]) -> Visit:
    """The children's search: posted (a name never goes into a URL), then its results page."""

    def visit(session: Session) -> tuple[int, bytes]:
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": session.cookies.get("csrftoken", ""), "q": terms()}
        ).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        status, body = session.request("POST", "/children/", form, headers)
        if status != 302:
            return status, body
        return session.request("GET", session.location)

    return visit


def pages_for(role: str, world: World, rng: random.Random) -> list[tuple[str, Visit]]:
    """(page type, how to open it) for each page this role uses."""
    child = get(lambda: f"/children/{rng.choice(world.child_ids)}/")
    rhi = get(lambda: f"/rhis/{rng.choice(world.rhi_ids)}/")
    search = posted_search(lambda: rng.choice(world.surnames))
    year = "?" + urllib.parse.urlencode(
        {"date_from": "2025-01-01", "date_to": "2025-12-31", "clock": "return", "count": "hours"}
    )
    return {
        "front_door": [
            ("front door queue", get(lambda: "/front-door/")),
            ("child search", search),
            ("child record", child),
            ("open episodes", get(lambda: "/episodes/open/")),
        ],
        "practitioner": [
            ("my RHIs", get(lambda: "/rhis/mine/")),
            ("RHI", rhi),
            ("child record", child),
            ("actions", get(lambda: "/actions/")),
        ],
        "manager": [
            ("team RHIs", get(lambda: "/rhis/team/")),
            ("RHI", rhi),
            ("child record", child),
            ("meeting pack", get(lambda: "/reports/meeting-pack/")),
        ],
        "performance": [
            ("dashboard", get(lambda: "/reports/dashboard/" + year)),
            ("indicators", get(lambda: "/reports/" + year)),
            ("benchmark", get(lambda: "/reports/benchmark/")),
        ],
    }[role]


def think(rng: random.Random, low: float, high: float, deadline: float) -> bool:
    """Wait a think time; False when the run is over."""
    pause = rng.uniform(low, high)
    if time.monotonic() + pause >= deadline:
        return False
    time.sleep(pause)
    return True


def person(
    port: int,
    role: str,
    username: str,
    world: World,
    results: Results,
    args: argparse.Namespace,
    n: int,
    deadline: float,
) -> None:
    rng = random.Random(args.seed * 1000 + n)
    session = Session(port)
    time.sleep(
        rng.uniform(0, min(60.0, args.duration / 5))
    )  # people arrive over the first minute (ramp-up)
    if not sign_in(session, results, username):
        return  # counted as an error of the sign-in page
    pages = pages_for(role, world, rng)
    while think(rng, *args.think, deadline):
        page, visit = rng.choice(pages)
        timed(results, page, lambda visit=visit: visit(session), {200})


def police_system(
    port: int,
    token: str,
    batches: Iterator[list[dict[str, str]]],
    world: World,
    results: Results,
    args: argparse.Namespace,
    n: int,
    deadline: float,
    lock: threading.Lock,
) -> None:
    rng = random.Random(args.seed * 1000 + 500 + n)
    session = Session(port)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    while think(rng, *args.think, deadline):
        with lock:
            batch = next(batches, None)
        if batch is None:
            return
        body = json.dumps({"council": world.la_code, "notifications": batch}).encode()
        started = time.perf_counter()
        status, _ = timed(
            results,
            "police API (POST)",
            lambda body=body: session.request("POST", "/api/v1/notifications/", body, headers),
            {200},
        )
        stopped = time.perf_counter()
        with results.lock:
            results.api_busy.append((started, stopped))
            if status == 200:
                results.notifications += len(batch)


def probe(port: int, results: Results, deadline: float) -> None:
    """The load balancer's readiness probe, every 2 s: the baseline."""
    session = Session(port)
    while time.monotonic() + 2 < deadline:
        timed(
            results, "/readyz (probe, baseline)", lambda: session.request("GET", "/readyz"), {200}
        )
        time.sleep(2)


# --------------------------------------------------------------------------- the server and the run


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    args: argparse.Namespace, data_dir: Path, port: int, workers: int, name: str, nice: int = 0
) -> subprocess.Popen[bytes]:
    """`returnhome serve` on 127.0.0.1:port with `workers` sync workers (at CPU priority `nice`);
    its log in data_dir/server-NAME.log."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"RETURNHOME_INSECURE_DEV_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": args.database_url,
            "RETURNHOME_DATA_DIR": str(data_dir),
            "RETURNHOME_HTTPS": "false",  # plain HTTP on loopback: no TLS proxy in front
            "RETURNHOME_REQUIRE_2FA": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "RETURNHOME_REQUEST_LOG": "false",
            "RETURNHOME_API_RATE": "100000/min",
            "LOG_LEVEL": "WARNING",
        }
    )
    log_path = data_dir / f"server-{name}.log"
    command = [sys.executable, "-m", "returnhome", "serve", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers)]
    if nice:
        command = ["nice", "-n", str(nice), *command]
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: see {log_path}")
        try:
            if Session(port).request("GET", "/readyz")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"the server did not become ready: see {log_path}")


def warm_up(port: int, workers: int) -> None:
    """Each gunicorn worker imports the app on its first requests: not part of the figures."""
    for _ in range(4 * workers):
        Session(port).request("GET", "/login/")


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, int(-(-fraction * len(ordered) // 1))) - 1]


def report(results: Results, seconds: float) -> bool:
    baseline = percentile(results.timings["/readyz (probe, baseline)"], 0.95)
    print(
        f"\n{'page type':<26} {'requests':>8} {'errors':>6} {'median':>9} {'p95':>9} {'max':>9} {'p95/probe':>9}"
    )
    slow = []
    for page in sorted(results.timings):
        values = results.timings[page]
        p95 = percentile(values, 0.95)
        if p95 >= GOAL_P95_MS and page not in NOT_IN_THE_GOAL:
            slow.append(f"{page} ({p95:.0f} ms)")
        print(
            f"{page:<26} {len(values):>8} {len(results.errors.get(page, [])):>6} "
            f"{statistics.median(values):>7.1f}ms {p95:>7.1f}ms {max(values):>7.1f}ms "
            f"{p95 / baseline:>8.1f}x"
        )
    errors = sum(len(e) for e in results.errors.values())
    for page, problems in results.errors.items():
        for problem in sorted(set(problems))[:3]:
            print(f"  error on {page}: {problem}")
    busy = results.api_seconds()
    ingest = results.notifications / busy if busy else 0.0
    total = sum(len(v) for v in results.timings.values())
    print(
        f"\n{total:,} requests in {seconds:.0f} s ({total / seconds:.1f}/s); "
        f"{results.notifications:,} notifications through the API in "
        f"{len(results.api_busy):,} requests, ingest {ingest:,.0f} notifications/s while the API "
        f"was busy ({busy:.1f} s with at least one request running; "
        f"{results.notifications / seconds:.1f}/s over the whole run, which the think time sets)"
    )
    met = [
        ("0 errors", errors == 0, f"{errors} errors"),
        (
            "p95 under 300 ms for every page type (but the password check)",
            not slow,
            ", ".join(slow) or "all under",
        ),
        (
            f"API ingest above {GOAL_INGEST:.0f} notifications/s",
            ingest > GOAL_INGEST,
            f"{ingest:,.0f}/s",
        ),
    ]
    for goal, ok, detail in met:
        print(f"goal: {goal}: {'MET' if ok else 'NOT MET'} ({detail})")
    return all(ok for _, ok, _ in met)


def run(
    args: argparse.Namespace,
    world: World,
    batches: list[list[dict[str, str]]],
    port: int,
    api_port: int,
) -> Results:
    """People (and the probe) on the web server at `port`, police systems on the API's server at
    `api_port` (the same port when the API shares the web server)."""
    results = Results()
    deadline = time.monotonic() + args.duration
    threads = [threading.Thread(target=probe, args=(port, results, deadline))]
    n = 0
    for role, usernames in world.accounts.items():
        for username in usernames:
            threads.append(
                threading.Thread(
                    target=person,
                    args=(port, role, username, world, results, args, n, deadline),
                )
            )
            n += 1
    feed, lock = iter(batches), threading.Lock()
    for i, token in enumerate(world.tokens):
        threads.append(
            threading.Thread(
                target=police_system,
                args=(api_port, token, feed, world, results, args, i, deadline, lock),
            )
        )
    for t in threads:
        t.daemon = True
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()) + 180)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--children", type=int, default=None, help="default: episodes / 5")
    parser.add_argument("--users", type=int, default=50, help="simulated people (default 50)")
    parser.add_argument("--duration", type=float, default=300, help="seconds (default 300)")
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0), metavar=("MIN", "MAX"))
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="the web server's gunicorn workers (default: serve's, 2 x CPUs + 1)",
    )
    parser.add_argument(
        "--api-workers",
        type=int,
        default=2,
        help="workers of the police API's own `returnhome serve`, as docs/deploy.md recommends "
        "(default 2); 0: the API shares the web server",
    )
    parser.add_argument(
        "--database-url", default=DEFAULT_DB, help=f"a throwaway database (default {DEFAULT_DB})"
    )
    parser.add_argument(
        "--data-dir", help="keep the data directory (and with --reuse, the database)"
    )
    parser.add_argument("--reuse", action="store_true", help="reuse the history a run generated")
    parser.add_argument(
        "--api-nice",
        type=int,
        default=5,
        help="CPU priority of the API's server (default 5: people's pages first, as docs/deploy.md "
        "sets with Nice= in returnhome-api.service); 0: equal",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--police", type=int, default=None, help="of the users, police systems (default a fifth)"
    )
    parser.add_argument("--generate-only", action="store_true", help="build the database, stop")
    args = parser.parse_args(argv)
    args.children = args.children or max(1, args.episodes // 5)
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="rh-load-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    say(f"load average before: {load_average()}; data directory {data_dir}")
    if not (args.reuse and (data_dir / "generated").exists()):
        recreate_database(args.database_url)
        (data_dir / "generated").unlink(missing_ok=True)
    setup_django(args.database_url, data_dir)
    from django.core.management import call_command
    from django.db import connections

    world = build(args, data_dir)
    if args.generate_only:
        return 0

    from returnhome.demo.synthetic import Generator

    register = Generator(args.seed, dt.date(2026, 1, 1)).register(args.children)[: args.children]
    wanted = int(len(world.tokens) * (args.duration / args.think[0] + 1) * 100)
    # A kept database already holds the notifications earlier runs sent: each run sends new ones
    # (about the same children), so the API matches and writes as it would the first time.
    runs_file = data_dir / "runs"
    run_number = int(runs_file.read_text()) + 1 if runs_file.exists() else 1
    runs_file.write_text(str(run_number))
    batches = notification_batches(register, args.seed * 1000 + run_number, min(wanted, 200_000))
    call_command("collectstatic", "--noinput", verbosity=0)
    connections.close_all()
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    servers: list[subprocess.Popen[bytes]] = []
    try:
        port = api_port = free_port()
        servers.append(start_server(args, data_dir, port, workers, "web"))
        warm_up(port, workers)
        if args.api_workers and world.tokens:
            api_port = free_port()
            servers.append(
                start_server(args, data_dir, api_port, args.api_workers, "api", args.api_nice)
            )
            warm_up(api_port, args.api_workers)
        say(
            f"server up on 127.0.0.1:{port}"
            + (f", the API's on 127.0.0.1:{api_port}" if api_port != port else "")
            + f"; {args.users} people for {args.duration:.0f} s: "
            + ", ".join(f"{len(v)} {k}" for k, v in world.accounts.items())
            + f", {len(world.tokens)} police systems"
        )
        started = time.monotonic()
        results = run(args, world, batches, port, api_port)
        seconds = time.monotonic() - started
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=60)
    say(f"load average after: {load_average()}")
    print(
        f"\n{args.episodes:,} episodes, {args.children:,} children on PostgreSQL; "
        f"{args.users} people, think time {args.think[0]:.0f}-{args.think[1]:.0f} s, "
        f"{args.duration:.0f} s; {os.cpu_count()} CPUs; people's pages: returnhome serve "
        f"--workers {workers}; "
        + (
            f"the police API: its own returnhome serve --workers {args.api_workers}, nice "
            f"{args.api_nice} (docs/deploy.md, national scale)"
            if api_port != port
            else "the police API on the same server"
        )
    )
    return 0 if report(results, seconds) else 1


if __name__ == "__main__":
    sys.exit(main())
