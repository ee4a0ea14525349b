"""Code sets against the real data: the packaged HCPCS table and the CMS ICD-10-CM release."""

from __future__ import annotations

import os

import pytest

from extractors.codes import build_icd10, hcpcs, icd10
from extractors.codes.cpt import is_cpt_format
from extractors.codes.npi import is_valid_npi
from extractors.codes.repair import agreeing_code, described_hcpcs, repair_hcpcs, repair_icd10


@pytest.mark.parametrize(
    ("npi", "valid"),
    [
        ("1234567893", True),
        ("2245678901", True),
        ("1000000004", True),
        ("1999999992", True),
        ("1234567890", False),  # check digit off by three
        ("1234567894", False),
        ("3234567893", False),  # must start with 1 or 2
        ("0234567893", False),
        ("123456789", False),
        ("12345678930", False),
        ("1234 567893", False),
        ("123456789O", False),
        ("١٢٣٤٥٦٧٨٩٣", False),  # Arabic-Indic digits are digits to str.isdigit, not to CMS
        ("", False),
    ],
)
def test_npi(npi, valid):
    assert is_valid_npi(npi) is valid


@pytest.mark.parametrize("first_nine", ["123456789", "224567890", "100000000", "298765432"])
def test_npi_exactly_one_check_digit_fits(first_nine):
    assert sum(is_valid_npi(f"{first_nine}{d}") for d in range(10)) == 1


@pytest.mark.parametrize(
    ("code", "dotted", "billable", "words"),
    [
        ("J44", "J44", False, "chronic obstructive pulmonary disease"),
        ("E11", "E11", False, "type 2 diabetes"),
        ("J44.1", "J44.1", True, "exacerbation"),
        ("J441", "J44.1", True, "exacerbation"),
        ("j44.1", "J44.1", True, "exacerbation"),
        ("E11.9", "E11.9", True, "without complications"),
        ("E119", "E11.9", True, "without complications"),
        ("R09.02", "R09.02", True, "hypoxemia"),
        ("J96.11", "J96.11", True, "chronic respiratory failure with hypoxia"),
        ("Z99.81", "Z99.81", True, "supplemental oxygen"),
        ("T36.0X1A", "T36.0X1A", True, "poisoning"),
        ("S72001A", "S72.001A", True, "fracture"),
    ],
)
def test_icd10_lookup(code, dotted, billable, words):
    found = icd10.lookup(code)
    assert found is not None
    assert found.code == dotted
    assert found.billable is billable
    assert words in found.description.lower()


@pytest.mark.parametrize(
    "code",
    [
        "J999.99",
        "J44.",
        "J4.41",
        "J44.19999",
        "E11.99",  # well shaped, not in the code set
        "10",  # a chapter number, valid to the package but not a code
        "J40-J47",  # a block
        "",
    ],
)
def test_icd10_lookup_rejects(code):
    assert icd10.lookup(code) is None


@pytest.fixture(scope="module")
def package_code_set() -> icd10.CodeSet:
    return build_icd10.from_package()


def test_icd10_packaged_file_agrees_with_the_installed_package(package_code_set):
    # Fails after an upgrade of simple-icd-10-cm until build_icd10 is run again.
    assert icd10.code_set() == package_code_set


def test_icd10_lookups_agree_with_the_package(package_code_set):
    import simple_icd_10_cm as icd

    undotted = frozenset(icd.get_all_codes(False))
    names = package_code_set.names
    for code in names:
        assert icd10.code_set().has_undotted(code) is (code in undotted), code
        entry = icd10.lookup(code)
        if icd10.normalize(code) == code:
            assert entry is not None
            assert entry.description == icd.get_description(code)
            assert entry.billable is icd.is_leaf(code)
        else:
            assert entry is None, code  # chapters, blocks
    for code in undotted:
        assert icd10.exists(code), code
    assert not any(map(icd10.exists, ["J4", "J44.1", "J44..1", "E1199", "", "A00-"]))


@pytest.mark.parametrize(
    ("code", "words"),
    [("E1390", "oxygen concentrator"), ("E0431", "portable gaseous oxygen"), ("e0431", "oxygen")],
)
def test_hcpcs_packaged_table(code, words):
    found = hcpcs.lookup(code)
    assert found is not None
    assert found.code == code.upper()
    assert words in found.long_description.lower()
    assert found.short_description


@pytest.mark.parametrize("code", ["E9999", "Z1234", "E139", "99601", ""])
def test_hcpcs_unknown(code):
    assert hcpcs.lookup(code) is None


def test_hcpcs_table_from_path(tmp_path):
    path = tmp_path / "hcpcs-2026.csv"
    path.write_text(
        "code,short_description,long_description\n"
        "E1390,Oxygen concentrator,Oxygen concentrator 2026 wording\n"
        "X9999,Invented code,Only in this file\n"
    )
    table = hcpcs.load_table(path)
    assert set(table) == {"E1390", "X9999"}
    assert hcpcs.lookup("X9999", table) is not None
    assert hcpcs.lookup("X9999") is None  # the packaged table is untouched
    assert hcpcs.load_table(path) is table  # cached


def test_hcpcs_table_reloads_when_the_file_changes(tmp_path):
    path = tmp_path / "hcpcs.csv"
    path.write_text("code,short_description,long_description\nE1390,Old,Old\n")
    assert hcpcs.load_table(path)["E1390"].short_description == "Old"
    path.write_text("code,short_description,long_description\nE1390,Newer,Newer text\n")
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse-timestamp filesystems
    assert hcpcs.load_table(path)["E1390"].short_description == "Newer"


def test_hcpcs_table_in_cms_layout(tmp_path):
    # CMS's release: its own header names, modifiers mixed in, long text continued on a row.
    path = tmp_path / "HCPC2026_JAN_ANWEB.csv"
    path.write_bytes(
        "\ufeffHCPC,SEQNUM,RECID,LONG DESCRIPTION,SHORT DESCRIPTION\n"
        'E1390,00100,3,"Oxygen concentrator, single delivery port,",Oxygen concentrator\n'
        "E1390,00200,4,capable of delivering 85 percent,\n"
        "KX,00100,7,Requirements specified in the medical policy have been met,Documentation\n"
        "E0431,00100,3,Portable gaseous oxygen system – rental,Portable gaseous 02\n".encode(
            "utf-8"
        )
    )
    table = hcpcs.load_table(path)
    assert set(table) == {"E1390", "E0431"}
    assert table["E1390"].long_description == (
        "Oxygen concentrator, single delivery port, capable of delivering 85 percent"
    )
    assert table["E1390"].short_description == "Oxygen concentrator"


def test_hcpcs_table_in_windows_1252(tmp_path):
    path = tmp_path / "hcpcs.csv"
    path.write_bytes(
        "HCPC,SHORT DESCRIPTION,LONG DESCRIPTION\nE0431,Portable,Rental – 02\n".encode("cp1252")
    )
    assert hcpcs.load_table(path)["E0431"].long_description == "Rental – 02"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("code,description\nE1390,Oxygen\n", "missing column"),
        ("code,short_description,long_description\nKX,Modifier,Not a code\n", "no HCPCS"),
    ],
)
def test_hcpcs_table_errors(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(hcpcs.HcpcsTableError, match=message):
        hcpcs.load_table(path)


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("99601", True),
        ("99602", True),
        ("1111F", True),
        ("0075T", True),
        ("9960", False),
        ("996011", False),
        ("1111f", False),
        ("1111U", False),
        ("E1390", False),
        ("9960l", False),
        (" 99601", False),
        ("", False),
    ],
)
def test_cpt_format(code, valid):
    assert is_cpt_format(code) is valid


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("J44.1", "J44.1"),
        ("J 44.1", "J44.1"),  # stray space
        ("RO9.02", "R09.02"),  # O for 0 at a digit position
        ("J441", "J44.1"),  # missing dot
        ("J]96.11", "J96.11"),  # bracket glued in
        ("|J96.11", "J96.11"),  # pipe glued on
        ("(E11.9)", "E11.9"),
        ("E11,9", "E11.9"),  # comma for the dot
        ("El1.9", "E11.9"),  # lower-case l for 1
        ("EI1.9", "E11.9"),
        ("E11.9,", "E11.9"),  # sentence punctuation
        ("J96.1l", "J96.11"),
        ("Z99.8I", "Z99.81"),
        ("RO9.O2", "R09.02"),  # two misreads
        ("J44", "J44"),  # a category still exists; billability is a separate check
        ("e11.9", "E11.9"),
        ("C7B.00", "C7B.00"),  # read as printed although C78.00 is one B/8 away
        ("C78.00", "C78.00"),
        ("S72.OO1A", "S72.001A"),
        ("£11.65", "E11.65"),  # a currency sign for E on a fax
        ("€11.65", "E11.65"),
        ("F11.65", "E11.65"),  # E without its bottom bar; F11.65 does not exist
        ("RQ6.02", "R06.02"),  # Q or D for 0 at a digit position
        ("RD6.02", "R06.02"),
        ("]96.11", "J96.11"),  # J without its hook
        ("[50.32", "I50.32"),  # I whose stem's right side a fax lost
        ("}18.9", "J18.9"),
        ("344.1", "J44.1"),
        ("747.1", "Z47.1"),  # Z without its top stroke
        ("J96,.11", "J96.11"),  # comma and dot
        ("[I10", "I10"),  # a table border before the letter
    ],
)
def test_repair_icd10(token, code):
    assert repair_icd10(token) == code


@pytest.mark.parametrize(
    "token",
    [
        "J999.99",  # four characters before the dot
        "COPD",  # a plain word
        "BOB",  # a name; B08 is a real code but a token without digits is not a code
        "OXYGEN",
        "150.9",  # I50.9 (heart failure) and L50.9 (urticaria) both exist: do not guess
        "l50.9",  # the same ambiguity
        "E11.99",  # well shaped but not in the code set
        "J44-1",
        "RO9.OZ",  # three misreads
        "",
        "1",
        "J4.41",
    ],
)
def test_repair_icd10_refuses(token):
    assert repair_icd10(token) is None


def test_repair_icd10_uses_the_printed_description_to_choose() -> None:
    # I11.0 and L11.0 both exist; the text beside the code names only one of them.
    assert repair_icd10("111.0") is None
    assert repair_icd10("111.0", "Hypertensive heart disease with heart failure") == "I11.0"
    assert repair_icd10("|44.1", "COPD with acute exacerbation") == "J44.1"
    assert repair_icd10("|44.1", "follow-up visit") is None


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("E1390", "E1390"),
        ("E 1390", "E1390"),
        ("EI390", "E1390"),
        ("E139O", "E1390"),
        ("El390", "E1390"),
        ("[E0431]", "E0431"),
        ("E0431|", "E0431"),
        ("EO43l", "E0431"),
        ("e0431", "E0431"),
        ("G0Z99", "G0299"),
        ("6O299", "G0299"),  # 6 for G at the letter position
        ("S95OO", "S9500"),
        ("£1390", "E1390"),
        ("$9500", "S9500"),
        ("F1390", "E1390"),
        ("]1335", "J1335"),
        ("GO152", "G0152"),
        ("G@152", "G0152"),  # a 0 whose loop the fax filled in part
    ],
)
def test_repair_hcpcs(token, code):
    assert repair_hcpcs(token) == code


@pytest.mark.parametrize(
    "token", ["E9999", "E13900", "E139", "OXYGEN", "EOOOO", "E1390.5", "J44.1", "", "99601"]
)
def test_repair_hcpcs_refuses(token):
    assert repair_hcpcs(token) is None


def test_repair_hcpcs_uses_the_given_table(tmp_path):
    path = tmp_path / "hcpcs.csv"
    path.write_text("code,short_description,long_description\nX9950,Invented,Only here\n")
    table = hcpcs.load_table(path)
    assert repair_hcpcs("X99SO", table) == "X9950"
    assert repair_hcpcs("E1390", table) is None


@pytest.mark.parametrize(
    ("token", "words", "code"),
    [
        # "q" is no look-alike of any digit: G0152, G2152 and G9152 all fit the print, and
        # the row's words describe one of them.
        ("Gq152", "Occupational therapy at home", "G0152"),
        # A speck glued before the print.
        ("XGq152", "Occupational therapy at home", "G0152"),
        ("\u201cGq152", "Occupational therapy at home", "G0152"),
        # Words that describe none of the codes near the print vouch for none.
        ("Gq152", "Wheelchair seat cushion", None),
        ("Gq152", "Occupational", None),
        # Two characters of another kind: too far from any code to be read as one.
        ("Gqq52", "Occupational therapy at home", None),
        # Words every code near the print shares: no winner.
        ("G015q", "Services in the home health or hospice setting", None),
    ],
)
def test_described_hcpcs(token: str, words: str, code: str | None) -> None:
    assert described_hcpcs(token, words) == code


def test_described_hcpcs_prefers_more_shared_words_then_the_nearer_print(tmp_path) -> None:
    path = tmp_path / "hcpcs.csv"
    path.write_text(
        "code,short_description,long_description\n"
        "X1230,Pump,Infusion pump rental\n"
        "X1240,Pump,Infusion pump purchase\n"
        "X1530,Pump,Infusion pump supplies kit\n"
    )
    table = hcpcs.load_table(path)
    assert described_hcpcs("X12#0", "infusion pump rental", table) == "X1230"
    # X1230 and X1240 share as many words and are as near: no telling which was printed.
    assert described_hcpcs("X12#0", "infusion pump", table) is None
    # S is a look-alike of 5 and no look-alike of 2: X1530 is the nearer print.
    assert described_hcpcs("X1S30", "infusion pump", table) == "X1530"


@pytest.mark.parametrize(
    ("read", "printed", "code"),
    [
        ("E1396", {"E1390", "E1392"}, "E1390"),
        ("E0268", {"E0260"}, "E0260"),
        # Two codes a look-alike digit away: no telling which the page meant; 7 is no 4.
        ("E0268", {"E0260", "E0266"}, None),
        ("E0437", {"E0431", "E0434"}, "E0431"),
        # A letter differs: not a digit misread, and a different kind of code.
        ("K1390", {"E1390"}, None),
        ("E1396", set(), None),
    ],
)
def test_agreeing_code(read: str, printed: set[str], code: str | None) -> None:
    assert agreeing_code(read, printed) == code


def test_codes_printed_are_whole_existing_codes() -> None:
    text = "HCPCS codes: E1390, E1392; E1396 X1234 AE0260 E02601"
    assert hcpcs.codes_printed([text]) == {"E1390", "E1392"}
