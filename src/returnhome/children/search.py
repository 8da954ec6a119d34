"""Finding a child: by name or alias (tolerant of misspelling), council child ID, NHS number,
date of birth or postcode, among the children the person may see. What the text can be is read
by `lib/search.py`; this turns it into a query.

Misspelt names: for each word the candidates are the visible children with a name or alias
starting with the word's first letter (a misspelling rarely changes the first letter, and Soundex
blocking, `lib/names.phonetic`, makes the same bet); their names are compared in Python
(`lib/search.name_matches`) and the matching ids go back into the query.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace, Upper

from returnhome.accounts.models import User
from returnhome.children.models import Alias, Child
from returnhome.lib.search import Query, name_matches, read_query

FUZZY_CANDIDATES = 20_000
"""At most this many names are compared per word (the first-letter block of a very large
council): past it the search keeps the names that contain the word."""


def _close_names(children: QuerySet[Child], word: str) -> set[int]:
    """Ids of the children a name or alias of which matches the word, misspelt or not."""
    first = word[0]
    found: set[int] = set()
    names = children.filter(Q(forename__istartswith=first) | Q(surname__istartswith=first))
    for pk, forename, surname in names.values_list("pk", "forename", "surname")[:FUZZY_CANDIDATES]:
        if name_matches(word, forename) or name_matches(word, surname):
            found.add(pk)
    aliases = Alias.objects.filter(child__in=children.values("pk"), name__istartswith=first)
    for child_id, name in aliases.values_list("child_id", "name")[:FUZZY_CANDIDATES]:
        if name_matches(word, name):
            found.add(child_id)
    return found


def _word_filter(children: QuerySet[Child], word: str) -> Q:
    contains = (
        Q(forename__icontains=word) | Q(surname__icontains=word) | Q(aliases__name__icontains=word)
    )
    return contains | Q(pk__in=sorted(_close_names(children, word)))


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
        every_word = Q()
        for word in query.words:
            every_word &= _word_filter(children, word)
        found |= every_word
    return children.filter(found).distinct()


def search_children(user: User, text: str, limit: int | None = None) -> QuerySet[Child]:
    """Children visible to the user whom the text can mean (name or alias, misspelt or not;
    council child ID; NHS number; date of birth; postcode), by surname then forename. Without
    text: all of them, in that order."""
    children = Child.objects.visible_to(user).current()
    results = matching(children, read_query(text)).order_by("surname", "forename", "pk")
    return results[:limit] if limit is not None else results
