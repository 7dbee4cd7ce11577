"""readiness substance: on-site meetings, phone numbers, lessons, credit lines, FAQ tags,
explicit "no product" proposals, imported ticks kept apart, and the dossier's own secret

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 10:00:00.000000

Only columns are added (SQLite's ALTER TABLE ADD COLUMN, no table is copied) and one table
created. The new NOT NULL columns get a server default so existing rows are filled. The
dossier's secret (for the HMAC that seals exported ticks) is made here, so every dossier has
one from the moment it exists: new files run all migrations, old files run this one.
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("credit_line", sa.String(), nullable=True))
        batch.add_column(
            sa.Column("on_site", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("phone", sa.String(), nullable=True))
        batch.add_column(sa.Column("lessons", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(
            sa.Column("ticks_unreviewed", sa.JSON(), nullable=False, server_default="[]")
        )
        batch.add_column(
            sa.Column("ticks_seal", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("previous_credit_rating", sa.String(), nullable=True))
    with op.batch_alter_table("proposal") as batch:
        batch.add_column(
            sa.Column("no_product", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("product_faq") as batch:
        batch.add_column(sa.Column("tags", sa.JSON(), nullable=False, server_default="[]"))
    table = op.create_table(
        "dossier_secret",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secret", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_dossier_secret_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_secret")),
    )
    op.bulk_insert(table, [{"id": 1, "secret": secrets.token_hex(32)}])


def downgrade() -> None:
    op.drop_table("dossier_secret")
    with op.batch_alter_table("product_faq") as batch:
        batch.drop_column("tags")
    with op.batch_alter_table("proposal") as batch:
        batch.drop_column("no_product")
    with op.batch_alter_table("client") as batch:
        batch.drop_column("previous_credit_rating")
    with op.batch_alter_table("meeting") as batch:
        for column in ("ticks_seal", "ticks_unreviewed", "lessons", "phone", "on_site"):
            batch.drop_column(column)
        batch.drop_column("credit_line")
