"""The children's stored match keys (decision 0040): an import that reads only the children
sharing a key with its notifications decides exactly as one that reads the whole register, however
the children were written (bulk inserts, the services, queryset updates, merges, aliases)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from returnhome.children.matchkeys import refresh_match_keys
from returnhome.children.models import Alias, Child, MatchKey, StaleMatchKeys
from returnhome.children.services import add_alias, update_child
from returnhome.demo.synthetic import Generator
from returnhome.imports.police.matching import Person
from returnhome.imports.police.register import load_index, load_index_for, probe_for
from returnhome.imports.police.rows import RowValidator
from returnhome.organisations.models import Organisation
from tests.factories import CouncilFactory

TODAY = dt.date(2025, 6, 1)


def _register(council: Organisation, size: int, seed: int) -> tuple[Generator, list[object]]:
    generator = Generator(seed, TODAY)
    register = generator.register(size)
    children = Child.objects.bulk_create(
        [
            Child(
                council=council,
                forename=c.forename,
                surname=c.surname,
                date_of_birth=c.dob,
                sex=c.sex,
                postcode=c.postcode,
                address=c.address,
                la_child_id=c.la_child_id,
                nhs_number=c.nhs_number,
            )
            for c in register
        ]
    )
    Alias.objects.bulk_create(
        [
            Alias(child=obj, name=name)
            for obj, c in zip(children, register, strict=True)
            for name in c.aliases
        ]
    )
    return generator, register


def _stored(council: Organisation) -> dict[int, set[str]]:
    keys: dict[int, set[str]] = {}
    for child_id, key in MatchKey.objects.filter(council=council).values_list("child_id", "key"):
        keys.setdefault(child_id, set()).add(key)
    return keys


@pytest.mark.django_db
def test_an_import_reading_stored_keys_decides_as_one_reading_every_child() -> None:
    council = CouncilFactory(la_code="K01")
    other = CouncilFactory(la_code="K02")
    generator, register = _register(council, 600, seed=7)
    _register(other, 200, seed=7)  # the same people at another council: never candidates here
    refresh_match_keys()
    children = list(Child.objects.filter(council=council).order_by("pk"))
    # Changed after the keys were derived, by every kind of write.
    update_child(children[0], expected_version=None, acting_user=None, surname="Zebedee")
    add_alias(children[1], "Kayla Moss", acting_user=None)
    Child.objects.filter(pk=children[2].pk).update(date_of_birth=dt.date(2012, 2, 29))
    Alias.objects.filter(child=children[3]).delete()
    Child.objects.filter(pk=children[4].pk).update(merged_into=children[5])
    Child.objects.filter(pk=children[6].pk).update(council=other, la_child_id="MOVED1")
    validator = RowValidator(
        forces={"synthetic police": (1, "Synthetic Police")},
        council_codes=set(),
        now=dt.datetime.combine(TODAY, dt.time(), tzinfo=dt.UTC),
    )
    notices = []
    for number, labelled in enumerate(generator.labelled_rows(register, 400), start=2):
        notice = validator.validate(number, labelled.values)
        if not isinstance(notice, list):
            notices.append(notice)
    probes = [probe_for(n) for n in notices]
    whole = load_index(council)
    stored = load_index_for(council, probes)
    assert not StaleMatchKeys.objects.filter(council_id=council.pk).exists()
    assert len(stored) < len(whole)
    assert children[4].pk not in stored.people and children[6].pk not in stored.people
    # Each child filed once under each of its keys, as `ChildIndex.add` files it.
    assert all(len(ids) == len(set(ids)) for ids in stored.by_key.values())
    for probe in probes:
        assert stored.candidates(probe) == whole.candidates(probe)
        assert stored.match(probe) == whole.match(probe)


@pytest.mark.django_db
def test_the_stored_keys_are_the_keys_of_each_current_child_as_it_is_now() -> None:
    council = CouncilFactory(la_code="K03")
    _register(council, 50, seed=3)
    refresh_match_keys()
    children = list(Child.objects.filter(council=council).order_by("pk"))
    update_child(
        children[0], expected_version=None, acting_user=None, forename="Tobias", postcode="ME1 1AA"
    )
    add_alias(children[1], "Bo", acting_user=None)
    Child.objects.filter(pk=children[2].pk).update(merged_into=children[3])
    with connection.cursor() as cursor:  # behind the ORM's back
        cursor.execute(
            "UPDATE children_child SET la_child_id = %s WHERE id = %s", ["RAW9", children[4].pk]
        )
    refresh_match_keys(council.pk)
    expected = {}
    aliases: dict[int, list[str]] = {}
    for child_id, name in Alias.objects.values_list("child_id", "name").order_by("pk"):
        aliases.setdefault(child_id, []).append(name)
    for c in Child.objects.filter(council=council).current():
        person = Person.build(
            c.pk,
            c.forename,
            c.surname,
            c.date_of_birth,
            postcode=c.postcode,
            la_child_id=c.la_child_id,
            nhs_number=c.nhs_number,
            aliases=aliases.get(c.pk, ()),
        )
        expected[c.pk] = set(person.filed_under())
    assert _stored(council) == expected
    assert "i:RAW9" in expected[children[4].pk]
    assert children[2].pk not in expected
