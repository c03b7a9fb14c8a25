"""confidence: the model's mean log-probability per token below a threshold."""

from __future__ import annotations

from pipeline.checks.context import PairContext
from pipeline.checks.settings import WARNING
from pipeline.model import Flag

DESCRIPTION = "the model's score is low"


def run(pair: PairContext) -> list[Flag]:
    if pair.score is None or pair.score >= pair.settings.min_score:
        return []
    return [Flag("confidence", WARNING,
                 f"the model was unsure: score {pair.score:.2f} per token is below {pair.settings.min_score:.2f}")]
