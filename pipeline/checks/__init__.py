"""Check stage: cheap, reference-free checks of each sentence pair.

Machine translation fails in known ways: numbers changed or dropped, a negation lost, names
lost, half a sentence missing, words repeated, the source copied through, text invented.
Each check is a module here with a ``DESCRIPTION`` and ``run(pair) -> list[Flag]``; ``CHECKS``
is the registry, in the order flags are shown. Shared resources (the dictionary, lemmas) load
once, lazily, in ``lexicon``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from pipeline.checks import (addition, alignment, confidence, empty, length, names, negation, numbers, omission,
                             punctuation, repetition, split, terms, untranslated, verbatim)
from pipeline.checks.context import PairContext, log_length_ratio
from pipeline.checks.settings import DEFAULT_SETTINGS, ERROR, WARNING, CheckSettings
from pipeline.checks.terms import TermIndex
from pipeline.glossary import Glossary
from pipeline.model import AlignedParagraph, CheckCount, Flag, Pair, QASummary

CHECKS = {
    "empty": empty,
    "untranslated": untranslated,
    "numbers": numbers,
    "verbatim": verbatim,
    "terms": terms,
    "negation": negation,
    "names": names,
    "omission": omission,
    "addition": addition,
    "length": length,
    "repetition": repetition,
    "punctuation": punctuation,
    "confidence": confidence,
    "split": split,
    "alignment": alignment,
}
CHECK_NAMES = tuple(CHECKS)
_MIN_BASELINE_CHARACTERS = 20
"""Shorter pairs (headings, captions) say little about how a document's English runs."""
CHECK_DESCRIPTIONS = {name: module.DESCRIPTION for name, module in CHECKS.items()}

__all__ = ["CHECKS", "CHECK_NAMES", "CHECK_DESCRIPTIONS", "CheckSettings", "DEFAULT_SETTINGS", "ERROR", "WARNING",
           "TermIndex", "check", "check_pair", "length_baseline", "summarize"]


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


def check_pair(source: str, target: str, score: float | None = None,
               settings: CheckSettings = DEFAULT_SETTINGS, parts: int = 1,
               terms: TermIndex | None = None, baseline: float | None = None) -> tuple[Flag, ...]:
    """All flags for one German/English pair; ``terms``: a glossary's index (``TermIndex(glossary)``);
    ``baseline``: its document's ``length_baseline`` (without one, the prior's)."""
    context = PairContext(source, target, settings, score, parts, terms=terms, length_baseline=baseline)
    return tuple(flag for module in CHECKS.values() for flag in module.run(context))


def _checked_source(pair: Pair) -> str | None:
    """The German a pair's English is checked against, or None when nothing is checked: code is not
    translated, and the German of a bead's later sentences goes with its first, whose English it shares."""
    aligned = pair.alignment
    if pair.segment.verbatim or (aligned and aligned.lead):
        return None
    return aligned.source if aligned and aligned.source else pair.segment.text


def _checked(pair: Pair, settings: CheckSettings, terms: TermIndex | None, baseline: float) -> Pair:
    source = _checked_source(pair)
    if source is None:
        return pair
    context = PairContext(source, pair.target, settings, pair.score, pair.parts, pair.alignment, terms, baseline)
    if pair.origin == "missing":  # no English to check: only that it is missing
        return replace(pair, flags=tuple(alignment.run(context)))
    flags = tuple(flag for module in CHECKS.values() for flag in module.run(context))
    return replace(pair, flags=flags, uncovered=tuple(dict.fromkeys(w.text for w in context.uncovered)),
                   terms=context.term_hits)


def check(paragraphs: tuple[AlignedParagraph, ...], settings: CheckSettings = DEFAULT_SETTINGS,
          glossary: Glossary | None = None) -> tuple[AlignedParagraph, ...]:
    """The paragraphs with every pair's flags (uncovered German words, glossary terms) filled in; the
    lengths are judged against the document's own (``length_baseline``)."""
    terms = TermIndex(glossary) if glossary else None
    checked = [(source, pair.target) for paragraph in paragraphs for pair in paragraph.pairs
               if (source := _checked_source(pair)) is not None]
    baseline = length_baseline(checked, settings)
    return tuple(replace(paragraph, pairs=tuple(_checked(pair, settings, terms, baseline) for pair in paragraph.pairs))
                 for paragraph in paragraphs)


def summarize(pairs: tuple[Pair, ...]) -> QASummary:
    """How many pairs each check flagged; code is counted apart."""
    verbatim = sum(pair.segment.verbatim for pair in pairs)
    pairs = tuple(pair for pair in pairs if not pair.segment.verbatim)
    per_check = tuple(
        CheckCount(
            check=name,
            description=CHECK_DESCRIPTIONS[name],
            pairs=sum(any(f.check == name for f in pair.flags) for pair in pairs),
            errors=sum(any(f.check == name and f.severity == ERROR for f in pair.flags) for pair in pairs),
        )
        for name in CHECK_NAMES
    )
    return QASummary(pairs=len(pairs), flagged=sum(bool(pair.flags) for pair in pairs), per_check=per_check,
                     verbatim=verbatim)
