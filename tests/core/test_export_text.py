"""The text exports without Qt: LaTeX with the trace's numbers, and the PyTorch script."""

import importlib.util
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from nnviz.core.activations import ACTIVATIONS
from nnviz.core.convention import to_convention
from nnviz.core.edits import edit
from nnviz.core.export_latex import latex_math, latex_number, step_latex, trace_latex
from nnviz.core.export_numpy import ACTIVATION_CODE as NUMPY_ACTIVATIONS
from nnviz.core.export_numpy import LOSS_CODE as NUMPY_LOSSES
from nnviz.core.export_torch import ACTIVATION_CODE as TORCH_ACTIVATIONS
from nnviz.core.export_torch import LOSS_CODE as TORCH_LOSSES
from nnviz.core.export_torch import torch_script
from nnviz.core.formatting import format_value
from nnviz.core.losses import LOSSES
from nnviz.core.trace import build_trace
from tests.core.support import EXAMPLES, example

BMATRIX = re.compile(r"\\begin\{bmatrix\}\n(.*?)\n\\end\{bmatrix\}", re.S)


def matrices(tex: str) -> list[list[list[str]]]:
    """Every bmatrix in the text, as rows of entries (text)."""
    return [[row.split(" & ") for row in body.split(" \\\\\n")] for body in BMATRIX.findall(tex)]


def test_every_activation_and_loss_has_numpy_and_torch_code():
    assert set(ACTIVATIONS) <= set(NUMPY_ACTIVATIONS) and set(ACTIVATIONS) <= set(TORCH_ACTIVATIONS)
    assert set(LOSSES) <= set(NUMPY_LOSSES) and set(LOSSES) <= set(TORCH_LOSSES)


def test_latex_of_seed_001_matmul_holds_its_numbers_with_the_corrected_product():
    t = build_trace(example("seed001-network"))
    tex = step_latex(t.step("forward.1.matmul"))
    assert r"P^{(1)} = X \cdot W^{(1)}" in tex
    X, W, P = matrices(tex)
    assert X == [["1", "2"], ["3", "4"], ["5", "6"], ["7", "8"]]  # seed 001, row layout
    assert W == [["0.1", "0.2", "0.3"], ["0.4", "0.5", "0.6"]]
    assert P[0] == ["0.9", "1.2", "1.5"] and P[3] == ["3.9", "5.4", "6.9"]


@pytest.mark.parametrize("name", ["seed001-network", "column-batch", "softmax-classifier"])
def test_latex_bmatrix_values_are_the_trace_numbers_through_the_formatter(name):
    t = build_trace(example(name))
    for precision in (4, 12):
        tex = trace_latex(t, [s.id for s in t.steps], 1, precision)
        blocks = iter(matrices(tex))
        for step in t.steps:
            *_, result = [next(blocks) for _ in range(len(step.operands) + 1)]
            want = step.result.value
            assert len(result) == want.shape[0] and len(result[0]) == want.shape[1]
            for i, row in enumerate(result):
                for j, text in enumerate(row):
                    v = float(want[i, j])
                    if "times10" in text:  # 1.5\times10^{-7}
                        m, e = re.fullmatch(r"(-?[\d.]+)\\times10\^\{(-?\d+)\}", text).groups()
                        assert format_value(v, precision) == f"{m}e{int(e):+03d}"
                    else:
                        assert text == format_value(v, precision)
                        assert float(text) == pytest.approx(v, rel=10 ** (1 - precision), abs=0)
        assert next(blocks, None) is None  # one bmatrix per operand and result, no more


def test_latex_math_lines_are_plain_ascii_latex_for_every_example():
    for name in EXAMPLES:
        t = build_trace(example(name))
        tex = trace_latex(t, [s.id for s in t.steps], 1)
        maths = [line for line in tex.splitlines() if not line.startswith("%")]
        assert all(line.isascii() for line in maths), name
        assert "\\text{" not in tex


def test_latex_symbols():
    assert (
        latex_math("∂L/∂W⁽²⁾ = δ⁽²⁾ · A⁽¹⁾ᵀ")
        == r"\partial L/\partial W^{(2)} = \delta ^{(2)} \cdot A^{(1)\top}"
    )
    assert latex_math("W⁽¹²⁾ ← W⁽¹²⁾ − η") == r"W^{(12)} \leftarrow W^{(12)} - \eta"
    assert latex_number(1.5e-07) == r"1.5\times10^{-7}"
    assert latex_number(-0.0) == "0"


def test_a_wide_matrix_raises_amsmaths_column_limit():
    s = example("digits")  # 64 inputs
    tex = step_latex(build_trace(s).step("forward.1.matmul"))
    assert r"\setcounter{MaxMatrixCols}{" in tex


def _compare_torch(out: dict, s) -> None:
    t = build_trace(s)
    assert out["loss"] == pytest.approx(t.loss, rel=1e-12)
    for i in range(s.depth):
        for key, want in (("dW", t.backward.dW[i]), ("W", t.W_next[i])):
            np.testing.assert_allclose(
                out[key][i], to_convention(want, s.convention), rtol=1e-9, atol=1e-15
            )
        np.testing.assert_allclose(out["db"][i], t.backward.db[i], rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(out["b"][i], t.b_next[i], rtol=1e-9, atol=1e-15)


TORCH_CASES = {
    "seed001-network": lambda: example("seed001-network"),
    "softmax-classifier": lambda: example("softmax-classifier"),
    "relu-sse-sum-column": lambda: edit(
        example("xor"), activations="relu,identity", loss="sse", reduction="sum", train_biases=False
    ),
    "leaky-mse-row": lambda: edit(
        example("column-batch"), activations="leaky_relu,tanh", loss="mse", convention="row"
    ),
    "bce": lambda: edit(example("xor"), activations="tanh,sigmoid", loss="bce"),
    "l2-row": lambda: edit(example("seed001-network"), l2=0.05),
    "l2-bce-sum": lambda: edit(
        example("xor"), activations="tanh,sigmoid", loss="bce", reduction="sum", l2=0.01
    ),
}


@pytest.mark.parametrize("case", TORCH_CASES)
def test_torch_script_builds_float64_tensors_with_the_sessions_numbers(case, tmp_path):
    s = TORCH_CASES[case]()
    text = torch_script(s, "--example x", 1)
    compile(text, "script.py", "exec")
    assert "torch.set_default_dtype(torch.float64)" in text and "dtype=torch.float64" in text
    assert "torch.optim.SGD(" in text and "loss.backward()" in text
    assert f"LEARNING_RATE = {float(s.learning_rate)!r}" in text
    for w in s.W:  # every weight, exactly, as the session's convention writes it
        for row in to_convention(w, s.convention):
            assert "[" + ", ".join(repr(float(v)) for v in row) + "]" in text
    for v in s.b:
        assert "[" + ", ".join(repr(float(x)) for x in v) + "]" in text
    assert ("W + b" in text) == s.train_biases
    # L2: (λ/2)ΣW² added to the loss before autograd (not SGD's weight_decay: the printed
    # loss has it too), so every W's gradient gains λW as nnviz's does
    assert f"L2 = {float(s.l2)!r}" in text and "weight_decay" not in text
    penalty = "loss = loss + 0.5 * L2 * sum((w * w).sum() for w in W)\nloss.backward()"
    assert (penalty in text) == (s.l2 > 0)


# Each script alone, in one process: torch takes seconds to import, once is enough.
RUN_EACH = """
import contextlib, io, runpy, sys
for path in sys.argv[1:]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(path, run_name="__main__")
    print(out.getvalue().strip())
"""


def test_torch_scripts_agree_with_the_trace_where_torch_is_installed(tmp_path):
    paths = []
    for case, make in TORCH_CASES.items():
        paths.append(tmp_path / f"{case.replace('-', '_')}.py")
        paths[-1].write_text(torch_script(make(), "--example x", 1), encoding="utf-8")
    if importlib.util.find_spec("torch") is None:  # torch is no dependency of nnviz or its tests
        return
    done = subprocess.run(
        [sys.executable, "-c", RUN_EACH, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(TORCH_CASES)
    for line, make in zip(lines, TORCH_CASES.values(), strict=True):
        _compare_torch(json.loads(line), make())


def test_latex_of_an_l2_session_shows_the_lambda_w_term_and_the_penalty_with_its_lambda():
    s = edit(example("seed001-network"), l2=0.05)  # row convention: dW = Aᵀ·δ + λ·W
    t = build_trace(s)
    step = t.step("backward.1.grad_W")
    tex = step_latex(step)
    assert r"+ \lambda \cdot W^{(1)}" in tex  # the equation
    assert "\n+ 0.05 \\cdot\n" in tex  # the numbers line: Xᵀ · δ + 0.05 · W = ∂L/∂W
    Xt, _delta, W, dW = matrices(tex)
    assert Xt == [["1", "3", "5", "7"], ["2", "4", "6", "8"]]  # seed 001's X, transposed
    assert W == [["0.1", "0.2", "0.3"], ["0.4", "0.5", "0.6"]]  # seed 001's W⁽¹⁾, decayed
    X, d = np.array(Xt, float).T, t.step("backward.1.delta").result.value
    want = X.T @ d + 0.05 * np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    assert dW == [[format_value(v) for v in row] for row in want]
    loss = step_latex(t.step("loss"))
    assert r"+ (\lambda /2)\sum W^2" in loss  # the equation names λ
    assert r"+ (0.05/2)\sum W^2 =" in loss  # the numbers line gives it
    assert len(matrices(loss)) == 3  # A, Y and L: the weights are in ΣW², not drawn
