"""The layer diagram: neurons as nodes, weights as edges (colour = sign, width = magnitude),
nodes coloured by one sample's activations; the layer of the step on screen lit, and the unit
or weight of the focused cell outlined.

Built once per iteration on screen (or edit); stepping only changes opacities and outlines.
Wide layers (784 inputs) show their first and last units with an ellipsis between.
"""

# ruff: noqa: N802 -- Qt's names: overrides (resizeEvent)

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QToolTip,
    QWidget,
)

from nnviz.app.document import RESULT, Document
from nnviz.app.theme import Theme, current_theme
from nnviz.core.formatting import format_value
from nnviz.core.steps import Step

MAX_SHOWN = 10  # units drawn per layer; wider layers show the first 7 and the last 2
HEAD, TAIL = 7, 2
DX, DY, R = 130.0, 60.0, 21.0
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def shown_units(n: int) -> list[int | None]:
    """The unit indices drawn for a layer of n units; None is the ellipsis."""
    if n <= MAX_SHOWN:
        return list(range(n))
    return [*range(HEAD), None, *range(n - TAIL, n)]


def unit_label(layer: int, depth: int, unit: int) -> str:
    letter = "x" if layer == 0 else ("ŷ" if layer == depth else "h")
    return f"{letter}{str(unit + 1).translate(SUBSCRIPTS)}"


@dataclass
class _Edge:
    layer: int  # the layer the edge feeds (1..L)
    unit: int
    source: int
    item: QGraphicsLineItem
    pen: QPen


class NetworkView(QGraphicsView):
    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("networkView")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setMinimumSize(160, 140)
        self._nodes: dict[tuple[int, int], QGraphicsEllipseItem] = {}
        self._node_text: dict[tuple[int, int], QGraphicsSimpleTextItem] = {}
        self._edges: list[_Edge] = []
        self._title: QGraphicsSimpleTextItem | None = None
        self._sample = -1
        doc.sessionReplaced.connect(self.rebuild)
        doc.traceRecomputed.connect(self.recolour)
        doc.iterationChanged.connect(self._on_iteration_changed)
        doc.cursorMoved.connect(self._on_cursor_moved)
        doc.selectionChanged.connect(self.refresh)
        doc.hoverChanged.connect(self.refresh)
        self.rebuild()

    def _on_iteration_changed(self, _iteration: int) -> None:
        self.recolour()

    def _on_cursor_moved(self, _index: int) -> None:
        self.refresh()

    # --- building ---------------------------------------------------------------------------
    def rebuild(self) -> None:
        theme = current_theme()
        scene = self.scene()
        scene.clear()
        self._nodes, self._node_text, self._edges = {}, {}, []
        self.setBackgroundBrush(QColor(theme.base))
        s = self.doc.session
        depth = s.depth
        columns = [shown_units(n) for n in s.layers]
        tallest = max(len(c) for c in columns)
        pos: dict[tuple[int, int], QPointF] = {}
        for layer, units in enumerate(columns):
            top = (tallest - len(units)) * DY / 2
            for k, unit in enumerate(units):
                p = QPointF(layer * DX, top + k * DY)
                if unit is None:
                    dots = scene.addSimpleText(f"⋮ {s.layers[layer]}")
                    dots.setBrush(QColor(theme.muted))
                    dots.setPos(p.x() - 14, p.y() - 12)
                    continue
                pos[(layer, unit)] = p
        for layer in range(1, depth + 1):
            for unit in columns[layer]:
                for source in columns[layer - 1]:
                    if unit is None or source is None:
                        continue
                    a, b = pos[(layer - 1, source)], pos[(layer, unit)]
                    line = scene.addLine(a.x() + R, a.y(), b.x() - R, b.y())
                    self._edges.append(_Edge(layer, unit, source, line, QPen()))
        font = QFont(self.font())
        font.setPixelSize(15)
        for (layer, unit), p in pos.items():
            node = scene.addEllipse(QRectF(p.x() - R, p.y() - R, 2 * R, 2 * R))
            node.setZValue(2)
            text = scene.addSimpleText(unit_label(layer, depth, unit), font)
            text.setZValue(3)
            r = text.boundingRect()
            text.setPos(p.x() - r.width() / 2, p.y() - r.height() / 2)
            self._nodes[(layer, unit)] = node
            self._node_text[(layer, unit)] = text
        title_font = QFont(self.font())
        title_font.setPixelSize(15)
        title_font.setBold(True)
        self._title = scene.addSimpleText("", title_font)
        self._title.setBrush(QColor(theme.text))
        self._title.setPos(-R, -R - 44)
        self._fit()
        self.recolour()

    def recolour(self) -> None:
        """Edges from this iteration's weights; nodes from its activations."""
        theme = current_theme()
        s = self.doc.session
        scales = [float(np.abs(w).max()) or 1.0 for w in s.W]
        for e in self._edges:
            w = float(s.W[e.layer - 1][e.unit, e.source])  # read, not computed
            scale = scales[e.layer - 1]
            colour = QColor(theme.map_stops[-2] if w > 0 else theme.map_stops[1])
            colour.setAlphaF(0.35 + 0.65 * abs(w) / scale)
            e.pen = QPen(colour, 1.0 + 5.0 * abs(w) / scale)
            e.pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._sample = -1
        self.refresh()

    # --- refreshing -------------------------------------------------------------------------
    def _focus(self) -> tuple[Step, int | None, int | None, int | None]:
        """The step, the sample, the lit unit and the lit source of the focused cell."""
        step = self.doc.step
        cell = self.doc.focus_cell()
        if cell is None or cell.target != RESULT or step.scalar:
            return step, None, None, None
        row = step.convention == "row"
        i, j = cell.row, cell.col
        if step.kind in ("grad_W", "W"):  # a weight: (unit, source) in canonical order
            unit, source = (j, i) if row else (i, j)
            return step, None, unit, source
        if step.kind in ("grad_b", "b"):
            return step, None, (j if row else i), None
        sample, unit = (i, j) if row else (j, i)
        if step.kind == "backprop":
            return step, sample, unit, None  # a unit of layer l − 1
        return step, sample, unit, None

    def refresh(self) -> None:
        if self._title is None:
            return
        theme = current_theme()
        s = self.doc.session
        step, sample, unit, source = self._focus()
        lit = step.layer if step.layer is not None else s.depth
        unit_layer = lit - 1 if step.kind == "backprop" else lit
        shown_sample = sample if sample is not None else 0
        if shown_sample != self._sample:
            self._colour_nodes(shown_sample, theme)
        outline = QColor(theme.outline)
        for e in self._edges:
            on = e.layer == lit
            chosen = on and e.unit == unit and (source is None or e.source == source)
            if step.kind == "backprop" and on:
                chosen = e.source == unit
            if chosen:
                pen = QPen(outline, max(2.5, e.pen.widthF()))
            else:
                pen = QPen(e.pen)
                if not on:
                    faded = QColor(pen.color())
                    faded.setAlphaF(pen.color().alphaF() * 0.3)
                    pen.setColor(faded)
            e.item.setPen(pen)
            e.item.setZValue(1 if chosen else 0)
        for (layer, u), node in self._nodes.items():
            chosen = layer == unit_layer and u == unit
            pen = QPen(outline if chosen else QColor(theme.muted), 3.5 if chosen else 1.0)
            node.setPen(pen)
            node.setOpacity(1.0 if layer in (lit - 1, lit) else 0.55)
            self._node_text[(layer, u)].setOpacity(node.opacity())
        layers = "-".join(str(n) for n in s.layers)
        self._title.setText(f"Network {layers} · sample {shown_sample + 1} of {s.batch}")

    def _colour_nodes(self, sample: int, theme: Theme) -> None:
        """Fill each node with its unit's value for `sample`: X for inputs, A after."""
        self._sample = sample
        trace = self.doc.trace
        s = self.doc.session
        cmap = theme.colormap()
        for layer in range(len(s.layers)):
            values = s.X[:, sample] if layer == 0 else trace.forward.A[layer - 1][:, sample]
            scale = float(np.abs(values).max()) or 1.0
            for (lay, u), node in self._nodes.items():
                if lay != layer:
                    continue
                v = float(values[u])
                colour = cmap.map(0.5 + 0.5 * v / scale, mode="qcolor")
                node.setBrush(QBrush(colour))
                light = colour.lightnessF() > 0.55
                self._node_text[(lay, u)].setBrush(QColor("#111111" if light else "#ffffff"))

    def viewportEvent(self, event: QEvent) -> bool:
        """Tooltips are written when asked for: a unit's value or a weight."""
        if event.type() == QEvent.Type.ToolTip:
            text = self.tooltip_at(self.mapToScene(event.pos()))  # type: ignore[attr-defined]
            if text:
                QToolTip.showText(event.globalPos(), text, self)  # type: ignore[attr-defined]
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def tooltip_at(self, p: QPointF) -> str:
        s, depth, digits = self.doc.session, self.doc.session.depth, self.doc.precision
        for (layer, unit), node in self._nodes.items():
            if node.contains(p):
                values = (
                    s.X[:, self._sample]
                    if layer == 0
                    else self.doc.trace.forward.A[layer - 1][:, self._sample]
                )
                value = format_value(float(values[unit]), digits)
                return f"{unit_label(layer, depth, unit)} = {value} (sample {self._sample + 1})"
        for e in self._edges:
            if e.item.contains(p) or e.item.shape().contains(p):
                w = format_value(float(s.W[e.layer - 1][e.unit, e.source]), digits)
                src, dst = (
                    unit_label(e.layer - 1, depth, e.source),
                    unit_label(e.layer, depth, e.unit),
                )
                return f"{src} → {dst}: weight {w}"
        return ""

    def _fit(self) -> None:
        rect = self.scene().itemsBoundingRect().adjusted(-12, -12, 12, 12)
        self.setSceneRect(rect)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    # --- for tests --------------------------------------------------------------------------
    def outlined_units(self) -> set[tuple[int, int]]:
        colour = QColor(current_theme().outline)
        return {k for k, n in self._nodes.items() if n.pen().color() == colour}

    def outlined_edges(self) -> set[tuple[int, int, int]]:
        colour = QColor(current_theme().outline)
        return {(e.layer, e.unit, e.source) for e in self._edges if e.item.pen().color() == colour}
