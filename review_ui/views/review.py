"""What the review page shows: page images with word and evidence boxes, and the form with
each field's value, confidence, problems and, where a clerk changed it, the extractor's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlmodel import Session, col, select

from extractors.referral import FlagCode
from intake.clarification import MISSING_LABELS, WRONG_VALUE_FLAGS, failing_fields
from intake.db.audit import AuditEvent
from intake.db.models import Document, PageRecord, ReferralRecord
from intake.referral_edit import (
    FIELDS,
    LISTS,
    FieldKind,
    FieldSpec,
    diff,
    field_text,
    value_at,
)
from intake.review import current_values
from review_ui.codes import CODE_KINDS, CodeStatus, describe

ProblemKind = Literal["missing", "invalid", "check", "low", "error"]
#: Rules a value can fail by being unlikely rather than impossible: shown as "check", apart
#: from a value that breaks a rule ("invalid"); both wait for the clerk before approval.
_PLAUSIBILITY_FLAGS = frozenset({FlagCode.DATE_IMPLAUSIBLE})
#: Flags that ask the clerk to look: a reading to compare with the page, or a document the
#: extractor took for no order at all (shown on its referral type, with the reason).
_LOW_FLAGS = frozenset({FlagCode.LOW_CONFIDENCE, FlagCode.CODE_REPAIRED, FlagCode.NOT_AN_ORDER})
#: Sections of the form, in order, by the first part of a field's path.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("referral_type", "Referral"),
    ("member", "Member"),
    ("payer", "Payer"),
    ("clinician", "Ordering clinician"),
    ("diagnoses", "Diagnoses"),
    ("procedures", "Procedures"),
    ("items", "Equipment and supplies"),
    ("infusion", "Infusion"),
    ("services", "Home health services"),
    ("dates", "Dates"),
    ("signature", "Signature"),
    ("access_notes", "Access notes"),
)
#: Fields shown in another field's section, by the first part of their path.
_SECTION_OF = {"urgent": "referral_type", "urgency_reason": "referral_type"}
#: Sections shown only for their referral type, or when they hold something.
_TYPE_SECTIONS = {"items": "dme", "infusion": "infusion", "services": "home_health"}


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    message: str
    #: For a value failing a rule: the flag's field, which the clerk may confirm as printed.
    confirm: str | None = None
    #: Whether the clerk ticked that confirmation in the form just submitted.
    confirmed: bool = False


@dataclass(frozen=True)
class FieldView:
    path: str
    label: str
    kind: FieldKind
    value: str
    choices: tuple[str, ...]
    #: The evidence key whose box belongs to this field, if the page shows where it was read.
    evidence: str | None
    confidence: float | None
    problems: list[Problem]
    code: CodeStatus | None
    #: The extractor's value when the clerk has changed it.
    original: str | None
    required_for: str | None

    @property
    def dom_id(self) -> str:
        return "f-" + self.path.replace(".", "-")

    @property
    def worst(self) -> ProblemKind | None:
        for kind in ("error", "missing", "invalid", "check", "low"):
            if any(problem.kind == kind for problem in self.problems):
                return kind
        return None


@dataclass(frozen=True)
class SectionView:
    title: str
    #: One row per list entry (plus a blank one to add to the list); one row otherwise.
    rows: list[list[FieldView]]
    is_list: bool


@dataclass(frozen=True)
class BoxView:
    key: str
    bbox: str
    label: str


@dataclass(frozen=True)
class WordView:
    bbox: str
    text: str


@dataclass(frozen=True)
class PageView:
    number: int
    width: int
    height: int
    words: list[WordView]
    boxes: list[BoxView] = field(default_factory=list)


@dataclass(frozen=True)
class FormView:
    sections: list[SectionView]
    #: Each missing path's words for the clerk, and the id of the field to fill it in.
    missing: list[tuple[str, str | None]]
    #: The fields whose values fail a rule: approval waits for each to be corrected or
    #: confirmed against the page.
    failing: list[str]
    #: What the extractor could not read (a fault of its own, not the fax's), in words.
    not_read: list[str] = field(default_factory=list)


def load_pages(session: Session, document_id: int, evidence: Mapping[str, Any]) -> list[PageView]:
    records = session.exec(
        select(PageRecord)
        .where(col(PageRecord.document_id) == document_id)
        .order_by(col(PageRecord.number))
    ).all()
    labels = _evidence_labels(evidence)
    return [
        PageView(
            number=record.number,
            width=record.width,
            height=record.height,
            words=[
                WordView(_box(word["bbox"]), word["text"])
                for word in record.content.get("words", [])
            ],
            boxes=[
                BoxView(key, _box(box["bbox"]), labels.get(key, key))
                for key, box in evidence.items()
                if box.get("page") == record.number
            ],
        )
        for record in records
    ]


def build_form(
    referral: ReferralRecord,
    submitted: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    checked: frozenset[str] = frozenset(),
) -> FormView:
    """The form for the referral's current values, or for what the clerk just submitted
    (with the failing values they confirmed, ``checked``)."""
    values = current_values(referral)
    original = {change.path: change.old for change in diff(referral.extracted, values)}
    context = _Context(values, submitted or {}, errors or {}, original, checked)
    sections = [
        section
        for prefix, title in SECTIONS
        if (section := _section(context, prefix, title)) is not None
    ]
    fields = [f for section in sections for row in section.rows for f in row]
    missing = [
        (MISSING_LABELS.get(path, path), _first_missing(fields, path))
        for path in values.get("missing") or []
    ]
    not_read = [
        flag["message"] for flag in values.get("flags") or [] if flag["code"] == FlagCode.NOT_READ
    ]
    return FormView(
        sections=sections, missing=missing, failing=failing_fields(values), not_read=not_read
    )


def _first_missing(fields: list[FieldView], missing_path: str) -> str | None:
    """The form field to jump to for a missing path: the first one marked missing for it."""
    for field_view in fields:
        if field_view.required_for == missing_path and field_view.worst == "missing":
            return field_view.dom_id
    return None


def audit_trail(session: Session, document_id: int, limit: int = 500) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.document_id) == document_id)
            .order_by(col(AuditEvent.id).desc())
            .limit(limit)
        ).all()
    )


def original_file_name(document: Document) -> str:
    """The download's fixed name: the document id and the type's extension, never the name
    it arrived with (which may carry PHI)."""
    extension = {
        "application/pdf": "pdf",
        "image/tiff": "tiff",
        "image/png": "png",
        "image/jpeg": "jpg",
    }.get(document.media_type or "", "bin")
    return f"document-{document.id}.{extension}"


@dataclass(frozen=True)
class _Context:
    values: Mapping[str, Any]
    submitted: Mapping[str, str]
    errors: Mapping[str, str]
    original: Mapping[str, Any]
    checked: frozenset[str]
    #: The flags already shown on a field: a flag on a group of fields ("member.address") is
    #: shown once, on its first field, not on each.
    shown: set[int] = field(default_factory=set)


def _section(context: _Context, prefix: str, title: str) -> SectionView | None:
    specs = [spec for spec in FIELDS if _section_of(spec.path) == prefix]
    held = context.values.get(prefix)
    wanted_type = _TYPE_SECTIONS.get(prefix)
    if wanted_type and not held and context.values.get("referral_type") != wanted_type:
        return None
    if prefix not in LISTS:
        return SectionView(title, [[_field(context, spec, spec.path) for spec in specs]], False)
    count = max(len(held or []), _submitted_rows(context.submitted, prefix))
    rows = [
        [_field(context, spec, spec.path.replace("*", str(index))) for spec in specs]
        for index in range(count + 1)
    ]
    return SectionView(title, rows, True)


def _section_of(path: str) -> str:
    head = path.split(".")[0]
    return _SECTION_OF.get(head, head)


def _submitted_rows(submitted: Mapping[str, str], prefix: str) -> int:
    # A rejected save keeps the rows the clerk added, so nothing they typed disappears.
    indexes = [
        int(parts[1])
        for path in submitted
        if (parts := path.split("."))[0] == prefix and len(parts) > 1 and parts[1].isdigit()
    ]
    return max(indexes, default=-1) + 1


def _field(context: _Context, spec: FieldSpec, path: str) -> FieldView:
    current = value_at(context.values, path)
    value = context.submitted.get(path, field_text(spec, current))
    evidence_key = _evidence_key(context.values.get("evidence") or {}, path)
    evidence = (context.values.get("evidence") or {}).get(evidence_key or "")
    problems = _problems(context, spec, path, value)
    return FieldView(
        path=path,
        label=spec.label,
        kind=spec.kind,
        value=value,
        choices=spec.choices,
        evidence=evidence_key,
        # An empty field has no reading to be sure of (its evidence key may be a parent's).
        confidence=evidence["confidence"] if evidence and value else None,
        problems=problems,
        code=describe(spec.kind, value) if spec.kind in CODE_KINDS else None,
        original=field_text(spec, context.original[path]) if path in context.original else None,
        required_for=spec.required_for,
    )


def _problems(context: _Context, spec: FieldSpec, path: str, value: str) -> list[Problem]:
    problems = []
    if path in context.errors:
        problems.append(Problem("error", context.errors[path]))
    blank = value == "" or (spec.kind == "yes_no" and value == "no")
    if spec.required_for in (context.values.get("missing") or []) and blank:
        problems.append(Problem("missing", "required and missing"))
    for number, flag in enumerate(context.values.get("flags") or []):
        on_field = flag["field"] == path or path.startswith(flag["field"] + ".")
        if not on_field or number in context.shown:
            continue
        context.shown.add(number)
        if flag["code"] in WRONG_VALUE_FLAGS:
            kind: ProblemKind = "check" if flag["code"] in _PLAUSIBILITY_FLAGS else "invalid"
            confirmed = flag["field"] in context.checked
            problems.append(Problem(kind, flag["message"], flag["field"], confirmed))
        elif flag["code"] in _LOW_FLAGS:
            problems.append(Problem("low", flag["message"]))
    # One message per problem: two flags saying the same of a value are one line.
    return list({(p.kind, p.message): p for p in problems}.values())


def _evidence_key(evidence: Mapping[str, Any], path: str) -> str | None:
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        key = ".".join(parts[:end])
        if key in evidence:
            return key
    return None


def _evidence_labels(evidence: Mapping[str, Any]) -> dict[str, str]:
    labels = {}
    for key in evidence:
        spec = next((s for s in FIELDS if _covers(s.path, key)), None)
        labels[key] = spec.label if spec else key
    return labels


def _covers(template: str, key: str) -> bool:
    template_parts, key_parts = template.split("."), key.split(".")
    if len(key_parts) > len(template_parts):
        return False
    return all(t in ("*", k) for t, k in zip(template_parts, key_parts, strict=False))


def _box(bbox: list[float]) -> str:
    return " ".join(f"{v:.4f}" for v in bbox)
