"""Full-text search index (SQLite FTS5), kept in step by kamdesk.core.storage.search

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # other databases search differently (see kamdesk.core.storage.search)
    # Empty at first: kamdesk fills it when it opens a database whose index is empty.
    op.execute(
        "CREATE VIRTUAL TABLE fts_search USING fts5("
        "kind UNINDEXED, ref_id UNINDEXED, client_id UNINDEXED, title UNINDEXED, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS fts_search")
