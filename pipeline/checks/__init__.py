"""Check stage: cheap, reference-free checks of each sentence pair.

Machine translation fails in known ways: numbers changed or dropped, a negation lost, names
lost, half a sentence missing, words repeated, the source copied through, text invented.
Each check is a module here with a ``DESCRIPTION`` and ``run(pair) -> list[Flag]``; ``CHECKS``
is the registry, in the order flags are shown. Shared resources (the dictionary, lemmas) load
once, lazily, in ``lexicon``.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.checks import (addition, alignment, confidence, empty, length, names, negation, numbers, omission,
                             punctuation, repetition, split, terms, untranslated, verbatim)
from pipeline.checks.context import PairContext
from pipeline.checks.document import Document, document_of
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
CHECK_DESCRIPTIONS = {name: module.DESCRIPTION for name, module in CHECKS.items()}

__all__ = ["CHECKS", "CHECK_NAMES", "CHECK_DESCRIPTIONS", "CheckSettings", "DEFAULT_SETTINGS", "ERROR", "WARNING",
           "Document", "TermIndex", "check", "check_pair", "document_of", "summarize"]


def check_pair(source: str, target: str, score: float | None = None,
               settings: CheckSettings = DEFAULT_SETTINGS, parts: int = 1,
               terms: TermIndex | None = None, document: Document | None = None) -> tuple[Flag, ...]:
    """All flags for one German/English pair; ``terms``: a glossary's index (``TermIndex(glossary)``);
    ``document``: what its document tells (``document_of(pairs).without(source, target)``; without
    one, the pair is judged alone)."""
    context = PairContext(source, target, settings, score, parts, terms=terms, document=document)
    return tuple(flag for module in CHECKS.values() for flag in module.run(context))


def _checked_source(pair: Pair) -> str | None:
    """The German a pair's English is checked against, or None when nothing is checked: code is not
    translated, and the German of a bead's later sentences goes with its first, whose English it shares."""
    aligned = pair.alignment
    if pair.segment.verbatim or (aligned and aligned.lead):
        return None
    return aligned.source if aligned and aligned.source else pair.segment.text


def _checked(pair: Pair, settings: CheckSettings, terms: TermIndex | None, document: Document) -> Pair:
    source = _checked_source(pair)
    if source is None:
        return pair
    context = PairContext(source, pair.target, settings, pair.score, pair.parts, pair.alignment, terms,
                          document.without(source, pair.target))
    if pair.origin == "missing":  # no English to check: only that it is missing
        return replace(pair, flags=tuple(alignment.run(context)))
    flags = tuple(flag for module in CHECKS.values() for flag in module.run(context))
    return replace(pair, flags=flags, uncovered=tuple(dict.fromkeys(w.text for w in context.uncovered)),
                   terms=context.term_hits)


def check(paragraphs: tuple[AlignedParagraph, ...], settings: CheckSettings = DEFAULT_SETTINGS,
          glossary: Glossary | None = None) -> tuple[AlignedParagraph, ...]:
    """The paragraphs with every pair's flags (uncovered German words, glossary terms) filled in; each
    pair is judged in its document (``checks.document``: its length against the document's, the words
    the document's English keeps as names)."""
    terms = TermIndex(glossary) if glossary else None
    document = document_of(((source, pair.target) for paragraph in paragraphs for pair in paragraph.pairs
                            if (source := _checked_source(pair)) is not None), settings)
    return tuple(replace(paragraph, pairs=tuple(_checked(pair, settings, terms, document) for pair in paragraph.pairs))
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
