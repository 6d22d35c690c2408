"""Playback (issue 13): Ctrl+Space plays and pauses; play runs the core's training (the same
losses as `train` for the same mini-batches); it stops by itself after N iterations, below a
loss, at the end of an epoch, and on divergence with a message naming the iteration."""

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_allclose
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from nnviz.app.document import Document
from nnviz.app.playback import MAX_SPEED, SPEEDS
from nnviz.core.session_file import load_session
from nnviz.core.train import train
from nnviz.resources import example_path

Key, Mod = Qt.Key, Qt.KeyboardModifier


@pytest.fixture
def example_doc(qapp):
    made = []

    def make(name: str, **changes) -> Document:
        s = load_session(example_path(name))
        d = Document(dataclasses.replace(s, **changes) if changes else s)
        made.append(d)
        return d

    yield make
    for d in made:
        d.deleteLater()


def ctrl_space(qtbot, win) -> None:
    if not win.isActiveWindow():
        win.activateWindow()  # window shortcuts go to the active window
        qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win, Key.Key_Space, Mod.ControlModifier)


def type_stop_iterations(qtbot, win, n: int) -> None:
    box = win.playback.stop_form.iterations
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), str(n))
    assert box.value() == n


def wait_paused(qtbot, win, timeout: int = 20_000) -> None:
    qtbot.waitUntil(lambda: not win.playback.playback.playing, timeout=timeout)


def test_ctrl_space_plays_n_iterations_with_the_losses_of_train(qtbot, open_window, example_doc):
    """Circles: mini-batches of 16 from a seeded shuffle; 60 iterations cross an epoch (10
    batches each). Every loss reached is `train`'s for the same batches."""
    doc = example_doc("circles")
    win = open_window(doc)
    type_stop_iterations(qtbot, win, 60)
    assert win.playback.speed.value() == MAX_SPEED
    ctrl_space(qtbot, win)
    assert win.playback.playback.playing
    assert win.playback.play_action.text() == "Pause"
    wait_paused(qtbot, win)
    assert doc.iteration == 61
    expected = train(doc.history.session(1), 60).losses
    got = [loss for k, loss in doc.losses() if k <= 60]
    assert len(got) == 60
    assert_allclose(got, expected, rtol=1e-12, atol=0)
    assert "Paused after 60 iterations, at iteration 61" in win.statusBar().currentMessage()
    assert win.playback.play_action.text() == "Play"
    # The batch on screen is iteration 61's, as the core's batches give it.
    assert doc.session.samples is not None and len(doc.session.samples) == 16


def test_pause_answers_at_once_and_resume_goes_on(qtbot, open_window, example_doc):
    doc = example_doc("xor")
    win = open_window(doc)
    ctrl_space(qtbot, win)
    qtbot.waitUntil(lambda: doc.iteration > 20, timeout=10_000)
    ctrl_space(qtbot, win)
    assert not win.playback.playback.playing
    paused_at = doc.iteration
    last = doc.history.last
    for _ in range(20):
        qtbot.wait(5)
    assert (doc.iteration, doc.history.last) == (paused_at, last)
    ctrl_space(qtbot, win)
    qtbot.waitUntil(lambda: doc.iteration > paused_at + 20, timeout=10_000)
    win.playback.play_action.trigger()  # the toolbar's button
    assert not win.playback.playback.playing


def test_divergence_pauses_and_names_the_iteration(qtbot, open_window, example_doc):
    """seed001-network at learning rate 100: iteration 78's loss is 5.05e306, 79's is inf."""
    doc = example_doc("seed001-network", learning_rate=100.0)
    win = open_window(doc)
    ctrl_space(qtbot, win)
    wait_paused(qtbot, win)
    message = win.statusBar().currentMessage()
    assert "diverged at iteration 79" in message
    assert "smaller learning rate than 100" in message
    assert doc.iteration == 78 and doc.history.last == 78


def test_divergence_at_an_iteration_pace_pauses_too(qtbot, open_window, example_doc):
    doc = example_doc("seed001-network", learning_rate=100.0)
    doc.go_to_iteration(75)
    win = open_window(doc)
    win.playback.speed.setValue([s.label for s in SPEEDS].index("60 iterations/s"))
    ctrl_space(qtbot, win)
    wait_paused(qtbot, win)
    assert doc.iteration == 78
    assert "diverged at iteration 79" in win.statusBar().currentMessage()


def test_a_step_pace_walks_through_every_step(qtbot, open_window, example_doc):
    doc = example_doc("xor")
    win = open_window(doc)
    win.playback.speed.setValue(3)  # 15 steps a second
    assert win.playback.speed_label.text() == "15 steps/s"
    ctrl_space(qtbot, win)
    seen = []
    doc.cursorMoved.connect(seen.append)
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=5_000)
    ctrl_space(qtbot, win)
    assert seen[:3] == [1, 2, 3]
    assert doc.iteration == 1


def test_stop_below_a_loss_and_at_the_end_of_an_epoch(qtbot, open_window, example_doc):
    doc = example_doc("xor")
    win = open_window(doc)
    form = win.playback.stop_form
    form.loss.lineEdit().selectAll()
    qtbot.keyClicks(form.loss.lineEdit(), "0.1")
    ctrl_space(qtbot, win)
    wait_paused(qtbot, win)
    losses = np.array([loss for _, loss in doc.losses()])
    assert doc.loss <= 0.1 and (losses[:-1] > 0.1).all()
    assert doc.iteration == doc.history.last
    reached = doc.iteration  # play again: the loss is already below, so it plays on
    type_stop_iterations(qtbot, win, 5)
    ctrl_space(qtbot, win)
    wait_paused(qtbot, win)
    assert doc.iteration == reached + 5
    form.iterations.setValue(0)

    circles = example_doc("circles")
    win.doc.replace_session(circles.history.session(1))
    form.loss.setValue(0)
    form.epoch.click()
    doc.go_to_iteration(4)  # in epoch 1 (10 batches of 16 of the 150 training samples)
    ctrl_space(qtbot, win)
    wait_paused(qtbot, win)
    assert doc.iteration == 11  # the first of epoch 2: every batch of epoch 1 trained on
    assert "epoch 1 is done" in win.statusBar().currentMessage()


def test_arrows_move_the_focused_speed_slider_and_escape_gives_them_back(
    qtbot, open_window, example_doc
):
    doc = example_doc("xor")
    win = open_window(doc)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    slider = win.playback.speed
    slider.setValue(0)  # one step a second
    slider.setFocus()
    qtbot.waitUntil(slider.hasFocus)
    step = doc.step_index
    qtbot.keyClick(slider, Key.Key_Right)
    assert slider.value() == 1 and win.playback.playback.speed == 1
    assert doc.step_index == step  # the arrow moved the slider, not the step
    qtbot.keyClick(slider, Key.Key_Left)
    qtbot.keyClick(slider, Key.Key_Left)
    assert slider.value() == 0 and doc.step_index == step
    qtbot.keyClick(slider, Key.Key_PageDown)  # a clicker's key still steps
    assert doc.step_index == step + 1 and slider.value() == 0
    qtbot.keyClick(slider, Key.Key_Escape)  # the step view has the keys again
    assert not slider.hasFocus()
    qtbot.keyClick(QApplication.focusWidget() or win, Key.Key_Right)
    assert doc.step_index == step + 2 and slider.value() == 0
