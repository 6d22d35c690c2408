"""The trace as JSON (DESIGN §1): the trace's own numbers, vectors flat, the loss a number.

A number that overflowed is the string "inf", "-inf" or "nan" (JSON has none of them).
"""

import dataclasses
import json
import math

import numpy as np
from hypothesis import given

from nnviz.core.session_file import build_session
from nnviz.core.trace import build_trace
from nnviz.core.trace_json import first_non_finite, json_number, trace_to_dict
from tests.core.support import PROPERTY, overflowing_session, sessions


@PROPERTY
@given(sessions())
def test_json_holds_the_traces_numbers_exactly(s):
    t = build_trace(s)
    doc = json.loads(json.dumps(trace_to_dict(t), allow_nan=False))
    assert doc["nnviz_trace"] == 1
    assert (doc["convention"], doc["loss_function"], doc["reduction"]) == (
        s.convention,
        s.loss,
        s.reduction,
    )
    assert doc["loss"] == t.loss
    assert [d["id"] for d in doc["steps"]] == [step.id for step in t.steps]
    for d, step in zip(doc["steps"], t.steps, strict=True):
        # the shape is that of what is written: a vector is flat, so its shape is [n]
        assert d["shape"] == list(np.shape(d["result"]))
        if step.result.vector:
            assert d["shape"] == [step.result.value.size] and len(step.shape) == 2
        else:
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


def test_json_number_names_what_json_cannot_hold():
    assert [json_number(v) for v in (math.inf, -math.inf, math.nan, -0.0, 1e308)] == [
        "inf",
        "-inf",
        "nan",
        -0.0,
        1e308,
    ]


def test_a_trace_that_overflows_is_valid_json_with_strings_for_inf_and_nan():
    t = build_trace(overflowing_session())
    step, op = first_non_finite(t)
    assert (step.id, op.name) == ("forward.1.matmul", "P1")
    doc = json.loads(json.dumps(trace_to_dict(t), allow_nan=False))
    steps = {d["id"]: d for d in doc["steps"]}
    assert steps["forward.1.matmul"]["result"] == [["inf"]]
    assert steps["forward.1.matmul"]["operands"][0]["value"] == [[1e308, 1e308]]
    assert doc["loss"] == "inf" and steps["loss"]["result"] == "inf"
    # δ = inf, dW = inf·1, db = Σ δ; W − η·inf = −inf; so the update of b holds "-inf"
    assert steps["backward.1.grad_b"]["result"] == ["inf"]
    assert steps["update.1.b"]["result"] == ["-inf"] and steps["update.1.b"]["shape"] == [1]


def test_a_finite_trace_has_no_non_finite_step():
    s = build_session(
        layers=[1, 1], activations=["identity"], X=[[2.0]], Y=[[1.0]], W=[[[3.0]]], b=[[0.0]]
    )
    assert first_non_finite(build_trace(s)) is None


def test_samples_name_the_batch_of_a_data_session_and_are_absent_without_data():
    from nnviz.core.session import session_for_iteration
    from nnviz.core.session_file import session_from_dict

    doc = {
        "nnviz": 2,
        "convention": "column",
        "layers": [2, 3, 1],
        "activations": ["relu", "identity"],
        "loss": "half_sse",
        "reduction": "mean",
        "learning_rate": 0.1,
        "train_biases": True,
        "init": {"scheme": "he", "seed": 1},
        "data": {"generator": {"name": "plane", "samples": 12, "seed": 4}, "batch_size": 5},
    }
    s = session_from_dict(doc)
    batch = session_for_iteration(s, 3)  # 12 samples: batches of 5, 5, 2
    d = trace_to_dict(build_trace(batch))
    assert d["samples"] == batch.samples.tolist() and len(d["samples"]) == 2
    assert list(d)[:6] == [
        "nnviz_trace",
        "convention",
        "loss_function",
        "reduction",
        "loss",
        "samples",
    ]
    assert d["steps"][0]["operands"][1]["value"] == batch.X.tolist()
    assert trace_to_dict(build_trace(s))["samples"] == s.samples.tolist()  # loaded: batch 1
    assert len(s.samples) == 5
    whole = dataclasses.replace(s, X=s.data.X_train, Y=s.data.Y_train, samples=None)
    assert trace_to_dict(build_trace(whole))["samples"] == list(range(12))  # the training set
    plain = build_session(
        layers=[1, 1], activations=["identity"], X=[[1.0]], Y=[[2.0]], W=[[[0.5]]], b=[[0.0]]
    )
    assert "samples" not in trace_to_dict(build_trace(plain))
