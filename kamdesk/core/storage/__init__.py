"""The dossier file: its primitives (connections, revisions, the writer lock, conversion
leftovers), the opening policy over them (``db``: PRAGMAs, checks, migrations, the daily
backup, the search index), backups, encryption at rest and the search index. Layered by
import-linter: encryption over db, over backup, over the primitives."""
