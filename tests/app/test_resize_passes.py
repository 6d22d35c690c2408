"""A resize of the window lays out what it changes before the window paints: the bottom
panel is fitted (colour_ui.BottomFit) at the update request, not after the paint, which laid
the centre out and painted the step, the equation and the derivation a second time."""

from PySide6.QtCore import QEvent, QObject, Qt


class Order(QObject):
    """What happens to the step canvas, in order: 'resize' and 'paint'."""

    def __init__(self, canvas) -> None:
        super().__init__()
        self.canvas, self.viewport = canvas, canvas.viewport()
        self.seen: list[str] = []
        canvas.installEventFilter(self)
        self.viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.canvas and event.type() == QEvent.Type.Resize:
            self.seen.append("resize")
        elif watched is self.viewport and event.type() == QEvent.Type.Paint:
            self.seen.append("paint")
        return False


def test_a_resize_fits_the_bottom_panel_before_the_window_paints(qapp, open_window, doc):
    win = open_window(doc, size=(1400, 900))
    for _ in range(2):
        qapp.processEvents()
    for size in ((700, 500), (1200, 800), (300, 200)):
        order = Order(win.step_view.canvas)
        win.resize(*size)
        qapp.processEvents()
        qapp.processEvents()
        assert not win.bottom_fit.pending()
        # the canvas takes its last size before it is painted, not after
        assert "paint" in order.seen and "resize" not in order.seen[order.seen.index("paint") :]
        # ...and that size is the fitted one: fitting again changes nothing
        sizes = win.splitter.sizes()
        win.bottom_fit.fit()
        assert win.splitter.sizes() == sizes


class FirstPaint(QObject):
    """The layout (`read()`) when the window is first painted."""

    def __init__(self, window, read) -> None:
        super().__init__()
        self.window, self.read = window, read
        self.layout = None
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint and self.layout is None:
            self.layout = self.read()
        return False


def test_leaving_presenter_mode_paints_the_layout_put_back(qtbot, qapp, window):
    """The layout is put back before the window paints: not painted first as the first
    restore left it, then again as the second put it back."""
    win = window
    win.resizeDocks([win.timeline_dock], [260], Qt.Orientation.Horizontal)
    win.splitter.setSizes([600, 180])
    qtbot.wait(20)

    def layout():
        docks = (win.timeline_dock, win.network_dock, win.loss_dock)
        return [d.geometry() for d in docks], win.splitter.sizes()

    before = layout()
    win.set_presenter(True)
    qtbot.wait(20)
    first = FirstPaint(win, layout)
    win.set_presenter(False)
    qapp.processEvents()
    qapp.processEvents()
    assert first.layout == before
    assert layout() == before
