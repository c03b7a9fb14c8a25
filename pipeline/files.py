"""Files on disk, written so that nothing is ever half written, overwritten by surprise or
written where a link points: atomic replacement through a temporary file beside the target,
created with the user's umask and synced with its folder; the temporaries a killed build left;
and the lock that lets one build at a time write into an output folder.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import PipelineError

_TEMPORARY_SUFFIX = ".tmp"
_RANDOM_HEX = 8


def temporary_name(path: Path) -> Path:
    """``.NAME.<8 hex digits>.tmp`` beside ``path``: hidden, and recognised by ``stale_temporaries``."""
    return path.with_name(f".{path.name}.{secrets.token_hex(_RANDOM_HEX // 2)}{_TEMPORARY_SUFFIX}")


def stale_temporaries(folder: Path, names: Iterable[str]) -> list[Path]:
    """The temporaries of the files ``names`` in ``folder``: exactly ``temporary_name``'s pattern for
    each name (so ``a.html``'s never match the temporaries of ``a.html.html``, and a name with
    ``[`` or ``*`` matches its own)."""
    patterns = [re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{{_RANDOM_HEX}}}{re.escape(_TEMPORARY_SUFFIX)}")
                for name in names]
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return []
    return [Path(entry.path) for entry in entries
            if entry.name.startswith(".") and any(p.fullmatch(entry.name) for p in patterns)]


def write_atomically(path: Path, data: bytes | Iterable[bytes], overwrite: bool = True) -> int:
    """Write ``data`` (bytes, or chunks of them) to a temporary file beside ``path``, sync it, then
    rename it over ``path`` (or, with ``overwrite`` false, link it into place, failing with
    ``FileExistsError`` if ``path`` exists), and sync the folder so that the rename survives a
    crash. The file gets the mode a new file gets under the process's umask. A failure leaves
    ``path`` as it was and no temporary behind. Returns the number of bytes written."""
    temporary = temporary_name(path)
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    try:
        written = 0
        with os.fdopen(handle, "wb") as out:
            for chunk in [data] if isinstance(data, (bytes, bytearray)) else data:
                out.write(chunk)
                written += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if overwrite:
            os.replace(temporary, path)
        else:
            os.link(temporary, path, follow_symlinks=False)
            temporary.unlink()
        sync_folder(path.parent)
        return written
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def sync_folder(folder: Path) -> None:
    """Make the folder's entries (a rename, a new link) durable."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(handle)
    except OSError as error:
        if error.errno not in (errno.EINVAL, errno.ENOTSUP):  # file systems that cannot sync a folder
            raise
    finally:
        os.close(handle)


def ensure_writable(out_dir: Path) -> None:
    """Fail before any work is done if ``out_dir`` cannot take the outputs."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as error:
        raise PipelineError(
            f"{out_dir}: output directory cannot be written ({error.strerror}); choose another with --out"
        ) from None


def lock_folder() -> Path:
    """This user's private folder of output-folder locks, in the temporary directory; refused if
    it is not a folder of this user's that only this user can open (another local user may have
    made it first, to block builds or to point a lock at a file of ours through a link)."""
    folder = Path(tempfile.gettempdir()) / f"de-en-brief-locks-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as error:
        raise PipelineError(f"{folder}: the lock folder cannot be made ({error.strerror}); set TMPDIR to a "
                            "folder of your own") from None
    found = os.lstat(folder)
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid() or found.st_mode & 0o077:
        what = "not a folder" if not stat.S_ISDIR(found.st_mode) else \
            f"owned by user {found.st_uid}, mode {stat.S_IMODE(found.st_mode):o}"
        raise PipelineError(f"{folder}: the lock folder is not this user's private folder ({what}); remove it, or "
                            "set TMPDIR to a folder of your own")
    return folder


def write_set(folder: Path, outputs: dict[Path, bytes], names: Iterable[str] = (),
              on_wait: Callable[[], None] | None = None) -> None:
    """Write ``outputs`` into ``folder`` in order, each atomically, holding the folder's lock
    (``folder_lock``; ``on_wait`` hears if another build holds it); first remove what a killed
    build left of them and of ``names`` (``stale_temporaries``: under the lock, no one else
    writes them)."""
    with folder_lock(folder, on_wait):
        for stale in stale_temporaries(folder, {*names, *(path.name for path in outputs)}):
            stale.unlink(missing_ok=True)
        for path, data in outputs.items():
            write_atomically(path, data)


@contextmanager
def folder_lock(out_dir: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the output folder's lock while writing into it: builds into one folder write one at
    a time, so each document's outputs, and the press review's index, PDF and key, are all of
    one build. Held only while writing, never while waiting for anything else, so two builds
    cannot deadlock, and one file handle at a time whatever the number of documents. The lock
    file lives in ``lock_folder`` (never in the output folder) and is opened without following
    a link."""
    key = hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:16]
    path = lock_folder() / f"{key}.lock"
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as error:
        raise PipelineError(f"{path}: the output folder's lock cannot be opened ({error.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise PipelineError(f"{path}: the output folder's lock is not a regular file; remove it")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock
