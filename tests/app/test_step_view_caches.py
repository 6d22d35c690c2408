"""The step view's shortcuts keep what is shown right: the RGB32 image path maps values like
pyqtgraph's, and every cache is dropped when what it was made from changes."""

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from nnviz.app.theme import theme_named


def _rgba(image: QImage, x: int, y: int) -> tuple[int, int, int, int]:
    return QColor.fromRgba(image.pixel(x, y)).getRgb()  # type: ignore[return-value]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_matrix_image_maps_cells_like_pyqtgraph(qapp, theme):
    import pyqtgraph as pg

    from nnviz.app.views.heatmap import MatrixImage

    lut = theme_named(theme).colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
    values = np.array([[-2.0, -0.3, 0.0], [0.31, 2.0, np.nan], [np.inf, -np.inf, 1e-9]])
    ours, theirs = MatrixImage(axisOrder="row-major"), pg.ImageItem(axisOrder="row-major")
    for item in (ours, theirs):
        item.setLookupTable(lut)
        item.setImage(values, levels=(-2.0, 2.0), autoLevels=False)
        item.render()
    a = ours.qimage.convertToFormat(QImage.Format.Format_ARGB32)
    b = theirs.qimage.convertToFormat(QImage.Format.Format_ARGB32)
    assert (a.width(), a.height()) == (3, 3)
    assert ours.image is not None and ours.image.shape == (3, 3)  # the values, not colours
    for i in range(3):
        for j in range(3):
            if np.isnan(values[i, j]):
                assert _rgba(a, j, i)[3] == 0 and _rgba(b, j, i)[3] == 0  # transparent
            else:
                assert _rgba(a, j, i) == _rgba(b, j, i), (i, j)


def test_widest_number_measures_like_every_number(qapp):
    from PySide6.QtGui import QFont, QFontMetricsF

    from nnviz.app.startup import MONO
    from nnviz.app.views.cell_overlay import CellOverlay, font_px_for
    from nnviz.core.formatting import format_value

    values = np.array([[-0.000123456, 12345.678, 1.0], [-1e-12, 0.5, -987.25]])
    overlay = CellOverlay()
    lut = theme_named("light").colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
    for precision in (2, 4, 7):
        overlay.set_values(values, (-1.0, 1.0), lut, precision, theme_named("light"))
        for cell_h in (20.0, 40.0, 60.0):
            px = font_px_for(cell_h)
            font = QFont(MONO)
            font.setPixelSize(round(px))
            every = max(
                QFontMetricsF(font).horizontalAdvance(format_value(v, precision))
                for v in values.ravel()
            )
            assert overlay.widest(px) == pytest.approx(every)


def test_kept_text_items_swap_in_and_never_drop_one_on_show(qapp):
    from PySide6.QtWidgets import QGraphicsScene

    from nnviz.app.views.pg_helpers import HtmlItems

    scene = QGraphicsScene()
    pool = HtmlItems(scene, z=1, limit=4)
    a = pool.show(0, "<b>a</b>")
    a.show()
    b = pool.show(0, "<b>b</b>")  # replaces a at place 0, visible as a was
    assert b.isVisible() and not a.isVisible() and b.toPlainText() == "b"
    assert pool.show(0, "<b>a</b>") is a and a.isVisible() and not b.isVisible()
    twin = pool.show(1, "<b>a</b>")  # the same text at another place is another item
    assert twin is not a and twin.toPlainText() == "a"
    hidden_slot = pool.show(2, "kept while hidden")
    for k in range(20):  # many texts: old ones go, never one a place shows now
        pool.show(3, f"t{k}")
    for item in (a, twin, hidden_slot, pool.show(3, "t19")):
        assert item.scene() is scene
    assert b.scene() is None  # not shown anywhere: dropped
    assert len([i for i in scene.items() if i.toPlainText()]) <= 5


def test_captions_and_operators_follow_every_step_and_the_scale(qapp, open_window, doc):
    win = open_window(doc)
    view = win.step_view

    def check() -> None:
        layout = view.layout_
        n = len(layout.matrices)
        for k, item in enumerate(view.matrices):
            if k < n:
                shown = layout.matrices[k]
                assert item.caption.isVisible() and item.caption.scene() is not None
                assert item.caption.toPlainText().startswith(shown.label)
                assert shown.shape in item.caption.toPlainText()
            else:
                assert not item.caption.isVisible()
        shown_ops = [op.toPlainText() for op in view.ops if op.isVisible()]
        assert shown_ops == [t for t in layout.texts if t]
        assert all(op.scene() is not None for op in view.ops)

    for _ in range(2):  # the second pass shows kept items
        for index in range(doc.step_count):
            doc.go_to(index)
            check()
    assert "font-size:22px" not in view.matrices[0].caption.toHtml()
    view.set_scale(1.45)
    check()
    assert "font-size:22px" in view.matrices[0].caption.toHtml()  # 15 px × 1.45
    view.set_scale(1.0)
    check()


def test_a_quiet_label_still_gets_the_room_its_text_needs(qtbot):
    from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

    from nnviz.app.views.quiet_label import QuietLabel

    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    label = QLabel("short")
    label.setWordWrap(True)
    box = QuietLabel(label)
    layout.addWidget(box)
    layout.addStretch(1)
    host.resize(220, 400)
    host.show()
    qtbot.waitExposed(host)
    one_line = box.height()
    label.setText("a text long enough to need several lines at this width " * 3)
    qtbot.waitUntil(lambda: box.height() > 2 * one_line)
    assert box.height() == label.heightForWidth(box.width())
    assert label.geometry() == box.rect()
    label.setText("short again")
    qtbot.waitUntil(lambda: box.height() == one_line)
    host.resize(120, 400)  # a minimum width above the width: the box widens the host's minimum
    label.setText("unbreakable_word_wider_than_the_window")
    qtbot.waitUntil(lambda: host.minimumSizeHint().width() >= label.minimumSizeHint().width())


def test_the_bottom_labels_fit_their_text_at_every_step(qtbot, qapp, open_window, doc):
    win = open_window(doc, size=(900, 700))
    panel = win.equation_panel
    labels = (panel.equation, panel.shapes, panel.cell, win.step_view.heading)

    def fitted(label) -> bool:
        box = label.parentWidget()
        return label.geometry() == box.rect() and box.height() == label.heightForWidth(box.width())

    for index in range(doc.step_count):
        doc.go_to(index)
        # The bottom panel is sized to its lines (colour_ui.BottomFit): one more layout pass.
        qtbot.waitUntil(lambda: all(fitted(label) for label in labels), timeout=2000)


def test_dark_cells_match_the_per_cell_rule(qapp):
    from nnviz.app.views.cell_overlay import CellOverlay

    theme = theme_named("dark")
    lut = theme.colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
    rng = np.random.default_rng(3)
    values = rng.normal(size=(6, 7)) * 2
    values[0, :4] = [np.nan, np.inf, -np.inf, 1e300]
    values[1, :3] = [-2.5, 2.5, 0.0]  # at and past the ends of the scale
    overlay = CellOverlay()
    overlay.set_values(values, (-2.5, 2.5), lut, 4, theme)
    want = [[overlay._is_dark(i, j) for j in range(7)] for i in range(6)]
    assert overlay._dark_cells().tolist() == want
    assert any(map(any, want)) and not all(map(all, want))
    overlay.set_values(-values, (-2.5, 2.5), lut, 4, theme)  # new values: made anew
    assert overlay._dark_cells().tolist() == [
        [overlay._is_dark(i, j) for j in range(7)] for i in range(6)
    ]


def test_the_step_is_drawn_once_before_the_paint_however_many_changes_come_first(
    qtbot, qapp, open_window, doc
):
    """Keys faster than the screen, or a run of undos: the step view is drawn for what is on
    screen when the window paints (or when it is read), not once per change."""
    from PySide6.QtCore import Qt

    win = open_window(doc)
    view = win.step_view
    qapp.processEvents()
    drawn = []
    view.refreshed.connect(lambda: drawn.append(doc.step.id))
    for _ in range(5):
        qtbot.keyClick(win, Qt.Key.Key_Right)  # no event processing in between
    assert drawn == [] and view.out_of_date
    qapp.processEvents()  # the window's paint
    assert drawn == [doc.trace.steps[5].id] and not view.out_of_date
    qtbot.keyClick(win, Qt.Key.Key_Right)
    assert doc.trace.steps[6].title in view.heading.text()  # read: drawn now, for step 6
    assert drawn == [doc.trace.steps[5].id, doc.trace.steps[6].id]


def test_the_step_is_laid_out_once_before_the_paint_however_many_resizes_come_first(
    qapp, open_window, doc, monkeypatch
):
    """A window's resize, a dock shown or presenter mode resize the step view several times
    before it paints: it is laid out for the size it has then (or when read), once."""
    from nnviz.app.views.step_view import StepView

    win = open_window(doc)
    view = win.step_view
    qapp.processEvents()
    fits = []
    real = StepView.fit_cells
    monkeypatch.setattr(StepView, "fit_cells", lambda self: fits.append(1) or real(self))
    sizes = []
    for w, h in ((1200, 800), (1000, 700), (1300, 850)):
        win.resize(w, h)
        sizes.append(view.size())  # not .canvas: reading it lays the step out
    assert len(set(map(str, sizes))) == 3 and fits == []  # resized three times, not laid out
    qapp.processEvents()  # the window's paint (the panels settle: one more pass at most)
    assert 1 <= len(fits) <= 2
    fits.clear()
    width = view.canvas.width()
    right = max(m.plot.geometry().right() for m in view.matrices if m.plot.isVisible())
    assert right <= width  # laid out for the canvas it has now
    win.resize(1100, 760)
    shown = [m for m in view.matrices if m.plot.isVisible()]  # read: laid out now
    assert len(fits) == 1
    assert max(m.plot.geometry().right() for m in shown) <= view.canvas.width()
    from nnviz.app.views import step_view as step_view_module

    laid_out = []
    real_flush = step_view_module.flush_scene  # the last thing a completed fit does
    monkeypatch.setattr(
        step_view_module, "flush_scene", lambda s: laid_out.append(1) or real_flush(s)
    )
    win.resize(1200, 800)
    view.fit_cells()  # asked directly (render, export) while out of date: laid out once
    assert len(laid_out) == 1


def test_the_image_downsamples_as_pyqtgraph_would_and_again_after_a_resize(qapp, keep):
    """The downsampling is read from the painter's transform, not from pyqtgraph's mapping
    of three points on every view change: the factors must be pyqtgraph's, and a matrix
    placed with larger cells (no view change of pyqtgraph's kind needed) drawn whole again."""
    import pyqtgraph as pg

    from nnviz.app.views.heatmap import MatrixItem

    values = np.linspace(-1.0, 1.0, 784).reshape(1, 784)
    view = keep(pg.GraphicsView())
    view.resize(1700, 120)
    item = MatrixItem(0, view.scene())
    lut = theme_named("light").colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
    item.set_matrix(values, (-1.0, 1.0), lut, 4, theme_named("light"))
    view.show()
    for cell_w, factor, width in ((0.25, 4, 196), (2.0, 1, 784), (0.5, 2, 392)):
        item.place(0, 0, cell_w, 40)
        view.grab()
        image = item.image
        assert image._lastDownsample == (factor, 1)
        assert pg.ImageItem._computeDownsampleFactors(image) == (factor, 1)  # pyqtgraph's
        assert image.qimage.width() == width


@pytest.mark.parametrize("size", [(310, 230), (173, 97)])
def test_a_small_matrix_filled_cell_by_cell_paints_the_pixels_its_image_would(
    qapp, keep, monkeypatch, size
):
    """A matrix of a few cells is painted as rectangles, not as a scaled image: the same
    pixels (cell edges at fractional pixels too), NaN cells left unpainted."""
    import pyqtgraph as pg

    from nnviz.app.views import heatmap

    lut = theme_named("light").colormap().getLookupTable(0.0, 1.0, 256, alpha=False)
    values = np.array([[-2.0, -0.3, 0.0], [0.31, 2.0, np.nan], [0.7, -1.2, 1e-9], [1, 2, -2]])

    def painted(max_filled: int) -> QImage:
        monkeypatch.setattr(heatmap, "MAX_FILLED_CELLS", max_filled)
        view = keep(pg.GraphicsView(background="#808080"))
        view.resize(*size)
        vb = pg.ViewBox(enableMenu=False, invertY=True, defaultPadding=0)
        view.setCentralItem(vb)
        image = heatmap.MatrixImage(axisOrder="row-major")
        image.setLookupTable(lut)
        image.setImage(values, levels=(-2.0, 2.0), autoLevels=False, autoDownsample=True)
        vb.addItem(image)
        vb.setRange(xRange=(0, 3), yRange=(0, 4), padding=0)
        view.show()
        grab = view.grab().toImage()
        assert (image._cells is not None) == (max_filled >= values.size)
        return grab

    filled, drawn = painted(400), painted(0)
    assert filled == drawn
    w, h = filled.width(), filled.height()
    centre = QColor(filled.pixel(round(w * 2.5 / 3), round(h * 1.5 / 4))).name()
    assert centre == "#808080"  # NaN: the background shows through
    corner = QColor(filled.pixel(round(w * 0.5 / 3), round(h * 0.5 / 4))).getRgb()[:3]
    assert corner == tuple(lut[0])  # −2, the scale's low end
