"""EPUB books: the spine's XHTML chapters in reading order, read with the standard
library's ``zipfile`` and lxml (EbookLib is AGPL). Each chapter goes through the same walk as a
web page (``markup``): headings, paragraphs, list items (a nested list is items of its own, never
glued to its parent) and code. Not text: the navigation document (EPUB 3 ``properties="nav"``),
the NCX, the guide's table of contents, any page that is mostly links (a contents page, an
index), ``<nav>``, ``epub:type`` toc/landmarks/page-list/titlepage, ``role="doc-toc"``, hidden
elements, scripts and styles, copyright lines. Title, author, publisher and date (ISO 8601)
come from the package document's Dublin Core metadata."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter
from pathlib import Path

from pipeline.errors import InputError
from pipeline.model import Document
from pipeline.readers.archive import BoundedZip
from pipeline.readers.common import Block, Metadata, document, iso_date
from pipeline.readers.markup import is_legal_notice, link_share, parse_page, strip_furniture, walk

_CONTAINER = "META-INF/container.xml"
_NAMESPACES = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "opf": "http://www.idpf.org/2007/opf",
               "dc": "http://purl.org/dc/elements/1.1/"}
_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")
CONTENTS_LINK_SHARE = 0.5
"""A spine document whose text is more than this share of links is a contents page or an index."""


def read(data: bytes, name: str, path: Path | None) -> Document:
    from lxml import etree

    label = str(path) if path else name
    try:
        book = BoundedZip(data, label, "EPUB book")
        container = etree.fromstring(book.read(_CONTAINER), _parser())
        package_path = container.find(".//c:rootfile", _NAMESPACES).get("full-path")
        package = etree.fromstring(book.read(package_path), _parser())
        blocks, skipped = [], Counter()
        for member in _reading_order(package, package_path):
            page = book.read(member)
            chapter = parse_page(page, f"{label}: chapter {member}", _xml_encoding(page))
            skipped["page furniture elements (navigation, contents, scripts)"] += strip_furniture(chapter)
            if link_share(chapter) > CONTENTS_LINK_SHARE:
                skipped["contents and index pages"] += 1
                continue
            walked = walk(chapter)
            blocks.extend(Block(b.text, b.kind) for b in walked if not is_legal_notice(b.text))
            skipped["copyright lines"] += len(walked) - sum(not is_legal_notice(b.text) for b in walked)
    except zipfile.BadZipFile:
        raise InputError(f"{label}: is not an EPUB (not a zip archive, or a damaged one)") from None
    except (KeyError, AttributeError, etree.LxmlError) as error:
        raise InputError(f"{label}: is a damaged EPUB ({error or 'a file named in it is missing'})") from None
    metadata = Metadata(title=_first(package, "dc:title"), author=_first(package, "dc:creator"),
                        date=iso_date(_first(package, "dc:date")), source=_first(package, "dc:publisher"),
                        title_from="package metadata", date_from="package metadata")
    return document(data, name, path, blocks, metadata, skipped=skipped)


def _reading_order(package, package_path: str) -> list[str]:
    """Zip members of the spine's linear items, less the navigation document and the guide's contents."""
    items = {item.get("id"): item for item in package.iterfind(".//opf:manifest/opf:item", _NAMESPACES)}
    contents = {reference.get("href", "").split("#")[0]
                for reference in package.iterfind(".//opf:guide/opf:reference", _NAMESPACES)
                if reference.get("type") == "toc"}
    members = []
    for reference in package.iterfind(".//opf:spine/opf:itemref", _NAMESPACES):
        item = items[reference.get("idref")]
        href = item.get("href").split("#")[0]
        if reference.get("linear") == "no" or "nav" in (item.get("properties") or "").split() \
                or href in contents or item.get("media-type") == "application/x-dtbncx+xml":
            continue
        members.append(posixpath.normpath(posixpath.join(posixpath.dirname(package_path), href)))
    return members


def _xml_encoding(data: bytes) -> str:
    """XHTML is UTF-8 unless its XML declaration says otherwise (an HTML parser would assume Latin-1)."""
    declared = _ENCODING.match(data)
    return declared.group(1).decode("ascii") if declared else "utf-8"


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _first(package, tag: str) -> str | None:
    element = package.find(f".//{tag}", _NAMESPACES)
    return element.text.strip() if element is not None and element.text and element.text.strip() else None
