"""EPUB books: the spine's XHTML chapters in reading order, read with the standard
library's ``zipfile`` and lxml (EbookLib is AGPL). Headings, paragraphs and list items become
blocks; title and author come from the package document's Dublin Core metadata."""

from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import Path

from pipeline.errors import InputError
from pipeline.model import Document
from pipeline.readers.common import Block, Metadata, document

_CONTAINER = "META-INF/container.xml"
_NAMESPACES = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "opf": "http://www.idpf.org/2007/opf",
               "dc": "http://purl.org/dc/elements/1.1/"}
_BLOCKS = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
           "p": "text", "li": "item", "blockquote": "text", "dd": "text", "dt": "text", "td": "text", "th": "text"}
MAX_CHAPTER_BYTES = 50 * 1024 * 1024


def read(data: bytes, name: str, path: Path | None) -> Document:
    from lxml import etree, html

    label = str(path) if path else name
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        container = etree.fromstring(book.read(_CONTAINER), _parser())
        package_path = container.find(".//c:rootfile", _NAMESPACES).get("full-path")
        package = etree.fromstring(book.read(package_path), _parser())
        manifest = {item.get("id"): item.get("href") for item in package.iterfind(".//opf:manifest/opf:item", _NAMESPACES)}
        spine = [manifest[ref.get("idref")] for ref in package.iterfind(".//opf:spine/opf:itemref", _NAMESPACES)
                 if ref.get("linear") != "no"]
        blocks = []
        for href in spine:
            member = posixpath.normpath(posixpath.join(posixpath.dirname(package_path), href.split("#")[0]))
            if book.getinfo(member).file_size > MAX_CHAPTER_BYTES:
                raise InputError(f"{label}: chapter {member} is larger than {MAX_CHAPTER_BYTES // 2**20} MB; not a book")
            chapter = html.document_fromstring(book.read(member))
            for element in chapter.iter(*_BLOCKS):
                if not any(ancestor.tag in _BLOCKS for ancestor in element.iterancestors()):
                    blocks.append(Block(element.text_content(), _BLOCKS[element.tag]))
    except zipfile.BadZipFile:
        raise InputError(f"{label}: is not an EPUB (not a zip archive, or a damaged one)") from None
    except (KeyError, AttributeError, etree.XMLSyntaxError, etree.ParserError) as error:
        raise InputError(f"{label}: is a damaged EPUB ({error or 'a file named in it is missing'})") from None
    metadata = Metadata(title=_first(package, "dc:title"), author=_first(package, "dc:creator"),
                        date=_first(package, "dc:date"), source=_first(package, "dc:publisher"))
    return document(data, name, path, blocks, metadata)


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _first(package, tag: str) -> str | None:
    element = package.find(f".//{tag}", _NAMESPACES)
    return element.text.strip() if element is not None and element.text and element.text.strip() else None
