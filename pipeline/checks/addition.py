"""addition: English that no German word accounts for: text the model invented (a
hallucinated clause, a sentence from elsewhere). The mirror of ``omission``: each English
content word is covered when a German word of the pair has it among its dictionary
translations, or it is in the German itself."""

from __future__ import annotations

import math

from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR, WARNING
from pipeline.model import Flag

DESCRIPTION = "the English has text with no counterpart in the German"


def run(pair: PairContext) -> list[Flag]:
    words = pair.english_content_words
    if not words or not pair.source.strip():
        return []
    settings = pair.settings
    uncovered = [word.text for word in words if not word.covered]
    longest: list[str] = []
    current: list[str] = []
    for word in words:
        current = [] if word.covered else current + [word.text]
        longest = max(longest, current, key=len)
    features = (len(uncovered), len(longest), math.log(max(len(pair.target), 1) / max(len(pair.source), 1)))
    value = settings.addition_bias + sum(w * f for w, f in zip(settings.addition_weights, features))
    if value <= settings.addition_warning:
        return []
    severity = ERROR if value > settings.addition_error else WARNING
    shown = " … ".join(longest) if len(longest) > 1 else ", ".join(uncovered[:6])
    return [Flag("addition", severity, f"{len(uncovered)} of {len(words)} English content words have no counterpart "
                                       f"in the German, among them “{shown}”: text may be invented",
                 (), tuple(dict.fromkeys(longest or uncovered)))]
