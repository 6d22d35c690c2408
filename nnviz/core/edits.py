"""Edits of a whole session: its layers and units, activations, loss, hyper-parameters, the
convention, its samples and its initialisation. Each takes a Session and returns a new one,
or raises NnvizError naming what is wrong; the session given is never changed (it is frozen).

Every result goes through the file format's own validation (session_file.session_from_dict,
see `validated`), so an edit accepts exactly what a file may hold and refuses with the same
messages (a hidden softmax, a loss without its output activation, targets the loss cannot
take, the limits).

Shapes. A weight joins two units, a bias belongs to one: a value keeps its place when its
units survive the edit. Changing the units of a layer keeps the top-left overlap of each W
and b that touches it; adding or removing a hidden layer draws the W on both sides of it anew
(their inputs or outputs are other units now) and keeps every b whose layer survives. New
entries are the ones the session's `init` scheme draws for the new layers (xavier seed 0 when
it has none): entry (i, j) of a new W⁽ˡ⁾ equals `initialise(new layers, scheme, seed)`'s,
and new biases are 0. Resizing the input layer keeps the overlapping rows (features) of X and
fills new features with 0; resizing the output layer does the same to Y's targets (a
cross-entropy's targets must still sum to 1, or the edit is refused).
"""

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from nnviz.core.convention import layer_name
from nnviz.core.errors import NnvizError
from nnviz.core.file_checks import read_l2
from nnviz.core.init import initialise, scheme_of
from nnviz.core.session import Session, check_targets, frozen_array
from nnviz.core.session_file import (
    MAX_BATCH,
    MAX_X_NUMBERS,
    _check_layers,
    session_from_dict,
    session_to_dict,
)
from nnviz.core.types import Mat

__all__ = [
    "add_hidden_layer",
    "add_sample",
    "changed_matrices",
    "edit",
    "reinitialise",
    "remove_hidden_layer",
    "remove_sample",
    "set_activation",
    "set_activations",
    "set_convention",
    "set_l2",
    "set_layers",
    "set_learning_rate",
    "set_loss",
    "set_reduction",
    "set_train_biases",
    "set_units",
]

DEFAULT_HIDDEN_ACTIVATION = "sigmoid"


def validated(s: Session) -> Session:
    """`s` checked by the file format's rules, or NnvizError.

    The rules live in one place, session_file.session_from_dict, run here on the session's
    skeleton: every key and layer as it is, X and Y cut to their first sample, W and b left to
    its `init` (drawn by NumPy): a Python loop over the numbers of a 784×1000 X took 1.7 s.
    What the skeleton leaves out is checked on whole arrays: the batch limits, finite numbers,
    and the loss's rules for every target (the same check_targets the file uses).
    """
    skeleton = session_to_dict(replace(s, X=s.X[:, :1], Y=s.Y[:, :1]))
    del skeleton["W"], skeleton["b"]
    placeholder = dict(zip(("scheme", "seed"), scheme_of(None), strict=True))
    skeleton["init"] = dict(s.init) if s.init is not None else placeholder
    checked = session_from_dict(skeleton)
    if s.batch > MAX_BATCH:
        raise NnvizError(f"X: a batch of {s.batch} samples, more than the limit of {MAX_BATCH}")
    if s.X.size > MAX_X_NUMBERS:
        raise NnvizError(f"X: {s.X.size} numbers, more than the limit of {MAX_X_NUMBERS}")
    named = [("X", s.X), ("Y", s.Y)]
    named += [(layer_name("W", k + 1), w) for k, w in enumerate(s.W)]
    named += [(layer_name("b", k + 1), v) for k, v in enumerate(s.b)]
    for name, M in named:
        bad = ~np.isfinite(M)
        if bad.any():
            raise NnvizError(f"{name}: {M[bad][0]} is not a finite number")
    check_targets(s.Y, checked.loss, checked.convention)
    return replace(
        checked,
        X=frozen_array(s.X),
        Y=frozen_array(s.Y),
        W=tuple(frozen_array(w) for w in s.W),
        b=tuple(frozen_array(v) for v in s.b),
        init=None if s.init is None else checked.init,
        # The data as it was (read back, its `start` would count this iteration twice), and
        # so the batch and the iteration X, Y are.
        data=s.data,
        samples=s.samples,
        iteration=s.iteration,
    )


def _overlap(old: Mat, new: Mat) -> Mat:
    """`new` with the top-left block it shares with `old` copied from `old`."""
    out = np.array(new, dtype=np.float64)
    block = tuple(slice(0, min(a, b)) for a, b in zip(old.shape, new.shape, strict=True))
    out[block] = old[block]
    return out


def _reshape(
    s: Session,
    layers: tuple[int, ...],
    origin: Sequence[int | None],
    activations: tuple[str, ...],
) -> Session:
    """`s` with `layers`; origin[k] is the old index of new layer k, None for a new layer."""
    layers = _check_layers(list(layers))  # the limits, before anything is allocated
    scheme, seed = scheme_of(s.init)
    W_new, b_new = initialise(layers, scheme, seed)
    W, b = [], []
    for k in range(1, len(layers)):
        here, before = origin[k], origin[k - 1]
        w = W_new[k - 1]
        if here is not None and before is not None and here - before == 1:
            w = _overlap(s.W[here - 1], w)  # the same two layers, joined as before
        W.append(w)
        b.append(b_new[k - 1] if here is None else _overlap(s.b[here - 1], b_new[k - 1]))
    X, Y = s.X, s.Y
    if layers[0] != s.layers[0]:
        X = _overlap(s.X, np.zeros((layers[0], s.batch)))
    if layers[-1] != s.layers[-1]:
        Y = _overlap(s.Y, np.zeros((layers[-1], s.batch)))
    return validated(
        replace(
            s,
            layers=layers,
            activations=activations,
            X=frozen_array(X),
            Y=frozen_array(Y),
            W=tuple(frozen_array(w) for w in W),
            b=tuple(frozen_array(v) for v in b),
        )
    )


def _whole(n: Any, what: str) -> int:
    if not isinstance(n, int | np.integer) or isinstance(n, bool):
        raise NnvizError(f"{what}: expected a whole number, got {n!r}")
    return int(n)


# --- layers and units -----------------------------------------------------------------------


def set_units(s: Session, layer: int, units: int) -> Session:
    """Layer `layer` (0 the input, L the output) with `units` units."""
    layer, units = _whole(layer, "layer"), _whole(units, "units")
    if not 0 <= layer <= s.depth:
        raise NnvizError(f"layer {layer}: the network has layers 0..{s.depth} (0 is the input)")
    layers = list(s.layers)
    layers[layer] = units
    return _reshape(s, tuple(layers), range(len(layers)), s.activations)


def add_hidden_layer(
    s: Session, position: int, units: int, activation: str | None = None
) -> Session:
    """A new hidden layer of `units` units at index `position` (1..L: before the old layer
    there); its activation is `activation`, else the next hidden layer's, else sigmoid."""
    position, units = _whole(position, "position"), _whole(units, "units")
    if not 1 <= position <= s.depth:
        raise NnvizError(
            f"position {position}: a hidden layer goes between the input and the output, "
            f"at 1..{s.depth}"
        )
    if activation is None:
        hidden = s.activations[position - 1 : -1] or s.activations[position - 2 : position - 1]
        activation = hidden[0] if hidden else DEFAULT_HIDDEN_ACTIVATION
    layers = (*s.layers[:position], units, *s.layers[position:])
    origin = [*range(position), None, *range(position, len(s.layers))]
    acts = (*s.activations[: position - 1], activation, *s.activations[position - 1 :])
    return _reshape(s, layers, origin, acts)


def remove_hidden_layer(s: Session, layer: int) -> Session:
    """The network without hidden layer `layer` (1..L−1) and its activation."""
    layer = _whole(layer, "layer")
    if s.depth < 2:
        raise NnvizError("layers: the network has no hidden layer to remove")
    if not 1 <= layer < s.depth:
        raise NnvizError(f"layer {layer}: the hidden layers are 1..{s.depth - 1}")
    layers = s.layers[:layer] + s.layers[layer + 1 :]
    origin = [k for k in range(len(s.layers)) if k != layer]
    acts = s.activations[: layer - 1] + s.activations[layer:]
    return _reshape(s, layers, origin, acts)


def set_layers(
    s: Session, layers: Sequence[int], activations: Sequence[str] | None = None
) -> Session:
    """Any layer sizes. The input and output layers are the old ones, resized; hidden layer k
    is the old hidden layer k while there is one, then a new layer. Without `activations`,
    hidden layers keep theirs and new ones take the last hidden activation (else sigmoid)."""
    if not isinstance(layers, Sequence) or isinstance(layers, str):
        raise NnvizError(f"layers: expected a list of unit counts, got {layers!r}")
    layers = tuple(_whole(n, f"layers[{k}]") for k, n in enumerate(layers))
    _check_layers(list(layers))
    n_hidden, old_hidden = len(layers) - 2, s.depth - 1
    origin: list[int | None] = [0]
    origin += [k + 1 if k < old_hidden else None for k in range(n_hidden)]
    origin.append(s.depth)
    if activations is None:
        hidden = list(s.activations[:-1])
        fill = hidden[-1] if hidden else DEFAULT_HIDDEN_ACTIVATION
        hidden = (hidden + [fill] * n_hidden)[:n_hidden]
        acts = (*hidden, s.activations[-1])
    else:
        acts = _names(activations)
    return _reshape(s, layers, origin, acts)


# --- activations, loss and hyper-parameters ---------------------------------------------------


def set_activations(s: Session, activations: Sequence[str]) -> Session:
    """One activation per layer after the input."""
    return validated(replace(s, activations=_names(activations)))


def _names(activations: Sequence[str] | str) -> tuple[str, ...]:
    """`tanh,sigmoid` or a list of names, as a tuple (the file's rules check each name)."""
    if isinstance(activations, str):
        return tuple(a.strip() for a in activations.split(","))
    if not isinstance(activations, Sequence):
        raise NnvizError(f"activations: expected a list of activation names, got {activations!r}")
    return tuple(activations)


def set_activation(s: Session, layer: int, name: str) -> Session:
    """The activation of layer `layer` (1..L)."""
    layer = _whole(layer, "layer")
    if not 1 <= layer <= s.depth:
        raise NnvizError(f"layer {layer}: the layers with an activation are 1..{s.depth}")
    acts = list(s.activations)
    acts[layer - 1] = name
    return set_activations(s, acts)


def set_loss(s: Session, loss: str) -> Session:
    return validated(replace(s, loss=loss))


def set_reduction(s: Session, reduction: str) -> Session:
    return validated(replace(s, reduction=reduction))


def set_learning_rate(s: Session, learning_rate: float) -> Session:
    return validated(replace(s, learning_rate=learning_rate))


def set_l2(s: Session, l2: float) -> Session:
    """λ of the L2 penalty (λ/2)·ΣW²; 0 turns it off. Checked first by the file's own rule:
    a None would otherwise be saved as no key at all, and so read back as 0."""
    return validated(replace(s, l2=read_l2(l2)))


def set_train_biases(s: Session, train_biases: bool) -> Session:
    return validated(replace(s, train_biases=train_biases))


def set_convention(s: Session, convention: str) -> Session:
    """The layout only: every matrix is stored in column layout, so no number changes."""
    return validated(replace(s, convention=convention))


# --- samples --------------------------------------------------------------------------------


def add_sample(
    s: Session, x: Sequence[float] | None = None, y: Sequence[float] | None = None
) -> Session:
    """One more sample at the end, X and Y together; without x and y a copy of the last
    (a copy is valid targets for every loss)."""
    _refuse_data_samples(s)
    x_new = s.X[:, -1] if x is None else _sample(x, "X", s.layers[0], "inputs")
    y_new = s.Y[:, -1] if y is None else _sample(y, "Y", s.layers[-1], "targets")
    X = np.column_stack([s.X, x_new])
    Y = np.column_stack([s.Y, y_new])
    return validated(replace(s, X=frozen_array(X), Y=frozen_array(Y)))


def _refuse_data_samples(s: Session) -> None:
    """A data session's X and Y are an iteration's mini-batch of its data section, drawn
    again for every iteration and not saved: a sample added to them would vanish."""
    if s.data is not None:
        raise NnvizError(
            "X, Y: this session's samples come from its data section; change the data "
            "section (its generator or table) to add or remove samples"
        )


def _sample(values: Sequence[float], matrix: str, n: int, what: str) -> Mat:
    try:
        v = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise NnvizError(f"{matrix}: a sample is {n} numbers, got {values!r}") from None
    if v.shape != (n,):
        raise NnvizError(f"{matrix}: a sample has {n} {what}, got {v.size} numbers")
    return v


def remove_sample(s: Session, sample: int) -> Session:
    """The batch without sample `sample` (0-based), from X and Y together."""
    _refuse_data_samples(s)
    sample = _whole(sample, "sample")
    if s.batch == 1:
        raise NnvizError("X: the batch has one sample; a session needs at least one")
    if not 0 <= sample < s.batch:
        raise NnvizError(f"sample {sample}: the batch has samples 0..{s.batch - 1}")
    X = np.delete(s.X, sample, axis=1)
    Y = np.delete(s.Y, sample, axis=1)
    return validated(replace(s, X=frozen_array(X), Y=frozen_array(Y)))


# --- initialisation -------------------------------------------------------------------------


def reinitialise(s: Session, scheme: str, seed: int) -> Session:
    """Every W and b drawn anew by `scheme` and `seed`, which become the session's `init`
    (checked first, by the file's rules for an `init` section)."""
    checked = validated(replace(s, init={"scheme": scheme, "seed": seed}))
    W, b = initialise(checked.layers, scheme, seed)
    return checked.with_parameters(W, b)


def parse_init(text: str) -> tuple[str, int]:
    """`xavier:3` as (scheme, seed); `he` alone is seed 0."""
    scheme, _, seed = text.partition(":")
    try:
        n = int(seed) if seed else 0
    except ValueError:
        raise NnvizError(f"init: expected SCHEME:SEED such as xavier:0, got {text!r}") from None
    return scheme.strip(), n


def _unit_counts(text: str) -> list[int]:
    try:
        return [int(v) for v in text.split(",")]
    except ValueError:
        raise NnvizError(
            f"layers: expected unit counts separated by commas such as 2,4,1, got {text!r}"
        ) from None


# --- several at once ------------------------------------------------------------------------


def edit(
    s: Session,
    *,
    layers: Sequence[int] | None = None,
    activations: Sequence[str] | str | None = None,
    loss: str | None = None,
    reduction: str | None = None,
    learning_rate: float | None = None,
    train_biases: bool | None = None,
    convention: str | None = None,
    init: str | tuple[str, int] | dict[str, Any] | None = None,
    l2: float | None = None,
) -> Session:
    """Every key given, together, then validated once (so a new loss may come with the
    output activation it needs). Layers are resized first, then `init` redraws W and b."""
    if activations is not None:
        activations = _names(activations)
    if isinstance(layers, str):
        layers = _unit_counts(layers)
    out = s
    if layers is not None:
        out = set_layers(replace(out, loss=loss or out.loss), layers, activations)
    elif activations is not None:
        out = replace(out, activations=activations)
    scalars = {
        "loss": loss,
        "reduction": reduction,
        "learning_rate": learning_rate,
        "train_biases": train_biases,
        "convention": convention,
        "l2": l2,
    }
    out = replace(out, **{k: v for k, v in scalars.items() if v is not None})
    if init is not None:
        if isinstance(init, str):
            init = parse_init(init)
        elif isinstance(init, dict):
            init = (init.get("scheme", ""), init.get("seed", 0))
        if not isinstance(init, tuple | list) or len(init) != 2:
            raise NnvizError(f"init: expected SCHEME:SEED such as xavier:0, got {init!r}")
        return reinitialise(out, init[0], init[1])
    return validated(out)


# --- what an edit changed -------------------------------------------------------------------


def changed_matrices(before: Session, after: Session) -> tuple[str, ...]:
    """The matrices whose shape or numbers differ, named as a person reads them (W⁽²⁾, Y).
    A layer that exists in only one of the two counts as changed."""
    names = []
    for name, a, c in (("X", before.X, after.X), ("Y", before.Y, after.Y)):
        if a.shape != c.shape or not np.array_equal(a, c):
            names.append(name)
    for sym, old, new in (("W", before.W, after.W), ("b", before.b, after.b)):
        for k in range(max(len(old), len(new))):
            a = old[k] if k < len(old) else None
            c = new[k] if k < len(new) else None
            if a is None or c is None or a.shape != c.shape or not np.array_equal(a, c):
                names.append(layer_name(sym, k + 1))
    return tuple(names)
