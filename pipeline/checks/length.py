"""length: the English much shorter or longer than the German (characters, with a band that
is looser for short segments)."""

from __future__ import annotations

from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR, WARNING
from pipeline.model import Flag

DESCRIPTION = "the English is much shorter or longer than the German"


def run(pair: PairContext) -> list[Flag]:
    source, target, settings = pair.source, pair.target, pair.settings
    if not target.strip():
        return []  # the empty check speaks for this
    ratio = len(target) / max(len(source), 1)
    low, high = next((low, high) for limit, low, high in settings.length_bands if len(source) <= limit)
    if low <= ratio <= high:
        return []
    factor = settings.length_error_factor
    severity = ERROR if ratio < low / factor or ratio > high * factor else WARNING
    if ratio < low:
        message = f"English is {ratio:.0%} of the German's length (expected at least {low:.0%}): part of the sentence may be missing"
    else:
        message = f"English is {ratio:.0%} of the German's length (expected at most {high:.0%}): text may be invented or repeated"
    return [Flag("length", severity, message)]
