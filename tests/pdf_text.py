"""Read a brief's PDF back with poppler's pdftotext, column by column."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*?)</word>')
_PAGE = re.compile(r"<page .*?</page>", re.S)


def squeeze(text: str) -> str:
    """Remove whitespace and hyphens, so line breaks and hyphenation do not matter."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)


def columns(pdf: Path) -> tuple[str, str]:
    """The German and the English column of every page, in reading order.

    The column headings on the first page ("DEUTSCH", "ENGLISH") give the
    left edges of the two columns.
    """
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    pages = [[(float(x), float(y), html.unescape(w)) for x, y, w in _WORD.findall(page)] for page in _PAGE.findall(out)]
    german_left, heading_y = next((x - 1, y) for x, y, w in pages[0] if w == "DEUTSCH")
    english_left = next(x - 1 for x, y, w in pages[0] if w == "ENGLISH" and abs(y - heading_y) < 2)
    german, english = [], []
    for words in pages:
        for x, _, word in sorted(words, key=lambda item: (round(item[1]), item[0])):
            if german_left <= x < english_left:
                german.append(word)
            elif x >= english_left:
                english.append(word)
    return " ".join(german), " ".join(english)
