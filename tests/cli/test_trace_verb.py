import json

import jsonschema
import pytest
from numpy.testing import assert_allclose

from nnviz.cli import main
from nnviz.core.session import load_session
from nnviz.core.trace import build_trace
from nnviz.resources import example_path, resource
from tests.cli.conftest import ALL_EXAMPLES

SCHEMA = json.loads(resource("schemas", "trace.schema.json").read_text(encoding="utf-8"))


def run_trace(capsys, *args: str) -> dict:
    assert main(["trace", *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", ALL_EXAMPLES)
def test_every_example_trace_matches_the_schema(capsys, name):
    doc = run_trace(capsys, str(example_path(name)))
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    ids = [s["id"] for s in doc["steps"]]
    assert ids == [s.id for s in build_trace(load_session(example_path(name))).steps]


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
