"""Typing numbers into an editor cell as a person writes them (issue 11): a decimal comma,
a fraction, a leading point, an exponent. Seed 001's W⁽¹⁾ (row convention) is
[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]; the cell typed into is W⁽¹⁾[0,1] = 0.2."""

import pytest

from tests.app.user_actions import shown, type_into_cell


@pytest.mark.parametrize(
    ("text", "value"),
    [("0,5", 0.5), ("1/4", 0.25), (".5", 0.5), ("-0.5", -0.5), ("1e-3", 0.001), ("-1/8", -0.125)],
)
def test_typed_numbers_are_accepted_and_recompute(qtbot, editors, doc, text, value):
    before = doc.trace
    type_into_cell(qtbot, editors, 0, 1, text)
    assert doc.cell_value("W", 1, 0, 1) == value
    assert editors.message_text() == ""
    assert doc.trace is not before  # everything downstream recomputed
    assert doc.undo_stack.count() == 1


def test_a_third_is_the_nearest_float(qtbot, editors, doc):
    type_into_cell(qtbot, editors, 0, 1, "1/3")
    assert doc.cell_value("W", 1, 0, 1) == 1 / 3
    assert shown(editors, 0, 1) == "0.3333"
