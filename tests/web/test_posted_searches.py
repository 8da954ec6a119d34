"""Every search for a child is posted: the name or date of birth typed never goes into a URL (an
access log, the browser's history). The search is kept in the session; the results page and its
pages carry only the search's id, which no other session can use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returnhome.children.models import Child
from returnhome.imports.models import ReviewItem
from tests.conftest import Cast
from tests.factories import ChildFactory

TYPED = ["Emika", "14/03/2011"]  # a misspelt name and a date of birth


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def emily(cast: Cast) -> Child:
    ChildFactory(council=cast.council, forename="Jordan", surname="Baker")
    return ChildFactory(
        council=cast.council,
        forename="Emily",
        surname="Hartley",
        date_of_birth=dt.date(2011, 3, 14),
    )


@pytest.fixture
def item(cast: Cast) -> ReviewItem:
    now = timezone.now()
    return ReviewItem.objects.create(
        council=cast.council,
        reason=ReviewItem.Reason.UNCERTAIN_MATCH,
        source="police",
        event="missing",
        event_at=now - dt.timedelta(hours=2),
        received_at=now - dt.timedelta(hours=1),
        data={"forename": "Emma", "surname": "Hartly"},
    )


def search_pages(cast: Cast, item: ReviewItem, keep: Child) -> dict[str, str]:
    return {
        "record missing": reverse("episodes:record_missing"),
        "front door item": reverse("imports:item", args=[item.pk]),
        "merge": reverse("imports:merge_choose", args=[keep.pk]),
    }


def results(client: Client, location: str) -> str:
    response = client.get(location)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("typed", TYPED)
def test_the_search_is_posted_and_never_in_the_address(
    cast: Cast, emily: Child, item: ReviewItem, typed: str
) -> None:
    keep = ChildFactory(council=cast.council, forename="Emilie", surname="Hartley")
    client = client_for(cast.front_door)
    for name, url in search_pages(cast, item, keep).items():
        posted = client.post(url, {"q": typed})
        assert posted.status_code == 302, name
        location = posted["Location"]
        assert typed not in location and "Emika" not in location and "2011" not in location
        assert location.startswith(url + "?search="), (name, location)
        page = results(client, location)
        assert "Emily Hartley" in page and "Jordan Baker" not in page, name
        assert "Clear the search" in page, name
        assert ("1 record in all." if name == "merge" else "1 child in all.") in page, name
        # Another session cannot use the search's id: no search, no Emily by it.
        other = results(client_for(cast.front_door), location)
        assert f"matching \u201c{typed}\u201d" not in other and "Clear the search" not in other


def test_a_name_in_the_address_is_not_searched(cast: Cast, emily: Child, item: ReviewItem) -> None:
    client = client_for(cast.front_door)
    for url in (reverse("episodes:record_missing"), reverse("imports:item", args=[item.pk])):
        page = results(client, f"{url}?q=Emily")
        assert "Emily Hartley" not in page, url


def test_the_results_are_paged_with_the_search_kept(cast: Cast, item: ReviewItem) -> None:
    for n in range(55):
        ChildFactory(council=cast.council, forename=f"Kid{n:03d}", surname="Pager")
    keep = ChildFactory(council=cast.council, forename="Keep", surname="Pager")
    client = client_for(cast.front_door)
    for name, url in search_pages(cast, item, keep).items():
        location = client.post(url, {"q": "Pager"})["Location"]
        first = results(client, location)
        total = 55 if name == "merge" else 56  # the record kept is not offered as its own twin
        per_page = 20 if name == "front door item" else 50
        assert f"Showing 1 to {per_page} of {total}" in first, name
        search_id = location.split("search=")[1].split("#")[0]
        assert f"search={search_id}&amp;page=2" in first, name
        second = results(client, f"{url}?search={search_id}&page=2")
        assert f"Showing {per_page + 1} to {min(2 * per_page, total)} of {total}" in second, name


def test_an_empty_search_clears_it(cast: Cast, emily: Child) -> None:
    client = client_for(cast.front_door)
    url = reverse("episodes:record_missing")
    posted = client.post(url, {"q": "  "})
    assert posted.status_code == 302 and posted["Location"] == url
    assert "Children matching" not in results(client, url)


def test_a_search_too_long_is_refused_with_the_field_named(cast: Cast) -> None:
    response = client_for(cast.front_door).post(
        reverse("episodes:record_missing"), {"q": "x" * 101}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error:" in page and "govuk-error-summary" in page
