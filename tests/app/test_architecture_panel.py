"""The Architecture dock driven as a user (issue 11): spin boxes, combo boxes, the learning
rate typed in, buttons. Seed 001's network (row convention, 2-3-2, X 4×2, W⁽¹⁾ 2×3): its
P⁽¹⁾ = X·W⁽¹⁾ is seed 001's Z = [[0.9, 1.2, 1.5], [1.9, 2.6, 3.3], [2.9, 4.0, 5.1],
[3.9, 5.4, 6.9]], which a resized W⁽¹⁾ must keep in the columns that survive."""

import json

import numpy as np
import pytest
from numpy.testing import assert_allclose
from PySide6.QtCore import Qt

from nnviz.core.init import initialise
from nnviz.core.session_file import session_to_dict
from nnviz.core.steps import step_id

Key = Qt.Key
SEED_Z = [[0.9, 1.2, 1.5], [1.9, 2.6, 3.3], [2.9, 4.0, 5.1], [3.9, 5.4, 6.9]]
MATMUL1 = step_id("forward", 1, "matmul")


def saved_text(s) -> str:
    return json.dumps(session_to_dict(s), sort_keys=True)


def same_bits(s, t) -> bool:
    mats = [(s.X, t.X), (s.Y, t.Y), *zip(s.W, t.W, strict=True), *zip(s.b, t.b, strict=True)]
    return len(s.W) == len(t.W) and all(
        a.shape == c.shape and a.tobytes() == c.tobytes() for a, c in mats
    )


def half_sse_loss(s) -> float:
    """Seed 001's network by hand (row layout, as the seed writes it): sigmoid hidden units,
    identity output, (1/B) Σ ½ Σ (a − y)²; independent of the core's forward pass."""
    A = s.X.T
    for k, (W, b) in enumerate(zip(s.W, s.b, strict=True)):
        Z = A @ W.T + b
        A = 1 / (1 + np.exp(-Z)) if s.activations[k] == "sigmoid" else Z
    return float(np.sum(0.5 * (A - s.Y.T) ** 2) / s.X.shape[1])


@pytest.fixture
def arch(window, qtbot):
    window.architecture_dock.show()
    window.architecture_dock.raise_()
    qtbot.waitUntil(lambda: window.architecture_panel.isVisible())
    return window


def spin(qtbot, box, key) -> None:
    box.setFocus()
    qtbot.keyClick(box, key)


def choose(qtbot, combo, text: str) -> None:
    """Pick `text` as a user does: open the list and click the item."""
    target = combo.findText(text)
    assert target >= 0, text
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    rect = view.visualRect(combo.model().index(target, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible())


def type_rate(qtbot, panel, text: str) -> None:
    box = panel.learning_rate
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Key.Key_Return)


def test_a_unit_added_with_the_spin_box_widens_z_and_recomputes_the_loss(qtbot, arch):
    doc, panel = arch.doc, arch.architecture_panel
    s = doc.session
    assert s.layers == (2, 3, 2)
    assert doc.loss == pytest.approx(half_sse_loss(s), rel=1e-14)
    spin(qtbot, panel.rows[1].units, Key.Key_Up)
    t = doc.session
    assert t.layers == (2, 4, 2)
    assert doc.result(step_id("forward", 1, "bias")).shape == (4, 4)  # Z⁽¹⁾: samples × units
    assert_allclose(doc.result(MATMUL1)[:, :3], SEED_Z, rtol=1e-12)
    assert doc.loss == pytest.approx(half_sse_loss(t), rel=1e-14)
    assert doc.loss != pytest.approx(half_sse_loss(s))
    # The new weights are the session's scheme's (xavier seed 0) for a 2-4-2 network.
    W_new, _ = initialise((2, 4, 2), "xavier", 0)
    assert t.W[0][3].tolist() == W_new[0][3].tolist()  # W⁽¹⁾ row of the new unit (column layout)
    assert t.W[1][:, 3].tolist() == W_new[1][:, 3].tolist()
    assert arch.step_view.shown(RESULT_NAME).values.shape == (4, 4)
    assert arch.undo_action.text() == "&Undo add a unit to layer 1"
    assert panel.changed.text().endswith("changed W⁽¹⁾, W⁽²⁾, b⁽¹⁾")


RESULT_NAME = "result"


def test_a_unit_removed_keeps_every_surviving_value(qtbot, arch):
    doc, panel = arch.doc, arch.architecture_panel
    s = doc.session
    spin(qtbot, panel.rows[1].units, Key.Key_Up)
    spin(qtbot, panel.rows[1].units, Key.Key_Down)
    assert arch.undo_action.text() == "&Undo remove a unit from layer 1"
    assert same_bits(doc.session, s)  # the top-left blocks were kept, the new unit dropped
    spin(qtbot, panel.rows[1].units, Key.Key_Down)  # 2 hidden units: seed Z's first columns
    assert doc.session.layers == (2, 2, 2)
    assert_allclose(doc.result(MATMUL1), [r[:2] for r in SEED_Z], rtol=1e-12)
    assert doc.session.W[1].tolist() == [[0.5, -0.2], [-0.3, 0.4]]  # W⁽²⁾'s first two rows
    assert doc.session.b[0].tolist() == [0.1, -0.1]


def test_hidden_layers_are_added_and_removed_with_their_buttons(qtbot, arch):
    doc, panel = arch.doc, arch.architecture_panel
    s = doc.session
    panel.add_units.setValue(5)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert doc.session.layers == (2, 3, 5, 2)
    assert doc.session.activations == ("sigmoid", "sigmoid", "identity")
    assert arch.undo_action.text() == "&Undo add hidden layer 2 (5 units)"
    assert len(panel.rows) == 4 and panel.rows[2].units.value() == 5
    assert doc.session.W[0].tobytes() == s.W[0].tobytes()  # W⁽¹⁾ joins the same layers
    assert doc.session.b[2].tobytes() == s.b[1].tobytes()  # the output's biases survive
    assert doc.loss == pytest.approx(half_sse_loss(doc.session), rel=1e-14)
    qtbot.mouseClick(panel.rows[1].remove, Qt.MouseButton.LeftButton)
    assert doc.session.layers == (2, 5, 2)
    assert arch.undo_action.text() == "&Undo remove hidden layer 1"
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert same_bits(doc.session, s) and saved_text(doc.session) == saved_text(s)
    assert len(panel.rows) == 3


@pytest.mark.parametrize(
    ("what", "value", "message"),
    [
        ("loss", "cross_entropy", "softmax"),
        ("loss", "bce", "sigmoid"),
        ("activation1", "softmax", "softmax"),
        ("activation2", "softmax", "cross_entropy"),
    ],
)
def test_a_refused_combination_changes_nothing_and_says_why(qtbot, arch, what, value, message):
    doc, panel = arch.doc, arch.architecture_panel
    s, text, steps = doc.session, saved_text(doc.session), doc.undo_stack.count()
    combo = panel.loss if what == "loss" else panel.rows[int(what[-1])].activation
    before = combo.currentText()
    choose(qtbot, combo, value)
    assert doc.session is s and saved_text(doc.session) == text and same_bits(doc.session, s)
    assert doc.undo_stack.count() == steps
    assert panel.message.isVisible() and message in panel.message.text()
    assert combo.currentText() == before  # the box shows what the session holds


def test_a_loss_with_its_output_activation_is_accepted_in_two_steps(qtbot, arch):
    """sigmoid output first (accepted with half_sse), then bce (now allowed)."""
    doc, panel = arch.doc, arch.architecture_panel
    doc.set_cell("Y", None, 0, 0, value=0.0)  # targets already in [0, 1]
    choose(qtbot, panel.rows[2].activation, "sigmoid")
    choose(qtbot, panel.loss, "bce")
    assert doc.session.loss == "bce" and doc.session.activations[-1] == "sigmoid"
    assert arch.undo_action.text() == "&Undo loss half_sse → bce"
    assert not panel.message.isVisible()


def test_the_learning_rate_reduction_and_biases_each_undo_by_name(qtbot, arch):
    doc, panel = arch.doc, arch.architecture_panel
    s = doc.session
    type_rate(qtbot, panel, "0,1")
    assert doc.session.learning_rate == 0.1
    assert arch.undo_action.text() == "&Undo learning rate 0.5 → 0.1"
    type_rate(qtbot, panel, "1/3")
    assert doc.session.learning_rate == 1 / 3
    type_rate(qtbot, panel, "fast")
    assert "learning rate" in panel.message.text() and doc.session.learning_rate == 1 / 3
    choose(qtbot, panel.reduction, "sum")
    assert doc.session.reduction == "sum"
    assert arch.undo_action.text() == "&Undo reduction mean → sum"
    qtbot.mouseClick(panel.train_biases, Qt.MouseButton.LeftButton)
    assert doc.session.train_biases is False
    assert arch.undo_action.text() == "&Undo biases frozen"
    assert doc.undo_stack.count() == 4  # the field losing focus is no edit
    for _ in range(4):
        doc.undo_stack.undo()
    assert saved_text(doc.session) == saved_text(s) and same_bits(doc.session, s)
    assert panel.learning_rate.text() == "0.5" and panel.train_biases.isChecked()


def test_the_convention_switch_transposes_every_number_and_keeps_the_step(qtbot, arch):
    doc, panel = arch.doc, arch.architecture_panel
    before = doc.history.trace(1)
    doc.go_to(step_id("backward", 1, "grad_W"))
    index = doc.step_index
    doc.select_cell("result", 1, 2)  # ∂L/∂W⁽¹⁾ is 2×3 in the row convention
    choose(qtbot, panel.convention, "column · W·X")
    assert doc.session.convention == "column"
    assert arch.undo_action.text() == "&Undo convention → column"
    assert doc.step_index == index and doc.step.id == step_id("backward", 1, "grad_W")
    assert doc.selection is not None and (doc.selection.row, doc.selection.col) == (2, 1)
    assert doc.focus_cell() is not None
    after = doc.trace
    assert [st.id for st in after.steps] == [st.id for st in before.steps]
    for old, new in zip(before.steps, after.steps, strict=True):
        # X·W in the row convention is W·X in the column one: operands by name, not order.
        olds = {op.name: op.value for op in (*old.operands, old.result)}
        news = {op.name: op.value for op in (*new.operands, new.result)}
        assert olds.keys() == news.keys(), old.id
        for name, value in olds.items():
            assert value.T.tobytes() == news[name].tobytes(), (old.id, name)
    assert doc.loss == before.loss
    doc.undo_stack.undo()
    assert doc.session.convention == "row" and doc.step_index == index
    assert (doc.selection.row, doc.selection.col) == (1, 2)
    assert panel.convention.currentData() == "row"


def test_reinitialise_and_reset_are_undo_steps(qtbot, arch):
    doc, panel = arch.doc, arch.architecture_panel
    opened = doc.session
    spin(qtbot, panel.rows[1].units, Key.Key_Up)
    choose(qtbot, panel.scheme, "he")
    panel.seed.setValue(4)
    qtbot.mouseClick(panel.reinit_button, Qt.MouseButton.LeftButton)
    W, b = initialise((2, 4, 2), "he", 4)
    assert all(np.array_equal(x, y) for x, y in zip(doc.session.W, W, strict=True))
    assert all(np.array_equal(x, y) for x, y in zip(doc.session.b, b, strict=True))
    assert arch.undo_action.text() == "&Undo re-initialise (he, seed 4)"
    doc.next_iteration()
    doc.next_iteration()
    assert doc.iteration == 3
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert doc.iteration == 1 and doc.last_kept_iteration == 1
    assert saved_text(doc.session) == saved_text(opened) and same_bits(doc.session, opened)
    assert arch.undo_action.text() == "&Undo reset to the session as opened"
    doc.undo_stack.undo()  # the iterations the reset dropped come back
    assert doc.last_kept_iteration == 3 and doc.session.layers == (2, 4, 2)


def test_the_dock_hides_in_presenter_mode_and_comes_back(qtbot, arch):
    dock = arch.architecture_dock
    assert dock.isVisible()
    arch.toggle_presenter()
    assert not dock.isVisible()
    arch.toggle_presenter()
    assert dock.isVisible()


def test_a_sample_is_added_and_removed_in_x_and_y_together(qtbot, arch):
    doc, panel = arch.doc, arch.architecture_panel
    s = doc.session
    assert panel.samples.text() == "batch of 4"
    qtbot.mouseClick(panel.add_sample_button, Qt.MouseButton.LeftButton)
    t = doc.session
    assert t.X.shape == (2, 5) and t.Y.shape == (2, 5)
    assert t.X[:, 4].tolist() == [7.0, 8.0] and t.Y[:, 4].tolist() == [0.0, 0.0]  # the last
    assert panel.samples.text() == "batch of 5"
    assert arch.undo_action.text() == "&Undo add sample 5"
    assert panel.changed.text().endswith("changed X, Y")
    assert doc.loss == pytest.approx(half_sse_loss(t), rel=1e-14)
    qtbot.mouseClick(panel.remove_sample_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.remove_sample_button, Qt.MouseButton.LeftButton)
    assert doc.session.X.T.tolist() == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    assert arch.undo_action.text() == "&Undo remove sample 4"
    for _ in range(3):
        doc.undo_stack.undo()
    assert same_bits(doc.session, s) and panel.changed.text() == ""


def test_a_data_session_refuses_sample_edits_with_the_cores_message(qtbot, open_window):
    from nnviz.app.document import Document
    from nnviz.core.session_file import session_from_dict
    from tests.core.support import data_doc

    doc = Document(session_from_dict(data_doc()))
    win = open_window(doc)
    win.architecture_dock.show()
    win.architecture_dock.raise_()
    panel = win.architecture_panel
    text = saved_text(doc.session)
    for button in (panel.add_sample_button, panel.remove_sample_button):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert "come from its data section" in panel.message.text()
        assert saved_text(doc.session) == text and doc.undo_stack.count() == 0
    spin(qtbot, panel.rows[0].units, Key.Key_Up)  # the generator gives 2 inputs
    assert "gives 2 inputs" in panel.message.text() and panel.rows[0].units.value() == 2
    assert saved_text(doc.session) == text and doc.undo_stack.count() == 0
    spin(qtbot, panel.rows[1].units, Key.Key_Up)  # a hidden layer is free to grow
    assert doc.session.layers == (2, 7, 1) and not panel.message.isVisible()


def type_l2(qtbot, panel, text: str) -> None:
    box = panel.l2
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Key.Key_Return)


def test_l2_typed_in_changes_the_loss_and_grad_w_on_screen_and_ctrl_z_takes_it_back(qtbot, arch):
    from nnviz.core import edits
    from nnviz.core.formatting import format_value
    from nnviz.core.trace import build_trace

    doc, panel = arch.doc, arch.architecture_panel
    s = doc.session
    assert s.l2 == 0 and panel.l2.text() == "0"
    grad_W1 = step_id("backward", 1, "grad_W")
    dW_plain = doc.history.trace(1).step(grad_W1).result.value.copy()
    type_l2(qtbot, panel, "0.01")
    assert doc.session.l2 == 0.01
    assert arch.undo_action.text() == "&Undo L2 weight decay λ 0 → 0.01"
    # the loss by hand: seed 001's data loss, then (λ/2)·ΣW² over both layers' weights
    want = half_sse_loss(s) + 0.005 * sum(float(np.sum(w * w)) for w in s.W)
    assert doc.loss == pytest.approx(want, rel=1e-14)
    xs, ys = arch.loss_plot.marker.getData()
    assert (float(xs[0]), float(ys[0])) == (1.0, doc.loss)
    assert float(ys[0]) == build_trace(edits.set_l2(s, 0.01)).loss  # the core's, exactly
    doc.go_to("loss")
    assert arch.step_view.cell_text(0, 0) == format_value(want)
    assert "(λ/2)ΣW²" in doc.step.equation
    doc.go_to(grad_W1)  # δ·Aᵀ as before, + λ·W⁽¹⁾ drawn as its own operand
    assert_allclose(doc.step.result.value, dW_plain + 0.01 * s.W[0].T, rtol=1e-14, atol=1e-17)
    assert arch.step_view.cell_text(0, 0, "W1") == format_value(float(s.W[0].T[0, 0]))
    assert arch.step_view.cell_text(1, 2) == format_value(float(doc.step.result.value[1, 2]))
    # Ctrl+Z right after Enter, the focus still in the field, as a user does
    assert panel.l2.hasFocus()
    qtbot.keyClick(panel.l2, Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert doc.session.l2 == 0 and panel.l2.text() == "0"
    assert saved_text(doc.session) == saved_text(s) and same_bits(doc.session, s)
    assert doc.loss == pytest.approx(half_sse_loss(s), rel=1e-14)
    assert doc.step.id == grad_W1 and doc.step.result.value.tobytes() == dW_plain.tobytes()
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(panel.l2, Key.Key_Z, redo)  # and Ctrl+Shift+Z gives it back
    assert doc.session.l2 == 0.01 and panel.l2.text() == "0.01"
    assert doc.loss == pytest.approx(want, rel=1e-14)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("-0.1", "l2: expected a finite number of at least 0"),
        ("nan", "L2 weight decay λ: 'nan'"),
        ("much", "L2 weight decay λ: 'much' is not a number"),
    ],
)
def test_a_bad_l2_is_refused_by_name_and_changes_nothing(qtbot, arch, text, says):
    doc, panel = arch.doc, arch.architecture_panel
    s, count = doc.session, doc.undo_stack.count()
    type_l2(qtbot, panel, text)
    assert panel.message.isVisible() and panel.message.text().startswith(says)
    assert doc.session is s and doc.undo_stack.count() == count


def test_ctrl_z_while_typing_undoes_the_typing_not_the_session(qtbot, arch):
    doc, panel = arch.doc, arch.architecture_panel
    type_rate(qtbot, panel, "0.25")
    assert doc.undo_stack.count() == 1
    box = panel.l2
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "0.3")
    qtbot.keyClick(box, Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the field's own undo
    assert box.text() != "0.3"
    assert doc.undo_stack.count() == 1 and doc.session.learning_rate == 0.25
