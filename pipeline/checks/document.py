"""What the checks know of a pair's document beyond the pair: how long its English runs against its
German, and which capitalized German words its English keeps as written elsewhere.

A document is a brief (``checks.check``), the whole input of ``qa``, or a group of pairs in the
evaluation (``tools/injection.py``: a dev set's half, a PUD document). Both facts are a document's
house style: English originals run terser than translations throughout (PUD's by 7–10 %), and a
word a translator keeps as written in one sentence (``Eintracht``, ``Bundesliga``, ``Heil``) is a
name there in the next, though the dictionary knows it as a word."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pipeline.checks.settings import DEFAULT_SETTINGS, CheckSettings

_MIN_BASELINE_CHARACTERS = 20
"""Shorter pairs (headings, captions) say little about how a document's English runs."""
_CAPITALIZED = re.compile(r"(?<![\w-])[A-ZÄÖÜ][a-zäöüß]+(?![\w-])")
_OPENERS = set(".!?:;„“”\"«»(") | {""}
"""What may come before a word that English capitalizes whatever it is: nothing, a sentence's end,
a quotation mark."""


def log_length_ratio(source: str, target: str) -> float:
    return math.log(max(len(target), 1) / max(len(source), 1))


def length_baseline(pairs: Iterable[tuple[str, str]], settings: CheckSettings = DEFAULT_SETTINGS) -> float:
    """A document's typical log English/German length ratio: the median over its (German, English)
    pairs, drawn toward the prior so that a short document counts little, and kept within reach of it."""
    ratios = sorted(log_length_ratio(source, target) for source, target in pairs
                    if len(source) >= _MIN_BASELINE_CHARACTERS and target.strip())
    if not ratios:
        return settings.length_ratio_prior
    middle = len(ratios) // 2
    median = ratios[middle] if len(ratios) % 2 else (ratios[middle - 1] + ratios[middle]) / 2
    weight = len(ratios) / (len(ratios) + settings.length_ratio_pull)
    reach = settings.length_ratio_reach
    return settings.length_ratio_prior + max(-reach, min(reach, weight * (median - settings.length_ratio_prior)))


def kept_as_written(source: str, target: str) -> frozenset[str]:
    """Capitalized German words of the pair, not opening the German sentence, that the English has as
    written, and not where English capitalizes anyway (opening a sentence or a quotation)."""
    german = {match.group() for match in _CAPITALIZED.finditer(source) if match.start() > 0}
    if not german:
        return frozenset()
    english = {match.group() for match in _CAPITALIZED.finditer(target)
               if target[: match.start()].rstrip()[-1:] not in _OPENERS}
    return frozenset(german & english)


@dataclass(frozen=True)
class Document:
    length_baseline: float
    """Its typical log English/German length ratio (``length_baseline``)."""
    kept: Mapping[str, int] = field(default_factory=dict)
    """Capitalized German words its English keeps as written, with how many of its pairs do."""
    excluded: frozenset[str] = frozenset()
    """Words kept by the pair being checked, which is no evidence for itself."""

    def without(self, source: str, target: str) -> Document:
        """The document as the pair sees it: the other pairs' evidence."""
        return Document(self.length_baseline, self.kept, kept_as_written(source, target))

    def keeps(self, word: str) -> bool:
        """Another pair's English keeps the word as written: this document uses it as a name."""
        return self.kept.get(word, 0) - (word in self.excluded) > 0


def alone(settings: CheckSettings) -> Document:
    """What a pair checked on its own knows: the prior's length, no names."""
    return Document(settings.length_ratio_prior)


def document_of(pairs: Iterable[tuple[str, str]], settings: CheckSettings = DEFAULT_SETTINGS) -> Document:
    """The evidence of a document's (German, English) pairs."""
    pairs = list(pairs)
    kept = Counter(word for source, target in pairs for word in kept_as_written(source, target))
    return Document(length_baseline(pairs, settings), MappingProxyType(dict(kept)))
