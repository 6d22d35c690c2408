"""A seeded monkey for the main window (issue 9): random user actions, invariants after each.

The monkey presses keys of the keymap, clicks step-view cells, the timeline, the diagram and
the loss plot, types hostile text into editor cells, pastes through the clipboard, undoes and
redoes, switches examples, toggles presenter mode and resizes the window down to 50×40.
After every action it checks the Document:

- the trace on screen equals a fresh `build_trace(doc.session)` (NaN-aware, sign of zero too);
- every undo command restores, bit for bit, the session it was made on (and redo the one it
  made), at the command's iteration, and every other iteration kept as it was then (an earlier
  edit in a later iteration included); with nothing left to undo, the session is the opened one
  trained to the iteration on screen; an edit that merges away leaves the session as it was;
- the keys do what the keymap says (Ctrl+Z undoes, Right steps, F5 toggles presenter mode);
- no Python exception escaped into Qt (the caller passes the list its excepthook fills).

Every action is a plain tuple (monkey_actions.py draws them), so a run can be logged and
replayed. A crash (a signal) kills the process: tests/app/monkey_run.py runs seeds in child
processes, names the action that killed one, replays a log and shrinks it.
"""

import random
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QMessageBox,
)

from nnviz.app.commands import SetNoteCommand
from nnviz.app.keys import is_editor
from nnviz.core.session import Session
from nnviz.core.session_file import load_session
from nnviz.core.trace import Trace, build_trace
from nnviz.resources import example_path
from tests.app.monkey_actions import KEYS, Action, ActionMaker
from tests.app.monkey_checks import session_diff, trace_diff, trained

PAINT_EVERY = 4  # keys and clicks: the window is painted after every fourth (see perform)
Key, Mod, Button = Qt.Key, Qt.KeyboardModifier, Qt.MouseButton
CTRL, SHIFT = Mod.ControlModifier, Mod.ShiftModifier


def name_of(widget: object) -> str:
    name = widget.objectName() if hasattr(widget, "objectName") else ""
    return f"{type(widget).__name__} {name}".strip()


class MonkeyFailure(AssertionError):
    pass


@dataclass
class Command:
    """What the monkey saw of one undo command: the session it was made on and made, and the
    iterations kept (from `first`) when it was made."""

    iteration: int
    before: Session
    after: Session
    first: int
    kept: tuple[Session, ...]


@contextmanager
def answering(answer: QMessageBox.StandardButton) -> Iterator[None]:
    """ "Save the changes?" answered without a modal loop (File → Open Example asks it)."""
    saved = QMessageBox.question
    QMessageBox.question = lambda *_a, **_k: answer  # type: ignore[method-assign]
    try:
        yield
    finally:
        QMessageBox.question = saved  # type: ignore[method-assign]


class Monkey:
    """Random actions on one shown MainWindow; `run(n)` or `perform(action)` plus `check()`.

    `errors` is the list the caller's excepthook fills (pytest-qt's capture_exceptions);
    `exclude` names action kinds (KINDS) or "hostile" (only plain numbers are typed) to leave
    out, so a run can stay green while a known bug is being fixed.
    """

    def __init__(
        self,
        window: object,
        seed: int,
        errors: Sequence[object] = (),
        exclude: Sequence[str] = (),
        log: Callable[[Action], None] | None = None,
    ) -> None:
        self.win = window
        self.doc = window.doc  # type: ignore[attr-defined]
        self.seed = seed
        self.maker = ActionMaker(window, random.Random(seed), exclude)
        self.errors = errors
        self.exclude = set(exclude)
        self.on_action = log
        self.recent: deque[str] = deque(maxlen=20)
        self.count = 0
        self.paints = 0  # actions and undo steps after which the window was painted
        self._checked: tuple[Session, Trace] | None = None
        self._reset_model()

    # --- the model of the undo stack ---------------------------------------------------------
    def _reset_model(self) -> None:
        self.origin = self.doc.session
        self.pristine: list[Session] = [self.origin]  # the origin trained k iterations
        self.commands: list[Command | None] = [None] * self.doc.undo_stack.count()
        self._tags: dict[int, Command] = {}
        self._low = 0  # the lowest stack index since the last undo pass (see undo_all_and_back)

    def _pristine(self, iteration: int) -> Session:
        while len(self.pristine) < iteration:
            self.pristine.append(trained(self.pristine[-1], len(self.pristine) + 1))
        return self.pristine[iteration - 1]

    def _command(self, k: int) -> Command | None:
        cmd = self.doc.undo_stack.command(k)
        return self._tags.get(id(cmd)) if getattr(cmd, "_monkey", False) else None

    def _tag(self, k: int, rec: Command) -> None:
        cmd = self.doc.undo_stack.command(k)
        cmd._monkey = True  # the Python object outlives no command: ids stay unique
        self._tags[id(cmd)] = rec

    def _state(self) -> tuple[int, int, Session, int, object, int, tuple[Session, ...]]:
        st, h = self.doc.undo_stack, self.doc.history
        top = st.command(st.index() - 1) if st.index() else None
        return (
            st.index(),
            st.count(),
            self.doc.session,
            self.doc.iteration,
            top,
            h.first,
            (h.sessions()),
        )

    def _expect(self, what: str, iteration: int, session: Session) -> None:
        if self.doc.iteration != iteration:
            self.fail(f"{what}: on iteration {self.doc.iteration}, expected {iteration}")
        diff = session_diff(self.doc.session, session)
        if diff:
            self.fail(f"{what}: the session differs at {diff}")

    def _expect_kept(self, what: str, rec: Command, below: int | None = None) -> None:
        """Every iteration kept both now and when `rec` was made (below `below` if given)
        holds the same session as then."""
        h = self.doc.history
        then_last = rec.first + len(rec.kept) - 1
        if below is None and h.first <= h.last < then_last:
            # Iterations trained after the command's iteration may be dropped by a redo and
            # not come back: training from the last kept must then give them exactly.
            s = h.session(h.last)
            for k in range(h.last + 1, then_last + 1):
                s = trained(s, k)
                diff = session_diff(s, rec.kept[k - rec.first]) if k >= rec.first else ""
                if diff:
                    self.fail(f"{what}: iteration {k} is gone and training gives {diff}")
        last = min(h.last, then_last, (below or h.last + 1) - 1)
        for k in range(max(h.first, rec.first), last + 1):
            now, then = h.session(k), rec.kept[k - rec.first]
            diff = "" if now is then else session_diff(now, then)
            if diff:
                self.fail(f"{what}: iteration {k} is not as it was, at {diff}")

    def _account(self, before: tuple[int, int, Session, int, object, int, tuple]) -> None:
        """Match what the undo stack did in the last action with what the session did."""
        index0, count0, session0, iteration0, top0, first0, kept0 = before
        index, count, session = self._state()[:3]
        self._low = min(self._low, index0, index)
        st, h = self.doc.undo_stack, self.doc.history
        top = st.command(index - 1) if index else None
        note = top if index == index0 + 1 else st.command(index) if index == index0 - 1 else None
        if isinstance(note, SetNoteCommand) or (
            index == index0 - 1 and count < count0 and isinstance(top0, SetNoteCommand)
        ):
            self._expect_note(note, index > index0, iteration0, session0)
        elif index == index0 + 1 and (top is not top0 and not getattr(top, "_monkey", False)):
            # A new command, made in the iteration the action started in: what that
            # iteration holds now (a click that commits an editor may then go elsewhere).
            made = h.session(iteration0) if iteration0 in h else session
            self._tag(index - 1, Command(iteration0, session0, made, first0, kept0))
        elif index == index0 + 1:
            rec = self._command(index - 1)
            if rec is not None:
                self._expect("redo", rec.iteration, rec.after)
                self._expect_kept("redo", rec, below=rec.iteration)
        elif index == index0 and index and top is top0:
            rec = self._command(index - 1)  # typed again into the same cell: merged
            now = h.session(rec.iteration) if rec is not None and rec.iteration in h else None
            if now is not None and now is not rec.after and session_diff(now, rec.after):
                rec.after = now
        elif index == index0 - 1 and count < count0 and count == index:
            rec = self._tags.get(id(top0))  # merged back to the first value: gone
            if rec is not None:
                self._expect("an edit merged away", rec.iteration, rec.before)
                self._expect_kept("an edit merged away", rec)
        elif index == index0 - 1:
            rec = self._command(index)
            if rec is not None:
                self._expect("undo", rec.iteration, rec.before)
                self._expect_kept("undo", rec)
        elif index != index0:
            self.fail(f"the undo stack went from {index0}/{count0} to {index}/{count}")
        if index == 0:
            self._expect(
                "nothing left to undo", self.doc.iteration, self._pristine(self.doc.iteration)
            )

    def _expect_note(self, note: object, forward: bool, iteration: int, session: Session) -> None:
        """A speaker note belongs to the session, not to an iteration: typing, undoing or
        redoing one leaves the iteration and every number alone and sets the note's text."""
        if self.doc.iteration != iteration:
            self.fail(
                f"a note's undo step moved from iteration {iteration} to {self.doc.iteration}"
            )
        diff = session_diff(self.doc.session, session)
        if diff:
            self.fail(f"a note's undo step changed the numbers at {diff}")
        if isinstance(note, SetNoteCommand):
            text = self.doc.note(note.step_id)
            if text != (note.new if forward else note.old):
                self.fail(f"the note on {note.step_id} reads {text!r} after its undo step")

    # --- checks ------------------------------------------------------------------------------
    def fail(self, message: str) -> None:
        actions = "\n".join(f"  {a}" for a in self.recent)
        raise MonkeyFailure(
            f"monkey seed {self.seed} (replay: NNVIZ_MONKEY_SEED={self.seed}), action "
            f"{self.count}: {message}\nlast {len(self.recent)} actions:\n{actions}"
        )

    def check(self) -> None:
        if self.errors:
            first = self.errors[0]
            if isinstance(first, tuple):  # pytest-qt's (type, value, traceback)
                first = "".join(traceback.format_exception(*first))
            self.fail(f"an exception escaped into Qt:\n{first}")
        doc = self.doc
        if not (doc.first_kept_iteration <= doc.iteration <= doc.last_kept_iteration):
            self.fail(f"iteration {doc.iteration} is not kept")
        if not 0 <= doc.step_index < doc.step_count:
            self.fail(f"step {doc.step_index} of {doc.step_count}")
        seen = (doc.session, doc.trace)
        if self._checked is not None and all(
            a is b for a, b in zip(seen, self._checked, strict=True)
        ):
            return  # the same session and trace objects as last checked: nothing to recompute
        self._checked = seen
        try:
            fresh = build_trace(doc.session)
        except Exception as e:  # the core refuses a session the window holds
            self.fail(f"build_trace(doc.session) raised {e!r}")
        diff = trace_diff(doc.trace, fresh)
        if diff:
            self.fail(f"the trace shown is not the session's: {diff}")

    def _undo_all_and_back(self, down_to: int = 0) -> None:
        """Undo every command (down to `down_to`), then redo them all, checking each against
        what it was made on, and undo back to where the stack was."""
        st = self.doc.undo_stack
        index = st.index()
        # Each step is checked; the window is painted once at the end of each pass (its
        # views were refreshed at every step: only the pixels of the steps between are
        # skipped, as Qt itself merges the updates of a quick series of undos).
        while st.index() > down_to:
            self._step_stack(st.undo, "undo everything", paint=st.index() == down_to + 1)
        while st.canRedo():
            self._step_stack(st.redo, "redo everything", paint=not st.canRedo())
        while st.index() > index:
            self._step_stack(st.undo, "undo back", paint=st.index() == index + 1)
        self._low = st.index()

    def _step_stack(self, move: Callable[[], None], what: str, paint: bool = True) -> None:
        before = self._state()
        self.recent.append(f"({what}: {before[0]} → {before[0] + (1 if 'redo' in what else -1)})")
        self._guard(move, paint)
        self._account(before)
        self.check()

    # --- running -----------------------------------------------------------------------------
    def _guard(self, do: Callable[[], object], paint: bool | Callable[[], bool] = True) -> None:
        try:
            do()
            if callable(paint):
                paint = paint()
            self.paints += paint
            if paint:  # deferred commits, single-shot timers, then the paints they asked for
                QApplication.processEvents()
                QApplication.processEvents()
            else:  # an editor's queued commit and layouts, but no paint: paints are most of
                # the time, and Qt merges the updates of the actions in between into one.
                # Only the delegate's queued calls: the graphics scenes' queued updates,
                # delivered here, paint their views at once (a paint per step, unasked).
                self._deliver_commit()
                QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        except MonkeyFailure:
            raise
        except Exception as e:  # PySide re-raises an override's error in the caller
            self.fail(
                "an exception reached the monkey:\n" + traceback.format_exc(limit=12) + repr(e)
            )

    def _deliver_commit(self) -> None:
        """An Enter in a cell editor commits through a queued call to the table's delegate."""
        ed = self.win.editors
        if ed is not None:
            QCoreApplication.sendPostedEvents(ed.table.itemDelegate(), QEvent.Type.MetaCall)

    def perform(self, action: Action) -> None:
        self.count += 1
        self.recent.append(repr(action))
        if self.on_action is not None:
            self.on_action(action)
        self._before = self._state()
        self._replaced = False
        # Paints are most of the time (15 ms each, whatever the window's size). A resize, an
        # example, the presenter mode or a view change is always painted, and so is a typed
        # or pasted number that changed the session (paint errors come from new values and
        # new sizes); other actions every PAINT_EVERY-th.
        cheap = action[0] in ("key", "cell", "point", "timeline", "loss", "menu")
        every = self.count % PAINT_EVERY == 0
        session = self.doc.session

        def paint() -> bool:
            if action[0] in ("type", "paste"):
                return every or self.doc.session is not session
            return every or not cheap

        self._guard(lambda: getattr(self, f"_do_{action[0]}")(*action[1:]), paint)
        if not self._replaced:
            self._account(self._before)
        self.check()

    def _settle(self) -> None:
        """Account for what happened so far in this action (a click that committed an open
        cell editor), so that each push is matched with the session it was made on."""
        self._account(self._before)
        self.check()
        self._before = self._state()

    def run(self, n: int, undo_every: int = 500) -> None:
        for k in range(n):
            self.perform(self.maker.next_action())
            if (k + 1) % undo_every == 0:
                self.undo_all_and_back(full=False)
        self.undo_all_and_back()

    def undo_all_and_back(self, full: bool = True) -> None:
        """Undo everything and back. Not `full`: only down to the lowest index the stack
        reached since the last pass. The commands below it, and what their undo and redo
        restore, are the same objects as when that pass checked them (an undo gives back
        the history its redo dropped, and nothing else touches it), so checking them again
        is redundant; the last pass of a run and one before a session is replaced go to 0,
        where the session must be the opened one, bit for bit."""
        if "undo" not in self.exclude:
            self._undo_all_and_back(0 if full else min(self._low, self.doc.undo_stack.index()))

    # --- doing actions -------------------------------------------------------------------------
    def _target(self) -> object:
        focus = QApplication.focusWidget()
        return focus if focus is not None and focus.window() is self.win else self.win

    def _do_key(self, name: str, mods: str) -> None:
        m = Mod.NoModifier
        if "ctrl" in mods:
            m |= CTRL
        if "shift" in mods:
            m |= SHIFT
        target = self._target()
        doc, win, st = self.doc, self.win, self.doc.undo_stack
        was = (doc.iteration, doc.step_index, doc.step_count, win.presenter, st.index())
        modal = QApplication.activeModalWidget() or QApplication.activePopupWidget()
        editing = is_editor(target) or modal is not None
        text_field = isinstance(target, QLineEdit | QAbstractSpinBox) or bool(modal)
        blanked = win.presenter_mode.blanked  # B or `.` blanked it: a key only brings it back
        walking = doc.term_walk >= 0  # T lit a term: Esc stops the walk first (Help: Keyboard)
        QTest.keyClick(target, KEYS[name], m)
        it, ix, count, presenter, index = was
        focus = f"presenter mode {presenter}, focus on {name_of(target)}"
        if blanked and not modal:
            now = (doc.iteration, doc.step_index, doc.step_count, win.presenter, st.index())
            if win.presenter_mode.blanked or now != was:
                self.fail(f"{name} {mods} on the blank screen did more than unblank ({focus})")
            return
        if name == "Z" and mods == "ctrl" and not text_field and index and st.index() != index - 1:
            self.fail(f"Ctrl+Z did not undo ({focus})")
        redoable = index < st.count() and not text_field
        if name == "Z" and mods == "ctrl+shift" and redoable and st.index() != index + 1:
            self.fail(f"Ctrl+Shift+Z did not redo ({focus})")
        if name == "F5" and win.presenter == presenter:
            self.fail(f"F5 did not toggle presenter mode ({focus})")
        # While T walks a cell's terms the first Esc stops the walk; else it leaves presenter
        # mode.
        stopped_walk = walking and doc.term_walk < 0
        if name == "Esc" and presenter and win.presenter and not text_field and not stopped_walk:
            self.fail(f"Esc did not leave presenter mode nor stop the walk ({focus})")
        if editing or mods not in ("", "shift"):
            return
        now = (doc.iteration, doc.step_index)
        wrong = {
            ("Home", ""): doc.step_index != 0,
            ("End", ""): doc.step_index != doc.step_count - 1,
            ("Right", ""): ix < count - 1 and now != (it, ix + 1),
            ("Left", ""): ix > 0 and now != (it, ix - 1),
            ("N", "shift"): it > doc.first_kept_iteration and doc.iteration != it - 1,
        }.get((name, mods), False)
        if wrong:
            self.fail(f"{name} {mods}: from iteration {it} step {ix} to {now} ({focus})")

    def _do_menu(self, which: str) -> None:
        (self.win.undo_action if which == "undo" else self.win.redo_action).trigger()

    def _click(self, widget: object, pos: QPoint, double: bool = False) -> None:
        QTest.mouseClick(widget, Button.LeftButton, Mod.NoModifier, pos)
        if double:
            QTest.mouseDClick(widget, Button.LeftButton, Mod.NoModifier, pos)

    def _do_cell(self, name: str, i: int, j: int, hover: bool) -> None:
        view = self.win.step_view
        try:
            m = view.matrix_view(name)
        except KeyError:
            return  # not in this step: the action does nothing
        rows, cols = m.shape
        if not (i < rows and j < cols):
            return
        pos = view.cell_point(name, i, j)
        if hover:
            QTest.mouseMove(view.canvas.viewport(), pos)
        else:
            self._click(view.canvas.viewport(), pos)

    def _do_timeline(self, index: int) -> None:
        tl = self.win.timeline
        if index >= self.doc.step_count:
            return
        item = tl.item_for(self.doc.trace.steps[index].id)
        rect = tl.visualItemRect(item)
        if rect.isValid() and tl.isVisible() and tl.viewport().rect().contains(rect.center()):
            self._click(tl.viewport(), rect.center())
            # A press that commits an open editor can show its refusal, which grows a window
            # smaller than its minimum size: the list then moves under the mouse.
            moved = tl.visualItemRect(item) != rect
            if (
                not (moved or is_editor(QApplication.focusWidget()))
                and self.doc.step_index != index
            ):
                self.fail(f"a click on the timeline's step {index} went to {self.doc.step_index}")

    def _do_loss(self, k: int) -> None:
        plot = self.win.loss_plot
        vb = plot.getPlotItem().vb
        pos = plot.mapFromScene(vb.mapViewToScene(QPointF(k, vb.viewRect().center().y())))
        self._click(plot.viewport(), pos)

    def _do_point(self, where: str, fx: float, fy: float) -> None:
        widget = {
            "step": self.win.step_view.canvas.viewport(),
            "diagram": self.win.network,
            "loss": self.win.loss_plot.viewport(),
            "timeline": self.win.timeline.viewport(),
        }[where]
        self._click(widget, QPoint(int(fx * widget.width()), int(fy * widget.height())))

    def _editors(self) -> object | None:
        """The editors, shown as a user would show them (View → Edit, then its tab)."""
        win = self.win
        if win.presenter:
            return None
        self._settle()
        if not win.editors_dock.isVisible():
            win.editors_dock.toggleViewAction().trigger()
        if win.editors is None or not win.editors.isVisible():
            win.editors_dock.raise_()
            QApplication.processEvents()  # lay the table out before aiming at a cell
        ed = win.editors
        return ed if ed is not None and ed.isVisible() else None

    def _open_cell(self, matrix: str, layer: int | None, i: int, j: int, how: str, first: str):
        ed = self._editors()
        if ed is None:
            return None
        from nnviz.app.commands import matrix_label

        label = matrix_label(matrix, layer)
        tabs = [ed.selector.tabText(k) for k in range(ed.selector.count())]
        if label not in tabs:
            return None
        self._click(ed.selector, ed.selector.tabRect(tabs.index(label)).center())
        self._settle()
        if ed.current_matrix != (matrix, layer):
            return None  # the tab is out of sight in a small window
        table = ed.table
        index = ed.model.index(i, j)
        rect = table.visualRect(index)
        if not rect.isValid() or not table.viewport().rect().contains(rect.center()):
            return None
        self._click(table.viewport(), rect.center())
        self._settle()
        if how == "double-click":
            QTest.mouseDClick(table.viewport(), Button.LeftButton, Mod.NoModifier, rect.center())
        if how == "F2":
            QTest.keyClick(table, Key.Key_F2)
        elif how == "key" and first:
            self._type(table, first)  # any key starts editing with that key (AnyKeyPressed)
        if table.state() != QAbstractItemView.State.EditingState:
            return None
        return ed, table.indexWidget(index)

    def _type(self, widget: object, text: str) -> None:
        for ch in text:
            if ch.isascii() and ch.isprintable():
                QTest.keyClick(widget, ch)
            else:  # what a keyboard layout or an input method sends for other characters
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(widget, QKeyEvent(kind, 0, Mod.NoModifier, ch))

    def _do_type(self, matrix, layer, i, j, how, text, end) -> None:
        opened = self._open_cell(matrix, layer, i, j, how, text[:1] if how == "key" else "")
        if opened is None:
            return
        _, editor = opened
        if not isinstance(editor, QLineEdit):
            return
        if how != "key":
            QTest.keyClick(editor, Key.Key_A, CTRL)  # replace what is there
        self._type(editor, text if how != "key" else text[1:])
        if end == "click":  # leave it open; the next action (a click elsewhere) commits it
            return
        QTest.keyClick(
            editor, {"Enter": Key.Key_Return, "Esc": Key.Key_Escape, "Tab": Key.Key_Tab}[end]
        )
        if end in ("Enter", "Esc"):  # DESIGN §5: the keys go back to stepping
            self._deliver_commit()  # Enter's commit
            table, focus = self.win.editors.table, QApplication.focusWidget()
            editing = table.state() == QAbstractItemView.State.EditingState
            if not editing and is_editor(focus):
                self.fail(f"{end} in a cell editor left the keys to {name_of(focus)}")

    def _do_paste(self, matrix, layer, i, j, h, w, text) -> None:
        opened = self._editors()
        if opened is None:
            return
        ed = opened
        from nnviz.app.commands import matrix_label

        label = matrix_label(matrix, layer)
        tabs = [ed.selector.tabText(k) for k in range(ed.selector.count())]
        if label not in tabs:
            return
        self._click(ed.selector, ed.selector.tabRect(tabs.index(label)).center())
        self._settle()
        if ed.current_matrix != (matrix, layer):
            return
        table = ed.table
        a, b = (
            table.visualRect(ed.model.index(i, j)),
            table.visualRect(ed.model.index(i + h - 1, j + w - 1)),
        )
        if not (a.isValid() and table.viewport().rect().contains(a.center())):
            return
        self._click(table.viewport(), a.center())
        self._settle()
        if b.isValid() and table.viewport().rect().contains(b.center()):
            QTest.mouseClick(table.viewport(), Button.LeftButton, SHIFT, b.center())
        QApplication.clipboard().setText(text)
        QTest.keyClick(table, Key.Key_V, CTRL)

    def _do_example(self, name: str, answer: str) -> None:
        ed = self.win.editors
        if ed is not None and ed.table.state() == QAbstractItemView.State.EditingState:
            ed.finish_editing()  # what Open Example does first: accounted for on its own
            QApplication.processEvents()
            return
        self.undo_all_and_back(full=answer == "discard" or not self.doc.modified)
        button = QMessageBox.StandardButton
        reply = button.Discard if answer == "discard" else button.Cancel
        act = next(a for a in self.win.examples_menu.actions() if a.data() == name)
        before = self.doc.session
        asked = self.doc.modified
        with answering(reply):
            act.trigger()
        QApplication.processEvents()
        if asked and answer == "cancel":
            diff = session_diff(self.doc.session, before)
            if diff:
                self.fail(f"Open Example, then Cancel, changed the session at {diff}")
            return
        expected = load_session(example_path(name))
        diff = session_diff(self.doc.session, expected)
        if diff:
            self.fail(f"Open Example {name}: the session differs at {diff}")
        if self.doc.undo_stack.count():
            self.fail("Open Example left commands to undo")
        self._reset_model()
        self._replaced = True

    def _do_presenter(self, on: bool) -> None:
        (self.win.presenter_action if on else self.win.leave_presenter_action).trigger()

    def _do_resize(self, w: int, h: int) -> None:
        if self.win.presenter:
            self.win.set_presenter(False)  # View → Presenter mode off: a full screen keeps its size
        self.win.resize(w, h)

    def _do_view(self, what: str, arg: int) -> None:
        win = self.win
        if what == "raise editors":
            win.editors_dock.raise_()
        elif what == "raise loss":
            win.loss_dock.raise_()
        elif what == "toggle dock" and not win.presenter:
            win._docks()[arg].toggleViewAction().trigger()
        elif what == "precision":
            win.precision_box.setValue(arg)
        elif what == "theme":
            win.dark_action.trigger()
