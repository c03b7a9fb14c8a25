"""The embedded engine: the memory as one SQLite file, the default for one person.

WAL mode, so readers never wait for a writer; a 60 s busy timeout, so concurrent builds wait
for each other's short writes; and every write transaction takes the write lock at once
(``BEGIN IMMEDIATE``), so two builds never deadlock upgrading a read to a write.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects.sqlite import insert

from pipeline.errors import PipelineError

__all__ = ["accepts", "label", "engine", "create_whole", "explain", "reconnects", "insert", "notify", "changes",
           "size_bytes", "lock_for_migration"]
BUSY_TIMEOUT_SECONDS = 60
WRITE = "pipeline_write"
"""The execution option that marks a write transaction (``BEGIN IMMEDIATE``)."""


def accepts(location: str) -> bool:
    """Anything that is not a database URL is a file's path."""
    return "://" not in location


def label(location: str) -> str:
    return location


def engine(location: str) -> Engine:
    created = create_engine(f"sqlite:///{Path(location)}", connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @event.listens_for(created, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    @event.listens_for(created, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get(WRITE) else "BEGIN")

    return created


def create_whole(location: str, create: Callable[[str], None]) -> None:
    """A new memory appears whole: ``create`` makes it, tables and all, beside ``location``, and it
    is linked into place, so that whoever finds the file (another build, ``memory stats``, a test
    waiting for entries) finds its tables too. If another build created it meanwhile, theirs is kept."""
    path = Path(location)
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    except OSError as error:
        raise PipelineError(f"{path}: cannot create the translation memory ({error.strerror}); choose another with "
                            "--memory or PIPELINE_MEMORY") from None
    os.close(handle)
    try:
        create(temporary)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        for leftover in (temporary, f"{temporary}-wal", f"{temporary}-shm"):
            Path(leftover).unlink(missing_ok=True)


RECONNECT_SECONDS = 0
"""A file is not a server: nothing to reconnect to (a busy file is waited for by the busy timeout)."""


def reconnects(_error) -> bool:
    return False


def explain(_location: str, message: str) -> str:
    """What a SQLite error means for the user."""
    if "file is not a database" in message or "malformed" in message:
        return (f"{message}; if it is damaged, restore it from a backup or re-import a TMX export (choose another "
                "with --memory)")
    return message


def notify(_connection, _key: str, _version: int) -> None:
    """One file, one writer at a time: a reader finds changes by reading again."""


def changes(_location: str, _seconds: float) -> Iterator[tuple[str, int]]:
    return iter(())


def size_bytes(location: str, _connection) -> int:
    """The file with its write-ahead log and shared-memory index."""
    path = Path(location)
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def lock_for_migration(_connection) -> None:
    """Nothing more: the migration's write transaction (``BEGIN IMMEDIATE``) holds the file's lock."""
