"""Plain text: UTF-8 (other encodings when detected with confidence), optional front matter
between ``---`` lines.

Paragraphs: blank lines separate them when the body has any. A file whose lines are
hard-wrapped (copied from a PDF or an e-mail: most lines end near one width) has its wrapped
lines joined whether or not it has blank lines, and a line break stays only where a line ends
short of that width (a heading, a verse or address line, a paragraph's last line), ends a
sentence well short of it, or where the next line starts a list item. In a file that is not
hard-wrapped, single line breaks inside a blank-line paragraph are soft wraps, and without
blank lines every line is a paragraph.

A headline-like paragraph (short, no final punctuation: a chapter title) is a heading; a line
starting with a bullet is a list item (the bullet goes, a number stays). Without front matter,
a headline-like first line is the title, and a name-only line at the top is the author
(``common.front_lines``)."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.errors import InputError
from pipeline.model import Document
from pipeline.readers.common import Block, decode, document, front_matter, headline, split_lines

HEADING_MAX_WORDS = 12
MAX_WRAP_WIDTH = 110
"""Lines wrapped wider than this are not hard-wrapped text (they are one paragraph a line)."""
FULL_SHARE = 0.4
"""A file is hard-wrapped when at least this share of its lines reach ``NEAR_WIDTH`` of its width."""
NEAR_WIDTH = 0.7
SHORT_LINE = 0.6
"""A line shorter than this share of the width ends where its author ended it."""
ENDED_LINE = 0.92
"""A line ending a sentence and shorter than this share of the width ends its paragraph (inside a
paragraph, a wrapped line is all but full; a paragraph's last line is as long as it happens to be)."""
_BULLET = re.compile(r"^\s*([*•·‣◦+-])\s+")
_LIST_START = re.compile(r"^\s*(?:[*•·‣◦+-]|\d{1,3}[.)]|[a-z][.)]|\(\w{1,3}\))\s+\S")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'“”»«)\]]*$")


def read(data: bytes, name: str, path: Path | None) -> Document:
    label = str(path) if path else name
    text, encoding, detected = decode(data, label)
    lines = split_lines(text)
    metadata, body_start = front_matter(lines, label)
    blocks = [_typed(block) for block in _blocks(lines, body_start)]
    if not any(block.text.strip() for block in blocks):
        raise InputError(f"{label}: contains no text{' after its front matter' if body_start else ''}; nothing to translate")
    return document(data, name, path, blocks, metadata, encoding, detected, title_from_text=not body_start)


def _typed(block: Block) -> Block:
    bullet = _BULLET.match(block.text)
    if bullet:
        return Block(block.text[bullet.end():], "item", block.line)
    if _LIST_START.match(block.text):
        return Block(block.text.strip(), "item", block.line)
    kind = "heading" if headline(block.text.strip()) and len(block.text.split()) <= HEADING_MAX_WORDS else "text"
    return Block(block.text, kind, block.line)


def wrap_width(lines: list[str]) -> int | None:
    """The width a hard-wrapped text is wrapped at, or ``None`` when it is not hard-wrapped."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if len(lengths) < 4:
        return None
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if width > MAX_WRAP_WIDTH or sum(length >= NEAR_WIDTH * width for length in lengths) < FULL_SHARE * len(lengths):
        return None
    return width


def _without_page_breaks(lines: list[str]) -> list[str]:
    """pdftotext ends each page with a blank line and a form feed: the text goes on across it."""
    joined: list[str] = []
    for line in lines:
        if line.startswith("\f"):
            while joined and not joined[-1].strip():
                joined.pop()
            line = line.lstrip("\f")
        joined.append(line)
    return joined


def _blocks(lines: list[str], start: int) -> list[Block]:
    body = _without_page_breaks(lines[start:])
    filled = [i for i, line in enumerate(body) if line.strip()]
    has_blank_lines = bool(filled) and any(not line.strip() for line in body[filled[0]: filled[-1]])
    width = wrap_width(body)
    blocks: list[Block] = []
    paragraph: list[str] = []
    first_line = 0

    def close() -> None:
        if paragraph:
            blocks.append(Block(" ".join(line.strip() for line in paragraph), line=first_line))
            paragraph.clear()

    for offset, line in enumerate(body):
        if not line.strip():
            if has_blank_lines:
                close()
            continue
        if paragraph and _breaks(paragraph[-1], line, width, has_blank_lines):
            close()
        if not paragraph:
            first_line = start + offset + 1
        paragraph.append(line)
    close()
    return blocks


def _breaks(previous: str, line: str, width: int | None, has_blank_lines: bool) -> bool:
    """Whether a paragraph ends between two non-blank lines."""
    if width is None:
        return not has_blank_lines  # one paragraph a line, or soft wraps inside blank-line paragraphs
    length = len(previous.strip())
    ended = bool(_SENTENCE_END.search(previous.rstrip()))
    if _BULLET.match(line) or (_LIST_START.match(line) and ended):
        return True  # "in der\n4. Klasse" goes on; "… so:\n1. Schritt" starts an item
    if not ended and line.lstrip()[:1].islower():
        return False  # a sentence going on: German starts sentences, headings and lines of verse in capitals
    if length < SHORT_LINE * width:
        return True
    return not has_blank_lines and ended and length < ENDED_LINE * width
