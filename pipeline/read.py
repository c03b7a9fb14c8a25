"""Read stage: an input file → ``Document``, by the reader of its format (``pipeline/readers/``)."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError, read_input
from pipeline.model import Document
from pipeline.readers import READERS, txt

__all__ = ["read_document", "parse_document", "SUFFIXES"]
SUFFIXES = tuple(READERS)


def read_document(path: Path) -> Document:
    """Read and parse one input file, by its suffix."""
    reader = READERS.get(path.suffix.lower())
    if reader is None and not path.is_dir():
        raise InputError(f"{path}: cannot read {path.suffix or 'files without a suffix'}; give one of "
                         f"{', '.join(SUFFIXES)}")
    data = read_input(path, "check the name or put the text into input/", "give a .txt file inside it")
    return reader.read(data, path.stem, path)


def parse_document(data: bytes, name: str, path: Path | None = None) -> Document:
    """Parse plain-text bytes; ``name`` labels errors and becomes the output file stem."""
    return txt.read(data, name, path)
