"""Training: N iterations of gradient descent over the same functions as the trace.

Full-batch on a session's X, Y; on a data session iteration k takes the k-th mini-batch
(batches.py), as session_for_iteration shows it. It builds no trace, so it runs near NumPy's
own speed.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.formatting import format_value
from nnviz.core.losses import reduction_factor
from nnviz.core.network import (
    TrainingStep,
    forward,
    one_hot_labels,
    output_loss,
    penalty,
    quiet,
)
from nnviz.core.session import Session, session_for_iteration
from nnviz.core.types import Mat


def session_loss(s: Session) -> float:
    """The loss of the session's parameters on its batch (with its L2 penalty), without
    building a trace."""
    with quiet():
        fwd = forward(s.W, s.b, s.X, s.activations)
        return _with_penalty(output_loss(fwd, s.Y, s.loss, s.reduction), s.W, s.l2)


def _with_penalty(loss: float, W: tuple[Mat, ...], l2: float) -> float:
    """The batch's loss plus the L2 penalty; the loss itself when λ = 0 (bit for bit)."""
    return loss + penalty(W, l2) if l2 else loss


CLASSIFIERS = ("bce", "cross_entropy")  # the losses whose outputs are classes: accuracy


def accuracy(A: Mat, Y: Mat, loss: str) -> float | None:
    """The fraction of samples classified right, or None when the loss is not a classifier's:
    `bce` thresholds each output at 0.5, `cross_entropy` takes the largest output."""
    if loss == "bce":
        return float(((A >= 0.5) == (Y >= 0.5)).all(axis=0).mean())
    if loss == "cross_entropy":
        return float((A.argmax(axis=0) == Y.argmax(axis=0)).mean())
    return None


def evaluate(
    s: Session, X: Mat, Y: Mat, W: tuple[Mat, ...] | None = None, b: tuple[Mat, ...] | None = None
) -> tuple[float, float | None]:
    """(loss, accuracy) of parameters W, b (default the session's) on samples X, Y. The loss
    includes the session's L2 penalty, as the training loss does (it depends on the
    parameters only, so training and test losses differ by their data alone)."""
    W = s.W if W is None else W
    with quiet():
        fwd = forward(W, s.b if b is None else b, X, s.activations)
        loss = _with_penalty(output_loss(fwd, Y, s.loss, s.reduction), W, s.l2)
        return loss, accuracy(fwd.A[-1], Y, s.loss)


def training_set_loss(s: Session) -> float:
    """The loss of the session's parameters over its whole training set (its X without data)."""
    if s.data is None:
        return session_loss(s)
    return evaluate(s, s.data.X_train, s.data.Y_train)[0]


def held_out(s: Session) -> tuple[float, float | None] | None:
    """(test loss, test accuracy) of the session's parameters, or None without a test set."""
    if s.data is None or s.data.X_test.shape[1] == 0:
        return None
    return evaluate(s, s.data.X_test, s.data.Y_test)


@dataclass(frozen=True, slots=True)
class TrainResult:
    session: Session  # the parameters after the last iteration
    losses: np.ndarray  # the loss of each iteration, before its update
    # With track_test: the test set's loss and accuracy (nan: not a classifier) alike.
    test_losses: np.ndarray | None = None
    test_accuracies: np.ndarray | None = None
    # With track_accuracy, for a classifier: each iteration's batch accuracy, before its update.
    accuracies: np.ndarray | None = None


class TrainingDiverged(NnvizError):
    """A non-finite loss at `iteration` (1-based: iteration k starts after k − 1 updates).

    `result` holds the last parameters whose loss is finite, those of iteration k − 1 (the
    ones the diverging update started from), and the losses of iterations 1..k − 1. At
    iteration 1 the given parameters' own loss is not finite: `result` is them, no losses.
    """

    def __init__(self, message: str, result: TrainResult, iteration: int, loss: float) -> None:
        super().__init__(message)
        self.result = result
        self.iteration = iteration
        self.loss = loss  # the non-finite loss: inf or nan


def _diverged(s: Session, k: int, loss: float, done: TrainResult) -> TrainingDiverged:
    if k == 1:
        what = f"the loss of the given parameters is {format_value(loss)} (the numbers overflow)"
    else:
        last = format_value(float(done.losses[-1]))
        what = (
            f"the loss after {k - 1} update{'s' if k > 2 else ''} is {format_value(loss)} "
            f"(iteration {k - 1}'s was {last}); try a smaller learning rate than "
            f"{s.learning_rate:g}"
        )
    return TrainingDiverged(f"training diverged at iteration {k}: {what}", done, k, loss)


def train(
    s: Session,
    iterations: int,
    progress: Callable[[int, float], None] | None = None,
    first: int | None = None,
    track_test: bool = False,
    track_accuracy: bool = False,
) -> TrainResult:
    """Run `iterations` steps of θ ← θ − η·∂L/∂θ, the first being iteration `first` (1-based,
    default the session's own: 1 as opened).

    Each iteration takes its batch: the whole X, Y, or on a data session its mini-batch.
    `progress(i, loss)` is called after each iteration (i counts from 1). The returned
    session's loss is finite: a non-finite loss, before any update or after the last one,
    stops training with TrainingDiverged, naming the iteration (counted from 1 in this run).
    `track_test` also records the test set's loss and accuracy before each update, and
    `track_accuracy` (a classifier's) the accuracy on each iteration's batch, beside its loss.
    A data session comes back at its next iteration (X, Y that iteration's batch), so saving
    it records where training stopped and training it again goes on from there.
    """
    if iterations < 0:
        raise NnvizError(f"iterations: expected 0 or more, got {iterations}")
    if first is None:
        first = s.iteration
    d = s.data
    X, Y = (s.X, s.Y) if d is None else (d.X_train, d.Y_train)
    mini = d is not None and d.batch_size is not None and d.batch_size < d.n_train
    tracking = track_test and d is not None and d.X_test.shape[1] > 0
    test = np.full((2, iterations), np.nan) if tracking else None
    scoring = track_accuracy and s.loss in CLASSIFIERS
    accs = np.empty(iterations if scoring else 0)
    step = TrainingStep(s.activations, s.loss, s.learning_rate, s.l2)
    batches = d.batches(first) if mini else None  # type: ignore[union-attr]
    k = reduction_factor(s.reduction, X.shape[1])
    # the classes of the training set, for cross-entropy's one term per sample
    labels_all = one_hot_labels(Y) if s.loss == "cross_entropy" else None
    labels = labels_all
    W, b = list(s.W), [v[:, None] for v in s.b]  # biases as the columns they are added as
    last = (W, b)  # the last parameters whose loss is finite
    losses = np.empty(iterations)
    with quiet():
        for i in range(iterations + 1):
            if batches is not None:  # iteration first + i's batch
                idx = next(batches)
                # C order, as session_for_iteration lays a batch out: BLAS sums an F-ordered
                # copy in another order, and the window would differ in the last bit.
                X = np.take(d.X_train, idx, axis=1)  # type: ignore[union-attr]
                Y = np.take(d.Y_train, idx, axis=1)  # type: ignore[union-attr]
                k = reduction_factor(s.reduction, X.shape[1])
                labels = None if labels_all is None else labels_all[idx]
            loss, Zs, As = step.forward(W, b, X, Y, k, labels)
            if not math.isfinite(loss):
                done = TrainResult(_at(s, last, first + i - 1) if i else s, losses[:i].copy())
                raise _diverged(s, i + 1, loss, done)
            if i == iterations:  # the loss of the session returned: checked, not recorded
                break
            last = (W, b)
            losses[i] = loss
            if test is not None:
                test[0, i], acc = evaluate(s, d.X_test, d.Y_test, *_plain(W, b))  # type: ignore[union-attr]
                test[1, i] = np.nan if acc is None else acc
            if scoring:
                accs[i] = accuracy(As[-1], Y, s.loss)
            W, b = step.backward_update(W, b, X, Y, k, Zs, As, s.train_biases)
            if progress is not None:
                progress(i + 1, loss)
    trained = _at(s, (W, b), first + iterations)
    return TrainResult(
        trained,
        losses,
        None if test is None else test[0],
        None if test is None else test[1],
        accs if scoring else None,
    )


def _plain(W: list[Mat], b: list[Mat]) -> tuple[tuple[Mat, ...], tuple[Mat, ...]]:
    """The loop's parameters as a Session holds them: biases flat again."""
    return tuple(W), tuple(v[:, 0] for v in b)


def _at(s: Session, params: tuple[list[Mat], list[Mat]], k: int) -> Session:
    """`s` with the loop's `params`, at iteration k: a data session with k's batch as X, Y."""
    return session_for_iteration(s.with_parameters(*_plain(*params)), k)
