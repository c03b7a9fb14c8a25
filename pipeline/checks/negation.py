"""negation: a German negation with no English one, or an English negation with no German
one. A dropped or added "not" reads fluently and reverses the meaning: WMT counts it among
the critical errors. German negations that English says otherwise are allowed for
(``nicht nur … sondern`` → ``not only``/``as well as``, ``kein Wunder`` → ``no wonder``)."""

from __future__ import annotations

import re

from pipeline.checks import lexicon
from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR, WARNING
from pipeline.model import Flag
from pipeline.text import GERMAN_WORD

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


_ENGLISH_IDIOMS = re.compile(r"\bnot\s+long\s+(?:ago|after|afterwards|before|since)\b", re.I)
"""``not long ago`` says ``kurz``, ``wenig zuvor``: a time, not a negation."""
_NOT_UNTIL = re.compile(r"(?:\bnot|n['’]t)\b(?=(?:\s+\S+){0,4}\s+until\b)", re.I)
"""``did not expand until`` ↔ ``begann erst, als``: English says German's ``erst`` with ``not … until``."""


def _negating(pair: PairContext) -> str:
    """The English less what only looks negated: ``not long ago``, and ``not … until`` for an ``erst``."""
    english = _ENGLISH_IDIOMS.sub(" ", pair.target)
    for _ in re.findall(r"\berst\b", pair.source, re.I):
        english = _NOT_UNTIL.sub(" ", english, count=1)
    return english


_GERMAN_NOT_SO = re.compile(r"\bnicht\s+(?:so|allzu|sonderlich|besonders|ganz\s+so)\b", re.I)
"""``nicht so extrem`` ↔ ``less extreme``: a degree, said in English with ``less``."""


_ONLY_BUT = re.compile(r"\bonly\b(?=.*\bbut\b)", re.I)
_NEGATED_BEFORE = re.compile(r"(?:\bnot|n['’]t)(?:\s+\S+){0,2}\s+$", re.I)


def _not_only_lost(target: str) -> bool:
    """``only … but (also)`` with no ``not`` in the two words before ``only`` (``not only``, ``not the
    only``, ``isn't only``): the English of ``nicht nur … sondern`` lost its negation."""
    return any(not _NEGATED_BEFORE.search(target, 0, match.start()) for match in _ONLY_BUT.finditer(target))


_NEGATED_SPAN = 3
"""Words after a German negation that it may negate as one English word (``nicht bewusst`` ↔ ``unaware``)."""


def _english_negations(pair: PairContext, explicit: list[str]) -> tuple[list[str], list[str]]:
    """The English's ``explicit`` negations less one ``without`` for each German ``ohne``, and its
    implicit ones (``refused``, ``unable``, ``cancelled``) less those that translate a German word of
    the pair (``weigerte`` ↔ ``refused``, ``Absage`` ↔ ``cancellation``, ``ahnungslos`` ↔
    ``clueless``): such a word says the German word, and cannot stand for a ``nicht`` as well. A word
    right after a negation is what it negates, and its English may carry the negation (``nicht
    genehmigt`` ↔ ``unauthorized``, ``nicht stattfinden`` ↔ ``cancelled``)."""
    for _ in re.findall(r"\bohne\b", pair.source, re.I):  # a function word: the dictionary gives it no English
        explicit = _without_one(explicit)
    implicit = [m.group() for m in _ENGLISH_IMPLICIT.finditer(pair.target)]
    if not implicit:
        return explicit, implicit
    words = GERMAN_WORD.findall(pair.source)
    negations = [i for i, word in enumerate(words) if _GERMAN.fullmatch(word)]
    negated = set(negations) | {k for i in negations for k in range(i + 1, i + 1 + _NEGATED_SPAN)}
    lexical = lexicon.load()
    translated = {stem for i, word in enumerate(words) if i not in negated for stem in lexical.english(word)}
    return explicit, [match for match in implicit if " " in match or not lexicon.english_stems(match.lower()) & translated]


def _without_one(negations: list[str]) -> list[str]:
    """The negations less one ``without``, where there is one."""
    at = next((i for i, word in enumerate(negations) if word.lower() == "without"), None)
    return negations if at is None else negations[:at] + negations[at + 1:]


def run(pair: PairContext) -> list[Flag]:
    german = _GERMAN.findall(_GERMAN_IDIOMS.sub(" ", pair.source))
    if german and _GERMAN_NOT_SO.search(pair.source) and re.search(r"\bless\b", pair.target, re.I):
        german.remove(next(word for word in german if word.lower() == "nicht"))
    if re.search(r"\bnicht\s+nur\b.*\bsondern\b", pair.source, re.I) and _not_only_lost(pair.target):
        return [Flag("negation", ERROR, "the German says “nicht nur … sondern” (not only … but) and the English "
                                        "“only … but” without its “not”: the meaning is changed", ("nicht nur",), ("only",))]
    written = _ENGLISH.findall(_negating(pair))  # every explicit negation, a without for an ohne too
    english, implicit = _english_negations(pair, written)
    shown = ", ".join(dict.fromkeys(w.lower() for w in german))
    if german and not english and not implicit:
        return [Flag("negation", ERROR, f"the German is negated ({shown}) but the English has no negation "
                                        f"(not, no, never …): the meaning may be reversed", tuple(dict.fromkeys(german)), ())]
    if len(german) >= 2 and len(english) < len(german) and not implicit:
        return [Flag("negation", WARNING, f"the German has {len(german)} negations ({shown}) but the English only "
                                          f"{len(english)}: one may be lost", tuple(dict.fromkeys(german)), ())]
    if written and not german and not _GERMAN_IDIOMS.search(pair.source) and not _GERMAN_IMPLICIT.search(pair.source):
        shown = ", ".join(dict.fromkeys(w.lower() for w in written))
        return [Flag("negation", WARNING, f"the English is negated ({shown}) but the German has no negation: "
                                          f"check that the meaning is not reversed", (), tuple(dict.fromkeys(written)))]
    return []
