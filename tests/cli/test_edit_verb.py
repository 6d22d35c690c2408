"""`nnviz edit`: each key, each refusal (exit 2, one line, nothing written), and `--example`
on every verb that takes a session."""

import numpy as np
import pytest

import nnviz
from nnviz.cli import main
from nnviz.core.convention import to_convention
from nnviz.core.init import initialise
from nnviz.core.session_file import load_session
from nnviz.resources import example_path

SEED001 = "seed001-network"  # 2-3-2, sigmoid/identity, half_sse, mean, lr 0.5, row, no init


def run_edit(capsys, tmp_path, *keys: str, source: tuple[str, ...] = ("--example", SEED001)):
    out = tmp_path / "edited.nnviz.json"
    code = main(["edit", *source, "-o", str(out), *keys])
    return code, out, capsys.readouterr()


def test_layers_resize_keeps_the_overlap_and_names_the_changed_matrices(capsys, tmp_path):
    code, out, io = run_edit(capsys, tmp_path, "--layers", "2,4,2")
    assert code == 0
    assert io.out == f"wrote {out}; changed W⁽¹⁾, W⁽²⁾, b⁽¹⁾\n"
    s, t = nnviz.example(SEED001), load_session(out)
    assert t.layers == (2, 4, 2)
    # the file is in the row convention: W⁽¹⁾ is 2×4 there, seed 001's numbers first
    shown = to_convention(t.W[0], "row")
    assert shown[:, :3].tolist() == [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]
    W_init, _ = initialise((2, 4, 2), "xavier", 0)
    assert np.array_equal(t.W[0][3], W_init[0][3])
    assert np.array_equal(t.W[1][:, :3], s.W[1]) and np.array_equal(t.X, s.X)


def test_layers_and_activations_add_a_hidden_layer(capsys, tmp_path):
    keys = ("--layers", "2,3,3,2", "--activations", "tanh,relu,identity")
    code, out, _ = run_edit(capsys, tmp_path, *keys)
    assert code == 0
    t = load_session(out)
    assert t.layers == (2, 3, 3, 2) and t.activations == ("tanh", "relu", "identity")


@pytest.mark.parametrize(
    ("keys", "field", "value"),
    [
        (("--activations", "tanh,identity"), "activations", ("tanh", "identity")),
        (("--loss", "mse"), "loss", "mse"),
        (("--reduction", "sum"), "reduction", "sum"),
        (("--learning-rate", "0.125"), "learning_rate", 0.125),
        (("--learning-rate", "1e-3"), "learning_rate", 0.001),
        (("--train-biases", "no"), "train_biases", False),
        (("--convention", "column"), "convention", "column"),
    ],
)
def test_each_key_changes_only_itself(capsys, tmp_path, keys, field, value):
    code, out, io = run_edit(capsys, tmp_path, *keys)
    assert code == 0 and io.out.endswith("changed no matrix\n")
    s, t = nnviz.example(SEED001), load_session(out)
    assert getattr(t, field) == value
    assert t == nnviz.api.edit(s, **{field: value})
    assert all(np.array_equal(a, c) for a, c in zip((*s.W, s.X), (*t.W, t.X), strict=True))


def test_convention_switch_writes_the_transposes(capsys, tmp_path):
    code, out, _ = run_edit(capsys, tmp_path, "--convention", "column")
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert '"convention": "column"' in text
    # seed 001's X (4 samples × 2 features in the row file) is now 2 × 4
    assert load_session(out).X.tolist() == [[1, 3, 5, 7], [2, 4, 6, 8]]
    assert '"X": [\n    [1.0, 3.0, 5.0, 7.0],\n    [2.0, 4.0, 6.0, 8.0]\n  ]' in text


def test_init_redraws_every_parameter(capsys, tmp_path):
    code, out, io = run_edit(capsys, tmp_path, "--init", "he:4")
    assert code == 0
    assert io.out == f"wrote {out}; changed W⁽¹⁾, W⁽²⁾, b⁽¹⁾, b⁽²⁾\n"
    t = load_session(out)
    W, _ = initialise((2, 3, 2), "he", 4)
    assert all(np.array_equal(a, c) for a, c in zip(t.W, W, strict=True))
    assert t.init == {"scheme": "he", "seed": 4}
    assert '"init": {"scheme": "he", "seed": 4}' in out.read_text(encoding="utf-8")


def test_a_session_file_and_out_may_be_the_same(capsys, tmp_path, example_file):
    path = example_file("xor")
    assert main(["edit", str(path), "-o", str(path), "--learning-rate", "2"]) == 0
    assert load_session(path).learning_rate == 2.0


REFUSALS = [
    (("--layers", "2,x,2"), "--layers: expected unit counts separated by commas"),
    (("--layers", "2,0,2"), "layers[1]: a layer needs at least 1 unit, got 0"),
    (("--layers", "2"), "layers: expected a list of unit counts, input first, at least 2 long"),
    (("--layers", "2,3,3,2", "--activations", "tanh,identity"), "4 layers need 3 activations"),
    (("--activations", "softmax,identity"), "a hidden softmax needs its full Jacobian"),
    (("--activations", "sigmoid,softmax"), "loss: a softmax output needs loss 'cross_entropy'"),
    (("--activations", "sigmoid,swish"), "unknown activation 'swish'"),
    (("--loss", "cross_entropy"), "loss: 'cross_entropy' needs a softmax output layer"),
    (("--loss", "hinge"), 'loss: "hinge" is not one of'),
    (("--reduction", "max"), 'reduction: "max" is not one of mean, sum'),
    (("--learning-rate", "fast"), "--learning-rate: expected a number such as 0.1"),
    (("--learning-rate", "-1"), "learning_rate: expected a positive finite number, got -1.0"),
    (("--learning-rate", "inf"), "learning_rate: expected a positive finite number"),
    (("--train-biases", "maybe"), "--train-biases: expected yes or no"),
    (("--convention", "diagonal"), 'convention: "diagonal" is not one of column, row'),
    (("--init", "glorot:1"), "init.scheme: expected one of xavier, he, uniform"),
    (("--init", "he:x"), "init: expected SCHEME:SEED such as xavier:0"),
    (("--init", "he:-2"), "init.seed: expected a non-negative whole number"),
    (("--frobnicate",), "unrecognized arguments: --frobnicate"),
]


@pytest.mark.parametrize(("keys", "message"), REFUSALS)
def test_refusals_exit_2_with_one_line_and_write_nothing(capsys, tmp_path, keys, message):
    code, out, io = run_edit(capsys, tmp_path, *keys)
    assert code == 2
    assert io.err.count("\n") == 1 and io.err.startswith("nnviz: ")
    assert message in io.err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left either


@pytest.mark.parametrize(("keys", "message"), REFUSALS[:6])
def test_refusals_leave_an_existing_out_untouched(capsys, tmp_path, keys, message):
    out = tmp_path / "edited.nnviz.json"
    out.write_text("precious\n", encoding="utf-8")
    code, _, io = run_edit(capsys, tmp_path, *keys)
    assert code == 2 and message in io.err
    assert out.read_text(encoding="utf-8") == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["edited.nnviz.json"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ((), "give a session file or --example NAME"),
        (("--example", "nope"), "no built-in example 'nope'"),
        (("a.nnviz.json", "--example", "xor"), "give a session file or --example xor, not both"),
        (("missing.nnviz.json",), "missing.nnviz.json: cannot read the file"),
    ],
)
def test_a_missing_or_doubled_source_is_refused(capsys, tmp_path, source, message):
    code, out, io = run_edit(capsys, tmp_path, "--loss", "mse", source=source)
    assert code == 2 and message in io.err and io.err.count("\n") == 1
    assert not out.exists()


def test_a_cross_entropy_output_cannot_shrink_below_its_targets(capsys, tmp_path):
    s = nnviz.example("softmax-classifier")
    smaller = ",".join(str(n) for n in (*s.layers[:-1], s.layers[-1] - 1))
    code, out, io = run_edit(
        capsys, tmp_path, "--layers", smaller, source=("--example", "softmax-classifier")
    )
    assert code == 2 and "needs each sample's targets to be non-negative and sum to 1" in io.err
    assert not out.exists()


# --- --example on every verb that takes a session -------------------------------------------


def test_trace_accepts_an_example(capsys):
    assert main(["trace", "--example", "xor"]) == 0
    from_example = capsys.readouterr().out
    assert main(["trace", str(example_path("xor"))]) == 0
    assert capsys.readouterr().out == from_example


def test_explain_accepts_an_example(capsys):
    assert main(["explain", "--example", "seed001-matmul", "forward.1.matmul", "0", "0"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last == "P[0,0] = X[0,0]·W[0,0] + X[0,1]·W[1,0] = 1·0.1 + 2·0.4 = 0.9"


def test_check_accepts_an_example(capsys):
    assert main(["check", "--example", SEED001]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("all 4 parameters below")


def test_train_accepts_an_example(capsys, tmp_path):
    out = tmp_path / "trained.nnviz.json"
    assert main(["train", "--example", "xor", "-n", "3", "-o", str(out)]) == 0
    assert load_session(out) == nnviz.train(nnviz.example("xor"), 3).session


def test_the_command_runs_headless_without_qt_and_refuses_in_one_line(tmp_path):
    import subprocess
    import sys

    from tests.system.test_no_qt import headless_env, imported_modules

    out = tmp_path / "mse.nnviz.json"
    args = [sys.executable, "-X", "importtime", "-m", "nnviz", "edit", "--example", "xor"]
    done = subprocess.run(
        [*args, "-o", str(out), "--loss", "mse", "--reduction", "sum"],
        capture_output=True, text=True, env=headless_env(), timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == f"wrote {out}; changed no matrix\n"
    qt = {m for m in imported_modules(done.stderr) if m.split(".")[0] in ("PySide6", "pyqtgraph")}
    assert not qt
    t = load_session(out)
    assert (t.loss, t.reduction) == ("mse", "sum")
    refused = subprocess.run(  # SESSION and OUT the same file: a refusal leaves it whole
        [sys.executable, "-m", "nnviz", "edit", str(out), "-o", str(out), "--loss", "sigmoid"],
        capture_output=True, text=True, env=headless_env(), timeout=60, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert refused.stderr.startswith('nnviz: loss: "sigmoid" is not one of half_sse, ')
    assert refused.stderr.count("\n") == 1
    assert load_session(out) == t
