"""repetition: a stutter (any word three or more times in a row) or a phrase repeated back to
back in the English. Both are typical of a decoder caught in a loop and rare in written
English, so they are errors whatever the German says."""

from __future__ import annotations

import re

from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR
from pipeline.model import Flag

DESCRIPTION = "a word or phrase repeats back to back in the English"
_TOKEN = re.compile(r"\d+(?:[:.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?")
_LONGEST_PHRASE = 8


def run(pair: PairContext) -> list[Flag]:
    matches = list(_TOKEN.finditer(pair.target))
    words = [m.group().lower() for m in matches]
    in_a_row = pair.settings.repeat_in_a_row
    for start in range(len(words)):
        times = 1
        while start + times < len(words) and words[start + times] == words[start]:
            times += 1
        if times >= in_a_row:
            shown = pair.target[matches[start].start():matches[start + times - 1].end()]
            return [Flag("repetition", ERROR, f"“{words[start]}” {times} times in a row in the English", (), (shown,))]
    for size in range(2, _LONGEST_PHRASE + 1):
        for start in range(len(words) - 2 * size + 1):
            if words[start:start + size] == words[start + size:start + 2 * size]:
                phrase = pair.target[matches[start].start():matches[start + size - 1].end()]
                shown = pair.target[matches[start].start():matches[start + 2 * size - 1].end()]
                return [Flag("repetition", ERROR, f"“{phrase}” is repeated back to back in the English", (), (shown,))]
    return []
