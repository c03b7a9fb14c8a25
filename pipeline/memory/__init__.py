"""Translation memory: every sentence's English, kept across builds, in a SQLite file (one
person, the default) or a PostgreSQL database (a team): one storage layer on SQLAlchemy Core,
an engine module per database (``store.ENGINES``) and versioned schema migrations (Alembic,
``migrations/``).

Between segment and translate: a build takes each sentence's English from here when it can
and sends only the rest to the model. Human English (a reviewer's correction, a translator's
TMX) always wins over machine output for the same German sentence. Machine output is keyed by
engine (package, weights, decoding settings), so a new model retranslates machine output but
never human work.

Every write is one transaction, so a killed build leaves the memory as it was before that
write. Every human translation ever recorded is also kept in ``human_history``, so a newer
correction never erases an older one. A reviewer's pairs of a brief of existing English
(alignment merges among them: a German sentence that shares its neighbour's English, and that
neighbour's joined English) are kept apart, in ``alignment_corrections``, tied to the English
file's name: only briefs of that English read them.

Where a memory lives is decided here, without loading the storage layer (``store``, which
imports SQLAlchemy): every verb's start stays quick.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_PATH = Path("memory") / "translation-memory.sqlite"
PATH_VARIABLE = "PIPELINE_MEMORY"


def default_location() -> str:
    return os.environ.get(PATH_VARIABLE) or str(DEFAULT_PATH)
