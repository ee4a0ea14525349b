"""A plan's name read by its insurer's words where no caption the lists know heads it."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.extract.confidence import CONTESTED_CONFIDENCE
from extractors.extract.parties import extract_parties
from extractors.extract.plan_shape import plan_by_shape
from tests.extractors.laid_out import laid_out_page

_DAY = date(2025, 6, 2)


def _payer(rows: list[list[tuple[float, str]]]) -> tuple[str | None, float | None]:
    found = extract_parties([laid_out_page(rows)], _DAY).get("payer.name")
    return (found.value, found.confidence) if found else (None, None)


@pytest.mark.parametrize(
    ("rows", "plan"),
    [
        # A caption column the fax garbled, the plan in the value column.
        (
            [[(0.1, "Fnancal clss"), (0.35, "Evergold Medicare Advantage")]],
            "Evergold Medicare Advantage",
        ),
        # Caption and plan in one cell, the plan's dot and the fax's specks after it.
        ([[(0.1, "Benfitpln ss Medicaid. =s— WH ~~")]], "Medicaid"),
        # A table's row of values: the plan's column, its caption rows above.
        (
            [[(0.05, "Quill"), (0.2, "04/09/1951"), (0.4, "QZ4417026"), (0.65, "Prairie Health")]],
            "Prairie Health",
        ),
    ],
)
def test_a_plan_under_no_readable_caption_is_read_by_its_words_and_doubted(
    rows: list[list[tuple[float, str]]], plan: str
) -> None:
    value, confidence = _payer([[(0.1, "Pt. name: QUILL, ODETTE")], *rows])
    assert value == plan
    assert confidence is not None and confidence <= CONTESTED_CONFIDENCE


def test_a_plan_named_like_the_next_caption_ends_before_it() -> None:
    page = laid_out_page([[(0.1, "Insurer Medicare"), (0.4, "Medicare Beneficiary ID 4RT7-UV2")]])
    hit = plan_by_shape([page])
    assert hit is not None and hit[0] == "Medicare"


@pytest.mark.parametrize(
    "rows",
    [
        # A practice's and an agency's names hold a plan-like word; they are no plans.
        [[(0.1, "Larchmont Health Partners")], [(0.1, "Agency"), (0.35, "Brookfield Home Health")]],
        # Another plan than the member's primary one.
        [[(0.1, "Secondary"), (0.35, "Keystone Medicaid")]],
        # A sentence naming a program is boilerplate, not a plan's cell.
        [[(0.1, "Patients enrolled in a Medicare Advantage plan must call first.")]],
    ],
)
def test_no_plan_from_a_facility_another_plan_or_a_sentence(
    rows: list[list[tuple[float, str]]],
) -> None:
    assert plan_by_shape([laid_out_page(rows)]) is None


def test_a_plans_part_letter_the_fax_glued_on_is_set_apart() -> None:
    value, _ = _payer([[(0.1, "Pt. name: QUILL, ODETTE")], [(0.1, "Insurance: Medicare PartA")]])
    assert value == "Medicare Part A"


def test_an_insurers_own_name_makes_a_plan_under_a_caption_no_list_holds() -> None:
    rows = [
        [(0.08, "PATIENT"), (0.25, "Eunice Hargrove")],
        [(0.08, "BORN"), (0.25, "03/03/1946")],
        [(0.08, "PLAN"), (0.25, "UnitedHealthcare Dual Complete")],
    ]
    assert _payer(rows)[0] == "UnitedHealthcare Dual Complete"


def test_a_plans_name_ending_in_a_letter_on_a_row_of_values() -> None:
    rows = [
        [(0.08, "Patient: Gunnar Eriksen"), (0.5, "DOB: 12/01/1947")],
        [(0.08, "Medicare Part B"), (0.5, "MBI 8PX2-HN4-QR63")],
    ]
    assert _payer(rows)[0] == "Medicare Part B"
