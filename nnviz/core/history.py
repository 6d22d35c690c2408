"""The iterations reached: the parameters and the loss of each, within a memory budget.

Iteration 1 is the session as opened or edited; iteration k + 1 starts from iteration k's
updated parameters (DESIGN §1). Every iteration reached keeps its session (they share X and Y,
so only the parameters cost memory) and its loss, so the loss curve has a point for each; the
oldest are dropped past the budget. The losses are read from `metrics` (metrics.py), which
records every iteration reached for the loss curve, so the two cannot disagree. `advance`
runs at training speed with the lean maths of `network.py`, as `train.py` does: no trace is
built. Traces are built on demand, a few cached, keyed by iteration. An edit replaces one
iteration's session and drops the later ones: they are recomputed from the edited one. `put`
returns what it dropped (a Tail), so an undo can put back exactly the iterations its edit
dropped, edits in them included, instead of recomputing them by training (which would lose
those edits).
"""

import math
from dataclasses import dataclass

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.losses import reduction_factor
from nnviz.core.metrics import Metrics
from nnviz.core.network import TrainingStep, quiet
from nnviz.core.session import Session, session_for_iteration
from nnviz.core.trace import Trace, build_trace
from nnviz.core.types import Mat

MAX_KEPT_BYTES = 32 * 2**20  # parameters of past iterations: oldest dropped past this
MAX_KEPT_ITERATIONS = 10_000
TRACE_CACHE = 3  # traces kept: the one on screen and its neighbours


class TrainingStopped(NnvizError):
    """The next iteration would have non-finite parameters or a non-finite loss."""

    def __init__(self, iteration: int, message: str) -> None:
        super().__init__(message)
        self.iteration = iteration  # the iteration that was not reached


@dataclass(frozen=True, slots=True)
class Structure:
    """What fixes the steps of an iteration and their shapes (not their numbers)."""

    convention: str
    layers: tuple[int, ...]
    batch: int
    activations: tuple[str, ...]
    loss: str
    reduction: str
    train_biases: bool
    decays: bool  # L2 on: the loss and grad_W steps show W and the penalty too


@dataclass(frozen=True, slots=True)
class Tail:
    """Iterations `first`, `first` + 1, … with their losses, as a `put` dropped them.

    Past the memory budget a tail keeps only its first iterations: the later ones are
    recomputed by training when they are reached again (an edit in them is then lost, as the
    budget loses the oldest iterations)."""

    first: int
    sessions: tuple[Session, ...] = ()
    losses: tuple[float, ...] = ()


def structure(s: Session) -> Structure:
    return Structure(
        s.convention,
        s.layers,
        s.batch,
        s.activations,
        s.loss,
        s.reduction,
        s.train_biases,
        s.l2 > 0,
    )


def parameter_bytes(s: Session) -> int:
    return sum(w.nbytes for w in s.W) + sum(v.nbytes for v in s.b)


def _finite(params: tuple[Mat, ...]) -> bool:
    return all(np.isfinite(p).all() for p in params)


# What a session's forward pass leaves for its backward pass: (Z per layer, A per layer, k).
Forward = tuple[list[Mat], list[Mat], float]


class _Steps:
    """train()'s lean iteration (network.TrainingStep), one per network and hyper-parameters:
    the history computes with it what training computes, the same numbers bit for bit."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._step: TrainingStep | None = None

    def of(self, s: Session) -> TrainingStep:
        key = (s.activations, s.loss, s.learning_rate, s.l2)
        if self._step is None or key != self._key:
            self._key, self._step = key, TrainingStep(*key)
        return self._step

    def loss(self, s: Session) -> tuple[float, Forward]:
        """The loss of `s` on its batch (its L2 penalty included), and its forward pass."""
        k = reduction_factor(s.reduction, s.batch)
        with quiet():
            loss, Zs, As = self.of(s).forward(list(s.W), _columns(s.b), s.X, s.Y, k)
        return loss, (Zs, As, k)

    def update(self, s: Session, fwd: Forward) -> tuple[tuple[Mat, ...], tuple[Mat, ...]]:
        """The parameters after `s`'s update, what build_trace's update steps compute."""
        Zs, As, k = fwd
        with quiet():
            W, b = self.of(s).backward_update(
                list(s.W), _columns(s.b), s.X, s.Y, k, Zs, As, s.train_biases
            )
        return tuple(W), tuple(v[:, 0] for v in b)


# Iteration k computed ahead: (the last session, k, k's session, loss, forward pass, trace).
_Ahead = tuple[Session, int, Session, float, Forward, Trace]


def _columns(b: tuple[Mat, ...]) -> list[Mat]:
    return [v[:, None] for v in b]


class History:
    """Sessions and losses of iterations `first`..`last` (from 1), with a trace cache.

    The budget is read when an iteration is kept, so a test (or a setting) can change
    MAX_KEPT_BYTES / MAX_KEPT_ITERATIONS of this module, or pass its own.
    """

    def __init__(
        self,
        session: Session,
        max_bytes: int | None = None,
        max_iterations: int | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_iterations = max_iterations
        self._steps = _Steps()
        # Every iteration's loss (and test metrics), past the budget too: the one record of
        # the losses, which `loss` and `losses` read for the kept iterations.
        self.metrics = Metrics()
        self._reset(1, session)

    def _reset(self, first: int, session: Session) -> None:
        loss, fwd = self._steps.loss(session)
        self._first = first
        self._sessions: list[Session] = [session]
        self._bytes = parameter_bytes(session)
        self._last_forward: tuple[Session, Forward] | None = (session, fwd)
        self._traces: dict[int, Trace] = {}
        self._ahead: _Ahead | None = None
        self.metrics.record(first, session, loss)

    # --- reading --------------------------------------------------------------------------
    @property
    def first(self) -> int:
        """The oldest iteration kept."""
        return self._first

    @property
    def last(self) -> int:
        """The newest iteration reached (and kept)."""
        return self._first + len(self._sessions) - 1

    def __contains__(self, k: object) -> bool:
        return isinstance(k, int) and self.first <= k <= self.last

    def _at(self, k: int) -> int:
        if k not in self:
            raise NnvizError(
                f"iteration {k} is not kept (the iterations kept are {self.first}..{self.last})"
            )
        return k - self._first

    def session(self, k: int) -> Session:
        return self._sessions[self._at(k)]

    def loss(self, k: int) -> float:
        self._at(k)  # kept, or NnvizError (metrics records iterations older than the kept)
        return self.metrics.loss(k)

    def sessions(self) -> tuple[Session, ...]:
        """The session of every kept iteration, `first` to `last`."""
        return tuple(self._sessions)

    def losses(self) -> list[tuple[int, float]]:
        """(iteration, loss) of every kept iteration, in order: no gaps."""
        kept = self.metrics.losses()[self._first - self.metrics.first :]
        return list(enumerate(kept.tolist(), start=self._first))

    def trace(self, k: int) -> Trace:
        """The full trace of iteration k, built once and cached (a few, nearest k kept)."""
        trace = self._traces.get(k)
        if trace is None:
            trace = build_trace(self.session(k))
            self._cache(k, trace)
        return trace

    def _cache(self, k: int, trace: Trace) -> None:
        while len(self._traces) >= TRACE_CACHE:
            del self._traces[max(self._traces, key=lambda it: abs(it - k))]
        self._traces[k] = trace

    def ahead(self) -> Trace | None:
        """The trace of the iteration after the last, computed now but not reached: no loss
        recorded, the budget untouched, so that reaching it later (`advance`) costs only
        keeping it. None when training would stop there. Kept while the last iteration is
        the same session."""
        s, k = self._sessions[-1], self.last + 1
        ahead = self._ahead_of(s, k)
        if ahead is None:
            try:
                nxt, loss, fwd = self._next(s, k)
            except TrainingStopped:
                return None
            ahead = self._ahead = (s, k, nxt, loss, fwd, build_trace(nxt))
        return ahead[5]

    def _ahead_of(self, s: Session, k: int) -> _Ahead | None:
        """Iteration k as computed ahead from `s`, if it was (`is`: an edit makes a new
        session, and the history a new list of them)."""
        a = self._ahead
        return a if a is not None and a[0] is s and a[1] == k else None

    # --- growing ----------------------------------------------------------------------------
    def advance(self, n: int = 1, protect: int | None = None) -> int:
        """Compute n iterations past the last, without traces; the budget never drops
        `protect`. Returns the new last iteration. Raises TrainingStopped (keeping what was
        reached) when an iteration would have non-finite parameters or loss."""
        for _ in range(n):
            self._advance_one(protect)
        return self.last

    def _advance_one(self, protect: int | None) -> None:
        s, k = self._sessions[-1], self.last + 1
        ahead, self._ahead = self._ahead_of(s, k), None
        if ahead is not None:  # computed ahead: as below
            _, _, nxt, loss, fwd_next, trace = ahead
            self._keep(nxt, loss, protect)
            self._cache(k, trace)
        else:
            nxt, loss, fwd_next = self._next(s, k)
            self._keep(nxt, loss, protect)
        self._last_forward = (nxt, fwd_next)

    def _next(self, s: Session, k: int) -> tuple[Session, float, Forward]:
        """Iteration k's session, loss and forward pass, from `s` (iteration k − 1, the last);
        raises TrainingStopped when its parameters or its loss would not be finite."""
        lr = s.learning_rate
        traced = self._traces.get(k - 1)
        if traced is not None:  # stepping past the last step: the trace has the update
            W, b = traced.W_next, traced.b_next
        else:
            W, b = self._steps.update(s, self._forward_of_last())
        hint = f"try a smaller learning rate than {lr:g}"
        before = self.loss(k - 1)
        if not math.isfinite(before):  # an edit overflowed, not the training
            hint = f"iteration {k - 1}'s loss is already {before}: try smaller numbers"
        if not (_finite(W) and _finite(b)):
            raise TrainingStopped(
                k, f"training diverged at iteration {k}: its parameters overflow ({hint})"
            )
        # A data session trains iteration k on its k-th mini-batch, as `nnviz train` does.
        nxt = session_for_iteration(s.with_parameters(W, b), k)
        loss, fwd_next = self._steps.loss(nxt)
        if not math.isfinite(loss):
            raise TrainingStopped(
                k, f"training diverged at iteration {k}: the loss is {loss} ({hint})"
            )
        return nxt, loss, fwd_next

    def _forward_of_last(self) -> Forward:
        s = self._sessions[-1]
        if self._last_forward is not None and self._last_forward[0] is s:
            return self._last_forward[1]
        return self._steps.loss(s)[1]

    def _budget(self) -> tuple[int, int]:
        max_bytes = MAX_KEPT_BYTES if self.max_bytes is None else self.max_bytes
        max_its = MAX_KEPT_ITERATIONS if self.max_iterations is None else self.max_iterations
        return max_bytes, max_its

    def _keep(self, s: Session, loss: float, protect: int | None) -> None:
        """A new last iteration; the oldest dropped past the budget, never `protect`."""
        self._sessions.append(s)
        self._bytes += parameter_bytes(s)
        self.metrics.record(self.last, s, loss)  # what was recorded from this iteration on goes
        max_bytes, max_its = self._budget()
        while len(self._sessions) > 1 and (
            self._bytes > max_bytes or len(self._sessions) > max_its
        ):
            if self._first == protect:
                break
            self._bytes -= parameter_bytes(self._sessions.pop(0))  # metrics keeps its loss
            self._traces.pop(self._first, None)
            self._first += 1

    # --- edits ------------------------------------------------------------------------------
    def put(self, k: int, session: Session, tail: Tail | None = None) -> Tail:
        """Make `session` iteration k and drop the later iterations (an edit, its undo or
        redo); returns the kept iterations after k that were dropped, within the budget.

        Iterations between the last and k are recomputed from the last; before the first
        kept, the history starts again at k. `tail` (what the put that an undo takes back
        returned) becomes iterations k + 1, … again, as they were, when it starts at k + 1.
        """
        if k < 1:
            raise NnvizError(f"iterations count from 1, got {k}")
        dropped = self._tail_after(k)
        if k > self.last + 1:
            try:
                self.advance(k - 1 - self.last)
            except TrainingStopped:
                self._reset(k, session)  # what lies between cannot be reached again
                self._put_back(k, tail)
                return dropped
        if k <= self._first:
            self._reset(k, session)
        else:
            del self._sessions[k - self._first :]  # and _keep drops their losses from metrics
            for it in [it for it in self._traces if it >= k]:
                del self._traces[it]
            self._bytes = sum(parameter_bytes(x) for x in self._sessions)
            loss, fwd = self._steps.loss(session)
            self._keep(session, loss, protect=k)
            self._last_forward = (session, fwd)
        self._put_back(k, tail)
        return dropped

    def _tail_after(self, k: int) -> Tail:
        """The kept iterations after k, the first of them within the budget."""
        start = max(k + 1, self._first)
        max_bytes, max_its = self._budget()
        sessions: list[Session] = []
        size = 0
        for s in self._sessions[start - self._first :]:
            size += parameter_bytes(s)
            if sessions and (size > max_bytes or len(sessions) >= max_its):
                break
            sessions.append(s)
        losses = tuple(self.loss(it) for it in range(start, start + len(sessions)))
        return Tail(start, tuple(sessions), losses)

    def _put_back(self, k: int, tail: Tail | None) -> None:
        """Iterations k + 1, … from `tail`, when it follows k and k is the last."""
        if tail is None or tail.first != k + 1 or self.last != k or not tail.sessions:
            return
        max_bytes, max_its = self._budget()
        for s, loss in zip(tail.sessions, tail.losses, strict=True):
            full = self._bytes + parameter_bytes(s) > max_bytes or self.last - k + 2 > max_its
            if full and self._first == k:
                break  # k stays; the rest of the tail is recomputed when reached
            self._keep(s, loss, protect=k)
        self._last_forward = None
