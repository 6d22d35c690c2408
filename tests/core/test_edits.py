"""Edits of a whole session (nnviz/core/edits.py): shapes, hyper-parameters, the convention,
samples and the initialisation; every refusal leaves the session given as it was."""

import copy

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnviz.core import edits
from nnviz.core.convention import to_convention
from nnviz.core.errors import NnvizError
from nnviz.core.gradcheck import gradcheck
from nnviz.core.init import initialise
from nnviz.core.session import Session
from nnviz.core.session_file import session_to_dict
from nnviz.core.trace import build_trace
from nnviz.core.trace_json import first_non_finite
from tests.core.support import EXAMPLES, PROPERTY, SMOOTH, SMOOTH_PAIRS, example, sessions


def same_bits(a: np.ndarray, c: np.ndarray) -> bool:
    return a.shape == c.shape and a.tobytes() == c.tobytes()


def snapshot(s: Session) -> dict:
    return copy.deepcopy(session_to_dict(s))


# --- resizing -------------------------------------------------------------------------------


def test_seed001_network_2_3_2_to_2_4_2_keeps_every_value_and_draws_the_new_ones():
    s = example("seed001-network")  # no init section: new entries are xavier seed 0's
    t = edits.set_units(s, 1, 4)
    assert t.layers == (2, 4, 2)
    W_init, _ = initialise((2, 4, 2), "xavier", 0)
    # W⁽¹⁾ is 3×2 in column layout; its file form (row convention) is [[0.1,0.2,0.3],[0.4,0.5,0.6]]
    assert same_bits(t.W[0][:3], s.W[0])
    assert t.W[0][:3].tolist() == [[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]
    assert same_bits(t.W[0][3], W_init[0][3])
    assert t.W[0][3].tolist() == pytest.approx([0.21327155, 0.45899312])
    assert same_bits(t.W[1][:, :3], s.W[1])
    assert same_bits(t.W[1][:, 3], W_init[1][:, 3])
    assert same_bits(t.b[0][:3], s.b[0]) and t.b[0][3] == 0.0
    assert t.b[0].tolist() == [0.1, -0.1, 0.05, 0.0]
    assert same_bits(t.b[1], s.b[1])
    assert same_bits(t.X, s.X) and same_bits(t.Y, s.Y)
    assert edits.changed_matrices(s, t) == ("W⁽¹⁾", "W⁽²⁾", "b⁽¹⁾")


def test_new_entries_follow_the_sessions_own_init_scheme():
    s = edits.reinitialise(example("seed001-network"), "he", 7)
    t = edits.set_units(s, 1, 5)
    W_init, _ = initialise((2, 5, 2), "he", 7)
    assert same_bits(t.W[0][3:], W_init[0][3:])
    assert same_bits(t.W[1][:, 3:], W_init[1][:, 3:])
    assert same_bits(t.W[0][:3], s.W[0])
    assert t.init == {"scheme": "he", "seed": 7}


def test_shrinking_a_layer_keeps_the_top_left_block():
    s = example("seed001-network")
    t = edits.set_units(s, 1, 2)
    assert same_bits(t.W[0], s.W[0][:2])
    assert same_bits(t.W[1], s.W[1][:, :2])
    assert t.b[0].tolist() == [0.1, -0.1]


def test_resizing_the_input_layer_pads_x_with_zero_features():
    s = example("seed001-network")  # X (column layout) is 2×4: [[1,3,5,7],[2,4,6,8]]
    t = edits.set_units(s, 0, 3)
    assert t.X.tolist() == [[1, 3, 5, 7], [2, 4, 6, 8], [0, 0, 0, 0]]
    assert same_bits(t.W[0][:, :2], s.W[0])
    assert edits.changed_matrices(s, t) == ("X", "W⁽¹⁾")
    u = edits.set_units(s, 0, 1)
    assert u.X.tolist() == [[1, 3, 5, 7]]


def test_resizing_the_output_layer_pads_y_with_zero_targets():
    s = example("seed001-network")  # Y (column layout) [[0,1,1,0],[1,0,1,0]]
    t = edits.set_units(s, 2, 3)
    assert t.Y.tolist() == [[0, 1, 1, 0], [1, 0, 1, 0], [0, 0, 0, 0]]
    assert edits.changed_matrices(s, t) == ("Y", "W⁽²⁾", "b⁽²⁾")
    assert t.b[1].tolist() == [0.0, 0.1, 0.0]


def test_adding_a_hidden_layer_draws_both_sides_and_keeps_surviving_biases():
    s = example("seed001-network")
    t = edits.add_hidden_layer(s, 2, 4, "tanh")
    assert t.layers == (2, 3, 4, 2)
    assert t.activations == ("sigmoid", "tanh", "identity")
    W_init, _ = initialise((2, 3, 4, 2), "xavier", 0)
    assert same_bits(t.W[0], s.W[0]) and same_bits(t.b[0], s.b[0])
    assert same_bits(t.W[1], W_init[1]) and t.b[1].tolist() == [0.0] * 4
    assert same_bits(t.W[2], W_init[2]) and same_bits(t.b[2], s.b[1])
    assert edits.changed_matrices(s, t) == ("W⁽²⁾", "W⁽³⁾", "b⁽²⁾", "b⁽³⁾")
    # without an activation, the new layer takes its neighbour's
    assert edits.add_hidden_layer(s, 1, 2).activations == ("sigmoid", "sigmoid", "identity")


def test_removing_a_hidden_layer():
    s = edits.add_hidden_layer(example("seed001-network"), 2, 4, "tanh")
    t = edits.remove_hidden_layer(s, 1)
    assert t.layers == (2, 4, 2) and t.activations == ("tanh", "identity")
    W_init, _ = initialise((2, 4, 2), "xavier", 0)
    assert same_bits(t.W[0], W_init[0])  # input → (old layer 2): joined anew
    assert same_bits(t.W[1], s.W[2]) and same_bits(t.b[1], s.b[2])
    assert same_bits(t.b[0], s.b[1])


def test_set_layers_keeps_input_output_and_hidden_layers_by_position():
    s = example("seed001-network")
    t = edits.set_layers(s, [2, 4, 3, 2])
    assert t.activations == ("sigmoid", "sigmoid", "identity")
    assert same_bits(t.W[0][:3], s.W[0])
    assert same_bits(t.b[2], s.b[1])  # the output layer's biases
    assert edits.set_layers(s, [2, 2]).activations == ("identity",)


# --- hyper-parameters and the convention ---------------------------------------------------


def test_activation_loss_and_hyper_parameters():
    s = example("seed001-network")
    t = edits.set_activation(s, 1, "tanh")
    assert t.activations == ("tanh", "identity")
    assert edits.set_loss(s, "mse").loss == "mse"
    assert edits.set_reduction(s, "sum").reduction == "sum"
    assert edits.set_learning_rate(s, 0.125).learning_rate == 0.125
    assert edits.set_train_biases(s, False).train_biases is False
    assert edits.changed_matrices(s, t) == ()
    # one key at a time is refused; both together are one valid edit
    with pytest.raises(NnvizError, match="'bce' needs a sigmoid output layer"):
        edits.set_loss(s, "bce")
    both = edits.edit(s, activations="tanh,sigmoid", loss="bce")
    assert both.loss == "bce" and both.activations == ("tanh", "sigmoid")
    wider = edits.edit(s, layers=[2, 5, 2], activations=["relu", "sigmoid"], loss="bce")
    assert wider.layers == (2, 5, 2) and same_bits(wider.W[0][:3], s.W[0])


@pytest.mark.parametrize("name", EXAMPLES)
def test_convention_switch_transposes_and_round_trips_bit_for_bit(name):
    s = example(name)
    other = "row" if s.convention == "column" else "column"
    t = edits.set_convention(s, other)
    assert t.convention == other
    assert edits.changed_matrices(s, t) == ()
    for a, c in zip((s.X, s.Y, *s.W), (t.X, t.Y, *t.W), strict=True):
        assert same_bits(to_convention(a, s.convention).T, to_convention(c, other))
    back = edits.set_convention(t, s.convention)
    assert back == s
    assert session_to_dict(back) == session_to_dict(s)


# --- samples and initialisation --------------------------------------------------------------


def test_add_and_remove_a_sample_change_x_and_y_together():
    s = example("seed001-network")
    t = edits.add_sample(s, [9.0, 10.0], [0.5, 0.25])
    assert t.batch == 5
    assert t.X[:, 4].tolist() == [9.0, 10.0] and t.Y[:, 4].tolist() == [0.5, 0.25]
    assert edits.changed_matrices(s, t) == ("X", "Y")
    assert edits.remove_sample(t, 4) == s
    copied = edits.add_sample(s)
    assert copied.X[:, 4].tolist() == [7.0, 8.0] and copied.Y[:, 4].tolist() == [0.0, 0.0]
    u = edits.remove_sample(s, 0)
    assert u.X.tolist() == [[3, 5, 7], [4, 6, 8]] and u.Y.tolist() == [[1, 1, 0], [0, 1, 0]]


def test_reinitialise_draws_every_parameter():
    s = example("seed001-network")
    t = edits.reinitialise(s, "uniform", 3)
    W, b = initialise(s.layers, "uniform", 3)
    assert all(same_bits(a, c) for a, c in zip(t.W, W, strict=True))
    assert all(same_bits(a, c) for a, c in zip(t.b, b, strict=True))
    assert t.init == {"scheme": "uniform", "seed": 3}
    assert edits.edit(s, init="uniform:3") == t


# --- refusals -------------------------------------------------------------------------------

REFUSALS = [
    (lambda s: edits.set_activation(s, 1, "softmax"), "a hidden softmax needs its full Jacobian"),
    (lambda s: edits.set_loss(s, "cross_entropy"), "'cross_entropy' needs a softmax output"),
    (lambda s: edits.set_activation(s, 2, "softmax"), "a softmax output needs loss"),
    (lambda s: edits.set_activation(s, 9, "tanh"), "layers with an activation are 1..2"),
    (lambda s: edits.set_activation(s, 1, "swish"), "unknown activation 'swish'"),
    (lambda s: edits.set_loss(s, "hinge"), 'loss: "hinge" is not one of'),
    (lambda s: edits.set_reduction(s, "max"), 'reduction: "max" is not one of'),
    (lambda s: edits.set_learning_rate(s, -1.0), "learning_rate: expected a positive"),
    (lambda s: edits.set_learning_rate(s, float("inf")), "learning_rate"),
    (lambda s: edits.set_train_biases(s, "yes"), "train_biases: expected true or false"),
    (lambda s: edits.set_convention(s, "diagonal"), 'convention: "diagonal" is not one of'),
    (lambda s: edits.set_units(s, 1, 0), "layers[1]: a layer needs at least 1 unit"),
    (lambda s: edits.set_units(s, 1, 5000), "more than the limit of 4096"),
    (lambda s: edits.set_units(s, 3, 2), "layers 0..2"),
    (lambda s: edits.remove_hidden_layer(s, 2), "hidden layers are 1..1"),
    (lambda s: edits.add_hidden_layer(s, 0, 2), "position 0"),
    (lambda s: edits.add_sample(s, [1.0], [0.0, 1.0]), "X: a sample has 2 inputs"),
    (lambda s: edits.add_sample(s, [1.0, float("nan")], [0.0, 1.0]), "not a finite number"),
    (lambda s: edits.add_sample(s, ["a", "b"], [0.0, 1.0]), "X: a sample is 2 numbers"),
    (lambda s: edits.add_sample(s, [1.0, 2.0], [[0.0, 1.0]]), "Y: a sample has 2 targets"),
    (lambda s: edits.remove_sample(s, 4), "samples 0..3"),
    (lambda s: edits.reinitialise(s, "glorot", 0), "init.scheme: expected one of xavier"),
    (lambda s: edits.reinitialise(s, "he", -1), "init.seed"),
    (lambda s: edits.set_layers(s, [2]), "at least 2 long"),
    (lambda s: edits.set_layers(s, [2, 3, 2], ["relu"]), "3 layers need 2 activations"),
    (lambda s: edits.edit(s, init="he:x"), "init: expected SCHEME:SEED"),
]


@pytest.mark.parametrize(("do", "message"), REFUSALS)
def test_every_refusal_names_the_fault_and_leaves_the_session(do, message):
    s = example("seed001-network")
    before = snapshot(s)
    with pytest.raises(NnvizError) as e:
        do(s)
    assert message in str(e.value)
    assert snapshot(s) == before
    assert s == example("seed001-network")


def test_cross_entropy_targets_must_still_sum_to_one_after_shrinking_the_output():
    s = example("softmax-classifier")
    before = snapshot(s)
    with pytest.raises(NnvizError, match="needs each sample's targets"):
        edits.set_units(s, s.depth, s.layers[-1] - 1)
    assert snapshot(s) == before
    # growing keeps every distribution (new targets 0)
    assert edits.set_units(s, s.depth, s.layers[-1] + 1).layers[-1] == s.layers[-1] + 1


def test_removing_the_last_sample_is_refused():
    s = example("seed001-network")
    for _ in range(3):
        s = edits.remove_sample(s, 0)
    with pytest.raises(NnvizError, match="at least one"):
        edits.remove_sample(s, 0)


# --- a random sequence of edits ---------------------------------------------------------------


@st.composite
def an_edit(draw: st.DrawFn):
    kind = draw(st.sampled_from(("units", "add", "remove", "act", "loss", "misc", "sample")))
    n = draw(st.integers(0, 4))
    if kind == "units":
        return lambda s: edits.set_units(s, n % (s.depth + 1), draw(st.integers(1, 4)))
    if kind == "add":
        return lambda s: edits.add_hidden_layer(s, 1 + n % s.depth, draw(st.integers(1, 4)))
    if kind == "remove":
        return lambda s: edits.remove_hidden_layer(s, 1 + n % max(1, s.depth - 1))
    if kind == "act":
        name = draw(st.sampled_from(("identity", "sigmoid", "tanh", "softmax")))
        return lambda s: edits.set_activation(s, 1 + n % s.depth, name)
    if kind == "loss":
        return lambda s: edits.set_loss(s, draw(st.sampled_from(("half_sse", "sse", "mse", "bce"))))
    if kind == "misc":
        return lambda s: edits.edit(
            s,
            convention=draw(st.sampled_from(("row", "column"))),
            reduction=draw(st.sampled_from(("mean", "sum"))),
            init=f"{draw(st.sampled_from(('xavier', 'he', 'uniform')))}:{n}",
        )
    return lambda s: edits.add_sample(s) if n % 2 else edits.remove_sample(s, 0)


@PROPERTY
@given(
    s=sessions(hidden=SMOOTH, pairs=SMOOTH_PAIRS, generic=True),
    steps=st.lists(an_edit(), min_size=1, max_size=6),
)
def test_random_edits_then_the_trace_is_finite_or_refused_and_gradcheck_passes(s, steps):
    for do in steps:
        before = snapshot(s)
        try:
            t = do(s)
        except NnvizError:
            assert snapshot(s) == before  # refused: nothing changed
            continue
        assert isinstance(t, Session)
        s = t
    assert first_non_finite(build_trace(s)) is None
    checks = gradcheck(s)
    assert all(c.passed for c in checks), [(c.name, c.worst) for c in checks]


# --- the validation is the file's ------------------------------------------------------------


@PROPERTY
@given(s=sessions(generic=True))
def test_validated_agrees_with_a_round_trip_through_the_file_format(s):
    from nnviz.core.session_file import session_from_dict

    checked = edits.validated(s)
    assert checked == session_from_dict(session_to_dict(s))
    assert session_to_dict(checked) == session_to_dict(s)  # bit for bit, init included


@pytest.mark.parametrize("name", EXAMPLES)
def test_validated_keeps_every_example_and_its_init(name):
    s = example(name)
    assert session_to_dict(edits.validated(s)) == session_to_dict(s)


def test_a_sample_past_the_batch_limit_is_refused():
    from nnviz.core.session_file import MAX_BATCH, build_session

    s = build_session(
        layers=[1, 1], activations=["identity"], X=[[0.5] * MAX_BATCH], Y=[[0.0] * MAX_BATCH],
        W=[[[1.0]]], b=[[0.0]],
    )  # fmt: skip
    with pytest.raises(NnvizError, match=f"X: a batch of {MAX_BATCH + 1} samples, more than"):
        edits.add_sample(s)
    assert s.batch == MAX_BATCH


def test_the_api_forms_of_layers_and_init():
    s = example("seed001-network")
    assert edits.edit(s, layers="2,4,2") == edits.set_units(s, 1, 4)
    assert edits.edit(s, init={"scheme": "he", "seed": 1}) == edits.reinitialise(s, "he", 1)
    for bad in (("he",), "he:1:2", 7):
        with pytest.raises(NnvizError, match="init"):
            edits.edit(s, init=bad)
    with pytest.raises(NnvizError, match="layers: expected unit counts separated by commas"):
        edits.edit(s, layers="2;4;2")
    with pytest.raises(NnvizError, match=r"init\.seed: expected a non-negative whole number"):
        edits.reinitialise(s, "he", 1.5)


GARBAGE = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5000), st.floats(), st.text(max_size=6),
    st.lists(st.integers(-1, 5), max_size=4), st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)  # fmt: skip
SETTERS = (
    lambda s, v: edits.set_units(s, v, v),
    lambda s, v: edits.set_units(s, 1, v),
    lambda s, v: edits.add_hidden_layer(s, 1, v, v),
    lambda s, v: edits.remove_hidden_layer(s, v),
    lambda s, v: edits.set_layers(s, v),
    lambda s, v: edits.set_activation(s, 1, v),
    lambda s, v: edits.set_activations(s, v),
    lambda s, v: edits.set_loss(s, v),
    lambda s, v: edits.set_reduction(s, v),
    lambda s, v: edits.set_learning_rate(s, v),
    lambda s, v: edits.set_train_biases(s, v),
    lambda s, v: edits.set_convention(s, v),
    lambda s, v: edits.add_sample(s, v, v),
    lambda s, v: edits.remove_sample(s, v),
    lambda s, v: edits.reinitialise(s, v, v),
    lambda s, v: edits.edit(s, init=v),
)


@PROPERTY
@given(k=st.integers(0, len(SETTERS) - 1), value=GARBAGE)
def test_any_value_is_an_edit_or_a_refusal_never_a_crash(k, value):
    s = example("seed001-network")
    before = snapshot(s)
    try:
        t = SETTERS[k](s, value)
    except NnvizError as e:
        assert str(e)  # a message, one line
        assert "\n" not in str(e)
    else:
        assert isinstance(t, Session)
        assert edits.validated(t) == t
    assert snapshot(s) == before


@pytest.mark.parametrize(
    ("value", "got"),
    [
        (-0.5, "-0.5"),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        ("0.1", '"0.1"'),
        (True, "true"),
        (None, "null"),
    ],
)
def test_set_l2_refuses_what_is_not_a_finite_lambda_of_at_least_0(value, got):
    s = example("xor")
    before = snapshot(s)
    with pytest.raises(NnvizError) as e:
        edits.set_l2(s, value)
    assert str(e.value) == (
        "l2: expected a finite number of at least 0 (λ of the L2 penalty (λ/2)·ΣW²; 0 for "
        f"none), got {got}"
    )
    assert snapshot(s) == before and s.l2 == 0


def test_set_l2_changes_only_lambda_and_the_loss_by_the_penalty():
    s = example("xor")
    t = edits.set_l2(s, 0.01)
    assert t.l2 == 0.01 and edits.changed_matrices(s, t) == ()
    penalty = 0.005 * sum(float(np.sum(w * w)) for w in s.W)  # (λ/2)ΣW², biases not decayed
    assert build_trace(t).loss == pytest.approx(build_trace(s).loss + penalty, rel=1e-14)
