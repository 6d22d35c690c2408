"""The convention module: one layout, one set of names, one check of an edit's block."""

import numpy as np
import pytest

from nnviz.core.convention import (
    cell_of_unit,
    cell_of_vector_unit,
    cell_of_weight,
    check_block,
    matrix_label,
    matrix_shape,
    shown_matrix,
    unit_label,
    unit_of_cell,
    unit_of_vector_cell,
    weight_of_cell,
)
from nnviz.core.errors import NnvizError
from nnviz.core.session_file import build_session, load_session
from nnviz.resources import example_path


def test_matrix_labels_name_the_layer():
    assert matrix_label("W", 1) == "W⁽¹⁾"
    assert matrix_label("b", 12) == "b⁽¹²⁾"
    assert matrix_label("X", None) == matrix_label("X", 3) == "X"


def test_unit_labels_are_one_based_and_name_the_layer_when_there_are_several_hidden():
    assert [unit_label(0, 0, 2), unit_label(1, 2, 2), unit_label(2, 0, 2)] == ["x₁", "h₃", "ŷ₁"]
    assert [unit_label(1, 0, 3), unit_label(2, 9, 3), unit_label(3, 1, 3)] == [
        "h⁽¹⁾₁",
        "h⁽²⁾₁₀",
        "ŷ₂",
    ]


@pytest.mark.parametrize("convention", ["column", "row"])
def test_cells_and_units_map_both_ways(convention):
    for i, j in [(0, 1), (2, 0), (1, 1)]:
        assert weight_of_cell(convention, *cell_of_weight(convention, i, j)) == (i, j)
        assert unit_of_cell(convention, *cell_of_unit(convention, i, j)) == (i, j)
        assert unit_of_vector_cell(convention, *cell_of_vector_unit(convention, i)) == i
    # the weight from x₂ (j = 1) to h₁ (i = 0): row 0, column 1 of W in the column convention
    assert cell_of_weight(convention, 0, 1) == ((1, 0) if convention == "row" else (0, 1))


def test_matrix_shape_and_shown_matrix_follow_the_convention():
    s = load_session(example_path("seed001-network"))  # row convention: X 4×2, W⁽¹⁾ 2×3
    assert matrix_shape(s, "X", None) == (4, 2)
    assert matrix_shape(s, "W", 1) == (2, 3)
    assert matrix_shape(s, "b", 2) == (1, 2)
    assert shown_matrix(s, "W", 1).tolist() == [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]
    assert shown_matrix(s, "b", 2).shape == (1, 2)
    col = build_session(
        layers=[2, 3],
        activations=["identity"],
        X=[[1], [2]],
        Y=[[0], [0], [0]],
        init={"scheme": "xavier", "seed": 0},
    )
    assert matrix_shape(col, "b", 1) == (3, 1)
    assert matrix_shape(col, "W", 1) == (3, 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("W", 1, 1, 1, [[1.0, 2.0, 3.0]]),
            "W⁽¹⁾: a 1×3 block does not fit from [1,1] in a 2×3 matrix (room for 1×2)",
        ),
        (("W", 1, 2, 0, [[1.0]]), "W⁽¹⁾: no cell [2,0] in a 2×3 matrix"),
        (("b", 2, 0, 0, [[1.0], [2.0]]), "b⁽²⁾: a 2×1 block does not fit"),
        (("W", 1, 0, 0, [[1.0, float("inf")]]), "W⁽¹⁾[0,1]: inf is not a finite number"),
        (("X", None, 0, 0, [[1.0, 2.0], [3.0]]), "X: a block to write must be a non-empty"),
        (("X", None, 0, 0, []), "X: a block to write must be a non-empty"),
        (("W", 3, 0, 0, [[1.0]]), "W: layer 3 does not exist (layers 1..2)"),
        (("Z", None, 0, 0, [[1.0]]), "Z: only X, Y, W and b can be edited"),
    ],
)
def test_check_block_names_the_matrix_as_a_person_reads_it(args, message):
    s = load_session(example_path("seed001-network"))
    with pytest.raises(NnvizError) as e:
        check_block(s, *args)
    assert str(e.value).startswith(message)


def test_check_block_gives_the_block_as_an_array():
    s = load_session(example_path("seed001-network"))
    B = check_block(s, "W", 1, 0, 1, ((1, 2),))
    assert B.dtype == np.float64 and B.tolist() == [[1.0, 2.0]]
