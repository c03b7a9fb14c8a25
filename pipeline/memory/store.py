"""The storage layer of the translation memory (``pipeline.memory``): one ``TranslationMemory`` on
SQLAlchemy Core for every engine, its schema brought up to date by Alembic when opened."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from sqlalchemy import Connection, and_, exists, func, inspect, or_, select, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from pipeline.errors import PipelineError
from pipeline.memory import postgresql, sqlite
from pipeline.memory.schema import alignment_corrections, entries, human_history, source_key
from pipeline.model import Engine, HumanTranslation, MemoryEntry, Translation
from pipeline.text import normalize_text

ENGINES: tuple[ModuleType, ...] = (postgresql, sqlite)
"""Database engines, the first that ``accepts`` a ``--memory`` location keeps it; SQLite takes any path."""
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0002"
"""The newest revision in ``MIGRATIONS`` (a test holds the two together)."""
_LOOKUP_CHUNK = 500
"""Sentences per ``IN (...)`` query; SQLite limits the number of parameters."""
_RECONNECT_PAUSE = 1.0
T = TypeVar("T")
_HUMAN_ONLY = Engine(model="", settings="")
"""Human entries carry no model: recalling with this engine finds nothing else."""


@dataclass(frozen=True)
class Recorded:
    """What recording one human translation changed."""

    translation: HumanTranslation
    replaced: str | None
    """The different human English it replaced, if any (still kept in the history)."""
    version: int = 0
    """The sentence's human English is now at this version."""


@dataclass(frozen=True)
class HumanVersion:
    """One recorded version of a sentence's human English."""

    version: int
    target: str
    approved: bool
    note: str
    author: str
    recorded: str
    recorded_from: str


class Conflict(PipelineError):
    """A save that names a version of the sentence's human English that is no longer the newest:
    another reviewer saved meanwhile. Nothing was recorded; ``current`` is theirs."""

    def __init__(self, source: str, edited: int, current: HumanVersion | None) -> None:
        self.source, self.edited, self.current = source, edited, current
        newest = f"version {current.version} by {current.author or 'someone'} at {current.recorded}" if current \
            else "none"
        super().__init__(f"{source[:60]!r}: edited at version {edited}, but its human English is now {newest}; "
                         "nothing was saved")


@dataclass(frozen=True)
class MemoryStats:
    path: str
    """The memory as messages name it (a URL's password masked)."""
    size_bytes: int
    human: int
    approved: int
    machine: int
    engines: tuple[tuple[str, str, int], ...]
    """(model, settings, entries) for every engine with machine entries."""
    history: int
    alignments: int
    """Alignment corrections of existing English, every version."""


def engine_of(location: str) -> ModuleType:
    return next(engine for engine in ENGINES if engine.accepts(location))


def _create(location: str) -> None:
    """A new memory at ``location``, its tables made (and closed again)."""
    with TranslationMemory(location):
        pass


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class TranslationMemory:
    """An open translation memory (a SQLite file's path or a PostgreSQL URL); use as a context manager."""

    def __init__(self, location: str | Path):
        location = str(location)
        self._kind = engine_of(location)
        self._location = location
        self.path = self._kind.label(location)
        self._kind.create_whole(location, _create)
        self._engine = self._kind.engine(location)
        self._writer = self._engine.execution_options(**{sqlite.WRITE: True})
        try:
            self._migrate()
        except BaseException:
            self._engine.dispose()
            raise

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *_exc) -> None:
        self._engine.dispose()

    def _migrate(self) -> None:
        """Bring the schema to this pipeline's newest revision, under the memory's write lock (a
        concurrent build that opens it meanwhile waits, then finds it done); refuse a memory whose
        revision this pipeline does not know (a newer pipeline wrote it). A memory at ``HEAD`` is
        recognised without loading Alembic, which costs a warm build 0.2 s."""
        with self._read() as connection:  # not waited for: a server that is down at the start is one line
            if _revision(connection) == HEAD:
                return
        from alembic import command
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        scripts = ScriptDirectory.from_config(config)
        with self._write() as connection:
            self._kind.lock_for_migration(connection)
            current = _revision(connection)
            if current == scripts.get_current_head():
                return
            if current is not None and current not in {script.revision for script in scripts.walk_revisions()}:
                raise PipelineError(f"{self.path}: translation memory was written by a newer version of the pipeline "
                                    f"(schema revision {current}); update the pipeline")
            if self._kind is sqlite and _legacy_version(connection) > 3:
                raise PipelineError(f"{self.path}: translation memory was written by a newer version of the pipeline "
                                    f"(schema {_legacy_version(connection)}); update the pipeline")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._failing_in_one_line(), self._engine.connect() as connection:
            yield connection

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction: committed whole, or rolled back whole."""
        with self._failing_in_one_line(), self._writer.begin() as connection:
            yield connection

    @contextmanager
    def _failing_in_one_line(self) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as error:
            raise self._one_line(error) from None

    def _one_line(self, error: SQLAlchemyError) -> PipelineError:
        """A database's error (a lost server, no permission, a damaged file) as one line naming the memory."""
        return PipelineError(f"{self.path}: cannot use the translation memory "
                             f"({self._kind.explain(self._location, _first_line(error))})")

    def _run(self, work: Callable[[Connection], T], write: bool = False) -> T:
        """``work`` in one transaction (a write transaction if ``write``); where the engine's server
        went away (a restart), again on a new connection until it is back, for at most the engine's
        ``RECONNECT_SECONDS``: a transaction that failed was rolled back whole, so nothing is lost."""
        waited = 0.0
        while True:
            try:
                with self._writer.begin() if write else self._engine.connect() as connection:
                    return work(connection)
            except SQLAlchemyError as error:
                if not self._kind.reconnects(error) or waited >= self._kind.RECONNECT_SECONDS:
                    raise self._one_line(error) from None
            time.sleep(_RECONNECT_PAUSE)
            waited += _RECONNECT_PAUSE

    # -- builds ------------------------------------------------------------------------------

    def recall(self, sources: Sequence[str], engine: Engine) -> list[Translation | None]:
        """Each sentence's English from memory: human first, else this engine's machine output."""
        wanted = _keyed(sources)
        texts = set(wanted.values())

        def work(connection: Connection) -> dict[str, Translation]:
            found: dict[str, Translation] = {}
            for chunk in _chunks(list(wanted)):
                rows = connection.execute(
                    select(entries.c.source, entries.c.origin, entries.c.target, entries.c.score, entries.c.approved,
                           entries.c.parts)
                    .where(entries.c.source_key.in_(chunk),
                           or_(and_(entries.c.origin == "human", entries.c.target != ""),
                               and_(entries.c.model == engine.model, entries.c.settings == engine.settings))))
                for source, origin, target, score, approved, parts in rows:
                    if source in texts and (origin == "human" or source not in found):
                        found[source] = Translation(text=target, score=score, origin=origin, approved=bool(approved),
                                                    parts=parts)
            return found

        found = self._run(work)
        return [found.get(source) for source in sources]

    def recall_human(self, sources: Sequence[str]) -> list[Translation | None]:
        """Each sentence's human English from memory, if a person recorded one."""
        return [found if found is not None and found.origin == "human" else None
                for found in self.recall(sources, _HUMAN_ONLY)]

    def recall_alignment(self, sources: Sequence[str], english: str) -> list[Translation | None]:
        """Each sentence's English as a reviewer aligned it with the English file named ``english``
        (the newest correction; empty English: the German shares the English of the sentence
        before it). Only briefs of that English read these, never a translated brief."""
        wanted = _keyed(sources)
        texts = set(wanted.values())
        table = alignment_corrections.c

        def work(connection: Connection) -> dict[str, Translation]:
            found: dict[str, Translation] = {}
            for chunk in _chunks(list(wanted)):
                rows = connection.execute(select(table.source, table.target, table.approved)
                                          .where(table.source_key.in_(chunk), table.english.in_((english, "")))
                                          .order_by(table.id))
                for source, target, approved in rows:
                    if source in texts:
                        found[source] = Translation(text=target, score=None, origin="human", approved=bool(approved))
            return found

        found = self._run(work)
        return [found.get(source) for source in sources]

    def remember_machine(self, sources: Sequence[str], translations: Sequence[Translation], engine: Engine) -> None:
        """Store machine output for this engine (one transaction)."""
        stamp = now()
        rows = [{"source_key": source_key(source), "origin": "mt", "model": engine.model, "settings": engine.settings,
                 "source": source, "target": t.text, "score": t.score, "parts": t.parts, "created": stamp,
                 "updated": stamp} for source, t in zip(sources, translations)]
        if rows:
            upsert = self._upsert(("target", "score", "parts", "updated"))
            self._run(lambda connection: connection.execute(upsert, rows), write=True)

    def _upsert(self, updated: tuple[str, ...]):
        """An insert into ``entries`` that updates these columns of an entry that is there."""
        insert = self._kind.insert(entries)
        return insert.on_conflict_do_update(
            index_elements=[entries.c.source_key, entries.c.origin, entries.c.model, entries.c.settings],
            set_={name: insert.excluded[name] for name in updated})

    # -- human work --------------------------------------------------------------------------

    def record_human(self, translations: Iterable[HumanTranslation], recorded_from: str,
                     author: str = "") -> list[Recorded]:
        """Record human English (one transaction); the newest wins, every version stays in the history.

        German and English are normalized like the read stage's text: one line, no control or
        invisible characters, whatever file they came from.
        """
        items = [_normalized(item) for item in translations]
        stamp = now()
        return self._run(lambda connection: [self._save(connection, item, recorded_from, author, stamp)
                                             for item in items], write=True)

    def save_human(self, translation: HumanTranslation, recorded_from: str, author: str,
                   edited_version: int) -> Recorded:
        """Record one sentence's human English as a reviewer saves it: only if its human English is
        still at ``edited_version`` (0: none yet), the version the reviewer edited; else ``Conflict``
        with the version another reviewer saved meanwhile, and nothing is recorded."""
        item = _normalized(translation)
        return self._run(lambda connection: self._save(connection, item, recorded_from, author, now(), edited_version),
                         write=True)

    def _save(self, connection: Connection, item: HumanTranslation, recorded_from: str, author: str, stamp: str,
              edited_version: int | None = None) -> Recorded:
        key = source_key(item.source)
        human = and_(entries.c.source_key == key, entries.c.origin == "human", entries.c.model == "",
                     entries.c.settings == "")
        before = connection.execute(select(entries.c.target, entries.c.version).where(human)).one_or_none()
        values = {"target": item.target, "approved": item.approved, "note": item.note, "recorded_from": recorded_from,
                  "updated": stamp}
        if before is None:
            version = connection.execute(
                self._kind.insert(entries).on_conflict_do_nothing().returning(entries.c.version),
                {**values, "source_key": key, "origin": "human", "model": "", "settings": "", "source": item.source,
                 "score": None, "parts": 1, "created": stamp, "version": 1}).scalar_one_or_none()
            changed = version is not None and edited_version in (None, 0)
        else:  # counted in the database, so two saves at once never both become the same version
            guard = [] if edited_version is None else [entries.c.version == edited_version]
            version = connection.execute(entries.update().where(human, *guard)
                                         .values(**values, version=entries.c.version + 1)
                                         .returning(entries.c.version)).scalar_one_or_none()
            changed = version is not None
        if not changed:
            current = self._versions(connection, item.source)[-1:]
            raise Conflict(item.source, edited_version or 0, current[0] if current else None)
        connection.execute(human_history.insert(), {
            "source_key": key, "source": item.source, "target": item.target, "approved": item.approved,
            "note": item.note, "recorded_from": recorded_from, "recorded": stamp, "version": version,
            "author": author})
        self._kind.notify(connection, key, version)
        replaced = before.target if before is not None and before.target != item.target else None
        return Recorded(translation=item, replaced=replaced, version=version)

    def changes(self, seconds: float) -> Iterator[tuple[str, int]]:
        """Human English recorded by anyone, as it is committed: (German sentence's key, version), for
        ``seconds`` (PostgreSQL's ``LISTEN``; a SQLite memory has no one else to hear from)."""
        return self._kind.changes(self._location, seconds)

    def versions(self, source: str) -> list[HumanVersion]:
        """Every human English recorded for a sentence, oldest first: who, when, from where."""
        return self._run(lambda connection: self._versions(connection, normalize_text(source)))

    @staticmethod
    def _versions(connection: Connection, text: str) -> list[HumanVersion]:
        table = human_history.c
        rows = connection.execute(select(table.source, table.version, table.target, table.approved, table.note,
                                         table.author, table.recorded, table.recorded_from)
                                  .where(table.source_key == source_key(text)).order_by(table.id))
        return [HumanVersion(*row[1:3], bool(row[3]), *row[4:]) for row in rows if row[0] == text]

    def record_alignment(self, translations: Iterable[HumanTranslation], english: str, recorded_from: str) -> int:
        """Record a reviewer's pairs of a brief of the English file named ``english`` (one
        transaction): per German sentence, the English it shows in that file's briefs, or empty
        English where it shares the English of the sentence before it. Kept apart from human
        English, so a merge never reaches a brief the model translates; the newest row wins, so a
        later split undoes an earlier merge. Every version is kept."""
        stamp = now()
        rows = [{"english": english, "source_key": source_key(normalize_text(t.source)),
                 "source": normalize_text(t.source), "target": normalize_text(t.target), "approved": t.approved,
                 "note": t.note, "recorded_from": recorded_from, "recorded": stamp} for t in translations]
        if rows:
            self._run(lambda connection: connection.execute(alignment_corrections.insert(), rows), write=True)
        return len(rows)

    # -- inspection ----------------------------------------------------------------------------

    def digest(self) -> tuple[int, str]:
        """How many entries, human versions and alignment corrections the memory holds, and a
        SHA-256 of their content (every column but ids) in a fixed order: two memories that hold
        the same work have the same digest, whatever their engines."""
        with self._read() as connection:
            return _digest(connection)

    def entries(self, origin: str | None = None) -> Iterator[MemoryEntry]:
        columns = entries.c
        query = select(columns.source, columns.target, columns.origin, columns.model, columns.settings, columns.score,
                       columns.approved, columns.note, columns.recorded_from, columns.created, columns.updated)
        query = (query.where(columns.origin == origin) if origin else query).order_by(columns.created, columns.source)
        with self._read() as connection:
            for row in connection.execution_options(yield_per=1_000).execute(query):
                yield MemoryEntry(*row[:6], bool(row[6]), *row[7:])

    def history(self, source: str) -> list[str]:
        """Every human English ever recorded for a sentence, oldest first."""
        return [version.target for version in self.versions(source)]

    def stats(self) -> MemoryStats:
        return self._run(self._stats)

    def _stats(self, connection: Connection) -> MemoryStats:
        def count(table, *where):
            return connection.execute(select(func.count()).select_from(table).where(*where)).scalar_one()

        human = entries.c.origin == "human"
        engines = tuple(tuple(row) for row in connection.execute(
            select(entries.c.model, entries.c.settings, func.count()).where(entries.c.origin == "mt")
            .group_by(entries.c.model, entries.c.settings).order_by(entries.c.model, entries.c.settings)))
        return MemoryStats(
            path=self.path,
            size_bytes=self._kind.size_bytes(self._location, connection),
            human=count(entries, human),
            approved=count(entries, human, entries.c.approved.is_(True)),
            machine=sum(count_ for _model, _settings, count_ in engines),
            engines=engines,
            history=count(human_history),
            alignments=count(alignment_corrections),
        )


def _normalized(item: HumanTranslation) -> HumanTranslation:
    """German and English as the read stage keeps text; empty human English is refused (an
    alignment merge is recorded with ``record_alignment``)."""
    source, target = normalize_text(item.source), normalize_text(item.target)
    if not source or not target:
        raise PipelineError(f"human English for {source[:60]!r} is empty; nothing was recorded (an alignment merge "
                            "is recorded with record_alignment)")
    return HumanTranslation(source, target, item.approved, item.note)


def _keyed(sources: Sequence[str]) -> dict[str, str]:
    """Each distinct sentence's key → the sentence."""
    return {source_key(source): source for source in dict.fromkeys(sources)}


def _chunks(keys: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        yield keys[start:start + _LOOKUP_CHUNK]


def _revision(connection: Connection) -> str | None:
    """The memory's Alembic revision; ``None`` for a new memory or one from before Alembic."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def _legacy_version(connection) -> int:
    return connection.exec_driver_sql("PRAGMA user_version").scalar_one()


def _first_line(error: SQLAlchemyError) -> str:
    original = error.orig if isinstance(error, DBAPIError) else error
    return (str(original).strip().splitlines() or [type(original).__name__])[0]


_TABLES = (entries, human_history, alignment_corrections)


def _order(table) -> list:
    return [table.c.id] if "id" in table.c else [table.c.source_key, table.c.origin, table.c.model, table.c.settings]


def copy(source: TranslationMemory, target: TranslationMemory) -> tuple[int, str]:
    """Every entry, human version and alignment correction of ``source`` into ``target``, which must
    be empty, in one transaction; then both are read back and compared (``digest``): the copy
    stands only if counts and content agree, else it is undone. Returns the count and digest."""
    with source._read() as reading, target._write() as writing:
        if any(writing.execute(select(exists().select_from(table))).scalar_one() for table in _TABLES):
            raise PipelineError(f"{target.path}: already holds translation memory; copy into a new, empty one")
        for table in _TABLES:
            columns = [column for column in table.c if column.name != "id"]
            batch = []
            for row in reading.execution_options(yield_per=1_000).execute(select(*columns).order_by(*_order(table))):
                batch.append(dict(row._mapping))
                if len(batch) == 1_000:
                    writing.execute(table.insert(), batch)
                    batch = []
            if batch:
                writing.execute(table.insert(), batch)
        copied = _digest(writing)
        expected = _digest(reading)
        if copied != expected:
            raise PipelineError(f"{target.path}: the copy differs from {source.path} ({copied[0]} rows against "
                                f"{expected[0]}); nothing was copied")
    return expected


def _digest(connection) -> tuple[int, str]:
    """Entries in any order (engines sort text by different collations), versions by id."""
    digest, count = hashlib.sha256(), 0
    for table in _TABLES:
        columns = [column for column in table.c if column.name != "id"]
        rows = (hashlib.sha256(repr(tuple(row)).encode("utf-8")).digest() for row in
                connection.execution_options(yield_per=1_000).execute(select(*columns).order_by(*_order(table))))
        for row in sorted(rows) if table is entries else rows:
            digest.update(row)
            count += 1
    return count, digest.hexdigest()
