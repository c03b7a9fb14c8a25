"""alignment: existing English that may not belong to the German, has nothing for it, or adds to it."""

from __future__ import annotations

from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR, WARNING
from pipeline.model import Flag

DESCRIPTION = "the existing English has nothing for the German, adds to it, or may belong elsewhere"


def run(pair: PairContext) -> list[Flag]:
    alignment = pair.alignment
    if alignment is None:
        return []
    flags = []
    if alignment.bead == "1:0":
        flags.append(Flag("alignment", WARNING, "not in the English: machine translation fills the gap")
                     if pair.target.strip() else
                     Flag("alignment", ERROR, "not in the English, and no model is installed to translate it"))
    elif alignment.score is not None and alignment.score < pair.settings.min_alignment_score:
        flags.append(Flag("alignment", WARNING, f"the English may belong to a neighbouring sentence (alignment "
                                                f"score {alignment.score:.2f}, {alignment.bead})"))
    for addition in alignment.additions:
        flags.append(Flag("alignment", WARNING, f"the English adds a sentence with no German: {addition[:80]!r}"))
    return flags
