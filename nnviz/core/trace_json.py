"""The trace as JSON (DESIGN §1): `{"nnviz_trace": 1, ..., "steps": [...]}`.

Matrices are nested lists in the session's convention; vectors (b, ∂L/∂b, the updated b)
are flat lists; the loss is a number with shape []. Held to resources/schemas/trace.schema.json.
"""

import math
from typing import Any

from nnviz.core.errors import NnvizError
from nnviz.core.steps import Operand, Step
from nnviz.core.trace import Trace

TRACE_FORMAT_VERSION = 1


def _value(op: Operand, scalar: bool = False) -> Any:
    if scalar:
        return float(op.value[0, 0])
    if op.vector:
        return op.value.ravel().tolist()
    return op.value.tolist()


def step_to_dict(step: Step) -> dict[str, Any]:
    return {
        "id": step.id,
        "phase": step.phase,
        "layer": step.layer,
        "title": step.title,
        "equation": step.equation,
        "shape": list(step.shape),
        "cost": step.cost,
        "operands": [{"name": op.name, "value": _value(op)} for op in step.operands],
        "result": _value(step.result, step.scalar),
    }


def trace_to_dict(trace: Trace) -> dict[str, Any]:
    """The trace as a JSON-ready dict; NnvizError when a value is not finite (JSON has no NaN)."""
    s = trace.session
    for step in trace.steps:
        for op in (*step.operands, step.result):
            if not all(math.isfinite(v) for v in op.value.flat):
                raise NnvizError(
                    f"{step.id}: {op.label} holds a non-finite value (the numbers overflowed), "
                    "which JSON cannot carry"
                )
    return {
        "nnviz_trace": TRACE_FORMAT_VERSION,
        "convention": s.convention,
        "loss_function": s.loss,
        "reduction": s.reduction,
        "loss": trace.loss,
        "steps": [step_to_dict(step) for step in trace.steps],
    }
