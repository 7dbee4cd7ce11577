"""The main window's parts, one mixin module per concern over a shared base (``base.py``):
the search, the portfolio list, the dossier's tabs, the pages and workspaces, the checklist's
jumps into the dossier, new and deleted records, imports and the dossier's PDF. They are put
together in ``kamdesk/gui/mainwindow.py``."""
