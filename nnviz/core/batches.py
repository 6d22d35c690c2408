"""Mini-batches: iteration k (1-based) trains on the k-th mini-batch of a seeded shuffle.

An epoch is ⌈n_train / batch_size⌉ iterations; each epoch shuffles the training set afresh
(from (seed, epoch), so any batch can be found without the ones before it) and cuts it into
batches in order, the last one smaller if it must be. A batch size of None ("all") or of at
least n_train is full-batch descent: every iteration is the whole training set in its own
order, unshuffled, as a session without a data section trains.
"""

from collections.abc import Iterator

import numpy as np

__all__ = ["batch_indices", "batches_from", "batches_per_epoch", "epoch_of"]


def _size(n_train: int, batch_size: int | None) -> int:
    if n_train < 1:
        raise ValueError(f"n_train: expected at least 1 sample, got {n_train}")
    if batch_size is None:
        return n_train
    if batch_size < 1:
        raise ValueError(f"batch_size: expected at least 1, got {batch_size}")
    return min(batch_size, n_train)


def batches_per_epoch(n_train: int, batch_size: int | None) -> int:
    return -(-n_train // _size(n_train, batch_size))


def epoch_of(n_train: int, batch_size: int | None, k: int) -> int:
    """The epoch (1-based) of iteration k (1-based)."""
    if k < 1:
        raise ValueError(f"k: iterations count from 1, got {k}")
    return (k - 1) // batches_per_epoch(n_train, batch_size) + 1


def batch_indices(n_train: int, batch_size: int | None, seed: int, k: int) -> np.ndarray:
    """The 0-based training-set indices of iteration k's batch, in batch order (int64)."""
    size = _size(n_train, batch_size)
    if size == n_train:
        if k < 1:
            raise ValueError(f"k: iterations count from 1, got {k}")
        return np.arange(n_train)
    per_epoch = batches_per_epoch(n_train, size)
    epoch = epoch_of(n_train, size, k) - 1
    j = (k - 1) % per_epoch
    return _order(n_train, seed, epoch)[j * size : (j + 1) * size]


def _order(n_train: int, seed: int, epoch: int) -> np.ndarray:
    """The shuffle of epoch `epoch` (0-based)."""
    return np.random.default_rng([seed, epoch]).permutation(n_train)


def batches_from(n_train: int, batch_size: int | None, seed: int, k: int) -> Iterator[np.ndarray]:
    """batch_indices of iterations k, k + 1, …, endlessly: for a training loop, which then
    shuffles once per epoch instead of once per batch (the same batches)."""
    size = _size(n_train, batch_size)
    per_epoch = batches_per_epoch(n_train, size)
    epoch, j = divmod(k - 1, per_epoch)
    while True:
        order = _order(n_train, seed, epoch) if size < n_train else np.arange(n_train)
        for start in range(j * size, n_train, size):
            yield order[start : start + size]
        epoch, j = epoch + 1, 0
