"""The trace as JSON (DESIGN §1): `{"nnviz_trace": 1, ..., "steps": [...]}`.

Matrices are nested lists in the session's convention; vectors (b, ∂L/∂b, the updated b)
are flat lists with a one-entry shape `[n]`; the loss is a number with shape `[]`. JSON has
no infinity or NaN, so a number that overflowed is written as the string "inf", "-inf" or
"nan". Held to resources/schemas/trace.schema.json.

A session with a data section adds `"samples"`: the 0-based training-set indices of the
batch this iteration used, in batch order (every index, in order, for full batch). A session
without one has no `"samples"`: its X is all there is, so the key would say nothing.

A session with L2 regularisation adds `"l2"`: its λ. `"loss"` then includes the penalty
(λ/2)·ΣW², and the loss and grad_W steps list the weights among their operands.
"""

import math
from typing import Any

import numpy as np

from nnviz.core.steps import Operand, Step
from nnviz.core.trace import Trace

TRACE_FORMAT_VERSION = 1
NON_FINITE = ("inf", "-inf", "nan")  # how JSON carries a number that overflowed


def json_number(x: float) -> float | str:
    """x itself, or "inf" / "-inf" / "nan" where JSON has no number for it."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _numbers(a: np.ndarray) -> Any:
    """A list (nested as `a` is) of JSON numbers; the fast path when every entry is finite."""
    if np.isfinite(a).all():
        return a.tolist()
    if a.ndim == 1:
        return [json_number(v) for v in a]
    return [_numbers(row) for row in a]


def _value(op: Operand, scalar: bool = False) -> Any:
    if scalar:
        return json_number(op.value[0, 0])
    return _numbers(op.value.ravel() if op.vector else op.value)


def _shape(step: Step) -> list[int]:
    """The shape of what is written: [] for the loss, [n] for a flat vector, [rows, cols]."""
    if step.scalar:
        return []
    if step.result.vector:
        return [step.result.value.size]
    return list(step.result.value.shape)


def step_to_dict(step: Step) -> dict[str, Any]:
    return {
        "id": step.id,
        "phase": step.phase,
        "layer": step.layer,
        "title": step.title,
        "equation": step.equation,
        "shape": _shape(step),
        "cost": step.cost,
        "operands": [{"name": op.name, "value": _value(op)} for op in step.operands],
        "result": _value(step.result, step.scalar),
    }


def first_non_finite(trace: Trace) -> tuple[Step, Operand] | None:
    """The first step (in trace order) holding a number that overflowed, and which operand."""
    for step in trace.steps:
        for op in (*step.operands, step.result):
            if not np.isfinite(op.value).all():
                return step, op
    return None


def trace_to_dict(trace: Trace) -> dict[str, Any]:
    """The trace as a dict that `json.dumps(..., allow_nan=False)` accepts."""
    s = trace.session
    out: dict[str, Any] = {
        "nnviz_trace": TRACE_FORMAT_VERSION,
        "convention": s.convention,
        "loss_function": s.loss,
        "reduction": s.reduction,
        "loss": json_number(trace.loss),
    }
    if s.l2:  # only when on: a trace without L2 is as it was
        out["l2"] = s.l2
    if s.data is not None:  # X is the whole training set unless a batch names its samples
        samples = s.samples if s.samples is not None else np.arange(s.data.n_train)
        out["samples"] = samples.tolist()
    out["steps"] = [step_to_dict(step) for step in trace.steps]
    return out
