"""Translation memory: every sentence's English, kept in SQLite across builds.

Between segment and translate: a build takes each sentence's English from here
when it can and sends only the rest to the model. Human English (a reviewer's
correction, a translator's TMX) always wins over machine output for the same
German sentence. Machine output is keyed by engine (package, weights, decoding
settings), so a new model retranslates machine output but never human work.

The database lives outside ``output/`` (``make clean`` never touches it), runs in
WAL mode with a busy timeout so that concurrent builds wait for each other's
short write transactions, and every write is one transaction, so a killed build
leaves the memory as it was before that write. Every human translation ever
recorded is also kept in ``human_history``, so a newer correction never erases
an older one. A reviewer's pairs of a brief of existing English (alignment merges among them: a German
sentence that shares its neighbour's English, and that neighbour's joined English) are kept
apart, in ``alignment_corrections``, tied to the English file's name: only briefs of that
English read them.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.model import Engine, HumanTranslation, MemoryEntry, Translation
from pipeline.text import normalize_text

DEFAULT_PATH = Path("memory") / "translation-memory.sqlite"
PATH_VARIABLE = "PIPELINE_MEMORY"
SCHEMA_VERSION = 3
_ALIGNMENT_TABLE = ("""
CREATE TABLE IF NOT EXISTS alignment_corrections (
    id       INTEGER PRIMARY KEY,
    english  TEXT NOT NULL,   -- the name of the English file whose alignment it corrects ('': any, from schema 2)
    source   TEXT NOT NULL,
    target   TEXT NOT NULL,   -- '': this German shares the English of the sentence before it
    approved INTEGER NOT NULL,
    note     TEXT NOT NULL,
    recorded_from TEXT NOT NULL,
    recorded TEXT NOT NULL
)""", "CREATE INDEX IF NOT EXISTS alignment_corrections_by_source ON alignment_corrections (source, english)")
_MIGRATIONS = {
    1: ("ALTER TABLE entries ADD COLUMN parts INTEGER NOT NULL DEFAULT 1",),
    # Alignment merges (empty human English) move out of the entries every build reads.
    2: (*_ALIGNMENT_TABLE,
        "INSERT INTO alignment_corrections (english, source, target, approved, note, recorded_from, recorded) "
        "SELECT '', source, target, approved, note, recorded_from, updated FROM entries "
        "WHERE origin = 'human' AND target = ''",
        "DELETE FROM entries WHERE origin = 'human' AND target = ''"),
}
"""Statements that bring a memory of schema N to N + 1."""
BUSY_TIMEOUT_SECONDS = 60
_HUMAN_ONLY = Engine(model="", settings="")
"""Human entries carry no model: recalling with this engine finds nothing else."""
_LOOKUP_CHUNK = 500
"""Sources per ``IN (...)`` query; SQLite limits the number of parameters."""

_SCHEMA = ("""
CREATE TABLE IF NOT EXISTS entries (
    source   TEXT NOT NULL,
    origin   TEXT NOT NULL CHECK (origin IN ('mt', 'human')),
    model    TEXT NOT NULL,   -- package name@version#fingerprint; '' for human entries
    settings TEXT NOT NULL,   -- decoding settings; '' for human entries
    target   TEXT NOT NULL,
    score    REAL,            -- mean log-probability per token; NULL for human entries
    parts    INTEGER NOT NULL DEFAULT 1,  -- > 1: too long for the model, translated in parts
    approved INTEGER NOT NULL DEFAULT 0,
    note     TEXT NOT NULL DEFAULT '',
    recorded_from TEXT NOT NULL DEFAULT '',
    created  TEXT NOT NULL,
    updated  TEXT NOT NULL,
    PRIMARY KEY (source, origin, model, settings)
) WITHOUT ROWID""", """
CREATE TABLE IF NOT EXISTS human_history (
    id       INTEGER PRIMARY KEY,
    source   TEXT NOT NULL,
    target   TEXT NOT NULL,
    approved INTEGER NOT NULL,
    note     TEXT NOT NULL,
    recorded_from TEXT NOT NULL,
    recorded TEXT NOT NULL
)""", *_ALIGNMENT_TABLE)


@dataclass(frozen=True)
class Recorded:
    """What recording one human translation changed."""

    translation: HumanTranslation
    replaced: str | None
    """The different human English it replaced, if any (still kept in the history)."""


@dataclass(frozen=True)
class MemoryStats:
    path: Path
    size_bytes: int
    human: int
    approved: int
    machine: int
    engines: tuple[tuple[str, str, int], ...]
    """(model, settings, entries) for every engine with machine entries."""
    history: int
    alignments: int
    """Alignment corrections of existing English, every version."""


def default_path() -> Path:
    return Path(os.environ.get(PATH_VARIABLE) or DEFAULT_PATH)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _create(path: Path) -> None:
    """A new memory appears whole: written with its tables beside ``path`` and linked into place,
    so that whoever finds the file (another build, ``memory stats``, a test waiting for entries)
    finds its schema too. If another build created it meanwhile, theirs is kept."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    os.close(handle)
    try:
        db = sqlite3.connect(temporary, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        finally:
            db.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        Path(temporary).unlink(missing_ok=True)


class TranslationMemory:
    """An open translation memory; use as a context manager."""

    def __init__(self, path: Path):
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                _create(path)
            self._db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise PipelineError(f"{path}: translation memory was written by a newer version of the pipeline "
                                    f"(schema {version}, this one reads {SCHEMA_VERSION}); update the pipeline")
            if version < SCHEMA_VERSION:
                with self._write():
                    # Read again under the write lock: a concurrent build may have upgraded it meanwhile.
                    version = self._db.execute("PRAGMA user_version").fetchone()[0]
                    statements = _SCHEMA if version == 0 else \
                        [sql for step in range(version, SCHEMA_VERSION) for sql in _MIGRATIONS[step]]
                    for statement in statements:
                        self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as error:
            raise PipelineError(f"{path}: cannot open the translation memory ({error}); "
                                f"if it is damaged, restore it from a backup or re-import a TMX export "
                                f"(choose another with --memory)") from None
        except OSError as error:
            raise PipelineError(f"{path}: cannot create the translation memory ({error.strerror}); "
                                f"choose another with --memory or {PATH_VARIABLE}") from None

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *_exc) -> None:
        self._db.close()

    def _write(self):
        """A write transaction that takes the write lock at once (so a concurrent build waits, not fails)."""
        return _Transaction(self._db)

    # -- builds ------------------------------------------------------------------------------

    def recall(self, sources: Sequence[str], engine: Engine) -> list[Translation | None]:
        """Each sentence's English from memory: human first, else this engine's machine output."""
        found: dict[str, Translation] = {}
        unique = list(dict.fromkeys(sources))
        for start in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[start : start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT source, origin, target, score, approved, parts FROM entries WHERE source IN ({marks}) "
                "AND ((origin = 'human' AND target != '') OR (model = ? AND settings = ?))",
                (*chunk, engine.model, engine.settings),
            )
            for source, origin, target, score, approved, parts in rows:
                if origin == "human" or source not in found:
                    found[source] = Translation(text=target, score=score, origin=origin, approved=bool(approved),
                                                parts=parts)
        return [found.get(source) for source in sources]

    def recall_human(self, sources: Sequence[str]) -> list[Translation | None]:
        """Each sentence's human English from memory, if a person recorded one."""
        return [found if found is not None and found.origin == "human" else None
                for found in self.recall(sources, _HUMAN_ONLY)]

    def recall_alignment(self, sources: Sequence[str], english: str) -> list[Translation | None]:
        """Each sentence's English as a reviewer aligned it with the English file named ``english``
        (the newest correction; empty English: the German shares the English of the sentence
        before it). Only briefs of that English read these, never a translated brief."""
        found: dict[str, Translation] = {}
        unique = list(dict.fromkeys(sources))
        for start in range(0, len(unique), _LOOKUP_CHUNK):
            chunk = unique[start : start + _LOOKUP_CHUNK]
            rows = self._db.execute(
                f"SELECT source, target, approved FROM alignment_corrections WHERE source IN "
                f"({','.join('?' * len(chunk))}) AND english IN (?, '') ORDER BY id", (*chunk, english))
            for source, target, approved in rows:
                found[source] = Translation(text=target, score=None, origin="human", approved=bool(approved))
        return [found.get(source) for source in sources]

    def record_alignment(self, translations: Iterable[HumanTranslation], english: str, recorded_from: str) -> int:
        """Record a reviewer's pairs of a brief of the English file named ``english`` (one
        transaction): per German sentence, the English it shows in that file's briefs, or empty
        English where it shares the English of the sentence before it. Kept apart from human
        English, so a merge never reaches a brief the model translates; the newest row wins, so a
        later split undoes an earlier merge. Every version is kept."""
        stamp = now()
        rows = [(english, normalize_text(t.source), normalize_text(t.target), int(t.approved), t.note, recorded_from,
                 stamp) for t in translations]
        with self._write():
            self._db.executemany(
                "INSERT INTO alignment_corrections (english, source, target, approved, note, recorded_from, recorded) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        return len(rows)

    def remember_machine(self, sources: Sequence[str], translations: Sequence[Translation], engine: Engine) -> None:
        """Store machine output for this engine (one transaction)."""
        stamp = now()
        with self._write():
            self._db.executemany(
                "INSERT INTO entries (source, origin, model, settings, target, score, parts, created, updated) "
                "VALUES (?, 'mt', ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (source, origin, model, settings) DO UPDATE SET "
                "target = excluded.target, score = excluded.score, parts = excluded.parts, updated = excluded.updated",
                [(source, engine.model, engine.settings, t.text, t.score, t.parts, stamp, stamp)
                 for source, t in zip(sources, translations)],
            )

    # -- human work --------------------------------------------------------------------------

    def record_human(self, translations: Iterable[HumanTranslation], recorded_from: str) -> list[Recorded]:
        """Record human English (one transaction); the newest wins, every version stays in the history.

        German and English are normalized like the read stage's text: one line, no control or
        invisible characters, whatever file they came from.
        """
        stamp = now()
        results = []
        with self._write():
            for item in translations:
                source, target = normalize_text(item.source), normalize_text(item.target)
                if not source or not target:
                    raise PipelineError(f"human English for {source[:60]!r} is empty; nothing was recorded "
                                        "(an alignment merge is recorded with record_alignment)")
                row = self._db.execute(
                    "SELECT target FROM entries WHERE source = ? AND origin = 'human'", (source,)
                ).fetchone()
                replaced = row[0] if row and row[0] != target else None
                self._db.execute(
                    "INSERT INTO entries (source, origin, model, settings, target, score, approved, note, "
                    "recorded_from, created, updated) VALUES (?, 'human', '', '', ?, NULL, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (source, origin, model, settings) DO UPDATE SET target = excluded.target, "
                    "approved = excluded.approved, note = excluded.note, recorded_from = excluded.recorded_from, "
                    "updated = excluded.updated",
                    (source, target, int(item.approved), item.note, recorded_from, stamp, stamp),
                )
                self._db.execute(
                    "INSERT INTO human_history (source, target, approved, note, recorded_from, recorded) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (source, target, int(item.approved), item.note, recorded_from, stamp),
                )
                results.append(Recorded(translation=item, replaced=replaced))
        return results

    # -- inspection ----------------------------------------------------------------------------

    def entries(self, origin: str | None = None) -> Iterator[MemoryEntry]:
        query = ("SELECT source, target, origin, model, settings, score, approved, note, recorded_from, created, "
                 "updated FROM entries")
        rows = self._db.execute(query + " WHERE origin = ? ORDER BY created, source", (origin,)) if origin else \
            self._db.execute(query + " ORDER BY created, source")
        for row in rows:
            yield MemoryEntry(*row[:6], bool(row[6]), *row[7:])

    def history(self, source: str) -> list[str]:
        """Every human English ever recorded for a sentence, oldest first."""
        rows = self._db.execute("SELECT target FROM human_history WHERE source = ? ORDER BY id",
                                (normalize_text(source),))
        return [target for (target,) in rows]

    def stats(self) -> MemoryStats:
        one = self._db.execute
        human, approved = one("SELECT count(*), coalesce(sum(approved), 0) FROM entries WHERE origin = 'human'").fetchone()
        engines = tuple(one("SELECT model, settings, count(*) FROM entries WHERE origin = 'mt' "
                            "GROUP BY model, settings ORDER BY model, settings"))
        return MemoryStats(
            path=self.path,
            size_bytes=sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file()),
            human=human,
            approved=approved,
            machine=sum(count for _model, _settings, count in engines),
            engines=engines,
            history=one("SELECT count(*) FROM human_history").fetchone()[0],
            alignments=one("SELECT count(*) FROM alignment_corrections").fetchone()[0],
        )


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, _exc, _tb) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
