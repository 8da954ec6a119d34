"""Synthetic demo data: three neighbouring councils, their staff, children, episodes and RHIs.

Everything comes from one `random.Random(seed)` and a fixed "today", so the same seed and today give
the same records. Every person is made up: NHS numbers are in the 999 test range, phone numbers in
Ofcom's drama range (07700 900xxx), addresses are "Demo" streets with "XX" postcodes.

Records are written through the services (so groups, RHIs, deadlines and the audit trail are what the
product itself would produce). The services stamp some times with the real clock (allocated, consent,
outcome, submitted, reviewed, responded, completed); those are then set to the simulated times.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, ProtectedError, Q
from django.utils import timezone

from returnhome.accounts.models import Role, User
from returnhome.children import services as child_services
from returnhome.children.models import Alias, Child, LegalStatus, Placement, RiskFlag
from returnhome.core.models import AuditEvent
from returnhome.episodes import services as episode_services
from returnhome.episodes.models import Episode, Notification, RiskLevel
from returnhome.followup import services as followup_services
from returnhome.followup.models import ProposedAction
from returnhome.interviews import services as rhi_services
from returnhome.interviews.models import RHI, ContactAttempt, DeclineReason, Interview
from returnhome.interviews.services import ActionProposal, InterviewDetails
from returnhome.lib.clock import LONDON, ClockCount, ClockStart
from returnhome.organisations.models import Organisation, ServiceConfiguration
from returnhome.organisations.services import configure_service

T = TypeVar("T")

DEFAULT_PASSWORD = "demo-password-123"  # noqa: S105 (shared by the synthetic demo users only)
CHILD_ID_PREFIX = "DEMO"
ORG_CODE_PREFIX = "demo:"
CHARITY_CODE = "demo:charity"
HOME_CODE = "demo:oak-house"
CHARITY_NAME = "Safe Return Partnership (demo charity)"
HOME_NAME = "Oak House (demo children's home)"


class DemoDataError(Exception):
    """The demo data cannot be built (or reset) as asked."""


# --------------------------------------------------------------------------- places


@dataclass(frozen=True)
class AreaSpec:
    key: str
    la_code: str
    name: str  # used only if the reference data lacks this council
    gss_code: str
    region: str
    police_name: str
    towns: tuple[tuple[str, tuple[str, ...]], ...]


MAIN_AREA = AreaSpec(
    "main",
    "886",
    "Kent",
    "E10000016",
    "South East",
    "Kent Police",
    (
        ("Maidstone", ("ME14", "ME15", "ME16")),
        ("Canterbury", ("CT1", "CT2")),
        ("Ashford", ("TN23", "TN24")),
        ("Margate", ("CT9",)),
        ("Dartford", ("DA1", "DA2")),
        ("Folkestone", ("CT19", "CT20")),
        ("Sittingbourne", ("ME10",)),
        ("Tonbridge", ("TN9", "TN10")),
        ("Gravesend", ("DA11", "DA12")),
        ("Dover", ("CT16", "CT17")),
        ("Ramsgate", ("CT11", "CT12")),
    ),
)
NEIGHBOUR_AREAS = (
    AreaSpec(
        "n1",
        "887",
        "Medway",
        "E06000035",
        "South East",
        "Kent Police",
        (
            ("Chatham", ("ME4", "ME5")),
            ("Gillingham", ("ME7", "ME8")),
            ("Rochester", ("ME1",)),
            ("Strood", ("ME2",)),
            ("Rainham", ("ME8",)),
        ),
    ),
    AreaSpec(
        "n2",
        "845",
        "East Sussex",
        "E10000011",
        "South East",
        "Sussex Police",
        (
            ("Eastbourne", ("BN20", "BN21", "BN22", "BN23")),
            ("Hastings", ("TN34", "TN35")),
            ("Bexhill", ("TN39", "TN40")),
            ("Lewes", ("BN7",)),
            ("Newhaven", ("BN9",)),
            ("Uckfield", ("TN22",)),
        ),
    ),
)
# "Further away" for some placements out of area: the first of these the reference data has.
FAR_LA_CODES = ("306", "888", "209", "938")
POLICE_PREFIXES = {"kent": "KNT", "sussex": "SXP", "metropolitan": "MPS", "lancashire": "LAN"}

# --------------------------------------------------------------------------- people

GIRLS = {
    "english": "Amelia Olivia Jessica Chloe Ellie Lily Mia Sophie Holly Megan Paige Courtney Jade "
    "Kayleigh Lauren Millie Evie Ruby Freya Summer Leah Abbie Tia Shannon Bethany",
    "welsh": "Cerys Seren Ffion Carys Nia Angharad Elin Lowri Bethan Catrin Mali Sioned",
    "south_asian": "Aisha Zara Priya Anaya Fatima Maryam Simran Nadia Sana Hafsa Riya Amira "
    "Ayesha Jasleen",
    "african": "Amara Chiamaka Adaeze Precious Blessing Zainab Abena Efua Folake Imani Kemi Nkechi",
    "caribbean": "Shanice Tanisha Kiara Jada Aaliyah Nevaeh Shontelle Janelle",
    "eastern_european": "Zuzanna Julia Natalia Oliwia Alexandra Ioana Andreea Daria Milena "
    "Viktoria Emilija Klaudia",
}
BOYS = {
    "english": "Jack Harry Charlie Alfie Tyler Kyle Connor Liam Jordan Callum Reece Mason Ethan "
    "Riley Leo Frankie Jayden Kai Brandon Lewis Dean Archie",
    "welsh": "Rhys Dylan Gethin Owain Iwan Cai Osian Tomos Dafydd Ieuan Aled Emyr",
    "south_asian": "Mohammed Ayaan Arjun Ibrahim Zain Hamza Rohan Bilal Yusuf Harjeet Imran Kabir "
    "Aarav Umar",
    "african": "Tobi Chidi Kwame Kofi Emeka Tunde Samuel Daniel Femi Olu Jamal Abdi",
    "caribbean": "Tyrese Marcus Jermaine Dwayne Andre Kemar Leon Tyrone",
    "eastern_european": "Jakub Kacper Mateusz Filip Oskar Andrei Bogdan Lukas Matej Nikola Dawid "
    "Szymon",
}
SURNAMES = {
    "english": "Smith Taylor Brown Wilson Turner Cooper Walker Harris Clarke Wright Mitchell Ward "
    "Barker Chapman Fisher Hughes Parker Stevens Webb Marshall Hayes Fletcher Pearce Lambert",
    "welsh": "Jones Davies Evans Thomas Roberts Lewis Morgan Griffiths Price Powell Pritchard "
    "Llewellyn Rees Vaughan",
    "south_asian": "Khan Ahmed Patel Hussain Begum Ali Singh Kaur Sharma Chowdhury Iqbal Rahman "
    "Shah Malik",
    "african": "Okafor Adeyemi Mensah Boateng Okonkwo Nwosu Mohamed Abdi Osei Adebayo Eze Kamara",
    "caribbean": "Campbell Williams Richards Francis Grant Thompson Bailey Henry Edwards Clarke",
    "eastern_european": "Nowak Wojcik Kaczmarek Mazur Krawczyk Popescu Ionescu Horvat Kovacs "
    "Dumitru Balogh Sokol",
}
ORIGINS: list[tuple[str, float]] = [
    ("english", 50),
    ("welsh", 7),
    ("south_asian", 12),
    ("african", 10),
    ("caribbean", 7),
    ("eastern_european", 10),
]
ETHNICITIES: dict[str, list[tuple[str, float]]] = {
    "english": [
        ("White British", 82),
        ("White and Black Caribbean", 5),
        ("White and Asian", 4),
        ("Any other mixed background", 5),
        ("White Irish", 2),
        ("Information not yet obtained", 2),
    ],
    "welsh": [("White British", 95), ("Any other mixed background", 5)],
    "south_asian": [
        ("Pakistani", 40),
        ("Indian", 25),
        ("Bangladeshi", 25),
        ("Any other Asian background", 10),
    ],
    "african": [
        ("African", 80),
        ("Any other Black background", 12),
        ("White and Black African", 8),
    ],
    "caribbean": [("Caribbean", 60), ("White and Black Caribbean", 35), ("Refused", 5)],
    "eastern_european": [("Any other White background", 85), ("Gypsy/Roma", 15)],
}
NICKNAMES = {
    "Jayden": "Jay",
    "Callum": "Cal",
    "Mohammed": "Mo",
    "Tyrese": "Ty",
    "Jessica": "Jess",
    "Bethany": "Beth",
    "Alexandra": "Sasha",
    "Frankie": "Frank",
    "Kayleigh": "Kay",
    "Ibrahim": "Ibby",
    "Jermaine": "J",
    "Mateusz": "Mati",
    "Oliwia": "Oli",
    "Chiamaka": "Chi",
    "Samuel": "Sammy",
    "Harjeet": "Harry",
    "Gethin": "Geth",
    "Angharad": "Hari",
    "Summer": "Sunny",
    "Dwayne": "D",
}
STREET_NICKNAMES = [
    "Smokey",
    "Tiny",
    "Bigz",
    "J-Man",
    "Ghost",
    "Spider",
    "Red",
    "Blaze",
    "Snoop",
    "K-Dog",
    "Milli",
    "Dee",
    "Skinny",
    "Ace",
    "Biscuit",
    "Shadow",
    "Bluey",
    "Mad-T",
    "Lil",
    "Z",
    "Rambo",
]
CARS = (
    "silver Audi A3",
    "black Mercedes A-Class",
    "white Ford Transit van",
    "grey VW Golf",
    "blue BMW 1 Series",
    "red Vauxhall Corsa",
    "black Range Rover Evoque",
)
STREET_WORDS = [
    "Acorn",
    "Beech",
    "Cedar",
    "Elm",
    "Hazel",
    "Maple",
    "Oak",
    "Willow",
    "Orchard",
    "Meadow",
    "Station",
    "Church",
    "Mill",
    "Park",
    "Victoria",
    "Albert",
]
STREET_KINDS = ["Street", "Road", "Avenue", "Close", "Lane", "Way", "Gardens", "Crescent"]
SCHOOLS = ("Demo Academy", "Demo High School", "Demo Community College", "Demo Grammar School")

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

# --------------------------------------------------------------------------- text templates

CIRCUMSTANCES = (
    "Did not return to {where} by the agreed time of {hour}:00.",
    "Left school at lunchtime and did not come home.",
    "Went out to the shop and did not come back.",
    "Left after an argument about phone use.",
    "Climbed out of a window during the night.",
    "Last seen getting into a car near {town} station.",
    "Went to meet friends in {town} and stopped answering the phone.",
)
FOUND_AT = (
    "Found by police at a friend's address in {town}",
    "Returned of own accord",
    "Found at {town} railway station",
    "Located at an address in {town} known to police",
    "Found in Croydon by the Metropolitan Police",
    "Brought back by a family member",
    "Found in a park in {town}",
    "Returned by taxi, fare paid by an unknown adult",
)
PUSH = (
    "Arguments at home about curfew and phone use.",
    "Feels the rules at the placement are unfair.",
    "Conflict with another young person where they live.",
    "Says nobody listens to them at home.",
    "Low mood after contact with mum was cancelled.",
    "Tension with step-parent; says they are blamed for everything.",
    "Worried about a school exclusion meeting.",
    "Placement is a long way from friends and family.",
    "Overcrowding at home: shares a room with two siblings.",
)
PULL = (
    "Wanted to see friends in {town}.",
    "Spending time with an older 'boyfriend' known as {nick}.",
    "Went to see birth family in {town}.",
    "Was offered money to 'hold' a bag for someone.",
    "Went to a party at a flat in {town}.",
    "Wanted to see a brother placed elsewhere.",
    "Was given a phone and told to keep it switched on.",
    "Invited by {nick} to stay at an address in {town}.",
)
EXPERIENCES = (
    "Slept at a friend's house; says they ate and felt safe.",
    "Stayed up all night at a flat with older males; was given alcohol.",
    "Travelled by train to {town} with money someone else gave them.",
    "Was driven around in a car by people they did not know well.",
    "Slept in a park; was cold and hungry.",
    "Was at a party where drugs were used; says they did not take any.",
    "Stayed with {nick}; would not say where.",
    "Was stopped by police in {town} and brought home.",
)
PLACES = (
    "Flat above the shops on Demo Parade, {town}",
    "{town} bus station",
    "Skate park by the leisure centre, {town}",
    "Fast-food restaurant on the High Street, {town}",
    "Underpass near {town} railway station",
    "Park at the end of Demo {word} Road, {town}",
    "Car park behind the retail park, {town}",
)
RISK_FACTORS = (
    "Older associates",
    "Frequent missing episodes",
    "Carrying large amounts of cash",
    "Cannabis use",
    "Not attending school",
    "New phone and clothes that cannot be explained",
    "History of self-harm",
    "Staying overnight at unknown addresses",
    "Travelling out of area",
    "Online contact with unknown adults",
)
PROTECTIVE_FACTORS = (
    "Good relationship with key worker",
    "Goes to football training twice a week",
    "Close to grandmother",
    "Engaged at school; enjoys art",
    "Wants to go to college next year",
    "Talks to older sister",
    "Good relationship with foster carer",
    "Engaging with youth worker",
)
CHILDS_WORDS = (
    '"I just needed to get out for a bit."',
    '"They\'re my mates, they look after me."',
    '"Nobody listens to me here."',
    "\"I wasn't in any danger, I know what I'm doing.\"",
    '"I don\'t want to talk about who I was with."',
    '"I miss my mum."',
    '"I\'d come back sooner if I could keep my phone."',
    "\"It's boring here, there's nothing to do.\"",
)
REFLECTIONS = (
    "Risk is escalating: a pattern of travel to {town} with older males. Needs a strategy "
    "discussion and a referral to the exploitation team.",
    "Push factors are mainly about the placement; a placement review and regular time with the "
    "key worker should reduce missing.",
    "Missing is linked to family conflict; family mediation and an early help plan should help.",
    "Low risk this time, but frequency is increasing. Keep the same worker and review in a month.",
    "Child engaged well. Safety plan agreed: will text carer if staying out, and has the "
    "out-of-hours number.",
)
CHILD_FEEDBACK = (
    "Said it was 'alright' and liked that it was someone new.",
    "Preferred talking in the car to talking at home.",
    "Did not want to give feedback.",
    "Said it helped to talk to someone who was not their social worker.",
    "",
)
CARER_FEEDBACK = (
    "Carer found it helpful and asked for a copy of the safety plan.",
    "Mum said she was glad someone asked him why.",
    "",
    "Key worker said the visit was well timed.",
)
INFORMATION_FROM = (
    "Foster carer",
    "Key worker at the children's home",
    "Mum",
    "Dad",
    "Grandmother",
    "School designated safeguarding lead",
)
NA_NOTES = (
    "Child was with police throughout and had a prevention interview; manager agreed an RHI "
    "is not proportionate.",
    "Duplicate report of an episode already recorded.",
    "Child admitted to hospital on return; ward social worker will speak to them.",
    "Away for under an hour at a known address; manager agreed no RHI.",
    "Child turned out not to have been missing: was at a pre-arranged sleepover.",
)
MISSING_AGAIN_NA = (
    "Missing again within hours of returning, before the RHI could be offered; "
    "picked up under the next episode's RHI."
)
DECLINE_NOTES = {
    DeclineReason.CHILD_REFUSED: "Said they were fine and did not want to talk to anyone.",
    DeclineReason.PARENT_REFUSED: "Mum said the family will deal with it themselves.",
    DeclineReason.MISSING_AGAIN: "Went missing again before the interview could happen.",
    DeclineReason.NO_CONTACT: "Calls, texts and a calling card; no response.",
    DeclineReason.IN_CUSTODY: "Remanded in custody; youth justice worker informed.",
    DeclineReason.MOVED_OUT_OF_AREA: "Family moved to another area; details passed to the new council.",
    DeclineReason.MENTAL_HEALTH: "Admitted to an adolescent mental health unit; ward staff will talk to them.",
    DeclineReason.OTHER: "Police are interviewing the child as a victim; RHI not offered again on police advice.",
}
INDEPENDENCE_REASONS = (
    "The young person will only speak to their social worker; manager agreed for this episode.",
    "Urgent visit needed today and the RHI team has no capacity; independent follow-up offered.",
    "Child asked for their social worker to do it; an independent worker was offered and declined.",
)
ACTIONS: dict[str, tuple[str, ...]] = {
    ProposedAction.Service.SOCIAL_CARE: (
        "Share the interview with the allocated social worker and ask for a strategy discussion",
        "Referral to children's social care: concerns about older associates",
    ),
    ProposedAction.Service.EARLY_HELP: ("Referral to early help for family support",),
    ProposedAction.Service.CAMHS: ("Referral to CAMHS for assessment of low mood",),
    ProposedAction.Service.SUBSTANCE_MISUSE: (
        "Referral to the young people's substance misuse service",
    ),
    ProposedAction.Service.SEXUAL_EXPLOITATION: (
        "Referral to the sexual exploitation service; complete the CSE screening tool",
    ),
    ProposedAction.Service.DOMESTIC_ABUSE: (
        "Referral to domestic abuse support for mum and child",
    ),
    ProposedAction.Service.YOUTH_JUSTICE: (
        "Tell the youth justice worker about the episode and associates",
    ),
    ProposedAction.Service.YOUTH_SERVICE: ("Introduce to the Thursday evening youth club group",),
    ProposedAction.Service.EDUCATION: (
        "Meet the school DSL about attendance and who the child spends time with",
    ),
    ProposedAction.Service.FAMILY_SUPPORT: ("Family mediation sessions",),
    ProposedAction.Service.MISSING_SERVICE: (
        "Weekly keep-safe sessions with the missing service for six weeks",
    ),
    ProposedAction.Service.POLICE: (
        "Send the information sharing form to the police missing person coordinator",
    ),
    ProposedAction.Service.OTHER: ("Placement planning meeting to review curfew arrangements",),
}
ACTION_OWNERS = (
    "Allocated social worker",
    "RHI practitioner",
    "School DSL",
    "Missing coordinator",
    "Key worker",
    "Youth worker",
)
CHANGED_COMMENTS = (
    "Agreed, but do it this week rather than next month.",
    "Agreed; the social worker should lead, not the RHI team.",
    "Agreed; add the school to the meeting.",
)
REJECTED_COMMENTS = (
    "Already in place through the child's plan.",
    "Not proportionate; discuss at the next review instead.",
    "Duplicate of an action from the last interview.",
)
DONE_OUTCOMES = (
    "Referral accepted; first appointment booked.",
    "Done: discussed at the strategy meeting.",
    "Completed; the young person attended.",
    "Information sharing form sent and acknowledged by police.",
)
NOT_DONE_OUTCOMES = (
    "Young person declined the referral.",
    "Service waiting list closed; escalated to the manager.",
    "Family did not engage.",
)


# --------------------------------------------------------------------------- helpers


def _weighted(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options], k=1)[0]


class Deck(Generic[T]):
    """Deals each option once (in shuffled order), then by weight: rare values appear in small data sets."""

    def __init__(self, rng: random.Random, options: Sequence[tuple[T, float]]) -> None:
        self.rng = rng
        self.options = list(options)
        self.first = [o for o, _ in options]
        rng.shuffle(self.first)

    def deal(self) -> T:
        if self.first:
            return self.first.pop()
        return _weighted(self.rng, self.options)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _local_date(at: dt.datetime) -> dt.date:
    return at.astimezone(LONDON).date()


def _nhs_number(rng: random.Random) -> str:
    """A 10-digit NHS number in the 999 test range with a valid modulus 11 check digit."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def nhs_number_is_valid(number: str) -> bool:
    if len(number) != 10 or not number.isdigit():
        return False
    digits = [int(c) for c in number]
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    return (0 if check == 11 else check) == digits[9]


# --------------------------------------------------------------------------- plans


@dataclass
class Period:
    start: dt.date
    end: dt.date | None
    looked_after: bool
    responsible: Organisation | None


@dataclass
class PlacementPlan:
    start: dt.date
    end: dt.date | None
    placement_type: str
    area: Organisation
    address: str
    postcode: str
    oak_house: bool = False


@dataclass
class ChildPlan:
    council_key: str
    category: str
    prolific: bool
    n_episodes: int
    open_episode: bool = False


@dataclass
class Team:
    provider: Organisation
    manager: User
    workers: list[User]


@dataclass
class ChildCtx:
    plan: ChildPlan
    child: Child
    area: AreaSpec | None
    home_town: str
    home_address: str
    periods: list[Period] = field(default_factory=list)
    placements: list[PlacementPlan] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    rhis: list[RHI | None] = field(default_factory=list)
    covered: set[int] = field(default_factory=set)

    def period_on(self, day: dt.date) -> Period | None:
        found = [p for p in self.periods if p.start <= day and (p.end is None or p.end >= day)]
        return found[-1] if found else None

    def placement_on(self, day: dt.date) -> PlacementPlan | None:
        found = [p for p in self.placements if p.start <= day and (p.end is None or p.end >= day)]
        return found[-1] if found else None

    def looked_after_on(self, day: dt.date) -> bool:
        period = self.period_on(day)
        return period is not None and period.looked_after


@dataclass
class DemoSummary:
    lines: list[str]
    users: list[tuple[str, str, str]]
    notes: list[str]


# --------------------------------------------------------------------------- presence and reset


def place_home_in_council_area(home: Organisation, council: Organisation) -> None:
    """Oak House is in the demo council's area: its direct reports go to that front door."""
    Organisation.objects.filter(pk=home.pk).update(council_area=council)
    home.council_area = council


def demo_children() -> Any:
    return Child.objects.filter(la_child_id__startswith=CHILD_ID_PREFIX)


def demo_data_present() -> bool:
    return (
        User.objects.filter(username__in=DEMO_USERNAMES).exists()
        or Organisation.objects.filter(code__startswith=ORG_CODE_PREFIX).exists()
        or demo_children().exists()
    )


def _delete(queryset: Any) -> int:
    """Delete and return how many rows of the queryset's own model went (not the cascade)."""
    return int(queryset.delete()[1].get(queryset.model._meta.label, 0))


@transaction.atomic
def reset_demo_data() -> dict[str, int]:
    """Delete the demo records: children and everything about them, demo users and organisations."""
    child_ids = list(demo_children().values_list("pk", flat=True))
    users = User.objects.filter(username__in=DEMO_USERNAMES)
    orgs = Organisation.objects.filter(code__startswith=ORG_CODE_PREFIX)
    councils = Organisation.objects.filter(
        la_code__in=[MAIN_AREA.la_code] + [a.la_code for a in NEIGHBOUR_AREAS]
    )
    counts: dict[str, int] = {}
    from returnhome.imports.models import ImportRun, PendingNotification, ReviewItem

    counts["front-door queue"] = _delete(ReviewItem.objects.filter(council__in=councils))
    counts["waiting notifications"] = _delete(
        PendingNotification.objects.filter(council__in=councils)
    )
    counts["import runs"] = _delete(ImportRun.objects.filter(council__in=councils))
    counts["actions"] = _delete(ProposedAction.objects.filter(child_id__in=child_ids))
    counts["contact attempts"] = _delete(ContactAttempt.objects.filter(rhi__child_id__in=child_ids))
    counts["RHIs"] = _delete(RHI.objects.filter(child_id__in=child_ids))
    counts["interviews"] = _delete(Interview.objects.filter(child_id__in=child_ids))
    counts["notifications"] = _delete(Notification.objects.filter(episode__child_id__in=child_ids))
    counts["episodes"] = _delete(Episode.objects.filter(child_id__in=child_ids))
    counts["children"] = _delete(Child.objects.filter(pk__in=child_ids))
    configs = ServiceConfiguration.objects.filter(
        Q(council__in=councils) | Q(rhi_provider__in=orgs)
    )
    config_ids = [str(pk) for pk in configs.values_list("pk", flat=True)]
    counts["audit events"] = _delete(
        AuditEvent.objects.filter(
            Q(child_id__in=child_ids)
            | Q(actor__in=users)
            | Q(object_type="organisations.serviceconfiguration", object_id__in=config_ids)
        )
    )
    counts["service configurations"] = _delete(configs)
    try:
        counts["users"] = _delete(users)
        counts["organisations"] = _delete(orgs)
    except ProtectedError as exc:
        raise DemoDataError(
            "Some records that are not demo data refer to the demo users or organisations; "
            "they cannot be deleted automatically."
        ) from exc
    return counts


def queue_police_notifications(
    council: Organisation, force: Organisation, front_door: User, now: dt.datetime
) -> None:
    """Last night's police file, imported as the front door would: a few notifications the
    matcher will not decide alone (a typo and a swapped date of birth, a child already missing),
    a found notification before its missing one, a clear match and a child new to the council.
    So the front door's queue has work in it."""
    from returnhome.imports.importer import import_notifications
    from returnhome.imports.police.rows import COLUMNS

    candidates = list(
        demo_children()
        .filter(council=council, date_of_birth__isnull=False)
        .exclude(episodes__returned_at__isnull=True, episodes__isnull=False)
        .order_by("pk")[:40]
    )
    # A date of birth whose day and month can be swapped and still be a date (police often do).
    swappable = [
        c
        for c in candidates
        if c.date_of_birth is not None
        and c.date_of_birth.day <= 12
        and c.date_of_birth.day != c.date_of_birth.month
    ]
    if len(candidates) < 5 or not swappable:
        return
    others = [c for c in candidates if c.pk != swappable[0].pk]
    children = [others[0], swappable[0], *others[1:4]]
    at = (now - dt.timedelta(hours=9)).astimezone(LONDON)

    def row(child: Child | None, ref: str, **values: str) -> dict[str, str]:
        out = dict.fromkeys(COLUMNS, "")
        out.update(force=force.name, police_reference=ref, event="missing", risk_level="medium")
        out["event_at"] = f"{at:%d/%m/%Y %H:%M}"
        if child is not None:
            dob = child.date_of_birth
            assert dob is not None
            out.update(
                forename=child.forename,
                surname=child.surname,
                date_of_birth=f"{dob:%d/%m/%Y}",
                sex=child.sex,
                postcode=child.postcode,
            )
        out.update(values)
        return out

    typo, swapped, clear, found_first, twice = children
    dob = swapped.date_of_birth
    assert dob is not None
    rows = [
        row(typo, "DEMO-Q1", forename=typo.forename[:-1] + "y", postcode=""),
        row(swapped, "DEMO-Q2", date_of_birth=f"{dob:%m/%d/%Y}", surname=swapped.surname.upper()),
        row(twice, "DEMO-Q3", event_at=f"{at - dt.timedelta(days=1):%d/%m/%Y %H:%M}"),
        row(twice, "DEMO-Q7", circumstances="Reported missing again by the carer."),
        row(clear, "DEMO-Q4", la_child_id=clear.la_child_id),
        row(
            None,
            "DEMO-Q5",
            forename="Tegan",
            surname="Ashdown-Vale",
            date_of_birth="14/02/2011",
            sex="F",
            la_child_id=f"{CHILD_ID_PREFIX}-P5",
            missing_from="Demo bus station",
        ),
        row(
            found_first,
            "DEMO-Q6",
            event="found",
            event_at=f"{at + dt.timedelta(hours=3):%d/%m/%Y %H:%M}",
            found_location="Demo retail park",
        ),
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    report = import_notifications(
        out.getvalue().encode(), council, name="police-overnight.csv", acting_user=front_door
    )
    if not report.summary.get("committed"):
        raise DemoDataError(f"The demo police file did not import: {report.summary['rejected']}")


# --------------------------------------------------------------------------- the builder


class DemoBuilder:
    def __init__(
        self,
        *,
        seed: int = 1,
        children: int = 300,
        years: int = 2,
        today: dt.date,
        password: str = DEFAULT_PASSWORD,
    ) -> None:
        if children < 1:
            raise DemoDataError("--children must be at least 1")
        if years < 1:
            raise DemoDataError("--years must be at least 1")
        if today > timezone.localdate():
            raise DemoDataError("--today cannot be in the future")
        self.rng = random.Random(seed)
        self.n_children = children
        self.years = years
        self.today = today
        self.password = password
        # The simulated "now": midnight at the start of `today`, so nothing is after the real now.
        self.now = dt.datetime(today.year, today.month, today.day, tzinfo=LONDON)
        self.window_start = self.now - dt.timedelta(days=365 * years)
        self.notes: list[str] = []
        self.police_counter = 0
        self.child_counter = 0
        rng = self.rng
        self.decline_deck: Deck[str] = Deck(
            rng,
            [
                (DeclineReason.CHILD_REFUSED.value, 34),
                (DeclineReason.PARENT_REFUSED.value, 14),
                (DeclineReason.NO_CONTACT.value, 20),
                (DeclineReason.MISSING_AGAIN.value, 8),
                (DeclineReason.IN_CUSTODY.value, 4),
                (DeclineReason.MOVED_OUT_OF_AREA.value, 5),
                (DeclineReason.MENTAL_HEALTH.value, 6),
                (DeclineReason.OTHER.value, 6),
            ],
        )
        self.response_deck: Deck[str] = Deck(
            rng,
            [
                (ProposedAction.Response.AGREED.value, 70),
                (ProposedAction.Response.CHANGED.value, 18),
                (ProposedAction.Response.REJECTED.value, 12),
            ],
        )

    # ------------------------------------------------------------------ small random helpers

    def minutes(self, lo_hours: float, hi_hours: float) -> dt.timedelta:
        return dt.timedelta(minutes=round(self.rng.uniform(lo_hours, hi_hours) * 60))

    def office(self, at: dt.datetime) -> dt.datetime:
        """Move a time into the working day (08:00 to 19:00 London), the next morning if need be."""
        local = at.astimezone(LONDON)
        if 8 <= local.hour < 19:
            return at
        day = local.date() if local.hour < 8 else local.date() + dt.timedelta(days=1)
        start = dt.datetime(day.year, day.month, day.day, 8, 30, tzinfo=LONDON)
        return start + dt.timedelta(minutes=self.rng.randrange(0, 180))

    def pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    # ------------------------------------------------------------------ organisations and users

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
        self.charity = Organisation.objects.create(
            name=CHARITY_NAME, kind=Organisation.Kind.PROVIDER, code=CHARITY_CODE
        )
        self.home = Organisation.objects.create(
            name=HOME_NAME, kind=Organisation.Kind.CHILDRENS_HOME, code=HOME_CODE
        )
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
            user = User.objects.create_user(
                username,
                email=f"{username}@demo.invalid",
                password=None,
                first_name=first,
                last_name=last,
                role=role,
                organisation=orgs[org_key],
            )
            user.password = hashed  # one hash for all: hashing 17 times would take seconds
            user.save(update_fields=["password"])
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
            expected_version=None,
            acting_user=self.admin,
            check_permission=False,
        )
        configure_service(
            self.n2,
            rhi_provider=self.charity,
            clock_start=ClockStart.RETURN.value,
            clock_count=ClockCount.WORKING_DAYS.value,
            expected_version=None,
            acting_user=None,
            check_permission=False,
        )
        _demo_service_delivery(self.main, self.admin, self.today)
        # The configuration is cached on the council objects the services read.
        for council in (self.main, self.n1, self.n2):
            council.refresh_from_db()

    # ------------------------------------------------------------------ child plans

    def plan_children(self) -> list[ChildPlan]:
        rng = self.rng
        n = self.n_children
        n_main = max(1, round(n * 0.7))
        n_n1 = (n - n_main) // 2
        n_n2 = n - n_main - n_n1
        n_prolific = max(1, min(8, round(n * 7 / 300)))
        prolific_keys = ["main"] * n_prolific
        if n_prolific >= 5:
            prolific_keys[-1], prolific_keys[-2] = "n1", "n2"
        main_prolific = [
            "lac_in",
            "hosted",
            "mfh",
            "lac_out_moved",
            "mfh_to_lac",
            "lac_in",
            "lac_out",
        ]
        plans: list[ChildPlan] = []
        counts = {"main": n_main, "n1": n_n1, "n2": n_n2}
        for index, key in enumerate(prolific_keys):
            if counts[key] == 0:
                key = "main"
            counts[key] -= 1
            category = main_prolific[index % len(main_prolific)] if key == "main" else "lac_in"
            plans.append(ChildPlan(key, category, True, rng.randint(35, 80)))
        main_deck: Deck[str] = Deck(
            rng,
            [
                ("mfh", 58),
                ("lac_in", 11),
                ("lac_out", 7),
                ("lac_out_moved", 3),
                ("hosted", 8),
                ("mfh_to_lac", 7),
                ("lac_ceased", 6),
            ],
        )
        neighbour_deck: Deck[str] = Deck(rng, [("mfh", 70), ("lac_in", 21), ("hosted", 9)])
        for key, count in counts.items():
            for _ in range(count):
                category = main_deck.deal() if key == "main" else neighbour_deck.deal()
                tier = _weighted(rng, [(0, 56), (1, 26), (2, 18)])
                n_eps = (rng.randint(1, 5), rng.randint(6, 15), rng.randint(16, 29))[tier]
                plans.append(ChildPlan(key, category, False, n_eps))
        rng.shuffle(plans)
        n_open = max(2, round(n / 30))
        for index in rng.sample(range(len(plans)), min(n_open, len(plans))):
            plans[index].open_episode = True
        return plans

    # ------------------------------------------------------------------ addresses

    def _town(self, area: AreaSpec | None, council: Organisation) -> tuple[str, str]:
        """A town and a synthetic postcode in a council's area."""
        if area is None:
            return council.name, ""
        town, outwards = self.pick(area.towns)
        return town, f"{self.pick(outwards)} {self.rng.randint(1, 9)}XX"

    def _address(self, town: str) -> str:
        return (
            f"{self.rng.randint(1, 120)} Demo {self.pick(STREET_WORDS)} "
            f"{self.pick(STREET_KINDS)}, {town}"
        )

    def _placement(
        self, ctx: ChildCtx, area_org: Organisation, start: dt.date, end: dt.date | None
    ) -> PlacementPlan:
        rng = self.rng
        age = _age_on(ctx.child.date_of_birth or start, start)
        options: list[tuple[str, float]] = [
            (Placement.Type.FOSTER.value, 45),
            (Placement.Type.HOME_PRIVATE.value, 25),
            (Placement.Type.HOME_COUNCIL.value, 8),
            (Placement.Type.SECURE.value, 2),
            (Placement.Type.WITH_PARENTS.value, 5),
            (Placement.Type.OTHER.value, 5),
        ]
        if age >= 16:
            options.append((Placement.Type.SUPPORTED.value, 20))
        ptype = _weighted(rng, options)
        area = self.areas.get(area_org.pk)
        town, postcode = self._town(area, area_org)
        if ptype == Placement.Type.HOME_PRIVATE and area_org == self.main and rng.random() < 0.5:
            return PlacementPlan(
                start, end, ptype, area_org, self.home_address, self.home_postcode, oak_house=True
            )
        street = self._address(town)
        address = {
            Placement.Type.FOSTER: f"Foster placement, {street}",
            Placement.Type.HOME_PRIVATE: f"{self.pick(STREET_WORDS)} Lodge (private children's home), {street}",
            Placement.Type.HOME_COUNCIL: f"{self.pick(STREET_WORDS)} House (council children's home), {street}",
            Placement.Type.SECURE: f"Secure children's home (demo), {town}",
            Placement.Type.WITH_PARENTS: ctx.home_address,
            Placement.Type.OTHER: f"Family friend, {street}",
            Placement.Type.SUPPORTED: f"Flat {rng.randint(1, 30)}, Demo Court, {town}",
        }[Placement.Type(ptype)]
        if ptype == Placement.Type.WITH_PARENTS:
            postcode = ctx.child.postcode
        return PlacementPlan(start, end, ptype, area_org, address, postcode)

    def _out_of_area(self, council: Organisation) -> Organisation:
        others = [c for c in (self.main, *self.neighbours) if c != council]
        if self.far and self.rng.random() < 0.35:
            return self.far[0]
        return self.pick(others)

    def _placements_for(
        self,
        ctx: ChildCtx,
        area_org: Organisation,
        start: dt.date,
        end: dt.date | None,
        moves: int,
    ) -> None:
        """One or more placements, one after another, in an area, covering start..end."""
        last = end or self.today
        days = (last - start).days
        cuts = (
            sorted({start + dt.timedelta(days=self.rng.randint(1, days)) for _ in range(moves)})
            if days > 2
            else []
        )
        starts = [start, *cuts]
        for index, p_start in enumerate(starts):
            p_end = starts[index + 1] - dt.timedelta(days=1) if index + 1 < len(starts) else end
            ctx.placements.append(self._placement(ctx, area_org, p_start, p_end))

    def plan_legal_history(self, ctx: ChildCtx, span: tuple[dt.date, dt.date]) -> None:
        rng = self.rng
        child = ctx.child
        council = child.council
        dob = child.date_of_birth
        assert dob is not None
        earliest = dob + dt.timedelta(days=400)
        span_start, span_end = span

        def before(day: dt.date, lo: int, hi: int) -> dt.date:
            return min(self.today, max(earliest, day - dt.timedelta(days=rng.randint(lo, hi))))

        def middle() -> dt.date:
            length = (span_end - span_start).days
            return min(
                self.today, span_start + dt.timedelta(days=round(length * rng.uniform(0.3, 0.7)))
            )

        category = ctx.plan.category
        if category == "mfh":
            return
        if category in {"lac_in", "lac_out", "lac_out_moved"}:
            start = before(span_start, 30, 900)
            ctx.periods.append(Period(start, None, True, council))
            if category == "lac_in":
                self._placements_for(ctx, council, start, None, rng.randint(0, 2))
            elif category == "lac_out":
                self._placements_for(
                    ctx, self._out_of_area(council), start, None, rng.randint(0, 1)
                )
            else:
                move = max(middle(), start + dt.timedelta(days=1))
                self._placements_for(ctx, council, start, move - dt.timedelta(days=1), 0)
                self._placements_for(ctx, self._out_of_area(council), move, None, 0)
        elif category == "hosted":
            responsible = self.pick([c for c in (self.main, *self.neighbours) if c != council])
            start = before(span_start, 30, 700)
            ctx.periods.append(Period(start, None, True, responsible))
            self._placements_for(ctx, council, start, None, rng.randint(0, 1))
        elif category == "mfh_to_lac":
            start = middle()
            ctx.periods.append(Period(start, None, True, council))
            area = council if rng.random() < 0.7 else self._out_of_area(council)
            self._placements_for(ctx, area, start, None, rng.randint(0, 1))
        elif category == "lac_ceased":
            start = before(span_start, 60, 700)
            cease = max(middle(), start + dt.timedelta(days=2))
            ctx.periods.append(Period(start, cease - dt.timedelta(days=1), True, council))
            ctx.periods.append(Period(cease, None, False, None))
            self._placements_for(
                ctx, council, start, cease - dt.timedelta(days=1), rng.randint(0, 1)
            )

    # ------------------------------------------------------------------ children

    def _identity(self, plan: ChildPlan) -> dict[str, Any]:
        rng = self.rng
        sex = _weighted(
            rng,
            [(Child.Sex.FEMALE.value, 48), (Child.Sex.MALE.value, 49), (Child.Sex.OTHER.value, 3)],
        )
        origin = _weighted(rng, ORIGINS)
        firsts = (
            GIRLS
            if sex == Child.Sex.FEMALE
            else BOYS
            if sex == Child.Sex.MALE
            else self.pick([GIRLS, BOYS])
        )[origin].split()
        # Mixed-heritage children often have an English surname.
        surname_origin = origin if rng.random() < 0.85 else "english"
        ages = [(10, 2), (11, 3), (12, 5), (13, 8), (14, 12), (15, 14), (16, 14), (17, 10)]
        if plan.prolific:
            ages = [(14, 1), (15, 1), (16, 1), (17, 1)]
        age = _weighted(rng, ages)
        latest = _years_before(self.today, age)
        earliest = _years_before(self.today, age + 1) + dt.timedelta(days=1)
        dob = earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))
        return {
            "forename": self.pick(firsts),
            "surname": self.pick(SURNAMES[surname_origin].split()),
            "date_of_birth": dob,
            "sex": sex,
            "gender": "Non-binary" if sex == Child.Sex.OTHER and rng.random() < 0.5 else "",
            "ethnicity": _weighted(rng, ETHNICITIES[origin]),
        }

    def _episode_span(
        self, plan: ChildPlan, dob: dt.date, end: dt.datetime
    ) -> tuple[dt.datetime, dt.datetime]:
        rng = self.rng
        nine = _years_before(dob, -9)
        start = max(self.window_start, dt.datetime(nine.year, nine.month, nine.day, tzinfo=LONDON))
        available = (end - start).total_seconds() / 86400
        if plan.prolific:
            length = rng.uniform(300, 700)
        else:
            length = rng.uniform(
                *[(1, 200), (60, 400), (150, 600)][
                    0 if plan.n_episodes <= 5 else 1 if plan.n_episodes <= 15 else 2
                ]
            )
        length = min(length, available)
        if rng.random() < 0.35 or (plan.prolific and rng.random() < 0.5):
            offset = available - length  # still going missing now
        else:
            offset = rng.uniform(0, available - length)
        span_start = start + dt.timedelta(days=offset)
        return span_start, span_start + dt.timedelta(days=length)

    def _episode_times(
        self, plan: ChildPlan, span: tuple[dt.datetime, dt.datetime], limit: dt.datetime
    ) -> list[tuple[dt.datetime, dt.datetime, str]]:
        """(reported missing, returned, classification) for each closed episode, in order, never overlapping."""
        rng = self.rng
        span_start, span_end = span
        seconds = max(3600.0, (span_end - span_start).total_seconds())
        hour_weights = [4, 3, 2, 1, 1, 1, 1, 1, 2, 3, 3, 3, 4, 4, 5, 6, 7, 8, 9, 9, 9, 8, 7, 5]
        starts = []
        for _ in range(plan.n_episodes):
            at = span_start + dt.timedelta(seconds=rng.uniform(0, seconds))
            local = at.astimezone(LONDON)
            hour = rng.choices(range(24), weights=hour_weights, k=1)[0]
            day = local.date()
            starts.append(
                dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=LONDON)
            )
        starts.sort()
        result: list[tuple[dt.datetime, dt.datetime, str]] = []
        previous_return: dt.datetime | None = None
        for start in starts:
            if previous_return is not None and start < previous_return + dt.timedelta(hours=2):
                start = previous_return + self.minutes(2, 40)
            if start < self.window_start:
                continue
            classification = "A" if rng.random() < 0.15 else "M"
            hours = min(220.0, max(0.75, rng.lognormvariate(math.log(9), 1.1)))
            if classification == "A":
                hours = max(0.75, hours * 0.4)
            returned = start + dt.timedelta(minutes=round(hours * 60))
            if returned > limit:
                break
            result.append((start, returned, classification))
            previous_return = returned
        return result

    def create_child(self, plan: ChildPlan) -> ChildCtx:
        rng = self.rng
        council = self.councils[plan.council_key]
        area = self.areas[council.pk]
        fields = self._identity(plan)
        self.child_counter += 1
        fields["la_child_id"] = f"{CHILD_ID_PREFIX}{self.child_counter:06d}"
        home_town, postcode = self._town(area, council)
        home_address = self._address(home_town)
        fields["address"] = home_address
        fields["postcode"] = postcode
        if rng.random() < 0.6:
            fields["nhs_number"] = _nhs_number(rng)
        child = child_services.create_child(
            council, acting_user=self.admin if council == self.main else None, **fields
        )
        ctx = ChildCtx(plan, child, area, home_town, home_address)
        open_at = self.now - self.minutes(3, 96) if plan.open_episode else None
        limit = (
            (open_at - dt.timedelta(hours=3)) if open_at else self.now - dt.timedelta(minutes=45)
        )
        dob = fields["date_of_birth"]
        span = self._episode_span(plan, dob, limit)
        self.plan_legal_history(ctx, (_local_date(span[0]), _local_date(span[1])))
        self._record_history(ctx)
        self._child_details(ctx, span)
        times = self._episode_times(plan, span, limit)
        self._record_episodes(ctx, times, open_at)
        return ctx

    def _record_history(self, ctx: ChildCtx) -> None:
        actor = self.admin if ctx.child.council == self.main else None
        for period in ctx.periods:
            child_services.record_legal_status(
                ctx.child,
                status=LegalStatus.Status.LOOKED_AFTER
                if period.looked_after
                else LegalStatus.Status.NOT_LOOKED_AFTER,
                start_date=period.start,
                end_date=period.end,
                responsible_council=period.responsible,
                acting_user=actor,
            )
        for placement in ctx.placements:
            child_services.record_placement(
                ctx.child,
                placement_type=placement.placement_type,
                council_area=placement.area,
                start_date=placement.start,
                end_date=placement.end,
                address=placement.address,
                postcode=placement.postcode,
                acting_user=actor,
            )

    def _child_details(self, ctx: ChildCtx, span: tuple[dt.datetime, dt.datetime]) -> None:
        """Services, social worker, photographs, aliases and risk flags."""
        rng = self.rng
        child = ctx.child
        council = child.council
        looked_after_ever = any(p.looked_after for p in ctx.periods)
        looked_after_now = ctx.looked_after_on(self.today)
        services: list[str] = []
        if looked_after_now:
            services.append(Child.Service.LOOKED_AFTER.value)
        elif rng.random() < 0.6:
            services.append(
                _weighted(
                    rng,
                    [
                        (Child.Service.EARLY_HELP.value, 40),
                        (Child.Service.CHILD_IN_NEED.value, 35),
                        (Child.Service.CHILD_PROTECTION.value, 25),
                    ],
                )
            )
        if rng.random() < 0.2:
            services.append(Child.Service.CAMHS.value)
        if rng.random() < (0.4 if ctx.plan.prolific else 0.1):
            services.append(Child.Service.YOUTH_JUSTICE.value)
        updates: dict[str, Any] = {"services_involved": services}
        statutory = looked_after_now or bool(
            {Child.Service.CHILD_IN_NEED.value, Child.Service.CHILD_PROTECTION.value}
            & set(services)
        )
        if council == self.main and statutory and rng.random() < 0.7:
            updates["allocated_social_worker"] = self.pick(self.social_workers)
        if rng.random() < (0.75 if looked_after_ever else 0.25):
            updates["photographs_held"] = True
            updates["photographs_location"] = (
                f"On the child's file ({council.name} children's services)"
                if looked_after_ever
                else "Held by the family; copy given to police"
            )
        if looked_after_now:
            placement = ctx.placement_on(self.today)
            if placement is not None:
                updates["address"] = placement.address
                updates["postcode"] = placement.postcode
        actor = self.admin if council == self.main else None
        child_services.update_child(child, expected_version=None, acting_user=actor, **updates)
        if rng.random() < 0.3:
            nick = NICKNAMES.get(child.forename) or f"{child.forename[:3]}z"
            child_services.add_alias(child, nick, Alias.Kind.NICKNAME, acting_user=actor)
        if rng.random() < 0.15:
            handle = f"{child.forename.lower()}_{rng.randint(1, 99):02d}x"
            child_services.add_alias(child, handle, Alias.Kind.ONLINE, acting_user=actor)
        if looked_after_ever and rng.random() < 0.1:
            previous = self.pick(SURNAMES["english"].split())
            child_services.add_alias(
                child, f"{child.forename} {previous}", Alias.Kind.PREVIOUS, acting_user=actor
            )
        chance = 0.9 if ctx.plan.prolific else 0.3
        if rng.random() < chance:
            flags = [
                (RiskFlag.Flag.CCE.value, 20),
                (RiskFlag.Flag.COUNTY_LINES.value, 12),
                (RiskFlag.Flag.CSE.value, 15),
                (RiskFlag.Flag.GANGS.value, 8),
                (RiskFlag.Flag.SUBSTANCE_MISUSE.value, 20),
                (RiskFlag.Flag.MENTAL_HEALTH.value, 15),
                (RiskFlag.Flag.TRAFFICKING.value, 3),
                (RiskFlag.Flag.LEARNING_DIFFICULTY.value, 7),
            ]
            chosen: list[str] = []
            for _ in range(rng.randint(1, 3)):
                flag = _weighted(rng, flags)
                if flag not in chosen:
                    chosen.append(flag)
            dob = child.date_of_birth
            assert dob is not None
            for flag in chosen:
                start = _local_date(span[0]) - dt.timedelta(days=rng.randint(0, 200))
                start = min(self.today, max(start, _years_before(dob, -9)))
                end = None
                if rng.random() < 0.2 and start < self.today - dt.timedelta(days=30):
                    end = start + dt.timedelta(days=rng.randint(20, (self.today - start).days))
                child_services.add_risk_flag(
                    child,
                    flag=flag,
                    start_date=start,
                    end_date=end,
                    note="Identified at a strategy discussion" if rng.random() < 0.5 else "",
                    acting_user=actor,
                )
            ctx.flags = chosen

    # ------------------------------------------------------------------ episodes

    def _police_reference(self, force: Organisation, at: dt.datetime) -> str:
        self.police_counter += self.rng.randint(1, 40)
        name = force.name.lower()
        prefix = next(
            (p for key, p in POLICE_PREFIXES.items() if key in name), force.name[:3].upper()
        )
        return f"{prefix}-{at.astimezone(LONDON):%y}-{self.police_counter % 1000000:06d}"

    def _record_episodes(
        self,
        ctx: ChildCtx,
        times: list[tuple[dt.datetime, dt.datetime, str]],
        open_at: dt.datetime | None,
    ) -> None:
        rng = self.rng
        child = ctx.child
        front_door = self.front_doors[child.council_id]
        reporter = self.users["reporter"]
        all_times: list[tuple[dt.datetime, dt.datetime | None, str]] = list(times)
        if open_at is not None:
            all_times.append((open_at, None, "M"))
        for start, returned, classification in all_times:
            day = _local_date(start)
            placement = ctx.placement_on(day) if ctx.looked_after_on(day) else None
            area_org = placement.area if placement else child.council
            force = area_org.police_force or self.main_police
            town = (
                self.home_town
                if placement and placement.oak_house
                else self._town(self.areas.get(area_org.pk), area_org)[0]
            )
            if placement and placement.oak_house:
                sources = [("childrens_home", 55), ("police", 45)]
            elif placement and placement.placement_type in {
                Placement.Type.HOME_PRIVATE,
                Placement.Type.HOME_COUNCIL,
            }:
                sources = [("childrens_home", 35), ("police", 65)]
            elif placement and placement.placement_type == Placement.Type.FOSTER:
                sources = [("foster_carer", 20), ("police", 80)]
            else:
                sources = [("police", 85), ("parent", 8), ("school", 4), ("social_worker", 3)]
            source = _weighted(rng, sources)
            by_home = source == "childrens_home" and placement is not None and placement.oak_house
            actor = reporter if by_home else front_door
            reported_by = {
                "police": "Police (reported by "
                + ("carer" if placement else self.pick(["mum", "dad", "grandmother"]))
                + ")",
                "childrens_home": "Residential staff" + (" at Oak House" if by_home else ""),
                "foster_carer": "Foster carer",
                "parent": self.pick(["Mum", "Dad", "Aunt"]),
                "school": "School designated safeguarding lead",
                "social_worker": "Social worker",
            }[source]
            reference = self._police_reference(force, start)
            received = start + (
                self.minutes(0.1, 0.4) if source != "police" else self.minutes(0.1, 1.5)
            )
            if classification == "A":
                risk = _weighted(
                    rng,
                    [
                        (RiskLevel.NO_APPARENT_RISK.value, 45),
                        (RiskLevel.LOW.value, 45),
                        (RiskLevel.MEDIUM.value, 10),
                    ],
                )
            else:
                high = 25 if ctx.flags else 10
                risk = _weighted(
                    rng,
                    [
                        (RiskLevel.NO_APPARENT_RISK.value, 5),
                        (RiskLevel.LOW.value, 40),
                        (RiskLevel.MEDIUM.value, 42),
                        (RiskLevel.HIGH.value, high),
                    ],
                )
            where = placement.address if placement else ctx.home_address
            episode = episode_services.record_missing(
                child,
                reported_missing_at=start,
                received_at=min(received, self.now - dt.timedelta(minutes=1)),
                source=source,
                acting_user=actor,
                last_seen_at=start - self.minutes(0.3, 5),
                missing_from=where,
                police_force=force,
                police_reference=reference,
                risk_level=risk,
                classification=classification,
                reported_by=reported_by,
                circumstances=self.pick(CIRCUMSTANCES).format(
                    where="the placement" if placement else "home",
                    hour=self.pick([18, 19, 20, 21, 22]),
                    town=town,
                ),
                content={"police_reference": reference, "reported_by": reported_by},
                check_permission=False,
            )
            ctx.episodes.append(episode)
            if returned is None:
                ctx.rhis.append(None)
                continue
            found_source = "police" if rng.random() < 0.75 else source
            delay = self.minutes(12, 30) if rng.random() < 0.1 else self.minutes(0.1, 8)
            found_received = min(returned + delay, self.now - dt.timedelta(minutes=5))
            found_by_home = found_source == "childrens_home" and by_home
            episode = episode_services.record_return(
                episode,
                returned_at=returned,
                received_at=max(found_received, returned),
                source=found_source,
                acting_user=reporter if found_by_home else front_door,
                found_location=self.pick(FOUND_AT).format(town=town),
                content={"police_reference": reference},
                check_permission=False,
            )
            ctx.episodes[-1] = episode
            rhi = RHI.objects.get(episode=episode)
            rhi.episode = episode
            rhi.child = child
            ctx.rhis.append(rhi)

    # ------------------------------------------------------------------ RHIs

    def _team(self, rhi: RHI) -> Team:
        return self.teams[rhi.provider_id]

    def _allocate(self, ctx: ChildCtx, rhi: RHI, at: dt.datetime, prefer: User | None) -> User:
        rng = self.rng
        team = self._team(rhi)
        own_sw = ctx.child.allocated_social_worker
        if prefer is not None:
            worker = prefer
        elif (
            own_sw is not None
            and team.provider == self.main
            # Lately the RHI team is stretched: the child's social worker steps in more often.
            and rng.random() < (0.4 if rhi.referred_at > self.now - dt.timedelta(days=30) else 0.04)
        ):
            worker = own_sw
        else:
            suggested = rhi_services.suggest_worker(rhi)
            # The same worker as last time where possible; but the child's own social worker
            # only now and then (the independence rule).
            keep = 0.3 if suggested is not None and suggested == own_sw else 0.85
            worker = (
                suggested
                if suggested is not None and rng.random() < keep
                else self.pick(team.workers)
            )
        reason = (
            self.pick(INDEPENDENCE_REASONS)
            if rhi_services.independence_warning(rhi, worker)
            else ""
        )
        rhi_services.allocate_rhi(
            rhi, worker, expected_version=None, acting_user=team.manager, independence_reason=reason
        )
        RHI.objects.filter(pk=rhi.pk).update(allocated_at=at)
        rhi.allocated_at = at
        return worker

    def _attempt(
        self,
        rhi: RHI,
        worker: User,
        at: dt.datetime,
        *,
        result: str,
        contacted: str,
        method: str | None = None,
    ) -> None:
        method = method or _weighted(
            self.rng,
            [
                (ContactAttempt.Method.PHONE.value, 45),
                (ContactAttempt.Method.TEXT.value, 25),
                (ContactAttempt.Method.VISIT.value, 15),
                (ContactAttempt.Method.SCHOOL.value, 8),
                (ContactAttempt.Method.EMAIL.value, 7),
            ],
        )
        rhi_services.log_contact_attempt(
            rhi,
            attempted_at=at,
            method=method,
            contacted=contacted,
            result=result,
            acting_user=worker,
        )

    def _contacted(self, ctx: ChildCtx, rhi: RHI) -> str:
        looked_after = ctx.looked_after_on(_local_date(rhi.episode.reported_missing_at))
        return _weighted(
            self.rng,
            [
                (ContactAttempt.Contacted.CHILD.value, 55),
                (
                    ContactAttempt.Contacted.CARER.value
                    if looked_after
                    else ContactAttempt.Contacted.PARENT.value,
                    35,
                ),
                (
                    ContactAttempt.Contacted.SOCIAL_WORKER.value
                    if looked_after
                    else ContactAttempt.Contacted.SCHOOL.value,
                    10,
                ),
            ],
        )

    def _set_outcome(
        self,
        rhi: RHI,
        worker: User,
        at: dt.datetime,
        outcome: str,
        reason: str = "",
        note: str = "",
    ) -> None:
        rhi_services.record_outcome(
            rhi,
            outcome=outcome,
            decline_reason=reason,
            note=note,
            expected_version=None,
            acting_user=worker,
        )
        closed = at if rhi.status == RHI.Status.CLOSED else None
        RHI.objects.filter(pk=rhi.pk).update(outcome_recorded_at=at, closed_at=closed)
        rhi.outcome_recorded_at, rhi.closed_at = at, closed

    def _close_pending(self, pending: list[RHI], at: dt.datetime) -> None:
        for other in pending:
            if other.status == RHI.Status.CLOSED or at >= self.now:
                continue
            self._set_outcome(
                other,
                self._team(other).manager,
                at,
                RHI.Outcome.NOT_APPLICABLE.value,
                note=MISSING_AGAIN_NA,
            )

    def _consent(self, ctx: ChildCtx, rhi: RHI, worker: User, at: dt.datetime) -> None:
        rng = self.rng
        child = ctx.child
        looked_after = ctx.looked_after_on(_local_date(rhi.episode.reported_missing_at))
        age = _age_on(child.date_of_birth or self.today, _local_date(at))
        if rng.random() < 0.08:
            rhi_services.record_consent(
                rhi, consent_needed=False, expected_version=None, acting_user=worker
            )
        else:
            if looked_after:
                period = ctx.period_on(_local_date(rhi.episode.reported_missing_at))
                council = period.responsible if period and period.responsible else child.council
                given_by, name = (
                    RHI.ConsentBy.CORPORATE_PARENT.value,
                    f"{council.name} (corporate parent)",
                )
            elif rng.random() < 0.05:
                given_by, name = (
                    RHI.ConsentBy.SCHOOL.value,
                    f"Designated safeguarding lead, {self.pick(SCHOOLS)}",
                )
            elif age >= 16 and rng.random() < 0.6:
                given_by, name = RHI.ConsentBy.CHILD.value, child.forename
            else:
                parent = self.pick(GIRLS["english"].split() + BOYS["english"].split())
                given_by, name = RHI.ConsentBy.PARENT.value, f"{parent} {child.surname}"
            rhi_services.record_consent(
                rhi,
                consent_needed=True,
                given_by=given_by,
                given_by_name=name,
                expected_version=None,
                acting_user=worker,
            )
        RHI.objects.filter(pk=rhi.pk).update(consent_recorded_at=at)
        rhi.consent_recorded_at = at

    def simulate_child(self, ctx: ChildCtx) -> None:
        pending: list[RHI] = []
        for index, rhi in enumerate(ctx.rhis):
            if rhi is None or index in ctx.covered:
                continue
            pending = self._simulate_rhi(ctx, index, rhi, pending)
        # Nothing sits forgotten for months: a manager closes what was left waiting long ago.
        stale = [p for p in pending if p.due_at and p.due_at < self.now - dt.timedelta(days=42)]
        for other in stale:
            if other.status != RHI.Status.CLOSED and other.outcome == "":
                assert other.due_at is not None
                self._set_outcome(
                    other,
                    self._team(other).manager,
                    self.office(other.due_at + self.minutes(24, 72)),
                    RHI.Outcome.NOT_APPLICABLE.value,
                    note="No contact after repeated attempts; closed at the missing meeting.",
                )

    def _simulate_rhi(self, ctx: ChildCtx, index: int, rhi: RHI, pending: list[RHI]) -> list[RHI]:
        """Walk one RHI through its life, stopping wherever the simulated clock reaches now."""
        rng = self.rng
        now = self.now
        episodes = ctx.episodes
        nxt = episodes[index + 1] if index + 1 < len(episodes) else None
        next_start = nxt.reported_missing_at if nxt is not None else None
        # In the last three weeks the team has fallen behind: a live queue for the demo.
        behind = rhi.referred_at > now - dt.timedelta(days=21)
        allocated_at = self.office(rhi.referred_at + self.minutes(0.3, 70 if behind else 20))
        if allocated_at >= now or (next_start is not None and allocated_at >= next_start):
            if next_start is not None and allocated_at >= next_start:
                # Missing again before anyone picked it up: the next interview may cover it.
                return [*pending, rhi]
            return pending
        prefer = next((p.allocated_worker for p in pending if p.allocated_worker is not None), None)
        worker = self._allocate(ctx, rhi, allocated_at, prefer)
        fate = _weighted(
            rng, [("na", 7), ("stall", 2), ("decline", 30), ("na_after_offer", 4), ("accept", 57)]
        )
        if fate == "na":
            at = self.office(allocated_at + self.minutes(1, 48))
            if at < now:
                self._set_outcome(
                    rhi, worker, at, RHI.Outcome.NOT_APPLICABLE.value, note=self.pick(NA_NOTES)
                )
                self._close_pending(pending, at)
                return []
            return pending
        reason = self.decline_deck.deal() if fate == "decline" else ""
        contacted = self._contacted(ctx, rhi)
        n_attempts = _weighted(rng, [(1, 40), (2, 30), (3, 20), (4, 10)]) + (1 if behind else 0)
        if reason == DeclineReason.NO_CONTACT:
            n_attempts = rng.randint(3, 5)
        late = rng.random() < (0.35 if behind else 0.1)
        at = self.office(allocated_at + (self.minutes(40, 110) if late else self.minutes(0.5, 8)))
        attempt_times = [at]
        for _ in range(n_attempts - 1):
            attempt_times.append(
                self.office(attempt_times[-1] + self.minutes(2, 30 if behind else 14))
            )
        offer_at = attempt_times[-1]
        horizon = min(now, next_start) if next_start is not None else now

        if fate == "stall" or offer_at >= horizon - dt.timedelta(hours=1):
            # Still trying when the child went missing again (or now).
            for attempt in attempt_times:
                if attempt < horizon:
                    self._attempt(
                        rhi,
                        worker,
                        attempt,
                        result=self.pick(["no_answer", "message_left", "not_there"]),
                        contacted=contacted,
                    )
            if next_start is None or next_start >= now:
                return [*pending, rhi]
            if (
                fate in {"accept", "stall"}
                and nxt is not None
                and nxt.returned_at is not None
                and rng.random() < 0.5
            ):
                return [*pending, rhi]
            room = next_start - allocated_at
            if room >= dt.timedelta(hours=3):
                offer = allocated_at + dt.timedelta(
                    seconds=rng.uniform(3600, room.total_seconds() - 3600)
                )
                self._attempt(
                    rhi,
                    worker,
                    offer,
                    result="spoke",
                    contacted=ContactAttempt.Contacted.PARENT.value
                    if contacted == "school"
                    else contacted,
                    method="phone",
                )
                rhi_services.record_offer(
                    rhi,
                    offer_made_at=offer,
                    offered_to=RHI.OfferedTo.PARENT_CARER.value,
                    expected_version=None,
                    acting_user=worker,
                )
                decided = next_start + self.minutes(1, 24)
                if decided < now:
                    self._set_outcome(
                        rhi,
                        worker,
                        decided,
                        RHI.Outcome.DECLINED.value,
                        DeclineReason.MISSING_AGAIN.value,
                        DECLINE_NOTES[DeclineReason.MISSING_AGAIN],
                    )
                    self._close_pending(pending, decided)
                    return []
                return [*pending]
            at_na = next_start + self.minutes(1, 24)
            if at_na < now:
                self._set_outcome(
                    rhi, worker, at_na, RHI.Outcome.NOT_APPLICABLE.value, note=MISSING_AGAIN_NA
                )
                self._close_pending(pending, at_na)
                return []
            return pending

        # The offer is made (on the last attempt).
        for attempt in attempt_times[:-1]:
            self._attempt(
                rhi,
                worker,
                attempt,
                result=self.pick(["no_answer", "message_left", "not_there", "spoke"]),
                contacted=contacted,
            )
        if reason == DeclineReason.NO_CONTACT:
            self._attempt(
                rhi,
                worker,
                offer_at,
                result="message_left",
                contacted=ContactAttempt.Contacted.CHILD.value,
                method=self.pick(["letter", "calling_card"]),
            )
            offered_to = RHI.OfferedTo.CHILD.value
        elif reason == DeclineReason.PARENT_REFUSED:
            self._attempt(
                rhi,
                worker,
                offer_at,
                result="refused",
                contacted=ContactAttempt.Contacted.PARENT.value,
            )
            offered_to = RHI.OfferedTo.PARENT_CARER.value
        elif reason == DeclineReason.CHILD_REFUSED:
            self._attempt(
                rhi,
                worker,
                offer_at,
                result="refused",
                contacted=ContactAttempt.Contacted.CHILD.value,
            )
            offered_to = self.pick([RHI.OfferedTo.CHILD.value, RHI.OfferedTo.BOTH.value])
        else:
            self._attempt(
                rhi,
                worker,
                offer_at,
                result="arranged" if fate == "accept" else "spoke",
                contacted=contacted,
            )
            offered_to = _weighted(
                rng,
                [
                    (RHI.OfferedTo.CHILD.value, 60),
                    (RHI.OfferedTo.BOTH.value, 30),
                    (RHI.OfferedTo.PARENT_CARER.value, 10),
                ],
            )
        rhi_services.record_offer(
            rhi,
            offer_made_at=offer_at,
            offered_to=offered_to,
            expected_version=None,
            acting_user=worker,
        )

        if fate == "na_after_offer":
            at = self.office(offer_at + self.minutes(1, 60))
            if at < now:
                self._set_outcome(
                    rhi, worker, at, RHI.Outcome.NOT_APPLICABLE.value, note=self.pick(NA_NOTES)
                )
                self._close_pending(pending, at)
                return []
            return pending

        # Often the answer comes at once; sometimes a day or two later.
        decided = offer_at
        if reason == DeclineReason.NO_CONTACT:
            decided = offer_at + self.minutes(48, 120)
        elif rng.random() < (0.5 if behind else 0.25):
            later = self.office(offer_at + self.minutes(4, 40))
            if next_start is None or later < next_start - dt.timedelta(hours=2):
                decided = later

        if fate == "decline":
            if decided >= now:
                return pending
            self._set_outcome(
                rhi,
                worker,
                decided,
                RHI.Outcome.DECLINED.value,
                reason,
                DECLINE_NOTES[DeclineReason(reason)],
            )
            self._close_pending(pending, decided)
            carer_reasons = {
                DeclineReason.CHILD_REFUSED,
                DeclineReason.NO_CONTACT,
                DeclineReason.MISSING_AGAIN,
                DeclineReason.MENTAL_HEALTH,
            }
            if reason in carer_reasons and rng.random() < 0.4:
                held = self.office(decided + self.minutes(2, 60))
                if held < now:
                    self._interview(ctx, [rhi], worker, held, carer_only=True)
            return []

        # Accepted.
        if decided >= now:
            return pending
        self._consent(ctx, rhi, worker, decided)
        self._set_outcome(rhi, worker, decided, RHI.Outcome.ACCEPTED.value)
        offer_at = decided
        if rng.random() < 0.06:
            changed = self.office(offer_at + self.minutes(12, 60))
            if changed < horizon:
                why = self.pick([DeclineReason.CHILD_REFUSED, DeclineReason.OTHER])
                self._set_outcome(
                    rhi,
                    worker,
                    changed,
                    RHI.Outcome.DECLINED.value,
                    why.value,
                    "Agreed, then did not come to the interview. " + DECLINE_NOTES[why],
                )
                self._close_pending(pending, changed)
                return []
        due = rhi.due_at or offer_at + dt.timedelta(hours=72)
        if rng.random() < (0.55 if behind else 0.85) and offer_at < due - dt.timedelta(hours=2):
            hours_left = (due - offer_at).total_seconds() / 3600
            held = self.office(offer_at + self.minutes(1, min(30.0, hours_left - 1)))
            if held > due - dt.timedelta(minutes=10):
                held = offer_at + self.minutes(1, min(3.0, hours_left - 0.5))
        else:
            held = self.office(max(offer_at, due) + self.minutes(2, 170))
        if next_start is not None and held >= next_start - dt.timedelta(hours=1):
            # Missing again before the interview.
            assert nxt is not None
            after = episodes[index + 2].reported_missing_at if index + 2 < len(episodes) else now
            if nxt.returned_at is not None and rng.random() < 0.6 and index + 1 not in ctx.covered:
                held2 = self.office(nxt.returned_at + self.minutes(4, 60))
                next_rhi = ctx.rhis[index + 1]
                if held2 < after - dt.timedelta(hours=1) and next_rhi is not None:
                    ctx.covered.add(index + 1)
                    next_alloc = self.office(next_rhi.referred_at + self.minutes(0.3, 20))
                    if next_alloc < min(held2, now):
                        rhi_services.allocate_rhi(
                            next_rhi,
                            worker,
                            expected_version=None,
                            acting_user=self._team(next_rhi).manager,
                            independence_reason=self.pick(INDEPENDENCE_REASONS)
                            if rhi_services.independence_warning(next_rhi, worker)
                            else "",
                        )
                        RHI.objects.filter(pk=next_rhi.pk).update(allocated_at=next_alloc)
                        next_rhi.allocated_at = next_alloc
                    if held2 < now:
                        self._interview(
                            ctx, [rhi, *pending, next_rhi], worker, held2, carer_only=False
                        )
                        return []
                    return pending
            decided = next_start + self.minutes(1, 24)
            if decided < now:
                self._set_outcome(
                    rhi,
                    worker,
                    decided,
                    RHI.Outcome.DECLINED.value,
                    DeclineReason.MISSING_AGAIN.value,
                    DECLINE_NOTES[DeclineReason.MISSING_AGAIN],
                )
                self._close_pending(pending, decided)
                return []
            return pending
        if held >= now:
            return pending
        self._interview(ctx, [rhi, *pending], worker, held, carer_only=False)
        return []

    # ------------------------------------------------------------------ interviews, review, actions

    def _box_o(self, ctx: ChildCtx, carer_only: bool) -> dict[str, Any]:
        rng = self.rng
        town = ctx.home_town
        towns = [t for t, _ in (ctx.area.towns if ctx.area else ())] or [town]
        nick = self.pick(STREET_NICKNAMES)
        fmt = {"town": self.pick(towns), "nick": f"'{nick}'", "word": self.pick(STREET_WORDS)}
        people = [
            f"'{nick}' (male, about {rng.randint(17, 26)}), phone 07700 900{rng.randrange(1000):03d}, "
            f"drives a {self.pick(CARS)}"
        ]
        if rng.random() < 0.5:
            people.append(
                f"Online name '{self.pick(STREET_NICKNAMES).lower()}{rng.randint(1, 99)}' on Snapchat; "
                f"older female known as '{self.pick(STREET_NICKNAMES)}'"
            )
        exploited = {"cce", "county_lines", "gangs"} & set(ctx.flags)
        sexual = "cse" in ctx.flags
        box: dict[str, Any] = {
            "push_factors": self.pick(PUSH),
            "pull_factors": self.pick(PULL).format(**fmt),
            "experiences": self.pick(EXPERIENCES).format(**fmt),
            "people_of_concern": "; ".join(people) if rng.random() < 0.6 else "",
            "places_of_concern": self.pick(PLACES).format(**fmt) if rng.random() < 0.6 else "",
            "risk_factors": ", ".join(rng.sample(RISK_FACTORS, rng.randint(1, 3))),
            "protective_factors": ", ".join(rng.sample(PROTECTIVE_FACTORS, rng.randint(1, 2))),
            "reflection": self.pick(REFLECTIONS).format(**fmt),
            "cce_identified": rng.random() < (0.55 if exploited else 0.08),
            "cse_identified": rng.random() < (0.5 if sexual else 0.05),
            "carer_feedback": self.pick(CARER_FEEDBACK),
        }
        if not carer_only:
            box["childs_words"] = self.pick(CHILDS_WORDS)
            box["child_feedback"] = self.pick(CHILD_FEEDBACK)
        return box

    def _actions(
        self, box: dict[str, Any], held: dt.datetime, carer_only: bool
    ) -> list[ActionProposal]:
        rng = self.rng
        count = _weighted(
            rng, [(0, 40), (1, 60)] if carer_only else [(0, 15), (1, 35), (2, 35), (3, 15)]
        )
        services = list(ACTIONS)
        weights = [
            3
            if s in {ProposedAction.Service.POLICE, ProposedAction.Service.SEXUAL_EXPLOITATION}
            and (box["cce_identified"] or box["cse_identified"])
            else 1
            for s in services
        ]
        proposals = []
        for _ in range(count):
            service = rng.choices(services, weights=weights, k=1)[0]
            proposals.append(
                ActionProposal(
                    description=self.pick(ACTIONS[service]),
                    service=str(service),
                    owner=self.pick(ACTION_OWNERS),
                    due_date=_local_date(held) + dt.timedelta(days=rng.randint(7, 42)),
                )
            )
        return proposals

    def _interview(
        self, ctx: ChildCtx, rhis: list[RHI], worker: User, held: dt.datetime, *, carer_only: bool
    ) -> None:
        rng = self.rng
        looked_after = ctx.looked_after_on(_local_date(held))
        if carer_only:
            place = (
                self.pick([Interview.Place.PLACEMENT.value, Interview.Place.HOME.value])
                if looked_after
                else Interview.Place.HOME.value
            )
            mode = self.pick([Interview.Mode.TELEPHONE.value, Interview.Mode.FACE_TO_FACE.value])
        elif looked_after:
            place = _weighted(
                rng,
                [
                    (Interview.Place.PLACEMENT.value, 45),
                    (Interview.Place.SCHOOL.value, 20),
                    (Interview.Place.COMMUNITY.value, 25),
                    (Interview.Place.SECURE.value, 3),
                    (Interview.Place.OTHER.value, 7),
                ],
            )
            mode = self._in_person_mode()
        else:
            place = _weighted(
                rng,
                [
                    (Interview.Place.HOME.value, 45),
                    (Interview.Place.SCHOOL.value, 25),
                    (Interview.Place.COMMUNITY.value, 25),
                    (Interview.Place.OTHER.value, 5),
                ],
            )
            mode = self._in_person_mode()
        box = self._box_o(ctx, carer_only)
        if carer_only:
            source = self.pick(INFORMATION_FROM)
            details = InterviewDetails(
                kind=Interview.Kind.CARER_ONLY.value,
                held_at=held,
                place=place,
                mode=mode,
                people_present=f"{source} and {worker}",
                information_from=source,
                box_o=box,
            )
        else:
            present = f"{ctx.child.forename} and {worker}"
            if rng.random() < 0.3:
                present += (
                    ", with "
                    + ("the carer" if looked_after else "a parent")
                    + " for the first part"
                )
            details = InterviewDetails(
                kind=Interview.Kind.INTERVIEW.value,
                held_at=held,
                place=place,
                mode=mode,
                people_present=present,
                time_alone=rng.random() < 0.85,
                box_o=box,
            )
        proposals = self._actions(box, held, carer_only)
        interview = rhi_services.record_interview(rhis, details, proposals, acting_user=worker)
        submitted = min(held + self.minutes(1, 48), max(held, self.now - dt.timedelta(minutes=10)))
        Interview.objects.filter(pk=interview.pk).update(submitted_at=submitted)
        interview.submitted_at = submitted
        for rhi in rhis:
            if rhi.allocated_at is None:
                # Covered before anyone was allocated: record_interview allocates but leaves no time.
                RHI.objects.filter(pk=rhi.pk).update(allocated_at=held)
                rhi.allocated_at = held
            if rhi.offer_made_at == held:
                # Accepted by the covering interview: the interview is its offer and acceptance.
                RHI.objects.filter(pk=rhi.pk).update(outcome_recorded_at=held)
                rhi.outcome_recorded_at = held
        self._review(interview, self._team(rhis[0]), submitted, held)

    def _in_person_mode(self) -> str:
        """How an interview arranged in person mostly happens."""
        return _weighted(
            self.rng,
            [
                (Interview.Mode.FACE_TO_FACE.value, 85),
                (Interview.Mode.TELEPHONE.value, 10),
                (Interview.Mode.VIDEO.value, 5),
            ],
        )

    def _review(
        self, interview: Interview, team: Team, submitted: dt.datetime, held: dt.datetime
    ) -> None:
        rng = self.rng
        behind = held > self.now - dt.timedelta(days=21)
        reviewed = self.office(submitted + self.minutes(4, 400 if behind else 200))
        recent = reviewed > self.now - dt.timedelta(days=42)
        if reviewed >= self.now or (recent and rng.random() < 0.015):
            return  # awaiting the manager's review
        manager = team.manager
        actions = list(interview.actions.order_by("pk"))
        responses: dict[int, tuple[str, str]] = {}
        for action in actions:
            response = self.response_deck.deal()
            comment = {
                ProposedAction.Response.AGREED.value: "",
                ProposedAction.Response.CHANGED.value: self.pick(CHANGED_COMMENTS),
                ProposedAction.Response.REJECTED.value: self.pick(REJECTED_COMMENTS),
            }[response]
            responses[action.pk] = (response, comment)
        comment = self.pick(
            [
                "Good interview; agree with the reflection.",
                "Please share with the social worker today.",
                "",
                "Discuss at the weekly missing meeting.",
            ]
        )
        rhi_services.review_interview(
            interview, responses=responses, comment=comment, acting_user=manager
        )
        Interview.objects.filter(pk=interview.pk).update(reviewed_at=reviewed)
        RHI.objects.filter(interview=interview).update(closed_at=reviewed)
        ProposedAction.objects.filter(interview=interview).update(responded_at=reviewed)
        worker = interview.conducted_by
        for action in actions:
            action.refresh_from_db()
            if action.status != ProposedAction.Status.AGREED:
                continue
            if rng.random() < 0.05:
                continue  # agreed, never started
            started = self.office(reviewed + self.minutes(24, 240))
            if started >= self.now:
                continue
            followup_services.record_action_progress(
                action,
                status=ProposedAction.Status.IN_PROGRESS.value,
                expected_version=None,
                acting_user=worker,
            )
            finish = _weighted(rng, [("done", 76), ("not_done", 17), ("open", 7)])
            due = action.due_date or _local_date(held)
            end_day = due + dt.timedelta(days=rng.randint(-10, 10))
            ended = self.office(
                max(
                    started + dt.timedelta(hours=20),
                    dt.datetime(end_day.year, end_day.month, end_day.day, 11, tzinfo=LONDON),
                )
            )
            if finish == "open" or ended >= self.now:
                continue
            status = (
                ProposedAction.Status.DONE.value
                if finish == "done"
                else ProposedAction.Status.NOT_DONE.value
            )
            outcome = self.pick(DONE_OUTCOMES if finish == "done" else NOT_DONE_OUTCOMES)
            followup_services.record_action_progress(
                action, status=status, outcome=outcome, expected_version=None, acting_user=worker
            )
            ProposedAction.objects.filter(pk=action.pk).update(completed_at=ended)

    # ------------------------------------------------------------------ the whole thing

    def build(self, *, progress: Any = None) -> DemoSummary:
        with transaction.atomic():
            self.setup_organisations()
            place_home_in_council_area(self.home, self.main)
            self.setup_users()
            self.setup_services()
            plans = self.plan_children()
            for number, plan in enumerate(plans, start=1):
                ctx = self.create_child(plan)
                self.simulate_child(ctx)
                if progress is not None and number % 50 == 0:
                    progress(f"  {number} of {len(plans)} children")
            queue_police_notifications(
                self.main, self.main_police, self.users["frontdoor"], self.now
            )
        return self.summary()

    def summary(self) -> DemoSummary:
        children = demo_children()
        episodes = Episode.objects.filter(child__in=children)
        rhis = RHI.objects.filter(child__in=children)
        interviews = Interview.objects.filter(child__in=children)
        actions = ProposedAction.objects.filter(child__in=children)
        real_now = timezone.now()
        lines = [
            f"Children: {children.count()} ("
            + ", ".join(
                f"{c.name} {children.filter(council=c).count()}"
                for c in (self.main, *self.neighbours)
            )
            + ")",
            f"Episodes: {episodes.count()} (open {episodes.open().count()})",
            f"  {self.main.name}, by group: "
            + ", ".join(
                f"{row['group']} {row['n']}"
                for row in episodes.filter(council=self.main)
                .values("group")
                .annotate(n=Count("pk"))
                .order_by("group")
            ),
            "RHIs by status: "
            + ", ".join(
                f"{row['status']} {row['n']}"
                for row in rhis.values("status").annotate(n=Count("pk")).order_by("status")
            ),
            "  outcomes: "
            + ", ".join(
                f"{row['outcome'] or 'none yet'} {row['n']}"
                for row in rhis.values("outcome").annotate(n=Count("pk")).order_by("outcome")
            ),
            "  declined: "
            + ", ".join(
                f"{row['decline_reason']} {row['n']}"
                for row in rhis.filter(outcome=RHI.Outcome.DECLINED)
                .values("decline_reason")
                .annotate(n=Count("pk"))
                .order_by("decline_reason")
            ),
            f"  overdue now: {rhis.overdue(real_now).count()}",
            f"Interviews: {interviews.filter(kind=Interview.Kind.INTERVIEW).count()} with the child, "
            f"{interviews.filter(kind=Interview.Kind.CARER_ONLY).count()} carer-only, "
            f"{interviews.awaiting_review().count()} awaiting review, "
            f"{rhis.filter(interview__isnull=False).values('interview').annotate(n=Count('pk')).filter(n__gt=1).count()} covering several episodes",
            "Actions by status: "
            + ", ".join(
                f"{row['status']} {row['n']}"
                for row in actions.values("status").annotate(n=Count("pk")).order_by("status")
            )
            + f" (overdue {actions.overdue().count()})",
        ]
        users = [
            (u.username, str(u.get_role_display()), str(u.organisation))
            for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related("organisation")
        ]
        order = {name: i for i, name in enumerate(DEMO_USERNAMES)}
        users.sort(key=lambda row: order[row[0]])
        return DemoSummary(lines, users, self.notes)


def _demo_service_delivery(council: Organisation, admin: Any, today: dt.date) -> None:
    """Who delivers the demo council's service (for its FOI answers), and one contract."""
    from decimal import Decimal

    from returnhome.organisations.models import Contract
    from returnhome.organisations.services import (
        ContractDetails,
        ServiceDelivery,
        add_contract,
        configure_delivery,
    )

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
        expected_version=None,
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


def build_demo_data(
    *,
    seed: int = 1,
    children: int = 300,
    years: int = 2,
    today: dt.date | None = None,
    password: str = DEFAULT_PASSWORD,
    progress: Any = None,
) -> DemoSummary:
    builder = DemoBuilder(
        seed=seed,
        children=children,
        years=years,
        today=today or timezone.localdate(),
        password=password,
    )
    return builder.build(progress=progress)


def fingerprint() -> list[tuple[Any, ...]]:
    """A deterministic description of the demo data (no primary keys), to compare two builds."""
    rows: list[tuple[Any, ...]] = []
    for child in demo_children().select_related("council").order_by("la_child_id"):
        rows.append(
            (
                "child",
                child.council.la_code,
                child.la_child_id,
                child.forename,
                child.surname,
                child.date_of_birth,
                child.nhs_number,
                child.postcode,
            )
        )
    for episode in (
        Episode.objects.filter(child__in=demo_children())
        .select_related("child", "rhi")
        .order_by("child__la_child_id", "reported_missing_at")
    ):
        rhi = getattr(episode, "rhi", None)
        rows.append(
            (
                "episode",
                episode.child.la_child_id,
                episode.group,
                episode.reported_missing_at,
                episode.returned_at,
                rhi.status if rhi else None,
                rhi.outcome if rhi else None,
                rhi.decline_reason if rhi else None,
            )
        )
    for action in (
        ProposedAction.objects.filter(child__in=demo_children())
        .select_related("child", "interview")
        .order_by("child__la_child_id", "interview__held_at", "description", "status")
    ):
        rows.append(
            (
                "action",
                action.child.la_child_id,
                action.interview.held_at,
                action.service,
                action.status,
            )
        )
    return rows


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, organisation) of the demo users present in the database."""
    usernames = [spec[0] for spec in USER_SPECS]
    found = {
        u.username: u
        for u in User.objects.filter(username__in=usernames).select_related("organisation")
    }
    return [
        (name, found[name].get_role_display(), str(found[name].organisation or ""))
        for name in usernames
        if name in found
    ]
