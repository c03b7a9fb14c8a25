"""addition: English that no German word accounts for: text the model invented (a
hallucinated clause, a sentence from elsewhere). The mirror of ``omission``: each English
content word is covered when a German word of the pair has it among its dictionary
translations, or it is in the German itself. The score weighs the uncovered words, the longest
run of them, how much longer the English is than usual, and an English sentence more than the
German has that is mostly uncovered; its weights come from correct pairs and pairs with a
sentence appended (``tools/fit_checks.py``)."""

from __future__ import annotations

import re

from pipeline.checks.context import EnglishWord, PairContext
from pipeline.checks.settings import ERROR, WARNING
from pipeline.model import Flag

DESCRIPTION = "the English has text with no counterpart in the German"
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘„(]?[A-ZÄÖÜ])")


def _longest_run(words: tuple[EnglishWord, ...]) -> list[str]:
    longest: list[str] = []
    current: list[str] = []
    for word in words:
        current = [] if word.covered else current + [word.text]
        longest = max(longest, current, key=len)
    return longest


def _extra_sentence(pair: PairContext) -> float:
    """The largest share of uncovered content words in one English sentence, where the English has
    more sentences than the German (a translator may split a sentence, but into translated halves)."""
    sentences = _SENTENCE_END.split(pair.target.strip())
    if len(sentences) <= len(_SENTENCE_END.split(pair.source.strip())):
        return 0.0
    positions = [0]
    for sentence in sentences:
        positions.append(positions[-1] + len(re.findall(r"[A-Za-z]+", sentence)))
    shares = []
    for start, end in zip(positions, positions[1:]):
        words = [w for w in pair.english_content_words if start <= w.position < end]
        if words:
            shares.append(sum(not w.covered for w in words) / len(words))
    return max(shares, default=0.0)


def features(pair: PairContext) -> tuple[float, ...]:
    """Uncovered English content words, the longest run of them, the log English/German length
    ratio against the document's (``PairContext.relative_length``), the uncovered share of an
    English sentence more than the German has."""
    words = pair.english_content_words
    return (sum(not word.covered for word in words), len(_longest_run(words)),
            pair.relative_length, _extra_sentence(pair))


def score(pair: PairContext) -> float:
    settings = pair.settings
    return settings.addition_bias + sum(w * f for w, f in zip(settings.addition_weights, features(pair)))


def run(pair: PairContext) -> list[Flag]:
    words = pair.english_content_words
    if not words or not pair.source.strip():
        return []
    settings = pair.settings
    value = score(pair)
    if value <= settings.addition_warning:
        return []
    severity = ERROR if value > settings.addition_error else WARNING
    uncovered = [word.text for word in words if not word.covered]
    longest = _longest_run(words)
    shown = " … ".join(longest) if len(longest) > 1 else ", ".join(uncovered[:6])
    return [Flag("addition", severity, f"{len(uncovered)} of {len(words)} English content words have no counterpart "
                                       f"in the German, among them “{shown}”: text may be invented",
                 (), tuple(dict.fromkeys(longest or uncovered)))]
