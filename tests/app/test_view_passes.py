"""A press that starts a new iteration repaints the loss plot and the data view in the same
paint pass as the rest of the window, not in passes of their own (each pass repainted the
step canvas again: three times a press)."""

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget


class Passes(QObject):
    """Counts the window's paint passes (its update requests) and, per viewport watched,
    the passes it was painted in."""

    def __init__(self, window: QWidget, viewports: dict[str, QWidget]) -> None:
        super().__init__()
        self.window, self.viewports = window, viewports
        self.number = 0
        self.painted: dict[str, list[int]] = {name: [] for name in viewports}
        window.installEventFilter(self)
        for w in viewports.values():
            w.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.UpdateRequest:
            self.number += 1
        elif event.type() == QEvent.Type.Paint:
            for name, w in self.viewports.items():
                if watched is w:
                    self.painted[name].append(self.number)
        return False

    def remove(self) -> None:
        self.window.removeEventFilter(self)
        for w in self.viewports.values():
            w.removeEventFilter(self)


def test_a_new_iteration_paints_the_plots_in_the_windows_first_pass(qtbot, qapp, open_window, doc):
    win = open_window(doc, size=(1600, 1000))
    assert doc.session.layers[0] == 2 and win.data_view.plane.isVisible()
    win.step_view.setFocus()
    doc.go_to_iteration(3)
    for _ in range(2):  # the first new iteration settles the window's layout (a resize)
        doc.last_step()
        qapp.processEvents()
        qtbot.keyClick(win.step_view, Qt.Key.Key_Right)
        qapp.processEvents()
    doc.last_step()
    qapp.processEvents()
    passes = Passes(
        win,
        {
            "loss": win.loss_plot.viewport(),
            "plane": win.data_view.plane.viewport(),
            "step": win.step_view.canvas.viewport(),
        },
    )
    try:
        losses = len(doc.losses())
        qtbot.keyClick(win.step_view, Qt.Key.Key_Right)
        qapp.processEvents()
        assert doc.iteration == 6 and doc.step_index == 0 and len(doc.losses()) == losses + 1
        first = min(min(p) for p in passes.painted.values() if p)
        assert passes.painted["loss"] == [first]  # once, with the others
        assert passes.painted["plane"] == [first]
        assert passes.painted["step"] == [first]  # the step canvas once too
    finally:
        passes.remove()
    # and what they show is the new iteration's
    xs, ys = win.loss_plot.drawn_curve()
    assert int(xs[-1]) == 6 and ys[-1] == doc.loss
    assert win.loss_plot.marker.getData()[0].tolist() == [6.0]
