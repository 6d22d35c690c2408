"""View-menu actions for legibility: the colour scale (one per matrix, or shared), the
colour map, the type size (Ctrl+plus / Ctrl+minus / Ctrl+0), and the bottom panel sized to
the lines it shows, so the step keeps the rest of the window.

`install(window)` is called once from MainWindow._install_features. The choices are view
state (how the step is drawn, not what the session holds), kept in QSettings.
"""

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel

from nnviz.app.guard import guarded
from nnviz.app.theme import COLOUR_MAPS, DEFAULT_MAP, current_theme, set_colour_map
from nnviz.app.views.kept import Kept

if TYPE_CHECKING:
    from nnviz.app.main_window import MainWindow

TYPE_STEP = 1.15  # Ctrl+plus multiplies the type size by this
MIN_TYPE, MAX_TYPE = 0.7, 3.0
MAX_BOTTOM_SHARE = 0.45  # the bottom panel never takes more of the centre than this
MIN_STEP_PX = 220  # nor leaves the step less than this
# A panel taller than its texts need by less than this keeps its height: stepping between
# equations a few pixels apart (220, 221, 207 px) resized the step, which laid it out again.
SLACK_PX = 24
MAX_REMEMBERED = 256  # bottom panel heights kept


class BottomFit(QObject):
    """Gives the bottom panel (equation and derivation) the height its lines need, up to
    MAX_BOTTOM_SHARE of the centre, on each step, selection, type size and resize; what is
    longer scrolls. A drag of the splitter hands its size to the user until the next
    presenter switch."""

    def __init__(self, window: "MainWindow") -> None:
        super().__init__(window)
        self.window = window
        self.auto = True
        self._labels: list[QLabel] = []  # the bottom panel's texts (what its height follows)
        # Heights measured, per width, type size and texts: stepping back and forth, undo
        # and redo show the same few texts again.
        self._needed = Kept(MAX_REMEMBERED)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        doc = window.doc
        for signal in (
            doc.cursorMoved,
            doc.selectionChanged,
            doc.scaleChanged,
            doc.precisionChanged,
            doc.traceRecomputed,
            doc.structureChanged,
        ):
            signal.connect(self.schedule)
        doc.scaleChanged.connect(self._on_scale)
        window.splitter.splitterMoved.connect(self._on_dragged)
        # The splitter's own resizes, and the bottom's when something else (the window's
        # default sizes) set the splitter: fitted again at once.
        window.splitter.installEventFilter(self)
        window.bottom.installEventFilter(self)
        window.installEventFilter(self)  # its update requests: fitted before it paints

    def pending(self) -> bool:
        """Whether a fit is waiting for the event loop (tests wait for the layout to settle)."""
        return self._timer.isActive()

    def schedule(self, *_args: object) -> None:
        """Fit before the window's next paint (its update request), once for the changes
        since the last: keys faster than the screen measured the panel at each."""
        self._timer.start()  # this object's: it dies with the window, never firing late
        # Its filter first again (the last installed is asked first): the sizes are set
        # before the views that draw at that update request (step_view, before_paint) lay
        # themselves out, not after, which laid the step out again as it painted.
        self.window.installEventFilter(self)

    def _on_dragged(self, *_args: object) -> None:
        self.auto = False

    def _on_scale(self, *_args: object) -> None:
        self.auto = True  # presenter mode on or off: fit again
        self.fit()

    def needed(self, width: int) -> int:
        """The bottom panel's height for its equation and derivation at `width`, remembered
        per width, type size and texts: it is asked on every step, selection and resize
        (several times for an undo), and measuring the rich text lays it out again each time."""
        w = self.window
        for panel in (w.equation_panel, w.explanation_panel):
            panel.before_paint.ensure()  # their texts as they will be painted
        labels = self._labels
        if not labels:
            labels = self._labels = self.window.bottom.findChildren(QLabel)
        key = (width, self.window.doc.scale, *((lb.text(), lb.isVisible()) for lb in labels))
        return self._needed.made(key, lambda: self._measure(width))

    def _measure(self, width: int) -> int:
        w = self.window
        margins = w.bottom.layout().contentsMargins()
        inner_w = max(100, width - margins.left() - margins.right() - 4)
        eq = w.equation_panel.layout()
        eq_h = eq.totalHeightForWidth(inner_w) if eq.hasHeightForWidth() else -1
        if eq_h < 0:
            eq_h = eq.totalSizeHint().height()
        expl_h = w.explanation_panel.needed_height(inner_w - 16)  # room for a scroll bar
        spacing = w.bottom.layout().spacing()
        mine = margins.top() + margins.bottom() + eq_h + spacing + expl_h + 6
        # ... and never less than the layout itself asks (it squeezes the equation else).
        lay = w.bottom.layout()
        least = lay.totalHeightForWidth(width) if lay.hasHeightForWidth() else -1
        return max(mine, least, lay.totalMinimumSize().height())

    def fit(self, *_args: object) -> None:
        splitter = self.window.splitter
        total = sum(splitter.sizes())
        if not self.auto or total <= 0:
            return
        want = self.needed(splitter.width())
        most = min(round(total * MAX_BOTTOM_SHARE), max(0, total - MIN_STEP_PX))
        bottom = max(min(want, most), self.window.bottom.minimumSizeHint().height(), 80)
        current = splitter.sizes()
        if bottom <= current[1] <= min(bottom + SLACK_PX, most):
            return  # room enough, and less than a line too much: the step keeps its room
        sizes = [total - bottom, bottom]
        if sizes != current:
            splitter.setSizes(sizes)

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 -- Qt's name
        kind = event.type()
        if watched is self.window:
            if kind == QEvent.Type.UpdateRequest and self._timer.isActive():
                # Before the window paints what the resize laid out: fitted after the
                # paint, the whole centre was laid out and painted again (a resize of the
                # window painted the step, the equation and the derivation twice).
                self._timer.stop()
                self.fit()
                # What the panels' new texts and the new sizes lay out, laid out now: painted
                # in this pass, not in one after it.
                QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        elif kind in (QEvent.Type.Resize, QEvent.Type.Show):
            # After the resize, not inside it: sizes set while the splitter lays itself out
            # leave its handle where it was.
            self.schedule()
        return False


def _settings(window: "MainWindow") -> QSettings | None:
    return QSettings() if window.persist else None


def set_shared_scale(window: "MainWindow", on: bool) -> None:
    window.step_view.set_shared_scale(on)
    window.shared_scale_action.setChecked(on)
    s = _settings(window)
    if s is not None:
        s.setValue("view/sharedScale", on)


def choose_map(window: "MainWindow", name: str) -> None:
    """Draw every heatmap (and the diagram) with colour map `name`."""
    app = QApplication.instance()
    if app is None or name not in COLOUR_MAPS:
        return
    set_colour_map(app, name)  # type: ignore[arg-type]
    window.colour_map_actions[name].setChecked(True)
    window.doc.themeChanged.emit(window.doc.theme)  # what the views draw with changed
    s = _settings(window)
    if s is not None:
        s.setValue("view/colourMap", name)


def change_type(window: "MainWindow", factor: float | None) -> None:
    """Type larger or smaller by `factor` (None: back to this mode's size)."""
    doc = window.doc
    base = 1.45 if window.presenter else 1.0
    scale = base if factor is None else doc.scale * factor
    doc.set_scale(min(MAX_TYPE, max(MIN_TYPE, round(scale, 3))))


def _action(window: "MainWindow", text: str, slot: object, *keys: str) -> QAction:
    action = QAction(text, window)
    if keys:
        action.setShortcuts([QKeySequence(k) for k in keys])
    action.triggered.connect(slot)
    window.addAction(action)  # keys work in presenter mode, where the menu bar is hidden
    return action


def install(window: "MainWindow") -> None:
    menu = window.view_menu
    menu.addSeparator()
    shared = _action(window, "&Shared colour scale", lambda on: set_shared_scale(window, on))
    shared.setCheckable(True)
    shared.setToolTip("one colour scale for every matrix of the step (else one each)")
    window.shared_scale_action = shared
    menu.addAction(shared)
    maps = menu.addMenu("Colour &map")
    group = QActionGroup(window)
    window.colour_map_actions = {}
    for name, cmap in COLOUR_MAPS.items():
        act = _action(window, cmap.title, lambda _on=False, n=name: choose_map(window, n))
        act.setCheckable(True)
        group.addAction(act)
        maps.addAction(act)
        window.colour_map_actions[name] = act
    window.colour_map_actions[current_theme().map_name].setChecked(True)
    larger = _action(window, "&Larger type", lambda: change_type(window, TYPE_STEP), "Ctrl++")
    larger.setShortcuts([QKeySequence("Ctrl++"), QKeySequence("Ctrl+=")])
    smaller = _action(window, "S&maller type", lambda: change_type(window, 1 / TYPE_STEP), "Ctrl+-")
    reset = _action(window, "&Normal type size", lambda: change_type(window, None), "Ctrl+0")
    for act in (larger, smaller, reset):
        menu.addAction(act)
    window.bottom_fit = BottomFit(window)
    s = _settings(window)
    if s is not None:
        if str(s.value("view/sharedScale", "false")).lower() == "true":
            set_shared_scale(window, True)
        chosen = str(s.value("view/colourMap", DEFAULT_MAP))
        if chosen in COLOUR_MAPS and chosen != current_theme().map_name:
            choose_map(window, chosen)
