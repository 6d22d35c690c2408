"""Practice mode over the step's result: blank cells, the learner's marked answers, and the
line editor a learner types an answer into. Draws what it is given (no maths, no grading):
nnviz/app/practice.py decides which cells are blank and how each answer was marked.
"""

# ruff: noqa: N802 -- Qt's names: overrides (paint, boundingRect, keyPressEvent)

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import QLineEdit, QWidget

from nnviz.app.guard import guarded
from nnviz.app.startup import MONO
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.cell_overlay import font_px_for
from nnviz.app.views.heatmap import MatrixItem

RIGHT_COLOUR = "#2e8b57"  # a tick's green
WRONG_COLOUR = "#c8372d"  # a cross's red


@dataclass(frozen=True, slots=True)
class ShownMark:
    right: bool
    text: str  # the learner's number, as the formatter writes it


def _blend(a: str, b: str, t: float) -> QColor:
    """`a` mixed with `t` of `b`: an opaque tint (it must hide the true colour under it)."""
    ca, cb = QColor(a), QColor(b)
    return QColor(
        round(ca.red() * (1 - t) + cb.red() * t),
        round(ca.green() * (1 - t) + cb.green() * t),
        round(ca.blue() * (1 - t) + cb.blue() * t),
    )


class PracticeOverlay(pg.GraphicsObject):
    """Over the result's heatmap: blank cells filled with the window colour and a `?`, marked
    cells tinted green (right) or red (wrong) with the learner's number and ✓ or ✗."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(15)  # over the numbers (10), under the outlines (20)
        self._shape = (0, 0)
        self.blank: set[tuple[int, int]] = set()
        self.marks: dict[tuple[int, int], ShownMark] = {}
        self._theme: Theme = current_theme()
        self._font = QFont(MONO)
        self._host: MatrixItem | None = None

    def attach(self, host: MatrixItem | None) -> None:
        """Draw over `host` (the result's slot), leaving the one drawn over before."""
        if host is self._host:
            return
        if self._host is not None:
            self._host.vb.removeItem(self)
        self._host = host
        if host is not None:
            host.vb.addItem(self)

    def show_state(
        self,
        shape: tuple[int, int],
        blank: set[tuple[int, int]],
        marks: dict[tuple[int, int], ShownMark],
        tooltip: str,
    ) -> None:
        self.prepareGeometryChange()
        self._shape, self.blank, self.marks = shape, set(blank), dict(marks)
        self._theme = current_theme()
        self.setToolTip(tooltip)
        self.setVisible(bool(blank or marks))
        self.update()

    @guarded(QRectF())
    def boundingRect(self) -> QRectF:
        rows, cols = self._shape
        return QRectF(0, 0, cols, rows)

    @guarded(None)
    def paint(self, p: QPainter, *args: object) -> None:
        t = p.transform()
        cell_h = abs(t.m22())
        p.save()
        try:
            p.resetTransform()
            self._font.setPixelSize(round(font_px_for(cell_h)))
            p.setFont(self._font)
            theme = self._theme
            for i, j in self.blank:
                box = t.mapRect(QRectF(j, i, 1, 1))
                p.fillRect(box, QColor(theme.base))
                p.setPen(QColor(theme.muted))
                p.drawText(box, Qt.AlignmentFlag.AlignCenter, "?")
            for (i, j), m in self.marks.items():
                box = t.mapRect(QRectF(j, i, 1, 1))
                colour = RIGHT_COLOUR if m.right else WRONG_COLOUR
                p.fillRect(box, _blend(theme.base, colour, 0.28))
                pen = QPen(QColor(colour))
                pen.setWidthF(2.5)
                p.setPen(pen)
                p.drawRect(box.adjusted(1.5, 1.5, -1.5, -1.5))
                p.setPen(QColor(theme.text))
                p.drawText(box, Qt.AlignmentFlag.AlignCenter, m.text)
                p.setPen(QColor(colour))
                corner = QRectF(box.right() - 16, box.top() + 1, 15, 15)
                p.drawText(corner, Qt.AlignmentFlag.AlignCenter, "✓" if m.right else "✗")
        finally:
            p.restore()


class AnswerEditor(QLineEdit):
    """The line a learner types an answer into, over a blank cell. Enter gives the answer,
    Tab too (then the next blank cell opens), Esc closes it unanswered."""

    committed = Signal(int, int, str, bool)  # row, col, text, go on to the next cell

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("practiceAnswer")
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setFont(QFont(MONO))
        self.setPlaceholderText("?")
        self.cell: tuple[int, int] | None = None
        self.hide()

    def open_at(self, cell: tuple[int, int], rect: QRectF, tip: str) -> None:
        self.cell = cell
        self.setGeometry(rect.toAlignedRect().adjusted(1, 1, -1, -1))
        font = self.font()
        font.setPixelSize(max(11, round(font_px_for(rect.height()))))
        self.setFont(font)
        self.setToolTip(tip)
        self.clear()
        self.show()
        self.raise_()
        self.setFocus()

    @guarded(False)
    def event(self, event: QEvent) -> bool:
        """Tab is the answer's, not focus navigation's (which takes it before keyPressEvent)."""
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Tab:  # type: ignore[attr-defined]
            self.keyPressEvent(event)  # type: ignore[arg-type]
            return True
        return super().event(event)

    @guarded(None)
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab) and self.cell:
            cell, self.cell = self.cell, None
            self.hide()
            self.committed.emit(*cell, self.text(), key == Qt.Key.Key_Tab)
            return
        if key == Qt.Key.Key_Escape:
            self.cell = None
            self.hide()
            return
        super().keyPressEvent(event)

    def cell_rect(self, host: MatrixItem, view: pg.GraphicsView, i: int, j: int) -> QRectF:
        """Cell (i, j) of `host` in `view`'s viewport pixels."""
        a = view.mapFromScene(host.cell_scene_pos(i, j, (0.0, 0.0)))
        b = view.mapFromScene(host.cell_scene_pos(i, j, (1.0, 1.0)))
        return QRectF(QPointF(a), QPointF(b)).normalized()
