"""The access table across organisations (issue 12): each organisation sees one child's record in
its role — the responsible council everything, the host council what it needs to act, the two
police forces the episode pages for a while, the named RHI provider its RHIs — and everyone else
gets 404, with no other child's data in any page.

Four children, each with a recent closed episode, its RHI and an interview record:
- `own`: council A's child, not looked after, reported by A's force;
- `placed_out`: looked after by A, placed in B (a commissioned provider named), reported by B's force;
- `hosted`: looked after by B, placed in A (B's own service), reported by A's force;
- `other`: B's child, not looked after, reported by B's force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returnhome.accounts.models import Role, User
from returnhome.children import services as child_services
from returnhome.children.models import Child, LegalStatus, Placement, RHIArrangement
from returnhome.episodes import services as episode_services
from returnhome.episodes.models import Episode, Notification
from returnhome.interviews import services
from returnhome.interviews.models import RHI
from returnhome.interviews.services import InterviewDetails
from returnhome.organisations.models import Organisation
from tests.conftest import Cast
from tests.factories import ChildFactory, OrganisationFactory, PoliceFactory, UserFactory, ago

CHILDREN = ("own", "placed_out", "hosted", "other")


@dataclass
class World:
    users: dict[str, User]
    children: dict[str, Child]
    episodes: dict[str, Episode]
    rhis: dict[str, RHI]


def _episode(child: Child, front_door: User, force: Organisation) -> Episode:
    episode = episode_services.record_missing(
        child,
        reported_missing_at=ago(days=3),
        received_at=ago(days=3),
        source=Notification.Source.POLICE,
        acting_user=front_door,
        police_force=force,
    )
    episode_services.record_return(
        episode,
        returned_at=ago(days=2),
        received_at=ago(days=2),
        source=Notification.Source.POLICE,
        acting_user=front_door,
    )
    return episode


def _interview(rhi: RHI, manager: User, worker: User, words: str) -> None:
    services.allocate_rhi(rhi, worker, expected_version=None, acting_user=manager)
    services.record_offer(
        rhi,
        offer_made_at=ago(days=1),
        offered_to="child",
        expected_version=None,
        acting_user=worker,
    )
    services.record_outcome(rhi, outcome="accepted", expected_version=None, acting_user=worker)
    services.record_interview(
        [rhi],
        InterviewDetails(
            kind="interview",
            held_at=ago(hours=20),
            place="home",
            mode="face_to_face",
            time_alone=True,
            box_o={"childs_words": words},
        ),
        [],
        acting_user=worker,
    )


def _placed(
    child: Child, by: Organisation, area: Organisation, user: User, **arrangement: object
) -> None:
    start = timezone.localdate() - dt.timedelta(days=200)
    child_services.record_legal_status(
        child,
        status=LegalStatus.Status.LOOKED_AFTER,
        responsible_council=by,
        start_date=start,
        acting_user=user,
    )
    child_services.record_placement(
        child,
        placement_type=Placement.Type.HOME_PRIVATE,
        council_area=area,
        start_date=start,
        address="1 Placement Road",
        acting_user=user,
        **arrangement,  # type: ignore[arg-type]
    )


@pytest.fixture
def world(cast: Cast) -> World:
    a, b = cast.council, cast.partner_council
    fb = PoliceFactory(name="B force")
    b.police_force = fb
    b.save()
    provider = OrganisationFactory(kind=Organisation.Kind.PROVIDER, name="Named charity")
    users = {
        "a_manager": cast.manager,
        "a_front_door": cast.front_door,
        "a_practitioner": cast.practitioner,
        "b_manager": cast.partner,
        "b_practitioner": UserFactory(organisation=b, role=Role.PRACTITIONER),
        "b_front_door": UserFactory(organisation=b, role=Role.FRONT_DOOR),
        "fa_police": cast.police,
        "fb_police": UserFactory(organisation=fb, role=Role.POLICE),
        "fc_police": UserFactory(organisation=PoliceFactory(name="C force"), role=Role.POLICE),
        "provider": UserFactory(organisation=provider, role=Role.MANAGER),
        "reporter": cast.reporter,
        "outsider": cast.outsider,
    }
    provider_worker = UserFactory(organisation=provider, role=Role.PRACTITIONER)
    children = {
        name: ChildFactory(
            council=a if name in ("own", "placed_out") else b,
            surname=f"Zz{name.replace('_', '')}",
            nhs_number=f"99900000{i:02d}",
            address=f"{i} Secret Street",
        )
        for i, name in enumerate(CHILDREN)
    }
    _placed(
        children["placed_out"],
        a,
        b,
        cast.front_door,
        rhi_arrangement=RHIArrangement.COMMISSIONED,
        rhi_provider=provider,
    )
    _placed(
        children["hosted"], b, a, users["b_front_door"], rhi_arrangement=RHIArrangement.OWN_SERVICE
    )
    forces = {"own": cast.police_force, "placed_out": fb, "hosted": cast.police_force, "other": fb}
    front_doors = {"own": cast.front_door, "placed_out": cast.front_door}
    episodes = {
        name: _episode(children[name], front_doors.get(name, users["b_front_door"]), forces[name])
        for name in CHILDREN
    }
    rhis = {name: RHI.objects.get(episode=episodes[name]) for name in CHILDREN}
    staff = {
        "own": (cast.manager, cast.practitioner),
        "placed_out": (users["provider"], provider_worker),
        "hosted": (cast.partner, users["b_practitioner"]),
        "other": (cast.partner, users["b_practitioner"]),
    }
    for name in CHILDREN:
        _interview(rhis[name], *staff[name], words=f"Words{name.replace('_', '')}")
    return World(users, children, episodes, rhis)


# Who sees which child, in what role ("all": the responsible council).
LEVELS: dict[str, dict[str, str]] = {
    "a_manager": {"own": "all", "placed_out": "all", "hosted": "host"},
    "a_front_door": {"own": "all", "placed_out": "all", "hosted": "host"},
    "a_practitioner": {"own": "all", "placed_out": "all", "hosted": "host"},
    "b_manager": {"placed_out": "host", "hosted": "all", "other": "all"},
    "fa_police": {"own": "police", "placed_out": "police", "hosted": "police"},
    "fb_police": {"placed_out": "police", "hosted": "police", "other": "police"},
    "fc_police": {},
    "provider": {"placed_out": "provider"},
    "reporter": {},
    "outsider": {},
}
ROUTES = ("detail", "package", "episode", "rhi", "interview", "edit", "access_history")
SEEN = {"detail": 200, "package": 200, "episode": 200}
STATUS: dict[str, dict[str, int]] = {
    "all": {**SEEN, "rhi": 200, "interview": 200, "edit": 200, "access_history": 200},
    "host": {**SEEN, "rhi": 404, "interview": 404, "edit": 403, "access_history": 404},
    "police": {**SEEN, "rhi": 404, "interview": 404, "edit": 403, "access_history": 404},
    "provider": {**SEEN, "rhi": 200, "interview": 200, "edit": 403, "access_history": 404},
    "none": dict.fromkeys(ROUTES, 404),
}
# Within the responsible council, the existing matrix's role rules (tests/accounts/test_access.py).
ROLE_EXCEPTIONS = {
    "a_front_door": {"access_history": 404},
    "a_practitioner": {"edit": 403, "access_history": 404},
}


# A role that never reads interview records is refused the page for any record (403, as in the
# main matrix): it says nothing about the record.
NO_INTERVIEWS = {"a_front_door", "fa_police", "fb_police", "fc_police", "reporter", "outsider"}


def expected(who: str, child: str, route: str) -> int:
    if route == "interview" and who in NO_INTERVIEWS:
        return 403
    level = LEVELS[who].get(child, "none")
    if level == "all" and route in ROLE_EXCEPTIONS.get(who, {}):
        return ROLE_EXCEPTIONS[who][route]
    return STATUS[level][route]


def path(world: World, child: str, route: str) -> str:
    c, e, r = world.children[child], world.episodes[child], world.rhis[child]
    r.refresh_from_db()
    return {
        "detail": reverse("children:detail", args=[c.pk]),
        "package": reverse("children:package", args=[c.pk]),
        "episode": reverse("episodes:detail", args=[e.pk]),
        "rhi": reverse("interviews:rhi", args=[r.pk]),
        "interview": reverse("interviews:interview", args=[r.interview_id]),
        "edit": reverse("children:edit", args=[c.pk]),
        "access_history": reverse("children:access_history", args=[c.pk]),
    }[route]


@pytest.mark.parametrize("who", sorted(LEVELS))
def test_each_organisation_sees_each_child_in_its_role(world: World, who: str) -> None:
    client = Client()
    client.force_login(world.users[who])
    wrong = []
    for child in CHILDREN:
        for route in ROUTES:
            url = path(world, child, route)
            response = client.get(url)
            if response.status_code != expected(who, child, route):
                wrong.append(
                    f"{child} {route}: {response.status_code} ≠ {expected(who, child, route)}"
                )
            body = response.content
            for unseen in CHILDREN:
                if unseen not in LEVELS[who] and world.children[unseen].surname.encode() in body:
                    wrong.append(f"{child} {route}: shows {unseen}")
            level = LEVELS[who].get(child)
            if level in ("host", "police"):
                record = world.children[child]
                for secret in (record.nhs_number, record.address, f"Words{child.replace('_', '')}"):
                    if secret.encode() in body:
                        wrong.append(f"{child} {route}: shows {secret!r} to {level}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("who", sorted(LEVELS))
def test_lists_hold_exactly_the_children_each_sees(world: World, who: str) -> None:
    client = Client()
    client.force_login(world.users[who])
    for name in ("children:list", "episodes:open"):
        body = client.get(reverse(name)).content
        for child in CHILDREN:
            if child not in LEVELS[who]:
                assert world.children[child].surname.encode() not in body, (name, child)
    listed = client.post(reverse("children:list"), {"q": "Zz"}, follow=True)
    if listed.status_code == 200:
        shown = {c for c in CHILDREN if world.children[c].surname.encode() in listed.content}
        assert shown == set(LEVELS[who]), shown


def test_the_rhi_goes_to_the_provider_named_for_the_placement(world: World) -> None:
    assert world.rhis["placed_out"].provider.name == "Named charity"
    assert world.rhis["hosted"].provider_id == world.children["hosted"].council_id


def _get(user: User, url: str) -> int:
    client = Client()
    client.force_login(user)
    return client.get(url).status_code


def test_police_access_ends_after_the_configured_days(world: World, settings: object) -> None:
    """A's force sees its council's child while the last episode closed within the window; a
    force that once reported an episode keeps nothing for it."""
    url = reverse("children:detail", args=[world.children["own"].pk])
    police = world.users["fa_police"]
    assert _get(police, url) == 200
    Episode.objects.filter(pk=world.episodes["own"].pk).update(returned_at=ago(days=91))
    assert _get(police, url) == 404
    settings.RETURNHOME_SHARED_ACCESS_DAYS = 120  # type: ignore[attr-defined]
    assert _get(police, url) == 200
    # C's force reports a new episode of A's child: it still sees nothing of it.
    episode = _episode(
        world.children["own"], world.users["a_front_door"], world.users["fc_police"].organisation
    )
    assert _get(world.users["fc_police"], reverse("episodes:detail", args=[episode.pk])) == 404


def test_host_council_and_force_lose_the_child_after_the_placement_ends(world: World) -> None:
    child = world.children["placed_out"]
    url = reverse("children:detail", args=[child.pk])
    for who in ("b_manager", "fb_police"):
        assert _get(world.users[who], url) == 200
    child.placements.update(end_date=timezone.localdate() - dt.timedelta(days=91))
    Episode.objects.filter(child=child).update(returned_at=ago(days=150))
    for who in ("b_manager", "fb_police"):
        assert _get(world.users[who], url) == 404
    assert _get(world.users["a_manager"], url) == 200


def test_the_responsible_council_shares_the_interview_records_with_the_host(world: World) -> None:
    rhi = world.rhis["placed_out"]
    rhi.refresh_from_db()
    url = reverse("interviews:interview", args=[rhi.interview_id])
    host = world.users["b_manager"]
    assert _get(host, url) == 404
    client = Client()
    client.force_login(world.users["a_front_door"])
    share = reverse("children:share_interviews", args=[world.children["placed_out"].pk])
    assert client.post(share, {"shared": "yes"}).status_code == 302
    assert _get(host, url) == 200
    assert _get(world.users["fb_police"], url) == 403  # never the police
    client.post(share, {"shared": "no"})
    assert _get(host, url) == 404


def test_the_host_council_sees_the_rhi_outcome_and_interview_summary(world: World) -> None:
    client = Client()
    client.force_login(world.users["b_manager"])
    html = client.get(reverse("episodes:detail", args=[world.episodes["placed_out"].pk])).content
    assert b"Interview summary" in html and b"Accepted" in html
    assert b"Wordsplacedout" not in html


def test_the_lists_show_a_childs_home_postcode_only_to_its_council(world: World) -> None:
    child = world.children["placed_out"]
    Child.objects.filter(pk=child.pk).update(postcode="ZZ9 9ZZ")
    for who, shown in (("a_front_door", True), ("b_manager", False), ("fb_police", False)):
        client = Client()
        client.force_login(world.users[who])
        listed = client.post(reverse("children:list"), {"q": child.surname}, follow=True)
        assert listed.status_code == 200 and child.surname.encode() in listed.content
        assert (b"ZZ9 9ZZ" in listed.content) == shown, who


def test_the_host_council_reads_a_sharing_form_about_a_child_placed_with_it(world: World) -> None:
    """Issue 12: the host council sees the sharing form (to act on it), not another council;
    chasing the police for feedback stays with the council that sent it."""
    from returnhome.sharing.services import send_sharing_form
    from tests.sharing.test_sharing import details

    form = send_sharing_form(
        world.children["placed_out"], details(), acting_user=world.users["a_practitioner"]
    )
    url = reverse("sharing:form", args=[form.pk])
    assert _get(world.users["a_manager"], url) == 200
    assert _get(world.users["b_manager"], url) == 200  # the host council
    assert _get(world.users["fb_police"], url) == 200  # the host force, sent it
    assert _get(world.users["fc_police"], url) == 404
    assert _get(world.users["outsider"], url) == 404
    host_list = Client()
    host_list.force_login(world.users["b_manager"])
    body = host_list.get(reverse("sharing:sent"), {"show": "all"}).content.decode()
    assert reverse("sharing:form", args=[form.pk]) not in body


def test_the_host_council_sees_a_placed_childs_episode_as_hosted(world: World) -> None:
    """The lists show the group as the reader's council counts it (decision 0039): A's episode
    of a child placed in B is LAC-out to A and Hosted to B."""
    child = world.children["placed_out"]
    cell = '<td class="govuk-table__cell">{}</td>'
    for who, group in [("a_manager", "LAC-out"), ("b_manager", "Hosted")]:
        client = Client()
        client.force_login(world.users[who])
        body = client.get(reverse("episodes:list")).content.decode()
        row = body[body.index(child.full_name) :]
        row = row[: row.index("</tr>")]
        assert cell.format(group) in row, who
