"""Vocabulary phrases found in page text by a spaCy PhraseMatcher, with regex-like matches.

The clinical finders keep their vocabularies as data (``extractors/data/*.toml``): equipment
names, table heads, access and infusion labels, code-section labels. ``Phrases`` matches
them token by token, case-insensitively, whole words only, and answers with matches that
carry character offsets into the text searched, so a finder maps a hit back to page words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

# spaCy loads on first use, not on import: the commands and pages that never extract
# (`intake status`, the review UI) import these modules through the rules and skip its 0.7 s.
if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Any mark between letters or digits is a token of its own ("|Frequency", "L/min",
#: "e-tanks", "Qty:"): OCR glues rules and marks to words, and a phrase must still match.
_MARK = r"[^\w\s]"


@cache
def _nlp() -> Language:
    import spacy
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    nlp = spacy.blank("en")
    # A new tokenizer made with all its changes at once: each change made to one in place
    # loads its special cases again (~0.05 s each).
    nlp.tokenizer = Tokenizer(
        nlp.vocab,
        # No special cases ("Dr.", "a.m.", emoticons) and no URL tokens: every text, phrase
        # or page, is cut by the same few rules, so a phrase matches wherever its words are
        # printed.
        rules={},
        prefix_search=compile_prefix_regex([*(nlp.Defaults.prefixes or ()), _MARK]).search,
        suffix_search=compile_suffix_regex([*(nlp.Defaults.suffixes or ()), _MARK]).search,
        infix_finditer=compile_infix_regex([*(nlp.Defaults.infixes or ()), _MARK]).finditer,
        token_match=None,
        url_match=None,
    )
    return nlp


@lru_cache(maxsize=8192)
def _doc(text: str) -> Doc:
    # A phrase may wrap from one printed line to the next: a line break reads as a space.
    return _nlp().make_doc(re.sub(r"\s", " ", text))


@dataclass(frozen=True)
class PhraseMatch:
    """One phrase found, shaped like a regex match: ``start()``, ``end()``, ``group()``."""

    string: str
    span: tuple[int, int]

    def start(self) -> int:
        return self.span[0]

    def end(self) -> int:
        return self.span[1]

    def group(self) -> str:
        return self.string[self.span[0] : self.span[1]]


class Phrases:
    """A vocabulary of phrases, matched on lower-case tokens."""

    def __init__(self, terms: Iterable[str]) -> None:
        from spacy.matcher import PhraseMatcher

        nlp = _nlp()
        self._matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        docs = [nlp.make_doc(term) for term in sorted(set(terms)) if term.strip()]
        self._matcher.add("phrase", docs)

    def finditer(self, text: str, pos: int = 0) -> list[PhraseMatch]:
        """Non-overlapping matches left to right, the longest where several start together."""
        doc = _doc(text)
        spans = sorted(
            ((doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for _, s, e in self._matcher(doc)),
            key=lambda span: (span[0], -span[1]),
        )
        found: list[PhraseMatch] = []
        last_end = pos
        for start, end in spans:
            if start >= last_end:
                found.append(PhraseMatch(text, (start, end)))
                last_end = end
        return found

    def search(self, text: str, pos: int = 0) -> PhraseMatch | None:
        found = self.finditer(text, pos)
        return found[0] if found else None

    def match(self, text: str, pos: int = 0) -> PhraseMatch | None:
        """A phrase that starts exactly at ``pos``."""
        found = self.search(text, pos)
        return found if found is not None and found.start() == pos else None
