"""The views survive every value a session can hold or a computation can produce: ±1e308,
inf, −inf, NaN, all-zero matrices, a 1×1 matrix, a 784-wide row.

Seed 001's network (row convention): X = [[1, 2], [3, 4], [5, 6], [7, 8]], W⁽¹⁾ =
[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]. With W⁽¹⁾[0,0] = 1e308, P⁽¹⁾ = X·W⁽¹⁾ has P[0,0] =
1·1e308 + 2·0.4 = 1e308 and P[1,0] = 3e308 = inf (as are P[2,0] and P[3,0]); the other
cells keep their seed values (P[0,1] = 1.2). Before the fix, a paint raised IndexError on
these numbers and PySide6 6.11 segfaulted (exit 139).

Every test here also checks that the guard logged nothing: the views handle these values by
design, not by having an error swallowed.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage

from nnviz.app.document import RESULT, Document
from nnviz.app.guard import DATA_DIR_ENV
from nnviz.app.render import paint_window, prepared_window, render_png
from nnviz.app.theme import theme_named
from nnviz.core.formatting import format_value
from nnviz.core.session import session_from_dict
from nnviz.core.steps import step_id
from nnviz.resources import example_path

MATMUL1 = step_id("forward", 1, "matmul")
BIG = 1e308
INF, NAN = math.inf, math.nan
RUN_CLI = "import sys; from nnviz.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.fixture(autouse=True)
def nothing_logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The guard's log must stay empty: no error was caught on the way."""
    folder = tmp_path / "appdata"
    monkeypatch.setenv(DATA_DIR_ENV, str(folder))
    yield
    log = folder / "errors.log"
    assert not log.exists(), log.read_text(encoding="utf-8")


def seed_with(value: float) -> dict:
    doc = json.loads(example_path("seed001-network").read_text(encoding="utf-8"))
    doc["W"][0][0][0] = value
    return doc


def lut(theme: str = "light") -> np.ndarray:
    return theme_named(theme).colormap().getLookupTable(0.0, 1.0, 256, alpha=False)


def near(a: QColor, b: QColor, tol: int = 8) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def end_colours(theme: str = "light") -> tuple[QColor, QColor, QColor]:
    """The map's colours at the bottom, the middle (zero) and the top of the scale."""
    cmap = theme_named(theme).colormap()
    return tuple(cmap.map(t, mode="qcolor") for t in (0.0, 0.5, 1.0))  # type: ignore[return-value]


# --- in the window, as a user types it ---------------------------------------------------------


def test_typing_1e308_into_w1_in_the_edit_dock_shows_it_and_the_infs(qtbot, window, doc):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractItemView, QLineEdit

    window.editors_dock.show()
    window.editors_dock.raise_()
    qtbot.waitUntil(lambda: window.editors is not None and window.editors.isVisible())
    ed = window.editors
    assert ed.model.matrix == ("W", 1)
    table = ed.table
    pos = table.visualRect(ed.model.index(0, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.indexWidget(ed.model.index(0, 0))
    assert isinstance(editor, QLineEdit)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, "1e308")
    with qtbot.waitSignal(doc.traceRecomputed, timeout=2000):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)

    assert doc.cell_value("W", 1, 0, 0) == BIG
    window.grab()  # paints everything: the step view, the diagram, the editors
    assert window.isVisible()
    assert ed.model.index(0, 0).data() == format_value(BIG)
    view = window.step_view
    assert doc.step.id == MATMUL1
    assert view.levels == (-BIG, BIG)  # the largest finite magnitude; inf is not a level
    assert view.cell_text(0, 0) == "1e+308"
    assert view.cell_text(1, 0) == "inf"
    assert view.cell_text(0, 1) == format_value(1.2)
    overlay = view.matrix_view(RESULT).overlay
    assert overlay.numbers_drawn
    assert overlay.cell_style(1, 0) == "nonfinite" and overlay.cell_style(0, 1) == "plain"
    # The diagram draws the weight as the widest, strongest edge; stepping on still works.
    edge = window.network.edge(1, 0, 0)
    assert edge is not None and edge.width == max(e.width for e in window.network.edges)
    doc.last_step()
    window.grab()
    assert window.isVisible()


# --- nnviz render -----------------------------------------------------------------------------


def test_render_of_a_session_holding_1e308_exits_0_and_writes_the_png(tmp_path):
    """The command that segfaulted (exit 139) before the fix, as a user runs it."""
    session = tmp_path / "big.nnviz.json"
    session.write_text(json.dumps(seed_with(BIG)), encoding="utf-8")
    out = tmp_path / "big.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "render", str(session), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1600, 1000)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_rendered_cells_of_1e308_and_inf_take_the_top_colour(qapp, theme):
    _bottom, middle, top = end_colours(theme)
    session = session_from_dict(seed_with(BIG))
    with prepared_window(session, MATMUL1, theme=theme) as win:
        image = paint_window(win, 2.0)
        view = win.step_view
        assert view.levels == (-BIG, BIG)

        def colour(name: str, i: int, j: int) -> QColor:
            p = view.canvas.viewport().mapTo(win, view.cell_point(name, i, j, (0.5, 0.12)))
            return image.pixelColor(p.x() * 2, p.y() * 2)

        assert near(colour(RESULT, 0, 0), top)  # 1e308, the top of the scale
        assert near(colour(RESULT, 1, 0), top)  # inf, past it
        assert near(colour(RESULT, 0, 1), middle)  # 1.2 is zero next to 1e308
        assert near(colour("W1", 0, 0), top)
        assert near(colour("W1", 1, 2), middle)


def test_render_of_minus_1e308_takes_the_bottom_colour_at_a_later_step(qapp, tmp_path):
    bottom, _middle, _top = end_colours()
    session = session_from_dict(seed_with(-BIG))
    out = tmp_path / "neg.png"
    render_png(session, out, step_id=MATMUL1, size=(1200, 800))
    assert QImage(str(out)).width() == 1200
    with prepared_window(session, MATMUL1, size=(1200, 800)) as win:
        image = paint_window(win)
        view = win.step_view
        p = view.canvas.viewport().mapTo(win, view.cell_point(RESULT, 1, 0, (0.5, 0.12)))
        assert near(image.pixelColor(p), bottom)  # −inf
        assert view.cell_text(1, 0) == "-inf"
    for sid in ("loss", "backward.1.grad_W", "update.1.W"):
        render_png(session, out, step_id=sid, size=(1200, 800))


# --- the heatmap parts, on every kind of value ----------------------------------------------


def test_the_image_maps_huge_and_non_finite_values_onto_the_scale(qapp):
    from nnviz.app.views.heatmap import MatrixImage

    values = np.array([[-BIG, 0.0, BIG], [-INF, NAN, INF], [-1.7e308, 1e-300, 1.7e308]])
    table = lut()
    item = MatrixImage(axisOrder="row-major")
    item.setLookupTable(table)
    item.setImage(values, levels=(-BIG, BIG), autoLevels=False)
    item.render()
    img = item.qimage.convertToFormat(QImage.Format.Format_ARGB32)

    def rgb(i: int, j: int) -> tuple[int, ...]:
        return QColor.fromRgba(img.pixel(j, i)).getRgb()

    first, last, mid = tuple(table[0]), tuple(table[-1]), tuple(table[128])
    assert rgb(0, 0)[:3] == first and rgb(1, 0)[:3] == first and rgb(2, 0)[:3] == first
    assert rgb(0, 2)[:3] == last and rgb(1, 2)[:3] == last and rgb(2, 2)[:3] == last
    assert rgb(0, 1)[:3] == mid and rgb(2, 1)[:3] == mid
    assert rgb(1, 1)[3] == 0  # NaN: no colour


def test_numbers_of_every_kind_are_written_and_non_finite_ones_stand_out(qapp):
    """±1e308, ±inf and nan in one matrix: each cell's text and style, and its number's
    colour rule, on the scale (−1e308, 1e308); painting it logs nothing."""
    from nnviz.app.views.cell_overlay import CellOverlay

    values = np.array([[-BIG, 0.0, BIG], [-INF, NAN, INF]])
    overlay = CellOverlay()
    theme = theme_named("light")
    overlay.set_values(values, (-BIG, BIG), lut(), 4, theme)
    texts = [[overlay.text(i, j) for j in range(3)] for i in range(2)]
    assert texts == [["-1e+308", "0", "1e+308"], ["-inf", "nan", "inf"]]
    styles = [[overlay.cell_style(i, j) for j in range(3)] for i in range(2)]
    assert styles == [["plain"] * 3, ["nonfinite"] * 3]
    dark = overlay._dark_cells().tolist()
    assert dark == [[True, False, True], [True, False, True]]  # the ends of RdBu are dark
    assert dark == [[overlay._is_dark(i, j) for j in range(3)] for i in range(2)]
    _paint(overlay, 3, 2, cell=60)
    assert overlay.numbers_drawn


def _paint(overlay, cols: int, rows: int, cell: float) -> QImage:
    """The overlay painted alone at `cell` px per cell (as a ViewBox would scale it)."""
    from PySide6.QtGui import QPainter

    image = QImage(round(cols * cell), round(rows * cell), QImage.Format.Format_ARGB32)
    image.fill(0)
    p = QPainter(image)
    p.scale(cell, cell)
    overlay.paint(p)
    p.end()
    return image


def test_a_nan_cell_is_hatched(qapp):
    from nnviz.app.views.cell_overlay import CellOverlay

    overlay = CellOverlay()
    overlay.set_values(np.array([[NAN, 1.0]]), (-1.0, 1.0), lut(), 4, theme_named("light"))
    image = _paint(overlay, 2, 1, cell=12)  # too small for numbers: the hatch still shows
    assert not overlay.numbers_drawn
    hatched = sum(image.pixelColor(x, y).alpha() > 0 for x in range(1, 11) for y in range(1, 11))
    plain = sum(image.pixelColor(x, y).alpha() > 0 for x in range(13, 23) for y in range(1, 11))
    assert hatched >= 10 and plain == 0


@pytest.mark.parametrize(
    "values",
    [
        np.zeros((3, 4)),  # all zero: the scale falls back to (−1, 1)
        np.array([[BIG]]),  # 1×1
        np.array([[NAN]]),  # 1×1 with nothing finite
        (np.linspace(-1.0, 1.0, 784) * BIG).reshape(1, 784),  # a 784-wide row
        np.where(np.arange(784) % 7 == 0, INF, np.arange(784.0)).reshape(1, 784),
    ],
    ids=["zeros", "1x1-huge", "1x1-nan", "784-huge", "784-inf"],
)
def test_a_matrix_item_takes_any_values(qapp, values):
    import pyqtgraph as pg

    from nnviz.app.views.heatmap import MatrixItem

    view = pg.GraphicsView()
    view.resize(900, 200)
    item = MatrixItem(0, view.scene())
    finite = np.abs(values[np.isfinite(values)])
    m = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    item.set_matrix(values, (-m, m), lut(), 4, theme_named("light"))
    ch = 40.0
    item.place(0, 0, item.cell_width(ch), ch)
    view.show()
    view.grab()
    assert item.cell_text(0, 0) in ("", format_value(float(values[0, 0])))
    assert item.plot.sceneBoundingRect().intersects(QRectF(0, 0, 900, 200))
    view.close()


# --- the diagram ---------------------------------------------------------------------------------


def test_the_diagram_draws_inf_nodes_and_huge_weights_within_bounds(qtbot, qapp):
    """An identity network whose output overflows: the output node's A is inf (the top
    colour), and a 1e308 weight is the widest edge, no wider than the maximum."""
    from nnviz.app.views.diagram import MAX_EDGE_WIDTH, MIN_EDGE_WIDTH, LayerDiagram

    doc_dict = {
        "nnviz": 1,
        "convention": "column",
        "layers": [2, 2, 1],
        "activations": ["identity", "identity"],
        "loss": "half_sse",
        "reduction": "mean",
        "learning_rate": 0.1,
        "train_biases": True,
        "X": [[1.0], [2.0]],
        "Y": [[0.0]],
        "W": [[[BIG, 0.5], [-0.25, 0.0]], [[BIG, 1.0]]],
        "b": [[0.0, 0.0], [0.0]],
    }
    doc = Document(session_from_dict(doc_dict))
    view = LayerDiagram(doc)
    qtbot.addWidget(view)
    view.resize(320, 360)
    view.show()
    qtbot.waitExposed(view)
    doc.go_to(step_id("forward", 2, "activation"))
    view.grab()
    widths = {e.key: e.width for e in view.edges}
    assert widths[(1, 0, 0)] == pytest.approx(MAX_EDGE_WIDTH)
    assert widths[(2, 0, 0)] == pytest.approx(MAX_EDGE_WIDTH)
    assert widths[(1, 1, 1)] == pytest.approx(MIN_EDGE_WIDTH)  # w = 0
    assert all(MIN_EDGE_WIDTH <= w <= MAX_EDGE_WIDTH for w in widths.values())
    out = view.node(2, 0)
    assert out is not None and out.value_text == "inf"  # A⁽²⁾ = 1e308·1e308 + ... = inf
    top = end_colours()[2]
    assert near(out.fill, top)
    h1 = view.node(1, 0)
    assert h1 is not None and h1.value_text == format_value(BIG + 1.0)
    doc.go_to(step_id("backward", 1, "delta"))  # δ = (A − Y)·… = inf, then inf·0 = nan
    view.grab()
    assert all(n.value_text for n in view.nodes if n.key[0] > 0)
    doc.deleteLater()


def test_a_downsampled_image_of_huge_values_neither_overflows_nor_warns(qapp):
    """784 cells of ±1e308 drawn a quarter pixel each: pyqtgraph averages blocks of cells,
    which for the values themselves overflows (a RuntimeWarning, and inf − inf = nan)."""
    import warnings

    import pyqtgraph as pg

    from nnviz.app.views.heatmap import MatrixItem

    values = np.where(np.arange(784) < 392, BIG, -BIG).reshape(1, 784)
    view = pg.GraphicsView()
    view.resize(400, 120)
    item = MatrixItem(0, view.scene())
    item.set_matrix(values, (-BIG, BIG), lut(), 4, theme_named("light"))
    item.place(0, 0, 0.25, 40)
    view.show()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.grab()
        item.image.render()
    assert item.image._lastDownsample[0] > 1  # the blocks were averaged
    image = item.image.qimage.convertToFormat(QImage.Format.Format_ARGB32)
    table = lut()
    first = QColor.fromRgba(image.pixel(0, 0)).getRgb()[:3]
    last = QColor.fromRgba(image.pixel(image.width() - 1, 0)).getRgb()[:3]
    assert first == tuple(table[-1]) and last == tuple(table[0])
    view.close()
