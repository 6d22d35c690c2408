"""with_block: an edit writes one matrix and checks it, giving what a full reload would give."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnviz.core.convention import to_convention, vector_to_convention
from nnviz.core.errors import NnvizError
from nnviz.core.session import with_block
from nnviz.core.session_file import load_session, session_from_dict, session_to_dict
from nnviz.resources import example_names, example_path


def shown(s, matrix, layer):
    """The independent reference for convention.shown_matrix."""
    if matrix == "b":
        return vector_to_convention(s.b[layer - 1], s.convention)
    M = s.W[layer - 1] if matrix == "W" else getattr(s, matrix)
    return to_convention(M, s.convention)


def reloaded(s, matrix, layer, i, j, block):
    """The slow reference: write into the file's JSON and load it again."""
    doc = session_to_dict(s)
    entry = doc[matrix][layer - 1] if matrix in ("W", "b") else doc[matrix]
    for a, row in enumerate(block):
        for k, v in enumerate(row):
            if matrix == "b":
                entry[j + k if s.convention == "row" else i + a] = v
            else:
                entry[i + a][j + k] = v
    return session_from_dict(doc)


# X and Y of a data session come from its data section (refused: test_data_section.py).
FIXED_XY_EXAMPLES = [
    n
    for n in example_names()
    if n != "softmax-classifier" and load_session(example_path(n)).data is None
]


@given(data=st.data())
def test_with_block_equals_writing_the_file_and_loading_it(data):
    name = data.draw(st.sampled_from(FIXED_XY_EXAMPLES))
    s = load_session(example_path(name))
    matrix = data.draw(st.sampled_from(["W", "b", "X"] + (["Y"] if s.loss == "half_sse" else [])))
    layer = data.draw(st.integers(1, s.depth)) if matrix in ("W", "b") else None
    rows, cols = shown(s, matrix, layer).shape
    i, j = data.draw(st.integers(0, rows - 1)), data.draw(st.integers(0, cols - 1))
    r, c = data.draw(st.integers(1, rows - i)), data.draw(st.integers(1, cols - j))
    value = st.floats(-10, 10, allow_nan=False)
    block = [[data.draw(value) for _ in range(c)] for _ in range(r)]
    got = with_block(s, matrix, layer, i, j, block)
    assert got == reloaded(s, matrix, layer, i, j, block)
    assert np.array_equal(shown(got, matrix, layer)[i : i + r, j : j + c], block)
    for M in (got.X, got.Y, *got.W, *got.b):
        assert not M.flags.writeable


def test_with_block_keeps_the_loss_rules_for_targets():
    s = load_session(example_path("softmax-classifier"))  # row convention, one-hot rows
    edited = with_block(s, "Y", None, 0, 0, [[0.0, 1.0, 0.0]])  # still a distribution
    assert edited.Y[:, 0].tolist() == [0.0, 1.0, 0.0]
    with pytest.raises(NnvizError, match="sum to 1"):
        with_block(s, "Y", None, 0, 0, [[0.5]])
    assert s.Y[:, 0].tolist() == [1.0, 0.0, 0.0]  # the session itself never changes


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("W", 1, 0, 0, [[float("nan")]]), "W⁽¹⁾[0,0]: nan is not a finite number"),
        (("W", 1, 1, 2, [[1.0, 2.0]]), "a 1×2 block does not fit from [1,2] in a 2×3 matrix"),
        (("W", 3, 0, 0, [[1.0]]), "layer 3 does not exist"),
        (("P", 1, 0, 0, [[1.0]]), "only X, Y, W and b can be edited"),
        (("X", None, 0, 0, []), "non-empty rectangle"),
    ],
)
def test_with_block_refusals_name_what_is_wrong(args, fragment):
    s = load_session(example_path("seed001-network"))
    with pytest.raises(NnvizError) as e:
        with_block(s, *args)
    assert fragment in str(e.value)
