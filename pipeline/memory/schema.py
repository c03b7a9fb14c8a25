"""The translation memory's tables, one description for every engine (SQLAlchemy Core).

Sentences are keyed by the SHA-256 of their text (``source_key``), not the text itself: a
PostgreSQL index entry holds at most about 2.7 KB, and a German "sentence" may be a 100 KB
table cell. The text is kept beside its key and compared on every lookup.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Boolean, Column, Float, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

entries = Table(
    "entries", metadata,
    Column("source_key", String(64), primary_key=True),
    Column("origin", String(8), primary_key=True),   # 'mt' or 'human'
    Column("model", Text, primary_key=True),         # package name@version#fingerprint; '' for human entries
    Column("settings", Text, primary_key=True),      # decoding settings; '' for human entries
    Column("source", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("score", Float),                           # mean log-probability per token; NULL for human entries
    Column("parts", Integer, nullable=False, server_default="1"),  # > 1: translated in parts
    Column("approved", Boolean, nullable=False, server_default="0"),
    Column("note", Text, nullable=False, server_default=""),
    Column("recorded_from", Text, nullable=False, server_default=""),
    Column("created", Text, nullable=False),
    Column("updated", Text, nullable=False),
    Column("version", Integer, nullable=False, server_default="0"),  # human English: 1 for the first, then + 1
)

human_history = Table(
    "human_history", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_key", String(64), nullable=False),
    Column("source", Text, nullable=False),
    Column("target", Text, nullable=False),
    Column("approved", Boolean, nullable=False),
    Column("note", Text, nullable=False),
    Column("recorded_from", Text, nullable=False),
    Column("recorded", Text, nullable=False),
    Column("version", Integer, nullable=False, server_default="0"),
    Column("author", Text, nullable=False, server_default=""),
    Index("human_history_by_source", "source_key", "id"),
)

alignment_corrections = Table(
    "alignment_corrections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("english", Text, nullable=False),  # the English file's name ('': any, from before it was recorded)
    Column("source_key", String(64), nullable=False),
    Column("source", Text, nullable=False),
    Column("target", Text, nullable=False),   # '': this German shares the English of the sentence before it
    Column("approved", Boolean, nullable=False),
    Column("note", Text, nullable=False),
    Column("recorded_from", Text, nullable=False),
    Column("recorded", Text, nullable=False),
    Index("alignment_corrections_by_source", "source_key", "english", "id"),
)


def source_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
