"""Practice mode driven as a learner: P turns it on, a click on a blank result cell opens the
answer line, typing and Enter marks the answer, R reveals, stepping keeps practice mode."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.app.document import RESULT, Document
from nnviz.core.session_file import load_session
from nnviz.resources import example_path

LEFT = Qt.MouseButton.LeftButton
# seed 001 exercise 1: X (3×2) · W (2×4)
X1 = np.array([[1, 2], [3, 4], [5, 6]], float)
W1 = np.array([[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]])


def shown(qtbot, open_window, name, **kw):
    w = open_window(Document(load_session(example_path(name))), **kw)
    w.activateWindow()  # window shortcuts (P, R, E) go to the active window
    qtbot.waitUntil(w.isActiveWindow)
    return w


@pytest.fixture
def win(qtbot, open_window):
    return shown(qtbot, open_window, "practice-seed001-product")


def type_answer(qtbot, win, i, j, text, end=Qt.Key.Key_Return):
    view = win.step_view
    qtbot.mouseClick(view.canvas.viewport(), LEFT, pos=view.cell_point(RESULT, i, j))
    editor = win.practice.editor
    assert editor.isVisible() and editor.cell == (i, j)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, end)


def test_p_blanks_the_result_and_typing_marks_answers(qtbot, win):
    c = win.practice.controller
    assert win.doc.step.id == "forward.1.matmul"
    qtbot.keyClick(win, Qt.Key.Key_P)
    assert c.on and win.practice.dock.isVisible()
    assert c.blank() == {(i, j) for i in range(3) for j in range(4)}
    Z = X1 @ W1
    type_answer(qtbot, win, 0, 0, repr(float(Z[0, 0])))  # 1·0.1 + 2·0.5 = 1.1
    type_answer(qtbot, win, 0, 1, "9")
    marks = c.marks()
    assert marks[(0, 0)].right and not marks[(0, 1)].right
    assert marks[(0, 1)].true == pytest.approx(Z[0, 1])
    assert win.practice.overlay.marks[(0, 1)].right is False
    assert "you wrote <b>9</b>" in win.practice.panel.feedback.text()
    assert c.total() == (1, 2)
    assert "Missed: forward.1.matmul" in win.practice.panel.score.text()
    assert (0, 1) in c.hidden() and (0, 0) not in c.blank()


def test_a_slip_is_named_in_the_feedback(qtbot, open_window):
    # seed 000: δ⁽²⁾ typed without f′ (ŷ − y)
    w = shown(qtbot, open_window, "practice-seed000-chain")
    qtbot.keyClick(w, Qt.Key.Key_P)  # goes to the first exercise
    assert w.doc.step.id == "backward.2.delta"
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    yhat = sig(-0.4 * sig(0.8 * 0.5 + 0.1) + 0.2)
    type_answer(qtbot, w, 0, 0, repr(float(yhat - 1.0)))
    assert w.practice.controller.marks()[(0, 0)].slip == "missing f′"
    assert "missing f′" in w.practice.panel.feedback.text()
    qtbot.keyClick(w, Qt.Key.Key_E)
    assert w.doc.step.id == "backward.2.grad_W"
    assert "Exercise 2 of 4" in w.practice.panel.exercise.text()


def test_not_a_number_marks_nothing(qtbot, win):
    qtbot.keyClick(win, Qt.Key.Key_P)
    type_answer(qtbot, win, 1, 1, "abc")
    assert win.practice.controller.marks() == {}
    assert "'abc' is not a number" in win.practice.panel.feedback.text()
    assert win.practice.editor.isVisible()  # open again for another try


def test_tab_goes_on_to_the_next_blank_cell(qtbot, win):
    qtbot.keyClick(win, Qt.Key.Key_P)
    type_answer(qtbot, win, 0, 0, "1.1", end=Qt.Key.Key_Tab)
    assert win.practice.editor.cell == (0, 1)
    qtbot.keyClicks(win.practice.editor, "1.4")
    qtbot.keyClick(win.practice.editor, Qt.Key.Key_Return)
    assert win.practice.controller.total() == (2, 2)


def test_reveal_fills_every_cell_and_stepping_keeps_practice(qtbot, win):
    c = win.practice.controller
    qtbot.keyClick(win, Qt.Key.Key_P)
    type_answer(qtbot, win, 2, 3, "1")
    qtbot.keyClick(win, Qt.Key.Key_R)
    assert c.blank() == set() and c.hidden() == set()
    assert win.practice.overlay.marks == {}  # the wrong answer gives way to the value
    assert win.step_view.cell_text(2, 3) == "6.8"  # 5·0.4 + 6·0.8
    qtbot.keyClick(win, Qt.Key.Key_Right)
    assert win.doc.step.id == "forward.1.bias" and c.on
    assert len(c.blank()) == 12
    assert c.total() == (0, 1)
    qtbot.keyClick(win, Qt.Key.Key_P)
    assert not c.on and c.blank() == set() and not win.practice.dock.isVisible()


def _result_legend(win):
    """The result's own small legend (each matrix has one unless the scale is shared)."""
    view = win.step_view
    pairs = zip(view.layout_.matrices, view.matrices, strict=False)
    return next(item.legend for spec, item in pairs if spec.is_result)


def test_what_would_give_answers_away_is_hidden_while_practising(qtbot, win):
    assert win.network_dock.isVisible() and _result_legend(win).isVisible()
    qtbot.keyClick(win, Qt.Key.Key_P)
    # the diagram writes the result on its units; a colour legend's ends are the largest value
    assert not win.network_dock.isVisible() and not _result_legend(win).isVisible()
    assert not win.step_view.legend.bar.isVisible()
    assert not win.loss_dock.isVisible()
    assert win.counter.isVisible()
    win.doc.go_to("loss")
    assert not win.counter.isVisible()  # it writes the loss: the answer of this step
    qtbot.keyClick(win, Qt.Key.Key_R)
    assert win.counter.isVisible()
    qtbot.keyClick(win, Qt.Key.Key_P)
    assert win.network_dock.isVisible() and _result_legend(win).isVisible()
    assert win.loss_dock.isVisible()


def test_presenter_mode_keeps_the_practice_keys(qtbot, win):
    qtbot.keyClick(win, Qt.Key.Key_F5)
    assert win.presenter and not win.menuBar().isVisible()
    qtbot.keyClick(win, Qt.Key.Key_P)
    c = win.practice.controller
    assert c.on and len(c.blank()) == 12
    qtbot.keyClick(win, Qt.Key.Key_R)
    assert c.blank() == set()
    win.set_presenter(False, full_screen=False)


def test_the_tooltip_says_the_tolerance_rule(qtbot, win):
    qtbot.keyClick(win, Qt.Key.Key_P)
    tip = win.practice.overlay.toolTip()
    assert "4 significant digits" in tip and "half a unit" in tip
    win.doc.set_precision(2)  # the step is drawn again before the next paint, the overlay too
    qtbot.waitUntil(lambda: "2 significant digits" in win.practice.overlay.toolTip())


def test_an_edit_clears_the_marks(qtbot, win):
    qtbot.keyClick(win, Qt.Key.Key_P)
    type_answer(qtbot, win, 0, 0, "1.1")
    assert win.practice.controller.total() == (1, 1)
    win.doc.set_cell("W", layer=1, i=0, j=0, value=0.2)
    assert win.practice.controller.total() == (0, 0)
    assert len(win.practice.controller.blank()) == 12


def test_a_hidden_result_cell_is_never_explained(qtbot, win):
    qtbot.keyClick(win, Qt.Key.Key_P)
    view = win.step_view
    qtbot.mouseMove(view.canvas.viewport(), view.cell_point(RESULT, 1, 2))
    assert win.doc.explanation() is None


def test_keys_listed_in_help():
    from nnviz.app.keys import KEYMAP

    assert any(k.startswith("P / R") for k, _ in KEYMAP)


def test_screenshots(qtbot, open_window, tmp_path):
    """Renders for a person to look at (tmp): desk size and presenter size."""
    w = shown(qtbot, open_window, "practice-seed000-chain")
    qtbot.keyClick(w, Qt.Key.Key_P)
    type_answer(qtbot, w, 0, 0, "-0.5")
    qtbot.wait(50)
    w.grab().save(str(tmp_path / "practice-1400.png"))
    w2 = shown(qtbot, open_window, "practice-seed001-product")
    qtbot.keyClick(w2, Qt.Key.Key_P)
    type_answer(qtbot, w2, 0, 0, "1.1")
    type_answer(qtbot, w2, 1, 2, "3.6")
    w2.set_presenter(True, full_screen=False)
    w2.resize(1024, 768)
    qtbot.wait(50)
    w2.grab().save(str(tmp_path / "practice-presenter.png"))
    import shutil

    for p in tmp_path.glob("*.png"):
        shutil.copy(p, "/tmp/x/")


def test_the_window_and_nnviz_quiz_give_the_same_marks(qtbot, win, monkeypatch, capsys):
    import io

    from nnviz.cli import main

    answers = ["1.1", "1.4", "1.8", "2", "2.3", "3", "3.7", "4.4", "4.6", "3.5", "5.7", "6.8"]
    qtbot.keyClick(win, Qt.Key.Key_P)
    for n, text in enumerate(answers):
        type_answer(qtbot, win, n // 4, n % 4, text)
    window_marks = [win.practice.controller.marks()[(n // 4, n % 4)] for n in range(12)]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(answers) + "\n"))
    args = ["quiz", "--example", "practice-seed001-product", "--step", "forward.1.matmul"]
    assert main(args) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [" right " in line for line in lines[:-1]] == [m.right for m in window_marks]
    assert [m.right for m in window_marks].count(False) == 3  # 1.8, and [2,0]/[2,1] swapped
    assert lines[-1] == "score: 9 of 12"
