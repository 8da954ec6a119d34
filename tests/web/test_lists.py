"""Every list is paged and says how many in all; the RHI queues put what to do first, with
counts and filters; the list of all episodes filters and searches (the child by POST)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returnhome.alerts.models import Alert
from returnhome.alerts.services import notify
from returnhome.core.models import AuditEvent
from returnhome.interviews import services as rhi_services
from returnhome.interviews.models import RHI
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory, ago


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def rhis(cast: Cast, n: int) -> list[RHI]:
    made = []
    for i in range(n):
        child = ChildFactory(council=cast.council, forename=f"Kid{i:02d}", surname="Queue")
        episode = missing(cast, child, ago(hours=100 - i))
        made.append(returned(cast, episode, ago(hours=90 - i)))
    return made


def test_team_queue_puts_work_to_allocate_first_with_counts(cast: Cast) -> None:
    made = rhis(cast, 4)
    for rhi in made[:3]:  # all but the newest allocated: the newest is the one to allocate
        rhi_services.allocate_rhi(
            rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
        )
    response = client_for(cast.manager).get(reverse("interviews:team"))
    page = response.context["page"]
    counts = response.context["counts"]
    assert counts.to_allocate == 1 and counts.total == 4
    assert counts.overdue == 4  # returned 87-90 hours ago: past every 72-hour deadline
    assert page.object_list[0].pk == made[3].pk
    assert "1</span> to allocate" in response.content.decode()


def test_work_still_to_do_comes_before_interviews_awaiting_review(cast: Cast) -> None:
    """Sorted by what falls due first: an RHI due in 22 hours is work still to do; an interview
    already written and awaiting review is not, whatever its deadline was."""
    reviewed_soon = returned(
        cast, missing(cast, ChildFactory(council=cast.council), ago(hours=70)), ago(hours=60)
    )
    due_later = returned(
        cast, missing(cast, ChildFactory(council=cast.council), ago(hours=55)), ago(hours=50)
    )
    for rhi in (reviewed_soon, due_later):
        rhi_services.allocate_rhi(
            rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
        )
    RHI.objects.filter(pk=reviewed_soon.pk).update(status=RHI.Status.AWAITING_REVIEW)
    for user, name in ((cast.manager, "interviews:team"), (cast.practitioner, "interviews:mine")):
        page = client_for(user).get(reverse(name)).context["page"]
        assert [r.pk for r in page.object_list] == [due_later.pk, reviewed_soon.pk], name
    by_deadline = RHI.objects.in_provider_queue(cast.manager).by_deadline(timezone.now())
    assert list(by_deadline) == [due_later, reviewed_soon]


def test_team_queue_filters_by_worker_status_and_deadline(cast: Cast) -> None:
    made = rhis(cast, 3)
    rhi_services.allocate_rhi(
        made[0], cast.practitioner2, expected_version=None, acting_user=cast.manager
    )
    client = client_for(cast.manager)
    url = reverse("interviews:team")
    by_worker = client.get(url, {"worker": cast.practitioner2.pk}).context["page"]
    assert [r.pk for r in by_worker] == [made[0].pk]
    unallocated = client.get(url, {"worker": "none"}).context["page"]
    assert {r.pk for r in unallocated} == {made[1].pk, made[2].pk}
    to_allocate = client.get(url, {"status": "awaiting_allocation"}).context["page"]
    assert len(to_allocate) == 2
    soon = client.get(url, {"deadline": "soon"}).context["page"]
    assert len(soon) == 0
    # The counts are of the whole queue, whatever the filters.
    assert client.get(url, {"deadline": "soon"}).context["counts"].total == 3


def test_my_work_is_the_workers_own(cast: Cast) -> None:
    made = rhis(cast, 2)
    rhi_services.allocate_rhi(
        made[1], cast.practitioner, expected_version=None, acting_user=cast.manager
    )
    page = client_for(cast.practitioner).get(reverse("interviews:mine")).context["page"]
    assert [r.pk for r in page] == [made[1].pk]


def test_episodes_list_filters_and_searches_by_post(cast: Cast) -> None:
    emily = ChildFactory(council=cast.council, forename="Emily", surname="Hartley")
    other = ChildFactory(council=cast.council, forename="Jordan", surname="Baker")
    old = missing(cast, emily, ago(days=40))
    returned(cast, old, ago(days=39))
    missing(cast, emily, ago(hours=5))
    missing(cast, other, ago(hours=3))
    client = client_for(cast.front_door)
    url = reverse("episodes:list")
    everything = client.get(url).context["page"]
    assert everything.paginator.count == 3
    assert len(client.get(url, {"state": "open"}).context["page"].object_list) == 2
    since = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    assert client.get(url, {"missing_from": since}).context["page"].paginator.count == 2
    posted = client.post(url + "?state=open", {"q": "Emika"})
    assert posted.status_code == 302 and "Emika" not in posted["Location"]
    assert "state=open" in posted["Location"]
    found = client.get(posted["Location"]).context["page"]
    assert [e.child_id for e in found] == [emily.pk]
    bad = client.get(url, {"missing_from": "2026-02-10", "missing_to": "2026-02-01"})
    assert bad.context["filters"].errors and "<title>Error:" in bad.content.decode()


def test_actions_all_is_paged_not_cut(cast: Cast) -> None:
    response = client_for(cast.manager).get(reverse("followup:list"), {"show": "all"})
    assert response.context["counts"]["all"] == 0
    assert "No actions." in response.content.decode()


def test_alerts_are_paged_and_only_the_page_is_read(cast: Cast) -> None:
    for n in range(60):
        notify([cast.manager], kind="test", title=f"Alert {n}", key=f"test:{n}")
    assert Alert.objects.filter(recipient=cast.manager).count() == 60
    client = client_for(cast.manager)
    first = client.get(reverse("alerts:inbox"))
    assert "Showing 1 to 50 of 60" in first.content.decode()
    assert "60 unread" in first.content.decode()
    second = client.get(reverse("alerts:inbox"), {"page": 2})
    assert len(second.context["page"].object_list) == 10


def test_a_list_view_audits_only_its_page(cast: Cast) -> None:
    rhis(cast, 3)
    client = client_for(cast.manager)
    before = AuditEvent.objects.count()
    client.get(reverse("episodes:list"))
    assert AuditEvent.objects.count() - before == 3


def test_lists_showing_group_codes_explain_them(cast: Cast) -> None:
    """Issue 13 (plain words): MFH, LAC-in, LAC-out and Hosted are never shown unexplained."""
    rhis(cast, 2)
    missing(cast, ChildFactory(council=cast.council), ago(hours=3))
    for who, name in [
        (cast.manager, "interviews:team"),
        (cast.manager, "episodes:list"),
        (cast.front_door, "episodes:open"),
    ]:
        body = client_for(who).get(reverse(name)).content.decode()
        assert 'data-testid="group-legend"' in body, name
        assert "looked after by another council, placed in this council" in body.lower(), name


def test_a_list_past_the_counting_bound_says_so(cast: Cast, monkeypatch: object) -> None:
    """A list counts up to a bound (core.paging.COUNT_UP_TO, 1,000): past it, it says "more
    than" the bound, pages through that many, and says how to find the others."""
    from returnhome.core import paging

    monkeypatch.setattr(paging, "COUNT_UP_TO", 60)  # type: ignore[attr-defined]
    for n in range(70):
        notify([cast.manager], kind="test", title=f"Alert {n}", key=f"test:{n}")
    client = client_for(cast.manager)
    first = client.get(reverse("alerts:inbox"))
    text = first.content.decode()
    assert "Showing 1 to 50 of more than 60 alerts." in text
    assert "Only the first 60 are counted: “Next” goes on through the others" in text
    assert first.context["page"].has_next()
    # The pages go on past the count, one "Next" at a time, to the last row; none is lost.
    seen = [a.pk for a in first.context["page"]]
    number = 1
    while first.context["page"].has_next():
        number += 1
        first = client.get(reverse("alerts:inbox"), {"page": number})
        seen += [a.pk for a in first.context["page"]]
        assert first.context["page"].number == number
    assert (
        number == 2
        and len(seen) == len(set(seen)) == Alert.objects.filter(recipient=cast.manager).count()
    )
    # The last page knows how many there are in all.
    assert "Showing 51 to 70 of 70 alerts." in first.content.decode()
    # A page past the end gives the first page (the last is not known without counting).
    assert client.get(reverse("alerts:inbox"), {"page": 99}).context["page"].number == 1
    exact = client.get(reverse("followup:list"), {"show": "all"})
    assert exact.context["counts"]["all"] == 0
