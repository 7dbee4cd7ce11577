"""A guard against a reference-count bug of PySide6 6.12.0 on CPython 3.11.

Measured here: with PySide6 6.12.0 on CPython 3.11, every call of a Qt function that returns
nothing (``setText``, ``setData``, ``QTreeWidgetItem.data`` of an empty role…) takes one
reference from ``None`` without having given it, and every ``Signal.emit`` one from
``True``. CPython 3.12 made these objects immortal, so the bug shows nowhere else; on 3.11
their counts fall with use until one reaches zero and the interpreter aborts ("Fatal Python
error: none_dealloc: deallocating None") — seen here after a few minutes on the large
portfolio. PySide6 6.11.3 does not have the bug, but PySide6-Pdf (the brief's preview) exists
only for 6.12.0. Until a fixed release ships, ``immortalize`` does for the three singletons
what CPython 3.12 does for them: it raises their counts by 2**40, out of reach of any session
(at 10 million lost references a second, 30 hours would take 0.01 % of it). It changes nothing
on other versions, on a debug build or on another Python.
"""

from __future__ import annotations

import ctypes
import sys

# in the same range as CPython 3.12's immortal objects' count (2**32 - 1 on 64 bits is theirs;
# more is harmless: the count is a Py_ssize_t)
IMMORTAL = 1 << 40


def affected(pyside_version: str) -> bool:
    """Whether this interpreter with this PySide6 loses references to None, True, False."""
    return (
        sys.implementation.name == "cpython"
        and sys.version_info < (3, 12)
        and not hasattr(sys, "getobjects")  # a Py_TRACE_REFS build lays PyObject out otherwise
        and pyside_version.startswith("6.12.0")
    )


def immortalize() -> bool:
    """Raise the counts of None, True and False out of reach (once); True if it did."""
    import PySide6

    if not affected(PySide6.__version__):
        return False
    for obj in (None, True, False):
        # CPython 3.11: a PyObject starts with its Py_ssize_t ob_refcnt
        count = ctypes.c_ssize_t.from_address(id(obj))
        if count.value < IMMORTAL:
            count.value += IMMORTAL
    return True
