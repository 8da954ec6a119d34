"""Two children who cross a boundary (issue 12): one looked after by the demo council and placed
in its first neighbour's area (a commissioned provider named to interview them), one looked after
by that neighbour and placed in the demo council's area (the host council's service named); each
with an information package sent to the host council and force, and a recent episode. A police
coordinator for the neighbour's force sees them from the other side."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password

from returnhome.accounts.models import Role, User
from returnhome.children import packages
from returnhome.children import services as child_services
from returnhome.children.models import Child, LegalStatus, Placement, RHIArrangement, RiskFlag
from returnhome.episodes import services as episode_services
from returnhome.episodes.models import Notification
from returnhome.organisations.models import Organisation

from .common import CHILD_ID_PREFIX
from .state import DemoState

NEIGHBOUR_POLICE = ("neighbour-police", "Gareth", "Pryce")

PACKAGES = {
    "X1": {
        "description": "Slim, about 5ft 6in, short dark hair; usually a black puffer jacket.",
        "habits": "Plays football on Saturdays; spends evenings gaming online.",
        "associates": "Older youths known as 'Dee' and 'Mo'; a cousin in the home town.",
        "places": "The home town's railway station; the retail park; the cousin's street.",
        "medical_needs": "Asthma: carries an inhaler.",
        "risks": "Child criminal exploitation suspected (county lines).",
        "current_concerns": "New phone and cash seen after the last episode.",
        "key_contacts": "Social worker at the responsible council; placement manager.",
    },
    "X2": {
        "description": "About 5ft 2in, long auburn hair, freckles.",
        "habits": "Likes drawing; goes to the youth club on Wednesdays.",
        "associates": "A 19-year-old boyfriend (name not known) who drives a grey hatchback.",
        "places": "The seafront; her mother's flat in her home council's area.",
        "medical_needs": "None known.",
        "risks": "Child sexual exploitation suspected.",
        "current_concerns": "Goes missing after contact with her mother.",
        "key_contacts": "Social worker at the responsible council; foster carers.",
    },
}


class PlacedOutStage(DemoState):
    def add_children_across_boundaries(self) -> None:
        """The two children, their placements, packages and one episode each."""
        self._neighbour_police()
        self._across(
            "X1",
            ("Jayden", "Okafor", Child.Sex.MALE, 14),
            self.main,
            self.n1,
            RHIArrangement.COMMISSIONED,
            self.charity,
            RiskFlag.Flag.CCE,
        )
        self._across(
            "X2",
            ("Maisie", "Turner", Child.Sex.FEMALE, 15),
            self.n1,
            self.main,
            RHIArrangement.HOST_COUNCIL,
            None,
            RiskFlag.Flag.CSE,
        )

    def _neighbour_police(self) -> None:
        username, first, last = NEIGHBOUR_POLICE
        user = User.objects.filter(username=username).first() or User(username=username)
        user.first_name, user.last_name, user.email = first, last, f"{username}@demo.invalid"
        user.role, user.organisation, user.is_active = Role.POLICE, self.n1.police_force, True
        user.password = make_password(self.password)
        user.save()
        self.users[username] = user

    def _across(
        self,
        key: str,
        who: tuple[str, str, str, int],
        council: Organisation,
        area: Organisation,
        arrangement: str,
        provider: Organisation | None,
        flag: str,
    ) -> None:
        forename, surname, sex, age = who
        front_door = self.front_doors[council.pk]
        start = self.today - dt.timedelta(days=240)
        child = child_services.create_child(
            council,
            acting_user=front_door,
            la_child_id=f"{CHILD_ID_PREFIX}-{key}",
            forename=forename,
            surname=surname,
            sex=sex,
            date_of_birth=dt.date(self.today.year - age, 1, 15),
            photographs_held=True,
            photographs_location="On the child's file at the responsible council",
        )
        child_services.record_legal_status(
            child,
            status=LegalStatus.Status.LOOKED_AFTER,
            responsible_council=council,
            start_date=start,
            acting_user=front_door,
        )
        child_services.add_risk_flag(child, flag=flag, start_date=start, acting_user=front_door)
        packages.update_package(
            child, expected_version=None, acting_user=front_door, **PACKAGES[key]
        )
        child_services.record_placement(
            child,
            placement_type=Placement.Type.HOME_PRIVATE,
            council_area=area,
            start_date=start,
            address=f"{area.name} children's home, 2 Demo Road",
            rhi_arrangement=arrangement,
            rhi_provider=provider,
            acting_user=front_door,
        )
        missing_at = self.now - dt.timedelta(days=12, hours=5)
        episode = episode_services.record_missing(
            child,
            reported_missing_at=missing_at,
            received_at=missing_at + dt.timedelta(minutes=40),
            source=Notification.Source.POLICE,
            acting_user=front_door,
            police_force=area.police_force,
            police_reference=f"DEMO-{key}-1",
            risk_level="medium",
            missing_from="The placement",
        )
        episode_services.record_return(
            episode,
            returned_at=missing_at + dt.timedelta(hours=20),
            received_at=missing_at + dt.timedelta(hours=21),
            source=Notification.Source.POLICE,
            acting_user=front_door,
            found_location="The railway station",
        )
