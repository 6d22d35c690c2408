"""Every cell explains itself: the terms recompute every result cell of every step."""

import math

import numpy as np
import pytest
from hypothesis import given

from nnviz.core.activations import ACTIVATIONS, softmax
from nnviz.core.errors import NnvizError
from nnviz.core.explain import CellRef, explain
from nnviz.core.formatting import format_value
from nnviz.core.session_file import build_session
from nnviz.core.trace import build_trace
from tests.core.support import EXAMPLES, PROPERTY, example, in_convention, sessions

TINY = 1e-300


def close(value, result, scale):
    """|value − result| ≤ 1e-12·max(|result|, Σ|terms|, tiny): float rounding of the sum."""
    return abs(value - result) <= 1e-12 * max(abs(result), scale, TINY)


def _term_value(step, term, at):
    """A term's value recomputed from the operand cells it names."""
    n = term.numbers
    kind = step.kind
    if step.product is not None:
        assert n == (at(term.refs[0]), at(term.refs[1]))
        return n[0] * n[1]
    if kind in ("bias", "grad_b"):
        assert n == (at(term.refs[0]),)
        return n[0]
    if kind == "activation":
        if step.activation == "softmax":
            column = np.array([at(r) for r in term.refs])
            assert n[1:] == tuple(column)
            unit = n[1:].index(n[0])  # the cell's own logit is among the sample's
            return float(softmax(column[:, None])[unit, 0])
        assert n == (at(term.refs[0]),)
        return float(ACTIVATIONS[step.activation].f(np.array([[n[0]]]))[0, 0])
    if kind == "output_grad" or (kind == "delta" and step.fused):
        assert n == (at(term.refs[0]), at(term.refs[1]))
        # ∂ℓ/∂a = c·(a − y): c = 1 for half_sse and a fused δ, 2 for sse, 2/n_L for mse
        n_out = step.result.value.shape[1 - step.batch_axis]
        c = {"sse": 2.0, "mse": 2.0 / n_out}.get(step.loss, 1.0) if kind == "output_grad" else 1
        return step.k * c * (n[0] - n[1])
    if kind == "delta":
        g, z = at(term.refs[0]), at(term.refs[1])
        act, zz = ACTIVATIONS[step.activation], np.array([[z]])
        fp = float(act.prime(zz, act.f(zz))[0, 0])
        assert n == (g, fp)
        return g * fp
    if kind in ("W", "b"):
        assert n == (at(term.refs[0]), step.learning_rate, at(term.refs[1]))
        return n[0] - n[1] * n[2]
    assert kind == "loss"
    cells = [at(r) for r in term.refs]
    first, second = np.array(cells[0::2]), np.array(cells[1::2])
    if step.loss == "half_sse":  # refs pair A and Y cells
        return 0.5 * float(((first - second) ** 2).sum())
    if step.loss == "sse":
        return float(((first - second) ** 2).sum())
    if step.loss == "mse":  # the mean over the sample's output units
        return float(((first - second) ** 2).mean())
    if step.loss == "bce":  # refs pair Z and Y cells; log(1 + e^z) by logaddexp
        z, y = first, second
        return float(((1 - y) * np.logaddexp(0, z) + y * np.logaddexp(0, -z)).sum())
    y, z = first, second  # cross-entropy: refs pair Y and Z cells
    top = int(z.argmax())
    rest = np.delete(z, top) - z[top]
    log_softmax = (z - z[top]) - math.log1p(float(np.exp(rest).sum()))
    return float(-(y[y != 0] * log_softmax[y != 0]).sum())


def check_cell(step, i, j):
    e = explain(step, i, j)
    operands = {op.name: op for op in step.operands}
    result = float(step.result.value[i, j])
    assert e.result == result
    assert e.target == CellRef(step.result.name, i, j)
    assert e.terms

    def at(ref):
        op = operands[ref.operand]  # every ref names an operand of this step ...
        rows, cols = op.value.shape
        assert 0 <= ref.row < rows and 0 <= ref.col < cols, ref  # ... and a cell it has
        return float(op.value[ref.row, ref.col])

    for term in e.terms:
        assert term.refs
        recomputed = _term_value(step, term, at)
        assert close(term.value, recomputed, abs(recomputed)), (step.id, term.symbolic)
    total = math.fsum(t.value for t in e.terms)
    scale = math.fsum(abs(t.value) for t in e.terms)
    if step.kind == "loss":
        total, scale = step.k * total, step.k * scale
    assert close(total, result, scale), (step.id, i, j, total, result)
    assert close(e.value, result, scale)
    assert set(e.refs()) == {r for t in e.terms for r in t.refs}
    text = e.text()
    assert text.startswith(f"{e.name} = ")
    assert text.endswith(f"= {format_value(result)}")
    return e


def check_every_cell(trace):
    for step in trace.steps:
        rows, cols = step.result.value.shape
        for i in range(rows):
            for j in range(cols):
                check_cell(step, i, j)


@pytest.mark.parametrize("convention", ["column", "row"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_cell_of_every_step_of_every_example(name, convention):
    check_every_cell(build_trace(in_convention(example(name), convention)))


@PROPERTY
@given(sessions())
def test_every_cell_of_random_sessions(s):
    check_every_cell(build_trace(s))


def test_softmax_cell_uses_its_own_sample_in_the_row_convention():
    t = build_trace(example("softmax-classifier"))  # row: samples are rows
    step = t.step("forward.2.activation")
    e = explain(step, 1, 0)  # sample 2, unit 1
    assert {r.row for r in e.refs()} == {1}
    assert [r.col for r in e.refs()] == [0, 1, 2]
    assert e.value == pytest.approx(step.result.value[1, 0], rel=1e-14)


def test_explain_texts_for_each_kind():
    t = build_trace(example("seed001-network"))  # row convention, 2-3-2, B = 4
    text = {sid: explain(t.step(sid), 0, 0).text() for sid in (s.id for s in t.steps)}
    assert text["forward.1.bias"] == "Z[0,0] = P[0,0] + b[0,0] = 0.9 + 0.1 = 1"
    assert text["forward.1.activation"] == "A[0,0] = σ(Z[0,0]) = σ(1) = 0.7311"
    assert text["forward.2.activation"] == "A[0,0] = Z[0,0] = 0.298"
    assert (
        text["backward.2.output_grad"]
        == "dA[0,0] = (1/B)·(A[0,0] − Y[0,0]) = 0.25·(0.298 − 0) = 0.07449"
    )
    assert text["backward.2.delta"] == "δ[0,0] = dA[0,0]·id′(Z[0,0]) = 0.07449·1 = 0.07449"
    assert text["backward.2.grad_b"] == (
        "db[0,0] = δ[0,0] + δ[1,0] + δ[2,0] + δ[3,0] = 0.07449 + (-0.162) + (-0.1551) + 0.09798 "
        "= -0.1446"
    )
    assert text["update.2.W"] == "W′[0,0] = W[0,0] − η·dW[0,0] = 0.5 − 0.5·(-0.1397) = 0.5699"
    assert text["loss"].startswith("L = (1/B)·(½·((A[0,0] − Y[0,0])² + (A[0,1] − Y[0,1])²) + ")
    assert text["loss"].endswith("= 0.2688")
    assert explain(t.step("loss"), 0, 0).note.startswith("one term per sample")


def test_refs_outline_the_row_and_column_that_made_a_cell():
    step = build_trace(example("seed001-matmul")).step("forward.1.matmul")
    assert explain(step, 2, 1).refs() == (
        CellRef("A0", 2, 0),
        CellRef("W1", 0, 1),
        CellRef("A0", 2, 1),
        CellRef("W1", 1, 1),
    )


def test_a_leading_negative_number_is_not_parenthesised():
    s = build_session(
        layers=[2, 1],
        activations=["identity"],
        X=[[-1.5], [2.0]],
        Y=[[0.0]],
        W=[[[0.5, -0.25]]],
        b=[[0.0]],
    )
    e = explain(build_trace(s).step("forward.1.matmul"), 0, 0)
    assert e.text() == "P[0,0] = W[0,0]·X[0,0] + W[0,1]·X[1,0] = 0.5·(-1.5) + (-0.25)·2 = -1.25"
    assert e.lines(precision=2) == [
        "P[0,0] = W[0,0]·X[0,0] + W[0,1]·X[1,0]",
        "= 0.5·(-1.5) + (-0.25)·2",
        "= -1.2",
    ]


@pytest.mark.parametrize("convention", ["column", "row"])
def test_vectors_are_addressed_by_convention(convention):
    """grad_b's cell j is `j 0` in the column convention and `0 j` in the row convention."""
    s = in_convention(example("seed001-network"), convention)
    step = build_trace(s).step("backward.1.grad_b")  # 3 units
    cell = (2, 0) if convention == "column" else (0, 2)
    e = check_cell(step, *cell)
    assert e.name == f"db[{cell[0]},{cell[1]}]"
    assert len(e.terms) == 4  # one per sample
    wrong = (0, 2) if convention == "column" else (2, 0)
    with pytest.raises(NnvizError, match=rf"no cell \[{wrong[0]},{wrong[1]}\]"):
        explain(step, *wrong)
    bias = build_trace(s).step("forward.1.bias")
    unit_1 = (1, 0) if convention == "column" else (0, 1)  # the second unit's bias cell
    sample_2_unit_1 = (1, 1)  # sample 2 of unit 2 sits at (1, 1) in both layouts
    assert explain(bias, *sample_2_unit_1).terms[1].refs == (CellRef("b1", *unit_1),)


@pytest.mark.parametrize(("row", "col"), [(4, 0), (0, 3), (-1, 0), (0, -1)])
def test_a_cell_outside_the_result_is_refused(row, col):
    step = build_trace(example("seed001-matmul")).step("forward.1.matmul")  # 4×3
    with pytest.raises(NnvizError) as err:
        explain(step, row, col)
    msg = str(err.value)
    assert "forward.1.matmul" in msg and f"[{row},{col}]" in msg and "4×3" in msg


def test_the_loss_is_one_cell():
    step = build_trace(example("xor")).step("loss")
    e = check_cell(step, 0, 0)
    assert e.name == "L" and len(e.terms) == 4  # one per sample
    with pytest.raises(NnvizError):
        explain(step, 0, 1)


def test_long_sums_are_abbreviated_with_first_and_last_terms():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (1, 784))  # one sample of 784 pixels, row convention
    W = rng.uniform(-0.1, 0.1, (784, 2))
    s = build_session(
        layers=[784, 2],
        activations=["identity"],
        X=X,
        Y=[[0.0, 0.0]],
        W=[W],
        b=[[0.0, 0.0]],
        convention="row",
    )
    step = build_trace(s).step("forward.1.matmul")
    e = check_cell(step, 0, 1)
    assert len(e.terms) == 784
    symbolic, numeric, value = e.lines()
    assert symbolic.startswith("P[0,1] = X[0,0]·W[0,1] + X[0,1]·W[1,1] + ")
    assert symbolic.endswith(" + X[0,783]·W[783,1]")
    assert "784 in all" in symbolic and "784 in all" in numeric
    assert symbolic.count("·") < 20 and len(e.text()) < 400
    assert numeric.endswith(e.terms[-1].text(first=False))
    assert value == f"= {format_value(step.result.value[0, 1])}"


def test_kink_notes_say_which_derivative_was_taken():
    s = build_session(
        layers=[1, 2, 1],
        activations=["relu", "identity"],
        X=[[1.0]],
        Y=[[0.0]],
        W=[[[1.0], [-1.0]], [[1.0, 1.0]]],
        b=[[-1.0, 1.0], [0.0]],
    )  # z⁽¹⁾ = [0, 0]: both hidden units sit on the kink
    step = build_trace(s).step("backward.1.delta")
    e = check_cell(step, 0, 0)
    assert e.terms[0].numbers[1] == 0.0  # relu′(0) = 0
    assert "kink" in e.note and "z = 0" in e.note
    leaky = build_trace(
        build_session(
            layers=[1, 1, 1],
            activations=["leaky_relu", "identity"],
            X=[[1.0]],
            Y=[[0.0]],
            W=[[[1.0]], [[1.0]]],
            b=[[-1.0], [0.0]],
        )
    ).step("backward.1.delta")
    assert check_cell(leaky, 0, 0).terms[0].numbers[1] == 0.01
