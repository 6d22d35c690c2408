"""View → Gradient check (issue 13): backprop beside central differences for every W and b
entry of the iteration on screen, with the same verdicts `nnviz check` prints."""

import contextlib
import dataclasses
import io

import pytest
from PySide6.QtCore import Qt

import nnviz.app.views.gradcheck_view as view_module
from nnviz.app.document import Document
from nnviz.cli import main as cli_main
from nnviz.core.formatting import format_value
from nnviz.core.gradcheck import gradcheck
from nnviz.core.gradcheck_report import DISAGREES
from nnviz.core.session_file import load_session, session_from_dict
from nnviz.resources import example_path
from tests.core.support import KINK


def check_output(name: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli_main(["check", "--example", name])
    return out.getvalue().splitlines()


def open_check(open_window, qtbot, session):
    win = open_window(Document(session))
    win.activateWindow()  # window shortcuts go to the active window
    qtbot.waitUntil(win.isActiveWindow)
    assert not win.gradcheck_view.isVisible()  # opened on demand
    qtbot.keyClick(
        win, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    view = win.gradcheck_view
    qtbot.waitUntil(view.isVisible)
    return win, view


def test_ctrl_shift_g_shows_the_check_with_nnviz_checks_verdicts(open_window, qtbot):
    win, view = open_check(open_window, qtbot, load_session(example_path("seed001-network")))
    lines = check_output("seed001-network")
    assert view.summary.text() == lines[-1] == "all 4 parameters below 1e-06"
    for row, line in zip(view.rows, lines[:-1], strict=True):
        name, _, verdict = line.partition("  ")
        assert row.heading.text().split()[0] == name.strip()
        assert row.heading.text().endswith(verdict.strip())
    # seed001-network's ∂L/∂W⁽¹⁾[0,0] is −0.02307 (row convention: W⁽¹⁾ shown 2×3)
    w1 = view.rows[0]
    assert w1.heading.text().startswith("W⁽¹⁾")
    assert w1.analytic.texts[0][0] == "-0.02307"
    assert (len(w1.analytic.texts), len(w1.analytic.texts[0])) == (2, 3)
    # every number is the core's, laid out in the convention (row: Wᵀ)
    checks = gradcheck(win.doc.session)
    for row, c in zip(view.rows, checks, strict=True):
        shown = c.numeric.T if c.numeric.ndim == 2 else c.numeric[None, :]
        expected = [[format_value(x, win.doc.precision) for x in r] for r in shown]
        assert row.numeric.texts == expected


def test_the_check_follows_the_iteration(open_window, qtbot):
    win, view = open_check(open_window, qtbot, load_session(example_path("xor")))
    first = [row.analytic.texts for row in view.rows]
    qtbot.keyClick(win.step_view, Qt.Key.Key_N)
    assert win.doc.iteration == 2
    assert "iteration 2" in view.title.text()
    assert [row.analytic.texts for row in view.rows] != first
    checks = gradcheck(win.doc.session)
    assert view.rows[0].analytic.texts[0][0] == format_value(checks[0].analytic[0, 0], 4)


def test_a_relu_kink_shows_where_the_numeric_gradient_disagrees(open_window, qtbot):
    session = session_from_dict(KINK)
    _win, view = open_check(open_window, qtbot, session)
    checks = gradcheck(session)
    assert not all(c.passed for c in checks)
    assert view.summary.text().startswith("2 of 4 parameters above 1e-06: W⁽¹⁾, b⁽¹⁾")
    wrong = view.disagreeing()
    # unit 1 of layer 1 is the one at its kink: its weights and its bias, nothing else
    assert ("W⁽¹⁾", 0, 0) in wrong and ("b⁽¹⁾", 0, 0) in wrong
    assert {(name, r) for name, r, _ in wrong} == {("W⁽¹⁾", 0), ("b⁽¹⁾", 0)}
    # and it is drawn as such: the error grid's cell has the "disagrees" colour
    row = view.rows[0]
    colour = row.error.colours[0][0].name()
    assert colour == view_module.STATUS_COLOURS["light"][DISAGREES]
    assert row.error.colours[1][0].name() != colour
    # central difference at the kink: half of sample 1's right slope added to backprop's
    c = checks[0]
    assert c.numeric[0, 0] != pytest.approx(c.analytic[0, 0], rel=1e-3)


def test_a_big_network_waits_for_a_click(open_window, qtbot, monkeypatch):
    monkeypatch.setattr(view_module, "MAX_ENTRIES", 10)
    calls = []
    real = view_module.gradcheck
    monkeypatch.setattr(view_module, "gradcheck", lambda s: calls.append(s) or real(s))
    _win, view = open_check(open_window, qtbot, load_session(example_path("seed001-network")))
    assert calls == [] and view.rows == []
    assert view.run_button.isVisible()
    assert "17 entries" in view.summary.text()
    qtbot.mouseClick(view.run_button, Qt.MouseButton.LeftButton)
    assert len(calls) == 1 and len(view.rows) == 4
    assert view.summary.text() == "all 4 parameters below 1e-06"


def test_a_hidden_check_costs_nothing(open_window, qtbot, monkeypatch):
    calls = []
    real = view_module.gradcheck
    monkeypatch.setattr(view_module, "gradcheck", lambda s: calls.append(s) or real(s))
    win = open_window(Document(load_session(example_path("xor"))))
    assert not win.gradcheck_view.isVisible()
    for _ in range(3):
        qtbot.keyClick(win.step_view, Qt.Key.Key_N)
    assert calls == []
    win.gradcheck_dock.show()
    win.gradcheck_dock.raise_()
    qtbot.waitUntil(win.gradcheck_view.isVisible)
    assert len(calls) == 1 and calls[0] is win.doc.session  # iteration 4's, once


def test_overflowing_numbers_say_so_instead_of_a_check(open_window, qtbot):
    s = load_session(example_path("seed001-matmul"))
    s = dataclasses.replace(s, X=s.X * 1e160)  # finite inputs whose loss overflows
    _win, view = open_check(open_window, qtbot, s)
    assert view.rows == []
    assert view.summary.text().startswith("the numbers overflow: the loss is inf")


def test_parameters_too_large_for_epsilon_are_named_not_passed(open_window, qtbot):
    s = load_session(example_path("xor"))
    s = s.with_parameters((s.W[0] * 1e200, *s.W[1:]), s.b)  # θ ± ε rounds back to θ
    _win, view = open_check(open_window, qtbot, s)
    assert view.summary.text().startswith("central differences cannot check 1 of 4")
    assert "CANNOT CHECK" in view.rows[0].heading.text()
    assert {t for row in view.rows[0].error.texts for t in row} == {"—"}


def test_new_digits_redraw_the_check_without_measuring_it_again(open_window, qtbot, monkeypatch):
    calls = []
    real = view_module.gradcheck
    monkeypatch.setattr(view_module, "gradcheck", lambda s: calls.append(s) or real(s))
    win, view = open_check(open_window, qtbot, load_session(example_path("seed001-network")))
    assert len(calls) == 1 and view.rows[0].analytic.texts[0][0] == "-0.02307"
    win.precision_box.setValue(2)
    assert view.rows[0].analytic.texts[0][0] == "-0.023"
    assert len(calls) == 1  # the same session: drawn again, not measured again
    qtbot.keyClick(win.step_view, Qt.Key.Key_N)
    assert view.rows  # read (or painted): checked
    assert len(calls) == 2 and calls[1] is win.doc.session


def test_a_check_behind_the_loss_tab_waits_until_its_tab_is_chosen(open_window, qtbot, monkeypatch):
    """Qt moves a dock tab behind another out of view without hiding it: the check must
    still wait, and check the iteration on screen when its tab is chosen again."""
    calls = []
    real = view_module.gradcheck
    monkeypatch.setattr(view_module, "gradcheck", lambda s: calls.append(s) or real(s))
    win = open_window(Document(load_session(example_path("xor"))))
    win.gradcheck_dock.toggleViewAction().trigger()  # View → Gradient check: in front
    view = win.gradcheck_view
    qtbot.waitUntil(lambda: len(calls) == 1)
    win.loss_dock.raise_()  # the Loss tab in front
    qtbot.waitUntil(lambda: view.visibleRegion().isEmpty())
    for _ in range(3):
        qtbot.keyClick(win.step_view, Qt.Key.Key_N)
    assert len(calls) == 1  # nothing checked behind the tab
    win.gradcheck_dock.raise_()
    qtbot.waitUntil(lambda: len(calls) == 2)
    assert calls[1] is win.doc.session and win.doc.iteration == 4  # the one on screen, once
