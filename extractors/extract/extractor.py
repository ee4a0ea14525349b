"""Pages in, a Referral out: every finder's values with their evidence, then the rules."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from extractors.extract import reread
from extractors.extract.access import find_access_notes
from extractors.extract.checkboxes import PageInks
from extractors.extract.codes import find_diagnoses, find_procedures
from extractors.extract.cover import order_pages
from extractors.extract.found import Found, found_part
from extractors.extract.header import transmitted_at
from extractors.extract.infusion import find_infusion
from extractors.extract.items import drug_item, find_items, unread_counts
from extractors.extract.not_an_order import unless_an_order
from extractors.extract.parties import extract_parties, sex_beside_member
from extractors.extract.rules import apply_rules
from extractors.extract.services import find_services
from extractors.extract.signature import find_signature
from extractors.extract.tick_legends import read_ticks, ticked_only
from extractors.extract.warm_up import warm_up_in_background
from extractors.limits import Limits
from extractors.pages import Page, ReadPage
from extractors.readers import read_document
from extractors.referral import Evidence, Flag, FlagCode, Item, Referral, Source

T = TypeVar("T")


def extract(
    pages: Sequence[ReadPage], *, filename: str, sha256: str, received_at: datetime
) -> Referral:
    """Read a referral off the pages of one fax.

    ``received_at`` is when the service received the file; the fax header's own
    transmission time is preferred when the sending machine stamped one.
    """
    plain = [read.page for read in pages]
    # Member fields never come from a cover sheet; the order starts after the last one.
    order = order_pages(plain)
    received = transmitted_at(plain, received_at)
    values: dict[str, Any] = {}
    evidence: dict[str, Found[Any]] = {}
    failed: list[str] = []

    def guarded(part: str, fallback: T, finder: Callable[[], T]) -> T:
        # One finder's defect must not cost the document every other value, nor leave it
        # with no reading a clerk can review: the part is flagged and read from the page.
        try:
            return finder()
        except Exception:
            failed.append(part)
            return fallback

    covers = [page for page in plain if all(page is not kept for kept in order)]
    nobody: dict[str, Found[Any]] = {}
    parties = guarded("member", nobody, lambda: extract_parties(order, received.date(), covers))
    # A cover sheet's ticked "Urgent" box is the sender's request too.
    inks = PageInks()
    ticks = read_ticks(pages, inks)
    if "member.sex" not in parties and ticks.sex is not None:
        parties["member.sex"] = ticks.sex
    # Last: a sex read by its shape beside the member's name, with no caption or box.
    shaped = None if "member.sex" in parties else sex_beside_member(order, parties, received.date())
    if shaped is not None:
        parties["member.sex"] = shaped
    for path, found in parties.items():
        _put(values, path, found.value)
        evidence[path] = found
    if (address := parties.get("member.address")) is not None:
        parts = _address_parts(address)
        evidence.update(parts)
        evidence["member.address"] = _address_by_parts(address, parts)
    finders: list[tuple[str, Callable[[Sequence[Page]], Sequence[Found[Any]]]]] = [
        ("diagnoses", find_diagnoses),
        ("procedures", find_procedures),
        ("items", find_items),
        ("services", find_services),
        ("access_notes", find_access_notes),
    ]
    order_numbers = {page.number for page in order}
    order_reads = [read for read in pages if read.page.number in order_numbers]
    for key, finder in finders:
        finds: Sequence[Found[Any]] = guarded(key, [], partial(finder, order))
        if key in _TICKED_CHOICES:
            finds = guarded(key, finds, partial(ticked_only, order_reads, finds, inks))
        values[key] = [f.value for f in finds]
        evidence.update({f"{key}.{i}": f for i, f in enumerate(finds)})
    guarded("items", None, partial(_recount, order_reads, values["items"], evidence))
    if (infusion := guarded("infusion", None, lambda: find_infusion(order))) is not None:
        values["infusion"] = infusion.value
        evidence["infusion"] = infusion
        items = values["items"]
        if (
            item := guarded("items", None, lambda: drug_item(order, infusion.value, items))
        ) is not None:
            evidence[f"items.{len(items)}"] = item
            items.append(item.value)
    order_dated = values.get("dates", {}).get("order") is not None
    signature = guarded(
        "signature",
        None,
        lambda: find_signature(order_reads, reference=received.date(), order_dated=order_dated),
    )
    if signature is not None:
        values["signature"] = {
            "present": signature.present.value,
            "date": signature.date.value if signature.date else None,
        }
        evidence["signature"] = signature.present
        if signature.date is not None:
            evidence.setdefault("dates.signature", signature.date)
            values.setdefault("dates", {}).setdefault("signature", signature.date.value)
    dates = values.setdefault("dates", {})
    if dates.get("order") is None and dates.get("signature") is not None:
        # An order is written when it is signed: the date beside the signature is the
        # order's date when nothing else on the page names one.
        dates["order"] = dates["signature"]
        evidence["dates.order"] = evidence["dates.signature"]
    # IDs, NPIs, dates and codes read doubtfully are read again from sharper crops.
    second = guarded(
        "second reading",
        reread.Reread({}, frozenset(), []),
        lambda: reread.reread_doubtful(pages, evidence, received.date()),
    )
    signed = dates.get("signature")
    evidence.update(second.evidence)
    for path in second.changed:
        _put(values, path, second.evidence[path].value)
    if "dates.signature" in second.changed and values.get("signature", {}).get("date") == signed:
        # The signature's date was read from the same print.
        values["signature"]["date"] = dates["signature"]

    referral = Referral.model_validate(
        {
            **values,
            "evidence": {path: _evidence(found) for path, found in evidence.items()},
            "source": Source(
                filename=filename, sha256=sha256, pages=len(plain), order_page=order[0].number
            ),
        }
    )
    referral.flags = [
        *referral.flags,
        *_repair_flags(referral),
        *second.flags,
        *(_not_read(part) for part in failed),
    ]
    ruled = apply_rules(
        referral,
        received_at=received,
        page_texts=[
            text
            for text, read in zip(ticks.texts, pages, strict=True)
            if read.page.number in order_numbers
        ],
        ticked_urgent=ticks.urgent,
    )
    return unless_an_order(ruled, plain)


def unread_referral(
    pages: Sequence[ReadPage], *, filename: str, sha256: str, received_at: datetime
) -> Referral:
    """The referral of a fax whose reading failed as a whole (a defect in the extractor): no
    values, every required one missing, its clock running, and a flag saying why, so the
    clerk reads the order from the page instead of finding a document with nothing to review.
    """
    referral = Referral(
        source=Source(
            filename=filename, sha256=sha256, pages=len(pages), order_page=_first_page(pages)
        ),
        flags=[_not_read("document")],
    )
    return apply_rules(referral, received_at=received_at, page_texts=[])


def _first_page(pages: Sequence[ReadPage]) -> int:
    return pages[0].page.number if pages else 1


#: The finders whose finds a checklist offers: only a ticked box's line is ordered.
_TICKED_CHOICES = frozenset({"items", "procedures", "services"})

#: The words for the clerk of each part a finder reads, by the flag's field.
_PARTS = {
    "document": "the order",
    "member": "the member, payer, clinician and dates",
    "diagnoses": "the diagnoses",
    "procedures": "the procedures",
    "items": "the equipment and supplies",
    "services": "the home health services",
    "access_notes": "the access notes",
    "infusion": "the infusion",
    "signature": "the signature",
    "second reading": "the second reading of doubtful values",
}


def _not_read(part: str) -> Flag:
    what = _PARTS[part]
    return Flag(
        field=part,
        code=FlagCode.NOT_READ,
        message=f"{what[0].upper()}{what[1:]}: not read automatically; read from the page.",
    )


def _repair_flags(referral: Referral) -> list[Flag]:
    """A code_repaired flag on each code that the page does not print as it stands.

    Codes are only ever repaired into codes that exist, but the clerk compares a repaired one
    with the page: a repair is never silent.
    """
    codes = [(f"diagnoses.{i}", "code", d.code) for i, d in enumerate(referral.diagnoses)]
    codes += [(f"procedures.{i}", "code", p.code) for i, p in enumerate(referral.procedures)]
    codes += [(f"items.{i}", "hcpcs", item.hcpcs) for i, item in enumerate(referral.items)]
    flags = []
    for path, name, code in codes:
        evidence = referral.evidence.get(path)
        if code is None or evidence is None or _squeezed(code) in _squeezed(evidence.text):
            continue
        # The message names the code only: the evidence box shows the print, and page text
        # (a patient's name in a letter's sentence) stays out of messages.
        message = f"{code} was read through damaged print; compare it with the page"
        flags.append(Flag(field=f"{path}.{name}", code=FlagCode.CODE_REPAIRED, message=message))
    return flags


def _squeezed(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


#: The parts of an address that are read from the page as printed; the state may be the
#: ZIP's (see ``confidence``), so it has no words of its own.
_ADDRESS_PARTS = ("line1", "line2", "city", "postal_code")


def _address_parts(address: Found[Any]) -> dict[str, Found[Any]]:
    """Evidence for each part of the member's address, from its own words: one misread
    word in a long line (a town's name) is then doubted on its part, with its own box."""
    out = {}
    for part in _ADDRESS_PARTS:
        value = address.value.get(part) if isinstance(address.value, dict) else None
        found = found_part(address, value) if value else None
        if found is not None:
            out[f"member.address.{part}"] = found
    return out


def _address_by_parts(address: Found[Any], parts: Mapping[str, Found[Any]]) -> Found[Any]:
    """The whole address, as sure as its weakest part: the words between its parts (a
    "City / State / Zip" caption, a cell's rule "|", a speck) are no part of the value, and
    a doubt over one of them would send the clerk to check every part. Only when each part
    is printed as read (its state too), and nothing but the print doubted the address
    (another caption reading it otherwise does); else the whole line's weakest word stands.
    """
    value = address.value if isinstance(address.value, dict) else {}
    printed = min((word.conf for word in address.words), default=None)
    if printed is None or address.confidence < printed:
        return address
    own = dict(parts)
    if value.get("state") and (state := found_part(address, value["state"])) is not None:
        own["member.address.state"] = state
    if any(value.get(part) and f"member.address.{part}" not in own for part in _WHOLE_PARTS):
        return address
    return replace(address, confidence=min(found.confidence for found in own.values()))


#: The parts of an address a value prints, each of which a whole address's doubt covers.
_WHOLE_PARTS = (*_ADDRESS_PARTS, "state")


def _put(values: dict[str, Any], path: str, value: Any) -> None:
    head, _, rest = path.partition(".")
    if rest:
        _put(values.setdefault(head, {}), rest, value)
    else:
        values[head] = value


def _evidence(found: Found[Any]) -> Evidence:
    return Evidence(page=found.page, bbox=found.bbox, confidence=found.confidence, text=found.text)


def _recount(reads: Sequence[ReadPage], items: list[Item], evidence: dict[str, Found[Any]]) -> None:
    """The counts of table rows whose count cell OCR read nothing in (a lone "1" between the
    table's rules), read again from the cell alone."""
    found = [evidence[f"items.{index}"] for index in range(len(items))]
    uncounted = {
        (found[index].page, found[index].bbox): index
        for index, item in enumerate(items)
        if item.quantity is None
    }
    pages = {page for page, _ in uncounted}
    cells = [
        cell
        for cell in unread_counts([read.page for read in reads if read.page.number in pages])
        if (cell.page, cell.row) in uncounted
    ]
    for cell, count in zip(cells, reread.read_counts(reads, cells), strict=True):
        if count is not None:
            index = uncounted[cell.page, cell.row]
            items[index] = items[index].model_copy(update={"quantity": count})
            evidence[f"items.{index}"] = replace(evidence[f"items.{index}"], value=items[index])


def extract_file(
    data: bytes, *, filename: str, received_at: datetime, limits: Limits
) -> tuple[list[ReadPage], Referral]:
    """Bytes in, pages and a Referral out: the whole extractor, no database, no service."""
    loading = warm_up_in_background()
    pages = read_document(data, limits)
    loading.join()
    sha256 = hashlib.sha256(data).hexdigest()
    return pages, extract(pages, filename=filename, sha256=sha256, received_at=received_at)
