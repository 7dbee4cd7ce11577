"""notes: a private part, and whether the summary may be shared with the client

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 09:00:00.000000

``private`` holds the KAM's own remarks, which never go to the client. ``summary_shared`` says
whether the summary may: notes written before this revision mixed such remarks into the
summary, so every existing row starts not shared (the default chosen for privacy) until the
KAM marks it. Both are added columns: SQLite's ADD COLUMN, no table copy.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_notes") as batch:
        batch.add_column(
            sa.Column("summary_shared", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("private", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting_notes") as batch:
        batch.drop_column("private")
        batch.drop_column("summary_shared")
