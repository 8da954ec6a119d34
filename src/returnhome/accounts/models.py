"""Users and their roles. Every user belongs to one organisation."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from returnhome.access.roles import Role

__all__ = ["ApiToken", "Role", "User"]


class User(AbstractUser):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A police force's key to the HTTP API (docs/formats/api.md).

    Only a hash of the secret is stored, with a short visible prefix to name it by. Each token
    has its own account (`user`, no role, no password: it cannot sign in to the web pages) so that
    every record it writes names it in the audit trail, as a person's account would.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="api_tokens",
        limit_choices_to={"kind": "police"},
    )
    name = models.CharField(max_length=100, help_text="What it is for, e.g. the force's system")
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token")
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="api_token")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name", "created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
