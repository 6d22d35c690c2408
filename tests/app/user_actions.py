"""How the tests act as a user does: key presses, clicks and typing in the editors panel,
clicks on the layer diagram; and what the editors show."""

from PySide6.QtCore import QPoint, Qt

from nnviz.app.document import Document
from nnviz.app.views.diagram import LayerDiagram
from nnviz.app.views.editors import MatrixEditors

LEFT = Qt.MouseButton.LeftButton


def press(qtbot, widget, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(widget, key, modifier)


def qt():
    from PySide6.QtCore import Qt

    return Qt


def show_edit_panel(qtbot, win) -> MatrixEditors:
    """View → Edit, then its tab brought forward: the editors shown as a user shows them."""
    if not win.editors_dock.isVisible():
        win.editors_dock.toggleViewAction().trigger()
    win.editors_dock.raise_()
    qtbot.waitUntil(lambda: win.editors is not None and win.editors.isVisible())
    return win.editors


def click_tab(qtbot, w: MatrixEditors, label: str) -> None:
    tabs = [w.selector.tabText(k) for k in range(w.selector.count())]
    k = tabs.index(label)
    qtbot.mouseClick(w.selector, qt().MouseButton.LeftButton, pos=w.selector.tabRect(k).center())
    assert w.selector.currentIndex() == k


def click_cell(qtbot, w: MatrixEditors, i: int, j: int, modifier=None) -> None:
    Qt = qt()
    pos = w.table.visualRect(w.model.index(i, j)).center()
    mods = modifier if modifier is not None else Qt.KeyboardModifier.NoModifier
    qtbot.mouseClick(w.table.viewport(), Qt.MouseButton.LeftButton, mods, pos)


def open_editor(qtbot, w: MatrixEditors, i: int, j: int, how: str):
    """Open the cell editor by double-click or F2; return the QLineEdit."""
    from PySide6.QtWidgets import QAbstractItemView, QLineEdit

    Qt = qt()
    if how == "double-click":
        pos = w.table.visualRect(w.model.index(i, j)).center()
        click_cell(qtbot, w, i, j)  # a double-click's first press: QTest sends only the second
        qtbot.mouseDClick(w.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    else:
        click_cell(qtbot, w, i, j)
        qtbot.keyClick(w.table, Qt.Key.Key_F2)
    assert w.table.state() == QAbstractItemView.State.EditingState
    editor = w.table.indexWidget(w.model.index(i, j))  # the open editor of that cell
    assert isinstance(editor, QLineEdit)
    return editor


def type_into_cell(qtbot, w, i, j, text, how="double-click") -> None:
    Qt = qt()
    editor = open_editor(qtbot, w, i, j, how)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # replace it all
    qtbot.keyClicks(editor, text)
    commit(qtbot, w, editor)


def commit(qtbot, w: MatrixEditors, editor) -> None:
    """Enter in the cell editor; the delegate commits on the next turn of the event loop."""
    from PySide6.QtWidgets import QAbstractItemView

    qtbot.keyClick(editor, qt().Key.Key_Return)
    qtbot.waitUntil(lambda: w.table.state() != QAbstractItemView.State.EditingState)


def shown(w: MatrixEditors, i: int, j: int) -> str:
    return w.model.index(i, j).data()


def w1(doc) -> list[list[float]]:
    return [[doc.cell_value("W", 1, i, j) for j in range(3)] for i in range(2)]


def ctrl(qtbot, widget, key, shift=False) -> None:
    Qt = qt()
    mods = Qt.KeyboardModifier.ControlModifier
    if shift:
        mods |= Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(widget, key, mods)


def _show(qtbot, doc: Document, size=(320, 360)) -> LayerDiagram:
    view = LayerDiagram(doc)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


def _click(qtbot, view: LayerDiagram, point: QPoint) -> None:
    qtbot.mouseClick(view, LEFT, pos=point)
