"""On an update of W⁽ˡ⁾ the diagram draws that layer's edges by how far each weight moved
(issue 13, "the update, visible"), so the class sees which weights moved most."""

import numpy as np

from nnviz.core.steps import step_id

UPDATE_W1 = step_id("update", 1, "W")
UPDATE_W2 = step_id("update", 2, "W")
GRAD_W1 = step_id("backward", 1, "grad_W")


def _widths(diagram, layer):
    return {e.key[1:]: e.width for e in diagram.edges if e.key[0] == layer}


def test_update_edges_are_as_wide_as_their_weights_change(diagram, doc):
    doc.go_to(UPDATE_W1)
    s, t = doc.session, doc.trace
    change = t.W_next[0] - s.W[0]  # canonical (n_1, n_0) = 3×2
    # seed 001: ∂L/∂W⁽¹⁾[0,0] = −0.02307 (as the file shows W, 2×3), η = 0.5: W⁽¹⁾[0,0]
    # moves from 0.1 by +0.01154
    assert round(float(change[0, 0]), 5) == round(0.5 * 0.02307, 5)
    widths = _widths(diagram, 1)
    most = np.unravel_index(np.abs(change).argmax(), change.shape)
    least = np.unravel_index(np.abs(change).argmin(), change.shape)
    assert widths[most] == max(widths.values()) > widths[least]
    # the order of widths is the order of |W′ − W|, not of |W|
    order = sorted(widths, key=widths.get)
    assert order == sorted(widths, key=lambda k: abs(change[k]))
    assert "how far W⁽¹⁾ moved" in diagram.subtitle()
    tip = diagram.tooltip_at(diagram.edge_point(1, 0, 0))
    assert "this update: 0.1 → 0.1115 (+0.01154)" in tip


def test_other_steps_and_layers_keep_drawing_the_weights(diagram, doc):
    doc.go_to(UPDATE_W1)
    s = doc.session
    w2 = _widths(diagram, 2)  # layer 2 keeps |W⁽²⁾|
    assert sorted(w2, key=w2.get) == sorted(w2, key=lambda k: abs(s.W[1][k]))
    doc.go_to(GRAD_W1)
    w1 = _widths(diagram, 1)
    assert sorted(w1, key=w1.get) == sorted(w1, key=lambda k: abs(s.W[0][k]))
    assert "moved" not in diagram.subtitle()
    assert "this update" not in diagram.tooltip_at(diagram.edge_point(1, 0, 0))


def test_update_edges_take_the_sign_of_their_change(diagram, doc):
    doc.go_to(UPDATE_W2)
    change = doc.trace.W_next[1] - doc.session.W[1]
    edges = [e for e in diagram.edges if e.key[0] == 2]
    assert len(edges) == change.size
    for e in edges:
        _, i, j = e.key
        assert (e.sign_colour.red() > e.sign_colour.blue()) == (change[i, j] > 0)


def test_the_diagram_takes_a_new_colour_map(open_window, doc):
    from nnviz.app.colour_ui import choose_map
    from nnviz.app.theme import COLOUR_MAPS, current_theme

    win = open_window(doc)
    before = {e.key: e.sign_colour.name() for e in win.network.edges}
    first = current_theme().map_name
    other = next(name for name in COLOUR_MAPS if name != first)
    try:
        choose_map(win, other)
        after = {e.key: e.sign_colour.name() for e in win.network.edges}
        assert after != before  # the lookup table follows the map, not only the theme
    finally:
        choose_map(win, first)


def test_weights_share_one_scale_across_layers_even_when_a_layer_is_zero(qtbot, qapp):
    """The edges' widths divide by the largest |w| of every layer together: an all-zero W⁽²⁾
    must not stretch the scale to 1 and thin W⁽¹⁾'s largest weight (0.5)."""
    from nnviz.app.document import Document
    from nnviz.app.views.diagram_shapes import MAX_EDGE_WIDTH
    from nnviz.core.session_file import build_session
    from tests.app.user_actions import _show

    s = build_session(
        layers=[2, 2, 1],
        activations=["tanh", "identity"],
        X=[[1.0], [0.5]],
        Y=[[0.0]],
        W=[[[0.5, -0.25], [0.1, 0.2]], [[0.0, 0.0]]],
        b=[[0.0, 0.0], [0.0]],
        convention="column",
    )
    diagram = _show(qtbot, Document(s))
    widest = max(e.width for e in diagram.edges if e.key[0] == 1)
    assert widest == MAX_EDGE_WIDTH * diagram.model.scale
