"""The gradient check, visible: for every W and b entry of the iteration on screen, backprop's
∂L/∂θ beside the central difference and their relative error, so a learner sees that the
backward pass is right (and where a relu kink makes the numeric value disagree).

The core measures (`gradcheck`) and words it (`gradcheck_report`); this view only lays the
numbers out. The check evaluates the loss twice per entry, so it runs only while the view is
shown, once per iteration, and a network with more than MAX_ENTRIES entries waits for a click.
"""

# ruff: noqa: N802 -- Qt's names: overrides (paintEvent, mouseMoveEvent)

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.document import Document
from nnviz.app.guard import guarded
from nnviz.app.startup import MONO
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.before_paint import drawn_part
from nnviz.app.views.follow import follow, ignore
from nnviz.app.views.in_view import in_view
from nnviz.core.errors import NnvizError
from nnviz.core.formatting import format_value
from nnviz.core.gradcheck import EPSILON, ParameterCheck, gradcheck
from nnviz.core.gradcheck_report import (
    AGREES,
    DISAGREES,
    STATUS_WORDS,
    UNMEASURED,
    ShownCheck,
    shown,
    summary,
)
from nnviz.core.gradcheck_report import (
    WITHIN_NOISE as NOISE,
)
from nnviz.core.session import Session
from nnviz.core.types import Mat

MAX_ENTRIES = 2_000  # past this, two losses per entry take long enough to wait for a click

# Cell backgrounds of the error grid by status, per theme: readable in greyscale too (the
# disagreeing cells are the darkest in light, the brightest in dark).
STATUS_COLOURS = {
    "light": {AGREES: "#d9efd9", NOISE: "#fbe7b5", DISAGREES: "#e0735f", UNMEASURED: "#d0d0d0"},
    "dark": {AGREES: "#1f3d26", NOISE: "#5a4a1c", DISAGREES: "#c4503c", UNMEASURED: "#3a3a3a"},
}


class NumberGrid(QWidget):
    """A small matrix of numbers with a background per cell and a tooltip per cell."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.texts: list[list[str]] = []
        self.colours: list[list[QColor | None]] = []
        self.tips: list[list[str]] = []
        self.theme: Theme = current_theme()
        self.setMouseTracking(True)
        self._font = QFont(MONO)
        self._font.setPixelSize(13)
        self._title_font = QFont()
        self._title_font.setPixelSize(12)

    def set_cells(
        self,
        texts: list[list[str]],
        colours: list[list[QColor | None]],
        tips: list[list[str]],
        theme: Theme,
    ) -> None:
        self.texts, self.colours, self.tips, self.theme = texts, colours, tips, theme
        self.updateGeometry()
        self.update()

    def _cell_size(self) -> QSize:
        fm = QFontMetrics(self._font)
        widest = max((fm.horizontalAdvance(t) for row in self.texts for t in row), default=0)
        return QSize(widest + 12, fm.height() + 8)

    def _title_height(self) -> int:
        return QFontMetrics(self._title_font).height() + 4

    @guarded(QSize(0, 0))
    def sizeHint(self) -> QSize:
        cell = self._cell_size()
        rows = len(self.texts)
        cols = len(self.texts[0]) if rows else 0
        title_w = QFontMetrics(self._title_font).horizontalAdvance(self.title) + 4
        height = rows * cell.height() + self._title_height() + 2
        return QSize(max(cols * cell.width(), title_w) + 2, height)

    @guarded(QSize(0, 0))
    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def cell_at(self, pos: QPoint) -> tuple[int, int] | None:
        cell = self._cell_size()
        y = pos.y() - self._title_height()
        if y < 0 or not self.texts:
            return None
        r, c = y // cell.height(), pos.x() // cell.width()
        if r < len(self.texts) and c < len(self.texts[0]):
            return r, c
        return None

    @guarded(None)
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        theme = self.theme
        p.setFont(self._title_font)
        p.setPen(QColor(theme.muted))
        top = self._title_height()
        p.drawText(QRect(0, 0, self.width(), top), Qt.AlignmentFlag.AlignLeft, self.title)
        p.setFont(self._font)
        cell = self._cell_size()
        for r, row in enumerate(self.texts):
            for c, text in enumerate(row):
                rect = QRect(c * cell.width(), top + r * cell.height(), cell.width(), cell.height())
                colour = self.colours[r][c]
                p.fillRect(rect, colour if colour is not None else QColor(theme.alt_base))
                p.setPen(QColor(theme.grid if theme.name == "dark" else "#c8c8c8"))
                p.drawRect(rect.adjusted(0, 0, -1, -1))
                p.setPen(QColor(_text_on(colour, theme)))
                p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        p.end()

    @guarded(None)
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        where = self.cell_at(event.position().toPoint())
        if where is None:
            QToolTip.hideText()
            return
        r, c = where
        QToolTip.showText(event.globalPosition().toPoint(), self.tips[r][c], self)


def _text_on(colour: QColor | None, theme: Theme) -> str:
    if colour is None:
        return theme.text
    return "#000000" if colour.lightnessF() > 0.55 else "#ffffff"


class ParameterRow(QWidget):
    """One parameter: its verdict, then backprop | central difference | relative error."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self)
        self.heading.setObjectName("gradcheckHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.analytic = NumberGrid("backprop ∂L/∂θ", self)
        self.numeric = NumberGrid("central difference", self)
        self.error = NumberGrid("relative error", self)
        grids = QWidget(self)
        self.grid = QGridLayout(grids)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(6)
        self.side_by_side: bool | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addWidget(grids)
        self._arrange(True)

    def grids(self) -> tuple[NumberGrid, NumberGrid, NumberGrid]:
        return self.analytic, self.numeric, self.error

    def _arrange(self, side_by_side: bool) -> None:
        """The three grids in a row when the dock is wide enough, else one under another."""
        if side_by_side == self.side_by_side:
            return
        self.side_by_side = side_by_side
        for g in self.grids():
            self.grid.removeWidget(g)
        for i, g in enumerate(self.grids()):
            row, col = (0, i) if side_by_side else (i, 0)
            self.grid.addWidget(g, row, col, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def fit(self, width: int) -> None:
        needed = sum(g.sizeHint().width() for g in self.grids()) + 2 * 14
        self._arrange(needed <= width)

    def show_check(self, c: ShownCheck, precision: int, theme: Theme) -> None:
        self.heading.setText(f"{c.name}   {c.verdict}")
        palette = {k: QColor(v) for k, v in STATUS_COLOURS[theme.name].items()}
        rows, cols = c.analytic.shape
        a_texts = _texts(c.analytic, precision)
        n_texts = _texts(c.numeric, precision)
        e_texts = [
            [_error_text(c.error[r, k], c.status[r, k]) for k in range(cols)] for r in range(rows)
        ]
        tips = [
            [
                f"{c.name}[{r},{k}]\nbackprop {format_value(c.analytic[r, k], 12)}\n"
                f"central difference {format_value(c.numeric[r, k], 12)} (ε = {EPSILON:g})\n"
                f"relative error {c.error[r, k]:.2e}: {STATUS_WORDS[int(c.status[r, k])]}"
                for k in range(cols)
            ]
            for r in range(rows)
        ]
        plain = [[None] * cols for _ in range(rows)]
        coloured = [[palette[int(c.status[r, k])] for k in range(cols)] for r in range(rows)]
        self.analytic.set_cells(a_texts, plain, tips, theme)
        self.numeric.set_cells(n_texts, plain, tips, theme)
        self.error.set_cells(e_texts, coloured, tips, theme)
        self.fit(self.width())


def _texts(m: Mat, precision: int) -> list[list[str]]:
    return [[format_value(float(x), precision) for x in row] for row in m]


def _error_text(err: float, status: int) -> str:
    if status == UNMEASURED:
        return "—"
    return f"{err:.0e}" if err > 0 else "0"


class GradCheckView(QWidget):
    # What it shows, drawn first when read while out of date (it is drawn before it is
    # painted, when seen: a run of undos checks the iteration once).
    title = drawn_part("title")
    summary = drawn_part("summary")
    rows = drawn_part("rows")
    checks = drawn_part("checks")
    run_button = drawn_part("run_button")

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradcheckView")
        self.doc = doc
        # The words above the scrolled matrices: they wrap at the dock's width, not the
        # widest matrix's.
        self.title = QLabel(self)
        self.title.setObjectName("gradcheckTitle")
        self.title.setWordWrap(True)
        self.summary = QLabel(self)
        self.summary.setObjectName("gradcheckSummary")
        self.summary.setWordWrap(True)
        self.run_button = QPushButton("Check this iteration", self)
        self.run_button.setObjectName("gradcheckRun")
        self.run_button.clicked.connect(self.check_now)
        self.run_button.hide()
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        self.box = QVBoxLayout(inner)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(12)
        self.box.addStretch(1)
        self.scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 6)
        outer.setSpacing(8)
        outer.addWidget(self.title)
        outer.addWidget(self.summary)
        outer.addWidget(self.run_button, 0, Qt.AlignmentFlag.AlignLeft)
        outer.addWidget(self.scroll, 1)
        self.rows: list[ParameterRow] = []
        self.checks: list[ShownCheck] = []
        self._checked: tuple[object, ...] | None = None  # (session, precision, theme) shown
        # The last check measured and the session it measured: new digits or a new theme
        # draw it again without evaluating the loss twice per entry again.
        self._measured: tuple[Session, list[ParameterCheck] | str] | None = None
        self.before_paint = follow(doc, self.refresh, ignore, step=False, iteration=True, lazy=True)

    def _key(self) -> tuple[object, ...]:
        return (self.doc.session, self.doc.precision, current_theme().name)

    @guarded(None)
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        for row in self.rows:
            row.fit(self.scroll.viewport().width())

    @guarded(None)
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def check_now(self) -> None:
        """Check the iteration on screen whatever its size (the button of a big network)."""
        self._refresh(force=True)

    def refresh(self) -> None:
        """Check the iteration on screen, when shown and not already checked (no argument:
        the signals' ids must not reach `force`)."""
        self._refresh(force=False)

    def _refresh(self, force: bool) -> None:
        if not force and not in_view(self):
            return  # checked when in view: the check costs two losses per entry
        if self._key() == self._checked and not force:
            return
        s = self.doc.session
        entries = sum(w.size for w in s.W) + sum(v.size for v in s.b)
        self.title.setText(
            f"Gradient check · iteration {self.doc.iteration}: backprop's ∂L/∂θ beside the "
            f"central difference (L(θ + ε) − L(θ − ε)) / 2ε, ε = {EPSILON:g}, for each of "
            f"the {entries} entries of W and b."
        )
        measured = self._measured if self._measured and self._measured[0] is s else None
        if measured is None and entries > MAX_ENTRIES and not force:
            self._show_rows([])
            self.summary.setText(
                f"{entries} entries: checking evaluates the loss twice per entry, so it waits "
                "for a click (or `nnviz check` from the command line)."
            )
            self.run_button.show()
            self._checked = None
            return
        self.run_button.hide()
        if measured is None or force:
            try:
                result: list[ParameterCheck] | str = gradcheck(s)
            except NnvizError as e:
                result = str(e)
            self._measured = (s, result)
        else:  # the digits or the theme changed: the same check, drawn again
            result = measured[1]
        self._checked = self._key()
        if isinstance(result, str):
            self._show_rows([])
            self.summary.setText(result)
            return
        self.checks = [shown(c, s.convention) for c in result]
        self.summary.setText(summary(result))
        self._show_rows(self.checks, current_theme())

    def _show_rows(self, checks: list[ShownCheck], theme: Theme | None = None) -> None:
        while len(self.rows) > len(checks):
            row = self.rows.pop()
            self.box.removeWidget(row)
            row.deleteLater()
        while len(self.rows) < len(checks):
            row = ParameterRow(self.scroll.widget())
            self.box.insertWidget(self.box.count() - 1, row)
            self.rows.append(row)
        for row, c in zip(self.rows, checks, strict=True):
            row.show_check(c, self.doc.precision, theme or current_theme())
            row.fit(self.scroll.viewport().width())

    def disagreeing(self) -> list[tuple[str, int, int]]:
        """(parameter, row, col) of every entry shown as disagreeing, in the convention."""
        return [
            (c.name, int(r), int(k))
            for c in self.checks
            for r, k in zip(*np.nonzero(c.status == DISAGREES), strict=True)
        ]


__all__ = ["MAX_ENTRIES", "GradCheckView", "NumberGrid"]
