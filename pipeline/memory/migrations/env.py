"""Alembic's environment for the translation memory: always run by ``pipeline.memory`` on a
connection it holds inside its own write transaction (``config.attributes["connection"]``),
never from a command line or an ``alembic.ini``."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():  # the caller's transaction: committed, or rolled back, by it
    context.run_migrations()
