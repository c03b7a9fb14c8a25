"""Read a brief's PDF back with poppler's pdftotext, column by column."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*?)</word>')
_PAGE = re.compile(r"<page .*?</page>", re.S)
BODY_TOP, BODY_BOTTOM = 22 / 25.4 * 72 - 2, 842 - 20 / 25.4 * 72
"""The page area inside brief.css's @page margins (A4, 22 mm top, 20 mm bottom), in points."""


def squeeze(text: str) -> str:
    """Remove whitespace and hyphens, so line breaks and hyphenation do not matter."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)


def columns(pdf: Path) -> tuple[str, str]:
    """The German and the English column of every page, in reading order."""
    german, english = words_by_column(pdf)
    return " ".join(german), " ".join(english)


def words_by_column(pdf: Path) -> tuple[list[str], list[str]]:
    """The words of the German and the English column, from the column headings on.

    The column headings on the first page ("DEUTSCH", "ENGLISH") give the left
    edges of the two columns; the running header and footer, and the column headings that
    open every table and page, are left out.
    """
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    pages = [[(float(x), float(y), html.unescape(w)) for x, y, w in _WORD.findall(page)] for page in _PAGE.findall(out)]
    german_left, heading_y = next((x - 1, y) for x, y, w in pages[0] if w == "DEUTSCH")
    english_left = next(x - 1 for x, y, w in pages[0] if w == "ENGLISH" and abs(y - heading_y) < 2)
    german, english = [], []
    for number, words in enumerate(pages):
        labels = [y for x, y, word in words if word == "(ORIGINAL)"]  # each table's header row, on each page
        head_lines = {y for x, y, word in words if word == "DEUTSCH" and any(abs(y - label) < 2 for label in labels)}
        for x, y, word in _reading_order(words):
            if not BODY_TOP < y < BODY_BOTTOM or (number == 0 and y <= heading_y + 2):
                continue
            if any(abs(y - head) < 2 for head in head_lines):
                continue
            if german_left <= x < english_left:
                german.append(word)
            elif x >= english_left:
                english.append(word)
    return german, english


def _reading_order(words: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    """Words line by line, left to right. A line gathers words whose tops lie within 4 pt:
    a glyph from a fallback font (emoji, CJK) sits a little higher or lower than its neighbours."""
    lines: list[list[tuple[float, float, str]]] = []
    for word in sorted(words, key=lambda item: item[1]):
        if lines and word[1] - lines[-1][0][1] < 4:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [word for line in lines for word in sorted(line, key=lambda item: item[0])]
