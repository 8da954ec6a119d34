"""Setup: the demo's organisations, its users (one shared password) and the RHI services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password

from returnhome.accounts.models import Role, User
from returnhome.lib.clock import ClockCount, ClockStart
from returnhome.organisations.models import Contract, Organisation
from returnhome.organisations.services import (
    ContractDetails,
    ServiceDelivery,
    add_contract,
    configure_delivery,
    configure_service,
)

from .common import CHARITY_CODE, CHARITY_NAME, HOME_CODE, HOME_NAME, DemoDataError, Team
from .models import made
from .pools import FAR_LA_CODES, MAIN_AREA, NEIGHBOUR_AREAS, AreaSpec
from .state import DemoState

# (username, first name, last name, role, organisation key)
USER_SPECS: list[tuple[str, str, str, str, str]] = [
    ("frontdoor", "Priya", "Raman", Role.FRONT_DOOR, "main"),
    ("practitioner", "Sian", "Howells", Role.PRACTITIONER, "main"),
    ("practitioner2", "Tomasz", "Nowicki", Role.PRACTITIONER, "main"),
    ("practitioner3", "Grace", "Okonjo", Role.PRACTITIONER, "main"),
    ("manager", "Helen", "Marsden", Role.MANAGER, "main"),
    ("performance", "Imran", "Qadir", Role.PERFORMANCE, "main"),
    ("admin", "Rachel", "Doyle", Role.ADMIN, "main"),
    ("socialworker", "Daniel", "Mensah-Hart", Role.SOCIAL_WORKER, "main"),
    ("socialworker2", "Eleri", "Prydderch", Role.SOCIAL_WORKER, "main"),
    ("police", "Mark", "Whitlow", Role.POLICE, "police"),
    ("charity-manager", "Joanne", "Kowalczyk", Role.MANAGER, "charity"),
    ("charity-practitioner", "Kwabena", "Asante", Role.PRACTITIONER, "charity"),
    ("neighbour-frontdoor", "Lucy", "Hardacre", Role.FRONT_DOOR, "n1"),
    ("neighbour-manager", "Bilal", "Hussainy", Role.MANAGER, "n1"),
    ("neighbour2-frontdoor", "Aled", "Bowen-Price", Role.FRONT_DOOR, "n2"),
    ("neighbour2-manager", "Funmi", "Adeyinka", Role.MANAGER, "n2"),
    ("reporter", "Karen", "Fellowes", Role.REPORTER, "home"),
]
DEMO_USERNAMES = [spec[0] for spec in USER_SPECS]


def place_home_in_council_area(home: Organisation, council: Organisation) -> None:
    """Oak House is in the demo council's area: its direct reports go to that front door."""
    Organisation.objects.filter(pk=home.pk).update(council_area=council)
    home.council_area = council


def _demo_organisation(name: str, kind: str, code: str) -> Organisation:
    """The charity or the children's home: made by an earlier build, or made now."""
    found = Organisation.objects.filter(code=code).first()
    if found is None:
        return Organisation.objects.create(name=name, kind=kind, code=code)
    if not made(Organisation).filter(pk=found.pk).exists():
        raise DemoDataError(
            f"The organisation with code {code} ({found}) was not made by demo-data: "
            "nothing was changed."
        )
    return found


class SetupStage(DemoState):
    """The organisations (the demo councils come from the reference data), the users and how each
    council's RHI service is configured."""

    def _council(self, spec: AreaSpec) -> Organisation:
        council = Organisation.objects.filter(la_code=spec.la_code).first()
        if council is None:
            council = Organisation.objects.create(
                name=spec.name,
                kind=Organisation.Kind.COUNCIL,
                la_code=spec.la_code,
                code=f"la:{spec.la_code}",
                gss_code=spec.gss_code,
                nation="England",
                region=spec.region,
            )
            self.notes.append(
                f"Council {spec.la_code} ({spec.name}) was not in the reference data: created it."
            )
        if council.police_force is None:
            force = Organisation.objects.police_forces().filter(name=spec.police_name).first()
            if force is None:
                force = Organisation.objects.create(
                    name=spec.police_name, kind=Organisation.Kind.POLICE, nation="England"
                )
                self.notes.append(
                    f"Police force {spec.police_name} was not in the reference data: created it."
                )
            council.police_force = force
            council.save(update_fields=["police_force"])
        return council

    def setup_organisations(self) -> None:
        self.main = self._council(MAIN_AREA)
        self.neighbours = [self._council(spec) for spec in NEIGHBOUR_AREAS]
        self.n1, self.n2 = self.neighbours
        self.areas: dict[int, AreaSpec] = {self.main.pk: MAIN_AREA}
        for spec, council in zip(NEIGHBOUR_AREAS, self.neighbours, strict=True):
            self.areas[council.pk] = spec
        self.councils = {"main": self.main, "n1": self.n1, "n2": self.n2}
        far = (
            Organisation.objects.councils()
            .filter(la_code__in=FAR_LA_CODES)
            .select_related("police_force")
            .order_by("la_code")
        )
        self.far = sorted(far, key=lambda c: FAR_LA_CODES.index(c.la_code or ""))[:1]
        assert self.main.police_force is not None
        self.main_police: Organisation = self.main.police_force
        self.charity = _demo_organisation(CHARITY_NAME, Organisation.Kind.PROVIDER, CHARITY_CODE)
        self.home = _demo_organisation(HOME_NAME, Organisation.Kind.CHILDRENS_HOME, HOME_CODE)
        self.home_town = "Maidstone"
        self.home_address = f"{HOME_NAME}, 1 Demo Lane, Maidstone"
        self.home_postcode = "ME15 6XX"

    def setup_users(self) -> None:
        hashed = make_password(self.password)
        orgs = {
            "main": self.main,
            "police": self.main_police,
            "charity": self.charity,
            "n1": self.n1,
            "n2": self.n2,
            "home": self.home,
        }
        self.users: dict[str, User] = {}
        for username, first, last, role, org_key in USER_SPECS:
            fields = {
                "email": f"{username}@demo.invalid",
                "first_name": first,
                "last_name": last,
                "role": role,
                "organisation": orgs[org_key],
                "is_active": True,
                # One hash for all: hashing 17 times would take seconds.
                "password": hashed,
            }
            # A demo user deactivated by an earlier --reset or --remove comes back.
            user = made(User).filter(username=username).first()
            if user is None:
                user = User(username=username)
            for name, value in fields.items():
                setattr(user, name, value)
            user.save()
            self.users[username] = user
        u = self.users
        self.admin = u["admin"]
        self.front_doors = {
            self.main.pk: u["frontdoor"],
            self.n1.pk: u["neighbour-frontdoor"],
            self.n2.pk: u["neighbour2-frontdoor"],
        }
        self.social_workers = [u["socialworker"], u["socialworker2"]]
        self.teams = {
            self.main.pk: Team(
                self.main, u["manager"], [u["practitioner"], u["practitioner2"], u["practitioner3"]]
            ),
            self.n1.pk: Team(self.n1, u["neighbour-manager"], [u["neighbour-manager"]]),
            self.charity.pk: Team(
                self.charity,
                u["charity-manager"],
                [u["charity-practitioner"], u["charity-practitioner"], u["charity-manager"]],
            ),
        }

    def setup_services(self) -> None:
        configure_service(
            self.main,
            rhi_provider=None,
            clock_start=ClockStart.RETURN.value,
            clock_count=ClockCount.HOURS.value,
            acting_user=self.admin,
            check_permission=False,
        )
        configure_service(
            self.n2,
            rhi_provider=self.charity,
            clock_start=ClockStart.RETURN.value,
            clock_count=ClockCount.WORKING_DAYS.value,
            acting_user=None,
            check_permission=False,
        )
        _demo_service_delivery(self.main, self.admin, self.today)
        # The configuration is cached on the council objects the services read.
        for council in (self.main, self.n1, self.n2):
            council.refresh_from_db()


def _demo_service_delivery(council: Organisation, admin: Any, today: dt.date) -> None:
    """Who delivers the demo council's service (for its FOI answers), and one contract."""
    team = "Missing and Exploitation Team (RHI workers)"
    configure_delivery(
        council,
        ServiceDelivery(
            mfh_rhi_by="in_house_team",
            mfh_rhi_by_name=team,
            lac_in_rhi_by="in_house_team",
            lac_in_rhi_by_name=team,
            lac_out_rhi_by="in_house_team",
            lac_out_rhi_by_name=team,
            hosted_rhi_by="in_house_team",
            hosted_rhi_by_name=team,
            post_missing_support=True,
            post_missing_by="third_sector",
            post_missing_by_name="Open Door Young People's Service (demo)",
            delivery_modes=["face_to_face", "telephone", "digital"],
            delivery_note="Mainly face to face; telephone or video when the child prefers.",
            freephone=True,
            freephone_number="116 000",
            freephone_provider="Missing People (Runaway Helpline)",
            eligible_groups=["MFH", "LAC-in", "LAC-out", "Hosted"],
            eligible_under_age=18,
            eligible_care_leavers=False,
        ),
        acting_user=admin,
        check_permission=False,
    )
    if not Contract.objects.filter(council=council).exists():
        add_contract(
            council,
            ContractDetails(
                provider_name="Open Door Young People's Service (demo)",
                covers="post_missing",
                start_date=dt.date(today.year - 2, 4, 1),
                end_date=dt.date(today.year + 1, 3, 31),
                annual_value=Decimal(85000),
                total_value=Decimal(255000),
            ),
            acting_user=admin,
        )
