"""Mending a word of a person's name that OCR misread by a look-alike letter or two."""

from __future__ import annotations

import pytest

from extractors.normalize.name_mends import mended_name_word, near_spelling


@pytest.mark.parametrize(
    ("read", "given", "printed"),
    [
        ("Dcnnis", True, "Dennis"),  # an e whose bar a fax lost reads c
        ("Roqer", True, "Roger"),  # a g whose lower bowl opened reads q
        ("Thomton", False, "Thornton"),  # r and n run together read m
        ("FLCMING", False, "FLEMING"),  # the case as read is kept
        ("eresa", True, "Teresa"),  # a first capital the fax lost
    ],
)
def test_misread_word_is_mended_into_a_common_name(read: str, given: bool, printed: str) -> None:
    assert mended_name_word(read, given=given) == printed


@pytest.mark.parametrize(
    ("read", "given"),
    [
        ("Reed", False),  # the census lists it: a real name, however near another
        ("Homer", False),
        ("Jaxon", True),  # unlisted, but no look-alike misread makes a common name of it
        ("Okafor", False),
        ("Oka.for", False),  # marks are not the census's to mend
        ("de", False),  # a particle, not a name that lost its capital
    ],
)
def test_listed_or_unfitting_words_are_kept(read: str, given: bool) -> None:
    assert mended_name_word(read, given=given) is None


@pytest.mark.parametrize(
    ("read", "other", "near"),
    [
        ("Rcbecca", "Rebecca", True),
        ("Oka.for", "OKAFOR", True),  # a mark inside, a letter lost: two in a long name
        ("ouglas", "Douglas", True),  # a lost first capital
        ("Hall", "Hill", True),
        ("Hall", "Hall", False),  # the same spelling is no other one
        ("Hall", "Ball", False),  # another first letter is another name
        ("Yu", "Wu", False),  # two letters say nothing of being one name
        ("Hall", "Hulls", False),  # two letters away in a short name
    ],
)
def test_near_spelling(read: str, other: str, near: bool) -> None:
    assert near_spelling(read, other) is near
