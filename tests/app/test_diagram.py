"""The layer diagram: what it draws as the cursor steps, tooltips, big networks, colours, its
scene model. (Clicking and hovering it: test_diagram_selection.py.)

Seed 001's network is in the row convention (W⁽ˡ⁾ is n_{l−1} × n_l, A is samples × units),
column-batch in the column one (W⁽ˡ⁾ is n_l × n_{l−1}, A is units × samples): every linked
selection is checked in both. Numbers are the example files' own.
"""

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from nnviz.app.document import RESULT, Cell, Document
from nnviz.app.theme import theme_named
from nnviz.app.views.diagram import ACTIVATIONS, DELTA, MAX_EDGES_SAMPLED
from nnviz.app.views.diagram_layout import MAX_SLOTS, column_slots, kind_of, unit_label
from nnviz.core.formatting import format_value
from nnviz.core.session_file import build_session, load_session
from nnviz.core.steps import step_id
from nnviz.core.trace import build_trace
from nnviz.resources import example_path
from tests.app.user_actions import _click, _show

MATMUL1 = step_id("forward", 1, "matmul")
GRAD_W1 = step_id("backward", 1, "grad_W")
DELTA2 = step_id("backward", 2, "delta")

# column-batch's W, canonical (n_l, n_{l-1}) = as written in its file
CB_W1 = [[0.2, -0.4], [0.7, 0.1], [-0.3, 0.5]]
CB_W2 = [[0.6, -0.2, 0.3], [-0.5, 0.4, 0.8]]


def _reddish(c: QColor) -> bool:
    return c.red() > c.blue()


# --- what is drawn ---------------------------------------------------------------------------
def test_every_unit_is_a_node_and_every_weight_an_edge(diagram):
    assert len(diagram.nodes) == 2 + 3 + 2
    assert len(diagram.edges) == 2 * 3 + 3 * 2
    labels = [n.label for n in diagram.nodes]
    assert labels == ["x₁", "x₂", "h₁", "h₂", "h₃", "ŷ₁", "ŷ₂"]
    assert diagram.title() == "Network 2-3-2 · sample 1 of 4"
    assert "activations" in diagram.subtitle()
    assert diagram.quantity == ACTIVATIONS


def test_edges_take_the_weights_sign_and_magnitude(column_diagram):
    """Red for +, blue for −, width growing with |w| over the whole network."""
    view = column_diagram
    weights = {}
    for l, W in ((1, CB_W1), (2, CB_W2)):
        for i, row in enumerate(W):
            for j, w in enumerate(row):
                weights[(l, i, j)] = w
                e = view.edge(l, i, j)
                assert e is not None
                assert _reddish(e.sign_colour) == (w > 0), (l, i, j, w)
    by_magnitude = sorted(weights, key=lambda k: abs(weights[k]))
    widths = [view.edge(*k).width for k in by_magnitude]
    for a, b in itertools.pairwise(by_magnitude):
        wa, wb = view.edge(*a).width, view.edge(*b).width
        if abs(weights[a]) < abs(weights[b]):
            assert wa < wb, (a, b)
        else:
            assert wa == pytest.approx(wb)
    assert max(widths) == view.edge(2, 1, 2).width  # 0.8, the largest |w| in the network


def test_the_lit_layer_follows_the_cursor(diagram, doc):
    depth = doc.session.depth
    seen = set()
    while True:
        step = doc.step
        lit = step.layer if step.layer is not None else depth
        assert diagram.lit_layer == lit, step.id
        lit_edges = {e.key[0] for e in diagram.edges if e.lit}
        assert lit_edges == ({step.layer} if step.layer is not None else set()), step.id
        assert all(n.active for n in diagram.nodes if n.key[0] == lit), step.id
        dim = {n.key[0] for n in diagram.nodes if not n.active}
        assert lit not in dim
        seen.add(lit)
        doc.next_step()
        if doc.iteration == 2:
            break
    assert seen == {1, 2}


def test_nodes_show_activations_forward_and_delta_backward(diagram, doc):
    trace = doc.trace
    doc.go_to(step_id("loss"))
    assert diagram.quantity == ACTIVATIONS
    a2 = trace.forward.A[1][:, 0]  # canonical (units, samples): sample 1
    for u in range(2):
        node = diagram.node(2, u)
        assert node.state == "value"
        assert diagram.tooltip_at(diagram.node_center(2, u)).endswith(
            f"A⁽²⁾[0,{u}] = {format_value(float(a2[u]))}"
        )
    doc.go_to(DELTA2)
    assert diagram.quantity == DELTA
    assert "δ" in diagram.subtitle()
    d2 = trace.backward.delta[1][:, 0]
    assert (d2[0] > 0) and (d2[1] < 0)  # seed 001: δ⁽²⁾ of sample 1 is 0.07449, −0.1636
    assert _reddish(diagram.node(2, 0).fill) and not _reddish(diagram.node(2, 1).fill)
    tip = diagram.tooltip_at(diagram.node_center(2, 1))
    assert f"δ⁽²⁾[0,1] = {format_value(float(d2[1]))}" in tip
    assert diagram.node(1, 0).state == "pending"  # δ⁽¹⁾ comes later in the backward pass
    assert diagram.node(0, 0).state == "none"  # an input has no δ
    doc.go_to(GRAD_W1)
    assert diagram.node(1, 0).state == "value"


def test_layers_not_computed_yet_are_hollow(diagram, doc):
    doc.go_to(MATMUL1)
    assert [diagram.node(k, 0).state for k in range(3)] == ["value", "pending", "pending"]
    doc.go_to(step_id("forward", 1, "activation"))
    assert [diagram.node(k, 0).state for k in range(3)] == ["value", "value", "pending"]
    doc.go_to(step_id("update", 1, "W"))
    assert [diagram.node(k, 0).state for k in range(3)] == ["value"] * 3


def test_tooltips_go_through_the_formatter_at_the_documents_precision(diagram, doc):
    doc.go_to(step_id("forward", 1, "activation"))
    a = float(doc.trace.forward.A[0][0, 0])  # σ(0.9 + 0.1) = 0.7311 (sample 1, h₁)
    tip = diagram.tooltip_at(diagram.node_center(1, 0))
    assert tip == f"h₁ · sample 1\nA⁽¹⁾[0,0] = {format_value(a, 4)}"
    doc.set_precision(2)
    assert diagram.tooltip_at(diagram.node_center(1, 0)).endswith(f"= {format_value(a, 2)}")
    tip = diagram.tooltip_at(diagram.edge_point(1, 1, 0))
    assert tip.startswith("W⁽¹⁾[0,1] = 0.2\nfrom x₁ to h₂")
    assert diagram.tooltip_at(QPoint(2, 2)) == ""


def test_a_tooltip_event_shows_the_value(qapp, diagram, doc):
    doc.go_to(MATMUL1)
    pos = diagram.edge_point(1, 1, 0)
    event = QHelpEvent(QEvent.Type.ToolTip, pos, diagram.mapToGlobal(pos))
    QApplication.sendEvent(diagram, event)
    assert QToolTip.isVisible()
    assert QToolTip.text() == diagram.tooltip_at(pos) == "W⁽¹⁾[0,1] = 0.2\nfrom x₁ to h₂"
    QToolTip.hideText()


def test_an_edit_redraws_the_edge(diagram, doc):
    doc.go_to(MATMUL1)
    before = diagram.edge(1, 0, 0).width
    doc.set_cell("W", layer=1, i=0, j=0, value=-0.6)
    e = diagram.edge(1, 0, 0)
    assert not _reddish(e.sign_colour)
    assert e.width > before


def test_a_new_session_redraws_the_new_network_and_stepping_writes_nothing(qtbot, diagram, doc):
    writes = []
    doc.selectionChanged.connect(lambda: writes.append("selection"))
    doc.hoverChanged.connect(lambda: writes.append("hover"))
    for _ in range(doc.step_count):
        doc.next_step()
        diagram.repaint()
    assert writes == []
    doc.replace_session(load_session(example_path("softmax-classifier")))
    assert diagram.title() == "Network 2-4-3 · sample 1 of 6"
    assert len(diagram.nodes) == 2 + 4 + 3 and len(diagram.edges) == 2 * 4 + 4 * 3


# --- a big network --------------------------------------------------------------------------
@pytest.fixture
def big_doc(qapp):
    rng = np.random.default_rng(3)
    X = rng.random((784, 6))
    Y = np.eye(10)[:, rng.integers(0, 10, 6)]
    s = build_session(
        layers=[784, 128, 10],
        activations=["relu", "identity"],
        X=X,
        Y=Y,
        init={"scheme": "he", "seed": 1},
    )
    d = Document(s)
    yield d
    d.deleteLater()


def test_a_784_128_10_network_draws_some_units_and_the_strongest_edges(qtbot, big_doc):
    view = _show(qtbot, big_doc)
    columns = view.geometry_.columns
    assert [c.size for c in columns] == [784, 128, 10]
    for c in columns:
        assert len(c.units) + len(c.gaps) <= MAX_SLOTS
    assert columns[0].units[-1] == 783 and columns[0].gaps and not columns[2].gaps
    assert [b for _, _, b, _ in view.texts.captions] == ["784 units", "128 units", ""]
    for l in (1, 2):
        assert 0 < sum(e.key[0] == l for e in view.edges) <= MAX_EDGES_SAMPLED
    W1 = big_doc.session.W[0]
    drawn = [abs(W1[e.key[1], e.key[2]]) for e in view.edges if e.key[0] == 1]
    left_out = [
        abs(W1[i, j])
        for i in columns[1].units
        for j in columns[0].units
        if view.edge(1, i, j) is None
    ]
    assert min(drawn) >= max(left_out)  # the strongest of the units drawn
    for _ in range(big_doc.step_count):  # every step redraws
        big_doc.next_step()
        view.repaint()
    assert big_doc.iteration == 2


def test_a_selected_far_weight_is_drawn_and_outlined(qtbot, big_doc):
    view = _show(qtbot, big_doc)
    big_doc.select_cell("W1", 100, 500)  # column convention: unit h₁₀₁ from x₅₀₁
    assert 500 in view.geometry_.columns[0].units and 100 in view.geometry_.columns[1].units
    assert view.marked()[("edge", (1, 100, 500))] == "selected"
    _click(qtbot, view, view.node_center(1, 100))
    assert big_doc.selection == Cell(RESULT, 100, 0)


def test_a_focused_product_cell_outlines_every_drawn_weight_into_its_unit(qtbot, big_doc):
    """P⁽¹⁾[100,2] sums 784 terms: each input drawn gets its edge into h₁₀₁, past the cap."""
    view = _show(qtbot, big_doc)
    big_doc.select_cell(RESULT, 100, 2)
    assert view.sample == 2
    inputs = view.geometry_.columns[0].units
    marked = view.marked()
    assert marked[("node", (1, 100))] == "selected"
    for j in inputs:
        assert marked[("edge", (1, 100, j))] == "outlined"
        assert marked[("node", (0, j))] == "outlined"
    assert sum(e.key[0] == 1 for e in view.edges) <= MAX_EDGES_SAMPLED + len(inputs)


# --- pictures --------------------------------------------------------------------------------
def _close(a: QColor, b: QColor, tol: int = 10) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("size", [(320, 360), (600, 500)])
def test_nodes_have_the_colour_of_their_value(qtbot, qapp, doc, tmp_path, theme, size):
    """Grabbed as the dock shows it; sampled inside each node, above its label."""
    from nnviz.app.startup import ensure_app

    ensure_app(theme)
    try:
        view = _show(qtbot, doc, size)
        doc.go_to(step_id("loss"))
        image = view.grab().toImage()
        ratio = image.devicePixelRatio()
        assert (image.width(), image.height()) == (round(size[0] * ratio), round(size[1] * ratio))
        image.save(str(tmp_path / f"diagram-{theme}-{size[0]}.png"))
        trace, cmap = doc.trace, theme_named(theme).colormap()
        m = max(float(np.abs(a).max()) for a in (trace.session.X, *trace.forward.A))
        r = view.geometry_.radius
        for layer, values in enumerate((trace.session.X, *trace.forward.A)):
            for u in range(values.shape[0]):
                c = view.node_center(layer, u)
                got = image.pixelColor(round(c.x() * ratio), round((c.y() - 0.7 * r) * ratio))
                want = cmap.map(0.5 + 0.5 * float(values[u, 0]) / m, mode="qcolor")
                if layer != 2:  # the loss lights the output; the rest are paled
                    assert _close(got, view.node(layer, u).fill)
                else:
                    assert _close(got, want, tol=12), (layer, u, got.name(), want.name())
        corner = image.pixelColor(2, round(image.height() / 2))
        assert _close(corner, QColor(theme_named(theme).base))
    finally:
        ensure_app("light")


# --- the pure part ---------------------------------------------------------------------------
def test_column_slots_keep_the_first_the_focused_and_the_last_units():
    assert [s.unit for s in column_slots(3)] == [0, 1, 2]
    slots = column_slots(784, keep={500})
    units = [s.unit for s in slots if s.unit is not None]
    assert len(slots) <= MAX_SLOTS
    assert units[0] == 0 and 500 in units and units[-1] == 783
    hidden = sum(s.hidden for s in slots if s.unit is None)
    assert hidden + len(units) == 784


def test_operand_roles_say_what_they_hold():
    trace = build_trace(load_session(example_path("seed001-network")))  # depth 2
    op = {o.name: o for s in trace.steps for o in (*s.operands, s.result)}
    assert kind_of(op["W2"]).what == kind_of(op["dW2"]).what == kind_of(op["W2_new"]).what
    assert (kind_of(op["A0"]).what, kind_of(op["A0"]).layer) == ("units", 0)
    assert (kind_of(op["Y"]).what, kind_of(op["Y"]).layer) == ("units", 2)
    assert kind_of(op["db1"]).what == kind_of(op["b1_new"]).what == "vector"
    assert kind_of(op["L"]) is None
    assert unit_label(0, 783, 2) == "x₇₈₄" and unit_label(2, 0, 2) == "ŷ₁"


def test_the_scene_model_is_built_without_a_widget(doc):
    """The picture is data: DiagramScene lays seed 001's 2-3-2 network out on its own, and
    maps an edge back to the step's cell, with no widget shown."""
    from nnviz.app.views.diagram_scene import DiagramScene

    scene = DiagramScene(doc)
    scene.build(320, 360)
    assert sorted(n.key for n in scene.nodes) == [
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
        (1, 2),
        (2, 0),
        (2, 1),
    ]
    assert len(scene.edges) == 2 * 3 + 3 * 2
    assert scene.quantity == ACTIVATIONS and scene.lit_layer == 1
    assert scene.texts.title == "Network 2-3-2 · sample 1 of 4"
    widest = max(scene.edges, key=lambda e: e.width)
    assert widest.key == (1, 2, 1)  # W⁽¹⁾ = [[.1, .2, .3], [.4, .5, .6]]: |0.6| from x₂ to h₃
    assert scene.cell_for("edge", (1, 2, 1)) == ("W1", 1, 2)  # row convention: W[j, i]
