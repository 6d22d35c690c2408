"""Nothing clipped at 1024×768, 1400×900 and 1920×1080 (issue 10): for every example, in
the window and in presenter mode, at its first step, the loss, its last step and the steps
a lecture walks through (forward.1.matmul, backward.1.delta, backward.1.grad_W, update.1.W):
each matrix, its caption and its legend inside the canvas; no two matrices' plots, captions
and legends (nor an operator) overlapping or touching; a matrix prints every number or says
"colours only"; a lecture-size result (up to 8×8) prints its numbers (but in the 1024×768
window, where plane's forward.1.matmul result is checked alone); the heading has the
height its wrapped lines need; the selected cell's derivation shows (or scrolls to) its last
line."""

import itertools

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from nnviz.app.document import RESULT
from nnviz.app.render import prepared_window
from nnviz.core.session_file import load_session
from nnviz.resources import example_names, example_path

SIZES = [(1024, 768), (1400, 900), (1920, 1080)]
LECTURE_STEPS = ["forward.1.matmul", "backward.1.delta", "backward.1.grad_W", "update.1.W"]
APART_PX = 2  # texts of neighbouring matrices keep at least this much between them


def _printed(item) -> bool:
    rows, cols = item.shape
    return all(item.cell_text(i, j) for i in range(rows) for j in range(cols))


def _check_step(win, sid: str, lecture: bool) -> None:
    view = win.step_view
    canvas = QRectF(0, 0, view.canvas.width(), view.canvas.height())
    for shown, item in zip(view.layout_.matrices, view.matrices, strict=False):
        boxes = [item.plot.sceneBoundingRect(), item.caption.sceneBoundingRect()]
        if item.legend.isVisible():
            boxes.append(item.legend.sceneBoundingRect())
        for box in boxes:
            assert canvas.adjusted(-0.5, -0.5, 0.5, 0.5).contains(box), (sid, shown.label, box)
        if not _printed(item):
            assert "colours only" in item.caption.toPlainText(), (sid, shown.label)
        if lecture and shown.is_result and max(item.shape) <= 8:
            assert _printed(item), (sid, shown.label)
    heading = view.heading
    assert heading.height() >= heading.heightForWidth(heading.width()) - 1, sid
    _check_apart(view, sid)


def _boxes(view) -> list[tuple[str, QRectF]]:
    """(whose, scene rect) of what the step shows: each matrix's plot, caption and legend
    (named by the matrix: they are stacked under it) and each operator."""
    boxes = []
    for shown, item in zip(view.layout_.matrices, view.matrices, strict=False):
        boxes += [(shown.label, item.plot.sceneBoundingRect())]
        boxes += [(shown.label, item.caption.sceneBoundingRect())]
        if item.legend.isVisible():
            boxes.append((shown.label, item.legend.sceneBoundingRect()))
    for k, op in enumerate(view.ops):
        if op.isVisible():
            boxes.append((f"operator {k}", op.sceneBoundingRect()))
    return boxes


def _check_apart(view, sid: str) -> None:
    """No box of one matrix (or operator) overlaps or touches another's."""
    for (a, box_a), (b, box_b) in itertools.combinations(_boxes(view), 2):
        if a != b:
            near = box_a.adjusted(-APART_PX, -APART_PX, APART_PX, APART_PX)
            assert not near.intersects(box_b), (sid, a, box_a, b, box_b)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("presenter", [False, True], ids=["window", "presenter"])
@pytest.mark.parametrize("example", example_names())
def test_nothing_is_clipped(qapp, example, presenter, size):
    with prepared_window(
        load_session(example_path(example)), None, size=size, presenter=presenter
    ) as win:
        doc = win.doc
        steps = [s.id for s in doc.trace.steps]
        walk = [steps[0], "loss", *(s for s in LECTURE_STEPS if s in steps), steps[-1]]
        for sid in dict.fromkeys(walk):
            doc.go_to(sid)
            QApplication.processEvents()
            # A lecture-size result prints, in presenter mode and on a large screen. In the
            # 1024×768 window three 3×8 matrices (plane's δ⁽¹⁾ = ∂L/∂A⁽¹⁾ ⊙ Z⁽¹⁾) do not fit
            # a 571-px canvas with two "colours only" captions kept apart.
            _check_step(win, sid, presenter or size[0] >= 1400)
        doc.go_to(steps[0])
        doc.select_cell(RESULT, 0, 0)
        QApplication.processEvents()
        panel = win.explanation_panel
        assert panel.body.text().split("\n")[-1].strip().startswith("= ")
        bar = panel.scroll.verticalScrollBar()
        bar.setValue(bar.maximum())
        assert panel.last_line_visible(), example
        if panel.note.isVisible():
            assert panel.note.geometry().top() >= panel.body.geometry().bottom()


def _legends(view):
    return [
        item.legend
        for item in view.matrices[: len(view.layout_.matrices)]
        if item.legend.isVisible()
    ]


@pytest.mark.parametrize(
    ("example", "sid", "size", "presenter"),
    [
        ("seed000-chain", "update.1.b", (1920, 1080), True),  # 1×1 matrices, wide legends
        ("xor", "loss", (1024, 768), False),  # Z⁽²⁾ 1×4 in colour squares beside A⁽²⁾
    ],
)
def test_a_legend_wider_than_its_matrix_is_compact(qapp, example, sid, size, presenter):
    """`−0.8427 ▭▭ +0.8427` under a matrix narrower than it ran into the next matrix's
    legend; such a legend is drawn compact (the strip over its two labels), clear of it."""
    with prepared_window(
        load_session(example_path(example)), sid, size=size, presenter=presenter
    ) as win:
        legends = _legends(win.step_view)
        assert any(legend.compact for legend in legends)
        boxes = [legend.sceneBoundingRect() for legend in legends]
        for a, b in itertools.pairwise(boxes):
            assert a.right() <= b.left(), (a, b)
        for legend in legends:
            assert legend.labels()[0].startswith("-") and legend.labels()[1].startswith("+")


def _printed_matrices(view) -> list[str]:
    return [
        shown.label
        for shown, item in zip(view.layout_.matrices, view.matrices, strict=False)
        if _printed(item)
    ]


def test_the_1024_window_prints_planes_result_before_a_big_operand(qapp):
    """In the 1024×768 window plane's W⁽¹⁾ (3×2) was printed in 76-px cells, its numbers
    broken on two lines, while the result P⁽¹⁾ (3×8) was colours only. At a desk every number
    printed first, the result's above all: P⁽¹⁾ prints, and W⁽¹⁾ beside it."""
    from nnviz.core.formatting import format_value

    session = load_session(example_path("plane"))
    with prepared_window(session, "forward.1.matmul", size=(1024, 768)) as win:
        view = win.step_view
        values = view.shown(RESULT).values
        rows, cols = values.shape
        assert (rows, cols) == (3, 8)
        precision = view.doc.precision
        for i, j in itertools.product(range(rows), range(cols)):
            assert view.cell_text(i, j) == format_value(float(values[i, j]), precision), (i, j)
        assert view.cell_text(0, 0) == "0.9273"  # P⁽¹⁾[0,0] as the render shows it
        assert len(_printed_matrices(view)) >= 2, _printed_matrices(view)


@pytest.mark.parametrize("presenter", [False, True], ids=["window", "presenter"])
@pytest.mark.parametrize("example", ["plane", "xor", "seed001-network", "column-batch"])
def test_dark_theme_at_1024_keeps_texts_apart(qapp, example, presenter):
    """The dark theme lays out as the light one: nothing clipped, nothing overlapping."""
    session = load_session(example_path(example))
    with prepared_window(session, None, size=(1024, 768), theme="dark", presenter=presenter) as win:
        doc = win.doc
        steps = [s.id for s in doc.trace.steps]
        for sid in dict.fromkeys([*(s for s in LECTURE_STEPS if s in steps), "loss"]):
            doc.go_to(sid)
            QApplication.processEvents()
            _check_step(win, sid, presenter)


@pytest.mark.parametrize(
    ("example", "sid", "presenter"),
    [
        ("xor", "loss", False),  # Z⁽²⁾'s "outlined: 0, -0.3759, -0.6472," ran into A⁽²⁾'s
        ("plane", "forward.1.matmul", False),
        ("column-batch", "backward.1.delta", False),
        ("spiral", "backward.1.grad_W", True),
    ],
)
def test_a_selection_listing_outlined_numbers_keeps_texts_apart(qapp, example, sid, presenter):
    """Selecting a result cell makes a matrix in colours only list its outlined numbers
    under it: its caption grows, and still overlaps no neighbour's and stays inside."""
    session = load_session(example_path(example))
    with prepared_window(session, sid, size=(1024, 768), presenter=presenter) as win:
        cols = win.step_view.shown(RESULT).values.shape[1]
        for cell in [(0, 0), (0, 1)][:cols]:
            win.doc.select_cell(RESULT, *cell)
            QApplication.processEvents()
            _check_step(win, sid, presenter)
