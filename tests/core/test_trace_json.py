"""The trace as JSON (DESIGN §1): the trace's own numbers, vectors flat, the loss a number."""

import json

import pytest
from hypothesis import given

from nnviz.core.errors import NnvizError
from nnviz.core.session_file import build_session
from nnviz.core.trace import build_trace
from nnviz.core.trace_json import trace_to_dict
from tests.core.support import PROPERTY, sessions


@PROPERTY
@given(sessions())
def test_json_holds_the_traces_numbers_exactly(s):
    t = build_trace(s)
    doc = json.loads(json.dumps(trace_to_dict(t)))
    assert doc["nnviz_trace"] == 1
    assert (doc["convention"], doc["loss_function"], doc["reduction"]) == (
        s.convention,
        s.loss,
        s.reduction,
    )
    assert doc["loss"] == t.loss
    assert [d["id"] for d in doc["steps"]] == [step.id for step in t.steps]
    for d, step in zip(doc["steps"], t.steps, strict=True):
        assert d["shape"] == list(step.shape)
        assert (d["phase"], d["layer"], d["cost"]) == (step.phase, step.layer, step.cost)
        assert [o["name"] for o in d["operands"]] == [op.name for op in step.operands]
        for o, op in zip(d["operands"], step.operands, strict=True):
            expected = op.value.ravel().tolist() if op.vector else op.value.tolist()
            assert o["value"] == expected
        if step.scalar:
            assert d["result"] == t.loss and d["shape"] == []
        elif step.result.vector:
            assert d["result"] == step.result.value.ravel().tolist()
        else:
            assert d["result"] == step.result.value.tolist()


def test_a_non_finite_trace_is_refused_naming_the_step():
    s = build_session(
        layers=[2, 1],
        activations=["identity"],
        X=[[1.0], [1.0]],
        Y=[[0.0]],
        W=[[[1e308, 1e308]]],
        b=[[0.0]],
    )
    with pytest.raises(NnvizError, match=r"forward\.1\.matmul: P⁽¹⁾ holds a non-finite value"):
        trace_to_dict(build_trace(s))
