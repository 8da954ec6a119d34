"""Who sees the audit trail: a child's access history and the unusual access report
(issue 11, finding 3), and children searched without the name in a URL (finding 8)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from returnhome.accounts.models import User
from returnhome.children.models import Child
from returnhome.core.models import AuditEvent
from tests.conftest import Cast
from tests.factories import ChildFactory


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def open_records(user: User, children: list[Child]) -> None:
    client = client_for(user)
    for child in children:
        assert client.get(reverse("children:detail", args=[child.pk])).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("admin", 200),
        ("practitioner", 404),
        ("front_door", 404),
        ("performance", 404),
        ("social_worker", 404),
        ("partner", 404),  # a manager of another council
        ("police", 404),
        ("reporter", 404),
        ("outsider", 404),
    ],
)
def test_access_history_is_for_the_childs_councils_managers_and_admins(
    cast: Cast, child: Child, who: str, status: int
) -> None:
    open_records(cast.practitioner, [child])
    response = client_for(getattr(cast, who)).get(
        reverse("children:access_history", args=[child.pk])
    )
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert cast.practitioner.get_full_name() in body and cast.council.name in body
        assert "Opened: child&#x27;s record" in body or "Opened: child's record" in body


def test_access_history_is_itself_audited_and_paged(cast: Cast, child: Child) -> None:
    client = client_for(cast.practitioner)
    for _ in range(55):
        client.get(reverse("children:detail", args=[child.pk]))
    manager = client_for(cast.manager)
    url = reverse("children:access_history", args=[child.pk])
    first = manager.get(url).content.decode()
    assert "page 1 of 2" in first and 'rel="next"' in first
    second = manager.get(url, {"page": 2}).content.decode()
    assert "page 2 of 2" in second
    assert (
        AuditEvent.objects.filter(
            actor=cast.manager, child_id=child.pk, action="view_access_history"
        ).count()
        == 2
    )


def test_an_unknown_child_is_404_for_a_manager(cast: Cast) -> None:
    response = client_for(cast.manager).get(reverse("children:access_history", args=[987654]))
    assert response.status_code == 404


def test_the_record_links_to_its_access_history_for_managers_only(cast: Cast, child: Child) -> None:
    url = reverse("children:access_history", args=[child.pk])
    detail = reverse("children:detail", args=[child.pk])
    assert url in client_for(cast.manager).get(detail).content.decode()
    assert url not in client_for(cast.front_door).get(detail).content.decode()


def test_unusual_access_lists_who_opened_many_children_outside_their_caseload(
    cast: Cast,
) -> None:
    children = [ChildFactory(council=cast.council) for _ in range(4)]
    children[0].allocated_social_worker = cast.social_worker
    children[0].save()
    open_records(cast.social_worker, children)  # 3 outside the caseload
    open_records(cast.practitioner, children[:2])  # 2
    page = client_for(cast.manager)
    url = reverse("reports:unusual_access")

    flagged = page.get(url, {"date_from": "", "date_to": "", "limit": 2})
    assert flagged.status_code == 200 and "limit" in flagged.content.decode()  # errors shown

    from django.utils import timezone

    today = timezone.localdate().isoformat()
    body = page.get(url, {"date_from": today, "date_to": today, "limit": 2}).content.decode()
    worker, practitioner = cast.social_worker.get_full_name(), cast.practitioner.get_full_name()
    assert worker in body and practitioner not in body
    body = page.get(url, {"date_from": today, "date_to": today, "limit": 1}).content.decode()
    assert worker in body and practitioner in body
    body = page.get(url, {"date_from": today, "date_to": today, "limit": 3}).content.decode()
    assert 'data-testid="unusual-access-none"' in body
    # By default: the last two weeks, more than the configured number (20).
    assert 'data-testid="unusual-access-none"' in page.get(url).content.decode()
    assert AuditEvent.objects.filter(actor=cast.manager, action="report_unusual_access").exists()


@pytest.mark.parametrize("who", ["practitioner", "front_door", "performance", "police", "reporter"])
def test_unusual_access_is_not_for_others(cast: Cast, who: str) -> None:
    assert client_for(getattr(cast, who)).get(reverse("reports:unusual_access")).status_code in {
        403,
        404,
    }


def test_another_councils_access_is_not_in_the_report(cast: Cast) -> None:
    theirs = [ChildFactory(council=cast.partner_council) for _ in range(3)]
    open_records(cast.partner, theirs)
    body = client_for(cast.manager).get(reverse("reports:unusual_access"), {"limit": 0}).content
    assert cast.partner.get_full_name() not in body.decode()
    # ...which the other council's manager sees in theirs.
    theirs_body = client_for(cast.partner).get(reverse("reports:unusual_access"), {"limit": 0})
    assert cast.partner.get_full_name() in theirs_body.content.decode()


def test_children_are_searched_by_post_so_no_name_is_in_a_url(cast: Cast) -> None:
    ChildFactory(council=cast.council, forename="Zanzibar", surname="Cooper")
    ChildFactory(council=cast.council, forename="Other", surname="Person")
    client = client_for(cast.front_door)
    page = client.get(reverse("children:list")).content.decode()
    assert 'method="post"' in page
    found = client.post(reverse("children:list"), {"q": "Cooper"}, follow=True).content.decode()
    assert "Zanzibar" in found and "Other Person" not in found
    # A name in the query string is not a search (nor would it be logged as one by us).
    listed = client.get(reverse("children:list"), {"q": "Cooper"}).content.decode()
    assert "Other Person" in listed
