"""The Qt layer: the only package that imports PySide6."""

from kamdesk.gui.refguard import immortalize

immortalize()  # before any widget: PySide6 6.12.0 on CPython 3.11 loses references (refguard)
