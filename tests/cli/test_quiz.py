"""`nnviz quiz` through standard input: the marks, the slip's name, the score, the exit codes."""

import io

import numpy as np
import pytest

from nnviz.cli import main

# seed 001 exercise 1: X (3×2) · W (2×4)
X1 = np.array([[1, 2], [3, 4], [5, 6]], float)
W1 = np.array([[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]])


def run(monkeypatch, capsys, args, lines):
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{x}\n" for x in lines)))
    code = main(["quiz", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_all_right_exits_0(monkeypatch, capsys):
    Z = X1 @ W1
    args = ["--example", "practice-seed001-product", "--step", "forward.1.matmul"]
    code, out, _ = run(monkeypatch, capsys, args, [repr(float(v)) for v in Z.ravel()])
    assert code == 0
    assert out[-1] == "score: 12 of 12"
    assert out[0] == "P[0,0]  right 1.1"  # 1·0.1 + 2·0.5
    assert all(" right " in line for line in out[:-1])


def test_wrong_and_slip_named(monkeypatch, capsys):
    # seed 001's Z_small: the seed's misprinted 6.2 is wrong, 6.4 right; [0,1] given [1,0]'s 4.9
    args = ["--example", "practice-seed001-small", "--step", "forward.1.matmul"]
    code, out, _ = run(monkeypatch, capsys, args, ["2.2", "4.9", "4.9", "6.2"])
    assert code == 1
    assert out[0] == "P[0,0]  right 2.2"
    assert out[1].startswith("P[0,1]  wrong 4.9, true 2.8 (transposed")
    assert out[3].startswith("P[1,1]  wrong 6.2, true 6.4")
    assert out[-1] == "score: 2 of 4"


def test_exercises_walked_without_step(monkeypatch, capsys):
    # seed 000: δ⁽²⁾ right, ∂L/∂w⁽²⁾ with the sign flipped, δ⁽¹⁾ without f′, ∂L/∂w⁽¹⁾ right
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    a1 = sig(0.8 * 0.5 + 0.1)
    yhat = sig(-0.4 * a1 + 0.2)
    d2 = (yhat - 1.0) * yhat * (1 - yhat)
    d1 = -0.4 * d2 * a1 * (1 - a1)
    answers = [d2, -d2 * a1, -0.4 * d2, d1 * 0.5]
    code, out, _ = run(monkeypatch, capsys, ["--example", "practice-seed000-chain"], answers)
    assert code == 1
    assert out[0].startswith("backward.2.delta δ[0,0]  right")
    assert "(sign:" in out[1]
    assert "(missing f′:" in out[2]
    assert out[3].startswith("backward.1.grad_W dW[0,0]  right")
    assert out[-1] == "score: 2 of 4"


def test_a_line_that_is_not_a_number_is_wrong(monkeypatch, capsys):
    args = ["--example", "practice-seed001-dot", "--step", "forward.1.matmul"]
    code, out, err = run(monkeypatch, capsys, args, ["three"])
    assert code == 1
    assert out == ["P[0,0]  wrong ('three' is not a number), true 3", "score: 0 of 1"]
    assert "Traceback" not in err


@pytest.mark.parametrize(("lines", "fragment"), [(["3"] * 2, "too many"), ([], "too few")])
def test_wrong_count_is_refused(monkeypatch, capsys, lines, fragment):
    args = ["--example", "practice-seed001-dot", "--step", "forward.1.matmul"]
    code, out, err = run(monkeypatch, capsys, args, lines)
    assert code == 2
    assert fragment in err and "expected 1 lines" in err and out == []


def test_unknown_step_is_refused(monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, ["--example", "xor", "--step", "nope"], ["1"])
    assert code == 2 and "no step 'nope'" in err


def test_no_step_and_no_exercises_is_refused(monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, ["--example", "xor"], ["1"])
    assert code == 2 and "--step" in err


def test_iteration_2_names_the_pre_update_weights(monkeypatch, capsys):
    # seed 000: iteration 2's z⁽¹⁾ − b⁽¹⁾ = w⁽¹⁾x worked with iteration 1's w⁽¹⁾ = 0.8
    args = ["--example", "practice-seed000-chain", "--step", "forward.1.matmul"]
    code, out, _ = run(monkeypatch, capsys, [*args, "--iteration", "2"], [0.8 * 0.5])
    assert code == 1 and "(pre-update weights:" in out[0]
    code, out, _ = run(monkeypatch, capsys, args, [0.8 * 0.5])  # iteration 1: right
    assert code == 0 and out[0] == "P[0,0]  right 0.4"
