"""Read stage: an input file → ``Document``, by the reader of its format (``pipeline/readers/``)."""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError
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
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the name or put the text into input/") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory; give a .txt file inside it") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied; make the file readable (chmod +r)") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None
    return reader.read(data, path.stem, path)


def parse_document(data: bytes, name: str, path: Path | None = None) -> Document:
    """Parse plain-text bytes; ``name`` labels errors and becomes the output file stem."""
    return txt.read(data, name, path)
