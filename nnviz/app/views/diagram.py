"""The layer diagram: neurons as nodes in columns, weights as edges, for one sample.

What is drawn (positions, colours, widths, marks, texts) is built as data by
`diagram_scene.DiagramScene` on the Document's signals, on resize and on a theme change;
this widget only paints it, hit-tests the mouse against it and writes tooltips. Clicking or
hovering an edge or a node focuses the matching cell of the step.
"""

# ruff: noqa: N802 -- Qt's names: overrides (paintEvent, mousePressEvent)

import math

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
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
from nnviz.app.views.diagram_scene import (
    ACTIVATIONS,
    DELTA,
    MAX_EDGE_WIDTH,
    MAX_EDGES_SAMPLED,
    MIN_EDGE_WIDTH,
    DiagramScene,
    EdgeShape,
    NodeShape,
    Texts,
    mix,
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
        self._rings: dict[tuple[int, int, float, float, float], QPixmap] = {}
        # The picture as last painted, copied to the screen until the scene is rebuilt (a
        # repaint with nothing changed is one copy), keyed by (width, height, pixel ratio).
        self._frame: tuple[tuple[int, int, float], QPixmap] | None = None
        # The background with the band and the edges, for the few looks of an iteration's
        # steps (the edges change with its weights, the lit layer, the update's layer and the
        # marks): keyed by the scene's edge list and layout (by identity: the scene makes a
        # new list when anything they show changes, and the entry holds both, so an id is
        # not reused), the lit layer, the theme, the size, the pixel ratio and the scale.
        self._grounds: dict[tuple[object, ...], tuple[object, object, QPixmap]] = {}
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
            self._frame = None
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
            p.drawPixmap(0, 0, self._picture(p.device().devicePixelRatioF()))
        finally:
            p.end()

    def _picture(self, dpr: float) -> QPixmap:
        """The whole picture at this size and pixel ratio: the last one painted while the
        scene is the same, else painted now over a copy of the ground."""
        key = (self.width(), self.height(), dpr)
        if self._frame is not None and self._frame[0] == key:
            return self._frame[1]
        frame = QPixmap(self._ground(dpr))  # shares its pixels until painted: then a copy
        p = QPainter(frame)
        try:
            self._paint(p)
        finally:
            p.end()
        self._frame = (key, frame)
        return frame

    def _ground(self, dpr: float) -> QPixmap:
        """The background, the lit layer's band and the edges, painted once per look."""
        m = self.model
        edges, geo = m.edges, m.geometry
        key = (id(edges), id(geo), m.lit_layer, m.theme.key, self.width(), self.height())
        key += (dpr, self.scale)
        kept = self._grounds.get(key)
        if kept is not None:
            return kept[2]
        ground = QPixmap(round(self.width() * dpr), round(self.height() * dpr))
        ground.setDevicePixelRatio(dpr)
        p = QPainter(ground)
        try:
            self._paint_ground(p)
        finally:
            p.end()
        if len(self._grounds) >= 8:  # an iteration has about five looks: the oldest goes
            self._grounds.pop(next(iter(self._grounds)))
        self._grounds[key] = (edges, geo, ground)
        return ground

    def _paint_ground(self, p: QPainter) -> None:
        m, sc = self.model, self.scale
        theme, geo = m.theme, m.geometry
        assert geo is not None  # built by _ensure
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(theme.base))
        r = geo.radius
        # the lit layer's band
        lit = m.lit_layer
        if lit is not None:
            x = geo.columns[lit].x
            half = max(r + 8 * sc, 22 * sc)
            # The highlight at 55 % (45 % dark) over the background, as one opaque colour:
            # the same pixels, but an opaque fill is several times cheaper to paint.
            band = mix(
                QColor(theme.highlight), QColor(theme.base), 0.45 if theme.name == "light" else 0.55
            )
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(band)
            top = geo.top - r - 8 * sc
            bottom = self.height() - 4 * sc
            p.drawRoundedRect(QRectF(x - half, top, 2 * half, bottom - top), 8 * sc, 8 * sc)
        # edges
        for e in m.edges:
            if e.mark:
                halo = QColor(theme.selection if e.mark == "selected" else theme.outline)
                inner = max(e.width, 2.5 * sc)
                pen = QPen(halo, inner + (5 if e.mark == "selected" else 4) * sc)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                p.setPen(pen)
                p.drawLine(e.a, e.b)
                pen = QPen(e.sign_colour, max(e.width, 2.5 * sc))
            else:
                pen = QPen(e.colour, e.width)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)  # 3× cheaper than round; nodes hide the ends
            p.setPen(pen)
            p.drawLine(e.a, e.b)

    def _paint(self, p: QPainter) -> None:
        """Over the ground: the nodes, the units' maps, the labels, values and texts."""
        m = self.model
        theme, sc = m.theme, self.scale
        self.drawn = []
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        geo = m.geometry
        assert geo is not None  # built by _ensure
        r = geo.radius
        fonts = m.fonts
        # nodes
        dpr = p.device().devicePixelRatioF()
        for n in m.nodes:
            width = (1.6 if n.active else 1.0) * sc
            if n.state == "pending":  # hollow, dashed: drawn once per look, then copied
                ring = self._hollow_node(n.fill, n.border, width, r, dpr)
                side = ring.width() / dpr
                p.drawPixmap(QPointF(n.centre.x() - side / 2, n.centre.y() - side / 2), ring)
            else:
                p.setPen(QPen(n.border, width))
                p.setBrush(n.fill)
                p.drawEllipse(n.centre, r, r)
            if n.mark:
                ring = QColor(theme.selection if n.mark == "selected" else theme.outline)
                p.setPen(QPen(ring, (3.5 if n.mark == "selected" else 2.5) * sc))
                p.setBrush(Qt.BrushStyle.NoBrush)
                grow = 1.5 * sc
                p.drawEllipse(n.centre, r + grow, r + grow)
        self.unit_maps.paint(self, p)
        veil = QColor(theme.base)
        veil.setAlphaF(0.85)
        for n in m.nodes:
            if n.font is None:
                continue
            if n.outside:
                self._paint_label_beside(p, n, r, veil)
                continue
            p.setFont(n.font)
            p.setPen(n.label_colour)
            box = QRectF(n.centre.x() - 2 * r, n.centre.y() - r, 4 * r, 2 * r)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, n.label)
        # values under the nodes, on a veil so the edges do not cross them
        p.setFont(fonts["value"])
        vfm = QFontMetricsF(fonts["value"])
        for n in m.nodes:
            if not n.value_text:
                continue
            w, h = vfm.horizontalAdvance(n.value_text) + 6 * sc, vfm.height()
            box = self._inside(QRectF(n.centre.x() - w / 2, n.centre.y() + r + 2 * sc, w, h))
            self.drawn.append((box, fonts["value"], n.value_text))
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(veil)
            p.drawRoundedRect(box, 3 * sc, 3 * sc)
            p.setPen(QColor(theme.text) if n.active else QColor(theme.muted))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, n.value_text)
        # gap markers, on a veil so the edges do not cross them
        p.setFont(fonts["gap"])
        gfm = QFontMetricsF(fonts["gap"])
        gw, gh = gfm.horizontalAdvance("⋮") + 6 * sc, min(gfm.height(), geo.spacing * 0.9)
        for x, y in m.texts.gaps:
            box = QRectF(x - gw / 2, y - gh / 2, gw, gh)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(theme.base))
            p.drawRoundedRect(box, 3 * sc, 3 * sc)
            p.setPen(QColor(theme.muted))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, "⋮")
        self._paint_texts(p)

    def _hollow_node(
        self, fill: QColor, border: QColor, width: float, r: float, dpr: float
    ) -> QPixmap:
        """A node not computed yet (a dashed ring), as a pixmap made once per look and size:
        dashing an antialiased ring costs ~60 µs, and a step draws most nodes hollow."""
        key = (fill.rgba(), border.rgba(), width, r, dpr)
        ring = self._rings.get(key)
        if ring is None:
            if len(self._rings) > 64:  # sizes seen while resizing: start again
                self._rings = {}
            side = math.ceil(2 * (r + width) + 2)
            ring = QPixmap(round(side * dpr), round(side * dpr))
            ring.setDevicePixelRatio(dpr)
            ring.fill(Qt.GlobalColor.transparent)
            q = QPainter(ring)
            q.setRenderHint(QPainter.RenderHint.Antialiasing)
            pen = QPen(border, width)
            pen.setStyle(Qt.PenStyle.DashLine)
            q.setPen(pen)
            q.setBrush(fill)
            q.drawEllipse(QPointF(side / 2, side / 2), r, r)
            q.end()
            self._rings[key] = ring
        return ring

    def _paint_label_beside(self, p: QPainter, n: NodeShape, r: float, veil: QColor) -> None:
        font = self.fonts["value"]
        fm = QFontMetricsF(font)
        w, h = fm.horizontalAdvance(n.label) + 4 * self.scale, fm.height()
        gap = r + 3 * self.scale
        x = n.centre.x() + gap if n.outside > 0 else n.centre.x() - gap - w
        if x + w > self.width():  # no room on the right: on the left of its node
            x = n.centre.x() - gap - w
        elif x < 0:
            x = n.centre.x() + gap
        box = self._inside(QRectF(x, n.centre.y() - h / 2, w, h))
        self.drawn.append((box, font, n.label))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(veil)
        p.drawRoundedRect(box, 3 * self.scale, 3 * self.scale)
        p.setFont(font)
        p.setPen(QColor(self.theme.text) if n.active else QColor(self.theme.muted))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, n.label)

    def heading(self) -> list[tuple[QRectF, QFont, str, bool]]:
        """The title and subtitle lines as drawn: (box, font, text, is the title).

        Each keeps its size while it fits the width; else the type shrinks (to 11 px and
        9 px at a desk), then a line breaks at its " · " and, past that, the type shrinks on
        within the room the scene keeps for the heading. Nothing is elided unless a single
        word is wider than the panel."""
        sc, fonts, t = self.scale, self.fonts, self.texts
        margin = 10 * sc
        width = self.width() - 2 * margin
        room = (
            QFontMetricsF(fonts["title"]).height()
            + QFontMetricsF(fonts["subtitle"]).height()
            + 2 * sc
        )
        for split in (False, True):
            for shrink in range(0, 9):
                lines = self._heading_lines(t.title, t.subtitle, width, split, 1 - shrink / 16)
                if lines is not None and (not split or sum(h for _, h, _, _ in lines) <= room):
                    return self._boxes(lines, margin, width)
        lines = self._heading_lines(t.title, t.subtitle, width, True, 0.5, force=True)
        return self._boxes(lines or [], margin, width)

    def _heading_lines(
        self, title: str, subtitle: str, width: float, split: bool, f: float, force: bool = False
    ) -> list[tuple[str, float, QFont, bool]] | None:
        """The lines at `f` times the fonts' size, or None if one does not fit."""
        sc, fonts = self.scale, self.fonts
        out: list[tuple[str, float, QFont, bool]] = []
        for text, key, least in ((title, "title", 11), (subtitle, "subtitle", 9)):
            font = QFont(fonts[key])
            px = font.pixelSize()
            smallest = min(px, round(least * sc))
            font.setPixelSize(max(round(smallest * f) if split else smallest, round(px * f)))
            fm = QFontMetricsF(font)
            parts = text.split(" · ") if split else [text]
            lines: list[str] = []
            for part in parts:  # as many parts on a line as fit
                joined = f"{lines[-1]} · {part}" if lines else part
                if lines and fm.horizontalAdvance(joined) <= width:
                    lines[-1] = joined
                else:
                    lines.append(part)
            for line in lines:
                if fm.horizontalAdvance(line) > width:
                    if not force:
                        return None
                    line = fm.elidedText(line, Qt.TextElideMode.ElideRight, width)
                out.append((line, fm.height(), font, key == "title"))
        return out

    def _boxes(
        self, lines: list[tuple[str, float, QFont, bool]], margin: float, width: float
    ) -> list[tuple[QRectF, QFont, str, bool]]:
        y, boxes = margin, []
        for n, (text, h, font, is_title) in enumerate(lines):
            if n and is_title is False and lines[n - 1][3]:
                y += 2 * self.scale  # a little air between the title and the subtitle
            boxes.append((QRectF(margin, y, width, h), font, text, is_title))
            y += h
        return boxes

    def _paint_texts(self, p: QPainter) -> None:
        theme, sc, fonts, t = self.theme, self.scale, self.fonts, self.texts
        margin = 10 * sc
        for box, font, text, is_title in self.heading():
            self.drawn.append((box, font, text))
            p.setFont(font)
            p.setPen(QColor(theme.text if is_title else theme.muted))
            p.drawText(box, Qt.AlignmentFlag.AlignLeft, text)
        # captions under the columns
        cfm, nfm = QFontMetricsF(fonts["caption"]), QFontMetricsF(fonts["count"])
        elided = any(b for _, _, b, _ in t.captions)
        y = self.height() - margin - cfm.height() - (nfm.height() if elided else 0)
        for x, a, b, lit in t.captions:
            f = QFont(fonts["caption"])
            f.setBold(lit)
            p.setFont(f)
            p.setPen(QColor(theme.text) if lit else QColor(theme.muted))
            w = QFontMetricsF(f).horizontalAdvance(a) + 4 * sc
            box = self._inside(QRectF(x - w / 2, y, w, cfm.height()))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, a)
            self.drawn.append((box, f, a))
            if b:
                p.setFont(fonts["count"])
                p.setPen(QColor(theme.muted))
                w = nfm.horizontalAdvance(b) + 4 * sc
                box = self._inside(QRectF(x - w / 2, y + cfm.height(), w, nfm.height()))
                p.drawText(box, Qt.AlignmentFlag.AlignCenter, b)
                self.drawn.append((box, fonts["count"], b))

    def _inside(self, box: QRectF) -> QRectF:
        """`box` moved in from the widget's left and right edges, so its text is not cut."""
        if box.right() > self.width():
            box.moveRight(self.width())
        if box.left() < 0:
            box.moveLeft(0)
        return box

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
