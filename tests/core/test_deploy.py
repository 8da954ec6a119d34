"""Production settings pass Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path


def test_check_deploy_passes_with_production_settings(tmp_path: Path) -> None:
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
        }
    }
    env.update(
        {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "returnhome.example.org",
            "RETURNHOME_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "returnhome.settings",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "returnhome", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "RETURNHOME_INSECURE_DEV_KEY", "SECRET_KEY"}
    }
    env["RETURNHOME_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "returnhome", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr
