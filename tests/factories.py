"""Factories for tests. Synthetic people only."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from returnhome.accounts.models import Role, User
from returnhome.children.models import Child
from returnhome.organisations.models import Organisation


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test organisation {n}")
    kind = Organisation.Kind.COUNCIL


class CouncilFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Testshire Council {n}")
    kind = Organisation.Kind.COUNCIL
    la_code = factory.Sequence(lambda n: f"Z{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")


class PoliceFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Testshire Police {n}")
    kind = Organisation.Kind.POLICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Test{n}")
    last_name = "Worker"
    role = Role.PRACTITIONER
    organisation = factory.SubFactory(CouncilFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: object = None) -> None:
        if create:
            instance.save()


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    council = factory.SubFactory(CouncilFactory)
    forename = factory.Sequence(lambda n: f"Alex{n}")
    surname = "Testchild"
    date_of_birth = dt.date(2011, 5, 17)
    sex = Child.Sex.FEMALE


def ago(**kwargs: float) -> dt.datetime:
    """A moment in the past, timezone-aware."""
    return timezone.now() - dt.timedelta(**kwargs)
