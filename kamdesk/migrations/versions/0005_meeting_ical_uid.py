"""meeting: iCalendar UID and occurrence of imported meetings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 21:00:00.000000

Two nullable columns, so adding them copies no table (SQLite's ALTER TABLE ADD COLUMN).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ical_uid", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "ical_recurrence_id", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("ical_recurrence_id")
        batch_op.drop_column("ical_uid")
