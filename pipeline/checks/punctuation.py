"""punctuation: a question (error), exclamation or quotation (warnings) that does not carry over; a
short quoted title or term may lose its marks (English sets titles in italics)."""

from __future__ import annotations

import re

from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR, WARNING
from pipeline.model import Flag

DESCRIPTION = "a question, exclamation or quotation does not carry over"
_QUOTES = "„“”\"»«‚‘’›‹"


def run(pair: PairContext) -> list[Flag]:
    source, target = pair.source, pair.target
    flags = []
    if "?" in source and "?" not in target:
        if "?" in _TITLE_QUESTION.sub(" ", source):
            flags.append(Flag("punctuation", ERROR, "the German asks a question (?) but the English does not", ("?",), ()))
        else:
            flags.append(Flag("punctuation", WARNING, "a quoted title in the German ends in a question mark the English "
                                                      "does not have", ("?",), ()))
    if "!" in source and "!" not in target:
        flags.append(Flag("punctuation", WARNING, "the German has an exclamation mark (!) but the English does not", ("!",), ()))
    if _quotes_speech(source) and not any(q in target for q in _QUOTES) and not _ASCII_SINGLE_QUOTE.search(target):
        flags.append(Flag("punctuation", WARNING, "the German has quotation marks but the English has none",
                          tuple(q for q in _QUOTES if q in source), ()))
    return flags


_QUOTED = re.compile(r"[„“\"»«‚‘›‹]([^„“”\"»«‚‘’›‹]*)[“”\"«»‘’‹›]")
_ASCII_SINGLE_QUOTE = re.compile(r"(?<!\w)'\w|\w'(?!\w)")
TITLE_WORDS = 5
"""A quotation of at most this many words without a sentence mark inside, in the middle of a
sentence (not at its start or after a colon, where speech begins), is a title or a term (dem Film
„Lachsfischen im Jemen“), which English sets in italics, without quotation marks."""


_TITLE_QUESTION = re.compile(r"(?<=\w\s)[„“\"»«‚‘›‹](?:[^„“”\"»«‚‘’›‹\s]+\s){0,%d}[^„“”\"»«‚‘’›‹\s]*\?[“”\"«»‘’‹›]"
                             r"(?=-?\w|\s+\w)" % (TITLE_WORDS - 1))
"""A question quoted as a title in the middle of a sentence (``die „How dare you?“-Rede``, ``der Film „Wer ist
Hanna?“ läuft``): not a question of the sentence; English may drop its marks and the question mark with them."""


def _quotes_speech(text: str) -> bool:
    """Quotation marks around more than a title: a quotation, or marks this pattern cannot pair."""
    if not any(q in text for q in _QUOTES):
        return False
    quoted = list(_QUOTED.finditer(text))
    if not quoted:
        return True
    return any(len(match[1].split()) > TITLE_WORDS
               or re.search(r"[,.!?;:]", match[1][:-1] if _TITLE_QUESTION.match(text, match.start()) else match[1])
               or not text[: match.start()].strip() or text[: match.start()].rstrip().endswith(":")
               for match in quoted)
