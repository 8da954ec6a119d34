"""Liveness and readiness: `/healthz` and `/readyz` (docs/deploy.md, Monitoring).

A readiness check is a function taking nothing and returning None when all is well, or a short
sentence saying what is wrong (no personal data: the answer needs no sign-in). The checks run are
listed, as dotted paths, in the setting RETURNHOME_READINESS_CHECKS, so a later component (the job
worker's heartbeat) adds its own check there without this module knowing about it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

Check = Callable[[], "str | None"]


def database() -> str | None:
    """The database answers a query."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def migrations() -> str | None:
    """Every migration in the code is applied to the database."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"{len(plan)} unapplied migration(s): run `returnhome migrate`"
    return None


def readiness() -> dict[str, str]:
    """Runs every configured readiness check: {check name: "ok" or what is wrong}."""
    results: dict[str, str] = {}
    for dotted in settings.RETURNHOME_READINESS_CHECKS:
        name = dotted.rsplit(".", 1)[-1]
        check: Check = import_string(dotted)
        try:
            problem = check()
        except Exception as exc:  # a check that cannot run is a failed check
            logger.exception("readiness check %s failed", name)
            problem = f"failed: {type(exc).__name__}"
        results[name] = problem or "ok"
    return results


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """Alive: the process answers (no database needed)."""
    return HttpResponse("ok", content_type="text/plain", headers={"Cache-Control": "no-store"})


@login_not_required
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: 200 when every readiness check passes, else 503 naming what is wrong."""
    checks = readiness()
    ready = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status=200 if ready else 503,
        headers={"Cache-Control": "no-store"},
    )
