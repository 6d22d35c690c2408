import copy
import dataclasses
import json

import jsonschema
import numpy as np
import pytest
from numpy.testing import assert_allclose

from nnviz.cli import main
from nnviz.core.session_file import load_session, save_session
from nnviz.core.trace import build_trace
from nnviz.resources import example_path, resource
from tests.cli.conftest import ALL_EXAMPLES
from tests.core.support import overflowing_file

SCHEMA = json.loads(resource("schemas", "trace.schema.json").read_text(encoding="utf-8"))


def run_trace(capsys, *args: str) -> dict:
    assert main(["trace", *args]) == 0
    return json.loads(capsys.readouterr().out)


VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
VECTOR_STEPS = ("grad_b", "b")  # backward.l.grad_b and update.l.b: flat lists (DESIGN §1)


def assert_shapes_are_what_is_written(doc: dict) -> None:
    """What the schema cannot say: every shape is exactly that of the written result."""
    for step in doc["steps"]:
        kind = step["id"].rsplit(".", 1)[-1]
        assert step["shape"] == list(np.shape(step["result"])), step["id"]
        expected_rank = 0 if step["id"] == "loss" else 1 if kind in VECTOR_STEPS else 2
        assert len(step["shape"]) == expected_rank, step["id"]
        for op in step["operands"]:
            flat = op["name"].lstrip("d").startswith("b")
            assert np.ndim(op["value"]) == (1 if flat else 2), (step["id"], op["name"])


@pytest.mark.parametrize("convention", ["column", "row"])
@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_every_example_trace_matches_the_schema(capsys, tmp_path, name, convention):
    s = dataclasses.replace(load_session(example_path(name)), convention=convention)
    path = tmp_path / "s.nnviz.json"
    save_session(s, path)
    for iteration in ("1", "3"):
        doc = run_trace(capsys, str(path), "--iteration", iteration)
        VALIDATOR.validate(doc)
        assert_shapes_are_what_is_written(doc)
        assert doc["convention"] == convention
    ids = [step["id"] for step in doc["steps"]]
    assert ids == [step.id for step in build_trace(s).steps]


def seed_001_network_trace(capsys) -> dict:
    return run_trace(capsys, str(example_path("seed001-network")))


def test_a_vector_step_has_the_shape_of_its_flat_list(capsys):
    steps = {s["id"]: s for s in seed_001_network_trace(capsys)["steps"]}
    for sid in ("backward.1.grad_b", "update.1.b"):
        assert steps[sid]["shape"] == [3] and len(steps[sid]["result"]) == 3
    assert steps["backward.2.grad_b"]["shape"] == [2]
    assert steps["backward.1.grad_W"]["shape"] == [2, 3]  # matrices keep [rows, cols]


def schema_errors(doc: dict) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(doc)]


@pytest.mark.parametrize(
    ("step_id", "shape", "result"),
    [
        ("backward.1.grad_b", [3, 1], "flat"),  # the old slip: a flat list with a 2-D shape
        ("backward.1.grad_b", [1, 3], "flat"),
        ("backward.1.grad_b", [3], "nested"),  # a vector step written as a matrix
        ("update.1.b", [3, 1], "flat"),
        ("backward.1.grad_W", [2, 3], "flat"),  # a matrix step written flat
        ("backward.1.grad_W", [6], "flat"),
        ("forward.1.matmul", [12], "nested"),
    ],
)
def test_the_schema_rejects_a_shape_that_does_not_match_the_result(capsys, step_id, shape, result):
    doc = seed_001_network_trace(capsys)
    assert schema_errors(doc) == []
    bad = copy.deepcopy(doc)
    step = next(s for s in bad["steps"] if s["id"] == step_id)
    step["shape"] = shape
    values = np.ravel(step["result"]).tolist()
    step["result"] = values if result == "flat" else [[v] for v in values]
    assert schema_errors(bad) != []


def test_the_schema_rejects_a_vector_operand_written_as_a_matrix_and_vice_versa(capsys):
    doc = seed_001_network_trace(capsys)
    bias = next(s for s in doc["steps"] if s["id"] == "forward.1.bias")
    assert [o["name"] for o in bias["operands"]] == ["P1", "b1"]
    P1, b1 = (o["value"] for o in bias["operands"])
    bias["operands"][1]["value"] = [b1]  # b1 as a 1×3 matrix
    assert schema_errors(doc) != []
    bias["operands"][1]["value"] = b1
    bias["operands"][0]["value"] = np.ravel(P1).tolist()  # P1 flattened
    assert schema_errors(doc) != []
    bias["operands"][0]["value"] = P1
    assert schema_errors(doc) == []


def test_the_schema_takes_inf_and_nan_as_strings_and_no_other_string(capsys):
    doc = seed_001_network_trace(capsys)
    ok = copy.deepcopy(doc)
    ok["loss"] = "inf"
    ok["steps"][0]["result"][0][0] = "-inf"
    ok["steps"][1]["operands"][1]["value"][0] = "nan"
    assert schema_errors(ok) == []
    for bad_value in ("Infinity", "NaN", "1e400", None):
        bad = copy.deepcopy(doc)
        bad["steps"][0]["result"][0][0] = bad_value
        assert schema_errors(bad) != [], bad_value


def test_seed_001_trace_holds_the_seed_product_row_convention(capsys):
    doc = run_trace(capsys, str(example_path("seed001-matmul")))
    assert doc["convention"] == "row"
    matmul = doc["steps"][0]
    assert matmul["id"] == "forward.1.matmul"
    assert [o["name"] for o in matmul["operands"]] == ["A0", "W1"]
    assert matmul["shape"] == [4, 3]
    assert matmul["cost"] == 4 * 2 * 3
    assert_allclose(
        matmul["result"], [[0.9, 1.2, 1.5], [1.9, 2.6, 3.3], [2.9, 4.0, 5.1], [3.9, 5.4, 6.9]]
    )
    loss = next(s for s in doc["steps"] if s["id"] == "loss")
    assert loss["shape"] == [] and loss["layer"] is None
    assert loss["result"] == doc["loss"]
    grad_b = next(s for s in doc["steps"] if s["id"] == "backward.1.grad_b")
    assert len(grad_b["result"]) == 3 and all(isinstance(v, float) for v in grad_b["result"])


def test_trace_to_file_and_at_a_later_iteration(tmp_path, capsys):
    out = tmp_path / "t.json"
    assert main(["trace", str(example_path("xor")), "-o", str(out)]) == 0
    first = json.loads(out.read_text(encoding="utf-8"))
    second = run_trace(capsys, str(example_path("xor")), "--iteration", "2")
    update = next(s for s in first["steps"] if s["id"] == "update.1.W")
    matmul = second["steps"][0]
    assert_allclose(matmul["operands"][0]["value"], update["result"], rtol=1e-15)
    assert second["loss"] < first["loss"]


def test_a_trace_that_overflows_is_written_as_valid_json_with_a_note(tmp_path, capsys):
    out = tmp_path / "t.json"
    assert main(["trace", str(overflowing_file(tmp_path)), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert err == (
        "nnviz: note: forward.1.matmul: P⁽¹⁾ holds inf (the numbers overflow); "
        'the trace writes such numbers as "inf", "-inf" or "nan"\n'
    )
    doc = json.loads(out.read_text(encoding="utf-8"))  # strict JSON: no Infinity, no NaN
    VALIDATOR.validate(doc)
    assert_shapes_are_what_is_written(doc)
    assert doc["loss"] == "inf" and doc["steps"][0]["result"] == [["inf"]]


def test_a_finite_trace_prints_no_note(capsys):
    run_trace(capsys, str(example_path("xor")))
    assert capsys.readouterr().err == ""
