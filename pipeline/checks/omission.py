"""omission: part of the German has no counterpart in the English.

Each German content word is looked up in the dictionary (its form, lemma or compound parts);
it is covered when one of its translations, the word itself or a cognate is in the English.
A dropped clause leaves a run of uncovered words and a shorter English, even when the length
stays inside the length check's band. The score weighs the uncovered words, the longest run of
them, and how much shorter the English is than usual for its document (``checks.document``:
English originals and house styles run terser throughout); its weights come from clean and
clause-dropped pairs of WMT21 news (``CheckSettings.omission_*``)."""

from __future__ import annotations

import math

from pipeline.checks import lexicon
from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR, WARNING
from pipeline.model import Flag

DESCRIPTION = "part of the German has no counterpart in the English"


def features(pair: PairContext) -> tuple[float, float, float, float, float]:
    """Uncovered German content words, the longest run of them, log English/German length ratio
    against the document's, log content-word ratio, English content words no German word accounts
    for (a paraphrase leaves some on both sides, a dropped clause none in the English)
    (``tools/fit_checks.py`` fits their weights)."""
    english_content = len(lexicon.english_content_stems(pair.target))
    return (
        len(pair.uncovered),
        len(pair.longest_uncovered_run),
        pair.relative_length,
        math.log((english_content + 1) / (len(pair.content_words) + 1)),
        sum(not word.covered for word in pair.english_content_words),
    )


def score(pair: PairContext) -> float:
    settings = pair.settings
    return settings.omission_bias + sum(w * f for w, f in zip(settings.omission_weights, features(pair)))


def run(pair: PairContext) -> list[Flag]:
    if not pair.target.strip() or not pair.content_words:
        return []
    value = score(pair)
    if value <= pair.settings.omission_warning:
        return []
    short = pair.relative_length < pair.settings.omission_error_shorter
    severity = ERROR if value > pair.settings.omission_error and short else WARNING
    uncovered = [word.text for word in pair.uncovered]
    covered = len(pair.content_words) - len(uncovered)
    run_words = [word.text for word in pair.longest_uncovered_run]
    if len(run_words) > 6:
        run_words = run_words[:6] + [f"and {len(run_words) - 6} more"]
    message = (f"{covered} of {len(pair.content_words)} German content words have a counterpart in the English"
               + (f"; nothing for “{' … '.join(run_words)}”" if len(run_words) > 1 else
                  f"; nothing for {', '.join(uncovered[:6])}" if uncovered else "; the English is unusually short"))
    return [Flag("omission", severity, message, tuple(dict.fromkeys(uncovered)), ())]
