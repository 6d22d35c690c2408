"""The step program: one iteration as a fixed sequence of small, named steps (DESIGN §1).

Every step carries its operands and result already in the session's convention, so a
view shows them as they are; `product` says how a matrix product reads its operands. What
each kind of step and each phase means is described once, in step_kinds.py.
"""

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from nnviz.core.convention import batch_axis
from nnviz.core.types import Mat


def step_id(phase: str, layer: int | None = None, kind: str | None = None) -> str:
    """`forward.1.matmul`, `loss`, `update.2.W`: the one builder of step ids."""
    if phase == "loss":
        return "loss"
    return f"{phase}.{layer}.{kind}"


# What a matrix holds, so a view knows which cell is which unit or weight (convention.py):
WEIGHTS = "weights"  # a layer's weights: n_l × n_{l−1} in the column layout
UNITS = "units"  # units × samples: n × B
VECTOR = "vector"  # one value per unit: b, ∂L/∂b


class Role(StrEnum):
    """What an operand is in the network; with its layer it says which units it holds."""

    INPUT = "input"  # X = A⁽⁰⁾, layer 0
    WEIGHTS = "weights"
    BIAS = "bias"
    PRODUCT = "product"  # P = W·A_prev
    PRE_ACTIVATION = "pre_activation"  # Z
    ACTIVATION = "activation"  # A
    TARGET = "target"  # Y, at the output layer
    OUTPUT_GRAD = "output_grad"  # ∂L/∂A
    DELTA = "delta"  # ∂L/∂Z
    GRAD_W = "grad_W"
    GRAD_B = "grad_b"
    UPDATED_W = "updated_W"
    UPDATED_B = "updated_b"
    LOSS = "loss"  # the scalar, of no layer

    @property
    def holds(self) -> str | None:
        """WEIGHTS, UNITS or VECTOR; None for the loss."""
        return _HOLDS.get(self)


_HOLDS = {
    **dict.fromkeys((Role.WEIGHTS, Role.GRAD_W, Role.UPDATED_W), WEIGHTS),
    **dict.fromkeys((Role.BIAS, Role.GRAD_B, Role.UPDATED_B), VECTOR),
    **dict.fromkeys(
        (Role.INPUT, Role.PRODUCT, Role.PRE_ACTIVATION, Role.ACTIVATION, Role.TARGET),
        UNITS,
    ),
    **dict.fromkeys((Role.OUTPUT_GRAD, Role.DELTA), UNITS),
}


@dataclass(frozen=True, slots=True)
class Operand:
    """A named matrix in a step, in the session's convention.

    name: ASCII, unique in the trace (`W1`, `A0`, `delta2`, `dW2`); label: how a person reads
    it (`W⁽¹⁾`, `X`, `δ⁽²⁾`); symbol: its short name in a derivation (`W`, `X`, `δ`);
    role and layer: what it is and where (W⁽²⁾ is WEIGHTS of layer 2, X is INPUT of layer 0,
    Y is TARGET of the output layer, the loss LOSS of no layer). Nothing parses the name.
    """

    name: str
    label: str
    symbol: str
    value: Mat
    role: Role
    layer: int | None

    @property
    def vector(self) -> bool:
        """A bias-like vector: n×1 in the column convention, 1×n in the row convention."""
        return self.role.holds == VECTOR

    @property
    def shape(self) -> tuple[int, int]:
        return self.value.shape  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Product:
    """result[i, j] = Σ_k left′[i, k] · right′[k, j], where x′ is x or xᵀ as flagged.

    left and right index `Step.operands`.
    """

    left: int
    left_transposed: bool
    right: int
    right_transposed: bool


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    phase: str
    layer: int | None
    kind: str
    title: str  # in words: "multiply the inputs by the weights"
    equation: str  # symbolic, in the session's convention
    operands: tuple[Operand, ...]
    result: Operand  # the loss is a 1×1 result with `scalar` set
    cost: int  # multiply-adds for products, one per element otherwise
    convention: str
    product: Product | None = None
    fused: bool = False
    scalar: bool = False
    activation: str | None = None  # for activation and delta steps
    learning_rate: float | None = None  # for update steps
    k: float | None = None  # the reduction factor, for loss, output_grad and fused δ
    loss: str | None = None  # for the loss and output_grad steps
    reduction: str | None = None  # for the loss step
    # λ of the L2 penalty, for the loss and grad_W steps when it is on (their operands then
    # end with the weights: every W⁽ˡ⁾ for the loss, W⁽ˡ⁾ for grad_W); None when off.
    l2: float | None = None

    @property
    def shape(self) -> tuple[int, ...]:
        """The result's shape as the trace reports it: () for the scalar loss."""
        return () if self.scalar else self.result.value.shape

    @property
    def batch_axis(self) -> int:
        """The axis of samples in this step's matrices: 1 (column) or 0 (row)."""
        return batch_axis(self.convention)

    def operand(self, name: str) -> Operand:
        for op in (*self.operands, self.result):
            if op.name == name:
                return op
        raise KeyError(name)


def readonly(a: Mat) -> Mat:
    """A read-only view: steps share arrays with views (ImageItem keeps references)."""
    v = a.view()
    v.flags.writeable = False
    return v


def shape_text(shape: tuple[int, ...]) -> str:
    """`4×3`; `scalar` for ()."""
    return "×".join(str(n) for n in shape) if shape else "scalar"


def as_matrix(x: float) -> Mat:
    return readonly(np.array([[x]], dtype=np.float64))
