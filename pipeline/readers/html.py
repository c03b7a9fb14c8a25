"""Web pages: the article's main text, extracted by trafilatura with precision over recall
(no navigation, cookie banners, teasers, comments or footers). Headings, paragraphs and list
items come from trafilatura's XML; title, date, author and site name from the page's metadata."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError
from pipeline.model import Document
from pipeline.readers.common import Block, Metadata, decode, document

_KINDS = {"head": "heading", "item": "item", "p": "text", "quote": "text", "cell": "text"}


def read(data: bytes, name: str, path: Path | None) -> Document:
    import trafilatura
    from lxml import etree

    label = str(path) if path else name
    text, encoding, detected = decode(data, label)
    extracted = trafilatura.extract(text, output_format="xml", favor_precision=True, include_comments=False,
                                    include_tables=True, include_images=False, include_links=False,
                                    with_metadata=True, deduplicate=True)
    root = etree.fromstring(extracted.encode("utf-8")) if extracted else None
    blocks = []
    for element in root.iter(*_KINDS) if root is not None else ():
        if any(ancestor.tag in _KINDS for ancestor in element.iterancestors()):
            continue  # a paragraph inside a list item or cell is part of it
        blocks.append(Block("".join(element.itertext()), _KINDS[element.tag]))
    if not any(block.text.strip() for block in blocks):
        raise InputError(f"{label}: no article text found in this web page (only navigation, boilerplate or "
                         "nothing at all); save the article's own page, or copy its text into a .txt file")
    metadata = Metadata(title=root.get("title"), source=root.get("sitename") or root.get("hostname"),
                        date=root.get("date"), author=root.get("author"))
    return document(data, name, path, blocks, metadata, encoding, detected)
