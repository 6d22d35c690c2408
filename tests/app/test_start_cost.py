"""What start-up builds: matrix slots as bare ViewBoxes sized to their cells, no menus made
for nothing, and modules only a later action needs left unimported until then."""

import os
import subprocess
import sys

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QTabBar

from nnviz.app.views.heatmap import MARGIN


def test_a_matrix_cell_spans_its_cell_size_inside_the_margin(qapp, open_window, doc):
    """Seed 001 at backward.1.grad_W: each shown matrix's cells are `px` scene pixels and
    its first cell starts MARGIN pixels inside the slot, to the half pixel the slot's size
    is rounded to (a stripped PlotItem's
    empty layout rows shrank the ViewBox: 74.5 px cells for 76)."""
    doc.go_to("backward.1.grad_W")
    win = open_window(doc, size=(1600, 1000))
    qapp.processEvents()
    view = win.step_view
    shown = view.matrices[: len(view.layout_.matrices)]
    assert len(shown) == 3  # Xᵀ · δ⁽¹⁾ = ∂L/∂W⁽¹⁾
    for m in shown:
        cw, ch = m.px
        rows, cols = m.shape
        top_left = m.cell_scene_pos(0, 0, at=(0.0, 0.0))
        bottom_right = m.cell_scene_pos(rows - 1, cols - 1, at=(1.0, 1.0))
        box = m.vb.sceneBoundingRect()
        assert abs((bottom_right.x() - top_left.x()) - cols * cw) < 0.5, (m.shape, m.px)
        assert abs((bottom_right.y() - top_left.y()) - rows * ch) < 0.5, (m.shape, m.px)
        assert abs(top_left.x() - box.left() - MARGIN) < 0.5
        assert abs(top_left.y() - box.top() - MARGIN) < 0.5
        assert m.cell_at(top_left + QPointF(1, 1)) == (0, 0)


def test_the_step_view_builds_no_plot_item_and_no_view_menus(qapp, open_window, doc):
    """The matrix slots are bare ViewBoxes; the shared scale's colour bar (a ColorBarItem, a
    whole PlotItem) is made only when View → Shared colour scale first shows it."""
    win = open_window(doc)
    scene = win.step_view.canvas.scene()
    assert [i for i in scene.items() if isinstance(i, pg.PlotItem)] == []
    boxes = [i for i in scene.items() if isinstance(i, pg.ViewBox)]
    assert len(boxes) == 4
    assert all(b.menu is None for b in boxes)
    assert win.loss_dock.widget().getPlotItem().vb.menu is None
    win.shared_scale_action.trigger()
    qapp.processEvents()
    plots = [i for i in scene.items() if isinstance(i, pg.PlotItem)]
    assert plots == [win.step_view.legend.bar]
    assert plots[0].isVisible()
    low, high = (t for _, t in plots[0].axis._tickLevels[0] if t != "0")
    assert (low, high) == ("-8", "+8")  # seed 001's X, the step's largest |value|


def _started_as_nnviz(tmp_path, then: str) -> str:
    """What `then` prints, run in a fresh interpreter in a window started as `nnviz` starts
    it (through autosave's open_windows; `window`, `app` and `sys` at hand), shut down
    after."""
    code = f"""
import sys
from pathlib import Path
from nnviz.app import launch
from nnviz.app.startup import ensure_app
session, path = launch.load_for_launch(None, None)
app = ensure_app()
opened = launch.open_windows(session, path, chosen=False, folder=Path({str(tmp_path)!r}),
                             persist=False)
window = opened[0].window
{then}
for o in opened:
    o.autosaver.close()
launch.shutdown(window, *(o.doc for o in opened))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_a_window_start_imports_neither_the_editors_nor_secrets(tmp_path):
    """A start as `nnviz` makes it (through autosave's open_windows) leaves the editors'
    module for when the Edit tab is first shown, and names temporary files with os.urandom,
    so `secrets` (and with it hmac and hashlib) is not imported."""
    out = _started_as_nnviz(
        tmp_path,
        """
window.show()
app.processEvents()
print(window.editors is None, "nnviz.app.autosave" in sys.modules,
      *(m in sys.modules for m in ("nnviz.app.views.editors", "secrets")))
""",
    )
    assert out.split() == ["True", "True", "False", "False"]


# What only a later action needs: the docks closed or behind a tab at start (Edit, Setup,
# Gradient check), their dialogs, File → Export…'s exporters, and the public API (PySide6
# probes every module imported after it for `__wrapped__`, which nnviz's lazy API answered
# by importing itself).
LATER = (
    "nnviz.app.views.editors",
    "nnviz.app.views.architecture_panel",
    "nnviz.app.views.parameter_changes",
    "nnviz.app.views.gradcheck_view",
    "nnviz.core.gradcheck",
    "nnviz.app.export",
    "nnviz.core.export_latex",
    "nnviz.core.export_numpy",
    "nnviz.core.export_torch",
    "nnviz.api",
)


def test_the_first_painted_frame_imports_no_module_only_a_later_action_needs(tmp_path):
    """Started as `nnviz` starts (and as benchmarks/gui.py times it), at the step view's
    first paint: none of LATER is imported, the Setup, Notes and Gradient check panels and
    practice mode (seed 001 has no exercises) are not made, yet their docks, tabs and View
    entries are there."""
    out = _started_as_nnviz(
        tmp_path,
        f"""
from PySide6.QtCore import QEvent, QObject
canvas = window.step_view.canvas.viewport()
seen = []

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched is canvas and not seen:
            seen.append([m for m in {LATER!r} if m in sys.modules])
            seen.append([a for a in ("architecture_panel", "notes", "gradcheck_view", "practice")
                         if a in vars(window)])
            app.exit(0)
        return False

spy = FirstPaint()
app.installEventFilter(spy)
app.exec()
app.removeEventFilter(spy)
entries = [a.text() for a in window.view_menu.actions()]
wanted = ("Setup", "Notes", "Gradient check", "Edit", "&Practice")
print(repr(seen), all(e in entries for e in wanted))
""",
    )
    assert out.split() == ["[[],", "[]]", "True"], out


def test_a_dock_made_on_demand_is_made_when_its_tab_is_first_clicked(qtbot, open_window, doc):
    """The Setup tab, behind Loss at start, holds a placeholder until it is clicked; then
    the panel is made on the session's numbers, shown in the dock, and the same one stays."""
    win = open_window(doc)
    assert "architecture_panel" not in vars(win)
    bar = next(t for t in win.findChildren(QTabBar) if t.isVisible() and "Setup" in _tabs(t))
    qtbot.mouseClick(
        bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(_tabs(bar).index("Setup")).center()
    )
    qtbot.waitUntil(lambda: "architecture_panel" in vars(win))
    panel = win.architecture_panel
    assert win.architecture_dock.widget() is panel
    qtbot.waitUntil(panel.isVisible)
    assert [row.units.value() for row in panel.rows] == [2, 3, 2]  # seed 001's 2-3-2 network
    assert win.architecture_panel is panel


def _tabs(bar: QTabBar) -> list[str]:
    return [bar.tabText(i) for i in range(bar.count())]
