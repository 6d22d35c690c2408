"""The architecture panel: the layers and their units and activations, the loss, the batch
reduction, the learning rate, L2 weight decay λ, whether biases train, the convention, the
initialisation, and Reset (issue 11, "Edit everything").

Every change is a core edit (nnviz/core/edits.py) of the session on screen, handed to the
Document as ONE undo step named for the Edit menu ("add a unit to layer 1", "convention →
row"). A refused combination (a hidden softmax, cross-entropy without a softmax output, bce
without a sigmoid: they would need a full Jacobian) shows the core's message here and changes
nothing; the widgets go back to what the session holds. After an accepted edit the panel lists
the matrices it changed (core `changed_matrices`), so a new unit's W and b are named.

The widgets only mirror the Document (`sync`, with signals blocked): a spin box never edits
from a value the Document set. Spin boxes have no keyboard tracking, so typing "12" is one
edit, not "1" then "12".
"""

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnviz.app.clipboard import exact_text, parse_number
from nnviz.app.document import Document
from nnviz.app.guard import guarded
from nnviz.app.theme import current_theme
from nnviz.app.views.cell_editor import ERROR_COLOURS
from nnviz.app.views.follow import follow, ignore
from nnviz.core import edits
from nnviz.core.activations import ACTIVATIONS
from nnviz.core.errors import NnvizError
from nnviz.core.formatting import format_value
from nnviz.core.init import SCHEMES, scheme_of
from nnviz.core.losses import LOSSES, REDUCTIONS
from nnviz.core.session import Session
from nnviz.core.session_file import MAX_UNITS

CONVENTIONS = (("column", "column · W·X"), ("row", "row · X·W"))
MAX_SEED = 2**31 - 1
NEW_LAYER_UNITS = 3  # the units a new hidden layer starts with (the spin box beside it)


def narrow_combo(name: str) -> QComboBox:
    """A combo box that shrinks with a narrow dock (its list still shows whole names)."""
    box = QComboBox()
    box.setObjectName(name)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(3)
    return box


def layer_title(layer: int, depth: int) -> str:
    if layer == 0:
        return "<b>input</b> · layer 0"
    return f"<b>output</b> · layer {layer}" if layer == depth else f"<b>hidden</b> · layer {layer}"


def units_label(layer: int, old: int, new: int) -> str:
    """The Edit menu's name of a change of units: 'add a unit to layer 1'."""
    if new == old + 1:
        return f"add a unit to layer {layer}"
    if new == old - 1:
        return f"remove a unit from layer {layer}"
    return f"units of layer {layer} {old} → {new}"


class UndoPassThrough(QObject):
    """Ctrl+Z (Ctrl+Shift+Z) in a field with nothing of its own to undo (redo) is the Edit
    menu's. After Enter the field shows what the session holds and its own undo history is
    empty (setText clears it), so the user's next Ctrl+Z takes back the edit just made;
    a QLineEdit would otherwise swallow the key and do nothing."""

    @guarded(False)
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 -- Qt's name
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(watched, QLineEdit):
            return False
        assert isinstance(event, QKeyEvent)
        if event.matches(QKeySequence.StandardKey.Undo):
            return not watched.isUndoAvailable()  # True: the field never sees it
        if event.matches(QKeySequence.StandardKey.Redo):
            return not watched.isRedoAvailable()
        return False


class LayerRow:
    """The widgets of one layer: its units, its activation (not the input's), and − for a
    hidden layer."""

    def __init__(self, panel: "ArchitecturePanel", layer: int, depth: int) -> None:
        self.layer = layer
        self.title = QLabel(layer_title(layer, depth))
        self.units = QSpinBox()
        self.units.setObjectName(f"units{layer}")
        self.units.setRange(1, MAX_UNITS)
        self.units.setKeyboardTracking(False)
        self.units.setAccelerated(False)
        self.units.setToolTip(f"the units of layer {layer}")
        self.units.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.units.setMinimumWidth(52)  # 4 digits and the arrows: the dock is narrow
        self.units.valueChanged.connect(lambda n: panel.set_units(layer, n))
        self.activation: QComboBox | None = None
        if layer > 0:
            self.activation = narrow_combo(f"activation{layer}")
            self.activation.addItems(list(ACTIVATIONS))
            self.activation.setToolTip(f"the activation of layer {layer}")
            self.activation.currentTextChanged.connect(
                lambda name: panel.set_activation(layer, name)
            )
        self.remove: QToolButton | None = None
        if 0 < layer < depth:
            self.remove = QToolButton()
            self.remove.setObjectName(f"remove{layer}")
            self.remove.setText("−")
            self.remove.setFixedWidth(22)
            self.remove.setToolTip(f"remove hidden layer {layer}")
            self.remove.clicked.connect(lambda: panel.remove_layer(layer))

    def widgets(self) -> list[QWidget]:
        return [w for w in (self.title, self.units, self.activation, self.remove) if w]

    def sync(self, s: Session) -> None:
        with QSignalBlocker(self.units):
            self.units.setValue(s.layers[self.layer])
        if self.activation is not None:
            with QSignalBlocker(self.activation):
                self.activation.setCurrentText(s.activations[self.layer - 1])


class ArchitecturePanel(QWidget):
    """The panel on one Document: `ArchitecturePanel(document)`; dock it anywhere."""

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = document
        self.setObjectName("architecturePanel")
        self.rows: list[LayerRow] = []
        self.open_changes: Callable[[], None] | None = None  # set by architecture_ui

        self.layers_box = QGroupBox("Layers")
        self.grid = QGridLayout(self.layers_box)
        self.grid.setContentsMargins(4, 4, 4, 4)
        self.grid.setHorizontalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        self.grid.setVerticalSpacing(3)
        for col, text in enumerate(("units", "activation")):
            header = QLabel(text)
            header.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            self.grid.addWidget(header, 0, col)
        self.add_units = QSpinBox()
        self.add_units.setObjectName("newLayerUnits")
        self.add_units.setRange(1, MAX_UNITS)
        self.add_units.setValue(NEW_LAYER_UNITS)
        self.add_units.setToolTip("the units of the hidden layer that + adds")
        self.add_units.setSuffix(" units")
        self.add_units.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.add_button = QPushButton("+ layer")
        self.add_button.setObjectName("addLayer")
        self.add_button.setToolTip("add a hidden layer before the output layer")
        self.add_button.clicked.connect(self.add_layer)
        adder = QHBoxLayout()
        adder.addWidget(self.add_button)
        adder.addWidget(self.add_units, 1)
        self.adder = adder

        training = QGroupBox("Loss and training")
        form = QFormLayout(training)
        form.setContentsMargins(4, 4, 4, 4)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.loss = narrow_combo("lossBox")
        self.loss.addItems(list(LOSSES))
        self.loss.currentTextChanged.connect(self.set_loss)
        self.reduction = narrow_combo("reductionBox")
        self.reduction.addItems(list(REDUCTIONS))
        self.reduction.currentTextChanged.connect(self.set_reduction)
        self.learning_rate = QLineEdit()
        self.learning_rate.setObjectName("learningRate")
        self.learning_rate.setToolTip("η: 0.5, .5, 1e-3, 1/3 or 0,5; Enter applies it")
        self.learning_rate.setMinimumWidth(60)
        self.learning_rate.editingFinished.connect(self.set_learning_rate)
        self.l2 = QLineEdit()
        self.l2.setObjectName("l2Weight")
        self.l2.setToolTip(
            "λ of L2 weight decay: the loss gains (λ/2)·ΣW² (biases not decayed) and each "
            "∂L/∂W gains λ·W; 0 turns it off. Enter applies it"
        )
        self.l2.setMinimumWidth(60)
        self.l2.editingFinished.connect(self.set_l2)
        self._undo_pass = UndoPassThrough(self)
        for field in (self.learning_rate, self.l2):
            field.installEventFilter(self._undo_pass)
        self.train_biases = QCheckBox("biases train")
        self.train_biases.setObjectName("trainBiases")
        self.train_biases.toggled.connect(self.set_train_biases)
        self.convention = narrow_combo("conventionBox")
        for key, text in CONVENTIONS:
            self.convention.addItem(text, key)
        self.convention.currentIndexChanged.connect(self.set_convention)
        self.samples = QLabel()
        self.samples.setObjectName("sampleCount")
        self.add_sample_button = QToolButton()
        self.add_sample_button.setObjectName("addSample")
        self.add_sample_button.setText("+")
        self.add_sample_button.setFixedWidth(22)
        self.add_sample_button.setToolTip("add a sample to X and Y (a copy of the last)")
        self.add_sample_button.clicked.connect(self.add_sample)
        self.remove_sample_button = QToolButton()
        self.remove_sample_button.setObjectName("removeSample")
        self.remove_sample_button.setText("−")
        self.remove_sample_button.setFixedWidth(22)
        self.remove_sample_button.setToolTip("remove the last sample from X and Y")
        self.remove_sample_button.clicked.connect(self.remove_sample)
        batch = QHBoxLayout()
        batch.addWidget(self.samples, 1)
        batch.addWidget(self.add_sample_button)
        batch.addWidget(self.remove_sample_button)
        form.addRow(batch)
        form.addRow("Loss", self.loss)
        form.addRow("Reduction", self.reduction)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("L2 weight decay λ", self.l2)
        form.addRow("", self.train_biases)
        form.addRow("Convention", self.convention)

        init = QGroupBox("Initialisation")
        init_grid = QFormLayout(init)
        init_grid.setContentsMargins(4, 4, 4, 4)
        self.scheme = narrow_combo("initScheme")
        self.scheme.addItems(list(SCHEMES))
        self.seed = QSpinBox()
        self.seed.setObjectName("initSeed")
        self.seed.setRange(0, MAX_SEED)
        self.seed.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.seed.setMinimumWidth(70)
        self.reinit_button = QPushButton("Re-initialise")
        self.reinit_button.setObjectName("reinitialise")
        self.reinit_button.setToolTip("draw every W and b anew by this scheme and seed")
        self.reinit_button.clicked.connect(self.reinitialise)
        init_grid.addRow("Scheme", self.scheme)
        init_grid.addRow("Seed", self.seed)
        init_grid.addRow(self.reinit_button)

        self.reset_button = QPushButton("Reset to as opened")
        self.reset_button.setObjectName("resetSession")
        self.reset_button.setToolTip("iteration 1 as the session was opened (undo takes it back)")
        self.reset_button.clicked.connect(self.reset)
        self.changes_button = QPushButton("How W and b changed…")
        self.changes_button.setObjectName("showChanges")
        self.changes_button.clicked.connect(lambda: self.open_changes and self.open_changes())
        buttons = QVBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.changes_button)

        self.changed = QLabel()
        self.changed.setObjectName("changedMatrices")
        self.changed.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("archMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()

        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(2, 4, 2, 4)
        column.setSpacing(6)
        for w in (self.layers_box, training, init):
            column.addWidget(w)
        column.addLayout(buttons)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)  # what the last edit did stays in sight above the scrolling
        outer.setContentsMargins(0, 2, 0, 0)
        for label in (self.message, self.changed):
            label.setContentsMargins(4, 0, 4, 0)
        outer.setSpacing(2)
        outer.addWidget(self.message)
        outer.addWidget(self.changed)
        outer.addWidget(scroll, 1)

        self._applying = False
        document.undo_stack.indexChanged.connect(self._on_undo_index)
        follow(document, self.sync, ignore, step=False, iteration=True)
        document.sessionReplaced.connect(self._on_session_replaced)
        self.sync()

    # --- mirroring the Document ---------------------------------------------------------------
    def _build_rows(self, depth: int) -> None:
        """One row per layer; old widgets are deleted later (one of them may be the sender
        of the signal that brought us here)."""
        for row in self.rows:
            for w in row.widgets():
                self.grid.removeWidget(w)
                w.hide()
                w.deleteLater()
        self.grid.removeItem(self.adder)
        self.rows = [LayerRow(self, layer, depth) for layer in range(depth + 1)]
        for k, row in enumerate(self.rows):  # the title above units, activation and −
            self.grid.addWidget(row.title, 2 * k + 1, 0, 1, 3)
            self.grid.addWidget(row.units, 2 * k + 2, 0)
            if row.activation is not None:
                self.grid.addWidget(row.activation, 2 * k + 2, 1)
            if row.remove is not None:
                self.grid.addWidget(row.remove, 2 * k + 2, 2)
        self.grid.addLayout(self.adder, 2 * len(self.rows) + 1, 0, 1, 3)

    def sync(self) -> None:
        s = self.doc.session
        if len(self.rows) != s.depth + 1:
            self._build_rows(s.depth)
        for row in self.rows:
            row.sync(s)
        for box, text in ((self.loss, s.loss), (self.reduction, s.reduction)):
            with QSignalBlocker(box):
                box.setCurrentText(text)
        with QSignalBlocker(self.learning_rate):
            self.learning_rate.setText(exact_text(s.learning_rate))  # reads back exactly
        with QSignalBlocker(self.l2):
            self.l2.setText(exact_text(s.l2))
        with QSignalBlocker(self.train_biases):
            self.train_biases.setChecked(s.train_biases)
        with QSignalBlocker(self.convention):
            self.convention.setCurrentIndex(self.convention.findData(s.convention))
        self.samples.setText(f"batch of {s.batch}")
        scheme, seed = scheme_of(s.init)
        with QSignalBlocker(self.scheme), QSignalBlocker(self.seed):
            self.scheme.setCurrentText(scheme)
            self.seed.setValue(seed)

    def _on_undo_index(self, _index: int) -> None:
        if not self._applying:
            self.changed.clear()  # an undo, a redo or another editor: the list is stale

    def _on_session_replaced(self) -> None:
        self.changed.clear()
        self.clear_message()

    # --- messages -------------------------------------------------------------------------------
    def show_refusal(self, message: str) -> None:
        colour = ERROR_COLOURS.get(current_theme().name, ERROR_COLOURS["light"])
        self.message.setStyleSheet(f"color: {colour}")
        self.message.setText(message)
        self.message.show()

    def clear_message(self) -> None:
        self.message.clear()
        self.message.hide()

    # --- edits --------------------------------------------------------------------------------
    def apply(
        self,
        label: str,
        change: Callable[[Session], Session],
        iteration: int | None = None,
    ) -> bool:
        """Run a core edit on the session on screen and hand it to the Document as one undo
        step; a refusal shows the core's message and changes nothing."""
        before = self.doc.session
        try:
            after = change(before)
        except NnvizError as e:
            self.show_refusal(str(e))
            self.sync()  # the widget the user moved goes back to what the session holds
            return False
        self.clear_message()
        changed = edits.changed_matrices(before, after)
        self._applying = True
        try:
            pushed = self.doc.apply_session_edit(label, after, iteration)
        finally:
            self._applying = False
        if not pushed:
            self.sync()
            return False
        self.changed.setText(
            f"{label[:1].upper()}{label[1:]}: changed "
            + (", ".join(changed) if changed else "no matrix")
        )
        return True

    def set_units(self, layer: int, units: int) -> bool:
        old = self.doc.session.layers[layer]
        return self.apply(
            units_label(layer, old, units), lambda s: edits.set_units(s, layer, units)
        )

    def add_layer(self) -> bool:
        s = self.doc.session
        n, position = self.add_units.value(), s.depth
        label = f"add hidden layer {position} ({n} unit{'s' if n != 1 else ''})"
        return self.apply(label, lambda s: edits.add_hidden_layer(s, position, n))

    def remove_layer(self, layer: int) -> bool:
        return self.apply(
            f"remove hidden layer {layer}", lambda s: edits.remove_hidden_layer(s, layer)
        )

    def set_activation(self, layer: int, name: str) -> bool:
        old = self.doc.session.activations[layer - 1]
        label = f"activation of layer {layer} {old} → {name}"
        return self.apply(label, lambda s: edits.set_activation(s, layer, name))

    def set_loss(self, name: str) -> bool:
        label = f"loss {self.doc.session.loss} → {name}"
        return self.apply(label, lambda s: edits.set_loss(s, name))

    def set_reduction(self, name: str) -> bool:
        label = f"reduction {self.doc.session.reduction} → {name}"
        return self.apply(label, lambda s: edits.set_reduction(s, name))

    def _typed(self, field: QLineEdit, old: float, name: str) -> float | None:
        """The number typed in `field`, or None when it is `old` (focus left it unchanged,
        and editingFinished says so too) or refused (said; the text stays, so the user can
        correct it)."""
        if field.text().strip() == exact_text(old):
            return None
        try:
            value = parse_number(field.text(), name)
        except NnvizError as e:
            self.show_refusal(str(e))
            return None
        return None if value == old else value

    def set_learning_rate(self) -> bool:
        old = self.doc.session.learning_rate
        rate = self._typed(self.learning_rate, old, "learning rate")
        if rate is None:
            return False
        label = f"learning rate {format_value(old)} → {format_value(rate)}"
        return self.apply(label, lambda s: edits.set_learning_rate(s, rate))

    def set_l2(self) -> bool:
        """λ of the L2 penalty, typed as the learning rate is; the core refuses a negative."""
        old = self.doc.session.l2
        l2 = self._typed(self.l2, old, "L2 weight decay λ")
        if l2 is None:
            return False
        label = f"L2 weight decay λ {format_value(old)} → {format_value(l2)}"
        return self.apply(label, lambda s: edits.set_l2(s, l2))

    def set_train_biases(self, on: bool) -> bool:
        label = "biases train" if on else "biases frozen"
        return self.apply(label, lambda s: edits.set_train_biases(s, on))

    def set_convention(self, _index: int = -1) -> bool:
        name = self.convention.currentData()
        return self.apply(f"convention → {name}", lambda s: edits.set_convention(s, name))

    def add_sample(self) -> bool:
        n = self.doc.session.batch
        return self.apply(f"add sample {n + 1}", edits.add_sample)

    def remove_sample(self) -> bool:
        n = self.doc.session.batch
        return self.apply(f"remove sample {n}", lambda s: edits.remove_sample(s, n - 1))

    def reinitialise(self) -> bool:
        scheme, seed = self.scheme.currentText(), self.seed.value()
        label = f"re-initialise ({scheme}, seed {seed})"
        return self.apply(label, lambda s: edits.reinitialise(s, scheme, seed))

    def reset(self) -> bool:
        """Iteration 1 as opened; the later iterations are dropped (undo puts them back)."""
        first = 1 if 1 in self.doc.history else None
        opened = self.doc.opened_session
        return self.apply("reset to the session as opened", lambda s: opened, first)
