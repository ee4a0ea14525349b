"""Which read values the clerk should check first: the doubts behind a low_confidence flag.

A value is doubtful when the print was hard to read, when the order offers another candidate
for it, or when it does not look like what the field holds. Each doubt is a rule over what the
rules know of a value (its evidence: page, box, text, the weakest word's OCR confidence) and
the order's text, and each gives the clerk a reason:

- a weak read: the weakest word's OCR confidence is under the bar for the field's kind (an
  address's parts have evidence of their own, so a misread town is doubted as such). Kinds
  that a later check confirms (an NPI's check digit, a date's plausibility) and long evidence
  whose weakest word says little (a whole address) have a lower bar than short free text no
  check can catch (names, phone numbers, member IDs);
- competing candidates: the evidence holds two phone numbers or both sexes, the order
  names another clinician, or it is signed on another day than its order date;
- another party's number: the patient's phone is the one the clinician is given too, a
  number is the one the fax header says the fax was sent to (the receiver's), or the
  clinician's fax is not the one printed under the clinician's own name;
- a shape the field does not take: a credential, a lone initial, a digit or a caption's word
  as a name, a patient name printed with a credential, a payer name in lower case or with
  its words run together ("PartB"), a city holding a caption word or a letter broken off a
  word, a street line that does not start with its number, a state the page does not print
  (the fax lost it, and the address parser took the ZIP's).

The bars and rules were set against the devset's "clerk warnings" (how many wrong values carry
a flag, and how many right ones): a rule stays only where it finds wrong values at a far
higher rate than it flags right ones. A learned scorer over the same facts measured worse
across layouts it had not seen, so the rules are written out here instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Literal

from extractors.codes.npi import is_valid_npi
from extractors.extract.captions import is_caption_word
from extractors.normalize.dates import find_dates
from extractors.normalize.names import CREDENTIALS
from extractors.normalize.phones import find_phones, parse_phone
from extractors.normalize.us_states import STATES
from extractors.referral import Evidence, Referral

#: The confidence ``parties`` gives a value another caption on the order reads differently:
#: below every bar, so the clerk compares it with the page.
CONTESTED_CONFIDENCE = 0.5
#: Paths an order rightly prints more than once with different values, so a second caption
#: reading otherwise is no doubt about the one read: a payer beside a secondary insurer or a
#: plan caption's cell, a clinician's office line beside a direct line or a supplier's number.
#: (On the devset their second readings flagged 49 right values and not one wrong one.)
UNCONTESTED_PATHS = frozenset({"payer.name", "clinician.phone"})
#: The bar for evidence of a kind not named in ``KIND_BARS``, e.g. a diagnosis or an item.
DEFAULT_BAR = 0.6

Kind = Literal[
    "name", "phone", "member_id", "npi", "sex", "date", "address", "place", "zip", "payer", "other"
]

#: The OCR confidence under which a value of each kind is doubtful; kinds not listed take the
#: caller's bar (``DEFAULT_BAR``). A name, a phone number or a member ID may be misread into
#: another valid-looking one, so they need a surer read; so does a part of an address printed
#: in words (a street line, a town: "place"), which is a name too. A date is checked for
#: plausibility, a ZIP against its state, and a whole address is many words of which the
#: weakest says little: a lower bar. A sex is one of two letters, and an NPI whose check
#: digit holds was read right: no bar.
KIND_BARS: Mapping[Kind, float | None] = MappingProxyType(
    {
        "name": 0.9,
        "phone": 0.9,
        "member_id": 0.8,
        "address": 0.4,
        "place": 0.9,
        "zip": 0.4,
        "date": 0.3,
        "sex": None,
    }
)

#: A doctor's name elsewhere on the order: "Dr. Jane Roe", "Jane Q. Roe, MD", "J. Roe, MD",
#: its credential as a fax prints it too ("D,0," for "D.O.").
_CLINICIAN_NAME = re.compile(
    r"\bDr\.?\s+(?P<a>[A-Z][a-z]+(?:\s+[A-Z]\.?)?\s+[A-Z][A-Za-z'\-]*[a-z])"
    r"|\b(?P<b>(?:[A-Z][a-z]+|[A-Z]\.)(?:\s+[A-Z]\.?)?\s+[A-Z][A-Za-z'\-]*[a-z]),?\s+"
    r"(?:M[.,]?D|D[.,]?[O0]|N[.,]?P|PA-C|FNP|CNP|APRN|DPM)\b\.?"
)
_MALE = re.compile(r"(?<![A-Za-z])(?:M|Male)(?![A-Za-z])", re.IGNORECASE)
_FEMALE = re.compile(r"(?<![A-Za-z])(?:F|Female)(?![A-Za-z])", re.IGNORECASE)
#: Lower-case words a proper name (a payer's) may hold.
_NAME_PARTICLES = frozenset({"of", "and", "the", "de", "del", "la", "for"})
#: A word that ends in one capital after small letters: two words run together ("PartB").
_JOINED_WORD = re.compile(r"[a-z][A-Z]\b")
#: Caption words that end up in a city read off a form's "City / State / Zip" row.
_ADDRESS_CAPTIONS = frozenset({"city", "state", "zip"})
_PO_BOX = re.compile(r"p\.?\s*o\.?\s*box|box\b", re.IGNORECASE)
_VOWELS = frozenset("aeiouyAEIOUY")
#: How a part of a name is written: "Smith", "SMITH", "McKee", "DeShawn", or an "O" of "O'Brien".
_NAME_PART = re.compile(r"[A-Z][a-z]*|[A-Z]+|[A-Z][a-z]{1,2}[A-Z][a-z]+")
#: What a fax header prints before the number the fax was sent to: "TO: 412/813-5647",
#: "5026804721 -> 6025862309". That number is the receiver's, no party's on the order.
_SENT_TO = re.compile(r"(?:\bTO\b|\bTo:|->|\u2192)[\s:.]*$")
#: How far before a number its "sent to" mark may stand.
_SENT_TO_REACH = 12
#: A fax number's caption, which stands just before the number.
_FAX_CAPTION = re.compile(r"\bfax\b[^0-9]{0,6}$", re.IGNORECASE)
#: How many lines above a number a clinician's name may stand to make it the clinician's own:
#: a signature block ("Jane Roe, MD / NPI ... / Direct line ... / fax ...").
_OWN_NUMBER_LINES = 3


@dataclass(frozen=True)
class Doubt:
    #: The path the doubt is about: an evidence path ("member.phone", "diagnoses.0"), or a
    #: part of one when only that part looks wrong ("member.address.city").
    path: str
    #: Why, for the clerk. It quotes nothing from the page: messages stay free of patient
    #: details, and the evidence box shows the print.
    reason: str


def kind_of(path: str) -> Kind:
    """The kind of value an evidence path holds, for its confidence bar and shape checks."""
    if path.endswith(("first_name", "last_name")):
        return "name"
    if path.startswith("dates.") or path == "member.dob":
        return "date"
    if path.endswith((".phone", ".fax")):
        return "phone"
    if path == "member.member_id":
        return "member_id"
    if path == "clinician.npi":
        return "npi"
    if path == "member.sex":
        return "sex"
    if path == "member.address.postal_code":
        return "zip"
    if path.startswith("member.address."):
        return "place"
    if path == "member.address":
        return "address"
    if path == "payer.name":
        return "payer"
    return "other"


def doubts(
    referral: Referral, page_texts: Sequence[str] = (), bar: float = DEFAULT_BAR
) -> list[Doubt]:
    """What the clerk should check: per evidence path, its likeliest doubt, in path order.

    ``bar`` is the OCR confidence under which evidence of a kind without its own bar is
    doubtful; a bar of 0 or less turns every doubt off (a clerk has confirmed the values).
    """
    if bar <= 0:
        return []
    text = "\n".join(page_texts)
    out = []
    for path, evidence in sorted(referral.evidence.items()):
        first = next(_reasons(referral, path, evidence, text, bar), None)
        if first is not None:
            out.append(Doubt(*first))
    return out


def _reasons(
    referral: Referral, path: str, evidence: Evidence, text: str, bar: float
) -> Iterator[tuple[str, str]]:
    """(path, reason) for each doubt about one piece of evidence, the likeliest first."""
    kind = kind_of(path)
    if kind == "npi" and referral.clinician.npi and is_valid_npi(referral.clinician.npi):
        # A check digit that holds confirms the digits, and two captioned NPIs that both
        # hold are the prescriber's and someone else's: the clerk is not asked about it.
        return
    kind_bar = KIND_BARS.get(kind, bar)
    if evidence.confidence == CONTESTED_CONFIDENCE:
        yield path, "another reading on the order gives this differently; check which is right"
    elif kind_bar is not None and evidence.confidence < kind_bar:
        yield path, f"read with confidence {evidence.confidence:.2f}; check it against the page"
    for check in _SHAPE_CHECKS.get(kind, ()):
        found = check(referral, path, evidence, text)
        if found is not None:
            yield (path, found) if isinstance(found, str) else found


#: A shape check: None, a reason about the evidence's path, or (a narrower path, reason).
Check = Callable[[Referral, str, Evidence, str], str | tuple[str, str] | None]


def _two_phones(referral: Referral, path: str, evidence: Evidence, text: str) -> str | None:
    if len(find_phones(evidence.text)) > 1:
        return "read where two numbers are printed together; check which one this is"
    return None


def _shared_phone(referral: Referral, path: str, evidence: Evidence, text: str) -> str | None:
    # The patient's number is not the clinician's office or fax: one of the two readings
    # took the other party's number, and most often it is the patient's (a caption-less
    # "Phone:" under the physician's section).
    if not path.startswith("member."):
        return None
    number = referral.member.phone
    if number and number in {referral.clinician.phone, referral.clinician.fax}:
        return "the clinician is given the same number; check whose number this is"
    return None


def _sent_to_number(referral: Referral, path: str, evidence: Evidence, text: str) -> str | None:
    number = parse_phone(evidence.text)
    if number is not None and number in _sent_to_numbers(text):
        return "the fax was sent to this number; check it is not the receiver's"
    return None


def _sent_to_numbers(text: str) -> set[str]:
    """The numbers a fax header or cover gives as the one the fax was sent to."""
    out = set()
    for line in text.splitlines():
        end = 0
        for start, stop, raw in find_phones(line):
            if _SENT_TO.search(line[end:start][-_SENT_TO_REACH:]):
                number = parse_phone(raw)
                if number is not None:
                    out.add(number)
            end = stop
    return out


def _own_fax_elsewhere(referral: Referral, path: str, evidence: Evidence, text: str) -> str | None:
    # A letterhead's or a header's fax is the office's; one printed under the clinician's
    # name is the clinician's own, and is the one to send the reply to.
    number, name = referral.clinician.fax, referral.clinician.last_name
    if path != "clinician.fax" or not number or not name:
        return None
    named = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    lines = text.splitlines()
    for at, line in enumerate(lines):
        end = 0
        for start, stop, raw in find_phones(line):
            captioned = _FAX_CAPTION.search(line[end:start])
            end = stop
            if not captioned or parse_phone(raw) in {None, number}:
                continue
            if named.search(" ".join(lines[max(0, at - _OWN_NUMBER_LINES) : at + 1])):
                return "the clinician's name is printed over another fax number; check which"
    return None


def _unsigned_order_day(referral: Referral, path: str, evidence: Evidence, text: str) -> str | None:
    # An order is dated the day it is signed. An order date other than the one printed
    # beside the signature is most often another date the order prints (the start of care
    # on the same row, a visit's day) taken under the order's caption.
    signed = referral.dates.signature or referral.signature.date
    if path != "dates.order" or signed is None or referral.dates.order in {None, signed}:
        return None
    return "the order is signed on another day; check which date is the order's"


#: A four-digit year at the end of a printed date.
_PRINTED_YEAR = re.compile(r"\d{4}$")


def _year_read_again(referral: Referral, path: str, evidence: Evidence, text: str) -> str | None:
    # A year that fits no order ("2625") is read again through the fax's look-alike digits
    # (``normalize.dates``); the page still prints the other year, so the clerk checks it.
    value = (
        getattr(referral.dates, path.removeprefix("dates."), None)
        if path.startswith("dates.")
        else None
    )
    years = [y for _, _, d in find_dates(evidence.text) for y in _PRINTED_YEAR.findall(d)]
    if not isinstance(value, date) or not years or str(value.year) in years:
        return None
    return f"the year is printed {years[0]}, read as {value.year}; check it against the page"


def _both_sexes(referral: Referral, path: str, evidence: Evidence, text: str) -> str | None:
    if _MALE.search(evidence.text) and _FEMALE.search(evidence.text):
        return "both sexes are printed; check which one is marked"
    return None


def _name_value(referral: Referral, path: str) -> str:
    party, _, part = path.partition(".")
    person = referral.member if party == "member" else referral.clinician
    value = getattr(person, part, None)
    return value if isinstance(value, str) else ""


def _odd_name(referral: Referral, path: str, evidence: Evidence, text: str) -> str | None:
    value = _name_value(referral, path)
    words = [word for word in value.split() if word not in _NAME_PARTICLES]
    if not words:
        return None
    # A first or a last name is a word or two ("Mary Ann", "de la Cruz"), not three.
    if len(words) > 2 or any(_odd_name_word(word) for word in words):
        return "this does not look like a name; check it against the page"
    if any(is_caption_word(word) for word in words):
        return "the name holds a caption's word; check it is the name printed after it"
    return None


def _odd_name_word(word: str) -> bool:
    core = word.strip(".,;:")
    letters = core.replace("-", "").replace("'", "")
    if len(letters) <= 1 or not letters.isalpha() or letters.upper() in CREDENTIALS:
        return True
    if len(letters) > 2 and not _VOWELS & set(letters):
        return True
    # Capitals where names do not put them ("WAnncn", "DdoB") are OCR's.
    return not all(_NAME_PART.fullmatch(part) for part in re.split(r"[-']", core) if part)


def _credentialed_member(
    referral: Referral, path: str, evidence: Evidence, text: str
) -> str | None:
    if not path.startswith("member."):
        return None
    words = [w.strip(",.;:") for w in evidence.text.split()[1:]]
    if any(len(w) >= 2 and w.isupper() and w.replace("-", "") in CREDENTIALS for w in words):
        return "a clinician's credential is printed with this name; check it is the patient's"
    return None


def _rival_clinicians(referral: Referral, path: str, evidence: Evidence, text: str) -> str | None:
    if not path.startswith("clinician."):
        return None
    chosen = (referral.clinician.last_name or "").casefold().split()[-1:]
    others = {
        (match.group("a") or match.group("b")).split()[-1].casefold()
        for match in _CLINICIAN_NAME.finditer(text)
    } - set(chosen)
    if others:
        return "the order names another clinician too; check this is the ordering one"
    return None


def _id_left_a_character_out(
    referral: Referral, path: str, evidence: Evidence, text: str
) -> str | None:
    """An ID read without one character of its printed token: a speck the ID cannot hold,
    as the reader judged, which the clerk confirms."""
    value = referral.member.member_id or ""
    printed = [re.sub(r"[^A-Za-z0-9]", "", token).upper() for token in evidence.text.split()]
    if value and any(
        len(token) == len(value) + 1 and (token.endswith(value[-3:]) or token.startswith(value[:3]))
        for token in printed
    ):
        return "read leaving out a character the ID cannot hold; check it against the page"
    return None


def _id_through_a_sign(referral: Referral, path: str, evidence: Evidence, text: str) -> str | None:
    """An ID whose printed token opens with a sign read as a letter ("$C200418773")."""
    value = referral.member.member_id or ""
    if value and any(
        not token[0].isalnum() and token[1:].upper() == value[1:] for token in evidence.text.split()
    ):
        return "a sign in the ID was read as a letter; check it against the page"
    return None


def _lower_case_payer(referral: Referral, path: str, evidence: Evidence, text: str) -> str | None:
    words = re.findall(r"[A-Za-z]+", referral.payer.name or "")
    if any(w[0].islower() and w not in _NAME_PARTICLES for w in words):
        return "a payer's name is a proper name; check this one against the page"
    return None


def _joined_payer_words(referral: Referral, path: str, evidence: Evidence, text: str) -> str | None:
    # A word ending in one capital after small letters ("PartB") is two words whose space
    # the fax lost: the plan's name is then not as its payer spells it.
    if _JOINED_WORD.search(referral.payer.name or ""):
        return "words of the payer's name run together; check it against the page"
    return None


def _odd_address(
    referral: Referral, path: str, evidence: Evidence, text: str
) -> tuple[str, str] | None:
    # About the one part that looks wrong: the rest of the address was read with it.
    address = referral.member.address
    city, line1 = address.city or "", address.line1 or ""
    words = city.split()
    # A letter standing alone ("J ameschester") is a word OCR broke apart.
    split = any(len(word.strip(".")) == 1 for word in words)
    if city and (city[0].islower() or split or _ADDRESS_CAPTIONS & {w.casefold() for w in words}):
        return f"{path}.city", "the city holds a caption or a fragment; check it against the page"
    if line1 and not line1[0].isdigit() and not _PO_BOX.match(line1):
        reason = "the street line does not start with its number; check it against the page"
        return f"{path}.line1", reason
    return None


def _unprinted_state(
    referral: Referral, path: str, evidence: Evidence, text: str
) -> tuple[str, str] | None:
    # The parser gives the ZIP's state when the fax lost the printed one or left it
    # unreadable ("Ik 62756"): a repair, which the clerk confirms as with a repaired code.
    state = referral.member.address.state
    if not state or state not in STATES or _prints_state(evidence.text, state):
        return None
    reason = "the state is not legible on the page; it was taken from the ZIP code, check it"
    return f"{path}.state", reason


def _prints_state(text: str, state: str) -> bool:
    """Whether ``text`` prints the state: its code ("OH", OCR's "iN"), or its name ("Ohio").
    A code in lower case is an English word ("in", "or", "me"), not a state."""
    words = re.findall(r"[A-Za-z]+", text)
    named = STATES[state].name.casefold() in " ".join(words).casefold()
    return named or any(w.upper() == state and not w.islower() for w in words)


_SHAPE_CHECKS: Mapping[Kind, tuple[Check, ...]] = MappingProxyType(
    {
        "phone": (_two_phones, _shared_phone, _sent_to_number, _own_fax_elsewhere),
        "sex": (_both_sexes,),
        "date": (_unsigned_order_day, _year_read_again),
        "name": (_odd_name, _credentialed_member, _rival_clinicians),
        "payer": (_lower_case_payer, _joined_payer_words),
        "member_id": (_id_left_a_character_out, _id_through_a_sign),
        "address": (_odd_address, _unprinted_state),
    }
)
