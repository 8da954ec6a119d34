"""Helpers for the sign-in tests: posting the sign-in form, codes from an authenticator, moving
the clock."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from returnhome.accounts import services
from returnhome.accounts.models import User

PASSWORD = "correct-horse-battery"  # tests/factories.py gives every user this one


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post("/login/", {"username": username, "password": password}, **extra)


def code_for(device: TOTPDevice) -> str:
    """The code the person's authenticator app shows now."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def enrol(user: User) -> tuple[TOTPDevice, list[str]]:
    """Set up two-factor sign-in for `user` as they would (scan, enter a code)."""
    device = services.start_two_factor_setup(user)
    codes = services.confirm_two_factor(device, code=code_for(device), acting_user=user)
    return device, codes


@contextmanager
def later(**delta: float) -> Iterator[None]:
    """The clock moved on by `delta` (and keeps ticking)."""
    with time_machine.travel(timezone.now() + dt.timedelta(**delta), tick=True):
        yield


def is_signed_in(client: Client) -> bool:
    response = client.get("/account/")
    return response.status_code == 200
