"""No lost updates on a child's details: two people edit the same record from forms loaded at once.

The finding: user B's change of a child's surname and address was silently reverted by user A
saving a form loaded before B saved.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from returnhome.accounts.models import Role
from returnhome.children import services
from returnhome.children.models import Child
from returnhome.core.versioning import StaleEdit
from tests.conftest import Cast
from tests.factories import ChildFactory, UserFactory
from tests.two_sessions import client_for, form_data


def test_a_stale_save_is_refused_showing_what_changed_and_keeping_what_was_typed(
    cast: Cast, child: Child
) -> None:
    colleague = UserFactory(organisation=cast.council, role=Role.FRONT_DOOR)
    user_a, user_b = client_for(cast.front_door), client_for(colleague)
    url = reverse("children:edit", args=[child.pk])
    page_a, page_b = user_a.get(url), user_b.get(url)

    saved = user_b.post(
        url, form_data(page_b, surname="Okonkwo", address="14 Harbour Row\nFalmouth")
    )
    assert saved.status_code == 302

    typed_by_a = "A note A typed: moved to her aunt's"
    stale = user_a.post(url, form_data(page_a, forename="Alexandra", address=typed_by_a))
    assert stale.status_code == 200
    child.refresh_from_db()
    assert (child.surname, child.address) == ("Okonkwo", "14 Harbour Row\nFalmouth")
    assert child.forename != "Alexandra"

    page = stale.content.decode()
    assert "govuk-error-summary" in page
    start = page.index('class="govuk-error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert f"{colleague} changed this child" in summary
    assert "Surname is now: Okonkwo" in summary
    assert "Address is now: 14 Harbour Row" in summary
    assert "have not been saved" in summary
    # What A typed is still in the form, which now carries the current version.
    form = stale.context["form"]
    assert form["forename"].value() == "Alexandra"
    assert form["address"].value() == typed_by_a
    assert str(form["expected_version"].value()) == str(child.version)

    # Having read what changed, A keeps B's surname and saves again: it goes through.
    again = user_a.post(url, form_data(stale, surname="Okonkwo"))
    assert again.status_code == 302
    child.refresh_from_db()
    assert (child.forename, child.surname, child.address) == (
        "Alexandra",
        "Okonkwo",
        typed_by_a,
    )


def test_the_service_refuses_a_stale_version_and_audits_the_new_one(
    cast: Cast, child: Child
) -> None:
    loaded = child.version
    services.update_child(
        child, expected_version=loaded, acting_user=cast.front_door, surname="Marsh"
    )
    child.refresh_from_db()
    assert child.version == loaded + 1
    with pytest.raises(StaleEdit) as refused:
        services.update_child(
            Child.objects.get(pk=child.pk),
            expected_version=loaded,
            acting_user=cast.admin,
            surname="Other",
        )
    assert "Surname is now: Marsh" in refused.value.messages
    assert refused.value.current_version == loaded + 1
    child.refresh_from_db()
    assert child.surname == "Marsh"


def test_a_merge_that_fills_details_makes_an_open_form_stale(cast: Cast, child: Child) -> None:
    """Merging a duplicate fills the kept record's blank details: a form opened before that
    cannot blank them again."""
    duplicate = ChildFactory(council=cast.council, forename=child.forename, nhs_number="9434765919")
    client = client_for(cast.front_door)
    url = reverse("children:edit", args=[child.pk])
    page = client.get(url)
    services.merge_children(child, duplicate, acting_user=cast.front_door, reason="Same girl")
    response = client.post(url, form_data(page, postcode="TR1 1AA"))
    assert response.status_code == 200
    assert "NHS number is now: 9434765919" in response.content.decode()
    child.refresh_from_db()
    assert (child.nhs_number, child.postcode) == ("9434765919", "")
