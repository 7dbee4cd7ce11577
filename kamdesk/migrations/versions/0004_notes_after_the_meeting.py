"""notes after the meeting: who was present, objective achieved, next meeting, review comments

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACHIEVED = "objective_achieved IS NULL OR objective_achieved IN ('not', 'partly', 'fully')"


def upgrade() -> None:
    op.create_table(
        "notes_present",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notes_id", sa.Integer(), nullable=False),
        sa.Column("stakeholder_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notes_id"],
            ["meeting_notes.id"],
            name=op.f("fk_notes_present_notes_id_meeting_notes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["stakeholder_id"],
            ["stakeholder.id"],
            name=op.f("fk_notes_present_stakeholder_id_stakeholder"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes_present")),
        sa.UniqueConstraint(
            "notes_id", "stakeholder_id", name=op.f("uq_notes_present_notes_id_stakeholder_id")
        ),
    )
    op.create_index(op.f("ix_notes_present_notes_id"), "notes_present", ["notes_id"], unique=False)
    op.create_index(
        op.f("ix_notes_present_stakeholder_id"), "notes_present", ["stakeholder_id"], unique=False
    )
    # A CHECK on an existing SQLite table needs batch mode (copy, drop, rename); db.py runs
    # migrations with foreign keys off, so the action items and reviews under the notes stay.
    with op.batch_alter_table("meeting_notes") as batch:
        batch.add_column(sa.Column("objective_achieved", sa.String(), nullable=True))
        batch.add_column(sa.Column("next_meeting_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("next_meeting_purpose", sa.String(), nullable=True))
        batch.create_check_constraint("objective_achieved_enum", ACHIEVED)
    with op.batch_alter_table("self_review") as batch:
        batch.add_column(sa.Column("comment", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("self_review") as batch:
        batch.drop_column("comment")
    with op.batch_alter_table("meeting_notes") as batch:
        batch.drop_constraint("objective_achieved_enum", type_="check")
        batch.drop_column("next_meeting_purpose")
        batch.drop_column("next_meeting_on")
        batch.drop_column("objective_achieved")
    op.drop_index(op.f("ix_notes_present_stakeholder_id"), table_name="notes_present")
    op.drop_index(op.f("ix_notes_present_notes_id"), table_name="notes_present")
    op.drop_table("notes_present")
