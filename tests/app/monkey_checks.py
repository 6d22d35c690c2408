"""The monkey's oracle, without Qt: sessions and traces compared bit for bit (NaN equal to
NaN, +0 told from −0), training one iteration as the core defines it, and the run's settings
from the environment."""

import os

import numpy as np

from nnviz.core.session import Session, session_for_iteration
from nnviz.core.trace import Trace, build_trace


def same_array(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal shapes and values, NaN equal to NaN, and +0 told from −0."""
    return (
        a.shape == b.shape
        and np.array_equal(a, b, equal_nan=True)
        and np.array_equal(np.signbit(a), np.signbit(b))
    )


def session_diff(a: Session, b: Session) -> str:
    """'' when the sessions are the same bit for bit, else what differs."""
    for key in ("convention", "layers", "activations", "loss", "reduction", "learning_rate"):
        if getattr(a, key) != getattr(b, key):
            return f"{key}: {getattr(a, key)!r} != {getattr(b, key)!r}"
    pairs = [("X", a.X, b.X), ("Y", a.Y, b.Y)]
    pairs += [(f"W{k + 1}", x, y) for k, (x, y) in enumerate(zip(a.W, b.W, strict=True))]
    pairs += [(f"b{k + 1}", x, y) for k, (x, y) in enumerate(zip(a.b, b.b, strict=True))]
    for name, x, y in pairs:
        if x.shape != y.shape or x.tobytes() != y.tobytes():
            where = np.argwhere(~(np.equal(x, y) & (np.signbit(x) == np.signbit(y))))
            cell = tuple(int(v) for v in where[0]) if len(where) else ()
            got = x[cell] if cell else x
            want = y[cell] if cell else y
            return f"{name}{list(cell)} (core layout): {got!r}, expected {want!r}"
    return ""


def trace_diff(shown: Trace, fresh: Trace) -> str:
    if [s.id for s in shown.steps] != [s.id for s in fresh.steps]:
        return "the steps differ"
    for s, f in zip(shown.steps, fresh.steps, strict=True):
        if not same_array(s.result.value, f.result.value):
            return f"{s.id}: shown {s.result.value!r}, computed {f.result.value!r}"
    if not same_array(np.float64(shown.loss), np.float64(fresh.loss)):
        return f"loss: shown {shown.loss!r}, computed {fresh.loss!r}"
    return ""


def trained(previous: Session, k: int) -> Session:
    """Iteration k from iteration k − 1 by one update; a data session's iteration k holds its
    k-th mini-batch (what `nnviz train` and the window's history do)."""
    return session_for_iteration(build_trace(previous).next_session(), k)


def settings() -> tuple[int, int, list[str]]:
    """(seed, actions, excluded kinds) from NNVIZ_MONKEY_SEED, _ACTIONS and _EXCLUDE."""
    import time

    raw = os.environ.get("NNVIZ_MONKEY_SEED", "")
    seed = int(raw) if raw.strip().lstrip("-").isdigit() else int(time.time()) % 100_000
    actions = int(os.environ.get("NNVIZ_MONKEY_ACTIONS", "5000"))
    exclude = [
        k.strip() for k in os.environ.get("NNVIZ_MONKEY_EXCLUDE", "").split(",") if k.strip()
    ]
    return seed, actions, exclude
