"""Readers, one module per input format, each ``read(data, name, path) -> Document``;
``READERS`` maps file suffixes to them (as Pelican's readers do)."""

from __future__ import annotations

from types import ModuleType

from pipeline.readers import docx, epub, html, markdown, txt

READERS: dict[str, ModuleType] = {
    ".txt": txt,
    ".text": txt,
    ".md": markdown,
    ".markdown": markdown,
    ".html": html,
    ".htm": html,
    ".docx": docx,
    ".epub": epub,
}
