"""The production path: collected static files (whitenoise's compressed manifest storage) served
through the WSGI application with DEBUG off, as `returnhome serve` runs it."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

STATIC_SOURCE = Path(__file__).resolve().parents[2] / "src" / "returnhome" / "static"
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


def production_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production install: no development switches, a real secret key."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "RETURNHOME_INSECURE_DEV_KEY",
            "RETURNHOME_HTTPS",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "RETURNHOME_DATA_DIR": str(data_dir),
            "ALLOWED_HOSTS": "returnhome.example.org,127.0.0.1,localhost",
        }
    )
    env.update(extra)
    return env


def returnhome(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, "-m", "returnhome", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


# Runs in a fresh interpreter with the production settings: calls the WSGI application the way
# a WSGI server does, for each path on the command line, and prints status, headers and body.
WSGI_CLIENT = """
import json, sys
from wsgiref.util import setup_testing_defaults
from returnhome.wsgi import application

results = []
for path in sys.argv[1:]:
    environ = {}
    setup_testing_defaults(environ)
    environ.update({"PATH_INFO": path, "HTTP_HOST": "returnhome.example.org",
                    "SERVER_NAME": "returnhome.example.org", "HTTP_X_FORWARDED_PROTO": "https",
                    "HTTP_ACCEPT_ENCODING": "identity"})
    started = {}
    def start_response(status, headers, exc_info=None):
        started["status"] = int(status.split()[0])
        started["headers"] = {k.lower(): v for k, v in headers}
    response = application(environ, start_response)
    body = b"".join(response)
    getattr(response, "close", lambda: None)()
    results.append({"path": path, **started, "body": body.decode("utf-8", "replace")})
print(json.dumps(results))
"""


def wsgi_get(env: dict[str, str], *paths: str) -> dict[str, dict[str, Any]]:
    result = subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, "-c", WSGI_CLIENT, *paths],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return {r["path"]: r for r in json.loads(result.stdout.splitlines()[-1])}


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A production data directory: migrated, then `collectstatic --noinput` run once.

    Its own SQLite database whatever DATABASE_URL says, so `./run tests` runs these once (on
    its SQLite pass), not twice."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs on the SQLite pass: the production data directory has its own database")
    data_dir = tmp_path_factory.mktemp("production")
    env = production_env(data_dir)
    migrate = returnhome(env, "migrate", "--noinput", "-v", "0")
    assert migrate.returncode == 0, migrate.stderr
    collect = returnhome(env, "collectstatic", "--noinput")
    return {"env": env, "data_dir": data_dir, "collectstatic": collect}


def test_every_file_the_css_refers_to_is_in_the_repository() -> None:
    missing = []
    for css in STATIC_SOURCE.rglob("*.css"):
        for url in CSS_URL.findall(css.read_text()):
            if url.startswith(("data:", "#", "http:", "https:")):
                continue
            target = (
                STATIC_SOURCE / url.removeprefix("/static/")
                if url.startswith("/static/")
                else css.parent / url
            )
            if not target.is_file():
                missing.append(f"{css.name}: {url}")
    assert not missing, missing


def test_collectstatic_then_login_and_static_files_are_served(production: dict[str, Any]) -> None:
    collect = production["collectstatic"]
    assert collect.returncode == 0, collect.stderr[-2000:]
    manifest = json.loads((production["data_dir"] / "static" / "staticfiles.json").read_text())
    css = "/static/" + manifest["paths"]["returnhome/returnhome.css"]
    assert css != "/static/returnhome/returnhome.css"  # the hashed name

    pages = wsgi_get(production["env"], "/login/", css)
    login = pages["/login/"]
    assert login["status"] == 200, login["body"][-2000:]
    assert f'href="{css}"' in login["body"]

    stylesheet = pages[css]
    assert stylesheet["status"] == 200
    assert stylesheet["headers"]["content-type"].startswith("text/css")
    assert "immutable" in stylesheet["headers"]["cache-control"]

    # Every image the served stylesheet refers to is served too (under its hashed name).
    images = sorted({u for u in CSS_URL.findall(stylesheet["body"]) if u.startswith("/static/")})
    assert images
    served = wsgi_get(production["env"], *images)
    assert {path: r["status"] for path, r in served.items()} == dict.fromkeys(images, 200)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback only)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


WORKERS = ("--workers", "2")


def test_serve_runs_the_production_server(production: dict[str, Any], tmp_path: Path) -> None:
    assert production["collectstatic"].returncode == 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        server = subprocess.Popen(  # noqa: S603 (our own command, fixed arguments)
            [sys.executable, "-m", "returnhome", "serve", "--bind", f"127.0.0.1:{port}", *WORKERS],
            env=production["env"],
            stdout=stdout,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    status, _, body = http_get(f"{base}/healthz")
                    break
                except OSError:
                    assert server.poll() is None, err.read_text()
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.3)
            # Health checks: no sign-in, plain HTTP, never redirected to HTTPS.
            assert (status, body) == (200, b"ok")
            status, _, body = http_get(f"{base}/readyz")
            assert status == 200, body
            assert json.loads(body)["status"] == "ready"

            # Pages insist on HTTPS (the proxy says so with X-Forwarded-Proto).
            status, headers, _ = http_get(f"{base}/login/")
            assert status == 301 and headers["Location"].startswith("https://")
            https = {"X-Forwarded-Proto": "https"}
            status, headers, body = http_get(f"{base}/login/?next=/children/&name=Zebedee", https)
            assert status == 200
            page = body.decode()
            css = re.search(r'href="(/static/returnhome/returnhome\.[0-9a-f]{12}\.css)"', page)
            assert css, page[:2000]
            request_id = headers["X-Request-ID"]

            status, headers, body = http_get(base + css.group(1), https)
            assert status == 200 and headers["Content-Type"].startswith("text/css")
            assert b".govuk-button" in body
        finally:
            server.terminate()
            server.wait(timeout=30)

    # One JSON line per request from the application, with no query string (the searched name).
    lines = [json.loads(line) for line in err.read_text().splitlines() if line.startswith("{")]
    requests = [line for line in lines if line.get("logger") == "returnhome.request"]
    login = [r for r in requests if r["path"] == "/login/" and r["status"] == 200]
    assert login and login[0]["request_id"] == request_id
    assert login[0]["method"] == "GET" and login[0]["user_id"] is None
    assert login[0]["duration_ms"] >= 0
    assert {"/healthz", "/readyz"} <= {r["path"] for r in requests}
    # gunicorn's access log: the path without its query string.
    access = out.read_text()
    assert '"GET /login/ HTTP/1.1" 200' in access and request_id in access
    assert "Zebedee" not in access + err.read_text()


def test_serve_refuses_to_start_without_collected_static_files(tmp_path: Path) -> None:
    result = returnhome(production_env(tmp_path), "serve", "--bind", f"127.0.0.1:{free_port()}")
    assert result.returncode != 0
    assert "static files are not collected" in result.stderr
    assert "returnhome collectstatic --noinput" in result.stderr


# Runs a `returnhome` command as on an install without the development dependencies: importing
# any module that only they provide fails, as it would there.
WITHOUT_DEV = """
import importlib.abc, sys
BLOCKED = set(sys.argv[1].split(","))
class WithoutDev(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (not in a runtime install)", name=name)
        return None
sys.meta_path.insert(0, WithoutDev())
sys.argv = ["returnhome", *sys.argv[2:]]
from returnhome.__main__ import main
main()
"""


def requirement_closure(requirements: list[str], extras: frozenset[str] = frozenset()) -> set[str]:
    """Every installed distribution these requirements bring in (names canonicalised)."""
    seen: set[str] = set()
    todo = [(Requirement(r), extras) for r in requirements]
    while todo:
        requirement, wanted = todo.pop()
        environments = [{"extra": e} for e in wanted | {""}]
        if requirement.marker and not any(requirement.marker.evaluate(e) for e in environments):
            continue
        name = canonicalize_name(requirement.name)
        key = name + "[" + ",".join(sorted(requirement.extras)) + "]"
        if key in seen:
            continue
        seen.add(key)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo.extend((Requirement(r), frozenset(requirement.extras)) for r in requires)
    return {key.partition("[")[0] for key in seen}


def development_only_modules() -> set[str]:
    """Top-level modules that only the development dependencies (pyproject's `dev` extra) install."""
    project = tomllib.loads((STATIC_SOURCE.parents[2] / "pyproject.toml").read_text())["project"]
    runtime = requirement_closure(project["dependencies"])
    dev_only = requirement_closure(project["optional-dependencies"]["dev"]) - runtime
    return {
        module
        for module, dists in metadata.packages_distributions().items()
        if all(canonicalize_name(d) in dev_only for d in dists)
    }


SSDA903_CHECK = ("export", "ssda903-missing", "--org", "886", "--year", "2026", "--check")


def test_the_ssda903_check_runs_on_a_runtime_install(production: dict[str, Any]) -> None:
    blocked = development_only_modules()
    assert {"pytest", "factory", "hypothesis", "duckdb"} <= blocked
    result = subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, "-c", WITHOUT_DEV, ",".join(sorted(blocked)), *SSDA903_CHECK],
        env=production["env"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "no errors" in result.stderr


def row_counts(database: Path) -> dict[str, int]:
    """Rows in every table (SQLite's own bookkeeping, sqlite_sequence, aside)."""
    with sqlite3.connect(database) as db:
        tables = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if not r[0].startswith("sqlite_")
        ]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def test_backup_then_restore_into_an_empty_data_directory(
    production: dict[str, Any], tmp_path: Path
) -> None:
    backup = tmp_path / "returnhome.backup"
    result = returnhome(production["env"], "backup", str(backup))
    assert result.returncode == 0, result.stderr
    before = row_counts(backup)

    empty = tmp_path / "empty"
    result = returnhome(production_env(empty), "restore", str(backup))
    assert result.returncode == 0, result.stderr
    after = row_counts(empty / "returnhome.sqlite3")
    assert after.pop("core_auditevent") == before.pop("core_auditevent") + 1  # the restore
    assert after == before
    assert before["organisations_organisation"] > 0
