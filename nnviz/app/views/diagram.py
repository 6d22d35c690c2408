"""The layer diagram: neurons as nodes in columns, weights as edges, for one sample.

Edges take the heatmaps' diverging map by the weight's sign (red +, blue −, stronger for a
larger |w|) and a width for |w|, scaled to the largest |w| in the network. Nodes take the
same map for the value of the sample looked at: the activation A (forward, loss, update) or
δ = ∂L/∂Z (backward); a layer whose value the iteration has not computed yet at this step is
drawn hollow. The step's layer is lit: its nodes and incoming edges at full strength on a
band, the rest paled. The focused cell of the Document (hovered, else selected) is outlined
as its edge or node, with the cells its explanation uses; clicking or hovering an edge or a
node focuses the matching cell of the step.

Everything is computed in `refresh()` (on the Document's signals, on resize, on a theme
change) into a list of shapes that `paintEvent` only draws. Big layers (784-128-10) draw at
most MAX_SLOTS nodes per column, a gap marker for the rest, so a step stays fast.
"""

# ruff: noqa: N802 -- Qt's names: overrides (paintEvent, mousePressEvent)

from dataclasses import dataclass, field

import numpy as np
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
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from nnviz.app.document import RESULT, Cell, Document
from nnviz.app.startup import SANS
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.diagram_layout import (
    MAX_SLOTS,
    UNITS,
    VECTOR,
    WEIGHTS,
    Geometry,
    cell_of_unit,
    cell_of_vector_unit,
    cell_of_weight,
    distance_to_segment,
    kind_of,
    layout,
    unit_label,
    unit_of_cell,
    unit_of_vector_cell,
    weight_of_cell,
)
from nnviz.app.views.follow import follow
from nnviz.core.explain import Explanation
from nnviz.core.formatting import format_value
from nnviz.core.session import layer_name
from nnviz.core.steps import Operand, Step

ACTIVATIONS, DELTA = "activations", "δ"
MAX_EDGES_SAMPLED = 48  # per layer, the strongest, when a column shows only some units
MAX_RADIUS = 17.0  # px at scale 1 in a dock-sized widget; up to GROW × that when bigger
MAX_SPACING = 62.0
GROW = 1.5
MAX_EDGE_WIDTH = 6.0
MIN_EDGE_WIDTH = 0.7
PALE = 0.72  # how far a dimmed edge or node fades toward the background
MIN_LABEL_PX = 7.0

NodeKey = tuple[int, int]  # (layer, unit)
EdgeKey = tuple[int, int, int]  # (layer it leads into, unit i there, unit j in layer − 1)


@dataclass(slots=True)
class EdgeShape:
    key: EdgeKey
    a: QPointF
    b: QPointF
    colour: QColor  # as drawn (paled when its layer is not lit)
    sign_colour: QColor  # the sign's colour, unpaled
    width: float
    lit: bool
    mark: str = ""  # "", "selected" or "outlined"


@dataclass(slots=True)
class NodeShape:
    key: NodeKey
    centre: QPointF
    fill: QColor
    border: QColor
    label: str
    label_colour: QColor
    state: str  # "value", "pending" (not computed yet), "none" (inputs have no δ)
    active: bool
    value_text: str = ""
    mark: str = ""
    font: QFont | None = None  # the label's, shared by its column; None: no room for it
    outside: int = 0  # the label is too long for the node: drawn left (−1) or right (+1)


@dataclass(slots=True)
class Outlines:
    """What the focused result cell's explanation uses: nodes, and edges by the unit they
    lead into ((layer, i) -> the units j of layer − 1)."""

    explanation: Explanation | None = None
    nodes: set[NodeKey] = field(default_factory=set)
    edges: dict[tuple[int, int], set[int]] = field(default_factory=dict)


@dataclass(slots=True)
class Texts:
    title: str = ""
    subtitle: str = ""
    captions: list[tuple[float, str, str, bool]] = field(default_factory=list)  # x, a, b, lit
    gaps: list[tuple[float, float]] = field(default_factory=list)


def _mix(c: QColor, toward: QColor, f: float) -> QColor:
    """c faded a fraction f of the way toward `toward` (opaque, so edges do not show through)."""
    return QColor.fromRgbF(
        c.redF() + (toward.redF() - c.redF()) * f,
        c.greenF() + (toward.greenF() - c.greenF()) * f,
        c.blueF() + (toward.blueF() - c.blueF()) * f,
    )


def _readable_on(fill: QColor) -> QColor:
    light = (0.2126 * fill.redF() + 0.7152 * fill.greenF() + 0.0722 * fill.blueF()) > 0.5
    return QColor("#111111") if light else QColor("#ffffff")


class LayerDiagram(QWidget):
    """The network of the session on screen. Observes `doc`; writes only focus to it."""

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("layerDiagram")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 180)
        self.setAccessibleName("Network diagram")
        self.scale = 1.0
        self.theme: Theme = current_theme()
        self._lut: list[QColor] = []
        self._lut_theme = ""
        # caches keyed by the objects themselves (an id() can be reused once one is freed)
        self._levels_of: tuple[object, str] | None = None
        self._levels = 1.0
        self._wmax_of: object | None = None
        self._outlines_of: Outlines | None = None
        self._wmax = 1.0
        self._hovering = False  # the Document's hover is ours (set from this widget)
        self._stale = True  # the picture is rebuilt when next painted or read
        self._geometry: Geometry | None = None
        self._edges: list[EdgeShape] = []
        self._nodes: list[NodeShape] = []
        self._texts = Texts()
        self._sample = 0
        self._quantity = ACTIVATIONS
        self._lit_layer = 0
        self._fonts: dict[str, QFont] = {}
        follow(doc, self.refresh, iteration=True)
        self.refresh()

    def sizeHint(self) -> QSize:
        return QSize(320, 360)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 180)

    def set_scale(self, scale: float) -> None:
        """Type and node size factor: 1 at a desk, larger in presenter mode."""
        self.scale = scale
        self.refresh()

    # --- the picture's model ------------------------------------------------------------------
    def _colour(self, t: float) -> QColor:
        """The theme's diverging map at t ∈ [0, 1] (0.5 is zero)."""
        return self._lut[round(min(1.0, max(0.0, t)) * 255)]

    def _ensure_lut(self) -> None:
        if self._lut_theme != self.theme.name:
            table = self.theme.colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
            self._lut = [QColor(int(r), int(g), int(b)) for r, g, b in table]
            self._lut_theme = self.theme.name

    def _operands(self, step: Step) -> list[tuple[str, Operand]]:
        """(target, operand): the result first, then the operands in equation order."""
        return [(RESULT, step.result), *((op.name, op) for op in step.operands)]

    @staticmethod
    def _operand(step: Step, target: str) -> Operand | None:
        """The matrix a cell's target names: RESULT or an operand's name."""
        if target == RESULT:
            return step.result
        return next((op for op in step.operands if op.name == target), None)

    def _place(self, op: Operand, row: int, col: int) -> tuple[str, tuple[int, ...], int | None]:
        """What a cell of `op` is in the picture: ("edge", (l, i, j), None),
        ("node", (layer, unit), sample or None) or ("", (), None)."""
        s = self.doc.trace.session
        kind = kind_of(op, s.depth)
        conv = s.convention
        if kind is None:
            return "", (), None
        if kind.what == WEIGHTS:
            return "edge", (kind.layer, *weight_of_cell(conv, row, col)), None
        if kind.what == UNITS:
            unit, sample = unit_of_cell(conv, row, col)
            return "node", (kind.layer, unit), sample
        return "node", (kind.layer, unit_of_vector_cell(conv, row, col)), None

    def _cell_place(self, cell: Cell | None) -> tuple[str, tuple[int, ...], int | None]:
        if cell is None:
            return "", (), None
        op = self._operand(self.doc.step, cell.target)
        return ("", (), None) if op is None else self._place(op, cell.row, cell.col)

    def _marks(self) -> tuple[dict[object, str], Outlines, dict[int, set[int]], int]:
        """The focused cell's own item ("selected"), the items of the cells its explanation
        uses ("outlined"), the units each column must draw, and the sample."""
        doc = self.doc
        step = doc.step
        marks: dict[object, str] = {}
        keep: dict[int, set[int]] = {}
        focus = doc.focus_cell()
        what, key, _ = self._cell_place(focus)
        if what:
            marks[(what, key)] = "selected"
            if what == "edge":
                keep.setdefault(key[0], set()).add(key[1])
                keep.setdefault(key[0] - 1, set()).add(key[2])
            else:
                keep.setdefault(key[0], set()).add(key[1])
        # The sample: the hovered cell's, else the selected cell's, else the first.
        sample = 0
        for cell in (doc.hover, doc.selection):
            s = self._cell_place(cell)[2]
            if s is not None:
                sample = s
                break
        expl = doc.explanation() if focus is not None and focus.target == RESULT else None
        outlines = self._outlines(step, expl) if expl is not None else Outlines()
        return marks, outlines, keep, sample

    def _outlines(self, step: Step, expl: Explanation) -> Outlines:
        """The nodes and edges of the cells an explanation uses; cached per explanation, as
        the Document caches it (a 784-term sum names 1568 cells: this loop is kept plain)."""
        cached = self._outlines_of
        if cached is not None and cached.explanation is expl:
            return cached
        s = self.doc.trace.session
        conv, kinds = s.convention, {op.name: kind_of(op, s.depth) for op in step.operands}
        out = Outlines(expl)
        for term in expl.terms:
            for ref in term.refs:
                kind = kinds.get(ref.operand)
                if kind is None:
                    continue
                if kind.what == WEIGHTS:
                    i, j = weight_of_cell(conv, ref.row, ref.col)
                    out.edges.setdefault((kind.layer, i), set()).add(j)
                elif kind.what == UNITS:
                    out.nodes.add((kind.layer, unit_of_cell(conv, ref.row, ref.col)[0]))
                else:
                    out.nodes.add((kind.layer, unit_of_vector_cell(conv, ref.row, ref.col)))
        self._outlines_of = out
        return out

    def _node_levels(self, mode: str) -> float:
        """The largest |value| of the quantity over every layer and sample: one fixed scale,
        so the colours do not drift when the sample or the step changes."""
        trace = self.doc.trace
        if self._levels_of is None or self._levels_of[0] is not trace or self._levels_of[1] != mode:
            if mode == ACTIVATIONS:
                arrays = [trace.session.X, *trace.forward.A]
            else:
                arrays = list(trace.backward.delta)
            m = 0.0
            for a in arrays:
                finite = np.abs(a[np.isfinite(a)])
                if finite.size:
                    m = max(m, float(finite.max()))
            self._levels_of, self._levels = (trace, mode), (m if m > 0 else 1.0)
        return self._levels

    def _weight_max(self) -> float:
        s = self.doc.trace.session
        if s is not self._wmax_of:
            m = 0.0
            for w in s.W:
                finite = np.abs(w[np.isfinite(w)])
                if finite.size:
                    m = max(m, float(finite.max()))
            self._wmax_of, self._wmax = s, (m if m > 0 else 1.0)
        return self._wmax

    @staticmethod
    def _computed(step: Step, mode: str, layer: int, depth: int) -> bool:
        """Whether the iteration has computed this layer's value by this step."""
        l = step.layer
        if mode == ACTIVATIONS:
            if step.phase != "forward" or layer == 0:
                return True
            assert l is not None
            return layer < l or (layer == l and step.kind == "activation")
        assert l is not None  # backward steps have a layer
        return layer > l or (layer == l and step.kind != "output_grad")

    # --- refresh ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """The Document changed: rebuild the picture once, when it is next painted or read
        (a step emits several signals; a hover sweep over the heatmaps emits many)."""
        self._stale = True
        self.update()

    def _ensure(self) -> None:
        if self._stale or current_theme() is not self.theme:  # or the app's theme changed
            self._stale = False
            self._rebuild()  # reads the Document only: no signal of its own, nothing to block

    # The picture, as last built from the Document (rebuilt first if stale).
    @property
    def geometry_(self) -> Geometry:
        self._ensure()
        assert self._geometry is not None  # built by _ensure
        return self._geometry

    @property
    def edges(self) -> list[EdgeShape]:
        self._ensure()
        return self._edges

    @property
    def nodes(self) -> list[NodeShape]:
        self._ensure()
        return self._nodes

    @property
    def texts(self) -> Texts:
        self._ensure()
        return self._texts

    @property
    def sample(self) -> int:
        """The sample the nodes show, from 0."""
        self._ensure()
        return self._sample

    @property
    def quantity(self) -> str:
        """ACTIVATIONS or DELTA."""
        self._ensure()
        return self._quantity

    @property
    def lit_layer(self) -> int:
        self._ensure()
        return self._lit_layer

    @property
    def fonts(self) -> dict[str, QFont]:
        self._ensure()
        return self._fonts

    def _make_fonts(self) -> dict[str, QFont]:
        def font(px: float, bold: bool = False) -> QFont:
            f = QFont(SANS)
            f.setPixelSize(max(7, round(px)))
            f.setBold(bold)
            return f

        s = self.scale
        return {
            "title": font(15 * s, bold=True),
            "subtitle": font(12 * s),
            "caption": font(12 * s),
            "count": font(11 * s),
            "value": font(11 * s),
            "label": font(13 * s),
            "gap": font(16 * s, bold=True),
        }

    def _rebuild(self) -> None:
        doc = self.doc
        self.theme = theme = current_theme()
        self._ensure_lut()
        trace, step = doc.trace, doc.step
        s = trace.session
        sizes, depth, batch = tuple(s.layers), s.depth, s.batch
        mode = DELTA if step.phase == "backward" else ACTIVATIONS
        self._quantity = mode
        marks, outlines, keep, sample = self._marks()
        sample = min(max(sample, 0), batch - 1)
        self._sample = sample
        lit = step.layer if step.layer is not None else depth
        self._lit_layer = lit
        active = {lit}
        if step.layer is not None and (step.product is not None or step.kind == "W"):
            active.add(lit - 1)
        lit_edges = step.layer  # the loss lights the output units, no weights

        fonts = self._make_fonts()
        self._fonts = fonts
        fm = {k: QFontMetricsF(f) for k, f in fonts.items()}
        sc = self.scale
        margin = 10 * sc
        title_h = fm["title"].height() + fm["subtitle"].height() + 10 * sc
        elided = any(n > MAX_SLOTS for n in sizes)
        footer_h = fm["caption"].height() + (fm["count"].height() if elided else 0) + 8 * sc
        value_w = fm["value"].horizontalAdvance("−0.0000") / 2
        side = max(MAX_RADIUS * sc, value_w) + margin
        box = (
            side,
            title_h + margin + MAX_RADIUS * sc * 0.3,
            max(self.width() - 2 * side, 10.0),
            max(self.height() - title_h - footer_h - 2 * margin - MAX_RADIUS * sc * 0.3, 10.0),
        )
        grow = min(max(min(self.width() / 320, self.height() / 360), 1.0), GROW)
        geo = layout(sizes, keep, box, MAX_RADIUS * sc * grow, MAX_SPACING * sc * grow)
        self._geometry = geo
        r = geo.radius
        pos = {
            (c.layer, u): QPointF(c.x, y)
            for c in geo.columns
            for u, y in zip(c.units, c.ys, strict=True)
        }
        base, muted, text = QColor(theme.base), QColor(theme.muted), QColor(theme.text)

        # edges ---------------------------------------------------------------------------------
        wmax = self._weight_max()
        edges: list[EdgeShape] = []
        for l in range(1, depth + 1):
            weights = s.W[l - 1]  # canonical (n_l, n_{l-1})
            into, outof = geo.columns[l], geo.columns[l - 1]
            pairs = [(i, j) for i in into.units for j in outof.units]
            sampled = not (into.complete and outof.complete)
            if sampled and len(pairs) > MAX_EDGES_SAMPLED:  # the strongest, and the marked
                focused = {k[1:] for (w, k) in marks if w == "edge" and k[0] == l}
                focused |= {(i, j) for (i, j) in pairs if j in outlines.edges.get((l, i), ())}
                pairs.sort(key=lambda p: -abs(float(weights[p[0], p[1]])))
                pairs = pairs[:MAX_EDGES_SAMPLED] + [
                    p for p in pairs[MAX_EDGES_SAMPLED:] if p in focused
                ]
            is_lit = l == lit_edges
            for i, j in pairs:
                w = float(weights[i, j])
                mag = min(abs(w) / wmax, 1.0) if np.isfinite(w) else 1.0
                if w > 0:
                    sign_colour = self._colour(0.5 + 0.5 * (0.45 + 0.55 * mag))
                elif w < 0:
                    sign_colour = self._colour(0.5 - 0.5 * (0.45 + 0.55 * mag))
                else:
                    sign_colour = QColor(muted)
                width = (MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * mag) * sc
                a, b = pos[(l - 1, j)], pos[(l, i)]
                colour = sign_colour if is_lit else _mix(sign_colour, base, PALE)
                edges.append(
                    EdgeShape(
                        (l, i, j),
                        a,
                        b,
                        colour,
                        sign_colour,
                        width,
                        is_lit,
                        marks.get(("edge", (l, i, j)))
                        or ("outlined" if j in outlines.edges.get((l, i), ()) else ""),
                    )
                )
        # drawn order: pale under lit, marked on top
        edges.sort(key=lambda e: (bool(e.mark), e.lit, e.width))
        self._edges = edges

        # nodes ---------------------------------------------------------------------------------
        levels = self._node_levels(mode)
        precision = doc.precision
        room_for_values = geo.spacing - 2 * r >= fm["value"].height() + 2 * sc
        nodes: list[NodeShape] = []
        for col in geo.columns:
            k = col.layer
            is_active = k in active
            if mode == DELTA and k == 0:
                state, values = "none", None
            elif self._computed(step, mode, k, depth):
                state = "value"
                if mode == ACTIVATIONS:
                    values = s.X if k == 0 else trace.forward.A[k - 1]
                else:
                    values = trace.backward.delta[k - 1]
            else:
                state, values = "pending", None
            labels = [unit_label(k, u, depth) for u in col.units]
            # The column's font fits its ordinary labels; a far unit's longer one (x₇₈₄)
            # goes beside its node rather than shrink every label of the column.
            ordinary = [t for u, t in zip(col.units, labels, strict=True) if u < 99] or labels
            font = self._label_font(max(ordinary, key=len), r) if labels else None
            fm_label = QFontMetricsF(font) if font is not None else None
            for u, y, label in zip(col.units, col.ys, labels, strict=True):
                outside = 0
                if fm_label is not None and fm_label.horizontalAdvance(label) > 1.8 * r - 2:
                    outside = -1 if k == depth else 1
                value_text = ""
                if values is not None:
                    v = float(values[u, sample])
                    fill = self._colour(0.5 + 0.5 * v / levels) if np.isfinite(v) else muted
                    if room_for_values:
                        value_text = format_value(v, precision)
                    border = text
                elif state == "none":
                    fill, border = QColor(theme.alt_base), muted
                else:
                    fill, border = QColor(base), muted
                label_colour = _readable_on(fill) if state == "value" else muted
                if not is_active:
                    fill = _mix(fill, base, PALE * 0.8)
                    border = _mix(border, base, 0.5)
                    label_colour = _mix(_readable_on(fill), base, 0.25)
                nodes.append(
                    NodeShape(
                        (k, u),
                        QPointF(col.x, y),
                        fill,
                        border,
                        label,
                        label_colour,
                        state,
                        is_active,
                        value_text,
                        marks.get(("node", (k, u)))
                        or ("outlined" if (k, u) in outlines.nodes else ""),
                        font,
                        outside,
                    )
                )
        self._nodes = nodes

        # texts ---------------------------------------------------------------------------------
        t = self._texts = Texts()
        t.title = f"Network {'-'.join(map(str, sizes))} · sample {sample + 1} of {batch}"
        if mode == ACTIVATIONS:
            t.subtitle = "nodes: activations A · edges: weights W"
        else:
            t.subtitle = "nodes: δ = ∂L/∂Z · edges: weights W"
        for col in geo.columns:
            k = col.layer
            a = "X" if k == 0 else layer_name("A" if mode == ACTIVATIONS else "δ", k)
            b = "" if col.complete else f"{col.size} units"
            t.captions.append((col.x, a, b, k == lit))
            t.gaps.extend((col.x, y) for y, _hidden in col.gaps)
        self._radius = r
        self._box = box

    # --- painting ----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        self._ensure()
        theme, sc = self.theme, self.scale
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(theme.base))
        geo = self.geometry_
        r = geo.radius
        fonts = self.fonts
        # the lit layer's band
        lit = self.lit_layer
        if lit is not None:
            x = geo.columns[lit].x
            half = max(r + 8 * sc, 22 * sc)
            band = QColor(theme.highlight)
            band.setAlphaF(0.55 if theme.name == "light" else 0.45)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(band)
            top = geo.top - r - 8 * sc
            bottom = self.height() - 4 * sc
            p.drawRoundedRect(QRectF(x - half, top, 2 * half, bottom - top), 8 * sc, 8 * sc)
        # edges
        for e in self.edges:
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
        # nodes
        for n in self.nodes:
            pen = QPen(n.border, (1.6 if n.active else 1.0) * sc)
            if n.state == "pending":
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.setBrush(n.fill)
            p.drawEllipse(n.centre, r, r)
            if n.mark:
                ring = QColor(theme.selection if n.mark == "selected" else theme.outline)
                p.setPen(QPen(ring, (3.5 if n.mark == "selected" else 2.5) * sc))
                p.setBrush(Qt.BrushStyle.NoBrush)
                grow = 1.5 * sc
                p.drawEllipse(n.centre, r + grow, r + grow)
        veil = QColor(theme.base)
        veil.setAlphaF(0.85)
        for n in self.nodes:
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
        for n in self.nodes:
            if not n.value_text:
                continue
            w, h = vfm.horizontalAdvance(n.value_text) + 6 * sc, vfm.height()
            box = QRectF(n.centre.x() - w / 2, n.centre.y() + r + 2 * sc, w, h)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(veil)
            p.drawRoundedRect(box, 3 * sc, 3 * sc)
            p.setPen(QColor(theme.text) if n.active else QColor(theme.muted))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, n.value_text)
        # gap markers, on a veil so the edges do not cross them
        p.setFont(fonts["gap"])
        gfm = QFontMetricsF(fonts["gap"])
        gw, gh = gfm.horizontalAdvance("⋮") + 6 * sc, min(gfm.height(), geo.spacing * 0.9)
        for x, y in self.texts.gaps:
            box = QRectF(x - gw / 2, y - gh / 2, gw, gh)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(theme.base))
            p.drawRoundedRect(box, 3 * sc, 3 * sc)
            p.setPen(QColor(theme.muted))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, "⋮")
        self._paint_texts(p)
        p.end()

    def _paint_label_beside(self, p: QPainter, n: NodeShape, r: float, veil: QColor) -> None:
        font = self.fonts["value"]
        fm = QFontMetricsF(font)
        w, h = fm.horizontalAdvance(n.label) + 4 * self.scale, fm.height()
        gap = r + 3 * self.scale
        x = n.centre.x() + gap if n.outside > 0 else n.centre.x() - gap - w
        box = QRectF(x, n.centre.y() - h / 2, w, h)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(veil)
        p.drawRoundedRect(box, 3 * self.scale, 3 * self.scale)
        p.setFont(font)
        p.setPen(QColor(self.theme.text) if n.active else QColor(self.theme.muted))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, n.label)

    def _label_font(self, label: str, r: float) -> QFont | None:
        """The biggest label font (up to the label size) that fits inside a node, or None."""
        f = QFont(self.fonts["label"])
        size = min(f.pixelSize(), round(r * 0.95))
        while size >= MIN_LABEL_PX:
            f.setPixelSize(size)
            if QFontMetricsF(f).horizontalAdvance(label) <= 1.8 * r - 2:
                return f
            size -= 1
        return None

    def _fitted(self, text: str, font: QFont, width: float, smallest: int) -> tuple[QFont, str]:
        """`font` shrunk (down to `smallest` px) until `text` fits `width`, else elided."""
        f = QFont(font)
        while QFontMetricsF(f).horizontalAdvance(text) > width and f.pixelSize() > smallest:
            f.setPixelSize(f.pixelSize() - 1)
        elided = QFontMetricsF(f).elidedText(text, Qt.TextElideMode.ElideRight, width)
        return f, elided

    def _paint_texts(self, p: QPainter) -> None:
        theme, sc, fonts, t = self.theme, self.scale, self.fonts, self.texts
        margin = 10 * sc
        width = self.width() - 2 * margin
        y = margin
        font, title = self._fitted(t.title, fonts["title"], width, round(11 * sc))
        p.setFont(font)
        p.setPen(QColor(theme.text))
        h = QFontMetricsF(font).height()
        p.drawText(QRectF(margin, y, width, h), Qt.AlignmentFlag.AlignLeft, title)
        y += h + 2 * sc
        font, sub = self._fitted(t.subtitle, fonts["subtitle"], width, round(9 * sc))
        p.setFont(font)
        p.setPen(QColor(theme.muted))
        p.drawText(
            QRectF(margin, y, width, QFontMetricsF(font).height()), Qt.AlignmentFlag.AlignLeft, sub
        )
        # captions under the columns
        cfm, nfm = QFontMetricsF(fonts["caption"]), QFontMetricsF(fonts["count"])
        elided = any(b for _, _, b, _ in t.captions)
        y = self.height() - margin - cfm.height() - (nfm.height() if elided else 0)
        for x, a, b, lit in t.captions:
            f = QFont(fonts["caption"])
            f.setBold(lit)
            p.setFont(f)
            p.setPen(QColor(theme.text) if lit else QColor(theme.muted))
            p.drawText(
                QRectF(x - 60 * sc, y, 120 * sc, cfm.height()), Qt.AlignmentFlag.AlignCenter, a
            )
            if b:
                p.setFont(fonts["count"])
                p.setPen(QColor(theme.muted))
                box = QRectF(x - 60 * sc, y + cfm.height(), 120 * sc, nfm.height())
                p.drawText(box, Qt.AlignmentFlag.AlignCenter, b)

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

    def _cell_for(self, what: str, key: tuple[int, ...]) -> tuple[str, int, int] | None:
        """The cell of the step on screen an edge or a node stands for, if the step has it."""
        step = self.doc.step
        s = self.doc.trace.session
        conv = s.convention
        for target, op in self._operands(step):
            kind = kind_of(op, s.depth)
            if kind is None:
                continue
            if what == "edge" and kind.what == WEIGHTS and kind.layer == key[0]:
                row, col = cell_of_weight(conv, key[1], key[2])
            elif what == "node" and kind.layer == key[0] and kind.what == UNITS:
                row, col = cell_of_unit(conv, key[1], self.sample)
            elif what == "node" and kind.layer == key[0] and kind.what == VECTOR:
                row, col = cell_of_vector_unit(conv, key[1])
            else:
                continue
            rows, cols = op.value.shape
            if 0 <= row < rows and 0 <= col < cols:
                return target, row, col
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        item = self.item_at(event.position())
        if item is None:
            return
        cell = self._cell_for(*item)
        if cell is not None:
            self.doc.select_cell(*cell)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        cell = self._cell_for(*item) if item is not None else None
        if cell is not None:
            self.setCursor(Qt.CursorShape.PointingHandCursor)  # a click selects it
            self._hovering = True
            self.doc.hover_cell(*cell)
            return
        self.unsetCursor()
        if self._hovering:
            self._hovering = False
            self.doc.clear_hover()

    def leaveEvent(self, event: QEvent) -> None:
        if self._hovering:
            self._hovering = False
            self.doc.clear_hover()
        super().leaveEvent(event)

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
        cell = self._cell_for(what, key)
        if cell is None:
            return []
        target, row, col = cell
        op = self._operand(self.doc.step, target)
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
