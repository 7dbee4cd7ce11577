"""The Qt-free core of kamdesk: models, storage, rules, reports, import/export.

Nothing in this package may import PySide6 (an import-linter contract and a test enforce it).
"""
