"""Fake but well-formed identities and values: names, addresses, phones, NPIs, MBIs, dates.

Everything takes an explicit ``random.Random`` so a document is a pure function of its seed.
Identifiers follow the real formats (NPI check digit, MBI letter rules) because extractors
validate them; a wrong-format fake would teach the extractor nothing.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import date, datetime, timedelta

FEMALE_FIRST = (
    "Mary",
    "Patricia",
    "Linda",
    "Barbara",
    "Dorothy",
    "Margaret",
    "Ruth",
    "Helen",
    "Gloria",
    "Maria",
    "Rosa",
    "Yolanda",
    "Carmen",
    "Mei",
    "Lin",
    "Priya",
    "Aisha",
    "Fatima",
    "Doris",
    "Evelyn",
    "Joan",
    "Shirley",
    "Beverly",
    "Frances",
    "Janet",
    "Lucille",
    "Ngozi",
    "Thuy",
    "Irene",
    "Consuelo",
    "Anh",
    "Kathleen",
    "Bernadette",
    "Olga",
    "Hannah",
    "Esther",
)
MALE_FIRST = (
    "James",
    "Robert",
    "John",
    "William",
    "Richard",
    "Charles",
    "Thomas",
    "Donald",
    "George",
    "Kenneth",
    "Jose",
    "Luis",
    "Carlos",
    "Wei",
    "Hiroshi",
    "Rajesh",
    "Mohammed",
    "Ahmed",
    "Walter",
    "Harold",
    "Eugene",
    "Raymond",
    "Frank",
    "Leroy",
    "Chidi",
    "Minh",
    "Stanislaw",
    "Dmitri",
    "Earl",
    "Lloyd",
    "Vernon",
    "Francisco",
    "Abdul",
    "Samuel",
    "Otis",
    "Bernard",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Nguyen",
    "Patel",
    "Kowalski",
    "O'Brien",
    "McAllister",
    "Okafor",
    "Yamamoto",
    "Schneider",
    "Rossi",
    "Haddad",
    "Kim",
    "Chen",
    "Washington",
    "Delgado",
    "Fitzgerald",
    "Novak",
    "Brennan",
    "Abernathy",
    "Castillo",
    "Van Buren",
    "Ostrowski",
    "Greenberg",
    "Dubois",
    "Sullivan",
)
CLINICIAN_FIRST = (
    "Sarah",
    "Michael",
    "David",
    "Jennifer",
    "Anil",
    "Susan",
    "Paul",
    "Elena",
    "Mark",
    "Laura",
    "Kevin",
    "Nadia",
    "Steven",
    "Rachel",
    "Omar",
    "Julia",
    "Brian",
    "Grace",
    "Victor",
    "Amy",
)
CREDENTIALS = ("MD", "MD", "MD", "DO", "NP", "FNP-C", "PA-C", "MD", "DO", "APRN")

CITIES = (
    ("Springfield", "IL", "627"),
    ("Columbus", "OH", "432"),
    ("Dayton", "OH", "454"),
    ("Tucson", "AZ", "857"),
    ("Mesa", "AZ", "852"),
    ("Fresno", "CA", "937"),
    ("Bakersfield", "CA", "933"),
    ("Tampa", "FL", "336"),
    ("Ocala", "FL", "344"),
    ("Savannah", "GA", "314"),
    ("Knoxville", "TN", "379"),
    ("Louisville", "KY", "402"),
    ("Toledo", "OH", "436"),
    ("Erie", "PA", "165"),
    ("Scranton", "PA", "185"),
    ("Albany", "NY", "122"),
    ("Syracuse", "NY", "132"),
    ("Worcester", "MA", "016"),
    ("Hartford", "CT", "061"),
    ("Baton Rouge", "LA", "708"),
    ("El Paso", "TX", "799"),
    ("Lubbock", "TX", "794"),
    ("Spokane", "WA", "992"),
    ("Boise", "ID", "837"),
    ("Des Moines", "IA", "503"),
    ("Omaha", "NE", "681"),
    ("Wichita", "KS", "672"),
    ("Reno", "NV", "895"),
    ("Greenville", "SC", "296"),
    ("Asheville", "NC", "288"),
)
STREETS = (
    "Oak",
    "Maple",
    "Cedar",
    "Elm",
    "Pine",
    "Washington",
    "Lincoln",
    "Jefferson",
    "Park",
    "Lakeview",
    "Hillcrest",
    "Sunset",
    "Ridge",
    "Meadow",
    "Church",
    "Mill",
    "Spring",
    "Martin Luther King Jr",
    "Cherry Blossom",
    "Old Country",
    "Riverside",
    "Highland",
)
STREET_SUFFIX = ("St", "Street", "Ave", "Avenue", "Rd", "Dr", "Ln", "Blvd", "Ct", "Way", "Pl")
UNIT_FORMS = ("Apt {n}", "Apt. {n}", "Unit {n}", "#{n}", "Lot {n}", "Suite {n}")
AREA_CODES = (
    "217",
    "614",
    "937",
    "520",
    "480",
    "559",
    "661",
    "813",
    "352",
    "912",
    "865",
    "502",
    "419",
    "814",
    "570",
    "518",
    "315",
    "508",
    "860",
    "225",
    "915",
    "806",
    "509",
    "208",
)

# Letters CMS excludes from MBIs so they are not confused with digits.
MBI_ALPHA = "".join(c for c in string.ascii_uppercase if c not in "SLOIBZ")

ORG_PREFIX = (
    "Lakeside",
    "Riverside",
    "Summit",
    "Valley",
    "Northgate",
    "St. Mary's",
    "Mercy",
    "Good Samaritan",
    "Cedar Ridge",
    "Prairie",
    "Bayview",
    "Pinecrest",
    "Heritage",
)
CLINIC_SUFFIX = (
    "Internal Medicine",
    "Family Practice",
    "Pulmonary Associates",
    "Primary Care",
    "Orthopedic Group",
    "Sleep Center",
    "Cardiology Clinic",
    "Infectious Disease Consultants",
    "Wound Care Center",
    "Geriatric Medicine",
    "Medical Group",
)
HOSPITAL_SUFFIX = ("Medical Center", "Hospital", "Regional Medical Center", "General Hospital")
SUPPLIER_SUFFIX = (
    "Home Medical Supply",
    "Medical Equipment",
    "Respiratory Services",
    "DME Inc.",
    "Home Oxygen & Medical",
    "Healthcare Supply",
)
AGENCY_SUFFIX = ("Home Health", "Home Health Agency", "Visiting Nurses", "Home Care Services")
PHARMACY_SUFFIX = ("Infusion Pharmacy", "Home Infusion", "Specialty Infusion Services")


@dataclass(frozen=True)
class Address:
    line1: str
    line2: str | None
    city: str
    state: str
    postal_code: str
    zip4: str | None  # printed as ZIP+4 sometimes; truth keeps the 5 digits only


@dataclass(frozen=True)
class Org:
    name: str
    phone: str
    fax: str
    address: Address
    npi: str


def luhn_npi_check_digit(first9: str) -> int:
    """Check digit per the NPI standard: Luhn over the 80840 prefix and the first nine digits."""
    total = 0
    for i, ch in enumerate(reversed("80840" + first9)):
        d = int(ch)
        if i % 2 == 0:  # rightmost payload digit is doubled because the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def npi_is_valid(npi: str) -> bool:
    return (
        len(npi) == 10
        and npi.isdigit()
        and npi[0] in "12"
        and luhn_npi_check_digit(npi[:9]) == int(npi[9])
    )


def make_npi(rng: random.Random, valid: bool = True) -> str:
    first9 = rng.choice("12") + "".join(rng.choice(string.digits) for _ in range(8))
    check = luhn_npi_check_digit(first9)
    if not valid:
        check = (check + rng.randint(1, 9)) % 10
    return f"{first9}{check}"


def make_mbi(rng: random.Random) -> str:
    alnum = MBI_ALPHA + string.digits
    # Position rules from the CMS MBI format: C A AN N A AN N A A N N.
    pattern = ("C", "A", "AN", "N", "A", "AN", "N", "A", "A", "N", "N")
    out = []
    for p in pattern:
        if p == "C":
            out.append(rng.choice("123456789"))
        elif p == "A":
            out.append(rng.choice(MBI_ALPHA))
        elif p == "AN":
            out.append(rng.choice(alnum))
        else:
            out.append(rng.choice(string.digits))
    return "".join(out)


def make_member_id(rng: random.Random, style: str) -> str:
    digits = string.digits
    if style == "mbi":
        return make_mbi(rng)
    if style == "medicaid":
        return "".join(rng.choice(digits) for _ in range(rng.choice((9, 10, 12))))
    if style == "alpha_prefix":
        prefix = "".join(rng.choice("ACDEFGHJKMNPRTUVWXY") for _ in range(3))
        return prefix + "".join(rng.choice(digits) for _ in range(9))
    return rng.choice("WUH") + "".join(rng.choice(digits) for _ in range(rng.choice((8, 9))))


@dataclass(frozen=True)
class Payer:
    name: str
    id_style: str
    has_group: bool
    is_medicare: bool


PAYERS = (
    Payer("Medicare Part B", "mbi", False, True),
    Payer("Medicare", "mbi", False, True),
    Payer("Medicare Part A", "mbi", False, True),
    Payer("Humana Medicare Advantage", "alpha_prefix", True, False),
    Payer("UnitedHealthcare", "commercial", True, False),
    Payer("Aetna", "commercial", True, False),
    Payer("Blue Cross Blue Shield", "alpha_prefix", True, False),
    Payer("Cigna", "commercial", True, False),
    Payer("Anthem Blue Cross", "alpha_prefix", True, False),
    Payer("Medicaid", "medicaid", False, False),
    Payer("WellCare", "commercial", True, False),
    Payer("Tricare For Life", "commercial", False, False),
)


def make_group_number(rng: random.Random) -> str:
    form = rng.choice(("digits", "alnum", "dash"))
    if form == "digits":
        return "".join(rng.choice(string.digits) for _ in range(rng.choice((6, 7, 8))))
    if form == "alnum":
        return rng.choice(("GRP", "G", "")) + "".join(rng.choice(string.digits) for _ in range(6))
    return f"{rng.randint(100, 999)}-{rng.randint(10000, 99999)}"


def make_phone(rng: random.Random) -> str:
    """Ten digits; the exchange never starts with 0/1 (NANP rule)."""
    return rng.choice(AREA_CODES) + str(rng.randint(200, 999)) + f"{rng.randint(0, 9999):04d}"


def format_phone(digits: str, style: int) -> str:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    forms = (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"({a}){b}-{c}", f"{a} {b} {c}")
    return forms[style % len(forms)]


def make_address(rng: random.Random, with_unit: bool | None = None) -> Address:
    city, state, zip3 = rng.choice(CITIES)
    line1 = f"{rng.randint(1, 9899)} {rng.choice(STREETS)} {rng.choice(STREET_SUFFIX)}"
    if rng.random() < 0.15:
        line1 = f"{rng.randint(100, 9899)} {rng.choice('NSEW')} {line1.split(' ', 1)[1]}"
    unit = rng.random() < 0.3 if with_unit is None else with_unit
    line2 = (
        rng.choice(UNIT_FORMS).format(
            n=rng.choice((str(rng.randint(1, 40)), "2B", "4C", "101", "3F"))
        )
        if unit
        else None
    )
    zip4 = f"{rng.randint(0, 9999):04d}" if rng.random() < 0.2 else None
    return Address(line1, line2, city, state, f"{zip3}{rng.randint(0, 99):02d}", zip4)


def make_org(rng: random.Random, suffixes: tuple[str, ...]) -> Org:
    name = f"{rng.choice(ORG_PREFIX)} {rng.choice(suffixes)}"
    return Org(
        name,
        make_phone(rng),
        make_phone(rng),
        make_address(rng, with_unit=rng.random() < 0.4),
        make_npi(rng),
    )


# Date styles are (id, needs_care_for_century); rendering lives here so truth stays ISO.
DATE_STYLES = ("mdY", "mdy_short", "mdY_pad", "bdY", "Bd_Y", "iso", "d-b-Y", "m-d-Y")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(d: date, style: str) -> str:
    mon = MONTHS[d.month - 1]
    forms = {
        "mdY": f"{d.month:02d}/{d.day:02d}/{d.year}",
        "mdy_short": f"{d.month}/{d.day}/{d.year % 100:02d}",
        "mdY_pad": f"{d.month}/{d.day}/{d.year}",
        "bdY": f"{mon[:3]} {d.day} {d.year}",
        "Bd_Y": f"{mon} {d.day}, {d.year}",
        "iso": d.isoformat(),
        "d-b-Y": f"{d.day:02d}-{mon[:3].upper()}-{d.year}",
        "m-d-Y": f"{d.month:02d}-{d.day:02d}-{d.year}",
    }
    return forms[style]


def format_time(t: datetime, style: int) -> str:
    if style % 2 == 0:
        return f"{t.hour:02d}:{t.minute:02d}"
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


@dataclass(frozen=True)
class Identity:
    first_name: str
    middle_initial: str | None
    last_name: str
    sex: str
    dob: date


def make_identity(rng: random.Random, min_age: int = 40, max_age: int = 96) -> Identity:
    sex = rng.choice("MF")
    first = rng.choice(MALE_FIRST if sex == "M" else FEMALE_FIRST)
    middle = rng.choice(string.ascii_uppercase) if rng.random() < 0.4 else None
    today = date(2025, 11, 1)
    dob = random_date(rng, date(today.year - max_age, 1, 1), date(today.year - min_age, 12, 28))
    return Identity(first, middle, rng.choice(LAST_NAMES), sex, dob)


@dataclass(frozen=True)
class ClinicianId:
    first_name: str
    last_name: str
    credentials: str
    npi: str
    phone: str
    fax: str
    organization: str
    address: Address


def make_clinician(
    rng: random.Random, org_suffixes: tuple[str, ...] = CLINIC_SUFFIX
) -> ClinicianId:
    org = make_org(rng, org_suffixes)
    return ClinicianId(
        rng.choice(CLINICIAN_FIRST),
        rng.choice(LAST_NAMES),
        rng.choice(CREDENTIALS),
        make_npi(rng),
        org.phone,
        org.fax,
        org.name,
        org.address,
    )
