"""The facts of one order (what the sender meant to say) and the truth derived from them.

A Case is decided before any layout is chosen, and deliberate gaps are applied to it by
blanking facts. Layouts must print every fact that is not None, so the truth is a function
of the Case alone and never of how a particular layout happened to draw it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from samples import clinical, people
from samples.clinical import Dx

KINDS = ("dme", "oxygen_cmn", "home_health", "infusion", "letter", "discharge")

# Which deliberate defects each kind can carry; rotated_180 is decided at render time.
GAP_CHOICES = (
    "no_dob",
    "unsigned",
    "invalid_npi",
    "header_icd",
    "no_member_id",
    "no_phone",
    "no_address",
    "no_npi",
    "no_order_date",
    "no_diagnosis",
    "no_payer",
    "no_name",
)


@dataclass
class Item:
    description: str
    hcpcs: str | None
    quantity: int | None = None
    frequency: str | None = None
    flow_rate_lpm: float | None = None
    length_of_need_months: int | None = None
    brand_model: str | None = None
    #: The serial number of the unit a replacement item replaces.
    serial_number: str | None = None


@dataclass
class Infusion:
    drug: str | None
    dose: str | None
    route: str | None
    frequency: str | None
    duration: str | None
    access: str | None
    access_detail: str | None = None


@dataclass
class Service:
    discipline: str
    frequency: str


@dataclass
class Procedure:
    code: str
    system: str
    description: str | None


@dataclass
class Case:
    kind: str
    referral_type: str
    # member
    first_name: str | None
    middle_initial: str | None
    last_name: str | None
    dob: date | None
    sex: str  # "M"/"F"; whether it is printed is sex_shown
    sex_shown: bool
    member_id: str | None
    member_id_label_kind: str  # "mbi" / "medicaid" / "commercial" / "alpha_prefix"
    phone: str | None
    address: people.Address | None
    height_in: int
    weight_lb: int
    mrn: str
    # payer
    payer_name: str | None
    group_number: str | None
    # clinician
    clinician: people.ClinicianId
    clinician_npi: str | None
    diagnoses: list[Dx]
    dx_descriptions_shown: bool
    procedures: list[Procedure]
    items: list[Item]
    infusion: Infusion | None
    services: list[Service]
    order_date: date | None
    service_start: date | None
    discharge: datetime | None
    signature_date: date | None
    face_to_face: date | None
    signed: bool
    e_signature: bool
    access_notes: list[str]
    #: Urgency wording printed on the order (STAT, "discharge today"...). The truth's
    #: ``urgent`` also counts a discharge within 24 h of receipt (``discharge_near_receipt``).
    urgent: bool
    urgency_reason: str | None
    gaps: list[str]
    received_at: datetime
    sender: people.Org  # who transmitted the fax (clinic, hospital)
    recipient: people.Org  # supplier / agency / pharmacy the order is addressed to
    supplier_npi: str | None = None
    cert_type: str = "Initial"
    oxygen_test: tuple[str, int, date, str] | None = None  # (kind, value, date, condition)
    medications: list[str] = field(default_factory=list)
    allergies: str = "NKDA"
    discharge_time_shown: bool = True


def _pick_gaps(rng: random.Random, kind: str, gap_rate: float) -> list[str]:
    if rng.random() >= gap_rate:
        return []
    pool = list(GAP_CHOICES)
    if kind == "letter":
        pool.remove(
            "no_address"
        )  # a letter without the address still reads naturally; keep pools simple
    n = 1 if rng.random() < 0.75 else 2
    return sorted(rng.sample(pool, n))


def _items_for_dme(rng: random.Random, scenario: clinical.DmeScenario, oxygen: bool) -> list[Item]:
    specs = [s for s in scenario.items if s.oxygen] if oxygen else list(scenario.items)
    if oxygen:
        chosen = [specs[0]] + ([rng.choice(specs[1:])] if rng.random() < 0.8 else [])
    else:
        chosen = rng.sample(specs, k=min(len(specs), rng.choice((1, 1, 2, 3))))
    flow = rng.choice((1.0, 1.5, 2.0, 2.0, 2.5, 3.0, 4.0))
    lon = rng.choice((12, 99, 99, 6, 3))
    out = []
    for s in chosen:
        out.append(
            Item(
                description=s.description,
                hcpcs=s.hcpcs,
                quantity=rng.choice(s.quantity),
                frequency=rng.choice(s.frequency)
                if s.frequency
                else (
                    rng.choice(("continuous", "with exertion and sleep", "24 hrs/day"))
                    if s.oxygen
                    else None
                ),
                flow_rate_lpm=flow if s.oxygen else None,
                length_of_need_months=lon if (s.oxygen or rng.random() < 0.5) else None,
                brand_model=rng.choice(s.brands) if s.brands and rng.random() < 0.5 else None,
            )
        )
    return out


#: Share of equipment orders that replace a unit, naming its serial number.
REPLACEMENT_RATE = 0.25


def _mark_replacement(items: list[Item], rng: random.Random) -> None:
    if not items or rng.random() >= REPLACEMENT_RATE:
        return
    item = rng.choice(items)
    letters = "".join(rng.choice("ACDEFGHJKMNPRTVWXY") for _ in range(rng.choice((2, 3))))
    digits = "".join(rng.choice("0123456789") for _ in range(rng.choice((6, 7, 8))))
    item.serial_number = rng.choice((f"{letters}{digits}", f"{letters}-{digits}"))


def build_case(seed: int, kind: str, gap_rate: float = 0.35) -> Case:
    """All facts for one document; ``kind`` is one of KINDS."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    rng = random.Random(f"case:{seed}:{kind}")
    ident = people.make_identity(rng)
    payer = rng.choice(people.PAYERS)
    order_date = people.random_date(rng, date(2024, 1, 8), date(2025, 11, 14))
    received_at = datetime.combine(order_date, datetime.min.time()) + timedelta(
        # A discharge referral goes out the day it is written; other orders can sit a while.
        days=0 if kind == "discharge" else rng.choice((0, 0, 0, 1, 2, 5)),
        hours=rng.randint(7, 19),
        minutes=rng.randint(0, 59),
        seconds=rng.randint(0, 59),
    )
    gaps = _pick_gaps(rng, kind, gap_rate)

    referral_type = {
        "dme": "dme",
        "oxygen_cmn": "dme",
        "home_health": "home_health",
        "infusion": "infusion",
    }.get(kind) or rng.choice(("dme", "dme", "home_health", "infusion"))

    hospital = kind == "discharge"
    clin = people.make_clinician(rng, people.HOSPITAL_SUFFIX if hospital else people.CLINIC_SUFFIX)
    recipient_suffix = {
        "dme": people.SUPPLIER_SUFFIX,
        "home_health": people.AGENCY_SUFFIX,
        "infusion": people.PHARMACY_SUFFIX,
    }[referral_type]
    recipient = people.make_org(rng, recipient_suffix)
    sender = people.Org(clin.organization, clin.phone, clin.fax, clin.address, people.make_npi(rng))

    diagnoses: list[Dx]
    items: list[Item] = []
    infusion: Infusion | None = None
    services: list[Service] = []
    procedures: list[Procedure] = []
    header: Dx
    oxygen_test = None
    if referral_type == "dme":
        oxygen = kind == "oxygen_cmn" or rng.random() < 0.2
        scenario = clinical.DME_SCENARIOS[0] if oxygen else rng.choice(clinical.DME_SCENARIOS[1:])
        diagnoses = rng.sample(scenario.dx, k=rng.choice((1, 2, 2, 3)))
        if oxygen:
            diagnoses[0] = rng.choice(scenario.dx[:4])
            test_kind = rng.choice(("SpO2", "SpO2", "PaO2"))
            value = rng.randint(82, 88) if test_kind == "SpO2" else rng.randint(48, 55)
            oxygen_test = (
                test_kind,
                value,
                order_date - timedelta(days=rng.randint(0, 20)),
                rng.choice(("At rest", "During exercise", "During sleep")),
            )
        items = _items_for_dme(rng, scenario, oxygen)
        # Its own stream, so adding replacements left every other fact of a seed as it was.
        _mark_replacement(items, random.Random(f"replacement:{seed}:{kind}"))
        header = scenario.header
        if kind == "oxygen_cmn":
            procedures = [Procedure(i.hcpcs, "HCPCS", None) for i in items if i.hcpcs]
    elif referral_type == "home_health":
        diagnoses = rng.sample(clinical.HOME_HEALTH_DX, k=rng.choice((1, 2, 3, 3)))
        header = rng.choice(clinical.HOME_HEALTH_HEADERS)
        disciplines = [
            "SN",
            *rng.sample(("PT", "OT", "ST", "MSW", "HHA"), k=rng.choice((0, 1, 1, 2, 3))),
        ]
        services = [Service(d, rng.choice(clinical.SERVICE_FREQUENCIES[d])) for d in disciplines]
        if rng.random() < 0.3:
            procedures = [
                Procedure(clinical.SERVICE_HCPCS[s.discipline], "HCPCS", None)
                for s in services
                if s.discipline in clinical.SERVICE_HCPCS
            ]
        if rng.random() < 0.3:
            items = [
                Item(rng.choice(("Front-wheeled walker", "Shower chair", "Bedside commode")), None)
            ]
    else:
        spec = rng.choice(clinical.INFUSIONS)
        diagnoses = [rng.choice(spec.dx)] + (
            [rng.choice(clinical.HOME_HEALTH_DX)] if rng.random() < 0.4 else []
        )
        header = spec.header
        freq, per_diem = rng.choice(spec.frequencies)
        access = rng.choice(
            clinical.ACCESS_TYPES[:3]
            if spec.drug != "Total parenteral nutrition"
            else ("PICC", "Port", "Tunneled CVC")
        )
        infusion = Infusion(
            spec.drug,
            rng.choice(spec.doses),
            spec.route,
            freq,
            rng.choice(spec.durations),
            access,
            rng.choice(clinical.ACCESS_DETAIL[access]) if rng.random() < 0.6 else None,
        )
        table = clinical.hcpcs_table()
        procedures = [
            Procedure(spec.jcode, "HCPCS", _short(table.get(spec.jcode))),
            Procedure(per_diem, "HCPCS", _short(table.get(per_diem))),
        ]
        if rng.random() < 0.5:
            code, desc = rng.choice(clinical.INFUSION_NURSING_CPT)
            procedures.append(Procedure(code, "CPT", desc))
        if rng.random() < 0.5:
            items = (
                [Item("Ambulatory infusion pump", "E0781", 1)]
                if rng.random() < 0.5
                else [Item("IV pole", "E0776", 1)]
            )
        if rng.random() < 0.3:
            procedures = [p for p in procedures if p.system == "HCPCS"][:1]
    if rng.random() < 0.35:
        for p in procedures:
            p.description = None

    signed = "unsigned" not in gaps
    signature_date = order_date + timedelta(days=rng.choice((0, 0, 0, 1))) if signed else None
    face_to_face = None
    if referral_type in ("home_health", "dme") and rng.random() < 0.6:
        face_to_face = order_date - timedelta(days=rng.randint(0, 60))
    service_start = (
        order_date + timedelta(days=rng.randint(0, 5))
        if (referral_type != "dme" or rng.random() < 0.4)
        else None
    )
    discharge = None
    urgent = False
    urgency_reason = None
    if kind == "discharge":
        discharge = datetime.combine(order_date, datetime.min.time()) + timedelta(
            days=rng.choice((0, 0, 1)),
            hours=rng.randint(10, 17),
            minutes=rng.choice((0, 15, 30, 45)),
        )
        urgent = rng.random() < 0.8
    elif rng.random() < 0.15:
        urgent = True
    if urgent:
        reason = rng.choice(clinical.URGENCY_REASONS)
        hour = discharge.hour if discharge else rng.randint(11, 16)
        urgency_reason = reason.format(
            time=f"{hour % 12 or 12}:00 PM" if hour >= 12 else f"{hour}:00 AM",
            sat=rng.randint(84, 87),
        )
        if "today" in reason.lower() and discharge is not None:
            discharge = discharge.replace(
                day=order_date.day, month=order_date.month, year=order_date.year
            )

    access_notes: list[str] = []
    if rng.random() < 0.45:
        for tpl in rng.sample(clinical.ACCESS_NOTES, k=rng.choice((1, 1, 2))):
            access_notes.append(
                tpl.format(
                    n=rng.randint(2, 14),
                    code=rng.randint(1000, 9999),
                    apt=rng.randint(1, 40),
                    name=rng.choice(people.FEMALE_FIRST),
                    phone=people.format_phone(people.make_phone(rng), rng.randint(0, 4)),
                )
            )

    style = payer.id_style
    member_id = people.make_member_id(rng, style)
    dx_desc = rng.random() < 0.75
    case = Case(
        kind=kind,
        referral_type=referral_type,
        first_name=ident.first_name,
        middle_initial=ident.middle_initial,
        last_name=ident.last_name,
        dob=ident.dob,
        sex=ident.sex,
        sex_shown=rng.random() < 0.8,
        member_id=member_id,
        member_id_label_kind=style,
        phone=people.make_phone(rng),
        address=people.make_address(rng),
        height_in=rng.randint(58, 75),
        weight_lb=rng.randint(105, 320),
        mrn=f"{rng.randint(100000, 99999999)}",
        payer_name=payer.name,
        group_number=people.make_group_number(rng)
        if payer.has_group and rng.random() < 0.8
        else None,
        clinician=clin,
        clinician_npi=clin.npi,
        diagnoses=diagnoses,
        dx_descriptions_shown=dx_desc,
        procedures=procedures,
        items=items,
        infusion=infusion,
        services=services,
        order_date=order_date,
        service_start=service_start,
        discharge=discharge,
        signature_date=signature_date,
        face_to_face=face_to_face,
        signed=signed,
        e_signature=signed and rng.random() < 0.25,
        access_notes=access_notes,
        urgent=urgent,
        urgency_reason=urgency_reason,
        gaps=gaps,
        received_at=received_at,
        sender=sender,
        recipient=recipient,
        supplier_npi=recipient.npi if kind == "oxygen_cmn" else None,
        cert_type=rng.choice(("Initial", "Initial", "Revised", "Recertification")),
        oxygen_test=oxygen_test,
        medications=rng.sample(clinical.MEDICATIONS, k=rng.randint(2, 5)),
        allergies=rng.choice(("NKDA", "Penicillin", "Sulfa", "Latex", "Codeine", "NKA")),
        discharge_time_shown=rng.random() < 0.7,
    )
    _apply_gaps(case, rng, header)
    return case


def _short(desc: str | None) -> str | None:
    if desc is None:
        return None
    # CMS long descriptions run to paragraphs; an order form prints the first clause.
    clause = desc.split(";")[0].strip()
    while len(clause) > 60 and "," in clause:
        clause = clause.rsplit(",", 1)[0]
    return clause


def _apply_gaps(case: Case, rng: random.Random, header: Dx) -> None:
    for gap in case.gaps:
        if gap == "no_dob":
            case.dob = None
        elif gap == "invalid_npi":
            case.clinician_npi = people.make_npi(rng, valid=False)
        elif gap == "header_icd":
            case.diagnoses[0] = header
        elif gap == "no_member_id":
            case.member_id = None
        elif gap == "no_phone":
            case.phone = None
        elif gap == "no_address":
            case.address = None
        elif gap == "no_npi":
            case.clinician_npi = None
        elif gap == "no_order_date":
            case.order_date = None
        elif gap == "no_diagnosis":
            case.diagnoses = []
        elif gap == "no_payer":
            case.payer_name = None
            case.group_number = None
        elif gap == "no_name":
            case.first_name = case.last_name = case.middle_initial = None
    # Dedupe in case the header code repeats a chosen diagnosis.
    seen: set[str] = set()
    case.diagnoses = [d for d in case.diagnoses if not (d.code in seen or seen.add(d.code))]  # type: ignore[func-returns-value]


#: The issue's rule: a discharge within 24 hours of receipt makes an order urgent.
DISCHARGE_WINDOW = timedelta(hours=24)
#: The truth's reason for an order urgent only by its discharge time (no wording printed).
DISCHARGE_REASON = "discharge within 24 h of receipt"


def discharge_near_receipt(case: Case) -> bool:
    """Whether the discharge falls within 24 h of receipt, before or after it.

    With no time printed the page says only the day, and a day that reaches within 24 h of
    receipt counts (any hour of it may be the discharge).
    """
    if case.discharge is None:
        return False
    if not case.discharge_time_shown:
        return abs((case.discharge.date() - case.received_at.date()).days) <= 1
    return abs(case.discharge - case.received_at) <= DISCHARGE_WINDOW


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def missing_paths(truth: dict[str, Any]) -> list[str]:
    """Required facts the order lacks. Which list ("items"/"services"/"infusion") applies
    depends on the referral type: a home-health referral is not missing DME."""
    m = truth["member"]
    c = truth["clinician"]
    out = []
    if not (m["first_name"] and m["last_name"]):
        out.append("member.name")
    for key, path in (
        ("dob", "member.dob"),
        ("member_id", "member.member_id"),
        ("phone", "member.phone"),
        ("address", "member.address"),
    ):
        if not m[key]:
            out.append(path)
    if not truth["payer"]["name"]:
        out.append("payer.name")
    if not (c["first_name"] and c["last_name"]):
        out.append("clinician.name")
    if not c["npi"]:
        out.append("clinician.npi")
    if not truth["diagnoses"]:
        out.append("diagnoses")
    rt = truth["referral_type"]
    if rt in ("dme", "unknown") and not truth["items"]:
        out.append("items")
    if rt == "home_health" and not truth["services"]:
        out.append("services")
    if rt == "infusion" and not truth["infusion"]:
        out.append("infusion")
    if not truth["dates"]["order"]:
        out.append("dates.order")
    if not truth["signature"]["present"]:
        out.append("signature")
    return out


def to_truth(case: Case) -> dict[str, Any]:
    """Contract-shaped truth, without the source/format fields the generator adds."""
    a = case.address
    c = case.clinician
    truth: dict[str, Any] = {
        "referral_type": case.referral_type,
        "member": {
            "first_name": case.first_name,
            "last_name": case.last_name,
            "dob": _iso(case.dob),
            "sex": case.sex if case.sex_shown else None,
            "member_id": case.member_id,
            "phone": case.phone,
            "address": None
            if a is None
            else {
                # Every layout prints the unit on the street's line: one delivery line.
                "line1": f"{a.line1} {a.line2}" if a.line2 else a.line1,
                "line2": None,
                "city": a.city,
                "state": a.state,
                "postal_code": a.postal_code,
            },
        },
        "payer": {"name": case.payer_name, "group_number": case.group_number},
        "clinician": {
            "first_name": c.first_name,
            "last_name": c.last_name,
            "credentials": c.credentials,
            "npi": case.clinician_npi,
            "phone": c.phone,
            "fax": c.fax,
            "organization": c.organization,
        },
        "diagnoses": [
            {"code": d.code, "description": d.description if case.dx_descriptions_shown else None}
            for d in case.diagnoses
        ],
        "procedures": [
            {"code": p.code, "system": p.system, "description": p.description}
            for p in case.procedures
        ],
        "items": [
            {
                "description": i.description,
                "hcpcs": i.hcpcs,
                "quantity": i.quantity,
                "frequency": i.frequency,
                "flow_rate_lpm": i.flow_rate_lpm,
                "length_of_need_months": i.length_of_need_months,
                "brand_model": i.brand_model,
                "serial_number": i.serial_number,
            }
            for i in case.items
        ],
        "infusion": None
        if case.infusion is None
        else {
            "drug": case.infusion.drug,
            "dose": case.infusion.dose,
            "route": case.infusion.route,
            "frequency": case.infusion.frequency,
            "duration": case.infusion.duration,
            "access": case.infusion.access,
        },
        "services": [{"discipline": s.discipline, "frequency": s.frequency} for s in case.services],
        "dates": {
            # An order is dated when it is signed: the date beside the signature stands for
            # an order date the page does not print.
            "order": _iso(case.order_date or case.signature_date),
            "service_start": _iso(case.service_start),
            "discharge": case.discharge.date().isoformat() if case.discharge else None,
            "signature": _iso(case.signature_date),
            "face_to_face": _iso(case.face_to_face),
        },
        "signature": {"present": case.signed, "date": _iso(case.signature_date)},
        "access_notes": list(case.access_notes),
        "urgent": case.urgent or discharge_near_receipt(case),
        "urgency_reason": case.urgency_reason
        or (DISCHARGE_REASON if discharge_near_receipt(case) else None),
        "supplier": None
        if case.supplier_npi is None
        else {"name": case.recipient.name, "npi": case.supplier_npi},
    }
    truth["missing"] = missing_paths(truth)
    return truth
