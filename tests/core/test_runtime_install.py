"""Every command the README documents works on a runtime install: a virtualenv holding returnhome
(built as a wheel and installed, so its templates, static files and data travel with it) and its
runtime dependencies only. No development dependency is there at all: pytest, hypothesis, duckdb
and the rest are simply absent, as on a server installed with `pip install .`.

The virtualenv is built once per test session: the runtime dependencies are linked from the
environment running the tests (resolved from pyproject.toml's `dependencies`, recursively), and
returnhome is built into a wheel (pip fetches the build backend, setuptools, from the package
index as `pip install .` does) and installed with `pip --no-index`. Its own SQLite
data directory, so it runs once, on the SQLite pass of `./run tests`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.core.test_production import SSDA903_CHECK, production_env

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
# Rows of the README's command table: "| `returnhome NAME ..." (and "(page)" rows, not commands).
DOCUMENTED = re.compile(r"^\| `returnhome ([a-z0-9-]+)", re.MULTILINE)


def runtime_distributions() -> dict[str, metadata.Distribution]:
    """The distributions pyproject.toml's runtime dependencies need, recursively (no extras of
    returnhome itself, so nothing from [dev])."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    todo = [(Requirement(r), frozenset[str]()) for r in project["dependencies"]]
    found: dict[str, metadata.Distribution] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        requirement, _ = todo.pop()
        name = canonicalize_name(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = found.get(name) or metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            pytest.fail(f"{requirement.name} (a runtime dependency) is not installed: ./run tests")
        found[name] = dist
        for text in dist.requires or []:
            needed = Requirement(text)
            extras = {"", *requirement.extras}
            if needed.marker is None or any(needed.marker.evaluate({"extra": e}) for e in extras):
                todo.append((needed, frozenset()))
    return found


def link_into(site: Path, dist: metadata.Distribution) -> int:
    """Link each file of an installed distribution into another site-packages."""
    linked = 0
    for file in dist.files or []:
        if str(file).startswith(".."):  # its console scripts: not needed to import it
            continue
        source = Path(str(dist.locate_file(file)))
        if not source.is_file():
            continue
        target = site / file
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to(source)
            linked += 1
    return linked


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    result = subprocess.run(  # noqa: S603 (our own commands)
        list(args), env=env, cwd=cwd, capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}{result.stderr[-3000:]}"
    return result.stdout + result.stderr


@pytest.fixture(scope="session")
def runtime_venv(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs on the SQLite pass: the runtime install has its own data directory")
    started = time.monotonic()
    work = tmp_path_factory.mktemp("runtime")
    venv = work / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", str(venv))
    site = next((venv / "lib").glob("python3.*/site-packages"))
    dists = runtime_distributions()
    for dist in dists.values():
        link_into(site, dist)
    # returnhome itself, as a wheel built from a copy of the source (no build files in the tree).
    source = work / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "var", "node_modules", "__pycache__", "*.egg-info", "build", "tests"
        ),
    )
    wheels = work / "wheels"
    pip = (sys.executable, "-m", "pip")
    quiet = ("--disable-pip-version-check", "-q")
    run(*pip, "wheel", *quiet, "--no-deps", "-w", str(wheels), str(source))
    [wheel] = wheels.glob("returnhome-*.whl")
    python = venv / "bin" / "python"
    run(*pip, "--python", str(python), "install", *quiet, "--no-deps", "--no-index", str(wheel))
    return {
        "venv": venv,
        "python": python,
        "returnhome": venv / "bin" / "returnhome",
        "dists": set(dists),
        "seconds": time.monotonic() - started,
    }


def in_venv(venv: dict[str, Any], data_dir: Path, *args: str, **extra: str) -> str:
    env = production_env(data_dir, **extra)
    env.pop("PYTHONPATH", None)  # only what the virtualenv holds
    env["PATH"] = f"{venv['venv'] / 'bin'}:{env.get('PATH', '')}"
    return run(str(venv["returnhome"]), *args, env=env, cwd=data_dir)


def test_the_runtime_install_holds_no_development_dependency(runtime_venv: dict[str, Any]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    dev = {canonicalize_name(Requirement(r).name) for r in project["optional-dependencies"]["dev"]}
    assert not (dev & runtime_distributions().keys())
    # the DfE validator of `export ssda903-missing --check` is a runtime dependency
    assert "csc-validator-be-903" in runtime_venv["dists"]
    probe = "import importlib.util as u; print([m for m in {} if u.find_spec(m)])"
    missing_here = ["pytest", "hypothesis", "duckdb", "factory", "playwright", "schemathesis"]
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = run(str(runtime_venv["python"]), "-c", probe.format(missing_here), env=clean)
    assert out.strip() == "[]"
    where = run(
        str(runtime_venv["python"]),
        "-c",
        "import returnhome; print(returnhome.__file__)",
        env=clean,
    )
    assert str(runtime_venv["venv"]) in where  # the installed wheel, not the source tree


def test_every_readme_command_answers_help(runtime_venv: dict[str, Any], tmp_path: Path) -> None:
    commands = sorted(set(DOCUMENTED.findall(README.read_text())))
    assert {"migrate", "serve", "backup", "export", "jobs"} <= set(commands)
    listed = in_venv(runtime_venv, tmp_path, "help")
    for command in commands:
        assert re.search(rf"^\s+{re.escape(command)}$", listed, re.MULTILINE), command
        assert "usage:" in in_venv(runtime_venv, tmp_path, command, "--help")


def test_the_cheap_readme_commands_run(runtime_venv: dict[str, Any], tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    in_venv(runtime_venv, data, "migrate", "--noinput", "-v", "0")
    demo = in_venv(
        runtime_venv, data, "demo-data", "--children", "12", RETURNHOME_ALLOW_DEMO="true"
    )
    assert "Demo data built" in demo
    period = ("--from", "2025-04-01", "--to", "2026-03-31")
    figures = in_venv(runtime_venv, data, "report", "indicators", "--org", DEMO_COUNCIL, *period)
    assert '"total"' in figures
    assert "no errors" in in_venv(runtime_venv, data, *SSDA903_CHECK)
    backup = tmp_path / "returnhome.backup"
    in_venv(runtime_venv, data, "backup", str(backup))
    assert backup.stat().st_size > 0
    assert "rows" in in_venv(runtime_venv, data, "audit", "verify")
    assert '"alert_emails"' in in_venv(runtime_venv, data, "jobs", "run", "--once")


DEMO_COUNCIL = "886"  # the demo's main council (Kent), also SSDA903_CHECK's
