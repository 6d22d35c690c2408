"""The layer diagram keeps what it drew (the edges, each column's nodes, the texts) and
paints a step from those parts: whatever changes, it must draw what a new diagram draws.

Each test drives one diagram through a change (a new iteration, an edit, a theme, a size,
a hover, a type scale, a number format) and compares its picture, pixel for pixel, with a
diagram made afresh for the Document as it is now (nothing kept); some also sample what
the change must show (an edge's colour, a halo, the texts drawn). Seed 001: W⁽¹⁾ =
[[.1, .2, .3], [.4, .5, .6]] (row convention: W⁽¹⁾[0,1] = 0.2 is the edge x₁ → h₂).
"""

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage

from nnviz.app.document import RESULT
from nnviz.app.theme import current_theme
from nnviz.app.views.diagram import LayerDiagram
from nnviz.core.formatting import format_value
from nnviz.core.steps import step_id
from tests.app.user_actions import _show

MATMUL1 = step_id("forward", 1, "matmul")


def _pixels(view: LayerDiagram) -> np.ndarray:
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    bits = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    return bits.reshape(image.height(), image.bytesPerLine())[:, : 4 * image.width()].copy()


def _fresh(qtbot, view: LayerDiagram) -> np.ndarray:
    """The picture of a new diagram of the same Document, size and scale."""
    other = LayerDiagram(view.doc)
    qtbot.addWidget(other)
    other.resize(view.size())
    if view.scale != 1.0:
        other.set_scale(view.scale)
    try:
        return _pixels(other)
    finally:
        other.close()


def _same_as_fresh(qtbot, view: LayerDiagram, what: str) -> None:
    kept, fresh = _pixels(view), _fresh(qtbot, view)
    assert kept.shape == fresh.shape, what
    differ = int(np.count_nonzero((kept != fresh).any(axis=1)))
    assert differ == 0, f"{what}: {differ} rows differ from a new diagram's picture"


def _colour_at(view: LayerDiagram, x: float, y: float) -> QColor:
    return view.grab().toImage().pixelColor(round(x), round(y))


def _reddish(c: QColor) -> bool:
    return c.red() > c.blue()


def test_every_step_of_three_iterations_draws_as_a_new_diagram(qtbot, diagram, doc):
    """Stepping reuses the parts of the steps before: the edges of the last iteration must
    not stay (the weights move) and a column's values are the step's."""
    seen = set()
    while doc.iteration <= 3:
        _same_as_fresh(qtbot, diagram, f"iteration {doc.iteration} {doc.step.id}")
        seen.add((doc.iteration, doc.step.id))
        doc.next_step()
    assert len(seen) == 3 * doc.step_count
    doc.go_to_iteration(1)  # back to a picture made long ago
    doc.go_to(MATMUL1)
    _same_as_fresh(qtbot, diagram, "iteration 1 again")


def test_an_edit_that_flips_a_weight_repaints_its_edge(qtbot, diagram, doc):
    doc.go_to(MATMUL1)
    diagram.repaint()
    at = diagram.edge_point(1, 1, 0)  # W⁽¹⁾[0,1] = 0.2: x₁ → h₂, lit at forward.1
    assert _reddish(_colour_at(diagram, at.x(), at.y()))
    doc.set_cell("W", layer=1, i=0, j=1, value=-0.6)
    at = diagram.edge_point(1, 1, 0)
    got = _colour_at(diagram, at.x(), at.y())
    assert not _reddish(got), got.name()
    assert got == diagram.edge(1, 1, 0).colour
    _same_as_fresh(qtbot, diagram, "after the edit")
    doc.undo_stack.undo()
    _same_as_fresh(qtbot, diagram, "after undo")


def test_a_hovered_weight_gets_its_halo_and_loses_it(qtbot, diagram, doc):
    doc.go_to(MATMUL1)
    e = diagram.edge(1, 2, 1)  # W⁽¹⁾[1,2] = 0.6: x₂ → h₃
    normal = (e.b - e.a) / max(1e-9, float(np.hypot((e.b - e.a).x(), (e.b - e.a).y())))
    normal = type(normal)(-normal.y(), normal.x())

    def halo_pixel() -> QColor:
        e = diagram.edge(1, 2, 1)
        mid = (e.a + e.b) / 2 + normal * (max(e.width, 2.5) / 2 + 1.5)
        return _colour_at(diagram, mid.x(), mid.y())

    before = halo_pixel()
    selection = QColor(current_theme().selection)
    assert before != selection
    doc.hover_cell("W1", 1, 2)
    assert diagram.marked()[("edge", (1, 2, 1))] == "selected"
    assert halo_pixel() == selection
    _same_as_fresh(qtbot, diagram, "hovered")
    doc.clear_hover()
    assert halo_pixel() == before
    _same_as_fresh(qtbot, diagram, "hover cleared")


def test_a_selected_result_cell_outlines_then_a_step_moves_on(qtbot, diagram, doc):
    doc.go_to(MATMUL1)
    doc.select_cell(RESULT, 1, 2)  # Z⁽¹⁾ of sample 2, unit h₃: outlines its inputs
    _same_as_fresh(qtbot, diagram, "selected")
    assert diagram.sample == 1
    for _ in range(4):
        doc.next_step()
        _same_as_fresh(qtbot, diagram, doc.step.id)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_a_theme_switch_repaints_everything(qtbot, qapp, diagram, doc, theme):
    from nnviz.app.startup import ensure_app

    doc.go_to(MATMUL1)
    diagram.repaint()
    ensure_app("dark" if theme == "light" else "light")
    diagram.repaint()
    try:
        ensure_app(theme)
        corner = _colour_at(diagram, 2, diagram.height() / 2)
        assert corner == QColor(current_theme().base)
        _same_as_fresh(qtbot, diagram, theme)
    finally:
        ensure_app("light")


def test_a_resize_repaints_at_the_new_size(qtbot, diagram, doc):
    doc.go_to(MATMUL1)
    small = _pixels(diagram)
    diagram.resize(520, 600)
    qtbot.waitUntil(lambda: diagram.width() == 520)
    big = _pixels(diagram)
    assert big.shape[0] == 600 and small.shape[0] == 360
    _same_as_fresh(qtbot, diagram, "resized")
    assert diagram.node_center(1, 0).x() == 260  # the middle column, laid out again
    diagram.resize(320, 360)
    qtbot.waitUntil(lambda: diagram.width() == 320)
    assert np.array_equal(_pixels(diagram), small)  # the same picture as before


def test_the_type_scale_repaints_the_texts_bigger(qtbot, diagram, doc):
    doc.go_to(MATMUL1)
    diagram.repaint()
    title = next(f for _, f, t in diagram.drawn if t.startswith("Network"))
    diagram.set_scale(1.45)
    diagram.repaint()
    bigger = next(f for _, f, t in diagram.drawn if t.startswith("Network"))
    assert bigger.pixelSize() > title.pixelSize()
    _same_as_fresh(qtbot, diagram, "scale 1.45")
    diagram.set_scale(1.0)
    diagram.repaint()
    again = next(f for _, f, t in diagram.drawn if t.startswith("Network"))
    assert again.pixelSize() == title.pixelSize()


def test_the_number_format_rewrites_the_values_under_the_nodes(qtbot, diagram, doc):
    doc.go_to(step_id("forward", 1, "activation"))
    a = float(doc.trace.forward.A[0][0, 0])  # σ(0.9 + 0.1) = 0.7311 (sample 1, h₁)
    diagram.repaint()
    texts = [t for _, _, t in diagram.drawn]
    assert format_value(a, 4) in texts
    doc.set_precision(2)
    diagram.repaint()
    texts = [t for _, _, t in diagram.drawn]
    assert format_value(a, 2) in texts and format_value(a, 4) not in texts
    _same_as_fresh(qtbot, diagram, "precision 2")


def test_a_plain_repaint_draws_the_same_picture_and_texts(qtbot, diagram, doc):
    doc.go_to(step_id("backward", 2, "delta"))
    first, drawn = _pixels(diagram), list(diagram.drawn)
    diagram.repaint()
    assert np.array_equal(_pixels(diagram), first)
    assert [t for _, _, t in diagram.drawn] == [t for _, _, t in drawn]
    assert any(t.startswith("δ⁽") for _, _, t in drawn)  # the captions of the backward pass


def test_the_big_network_draws_as_a_new_diagram_as_it_steps(qtbot, big_doc):
    view = _show(qtbot, big_doc, (288, 490))
    for _ in range(big_doc.step_count + 2):
        _same_as_fresh(qtbot, view, big_doc.step.id)
        big_doc.next_step()
    big_doc.go_to(MATMUL1)
    big_doc.select_cell("W1", 100, 500)  # a far weight: the columns draw other units
    _same_as_fresh(qtbot, view, "selected far weight")


@pytest.fixture
def big_doc(qapp):
    from nnviz.app.document import Document
    from nnviz.core.session_file import build_session

    rng = np.random.default_rng(3)
    s = build_session(
        layers=[784, 128, 10],
        activations=["relu", "identity"],
        X=rng.random((784, 4)),
        Y=np.eye(10)[:, rng.integers(0, 10, 4)],
        init={"scheme": "he", "seed": 1},
    )
    d = Document(s)
    yield d
    d.deleteLater()


def test_units_maps_of_a_wide_hidden_layer_draw_as_a_new_diagram(qtbot, qapp):
    """A 2-input network has its hidden units' maps beside the nodes; with 120 hidden units
    the far unit's label (h₁₂₀) goes beside its node, over its map, and the maps are drawn
    with the column. Each iteration has new maps: the picture follows them."""
    from nnviz.app.document import Document
    from nnviz.core.session_file import build_session

    rng = np.random.default_rng(5)
    s = build_session(
        layers=[2, 120, 1],
        activations=["tanh", "identity"],
        X=rng.standard_normal((2, 6)),
        Y=rng.standard_normal((1, 6)),
        init={"scheme": "he", "seed": 2},
        convention="column",
    )
    doc = Document(s)
    view = _show(qtbot, doc, (360, 480))
    assert view.unit_maps.images()  # the maps are drawn
    assert view.node(1, 119).outside == 1  # h₁₂₀ beside its node, on the maps' side
    for _ in range(doc.step_count + 3):
        _same_as_fresh(qtbot, view, f"iteration {doc.iteration} {doc.step.id}")
        doc.next_step()
    assert doc.iteration == 2
