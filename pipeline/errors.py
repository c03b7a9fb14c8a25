"""User-facing errors: each carries a one-line message and an exit status.

Anything else that escapes a stage is a bug and is reported as one.
"""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """A failure the user can act on (bad input, unwritable output, ...)."""

    exit_status = 1


class InputError(PipelineError):
    """An input file that cannot be read or understood."""


class PackageError(PipelineError):
    """A model package that is invalid or cannot be installed."""


class UsageError(PipelineError):
    """A command line that asks for something impossible."""

    exit_status = 2


class ModelMissingError(PipelineError):
    """No German→English model package is installed."""

    exit_status = 2


class ClusterError(PipelineError):
    """The cluster cannot be used: its scheduler is unreachable or lost, or a worker's model differs."""


def read_input(path: Path, missing: str, folder: str, max_bytes: int | None = None) -> bytes:
    """The bytes of a file the user named, or one line saying why not: ``missing`` and ``folder``
    say what to do when there is no such file or it is a folder."""
    try:
        size = path.stat().st_size if max_bytes is not None else 0
        if max_bytes is not None and size > max_bytes:
            raise InputError(f"{path}: {size:,} bytes (at most {max_bytes:,})")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; {missing}") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory; {folder}") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied; make the file readable (chmod +r)") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None
