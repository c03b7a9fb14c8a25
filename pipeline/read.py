"""Read stage: an input file → ``Document``, by the reader of its format (``pipeline/readers/``).

Every reader goes through ``_reading``: whatever a reader meets in a bad file (an unknown
encoding declared in a chapter, a damaged part a library trips on) ends as the one-line
``InputError`` naming the file, so a folder run reports that document and builds the others.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline.errors import InputError, PipelineError, read_input
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
    return _reading(reader.read, data, path.stem, path)


def parse_document(data: bytes, name: str, path: Path | None = None) -> Document:
    """Parse plain-text bytes; ``name`` labels errors and becomes the output file stem."""
    return _reading(txt.read, data, name, path)


def _reading(read: Callable[[bytes, str, Path | None], Document], data: bytes, name: str,
             path: Path | None) -> Document:
    try:
        return read(data, name, path)
    except PipelineError:
        raise
    except RecursionError:
        raise InputError(f"{path or name}: nests too deeply to be read; not a document this tool reads") from None
    except Exception as error:  # noqa: BLE001 - any failure on a file's content is that file's error
        raise InputError(f"{path or name}: cannot be read ({type(error).__name__}: {error}); the file may be "
                         "damaged: open it in the program that made it and save it again") from None
