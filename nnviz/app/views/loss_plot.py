"""The loss over the iterations reached; the iteration on screen marked. Click to jump."""

# ruff: noqa: N802 -- Qt's names: signals (cursorMoved) and overrides (paintEvent)

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from nnviz.app.document import Document
from nnviz.app.theme import current_theme
from nnviz.core.errors import NnvizError
from nnviz.core.formatting import format_value


class FormattedAxis(pg.AxisItem):
    """Tick labels through the one formatter."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [format_value(v * scale, 3) for v in values]


class LossPlot(pg.PlotWidget):
    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        axes = {"left": FormattedAxis("left"), "bottom": FormattedAxis("bottom")}
        super().__init__(parent=parent, axisItems=axes)
        self.doc = doc
        self.setObjectName("lossPlot")
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(False, False)
        for side in ("left", "bottom"):
            item.getAxis(side).enableAutoSIPrefix(False)
        item.setLabel("bottom", "iteration")
        item.setLabel("left", "loss")
        self.curve = item.plot([], [], symbol="o", symbolSize=6)
        self.marker = pg.ScatterPlotItem(size=13)
        item.addItem(self.marker)
        self.hint = pg.TextItem(
            "Step past the end, or\npress N, to run the\nnext iteration.", anchor=(0, 0)
        )
        item.addItem(self.hint)
        self.setMinimumHeight(140)
        self.scene().sigMouseClicked.connect(self._on_clicked)
        doc.iterationChanged.connect(self._on_iteration_changed)
        doc.traceRecomputed.connect(self.refresh)
        doc.sessionReplaced.connect(self.refresh)
        self.refresh()

    def _on_iteration_changed(self, _iteration: int) -> None:
        self.refresh()

    def refresh(self) -> None:
        theme = current_theme()
        self.setBackground(theme.base)
        points = self.doc.losses()
        xs = [k for k, _ in points]
        ys = [v for _, v in points]
        pen = pg.mkPen(theme.plot_line, width=2)
        self.curve.setData(xs, ys, pen=pen, symbolBrush=theme.plot_line, symbolPen=None)
        k = self.doc.iteration
        self.marker.setData(
            [k], [self.doc.loss], brush=pg.mkBrush(theme.base), pen=pg.mkPen(theme.text, width=2)
        )
        for side in ("left", "bottom"):
            axis = self.getPlotItem().getAxis(side)
            axis.setTextPen(theme.text)
            axis.setPen(theme.muted)
        self.setToolTip(f"iteration {k}: loss {format_value(self.doc.loss, self.doc.precision)}")
        item = self.getPlotItem()
        item.setXRange(0.5, max(xs[-1] if xs else 1, 5) + 0.5, padding=0)
        top = max(ys) if ys else 1.0
        item.setYRange(0.0, top * 1.15 if top > 0 else 1.0, padding=0)
        self.hint.setColor(theme.muted)
        self.hint.setPos(1.25, top * 1.12 if top > 0 else 1.0)
        self.hint.setVisible(len(points) < 2)

    def _on_clicked(self, event: object) -> None:
        if event.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return
        p = self.getPlotItem().vb.mapSceneToView(event.scenePos())  # type: ignore[attr-defined]
        k = round(p.x())
        if self.doc.first_kept_iteration <= k <= self.doc.last_kept_iteration:
            try:
                self.doc.go_to_iteration(k)
            except NnvizError as e:
                self.doc.editRefused.emit(str(e))
