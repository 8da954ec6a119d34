"""The front door works the queue: an uncertain police row, the right child picked, the episode
on that child's record."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from returnhome.episodes.models import Episode
from returnhome.imports.models import ReviewItem
from tests.browser.test_journey import sign_in
from tests.conftest import Cast
from tests.factories import ChildFactory
from tests.imports.import_helpers import csv_bytes, row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_front_door_picks_the_child_for_an_uncertain_notification(
    page: Any, live_server: Any, cast: Cast, tmp_path: Path
) -> None:
    amelia = ChildFactory(
        council=cast.council, forename="Amelia", surname="Brown", date_of_birth="2010-04-03"
    )
    ChildFactory(council=cast.council, forename="William", surname="Smith-Jones")
    uncertain = row(force=cast.police_force.name, date_of_birth="03/04/2011", postcode="", sex="")
    path = tmp_path / "police.csv"
    path.write_bytes(csv_bytes([uncertain]))
    call_command(
        "import-notifications", str(path), "--org", cast.council.la_code, stdout=io.StringIO()
    )
    assert ReviewItem.objects.get().status == "open" and not Episode.objects.exists()

    base = live_server.url
    sign_in(page, base, "frontdoor")  # the front door's home is the queue
    page.get_by_role("heading", name="Front door").wait_for()
    page.get_by_role("link", name="Missing: Amelia Brown").click()
    page.get_by_text("As received").wait_for()
    page.get_by_label("Why (optional)").first.fill("Police confirmed the date of birth is 2010")
    page.get_by_role("button", name="This is Amelia Brown").click()
    page.get_by_text("Matched to an existing child: Amelia Brown").wait_for()

    page.get_by_role("link", name="Amelia Brown").first.click()
    page.get_by_role("heading", name="Amelia Brown").wait_for()
    episode = Episode.objects.get()
    assert episode.child == amelia and episode.police_reference == "TST-1"
    item = ReviewItem.objects.get()
    assert item.resolved_by == cast.front_door
    assert item.resolution_reason == "Police confirmed the date of birth is 2010"
    page.get_by_text("Missing").first.wait_for()
