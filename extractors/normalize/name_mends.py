"""Words of a person's name that OCR misread by a letter or two ("Danicl", "Bames", "ennifer").

A fax loses strokes (an e read c, a g read q) and runs letters together (rn read m), and a
name is short free text that no check digit guards. Two kinds of evidence mend such a word:
the same name printed again on the order and read better there (``near_spelling`` says
which spellings may be the same word), or the census of names. Real names outnumber any
list, so the census only mends a word neither of its lists holds, and only into the one
common name that a single look-alike misread, or a lost first capital, makes of it.
"""

from __future__ import annotations

from string import ascii_lowercase

from extractors.normalize.lookalikes import letter_misreads
from extractors.normalize.name_frequencies import given_share, is_listed, surname_share

#: How common (census share, in percent) a name must be to mend a word into: about the
#: thousand commonest given names and the six hundred commonest surnames. Rarer names
#: would mend too many real names the lists lack (of the rarest listed names taken as
#: unlisted, 1 of 1,988 given names and 14 of 84,039 surnames would be mended).
COMMON_SHARE = 0.02
#: The fewest letters of a word that may have lost its first capital: shorter lower-case
#: words are particles or specks ("de", "la").
_MIN_LOST_CAPITAL = 4
#: Two spellings of a two-letter name ("Yu", "Ng") differ from many other words by a letter:
#: that says nothing of their being one name.
_SHORT_NAME = 3
#: How many letters two spellings of one name may differ by, by the length of the shorter
#: spelling: one in a short name, two in a long one ("Suli.Ivan" and "Sullivan").
_LONG_NAME = 6


def mended_name_word(word: str, *, given: bool) -> str | None:
    """The common given name (``given``) or surname ``word`` is OCR's misreading of, cased as
    ``word`` is, or None: when the census lists ``word``, or no single name fits."""
    if not word.isalpha() or is_listed(word):
        return None
    share = given_share if given else surname_share
    fitting = {name for name in _printed_readings(word) if share(name) >= COMMON_SHARE}
    if len(fitting) != 1:
        return None
    name = fitting.pop()
    return name.upper() if word.isupper() else name.capitalize()


def _printed_readings(word: str) -> set[str]:
    """What may have been printed where OCR read ``word``: one look-alike run swapped back,
    or, for a word opening in lower case (no name does), a first capital the fax lost."""
    lower = word.lower()
    out = {
        lower[:at] + printed + lower[at + len(read) :]
        for read, runs in letter_misreads().items()
        for at in _positions(lower, read)
        for printed in runs
    }
    if word[0].islower() and len(word) >= _MIN_LOST_CAPITAL:
        out.update(letter + lower for letter in ascii_lowercase)
    return out


def _positions(text: str, run: str) -> list[int]:
    return [at for at in range(len(text) - len(run) + 1) if text.startswith(run, at)]


def near_spelling(read: str, other: str) -> bool:
    """Whether ``other`` may be the word OCR read as ``read``, printed again: a different
    spelling a letter or two away, of three letters or more, opening with the same letter
    unless ``read`` lost its capital."""
    a, b = read.casefold(), other.casefold()
    if a == b or min(len(a), len(b)) < _SHORT_NAME or (read[0].isupper() and a[0] != b[0]):
        return False
    allowed = 2 if min(len(a), len(b)) >= _LONG_NAME else 1
    return _edit_distance(a, b) <= allowed


def _edit_distance(a: str, b: str) -> int:
    """Letters inserted, deleted or replaced to turn ``a`` into ``b`` (Levenshtein)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]
