"""Loss functions over column-layout outputs (units × batch), each described in one place.

The loss is summed over the output units of a sample, then reduced over the batch with
k = 1/B (`mean`) or k = 1 (`sum`). `bce` and `cross_entropy` are computed from Z
(softplus, log-sum-exp), so they are finite for every finite Z. A `Loss` holds all the trace,
backward, explain, validation and the views need: a new loss is a new entry in LOSSES.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from nnviz.core.errors import NnvizError
from nnviz.core.terms import Term, cell_text, term
from nnviz.core.types import Mat

REDUCTIONS = ("mean", "sum")


def reduction_factor(reduction: str, batch: int) -> float:
    """k in L = k · Σ_s ℓ_s."""
    return 1.0 / batch if reduction == "mean" else 1.0


def softplus(Z: Mat) -> Mat:
    """log(1 + e^z) without overflow."""
    return np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z)))


def logsumexp(Z: Mat) -> Mat:
    """log Σ_i e^(z_i) per sample (axis 0), shape (1, B)."""
    m = Z.max(axis=0, keepdims=True)
    return m + np.log(np.exp(Z - m).sum(axis=0, keepdims=True))


def neg_log_softmax(Z: Mat) -> Mat:
    """−log softmax(z)_i = logsumexp(z) − z_i per unit and sample, to full relative precision.

    Written (m − z_i) + log1p(Σ_{k ≠ top} e^(z_k − m)) with m the sample's top logit, so a
    confident right answer gives its small loss to every digit instead of the (m + ε) − m
    cancellation of logsumexp(z) − z.
    """
    m = Z.max(axis=0, keepdims=True)
    e = np.exp(Z - m)
    e[Z.argmax(axis=0), np.arange(Z.shape[1])] = 0.0  # the top logit's own e^0 = 1
    return (m - Z) + np.log1p(e.sum(axis=0, keepdims=True))


def per_sample_half_sse(Z: Mat, A: Mat, Y: Mat) -> Mat:
    """ℓ_s = ½ Σ_i (a_is − y_is)², shape (B,)."""
    return 0.5 * ((A - Y) ** 2).sum(axis=0)


def per_sample_sse(Z: Mat, A: Mat, Y: Mat) -> Mat:
    """ℓ_s = Σ_i (a_is − y_is)², shape (B,)."""
    return ((A - Y) ** 2).sum(axis=0)


def per_sample_mse(Z: Mat, A: Mat, Y: Mat) -> Mat:
    """ℓ_s = (1/n_L) Σ_i (a_is − y_is)², shape (B,): PyTorch's MSELoss with `mean` when the
    batch is reduced by its mean too."""
    return ((A - Y) ** 2).sum(axis=0) / A.shape[0]


def per_unit_bce(Z: Mat, Y: Mat) -> Mat:
    """−[y log σ(z) + (1 − y) log(1 − σ(z))] = (1 − y)·softplus(z) + y·softplus(−z).

    Both terms are ≥ 0, so no cancellation: softplus(z) − y·z, its equal, loses the digits
    of a small loss to rounding of order |z|·ε (which made the gradient check fail on
    trained networks).
    """
    return (1.0 - Y) * softplus(Z) + Y * softplus(-Z)


def per_sample_bce(Z: Mat, A: Mat, Y: Mat) -> Mat:
    return per_unit_bce(Z, Y).sum(axis=0)


def per_unit_cross_entropy(Z: Mat, Y: Mat) -> Mat:
    """y_i·(logsumexp(z) − z_i) per unit and sample.

    A unit the sample does not target (y = 0) adds exactly 0, even where its log-probability
    is −∞ in float64 (0·∞ would make the loss NaN).
    """
    return Y * np.where(Y != 0, neg_log_softmax(Z), 0.0)


def per_sample_cross_entropy(Z: Mat, A: Mat, Y: Mat) -> Mat:
    """ℓ_s = −Σ_i y_is log softmax(z)_is = Σ_i y_is (logsumexp(z_s) − z_is)."""
    return per_unit_cross_entropy(Z, Y).sum(axis=0)


Cells = Sequence[tuple[int, int]]  # one sample's output cells, in the session's convention
Sample = Callable[[Cells, Mat, Mat, Mat, tuple[str, str, str]], Term]  # (cells, z, a, y, names)


# --- per-sample explain terms: the sample's loss with its numbers ---------------------------
def _squares(cells: Cells, a: Mat, y: Mat, names: tuple[str, str, str]) -> tuple:
    _, A, Y = names
    refs = [(op, *c) for c in cells for op in (A, Y)]
    sym = " + ".join(f"({cell_text('A', *c)} − {cell_text('Y', *c)})²" for c in cells)
    tpl = " + ".join("({} − {})²" for _ in cells)
    numbers = tuple(float(v) for pair in zip(a, y, strict=True) for v in pair)
    return refs, sym, tpl, numbers


def _half_sse_term(cells: Cells, z: Mat, a: Mat, y: Mat, names: tuple[str, str, str]) -> Term:
    refs, sym, tpl, numbers = _squares(cells, a, y, names)
    return term(refs, 0.5 * float(((a - y) ** 2).sum()), f"½·({sym})", f"½·({tpl})", numbers)


def _sse_term(cells: Cells, z: Mat, a: Mat, y: Mat, names: tuple[str, str, str]) -> Term:
    refs, sym, tpl, numbers = _squares(cells, a, y, names)
    return term(refs, float(((a - y) ** 2).sum()), f"({sym})", f"({tpl})", numbers)


def _mse_term(cells: Cells, z: Mat, a: Mat, y: Mat, names: tuple[str, str, str]) -> Term:
    refs, sym, tpl, numbers = _squares(cells, a, y, names)
    n = len(cells)
    value = float(((a - y) ** 2).sum()) / n
    return term(refs, value, f"(1/{n})·({sym})", f"(1/{n})·({tpl})", numbers)


def _bce_term(cells: Cells, z: Mat, a: Mat, y: Mat, names: tuple[str, str, str]) -> Term:
    Z, _, Y = names
    sym = " + ".join(f"bce({cell_text('Z', *c)}, {cell_text('Y', *c)})" for c in cells)
    tpl = " + ".join("bce({}, {})" for _ in cells)
    numbers = tuple(float(v) for pair in zip(z, y, strict=True) for v in pair)
    refs = [(op, *c) for c in cells for op in (Z, Y)]
    return term(refs, float(per_unit_bce(z, y).sum()), f"({sym})", f"({tpl})", numbers)


def _sample_slice(sym: str, cells: Cells) -> str:
    """`Z[:,2]` (a column sample) or `Z[2,:]` (a row sample): the sample's units, indexed."""
    (r0, c0), *rest = cells
    if rest and all(c == c0 for _, c in rest):
        return f"{sym}[:,{c0}]"
    if rest:
        return f"{sym}[{r0},:]"
    return cell_text(sym, r0, c0)  # one unit: its cell


def _cross_entropy_term(cells: Cells, z: Mat, a: Mat, y: Mat, names: tuple[str, str, str]) -> Term:
    Z, _, Y = names
    value = float(per_unit_cross_entropy(z[:, None], y[:, None]).sum())
    lse = float(logsumexp(z[:, None])[0, 0])
    # lse differs per sample: it is written with the sample it is of, lse(Z[:,s])
    of = f"lse({_sample_slice('Z', cells)})"
    sym = " + ".join(f"{cell_text('Y', *c)}·({of} − {cell_text('Z', *c)})" for c in cells)
    tpl = " + ".join("{}·({} − {})" for _ in cells)
    numbers = tuple(float(v) for yz in zip(y, z, strict=True) for v in (yz[0], lse, yz[1]))
    refs = [(op, *c) for c in cells for op in (Y, Z)]
    return term(refs, value, f"({sym})", f"({tpl})", numbers)


# --- what the targets must be ---------------------------------------------------------------
def _any_targets(Y: Mat, convention: str) -> None:
    return None


def _targets_in_0_1(Y: Mat, convention: str) -> None:
    if ((Y < 0) | (Y > 1)).any():
        raise NnvizError("Y: loss 'bce' needs every target between 0 and 1")


def _targets_distributions(Y: Mat, convention: str) -> None:
    sums = Y.sum(axis=0)
    bad = np.flatnonzero((np.abs(sums - 1) > 1e-9) | (Y < 0).any(axis=0))
    if bad.size:
        s = int(bad[0])
        where = f"row {s}" if convention == "row" else f"column {s}"
        raise NnvizError(
            f"Y: loss 'cross_entropy' needs each sample's targets to be non-negative and sum "
            f"to 1; sample {s + 1} (Y {where}) sums to {sums[s]:g}"
        )


@dataclass(frozen=True, slots=True)
class Loss:
    """A loss: its value, its gradient, how it reads, and what its targets must be."""

    name: str
    per_sample: Callable[[Mat, Mat, Mat], Mat]  # (Z, A, Y) -> ℓ_s, shape (B,)
    fused_activation: str | None  # the output activation whose δ is k·(A − Y)
    formula: str  # the per-sample loss written out, in the loss step's equation
    words: str  # what explain says of its per-sample terms
    sample_term: Sample  # one sample's loss as an explain Term
    parts: tuple[str, ...]  # what the step view writes around its operands, before `=`
    check_targets: Callable[[Mat, str], None] = _any_targets  # (Y column layout, convention)
    from_z: bool = False  # computed from Z (so finite for every finite Z): Z is an operand
    # ∂ℓ/∂a = c·(a − y) with c = grad_factor(n_L); None where δ⁽ᴸ⁾ is always fused
    grad_factor: Callable[[int], float] | None = None
    grad_text: Callable[[int], str] = lambda n: ""  # c as written before (A − Y): "2"
    title: str = ""  # its name in words, for headings: "squared error" (never the file's id)
    short: str = ""  # its per-sample formula in brief, after the words: "½Σ(a−y)²"

    @property
    def heading(self) -> str:
        """`squared error ½Σ(a−y)²`: what a student reads in a title."""
        return f"{self.title} {self.short}"

    def output_grad(self, A: Mat, Y: Mat, k: float) -> Mat:
        """∂L/∂A = k·c·(A − Y), the reduction's k included."""
        if self.grad_factor is None:
            raise NnvizError(f"loss: {self.name!r} is only used fused with its output activation")
        return (k * self.grad_factor(A.shape[0])) * (A - Y)


def _two(n: int) -> float:
    return 2.0


def _one(n: int) -> float:
    return 1.0


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "half_sse",
            per_sample_half_sse,
            None,
            "½ Σᵢ (aᵢ − yᵢ)²",
            "one term per sample: ½ Σ over its output units of (a − y)²",
            _half_sse_term,
            ("½ Σ (", "−", ")² ="),
            grad_factor=_one,
            title="squared error",
            short="½Σ(a−y)²",
        ),
        Loss(
            "sse",
            per_sample_sse,
            None,
            "Σᵢ (aᵢ − yᵢ)²",
            "one term per sample: Σ over its output units of (a − y)²",
            _sse_term,
            ("Σ (", "−", ")² ="),
            grad_factor=_two,
            grad_text=lambda n: "2",
            title="squared error",
            short="Σ(a−y)²",
        ),
        Loss(
            "mse",
            per_sample_mse,
            None,
            "(1/n_L) Σᵢ (aᵢ − yᵢ)²",
            "one term per sample: the mean over its n_L output units of (a − y)²",
            _mse_term,
            ("mean (", "−", ")² ="),
            grad_factor=lambda n: 2.0 / n,
            grad_text=lambda n: f"(2/{n})",
            title="mean squared error",
            short="(1/n)Σ(a−y)²",
        ),
        Loss(
            "bce",
            per_sample_bce,
            "sigmoid",
            "−Σᵢ [yᵢ log aᵢ + (1 − yᵢ) log(1 − aᵢ)]",
            "one term per sample; bce(z, y) = −[y log σ(z) + (1−y) log(1−σ(z))] "
            "= (1−y)·softplus(z) + y·softplus(−z)",
            _bce_term,
            ("bce(", ",", ",", ") ="),
            _targets_in_0_1,
            from_z=True,
            title="binary cross-entropy",
            short="−[y log a + (1−y) log(1−a)]",
        ),
        Loss(
            "cross_entropy",
            per_sample_cross_entropy,
            "softmax",
            "−Σᵢ yᵢ log aᵢ",
            "one term per sample; lse(z) = log Σᵢ e^(zᵢ) over the sample's z, "
            "so −Σ y log softmax(z) = Σ y·(lse(z) − z)",
            _cross_entropy_term,
            ("CE(", ",", ",", ") ="),
            _targets_distributions,
            from_z=True,
            title="cross-entropy",
            short="−Σ y log a",
        ),
    )
}


REDUCTION_WORDS = {"mean": "mean over the batch", "sum": "summed over the batch"}


def loss_heading(loss: str, reduction: str) -> str:
    """`squared error ½Σ(a−y)², mean over the batch`: the loss step's title, in words."""
    return f"{LOSSES[loss].heading}, {REDUCTION_WORDS[reduction]}"


def loss_value(loss: str, reduction: str, Z: Mat, A: Mat, Y: Mat) -> float:
    """L = k · Σ_s ℓ_s."""
    k = reduction_factor(reduction, Y.shape[1])
    return float(k * LOSSES[loss].per_sample(Z, A, Y).sum())


def is_fused(loss: str, output_activation: str) -> bool:
    """δ⁽ᴸ⁾ = k·(A − Y) directly for sigmoid+bce and softmax+cross_entropy."""
    return LOSSES[loss].fused_activation == output_activation
