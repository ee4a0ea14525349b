"""Clinical content extraction: codes, items, infusion, services, access notes.

Accuracy is measured on generated text PDFs against their truth; the floors sit a little
under what the extractors reach so a regression fails. Code precision must stay >= 0.99.
Hand-built pages pin the tricky cases (ZIP vs CPT, NPI vs ICD, repairs).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest

from extractors.extract.access import find_access_notes
from extractors.extract.codes import find_diagnoses, find_procedures
from extractors.extract.extractor import extract
from extractors.extract.infusion import find_infusion
from extractors.extract.items import drug_item, find_items
from extractors.extract.phrases import Phrases
from extractors.extract.services import find_services
from extractors.limits import Limits
from extractors.pages import Page, ReadPage, Word
from extractors.readers import read_document
from extractors.referral import FlagCode
from samples.case import KINDS
from samples.generator import make_document
from tests.extractors.faxed import faxed_lines
from tests.extractors.laid_out import laid_out_page

SEEDS = range(30)

Truth = dict[str, Any]
Corpus = list[tuple[list[Page], Truth]]


@cache
def _corpus() -> Corpus:
    docs: Corpus = []
    for seed in SEEDS:
        doc = make_document(seed, "text_pdf", KINDS[seed % len(KINDS)])
        docs.append(([p.page for p in read_document(doc.data, Limits())], doc.truth))
    return docs


def _score(
    got: Callable[[list[Page]], Iterable[Hashable]], want: Callable[[Truth], Iterable[Hashable]]
) -> tuple[float, float]:
    tp = fp = fn = 0
    for pages, truth in _corpus():
        found, expected = set(got(pages)), set(want(truth))
        tp += len(found & expected)
        fp += len(found - expected)
        fn += len(expected - found)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def _item_key(item: dict[str, Any]) -> tuple[object, ...]:
    name = item["hcpcs"] or (item["description"] or "").lower()
    return (name, item["quantity"], item["flow_rate_lpm"], item["length_of_need_months"])


def _infusion_fields(pages: list[Page]) -> list[tuple[str, object]]:
    found = find_infusion(pages)
    return [] if found is None else list(found.value.model_dump().items())


MEASURES: dict[str, tuple[Callable[..., Any], Callable[[Truth], Any], float, float]] = {
    "diagnoses": (
        lambda p: [f.value.code for f in find_diagnoses(p)],
        lambda t: [d["code"] for d in t["diagnoses"]],
        0.99,
        0.97,
    ),
    "procedures": (
        lambda p: [(f.value.code, f.value.system) for f in find_procedures(p)],
        lambda t: [(d["code"], d["system"]) for d in t["procedures"]],
        0.99,
        0.90,
    ),
    "items": (
        lambda p: [_item_key(f.value.model_dump()) for f in find_items(p)],
        lambda t: [_item_key(i) for i in t["items"]],
        0.94,
        0.91,
    ),
    "services": (
        lambda p: [(f.value.discipline, f.value.frequency) for f in find_services(p)],
        lambda t: [(s["discipline"], s["frequency"]) for s in t["services"]],
        0.97,
        0.95,
    ),
    "infusion": (
        _infusion_fields,
        lambda t: list((t["infusion"] or {}).items()),
        0.92,
        0.92,
    ),
    "access_notes": (
        lambda p: [f.value for f in find_access_notes(p)],
        lambda t: t["access_notes"],
        0.95,
        0.95,
    ),
}


@pytest.mark.parametrize("name", list(MEASURES))
def test_accuracy_on_generated_text_pdfs(name: str) -> None:
    got, want, min_precision, min_recall = MEASURES[name]
    precision, recall = _score(got, want)
    print(f"{name}: precision {precision:.3f} recall {recall:.3f} on {len(SEEDS)} text PDFs")
    assert precision >= min_precision
    assert recall >= min_recall


# Hand-built pages: one line per entry, words spread left to right.


def _page(*lines: str) -> Page:
    words: list[Word] = []
    for row, text in enumerate(lines):
        x = 0.05
        for token in text.split():
            width = 0.012 * len(token)
            y = 0.05 + row * 0.02
            words.append(Word(text=token, conf=0.95, bbox=(x, y, x + width, y + 0.014), line=row))
            x += width + 0.01
    return Page(number=1, width=1700, height=2200, source="text_layer", words=words)


def _codes(*lines: str) -> list[str]:
    return [f.value.code for f in find_diagnoses([_page(*lines)]) if f.value.code]


def test_zip_is_not_a_cpt_code() -> None:
    page = _page("CPT: 99601", "Scranton, PA 18571", "HCPCS: E0143", "Asheville, NC 18571")
    procedures = [(f.value.code, f.value.system) for f in find_procedures([page])]
    assert ("99601", "CPT") in procedures
    assert ("18571", "CPT") not in procedures


def test_npi_member_id_phone_and_dates_are_not_diagnoses() -> None:
    lines = (
        "NPI: 1234567893 Member ID: W29604557 Phone 614 726 3330",
        "DOB 01/23/1945 4193 Park Ct MBI 1EG4TE5MK73 Group 718-55082",
    )
    assert _codes(*lines) == []


def test_leaf_code_is_kept_whole_and_header_code_is_kept_for_flagging() -> None:
    assert _codes("Dx: J44.1 COPD with exacerbation") == ["J44.1"]
    found = find_diagnoses([_page("ICD-10: J44")])
    assert [f.value.code for f in found] == ["J44"]


def test_ocr_damage_is_repaired_only_to_a_code_that_exists() -> None:
    assert _codes("Diagnosis: J]96.11 Chronic respiratory failure") == ["J96.11"]
    # "CODES" after a diagnosis label names no kind of its own: the list is diagnoses, and
    # a bar where the J goes is read as one.
    assert _codes("13. ICD-10 CODES: J96.11 |44.9") == ["J96.11", "J44.9"]
    # A standard fax's I read as a bracket, in a sentence listing the codes.
    assert _codes("Diagnoses: W19.XXXD (fall), [50.32 (chronic diastolic heart failure)") == [
        "W19.XXXD",
        "I50.32",
    ]
    assert _codes("Dx: J 44.1") == ["J44.1"]
    assert _codes("Dx: J441") == ["J44.1"]
    found = find_diagnoses([_page("Dx: J44.1")])
    assert found[0].value.description is not None
    assert found[0].text == "J44.1"


def test_fax_confusions_are_repaired_in_context() -> None:
    assert _codes("ICD-10: £11.65") == ["E11.65"]
    assert _codes("Diagnosis Code(s): }18.9; 747.1") == ["J18.9", "Z47.1"]
    assert _codes("ICD-10 Code | Description", "F11.65 - Type 2 diabetes mellitus") == ["E11.65"]
    prose = "He has chronic systolic (congestive) heart failure (150.22)."
    assert _codes(prose) == ["I50.22"]
    # Without the sentence naming the diagnosis a number in parentheses is not a code.
    assert _codes("Temperature (101.2) this morning") == []
    page = _page("HCPCS: 30696; $9500; 99601", "HCPCS codes: F1390")
    procedures = [(f.value.code, f.value.system) for f in find_procedures([page])]
    # 30696 is CPT-shaped and one misread letter off J0696: ambiguous, so left out.
    assert procedures == [("S9500", "HCPCS"), ("99601", "CPT"), ("E1390", "HCPCS")]


def test_the_printed_description_chooses_a_code_a_lost_or_misread_character_away() -> None:
    # The letter lost, read as a mark or as two characters; a digit misread; a header code
    # that the whole description vouches for is kept with its code for the flag.
    assert _codes("1. 79.4 Long term (current) use of insulin") == ["Z79.4"]
    assert _codes("&11.9 Type 2 diabetes mellitus without complications") == ["E11.9"]
    assert _codes("Diagnoses: J110 Essential (primary) hypertension") == ["I10"]
    assert _codes("Primary: [50.3 Diastolic (congestive) heart failure") == ["I50.3"]
    # A code read right keeps its own reading, even with a terse description...
    assert _codes("Secondary: F03,.90 Unspecified dementia, unspecified severity") == ["F03.90"]
    # ...and numbers beside words describing no code near them are no codes.
    assert _codes("120 Albuterol sulfate inhalation solution, 2.5 mg/3 mL") == []
    assert _codes("Weight 44.1 kg; chronic obstructive lung disease is stable") == []


def test_service_code_beside_the_diagnoses_is_a_procedure() -> None:
    page = _page(
        "11. ICD-10 Principal Diagnosis 12. Surgical Procedure", "L89.153 Pressure ulcer G0299"
    )
    assert [f.value.code for f in find_procedures([page])] == ["G0299"]
    assert [f.value.code for f in find_diagnoses([page])] == ["L89.153"]


def test_hcpcs_in_an_item_row_is_not_an_icd_code() -> None:
    page = _page("Diagnosis: E11.9", "HCPCS Description Qty", "E1390 Oxygen concentrator 1")
    assert [f.value.code for f in find_diagnoses([page])] == ["E11.9"]
    assert [f.value.hcpcs for f in find_items([page])] == ["E1390"]
    assert find_procedures([page]) == []


def test_item_line_details() -> None:
    page = _page("1. Oxygen concentrator [E1390] Qty 1 @ 2 LPM continuous LON 99 months (lifetime)")
    (found,) = find_items([page])
    item = found.value
    assert (item.hcpcs, item.quantity, item.flow_rate_lpm) == ("E1390", 1, 2.0)
    assert item.length_of_need_months == 99
    assert item.frequency == "continuous"


def test_item_brand_in_parentheses_and_misread_code() -> None:
    page = _page("1) Powered pressure-reducing air mattress (£0277), Qty 1 LON 99 months")
    (found,) = find_items([page])
    assert (found.value.hcpcs, found.value.quantity) == ("E0277", 1)
    assert "£0277" in found.text  # evidence keeps the text as printed
    page = _page("1. Oxygen concentrator (Invacare Platinum 5) - HCPCS E1390 Qty 1")
    (found,) = find_items([page])
    assert found.value.description == "Oxygen concentrator"
    assert found.value.brand_model == "Invacare Platinum 5"


def test_certificate_flow_and_length_of_need_fill_blank_cells() -> None:
    page = _page(
        "EST. LENGTH OF NEED (# of months): 12",
        "4. Highest prescribed flow rate (LPM): 2.5",
        "HCPCS Description Qty Frequency",
        "E1390 Oxygen concentrator 1 continuous",
        "E0776 IV pole 1 daily",
    )
    items = {f.value.hcpcs: f.value for f in find_items([page])}
    assert (items["E1390"].flow_rate_lpm, items["E1390"].length_of_need_months) == (2.5, 12)
    assert items["E0776"].flow_rate_lpm is None


def test_item_frequency_spelled_as_printed_and_counted() -> None:
    (found,) = find_items([_page("Test strips, HCPCS A4253, quantity 4, test 4x daily.")])
    assert found.value.frequency == "test 4x daily"
    (found,) = find_items([_page("1. Oxygen concentrator [E1390] Qty 1 @ 2 LPM 24hrs/day")])
    assert found.value.frequency == "24 hrs/day"


def test_a_count_captioned_with_a_participle() -> None:
    """A count after "Qty ordered", and one wrapped to the line under its caption."""
    (found,) = find_items([_page("E0978 Positioning belt / pelvic strap - Qty ordered 1")])
    assert found.value.quantity == 1
    page = _page("E2603 Skin protection seat cushion, width < 22 in - Qty ordered", "1")
    (found,) = find_items([page])
    assert (found.value.hcpcs, found.value.quantity) == ("E2603", 1)


def test_a_form_title_naming_equipment_orders_no_item() -> None:
    assert find_items([_page("Rogers Neurology Associates POWER WHEELCHAIR WRITTEN ORDER")]) == []
    assert find_items([_page("7-ELEMENT ORDER - POWER MOBILITY DEVICE")]) == []


def test_equipment_after_a_description_caption_is_ordered() -> None:
    """The caption's verb misread ("brad" for "ordered"): its description caption orders
    the equipment named after it, but a narrative's mention of a cane orders nothing."""
    page = _page("2. Item(s) brad / description Power wheelchair, Group 2 standard - #")
    assert [f.value.description for f in find_items([page])] == ["Power wheelchair"]
    page = _page("The limitation cannot be resolved with a cane or walker.")
    assert find_items([page]) == []


def test_a_long_description_after_its_code_is_kept_whole() -> None:
    line = (
        "2. Item(s) ordered / description K0856 Power wheelchair, Group 3 standard, "
        "single power option (tilt) - Qty ordered 1"
    )
    (found,) = find_items([_page(line)])
    assert (
        found.value.description == "Power wheelchair, Group 3 standard, single power option (tilt)"
    )
    assert (found.value.hcpcs, found.value.quantity) == ("K0856", 1)


def test_an_order_verb_governs_only_the_equipment_in_its_clause() -> None:
    assert [
        f.value.description for f in find_items([_page("Please provide a rolling walker.")])
    ] == ["rolling walker"]
    # A bullet read as "f4" joins the next criterion to this one.
    page = _page("leaving requires a considerable and taxing effort f4Ambulates < 166 ft with cane")
    assert find_items([page]) == []


def test_replacement_interval_is_not_length_of_need() -> None:
    (found,) = find_items([_page("2. CPAP tubing [A7037] Qty 1 1 per 3 months")])
    assert found.value.length_of_need_months is None


def test_services_spelled_out_become_485_shorthand() -> None:
    page = _page("skilled nursing twice a week for 4 weeks, PT 1w6, Pt: Smith")
    found = [(f.value.discipline, f.value.frequency) for f in find_services([page])]
    assert found == [("SN", "2W4"), ("PT", "1W6")]


def test_infusion_from_prose() -> None:
    page = _page("Please start home infusion of Cefazolin 2 g IV q8h for 6 weeks via PICC.")
    found = find_infusion([page])
    assert found is not None
    assert found.value.model_dump() == {
        "drug": "Cefazolin",
        "dose": "2 g",
        "route": "IV",
        "frequency": "q8h",
        "duration": "6 weeks",
        "access": "PICC",
    }


@pytest.mark.parametrize(
    ("sentence", "drug"),
    [
        # Prose writes a generic name in lower case.
        ("Please begin vancomycin 1.5 g IV every 12 hours for home infusion.", "vancomycin"),
        # A dosing verb before the dose is no drug: the drug is named before it.
        ("Home infusion: Ertapenem, infuse 1 g IV daily.", None),
        # Capitalised as a sig opens it, a verb still.
        ("Home infusion. Sig: Infuse 1 g IV q24h via tunneled catheter for 14 days", None),
    ],
)
def test_infusion_from_prose_names_a_lower_case_drug_but_never_a_verb(
    sentence: str, drug: str | None
) -> None:
    found = find_infusion([_page(sentence)])
    assert (found.value.drug if found else None) == drug


def test_access_notes_split_and_vascular_access_ignored() -> None:
    page = _page(
        "Special instructions: Second floor walk-up, no elevator; Gate code 4743",
        "Vascular access: PICC",
    )
    notes = [f.value for f in find_access_notes([page])]
    assert notes == ["Second floor walk-up, no elevator", "Gate code 4743"]


def test_infusion_table_header_with_borders_read_as_brackets() -> None:
    page = _page("Medication [Dose [Route", "Vancomycin 1.25g IV")
    found = find_infusion([page])
    assert found is not None
    assert (found.value.drug, found.value.route) == ("Vancomycin", "IV")


def test_a_labelled_drug_ends_at_its_dose_and_its_doses_are_its_count() -> None:
    # "Medication: Daptomycin 500 mg IV ..." was all one drug name, and no item matched it.
    lines = (
        "HOME INFUSION ORDERS",
        "Pt: Yazzie, Loretta DOB 6/14/1970",
        "Dx: M86.171 Other acute osteomyelitis, right ankle and foot",
        "Medication: Daptomycin 500 mg IV every 24 hours x 42 doses",
    )
    found = find_infusion([_page(*lines)])
    assert found is not None and (found.value.drug, found.value.dose) == ("Daptomycin", "500 mg")
    assert _items_of(*lines) == [("Daptomycin", None, 42)]


def test_a_drug_tables_doses_head_is_the_infusions_header() -> None:
    page = laid_out_page(
        [
            [(0.05, "Drug"), (0.3, "Dose"), (0.42, "Route"), (0.52, "Frequency"), (0.7, "Doses")],
            [(0.05, "Ertapenem"), (0.3, "1 g"), (0.42, "IV"), (0.52, "q24h"), (0.7, "10")],
        ]
    )
    found = find_infusion([page])
    assert found is not None
    assert (found.value.drug, found.value.route, found.value.frequency) == (
        "Ertapenem",
        "IV",
        "q24h",
    )


def test_infusion_header_without_its_row_takes_no_label_as_drug() -> None:
    page = _page("Medication Dose Route", "Vascular access: PICC Port Midline")
    assert find_infusion([page]) is None


def test_a_dot_read_as_a_colon_is_one_code_never_its_category() -> None:
    assert _codes("ICD-10: J96:11 - Chronic respiratory failure with hypoxia") == ["J96.11"]


def test_a_repair_that_falls_short_of_a_billable_code_keeps_no_code() -> None:
    """ "$72,001)" repairs only to S72.001, which needs the seventh character OCR lost:
    the diagnosis is kept without a code rather than with a code the page does not print."""
    found = find_diagnoses([_page("13. Other Pertinent Diagnoses", "Dx: J44,1", "Dx: $72,001)")])
    assert [(f.value.code, f.value.description) for f in found][1] == (None, "$72,001")
    assert found[0].value.code == "J44.1"
    # Printed as it stands, a code short of its characters is kept and flagged by the rules.
    assert _codes("Dx: S72.001") == ["S72.001"]


def _columns(*rows: tuple[str, ...]) -> Page:
    """A table page: cell n of every row starts at the same x, as a printed table's do."""
    words: list[Word] = []
    for row, cells in enumerate(rows):
        for column, cell in enumerate(cells):
            x = 0.05 + column * 0.2
            for token in cell.split():
                box = (x, 0.05 + row * 0.02, x + 0.012 * len(token), 0.064 + row * 0.02)
                words.append(Word(text=token, conf=0.95, bbox=box, line=row))
                x = box[2] + 0.01
    return Page(number=1, width=1700, height=2200, source="text_layer", words=words)


def test_serial_number_of_a_replacement_from_a_line_a_table_and_a_letter() -> None:
    line = _page("1. Hospital bed [E0250] - Serial No. RT12345678 (replacement) Qty 1")
    (found,) = find_items([line])
    assert (found.value.serial_number, found.value.brand_model) == ("RT12345678", None)
    assert found.value.quantity == 1
    table = _columns(
        ("HCPCS", "Description", "Qty", "Serial #"), ("E0601", "CPAP device", "1", "KX-1234567")
    )
    (found,) = find_items([table])
    assert found.value.serial_number == "KX-1234567"
    prose = _page(
        "Please provide Ms. Mei Martin with standard wheelchair, HCPCS K0001, replacing the"
        " unit with serial number XY-12345678, quantity 1."
    )
    (found,) = find_items([prose])
    assert found.value.serial_number == "XY-12345678"
    assert found.value.description == "standard wheelchair"


def test_item_description_without_list_number_label_or_code_label() -> None:
    page = _page("3. Lancets, per box of 100 - HCPCS A4259 Qty 2", "Supplies: IV pole, HCPCS E0776")
    assert [f.value.description for f in find_items([page])] == [
        "Lancets, per box of 100",
        "IV pole",
    ]


def test_items_listed_after_a_semicolon_read_as_a_colon() -> None:
    page = _page(
        "Please provide oxygen concentrator, HCPCS E1390, quantity 1, length of need 99 months"
        " (lifetime): stationary liquid oxygen system, HCPCS E0439, quantity 1"
    )
    assert [f.value.hcpcs for f in find_items([page])] == ["E1390", "E0439"]


def _items_of(*lines: str) -> list[tuple[str | None, str | None, int | None]]:
    referral = extract(
        [ReadPage(_page(*lines), b"")],
        filename="order.pdf",
        sha256="0" * 64,
        received_at=datetime(2025, 3, 20, 9, 0, tzinfo=UTC),
    )
    return [(i.description, i.hcpcs, i.quantity) for i in referral.items]


def test_a_letter_orders_its_infused_drug_and_per_diem_in_words() -> None:
    # No code and no table: the drug and the per diem are the order's items, each with the
    # count its sentence gives (the doses past a semicolon, the per diem's days).
    assert _items_of(
        "Patient: Grace Okafor DOB: 02/11/1958",
        "Please begin ceftriaxone 2 g IV every 24 hours via the PICC for 3 weeks; 21 doses",
        "in total, with the first home dose on 15-Mar-2025. Please also provide the home",
        "infusion per diem for 21 days.",
        "Dx: A41.9 Sepsis, unspecified organism",
    ) == [("home infusion per diem", None, 21), ("ceftriaxone", None, 21)]


def test_a_drug_taken_by_mouth_is_no_item_of_an_infusion_order() -> None:
    # A discharge list under an infusion cue: the tablet is no home infusion's drug.
    assert (
        _items_of(
            "Home infusion referral",
            "Patient: Grace Okafor DOB: 02/11/1958",
            "Dx: A41.9 Sepsis, unspecified organism",
            "Discharge medications: Atorvastatin 40 mg PO daily",
        )
        == []
    )


def test_a_repaired_code_is_never_silent() -> None:
    page = _page("Dx: J44.1 COPD", "HCPCS codes: F1390", "1. Oxygen concentrator [£0431] Qty 1")
    referral = extract(
        [ReadPage(page, b"")],
        filename="order.pdf",
        sha256="0" * 64,
        received_at=datetime(2025, 1, 2, 9, 0, tzinfo=UTC),
    )
    repaired = [(f.field, f.message) for f in referral.flags if f.code == FlagCode.CODE_REPAIRED]
    assert [field for field, _ in repaired] == ["procedures.0.code", "items.0.hcpcs"]
    assert "E1390" in repaired[0][1]
    assert (referral.procedures[0].code, referral.items[0].hcpcs) == ("E1390", "E0431")


def test_phrases_match_whole_words_through_glued_marks_and_line_breaks() -> None:
    heads = Phrases(["qty", "frequency", "flow rate", "hcpcs code"])
    text = "HCPCS Code |Description Qty |Frequency Flow\nrate"
    assert [m.group() for m in heads.finditer(text)] == [
        "HCPCS Code",
        "Qty",
        "Frequency",
        "Flow\nrate",
    ]
    assert heads.search("Quantity frequently") is None
    longest = Phrases(["oxygen", "oxygen concentrator"])
    assert [m.group() for m in longest.finditer("Oxygen concentrator, oxygen")] == [
        "Oxygen concentrator",
        "oxygen",
    ]
    assert longest.match("via oxygen", 4) is not None and longest.match("via oxygen", 3) is None


def test_a_number_one_letter_off_a_hcpcs_code_is_cpt_only_under_a_cpt_label() -> None:
    billing = _page("Billing codes: J3370; 59501", "HCPCS/CPT: B4189; 59366 Home infusion therapy")
    assert [f.value.code for f in find_procedures([billing])] == ["J3370", "B4189"]
    cpt = _page("CPT: 59501")
    assert [(f.value.code, f.value.system) for f in find_procedures([cpt])] == [("59501", "CPT")]


def test_a_name_that_means_one_code_suggests_it_without_claiming_it_was_printed() -> None:
    page = _page("Please provide CPAP device, qty 1", "Please provide hospital bed, qty 1")
    items = [(f.value.hcpcs, f.value.suggested_hcpcs) for f in find_items([page])]
    # A hospital bed may be any of four codes: no suggestion.
    assert items == [(None, "E0601"), (None, None)]
    (printed,) = find_items([_page("1. CPAP device [E0601] Qty 1")])
    assert (printed.value.hcpcs, printed.value.suggested_hcpcs) == ("E0601", None)


def test_a_code_broken_after_its_dot_is_read_whole_or_not_at_all() -> None:
    """ "150. 32" is I50.32 with the letter misread; "196. 11" is J96.11 (a J that lost its
    hook); "199. 11" repairs to no code, and its head is never read as the category I99."""
    line = "Diagnoses: N 39. 0 - Urinary tract infection; 150. 32 - Chronic diastolic heart failure"
    assert _codes(line) == ["N39.0", "I50.32"]
    assert _codes("ICD-10-CM: 196. 11 - Chronic respiratory failure with hypoxia; R06.02") == [
        "J96.11",
        "R06.02",
    ]
    assert _codes("ICD-10-CM: 199. 11 - Chronic respiratory failure; R06.02") == ["R06.02"]


def test_an_item_code_that_does_not_exist_takes_the_one_printed_for_it_elsewhere() -> None:
    """Page 1 lists E1390 and E1392; the item line's E1390 was misread as E1396."""
    page = _page(
        "HCPCS codes: E1390 E1392",
        "1. Oxygen concentrator [E1396] - Respironics EverFlo Qty 1",
        "2. Portable oxygen concentrator [E1392] - Inogen One G5 Qty 1",
    )
    items = [(f.value.hcpcs, f.value.quantity) for f in find_items([page])]
    assert items == [("E1390", 1), ("E1392", 1)]
    humidifier = _page("Please provide heated humidifier, HCPCS E0362, quantity 1")
    assert [f.value.hcpcs for f in find_items([humidifier])] == ["E0562"]
    alone = _page("1. Hospital bed [E0268] Qty 1")
    assert [f.value.hcpcs for f in find_items([alone])] == ["E0268"]


def test_specks_around_an_item_description_are_no_part_of_it() -> None:
    page = _page(
        "\u2019 2. Portable oxygen concentrator [E1392] Qty 1",
        ". 1) Hospital bed, fixed height, with . _ mattress [E0250] Qty 1",
    )
    descriptions = [f.value.description for f in find_items([page])]
    assert descriptions == [
        "Portable oxygen concentrator",
        "Hospital bed, fixed height, with mattress",
    ]


def test_a_dot_read_as_a_comma_in_damaged_print_is_no_category_code() -> None:
    line = "Diagnosis Code(s): J84.10 - Pulmonary fibrosis; 144, 1- COPD with exacerbation"
    assert _codes(line) == ["J84.10", "J44.1"]
    # Print that kept its letter lists codes with commas: "I10, 2 weeks" is I10.
    assert _codes("Dx: I10, 2 weeks post-op") == ["I10"]


def test_a_code_whose_tail_ocr_lost_is_not_read_as_its_category() -> None:
    """ "j44.." is J44.1 with its last character gone: J44 alone is not what was printed.
    "J84:10°" is J84.10 with its dot read as a colon and a speck after it."""
    lines = ("* J84:10° Pulmonary fibrosis, unspecified", "j44.. COPD with acute exacerbation")
    assert _codes(*lines) == ["J84.10"]
    # A category code that ends a sentence is still read as printed.
    assert _codes("Diagnosis: COPD J44.") == ["J44"]
    assert _codes("G47 .33 Obstructive sleep apnea") == ["G47.33"]


def test_a_header_code_in_prose_is_not_taken() -> None:
    """ "I10" read as "T16" beside a real code: a category in a sentence is more often a
    misread billable code than a category the doctor meant."""
    assert _codes("Mr. Robert Dubois is under my care for G47.33, T16.") == ["G47.33"]
    assert _codes("Mr. Robert Dubois is under my care for G47.33, I10.") == ["G47.33", "I10"]


def test_a_code_whose_description_follows_it_is_read_in_any_section() -> None:
    """The description settles what damaged print cannot: "247.1" is Z47.1 and "110" I10
    (not J10 or L10) when the words after them describe those codes."""
    lines = (
        "Primary: 247.1 Aftercare following joint replacement surgery",
        "Secondary: 110 Essential (primary) hypertension",
        "Secondary: 291,81 History of falling",
        "1 C189 Malignant neoplasm of colon, unspecified",
        "2 N39 - Other disorders of urinary system",
    )
    assert _codes(*lines) == ["Z47.1", "I10", "Z91.81", "C18.9", "N39"]


def test_a_damaged_code_whose_description_ocr_set_apart_on_its_row() -> None:
    """OCR read a table's code column and description column as lines of their own: the
    description beside "444.1" on its row still says it is J44.1, and a speck glued to a
    code ("~=R06.02") is no part of it."""
    cells = [
        (1, 0.07, "1 444.1"),
        (2, 0.23, "Chronic obstructive pulmonary disease with (acute)..."),
        (3, 0.23, "Essential (primary) hypertension"),
        (4, 0.07, "3 ~=R06.02"),
        (5, 0.23, "Shortness of breath"),
    ]
    rows = {1: 0.287, 2: 0.287, 3: 0.305, 4: 0.324, 5: 0.324}
    words = [Word(text="ICD-10-CM", conf=0.9, bbox=(0.07, 0.268, 0.15, 0.28), line=0)]
    for line, x0, text in cells:
        x = x0
        for token in text.split():
            box = (x, rows[line], x + 0.009 * len(token), rows[line] + 0.012)
            words.append(Word(text=token, conf=0.9, bbox=box, line=line))
            x = box[2] + 0.009
    page = Page(number=1, width=1700, height=2200, source="ocr", words=words)
    assert [f.value.code for f in find_diagnoses([page])] == ["J44.1", "R06.02"]


def test_a_subcategory_whose_description_names_one_childs_words_lost_its_last_character() -> None:
    """ "G20.A1 Parkinson's ..." read as "G20.A arkinson's": the words past the subcategory's
    own title ("without mention" of fluctuations) are G20.A1's alone. A header code printed
    with its own title stays as printed, for the rules to flag as not billable."""
    assert _codes(
        "Diagnoses: G20.A arkinson's disease-withoth uyoniie@5ia, WITNOUT Mention...",
        "Also: G47.3 (Sleep apnea); R09.0 - Asphyxia and hypoxemia",
    ) == ["G20.A1", "G47.3", "R09.0"]


def test_codes_opening_rows_and_boxes_of_a_diagnosis_section() -> None:
    lines = (
        "21. DIAGNOSIS OR NATURE OF ILLNESS (ICD-10-CM)",
        "A. 169.351 B. E11.22 C. 110 D.",
        "2 | A419",
        "_ *.£11.9°--",
    )
    assert _codes(*lines) == ["I69.351", "E11.22", "I10", "A41.9", "E11.9"]


def test_a_row_of_a_diagnosis_section_is_no_code_without_one() -> None:
    """A house number, specks, or a category a misread reaches are not codes: "719" is Z19
    only by OCR, "N88" a row of specks, "}10" more often I10 than the category J10."""
    lines = ("Diagnoses", "719 Carolyn Street", "N88 Be ee ee")
    assert _codes(*lines) == []
    # Not the influenza code J11.0 it spells: its description names I10.
    assert _codes(*lines, "3 | J110 Essential hypertension") == ["I10"]
    assert _codes("Dx: E11.65, }10") == ["E11.65"]


def test_a_number_listed_after_a_dotted_code_is_its_billable_reading() -> None:
    assert _codes("Dz: R26.81, 110") == ["R26.81", "I10"]
    # In parentheses a number is as often an area code.
    assert _codes("Dx: R26.81", "Home #: (602)913-8352") == ["R26.81"]


def test_a_number_in_parentheses_after_its_diagnosis_in_prose_is_its_code() -> None:
    # A letter's "essential hypertension (I10)", the I read as a 1.
    lines = ("He has type 2 diabetes (E11.9) and essential hypertension (110). He is",)
    assert _codes(*lines) == ["E11.9", "I10"]
    # The sentence names no diagnosis of that code: a number in parentheses stays one.
    assert _codes("He has diabetes (E11.9) and can be reached at (110) 555-0100.") == ["E11.9"]


def test_a_code_after_its_diagnosis_and_a_comma_in_a_list_of_diagnoses() -> None:
    # A letter's list "heart failure, I50.22; ...", wrapped: the last code on a line of its
    # own, its Z read as a 7, named by the clause before its comma.
    lines = (
        "Diagnoses: chronic systolic (congestive) heart failure, I50.22; dilated",
        "cardiomyopathy, I42.0;",
        "presence of automatic (implantable) cardiac defibrillator, 795.810. Most recent",
    )
    assert _codes(*lines) == ["I50.22", "I42.0", "Z95.810"]
    # A number after a comma that no clause before it names stays a number.
    assert _codes("Seen in clinic on Tuesday, 795.810.", "Weight 84 kg.") == []


def test_a_cpt_code_in_brackets_after_its_service_is_a_procedure() -> None:
    page = _page("home infusion nursing visits (99601) for line care, 7 in total.")
    procedures = [(f.value.code, f.value.system) for f in find_procedures([page])]
    assert procedures == [("99601", "CPT")]
    # One misread letter off a HCPCS code, or a ZIP code after its state, it is neither.
    page = _page("per diem (59500) for 10 days; Springfield, IL (62701)")
    assert find_procedures([page]) == []


def test_disciplines_a_letter_orders_with_their_visits_total_are_items() -> None:
    assert _items_of(
        "Re: Gerald Whitcomb, DOB 03/14/1941",
        "Diagnoses: I50.32 (chronic diastolic heart failure)",
        "Please provide: skilled nursing 2x/week x 4 weeks (= 8 visits) for CHF",
        "monitoring and medication teaching; physical therapy evaluate and treat,",
        "2x/week x 3 weeks (= 6 visits). Start of care: 12/04/2026.",
    ) == [
        ("skilled nursing 2x/week x 4 weeks", None, 8),
        ("physical therapy evaluate and treat, 2x/week x 3 weeks", None, 6),
    ]


def test_a_plan_of_cares_visit_lines_by_abbreviation_are_items() -> None:
    """ "SN 1w4 ... (4 visits)": an abbreviation names a discipline before its frequency."""
    assert _items_of(
        "Patient: Oyelaran, Babatunde  DOB 09/30/1945",
        "Principal diagnosis: I69.351 Hemiplegia following cerebral infarction",
        "Orders for discipline and treatments:",
        "SN 1w4 for medication management, BP monitoring (4 visits).",
        "PT 2w4 for gait training, transfers (8 visits).",
    ) == [
        ("SN 1w4 for medication management, BP monitoring", None, 4),
        ("PT 2w4 for gait training, transfers", None, 8),
    ]


def test_a_discipline_with_a_frequency_and_no_total_is_no_item() -> None:
    """A total is read where it is printed; "2x/week x 4 weeks" is not multiplied out."""
    assert (
        _items_of(
            "Re: Gerald Whitcomb, DOB 03/14/1941",
            "Diagnoses: I50.32 (chronic diastolic heart failure)",
            "Please provide skilled nursing 2x/week x 4 weeks for CHF teaching.",
        )
        == []
    )


def test_a_sentence_handing_over_items_by_their_codes() -> None:
    assert _items_of(
        "Re: Joan Petrakis, DOB 05/09/1944",
        "Mrs. Petrakis has multiple sclerosis (G35.D) and cannot propel a manual wheelchair.",
        "I am ordering a K0823 Power wheelchair, group 2 standard, captains chair",
        "(quantity 1), with E2601 general use seat cushion (quantity 1).",
    ) == [
        ("Power wheelchair, group 2 standard, captains chair", "K0823", 1),
        ("general use seat cushion", "E2601", 1),
    ]


def test_a_list_run_on_along_one_line_is_read_item_by_item() -> None:
    assert _items_of(
        "Patient: Rosa Villanueva  DOB 12/02/1940",
        "ICD-10: J96.11",
        "14. EQUIPMENT: E1390 Stationary concentrator x1 £0431 Portable gaseous system x1",
    ) == [("Stationary concentrator", "E1390", 1), ("Portable gaseous system", "E0431", 1)]


@pytest.mark.parametrize(
    ("lines", "items"),
    [
        # An "Rx:" label before coded lines heads a list, not one prescription.
        (
            (
                "PATIENT: LINDQUIST, MARGARET | DOB: 02/28/1944",
                "Dx: Z96.641 Presence of right artificial hip joint",
                "Rx: E0143 Walker, folding, wheeled, adjustable - Qty 1",
                "E0165 Commode chair, detachable arms - Qty 1",
            ),
            [
                ("Walker, folding, wheeled, adjustable", "E0143", 1),
                ("Commode chair, detachable arms", "E0165", 1),
            ],
        ),
        # An "Rx:" line with no code or count over coded lines is their therapy, no item;
        # each coded line's count follows its dash.
        (
            (
                "Patient: Eunice Hargrove DOB: 03/03/1946",
                "Dx: J96.11 Chronic respiratory failure with hypoxia",
                "Rx: O2 2 LPM via nasal cannula, continuous, 24 hrs/day.",
                "E1390 Oxygen concentrator - 1",
                "E0431 Portable gaseous oxygen system - 1",
            ),
            [
                ("Oxygen concentrator", "E1390", 1),
                ("Portable gaseous oxygen system", "E0431", 1),
            ],
        ),
    ],
)
def test_coded_lines_under_a_prescription_are_the_items(
    lines: tuple[str, ...], items: list[tuple[str | None, str | None, int | None]]
) -> None:
    assert _items_of(*lines) == items


def test_a_list_of_codes_each_described_after_it() -> None:
    assert _items_of(
        "Patient: Esperanza Villalobos  DOB 14-Mar-1947",
        "Diagnoses: I27.20 Pulmonary hypertension, unspecified",
        "Equipment: E1390 oxygen concentrator, E0431 portable gaseous oxygen,"
        " E0443 portable contents",
    ) == [
        ("oxygen concentrator", "E1390", None),
        ("portable gaseous oxygen", "E0431", None),
        ("portable contents", "E0443", None),
    ]


def test_a_code_in_a_bracketed_list_of_codes_is_mended_by_its_neighbour() -> None:
    # The I read as a 1 inside "(...)" with a real code after it: a list of diagnoses,
    # not an area code.
    assert _codes(
        "Medical necessity: unable to ambulate household distances (169.351, M62.81).",
    ) == ["I69.351", "M62.81"]


def test_a_code_that_lost_its_letter_is_chosen_by_the_abbreviation_beside_it() -> None:
    # "COPD" carries the words of J44.9's description; no other code near "44.9" has them.
    assert _codes("Diagnosis 44.9 COPD, unspecified") == ["J44.9"]


def test_disciplines_named_by_their_abbreviations_with_their_visit_totals() -> None:
    assert _items_of(
        "Patient: Greta Petersen DOB: 08/22/1944",
        "Diagnoses (ICD-10): Z96.651 Presence of right artificial knee joint",
        "Frequency: SN 1w3 (3 visits); PT 2w4 (8 visits)",
    ) == [("SN 1w3", None, 3), ("PT 2w4", None, 8)]


def test_a_prescriptions_code_newer_than_the_table_is_kept_and_flagged() -> None:
    referral = extract(
        [
            ReadPage(
                _page(
                    "Patient: Funmilayo Oyelaran DOB: 1972-08-08",
                    "Rx: Continuous glucose monitor sensor (A4239)",
                    "Disp: 3 (three) Refills: 11",
                    "Dx: E10.65 Type 1 diabetes mellitus with hyperglycemia",
                ),
                b"",
            )
        ],
        filename="order.pdf",
        sha256="0" * 64,
        received_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
    )
    assert [(i.description, i.hcpcs, i.quantity) for i in referral.items] == [
        ("Continuous glucose monitor sensor", "A4239", 3)
    ]
    assert (("items.0.hcpcs", FlagCode.HCPCS_UNKNOWN)) in {
        (f.field, f.code) for f in referral.flags
    }


def test_an_order_naming_its_equipment_only_by_a_list_of_codes() -> None:
    # The codes are the items (no words of theirs are printed), a damaged one read too;
    # the caption after them is no description.
    assert _items_of(
        "Patient: Harlan Voight",
        "Diagnosis codes: J44.1, J96.11",
        "PLACE OF SERVICE: Home HCPCS CODES: £1390, E0431 DOB: 07/30/1941",
    ) == [(None, "E1390", None), (None, "E0431", None)]


def test_item_codes_misread_past_their_shape_are_mended() -> None:
    # A 0 read as Q ("EQ143"); a 0 read twice ("KO0823"), which only the words after it
    # may mend.
    assert _items_of(
        "Patient: Reginald Okonjo-Hart DOB: 04/04/1961",
        "Diagnosis: G82.20 Paraplegia, unspecified",
        "DME: EQ143 WALKER FOLDING WHEELED - 1",
        "Requested: KO0823 Power wheelchair, group 2 standard, captains chair - 1",
    ) == [
        ("WALKER FOLDING WHEELED", "E0143", 1),
        ("Power wheelchair, group 2 standard, captains chair", "K0823", 1),
    ]


def test_a_drug_dosed_twice_the_second_in_brackets_is_the_infusions() -> None:
    # Before it was read, the premedication after it was taken for the infused drug.
    page = _page(
        "Home infusion referral",
        "1) Infliximab 5 mg/kg (400 mg) IV over 2 hrs every 8 weeks - J1745 - #4 doses",
        "2) Diphenhydramine 25 mg PO 30 min prior to infusion - #4",
    )
    found = find_infusion([page])
    assert found is not None
    infusion = found.value
    assert (infusion.drug, infusion.dose, infusion.route) == ("Infliximab", "5 mg/kg", "IV")


def test_a_code_whose_letter_ocr_read_as_a_digit_named_by_its_one_telling_word() -> None:
    """ "Gastrostomy status" has one telling word: the sentence printing it names Z93.1."""
    assert _codes("and now depends on gastrostomy feeding (293.1). Please supply an") == ["Z93.1"]


def test_items_a_sentence_hands_over_with_a_number_in_a_name() -> None:
    """The decimal point of "Jevity 1.5" ends no clause: the formula is an item of its own,
    and each item takes the count printed after its own code."""
    page = _page(
        "Please supply an enteral feeding pump (B9002), 1 each, and enteral formula, Jevity 1.5",
        "(B4154), 450 units per month, with pump administration sets (B4035), 30 per month.",
    )
    items = [f.value for f in find_items([page])]
    assert [(i.hcpcs, i.quantity) for i in items] == [
        ("B9002", 1),
        ("B4154", 450),
        ("B4035", 30),
    ]
    assert items[2].description == "pump administration sets"


def test_a_frequency_whose_digit_ocr_read_as_a_letter() -> None:
    """ "SN 3wl": the 1 of 3w1 read as an l. A number too garbled to say ("1lwl") stays."""
    page = _page("SN 3wl, 2w2 (= 7 visits): HF teaching", "OT 1lwl (= 1 visits)")
    services = [f.value for f in find_services([page])]
    assert [(s.discipline, s.frequency) for s in services] == [("SN", "3W1, 2W2")]
    first = find_items([page])[0].value
    assert (first.description, first.quantity) == ("SN 3wl, 2w2", 7)


def test_a_bracketed_code_that_lost_its_letter_named_by_the_words_before_it() -> None:
    """ "paroxysmal atrial fibrillation (48.0)": the I lost; the clause before the bracket
    describes I48.0 alone."""
    assert _codes("She also has paroxysmal atrial fibrillation (48.0). Please provide") == ["I48.0"]
    assert _codes("Call (757) 555-0210 about the dose (4.5) if needed") == []


def test_a_drug_caption_heads_its_code_dose_and_route() -> None:
    """ "Drug: <name> <code>, <dose> IV ...": the code is the drug item's, not its name's, and
    the dose and route the caption heads are the infusion's."""
    page = _page(
        "Drug: Immune globulin (Gamunex-C) J1561, 2 g/kg = 140 g IV over 2 days, every 3 weeks"
    )
    found = find_infusion([page])
    assert found is not None
    infusion = found.value
    assert (infusion.drug, infusion.dose, infusion.route) == (
        "Immune globulin (Gamunex-C)",
        "2 g/kg",
        "IV",
    )
    item = drug_item([page], infusion, [])
    assert item is not None
    assert (item.value.description, item.value.hcpcs) == ("Immune globulin (Gamunex-C)", "J1561")


def test_a_drugs_doses_captioned_on_a_line_of_their_own_are_its_count() -> None:
    """ "Medication: <drug> <dose> IV ..." then "Doses: 14" a line below, faxed and read by
    tesseract: the doses count the drug item; two drugs' counts would leave it unread."""
    read = faxed_lines(
        [
            "HOME INFUSION REFERRAL",
            "Patient: Lindqvist, Soren A     DOB: 12/08/1962",
            "Diagnosis: A41.9 Sepsis, unspecified organism",
            "Medication: Ceftriaxone 2 g IV every 24 hours",
            "Doses: 14",
            "Start date: 12/05/2026",
        ]
    )
    referral = extract(
        read,
        filename="fax.tif",
        sha256="0" * 64,
        received_at=datetime(2026, 12, 6, 9, 0, tzinfo=UTC),
    )
    assert [(i.description, i.quantity) for i in referral.items] == [("Ceftriaxone", 14)]
    # Two counts captioned apart: which is the drug's is not told, so none is taken.
    page = _page(
        "Medication: Ceftriaxone 2 g IV every 24 hours",
        "Doses: 14",
        "Flush: heparin 10 units/mL 5 mL IV after each dose  Doses: 28",
    )
    found = find_infusion([page])
    assert found is not None
    item = drug_item([page], found.value, [])
    assert item is not None and item.value.quantity is None


@pytest.mark.parametrize(
    ("lines", "items", "services"),
    [
        # Each discipline an item with its total, though the lines differ only in the
        # discipline's two letters; the evaluation before a frequency is no bar.
        pytest.param(
            [
                "Orders:",
                "1) Home health PT: eval + 3w2, 2w2 (= 11 visits) - ROM, gait, stairs",
                "2) Home health OT: eval + 1w3 (= 4 visits) - ADLs, tub transfer",
                "3) SN: 1w2 + 2 PRN (= 2 visits) - incision check",
            ],
            [
                ("Home health PT eval + 3w2, 2w2", 11),
                ("Home health OT eval + 1w3", 4),
                ("SN 1w2 + 2 PRN", 2),
            ],
            [("PT", "3W2, 2W2"), ("OT", "1W3"), ("SN", "1W2")],
            id="numbered",
        ),
        # A fax reads 1w1 as "lwl" and the colon after "PT" as a semicolon.
        pytest.param(
            [
                "SN: lwl, 2w3, lw4 + 2 PRN for CHF exacerbation (= 11 visits)",
                "PT; eval + 2w4 (= 9 visits)",
            ],
            [("SN lwl, 2w3, lw4 + 2 PRN for CHF exacerbation", 11), ("PT eval + 2w4", 9)],
            [("SN", "1W1, 2W3, 1W4"), ("PT", "2W4")],
            id="misread",
        ),
    ],
)
def test_each_disciplines_visit_line_is_an_item_and_a_service(
    lines: list[str], items: list[tuple[str, int]], services: list[tuple[str, str]]
) -> None:
    page = _page(*lines)
    assert [(f.value.description, f.value.quantity) for f in find_items([page])] == items
    assert [(f.value.discipline, f.value.frequency) for f in find_services([page])] == services


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        pytest.param(
            "[X] Skilled Nursing GO299 [X] PTGO151 [] OT [X] HHA GO156", ["G0299"], id="ticked"
        ),
        pytest.param("Physical therapy visits GO151", ["G0151"], id="named"),
        # Nothing before it names the service: a damaged print may be any code.
        pytest.param("Room GO299", [], id="unnamed"),
    ],
)
def test_a_service_code_a_look_alike_damaged_is_read_where_its_words_name_it(
    text: str, codes: list[str]
) -> None:
    assert [f.value.code for f in find_procedures([_page(text)])] == codes


def test_a_column_head_over_a_dose_is_no_drug() -> None:
    page = _page("HOME INFUSION INTAKE", "Sig Qty Refills", "2g IV q24h x 14 days 14 0")
    assert find_infusion([page]) is None


def test_equipment_under_a_condition_heading_is_not_ordered() -> None:
    """Under "HOMEBOUND STATUS" the walker is what the patient uses; the part the next
    heading opens orders again."""
    page = _page(
        "HOMEBOUND STATUS",
        "Leaves home only for MD visits; requires assist of 1 and walker,",
        "considerable and taxing effort.",
        "EQUIPMENT ORDERED",
        "Patient requires a hospital bed",
    )
    found = [f.value.description for f in find_items([page])]
    assert found == ["hospital bed"]


def test_a_count_spelled_out_before_an_items_name_in_a_letter() -> None:
    # "one ambulatory infusion pump (E0781)": the count spelled out is no part of the name.
    page = _page(
        "Please also provide one ambulatory infusion pump (E0781), and the home infusion per",
        "diem for inotropic therapy (S9348) for 28 days.",
    )
    assert [(f.value.description, f.value.hcpcs, f.value.quantity) for f in find_items([page])] == [
        ("ambulatory infusion pump", "E0781", 1),
        ("home infusion per diem for inotropic therapy", "S9348", 28),
    ]
