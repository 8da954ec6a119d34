"""The shared cast of test users, and helpers to walk an RHI through its life."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

import pytest

from returnhome.accounts.models import Role, User
from returnhome.children.models import Child
from returnhome.episodes import services as episode_services
from returnhome.episodes.models import Episode, Notification
from returnhome.interviews.models import RHI
from returnhome.organisations.models import Organisation
from tests.factories import (
    ChildFactory,
    CouncilFactory,
    OrganisationFactory,
    PoliceFactory,
    UserFactory,
    ago,
)

# The tests build demo data (`demo-data` refuses without DEBUG unless this is set; pytest-django
# runs with DEBUG off). Production never sets it.
os.environ.setdefault("RETURNHOME_ALLOW_DEMO", "true")


@dataclass
class Cast:
    council: Organisation
    partner_council: Organisation
    police_force: Organisation
    practitioner: User
    practitioner2: User
    manager: User
    front_door: User
    police: User
    partner: User
    outsider: User
    reporter: User
    performance: User
    admin: User
    social_worker: User


@pytest.fixture
def cast(db: None) -> Cast:
    police_force = PoliceFactory()
    council = CouncilFactory(police_force=police_force)
    partner_council = CouncilFactory()
    home = OrganisationFactory(kind=Organisation.Kind.CHILDRENS_HOME, name="Test children's home")
    return Cast(
        council=council,
        partner_council=partner_council,
        police_force=police_force,
        practitioner=UserFactory(
            organisation=council, role=Role.PRACTITIONER, username="practitioner"
        ),
        practitioner2=UserFactory(
            organisation=council, role=Role.PRACTITIONER, username="practitioner2"
        ),
        manager=UserFactory(organisation=council, role=Role.MANAGER, username="manager"),
        front_door=UserFactory(organisation=council, role=Role.FRONT_DOOR, username="frontdoor"),
        police=UserFactory(organisation=police_force, role=Role.POLICE, username="police"),
        partner=UserFactory(organisation=partner_council, role=Role.MANAGER, username="partner"),
        outsider=UserFactory(organisation=None, role="", username="outsider"),
        reporter=UserFactory(organisation=home, role=Role.REPORTER, username="reporter"),
        performance=UserFactory(
            organisation=council, role=Role.PERFORMANCE, username="performance"
        ),
        admin=UserFactory(organisation=council, role=Role.ADMIN, username="admin"),
        social_worker=UserFactory(
            organisation=council, role=Role.SOCIAL_WORKER, username="socialworker"
        ),
    )


@pytest.fixture
def child(cast: Cast) -> Child:
    return ChildFactory(council=cast.council)


def missing(cast: Cast, child: Child, at: dt.datetime, **kwargs: object) -> Episode:
    return episode_services.record_missing(
        child,
        reported_missing_at=at,
        received_at=at + dt.timedelta(minutes=20),
        source=Notification.Source.POLICE,
        acting_user=cast.front_door,
        police_force=cast.police_force,
        **kwargs,  # type: ignore[arg-type]
    )


def returned(cast: Cast, episode: Episode, at: dt.datetime) -> RHI:
    episode_services.record_return(
        episode,
        returned_at=at,
        received_at=at + dt.timedelta(minutes=30),
        source=Notification.Source.POLICE,
        acting_user=cast.front_door,
    )
    return RHI.objects.get(episode=episode)


@pytest.fixture
def returned_rhi(cast: Cast, child: Child) -> RHI:
    episode = missing(cast, child, ago(hours=30))
    return returned(cast, episode, ago(hours=10))


__all__ = ["Cast", "ago", "missing", "returned"]


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    """Fast password hashing; static files from the finders (no collectstatic manifest in tests)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
