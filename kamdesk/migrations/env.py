"""Alembic environment for kamdesk.

kamdesk runs migrations itself (``kamdesk.core.storage.db``), handing over a connection whose foreign
keys are OFF: batch mode on SQLite copies, drops and renames tables, and with foreign keys on
the drop cascades into child rows. The whole upgrade is one transaction that ends with
``PRAGMA foreign_key_check``; any violation rolls everything back.

For developers, ``alembic revision --autogenerate`` (with the top-level alembic.ini) works too.
No logging configuration here: in a windowed bundle there is no stderr.
"""

from alembic import context
from sqlalchemy import Connection, create_engine

from kamdesk.core.model.models import metadata

config = context.config


def _include_name(name, type_, parent_names):  # type: ignore[no-untyped-def]
    # Full-text tables are made with raw DDL and are not in the metadata: leave them alone.
    return not (type_ == "table" and name is not None and name.startswith("fts_"))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        # Alembic assumes SQLite DDL is not transactional; with kamdesk's engine it is
        # (db.py emits BEGIN itself), so the whole upgrade commits or rolls back as one.
        transactional_ddl=True,
        include_name=_include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            bad = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if bad:
                raise RuntimeError(f"migration left {len(bad)} broken references: {bad[:5]}")


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:  # only kamdesk runs these migrations, and it always passes a connection
        raise RuntimeError("no connection and no sqlalchemy.url to migrate")
    engine = create_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        _run(conn)
        conn.commit()
