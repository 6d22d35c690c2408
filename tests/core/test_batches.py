"""Mini-batches: a seeded shuffle per epoch, cut in order, the last batch smaller."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from nnviz.core.batches import batch_indices, batches_per_epoch, epoch_of


def test_one_epochs_batches_cover_every_training_index_exactly_once():
    n, size = 23, 5
    assert batches_per_epoch(n, size) == 5
    for epoch in range(3):
        ks = range(epoch * 5 + 1, epoch * 5 + 6)
        got = np.concatenate([batch_indices(n, size, 42, k) for k in ks])
        assert sorted(got.tolist()) == list(range(n))
        assert {epoch_of(n, size, k) for k in ks} == {epoch + 1}


def test_the_last_batch_of_an_epoch_is_smaller():
    sizes = [len(batch_indices(23, 5, 0, k)) for k in range(1, 11)]
    assert sizes == [5, 5, 5, 5, 3, 5, 5, 5, 5, 3]


def test_batch_k_is_the_same_on_every_call_and_depends_on_the_seed():
    a = batch_indices(100, 8, 3, 17)
    assert_array_equal(a, batch_indices(100, 8, 3, 17))
    assert not np.array_equal(a, batch_indices(100, 8, 4, 17))
    # seed 3, epoch 2 (k = 17 is the 4th batch of the 2nd 13-batch epoch)
    order = np.random.default_rng([3, 1]).permutation(100)
    assert_array_equal(a, order[24:32])


def test_every_epoch_is_reshuffled():
    first = np.concatenate([batch_indices(20, 4, 1, k) for k in range(1, 6)])
    second = np.concatenate([batch_indices(20, 4, 1, k) for k in range(6, 11)])
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("size", [None, 10, 99])
def test_full_batch_is_the_training_set_in_its_order(size):
    for k in (1, 2, 50):
        assert_array_equal(batch_indices(10, size, 5, k), np.arange(10))
        assert epoch_of(10, size, k) == k


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="iterations count from 1"):
        batch_indices(10, 3, 0, 0)
    with pytest.raises(ValueError, match="batch_size"):
        batch_indices(10, 0, 0, 1)
