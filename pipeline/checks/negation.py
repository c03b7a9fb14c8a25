"""negation: a German negation with no English one, or an English negation with no German
one. A dropped or added "not" reads fluently and reverses the meaning: WMT counts it among
the critical errors. German negations that English says otherwise are allowed for
(``nicht nur … sondern`` → ``not only``/``as well as``, ``kein Wunder`` → ``no wonder``)."""

from __future__ import annotations

import re

from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR, WARNING
from pipeline.model import Flag

DESCRIPTION = "a negation (nicht, kein, nie …) is lost or added in the English"

_GERMAN = re.compile(r"\b(?:nicht|kein|keine|keiner|keines|keinem|keinen|nie|niemals|nichts|niemand|niemanden|"
                     r"niemandem|weder|nirgends|nirgendwo|keinerlei|keineswegs|keinesfalls)\b", re.I)
_GERMAN_IDIOMS = re.compile(r"\bnicht\s+nur\b(?=.*\b(?:sondern|auch)\b)|\bkein\s+Wunder\b|\bnicht\s+zuletzt\b|"
                            r"\bnicht\s+umsonst\b|\bnichtsdesto\w*|\bwie\s+kein\w*\s+ander", re.I)
_GERMAN_IMPLICIT = re.compile(r"\b(?:ohne|kaum|nein|un[a-zäöüß]{4,}|verb[oi]ten\w*|fehl\w*|weiger\w*|"
                              r"verhinder\w*|verzicht\w*|stoppt?\w*|aus(?:geschlossen|schließen))\b", re.I)
_ENGLISH = re.compile(r"\b(?:not|never|nothing|nobody|none|neither|nor|without|nowhere|cannot|non)\b|n['’]t\b|"
                      r"\bno\b(?!\.?\s*\d)", re.I)
_ENGLISH_IMPLICIT = re.compile(
    r"\b(?:fail\w*|lack\w*|refus\w*|un-?(?!der|i[tvo]|til|ited)[a-z]{4,}|non-[a-z]{4,}|in(?:capable|sufficient|effective|valid|adequate)|"
    r"im(?:possible|probable|plausible)|invincible|inevitabl\w*|irrelevant|instead|rather than|hardly|barely|"
    r"yet to|cancel\w*|no longer|den(?:y|ied|ies)|out of (?:the )?question)\b", re.I)


_GERMAN_NOT_SO = re.compile(r"\bnicht\s+(?:so|allzu|sonderlich|besonders|ganz\s+so)\b", re.I)
"""``nicht so extrem`` ↔ ``less extreme``: a degree, said in English with ``less``."""


def run(pair: PairContext) -> list[Flag]:
    german = _GERMAN.findall(_GERMAN_IDIOMS.sub(" ", pair.source))
    if german and _GERMAN_NOT_SO.search(pair.source) and re.search(r"\bless\b", pair.target, re.I):
        german.remove(next(word for word in german if word.lower() == "nicht"))
    english = _ENGLISH.findall(pair.target)
    shown = ", ".join(dict.fromkeys(w.lower() for w in german))
    if german and not english and not _ENGLISH_IMPLICIT.search(pair.target):
        return [Flag("negation", ERROR, f"the German is negated ({shown}) but the English has no negation "
                                        f"(not, no, never …): the meaning may be reversed", tuple(dict.fromkeys(german)), ())]
    if len(german) >= 2 and len(english) < len(german) and not _ENGLISH_IMPLICIT.search(pair.target):
        return [Flag("negation", WARNING, f"the German has {len(german)} negations ({shown}) but the English only "
                                          f"{len(english)}: one may be lost", tuple(dict.fromkeys(german)), ())]
    if english and not german and not _GERMAN_IDIOMS.search(pair.source) and not _GERMAN_IMPLICIT.search(pair.source):
        shown = ", ".join(dict.fromkeys(w.lower() for w in english))
        return [Flag("negation", WARNING, f"the English is negated ({shown}) but the German has no negation: "
                                          f"check that the meaning is not reversed", (), tuple(dict.fromkeys(english)))]
    return []
