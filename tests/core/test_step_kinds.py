"""Each step kind described once: labels, layout parts, cost units (what the views ask)."""

import pytest

from nnviz.core.activations import ACTIVATIONS
from nnviz.core.losses import LOSSES
from nnviz.core.step_kinds import STEP_KINDS, Show, phase_of, step_kind
from nnviz.core.trace import build_trace
from tests.core.support import example


def test_short_labels_of_seed001_network():
    t = build_trace(example("seed001-network"))  # row convention, half_sse, mean over 4
    labels = {step.id: step_kind(step).label(step) for step in t.steps}
    assert labels == {
        "forward.1.matmul": "multiply  X · W⁽¹⁾",
        "forward.1.bias": "add bias  + b⁽¹⁾",
        "forward.1.activation": "activate  σ(Z⁽¹⁾)",
        "forward.2.matmul": "multiply  A⁽¹⁾ · W⁽²⁾",
        "forward.2.bias": "add bias  + b⁽²⁾",
        "forward.2.activation": "activate  id(Z⁽²⁾)",
        "loss": "loss  squared error",  # the formula is the equation's; the tree has no room
        "backward.2.output_grad": "output error  ∂L/∂A⁽²⁾",
        "backward.2.delta": "δ  δ⁽²⁾",
        "backward.2.grad_W": "gradient  ∂L/∂W⁽²⁾",
        "backward.2.grad_b": "gradient  ∂L/∂b⁽²⁾",
        "backward.2.backprop": "propagate  δ⁽²⁾ · W⁽²⁾ᵀ",
        "backward.1.delta": "δ  δ⁽¹⁾",
        "backward.1.grad_W": "gradient  ∂L/∂W⁽¹⁾",
        "backward.1.grad_b": "gradient  ∂L/∂b⁽¹⁾",
        "update.2.W": "update  W⁽²⁾",
        "update.2.b": "update  b⁽²⁾",
        "update.1.W": "update  W⁽¹⁾",
        "update.1.b": "update  b⁽¹⁾",
    }
    # the label of a product is the right side of its equation
    for step in t.steps:
        if step.product is not None and step.kind != "grad_W":
            assert step.equation.endswith(step_kind(step).detail(step))
    fused = build_trace(example("xor")).step("backward.2.delta")
    assert step_kind(fused).label(fused) == "δ  δ⁽²⁾  (fused)"


def test_cost_units_and_phases():
    t = build_trace(example("seed001-network"))
    units = {step.kind: step_kind(step).cost_unit for step in t.steps}
    assert units["matmul"] == units["grad_W"] == units["backprop"] == "multiply-adds"
    assert units["grad_b"] == "additions"
    assert units["bias"] == units["loss"] == units["W"] == "operations"
    assert [phase_of(t.step(s)).title for s in ("forward.1.bias", "loss", "update.1.W")] == [
        "FORWARD",
        "LOSS",
        "UPDATE",
    ]
    assert phase_of(t.step("loss")).single and phase_of(t.step("backward.1.delta")).by_layer


@pytest.mark.parametrize("name", ["seed001-network", "xor", "softmax-classifier"])
def test_every_step_has_parts_that_fit_its_operands(name):
    t = build_trace(example(name))
    assert {step.kind for step in t.steps} <= set(STEP_KINDS)
    for step in t.steps:
        parts = step_kind(step).parts(step)
        assert len(parts.texts) == len(parts.operands) + 2  # before each, before =, after
        assert sorted(n for n, _ in parts.operands) == list(range(len(step.operands)))
    bias = step_kind(t.step("forward.1.bias")).parts(t.step("forward.1.bias"))
    assert [show for _, show in bias.operands] == [Show.PLAIN, Show.BROADCAST]


def test_every_loss_and_activation_describes_itself():
    for loss in LOSSES.values():
        assert loss.formula and loss.words and loss.parts[-1].endswith("=")
        assert (loss.grad_factor is None) == (loss.fused_activation is not None)
    for act in ACTIVATIONS.values():
        assert act.prime_formula and act.note
    assert ACTIVATIONS["tanh"].prime_note(0.5) == "tanh′(z) = 1 − tanh(z)², at z = 0.5"
