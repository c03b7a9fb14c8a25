"""Word documents (python-docx): paragraphs and tables in document order, headings (the
``Title`` and ``Heading N`` styles) as headings, list paragraphs as items, each table cell
as a paragraph; title and author from the core properties."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from pipeline.errors import InputError
from pipeline.model import Document
from pipeline.readers.common import Block, Metadata, document

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Compound-file header: an old .doc, or a .docx encrypted with a password."""


def read(data: bytes, name: str, path: Path | None) -> Document:
    label = str(path) if path else name
    if data.startswith(OLE_SIGNATURE):
        raise InputError(f"{label}: is encrypted (password-protected) or an old Word .doc, not a .docx; "
                         "remove the password or save it as .docx in Word")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise InputError(f"{label}: is not a readable Word .docx file ({error}); save it again as .docx") from None
    blocks = []
    for item in word.iter_inner_content():
        if isinstance(item, docx.table.Table):
            blocks.extend(Block(cell.text) for row in item.rows for cell in _unique_cells(row))
        else:
            blocks.append(Block(item.text, _kind(item)))
    properties = word.core_properties
    metadata = Metadata(title=properties.title or None, author=properties.author or None,
                        date=properties.created.date().isoformat() if properties.created else None)
    return document(data, name, path, blocks, metadata)


def _kind(paragraph) -> str:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style == "Title" or style.startswith("Heading"):
        return "heading"
    if style.startswith("List") or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        return "item"
    return "text"


def _unique_cells(row):
    """Merged cells appear once per grid column they span: keep each once."""
    seen = []
    for cell in row.cells:
        if not any(cell._tc is other._tc for other in seen):
            seen.append(cell)
    return seen
