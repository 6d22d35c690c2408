"""The data: for a 2-input network the samples as points over the network's decision map, for
an image dataset (the digits) the pictures of the current mini-batch with label → prediction.

2 inputs: each sample a point at (x₁, x₂), coloured by its class (or its target value, for a
regression), training samples round, test samples square, the current iteration's batch
ringed. Under them the decision map: the network's output over the plane (the core's
`grid.evaluate_grid`), recomputed whenever the iteration on screen changes, so it bends as
the network learns. Images: the batch's inputs as pictures, each captioned with its label and
the network's prediction (this iteration's forward pass), the wrong ones framed.
Nothing is computed here but where and in which colour to draw: the classes, the grid and the
predictions are the core's.
"""

# ruff: noqa: N802, N803, N806 -- Qt's names (paintEvent); maths names for the samples (X, Y)

import math
from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import QGraphicsItem, QLabel, QStackedWidget, QVBoxLayout, QWidget

from nnviz.app.document import Document
from nnviz.app.guard import guarded
from nnviz.app.theme import Theme, current_theme
from nnviz.app.views.before_paint import drawn_part
from nnviz.app.views.colour_scale import NO_COLOUR, fractions, lut_indices
from nnviz.app.views.follow import follow, ignore
from nnviz.app.views.kept_bounds import Scatter
from nnviz.app.views.pg_helpers import flush_scene
from nnviz.app.views.plot_widget import PlotWidget
from nnviz.app.views.same_pass import SamePass
from nnviz.core.grid import MAP_GRID, RECENT, GridMaps, image_side, labels, session_plane
from nnviz.core.session import Session

MAP_SIZE = MAP_GRID  # grid cells a side of the decision map
MAP_OPACITY = 0.6  # the map under the points, lighter than they are
WRONG = {"light": "#c62828", "dark": "#ff6b6b"}  # a wrong prediction's frame and caption


def _samples(s: Session) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training X, Y and test X, Y (no test set: empty) of a session, column layout."""
    if s.data is None:
        return s.X, s.Y, s.X[:, :0], s.Y[:, :0]
    d = s.data
    return d.X_train, d.Y_train, d.X_test, d.Y_test


def class_colours(n: int, theme: Theme) -> list[QColor]:
    """One colour per class: the colour scale's two ends for two classes (the map's 0 and 1),
    evenly spaced hues for more."""
    if n <= 2:
        cmap = theme.colormap()
        return [cmap.map(0.0, mode="qcolor"), cmap.map(1.0, mode="qcolor")][:n] or []
    return [pg.intColor(i, hues=n, values=1, maxValue=210) for i in range(n)]


def shared_brushes(colours: Iterable[QColor]) -> list[QBrush]:
    """A brush per colour, one object for the samples of one colour: pyqtgraph renders a
    symbol per brush object (its atlas knows them by identity), so a brush per sample
    rendered every sample's symbol on its own when a session was opened (2,000 of them
    for the examples, a third of the data view's time)."""
    made: dict[int, QBrush] = {}
    out = []
    for c in colours:
        brush = made.get(c.rgba())
        if brush is None:
            brush = made[c.rgba()] = pg.mkBrush(c)
        out.append(brush)
    return out


class PlaneView(PlotWidget):
    """Samples of a 2-input dataset over the network's output on the plane."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, enableMenu=False)
        self.setObjectName("dataPlane")
        item = self.getPlotItem()
        item.hideButtons()
        item.setMouseEnabled(False, False)
        item.setAspectLocked(False)
        item.setLabel("bottom", "x₁")
        item.setLabel("left", "x₂")
        for side in ("bottom", "left"):  # the inputs' own numbers, never "500 (×0.001)"
            item.getAxis(side).enableAutoSIPrefix(False)
            # Kept as pixels: each new map repainted the axes' labels under its edge.
            item.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.map = pg.ImageItem()
        self.map.setOpacity(MAP_OPACITY)
        item.addItem(self.map)
        self.train = Scatter(size=8, symbol="o")
        self.test = Scatter(size=8, symbol="s")
        self.batch = Scatter(size=15, symbol="o")  # rings round the batch
        for points in (self.train, self.test, self.batch):
            item.addItem(points)
            # Each iteration paints a new map under the same points: Qt keeps each set's
            # pixels and blits them (the points cost more to paint than the map).
            points.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.grid: GridMaps | None = None  # the map on screen, as the core computed it
        self.legend_html = ""  # what the marks mean, shown above the plot
        self._key: object = None  # what the points were drawn for
        self._batch_of: tuple[np.ndarray, np.ndarray | None] | None = None  # ringed: X, indices
        # The map's colours, per theme (_draw_points): each RGBA entry as one 32-bit word.
        self._rgba = np.zeros(1, np.uint32)
        self._levels = (0.0, 1.0)
        self._bounds = (0.0, 1.0, 0.0, 1.0)
        self.same_pass = SamePass(self)  # painted with the step view, not in a pass of its own

    @guarded(None)
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Its items move to the new size: painted with the window's pass, not in one after.
        if "same_pass" in self.__dict__:  # pyqtgraph resizes it while it is made
            flush_scene(self.scene())
            self.same_pass.changed()

    def draw(self, s: Session, trace_session: Session, theme: Theme) -> None:
        X = _samples(s)[0]
        # The samples (the data section, or X itself, shared by every iteration) and how
        # they are coloured: the points are drawn again only when these change.
        key = (id(s.data) if s.data is not None else id(s.X), theme.key, s.loss)
        if key != self._key:
            self._key = key
            self._draw_points(s, theme)
        # This iteration's batch: its training-set indices (the whole X without data).
        samples = trace_session.samples
        if not self._same_batch(X, samples):
            self._batch_of = (X, samples)
            idx = samples if samples is not None else slice(None)
            # Only positions: the ring's pen and brush are set once per theme, so pyqtgraph
            # draws each ring from its symbol atlas instead of rendering one per point.
            self.batch.setData(x=X[0, idx], y=X[1, idx])
        # The grid the diagram's unit maps read too: one forward pass per iteration.
        self.grid = RECENT.grid(s, MAP_SIZE)
        x_lo, x_hi, y_lo, y_hi = self._bounds
        rect = QRectF(x_lo, y_lo, x_hi - x_lo, y_hi - y_lo)  # set with the image: it scales it
        self.map.setImage(self.colours(self.grid.shown), levels=None, autoLevels=False, rect=rect)

    def colours(self, shown: np.ndarray) -> np.ndarray:
        """The map's RGBA pixels (ny, nx, 4) for the values it shows, as pyqtgraph's own
        levels and lookup table would pick them (`lut_indices`), done here from a table kept
        per theme: the ImageItem then draws bytes as they are. Overflowed outputs (an edit
        can make them) are at the scale's ends, NaN at its middle."""
        table = self._rgba
        index = lut_indices(shown, self._levels, len(table))
        index[index == NO_COLOUR] = len(table) // 2
        # A gather of one word a pixel, read back as its 4 bytes: a third of the time of
        # gathering (n, 4) byte rows, every new iteration.
        return table[index].view(np.uint8).reshape(*index.shape, 4)

    def _same_batch(self, X: np.ndarray, samples: np.ndarray | None) -> bool:
        """Whether the rings drawn are this batch's: a full batch is the same every
        iteration, and mini-batches repeat once an epoch."""
        if self._batch_of is None:
            return False
        X_was, was = self._batch_of
        if X_was is not X or (was is None) != (samples is None):
            return False
        return samples is None or np.array_equal(was, samples)  # type: ignore[arg-type]

    def _draw_points(self, s: Session, theme: Theme) -> None:
        X, Y, X_test, Y_test = _samples(s)
        self.setBackground(theme.base)
        item = self.getPlotItem()
        for side in ("left", "bottom"):
            item.getAxis(side).setTextPen(theme.text)
            item.getAxis(side).setPen(theme.muted)
        self._bounds = session_plane(s)  # the grid's own plane
        self._batch_of = None  # the rings take this theme's pen: drawn again
        x_lo, x_hi, y_lo, y_hi = self._bounds
        classes = labels(Y, s.loss)
        n_out = s.layers[-1]
        if classes is not None:
            n = max(n_out, 2)
            colours = class_colours(n, theme)
            brushes = shared_brushes(colours[c] for c in classes)
            test_classes = labels(Y_test, s.loss) if Y_test.size else np.zeros(0, int)
            test_brushes = shared_brushes(colours[c] for c in test_classes)  # type: ignore[union-attr]
            if n_out == 1:  # the map is the output, 0 to 1, on the colour scale
                self._levels = (0.0, 1.0)
                lut = theme.colormap().getLookupTable(nPts=256)
            else:  # the map is the predicted class
                self._levels = (0.0, float(n))
                lut = np.array([c.getRgb()[:3] for c in colours], dtype=np.ubyte)
        else:  # a regression: by the first target, on a symmetric scale
            top = float(np.abs(np.concatenate([Y[0], Y_test[0]])).max()) or 1.0
            self._levels = (-top, top)
            cmap = theme.colormap()
            brushes = shared_brushes(
                cmap.map(f, mode="qcolor") for f in fractions(Y[0], self._levels)
            )
            test_brushes = shared_brushes(
                cmap.map(f, mode="qcolor") for f in fractions(Y_test[0], self._levels)
            )
            lut = cmap.getLookupTable(nPts=256)
        rgba = np.hstack([np.asarray(lut, np.uint8)[:, :3], np.full((len(lut), 1), 255, np.uint8)])
        self._rgba = np.ascontiguousarray(rgba).view(np.uint32).ravel()
        self.batch.setPen(pg.mkPen(theme.outline, width=2))
        self.batch.setBrush(pg.mkBrush(None))
        edge = pg.mkPen(theme.text, width=1)
        self.train.setData(X[0], X[1], brush=brushes, pen=edge)
        self.test.setData(
            X_test[0], X_test[1], brush=test_brushes, pen=pg.mkPen(theme.muted, width=1.5)
        )
        item.setXRange(x_lo, x_hi, padding=0)
        item.setYRange(y_lo, y_hi, padding=0)
        mark = f"<span style='color:{theme.text}'>●</span> train"
        if X_test.size:
            mark += f" <span style='color:{theme.text}'>■</span> test"
        mark += f" <span style='color:{theme.outline}'>◯</span> batch"
        self.legend_html = mark


class BatchImages(QWidget):
    """The current batch as pictures: label → prediction under each, the wrong ones framed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchImages")
        self.setMinimumSize(160, 120)
        self.images: list[QImage] = []
        self.captions: list[tuple[int, int]] = []  # (label, prediction) per sample
        self.title = ""
        self._pictured: np.ndarray | None = None  # the inputs the pictures are of (held)

    def show_batch(self, s: Session, outputs: np.ndarray, side: int) -> None:
        if s.X is not self._pictured:  # a full batch is the same array every iteration
            self._pictured = s.X
            pixels = np.clip(s.X, 0.0, 1.0)  # the digits' pixels are in [0, 1]
            grey = (255 - pixels * 255).astype(np.uint8)  # ink dark on light, as on paper
            self.images = []
            for col in range(grey.shape[1]):
                img = np.ascontiguousarray(grey[:, col].reshape(side, side))
                q = QImage(img.data, side, side, side, QImage.Format.Format_Grayscale8)
                self.images.append(q.copy())  # owns its pixels: img goes out of scope
        truth, guess = labels(s.Y, s.loss), labels(outputs, s.loss)
        if truth is None or guess is None:
            self.captions = []
        else:
            self.captions = list(zip(truth.tolist(), guess.tolist(), strict=True))
        wrong = sum(t != g for t, g in self.captions)
        self.title = f"batch of {len(self.images)}" + (
            f" · label→prediction · {wrong} wrong" if self.captions else ""
        )
        self.update()

    def cell_rects(self) -> list[QRectF]:
        """Where each picture is drawn: the largest square cells that fit them all, each
        at least as wide as its caption (captions never overlap)."""
        n = len(self.images)
        if not n:
            return []
        top, caption = 22.0, 16.0
        least = self.fontMetrics().horizontalAdvance("0→0") + 8.0
        w, h = max(self.width() - 8, 1), max(self.height() - top - 4, 1)
        cell = 8.0
        for size in range(96, 7, -2):
            cols = max(int(w // max(size, least)), 1)
            if math.ceil(n / cols) * (size + caption) <= h:
                cell = float(size)
                break
        pitch = max(cell, least)
        cols = max(int(w // pitch), 1)
        inset = (pitch - cell) / 2
        return [
            QRectF(
                4 + (i % cols) * pitch + inset,
                top + (i // cols) * (cell + caption),
                cell - 4,
                cell - 4,
            )
            for i in range(n)
        ]

    @guarded(None)
    def paintEvent(self, event: QPaintEvent) -> None:
        theme = current_theme()
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(theme.base))
        p.setPen(QColor(theme.muted))
        p.drawText(QRectF(4, 2, self.width() - 8, 18), Qt.AlignmentFlag.AlignLeft, self.title)
        wrong_colour = QColor(WRONG.get(theme.name, WRONG["light"]))
        for i, rect in enumerate(self.cell_rects()):
            p.drawImage(rect, self.images[i])
            if i < len(self.captions):
                t, g = self.captions[i]
                bad = t != g
                if bad:
                    p.setPen(QPen(wrong_colour, 2))
                    p.drawRect(rect.adjusted(-1, -1, 1, 1))
                p.setPen(wrong_colour if bad else QColor(theme.text))
                centre = rect.center().x()
                text_rect = QRectF(centre - 30, rect.bottom() + 1, 60, 15)
                p.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter, f"{t}→{g}")
        p.end()


class DataView(QStackedWidget):
    """The data dock: the plane for 2 inputs, the pictures for square images, else a note."""

    # What it shows, drawn first when read while out of date (it is drawn before it is
    # painted: a run of undos draws it once).
    plane = drawn_part("plane")
    legend = drawn_part("legend")
    images = drawn_part("images")
    note = drawn_part("note")

    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("dataView")
        self.plane = PlaneView()
        # The legend in a label above the plane, not a plot title: a title row sets the
        # plot's minimum width, too wide for a narrow dock.
        self.legend = QLabel()
        self.legend.setObjectName("dataLegend")
        self.legend.setWordWrap(True)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 2, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.legend)
        column.addWidget(self.plane, 1)
        self.plane_page = page
        self.images = BatchImages()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setMargin(12)
        for w in (page, self.images, self.note):
            self.addWidget(w)
        self.setMinimumSize(180, 160)
        self._stale = True  # something changed while hidden: drawn when shown
        self.before_paint = follow(doc, self.refresh, ignore, step=False, iteration=True, lazy=True)
        self.refresh()

    @guarded(None)
    def currentWidget(self) -> QWidget:
        self.before_paint.ensure()
        return super().currentWidget()

    def refresh(self) -> None:
        if not self.isVisible():
            self._stale = True  # a hidden dock costs nothing while playing
            return
        self._stale = False
        doc, theme = self.doc, current_theme()
        s = doc.session
        n_in = s.layers[0]
        side = image_side(n_in)
        if n_in == 2:
            self.setCurrentWidget(self.plane_page)
            self.plane.draw(s, doc.trace.session, theme)
            legend = f"<span style='font-size:8pt'>{self.plane.legend_html}</span>"
            if legend != self.legend.text():
                self.legend.setText(legend)
                self.legend.setAlignment(Qt.AlignmentFlag.AlignCenter)
            flush_scene(self.plane.scene())
            self.plane.same_pass.changed()
        elif side is not None:
            self.setCurrentWidget(self.images)
            self.images.show_batch(s, doc.trace.forward.A[-1], side)
        else:
            self.setCurrentWidget(self.note)
            self.note.setText(
                f"The data view draws samples of 2 inputs as points (with the network's "
                f"decision map under them) and square images as pictures; this network has "
                f"{n_in} inputs."
            )

    @guarded(None)
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
