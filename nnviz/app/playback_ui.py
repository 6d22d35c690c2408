"""Playback in the window: Play/Pause (toolbar, Go menu, Ctrl+Space), the speed, and when to
stop (a menu on the toolbar). The controller is `playback.Playback`; this only wires it."""

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSlider,
    QSpinBox,
    QStyle,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from nnviz.app.playback import MAX_SPEED, SPEEDS, Playback, StopWhen
from nnviz.app.views.data_view import DataView

if TYPE_CHECKING:
    from nnviz.app.main_window import MainWindow

PLAY_KEY = "Ctrl+Space"
VERTICAL = Qt.Orientation.Vertical


class StopForm(QWidget):
    """The stop conditions as a small form: 0 (or unticked) means not on that condition."""

    def __init__(self, playback: Playback, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playbackStopForm")
        self.playback = playback
        form = QFormLayout(self)
        form.setContentsMargins(10, 8, 10, 8)
        self.iterations = QSpinBox()
        self.iterations.setObjectName("stopIterations")
        self.iterations.setRange(0, 10_000_000)
        self.iterations.setSpecialValueText("no limit")
        self.iterations.setToolTip("pause after this many iterations (0: no limit)")
        self.loss = QDoubleSpinBox()
        self.loss.setObjectName("stopLoss")
        self.loss.setDecimals(6)
        self.loss.setRange(0.0, 1e9)
        self.loss.setSingleStep(0.01)
        self.loss.setSpecialValueText("off")
        self.loss.setToolTip("pause once an iteration's loss is at or below this (0: off)")
        self.epoch = QCheckBox("at the end of the epoch")
        self.epoch.setObjectName("stopEpoch")
        form.addRow("iterations", self.iterations)
        form.addRow("loss ≤", self.loss)
        form.addRow("", self.epoch)
        for box in (self.iterations, self.loss):
            box.valueChanged.connect(self._changed)
        self.epoch.toggled.connect(self._changed)

    def _changed(self) -> None:
        n, loss = self.iterations.value(), self.loss.value()
        self.playback.set_stop_when(
            StopWhen(n if n > 0 else None, loss if loss > 0 else None, self.epoch.isChecked())
        )


class PlaybackControls:
    """The toolbar's Play action, speed slider and stop menu for one window."""

    def __init__(self, window: "MainWindow") -> None:
        self.window = window
        self.playback = Playback(window.doc, window)
        sp = QStyle.StandardPixmap
        self.play_action = QAction("Play", window)
        self.play_action.setObjectName("playAction")
        self.play_action.setShortcut(QKeySequence(PLAY_KEY))
        self.play_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.play_action.setIcon(window.style().standardIcon(sp.SP_MediaPlay))
        self.play_action.setToolTip(f"Play: train and show it ({PLAY_KEY})")
        self.play_action.triggered.connect(self.playback.toggle)
        window.addAction(self.play_action)  # works in presenter mode too (no menu bar)
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setObjectName("playbackSpeed")
        self.speed.setRange(0, MAX_SPEED)
        self.speed.setPageStep(1)
        self.speed.setValue(self.playback.speed)
        self.speed.setFixedWidth(96)
        self.speed.setToolTip("playback speed: one step a second … as fast as the machine allows")
        self.speed_label = QLabel()
        self.speed_label.setObjectName("playbackSpeedLabel")
        self.speed.valueChanged.connect(self._on_speed)
        self.stop_form = StopForm(self.playback)
        self.stop_button = QToolButton()
        self.stop_button.setObjectName("playbackStopButton")
        self.stop_button.setText("Stop when…")
        self.stop_button.setToolTip("pause by itself: after N iterations, below a loss, per epoch")
        self.stop_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.stop_button)
        holder = QWidgetAction(menu)
        holder.setDefaultWidget(self.stop_form)
        menu.addAction(holder)
        self.stop_button.setMenu(menu)
        self._build_toolbar()
        window.go_menu.addSeparator()
        window.go_menu.addAction(self.play_action)
        self.playback.playingChanged.connect(self._on_playing)
        self.playback.paused.connect(self._on_paused)
        self._on_speed(self.speed.value())

    def _build_toolbar(self) -> None:
        tb = self.window.toolbar
        tb.addSeparator()
        tb.addAction(self.play_action)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(6)
        row.addWidget(self.speed)
        row.addWidget(self.speed_label)
        tb.addWidget(box)
        tb.addWidget(self.stop_button)

    def _on_speed(self, index: int) -> None:
        self.playback.set_speed(index)
        text = SPEEDS[self.playback.speed].label
        self.speed_label.setText("max" if text.startswith("as fast") else text)
        self.speed.setToolTip(f"playback speed: {text}")

    def _on_playing(self, playing: bool) -> None:
        sp = QStyle.StandardPixmap
        icon = sp.SP_MediaPause if playing else sp.SP_MediaPlay
        self.play_action.setIcon(self.window.style().standardIcon(icon))
        self.play_action.setText("Pause" if playing else "Play")
        verb = "Pause" if playing else "Play: train and show it"
        self.play_action.setToolTip(f"{verb} ({PLAY_KEY})")

    def _on_paused(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 15000)


def install_data_dock(window: "MainWindow") -> None:
    """The Data dock under the Steps one (left: the right column keeps its room for the
    network, the loss and the editors): the samples over the decision map, or the batch's
    pictures. Presenter mode hides it with the window's own docks."""
    window.data_view = view = DataView(window.doc)  # type: ignore[attr-defined]
    dock = window._dock("Data", "dataDock", view, Qt.DockWidgetArea.LeftDockWidgetArea)
    window.data_dock = dock  # type: ignore[attr-defined]
    window.splitDockWidget(window.timeline_dock, dock, VERTICAL)
    window.view_menu.addAction(dock.toggleViewAction())
    shown_before = [True]

    def on_scale(_scale: float) -> None:  # set_presenter sets the type scale, then returns
        if window.presenter and dock.isVisible():
            shown_before[0] = True
            dock.hide()
        elif not window.presenter and shown_before[0]:
            shown_before[0] = False
            dock.show()

    window.doc.scaleChanged.connect(on_scale)
    frame_sizes = window.apply_default_dock_sizes

    def sizes() -> None:  # the window's own proportions, then the steps over a square map
        frame_sizes()
        h = max(window.height(), 600)
        side = window.timeline_dock.width() + 30  # the map square, with its axes and legend
        window.resizeDocks([dock], [min(side, round(h * 0.45))], VERTICAL)

    window.apply_default_dock_sizes = sizes  # type: ignore[method-assign]


def install(window: "MainWindow") -> None:
    """Add Play/Pause, the speed and the stop conditions, and the Data dock, to the window."""
    window.playback = PlaybackControls(window)  # type: ignore[attr-defined]
    install_data_dock(window)
