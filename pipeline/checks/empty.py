"""empty: no English, or only symbols."""

from __future__ import annotations

import re

from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR
from pipeline.model import Flag

DESCRIPTION = "the English is empty or only symbols"


def run(pair: PairContext) -> list[Flag]:
    target = pair.target
    if not target.strip():
        return [Flag("empty", ERROR, "the English is empty")]
    if not re.search(r"[^\W_]", target):
        return [Flag("empty", ERROR, f"the English has no words, only symbols: {target.strip()[:40]!r}", (), (target.strip(),))]
    return []
