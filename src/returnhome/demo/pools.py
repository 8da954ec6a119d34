"""Name pools and places: the demo councils' towns and postcodes, and the given names, surnames,
ethnicities and nicknames children are made from (the synthetic police files use the same pools)."""

from __future__ import annotations

from dataclasses import dataclass

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
