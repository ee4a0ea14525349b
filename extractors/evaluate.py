"""Score predicted referrals against labeled truth, by format: the numbers `intake eval` shows.

Inputs are contract-shaped dicts (a Referral's ``model_dump(mode="json")`` and a
``.truth.json``), so the scorer needs neither the extractor nor the generator. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: The scalar fields scored for accuracy, as dotted paths into the contract.
SCALAR_PATHS: tuple[str, ...] = (
    "member.first_name",
    "member.last_name",
    "member.dob",
    "member.sex",
    "member.member_id",
    "member.phone",
    "member.address.line1",
    "member.address.line2",
    "member.address.city",
    "member.address.state",
    "member.address.postal_code",
    "payer.name",
    "payer.group_number",
    "clinician.first_name",
    "clinician.last_name",
    "clinician.credentials",
    "clinician.npi",
    "clinician.phone",
    "clinician.fax",
    "clinician.organization",
    "dates.order",
    "dates.service_start",
    "dates.discharge",
    "dates.signature",
    "dates.face_to_face",
    "signature.present",
    "referral_type",
    "urgent",
)

#: The fields of each ordered item that are scored, after pairing items (see ``_pair_items``).
ITEM_FIELDS: tuple[str, ...] = ("description", "hcpcs", "quantity", "serial_number")

OVERALL = "overall"

#: Metrics a threshold may name, each read off a report row.
METRICS: tuple[str, ...] = (
    "field_accuracy",
    "item_accuracy",
    "code_precision",
    "code_recall",
    "code_f1",
    "missing_precision",
    "missing_recall",
)


@dataclass(frozen=True)
class Sample:
    predicted: Mapping[str, Any]
    truth: Mapping[str, Any]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        # Predicting nothing makes no wrong claim.
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, predicted: set[str], truth: set[str]) -> None:
        self.tp += len(predicted & truth)
        self.fp += len(predicted - truth)
        self.fn += len(truth - predicted)


@dataclass
class Row:
    documents: int = 0
    pages: int = 0
    #: path -> [correct, scored]
    fields: dict[str, list[int]] = field(default_factory=dict)
    #: "items.<field>" -> [correct, scored], over paired, missed and extra items.
    items: dict[str, list[int]] = field(default_factory=dict)
    codes: Counts = field(default_factory=Counts)
    missing: Counts = field(default_factory=Counts)

    @property
    def field_accuracy(self) -> float:
        return _accuracy(self.fields)

    @property
    def item_accuracy(self) -> float:
        return _accuracy(self.items)

    def metric(self, name: str) -> float:
        if name == "field_accuracy":
            return self.field_accuracy
        if name == "item_accuracy":
            return self.item_accuracy
        family, _, kind = name.partition("_")
        counts = {"code": self.codes, "missing": self.missing}[family]
        value: float = getattr(counts, kind)
        return value


def _accuracy(tallies: Mapping[str, list[int]]) -> float:
    scored = sum(total for _, total in tallies.values())
    return sum(correct for correct, _ in tallies.values()) / scored if scored else 1.0


@dataclass
class Report:
    #: One row per format (as truth["format"] names it), plus OVERALL.
    rows: dict[str, Row] = field(default_factory=dict)


def evaluate(samples: Iterable[Sample]) -> Report:
    report = Report()
    for sample in samples:
        fmt = str(sample.truth.get("format") or "unknown")
        for name in (fmt, OVERALL):
            _score(report.rows.setdefault(name, Row()), sample)
    # The overall row last, whatever order the formats came in.
    if OVERALL in report.rows:
        report.rows[OVERALL] = report.rows.pop(OVERALL)
    return report


def _score(row: Row, sample: Sample) -> None:
    row.documents += 1
    row.pages += int(_get(sample.truth, "source.pages") or 0)
    for path in SCALAR_PATHS:
        tally = row.fields.setdefault(path, [0, 0])
        tally[0] += _same(_get(sample.predicted, path), _get(sample.truth, path))
        tally[1] += 1
    for predicted, truth in _pair_items(
        list(sample.predicted.get("items") or []), list(sample.truth.get("items") or [])
    ):
        for name in ITEM_FIELDS:
            tally = row.items.setdefault(f"items.{name}", [0, 0])
            tally[0] += _same(predicted.get(name), truth.get(name))
            tally[1] += 1
    row.codes.add(_codes(sample.predicted), _codes(sample.truth))
    row.missing.add(_paths(sample.predicted), _paths(sample.truth))


def _pair_items(
    predicted: list[Mapping[str, Any]], truth: list[Mapping[str, Any]]
) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """Each truth item with the predicted item for it (same HCPCS, else same description),
    or with an empty one when it was not found; extra predicted items with an empty truth."""
    left = list(predicted)
    pairs: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = []
    for key in ("hcpcs", "description"):
        for item in [t for t in truth if _normal(t.get(key)) is not None]:
            match = next((p for p in left if _normal(p.get(key)) == _normal(item.get(key))), None)
            if match is not None:
                left.remove(match)
                truth = [t for t in truth if t is not item]
                pairs.append((match, item))
    pairs += [({}, item) for item in truth]
    pairs += [(item, {}) for item in left]
    return pairs


def _get(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for key in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _normal(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return " ".join(str(value).split()).casefold()


def _same(predicted: Any, truth: Any) -> bool:
    # Both absent is right: the extractor correctly read nothing.
    return _normal(predicted) == _normal(truth)


def _codes(data: Mapping[str, Any]) -> set[str]:
    found = [d.get("code") for d in data.get("diagnoses") or []]
    found += [p.get("code") for p in data.get("procedures") or []]
    found += [i.get("hcpcs") for i in data.get("items") or []]
    return {"".join(str(code).split()).upper() for code in found if code}


def _paths(data: Mapping[str, Any]) -> set[str]:
    return {str(path) for path in data.get("missing") or []}


def meets(report: Report, thresholds: Mapping[str, float]) -> list[str]:
    """The thresholds the report falls short of, as readable lines; empty when all are met.

    Keys are a metric ("code_precision", checked on the overall row) or a metric and a
    format ("field_accuracy.fax_fine"). A format with no documents in the report is skipped:
    there is nothing to hold to the bar.
    """
    failed = []
    for key, minimum in thresholds.items():
        metric, _, fmt = key.partition(".")
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}")
        row = report.rows.get(fmt or OVERALL)
        if row is None:
            continue
        value = row.metric(metric)
        if value < minimum:
            failed.append(f"{metric} [{fmt or OVERALL}] {value:.3f} < {minimum:.3f}")
    return failed


_SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("fields", "field_accuracy"),
    ("items", "item_accuracy"),
    ("code P", "code_precision"),
    ("code R", "code_recall"),
    ("code F1", "code_f1"),
    ("miss P", "missing_precision"),
    ("miss R", "missing_recall"),
)


def render(report: Report, *, seconds: float | None = None) -> str:
    """The report as plain-text tables: a summary per format, then accuracy per field.

    ``seconds`` is the time spent reading all documents, for an overall pages/s line.
    """
    names = list(report.rows)
    summary = [["format", "docs", "pages", *(title for title, _ in _SUMMARY_COLUMNS)]]
    for name in names:
        row = report.rows[name]
        summary.append(
            [
                name,
                str(row.documents),
                str(row.pages),
                *(f"{row.metric(metric):.3f}" for _, metric in _SUMMARY_COLUMNS),
            ]
        )
    per_field = [["field", *names]]
    for path in (*SCALAR_PATHS, *(f"items.{name}" for name in ITEM_FIELDS)):
        cells = []
        for name in names:
            row = report.rows[name]
            correct, total = (row.items if path.startswith("items.") else row.fields).get(
                path, [0, 0]
            )
            cells.append(f"{correct / total:.3f}" if total else "-")
        per_field.append([path, *cells])
    parts = [_table(summary), _table(per_field)]
    overall = report.rows.get(OVERALL)
    if seconds and overall is not None:
        parts.append(f"{overall.pages / seconds:.2f} pages/s ({overall.pages} pages)")
    return "\n\n".join(parts) + "\n"


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        # Names left-aligned, numbers right-aligned so decimals line up.
        numbers = zip(row[1:], widths[1:], strict=True)
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in numbers]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
