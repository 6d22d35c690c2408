"""The data view (issue 13): the samples over the decision map for 2 inputs, the batch's
pictures for the digits; the batch highlighted is the trace's, the map is the core's grid."""

import numpy as np
import pyqtgraph as pg
import pytest
from numpy.testing import assert_allclose
from PySide6.QtCore import Qt

from nnviz.app.document import Document
from nnviz.app.theme import current_theme
from nnviz.app.views.data_view import DataView, class_colours
from nnviz.app.views.diagram import LayerDiagram
from nnviz.core import grid as grid_module
from nnviz.core.grid import RECENT, evaluate_grid, plane_bounds
from nnviz.core.network import forward
from nnviz.core.session_file import load_session
from nnviz.resources import example_path

Key = Qt.Key


@pytest.fixture
def example_doc(qapp):
    made = []

    def make(name: str) -> Document:
        d = Document(load_session(example_path(name)))
        made.append(d)
        return d

    yield make
    for d in made:
        d.deleteLater()


def points(scatter) -> np.ndarray:
    xs, ys = scatter.getData()
    return np.vstack([xs, ys])


def test_the_batch_ringed_is_the_traces_and_follows_the_iteration(qtbot, open_window, example_doc):
    doc = example_doc("circles")  # 150 training samples in batches of 16, 50 held out
    win = open_window(doc)
    view = win.data_view
    assert view.currentWidget() is view.plane_page and view.plane.isVisible()
    d = doc.session.data
    assert_allclose(points(view.plane.train), d.X_train)
    assert_allclose(points(view.plane.test), d.X_test)
    win.step_view.setFocus()
    for _ in range(3):
        qtbot.keyClick(win.step_view, Key.Key_N)
        samples = doc.trace.session.samples
        assert len(samples) == 16
        assert_allclose(points(view.plane.batch), d.X_train[:, samples])
    assert doc.iteration == 4
    assert "batch" in view.legend.text() and "test" in view.legend.text()


def map_colours(shown: np.ndarray, cells) -> list[tuple[int, ...]]:
    """The colour scale's entry for a sigmoid output in [0, 1], as pyqtgraph's ImageItem
    picks it for levels (0, 1) and a 256-entry table: trunc(v · 256), the top one at 1."""
    lut = current_theme().colormap().getLookupTable(nPts=256)
    return [(*lut[min(int(shown[i, j] * 256), 255)], 255) for i, j in cells]


def test_the_map_is_the_cores_grid_every_iteration(qtbot, open_window, example_doc):
    doc = example_doc("circles")
    win = open_window(doc)
    plane = win.data_view.plane
    d = doc.session.data
    bounds = plane_bounds(d.X_train, d.X_test)
    before = plane.map.image.copy()
    expected = evaluate_grid(doc.session, bounds, 100)
    assert_allclose(plane.grid.shown, expected.shown, rtol=0, atol=0)
    assert_allclose(plane.grid.output, expected.output, rtol=0, atol=0)
    cells = [(0, 0), (0, 99), (37, 61), (99, 0), (99, 99)]  # row i is y = ys[i]: y up
    assert [tuple(plane.map.image[i, j]) for i, j in cells] == map_colours(expected.shown, cells)
    doc.go_to_iteration(200)
    plane = win.data_view.plane  # read from the view: drawn first
    expected = evaluate_grid(doc.session, bounds, 100)
    assert_allclose(plane.grid.shown, expected.shown, rtol=0, atol=0)
    assert [tuple(plane.map.image[i, j]) for i, j in cells] == map_colours(expected.shown, cells)
    assert not np.array_equal(plane.map.image, before)  # it learned: the map moved
    rect = plane.map.mapRectToParent(plane.map.boundingRect())
    assert (rect.left(), rect.right()) == pytest.approx(bounds[:2])
    assert (rect.top(), rect.bottom()) == pytest.approx(bounds[2:])


def test_the_map_and_the_unit_maps_share_one_forward_pass_an_iteration(
    qtbot, open_window, example_doc, monkeypatch
):
    doc = example_doc("circles")  # 2-6-1: the diagram draws its six hidden units' maps
    win = open_window(doc)
    diagram = win.findChild(LayerDiagram)
    assert diagram is not None and diagram.isVisible()
    passes = []

    def counted(W, b, X, activations):
        passes.append(X.shape[1])
        return forward(W, b, X, activations)

    monkeypatch.setattr(grid_module, "forward", counted)
    win.step_view.setFocus()
    qtbot.keyClick(win.step_view, Key.Key_N)  # the next iteration: both views redraw
    diagram.repaint()
    assert doc.iteration == 2
    images = diagram.unit_maps.images()
    assert sorted(images) == [(1, j) for j in range(6)]
    assert passes == [100 * 100]  # one grid for the decision map and the six units' maps
    assert win.data_view.plane.grid is RECENT.grid(doc.session)


def test_a_full_batch_session_rings_every_sample(qtbot, open_window, example_doc):
    doc = example_doc("xor")
    win = open_window(doc)
    assert_allclose(points(win.data_view.plane.batch), doc.session.X)
    assert_allclose(points(win.data_view.plane.train), doc.session.X)
    assert len(win.data_view.plane.test.getData()[0]) == 0


def test_the_digits_show_the_batch_with_label_and_prediction(qtbot, open_window, example_doc):
    doc = example_doc("digits")  # 64-16-10, batches of 32
    win = open_window(doc)
    view = win.data_view
    assert view.currentWidget() is view.images
    for _ in range(2):
        truth = doc.session.Y.argmax(axis=0)
        guess = doc.trace.forward.A[-1].argmax(axis=0)
        assert view.images.captions == list(zip(truth.tolist(), guess.tolist(), strict=True))
        assert len(view.images.images) == 32
        wrong = int((truth != guess).sum())
        assert f"{wrong} wrong" in view.images.title
        first = view.images.images[0]
        assert (first.width(), first.height()) == (8, 8)
        # Ink dark on light: the darkest pixel is the largest input.
        col = doc.session.X[:, 0].reshape(8, 8)
        i, j = np.unravel_index(col.argmax(), col.shape)
        assert first.pixelColor(j, i).value() == round(255 - col.max() * 255)
        doc.next_iteration()
    rects = view.images.cell_rects()
    assert all(view.images.rect().contains(r.toRect()) for r in rects)
    assert not view.grab().isNull()


def test_other_inputs_get_a_note_and_presenter_mode_hides_the_dock(qtbot, open_window, example_doc):
    doc = example_doc("seed001-small")  # 3 inputs
    win = open_window(doc)
    view = win.data_view
    assert view.currentWidget() is view.note and "3 inputs" in view.note.text()
    assert win.data_dock.isVisible()
    win.set_presenter(True, full_screen=False)
    assert not win.data_dock.isVisible()
    win.set_presenter(False, full_screen=False)
    assert win.data_dock.isVisible()


def test_a_hidden_dock_waits_until_shown(qtbot, open_window, example_doc):
    doc = example_doc("circles")
    win = open_window(doc)
    win.data_dock.hide()
    doc.go_to_iteration(5)
    assert not np.array_equal(
        points(win.data_view.plane.batch), doc.session.data.X_train[:, doc.session.samples]
    )
    win.data_dock.show()
    qtbot.waitUntil(win.data_view.isVisible)
    assert_allclose(
        points(win.data_view.plane.batch), doc.session.data.X_train[:, doc.session.samples]
    )


@pytest.mark.parametrize("name", ["softmax-classifier", "plane"])
def test_classes_and_regressions_colour_the_map_as_pyqtgraph_would(keep, example_doc, name):
    """The map's pixels are made here from a table; pyqtgraph's own mapping of the core's
    grid (its levels and lookup table: classes 0…n by their colours, a regression ±max|Y|
    on the colour scale) gives the same bytes."""
    doc = example_doc(name)
    view = keep(DataView(doc))
    view.resize(300, 300)
    view.show()
    doc.go_to_iteration(50)
    s, theme = doc.session, current_theme()
    shown = evaluate_grid(s, plane_bounds(*data_samples(s)), 100).shown
    if s.loss == "cross_entropy":
        n = s.layers[-1]
        levels = (0.0, float(n))
        lut = np.array([c.getRgb()[:3] for c in class_colours(n, theme)], dtype=np.ubyte)
    else:
        Y = np.concatenate([s.data.Y_train[0], s.data.Y_test[0]]) if s.data else s.Y[0]
        top = float(np.abs(Y).max())
        levels = (-top, top)
        lut = theme.colormap().getLookupTable(nPts=256)
    bgra, _alpha = pg.functions.makeARGB(shown, lut=lut, levels=levels)
    assert np.array_equal(view.plane.map.image[..., :3], bgra[..., [2, 1, 0]])
    assert len(np.unique(shown)) > 1  # a map with more than one colour on it


def data_samples(s):
    return (s.X,) if s.data is None else (s.data.X_train, s.data.X_test)


def test_the_axes_label_the_inputs_own_numbers(qtbot, open_window, example_doc):
    """moons' x₂ runs from about −0.6 to 1.1: pyqtgraph's automatic SI prefix wrote its ticks
    as 500, 0, −500 with "x₂ (x0.001)" in a narrow dock."""
    doc = example_doc("moons")
    win = open_window(doc, size=(1024, 768))
    qtbot.waitUntil(lambda: win.data_view.plane.isVisible())
    item = win.data_view.plane.getPlotItem()
    for side, name in (("left", "x₂"), ("bottom", "x₁")):
        axis = item.getAxis(side)
        lo, hi = axis.range
        ticks = [
            v for _spacing, values in axis.tickValues(lo, hi, axis.height() or 100) for v in values
        ]
        assert name in axis.labelString() and "(" not in axis.labelString()
        assert max(abs(v) for v in ticks) < 5  # the inputs' own scale, no ×1000
        assert axis.autoSIPrefixScale == 1.0
