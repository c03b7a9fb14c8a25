"""The team's engine: one memory in a PostgreSQL server, shared by every desk, the review
server and a cluster's driver (``--memory postgresql://user@host:5432/db``; the password from
the URL, ``PGPASSWORD`` or ``~/.pgpass``, never printed: ``label`` masks it)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import ArgumentError, OperationalError

from pipeline.errors import PipelineError

__all__ = ["accepts", "label", "engine", "create_whole", "explain", "reconnects", "insert", "notify", "changes",
           "size_bytes", "lock_for_migration"]
SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
_MIGRATION_LOCK = 0x6465656E  # pg_advisory_xact_lock key: one schema migration at a time


def accepts(location: str) -> bool:
    return location.split("://", 1)[0].lower() in SCHEMES


def label(location: str) -> str:
    """The URL with its password masked, for every message, log and record."""
    try:
        return make_url(_with_driver(location)).set(drivername="postgresql").render_as_string(hide_password=True)
    except ArgumentError:
        return "postgresql://…(an unreadable URL)"


def _with_driver(location: str) -> str:
    return "postgresql+psycopg://" + location.split("://", 1)[1]


def engine(location: str) -> Engine:
    try:
        url = make_url(_with_driver(location))
    except ArgumentError:
        raise PipelineError(f"{label(location)}: not a PostgreSQL URL; write postgresql://USER@HOST:PORT/DATABASE") \
            from None
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10,
                                                                "application_name": "de-en-brief"})


RECONNECT_SECONDS = 120
"""How long a build or the review server waits for a restarted server before it gives up."""


def reconnects(error) -> bool:
    """A lost or refused connection (a restart, a network fault): worth another try once the
    memory was opened; a wrong password or a missing table is not."""
    return isinstance(error, OperationalError) or bool(getattr(error, "connection_invalidated", False))


def _where(location: str) -> str:
    """``host:port`` of a URL (a socket folder given as ``?host=``, a port as ``?port=`` count too)."""
    try:
        url = make_url(_with_driver(location))
    except ArgumentError:
        return "an unreadable URL"
    host = url.host or url.query.get("host") or "the local socket"
    port = url.port or url.query.get("port")
    return f"{host}:{port}" if port else str(host)


def create_whole(_location: str, _create) -> None:
    """Nothing to do: the database exists (an administrator made it); its tables are made in one
    transaction under the migration lock."""


def explain(location: str, message: str) -> str:
    """What a PostgreSQL error means for the user, naming host and port where it helps."""
    message = message.split(": FATAL:  ")[-1].strip()
    if "Connection refused" in message or "No such file or directory" in message:
        return f"nothing answers at {_where(location)}: is PostgreSQL running there?"
    if "password authentication failed" in message:
        return f"{message}: wrong password or user"
    if "no password supplied" in message:
        return "no password: put it in the URL, PGPASSWORD or ~/.pgpass"
    if "permission denied" in message or "no schema has been selected" in message:
        return (f"{message}; this database's owner must let the user create and change tables in it "
                "(GRANT CREATE, USAGE ON SCHEMA public)")
    return message


CHANNEL = "translation_memory"
"""Where every change of human English is announced (``NOTIFY``), for the review server's live updates."""


def notify(connection, key: str, version: int) -> None:
    """Announce a change of human English; PostgreSQL delivers it when the transaction commits."""
    connection.execute(text("SELECT pg_notify(:channel, :payload)"),
                       {"channel": CHANNEL, "payload": json.dumps({"source_key": key, "version": version})})


def changes(location: str, seconds: float) -> Iterator[tuple[str, int]]:
    """Each change announced on ``CHANNEL`` during ``seconds``: (sentence key, version)."""
    import psycopg

    url = make_url(_with_driver(location))
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as connection:
        connection.execute(f"LISTEN {CHANNEL}")
        for notice in connection.notifies(timeout=seconds):
            change = json.loads(notice.payload)
            yield change["source_key"], change["version"]


def size_bytes(_location: str, connection) -> int:
    return connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()


def lock_for_migration(connection) -> None:
    """Two builds opening a new memory at once: one creates the tables, the other waits and finds them."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
