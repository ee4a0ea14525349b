"""OCR look-alike characters: the one table (``data/ocr_lookalikes.toml``) and its readers."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any, get_args

import pytest

from extractors.normalize.lookalikes import (
    DigitGroup,
    _parsed,
    as_digit,
    as_letters,
    digit_class,
    digit_confusions,
    digit_glyphs,
    digit_translation,
    fold_label,
    letter_misreads,
    reads_as_itself,
    same_shape,
)


@pytest.mark.parametrize(
    ("char", "group", "digit"),
    [
        ("O", "common", "0"),
        ("o", "common", "0"),
        ("l", "common", "1"),
        ("|", "common", "1"),
        ("o", "same_shape", None),  # a small o is trusted only among other digits
        ("|", "same_shape", None),
        ("I", "same_shape", "1"),
        ("S", "common", None),  # "Suite": S is a digit only where a digit must stand
        ("S", "slot", "5"),
        ("A", "slot", "4"),
        ("T", "slot", "7"),
        ("G", "slot", "6"),
        ("s", "slot", None),  # slot text is upper-cased first
        ("$", "code", "5"),
        ("i", "code", "1"),
        ("@", "code", "0"),
        ("L", "code", None),
        ("A", "code", None),
        ("7", "slot", None),  # a digit is no look-alike of itself
        ("x", "slot", None),
    ],
)
def test_as_digit(char: str, group: DigitGroup, digit: str | None) -> None:
    assert as_digit(char, group=group) == digit


def test_as_digit_defaults_to_the_common_group() -> None:
    assert as_digit("o") == "0"
    assert as_digit("B") is None


def test_digit_groups() -> None:
    assert digit_glyphs("same_shape") == "OIl"
    assert digit_glyphs("common") == "OoQIl|"
    assert digit_glyphs("slot") == "OQDILZSBGTA"
    assert digit_glyphs("code") == "OoQDIilSs$BZzG@"
    # The member-ID set is the narrowest: the readers of mixed-case text trust it too.
    assert set(digit_glyphs("same_shape")) <= set(digit_glyphs("common"))
    assert set(digit_glyphs("same_shape")) <= set(digit_glyphs("code"))
    # Slot text is upper-cased first, so its group holds capitals only.
    assert digit_glyphs("slot").isupper()


def test_every_group_is_in_the_data() -> None:
    for group in get_args(DigitGroup):
        assert digit_glyphs(group)


def test_digit_class_escapes_for_a_regex_class() -> None:
    assert digit_class("common") == r"OoQIl\|"
    assert digit_class("code") == r"OoQDIilSs\$BZzG@"


def test_digit_translation() -> None:
    assert "HO15612818".translate(digit_translation("same_shape")) == "H015612818"
    assert "(6l4) 746-O938".translate(digit_translation("common")) == "(614) 746-0938"
    mbi_never = digit_translation("slot", among="BILOSZ")
    assert {chr(k): v for k, v in mbi_never.items()} == {
        "O": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8",
    }  # fmt: skip
    assert "GU16".translate(digit_translation("slot")) == "6U16"


@pytest.mark.parametrize(
    ("printed", "read"),
    [("0", "689"), ("1", "7"), ("3", "589"), ("8", "03569"), ("9", "08"), ("2", "7"), ("4", "")],
)
def test_digit_confusions(printed: str, read: str) -> None:
    assert digit_confusions(printed) == read


def test_digit_confusions_are_one_way() -> None:
    # A 3 read as 9 is listed; a 9 read as 3 is not.
    assert "9" in digit_confusions("3")
    assert "3" not in digit_confusions("9")


@pytest.mark.parametrize(
    ("char", "letters"),
    [
        ("0", "O"),
        ("1", "ILJ"),
        ("7", "Z"),
        ("l", "IL"),
        ("|", "IJ"),
        ("€", "E"),
        ("4", ""),
        ("E", ""),
    ],
)
def test_as_letters(char: str, letters: str) -> None:
    assert as_letters(char) == letters


def test_reads_as_itself() -> None:
    assert not reads_as_itself("l")
    assert reads_as_itself("L")
    assert reads_as_itself("I")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Medicald ID", "medicaid id"),
        ("P0licy", "poiicy"),
        ("Policy", "poiicy"),
        ("1D", "id"),
        ("DOB", "dob"),
        ("İD", "İd"),  # lower-cases to two characters: kept, so offsets hold
    ],
)
def test_fold_label(text: str, folded: str) -> None:
    assert fold_label(text) == folded
    assert len(fold_label(text)) == len(text)


def _data() -> dict[str, Any]:
    text = files("extractors").joinpath("data/ocr_lookalikes.toml").read_text("utf-8")
    return tomllib.loads(text)


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("read_as_digit", "O", "00", "single characters"),
        ("read_as_digit", "O", "x", "as a digit"),
        ("digit_groups", "common", "OoIl|X", "'X' as no digit"),
        ("digit_groups", "extra", "O", "digit_groups must be exactly"),
        ("digit_misreads", "0", "6x", "digits to digits"),
        ("label_folds", "l", "ii", "single characters"),
    ],
)
def test_broken_data_is_refused(section: str, key: str, value: str, message: str) -> None:
    data = _data()
    data[section][key] = value
    with pytest.raises(ValueError, match=message):
        _parsed(data)


@pytest.mark.parametrize(
    ("printed", "read", "same"),
    [("e", "a", True), ("E", "c", True), ("i", "T", True), ("f", "t", True), ("r", "d", False)],
)
def test_letters_of_one_shape(printed: str, read: str, same: bool) -> None:
    assert same_shape(printed, read) is same


def test_letter_misreads_are_read_to_printed() -> None:
    # One way only: an e read as c is listed, a c read as e is not.
    assert "e" in letter_misreads()["c"]
    assert "c" not in letter_misreads().get("e", ())
    assert "rn" in letter_misreads()["m"]


@pytest.mark.parametrize("printed", [["RN"], ["r n"], ["2"]])
def test_broken_letter_misreads_are_refused(printed: list[str]) -> None:
    data = _data()
    data["letter_misreads"]["m"] = printed
    with pytest.raises(ValueError, match="lower-case letters"):
        _parsed(data)
