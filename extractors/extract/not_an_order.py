"""Tell a fax that carries no order (a blank page, a cover sheet alone, a letter, a blank form)
from an order, and set it aside so the clerk is not shown values the page does not support.

An order carries four kinds of content: something ordered, a diagnosis code, the member it is
for and the clinician ordering it. OCR damage takes some of them from a real order, seldom all
but one, while a page that orders nothing yields at most one, misread from a label or a
letter's signature. With fewer than ``MIN_ORDER_PARTS`` of them, or with nothing ordered
and only cover sheets to read, the document is not an order: its values are cleared, it is
flagged ``not_an_order`` with a reason (blank, a cover sheet alone, or the parts it lacks),
and it gets no urgency, no due clock and no missing fields to ask the sender for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from extractors.extract.cover import MIN_WORD_CHARS, is_cover_sheet, read_words
from extractors.pages import Page
from extractors.referral import Flag, FlagCode, Referral

#: A page with fewer read words than this (past the fax machine's header stamp) is blank.
MIN_PAGE_WORDS = 3
#: ... unless it holds this many longer scraps at any confidence, and they are this share of
#: its words: text OCR could not read.
MIN_PAGE_SCRAPS = 12
MIN_SCRAP_SHARE = 0.3
#: Pages read with a mean word confidence below this are too damaged to judge by the parts
#: read off them (a clean letter or claim form reads at 0.85 and more, a damaged standard-
#: resolution fax of an order at 0.4 to 0.7).
MIN_READ_CONFIDENCE = 0.75
#: An order shows at least this many of the parts in ``ORDER_PARTS``; a damaged order still
#: does, a page that orders nothing does not.
MIN_ORDER_PARTS = 2

#: The parts of an order, each with what the reason says when the document lacks it. A name
#: alone does not identify a member (a letter's salutation has one); it takes a date of birth
#: or a member ID with it.
ORDER_PARTS: Mapping[str, tuple[str, Callable[[Referral], bool]]] = MappingProxyType(
    {
        "ordered": (
            "nothing is ordered",
            lambda r: bool(
                r.items or r.procedures or r.services or (r.infusion and r.infusion.drug)
            ),
        ),
        "diagnosis": ("no diagnosis code", lambda r: any(d.code for d in r.diagnoses)),
        "member": (
            "no member identified",
            lambda r: bool(
                (r.member.first_name and r.member.last_name and r.member.dob) or r.member.member_id
            ),
        ),
        "clinician": (
            "no ordering clinician",
            lambda r: bool(r.clinician.npi or (r.clinician.first_name and r.clinician.last_name)),
        ),
    }
)
#: The parts that say what is ordered; a cover sheet's "Re:" and "From:" name people only.
_ORDER_CONTENT = ("ordered", "diagnosis")


def _unread_text(page: Page) -> bool:
    """Whether OCR met text it could not read: a page turned sideways or printed too faint
    reads as dozens of longer scraps, most of its "words"; speckle reads as marks and
    two-letter bits, with the odd longer scrap among hundreds."""
    scraps = sum(1 for word in page.words if sum(c.isalnum() for c in word.text) >= MIN_WORD_CHARS)
    return scraps >= MIN_PAGE_SCRAPS and scraps >= MIN_SCRAP_SHARE * len(page.words)


def _well_read(pages: Sequence[Page]) -> bool:
    words = [word for page in pages for word in page.words]
    return bool(words) and sum(w.conf for w in words) / len(words) >= MIN_READ_CONFIDENCE


def not_an_order_reason(pages: Sequence[Page], referral: Referral) -> str | None:
    """Why the document is not an order, in words without page text; None when it is one.

    ``referral`` is what the extractor read off ``pages``, the whole document.
    """
    text_pages = [
        page for page in pages if read_words(page) >= MIN_PAGE_WORDS or _unread_text(page)
    ]
    present = {name for name, (_, test) in ORDER_PARTS.items() if test(referral)}
    cover_only = (
        bool(text_pages)
        and not present & set(_ORDER_CONTENT)
        and all(is_cover_sheet(page) for page in text_pages)
    )
    # A fax too damaged to read well may be an order all the same: the clerk reads it, with
    # what little was read and the missing fields flagged.
    if not text_pages:
        return "not an order: a blank page" if len(pages) == 1 else "not an order: blank pages"
    if (len(present) >= MIN_ORDER_PARTS or not _well_read(text_pages)) and not cover_only:
        return None
    if cover_only:
        return "not an order: a fax cover sheet with no order behind it"
    lacking = [message for name, (message, _) in ORDER_PARTS.items() if name not in present]
    return "not an order: " + ", ".join(lacking)


def unless_an_order(referral: Referral, pages: Sequence[Page]) -> Referral:
    """``referral`` as it is when ``pages`` hold an order, else a cleared one that says why.

    A non-order keeps only its source: no member, payer, clinician or clinical values (they
    were labels, titles or a letter's names), no urgency or due time, nothing missing.
    """
    reason = not_an_order_reason(pages, referral)
    if reason is None:
        return referral
    flag = Flag(field="referral_type", code=FlagCode.NOT_AN_ORDER, message=reason)
    return Referral(source=referral.source, flags=[flag])
