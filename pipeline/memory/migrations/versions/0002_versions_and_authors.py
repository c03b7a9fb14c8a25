"""What a review server needs: a version per sentence's human English (conflict detection: a
save names the version it edited), and each human version's author.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("entries") as entries:
        entries.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("human_history") as history:
        history.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="0"))
        history.add_column(sa.Column("author", sa.Text, nullable=False, server_default=""))
    # Human English recorded before: its versions counted in the order they were recorded.
    op.execute("UPDATE human_history SET version = (SELECT count(*) FROM human_history AS earlier "
               "WHERE earlier.source_key = human_history.source_key AND earlier.id <= human_history.id)")
    op.execute("UPDATE entries SET version = (SELECT count(*) FROM human_history "
               "WHERE human_history.source_key = entries.source_key) WHERE origin = 'human'")
