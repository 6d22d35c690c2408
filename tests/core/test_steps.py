"""The step program of DESIGN §1: ids and order, what each step carries, costs, reduction."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from numpy.testing import assert_allclose

from nnviz.core.losses import is_fused
from nnviz.core.steps import shape_text, step_id
from nnviz.core.trace import build_trace
from nnviz.resources import DEFAULT_EXAMPLE
from tests.core.support import EXAMPLES, PROPERTY, example, sessions

SEED001_NETWORK_IDS = [
    "forward.1.matmul",
    "forward.1.bias",
    "forward.1.activation",
    "forward.2.matmul",
    "forward.2.bias",
    "forward.2.activation",
    "loss",
    "backward.2.output_grad",
    "backward.2.delta",
    "backward.2.grad_W",
    "backward.2.grad_b",
    "backward.2.backprop",
    "backward.1.delta",
    "backward.1.grad_W",
    "backward.1.grad_b",
    "update.2.W",
    "update.2.b",
    "update.1.W",
    "update.1.b",
]


def expected_ids(depth, fused, train_biases):
    """DESIGN §1's order, written out independently of the core."""
    ids = [
        f"forward.{l}.{k}" for l in range(1, depth + 1) for k in ("matmul", "bias", "activation")
    ]
    ids.append("loss")
    for l in range(depth, 0, -1):
        if l == depth and not fused:
            ids.append(f"backward.{l}.output_grad")
        ids += [f"backward.{l}.delta", f"backward.{l}.grad_W", f"backward.{l}.grad_b"]
        if l >= 2:
            ids.append(f"backward.{l}.backprop")
    for l in range(depth, 0, -1):
        ids.append(f"update.{l}.W")
        if train_biases:
            ids.append(f"update.{l}.b")
    return ids


def ids(session):
    return [s.id for s in build_trace(session).steps]


def test_default_example_has_the_19_steps_of_design_1():
    assert DEFAULT_EXAMPLE == "seed001-network"
    assert ids(example("seed001-network")) == SEED001_NETWORK_IDS


def test_seed001_matmul_one_layer_without_bias_training():
    assert ids(example("seed001-matmul")) == [
        "forward.1.matmul",
        "forward.1.bias",
        "forward.1.activation",
        "loss",
        "backward.1.output_grad",
        "backward.1.delta",
        "backward.1.grad_W",
        "backward.1.grad_b",
        "update.1.W",
    ]


@pytest.mark.parametrize("name", ["xor", "softmax-classifier", "column-batch"])
def test_fused_output_has_no_output_grad(name):
    s = example(name)
    assert is_fused(s.loss, s.activations[-1])
    got = ids(s)
    assert got == expected_ids(2, fused=True, train_biases=True)
    assert "backward.2.output_grad" not in got
    delta = build_trace(s).step("backward.2.delta")
    assert delta.fused
    assert delta.operands[0].name == "A2" and delta.operands[1].name == "Y"
    assert delta.equation == "δ⁽²⁾ = (1/B)(A⁽²⁾ − Y)"


def test_update_b_is_left_out_when_biases_do_not_train():
    s = dataclasses.replace(example("seed001-network"), train_biases=False)
    t = build_trace(s)
    assert [x.id for x in t.steps] == [
        i for i in SEED001_NETWORK_IDS if not (i.startswith("update.") and i.endswith(".b"))
    ]
    nxt = t.next_session()
    assert all(np.array_equal(b, b0) for b, b0 in zip(nxt.b, s.b, strict=True))
    assert not all(np.array_equal(w, w0) for w, w0 in zip(nxt.W, s.W, strict=True))


@PROPERTY
@given(sessions(max_depth=4))
def test_ids_follow_design_1_for_any_network(s):
    t = build_trace(s)
    fused = is_fused(s.loss, s.activations[-1])
    assert [x.id for x in t.steps] == expected_ids(s.depth, fused, s.train_biases)
    for step in t.steps:
        assert step.id == step_id(step.phase, step.layer, step.kind)
        assert step.id.split(".")[0] == step.phase
        assert step.title and step.equation
        assert step.convention == s.convention
        assert step.result.value.flags.writeable is False
        assert all(op.value.flags.writeable is False for op in step.operands)
        assert t.steps[t.index(step.id)] is step


def test_step_id_builder_and_shape_text():
    assert step_id("forward", 1, "matmul") == "forward.1.matmul"
    assert step_id("loss") == "loss"
    assert step_id("update", 2, "W") == "update.2.W"
    assert shape_text((4, 3)) == "4×3"
    assert shape_text(()) == "scalar"


def test_unknown_step_is_a_key_error_naming_it():
    t = build_trace(example("seed001-network"))
    with pytest.raises(KeyError, match=r"forward\.3\.matmul"):
        t.step("forward.3.matmul")


def test_costs_of_seed001_network():
    """m·n·p for the three products, one per element otherwise, n·B for grad_b."""
    t = build_trace(example("seed001-network"))  # layers 2-3-2, B = 4
    B = 4
    expected = {
        "forward.1.matmul": 3 * 2 * B,
        "forward.1.bias": 3 * B,
        "forward.1.activation": 3 * B,
        "forward.2.matmul": 2 * 3 * B,
        "forward.2.bias": 2 * B,
        "forward.2.activation": 2 * B,
        "loss": 2 * B,
        "backward.2.output_grad": 2 * B,
        "backward.2.delta": 2 * B,
        "backward.2.grad_W": 2 * 3 * B,
        "backward.2.grad_b": 2 * B,
        "backward.2.backprop": 2 * 3 * B,
        "backward.1.delta": 3 * B,
        "backward.1.grad_W": 3 * 2 * B,
        "backward.1.grad_b": 3 * B,
        "update.2.W": 2 * 3,
        "update.2.b": 2,
        "update.1.W": 3 * 2,
        "update.1.b": 3,
    }
    assert {s.id: s.cost for s in t.steps} == expected


@PROPERTY
@given(sessions(max_depth=3, max_units=5, max_batch=5))
def test_costs_follow_the_shapes(s):
    B = s.batch
    for step in build_trace(s).steps:
        if step.kind in ("matmul", "grad_W", "backprop"):
            l = step.layer
            assert step.cost == s.layers[l] * s.layers[l - 1] * B, step.id
        elif step.kind == "loss":
            assert step.cost == s.layers[-1] * B
        else:  # element-wise, grad_b (n·B additions) and the updates
            assert step.cost == (
                step.operands[0].value.size if step.kind == "grad_b" else step.result.value.size
            ), step.id


def test_shapes_are_in_the_sessions_convention():
    t = build_trace(example("seed001-network"))  # row convention, 2-3-2, B = 4
    shapes = {s.id: s.shape for s in t.steps}
    assert shapes["forward.1.matmul"] == (4, 3)
    assert shapes["loss"] == ()
    assert shapes["backward.2.grad_W"] == (3, 2)  # W⁽²⁾ is n₁×n₂ in the row convention
    assert shapes["backward.1.grad_b"] == (1, 3)  # a vector is 1×n in the row convention
    assert shapes["backward.2.backprop"] == (4, 3)
    assert shapes["update.1.b"] == (1, 3)
    loss = t.step("loss")
    assert loss.scalar and loss.result.value.shape == (1, 1)
    assert loss.result.value[0, 0] == t.loss


@PROPERTY
@given(sessions())
def test_every_product_step_is_its_product(s):
    """`Step.product` says how the operands multiply; doing it gives the result."""
    for step in build_trace(s).steps:
        p = step.product
        if step.kind in ("matmul", "grad_W", "backprop"):
            assert p is not None
        else:
            assert p is None
            continue
        left = step.operands[p.left].value
        right = step.operands[p.right].value
        left = left.T if p.left_transposed else left
        right = right.T if p.right_transposed else right
        assert_allclose(left @ right, step.result.value, rtol=1e-12, atol=1e-300)


@PROPERTY
@given(sessions())
def test_one_name_one_matrix_across_the_trace(s):
    """An operand name (W1, delta2, dA1, ...) means the same numbers in every step."""
    seen = {}
    for step in build_trace(s).steps:
        for op in (*step.operands, step.result):
            if op.name in seen:
                assert np.array_equal(seen[op.name], op.value), (step.id, op.name)
            else:
                seen[op.name] = op.value
            assert op.name.isascii()


@PROPERTY
@given(sessions())
def test_mean_is_sum_divided_by_the_batch(s):
    """k = 1/B sits in δ itself, so every gradient divides by B exactly once."""
    mean = build_trace(dataclasses.replace(s, reduction="mean"))
    total = build_trace(dataclasses.replace(s, reduction="sum"))
    B = s.batch
    assert mean.loss == pytest.approx(total.loss / B, rel=1e-12, abs=1e-300)
    assert mean.step("loss").k == 1 / B and total.step("loss").k == 1.0
    # A − Y that cancels to ~0 leaves rounding, carried back through every layer: judge such
    # cells by the size of the numbers in play, not by their own
    scale = max(np.abs(op.value).max() for step in total.steps for op in step.operands)
    for step in mean.steps:
        if step.phase != "backward":
            continue
        other = total.step(step.id).result.value
        assert_allclose(step.result.value, other / B, rtol=1e-10, atol=1e-14 * scale)


def test_k_is_shown_in_the_output_error():
    s = example("seed001-network")
    for reduction, k, text in (("mean", 0.25, "(1/B)"), ("sum", 1.0, "")):
        t = build_trace(dataclasses.replace(s, reduction=reduction))
        step = t.step("backward.2.output_grad")
        assert step.k == k
        assert step.equation == f"∂L/∂A⁽²⁾ = {text}(A⁽²⁾ − Y)"
        A, Y = (op.value for op in step.operands)
        assert_allclose(step.result.value, k * (A - Y), rtol=1e-15)


def test_equations_follow_the_convention():
    row = {s.id: s.equation for s in build_trace(example("seed001-network")).steps}
    col = {
        s.id: s.equation
        for s in build_trace(
            dataclasses.replace(example("seed001-network"), convention="column")
        ).steps
    }
    assert row["forward.1.matmul"] == "P⁽¹⁾ = X · W⁽¹⁾"
    assert col["forward.1.matmul"] == "P⁽¹⁾ = W⁽¹⁾ · X"
    assert row["forward.2.matmul"] == "P⁽²⁾ = A⁽¹⁾ · W⁽²⁾"
    assert col["forward.2.matmul"] == "P⁽²⁾ = W⁽²⁾ · A⁽¹⁾"
    assert row["backward.2.grad_W"] == "∂L/∂W⁽²⁾ = A⁽¹⁾ᵀ · δ⁽²⁾"
    assert col["backward.2.grad_W"] == "∂L/∂W⁽²⁾ = δ⁽²⁾ · A⁽¹⁾ᵀ"
    assert row["backward.1.grad_W"] == "∂L/∂W⁽¹⁾ = Xᵀ · δ⁽¹⁾"
    assert row["backward.2.backprop"] == "∂L/∂A⁽¹⁾ = δ⁽²⁾ · W⁽²⁾ᵀ"
    assert col["backward.2.backprop"] == "∂L/∂A⁽¹⁾ = W⁽²⁾ᵀ · δ⁽²⁾"
    for eqs in (row, col):
        assert eqs["forward.1.bias"] == "Z⁽¹⁾ = P⁽¹⁾ + b⁽¹⁾"
        assert eqs["forward.1.activation"] == "A⁽¹⁾ = σ(Z⁽¹⁾)"
        assert eqs["backward.1.delta"] == "δ⁽¹⁾ = ∂L/∂A⁽¹⁾ ⊙ σ′(Z⁽¹⁾)"
        assert eqs["backward.2.grad_b"] == "∂L/∂b⁽²⁾ = Σₛ δ⁽²⁾"
        assert eqs["update.2.W"] == "W⁽²⁾ ← W⁽²⁾ − η · ∂L/∂W⁽²⁾"


@pytest.mark.parametrize("name", EXAMPLES)
def test_gradients_use_the_parameters_before_any_update(name):
    s = example(name)
    t = build_trace(s)
    for l in range(1, s.depth + 1):
        W_op = t.step(f"update.{l}.W").operands[0]
        assert np.array_equal(W_op.value, t.step(f"forward.{l}.matmul").operand(f"W{l}").value)
        if l >= 2:
            assert np.array_equal(
                t.step(f"backward.{l}.backprop").operand(f"W{l}").value, W_op.value
            )
        new = t.step(f"update.{l}.W").result.value
        dW = t.step(f"backward.{l}.grad_W").result.value
        assert_allclose(new, W_op.value - s.learning_rate * dW, rtol=1e-15, atol=0)


def test_one_by_one_layers_and_a_single_sample():
    t = build_trace(example("seed000-chain"))  # layers 1-1-1, B = 1
    assert all(step.shape in ((1, 1), ()) for step in t.steps)
    assert [s.cost for s in t.steps if s.phase == "forward"] == [1] * 6
    assert t.step("loss").k == 1.0  # mean over one sample


def test_operand_names_labels_and_symbols():
    t = build_trace(example("xor"))  # column, 2-4-1, bce on a sigmoid output
    ops = {op.name: op for step in t.steps for op in (*step.operands, step.result)}
    expected = {
        "A0": ("X", "X"),
        "W1": ("W⁽¹⁾", "W"),
        "P1": ("P⁽¹⁾", "P"),
        "b2": ("b⁽²⁾", "b"),
        "Z2": ("Z⁽²⁾", "Z"),
        "A2": ("A⁽²⁾", "A"),
        "Y": ("Y", "Y"),
        "L": ("L", "L"),
        "delta2": ("δ⁽²⁾", "δ"),
        "dA1": ("∂L/∂A⁽¹⁾", "dA"),
        "dW1": ("∂L/∂W⁽¹⁾", "dW"),
        "db1": ("∂L/∂b⁽¹⁾", "db"),
        "W2_new": ("W⁽²⁾ (new)", "W′"),
        "b1_new": ("b⁽¹⁾ (new)", "b′"),
    }
    assert {name: (ops[name].label, ops[name].symbol) for name in expected} == expected
    assert {name for name, op in ops.items() if op.vector} == {
        "b1",
        "b2",
        "db1",
        "db2",
        "b1_new",
        "b2_new",
    }


@pytest.mark.parametrize(
    ("name", "operands"),
    [
        ("seed001-network", ["A2", "Y"]),  # half_sse from A
        ("xor", ["Z2", "A2", "Y"]),  # bce from Z, so it is finite for every finite Z
        ("softmax-classifier", ["Z2", "A2", "Y"]),  # cross-entropy from Z
    ],
)
def test_the_loss_step_reads_z_where_the_loss_is_computed_from_z(name, operands):
    step = build_trace(example(name)).step("loss")
    assert [op.name for op in step.operands] == operands
    assert step.layer is None and step.phase == "loss" and step.scalar


def test_every_operand_carries_its_role_and_layer():
    t = build_trace(example("xor"))  # column, 2-4-1
    ops = {op.name: op for step in t.steps for op in (*step.operands, step.result)}
    expected = {
        "A0": ("input", 0),
        "W1": ("weights", 1),
        "P1": ("product", 1),
        "b2": ("bias", 2),
        "Z2": ("pre_activation", 2),
        "A1": ("activation", 1),
        "Y": ("target", 2),
        "L": ("loss", None),
        "delta2": ("delta", 2),
        "dA1": ("output_grad", 1),
        "dW1": ("grad_W", 1),
        "db1": ("grad_b", 1),
        "W2_new": ("updated_W", 2),
        "b1_new": ("updated_b", 1),
    }
    assert {name: (ops[name].role, ops[name].layer) for name in expected} == expected
    holds = {name: ops[name].role.holds for name in ("W2_new", "dW1", "A0", "dA1", "db1", "L")}
    assert holds == {
        "W2_new": "weights",
        "dW1": "weights",
        "A0": "units",
        "dA1": "units",
        "db1": "vector",
        "L": None,
    }


@PROPERTY
@given(sessions(max_depth=4))
def test_an_operands_layer_gives_its_shape(s):
    """The role and layer alone say the shape: nothing needs the name."""
    t = build_trace(s)
    for step in t.steps:
        for op in (*step.operands, step.result):
            holds, l = op.role.holds, op.layer
            if holds is None:
                assert op.value.shape == (1, 1)
                continue
            if holds == "weights":
                shape = (s.layers[l], s.layers[l - 1])
            elif holds == "units":
                shape = (s.layers[l], s.batch)
            else:
                shape = (s.layers[l], 1)
            assert op.value.shape == (shape[::-1] if s.convention == "row" else shape)


def test_a_trace_says_which_matrices_a_step_has_reached():
    t = build_trace(example("seed001-network"))  # 2 layers, half_sse: output_grad then δ⁽²⁾
    act = t.index("forward.2.activation")
    assert not t.reached(act - 1, "activation", 2) and t.reached(act, "activation", 2)
    assert t.reached(act, "activation", 1)
    delta = t.index("backward.2.delta")
    assert not t.reached(delta - 1, "delta", 2)  # at the output error δ⁽²⁾ is not yet known
    assert t.reached(delta, "delta", 2) and not t.reached(delta, "delta", 1)
    assert t.reached(len(t.steps) - 1, "delta", 1)
