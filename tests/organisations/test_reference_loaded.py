"""The reference organisations are in the database after migrate."""

from __future__ import annotations

import pytest

from returnhome.organisations.models import Organisation
from returnhome.organisations.reference import load_reference_data


@pytest.mark.django_db
def test_every_council_and_police_force_is_present_after_migrate() -> None:
    councils = Organisation.objects.councils().filter(is_reference=True)
    assert councils.filter(nation="England").count() == 153
    assert councils.filter(nation="Wales").count() == 22
    assert Organisation.objects.police_forces().filter(is_reference=True).count() == 44
    kent = Organisation.objects.get(la_code="886")
    assert (
        kent.name == "Kent"
        and kent.police_force is not None
        and kent.police_force.name == "Kent Police"
    )


@pytest.mark.django_db
def test_loading_again_changes_nothing() -> None:
    before = Organisation.objects.count()
    load_reference_data()
    assert Organisation.objects.count() == before
