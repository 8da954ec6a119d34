"""The council's children as matching sees them: the whole register (`load_index`), or only the
children sharing a blocking key with an import's notifications (`load_index_for`), with the
children other councils placed in its area; and a notification as matching sees it (`probe_for`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from returnhome.children.matchkeys import (
    MATCHING_COLUMNS,
    children_sharing_keys,
    refresh_match_keys,
)
from returnhome.children.models import Alias, Child
from returnhome.imports.police.matching import ChildIndex, Person
from returnhome.imports.police.rows import Notice
from returnhome.lib.blocking import identifier_keys
from returnhome.organisations.models import Organisation


def placed_in_children(council: Organisation) -> QuerySet[Child]:
    """The extra children a notification to `council` may be about: looked after by another
    council and placed in this council's area now (issue 12). A notification that matches one
    lands on that council's record (`Action.routed`); a council never attaches an episode to
    another council's child without such a placement."""
    today = timezone.localdate()
    return (
        Child.objects.current()
        .exclude(council=council)
        .filter(
            Q(placements__end_date__isnull=True) | Q(placements__end_date__gte=today),
            placements__council_area=council,
            placements__out_of_area=True,
            placements__start_date__lte=today,
        )
        .distinct()
    )


def placed_out_of_area(council: Organisation) -> set[int]:
    """The council's children with an out-of-area placement: their RHIs may go to a provider
    named for it (`interviews.services.provider_for_episode`) and everyone responsible for them
    is told when they go missing or come back (`episodes.partners`), so the bulk commit hands
    their actions to the services."""
    return set(
        Child.objects.filter(council=council, placements__out_of_area=True).values_list(
            "pk", flat=True
        )
    )


def _add_children(index: ChildIndex, children: QuerySet[Child]) -> None:
    """Add these children (with their aliases) to the index."""
    aliases: dict[int, list[str]] = defaultdict(list)
    for child_id, name in (
        Alias.objects.filter(child__in=children.values("pk"))
        .order_by("pk")
        .values_list("child_id", "name")
    ):
        aliases[child_id].append(name)
    for row in children.values_list(*MATCHING_COLUMNS).iterator(chunk_size=5000):
        index.add(_person(row, aliases.get(row[0], ())))


def _person(row: Sequence[Any], aliases: Iterable[str]) -> Person:
    """A child as matching sees it, from its `MATCHING_COLUMNS` and its aliases."""
    pk, forename, surname, dob, sex, postcode, address, la_child_id, nhs_number = row
    return Person.build(
        pk,
        forename,
        surname,
        dob,
        sex=sex,
        postcode=postcode,
        address=address,
        la_child_id=la_child_id,
        nhs_number=nhs_number,
        aliases=aliases,
    )


def load_index(council: Organisation) -> ChildIndex:
    """Every child the council holds, and those placed in its area by other councils
    (`placed_in_children`), for matching (not records merged into another)."""
    index = ChildIndex()
    theirs = Q(council=council) | Q(pk__in=placed_in_children(council).values("pk"))
    # In the order they were made (the model's order by name makes the database sort them all).
    _add_children(index, Child.objects.filter(theirs).current().order_by("pk"))
    return index


# Up to this many notifications an import fetches only the children that share a blocking key
# with them (`load_index_for`); a larger one reads every child of the council (`load_index`),
# which is then the cheaper of the two.
STORED_KEYS_UP_TO = 2000


def load_index_for(council: Organisation, probes: Iterable[Person]) -> ChildIndex:
    """The children a notification in `probes` may be about, for matching: those of the council
    sharing a blocking key with one of them (by the stored keys, `children.MatchKey`, refreshed
    first), and every child placed in its area by another council. Each notification finds the
    same candidates in it as in `load_index(council)`, so matching decides the same."""
    refresh_match_keys(council.pk)
    index = ChildIndex()
    _add_children(
        index, Child.objects.filter(pk__in=placed_in_children(council).values("pk")).current()
    )
    keys: set[str] = set()
    for probe in probes:
        keys.update(probe.lookup_keys())
        keys.update(k for k in identifier_keys(probe.la_child_id, probe.nhs_number) if k)
    filed, rows, aliases = children_sharing_keys(council.pk, sorted(keys))
    # The children placed here filed now, by their keys worked out (`ChildIndex.by_key` files
    # whoever is in the index when first asked); the council's children below by the stored keys
    # just read, not worked out again for each (thousands a request).
    by_key = index.by_key
    people = index.people
    for row in rows:
        people[row[0]] = _person(row, aliases.get(row[0], ()))
    # Filed under the keys looked up (the only ones any notification of the import looks up), as
    # `ChildIndex.add` would file them: the stored keys are `Person.filed_under()`.
    for key, child_id in filed:
        by_key[key].append(child_id)
    index.partial = True
    return index


def probe_for(notice: Notice, id_: int = 0) -> Person:
    return Person.build(
        id_,
        notice.forename,
        notice.surname,
        notice.date_of_birth,
        sex=notice.sex,
        postcode=notice.postcode,
        address=notice.address,
        la_child_id=notice.la_child_id,
        nhs_number=notice.nhs_number,
        aliases=notice.aliases,
    )
