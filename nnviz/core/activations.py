"""Activation functions and their derivatives, in column layout (units × batch).

Each activation keeps its value, its derivative and the formula a person reads together.
All are exact at the extremes (sigmoid(±1000) is 1 and 0). Callers run them inside
`np.errstate(all="ignore")` once per iteration, so a diverging run shows inf/nan, never a warning.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from nnviz.core.formatting import format_value
from nnviz.core.types import Mat

LEAKY_SLOPE = 0.01


def _identity(Z: Mat) -> Mat:
    return Z.copy()


def _identity_prime(Z: Mat, A: Mat) -> Mat:
    return np.ones_like(Z)


def sigmoid(Z: Mat) -> Mat:
    """σ(z) = 1 / (1 + e^(−z)), computed from e^(−|z|) so it never overflows."""
    e = np.exp(-np.abs(Z))
    r = 1.0 / (1.0 + e)
    return np.where(Z >= 0, r, e * r)


def _sigmoid_prime(Z: Mat, A: Mat) -> Mat:
    return A * (1.0 - A)


def _tanh_prime(Z: Mat, A: Mat) -> Mat:
    return 1.0 - A * A


def _relu(Z: Mat) -> Mat:
    return np.maximum(Z, 0.0)


def _relu_prime(Z: Mat, A: Mat) -> Mat:
    # relu′(0) = 0: the kink takes the left derivative (DESIGN §1).
    return (Z > 0).astype(np.float64)


def _leaky_relu(Z: Mat) -> Mat:
    return np.where(Z > 0, Z, LEAKY_SLOPE * Z)


def _leaky_relu_prime(Z: Mat, A: Mat) -> Mat:
    return np.where(Z > 0, 1.0, LEAKY_SLOPE)


def softmax(Z: Mat) -> Mat:
    """Softmax over the units of each sample (axis 0), shifted by the column maximum."""
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax_prime(Z: Mat, A: Mat) -> Mat:
    # Softmax needs its full Jacobian; nnviz only uses it fused with cross-entropy (DESIGN §1).
    raise NotImplementedError("softmax is only used fused with cross_entropy")


@dataclass(frozen=True, slots=True)
class Activation:
    """An activation with everything the trace, explain and the views say about it."""

    name: str
    f: Callable[[Mat], Mat]
    prime: Callable[[Mat, Mat], Mat]  # f′ given Z and A = f(Z) (A saves recomputing f)
    symbol: str  # the function's name in an equation: σ, tanh, ReLU
    formula: str  # f(z) written out for a person
    prime_formula: str  # f′(z) written out, beside `prime`
    elementwise: bool = True  # softmax is not: each output reads every unit of the sample
    written: bool = True  # f(z) is written as a call: σ(Z[0,1]); identity writes Z[0,1]
    words: str = ""  # what explain says of f(z), when not `symbol(z) = formula`
    title: str = ""  # its name in words, for headings: "sigmoid σ" (never the file's id)

    @property
    def note(self) -> str:
        """What explain says of f(z)."""
        return self.words or f"{self.symbol}(z) = {self.formula}"

    def prime_note(self, z: float) -> str:
        """What explain says of f′ at z."""
        return f"{self.symbol}′(z) = {self.prime_formula}, at z = {format_value(z)}"


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "identity",
            _identity,
            _identity_prime,
            "id",
            "z",
            "1",
            written=False,
            words="identity: f(z) = z",
            title="identity",
        ),
        Activation(
            "sigmoid",
            sigmoid,
            _sigmoid_prime,
            "σ",
            "1/(1+e^(−z))",
            "σ(z)·(1 − σ(z))",
            title="sigmoid σ",
        ),
        Activation("tanh", np.tanh, _tanh_prime, "tanh", "tanh(z)", "1 − tanh(z)²", title="tanh"),
        Activation(
            "relu",
            _relu,
            _relu_prime,
            "ReLU",
            "max(0, z)",
            "1 if z > 0 else 0 (0 at the kink)",
            title="ReLU",
        ),
        Activation(
            "leaky_relu",
            _leaky_relu,
            _leaky_relu_prime,
            "LeakyReLU",
            "max(0.01·z, z)",
            f"1 if z > 0 else {LEAKY_SLOPE} (also at the kink)",
            title="leaky ReLU",
        ),
        Activation(
            "softmax",
            softmax,
            _softmax_prime,
            "softmax",
            "e^(z_i)/Σ_k e^(z_k)",
            "its full Jacobian (only used fused with cross-entropy)",
            elementwise=False,
            words="softmax over the sample's units, computed shifted by their maximum",
            title="softmax",
        ),
    )
}
