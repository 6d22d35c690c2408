"""The CLI side of L2 (`nnviz edit --l2`, `trace`, `check`, `train`), the training accuracy
`nnviz train` prints and logs for a classifier, and a trained data session going on."""

import json

import jsonschema
import pytest

from nnviz.cli import main
from nnviz.core.session_file import load_session
from nnviz.core.train import train
from nnviz.resources import example_path, resource
from tests.core.support import data_doc

SCHEMA = json.loads(resource("schemas", "trace.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _with_l2(tmp_path, name="xor", l2="0.05"):
    out = tmp_path / f"{name}-l2.nnviz.json"
    assert main(["edit", str(example_path(name)), "--l2", l2, "-o", str(out)]) == 0
    return out


def test_edit_l2_writes_lambda_and_changes_no_matrix(tmp_path, capsys):
    out = _with_l2(tmp_path)
    assert capsys.readouterr().out == f"wrote {out}; changed no matrix\n"
    assert json.loads(out.read_text())["l2"] == 0.05
    assert load_session(out).l2 == 0.05
    back = tmp_path / "back.nnviz.json"
    assert main(["edit", str(out), "--l2", "0", "-o", str(back)]) == 0
    assert "l2" not in json.loads(back.read_text())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "nnviz: --l2: expected a number such as 0.001, got 'abc'\n"),
        (
            "-1",
            "nnviz: l2: expected a finite number of at least 0 (λ of the L2 penalty "
            "(λ/2)·ΣW²; 0 for none), got -1.0\n",
        ),
    ],
)
def test_edit_refuses_a_bad_l2_and_writes_nothing(tmp_path, capsys, value, message):
    out = tmp_path / "out.nnviz.json"
    assert main(["edit", str(example_path("xor")), f"--l2={value}", "-o", str(out)]) == 2
    assert capsys.readouterr().err == message
    assert not out.exists()


def test_trace_carries_l2_and_shows_the_lambda_w_term(tmp_path, capsys):
    out = _with_l2(tmp_path)
    capsys.readouterr()
    assert main(["trace", str(out)]) == 0
    doc = json.loads(capsys.readouterr().out)
    VALIDATOR.validate(doc)
    assert doc["l2"] == 0.05
    steps = {s["id"]: s for s in doc["steps"]}
    assert [o["name"] for o in steps["loss"]["operands"]] == ["Z2", "A2", "Y", "W1", "W2"]
    assert "+ L2 penalty (λ/2)ΣW²" in steps["loss"]["title"]
    grad = steps["backward.1.grad_W"]
    assert grad["equation"] == "∂L/∂W⁽¹⁾ = δ⁽¹⁾ · Xᵀ + λ·W⁽¹⁾"
    assert [o["name"] for o in grad["operands"]] == ["delta1", "A0", "W1"]
    plain = load_session(example_path("xor"))
    sumsq = sum(float((w**2).sum()) for w in plain.W)
    assert main(["trace", str(example_path("xor"))]) == 0
    assert doc["loss"] == pytest.approx(json.loads(capsys.readouterr().out)["loss"] + 0.025 * sumsq)


def test_explain_prints_both_terms_of_grad_w(tmp_path, capsys):
    out = _with_l2(tmp_path)
    capsys.readouterr()
    assert main(["explain", str(out), "backward.2.grad_W", "0", "0"]) == 0
    text = capsys.readouterr().out
    assert "∂L/∂W⁽²⁾ = δ⁽²⁾ · A⁽¹⁾ᵀ + λ·W⁽²⁾" in text
    assert " + λ·W[0,0] = " in text and " + 0.05·0.5139 = 0.1429\n" in text


def test_check_agrees_with_finite_differences_with_l2_on(tmp_path, capsys):
    out = _with_l2(tmp_path, "seed001-network", "0.5")
    capsys.readouterr()
    assert main(["check", str(out)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("all 4 parameters below 1e-06")


def test_train_with_l2_is_train_of_the_session(tmp_path, capsys):
    src = _with_l2(tmp_path)
    out = tmp_path / "out.nnviz.json"
    assert main(["train", str(src), "-n", "100", "-o", str(out)]) == 0
    expected = train(load_session(src), 100)
    assert load_session(out).W[1].tobytes() == expected.session.W[1].tobytes()
    assert json.loads(out.read_text())["l2"] == 0.05


def test_train_prints_and_logs_a_classifiers_training_accuracy(tmp_path, capsys):
    out, log = tmp_path / "out.nnviz.json", tmp_path / "log.csv"
    argv = ["train", str(example_path("xor")), "-n", "2000", "-o", str(out), "--log", str(log)]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == "train accuracy: 100%"  # XOR learnt: all four samples right
    rows = [r.split(",") for r in log.read_text().splitlines()]
    assert rows[0] == ["iteration", "loss", "train_accuracy"]
    # iteration 1: the initial network; one accuracy of the four samples: 0, 25, 50, 75, 100%
    assert {float(r[2]) for r in rows[1:]} <= {0.0, 0.25, 0.5, 0.75, 1.0}
    assert float(rows[-1][2]) == 1.0


def test_a_regression_prints_no_accuracy(example_file, tmp_path, capsys):
    out, log = tmp_path / "out.nnviz.json", tmp_path / "log.csv"
    src = example_file("seed001-network")
    assert main(["train", str(src), "-n", "3", "-o", str(out), "--log", str(log)]) == 0
    assert "accuracy" not in capsys.readouterr().out
    assert log.read_text().splitlines()[0] == "iteration,loss"


def test_a_data_sessions_accuracy_is_over_its_training_set(tmp_path, capsys):
    path = tmp_path / "blobs.nnviz.json"
    path.write_text(json.dumps(data_doc()), encoding="utf-8")
    out, log = tmp_path / "out.nnviz.json", tmp_path / "log.csv"
    assert main(["train", str(path), "-n", "3", "-o", str(out), "--log", str(log)]) == 0
    lines = capsys.readouterr().out.splitlines()
    s = load_session(out)
    acc = (s.data.Y_train[0] >= 0.5) == (train_outputs(s) >= 0.5)
    assert lines[2] == f"train accuracy: {100 * acc.mean():g}%"
    rows = [r.split(",") for r in log.read_text().splitlines()]
    assert rows[0] == ["iteration", "loss", "train_accuracy", "test_loss", "test_accuracy"]
    # a batch of 10: the accuracy is a whole number of tenths
    assert all(round(float(r[2]) * 10, 9).is_integer() for r in rows[1:])


def train_outputs(s):
    """The network's output over the training set, by hand (tanh, then sigmoid)."""
    import numpy as np

    A1 = np.tanh(s.W[0] @ s.data.X_train + s.b[0][:, None])
    return (1 / (1 + np.exp(-(s.W[1] @ A1 + s.b[1][:, None]))))[0]


def test_train_in_two_runs_goes_on_from_the_saved_mini_batch(tmp_path, capsys):
    path = tmp_path / "blobs.nnviz.json"
    path.write_text(json.dumps(data_doc()), encoding="utf-8")
    half, rest, once = (tmp_path / f"{n}.nnviz.json" for n in ("half", "rest", "once"))
    assert main(["train", str(path), "-n", "5", "-o", str(half)]) == 0
    assert json.loads(half.read_text())["data"]["iteration"] == 6
    assert main(["train", str(half), "-n", "7", "-o", str(rest)]) == 0
    assert main(["train", str(path), "-n", "12", "-o", str(once)]) == 0
    assert rest.read_text() == once.read_text()
    assert "(3 epochs)" in capsys.readouterr().out.splitlines()[-4]  # iteration 12 is epoch 3
