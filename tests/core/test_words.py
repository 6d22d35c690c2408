"""Words a student reads (issue 10): losses and activations named in words and symbols in the
step titles, never by the file's ids, and the softmax loss's lse indexed by its sample."""

import re

import numpy as np
import pytest

from nnviz.core.activations import ACTIVATIONS
from nnviz.core.explain import explain
from nnviz.core.losses import LOSSES
from nnviz.core.session_file import build_session, load_session
from nnviz.core.trace import build_trace
from nnviz.resources import example_names, example_path

# the file's ids that are not also words: every loss, the activations whose word differs
IDS = [*LOSSES, *(a for a in ACTIVATIONS if ACTIVATIONS[a].title.split()[0] != a)]
ID_RE = re.compile(r"\b(" + "|".join(IDS) + r")\b")


def _titles(name):
    return {s.id: s.title for s in build_trace(load_session(example_path(name))).steps}


def test_the_loss_titles_say_the_loss_in_words_and_symbols():
    assert _titles("seed001-network")["loss"] == (
        "the loss: squared error ½Σ(a−y)², mean over the batch"
    )
    t = _titles("softmax-classifier")
    assert t["loss"] == "the loss: cross-entropy −Σ y log a, mean over the batch"
    assert t["backward.2.delta"] == "δ: the output error, fused (softmax with cross-entropy)"
    assert t["forward.1.activation"] == "apply the activation: ReLU"
    assert _titles("seed001-network")["forward.1.activation"] == "apply the activation: sigmoid σ"


@pytest.mark.parametrize("name", example_names())
def test_no_step_title_names_a_file_id(name):
    assert {"half_sse", "cross_entropy", "relu", "leaky_relu", "bce"} <= set(IDS)
    for title in _titles(name).values():
        assert ID_RE.search(title) is None, title


def _softmax_session(convention):
    Z_like = [[0.2, -1.0, 0.5], [1.5, 0.3, -0.7]]  # 2 samples × 2 inputs → 3 classes
    X = np.array([[1.0, 2.0], [-0.5, 0.25]])
    Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    W = np.array(Z_like[0][:3] + Z_like[1][:3]).reshape(2, 3)  # (inputs × classes), row layout
    if convention == "column":
        X, Y, W = X.T, Y.T, W.T
    return build_session(
        layers=[2, 3],
        activations=["softmax"],
        loss="cross_entropy",
        X=X,
        Y=Y,
        W=[W],
        b=[np.zeros(3)],
        convention=convention,
    )


@pytest.mark.parametrize("convention", ["row", "column"])
def test_the_lse_of_the_softmax_loss_is_indexed_by_its_sample(convention):
    s = _softmax_session(convention)
    step = build_trace(s).step("loss")
    e = explain(step, 0, 0)
    assert len(e.terms) == 2
    Z = np.array([[1.0, 2.0], [-0.5, 0.25]]) @ np.array([[0.2, -1.0, 0.5], [1.5, 0.3, -0.7]])
    for sample, term in enumerate(e.terms):
        where = f"Z[{sample},:]" if convention == "row" else f"Z[:,{sample}]"
        assert term.symbolic.count(f"lse({where})") == 3
        assert "lse " not in term.symbolic and "(lse −" not in term.symbolic
        lse = float(np.log(np.exp(Z[sample]).sum()))  # independent of the core's logsumexp
        assert term.numbers[1] == pytest.approx(lse, rel=1e-12)
        assert term.numbers[4] == pytest.approx(lse, rel=1e-12)
    assert "lse(z) = log Σᵢ e^(zᵢ)" in e.note
