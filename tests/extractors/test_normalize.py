from __future__ import annotations

from datetime import date, time

import pytest

from extractors.normalize import (
    Address,
    DateRole,
    ParsedDate,
    PersonName,
    find_dates,
    find_phones,
    parse_address,
    parse_date,
    parse_phone,
    split_person_name,
)
from extractors.normalize.ocr_digits import repair_digit_runs
from extractors.normalize.specks import without_specks
from extractors.normalize.times import find_time
from extractors.normalize.us_states import STATES, state_code, zip_fits_state

FAX_DAY = date(2024, 3, 10)
DOB = date(1945, 1, 23)

# --- OCR digit repair -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("O1/23/1945", "01/23/1945"),
        ("l/23/45", "1/23/45"),
        ("(6l4) 746-O938", "(614) 746-0938"),
        ("I2|3", "1213"),
        # Letters in words, or runs that are mostly letters, are left alone.
        ("Oct 1 2020", "Oct 1 2020"),
        ("Lol Ill", "Lol Ill"),
        ("Suite I", "Suite I"),
        ("Ol", "Ol"),
        ("A1O", "A1O"),
    ],
)
def test_repair_digit_runs(text, expected):
    assert repair_digit_runs(text) == expected
    assert len(repair_digit_runs(text)) == len(text)


# --- dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "01/23/1945",
        "1/23/45",
        "01-23-1945",
        "1945-01-23",
        "1945/1/23",
        "Jan 23 1945",
        "Jan. 23, 1945",
        "January 23, 1945",
        "january 23rd, 1945",
        "JANUARY 23 1945",
        "23-JAN-1945",
        "23-Jan-45",
        "23 Jan 1945",
        "23JAN1945",
        "23 January, 1945",
        # A day written as an ordinal before its month, as a letter dates itself.
        "23rd January 1945",
        "23rd of January, 1945",
        "1.23.1945",
        "1.23.45",
        # OCR noise
        "O1/23/1945",
        "0l/23/1945",
        "l/23/45",
        "1/23/l945",
        "01 / 23 / 1945",
        "01 -23- 1945",
        "01/23/1945.",
        "01/23/1945,",
        " 01/23/1945; ",
        ": 01/23/1945",
        "(01/23/1945)",
        "23-JAN-l945",
        "Jan 23.1945",  # a fax's dot for the comma before the year
        "Jan, 23, 1945",  # a fax's comma for the abbreviation's dot
        "23-J an-1945",  # a fax's gap after the month's capital
        "J anuary 23, 1945",
    ],
)
def test_parse_date_formats(text):
    assert parse_date(text, "dob", FAX_DAY) == ParsedDate(DOB, plausible=True)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "012345",  # no separators: 01/23/45? 01/02/345? refused
        "01231945",
        "19450123",
        "13/01/1945",  # month 13: not US order, not guessed
        "2/30/2020",
        "2/29/2023",
        "00/10/2020",
        "1/23-1945",  # mixed separators
        "1/23/194",
        "1/23",
        "Jan 1945",
        "Janx 23 1945",
        "DOB: 01/23/1945",  # a value, not a line: labels are find_dates' business
        "01/23/1945 and 02/01/1950",
        "614-746-0938",
        "not a date",
    ],
)
def test_parse_date_rejects(text):
    assert parse_date(text, "dob", FAX_DAY) is None


@pytest.mark.parametrize(
    ("text", "role", "reference", "expected"),
    [
        # A DOB is the latest century that keeps it in the past.
        ("1/23/45", "dob", FAX_DAY, date(1945, 1, 23)),
        ("3/4/19", "dob", FAX_DAY, date(2019, 3, 4)),
        ("3/4/19", "dob", date(2019, 1, 1), date(1919, 3, 4)),
        ("3/10/24", "dob", FAX_DAY, date(2024, 3, 10)),
        ("3/11/24", "dob", FAX_DAY, date(1924, 3, 11)),
        ("12/31/99", "dob", date(2000, 1, 5), date(1999, 12, 31)),
        # Other roles take the century nearest the fax.
        ("3/1/24", "order", FAX_DAY, date(2024, 3, 1)),
        ("12/31/99", "order", date(2000, 1, 5), date(1999, 12, 31)),
        ("1/2/00", "service", date(1999, 12, 28), date(2000, 1, 2)),
        ("3/15/24", "service", FAX_DAY, date(2024, 3, 15)),
        ("2/29/00", "signature", date(2000, 3, 1), date(2000, 2, 29)),
        ("23-FEB-24", "face_to_face", FAX_DAY, date(2024, 2, 23)),
        ("45-01-23", "order", FAX_DAY, None),
    ],
)
def test_two_digit_years(text, role, reference, expected):
    parsed = parse_date(text, role, reference)
    assert (parsed.date if parsed else None) == expected


@pytest.mark.parametrize(
    ("text", "role", "plausible", "reason"),
    [
        ("01/23/1945", "dob", True, None),
        ("03/10/2024", "dob", True, None),
        ("03/11/2024", "dob", False, "date of birth is in the future"),
        ("01/23/1900", "dob", False, "date of birth is more than 115 years before the fax"),
        ("03/11/1909", "dob", True, None),
        ("03/01/2024", "order", True, None),
        ("03/12/2024", "order", True, None),
        ("03/20/2024", "order", False, "order date is after the fax was received"),
        ("03/10/2023", "order", True, None),
        ("01/10/2023", "order", False, "order date is more than a year before the fax"),
        ("03/01/2024", "signature", True, None),
        ("04/01/2024", "signature", False, "signature date is after the fax was received"),
        ("06/01/2022", "signature", False, "signature date is more than a year before the fax"),
        ("01/15/2024", "face_to_face", True, None),
        ("03/30/2024", "face_to_face", False, "face-to-face date is after the fax was received"),
        ("04/15/2024", "service", True, None),
        ("01/15/2025", "service", True, None),
        ("06/15/2025", "service", False, "service date is more than a year after the fax"),
        ("01/15/2023", "service", False, "service date is more than a year before the fax"),
        ("02/28/2024", "discharge", True, None),
        ("02/28/2022", "discharge", False, "discharge date is more than a year before the fax"),
        ("1/1/2030", "discharge", False, "discharge date is more than a year after the fax"),
    ],
)
def test_plausibility(text, role, plausible, reason):
    parsed = parse_date(text, role, FAX_DAY)
    assert parsed is not None
    assert (parsed.plausible, parsed.reason) == (plausible, reason)


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("DOB: 01/23/1945", ["01/23/1945"]),
        ("DOB:O1/23/1945 Sex: M", ["O1/23/1945"]),
        ("Order date 3/1/24, SOC Jan 5, 2024.", ["3/1/24", "Jan 5, 2024"]),
        ("Signed 23-JAN-2024 by Dr. Lewis", ["23-JAN-2024"]),
        ("From 2024-01-02 to 2024-03-31", ["2024-01-02", "2024-03-31"]),
        ("Effective 12/01/2023-01/05/2024", ["12/01/2023", "01/05/2024"]),
        ("Seen 1 . 23 . 2024 in clinic", ["1 . 23 . 2024"]),
        ("Ph 614-746-0938 Fax 614.746.0939", []),
        ("MRN 012345 acct 01231945", []),
        ("13/45/2020 and 2/30/2021", []),
        ("Ref A01/23/1945 and 01/23/19456", []),
        ("Signed 9-N ov-2023 here", ["9-N ov-2023"]),
        # Only a capital splits from its month: running text "a ug 5 2021" is no date.
        ("a ug 5 2021", []),
        ("", []),
    ],
)
def test_find_dates(line, found):
    spans = find_dates(line)
    assert [text for _, _, text in spans] == found
    assert all(line[start:end] == text for start, end, text in spans)


def test_found_dates_parse():
    line = "DOB l/23/45  Order: 23 Feb 2024  Start of care March 4, 2024"
    roles: list[DateRole] = ["dob", "order", "service"]
    found = [text for _, _, text in find_dates(line)]
    values = [parse_date(text, role, FAX_DAY) for text, role in zip(found, roles, strict=True)]
    assert [v.date if v else None for v in values] == [
        date(1945, 1, 23),
        date(2024, 2, 23),
        date(2024, 3, 4),
    ]


# --- phones -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "(614) 746-0938",
        "614.746.0938",
        "614 746 0938",
        "614-746-0938",
        "6147460938",
        "+1 614-746-0938",
        "1-614-746-0938",
        "1 (614) 746-0938",
        "Ph: 6147460938",
        "Phone: (614) 746-0938",
        "Fax # 614.746.0938",
        "614-746-0938 ext. 12",
        "(614) 746-0938.",
        # OCR noise inside digit runs
        "(6l4) 746-O938",
        "614-746-O938",
        "6l4.746.0938",
        "Ph: 614 746 O938",
        "(614)746-0938",
        "( 614 ) 746 - 0938",
    ],
)
def test_parse_phone(text):
    assert parse_phone(text) == "6147460938"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "call the office",
        "123-456-7890",  # area code cannot start with 1
        "055-746-0938",
        "555-0100",  # no area code
        "614-746-093",
        "614-746-09381",
        "+44 20 7946 0958",  # not a North American number
        "OOO-OOO-OOOO",
        "01/23/1945",
    ],
)
def test_parse_phone_rejects(text):
    assert parse_phone(text) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("(614}746-0938", "6147460938"),  # a bracket read for the area code's
        ("[614] 746-0938", "6147460938"),
        ("614-746-09b8", "6147460968"),  # a 6 thinned to a small b
        ("614-746-09/8", "6147460978"),  # a 7 that lost its top bar
        ("614/746-0938", "6147460938"),  # a slash between groups is a separator still
    ],
)
def test_parse_phone_in_a_phones_shape_through_fax_damage(text, number):
    assert parse_phone(text) == number


def test_a_phone_followed_by_a_date_and_a_time_is_found():
    # A fax header: the number, then the send's date and clock time.
    line = "From: OAK CLINIC Fax: (614) 746-0938 03/02/24 11:15 Page 1 of 2"
    spans = find_phones(line)
    assert [parse_phone(text) for _, _, text in spans] == ["6147460938"]
    assert all(line[start:end] == text for start, end, text in spans)


def test_too_much_damage_is_no_phone():
    # Three glyphs stand for digits: more guess than reading.
    assert parse_phone("(6/4) 746-09bl") is None


def test_canadian_numbers_are_north_american_digits():
    assert parse_phone("(416) 555-0199") == "4165550199"


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("Ph (614) 746-0938 Fax: 614.746.0939", ["(614) 746-0938", "614.746.0939"]),
        ("Tel: (6l4) 746-O938", ["(6l4) 746-O938"]),
        ("Call +1 614-746-0938 today", ["+1 614-746-0938"]),
        ("DOB 01/23/1945 MRN 12345", []),
        # A year-first date has a phone's shape once its slashes read as sevens.
        ("Encounter: 2025/03/31", []),
        ("Date of face-to-face examination 2025/05/04 Ph 614/746-0938", ["614/746-0938"]),
        ("Phone 123-456-7890", []),
        ("", []),
    ],
)
def test_find_phones(line, found):
    spans = find_phones(line)
    assert [text for _, _, text in spans] == found
    assert all(line[start:end] == text for start, end, text in spans)


# --- addresses --------------------------------------------------------------------


def _address(line1: str, line2: str | None, city: str, state: str, postal_code: str) -> Address:
    return Address(line1=line1, line2=line2, city=city, state=state, postal_code=postal_code)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "9427 Martin Luther King Jr Ln, Greenville, SC 29611",
            _address("9427 Martin Luther King Jr Ln", None, "Greenville", "SC", "29611"),
        ),
        (
            "2290 Elm Street\nSuite 4\nTampa, FL 33615",
            _address("2290 Elm Street", "Suite 4", "Tampa", "FL", "33615"),
        ),
        (
            "2290 Elm Street\nTampa, FL 33615",
            _address("2290 Elm Street", None, "Tampa", "FL", "33615"),
        ),
        (
            "100 Main St Apt 2B, Columbus, OH 43215-1234",
            _address("100 Main St Apt 2B", None, "Columbus", "OH", "43215"),
        ),
        (
            "12 N. High St., Ste. 300, Columbus, Ohio 43215",
            _address("12 N. High St. Ste. 300", None, "Columbus", "OH", "43215"),
        ),
        (
            "PO Box 123, Dayton, OH 45401",
            _address("PO Box 123", None, "Dayton", "OH", "45401"),
        ),
        (
            "1500 W Broad St Bldg C, Columbus, OH 43222",
            _address("1500 W Broad St Bldg C", None, "Columbus", "OH", "43222"),
        ),
        (
            "55 Water St, Brooklyn, NY 11201",
            _address("55 Water St", None, "Brooklyn", "NY", "11201"),
        ),
        (
            "  9427 Martin Luther King Jr Ln ,  Greenville , SC  29611 ",
            _address("9427 Martin Luther King Jr Ln", None, "Greenville", "SC", "29611"),
        ),
        (
            "2290 Elm Street\n\n  Tampa FL 33615",
            _address("2290 Elm Street", None, "Tampa", "FL", "33615"),
        ),
        # OCR noise in the ZIP
        (
            "2290 Elm Street\nTampa, FL 336l5",
            _address("2290 Elm Street", None, "Tampa", "FL", "33615"),
        ),
        (
            "100 Main St, Columbus, OH 4321O",
            _address("100 Main St", None, "Columbus", "OH", "43210"),
        ),
        # a form's columns as lines, the town's first letter set apart, an accent a speck
        (
            "318 Harbor Lane\nG réenfield\nMA\n01301",
            _address("318 Harbor Lane", None, "Greenfield", "MA", "01301"),
        ),
        # ZIP in another state's range: kept (the rules flag it)
        (
            "100 Main St, Columbus, OH 90210",
            _address("100 Main St", None, "Columbus", "OH", "90210"),
        ),
        # the address ends at its ZIP: the sentence's phone after it is no part of the street
        (
            "12 Gorham Road, Scarborough, ME 04074 (telephone 207-555-0165).",
            _address("12 Gorham Road", None, "Scarborough", "ME", "04074"),
        ),
    ],
)
def test_parse_address(text, expected):
    assert parse_address(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello world",
        "123 Main St, 456 Oak Ave, Columbus OH 43215",  # two street lines
        "100 Main St, Columbus, ZZ 96910",  # no such state, and 969 is several places' ZIP
        "100 Main St, Columbus, Zip 43215",  # a word, not a code OCR damaged, as the state
        "100 Main St, Columbus, OH 4321",  # short ZIP
        "100 Main St, Columbus, OH",  # no ZIP
        "Columbus, OH 43215",  # no street
    ],
)
def test_parse_address_rejects(text):
    assert parse_address(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("OH", "OH"),
        ("oh", "OH"),
        ("O.H.", "OH"),
        ("Ohio", "OH"),
        ("new  york", "NY"),
        ("District of Columbia", "DC"),
        ("U.S. Virgin Islands", "VI"),
        ("PR", "PR"),
        ("AE", "AE"),
        ("ZZ", None),
        ("Ohiox", None),
        ("", None),
    ],
)
def test_state_code(text, code):
    assert state_code(text) == code


@pytest.mark.parametrize(
    ("postal_code", "state", "fits"),
    [
        ("43215", "OH", True),
        ("90210", "CA", True),
        ("90210", "OH", False),
        ("06390", "NY", True),  # Fishers Island, NY sits in Connecticut's range
        ("06103", "CT", True),
        ("00501", "NY", True),
        ("00901", "PR", True),
        ("20001", "DC", True),
        ("20166", "VA", True),
        ("73301", "TX", True),
        ("29611", "SC", True),
        ("29611", "NC", False),
    ],
)
def test_zip_fits_state(postal_code, state, fits):
    assert zip_fits_state(postal_code, state) is fits


def test_state_table_is_well_formed():
    assert len(STATES) == 62  # 50 states, DC, 5 territories, 3 freely associated, 3 APO
    for code, info in STATES.items():
        assert len(code) == 2 and code.isupper()
        assert info.zip_prefixes
        assert all(0 <= low <= high <= 999 for low, high in info.zip_prefixes)


# --- names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Walter C. Lewis", PersonName("Walter", "Lewis", "C")),
        ("Lewis, Walter C.", PersonName("Walter", "Lewis", "C")),
        ("LEWIS, WALTER", PersonName("Walter", "Lewis")),
        ("LEWIS,WALTER C", PersonName("Walter", "Lewis", "C")),
        ("WALTER LEWIS", PersonName("Walter", "Lewis")),
        ("Dr. Alan Whitfield MD", PersonName("Alan", "Whitfield", credentials=("MD",))),
        ("Dr Alan Whitfield, M.D.", PersonName("Alan", "Whitfield", credentials=("MD",))),
        (
            "Alan Whitfield, MD, FACP",
            PersonName("Alan", "Whitfield", credentials=("MD", "FACP")),
        ),
        ("Whitfield, Dr. Alan", PersonName("Alan", "Whitfield")),
        ("Thompson, Victor PA-C", PersonName("Victor", "Thompson", credentials=("PA-C",))),
        ("Thompson, Victor, PA-C", PersonName("Victor", "Thompson", credentials=("PA-C",))),
        (
            "Maria Gonzalez-Ruiz, NP",
            PersonName("Maria", "Gonzalez-Ruiz", credentials=("NP",)),
        ),
        (
            "MARIA GONZALEZ-RUIZ, APRN, FNP-BC",
            PersonName("Maria", "Gonzalez-Ruiz", credentials=("APRN", "FNP-BC")),
        ),
        ("Mr. John Smith", PersonName("John", "Smith")),
        ("Mrs. Jane Q. Public", PersonName("Jane", "Public", "Q")),
        ("Sarah Connor RN, BSN", PersonName("Sarah", "Connor", credentials=("RN", "BSN"))),
        ("Paul Kim DPM", PersonName("Paul", "Kim", credentials=("DPM",))),
        ("Jane Doe, DO", PersonName("Jane", "Doe", credentials=("DO",))),
        ("Ann Lee, PhD", PersonName("Ann", "Lee", credentials=("PhD",))),
        ("John Smith Jr., MD", PersonName("John", "Smith", credentials=("MD",), suffix="Jr")),
        ("Smith, John, Jr.", PersonName("John", "Smith", suffix="Jr")),
        ("Mary Ann McDonald", PersonName("Mary", "McDonald", "Ann")),
        ("O'BRIEN, PATRICK J", PersonName("Patrick", "O'Brien", "J")),
        ("Maria de la Cruz", PersonName("Maria", "de la Cruz")),
        ("de la Cruz, Maria", PersonName("Maria", "de la Cruz")),
        ("Dr. Smith", PersonName(None, "Smith")),
        # Surnames that are also credentials stay surnames.
        ("Minh Do", PersonName("Minh", "Do")),
        ("MINH DO", PersonName("Minh", "Do")),
        ("Do, Minh", PersonName("Minh", "Do")),
        ("Alan Do MD", PersonName("Alan", "Do", credentials=("MD",))),
        ("  Walter   C.  Lewis ", PersonName("Walter", "Lewis", "C")),
        # No comma, surname first: the census says which word is the given name...
        ("Jones Gwendolyn", PersonName("Gwendolyn", "Jones")),
        ("OBRIEN BETH", PersonName("Beth", "Obrien")),
        ("Fisher Derrick K", PersonName("Derrick", "Fisher", "K")),
        # ...and names common both ways keep the printed order.
        ("Thomas Lee", PersonName("Thomas", "Lee")),
        ("Lee Thomas", PersonName("Lee", "Thomas")),
        ("Kelly Jordan", PersonName("Kelly", "Jordan")),
        # A lone capital before a lower-case word is a word OCR broke after its first letter.
        ("K evin Duncan", PersonName("Kevin", "Duncan")),
        ("Duncan, K evin R", PersonName("Kevin", "Duncan", "R")),
        # Credentials printed joined as one word, each a known one.
        (
            "Aiyana Redcloud, APRN-CNP, CWON",
            PersonName("Aiyana", "Redcloud", credentials=("APRN-CNP", "CWON")),
        ),
        ("Jane Roe, MD/PhD", PersonName("Jane", "Roe", credentials=("MD/PhD",))),
        ("Minh Do-Pa", PersonName("Minh", "Do-Pa")),
    ],
)
def test_split_person_name(text, expected):
    assert split_person_name(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "Dr.", "MD", "Mr., MD", ",,"])
def test_split_person_name_rejects(text):
    assert split_person_name(text) is None


def test_address_unit_number_and_ocr_street_type():
    parsed = parse_address("12 Main St # 101, Erie, PA 16511")
    assert parsed is not None and parsed.line1 == "12 Main St #101"
    parsed = parse_address("5267 Ridge PI\nColumbus, OH 43228")
    assert parsed is not None and parsed.line1 == "5267 Ridge Pl"


def test_parse_address_gives_the_contract_address() -> None:
    from extractors.referral import Address as ContractAddress

    assert isinstance(parse_address("100 Main St, Columbus, OH 43215"), ContractAddress)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5/28/2025 13:45", time(13, 45)),
        ("10-JUL-2024 10:00 AM", time(10, 0)),
        ("on 3/3/2025 at 2 PM", time(14, 0)),
        ("12:30 p.m.", time(12, 30)),
        ("12:05 AM", time(0, 5)),
        ("around noon", time(12, 0)),
        ("5/28/2025", None),
        ("Room 4", None),
    ],
)
def test_find_time(text: str, expected: time | None) -> None:
    assert find_time(text) == expected


def test_a_speck_is_no_unit() -> None:
    parsed = parse_address("6461 W Pine Way a\nAlbany, NY 12226")
    assert parsed is not None and parsed.line2 is None


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("Valley Family Practice ~", "Valley Family Practice"),
        ("Aetna\u2019", "Aetna"),
        ("744 Oak Dr oo", "744 Oak Dr"),
        ("Good Samaritan Medical Group .", "Good Samaritan Medical Group"),
        ("Prairie. Wound Care Center", "Prairie Wound Care Center"),
        ("Lot: 4C", "Lot 4C"),
        ("Humana Medicare . Advantage", "Humana Medicare Advantage"),
        ("Johnson & Johnson - Home Care", "Johnson & Johnson - Home Care"),
        ("Lot 9.", "Lot 9"),
        ("3135 Park Ln-", "3135 Park Ln"),
        # Glued before a word, too.
        ("Tricare For \u2018Life", "Tricare For Life"),
        ("2424 S$ Old Country Rd", "2424 S Old Country Rd"),
        # Before digits, the S with a bar a 5 is read as, which a reader may mend.
        ("96526 Mitchell Flat Apt. $75", "96526 Mitchell Flat Apt. $75"),
        # Abbreviations keep their dots, and a comma inside a name stays.
        ("St. Luke's Home Health", "St. Luke's Home Health"),
        ("Summit Pulmonary Assoc.", "Summit Pulmonary Assoc."),
        ("Apt. 3F", "Apt. 3F"),
        ("Smith, Jones & Co", "Smith, Jones & Co"),
    ],
)
def test_specks_are_taken_off_free_text(read: str, meant: str) -> None:
    assert without_specks(read) == meant


@pytest.mark.parametrize(
    ("text", "line1", "state", "postal_code"),
    [
        ("1644 Ridge St\nSpringfield, IL 62718- 0729", "1644 Ridge St", "IL", "62718"),
        ("5290 Highland Way\nGreenville, SC.29637-4071", "5290 Highland Way", "SC", "29637"),
        ("6280 Oak St, Albany, NY. 12200- 6345", "6280 Oak St", "NY", "12200"),
        ("7348: Sunset PI, Albany, NY 122 56-4618", "7348 Sunset Pl", "NY", "12256"),
        # An S with a bar before a unit's digits: no address prints a currency sign.
        (
            "96526 Mitchell Flat Apt. $75, Taylorshire, AK 99694",
            "96526 Mitchell Flat Apt. 575",
            "AK",
            "99694",
        ),
    ],
)
def test_parse_address_through_fax_damage(
    text: str, line1: str, state: str, postal_code: str
) -> None:
    address = parse_address(text)
    assert address is not None
    assert (address.line1, address.state, address.postal_code) == (line1, state, postal_code)


@pytest.mark.parametrize(
    ("text", "line1"),
    [
        ("7357 Hillcrest Way, Suite.101\nSyracuse, NY 13224", "7357 Hillcrest Way Suite 101"),
        ("7357 Hillcrest Way, Apt.3F\nSyracuse, NY 13224", "7357 Hillcrest Way Apt. 3F"),
        ("3507 Lakeview Ln, Unit 3F.\nSyracuse, NY 13224", "3507 Lakeview Ln Unit 3F"),
    ],
)
def test_a_speck_between_unit_and_number(text: str, line1: str) -> None:
    # A unit printed on the street's line is part of the one delivery line.
    address = parse_address(text)
    assert address is not None and (address.line1, address.line2) == (line1, None)


def test_a_mark_glued_between_house_number_and_street() -> None:
    address = parse_address("832:\u00b0E Martin Luther King Dr\nTampa, FL 33601")
    assert address is not None
    assert address.line1 == "832 E Martin Luther King Dr"


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("410 Quarry Rd, Apt. 2, Millbrook, Ik 60614", "IL"),  # a misread code
        ("410 Quarry Rd Apt. 2, Millbrook O 43215", "OH"),  # a code that lost a letter
        ("410 Quarry Rd, Millbrook 97301", "OR"),  # the state's column left blank
        ("100 Main St, Columbus, ZZ 43215", "OH"),
    ],
)
def test_a_lost_or_unreadable_state_is_the_zips(text: str, state: str) -> None:
    # The ZIP's prefix belongs to one state; the confidence rules tell the clerk it was not
    # read from the print.
    address = parse_address(text)
    assert address is not None and address.state == state


def test_a_dash_after_a_units_dot_and_a_house_number_glued_to_its_street() -> None:
    address = parse_address("218Hazel Glen Apt.-16\nLakeport, CA 95453")
    assert address is not None and address.line1 == "218 Hazel Glen Apt. 16"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("92/28/1934", date(1934, 2, 28)),
        ("06/98/1950", date(1950, 6, 8)),
        ("12/31/1950", date(1950, 12, 31)),
    ],
)
def test_a_zero_read_as_a_look_alike_in_an_impossible_month_or_day(
    text: str, expected: date
) -> None:
    parsed = parse_date(text, "dob", date(2024, 6, 1))
    assert parsed is not None and parsed.date == expected


def test_an_impossible_month_without_a_zero_look_alike_is_no_date() -> None:
    assert parse_date("42/28/1934", "dob", date(2024, 6, 1)) is None


@pytest.mark.parametrize(
    ("text", "first", "last", "credentials"),
    [
        ("Andrew Griffin MD, FCCP", "Andrew", "Griffin", ("MD", "FCCP")),
        ("Carol Ramsey DO, FAASM", "Carol", "Ramsey", ("DO", "FAASM")),
        ("A. Rosales, MD, D-ABSM", "A", "Rosales", ("MD", "D-ABSM")),
        # OCR read the space before the degree as a hyphen.
        ("Brian Griffin-DO, FCCP", "Brian", "Griffin", ("DO", "FCCP")),
        ("Brian Griffin-MD", "Brian", "Griffin", ("MD",)),
        # A hyphenated surname stays whole.
        ("Ana Ruiz-Lopez, MD", "Ana", "Ruiz-Lopez", ("MD",)),
        # Capitals after a name but no degree before them are a surname-first name.
        ("SMITH, JOHN", "John", "Smith", ()),
    ],
)
def test_a_board_title_after_a_degree_is_a_credential(
    text: str, first: str, last: str, credentials: tuple[str, ...]
) -> None:
    name = split_person_name(text)
    assert name is not None
    assert (name.first, name.last, name.credentials) == (first, last, credentials)


@pytest.mark.parametrize(
    ("text", "city"),
    [
        # OCR set the town's capital apart from its word, or left a hyphen at its end.
        ("6461 W Pine Way\nG reenfield, NY 12226", "Greenfield"),
        ("6461 W Pine Way\nNorth G reenfield, NY 12226", "North Greenfield"),
        ("6461 W Pine Way\nGreenfield-, NY 12226", "Greenfield"),
        # A town's word of one capital stays apart.
        ("6461 W Pine Way\nPort A, TX 78373", "Port A"),
    ],
)
def test_a_town_ocr_split_or_marked_is_mended(text: str, city: str) -> None:
    address = parse_address(text)
    assert address is not None and address.city == city


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A 0 whose loop broke (read 6); a 2 whose foot is lost (read 7).
        ("3/14/2624", date(2024, 3, 14)),
        ("11.02.7024", date(2024, 11, 2)),
    ],
)
def test_a_year_no_order_carries_is_read_through_a_look_alike_digit(
    text: str, expected: date
) -> None:
    parsed = parse_date(text, "discharge", date(2024, 3, 12))
    assert parsed is not None and parsed.date == expected


def test_a_year_near_the_fax_or_without_a_single_look_alike_stays_as_read() -> None:
    # A real year a few years off is the rules' to flag; "4424" is two digits off any year
    # near the fax, and "2091" no look-alike of one.
    reference = date(2024, 3, 12)
    for text, year in (("3/14/2026", 2026), ("3/14/4424", 4424), ("3/14/2091", 2091)):
        parsed = parse_date(text, "discharge", reference)
        assert parsed is not None and parsed.date.year == year and not parsed.plausible
    # A date already read is only judged: its year is not read again.
    judged = parse_date("2624-03-14", "discharge", reference, reread_year=False)
    assert judged is not None and judged.date == date(2624, 3, 14)


def test_a_birth_year_no_person_has_is_not_read_as_a_year_near_the_fax() -> None:
    parsed = parse_date("3/14/2624", "dob", date(2024, 3, 12))
    assert parsed is not None and parsed.date.year == 2624 and not parsed.plausible
