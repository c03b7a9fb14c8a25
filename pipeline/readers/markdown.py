"""Markdown (markdown-it-py, CommonMark): headings, paragraphs, list items, quotes and table
cells, each a block of its own; front matter between ``---`` lines as for plain text, else a
heading at the top is the title. Code blocks and raw HTML are not prose and are left out."""

from __future__ import annotations

from pathlib import Path

from pipeline.model import Document
from pipeline.readers.common import Block, decode, document, front_matter, split_lines

_KINDS = {"heading_open": "heading", "list_item_open": "item"}


def read(data: bytes, name: str, path: Path | None) -> Document:
    from markdown_it import MarkdownIt

    label = str(path) if path else name
    text, encoding, detected = decode(data, label)
    lines = split_lines(text)
    metadata, body_start = front_matter(lines, label)
    tokens = MarkdownIt("commonmark").enable("table").parse("\n".join(lines[body_start:]))
    blocks = []
    kinds = ["text"]
    for token in tokens:
        if token.type in _KINDS:
            kinds.append(_KINDS[token.type])
        elif token.type in ("heading_close", "list_item_close"):
            kinds.pop()
        elif token.type == "inline" and token.map is not None:
            blocks.append(Block(_plain(token), kinds[-1], line=body_start + token.map[0] + 1))
    # A heading at the top is the title when the front matter gives none.
    return document(data, name, path, blocks, metadata, encoding, detected,
                    title_from_text=bool(blocks) and blocks[0].kind == "heading")


def _plain(inline) -> str:
    """The text of an inline token: emphasis and links unwrapped, line breaks as spaces, images by their alt text."""
    parts = []
    for child in inline.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)
