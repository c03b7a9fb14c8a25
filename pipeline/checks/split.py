"""split: the sentence was longer than the model's input limit and was translated in parts."""

from __future__ import annotations

from pipeline.checks.context import PairContext
from pipeline.checks.settings import WARNING
from pipeline.model import Flag

DESCRIPTION = "the sentence was too long for the model and was translated in parts"


def run(pair: PairContext) -> list[Flag]:
    if pair.parts <= 1:
        return []
    return [Flag("split", WARNING, f"the sentence is longer than the model's input limit; it was translated in "
                                   f"{pair.parts} parts, cut at clause boundaries: check the joins")]
