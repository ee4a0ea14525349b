"""Document layouts as data: label vocabularies and layout recipes that turn a Case into blocks.

Every recipe prints every fact the Case holds (the truth is derived from the Case, not from
the page), and draws its wording from the vocabularies below so that no two documents
share a template. Section builders are shared; recipes differ in which builders they use,
in what order, and with which styles.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from samples import clinical, people
from samples.case import Case, Item
from samples.doc import (
    Align,
    Block,
    Checks,
    DocSpec,
    Fields,
    FieldStyle,
    FontFamily,
    PageBreak,
    Rule,
    Section,
    Signature,
    Space,
    Table,
    Text,
)

LABELS: dict[str, tuple[str, ...]] = {
    "patient": (
        "Patient",
        "Patient Name",
        "Pt",
        "Pt Name",
        "Beneficiary",
        "Name of Patient",
        "Member",
        "Member Name",
        "Client",
        "Beneficiary Name",
        "Patient (Last, First)",
        "Patient's Name",
        "Resident Name",
        "Recipient Name",
        "Insured Name",
    ),
    "dob": (
        "DOB",
        "D.O.B.",
        "Birthdate",
        "Date of Birth",
        "Birth Date",
        "DOB (mm/dd/yyyy)",
        "Born",
        "Birth Dt",
        "Pt DOB",
        "Date of Birth (MM/DD/YYYY)",
    ),
    "sex": ("Sex", "Gender", "M/F", "Sex (M/F)", "Patient Sex"),
    "mbi": (
        "MBI",
        "Medicare ID",
        "Medicare #",
        "HICN/MBI",
        "Member ID",
        "Beneficiary ID",
        "Medicare No.",
        "Medicare Beneficiary Identifier",
        "HICN",
    ),
    "commercial": (
        "Member ID",
        "Subscriber #",
        "Policy No.",
        "ID #",
        "Insurance ID",
        "Subscriber ID",
        "Policy #",
        "Member/Policy ID",
        "Insured's ID Number",
        "Ins. ID #",
    ),
    "alpha_prefix": ("Member ID", "Subscriber ID", "ID No.", "Policy No.", "Ins ID"),
    "medicaid": ("Medicaid #", "Recipient ID", "Member ID", "Medicaid ID"),
    "phone": (
        "Phone",
        "Tel",
        "Home Phone",
        "Ph",
        "Contact #",
        "Telephone",
        "Patient Phone",
        "Cell",
        "Cell Phone",
        "Primary Phone",
        "Best Contact #",
        "Phone (Home)",
        "Mobile",
    ),
    "address": (
        "Address",
        "Home Address",
        "Street Address",
        "Shipping Address",
        "Delivery Address",
        "Residence",
        "Mailing Address",
        "Service Address",
        "Ship to",
        "Patient Address",
    ),
    "payer": (
        "Insurance",
        "Primary Insurance",
        "Payer",
        "Ins",
        "Carrier",
        "Health Plan",
        "Primary Ins.",
        "Payor",
        "Insurance Carrier",
        "Plan Name",
        "Funding Source",
        "Primary Payer",
    ),
    "group": ("Group #", "Group No.", "Grp", "Group Number", "Group ID", "Grp #", "Plan Group #"),
    "dx": (
        "Dx",
        "ICD-10",
        "Diagnosis",
        "Diagnosis Code(s)",
        "ICD-10-CM",
        "Diagnoses",
        "Dx Code(s)",
    ),
    "clinician": (
        "Prescriber",
        "Ordering Physician",
        "Referring MD",
        "Physician",
        "Ordering Provider",
        "Treating Practitioner",
        "Referring Provider",
        "Attending Physician",
        "Ordering Clinician",
        "Prescribing Physician",
        "Certifying Physician",
        "Ordering MD",
    ),
    "npi": (
        "NPI",
        "NPI #",
        "Provider NPI",
        "NPI No.",
        "Individual NPI",
        "Prescriber NPI",
        "NPI Number",
        "Ordering NPI",
    ),
    "clin_phone": (
        "Phone",
        "Office Phone",
        "Tel",
        "Ph",
        "Office #",
        "Clinic Phone",
        "Physician Phone",
        "Office Telephone",
    ),
    "clin_fax": (
        "Fax",
        "Office Fax",
        "Fax #",
        "Return Fax",
        "Clinic Fax",
        "Physician Fax",
        "MD Fax",
    ),
    "org": (
        "Practice",
        "Clinic",
        "Facility",
        "Organization",
        "Group/Practice",
        "Practice Name",
        "Clinic Name",
        "Medical Group",
    ),
    "order_date": (
        "Order Date",
        "Date of Order",
        "Date Ordered",
        "Date",
        "Order Dt",
        "Rx Date",
        "Prescription Date",
        "Date Written",
        "Referral Date",
    ),
    "start": (
        "Start of Care",
        "SOC",
        "Start Date",
        "Delivery Date",
        "Date Needed",
        "Service Start",
        "Begin Date",
        "Requested Start Date",
        "Anticipated Start",
        "Date of Service",
    ),
    "discharge": (
        "Discharge Date",
        "Anticipated D/C",
        "D/C Date",
        "Expected Discharge",
        "Discharge",
        "Anticipated Discharge Date",
        "Planned Discharge",
        "Expected D/C",
    ),
    "f2f": (
        "Face-to-Face Date",
        "F2F Encounter",
        "Date of F2F",
        "Face to face visit",
        "F2F Date",
        "Date of Face-to-Face Encounter",
        "Last Seen",
    ),
    "signature": (
        "Physician Signature",
        "Signature",
        "Prescriber Signature",
        "Signature of Ordering Practitioner",
        "MD Signature",
        "Practitioner Signature",
        "Ordering Physician Signature",
        "Signature of Physician",
        "Provider Signature",
    ),
    "sig_date": (
        "Date",
        "Date Signed",
        "Signature Date",
        "Dated",
        "Signed Date",
        "Date of Signature",
    ),
    "access": (
        "Access notes",
        "Delivery instructions",
        "Home access",
        "Special instructions",
        "Notes for driver",
        "Home environment",
        "Delivery notes",
        "Entry instructions",
    ),
    "procedures": ("HCPCS/CPT", "Procedure codes", "Billing codes", "Codes", "HCPCS"),
}

CONFIDENTIALITY_NOTICES = (
    "CONFIDENTIALITY NOTICE: This facsimile contains protected health information that is "
    "privileged and confidential under federal and state law. If you are not the intended "
    "recipient, you are hereby notified that any disclosure, copying or distribution is "
    "strictly prohibited. If you received this fax in error, please notify the sender "
    "immediately by telephone and destroy the documents.",
    "The documents accompanying this transmission contain confidential health information "
    "that is legally privileged. This information is intended only for the use of the "
    "individual or entity named above. If you have received this fax in error, please call "
    "us and return the original documents by mail.",
)
SWO_TITLES = (
    "STANDARD WRITTEN ORDER",
    "Standard Written Order (SWO)",
    "DME ORDER FORM",
    "Durable Medical Equipment Prescription",
    "Detailed Written Order",
    "Physician Order - Medical Equipment",
    "ORDER FOR DURABLE MEDICAL EQUIPMENT AND SUPPLIES",
)
HH_TITLES = (
    "HOME HEALTH REFERRAL",
    "Home Health Certification and Referral",
    "Referral for Home Health Services",
    "HOME CARE ORDERS",
    "Skilled Home Health Referral Form",
)
INF_TITLES = (
    "HOME INFUSION ORDERS",
    "Home Infusion Therapy Referral",
    "IV THERAPY ORDER FORM",
    "Outpatient Parenteral Antimicrobial Therapy (OPAT) Orders",
    "Home IV Orders",
)
DC_TITLES = (
    "DISCHARGE PLANNING REFERRAL",
    "Case Management - Post-Acute Referral",
    "Hospital Discharge Orders",
    "DISCHARGE REFERRAL FOR HOME SERVICES",
    "Transition of Care Referral",
)


@dataclass(frozen=True)
class Style:
    size: float
    font: FontFamily
    date_style: str
    phone_style: int
    field_style: FieldStyle
    name_last_first: bool
    upper_names: bool
    section_style: str
    labels: dict[str, str]


def pick_style(rng: random.Random, min_size: float) -> Style:
    """One document's house style: consistent within a form, varied across the corpus."""
    labels = {k: rng.choice(v) for k, v in LABELS.items()}
    return Style(
        size=round(rng.uniform(min_size, min_size + 1.5) * 2) / 2,
        font=rng.choice(("sans", "sans", "serif", "condensed", "mono")),
        date_style=rng.choice(people.DATE_STYLES),
        phone_style=rng.randint(0, 4),
        field_style=rng.choice(("inline", "inline", "stacked", "boxed", "underlined")),
        # A label that promises "Last, First" must get that order.
        name_last_first=rng.random() < 0.4 or "Last, First" in labels["patient"],
        upper_names=rng.random() < 0.25,
        section_style=rng.choice(("box", "underline", "plain", "bar")),
        labels=labels,
    )


# ---------------------------------------------------------------- value formatting


def d(st: Style, value: date | None) -> str:
    return people.format_date(value, st.date_style) if value else ""


def ph(st: Style, digits: str | None) -> str:
    return people.format_phone(digits, st.phone_style) if digits else ""


def member_name(c: Case, st: Style) -> str:
    if not (c.first_name and c.last_name):
        return ""
    mi = f" {c.middle_initial}." if c.middle_initial else ""
    name = (
        f"{c.last_name}, {c.first_name}{mi}"
        if st.name_last_first
        else f"{c.first_name}{mi} {c.last_name}"
    )
    return name.upper() if st.upper_names else name


def address_lines(addr: people.Address | None) -> list[str]:
    if addr is None:
        return []
    zipcode = f"{addr.postal_code}-{addr.zip4}" if addr.zip4 else addr.postal_code
    first = f"{addr.line1}, {addr.line2}" if addr.line2 else addr.line1
    return [first, f"{addr.city}, {addr.state} {zipcode}"]


def clinician_name(c: Case, st: Style, with_creds: bool = True) -> str:
    cl = c.clinician
    creds = f", {cl.credentials}" if with_creds else ""
    if st.name_last_first:
        return f"{cl.last_name}, {cl.first_name}{' ' + cl.credentials if with_creds else ''}"
    return f"{cl.first_name} {cl.last_name}{creds}"


def dr(c: Case) -> str:
    cl = c.clinician
    return (
        f"Dr. {cl.first_name} {cl.last_name}"
        if cl.credentials in ("MD", "DO")
        else f"{cl.first_name} {cl.last_name}, {cl.credentials}"
    )


def sex_text(c: Case, rng: random.Random) -> str:
    return rng.choice(({"M": "M", "F": "F"}[c.sex], {"M": "Male", "F": "Female"}[c.sex]))


def dx_line(c: Case, i: int) -> str:
    dx = c.diagnoses[i]
    return f"{dx.code} - {dx.description}" if c.dx_descriptions_shown else dx.code


def item_line(it: Item, rng: random.Random) -> str:
    """One-line narrative of an item, as a physician would write it on a pad or in a letter."""
    parts = [it.description]
    if it.hcpcs:
        parts.append(rng.choice((f"({it.hcpcs})", f"- HCPCS {it.hcpcs}", f"[{it.hcpcs}]")))
    if it.brand_model:
        parts.append(f"- {it.brand_model}")
    if it.serial_number:
        parts.append(serial_text(it.serial_number))
    if it.quantity is not None:
        parts.append(f"Qty {it.quantity}")
    if it.flow_rate_lpm is not None:
        parts.append(f"@ {fmt_flow(it.flow_rate_lpm)} LPM")
    if it.frequency:
        parts.append(it.frequency)
    if it.length_of_need_months is not None:
        parts.append(f"LON {lon_text(it.length_of_need_months)}")
    return " ".join(parts)


#: How orders name the unit a replacement replaces.
SERIAL_FORMS = (
    "(replacement, Serial # {s})",
    "- replaces unit S/N {s}",
    "- Serial No. {s} (replacement)",
    "(replacing serial number {s})",
)


def serial_text(serial: str) -> str:
    # The wording is a function of the serial, so no layout draws an extra random number.
    return SERIAL_FORMS[sum(map(ord, serial)) % len(SERIAL_FORMS)].format(s=serial)


def fmt_flow(v: float) -> str:
    return f"{v:g}"


def lon_text(months: int) -> str:
    return "99 months (lifetime)" if months == 99 else f"{months} months"


def proc_text(c: Case) -> str:
    return "; ".join(f"{p.code} {p.description}" if p.description else p.code for p in c.procedures)


def freq_text(freq: str, prose: bool) -> str:
    """485 shorthand, or the same visits spelled out (2W4 -> 2x/week x 4 weeks)."""
    if not prose or "W" not in freq or "," in freq:
        return freq
    a, b = freq.split("W")
    return f"{a}x/week x {b} weeks"


# ---------------------------------------------------------------- shared section builders


def one_row(size: float, style: FieldStyle, *cells: tuple[str, str]) -> Fields:
    return Fields((tuple(cells),), size, style)


def sec(st: Style, title: str) -> Section:
    style = st.section_style
    return Section(
        title,
        st.size + 1,
        "box"
        if style == "box"
        else "bar"
        if style == "bar"
        else "underline"
        if style == "underline"
        else "plain",
    )


def member_block(
    c: Case, st: Style, rng: random.Random, extra: tuple[tuple[str, str], ...] = ()
) -> list[Block]:
    L = st.labels
    cells: list[tuple[str, str]] = [(L["patient"], member_name(c, st))]
    if c.dob:
        cells.append((L["dob"], d(st, c.dob)))
    if c.sex_shown:
        cells.append((L["sex"], sex_text(c, rng)))
    if c.member_id:
        cells.append((L[c.member_id_label_kind], c.member_id))
    if c.phone:
        cells.append((L["phone"], ph(st, c.phone)))
    addr = address_lines(c.address)
    cells.extend(extra)
    rows = _chunk(cells, rng.choice((2, 2, 3)), rng)
    blocks: list[Block] = [Fields(tuple(rows), st.size, st.field_style)]
    if addr:
        blocks.append(
            Fields(
                (((L["address"], ", ".join(addr) if rng.random() < 0.5 else "\n".join(addr)),),),
                st.size,
                st.field_style,
            )
        )
    return blocks


def _chunk(
    cells: list[tuple[str, str]], per_row: int, rng: random.Random
) -> list[tuple[tuple[str, str], ...]]:
    rows: list[tuple[tuple[str, str], ...]] = []
    i = 0
    while i < len(cells):
        n = per_row if rng.random() < 0.8 else max(1, per_row - 1)
        rows.append(tuple(cells[i : i + n]))
        i += n
    return rows


def payer_block(c: Case, st: Style) -> list[Block]:
    if not c.payer_name:
        return []
    cells = [(st.labels["payer"], c.payer_name)]
    if c.group_number:
        cells.append((st.labels["group"], c.group_number))
    return [Fields((tuple(cells),), st.size, st.field_style)]


def dx_block(c: Case, st: Style, rng: random.Random) -> list[Block]:
    if not c.diagnoses:
        return []
    L = st.labels
    if c.dx_descriptions_shown and rng.random() < 0.5:
        return [
            Table(
                ("ICD-10 Code", "Description"),
                tuple((dx.code, dx.description) for dx in c.diagnoses),
                (1, 4),
                st.size,
                grid=rng.random() < 0.6,
            )
        ]
    if rng.random() < 0.5:
        return [
            Fields(
                tuple(
                    ((f"{L['dx']} {i + 1}" if len(c.diagnoses) > 1 else L["dx"], dx_line(c, i)),)
                    for i in range(len(c.diagnoses))
                ),
                st.size,
                "inline",
            )
        ]
    return [
        one_row(
            st.size, "inline", (L["dx"], "; ".join(dx_line(c, i) for i in range(len(c.diagnoses))))
        )
    ]


def proc_block(c: Case, st: Style) -> list[Block]:
    if not c.procedures:
        return []
    return [one_row(st.size, "inline", (st.labels["procedures"], proc_text(c)))]


def items_block(c: Case, st: Style, rng: random.Random) -> list[Block]:
    if not c.items:
        return []
    if rng.random() < 0.6:
        oxygen = any(i.flow_rate_lpm is not None for i in c.items)
        headers = ["HCPCS", "Description", "Qty"]
        widths = [1.1, 4.0, 0.7]
        if any(i.frequency for i in c.items):
            headers.append("Frequency")
            widths.append(1.8)
        if oxygen:
            headers.append("Flow (LPM)")
            widths.append(1.1)
        if any(i.length_of_need_months is not None for i in c.items):
            headers.append("LON (mo)")
            widths.append(1.0)
        if any(i.serial_number for i in c.items):
            headers.append("Serial #")
            widths.append(1.6)
        rows = []
        for it in c.items:
            desc = f"{it.description} ({it.brand_model})" if it.brand_model else it.description
            row = [it.hcpcs or "", desc, "" if it.quantity is None else str(it.quantity)]
            if "Frequency" in headers:
                row.append(it.frequency or "")
            if oxygen:
                row.append("" if it.flow_rate_lpm is None else fmt_flow(it.flow_rate_lpm))
            if "LON (mo)" in headers:
                row.append(
                    "" if it.length_of_need_months is None else str(it.length_of_need_months)
                )
            if "Serial #" in headers:
                row.append(it.serial_number or "")
            rows.append(tuple(row))
        return [Table(tuple(headers), tuple(rows), tuple(widths), st.size, grid=rng.random() < 0.7)]
    return [
        Text(f"{n + 1}. {item_line(it, rng)}", st.size, indent=10) for n, it in enumerate(c.items)
    ]


def infusion_block(c: Case, st: Style, rng: random.Random) -> list[Block]:
    inf = c.infusion
    if inf is None:
        return []
    access = inf.access or ""
    if rng.random() < 0.5:
        blocks: list[Block] = [
            Fields(
                (
                    (("Drug", inf.drug or ""), ("Dose", inf.dose or "")),
                    (("Route", inf.route or ""), ("Frequency", inf.frequency or "")),
                    (("Duration", inf.duration or ""), ("Access", access)),
                ),
                st.size,
                st.field_style,
            )
        ]
    else:
        blocks = [
            Table(
                ("Medication", "Dose", "Route", "Frequency", "Duration"),
                (
                    (
                        inf.drug or "",
                        inf.dose or "",
                        inf.route or "",
                        inf.frequency or "",
                        inf.duration or "",
                    ),
                ),
                (2.6, 1.2, 1.0, 1.6, 1.3),
                st.size,
            )
        ]
        blocks.append(
            Checks("Vascular access", clinical.ACCESS_TYPES, frozenset({access}), st.size)
        )
    if inf.access_detail:
        blocks.append(Text(f"Line: {inf.access} {inf.access_detail}", st.size))
    return blocks


def services_block(c: Case, st: Style, rng: random.Random, numbered: bool = False) -> list[Block]:
    if not c.services:
        return []
    prose = rng.random() < 0.25
    if rng.random() < 0.5 and not numbered:
        return [
            Table(
                ("Discipline", "Frequency / Duration"),
                tuple(
                    (
                        f"{clinical.DISCIPLINE_NAMES[s.discipline]} ({s.discipline})",
                        freq_text(s.frequency, prose),
                    )
                    for s in c.services
                ),
                (3, 3),
                st.size,
            )
        ]
    return [
        Text(f"{s.discipline} {freq_text(s.frequency, prose)}", st.size, indent=10, space_after=0)
        for s in c.services
    ]


def clinician_block(c: Case, st: Style, rng: random.Random) -> list[Block]:
    L = st.labels
    cl = c.clinician
    cells = [(L["clinician"], clinician_name(c, st))]
    if c.clinician_npi:
        cells.append((L["npi"], c.clinician_npi))
    cells.append((L["clin_phone"], ph(st, cl.phone)))
    cells.append((L["clin_fax"], ph(st, cl.fax)))
    cells.append((L["org"], cl.organization))
    return [Fields(tuple(_chunk(cells, 2, rng)), st.size, st.field_style)]


def dates_block(c: Case, st: Style, rng: random.Random, include_order: bool = True) -> list[Block]:
    L = st.labels
    cells = []
    if include_order and c.order_date:
        cells.append((L["order_date"], d(st, c.order_date)))
    if c.service_start:
        cells.append((L["start"], d(st, c.service_start)))
    if c.discharge:
        cells.append((L["discharge"], discharge_text(c, st)))
    if c.face_to_face:
        cells.append((L["f2f"], d(st, c.face_to_face)))
    return [Fields(tuple(_chunk(cells, 3, rng)), st.size, "inline")] if cells else []


def discharge_text(c: Case, st: Style) -> str:
    if c.discharge is None:
        return ""
    text = d(st, c.discharge.date())
    if c.discharge_time_shown:
        text += f" {people.format_time(c.discharge, st.phone_style)}"
    return text


def signature_block(c: Case, st: Style, rng: random.Random) -> list[Block]:
    electronic = None
    if c.signed and c.e_signature and c.signature_date:
        stamp = datetime.combine(c.signature_date, datetime.min.time()) + timedelta(
            hours=rng.randint(8, 18), minutes=rng.randint(0, 59)
        )
        electronic = (
            f"Electronically signed by {dr(c)} on {d(st, c.signature_date)} at "
            f"{people.format_time(stamp, st.phone_style)}"
        )
    return [
        Signature(
            st.labels["signature"],
            c.signed,
            clinician_name(c, st),
            st.labels["sig_date"],
            d(st, c.signature_date),
            st.size,
            electronic,
            rng.randint(0, 10**9),
        )
    ]


def access_block(c: Case, st: Style) -> list[Block]:
    if not c.access_notes:
        return []
    return [Text(f"{st.labels['access']}: " + "; ".join(c.access_notes), st.size)]


def urgent_block(c: Case, st: Style, rng: random.Random) -> list[Block]:
    if not c.urgent:
        return []
    reason = c.urgency_reason or ""
    form = rng.choice(("*** URGENT *** {r}", "URGENT: {r}", "STAT - {r}", "PRIORITY: URGENT - {r}"))
    if reason.upper().startswith("STAT") and form.startswith("STAT"):
        form = "URGENT: {r}"
    return [Text(form.format(r=reason), st.size + 2, bold=True)]


def letterhead(
    org: people.Org, st: Style, rng: random.Random, align: Align = "center"
) -> list[Block]:
    lines = address_lines(org.address)
    contact = f"Phone {ph(st, org.phone)}   Fax {ph(st, org.fax)}"
    al = align
    return [
        Text(
            org.name.upper() if rng.random() < 0.5 else org.name,
            st.size + 5,
            bold=True,
            align=al,
            space_after=0,
        ),
        Text(
            "  |  ".join(lines) if rng.random() < 0.5 else "\n".join(lines),
            st.size,
            align=al,
            space_after=0,
        ),
        Text(contact, st.size, align=al, space_after=4),
        Rule(1.2),
    ]


def _side(rng: random.Random) -> Align:
    return "center" if rng.random() < 0.5 else "left"


def clinician_org(c: Case) -> people.Org:
    cl = c.clinician
    return people.Org(cl.organization, cl.phone, cl.fax, cl.address, "")


def title(text: str, st: Style) -> Text:
    return Text(text, st.size + 4, bold=True, align="center", space_after=6)


# ---------------------------------------------------------------- recipes


def swo_form(c: Case, st: Style, rng: random.Random) -> list[Block]:
    head = letterhead(
        c.recipient if rng.random() < 0.5 else clinician_org(c),
        st,
        rng,
        _side(rng),
    )
    blocks: list[Block] = [*head, title(rng.choice(SWO_TITLES), st)]
    blocks += urgent_block(c, st, rng)
    if c.order_date:
        blocks.append(one_row(st.size, "inline", (st.labels["order_date"], d(st, c.order_date))))
    sections: list[tuple[str, list[Block]]] = [
        (
            "PATIENT INFORMATION",
            member_block(c, st, rng) + payer_block(c, st) + access_block(c, st),
        ),
        ("DIAGNOSIS", dx_block(c, st, rng)),
        (
            "EQUIPMENT / SUPPLIES ORDERED",
            items_block(c, st, rng) + proc_block(c, st) + dates_block(c, st, rng, False),
        ),
        ("ORDERING PRACTITIONER", clinician_block(c, st, rng)),
    ]
    if rng.random() < 0.3:
        sections[1], sections[2] = sections[2], sections[1]
    for name, body in sections:
        if body:
            blocks.append(sec(st, name.title() if rng.random() < 0.4 else name))
            blocks += body
    if rng.random() < 0.5:
        blocks.append(
            Text(
                "I certify that the items ordered are medically necessary and that this patient "
                "has been seen face-to-face for the condition requiring the equipment.",
                st.size,
            )
        )
    blocks += signature_block(c, st, rng)
    return blocks


def rx_pad(c: Case, st: Style, rng: random.Random) -> list[Block]:
    """A prescription-pad order: letterhead, patient line, 'Rx' and terse lines."""
    blocks: list[Block] = letterhead(clinician_org(c), st, rng, "left")
    if c.order_date:
        blocks.append(
            Text(f"{st.labels['order_date']}: {d(st, c.order_date)}", st.size, align="right")
        )
    blocks += urgent_block(c, st, rng)
    blocks += member_block(c, st, rng)
    blocks += payer_block(c, st)
    blocks.append(Space(6))
    blocks.append(Text("Rx:", st.size + 6, bold=True))
    for n, it in enumerate(c.items):
        blocks.append(Text(f"{n + 1}) {item_line(it, rng)}", st.size + 1, indent=18))
    blocks += proc_block(c, st)
    blocks += dx_block(c, st, rng)
    blocks += dates_block(c, st, rng, False)
    blocks += access_block(c, st)
    blocks.append(Space(8))
    blocks += signature_block(c, st, rng)
    if c.clinician_npi:
        blocks.append(Text(f"{st.labels['npi']}: {c.clinician_npi}", st.size))
    return blocks


def cmn_484(c: Case, st: Style, rng: random.Random) -> list[Block]:
    """CMS-484 style certificate of medical necessity for oxygen, sections A-D."""
    L = st.labels
    blocks: list[Block] = [
        Text(
            "DEPARTMENT OF HEALTH AND HUMAN SERVICES - CENTERS FOR MEDICARE & MEDICAID SERVICES",
            st.size,
            align="center",
            space_after=0,
        ),
        title("CERTIFICATE OF MEDICAL NECESSITY CMS-484 - OXYGEN", st),
        Section("SECTION A: Certification Type/Date", st.size + 1, "box"),
        Checks(
            "Certification",
            ("Initial", "Revised", "Recertification"),
            frozenset({c.cert_type}),
            st.size,
        ),
    ]
    if c.order_date:
        blocks.append(
            one_row(
                st.size,
                "inline",
                (
                    "Initial date" if c.cert_type == "Initial" else "Revised date",
                    d(st, c.order_date),
                ),
            )
        )
    blocks += urgent_block(c, st, rng)
    blocks.append(Text("PATIENT NAME, ADDRESS, TELEPHONE and MEDICARE ID", st.size, bold=True))
    blocks += member_block(
        c, st, rng, extra=(("HT (in)", str(c.height_in)), ("WT (lbs)", str(c.weight_lb)))
    )
    blocks += payer_block(c, st)
    sup = c.recipient
    blocks.append(Text("SUPPLIER NAME, ADDRESS, TELEPHONE and NPI", st.size, bold=True))
    blocks.append(
        Fields(
            (
                (("Supplier", sup.name), ("Supplier NPI", c.supplier_npi or "")),
                (
                    ("Telephone", ph(st, sup.phone)),
                    ("Address", ", ".join(address_lines(sup.address))),
                ),
            ),
            st.size,
            st.field_style,
        )
    )
    blocks.append(
        one_row(
            st.size,
            "inline",
            ("Place of service", "12 (Home)"),
            ("HCPCS codes", " ".join(p.code for p in c.procedures)),
        )
    )
    blocks.append(Text("PHYSICIAN NAME, ADDRESS, TELEPHONE and NPI", st.size, bold=True))
    blocks += clinician_block(c, st, rng)
    blocks.append(
        Section(
            "SECTION B: Information in this section may not be completed by the supplier",
            st.size + 1,
            "box",
        )
    )
    lon = next(
        (i.length_of_need_months for i in c.items if i.length_of_need_months is not None), None
    )
    cells = []
    if lon is not None:
        cells.append(
            (
                "EST. LENGTH OF NEED (# of months)",
                f"{lon}" + (" (99 = lifetime)" if lon == 99 else ""),
            )
        )
    blocks.append(one_row(st.size, "inline", *cells) if cells else Space(0))
    blocks += dx_block(c, st, rng)
    if c.oxygen_test:
        kind, value, when, cond = c.oxygen_test
        unit = "%" if kind == "SpO2" else " mm Hg"
        blocks.append(
            Fields(
                (
                    (
                        (
                            "1. Arterial PO2" if kind == "PaO2" else "1. O2 saturation",
                            f"{value}{unit}",
                        ),
                        ("Test date", d(st, when)),
                    ),
                ),
                st.size,
                "inline",
            )
        )
        blocks.append(
            Checks(
                "2. Test performed",
                ("At rest", "During exercise", "During sleep"),
                frozenset({cond}),
                st.size,
            )
        )
    flow = next((i.flow_rate_lpm for i in c.items if i.flow_rate_lpm is not None), None)
    if flow is not None:
        blocks.append(
            one_row(st.size, "inline", ("4. Highest prescribed flow rate (LPM)", fmt_flow(flow)))
        )
    blocks.append(
        Checks(
            "5. Is the patient mobile within the home?",
            ("Y", "N"),
            frozenset({rng.choice("YN")}),
            st.size,
        )
    )
    blocks += dates_block(c, st, rng, False)
    blocks.append(
        Section("SECTION C: Narrative Description of Equipment and Cost", st.size + 1, "box")
    )
    blocks += items_block(c, st, rng)
    blocks += access_block(c, st)
    blocks.append(
        Section("SECTION D: PHYSICIAN Attestation and Signature/Date", st.size + 1, "box")
    )
    blocks.append(
        Text(
            "I certify that I am the treating physician identified in Section A of this form. "
            "Any statement on my letterhead attached hereto has been reviewed and signed by me.",
            st.size,
        )
    )
    blocks += signature_block(c, st, rng)
    _ = L
    return blocks


def hh_referral(c: Case, st: Style, rng: random.Random) -> list[Block]:
    blocks: list[Block] = [
        *letterhead(clinician_org(c), st, rng, _side(rng)),
        title(rng.choice(HH_TITLES), st),
    ]
    blocks += urgent_block(c, st, rng)
    to_label = f"To ({rng.choice(('Agency', 'Home Health Agency', 'Provider'))})"
    blocks.append(
        one_row(st.size, "inline", (to_label, c.recipient.name), ("Fax", ph(st, c.recipient.fax)))
    )
    blocks += dates_block(c, st, rng)
    blocks += [
        sec(st, "Patient"),
        *member_block(c, st, rng),
        *payer_block(c, st),
        *access_block(c, st),
    ]
    blocks += [sec(st, "Diagnoses"), *dx_block(c, st, rng)]
    blocks += [sec(st, "Services Requested"), *services_block(c, st, rng), *proc_block(c, st)]
    if c.items:
        blocks += [Text("DME needed: " + ", ".join(i.description for i in c.items), st.size)]
    blocks.append(Checks("Homebound", ("Yes", "No"), frozenset({"Yes"}), st.size))
    blocks += [sec(st, "Referring Physician"), *clinician_block(c, st, rng)]
    blocks += signature_block(c, st, rng)
    return blocks


def poc_485(c: Case, st: Style, rng: random.Random) -> list[Block]:
    """CMS-485 style plan of care: numbered boxes in a grid."""
    name = member_name(c, st)
    addr = "\n".join(address_lines(c.address))
    pt = "\n".join(x for x in (name, addr, ph(st, c.phone)) if x)
    agency = c.recipient
    soc = d(st, c.service_start)
    cert_from = c.service_start or c.order_date
    cert = (
        f"From {d(st, cert_from)} To {d(st, cert_from + timedelta(days=59))}" if cert_from else ""
    )
    dx = c.diagnoses
    principal = dx_line(c, 0) if dx else ""
    others = "\n".join(dx_line(c, i) for i in range(1, len(dx)))
    disc = "\n".join(f"{s.discipline} {freq_text(s.frequency, False)}" for s in c.services)
    dme = (
        ", ".join(f"{i.description}" + (f" ({i.hcpcs})" if i.hcpcs else "") for i in c.items)
        or "None"
    )
    rows: list[tuple[tuple[str, str], ...]] = [
        (
            ("1. Patient's HI Claim No.", c.member_id or ""),
            ("2. Start Of Care Date", soc),
            ("3. Certification Period", cert),
        ),
        (("4. Medical Record No.", c.mrn), ("5. Provider No.", agency.npi)),
        (
            ("6. Patient's Name and Address", pt),
            (
                "7. Provider's Name, Address and Telephone Number",
                "\n".join([agency.name, *address_lines(agency.address), ph(st, agency.phone)]),
            ),
        ),
        (
            ("8. Date of Birth", d(st, c.dob)),
            ("9. Sex", (sex_text(c, rng) if c.sex_shown else "")),
            ("10. Medications: Dose/Frequency/Route (N)ew (C)hanged", "\n".join(c.medications)),
        ),
        (
            ("11. ICD-10 Principal Diagnosis", principal),
            ("12. Surgical Procedure", proc_text(c) or "N/A"),
        ),
        (("13. Other Pertinent Diagnoses", others or "None"), ("14. DME and Supplies", dme)),
        (
            ("15. Safety Measures", "Fall precautions, bleeding precautions"),
            ("16. Nutritional Req.", "2 g Na, carb controlled"),
            ("17. Allergies", c.allergies),
        ),
        (
            (
                "18.A. Functional Limitations",
                "Endurance, Ambulation, Dyspnea with minimal exertion",
            ),
            ("18.B. Activities Permitted", "Up as tolerated, walker"),
        ),
        (
            ("19. Mental Status", "Oriented"),
            ("20. Prognosis", rng.choice(("Good", "Fair", "Guarded"))),
        ),
        (("21. Orders for Discipline and Treatments (Specify Amount/Frequency/Duration)", disc),),
        (
            (
                "22. Goals/Rehabilitation Potential/Discharge Plans",
                "Patient will demonstrate safe ambulation and medication management "
                "within 60 days.",
            ),
        ),
    ]
    if c.payer_name:
        rows.insert(
            2,
            (
                (
                    "Primary Insurance",
                    c.payer_name + (f"  Group {c.group_number}" if c.group_number else ""),
                ),
            ),
        )
    if c.access_notes:
        rows.append((("Home access", "; ".join(c.access_notes)),))
    cl = c.clinician
    phys = "\n".join(
        [
            clinician_name(c, st),
            cl.organization,
            *address_lines(cl.address),
            f"Ph {ph(st, cl.phone)}  Fax {ph(st, cl.fax)}",
        ]
        + ([f"NPI {c.clinician_npi}"] if c.clinician_npi else [])
    )
    rows.append(
        (
            (
                "23. Nurse's Signature and Date of Verbal SOC Where Applicable",
                f"RN {rng.choice(people.FEMALE_FIRST)} {rng.choice(people.LAST_NAMES)}",
            ),
            ("25. Date HHA Received Signed POT", ""),
        )
    )
    rows.append(
        (
            ("24. Physician's Name and Address", phys),
            (
                "26. Certification",
                "I certify that this patient is confined to his/her home and needs "
                "intermittent skilled nursing care.",
            ),
        )
    )
    blocks: list[Block] = [
        Text(
            "Department of Health and Human Services - Centers for Medicare & Medicaid Services",
            st.size,
            align="center",
            space_after=0,
        ),
        title("HOME HEALTH CERTIFICATION AND PLAN OF CARE", st),
    ]
    blocks += urgent_block(c, st, rng)
    blocks.append(Fields(tuple(rows), st.size, "boxed", label_bold=False))
    blocks += dates_block(c, st, rng)
    blocks.append(Text("27. Attending Physician's Signature and Date Signed", st.size, bold=True))
    blocks += signature_block(c, st, rng)
    return blocks


def infusion_form(c: Case, st: Style, rng: random.Random) -> list[Block]:
    blocks: list[Block] = [
        *letterhead(c.recipient if rng.random() < 0.6 else clinician_org(c), st, rng),
        title(rng.choice(INF_TITLES), st),
    ]
    blocks += urgent_block(c, st, rng)
    blocks += dates_block(c, st, rng)
    blocks += [sec(st, "Patient Demographics"), *member_block(c, st, rng), *payer_block(c, st)]
    blocks.append(
        one_row(st.size, "inline", ("Allergies", c.allergies), ("Weight", f"{c.weight_lb} lb"))
    )
    blocks += access_block(c, st)
    blocks += [sec(st, "Diagnosis"), *dx_block(c, st, rng)]
    blocks += [sec(st, "Therapy Orders"), *infusion_block(c, st, rng)]
    blocks.append(
        Text(
            rng.choice(
                (
                    "Labs: CBC with diff, BMP weekly; trough before 4th dose. Fax results to MD.",
                    "Flush with 10 mL NS before and after each dose; heparin lock daily.",
                    "Home nursing for line care and dressing change weekly. Teach caregiver.",
                    "Weekly CBC, CMP, ESR and CRP; remove line at end of therapy.",
                )
            ),
            st.size,
        )
    )
    if c.items:
        blocks += items_block(c, st, rng)
    blocks += proc_block(c, st)
    blocks += [sec(st, "Prescriber"), *clinician_block(c, st, rng)]
    blocks += signature_block(c, st, rng)
    return blocks


def discharge_referral(c: Case, st: Style, rng: random.Random) -> list[Block]:
    hospital = clinician_org(c)
    blocks: list[Block] = [*letterhead(hospital, st, rng), title(rng.choice(DC_TITLES), st)]
    blocks += urgent_block(c, st, rng)
    cm = f"{rng.choice(people.FEMALE_FIRST)} {rng.choice(people.LAST_NAMES)}, RN CM"
    blocks.append(
        Fields(
            (
                (
                    ("Case manager", cm),
                    ("Unit", rng.choice(("4 West", "Med-Surg 5", "Tele 3N", "Ortho 6"))),
                ),
            ),
            st.size,
            "inline",
        )
    )
    blocks += dates_block(c, st, rng)
    blocks += [
        sec(st, "Patient"),
        *member_block(c, st, rng, extra=(("MRN", c.mrn),)),
        *payer_block(c, st),
    ]
    blocks += access_block(c, st)
    blocks += [sec(st, "Diagnoses"), *dx_block(c, st, rng)]
    need = {
        "dme": "Equipment needed at discharge",
        "home_health": "Home health services requested",
        "infusion": "Home infusion therapy",
    }[c.referral_type]
    blocks.append(sec(st, need))
    blocks += items_block(c, st, rng) if c.referral_type == "dme" else []
    blocks += services_block(c, st, rng) if c.referral_type == "home_health" else []
    blocks += infusion_block(c, st, rng) if c.referral_type == "infusion" else []
    if c.referral_type != "dme" and c.items:
        blocks += items_block(c, st, rng)
    blocks += proc_block(c, st)
    blocks += [sec(st, "Attending / Ordering Physician"), *clinician_block(c, st, rng)]
    blocks += signature_block(c, st, rng)
    return blocks


def letter(c: Case, st: Style, rng: random.Random) -> list[Block]:
    """Narrative letter of medical necessity: the facts live in sentences, not labels."""
    cl = c.clinician
    blocks: list[Block] = letterhead(clinician_org(c), st, rng, _side(rng))
    if c.order_date:
        blocks.append(Text(d(st, c.order_date), st.size, space_after=8))
    rec = c.recipient
    blocks.append(
        Text(
            "\n".join([rec.name, *address_lines(rec.address), f"Fax: {ph(st, rec.fax)}"]),
            st.size,
            space_after=8,
        )
    )
    blocks += urgent_block(c, st, rng)
    re_parts = [member_name(c, st)]
    if c.dob:
        re_parts.append(f"{st.labels['dob']} {d(st, c.dob)}")
    if c.member_id:
        re_parts.append(f"{st.labels[c.member_id_label_kind]} {c.member_id}")
    blocks.append(Text("RE: " + ", ".join(p for p in re_parts if p), st.size, bold=True))
    blocks.append(
        Text(
            rng.choice(("To whom it may concern:", "Dear Intake Coordinator:", "Dear Colleague,")),
            st.size,
        )
    )
    honor = ""
    if c.sex_shown:
        honor = "Mr. " if c.sex == "M" else rng.choice(("Mrs. ", "Ms. "))
    who = f"{honor}{c.first_name} {c.last_name}" if c.first_name and c.last_name else "my patient"
    pron = "his" if c.sex == "M" else "her"
    dob_part = f" (DOB {d(st, c.dob)})" if c.dob and rng.random() < 0.5 else ""
    intro = f"{who}{dob_part} is under my care"
    if c.diagnoses:
        intro += " for " + ", ".join(
            f"{dx.description.lower()} ({dx.code})" if c.dx_descriptions_shown else dx.code
            for dx in c.diagnoses
        )
    intro += "."
    paras = [intro]
    if c.referral_type == "dme":
        wants = "; ".join(_item_prose(i) for i in c.items)
        paras.append(f"Please provide {who} with {wants}." if wants else "")
    elif c.referral_type == "home_health":
        svc = ", ".join(
            f"{clinical.DISCIPLINE_NAMES[s.discipline].lower()} ({s.discipline}) "
            f"{freq_text(s.frequency, rng.random() < 0.4)}"
            for s in c.services
        )
        paras.append(
            f"I am referring {who} for home health services: {svc}. The patient is homebound."
            if svc
            else ""
        )
        if c.items:
            paras.append("Please also arrange " + "; ".join(_item_prose(i) for i in c.items) + ".")
    elif c.infusion:
        inf = c.infusion
        paras.append(
            f"Please start home infusion of {inf.drug} {inf.dose} {inf.route} {inf.frequency} "
            f"for {inf.duration} "
            f"via {inf.access}" + (f" ({inf.access_detail})" if inf.access_detail else "") + "."
        )
        if c.items:
            paras.append("Supplies: " + "; ".join(_item_prose(i) for i in c.items) + ".")
    if c.procedures:
        paras.append(f"Codes: {proc_text(c)}.")
    if c.service_start:
        paras.append(f"Please begin on {d(st, c.service_start)}.")
    if c.discharge:
        paras.append(f"{pron.capitalize()} anticipated discharge is {discharge_text(c, st)}.")
    if c.face_to_face:
        paras.append(
            f"I saw {pron.replace('his', 'him')} face-to-face on {d(st, c.face_to_face)} "
            "for the condition requiring this order."
        )
    contact = []
    if c.address:
        contact.append(f"{pron} address is {', '.join(address_lines(c.address))}")
    if c.phone:
        contact.append(f"{pron} phone number is {ph(st, c.phone)}")
    if contact:
        paras.append(
            ("For delivery, " + " and ".join(contact) + ".").replace(
                "For delivery, his", "For delivery, his"
            )
        )
    if c.access_notes:
        paras.append("Please note: " + "; ".join(c.access_notes) + ".")
    if c.payer_name:
        paras.append(
            f"{pron.capitalize()} insurance is {c.payer_name}"
            + (f", group {c.group_number}" if c.group_number else "")
            + "."
        )
    # Without a name there is no "Mr."/"Ms." to carry the sex, so say it outright.
    if c.sex_shown and (rng.random() < 0.3 or not (c.first_name and c.last_name)):
        paras.append(f"Sex: {sex_text(c, rng)}.")
    paras.append(
        f"Please contact my office at {ph(st, cl.phone)} or fax {ph(st, cl.fax)} "
        "with any questions."
    )
    for p in paras:
        if p:
            blocks.append(Text(p, st.size, space_after=6))
    blocks.append(Text("Sincerely,", st.size))
    blocks += signature_block(c, st, rng)
    tail = [clinician_name(c, st), cl.organization]
    if c.clinician_npi:
        tail.append(f"NPI {c.clinician_npi}")
    blocks.append(Text("\n".join(tail), st.size))
    return blocks


def _item_prose(it: Item) -> str:
    text = it.description[0].lower() + it.description[1:]
    if it.brand_model:
        text += f" ({it.brand_model})"
    if it.hcpcs:
        text += f", HCPCS {it.hcpcs}"
    if it.serial_number:
        text += f", replacing the unit with serial number {it.serial_number}"
    if it.quantity is not None:
        text += f", quantity {it.quantity}"
    if it.flow_rate_lpm is not None:
        text += f", at {fmt_flow(it.flow_rate_lpm)} L/min"
    if it.frequency:
        text += f", {it.frequency}"
    if it.length_of_need_months is not None:
        text += f", length of need {lon_text(it.length_of_need_months)}"
    return text


Recipe = Callable[[Case, Style, random.Random], list[Block]]

RECIPES: dict[str, tuple[Recipe, ...]] = {
    "dme": (swo_form, swo_form, rx_pad),
    "oxygen_cmn": (cmn_484,),
    "home_health": (hh_referral, poc_485),
    "infusion": (infusion_form,),
    "letter": (letter,),
    "discharge": (discharge_referral,),
}


# ---------------------------------------------------------------- cover sheet and notes


def cover_sheet(c: Case, st: Style, rng: random.Random, total_pages: int) -> list[Block]:
    sender = c.sender
    L = st
    to_name = c.recipient.name
    re = {
        "dme": "DME order",
        "home_health": "Home health referral",
        "infusion": "Home infusion referral",
    }[c.referral_type]
    if c.first_name and c.last_name and rng.random() < 0.5:
        re += f" - {c.first_name[0]}. {c.last_name}"
    blocks: list[Block] = [
        Text(sender.name, st.size + 4, bold=True, align="center", space_after=0),
        Text(", ".join(address_lines(sender.address)), st.size, align="center"),
        Text(
            rng.choice(("FAX", "Fax Transmittal", "FACSIMILE COVER SHEET", "Fax Cover Sheet")),
            st.size + 10,
            bold=True,
            align="center",
            space_after=10,
        ),
        Fields(
            (
                (("To", to_name), ("From", dr(c) if rng.random() < 0.5 else sender.name)),
                (("Fax", ph(L, c.recipient.fax)), ("Fax", ph(L, sender.fax))),
                (("Phone", ph(L, c.recipient.phone)), ("Phone", ph(L, sender.phone))),
                (
                    (
                        "Pages",
                        f"{total_pages} (including cover)"
                        if rng.random() < 0.5
                        else str(total_pages),
                    ),
                    ("Date", d(L, c.received_at.date())),
                ),
                (("Re", re),),
            ),
            st.size + 1,
            rng.choice(("inline", "underlined", "boxed")),
        ),
        Checks(
            "",
            ("Urgent", "For Review", "Please Comment", "Please Reply", "Please Recycle"),
            frozenset({"Urgent"} if c.urgent else {rng.choice(("For Review", "Please Reply"))}),
            st.size + 1,
        ),
        Space(10),
    ]
    if c.urgent and c.urgency_reason:
        blocks.append(Text(f"Comments: {c.urgency_reason}", st.size + 1))
    else:
        blocks.append(
            Text(
                "Comments: "
                + rng.choice(
                    (
                        "Please see attached order.",
                        "Order and clinicals attached.",
                        "Please process and confirm receipt.",
                        "",
                    )
                ),
                st.size + 1,
            )
        )
    blocks.append(Space(60))
    blocks.append(
        Text(
            rng.choice(CONFIDENTIALITY_NOTICES),
            st.size,
            space_after=0,
        )
    )
    return blocks


def notes_page(c: Case, st: Style, rng: random.Random, index: int) -> list[Block]:
    """A clinical note continuation page; prints only facts the order itself carries."""
    visit = c.face_to_face or (
        (c.order_date or c.received_at.date()) - timedelta(days=rng.randint(1, 30))
    )
    head = [("Patient", member_name(c, st))] if member_name(c, st) else []
    if c.dob:
        head.append(("DOB", d(st, c.dob)))
    head.append(("Visit date", d(st, visit)))
    blocks: list[Block] = [
        Text(c.clinician.organization, st.size + 2, bold=True, space_after=0),
        Text(
            rng.choice(clinical.NOTE_TITLES) + (f" (continued {index + 1})" if index else ""),
            st.size + 3,
            bold=True,
        ),
        Fields((tuple(head),), st.size, "inline"),
        Rule(),
    ]
    for heading in ("Subjective", "Objective", "Assessment", "Plan")[: rng.randint(3, 4)]:
        sentences = rng.sample(clinical.NOTE_SENTENCES, k=rng.randint(2, 4))
        text = " ".join(
            s.format(
                bp=f"{rng.randint(110, 160)}/{rng.randint(60, 95)}",
                hr=rng.randint(60, 105),
                rr=rng.randint(14, 24),
                sat=rng.randint(86, 98),
                wt=c.weight_lb,
                cr=f"{rng.uniform(0.7, 2.4):.1f}",
                wbc=f"{rng.uniform(4, 14):.1f}",
                weeks=rng.choice((2, 4, 6, 12)),
            )
            for s in sentences
        )
        blocks += [
            Text(heading + ":", st.size, bold=True, space_after=0),
            Text(text, st.size, space_after=6),
        ]
    if rng.random() < 0.5:
        blocks += [
            Text("Current medications:", st.size, bold=True, space_after=0),
            *[Text("- " + m, st.size, indent=8, space_after=0) for m in c.medications],
        ]
    return blocks


def order_spec(c: Case, st: Style, rng: random.Random, recipe: Recipe | None = None) -> DocSpec:
    chosen = recipe or rng.choice(RECIPES[c.kind])
    return spec(chosen(c, st, rng), st, rng)


def spec(blocks: list[Block], st: Style, rng: random.Random) -> DocSpec:
    side = rng.uniform(40, 66)
    return DocSpec(
        tuple(blocks),
        st.font,
        margin_left=side,
        margin_right=side + rng.uniform(-6, 6),
        margin_top=rng.uniform(44, 60),
        margin_bottom=rng.uniform(40, 54),
    )


def with_page_breaks(parts: list[list[Block]]) -> list[Block]:
    out: list[Block] = []
    for i, p in enumerate(parts):
        if i:
            out.append(PageBreak())
        out += p
    return out
