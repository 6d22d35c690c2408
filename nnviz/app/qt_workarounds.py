"""A guard against a reference-counting bug in PySide6 6.12.0 on CPython 3.11.

In that release, every time Qt calls a Python override of a C++ `void` virtual (paintEvent,
resizeEvent, pyqtgraph's paint(), ...) the binding drops one reference to `None` too many.
On CPython < 3.12 `None`, `True` and `False` are ordinary refcounted objects, so after some
thousands of repaints the interpreter aborts with "Fatal Python error: none_dealloc" (or
crashes at exit). PySide6 6.11.0 does not do this; CPython ≥ 3.12 makes these objects
immortal, so the bug is harmless there.

`guard_refcounts()` detects the bug with a probe (a widget whose `resizeEvent` override is
called a few times) and, only when it is present, raises those three objects' reference counts
by 2⁴⁰ so they can never reach zero: effectively what CPython 3.12 does. It is a stopgap; the
real fix is a PySide6 release without the bug.
"""

# ruff: noqa: N802 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

import ctypes
import sys

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget

from nnviz.app.guard import guarded

PAD = 1 << 40
PROBE_CALLS = 32

_guarded = False


class _Probe(QWidget):
    @guarded(None)
    def resizeEvent(self, event: QResizeEvent) -> None:
        pass


def leaks_none() -> bool:
    """Whether Python overrides of void virtuals drop a reference to None (needs a QApplication)."""
    probe = _Probe()  # never shown: resize() calls resizeEvent directly from C++
    before = sys.getrefcount(None)
    for n in range(PROBE_CALLS):
        probe.resize(QSize(10 + n, 10))
    after = sys.getrefcount(None)
    probe.deleteLater()
    return before - after >= PROBE_CALLS // 2


def guard_refcounts() -> bool:
    """Make None/True/False undeletable if the binding leaks them; True when it did so."""
    global _guarded  # once per process: these objects are process-wide
    if _guarded or sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if not leaks_none():
        return False
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += PAD  # ob_refcnt is the first field
    _guarded = True
    return True
