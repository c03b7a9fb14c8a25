"""Markdown (markdown-it-py, CommonMark with tables): rendered to HTML and read by the same walk
as a web page (``markup``), so raw HTML in the file (a converted page's navigation bar, its table
of contents) is furniture there as it is on the web. Headings, paragraphs, list items, quotes
and table cells are blocks of their own; fenced and indented code is code (kept verbatim, never
translated). Pandoc's extensions are understood: fenced divs (``::: {.related role="navigation"}``)
become the divs they stand for, and attribute braces (``# Titel {#id}``, ``[8. ]{.section-number}``)
are not text. Front matter between ``---`` lines as for plain text, else a heading at the top is
the title, whatever its punctuation."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

from pipeline.errors import InputError
from pipeline.model import Document
from pipeline.readers.common import Block, decode, document, front_matter, split_lines
from pipeline.readers.markup import parse_page, strip_furniture, walk

_FENCE = re.compile(r"^\s*(```|~~~)")
MAX_NESTING = 100
"""markdown-it's nesting limit (CommonMark's preset has 20). Past it, markdown-it silently drops the
rest of the document, so a file that reaches it is refused."""
MAX_MARKERS = 8
"""Quote and list markers opening one line (``> > > -  - Text``) are kept up to this many: deeper
ones nest nothing a reader needs, and the text stays."""
_DEEP_MARKERS = re.compile(r"^((?:[ ]{0,3}(?:>|[-+*]|\d{1,9}[.)])(?:[ ]+|$)){%d})(?:[ ]{0,3}(?:>|[-+*]|\d{1,9}[.)])(?:[ ]+|$))+"
                           % MAX_MARKERS)
_FENCED_DIV = re.compile(r"^\s*(:{3,})\s*(?:\{(?P<attributes>[^}]*)\}|(?P<class>[\w-]+))?\s*:*\s*$")
_ATTRIBUTE = re.compile(r"""([#.]?)([\w-]+)(?:=("[^"]*"|'[^']*'|\S+))?""")
_SPAN = re.compile(r"\[([^\]\[]*)\]\{[^}]*\}")
_ATTRIBUTE_BRACES = re.compile(r"(?<=[)\]`*_])\{[^}]*\}|\s+\{[#.][^}]*\}\s*$")


def read(data: bytes, name: str, path: Path | None) -> Document:
    from markdown_it import MarkdownIt

    label = str(path) if path else name
    text, encoding, detected = decode(data, label)
    lines = split_lines(text)
    metadata, body_start = front_matter(lines, label)
    parser = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING}).enable("table")
    tokens = parser.parse(_pandoc_to_commonmark(lines[body_start:]))
    if max((token.level for token in tokens), default=0) >= MAX_NESTING - 1:
        raise InputError(f"{label}: nests lists or quotes more than {MAX_NESTING // 2} levels deep, where "
                         "the Markdown parser would drop the rest of the text; not a document this tool reads")
    for token in tokens:
        if token.map is not None and token.nesting >= 0 and token.type != "inline":
            token.attrSet("data-line", str(body_start + token.map[0] + 1))
    page = parse_page(f"<html><body>{parser.renderer.render(tokens, parser.options, {})}</body></html>", label)
    skipped = Counter({"raw-HTML furniture elements (navigation, contents)": strip_furniture(page)})
    blocks = [Block(block.text, block.kind, _line(block.element)) for block in walk(page)]
    return document(data, name, path, blocks, metadata, encoding, detected, title_from_text=True, skipped=skipped)


def _line(element) -> int:
    """The file line a block starts on, from the ``data-line`` its token carried."""
    for candidate in (element, *element.iterancestors()):
        if candidate.get("data-line"):
            return int(candidate.get("data-line"))
    return 0


def _pandoc_to_commonmark(lines: list[str]) -> str:
    """Pandoc's fenced divs as HTML divs, and attribute braces dropped, outside code fences."""
    parts: list[str] = []
    prose: list[str] = []
    in_code = None

    def flush() -> None:
        if prose:  # braces may span lines, as pandoc wraps them: apply to the whole run of prose
            parts.append(_ATTRIBUTE_BRACES.sub("", _SPAN.sub(r"\1", "\n".join(prose))))
            prose.clear()

    for line in lines:
        fence = _FENCE.match(line)
        if in_code:
            parts.append(line)
            if fence and fence.group(1) == in_code:
                in_code = None
            continue
        if fence:
            flush()
            in_code = fence.group(1)
            parts.append(line)
            continue
        div = _FENCED_DIV.match(line)
        if div and (div.group("attributes") is not None or div.group("class")):
            prose.append(f"<div {_html_attributes(div.group('attributes') or '.' + div.group('class'))}>")
        elif div:
            prose.append("</div>")  # one line for one line: the blocks keep their line numbers
        else:
            prose.append(_DEEP_MARKERS.sub(r"\1", line))
    flush()
    return "\n".join(parts)


def _html_attributes(attributes: str) -> str:
    """``.related role="navigation" #top`` → ``class="related" role="navigation" id="top"``."""
    classes, rest = [], []
    for prefix, key, value in _ATTRIBUTE.findall(attributes):
        if prefix == ".":
            classes.append(key)
        elif prefix == "#":
            rest.append(f'id="{html.escape(key)}"')
        else:
            rest.append(f'{key}="{html.escape((value or "").strip(chr(34) + chr(39)))}"')
    return " ".join(([f'class="{html.escape(" ".join(classes))}"'] if classes else []) + rest)
