"""The team's engine: one memory in a PostgreSQL server, shared by every desk, the review
server and a cluster's driver (``--memory postgresql://user@host:5432/db``; the password from
the URL, ``PGPASSWORD`` or ``~/.pgpass``, never printed: ``label`` masks it)."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import ArgumentError

from pipeline.errors import PipelineError

__all__ = ["accepts", "label", "engine", "create_whole", "explain", "insert", "size_bytes", "lock_for_migration"]
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
    scheme, rest = location.split("://", 1)
    return f"postgresql+psycopg://{rest}"


def engine(location: str) -> Engine:
    try:
        url = make_url(_with_driver(location))
    except ArgumentError:
        raise PipelineError(f"{label(location)}: not a PostgreSQL URL; write postgresql://USER@HOST:PORT/DATABASE") \
            from None
    created = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10,
                                                                   "application_name": "de-en-brief"})
    where = f"{url.host or 'the local socket'}{f':{url.port}' if url.port else ''}"

    @event.listens_for(created, "handle_error")
    def _one_line(context) -> None:
        if context.is_disconnect or context.connection is None:
            reason = str(context.original_exception).strip().splitlines()[0] if str(context.original_exception) else ""
            raise PipelineError(f"{label(location)}: cannot use the PostgreSQL memory at {where} ({_reason(reason)})")

    return created


def _reason(message: str) -> str:
    """psycopg's first line, less the socket path and address details that repeat the URL."""
    for known, said in (("password authentication failed", "wrong password or user"),
                        ("does not exist", None), ("Connection refused", "is PostgreSQL running there?"),
                        ("permission denied", None), ("no password supplied", "no password: set PGPASSWORD or "
                                                                                "~/.pgpass")):
        if known in message:
            return f"{message.split(': ')[-1]}; {said}" if said else message.split(": ")[-1]
    return message


def create_whole(_location: str, _create) -> None:
    """Nothing to do: the database exists (an administrator made it); its tables are made in one
    transaction under the migration lock."""


def explain(message: str) -> str:
    """What a PostgreSQL error met in use means for the user."""
    if "permission denied" in message or "no schema has been selected" in message:
        return (f"{message}; this database's owner must let the user create and change tables in it "
                "(GRANT CREATE, USAGE ON SCHEMA public)")
    return message


def size_bytes(_location: str, connection) -> int:
    return connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one()


def lock_for_migration(connection) -> None:
    """Two builds opening a new memory at once: one creates the tables, the other waits and finds them."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
