"""Lists show each record once, and only pay for DISTINCT when a row could repeat
(access.policy.visible_rows): a council's lists of children, episodes and RHIs read their first
page in index order at national scale (docs/performance.md, load)."""

from __future__ import annotations

from returnhome.accounts.models import Role
from returnhome.children.models import Alias, Child
from returnhome.children.search import search_children
from returnhome.episodes.models import Episode
from returnhome.interviews.models import RHI
from returnhome.organisations.models import Organisation
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory, OrganisationFactory, UserFactory, ago


def test_a_provider_sees_a_child_with_two_of_its_rhis_once(cast: Cast) -> None:
    charity = OrganisationFactory(kind=Organisation.Kind.PROVIDER, name="Test charity")
    worker = UserFactory(organisation=charity, role=Role.MANAGER)
    child = ChildFactory(council=cast.council, surname="Twice")
    for hours in (80, 40):
        returned(cast, missing(cast, child, ago(hours=hours)), ago(hours=hours - 5))
    RHI.objects.filter(child=child).update(provider=charity)

    assert list(Child.objects.visible_to(worker)) == [child]
    assert list(search_children(worker, "Twice")) == [child]
    assert Child.objects.visible_to(worker).count() == 1


def test_a_childs_two_aliases_matching_the_search_show_it_once(cast: Cast) -> None:
    child = ChildFactory(council=cast.council, forename="Ada", surname="Lovelace")
    Alias.objects.create(child=child, name="Byron")
    Alias.objects.create(child=child, name="Byron King")

    assert list(search_children(cast.front_door, "Byron")) == [child]
    assert list(search_children(cast.front_door, "Byrin")) == [child]  # misspelt


def test_a_councils_lists_need_no_distinct(cast: Cast) -> None:
    for visible in (
        Child.objects.visible_to(cast.front_door),
        Episode.objects.visible_to(cast.front_door),
        RHI.objects.visible_to(cast.manager),
        search_children(cast.front_door, "Smith"),
    ):
        assert not visible.query.distinct
