"""The user's cache folder for things the pipeline can always rebuild: the parsed dictionary,
simplemma's word list, the thread layout measured per model and machine."""

from __future__ import annotations

import os
from pathlib import Path


def cache_path(name: str) -> Path:
    """``$XDG_CACHE_HOME/de-en-brief/<name>`` (``~/.cache`` when unset)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "de-en-brief" / name


def store(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename; a read-only home only means rebuilding next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError:
        pass
