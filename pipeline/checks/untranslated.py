"""untranslated: the English is the German, or most of its words are copied from it."""

from __future__ import annotations

import re
import unicodedata

from pipeline.checks import lexicon
from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR
from pipeline.model import Flag

DESCRIPTION = "the English is the German copied through"
_WORD = re.compile(r"[^\W\d_]{3,}")


def run(pair: PairContext) -> list[Flag]:
    source, target = pair.source, pair.target
    if _normalize(source) == _normalize(target) and re.search(r"[^\W\d_]{2,}", target):
        return [Flag("untranslated", ERROR, "the English is the German, copied unchanged", (), (target,))]
    source_words = {w.lower() for w in _WORD.findall(source)}
    target_words = _WORD.findall(target)
    copied = [w for w in target_words if w.lower() in source_words and not is_acronym(w) and not _is_name_or_english(w)]
    if len(target_words) >= 4 and len(copied) / len(target_words) >= pair.settings.copied_share:
        shown = ", ".join(dict.fromkeys(copied[:6]))
        return [Flag("untranslated", ERROR,
                     f"{len(copied)} of {len(target_words)} English words are copied from the German ({shown}…)",
                     (), tuple(dict.fromkeys(copied)))]
    return []


def _is_name_or_english(word: str) -> bool:
    """Names (Monaco, Chelsea) and English words (band, the) are the same in both languages."""
    return word.lower() in lexicon.ENGLISH_FUNCTION_WORDS or (word[0].isupper() and not lexicon.load().is_common_word(word))


def _normalize(text: str) -> str:
    return re.sub(r"\W+", " ", unicodedata.normalize("NFKC", text).lower()).strip()


def is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()
