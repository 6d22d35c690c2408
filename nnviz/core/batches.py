"""Mini-batches: iteration k (1-based) trains on the k-th mini-batch of a seeded shuffle.

An epoch is ⌈n_train / batch_size⌉ iterations; each epoch shuffles the training set afresh
(from (seed, epoch), so any batch can be found without the ones before it) and cuts it into
batches in order, the last one smaller if it must be. A batch size of None ("all") or of at
least n_train is full-batch descent: every iteration is the whole training set in its own
order, unshuffled, as a session without a data section trains.
"""

import numpy as np

__all__ = ["batch_indices", "batches_per_epoch", "epoch_of"]


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
    order = np.random.default_rng([seed, epoch]).permutation(n_train)
    return order[j * size : (j + 1) * size]
