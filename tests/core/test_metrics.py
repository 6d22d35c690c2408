"""The metrics the loss curve draws (core/metrics.py): every iteration reached, past the
History's memory budget, equal to `train`'s losses and test metrics for the same batches."""

import numpy as np
from numpy.testing import assert_allclose

from nnviz.core.history import History
from nnviz.core.session import with_block
from nnviz.core.train import train
from tests.core.support import example


def test_metrics_equal_trains_losses_and_test_metrics_on_circles():
    s = example("circles")  # 150 training samples in batches of 16, 50 held out
    h = History(s)
    h.advance(30)
    m = h.metrics
    assert (m.first, m.last, len(m)) == (1, 31, 31)
    ref = train(s, 30, track_test=True)
    assert_allclose(m.losses()[:30], ref.losses, rtol=1e-12, atol=0)
    assert_allclose(m.test_losses()[:30], ref.test_losses, rtol=1e-12, atol=0)
    assert_allclose(m.test_accuracies()[:30], ref.test_accuracies, rtol=0, atol=0)
    assert m.has_test
    # Accuracy is a fraction of the 50 test samples.
    assert_allclose(m.test_accuracies() * 50, np.round(m.test_accuracies() * 50), atol=1e-9)
    assert m.at(31) == (h.loss(31), *m.at(31)[1:])


def test_every_iteration_is_kept_past_the_history_budget():
    s = example("xor")
    h = History(s, max_iterations=10)
    h.advance(2500)  # grows the arrays past their first 1024 columns
    assert h.first == 2492
    m = h.metrics
    assert (m.first, m.last) == (1, 2501)
    assert_allclose(m.losses()[:2500], train(s, 2500).losses, rtol=1e-12, atol=0)
    assert list(m.iterations()[[0, -1]]) == [1, 2501]
    assert not m.has_test and np.isnan(m.test_losses()).all()


def test_an_edit_drops_the_later_metrics_and_its_undo_puts_them_back():
    h = History(example("xor"))
    h.advance(9)
    before = h.metrics.losses().copy()
    original = h.session(5)
    tail = h.put(5, with_block(original, "W", 1, 0, 0, [[3.0]]))
    m = h.metrics
    assert (m.first, m.last) == (1, 5)
    assert_allclose(m.losses()[:4], before[:4], rtol=0, atol=0)
    assert m.losses()[4] == h.loss(5) != before[4]
    h.put(5, original, tail)  # the undo
    assert (m.first, m.last) == (1, 10)
    assert_allclose(m.losses(), before, rtol=0, atol=0)
