"""The small public API that README.md documents: load or build, trace, explain, train, save."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

import nnviz


def test_readme_walkthrough(tmp_path):
    s = nnviz.example("xor")
    t = nnviz.trace(s)
    assert [step.id for step in t.steps][:3] == [
        "forward.1.matmul",
        "forward.1.bias",
        "forward.1.activation",
    ]
    e = nnviz.explain(t, "forward.1.matmul", 0, 0)
    assert e.text().endswith("= " + nnviz.format_value(t.steps[0].result.value[0, 0]))
    r = nnviz.train(s, 1000)
    assert r.losses[-1] < r.losses[0] / 10
    out = tmp_path / "xor-trained.nnviz.json"
    nnviz.save(r.session, out)
    assert nnviz.load(out) == r.session


def test_build_from_numpy_arrays_in_the_row_convention():
    X = np.array([[1, 2], [3, 4], [5, 6], [7, 8]], float)
    W = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    s = nnviz.build(
        layers=[2, 3],
        activations=["identity"],
        convention="row",
        X=X,
        Y=np.zeros((4, 3)),
        W=[W],
        b=[np.zeros(3)],
    )
    P = nnviz.trace(s).step("forward.1.matmul").result.value
    assert_allclose(P, X @ W)


def test_refusals_are_nnviz_errors():
    with pytest.raises(nnviz.NnvizError, match="activations"):
        nnviz.build(
            layers=[2, 3],
            activations=["sine"],
            X=np.zeros((2, 1)),
            Y=np.zeros((3, 1)),
            init={"scheme": "he", "seed": 0},
        )
    with pytest.raises(nnviz.NnvizError, match="no built-in example 'nope'"):
        nnviz.example("nope")


def test_api_names_are_listed_and_unknown_ones_raise():
    assert {"load", "save", "build", "trace", "explain", "train", "gradcheck"} <= set(dir(nnviz))
    with pytest.raises(AttributeError):
        _ = nnviz.not_a_function


def test_numbers_that_overflow_raise_named_errors():
    s = nnviz.build(  # finite numbers whose product overflows: the loss is inf
        layers=[2, 1],
        activations=["identity"],
        X=[[1.0], [1.0]],
        Y=[[0.0]],
        W=[[[1e308, 1e308]]],
        b=[[0.0]],
    )
    with pytest.raises(nnviz.NumbersOverflow, match="the loss is inf"):
        nnviz.gradcheck(s)
    with pytest.raises(nnviz.TrainingDiverged) as err:
        nnviz.train(s, 10)
    assert err.value.iteration == 1 and err.value.loss == float("inf")
    assert isinstance(err.value, nnviz.NnvizError)


def test_readme_edit_lines():
    s = nnviz.example("xor")  # 2-4-1, tanh then sigmoid, bce
    wider = nnviz.edit(s, layers=[2, 5, 1], activations="relu,sigmoid")
    assert nnviz.changed_matrices(s, wider) == ("W⁽¹⁾", "W⁽²⁾", "b⁽¹⁾")
    assert wider.layers == (2, 5, 1) and wider.activations == ("relu", "sigmoid")
    assert np.array_equal(wider.W[0][:4], s.W[0]) and np.array_equal(wider.W[1][:, :4], s.W[1])
    assert s.layers == (2, 4, 1)  # the session given is unchanged
    with pytest.raises(nnviz.NnvizError, match="unknown key 'lr'"):
        nnviz.edit(s, lr=0.1)
    with pytest.raises(nnviz.NnvizError, match="'cross_entropy' needs a softmax output layer"):
        nnviz.edit(s, loss="cross_entropy")
    assert nnviz.edit(s, init=("he", 2)) == nnviz.edit(s, init="he:2")
    assert nnviz.edit(s, l2=0.01).l2 == 0.01  # as `nnviz edit --l2 0.01`
    with pytest.raises(nnviz.NnvizError, match=r"the keys are layers, .*, init, l2$"):
        nnviz.edit(s, lambda_=0.01)
