"""A closed window lets go of everything it made: no live menu, no Python side kept alive."""

import gc
import weakref

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QMenu

from nnviz.app.later import call_later


def _window(qtbot, seed_session):
    """A shown, active window on its own Document (deleted with it by `_delete`)."""
    from nnviz.app.document import Document
    from nnviz.app.main_window import MainWindow

    win = MainWindow(Document(seed_session), persist=False)
    win.resize(1024, 768)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    return win


def _delete(*objects) -> None:
    for o in objects:
        o.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    gc.collect()


def _menus() -> list[QMenu]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu)]


def test_a_window_closed_in_presenter_mode_is_freed(qtbot, seed_session):
    """Closing in presenter mode leaves it, which puts the layout back on the next turn of
    the event loop: a window deleted before that turn was kept alive for ever."""
    win = _window(qtbot, seed_session)
    qtbot.keyClick(win.step_view, Qt.Key.Key_F5)
    assert win.presenter
    win.close()
    gone = weakref.ref(win)
    _delete(win, win.doc)
    del win
    gc.collect()
    assert gone() is None


def test_a_deleted_window_leaves_no_menu_even_while_python_holds_it(qtbot, seed_session):
    """pyqtgraph's plot menus are children of their plot, not top-level widgets of their own
    that live as long as Python keeps the plot."""
    before = len(_menus())
    win = _window(qtbot, seed_session)
    win.close()
    _delete(win, win.doc)
    assert len(_menus()) == before  # `win` is still held here


def test_call_later_calls_once_and_lets_go_with_its_object(qapp):
    calls: list[int] = []

    class Owner(QObject):
        def slot(self) -> None:
            calls.append(1)

    fired = Owner()
    call_later(fired, fired.slot)
    qapp.processEvents()
    qapp.processEvents()
    assert calls == [1]
    dropped = Owner()
    call_later(dropped, dropped.slot)
    gone = weakref.ref(dropped)
    _delete(dropped)
    del dropped
    gc.collect()
    qapp.processEvents()
    assert gone() is None and calls == [1]
