"""Self-checks for the labeled-corpus generator in samples/."""

from __future__ import annotations

import io
import json
import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from PIL import Image, TiffImagePlugin

from samples import clinical
from samples.case import DISCHARGE_REASON, KINDS, build_case, to_truth
from samples.fax import encode_fax_tiff
from samples.generator import FORMATS, GeneratedDoc, generate, make_document
from samples.people import make_mbi, npi_is_valid

CONTRACT: dict[str, Any] = {
    "referral_type": None,
    "member": ["first_name", "last_name", "dob", "sex", "member_id", "phone", "address"],
    "payer": ["name", "group_number"],
    "clinician": [
        "first_name",
        "last_name",
        "credentials",
        "npi",
        "phone",
        "fax",
        "organization",
    ],
    "diagnoses": None,
    "procedures": None,
    "items": None,
    "infusion": None,
    "services": None,
    "dates": ["order", "service_start", "discharge", "signature", "face_to_face"],
    "signature": ["present", "date"],
    "access_notes": None,
    "urgent": None,
    "urgency_reason": None,
    "missing": None,
    "source": ["filename", "pages", "order_page"],
    "format": None,
    "received_at": None,
    "gaps": None,
}
ITEM_KEYS = {
    "description",
    "hcpcs",
    "quantity",
    "frequency",
    "flow_rate_lpm",
    "length_of_need_months",
    "brand_model",
    "serial_number",
}
CORPUS = Path(__file__).resolve().parents[2] / "samples" / "corpus"


@pytest.fixture(scope="module")
def docs() -> list[GeneratedDoc]:
    # One document per (format, kind) pairing, shifted so every kind meets every format.
    return [
        make_document(100 + i, fmt, KINDS[(i + j) % len(KINDS)])
        for j, fmt in enumerate(FORMATS)
        for i in range(2)
    ]


def _tiff(data: bytes) -> TiffImagePlugin.TiffImageFile:
    img = Image.open(io.BytesIO(data))
    assert isinstance(img, TiffImagePlugin.TiffImageFile)
    return img


def _truths(n: int = 20) -> list[dict[str, Any]]:
    """Truth without rendering (fast); the case, and so the truth, is format-independent."""
    out = []
    for seed in range(n):
        for kind in KINDS:
            case = build_case(seed, kind)
            t = to_truth(case)
            t["gaps"] = case.gaps
            out.append(t)
    return out


def _pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_same_seed_same_bytes_and_truth() -> None:
    for fmt in FORMATS:
        a = make_document(7, fmt)
        b = make_document(7, fmt)
        assert a.data == b.data, fmt
        assert a.truth == b.truth, fmt
    assert make_document(7, "png").truth != make_document(8, "png").truth


def test_same_seed_same_case_across_formats() -> None:
    base = make_document(11, "text_pdf", "dme").truth
    for fmt in FORMATS[1:]:
        other = make_document(11, fmt, "dme").truth
        assert other["member"] == base["member"]
        assert other["items"] == base["items"]


def test_every_format_reads_back(docs: list[GeneratedDoc]) -> None:
    for doc in docs:
        pages = doc.truth["source"]["pages"]
        if doc.fmt.endswith("pdf"):
            with pdfplumber.open(io.BytesIO(doc.data)) as pdf:
                assert len(pdf.pages) == pages
                if doc.fmt == "text_pdf":
                    assert len(pdf.pages[0].extract_text() or "") > 200
                else:
                    assert pdf.pages[0].images, "a scanned PDF carries page images"
        else:
            img = Image.open(io.BytesIO(doc.data))
            assert getattr(img, "n_frames", 1) == pages
            img.load()
            assert img.format == {"png": "PNG", "jpeg": "JPEG"}.get(doc.fmt, "TIFF")


def test_fax_tiff_class_f(docs: list[GeneratedDoc]) -> None:
    for doc in docs:
        if not doc.fmt.startswith("fax"):
            continue
        img = _tiff(doc.data)
        assert img.width == 1728
        assert img.mode == "1"
        xres, yres = img.info["dpi"]
        assert round(xres) == 204
        assert round(yres) == (98 if doc.fmt == "fax_standard" else 196)
        assert img.tag_v2[259] in (3, 4)  # CCITT T.4 or T.6
        assert img.height == (1078 if doc.fmt == "fax_standard" else 2156)


@pytest.mark.parametrize("resolution", ["fine", "standard"])
@pytest.mark.parametrize("compression", ["group3", "group4"])
@pytest.mark.parametrize("fill_order", [1, 2])
def test_encode_fax_tiff_variants(
    resolution: str, compression: str, fill_order: int, tmp_path: Path
) -> None:
    page = Image.new("L", (1728, 2244), 255)
    page.paste(0, (100, 200, 900, 260))
    page.paste(0, (300, 1500, 420, 2100))
    data = encode_fax_tiff(
        [page, page.transpose(Image.Transpose.FLIP_TOP_BOTTOM)],
        resolution,  # type: ignore[arg-type]
        compression,  # type: ignore[arg-type]
        fill_order,  # type: ignore[arg-type]
        orientation=3 if fill_order == 2 else 1,
    )
    img = _tiff(data)
    assert img.n_frames == 2
    rows = 2156 if resolution == "fine" else 1078
    assert img.size == (1728, rows)
    assert img.tag_v2[266] == fill_order
    # The orientation tag is honoured on read, so the page comes back upright.
    black_top = round(200 * rows / 2244)
    assert img.getpixel((500, black_top + 10)) == 0
    assert img.getpixel((500, black_top - 20)) == 255
    path = tmp_path / "f.tif"
    path.write_bytes(data)
    info = subprocess.run(
        ["tiffinfo", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert ("lsb-to-msb" in info) == (fill_order == 2)
    assert "min-is-white" in info


def test_truth_has_contract_keys(docs: list[GeneratedDoc]) -> None:
    for doc in docs:
        t = doc.truth
        for key, sub in CONTRACT.items():
            assert key in t, (doc.name, key)
            if sub is not None:
                for k in sub:
                    assert k in t[key], (doc.name, key, k)
        assert t["referral_type"] in ("dme", "home_health", "infusion", "unknown")
        assert t["member"]["sex"] in ("M", "F", None)
        addr = t["member"]["address"]
        if addr is not None:
            assert set(addr) == {"line1", "line2", "city", "state", "postal_code"}
            assert re.fullmatch(r"\d{5}", addr["postal_code"])
            assert re.fullmatch(r"[A-Z]{2}", addr["state"])
        for item in t["items"]:
            assert set(item) == ITEM_KEYS
        for p in t["procedures"]:
            assert p["system"] in ("HCPCS", "CPT")
        for s in t["services"]:
            assert s["discipline"] in ("SN", "PT", "OT", "ST", "MSW", "HHA")
        if t["infusion"] is not None:
            assert set(t["infusion"]) == {
                "drug",
                "dose",
                "route",
                "frequency",
                "duration",
                "access",
            }
        assert t["source"]["filename"] == doc.name
        assert t["format"] == doc.fmt
        assert re.fullmatch(r"[A-Za-z0-9._-]+", doc.name)
        json.dumps(t)  # must serialise as-is


def test_npis_pass_luhn_unless_marked(docs: list[GeneratedDoc]) -> None:
    assert npi_is_valid("1234567893")
    assert not npi_is_valid("1234567890")
    for t in _truths():
        npi = t["clinician"]["npi"]
        if npi is None:
            assert "no_npi" in t["gaps"]
            continue
        assert npi_is_valid(npi) == ("invalid_npi" not in t["gaps"]), npi
        if t["supplier"]:
            assert npi_is_valid(t["supplier"]["npi"])
            assert t["supplier"]["npi"] != npi


def test_codes_are_real() -> None:
    import simple_icd_10_cm as icd

    table = clinical.hcpcs_table()
    for t in _truths():
        for i, dx in enumerate(t["diagnoses"]):
            assert icd.is_valid_item(dx["code"]), dx
            header = i == 0 and "header_icd" in t["gaps"]
            assert icd.is_leaf(dx["code"]) != header, dx
        for code in [i["hcpcs"] for i in t["items"] if i["hcpcs"]] + [
            p["code"] for p in t["procedures"] if p["system"] == "HCPCS"
        ]:
            assert code in table, code


def test_mbi_pattern() -> None:
    import random

    rng = random.Random(1)
    for _ in range(200):
        mbi = make_mbi(rng)
        assert re.fullmatch(
            r"[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y]"
            r"[AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y]{2}\d{2}",
            mbi,
        ), mbi


def test_text_pdf_prints_what_truth_says() -> None:
    """Truth is derived from the case, so check the layouts really printed each key fact."""
    for seed in range(18):
        doc = make_document(seed, "text_pdf", KINDS[seed % len(KINDS)])
        text = re.sub(r"\s+", " ", _pdf_text(doc.data))
        t = doc.truth
        expect = [t["clinician"]["npi"], t["member"]["member_id"], t["payer"]["name"]]
        expect += [dx["code"] for dx in t["diagnoses"]]
        expect += [i["hcpcs"] for i in t["items"]] + [p["code"] for p in t["procedures"]]
        expect += [i["serial_number"] for i in t["items"]]
        expect += [
            s["frequency"] for s in t["services"] if "W" in s["frequency"] and "," in s["frequency"]
        ]
        expect += t["access_notes"]
        if t["urgency_reason"] and t["urgency_reason"] != DISCHARGE_REASON:
            expect.append(t["urgency_reason"])
        if t["infusion"]:
            expect += [t["infusion"]["drug"], t["infusion"]["dose"]]
        for value in expect:
            if value:
                assert value in text, (doc.name, doc.truth["kind"], value)
        last = t["member"]["last_name"]
        if last:
            assert last.lower() in text.lower()
        digits = re.sub(r"\D", "", text)
        for phone in (t["member"]["phone"], t["clinician"]["phone"]):
            if phone:
                assert phone in digits or phone[:3] in text, (doc.name, phone)


def test_forced_page_count_and_cover() -> None:
    doc = make_document(3, "fax_standard", "dme", pages=10)
    img = _tiff(doc.data)
    assert img.n_frames == 10 == doc.truth["source"]["pages"]
    with pytest.raises(ValueError):
        make_document(3, "png", pages=2)
    covers = [make_document(s, "text_pdf").truth["source"]["order_page"] for s in range(20)]
    assert 2 in covers and 1 in covers


def test_generate_writes_truth_and_cycles(tmp_path: Path) -> None:
    paths = generate(tmp_path, 6, seed=500, formats=("text_pdf", "png"))
    assert len(paths) == 6
    fmts = []
    for p in paths:
        truth = json.loads(Path(f"{p}.truth.json").read_text())
        assert truth["source"]["filename"] == p.name
        fmts.append(truth["format"])
    assert fmts == ["text_pdf", "png"] * 3


def test_committed_corpus_matches_truth_files() -> None:
    files = sorted(
        p
        for p in CORPUS.iterdir()
        if not p.name.endswith(".json") and p.is_file() and p.name != "README.md"
    )
    assert files
    for p in files:
        truth = json.loads(Path(f"{p}.truth.json").read_text())
        assert truth["source"]["filename"] == p.name


def test_some_equipment_orders_replace_a_unit_and_print_its_serial() -> None:
    serials = []
    for seed in range(40):
        doc = make_document(seed, "text_pdf", "dme")
        text = re.sub(r"\s+", " ", _pdf_text(doc.data))
        for item in doc.truth["items"]:
            if item["serial_number"]:
                assert item["serial_number"] in text, doc.name
                serials.append(item["serial_number"])
    assert 4 <= len(serials) <= 20


def test_a_discharge_within_24_hours_of_receipt_is_urgent_in_truth() -> None:
    """The issue's rule, whatever wording the page carries: every discharge referral whose
    discharge falls within a day of receipt (or on a day that reaches it, untimed) is urgent."""
    for seed in range(60):
        case = build_case(seed, "discharge")
        truth = to_truth(case)
        assert case.discharge is not None
        gap = abs(case.discharge - case.received_at)
        days = abs((case.discharge.date() - case.received_at.date()).days)
        near = gap <= timedelta(hours=24) if case.discharge_time_shown else days <= 1
        assert truth["urgent"] is (case.urgent or near), seed
        if truth["urgent"]:
            assert truth["urgency_reason"]
