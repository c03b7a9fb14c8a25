"""punctuation: a question (error), exclamation or quotation (warnings) that does not carry over."""

from __future__ import annotations

from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR, WARNING
from pipeline.model import Flag

DESCRIPTION = "a question, exclamation or quotation does not carry over"
_QUOTES = "„“”\"»«‚‘’›‹"


def run(pair: PairContext) -> list[Flag]:
    source, target = pair.source, pair.target
    flags = []
    if "?" in source and "?" not in target:
        flags.append(Flag("punctuation", ERROR, "the German asks a question (?) but the English does not", ("?",), ()))
    if "!" in source and "!" not in target:
        flags.append(Flag("punctuation", WARNING, "the German has an exclamation mark (!) but the English does not", ("!",), ()))
    if any(q in source for q in _QUOTES) and not any(q in target for q in _QUOTES):
        flags.append(Flag("punctuation", WARNING, "the German has quotation marks but the English has none",
                          tuple(q for q in _QUOTES if q in source), ()))
    return flags
