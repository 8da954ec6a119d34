"""Plain words on screen (issue 13, item 7): group codes always said in words, no file names
for questionnaires, "1 child" not "1 children"."""

from __future__ import annotations

import html
import re

from django.test import Client
from django.urls import reverse

from returnhome.children.models import Child
from returnhome.lib.groups import GROUP_LABELS
from tests.conftest import Cast, missing
from tests.factories import ChildFactory, ago


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def visible(page: str) -> str:
    """The text of the page's main content."""
    main = page.split('id="main-content"', 1)[1].split("</main>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", "", main))


def test_the_group_is_said_in_words_on_the_childs_timeline_and_the_episode(
    cast: Cast, child: Child
) -> None:
    episode = missing(cast, child, ago(hours=3), missing_from="Oak House")
    client = client_for(cast.front_door)
    page = visible(client.get(reverse("children:detail", args=[child.pk])).content.decode())
    assert "Group: MFH, missing from home (not looked after)." in page
    assert "(MFH)" not in page
    detail = visible(client.get(reverse("episodes:detail", args=[episode.pk])).content.decode())
    assert "MFH: missing from home (not looked after)" in detail
    assert "((" not in detail and "))" not in detail


def test_the_meeting_pack_says_what_the_groups_mean(cast: Cast, child: Child) -> None:
    missing(cast, child, ago(hours=3))
    page = visible(client_for(cast.manager).get(reverse("reports:meeting_pack")).content.decode())
    for code, label in GROUP_LABELS.items():
        assert f"{code.value}: {label}." in page


def test_questionnaires_are_named_by_the_request_not_the_file(cast: Cast) -> None:
    page = client_for(cast.performance).get(reverse("reports:foi")).content.decode()
    assert "Thurrock Council" in page
    assert "seed-0" not in visible(page)


def test_one_in_a_list_is_said_in_the_singular(cast: Cast) -> None:
    ChildFactory(council=cast.council, forename="Only", surname="Onechild")
    client = client_for(cast.front_door)
    location = client.post(reverse("episodes:record_missing"), {"q": "Onechild"})["Location"]
    assert "1 child in all." in client.get(location).content.decode()


def test_the_header_says_whom_you_are_signed_in_as_without_brackets_in_brackets(
    cast: Cast,
) -> None:
    page = client_for(cast.front_door).get(reverse("imports:queue")).content.decode()
    bar = html.unescape(
        re.sub(r"<[^>]+>", "", page.split("Signed in as", 1)[1].split("Your account")[0])
    )
    role = cast.front_door.get_role_display()
    assert "(" in role  # "Front door (single point of contact)"
    assert " ".join(bar.split()) == f"{cast.front_door} · {cast.front_door.organisation} · {role}"
