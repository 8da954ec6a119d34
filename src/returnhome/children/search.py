"""Finding a child: by name or alias (tolerant of misspelling), council child ID, NHS number,
date of birth or postcode, among the children the person may see. What the text can be is read
by `lib/search.py`; this turns it into a query.

Misspelt names: for each word the candidates are the visible children with a name or alias
starting with the word's first letter (a misspelling rarely changes the first letter, and Soundex
blocking, `lib/names.phonetic`, makes the same bet); their distinct names are compared in
Python (`lib/search.name_matches`), once each, and the matching names go back into the query.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace, Upper

from returnhome.access.policy import visible_rows
from returnhome.accounts.models import User
from returnhome.children.models import Alias, Child
from returnhome.lib.search import Query, name_matches, read_query

FUZZY_CANDIDATES = 20_000
"""At most this many distinct names are compared per word (the first-letter block of a very large
council): past it the search keeps the names that contain the word."""


def _names_matching(word: str, names: Iterable[str]) -> list[str]:
    """The names (each distinct, as stored) that the word matches, misspelt or not."""
    return [name for name in names if name_matches(word, name)]


def _names_starting(children: QuerySet[Child], first: str) -> dict[str, list[str]]:
    """The distinct forenames and surnames starting with `first`: the candidates a misspelt word
    is compared with. On PostgreSQL they are read from every child's names, by index alone
    (children/migrations/0007): a few hundred distinct names, where reading the visible
    children's names scanned the table. The names only choose what to look for: which children
    are found is still limited to those the person may see (`matching`)."""
    fields = ("forename", "surname")
    if connection.vendor == "postgresql":
        children = Child.objects.all()
    return {
        field: list(
            children.filter(**{f"{field}__istartswith": first})
            .order_by()
            .values_list(field, flat=True)
            .distinct()[:FUZZY_CANDIDATES]
        )
        for field in fields
    }


def _alias_children(aliases: QuerySet[Alias]) -> Q:
    """The children with one of these aliases, by their ids (an id list keeps the whole search
    one indexed read on PostgreSQL; a subquery inside an OR makes it scan the children)."""
    return Q(pk__in=list(aliases.order_by().values_list("child_id", flat=True).distinct()))


def _close_names(children: QuerySet[Child], word: str) -> Q:
    """The children a name or alias of which matches the word, misspelt or not. Each distinct
    name starting with the word's first letter is compared once (a council of 200,000 children
    has far fewer distinct names than children), and the names that match, not the children's
    ids, go back into the query."""
    first = word[0]
    found = Q(pk__in=[])
    for field, names in _names_starting(children, first).items():
        matched = _names_matching(word, names[:FUZZY_CANDIDATES])
        if matched:  # in capitals: the index on the capitalised name finds them
            found |= Q(**{f"{field}_upper__in": sorted({name.upper() for name in matched})})
    aliases = (
        Alias.objects.all()
        if connection.vendor == "postgresql"
        else (Alias.objects.filter(child__in=children.values("pk")))
    )
    starting = aliases.filter(name__istartswith=first).order_by().values_list("name", flat=True)
    matched = _names_matching(word, starting.distinct()[:FUZZY_CANDIDATES])
    if matched:
        found |= _alias_children(Alias.objects.filter(name__in=matched))
    return found


def _word_filter(children: QuerySet[Child], word: str) -> Q:
    contains = (
        Q(forename__icontains=word)
        | Q(surname__icontains=word)
        | _alias_children(Alias.objects.filter(name__icontains=word))
    )
    return contains | _close_names(children, word)


def matching(children: QuerySet[Child], query: Query) -> QuerySet[Child]:
    """The children among `children` that the query can mean."""
    if not query.text:
        return children
    found = Q(pk__in=[])
    if query.child_id:
        found |= Q(la_child_id__iexact=query.child_id)
    if query.nhs_number:
        found |= Q(nhs_number=query.nhs_number)
    if query.date_of_birth:
        found |= Q(date_of_birth=query.date_of_birth)
    if query.postcode:
        compact = query.postcode.replace(" ", "")
        children = children.annotate(
            postcode_compact=Upper(Replace("postcode", Value(" "), Value("")))
        )
        found |= Q(postcode_compact=compact)
    if query.words:
        children = children.annotate(
            forename_upper=Upper("forename"), surname_upper=Upper("surname")
        )
        every_word = Q()
        for word in query.words:
            every_word &= _word_filter(children, word)
        found |= every_word
    return visible_rows(children, found)


def search_children(user: User, text: str, limit: int | None = None) -> QuerySet[Child]:
    """Children visible to the user whom the text can mean (name or alias, misspelt or not;
    council child ID; NHS number; date of birth; postcode), by surname then forename. Without
    text: all of them, in that order."""
    children = Child.objects.visible_to(user).current()
    results = matching(children, read_query(text)).order_by("surname", "forename", "pk")
    return results[:limit] if limit is not None else results
