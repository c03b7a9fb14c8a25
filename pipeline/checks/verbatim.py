"""verbatim: what must survive translation unchanged did not: URLs, e-mail addresses, @handles,
#hashtags, file paths, ISBNs, phone numbers, version numbers (``v2.3``, ``Version 4.1.2``) and model numbers
(``A320``, ``RTX 4090``, ``COVID-19``). Machine translation is known to mangle them.

URLs, e-mail addresses, paths and ISBNs must appear character for character (an error: a wrong
address sends readers elsewhere); handles, hashtags, phone numbers, versions and model numbers as the same letters
and digits, whatever the case, spaces and hyphens (``A81`` is ``the A 81``), else a warning."""

from __future__ import annotations

import re

from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR, WARNING
from pipeline.model import Flag

DESCRIPTION = "a URL, e-mail address, handle, hashtag, path, ISBN, version or model number is not in the English as it is"

_TRAILING = ".,;:!?)]}»«“”\"'’"
_EXACT = {
    "URL": re.compile(r"\b(?:https?://|www\.)[^\s<>\"“”„«»]+"),
    "e-mail address": re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "path": re.compile(r"(?<![\w/.:])(?:~|\.{1,2})?/[\w.-]+(?:/[\w.-]+)+/?"),
    "ISBN": re.compile(r"\bISBN(?:-1[03])?:?\s*[\dX][\dX -]{8,16}[\dX]"),
}
_LOOSE = {
    "handle": re.compile(r"(?<![\w@.])@[A-Za-z0-9_]{2,}"),
    "hashtag": re.compile(r"(?<![\w#&])#[^\W\d_]\w+"),
    "version": re.compile(r"\b(?:v|[Vv]ersion\s+|[Rr]elease\s+)\d+(?:\.\d+)+\b"),
    "phone number": re.compile(r"\+\d{1,3}(?:[\s/-]?\d{2,}){2,}"),
    "model number": re.compile(r"\b[A-Z]{1,5}-?\d{1,5}[A-Za-z]{0,3}\b(?![.,]\d)"),
}


def _loose(text: str) -> str:
    return re.sub(r"[\s-]", "", text).lower()


def run(pair: PairContext) -> list[Flag]:
    source, target = pair.source, pair.target
    flags = []
    inside = [match.span() for pattern in _EXACT.values() for match in pattern.finditer(source)]
    for kind, pattern in _EXACT.items():
        for match in pattern.finditer(source):
            item = match.group().rstrip(_TRAILING)
            if kind == "ISBN":
                item = item.strip()
            if item and item not in target:
                flags.append(Flag("verbatim", ERROR, f"the {kind} {item} is not in the English as it is", (item,), ()))
    loose_target = _loose(target)
    for kind, pattern in _LOOSE.items():
        for match in pattern.finditer(source):
            if any(start <= match.start() < end for start, end in inside):
                continue  # part of a URL or address, checked whole
            item = match.group().rstrip(_TRAILING)
            if _loose(item) not in loose_target:
                flags.append(Flag("verbatim", WARNING, f"the {kind} {item} is not in the English", (item,), ()))
    return flags
