"""The iteration history: every iteration's parameters and loss, as the trace computes them,
at training speed; an edit drops the later iterations; a memory budget; divergence stops."""

import dataclasses

import numpy as np
import pytest

import nnviz.core.history as history_module
from nnviz.core.errors import NnvizError
from nnviz.core.history import History, TrainingStopped, parameter_bytes, structure
from nnviz.core.session import session_for_iteration, with_block
from nnviz.core.trace import build_trace
from nnviz.core.train import train
from tests.core.support import example

XOR_LOSSES = [0.7545166249480681, 0.7112605151143745, 0.702566400938883, 0.6989246469104294]


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.tobytes() == b.tobytes()  # -0.0 differs from 0.0 here


def same_parameters(s, t) -> bool:
    return all(same_bits(a, b) for a, b in zip((*s.W, *s.b), (*t.W, *t.b), strict=True))


def no_traces(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_s: object) -> None:
        raise AssertionError("advance built a trace")

    monkeypatch.setattr(history_module, "build_trace", refuse)


@pytest.mark.parametrize("name", ["xor", "seed001-network", "softmax-classifier", "column-batch"])
def test_every_iteration_is_the_traces_bit_for_bit_without_building_one(monkeypatch, name):
    s = example(name)
    h = History(s)
    no_traces(monkeypatch)
    assert h.advance(30) == 31
    monkeypatch.undo()
    expected = s
    for k in range(1, 32):
        t = build_trace(expected)
        assert h.loss(k) == t.loss  # exactly: the same functions on the same numbers
        assert same_parameters(h.session(k), expected)
        expected = t.next_session()


def test_xor_losses_have_a_point_for_every_iteration():
    h = History(example("xor"))
    h.advance(3)
    assert h.losses() == list(enumerate(XOR_LOSSES, start=1))
    assert h.session(1).W[0][0, 0] == pytest.approx(-0.82870167, abs=1e-8)
    assert h.session(2).W[0][0, 0] == pytest.approx(-0.79238, abs=1e-5)


def test_the_trace_of_an_iteration_is_built_once_and_kept_nearby():
    h = History(example("xor"))
    h.advance(5)
    t = h.trace(3)
    assert h.trace(3) is t
    assert t.loss == h.loss(3) == XOR_LOSSES[2]
    for k in (1, 2, 4, 5, 6):
        h.trace(k)
    assert h.trace(3) is not t  # only a few are cached
    assert h.trace(3).loss == t.loss


def test_an_edit_drops_the_later_iterations_and_training_goes_on_from_it():
    s = example("xor")
    h = History(s)
    h.advance(5)
    edited = with_block(h.session(3), "W", 1, 0, 0, [[5.0]])
    h.put(3, edited)
    assert (h.first, h.last) == (1, 3)
    assert h.loss(3) == build_trace(edited).loss != XOR_LOSSES[2]
    assert h.trace(3).session is edited
    assert h.losses()[:2] == list(enumerate(XOR_LOSSES[:2], start=1))
    h.advance(1)
    assert same_parameters(h.session(4), build_trace(edited).next_session())
    assert h.loss(4) == build_trace(build_trace(edited).next_session()).loss


def test_putting_past_the_last_iteration_computes_the_ones_between():
    s = example("xor")
    h = History(s)
    later = History(s)
    later.advance(4)
    h.put(5, later.session(5))
    assert (h.first, h.last) == (1, 5)
    assert h.losses() == later.losses()


def test_putting_before_the_first_kept_starts_again_there():
    s = example("xor")
    h = History(s, max_iterations=3)
    h.advance(5)
    assert (h.first, h.last) == (4, 6)
    h.put(2, s)
    assert (h.first, h.last) == (2, 2)
    assert h.loss(2) == XOR_LOSSES[0]
    with pytest.raises(NnvizError, match="iteration 1 is not kept"):
        h.session(1)


def test_the_budget_drops_the_oldest_but_never_the_protected_one(monkeypatch):
    s = example("xor")
    size = parameter_bytes(s)
    assert size == 8 * (4 * 2 + 1 * 4 + 4 + 1)  # xor: W 4×2, 1×4; b 4, 1
    h = History(s, max_bytes=3 * size)
    h.advance(9)
    assert (h.first, h.last) == (8, 10)
    assert [k for k, _ in h.losses()] == [8, 9, 10]
    h = History(s, max_bytes=3 * size)
    h.advance(9, protect=1)
    assert (h.first, h.last) == (1, 10)  # what is on screen stays
    monkeypatch.setattr(history_module, "MAX_KEPT_ITERATIONS", 4)
    h = History(s)
    h.advance(9)
    assert (h.first, h.last) == (7, 10)


def test_divergence_stops_before_the_first_non_finite_loss():
    """seed001-network at learning rate 100: iteration 78's loss is 5.05e306, 79's is inf."""
    s = dataclasses.replace(example("seed001-network"), learning_rate=100.0)
    h = History(s)
    with pytest.raises(TrainingStopped, match=r"iteration 79: the loss is inf") as stopped:
        h.advance(200)
    assert stopped.value.iteration == 79
    assert "smaller learning rate than 100" in str(stopped.value)
    assert h.last == 78
    assert h.loss(78) == pytest.approx(5.051913082843994e306, rel=1e-12)
    assert all(np.isfinite(v) for _, v in h.losses())


def test_a_session_whose_loss_overflows_is_kept_as_it_is():
    """An edit may make a finite session whose loss is inf (1e200 in a weight): it is the
    iteration on screen; only training refuses to go on from it when it diverges."""
    for matrix, layer, value in (("X", None, 1e160), ("W", 1, 1e200)):
        s = with_block(example("seed001-matmul"), matrix, layer, 1 - (layer or 0), 0, [[value]])
        h = History(s)
        assert h.loss(1) == np.inf
        assert h.trace(1).loss == np.inf
        with pytest.raises(TrainingStopped, match="iteration 1's loss is already inf") as stopped:
            h.advance(1)
        assert stopped.value.iteration == 2
        assert h.last == 1


def test_structure_names_what_fixes_the_steps_not_the_numbers():
    s = example("xor")
    assert structure(with_block(s, "X", None, 0, 0, [[9.0]])) == structure(s)
    assert structure(dataclasses.replace(s, learning_rate=3.0)) == structure(s)
    assert structure(dataclasses.replace(s, train_biases=not s.train_biases)) != structure(s)
    assert structure(example("seed001-network")) != structure(s)


def edited(s, value: float):
    return with_block(s, "W", 1, 0, 0, [[value]])


def test_put_returns_the_iterations_it_dropped_and_an_undo_puts_them_back():
    s = example("xor")
    h = History(s)
    h.advance(5)
    kept = [h.session(k) for k in range(1, 7)]
    losses = h.losses()
    dropped = h.put(3, edited(h.session(3), 5.0))
    assert (dropped.first, len(dropped.sessions)) == (4, 3)
    assert all(a is b for a, b in zip(dropped.sessions, kept[3:], strict=True))
    assert dropped.losses == tuple(v for _, v in losses[3:])
    h.put(3, kept[2], dropped)  # the undo
    assert (h.first, h.last) == (1, 6)
    assert all(h.session(k) is kept[k - 1] for k in range(1, 7))
    assert h.losses() == losses
    h.advance(1)  # training goes on from the last put back
    assert same_parameters(h.session(7), build_trace(kept[5]).next_session())


def test_undoing_an_edit_in_an_earlier_iteration_gives_back_a_later_edit_as_it_was():
    """E: 5 typed into xor's W⁽¹⁾[0,0] in iteration 3; C: an edit in iteration 5; D: an edit
    in iteration 2, which drops 3..5. Undoing D, then C, shows iteration 3 holding E's 5,
    not iteration 3 trained from iteration 2 (W⁽¹⁾[0,0] ≈ −0.771)."""
    h = History(example("xor"))
    h.advance(2)
    e_after = edited(h.session(3), 5.0)
    h.put(3, e_after)
    h.advance(2)
    c_before = h.session(5)
    c_tail = h.put(5, edited(c_before, 7.0))
    d_before = h.session(2)
    d_tail = h.put(2, edited(d_before, -1.0))
    assert h.last == 2
    h.put(2, d_before, d_tail)  # undo D
    assert h.last == 5 and h.session(3) is e_after
    h.put(5, c_before, c_tail)  # undo C
    assert h.session(3) is e_after and h.session(3).W[0][0, 0] == 5.0
    assert same_parameters(h.session(4), build_trace(e_after).next_session())
    assert h.session(5) is c_before


def test_a_tail_put_back_drops_the_oldest_past_the_budget_never_the_iteration_put():
    s = example("xor")
    size = parameter_bytes(s)
    h = History(s, max_bytes=3 * size)
    h.advance(2)
    second, third = h.session(2), h.session(3)
    h.max_bytes = 2 * size
    dropped = h.put(2, edited(second, 5.0))
    assert (h.first, h.last) == (1, 2) and dropped.sessions == (third,)
    h.put(2, second, dropped)
    assert (h.first, h.last) == (2, 3) and h.session(3) is third  # 1 made room
    dropped = h.put(2, edited(second, 5.0))
    h.max_bytes = size
    h.put(2, second, dropped)
    assert (h.first, h.last) == (2, 2)  # no room past 2: iteration 3 is recomputed
    h.advance(1)
    assert same_parameters(h.session(3), third) and h.loss(3) == XOR_LOSSES[2]


def test_a_tail_is_cut_at_the_budget_and_the_rest_recomputed_by_training():
    s = example("xor")
    size = parameter_bytes(s)
    h = History(s, max_bytes=4 * size)
    h.advance(3)
    assert (h.first, h.last) == (1, 4)
    h.max_bytes = 2 * size
    dropped = h.put(1, edited(s, 5.0))
    assert (dropped.first, len(dropped.sessions)) == (2, 2)  # 2 and 3 fit the budget, not 4
    h.max_bytes = 4 * size
    h.put(1, s, dropped)
    assert (h.first, h.last) == (1, 3)
    h.advance(1)  # 4 recomputed by training, as it was
    assert h.losses() == list(enumerate(XOR_LOSSES, start=1))


def test_a_tail_that_does_not_follow_the_iteration_put_is_left_out():
    s = example("xor")
    h = History(s)
    h.advance(3)
    dropped = h.put(2, h.session(2))
    assert dropped.first == 3
    h.put(3, edited(h.session(2), 1.0), dropped)
    assert h.last == 3  # dropped starts at 3, not 4


def test_a_data_session_steps_through_its_mini_batches_as_train_does():
    """Iteration k of the window's history holds mini-batch k and the parameters that
    `train` reaches after k − 1 updates: the window and `nnviz train` show the same run."""
    s = example("circles")
    assert s.data is not None and s.data.batch_size is not None
    h = History(s)
    h.advance(5)
    for k in range(1, 7):
        shown = h.session(k)
        expected = session_for_iteration(s, k)
        assert np.array_equal(shown.samples, expected.samples), k
        assert np.array_equal(shown.X, expected.X) and np.array_equal(shown.Y, expected.Y), k
        trained = train(s, k - 1).session if k > 1 else s
        for a, b in zip((*shown.W, *shown.b), (*trained.W, *trained.b), strict=True):
            assert a.tobytes() == b.tobytes(), k
        assert h.loss(k) == build_trace(shown).loss, k
    assert not np.array_equal(h.session(2).samples, h.session(1).samples)


def test_the_kept_losses_are_the_loss_curves_through_edits_undos_and_the_budget():
    """One record of the losses (metrics, every iteration reached): the History's kept
    iterations read theirs from it, each exactly the trace's, whatever was dropped."""
    s = example("xor")
    h = History(s, max_iterations=4)
    h.advance(6)  # iterations 1..7 reached, 4..7 kept
    assert (h.first, h.last, h.metrics.first, h.metrics.last) == (4, 7, 1, 7)
    assert [loss for _, loss in h.losses()] == h.metrics.losses()[3:].tolist()
    assert h.metrics.losses()[:4].tolist() == XOR_LOSSES  # dropped from the History, drawn
    before = h.session(5)
    edited = with_block(before, "W", 1, 0, 0, np.array([[0.5]]))
    tail = h.put(5, edited)  # 6, 7 dropped, from both
    assert (h.last, h.metrics.last) == (5, 5)
    assert h.loss(5) == h.metrics.at(5)[0] == build_trace(edited).loss
    h.put(5, before, tail)  # the undo: 6, 7 back as they were
    assert (h.last, h.metrics.last) == (7, 7)
    expected = tail_source(s, 7)
    assert h.loss(7) == h.metrics.at(7)[0] == build_trace(expected).loss
    assert [loss for _, loss in h.losses()] == h.metrics.losses()[h.first - 1 :].tolist()
    with pytest.raises(NnvizError, match="not kept"):
        h.loss(1)  # recorded for the curve, but its session is gone


def tail_source(s, k: int):
    """Iteration k of `s`, by the trace."""
    for _ in range(k - 1):
        s = build_trace(s).next_session()
    return s
