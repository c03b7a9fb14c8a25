"""Word documents (python-docx): paragraphs and tables in document order, tables inside tables
depth-first; headings (``Heading N``) as headings, list paragraphs as items, each table cell's
paragraphs as paragraphs, code (``Source Code``, ``Preformatted Text``, ``HTML Preformatted``,
``Macro Text``, ``Plain Text`` and the like; consecutive lines joined) as code. A table of
contents (``TOC N`` styles, Word's contents field) is not text.

``Title``, ``Subtitle``, ``Author`` and ``Date`` paragraphs (as pandoc and Word write them) are
the document's metadata, not sentences. The date shown is the document's own: a ``Date``
paragraph, or the core properties' creation date only when the file was edited after it was
created (several revisions); a converter (pandoc, LibreOffice, python-docx) stamps the time it
wrote the file, which is not the document's date."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from datetime import timedelta
from pathlib import Path

from pipeline.errors import InputError
from pipeline.model import Document
from pipeline.readers.archive import BoundedZip
from pipeline.readers.common import Block, Metadata, document, iso_date

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Compound-file header: an old .doc, or a .docx encrypted with a password."""
CODE_STYLES = ("source code", "preformatted text", "html preformatted", "macro text", "plain text", "code",
               "code block", "verbatim", "listing")
METADATA_STYLES = {"title": "title", "subtitle": "subtitle", "author": "author", "date": "date"}
CONVERTERS = ("python-docx", "pandoc", "libreoffice", "")
EDITED_AFTER = timedelta(minutes=5)


def read(data: bytes, name: str, path: Path | None) -> Document:
    label = str(path) if path else name
    if data.startswith(OLE_SIGNATURE):
        raise InputError(f"{label}: is encrypted (password-protected) or an old Word .doc, not a .docx; "
                         "remove the password or save it as .docx in Word")
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    try:
        # python-docx reads every part whole: hand it only what was read within bounds.
        word = docx.Document(io.BytesIO(BoundedZip(data, label, "Word document").repacked()))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise InputError(f"{label}: is not a readable Word .docx file ({error}); save it again as .docx") from None
    except etree.LxmlError as error:
        raise InputError(f"{label}: is a damaged Word .docx file (its XML: {error}); save it again as .docx") from None
    fields: dict[str, str] = {}
    blocks: list[Block] = []
    skipped = Counter()
    for paragraph, kind in _paragraphs(word):
        if kind in METADATA_STYLES.values():
            if paragraph.text.strip():
                fields.setdefault(kind, paragraph.text.strip())
                skipped["Title/Subtitle/Author/Date paragraphs (now metadata)"] += 1
        elif kind == "contents":
            skipped["table-of-contents paragraphs"] += 1
        elif kind == "code" and blocks and blocks[-1].kind == "code":
            blocks[-1] = Block(blocks[-1].text + "\n" + paragraph.text, "code")
        elif kind != "contents":
            blocks.append(Block(paragraph.text, kind))
    properties = word.core_properties
    title = fields.get("title") or properties.title or None
    if title and fields.get("subtitle"):
        title = f"{title}: {fields['subtitle']}"
    date = iso_date(fields.get("date")) or fields.get("date") or _edited_date(properties)
    metadata = Metadata(title=title, author=fields.get("author") or properties.author or None, date=date,
                        title_from="Title paragraph" if fields.get("title") else (
                            "document properties" if properties.title else None),
                        date_from="Date paragraph" if fields.get("date") else ("document properties" if date else None))
    return document(data, name, path, blocks, metadata, skipped=skipped)


def _paragraphs(container):
    """Every paragraph with its kind, in document order; a table's cells row by row, a nested table
    where it stands in its cell."""
    import docx

    for item in container.iter_inner_content():
        if isinstance(item, docx.table.Table):
            for row in item.rows:
                for cell in _unique_cells(row):
                    yield from _paragraphs(cell)
        else:
            yield item, _kind(item)


def _kind(paragraph) -> str:
    style = ((paragraph.style.name if paragraph.style is not None else "") or "").lower()
    if style in METADATA_STYLES:
        return METADATA_STYLES[style]
    if style.startswith(("toc ", "toc heading", "table of contents", "contents ")):
        return "contents"
    if style.startswith("heading"):
        return "heading"
    if style in CODE_STYLES or style.startswith(("source code", "code ")):
        return "code"
    if style.startswith("list") or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        return "item"
    return "text"


def _edited_date(properties) -> str | None:
    """The creation date, when the file's own history shows a person edited it after it was made."""
    created, modified = properties.created, properties.modified
    if created is None or (properties.last_modified_by or "").strip().lower() in CONVERTERS:
        return None
    if (properties.revision or 0) > 1 and modified is not None and modified - created > EDITED_AFTER:
        return created.date().isoformat()
    return None


def _unique_cells(row):
    """Merged cells appear once per grid column they span: keep each once."""
    seen = []
    for cell in row.cells:
        if not any(cell._tc is other._tc for other in seen):
            seen.append(cell)
    return seen
