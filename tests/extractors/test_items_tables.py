"""Item tables read by their header's cue words and the x position of each head; Rx blocks."""

from __future__ import annotations

from extractors.extract.items import find_items
from extractors.extract.textlines import visual_rows
from extractors.pages import Word
from extractors.referral import Item
from tests.extractors.faxed import faxed_cells
from tests.extractors.laid_out import laid_out_page


def _items(rows: list[list[tuple[float, str]]]) -> list[Item]:
    return [found.value for found in find_items([laid_out_page(rows)])]


def _read(items: list[Item]) -> list[tuple[str | None, str | None, int | None]]:
    return [(item.description, item.hcpcs, item.quantity) for item in items]


def test_columns_come_from_cue_words_of_any_header() -> None:
    items = _items(
        [
            [(0.05, "ORDER LINES")],
            [
                (0.05, "Ln"),
                (0.1, "Billing code"),
                (0.25, "Description"),
                (0.6, "Frequency / instructions"),
                (0.85, "Qty ordered"),
            ],
            [
                (0.05, "1"),
                (0.1, "G0299"),
                (0.25, "Skilled nursing (RN) visits"),
                (0.6, "SN 2w3 (= 6 visits)"),
                (0.85, "6"),
            ],
            [(0.05, "2"), (0.1, "J1335"), (0.25, "Ertapenem"), (0.6, "1 g IV q24h"), (0.85, "10")],
            [(0.05, "3"), (0.1, "99601"), (0.25, "Home infusion nursing visit"), (0.85, "4")],
            [(0.05, "Comments: clinicals attached")],
        ]
    )
    assert _read(items) == [
        ("Skilled nursing (RN) visits", "G0299", 6),
        ("Ertapenem", "J1335", 10),
        # A CPT code (HCPCS Level I) is the row's printed code as much as a Level II one.
        ("Home infusion nursing visit", "99601", 4),
    ]


def test_a_row_wraps_and_its_damaged_code_repairs_to_the_one_that_exists() -> None:
    items = _items(
        [
            [
                (0.05, "Discipline"),
                (0.35, "Frequency / duration"),
                (0.65, "Total visits"),
                (0.8, "Proc. code"),
            ],
            [(0.05, "Home health aide"), (0.35, "HHA 2w2 (= 4"), (0.65, "4"), (0.8, "|Go156")],
            [(0.05, "visits"), (0.35, "visits)")],
            [(0.05, "Frequency key: 2w3 = 2 visits per week for 3 weeks")],
        ]
    )
    assert _read(items) == [("Home health aide visits", "G0156", 4)]


def test_a_table_without_printed_codes_gives_items_without_a_code() -> None:
    items = _items(
        [
            [(0.05, "ITEM"), (0.45, "HCPCS"), (0.58, "QTY"), (0.67, "REPLACEMENT / SETTINGS")],
            [(0.05, "Auto-adjusting PAP device (APAP)"), (0.58, "1"), (0.67, "settings: 4-15 cm")],
            [(0.05, "PAP tubing, heated"), (0.58, "1"), (0.67, "replace monthly")],
        ]
    )
    assert _read(items) == [
        ("Auto-adjusting PAP device (APAP)", None, 1),
        ("PAP tubing, heated", None, 1),
    ]
    # The name means a code, which is suggested, never claimed as printed.
    assert all(item.hcpcs is None for item in items)


def test_a_form_table_whose_description_head_ocr_lost_describes_between_code_and_units() -> None:
    items = _items(
        [
            [
                (0.05, "28A. HCPCS"),
                (0.17, "B. MOD"),
                (0.25, "Dsoripn uf itcm"),
                (0.64, "E. DX PTR"),
                (0.76, "F. UNITS"),
            ],
            [
                (0.05, "E0250"),
                (0.17, "RR"),
                (0.25, "Hospital bed, fixed height"),
                (0.64, "A"),
                (0.76, "1"),
            ],
            [
                (0.05, "E0197"),
                (0.17, "NU"),
                (0.25, "Air pressure pad for mattress"),
                (0.64, "A"),
                (0.76, "2"),
            ],
        ]
    )
    assert _read(items) == [
        ("Hospital bed, fixed height", "E0250", 1),
        ("Air pressure pad for mattress", "E0197", 2),
    ]


def test_a_diagnosis_table_is_no_item_table() -> None:
    items = _items(
        [
            [(0.05, "#"), (0.1, "ICD-10-CM"), (0.3, "Description")],
            [(0.05, "1"), (0.1, "E11.9"), (0.3, "Type 2 diabetes mellitus without complications")],
            [(0.05, "2"), (0.1, "I10"), (0.3, "Essential (primary) hypertension")],
        ]
    )
    assert items == []


def test_each_rx_block_is_one_item_with_its_bracketed_or_noted_code_and_dispensed_count() -> None:
    items = _items(
        [
            [(0.05, "Rx: Blood glucose monitor [E0607]")],
            [(0.05, "Sig: Use as directed")],
            [(0.05, "Disp: 1 (one) each")],
            [(0.05, "Refills: 1")],
            [(0.05, "Rx: Lancets (box of 100)")],
            [(0.05, "Sig: Test twice daily")],
            [(0.05, "Disp: 4 (four) boxes")],
            [(0.05, "Notes: HCPCS A4259; Dx: E11.9")],
        ]
    )
    assert _read(items) == [
        ("Blood glucose monitor", "E0607", 1),
        ("Lancets (box of 100)", "A4259", 4),
    ]


def test_every_code_led_list_line_is_an_item_described_after_its_code() -> None:
    items = _items(
        [
            [
                (
                    0.05,
                    "2. Item(s) ordered / description K0003 Lightweight manual wheelchair - Qty 1",
                )
            ],
            [(0.05, "E0978 Positioning / seat belt - Disp qty 1")],
            [(0.05, "E2603 Skin protection seat cushion 18 x 16 #1")],
            [(0.05, "E0973 Adjustable height detachable armrests - Units 2")],
        ]
    )
    assert _read(items) == [
        ("Lightweight manual wheelchair", "K0003", 1),
        ("Positioning / seat belt", "E0978", 1),
        ("Skin protection seat cushion 18 x 16", "E2603", 1),
        ("Adjustable height detachable armrests", "E0973", 2),
    ]


def test_a_title_naming_a_coded_item_is_no_second_item() -> None:
    items = _items(
        [
            [(0.05, "DETAILED WRITTEN ORDER - HOSPITAL BED")],
            [(0.05, "Please order the following.")],
            [(0.05, "E0250 Hospital bed, fixed height, with mattress and rails - Units 1")],
        ]
    )
    assert _read(items) == [("Hospital bed, fixed height, with mattress and rails", "E0250", 1)]


def test_a_code_under_a_head_that_wrapped_is_still_the_rows_code() -> None:
    items = _items(
        [
            [
                (0.05, "Wd"),
                (0.1, "Proc."),
                (0.2, "Dressing"),
                (0.5, "Change"),
                (0.7, "Qty / month"),
            ],
            [(0.1, "code")],
            [
                (0.05, "1"),
                (0.1, "A6021"),
                (0.2, "Collagen dressing"),
                (0.5, "2x/week"),
                (0.7, "8"),
            ],
            [
                (0.05, "2"),
                (0.1, "A6251"),
                (0.2, "Absorptive pad"),
                (0.5, "daily"),
                (0.7, "30"),
            ],
        ]
    )
    assert _read(items) == [
        ("Collagen dressing", "A6021", 8),
        ("Absorptive pad", "A6251", 30),
    ]


def test_a_damaged_code_its_description_vouches_for_is_no_cpt_code() -> None:
    """ "46213": A6213 with its A read as a 4, as the row's description says; five digits
    the description vouches for nothing near are a CPT code."""
    items = _items(
        [
            [(0.05, "Item"), (0.4, "Code"), (0.55, "Qty")],
            [(0.05, "Silicone bordered foam"), (0.4, "46213"), (0.55, "30")],
            [(0.05, "Home infusion nursing visit"), (0.4, "99601"), (0.55, "4")],
        ]
    )
    assert _read(items) == [
        ("Silicone bordered foam", "A6213", 30),
        ("Home infusion nursing visit", "99601", 4),
    ]


def test_items_a_letter_names_with_bracketed_codes_and_their_counts() -> None:
    items = _items(
        [
            [(0.05, "Please start cefepime (J0692) 2 g IV every 8 hours for 2 weeks, 42 doses")],
            [(0.05, "in total. Please also bill the home infusion per diem ($9501) for 14 days;")],
            [
                (
                    0.05,
                    "an infusion pump (E0781), 1 rental, and nursing visits (99601), 3 in all.",
                )
            ],
        ]
    )
    assert _read(items) == [
        ("cefepime", "J0692", 42),
        ("home infusion per diem", "S9501", 14),  # "$" is an S OCR misread
        ("infusion pump", "E0781", 1),
        # A CPT code (HCPCS Level I) is the item's printed code too.
        ("nursing visits", "99601", 3),
    ]


def test_a_title_naming_the_equipment_ordered_below_is_no_second_item() -> None:
    items = _items(
        [
            [
                (0.06, "Hill Orthopedic Specialists"),
                (0.45, "DETAILED WRITTEN ORDER - MANUAL WHEELCHAIR"),
            ],
            [(0.07, "[X] 1. Beneficiary name RICHARDS, WILLIAM")],
            [
                (
                    0.07,
                    "[X] 2. Item(s) ordered / description Lightweight wheelchair - No. of units 1",
                )
            ],
        ]
    )
    assert [(item.description, item.quantity) for item in items] == [("wheelchair", 1)]


def test_heads_run_together_and_a_damaged_code_its_rows_words_describe() -> None:
    items = _items(
        [
            # OCR ran the last two heads into one cell: a count head, then a code head.
            [
                (0.05, "Discipline"),
                (0.35, "Frequency / duration"),
                (0.65, "Total visits Billing code"),
            ],
            # "q" is no look-alike of a digit: G0152, G2152 and G9152 fit the print alike.
            [
                (0.05, "Occupational therapy at home"),
                (0.35, "OT 2w2 (= 4"),
                (0.65, "4"),
                (0.8, "Gq152"),
            ],
            [(0.35, "visits)")],
            # A line number glued before the code in its cell, an abbreviation opening the row.
            [
                (0.05, "PT evaluation and treatment"),
                (0.35, "PT 1w3 (= 3 visits)"),
                (0.65, "3"),
                (0.78, "1 Gq151"),
            ],
            [(0.05, "Frequency key: 2w2 = 2 visits per week for 2 weeks")],
        ]
    )
    assert _read(items) == [
        ("Occupational therapy at home", "G0152", 4),
        # The row's words vouch for no code near the print: no code, the row still an item.
        ("PT evaluation and treatment", None, 3),
    ]


def test_a_row_far_under_a_header_that_opened_no_row_is_no_item() -> None:
    items = _items(
        [
            [(0.05, "Item"), (0.4, "HCPCS"), (0.6, "Qty"), (0.7, "Notes")],
            [(0.05, "See attached list")],
            [(0.05, "Reviewed with the patient")],
            [(0.05, "Signed and dated below")],
            [(0.05, "Ordering physician Dr Amy Stone"), (0.6, "4209")],
        ]
    )
    assert _read(items) == []


def test_a_speck_in_the_header_is_no_column() -> None:
    items = _items(
        [
            [
                (0.05, "Discipline"),
                (0.2, "."),
                (0.35, "Frequency"),
                (0.6, "Visits"),
                (0.75, "Code"),
            ],
            [(0.05, "Speech therapy visits"), (0.35, "ST 1w2"), (0.6, "2"), (0.75, "G0153")],
        ]
    )
    assert _read(items) == [("Speech therapy visits", "G0153", 2)]


def test_a_speck_ocr_boxed_flat_is_in_the_printed_row_it_lies_in() -> None:
    def word(text: str, box: tuple[float, float, float, float]) -> Word:
        return Word(text=text, conf=0.9, bbox=box, line=0)

    count = word("12", (0.65, 0.212, 0.66, 0.224))
    speck = word("-", (0.05, 0.2185, 0.055, 0.2195))
    name = word("Occupational", (0.06, 0.214, 0.13, 0.226))
    assert visual_rows([name, speck, count]) == [[speck, name, count]]


def test_an_rx_code_in_braces_damaged_is_the_one_its_words_describe() -> None:
    items = _items(
        [
            # "#" is no look-alike: E0910, E0940 ... fit the print; the words name E0910.
            [(0.05, "Rx: Trapeze bar attached to bed {E09#0}")],
            [(0.05, "Disp: 1 (one) each")],
        ]
    )
    assert _read(items) == [("Trapeze bar attached to bed", "E0910", 1)]


def test_a_drug_tables_doses_column_is_each_drugs_count() -> None:
    # "Drug | Dose | Route | Frequency | Doses": no code, the count under "Doses".
    rows = [
        [(0.05, "Drug"), (0.3, "Dose"), (0.42, "Route"), (0.52, "Frequency"), (0.7, "Doses")],
        [(0.05, "Ertapenem"), (0.3, "1 g"), (0.42, "IV"), (0.52, "q24h"), (0.7, "10")],
        [(0.05, "Sodium chloride 0.9% flush"), (0.3, "10 mL"), (0.42, "IV"), (0.7, "20")],
    ]
    assert _read(_items(rows)) == [
        ("Ertapenem", None, 10),
        ("Sodium chloride 0.9% flush", None, 20),
    ]


def test_a_table_printing_its_codes_last_names_each_row_in_its_first_column() -> None:
    # "Therapy | Dose / rate | Frequency | Days | HCPCS": no head the lexicon names a
    # description; the first column names the rows, the days count a per-diem's supply.
    rows = [
        [
            (0.05, "Therapy"),
            (0.35, "Dose / rate"),
            (0.55, "Frequency"),
            (0.7, "Days"),
            (0.8, "HCPCS"),
        ],
        [
            (0.05, "TPN, complete formula"),
            (0.35, "1800 mL"),
            (0.55, "daily"),
            (0.7, "30"),
            (0.8, "B4197"),
        ],
        [(0.05, "Lipids 20%"), (0.35, "250 mL"), (0.55, "3x weekly"), (0.7, "30"), (0.8, "B4185")],
    ]
    assert _read(_items(rows)) == [
        ("TPN, complete formula", "B4197", 30),
        ("Lipids 20%", "B4185", 30),
    ]


def test_a_listed_drug_or_service_with_its_code_after_a_dash_is_an_item() -> None:
    items = _items(
        [
            [(0.05, "Medications ordered")],
            [(0.05, "1) Infliximab 5 mg/kg (400 mg) IV over 2 hrs q8 weeks - J1745 - #4 doses")],
            [(0.05, "2) Diphenhydramine 25 mg PO 30 min prior to infusion - #4")],
            [(0.05, "3) Home infusion per diem - S9379 - #4 days")],
            # In a sentence such a code names a procedure, not an item.
            [(0.05, "Previously given infliximab - J1745 - at the clinic.")],
        ]
    )
    assert _read(items) == [("Infliximab", "J1745", 4), ("Home infusion per diem", "S9379", 4)]
    # The drug's dosing, which a drug table prints in its own columns.
    assert items[0].frequency == "5 mg/kg (400 mg) IV over 2 hrs q8 weeks"


def test_equipment_named_under_the_patients_condition_is_not_ordered() -> None:
    items = _items(
        [
            [(0.05, "Homebound due to: requires walker and assist of one for all mobility.")],
            [(0.05, "Order: rolling walker")],
        ]
    )
    assert [item.description for item in items] == ["rolling walker"]


def test_a_tick_box_read_as_marks_or_letters_opens_its_line() -> None:
    items = _items(
        [
            [(0.05, "XX] E0260 Hospital bed, semi-electric, with mattress")],
            [(0.05, "E0255 Hospital bed, variable height, with mattress")],
            # Not the line above's wrapped end, for the lower-case letter that opens it.
            [(0.05, "x] E0184 Dry pressure mattress")],
            [(0.05, "><] E0163 Commode chair, stationary, fixed arms")],
        ]
    )
    assert _read(items) == [
        ("Hospital bed, semi-electric, with mattress", "E0260", None),
        ("Hospital bed, variable height, with mattress", "E0255", None),
        ("Dry pressure mattress", "E0184", None),
        ("Commode chair, stationary, fixed arms", "E0163", None),
    ]


def test_orthotics_codes_are_items_as_equipments_are() -> None:
    items = _items(
        [
            [(0.05, "Rx:")],
            [(0.05, "L1833 Knee orthosis, adjustable knee joint, right - Qty 1")],
            # A fax's O for the 0: mended to the code that exists.
            [(0.05, "LO650 Lumbar-sacral orthosis, prefabricated, off-the-shelf - Qty 1")],
        ]
    )
    assert _read(items) == [
        ("Knee orthosis, adjustable knee joint, right", "L1833", 1),
        ("Lumbar-sacral orthosis, prefabricated, off-the-shelf", "L0650", 1),
    ]


def test_heads_lettered_as_a_forms_boxes_name_their_columns() -> None:
    # A prior-authorization form's item rows: each head led by its box's letter, glued by
    # its point or not, a rule's mark before one.
    items = _items(
        [
            [
                (0.06, "2BA.HCPCS"),
                (0.16, "B.MOD"),
                (0.26, "_| C. DESCRIPTION OF ITEM / SUPPLY"),
                (0.62, "E.DXPTR"),
                (0.72, "| F. UNITS"),
                (0.84, "G. CHARGES"),
            ],
            [
                (0.06, "E0135"),
                (0.16, "NU"),
                (0.26, "Folding walker (pickup)"),
                (0.62, "ABC"),
                (0.74, "1"),
                (0.84, "$420.00"),
            ],
            [
                (0.06, "E0165"),
                (0.16, "NU"),
                (0.26, "3-in-1 commode chair"),
                (0.62, "ABC"),
                (0.74, "2"),
                (0.84, "$775.00"),
            ],
        ]
    )
    assert _read(items) == [
        ("Folding walker (pickup)", "E0135", 1),
        ("3-in-1 commode chair", "E0165", 2),
    ]


def test_a_bare_count_after_a_bracketed_code_and_a_caption_before_a_dose() -> None:
    items = _items(
        [
            [(0.05, "- stationary oxygen concentrator (E1390), 1")],
            [(0.05, "- TPN per diem (S9365) - 30 days")],
            # The count's caption beats a dose's "x 5".
            [(0.05, "B4152 Jevity 1.5 Cal, 1 can x 5 daily - Qty 150 units/month")],
        ]
    )
    assert [(item.hcpcs, item.quantity) for item in items] == [
        ("E1390", 1),
        ("S9365", 30),
        ("B4152", 150),
    ]


def test_counts_after_a_dot_leader_a_wide_gap_or_a_dash_before_per() -> None:
    items = _items(
        [
            [(0.05, "E0470 Respiratory assist device, bi-level, without backup rate....1")],
            # The leader lifted before OCR: the count stands apart at the line's end.
            [(0.05, "E0562 Heated humidifier"), (0.5, "1")],
            [(0.05, "A7030 Full face mask"), (0.5, "1 per 3 months")],
            [(0.05, "A4625 Tracheostomy care kit - 30 per month")],
            # A number inside the description is no count.
            [(0.05, "E2601 General use seat cushion 18 x 16")],
        ]
    )
    assert [(item.hcpcs, item.quantity) for item in items] == [
        ("E0470", 1),
        ("E0562", 1),
        ("A7030", 1),
        ("A4625", 30),
        ("E2601", None),
    ]


def test_a_row_whose_code_and_count_ocr_lost_is_no_wrapped_description() -> None:
    items = _items(
        [
            [(0.05, "J-code"), (0.16, "Drug"), (0.42, "Dose"), (0.58, "Schedule"), (0.78, "Doses")],
            [
                (0.05, "J1569"),
                (0.16, "Gammagard Liquid"),
                (0.42, "0.4 g/kg/day IV"),
                (0.58, "daily x 5 days"),
            ],
            # Its own dose and schedule: a row of its own, not the name above run on.
            [(0.16, "Acetaminophen"), (0.42, "650 mg PO"), (0.58, "before each dose")],
        ]
    )
    assert _read(items) == [("Gammagard Liquid", "J1569", None), ("Acetaminophen", None, None)]


def test_a_code_lists_counts() -> None:
    items = _items([[(0.05, "HCPCS: A7031 X1, A7032 X2, A7037 X1")]])
    assert [(item.hcpcs, item.quantity) for item in items] == [
        ("A7031", 1),
        ("A7032", 2),
        ("A7037", 1),
    ]


def test_counts_after_an_em_dash() -> None:
    items = _items(
        [
            [(0.05, "a. Bedside commode (E0165) \u2014 1")],
            [(0.05, "\u2022 A6550 NPWT dressing set \u2014 15 per month")],
        ]
    )
    assert [(item.hcpcs, item.quantity) for item in items] == [("E0165", 1), ("A6550", 15)]


def test_a_column_numbering_the_wounds_is_no_count() -> None:
    """ "Wound #" says which wound a row is for; the count is under "Qty/month"."""
    items = _items(
        [
            [(0.05, "Wound #"), (0.15, "HCPCS"), (0.25, "Product"), (0.6, "Qty/month")],
            [(0.05, "1"), (0.15, "A6196"), (0.25, "Calcium alginate dressing"), (0.6, "30")],
            [(0.05, "2"), (0.15, "A6209"), (0.25, "Foam dressing, no border"), (0.6, "12")],
        ]
    )
    assert [(item.hcpcs, item.quantity) for item in items] == [("A6196", 30), ("A6209", 12)]


def test_a_total_of_one_visit() -> None:
    items = _items([[(0.05, "3) Medical social worker evaluation (= 1 visit).")]])
    assert [(item.description, item.quantity) for item in items] == [
        ("Medical social worker evaluation", 1)
    ]


def test_a_code_and_count_line_under_the_items_name() -> None:
    """An item's name on one line and "HCPCS / qty <code> x1" under it, as a prescription's
    label/answer pairs print it; a fax's "xl" is x1."""
    items = _items(
        [
            [(0.05, "OXYGEN PRESCRIPTION")],
            [(0.05, "Stationary ....... Oxygen concentrator, stationary")],
            [(0.06, "HCPCS / qty E1390 x1")],
            [(0.05, "Portable ...... Portable gaseous O2 system")],
            [(0.06, "HCPCS / qty E0431 xl")],
            [(0.05, "Liter flow 2 LPM")],
        ]
    )
    assert _read(items) == [(None, "E1390", 1), (None, "E0431", 1)]


def test_a_prescription_table_headed_rx_with_codes_wrapped_in_the_drugs_cell() -> None:
    """ "Rx | Strength | Sig | Qty | Refills": each drug's code wrapped under its name, one
    beside the sig's second line (a row of its own, given to the drug above it), one in
    brackets."""
    items = _items(
        [
            [(0.07, "Rx"), (0.35, "Strength"), (0.49, "Sig"), (0.75, "Qty"), (0.85, "Refills")],
            [
                (0.07, "Ceftriaxone"),
                (0.35, "2 g/50 mL"),
                (0.49, "2g IV q24h x 14 days"),
                (0.75, "14"),
                (0.85, "0"),
            ],
            [(0.07, "HCPCS J0696")],
            [
                (0.07, "Vancomycin"),
                (0.35, "1.25 g/250 mL"),
                (0.49, "1.25 g IV q12h x 14 days;"),
                (0.75, "28"),
                (0.85, "0"),
            ],
            [(0.07, "HCPCS J3370"), (0.49, "trough before 4th dose")],
            [
                (0.07, "Sodium chloride 0.9% flush"),
                (0.49, "10 mL IV before and after"),
                (0.75, "90"),
            ],
            [(0.07, "syringe (A4216)"), (0.49, "each dose (SASH)")],
        ]
    )
    assert _read(items) == [
        ("Ceftriaxone", "J0696", 14),
        ("Vancomycin", "J3370", 28),
        ("Sodium chloride 0.9% flush syringe", "A4216", 90),
    ]


def _faxed_items(cells: list[tuple[int, int, str]], height: int) -> list[Item]:
    return [
        found.value
        for found in find_items([read.page for read in faxed_cells(cells, height=height)])
    ]


def test_two_tables_side_by_side_under_one_header_row() -> None:
    """Home-health disciplines and equipment printed as two tables whose headers share one
    row, the first table's "Total" wrapped over "visits" level with the second's first row,
    and "HCPCS" set close to "Item"; faxed and read by tesseract."""
    items = _faxed_items(
        [
            (100, 100, "HOME HEALTH"),
            (900, 100, "DURABLE MEDICAL EQUIPMENT"),
            (100, 170, "Discipline"),
            (330, 170, "Frequency"),
            (620, 170, "Total"),
            (900, 170, "HCPCS"),
            (1030, 170, "Item"),
            (1500, 170, "Qty"),
            (620, 199, "visits"),
            (900, 199, "E0143"),
            (1030, 199, "Walker, folding"),
            (1510, 199, "1"),
            (100, 250, "Skilled nursing"),
            (330, 250, "1w1, 2w3"),
            (640, 250, "7"),
            (900, 250, "E0244"),
            (1030, 250, "Raised toilet seat"),
            (1505, 250, "12"),
            (100, 310, "Physical therapy"),
            (330, 310, "Eval + 3w2"),
            (640, 310, "11"),
            (100, 400, "Comments: none"),
        ],
        height=900,
    )
    assert _read(items) == [
        ("Skilled nursing", None, 7),
        ("Physical therapy", None, 11),
        ("Walker, folding", "E0143", 1),
        ("Raised toilet seat", "E0244", 12),
    ]


def test_a_table_ends_at_the_next_tables_header_set_close_under_it() -> None:
    """A drug table and a supplies table printed one under the other with next to no gap:
    the supplies header is no wrapped line of the drug's row, and its rows are read under
    its own columns; faxed and read by tesseract."""
    items = _faxed_items(
        [
            (100, 100, "Drug"),
            (400, 100, "Dose"),
            (600, 100, "Frequency"),
            (1000, 100, "Qty"),
            (1200, 100, "HCPCS"),
            (100, 150, "Cefazolin"),
            (400, 150, "2 g IV"),
            (600, 150, "q8h"),
            (1000, 150, "63"),
            (1200, 150, "J0690"),
            (100, 188, "Supplies / services"),
            (900, 188, "HCPCS"),
            (1100, 188, "Qty"),
            (1300, 188, "Comment"),
            (100, 228, "Elastomeric infusion pump"),
            (900, 228, "A4305"),
            (1100, 228, "60"),
            (1300, 228, "1 per dose"),
            (100, 268, "Home infusion RN visit"),
            (900, 268, "99601"),
            (1100, 268, "14"),
            (1300, 268, "weekly"),
        ],
        height=600,
    )
    assert _read(items) == [
        ("Cefazolin", "J0690", 63),
        ("Elastomeric infusion pump", "A4305", 60),
        ("Home infusion RN visit", "99601", 14),
    ]


def test_of_several_count_heads_the_one_printing_the_counts_word() -> None:
    """An enteral table printing the units a day and the days' supply before the count
    ("Units per day | Days supply | Qty"): the count is the "Qty" column; faxed and read by
    tesseract."""
    items = _faxed_items(
        [
            (100, 100, "Product / supply"),
            (700, 100, "HCPCS"),
            (950, 100, "Units per day"),
            (1200, 100, "Days supply"),
            (1450, 100, "Qty"),
            (100, 150, "Enteral formula, 1.5 kcal/mL"),
            (700, 150, "B4152"),
            (950, 150, "15"),
            (1200, 150, "30"),
            (1450, 150, "450"),
            (100, 200, "Enteral feeding supply kit"),
            (700, 200, "B4035"),
            (950, 200, "1"),
            (1200, 200, "30"),
            (1450, 200, "30"),
        ],
        height=600,
    )
    assert _read(items) == [
        ("Enteral formula, 1.5 kcal/mL", "B4152", 450),
        ("Enteral feeding supply kit", "B4035", 30),
    ]
