"""The memory's tables, sentences keyed by their SHA-256; a SQLite memory from before Alembic
(schema 1 to 3, ``PRAGMA user_version``) is carried over in place, every entry and every human
version, its alignment merges (empty human English) moved to ``alignment_corrections``.

Revision ID: 0001
Revises:
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None

_BATCH = 5_000
LEGACY_REFUSAL = 100
"""``PRAGMA user_version`` of a SQLite memory kept by Alembic: more than any schema before it (1 to 3)."""


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _tables() -> dict[str, sa.Table]:
    """The tables as this revision made them (a revision never follows later changes of ``schema``)."""
    entries = op.create_table(
        "entries",
        sa.Column("source_key", sa.String(64), primary_key=True),
        sa.Column("origin", sa.String(8), primary_key=True),
        sa.Column("model", sa.Text, primary_key=True),
        sa.Column("settings", sa.Text, primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("parts", sa.Integer, nullable=False, server_default="1"),
        sa.Column("approved", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("recorded_from", sa.Text, nullable=False, server_default=""),
        sa.Column("created", sa.Text, nullable=False),
        sa.Column("updated", sa.Text, nullable=False),
    )
    versions = {}
    for name, extra in (("human_history", []), ("alignment_corrections", [sa.Column("english", sa.Text, nullable=False)])):
        versions[name] = op.create_table(
            name,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            *extra,
            sa.Column("source_key", sa.String(64), nullable=False),
            sa.Column("source", sa.Text, nullable=False),
            sa.Column("target", sa.Text, nullable=False),
            sa.Column("approved", sa.Boolean, nullable=False),
            sa.Column("note", sa.Text, nullable=False),
            sa.Column("recorded_from", sa.Text, nullable=False),
            sa.Column("recorded", sa.Text, nullable=False),
        )
    op.create_index("human_history_by_source", "human_history", ["source_key", "id"])
    op.create_index("alignment_corrections_by_source", "alignment_corrections", ["source_key", "english", "id"])
    return {"entries": entries, **versions}


def upgrade() -> None:
    bind = op.get_bind()
    legacy = set(sa.inspect(bind).get_table_names()) & {"entries", "human_history", "alignment_corrections"}
    for name in legacy:
        op.rename_table(name, f"legacy_{name}")
    tables = _tables()
    if legacy:
        _carry_over(bind, legacy, tables)
    if bind.dialect.name == "sqlite":
        # A pipeline from before Alembic reads this number: above its own, it refuses the file in one line.
        op.execute(f"PRAGMA user_version={LEGACY_REFUSAL}")


def _carry_over(bind, legacy: set[str], tables: dict[str, sa.Table]) -> None:
    """Rows of a memory of schema 1 to 3, with their keys; then the old tables go."""
    def rows(name: str):
        order = "created, source" if name == "entries" else "id"  # entries had no rowid
        result = bind.execute(sa.text(f"SELECT * FROM legacy_{name} ORDER BY {order}"))
        while batch := result.mappings().fetchmany(_BATCH):
            yield batch

    for batch in rows("entries") if "entries" in legacy else ():
        kept, merges = [], []
        for row in batch:
            row = {**row, "source_key": _key(row["source"]), "parts": row.get("parts", 1),
                   "approved": bool(row["approved"])}
            if row["origin"] == "human" and row["target"] == "":  # a merge, as schema 2 recorded it
                merges.append({"english": "", "source_key": row["source_key"], "source": row["source"], "target": "",
                               "approved": row["approved"], "note": row["note"],
                               "recorded_from": row["recorded_from"], "recorded": row["updated"]})
            else:
                kept.append(row)
        if kept:
            bind.execute(tables["entries"].insert(), kept)
        if merges:
            bind.execute(tables["alignment_corrections"].insert(), merges)
    for name in ("human_history", "alignment_corrections"):
        for batch in rows(name) if name in legacy else ():
            bind.execute(tables[name].insert(), [
                {**{key: value for key, value in row.items() if key != "id"}, "source_key": _key(row["source"]),
                 "approved": bool(row["approved"])} for row in batch])
    for name in legacy:
        op.drop_table(f"legacy_{name}")
