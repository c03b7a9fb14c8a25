"""Plain text: UTF-8 (other encodings when detected with confidence), optional front matter
between ``---`` lines. If the body has blank lines they separate paragraphs and single line
breaks are soft wraps; otherwise every non-empty line is a paragraph. A headline-like paragraph
(short, no final punctuation: a chapter title) is a heading; without front matter, a headline-like
first line is the title."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError
from pipeline.model import Document
from pipeline.readers.common import Block, decode, document, front_matter, headline, split_lines

HEADING_MAX_WORDS = 12


def read(data: bytes, name: str, path: Path | None) -> Document:
    label = str(path) if path else name
    text, encoding, detected = decode(data, label)
    lines = split_lines(text)
    metadata, body_start = front_matter(lines, label)
    blocks = [Block(b.text, _kind(b.text), b.line) for b in _blocks(lines, body_start)]
    if not any(block.text.strip() for block in blocks):
        raise InputError(f"{label}: contains no text{' after its front matter' if body_start else ''}; nothing to translate")
    return document(data, name, path, blocks, metadata, encoding, detected, title_from_text=not body_start)


def _kind(text: str) -> str:
    return "heading" if headline(text.strip()) and len(text.split()) <= HEADING_MAX_WORDS else "text"


def _blocks(lines: list[str], start: int) -> list[Block]:
    body = lines[start:]
    filled = [i for i, line in enumerate(body) if line.strip()]
    separated_by_blank_lines = bool(filled) and any(not line.strip() for line in body[filled[0]: filled[-1]])
    if not separated_by_blank_lines:
        return [Block(line, line=start + offset + 1) for offset, line in enumerate(body) if line.strip()]
    blocks: list[Block] = []
    paragraph: list[str] = []
    first_line = 0
    for offset, line in enumerate(body + [""]):
        if line.strip():
            if not paragraph:
                first_line = start + offset + 1
            paragraph.append(line)
        elif paragraph:
            blocks.append(Block(" ".join(paragraph), line=first_line))
            paragraph = []
    return blocks
