"""The next iteration computed ahead (the window does it while idle at an iteration's last
step): nothing reached until `advance`, then the very numbers training computes."""

import dataclasses

import numpy as np
import pytest

import nnviz.core.history as history_module
from nnviz.core.history import History, TrainingStopped
from nnviz.core.session import with_block
from nnviz.core.trace import build_trace
from tests.core.support import example
from tests.core.test_history import XOR_LOSSES, same_parameters


def test_ahead_reaches_nothing_and_advance_keeps_what_it_computed(monkeypatch):
    h = History(example("xor"))
    trace = h.ahead()
    assert trace is not None
    assert (h.first, h.last) == (1, 1)
    assert h.losses() == [(1, XOR_LOSSES[0])]  # no loss point for iteration 2 yet
    assert h.ahead() is trace  # computed once

    def refuse(_s: object) -> None:
        raise AssertionError("advance built a trace again")

    monkeypatch.setattr(history_module, "build_trace", refuse)
    assert h.advance(1) == 2
    assert h.trace(2) is trace and trace.session is h.session(2)
    assert h.losses() == list(enumerate(XOR_LOSSES[:2], start=1))
    assert trace.loss == XOR_LOSSES[1]


def test_an_iteration_computed_ahead_is_the_one_training_reaches_bit_for_bit():
    s = example("seed001-network")
    plain, ahead = History(s), History(s)
    for _ in range(5):
        ahead.ahead()
        plain.advance(1)
        ahead.advance(1)
        assert same_parameters(ahead.session(ahead.last), plain.session(plain.last))
        assert ahead.loss(ahead.last) == plain.loss(plain.last)
    again = build_trace(plain.session(6))
    for mine, fresh in zip(ahead.trace(6).steps, again.steps, strict=True):
        assert mine.result.value.tobytes() == fresh.result.value.tobytes(), mine.id


def test_an_edit_after_looking_ahead_is_not_overtaken_by_it():
    h = History(example("xor"))
    h.advance(2)
    stale = h.ahead()
    edited = with_block(h.session(3), "W", 1, 0, 0, [[5.0]])
    h.put(3, edited)
    h.advance(1)
    assert h.trace(4) is not stale
    assert same_parameters(h.session(4), build_trace(edited).next_session())
    assert h.loss(4) == build_trace(build_trace(edited).next_session()).loss


def test_ahead_of_a_diverging_iteration_is_none_and_advance_still_says_why():
    """seed001-network at learning rate 100: iteration 79's loss is inf."""
    h = History(dataclasses.replace(example("seed001-network"), learning_rate=100.0))
    h.advance(76)  # iteration 77 reached; 78 is the last finite one
    assert h.ahead() is not None
    h.advance(1)
    assert h.ahead() is None
    assert h.last == 78
    with pytest.raises(TrainingStopped, match=r"iteration 79: the loss is inf"):
        h.advance(1)
    assert all(np.isfinite(v) for _, v in h.losses())
