"""Users and their roles. Every user belongs to one organisation."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class Role(models.TextChoices):
    FRONT_DOOR = "front_door", "Front door (single point of contact)"
    PRACTITIONER = "practitioner", "RHI practitioner"
    MANAGER = "manager", "Team manager"
    REPORTER = "reporter", "Reporter (home, school, carer, worker)"
    POLICE = "police", "Police missing-person coordinator"
    PERFORMANCE = "performance", "Performance / strategic lead"
    SOCIAL_WORKER = "social_worker", "Social worker"
    ADMIN = "admin", "Administrator"


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

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles
