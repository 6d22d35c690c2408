"""The timeline: the iteration's steps grouped like the seeds' flowcharts, FORWARD / LOSS /
BACKWARD / UPDATE and by layer; the step on screen highlighted; a click jumps to a step."""

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from nnviz.app.document import Document
from nnviz.app.views.follow import follow, ignore
from nnviz.core.step_kinds import phase_of, step_kind
from nnviz.core.steps import Step

STEP_ROLE = Qt.ItemDataRole.UserRole


def short_label(step: Step) -> str:
    """`multiply  X · W⁽¹⁾`, `activate  σ(Z⁽¹⁾)`, `δ  δ⁽²⁾`, `update  W⁽²⁾`: the core's."""
    return step_kind(step).label(step)


class Timeline(QTreeWidget):
    def __init__(self, doc: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("timeline")
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setIndentation(14)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._items: list[QTreeWidgetItem] = []
        self.itemClicked.connect(self._on_item_clicked)
        self.verticalScrollBar().rangeChanged.connect(self._fit_width)  # shown or hidden
        self.itemActivated.connect(self._on_item_clicked)
        follow(doc, self._highlight, ignore, iteration=True, rebuild=self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        with QSignalBlocker(self):
            self.clear()
            self._items = []
            self._bold = None
            bold = QFont(self.font())
            bold.setBold(True)
            groups: dict[str, QTreeWidgetItem] = {}
            layers: dict[tuple[str, int], QTreeWidgetItem] = {}
            for index, step in enumerate(self.doc.trace.steps):
                phase = phase_of(step)
                group = groups.get(phase.name)
                if group is None:
                    group = QTreeWidgetItem(self, [phase.title])
                    group.setFont(0, bold)
                    group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    groups[phase.name] = group
                parent = group
                if step.layer is not None and phase.by_layer:
                    key = (phase.name, step.layer)
                    parent = layers.get(key)  # type: ignore[assignment]
                    if parent is None:
                        parent = QTreeWidgetItem(group, [f"Layer {step.layer}"])
                        parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
                        layers[key] = parent
                if phase.single:  # the loss: its group is its entry
                    group.setText(0, f"{phase.title}  {step_kind(step).detail(step)}")
                    group.setData(0, STEP_ROLE, index)
                    group.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                    group.setToolTip(0, f"{step.title}\n{step.equation}")
                    self._items.append(group)
                    continue
                item = QTreeWidgetItem(parent, [short_label(step)])
                item.setData(0, STEP_ROLE, index)
                item.setToolTip(0, step.title)
                self._items.append(item)
            self.expandAll()
        self._fit_width()
        self._highlight()

    def _fit_width(self, *_args: object) -> None:
        """As wide as its widest entry (bold: the step on screen is), so no label is cut;
        the scroll bar's width too while it shows (a short window)."""
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        widest = 0
        for item in self._all_items():
            depth, parent = 0, item.parent()
            while parent is not None:
                depth, parent = depth + 1, parent.parent()
            widest = max(
                widest, depth * self.indentation() + metrics.horizontalAdvance(item.text(0))
            )
        bar = self.verticalScrollBar()
        scroll = bar.sizeHint().width() if bar.maximum() > 0 else 0
        width = widest + scroll + 2 * self.frameWidth() + 8  # 8: the item's text margins
        if width != self.minimumWidth():
            self.setMinimumWidth(width)

    def _all_items(self) -> list[QTreeWidgetItem]:
        items, todo = [], [self.topLevelItem(k) for k in range(self.topLevelItemCount())]
        while todo:
            item = todo.pop(0)
            items.append(item)
            todo += [item.child(k) for k in range(item.childCount())]
        return items

    def _on_item_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        index = item.data(0, STEP_ROLE)
        if index is not None:
            self.doc.go_to(int(index))

    def _highlight(self) -> None:
        with QSignalBlocker(self):
            previous = getattr(self, "_bold", None)
            if previous is not None and previous < len(self._items):
                self._set_bold(self._items[previous], previous == self.doc.step_index)
            current = self._items[self.doc.step_index]
            self._set_bold(current, True)
            self._bold = self.doc.step_index
            self.setCurrentItem(current)
            self.scrollToItem(current)

    @staticmethod
    def _set_bold(item: QTreeWidgetItem, bold: bool) -> None:
        font = item.font(0)
        bold = bold or item.parent() is None  # group titles stay bold
        if font.bold() != bold:
            font.setBold(bold)
            item.setFont(0, font)

    def item_for(self, step_id: str) -> QTreeWidgetItem:
        """The entry of step `step_id` (for tests and tools)."""
        return self._items[self.doc.trace.index(step_id)]
