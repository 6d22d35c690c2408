"""The layer diagram: neurons as nodes in columns, weights as edges, for one sample.

What is drawn (positions, colours, widths, marks, texts) is built as data by
`diagram_scene.DiagramScene` on the Document's signals, on resize and on a theme change,
and painted by `diagram_paint.DiagramPainter` from parts it keeps (a step repaints only what
changed); this widget hit-tests the mouse against it and writes tooltips. Clicking or
hovering an edge or a node focuses the matching cell of the step.
"""

# ruff: noqa: N802 -- Qt's names: overrides (paintEvent, mousePressEvent)

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from nnviz.app.document import Document
from nnviz.app.guard import guarded
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.diagram_layout import (
    Geometry,
    cell_of_unit,
    cell_of_weight,
    distance_to_segment,
    unit_label,
)
from nnviz.app.views.diagram_paint import DiagramPainter
from nnviz.app.views.diagram_scene import ACTIVATIONS, DELTA, DiagramScene, Texts
from nnviz.app.views.diagram_shapes import (
    MAX_EDGE_WIDTH,
    MAX_EDGES_SAMPLED,
    MIN_EDGE_WIDTH,
    EdgeShape,
    NodeShape,
)
from nnviz.app.views.follow import follow
from nnviz.app.views.unit_maps import UnitMaps  # playback's hook: hidden units' maps
from nnviz.core.convention import layer_name
from nnviz.core.formatting import format_value

__all__ = [
    "ACTIVATIONS",
    "DELTA",
    "MAX_EDGES_SAMPLED",
    "MAX_EDGE_WIDTH",
    "MIN_EDGE_WIDTH",
    "EdgeShape",
    "LayerDiagram",
    "NodeShape",
]


class LayerDiagram(QWidget):
    """The network of the session on screen. Observes `doc`; writes only focus to it."""

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.unit_maps = UnitMaps(doc)
        self.setObjectName("layerDiagram")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 180)
        self.setAccessibleName("Network diagram")
        self.scale = 1.0
        self.model = DiagramScene(doc)
        self._hovering = False  # the Document's hover is ours (set from this widget)
        self._stale = True  # the picture is rebuilt when next painted or read
        self.drawn: list[tuple[QRectF, QFont, str]] = []  # texts of the last paint (tests)
        self.painter = DiagramPainter(self)  # keeps the picture and its parts as pixmaps
        # It fills its whole rect: the dock beneath it need not paint first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        follow(doc, self.refresh, iteration=True)
        self.refresh()

    @guarded(QSize())
    def sizeHint(self) -> QSize:
        return QSize(320, 360)

    @guarded(QSize())
    def minimumSizeHint(self) -> QSize:
        return QSize(200, 180)

    def set_scale(self, scale: float) -> None:
        """Type and node size factor: 1 at a desk, larger in presenter mode."""
        self.scale = scale
        self.refresh()

    # --- refresh ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """The Document changed: rebuild the picture once, when it is next painted or read
        (a step emits several signals; a hover sweep over the heatmaps emits many)."""
        self._stale = True
        self.update()

    def _ensure(self) -> None:
        if self._stale or current_theme() is not self.model.theme:  # or the app's theme changed
            self._stale = False
            self.painter.forget()
            self.model.scale = self.scale
            self.model.build(self.width(), self.height())  # reads the Document only

    # The picture, as last built from the Document (rebuilt first if stale).
    @property
    def theme(self) -> Theme:
        return self.model.theme

    @property
    def geometry_(self) -> Geometry:
        self._ensure()
        assert self.model.geometry is not None  # built by _ensure
        return self.model.geometry

    @property
    def edges(self) -> list[EdgeShape]:
        self._ensure()
        return self.model.edges

    @property
    def nodes(self) -> list[NodeShape]:
        self._ensure()
        return self.model.nodes

    @property
    def texts(self) -> Texts:
        self._ensure()
        return self.model.texts

    @property
    def sample(self) -> int:
        """The sample the nodes show, from 0."""
        self._ensure()
        return self.model.sample

    @property
    def quantity(self) -> str:
        """ACTIVATIONS or DELTA."""
        self._ensure()
        return self.model.quantity

    @property
    def lit_layer(self) -> int:
        self._ensure()
        return self.model.lit_layer

    @property
    def fonts(self) -> dict[str, QFont]:
        self._ensure()
        return self.model.fonts

    # --- painting ----------------------------------------------------------------------------
    @guarded(None)
    def paintEvent(self, event: QPaintEvent) -> None:
        self._ensure()
        p = QPainter(self)
        try:  # ended even if a shape cannot be drawn (the guard logs why)
            self.drawn = list(self.painter.paint(p))
        finally:
            p.end()

    def heading(self) -> list[tuple[QRectF, QFont, str, bool]]:
        """The title and subtitle lines as drawn: (box, font, text, is the title)."""
        self._ensure()
        return self.painter.heading()

    @guarded(None)
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._stale = True

    # --- hit testing, hover, clicks --------------------------------------------------------------
    def item_at(self, pos: QPointF | QPoint) -> tuple[str, tuple[int, ...]] | None:
        """("node", (layer, unit)) or ("edge", (l, i, j)) under `pos` (widget coordinates)."""
        pt = QPointF(pos)
        r = self.geometry_.radius
        for n in self.nodes:
            dx, dy = n.centre.x() - pt.x(), n.centre.y() - pt.y()
            if dx * dx + dy * dy <= (r + 2) ** 2:
                return "node", n.key
        best: tuple[float, float, EdgeShape] | None = None
        for e in self.edges:
            d, _ = distance_to_segment((pt.x(), pt.y()), (e.a.x(), e.a.y()), (e.b.x(), e.b.y()))
            if d <= max(e.width / 2 + 3, 5.0):
                score = (d, -e.width)
                if best is None or score < best[:2]:
                    best = (*score, e)
        return ("edge", best[2].key) if best is not None else None

    @guarded(None)
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        item = self.item_at(event.position())
        if item is None:
            return
        cell = self.model.cell_for(*item)
        if cell is not None:
            self.doc.select_cell(*cell)

    @guarded(None)
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        cell = self.model.cell_for(*item) if item is not None else None
        if cell is not None:
            self.setCursor(Qt.CursorShape.PointingHandCursor)  # a click selects it
            self._hovering = True
            self.doc.hover_cell(*cell)
            return
        self.unsetCursor()
        if self._hovering:
            self._hovering = False
            self.doc.clear_hover()

    @guarded(None)
    def leaveEvent(self, event: QEvent) -> None:
        if self._hovering:
            self._hovering = False
            self.doc.clear_hover()
        super().leaveEvent(event)

    @guarded(False)
    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            text = self.tooltip_at(e.pos())
            if text:
                QToolTip.showText(e.globalPos(), text, self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def tooltip_at(self, pos: QPointF | QPoint) -> str:
        """What hovering `pos` tells: the weight or the unit's value, through format_value."""
        item = self.item_at(pos)
        if item is None:
            return ""
        what, key = item
        s = self.doc.trace.session
        precision = self.doc.precision
        conv = s.convention
        if what == "edge":
            l, i, j = key
            w = float(s.W[l - 1][i, j])
            row, col = cell_of_weight(conv, i, j)
            first = f"{layer_name('W', l)}[{row},{col}] = {format_value(w, precision)}"
            lines = [first, f"from {unit_label(l - 1, j, s.depth)} to {unit_label(l, i, s.depth)}"]
            change = self.model.change
            if change is not None and change[0] == l:
                after = format_value(float(self.doc.trace.W_next[l - 1][i, j]), precision)
                moved = format_value(float(change[1][i, j]), precision)
                sign = "+" if not moved.startswith("-") else ""
                lines.append(f"this update: {format_value(w, precision)} → {after} ({sign}{moved})")
            lines.extend(self._step_cell_line(what, key, exclude=first))
            return "\n".join(lines)
        k, u = key
        node = next(n for n in self.nodes if n.key == key)
        lines = [f"{unit_label(k, u, s.depth)} · sample {self.sample + 1}"]
        row, col = cell_of_unit(conv, u, self.sample)
        if node.state == "none":
            x = format_value(float(s.X[u, self.sample]), precision)
            lines.append(f"X[{row},{col}] = {x}; an input has no δ")
        else:
            sym = "X" if k == 0 else layer_name("A" if self.quantity == ACTIVATIONS else "δ", k)
            if node.state == "pending":
                lines.append(f"{sym}: not computed yet at this step")
            else:
                if k == 0:
                    v = s.X[u, self.sample]
                elif self.quantity == ACTIVATIONS:
                    v = self.doc.trace.forward.A[k - 1][u, self.sample]
                else:
                    v = self.doc.trace.backward.delta[k - 1][u, self.sample]
                lines.append(f"{sym}[{row},{col}] = {format_value(float(v), precision)}")
        lines.extend(self._step_cell_line(what, key, exclude=lines[-1]))
        return "\n".join(lines)

    def _step_cell_line(self, what: str, key: tuple[int, ...], exclude: str) -> list[str]:
        """The step's own cell for an item, as a tooltip line ("P⁽¹⁾[0,0] = 0.9 (this step)")."""
        cell = self.model.cell_for(what, key)
        if cell is None:
            return []
        target, row, col = cell
        op = self.model._operand(self.doc.step, target)
        if op is None:
            return []
        value = format_value(float(op.value[row, col]), self.doc.precision)
        text = f"{op.label}[{row},{col}] = {value}"
        return [] if text == exclude else [f"{text} (this step)"]

    # --- for tests and tools ------------------------------------------------------------------
    def node_center(self, layer: int, unit: int) -> QPoint | None:
        for n in self.nodes:
            if n.key == (layer, unit):
                return n.centre.toPoint()
        return None

    def edge(self, layer: int, i: int, j: int) -> EdgeShape | None:
        for e in self.edges:
            if e.key == (layer, i, j):
                return e
        return None

    def node(self, layer: int, unit: int) -> NodeShape | None:
        for n in self.nodes:
            if n.key == (layer, unit):
                return n
        return None

    def edge_point(self, layer: int, i: int, j: int) -> QPoint | None:
        """A pixel on the edge where a click picks this edge: its midpoint, or the nearest
        point along it that no crossing edge or node shares."""
        e = self.edge(layer, i, j)
        if e is None:
            return None
        for t in (0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7, 0.25, 0.75):
            pt = (e.a + (e.b - e.a) * t).toPoint()
            if self.item_at(pt) == ("edge", e.key):
                return pt
        return None

    def marked(self) -> dict[tuple[str, tuple[int, ...]], str]:
        """Every outlined item: ("edge", (l, i, j)) or ("node", (layer, unit)) -> its mark."""
        out: dict[tuple[str, tuple[int, ...]], str] = {}
        for e in self.edges:
            if e.mark:
                out[("edge", e.key)] = e.mark
        for n in self.nodes:
            if n.mark:
                out[("node", n.key)] = n.mark
        return out

    def title(self) -> str:
        return self.texts.title

    def subtitle(self) -> str:
        return self.texts.subtitle
