"""Divergence and overflow in the window (issue 9): stepping into an iteration whose loss is
not finite is refused with `trainingDiverged` and a status message, never an exception; the
loss plot draws any loss a session can hold (huge, inf, nan) without a non-finite range."""

import dataclasses
import math

import pytest
from PySide6.QtCore import Qt

from nnviz.app.document import Document
from nnviz.app.views.loss_plot import y_top
from nnviz.core.history import History
from nnviz.core.session_file import load_session
from nnviz.core.trace import build_trace
from nnviz.resources import example_path
from tests.app.user_actions import click_tab, type_into_cell

Key = Qt.Key


def lr_100() -> Document:
    s = load_session(example_path("seed001-network"))
    return Document(dataclasses.replace(s, learning_rate=100.0))


def y_range(win) -> tuple[float, float]:
    return tuple(win.loss_plot.getPlotItem().vb.viewRange()[1])


def test_y_top_is_finite_above_every_finite_loss():
    assert y_top([]) == 1.0
    assert y_top([math.nan, math.inf]) == 1.0
    assert y_top([2.0, math.inf, 1.0]) == pytest.approx(2.3)
    assert y_top([1.7e308]) == 1.7e308  # · 1.15 would overflow


def test_n_into_a_diverged_iteration_stays_and_says_so(qtbot, open_window):
    """seed001-network at learning rate 100: iteration 78's loss is 5.05e306, 79's is inf."""
    doc = lr_100()
    doc.go_to_iteration(78)
    win = open_window(doc)
    lo, hi = y_range(win)
    assert -0.1 * hi < lo < 0 and hi == pytest.approx(5.051913082843994e306 * 1.15)
    assert len(win.loss_plot.curve.getData()[0]) == 78
    win.step_view.setFocus()
    with qtbot.waitSignal(doc.trainingDiverged) as diverged:
        qtbot.keyClick(win.step_view, Key.Key_N)
    assert diverged.args[0] == 79
    assert doc.iteration == 78 and doc.last_kept_iteration == 78
    message = win.statusBar().currentMessage()
    assert "iteration 79" in message and "smaller learning rate than 100" in message
    with qtbot.assertNotEmitted(doc.editRefused):  # one signal, one meaning
        qtbot.keyClick(win.step_view, Key.Key_N)


def test_a_session_whose_loss_is_inf_opens_and_the_plot_marks_it(qtbot, open_window):
    """What `nnviz train -n 78` writes at learning rate 100: finite numbers, a loss of inf."""
    h = History(lr_100().session)
    h.advance(77)
    overflowed = build_trace(h.session(78)).next_session()
    doc = Document(overflowed)
    assert doc.loss == math.inf
    win = open_window(doc)
    plot = win.loss_plot
    xs, ys = plot.off_scale.getData()
    assert list(xs) == [1] and all(math.isfinite(y) for y in ys)
    assert plot.curve.getData()[0] is None  # no finite loss: no curve
    assert all(math.isfinite(v) for v in y_range(win))
    assert plot.toolTip() == "iteration 1: loss inf"
    assert not win.grab().isNull()
    with qtbot.waitSignal(doc.trainingDiverged) as diverged:
        assert not doc.next_iteration()
    assert diverged.args[0] == 2


OVERFLOWS = [("X", (1, 0), "1e160"), ("W⁽¹⁾", (0, 0), "1e200")]


@pytest.mark.parametrize(("tab", "cell", "text"), OVERFLOWS)
def test_typing_a_number_whose_loss_overflows_keeps_the_plot_drawn(
    qtbot, open_window, tab, cell, text
):
    doc = Document(load_session(example_path("seed001-matmul")))
    doc.next_iteration()
    win = open_window(doc)
    win.editors_dock.show()
    win.editors_dock.raise_()
    qtbot.waitUntil(lambda: win.editors is not None and win.editors.isVisible())
    click_tab(qtbot, win.editors, tab)
    type_into_cell(qtbot, win.editors, *cell, text)
    assert doc.loss == math.inf and doc.iteration == 2
    xs, _ = win.loss_plot.off_scale.getData()
    assert list(xs) == [2]
    assert list(win.loss_plot.curve.getData()[0]) == [1]
    assert all(math.isfinite(v) for v in y_range(win))
    assert not win.grab().isNull()
