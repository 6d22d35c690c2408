"""Matrices as clipboard text and back (nnviz.app.clipboard has no Qt): every format the
editors copy reads back to the same numbers; every refusal names what is wrong."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nnviz.app.clipboard import (
    exact_text,
    format_block,
    parse_block,
    parse_number,
    to_csv,
    to_latex,
    to_numpy,
    to_tsv,
)
from nnviz.core.errors import NnvizError

W_SEED = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]  # seed 001's W, row layout


def rows(text: str) -> list[list[float]]:
    return [list(r) for r in parse_block(text).rows]


# --- output -------------------------------------------------------------------------------------


def test_csv_and_tsv_of_seed_001_w():
    assert to_csv(W_SEED) == "0.1,0.2,0.3\n0.4,0.5,0.6"
    assert to_tsv(W_SEED) == "0.1\t0.2\t0.3\n0.4\t0.5\t0.6"


def test_copies_are_exact_not_rounded_to_the_display_precision():
    assert to_csv([[1 / 3, 1.05, 4.0, -0.0375]]) == "0.3333333333333333,1.05,4,-0.0375"
    assert exact_text(-0.0) == "0"
    assert exact_text(1.5e-7) == "1.5e-07"


def test_numpy_literal_is_2d_float_and_aligned():
    assert to_numpy(W_SEED) == "np.array([[0.1, 0.2, 0.3],\n          [0.4, 0.5, 0.6]])"
    assert to_numpy([[1.0, 2.0]]) == "np.array([[1.0, 2.0]])"  # 1.0, not 1: a float array
    assert to_numpy([[1e-7]]) == "np.array([[1e-07]])"


def test_latex_bmatrix_at_the_precision_shown():
    assert to_latex(W_SEED) == (
        "\\begin{bmatrix}\n0.1 & 0.2 & 0.3 \\\\\n0.4 & 0.5 & 0.6\n\\end{bmatrix}"
    )
    assert to_latex([[1 / 3, -1.5e-7]], precision=3) == (
        "\\begin{bmatrix}\n0.333 & -1.5 \\times 10^{-7}\n\\end{bmatrix}"
    )


def test_format_block_names_the_formats():
    assert format_block(W_SEED, "tsv") == to_tsv(W_SEED)
    with pytest.raises(NnvizError, match=r"no clipboard format 'xml'.*csv, tsv, numpy, latex"):
        format_block(W_SEED, "xml")


# --- input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "0.1,0.2,0.3\n0.4,0.5,0.6\n",  # CSV with a trailing newline
        "0.1\t0.2\t0.3\r\n0.4\t0.5\t0.6",  # a spreadsheet's TSV
        "0.1 0.2   0.3\n 0.4 0.5 0.6",  # whitespace
        "0.1;0.2;0.3\n0.4;0.5;0.6",  # semicolons
        '"0.1","0.2","0.3"\n"0.4","0.5","0.6"',  # quoted CSV
        "[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]",  # a Python nested list
        "np.array([[0.1, 0.2, 0.3],\n          [0.4, 0.5, 0.6]])",  # our own NumPy copy
        "array([[0.1, 0.2, 0.3],\n       [0.4, 0.5, 0.6]])",  # NumPy's repr
        "[[0.1 0.2 0.3]\n [0.4 0.5 0.6]]",  # print(array)
        "numpy.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6],], dtype=np.float64)",
        "[[np.float64(0.1), 0.2, 0.3], [0.4, 0.5, 0.6]]",  # NumPy 2 scalars in a list
        "\\begin{bmatrix}\n0.1 & 0.2 & 0.3 \\\\\n0.4 & 0.5 & 0.6\n\\end{bmatrix}",
    ],
)
def test_every_accepted_form_reads_seed_001_w(text):
    pasted = parse_block(text)
    assert pasted.shape == (2, 3)
    assert [list(r) for r in pasted.rows] == W_SEED
    assert not pasted.flat


def test_a_flat_list_is_marked_so_a_column_vector_can_take_it():
    pasted = parse_block("[0.1, -0.1, 0.05]")
    assert pasted.flat and pasted.shape == (1, 3)
    assert pasted.transposed().rows == ((0.1,), (-0.1,), (0.05,))
    assert not parse_block("0.1, -0.1, 0.05").flat  # one CSV line is a row, as written


def test_unicode_minus_and_exponents_read_back():
    assert rows("−0.5 & 1.5 \\times 10^{-7}") == [[-0.5, 1.5e-7]]  # LaTeX
    assert rows("1e3 -2.5E-2 +.5") == [[1000.0, -0.025, 0.5]]


@given(
    st.lists(
        st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=4),
        min_size=1,
        max_size=4,
    ).filter(lambda m: len({len(r) for r in m}) == 1)
)
def test_csv_tsv_and_numpy_round_trip_exactly(block):
    expected = [[x + 0.0 for x in r] for r in block]  # −0 is copied as 0
    for text in (to_csv(block), to_tsv(block), to_numpy(block), to_latex(block)):
        assert rows(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0.1,abc\n0.3,0.4", r"pasted row 1, value 2: 'abc' is not a number"),
        ("1 2\n3", r"row 1 has 2 values, row 2 has 1"),
        ("[[1, 2], [3]]", r"row 1 has 2 values, row 2 has 1"),
        ("1\tnan", r"value 2: 'nan' is not a finite number \(NaN and ∞ are refused\)"),
        ("[[1, np.inf]]", r"'np.inf' is not a finite number"),
        ("[[1, float('nan')]]", r"'nan' is not a finite number"),
        ("-inf", r"'-inf' is not a finite number"),
        ("1e400", r"'1e400' is beyond ±1.8e308, not a finite number"),
        ("1\t\t2", r"pasted row 1, value 2: empty, expected a number"),
        ("0,5\t1", r"'0,5' is not a number \(use a point for decimals\)"),
        ("[[1, 2]", r"missing a closing bracket"),
        ("[[1,, 2]]", r"empty value between commas"),
        ("[[[1]]]", r"nests deeper than a matrix"),
        ("[1, [2]]", r"mixes numbers and rows"),
        ("[[1]] + 1", r"goes on after its closing bracket: '\+'"),
        ("__import__('os').system('x')", r"is not a number"),  # never evaluated
        ("   \n\t ", r"holds no numbers"),
        ("[]", r"holds no numbers"),
    ],
)
def test_refusals_name_what_is_wrong(text, message):
    with pytest.raises(NnvizError, match=message):
        parse_block(text)


def test_parse_number_names_the_cell():
    assert parse_number(" 0.25 ", "W⁽¹⁾[0,0]") == 0.25
    with pytest.raises(NnvizError, match=r"^W⁽¹⁾\[0,1\]: 'abc' is not a number$"):
        parse_number("abc", "W⁽¹⁾[0,1]")
    with pytest.raises(NnvizError, match=r"^X\[1,0\]: 'NaN' is not a finite number"):
        parse_number("NaN", "X[1,0]")
    with pytest.raises(NnvizError, match=r"^b⁽²⁾\[0,1\]: empty, expected a number$"):
        parse_number("  ", "b⁽²⁾[0,1]")


def test_a_huge_paste_is_refused_before_it_is_read():
    with pytest.raises(NnvizError, match="characters, more than"):
        parse_block("1 " * 1_500_000)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("-0.5", -0.5),
        (".5", 0.5),
        ("-.5", -0.5),
        ("1e-3", 0.001),
        ("1/3", 1 / 3),
        ("-2/3", -2 / 3),
        (" 1 / 4 ", 0.25),
        ("1e-3/2", 0.0005),
        ("0,5", 0.5),
        ("-0,25", -0.25),
        ("\u22120,5", -0.5),
        ("0,125", 0.125),  # three decimals after 0: no thousands reading
        ("1,5e-3", 0.0015),
        ("1,5/3", 0.5),
    ],
)
def test_parse_number_accepts_what_a_person_types(text, value):
    assert parse_number(text, "W⁽¹⁾[0,1]") == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1/0", r"^W⁽¹⁾\[0,1\]: '1/0' divides by zero$"),
        ("1e300/1e-300", r"'1e300/1e-300' is beyond ±1\.8e308"),
        ("1,000", r"'1,000' is ambiguous .*; write 1000 or 1\.000$"),
        ("-12,500", r"'-12,500' is ambiguous"),
        ("1,2,3", r"^W⁽¹⁾\[0,1\]: '1,2,3' is not a number$"),
        ("1.5,2", r"'1\.5,2' is not a number"),
        ("1/3/4", r"'1/3/4' is not a number"),
        ("abc", r"^W⁽¹⁾\[0,1\]: 'abc' is not a number$"),
    ],
)
def test_parse_number_refusals_keep_their_messages(text, message):
    with pytest.raises(NnvizError, match=message):
        parse_number(text, "W⁽¹⁾[0,1]")


def test_a_decimal_comma_never_applies_to_pasted_cells():
    # CSV: the comma separates values
    assert parse_block("0,5\n1,2").rows == ((0.0, 5.0), (1.0, 2.0))
    # a tab-separated cell "0,5" keeps today's refusal and its hint
    with pytest.raises(NnvizError, match=r"'0,5' is not a number \(use a point for decimals\)"):
        parse_block("0,5\t1")
    with pytest.raises(NnvizError, match=r"'0,5' is not a number \(use a point"):
        parse_number("0,5", "pasted row 1, value 1", decimal_comma=False)
    # fractions are no separator: a pasted 1/4 is a quarter
    assert parse_block("1/4 1").rows == ((0.25, 1.0),)
