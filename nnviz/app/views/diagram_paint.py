"""How the layer diagram is painted, from its scene (`diagram_scene.DiagramScene`), and the
pixmaps it keeps so that a step repaints little.

A step changes a small part of the picture: the edges look the same for every step of one
layer in an iteration, and a column's nodes for most steps. So the picture is put together
from parts kept by what they show, each painted once per look:
- the ground: the background, the lit layer's band and the edges;
- each column: its nodes, their labels and values, and its gap markers;
- the heading and the captions;
(the hidden units' maps, new in each iteration, are drawn over these)
and which parts make the picture is kept until the scene is rebuilt, so that a repaint
with nothing changed is a few copies. A part is painted in a pixmap whose corner lies on a
device pixel, so its shapes fall on the same pixels as painted straight on the widget (the
blend of a part over the ground may differ by a level or two in 255 where antialiased).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPixmap

from nnviz.app.views.diagram_layout import Column
from nnviz.app.views.diagram_shapes import NodeShape, mix
from nnviz.app.views.kept import Kept

if TYPE_CHECKING:
    from nnviz.app.views.diagram import LayerDiagram

Drawn = list[tuple[QRectF, QFont, str]]  # the texts a part drew: (box, font, text)
Line = tuple[str, float, QFont, bool]  # a heading line: text, height, font, is the title
Maps = dict[tuple[int, int], QImage]  # the hidden units' maps, by (layer, unit)
# What a repaint draws while the scene is the same: (size and ratio, ground, parts, their
# texts, the maps and the nodes they are drawn beside)
Frame = tuple[tuple[int, int, float], QPixmap, list["Part"], Drawn, Maps, list[NodeShape]]


@dataclass(slots=True)
class Part:
    """A part of the picture: its pixmap, where it goes, the texts it drew."""

    at: QPointF
    pixmap: QPixmap
    drawn: Drawn


def part(rect: QRectF, dpr: float, paint: Callable[[QPainter], Drawn]) -> Part:
    """What `paint` draws inside `rect`, in a transparent pixmap whose corner is on a device
    pixel (so the shapes are rasterised as they would be on the widget)."""
    left, top = math.floor(rect.left() * dpr), math.floor(rect.top() * dpr)
    right, bottom = math.ceil(rect.right() * dpr), math.ceil(rect.bottom() * dpr)
    pixmap = QPixmap(max(right - left, 1), max(bottom - top, 1))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.translate(-left / dpr, -top / dpr)
        drawn = paint(p)
    finally:
        p.end()
    return Part(QPointF(left / dpr, top / dpr), pixmap, drawn)


def _grown(rect: QRectF, by: float) -> QRectF:
    return rect.adjusted(-by, -by, by, by)


class DiagramPainter:
    """Paints `view`'s scene, keeping the parts described above."""

    def __init__(self, view: "LayerDiagram") -> None:
        self.view = view
        # the parts of the picture as last painted, while the scene is the same
        self.frame: Frame | None = None
        # Keyed by the scene's edge list and layout by identity (the scene makes a new list
        # when anything an edge shows changes), the lit layer, theme, size, ratio, scale.
        self.grounds = Kept(6)  # an iteration has about five looks of its edges (a whole
        # view each: a few megabytes at a full screen)
        # Keyed by the scene's list of the column's nodes (by identity, as the edges), the
        # layout, the units' maps, the theme, size, ratio and scale.
        self.columns = Kept(32)  # an iteration has about three looks of each column
        self.headings = Kept(8)  # by their texts, the width, theme, ratio and scale
        self.captions = Kept(16)  # by their texts and places, the size, theme, ratio, scale
        self._rings: dict[tuple[int, int, float, float, float], QPixmap] = {}

    def forget(self) -> None:
        """The scene was rebuilt: the picture is put together again when next painted."""
        self.frame = None

    def paint(self, p: QPainter) -> Drawn:
        """The whole picture, at the view's size and the device's pixel ratio, on `p`; the
        texts drawn. Painted from the parts kept (made first where they are not)."""
        v = self.view
        dpr = p.device().devicePixelRatioF()
        key = (v.width(), v.height(), dpr)
        if self.frame is None or self.frame[0] != key:
            ground = self.ground(dpr)
            images = v.unit_maps.images()
            columns, mapped = self.column_parts(dpr, images, set())
            clash = self._maps_clash(mapped, columns)
            if clash:  # those columns' maps go under the texts over them, as in their parts
                columns, mapped = self.column_parts(dpr, images, clash)
            pieces = [*columns, self.heading_part(dpr), self.caption_part(dpr)]
            drawn = [text for piece in pieces for text in piece.drawn]
            self.frame = (key, ground, pieces, drawn, images, mapped)
        _, ground, pieces, drawn, images, mapped = self.frame
        p.drawPixmap(0, 0, ground)
        for piece in pieces:
            p.drawPixmap(piece.at, piece.pixmap)
        if mapped:
            geo = v.model.geometry
            assert geo is not None  # built before painting
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            v.unit_maps.paint(p, mapped, geo.radius, v.scale, images)
        return drawn

    # --- the ground -----------------------------------------------------------------------------
    def ground(self, dpr: float) -> QPixmap:
        """The background, the lit layer's band and the edges."""
        v, m = self.view, self.view.model
        key = (id(m.edges), id(m.geometry), m.lit_layer, m.theme.key, v.width(), v.height())
        key += (dpr, v.scale)
        kept = self.grounds.get(key)
        if isinstance(kept, QPixmap):
            return kept
        # every device pixel of the view (at a fractional ratio, its last row is partly in)
        ground = QPixmap(math.ceil(v.width() * dpr), math.ceil(v.height() * dpr))
        ground.setDevicePixelRatio(dpr)
        ground.fill(QColor(m.theme.base))  # every pixel: the view is opaque
        p = QPainter(ground)
        try:
            self._paint_ground(p)
        finally:
            p.end()
        self.grounds.put(key, (m.edges, m.geometry), ground)
        return ground

    def _paint_ground(self, p: QPainter) -> None:
        v, m = self.view, self.view.model
        theme, geo, sc = m.theme, m.geometry, v.scale
        assert geo is not None  # built before painting
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = geo.radius
        # the lit layer's band
        x = geo.columns[m.lit_layer].x
        half = max(r + 8 * sc, 22 * sc)
        # The highlight at 55 % (45 % dark) over the background, as one opaque colour: the
        # same pixels, but an opaque fill is several times cheaper to paint.
        band = mix(
            QColor(theme.highlight), QColor(theme.base), 0.45 if theme.name == "light" else 0.55
        )
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(band)
        top = geo.top - r - 8 * sc
        bottom = v.height() - 4 * sc
        p.drawRoundedRect(QRectF(x - half, top, 2 * half, bottom - top), 8 * sc, 8 * sc)
        # edges: flat caps are 3× cheaper than round; the nodes hide the ends
        solid, flat = Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap
        for e in m.edges:
            if e.mark:
                halo = QColor(theme.selection if e.mark == "selected" else theme.outline)
                inner = max(e.width, 2.5 * sc)
                width = inner + (5 if e.mark == "selected" else 4) * sc
                p.setPen(QPen(QBrush(halo), width, solid, flat))
                p.drawLine(e.a, e.b)
                p.setPen(QPen(QBrush(e.sign_colour), max(e.width, 2.5 * sc), solid, flat))
            else:
                p.setPen(QPen(QBrush(e.colour), e.width, solid, flat))
            p.drawLine(e.a, e.b)

    # --- the columns ----------------------------------------------------------------------------
    def column_parts(
        self, dpr: float, images: Maps, inside: set[int]
    ) -> tuple[list[Part], list[NodeShape]]:
        """Each column's part, and the nodes whose units' maps are drawn over the parts.

        The maps are new in each iteration: drawn over the parts, a column of hollow nodes
        keeps its part from one iteration to the next. They are drawn in their column's
        part, under its labels and values, in the columns `inside` (where another column's
        value reaches them: `_maps_clash`) and wherever a label too long for its node (h₁₀₀
        and on) is drawn beside it."""
        v, m = self.view, self.view.model
        geo = m.geometry
        assert geo is not None  # built before painting
        common = (id(geo), m.theme.key, v.width(), v.height(), dpr, v.scale)
        parts, over = [], []
        labels_beside = any(n.outside for n in m.nodes)
        for col, nodes in zip(geo.columns, m.columns, strict=True):
            mapped = images if images and nodes and nodes[0].key in images else None
            if mapped and not labels_beside and col.layer not in inside:
                over.extend(nodes)
                mapped = None
            # the scene makes a new list of a column's nodes when anything they show changes
            key = (id(nodes), id(mapped), *common)
            kept = self.columns.get(key)
            if not isinstance(kept, Part):
                kept = self._column(col, nodes, mapped or {}, dpr)
                self.columns.put(key, (nodes, geo, mapped), kept)
            parts.append(kept)
        return parts, over

    def _maps_clash(self, mapped: list[NodeShape], parts: list[Part]) -> set[int]:
        """The columns (layers) of `mapped` nodes whose map another column's text reaches
        (a value under a node of the next column, in a narrow view)."""
        geo = self.view.model.geometry
        assert geo is not None  # built before painting
        r, sc = geo.radius, self.view.scale
        boxes = [(k, box) for k, part in enumerate(parts) for box, _, _ in part.drawn]
        out = set()
        for n in mapped:
            k = n.key[0]
            area = QRectF(n.centre.x() + r + 2 * sc - 1, n.centre.y() - r - 1, 2 * r + 2, 2 * r + 2)
            if k not in out and any(j != k and area.intersects(box) for j, box in boxes):
                out.add(k)
        return out

    def _column(
        self,
        col: Column,
        nodes: list[NodeShape],
        images: dict[tuple[int, int], QImage],
        dpr: float,
    ) -> Part:
        """A column's nodes, with their maps, labels, values and the column's gap markers,
        painted in that order (the order the whole picture paints them in)."""
        v, m = self.view, self.view.model
        theme, sc, fonts = m.theme, v.scale, m.fonts
        geo = m.geometry
        assert geo is not None  # built before painting
        r = geo.radius
        veil = QColor(theme.base)
        veil.setAlphaF(0.85)
        # where the texts on a veil go, first: the part's pixmap covers them
        beside = [(n, self._beside_box(n, r)) for n in nodes if n.font is not None and n.outside]
        vfm = QFontMetricsF(fonts["value"])
        values = []
        for n in nodes:
            if n.value_text:
                w, h = vfm.horizontalAdvance(n.value_text) + 6 * sc, vfm.height()
                box = QRectF(n.centre.x() - w / 2, n.centre.y() + r + 2 * sc, w, h)
                values.append((n, self._inside(box)))
        gfm = QFontMetricsF(fonts["gap"])
        gw, gh = gfm.horizontalAdvance("⋮") + 6 * sc, min(gfm.height(), geo.spacing * 0.9)
        gaps = [QRectF(col.x - gw / 2, y - gh / 2, gw, gh) for y, _hidden in col.gaps]
        reach = max(2 * r, 3 * r + 2 * sc + 1)  # a label's box, a unit's map beside its node
        bounds = QRectF()
        for n in nodes:
            c = n.centre
            bounds = bounds.united(QRectF(c.x() - reach, c.y() - r, 2 * reach, 2 * r))
        bounds = _grown(bounds, 4 * sc + 2)  # a marked node's ring, a border's half width
        for box in (*(b for _, b in beside), *(b for _, b in values), *gaps):
            bounds = bounds.united(_grown(box, 2))  # antialiasing, a glyph's overhang
        bounds = bounds.intersected(QRectF(v.rect()))

        def paint(p: QPainter) -> Drawn:
            drawn: Drawn = []
            ratio = p.device().devicePixelRatioF()
            for n in nodes:
                width = (1.6 if n.active else 1.0) * sc
                if n.state == "pending":  # hollow, dashed: drawn once per look, then copied
                    ring = self._hollow_node(n.fill, n.border, width, r, ratio)
                    side = ring.width() / ratio
                    p.drawPixmap(QPointF(n.centre.x() - side / 2, n.centre.y() - side / 2), ring)
                else:
                    p.setPen(QPen(n.border, width))
                    p.setBrush(n.fill)
                    p.drawEllipse(n.centre, r, r)
                if n.mark:
                    ring_colour = QColor(theme.selection if n.mark == "selected" else theme.outline)
                    p.setPen(QPen(ring_colour, (3.5 if n.mark == "selected" else 2.5) * sc))
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    grow = 1.5 * sc
                    p.drawEllipse(n.centre, r + grow, r + grow)
            v.unit_maps.paint(p, nodes, r, sc, images)
            boxes = dict((id(n), box) for n, box in beside)
            for n in nodes:
                if n.font is None:
                    continue
                if n.outside:
                    box = boxes[id(n)]
                    drawn.append((box, fonts["value"], n.label))
                    self._on_veil(p, box, veil, fonts["value"], n.label, n.active)
                    continue
                p.setFont(n.font)
                p.setPen(n.label_colour)
                box = QRectF(n.centre.x() - 2 * r, n.centre.y() - r, 4 * r, 2 * r)
                p.drawText(box, Qt.AlignmentFlag.AlignCenter, n.label)
            # values under the nodes, on a veil so the edges do not cross them
            for n, box in values:
                drawn.append((box, fonts["value"], n.value_text))
                self._on_veil(p, box, veil, fonts["value"], n.value_text, n.active)
            # gap markers, on a veil so the edges do not cross them
            p.setFont(fonts["gap"])
            for box in gaps:
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(theme.base))
                p.drawRoundedRect(box, 3 * sc, 3 * sc)
                p.setPen(QColor(theme.muted))
                p.drawText(box, Qt.AlignmentFlag.AlignCenter, "⋮")
            return drawn

        return part(bounds, dpr, paint)

    def _on_veil(
        self, p: QPainter, box: QRectF, veil: QColor, font: QFont, text: str, active: bool
    ) -> None:
        theme, sc = self.view.model.theme, self.view.scale
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(veil)
        p.drawRoundedRect(box, 3 * sc, 3 * sc)
        p.setFont(font)
        p.setPen(QColor(theme.text) if active else QColor(theme.muted))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _beside_box(self, n: NodeShape, r: float) -> QRectF:
        """Where a label too long for its node goes: beside it, on its side, if there is
        room; else on the other side."""
        v = self.view
        fm = QFontMetricsF(v.model.fonts["value"])
        w, h = fm.horizontalAdvance(n.label) + 4 * v.scale, fm.height()
        gap = r + 3 * v.scale
        x = n.centre.x() + gap if n.outside > 0 else n.centre.x() - gap - w
        if x + w > v.width():  # no room on the right: on the left of its node
            x = n.centre.x() - gap - w
        elif x < 0:
            x = n.centre.x() + gap
        return self._inside(QRectF(x, n.centre.y() - h / 2, w, h))

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

    def _inside(self, box: QRectF) -> QRectF:
        """`box` moved in from the view's left and right edges, so its text is not cut."""
        width = self.view.width()
        if box.right() > width:
            box.moveRight(width)
        if box.left() < 0:
            box.moveLeft(0)
        return box

    # --- the heading and the captions -----------------------------------------------------------
    def heading_part(self, dpr: float) -> Part:
        v, m = self.view, self.view.model
        key = (m.texts.title, m.texts.subtitle, v.width(), m.theme.key, dpr, v.scale)
        kept = self.headings.get(key)
        if isinstance(kept, Part):
            return kept
        lines = self.heading()
        theme = m.theme

        def paint(p: QPainter) -> Drawn:
            drawn: Drawn = []
            for box, font, text, is_title in lines:
                drawn.append((box, font, text))
                p.setFont(font)
                p.setPen(QColor(theme.text if is_title else theme.muted))
                p.drawText(box, Qt.AlignmentFlag.AlignLeft, text)
            return drawn

        return self._keep_texts(self.headings, key, [box for box, *_ in lines], dpr, paint)

    def caption_part(self, dpr: float) -> Part:
        v, m = self.view, self.view.model
        t, theme, sc, fonts = m.texts, m.theme, v.scale, m.fonts
        key = (tuple(t.captions), v.width(), v.height(), theme.key, dpr, sc)
        kept = self.captions.get(key)
        if isinstance(kept, Part):
            return kept
        margin = 10 * sc
        cfm, nfm = QFontMetricsF(fonts["caption"]), QFontMetricsF(fonts["count"])
        elided = any(b for _, _, b, _ in t.captions)
        y = v.height() - margin - cfm.height() - (nfm.height() if elided else 0)
        texts: list[tuple[QRectF, QFont, str, QColor]] = []  # box, font, text, colour
        for x, a, b, lit in t.captions:
            f = QFont(fonts["caption"])
            f.setBold(lit)
            w = QFontMetricsF(f).horizontalAdvance(a) + 4 * sc
            box = self._inside(QRectF(x - w / 2, y, w, cfm.height()))
            texts.append((box, f, a, QColor(theme.text) if lit else QColor(theme.muted)))
            if b:
                w = nfm.horizontalAdvance(b) + 4 * sc
                box = self._inside(QRectF(x - w / 2, y + cfm.height(), w, nfm.height()))
                texts.append((box, fonts["count"], b, QColor(theme.muted)))

        def paint(p: QPainter) -> Drawn:
            for box, font, text, colour in texts:
                p.setFont(font)
                p.setPen(colour)
                p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            return [(box, font, text) for box, font, text, _ in texts]

        return self._keep_texts(self.captions, key, [box for box, *_ in texts], dpr, paint)

    def _keep_texts(
        self,
        cache: Kept,
        key: object,
        boxes: list[QRectF],
        dpr: float,
        paint: Callable[[QPainter], Drawn],
    ) -> Part:
        """Texts in `boxes` painted once into a kept part, remembered in `cache`."""
        bounds = QRectF()
        for box in boxes:
            bounds = bounds.united(_grown(box, 2))
        kept = part(bounds.intersected(QRectF(self.view.rect())), dpr, paint)
        cache.put(key, None, kept)
        return kept

    def heading(self) -> list[tuple[QRectF, QFont, str, bool]]:
        """The title and subtitle lines as drawn: (box, font, text, is the title).

        Each keeps its size while it fits the width; else the type shrinks (to 11 px and
        9 px at a desk), then a line breaks at its " · " and, past that, the type shrinks on
        within the room the scene keeps for the heading. Nothing is elided unless a single
        word is wider than the panel."""
        v, m = self.view, self.view.model
        sc, fonts, t = v.scale, m.fonts, m.texts
        margin = 10 * sc
        width = v.width() - 2 * margin
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
    ) -> list[Line] | None:
        """The lines at `f` times the fonts' size, or None if one does not fit."""
        sc, fonts = self.view.scale, self.view.model.fonts
        out: list[Line] = []
        for text, key, least in ((title, "title", 11), (subtitle, "subtitle", 9)):
            font = QFont(fonts[key])
            px = font.pixelSize()
            smallest = min(px, round(least * sc))
            font.setPixelSize(max(round(smallest * f) if split else smallest, round(px * f)))
            fm = QFontMetricsF(font)
            parts = text.split(" · ") if split else [text]
            lines: list[str] = []
            for piece in parts:  # as many parts on a line as fit
                joined = f"{lines[-1]} · {piece}" if lines else piece
                if lines and fm.horizontalAdvance(joined) <= width:
                    lines[-1] = joined
                else:
                    lines.append(piece)
            for line in lines:
                if fm.horizontalAdvance(line) > width:
                    if not force:
                        return None
                    line = fm.elidedText(line, Qt.TextElideMode.ElideRight, width)
                out.append((line, fm.height(), font, key == "title"))
        return out

    def _boxes(
        self, lines: list[Line], margin: float, width: float
    ) -> list[tuple[QRectF, QFont, str, bool]]:
        y, boxes = margin, []
        for n, (text, h, font, is_title) in enumerate(lines):
            if n and is_title is False and lines[n - 1][3]:
                y += 2 * self.view.scale  # a little air between the title and the subtitle
            boxes.append((QRectF(margin, y, width, h), font, text, is_title))
            y += h
        return boxes
