"""What the aligner compares of a German and an English sentence, computed once per sentence.

Every content word becomes a set of keys that a word of the other language can share: for a German
word, the stems of its dictionary translations (the Ding dictionary and lemmas under the checks),
the word itself (names, numbers, loan words) and its first five letters (cognates); for an English
word, its stem, itself and its first five letters. A German word is covered by an English sentence
when one of its keys is among the sentence's, and the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.checks import lexicon
from pipeline.text import GERMAN_WORD

_ENGLISH_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_NUMBER = re.compile(r"\d+")
_COGNATE_PREFIX = 5


@dataclass(frozen=True)
class SentenceFeatures:
    length: int
    """Characters, spaces included."""
    words: tuple[frozenset[str], ...]
    """Each content word's keys."""
    keys: frozenset[str]
    """All keys of the sentence's content words."""
    numbers: tuple[str, ...]
    """Digit runs, in order (``4,9`` and ``4.9`` are both ``4`` ``9``)."""


def _surface(word: str) -> set[str]:
    lower = word.lower()
    keys = {"=" + lower}
    if len(lower) >= _COGNATE_PREFIX:
        keys.add("~" + lower[:_COGNATE_PREFIX])
    return keys


def german(text: str) -> SentenceFeatures:
    return _features(text, [_german_keys(word) for word in GERMAN_WORD.findall(text)
                            if len(word) >= 2 and word.lower() not in lexicon.GERMAN_FUNCTION_WORDS])


def english(text: str) -> SentenceFeatures:
    words = [word for token in _ENGLISH_WORD.findall(text) for word in re.split(r"['’-]", token)]
    return _features(text, [_english_keys(word) for word in words
                            if len(word) >= 2 and word.lower() not in lexicon.ENGLISH_FUNCTION_WORDS])


@lru_cache(maxsize=100_000)
def _german_keys(word: str) -> frozenset[str]:
    """One set per distinct word, shared by all its occurrences (a novel repeats its words)."""
    return frozenset(_surface(word) | lexicon.load().english(word))


@lru_cache(maxsize=100_000)
def _english_keys(word: str) -> frozenset[str]:
    return frozenset(_surface(word) | {lexicon.english_stem(word.lower())})


def _features(text: str, words: list[frozenset[str]]) -> SentenceFeatures:
    return SentenceFeatures(len(text), tuple(words), frozenset().union(*words), tuple(_NUMBER.findall(text)))


def covered(words: tuple[frozenset[str], ...], keys: frozenset[str]) -> int:
    """A bit per word that shares a key with ``keys``."""
    mask = 0
    for position, word in enumerate(words):
        if not word.isdisjoint(keys):
            mask |= 1 << position
    return mask
