"""Helpers for the errors services raise."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError


def require(allowed: bool, message: str = "You cannot do this.") -> None:
    if not allowed:
        raise PermissionDenied(message)


class Problems:
    """Collects field errors so a service reports all of them at once, then raises."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
