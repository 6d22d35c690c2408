"""View → How W and b changed: the difference of W and b between two kept iterations, chosen
with the two spin boxes, as tables with the numbers (issue 11)."""

from nnviz.core.formatting import format_value


def test_the_dialog_shows_later_minus_earlier_for_the_two_iterations_chosen(qtbot, window):
    doc = window.doc
    for _ in range(3):
        assert doc.next_iteration()
    window.changes_action.trigger()
    view = window.changes_dialog.view
    qtbot.waitUntil(view.isVisible)
    assert (view.earlier.value(), view.later.value()) == (1, 4)
    first, fourth = doc.history.session(1), doc.history.session(4)
    # Row convention: ΔW⁽¹⁾ is shown n₀ × n₁, the transpose of the column-layout arrays.
    dW = (fourth.W[0] - first.W[0]).T
    for i in range(2):
        for j in range(3):
            assert view.cell_text("W⁽¹⁾", i, j) == format_value(dW[i, j], doc.precision)
    db2 = fourth.b[1] - first.b[1]
    assert view.cell_text("b⁽²⁾", 0, 1) == format_value(db2[1], doc.precision)
    view.earlier.setFocus()
    view.earlier.selectAll()
    qtbot.keyClicks(view.earlier, "3\r")  # iteration 3 → 4: one step of training
    third = doc.history.session(3)
    step = (fourth.W[1] - third.W[1]).T
    assert view.cell_text("W⁽²⁾", 2, 0) == format_value(step[2, 0], doc.precision)
    assert "iteration 4 minus those of iteration 3" in view.summary.text()


def test_a_shape_edit_between_them_is_named_instead_of_subtracted(qtbot, window):
    doc = window.doc
    doc.next_iteration()
    window.architecture_panel.rows[1].units.setValue(4)  # in iteration 2
    window.changes_action.trigger()
    view = window.changes_dialog.view
    view.choose(1, 2)
    assert "shape changed (2×3 → 2×4)" in view.tables["W⁽¹⁾"].text()
