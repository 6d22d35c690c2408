"""The explanation of a cell is the core's, cached per trace and renewed by an edit."""

from nnviz.app.document import (
    RESULT,
)


def test_explanation_is_the_cores(doc):
    doc.select_cell(RESULT, 0, 0)
    expl = doc.explanation()
    assert expl is not None
    assert expl.lines() == ["P[0,0] = X[0,0]·W[0,0] + X[0,1]·W[1,0]", "= 1·0.1 + 2·0.4", "= 0.9"]


def test_the_explanation_is_cached_per_trace_and_renewed_by_an_edit(doc):
    doc.select_cell(RESULT, 0, 0)
    first = doc.explanation()
    assert doc.explanation() is first
    doc.set_cell("W", 1, 0, 0, value=0.25)
    renewed = doc.explanation()
    assert renewed is not first
    assert renewed.lines()[-1] == "= 1.05"  # 1·0.25 + 2·0.4
    doc.undo_stack.undo()
    assert doc.explanation().lines()[-1] == "= 0.9"


# --- the term T walks to, marked in the derivation -------------------------------------------
def _marked(panel) -> list[str]:
    """The texts the panel marks (highlighted spans of its rich text)."""
    import html
    import re

    spans = re.findall(r"<span style='[^']*'>([^<]*)</span>", _body(panel))
    return [html.unescape(t) for t in spans]


def _body(panel) -> str:
    from PySide6.QtCore import Qt

    return panel.body.text() if panel.body.textFormat() == Qt.TextFormat.RichText else ""


def test_t_marks_the_walked_term_in_the_derivation(qtbot, window, doc):
    """P⁽¹⁾[0,0] = X[0,0]·W⁽¹⁾[0,0] + X[0,1]·W⁽¹⁾[1,0] = 1·0.1 + 2·0.4 = 0.9 (seed 001):
    T twice marks the second term, X[0,1]·W[1,0] and 2·0.4, and nothing else; a new cell
    or a walk past the last term clears the mark."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from nnviz.app.theme import current_theme

    def press(key, mod=Qt.KeyboardModifier.NoModifier):
        qtbot.keyClick(QApplication.focusWidget() or window, key, mod)

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.step_view.setFocus()
    panel = window.explanation_panel
    doc.select_cell(RESULT, 0, 0)
    assert _marked(panel) == [] and panel.marked == -1
    press(Qt.Key.Key_T)
    first = _marked(panel)
    assert first == ["X[0,0]·W[0,0]", "1·0.1"], first
    press(Qt.Key.Key_T)
    assert doc.term_walk == 1 and panel.marked == 1
    assert _marked(panel) == ["X[0,1]·W[1,0]", "2·0.4"]
    assert current_theme().highlight in _body(panel)  # the theme's colour, bold
    lines = [line.strip() for line in panel.lines()]
    assert lines == doc.explanation().lines()  # the derivation itself is unchanged
    press(Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)  # a new cell
    assert doc.term_walk == -1 and _marked(panel) == [] and panel.marked == -1
    assert panel.body.text().split("\n")[-1].strip() == "= 1.2"  # 1·0.2 + 2·0.5
    press(Qt.Key.Key_T)
    press(Qt.Key.Key_T)
    press(Qt.Key.Key_T)  # past the last term: every term's cells again, nothing marked
    assert doc.term_walk == -1 and _marked(panel) == []
    press(Qt.Key.Key_T)
    assert _marked(panel) == ["X[0,0]·W[0,1]", "1·0.2"]
    press(Qt.Key.Key_Escape)  # Esc stops the walk
    assert doc.term_walk == -1 and _marked(panel) == []
    assert doc.selection is not None  # the cell stays selected


def test_esc_in_presenter_mode_stops_the_walk_before_it_leaves(qtbot, window, doc):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    def press(key):
        qtbot.keyClick(QApplication.focusWidget() or window, key)

    window.set_presenter(True, full_screen=False)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.step_view.setFocus()
    doc.select_cell(RESULT, 0, 0)
    press(Qt.Key.Key_T)
    press(Qt.Key.Key_T)
    assert _marked(window.explanation_panel) == ["X[0,1]·W[1,0]", "2·0.4"]
    press(Qt.Key.Key_Escape)
    assert doc.term_walk == -1 and _marked(window.explanation_panel) == []
    assert window.presenter  # still presenting: only the walk stopped
    press(Qt.Key.Key_Escape)
    assert not window.presenter


def test_a_term_hidden_in_a_long_sum_is_not_marked_elsewhere():
    """A sum of more than SHOWN_TERMS + 1 terms shows its first terms and its last: the
    spans of a hidden term are none, those of a shown one point at its own text."""
    import numpy as np

    from nnviz.core.explain import explain
    from nnviz.core.session_file import build_session
    from nnviz.core.terms import SHOWN_TERMS
    from nnviz.core.trace import build_trace

    s = build_session(
        layers=[10, 1],
        activations=["identity"],
        loss="half_sse",
        X=np.arange(10.0).reshape(1, 10) / 10,
        Y=np.zeros((1, 1)),
        convention="row",
        init={"scheme": "he", "seed": 0},
    )
    step = next(st for st in build_trace(s).steps if st.id == "forward.1.matmul")
    expl = explain(step, 0, 0)
    assert len(expl.terms) == 10 > SHOWN_TERMS + 1
    lines = expl.lines()
    for k in (0, SHOWN_TERMS - 2, 9):
        spans = expl.term_spans(k)
        assert [n for n, _, _ in spans] == [0, 1]
        (_, a, b), (_, c, d) = spans
        assert lines[0][a:b] == expl.terms[k].symbolic
        assert lines[1][c:d] == expl.terms[k].text(first=k == 0)
    assert expl.term_spans(SHOWN_TERMS) == []  # behind the "…"
