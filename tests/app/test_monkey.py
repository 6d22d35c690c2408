"""The monkey in CI (issue 9): 5,000 seeded random actions on the real window, the Document's
invariants checked after each (tests/app/monkey.py says which).

NNVIZ_MONKEY_SEED replays a seed (default: from the clock; printed, and named in every
failure with the last 20 actions), NNVIZ_MONKEY_ACTIONS changes the count, NNVIZ_MONKEY_EXCLUDE
leaves action kinds out (KINDS, or `hostile`: no hostile text, `extreme`: no number of
1e30 or more nor a subnormal one) while a known bug is being fixed. A crash kills
pytest: `python -m tests.app.monkey_run explore --seeds N` runs seeds in child processes and
names the action that killed one.
"""

import time

import pytest

from nnviz.app.document import Document
from nnviz.app.theme import current_theme
from nnviz.core.session_file import load_session
from nnviz.resources import example_path
from tests.app.monkey import Monkey, MonkeyFailure
from tests.app.monkey_actions import KINDS
from tests.app.monkey_checks import settings


@pytest.fixture
def monkey_window(open_window, qtbot):
    doc = Document(load_session(example_path("seed001-network")))
    win = open_window(doc, size=(800, 560))
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    yield win
    if current_theme().name != "light":
        win.set_theme("light")  # the theme is the application's: leave it as found


def test_five_thousand_random_actions_keep_the_documents_invariants(qtbot, capsys, monkey_window):
    seed, actions, exclude = settings()
    with capsys.disabled():  # on the terminal at once: a crash loses captured output
        print(f"\nmonkey seed {seed} (replay: NNVIZ_MONKEY_SEED={seed}), {actions} actions")
    start, cpu = time.perf_counter(), time.thread_time()
    with qtbot.capture_exceptions() as errors:
        monkey = Monkey(monkey_window, seed, errors=errors, exclude=exclude)
        monkey.run(actions)
    took, cpu, paints = time.perf_counter() - start, time.thread_time() - cpu, monkey.paints
    with capsys.disabled():  # in CI's log too: the goal is under a minute
        print(
            f"{monkey.count} actions in {took:.1f} s ({cpu:.1f} s of CPU time: the rest is "
            f"waiting for a shared machine), painted after {paints} actions and undos"
        )
    assert monkey.count == actions
    assert set(monkey.maker.kinds_done) >= set(KINDS) - set(exclude)


def test_an_exception_in_a_slot_fails_the_monkey_with_its_seed(qtbot, monkey_window):
    """pytest-qt's capture is what the monkey watches: an error raised in a slot that Qt
    calls (here one following the Document, reached from the keys' event filter) stops the
    monkey at that action, naming the seed and the action."""
    doc = monkey_window.doc

    def broken(_index: int) -> None:
        raise RuntimeError("injected")

    doc.cursorMoved.connect(broken)
    try:
        with qtbot.capture_exceptions() as errors:
            monkey = Monkey(monkey_window, 1234, errors=errors)
            pattern = r"(?s)monkey seed 1234 .*action 1: .*RuntimeError: injected.*'Right'"
            with pytest.raises(MonkeyFailure, match=pattern):
                monkey.perform(("key", "Right", ""))
            errors.clear()
    finally:
        doc.cursorMoved.disconnect(broken)


def test_an_undo_that_restores_the_wrong_session_fails_the_monkey(qtbot, monkey_window):
    """The checker itself: an undo that writes back anything but what the command was made
    on (here −W for W, injected into the Document) is caught at that undo."""
    doc = monkey_window.doc
    restore, calls = doc.restore, []

    def wrong(iteration, session, tail=None):
        calls.append(session)
        if len(calls) > 1:  # the first call is the edit's redo, the next its undo
            session = session.with_parameters(tuple(-w for w in session.W), session.b)
        return restore(iteration, session, tail)

    doc.restore = wrong  # the commands call it through the Document
    monkey = Monkey(monkey_window, 99)
    monkey.perform(("type", "W", 1, 0, 0, "F2", "0.25", "Enter"))
    assert doc.cell_value("W", 1, 0, 0) == 0.25  # seed 001's W⁽¹⁾[0,0] was 0.1
    with pytest.raises(MonkeyFailure, match=r"action 2: undo: the session differs at W1\[0, 0\]"):
        monkey.perform(("menu", "undo"))


def test_an_undo_that_loses_the_later_iterations_fails_the_monkey(qtbot, monkey_window):
    """The checker again: an undo that does not put back the iterations its edit dropped
    (injected: the Document forgets them) is caught. Edits in iterations 3, 5, then 2 (which
    drops 3..5): undoing the last must give 3..5 back as they were."""
    doc = monkey_window.doc
    restore = doc.restore
    doc.restore = lambda iteration, session, tail=None: restore(iteration, session)
    monkey = Monkey(monkey_window, 98)
    doc.go_to_iteration(3)
    monkey.perform(("type", "W", 1, 0, 0, "F2", "5", "Enter"))
    doc.go_to_iteration(5)
    monkey.perform(("type", "W", 1, 1, 1, "F2", "7", "Enter"))
    doc.go_to_iteration(2)
    monkey.perform(("type", "b", 1, 0, 0, "F2", "-1", "Enter"))
    assert doc.last_kept_iteration == 2 and doc.undo_stack.count() == 3
    with pytest.raises(
        MonkeyFailure, match=r"action 4: undo: iteration 3 is gone and training gives W1\[0, 0\]"
    ):
        monkey.perform(("menu", "undo"))
