"""Finding a child: a misspelt name or an alias, a council child ID, an NHS number typed with
spaces, a date of birth in the forms people type, a postcode in any spacing; only among the
children the person may see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from returnhome.children.models import Alias, Child
from returnhome.children.search import search_children
from returnhome.core.models import AuditEvent
from returnhome.lib.search import read_date, read_query
from tests.conftest import Cast
from tests.factories import ChildFactory


@pytest.fixture
def emily(cast: Cast) -> Child:
    child = ChildFactory(
        council=cast.council,
        forename="Emily",
        surname="Hartley",
        date_of_birth=dt.date(2011, 3, 14),
        nhs_number="9434765919",
        la_child_id="LA-00042",
        postcode="ME15 6XX",
    )
    Alias.objects.create(child=child, name="Mimi", kind=Alias.Kind.NICKNAME)
    ChildFactory(council=cast.council, forename="Jordan", surname="Baker", postcode="ME1 1AA")
    return child


@pytest.mark.parametrize(
    "typed",
    [
        "Emika",  # misspelt forename
        "emily",
        "Hartly",  # misspelt surname
        "emika hartley",
        "Mimi",  # alias
        "mimy",  # misspelt alias
        "LA-00042",
        "la-00042",
        "943 476 5919",
        "943-476-5919",
        "9434765919",
        "14/03/2011",
        "14/3/2011",
        "14-03-2011",
        "14.03.2011",
        "2011-03-14",
        "14 March 2011",
        "14 mar 2011",
        "me15 6xx",
        "ME156XX",
        " Me15  6xX ",
    ],
)
def test_each_way_of_typing_finds_the_child(cast: Cast, emily: Child, typed: str) -> None:
    assert list(search_children(cast.front_door, typed)) == [emily]


def test_a_different_name_finds_nobody_else(cast: Cast, emily: Child) -> None:
    assert list(search_children(cast.front_door, "Zebedee")) == []
    assert list(search_children(cast.front_door, "15/03/2011")) == []
    assert list(search_children(cast.front_door, "ME15 6XY")) == []


def test_only_children_the_person_may_see(cast: Cast, emily: Child) -> None:
    assert list(search_children(cast.partner, "Emily")) == []


def test_reading_dates_as_people_type_them() -> None:
    assert read_date("1/2/2012") == dt.date(2012, 2, 1)
    assert read_date("1st February 2012") == dt.date(2012, 2, 1)
    assert read_date("31/02/2012") is None
    assert read_date("Emily") is None
    assert read_query("Emily Hartley").words == ("emily", "hartley")
    assert read_query("DEMO000123").words == ()


def test_search_is_posted_and_never_in_the_address(cast: Cast, emily: Child) -> None:
    client = Client()
    client.force_login(cast.front_door)
    response = client.post(reverse("children:list"), {"q": "Emika"})
    assert response.status_code == 302
    assert "Emika" not in response["Location"] and "search=" in response["Location"]
    page = client.get(response["Location"])
    assert "Emily" in page.content.decode() and "Jordan" not in page.content.decode()
    # Another session cannot use the search's id.
    other = Client()
    other.force_login(cast.front_door)
    assert "Emily" in other.get(response["Location"]).content.decode()  # the whole list...
    assert "Jordan" in other.get(response["Location"]).content.decode()  # ...not the search


def test_children_are_paged_and_say_how_many(cast: Cast) -> None:
    for n in range(120):
        ChildFactory(council=cast.council, forename=f"Kid{n:03d}", surname="Pager")
    client = Client()
    client.force_login(cast.front_door)
    before = AuditEvent.objects.count()
    first = client.get(reverse("children:list")).content.decode()
    assert "Showing 1 to 50 of 120" in first
    assert AuditEvent.objects.count() - before == 50  # only the rows on the page are read
    last = client.get(reverse("children:list") + "?page=3").content.decode()
    assert "Showing 101 to 120 of 120" in last
    assert "Kid119" in last and "Kid000" not in last
