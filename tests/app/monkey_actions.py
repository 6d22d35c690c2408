"""The monkey's random actions (tests/app/monkey.py does them): what a user might press,
click, type or paste next, drawn from a seeded generator and the window's current state.

An action is a plain tuple, ("kind", *arguments), so a run can be logged and replayed.
"""

import random
from collections.abc import Sequence

from PySide6.QtCore import Qt

from nnviz.app.document import RESULT, matrix_shape
from nnviz.resources import example_names

Action = tuple
Key = Qt.Key
KINDS = ("key", "click", "type", "paste", "undo", "example", "presenter", "resize", "view")
WEIGHTS = {
    "key": 30, "click": 22, "type": 16, "paste": 6, "undo": 10,
    "example": 1, "presenter": 2, "resize": 2, "view": 3,
}  # fmt: skip
KEYS = {  # the keymap (nnviz/app/keys.py, DESIGN §5) and a few keys that mean nothing yet
    "Right": Key.Key_Right,
    "Down": Key.Key_Down,
    "PageDown": Key.Key_PageDown,
    "Space": Key.Key_Space,
    "Left": Key.Key_Left,
    "Up": Key.Key_Up,
    "PageUp": Key.Key_PageUp,
    "Backspace": Key.Key_Backspace,
    "Home": Key.Key_Home,
    "End": Key.Key_End,
    "N": Key.Key_N,
    "F5": Key.Key_F5,
    "Esc": Key.Key_Escape,
    "Z": Key.Key_Z,
    "Y": Key.Key_Y,
    "Tab": Key.Key_Tab,
    "Enter": Key.Key_Return,
    "F2": Key.Key_F2,
    "B": Key.Key_B,
    "P": Key.Key_P,
    "T": Key.Key_T,
    "7": Key.Key_7,
}
KEY_WEIGHTS = [
    *[("Right", "")] * 6,
    *[("Left", "")] * 4,
    ("Down", ""),
    ("PageDown", ""),
    ("Space", ""),
    ("Up", ""),
    ("PageUp", ""),
    ("Backspace", ""),
    *[("Home", ""), ("End", "")] * 2,
    *[("N", "")] * 3,
    *[("N", "shift")] * 2,
    ("F5", ""),
    ("Esc", ""),
    *[("Z", "ctrl")] * 2,
    ("Z", "ctrl+shift"),
    ("Y", "ctrl"),
    ("Tab", ""),
    ("Enter", ""),
    ("F2", ""),
    ("B", ""),
    ("P", ""),
    ("T", ""),
    ("7", ""),
    ("Right", "ctrl"),
]
HOSTILE = [
    "1e308", "-1e308", "1.7976931348623157e308", "1e309", "-1e309", "1e160", "-1e160",
    "1e200", "-1e200", "1e154", "1e-320", "5e-324", "-0", "-0.0", "0", "+0", "nan", "NaN",
    "-nan", "inf", "-inf", "Infinity", "1e", "e5", "--1", "1,5", "1,000", "1.2.3", "0x10",
    "１２", "٣", "½", "\u22120.5", "  3  ", "", " ", "junk", "🙂", "ä", "'0.5'", "[1]",
    "1e99999", "1e-99999", "9" * 330, "0." + "0" * 330 + "1", "1_000", "\u22121e308", "1e+308",
    "12345678901234567890", "1e-5", "100", "-100", "0.5", "2", "-3",
]  # fmt: skip


def _extreme(text: str) -> bool:
    """1e30 or more (times the weights it meets, it overflows a loss), or subnormal (a step
    whose largest magnitude is 1e-320 overflowed its colour scale, colour_scale.LIFT): the
    numbers that found bugs of issue 9, left out only to look past one while it is fixed."""
    try:
        value = abs(float(text.replace("\u2212", "-")))
    except ValueError:
        return False
    return 1e30 <= value < float("inf") or 0 < value < 1e-300  # inf, 1e309: refused anyway


EXTREME = {t for t in HOSTILE if _extreme(t)}  # left out with NNVIZ_MONKEY_EXCLUDE=extreme
SIZES = [(50, 40), (120, 90), (300, 200), (640, 480), (800, 560), (1024, 768), (1600, 1000)]


class ActionMaker:
    """Draws the next action for `window` from `rng`; `exclude` leaves kinds out (KINDS, or
    "hostile": only plain numbers are typed and pasted)."""

    def __init__(self, window: object, rng: random.Random, exclude: Sequence[str] = ()) -> None:
        self.win = window
        self.doc = window.doc  # type: ignore[attr-defined]
        self.rng = rng
        self.exclude = set(exclude)
        self.kinds_done: set[str] = set()

    def next_action(self) -> Action:
        kinds = [k for k in WEIGHTS if k not in self.exclude]
        kind = self.rng.choices(kinds, [WEIGHTS[k] for k in kinds])[0]
        self.kinds_done.add(kind)
        return getattr(self, f"_make_{kind}")()

    # --- making actions ----------------------------------------------------------------------
    def _number_text(self) -> str:
        r = self.rng
        if "hostile" not in self.exclude and r.random() < 0.5:
            text = r.choice(HOSTILE)
            if "extreme" in self.exclude and text in EXTREME:
                text = "1e9"
            return text
        value = r.gauss(0, 1) * 10 ** r.uniform(-3, 2.5)
        return r.choice([f"{value:.4g}", repr(value), f"{value:.2f}", str(r.randint(-9, 9))])

    def _make_key(self) -> Action:
        keys = KEY_WEIGHTS
        if "presenter" in self.exclude:
            keys = [k for k in keys if k[0] != "F5"]
        if "undo" in self.exclude:
            keys = [k for k in keys if k[0] not in ("Z", "Y")]
        return ("key", *self.rng.choice(keys))

    def _make_undo(self) -> Action:
        return self.rng.choice(
            [("key", "Z", "ctrl"), ("key", "Z", "ctrl+shift"), ("menu", "undo"), ("menu", "redo")]
        )

    def _make_click(self) -> Action:
        r = self.rng
        where = r.choice(["step", "step", "step", "timeline", "diagram", "diagram", "loss"])
        if where == "step":
            layout = self.win.step_view.layout_
            if layout is not None and layout.matrices and r.random() < 0.85:
                shown = r.choice(layout.matrices)
                name = RESULT if shown.is_result else shown.operand.name
                rows, cols = self.win.step_view.matrix_view(name).shape
                hover = r.random() < 0.2
                return ("cell", name, r.randrange(max(rows, 1)), r.randrange(max(cols, 1)), hover)
        if where == "timeline":
            return ("timeline", r.randrange(self.doc.step_count))
        if where == "loss" and r.random() < 0.7:
            return ("loss", r.randint(1, self.doc.last_kept_iteration + 1))
        return ("point", where, round(r.random(), 3), round(r.random(), 3))

    def _make_type(self) -> Action:
        r = self.rng
        matrix, layer = r.choice(self._editable())
        rows, cols = self._shape(matrix, layer)
        how = r.choice(["F2", "double-click", "key"])
        end = r.choice(["Enter", "Enter", "Enter", "Enter", "Esc", "Tab", "click"])
        i, j = r.randrange(rows), r.randrange(cols)
        return ("type", matrix, layer, i, j, how, self._number_text(), end)

    def _make_paste(self) -> Action:
        r = self.rng
        matrix, layer = r.choice(self._editable())
        rows, cols = self._shape(matrix, layer)
        i, j = r.randrange(rows), r.randrange(cols)
        h, w = r.randint(1, rows - i), r.randint(1, cols - j)
        ph, pw = (h, w) if r.random() < 0.7 else (r.randint(1, 4), r.randint(1, 4))
        cells = [[self._number_text() for _ in range(pw)] for _ in range(ph)]
        style = r.choice(["tsv", "csv", "space", "numpy", "latex", "junk"])
        if style == "junk":
            text = r.choice(
                ["", "hello", "1\t2\n3", "[[1, 2], [3]]", "🙂" * 5, "\x00\x01", "1e308 " * 40]
            )
        elif style == "numpy":
            text = "np.array([" + ", ".join("[" + ", ".join(c) + "]" for c in cells) + "])"
        elif style == "latex":
            body = " \\\\ ".join(" & ".join(c) for c in cells)
            text = "\\begin{bmatrix}" + body + "\\end{bmatrix}"
        else:
            sep = {"tsv": "\t", "csv": ",", "space": " "}[style]
            text = "\n".join(sep.join(c) for c in cells)
        return ("paste", matrix, layer, i, j, h, w, text)

    def _make_example(self) -> Action:
        return ("example", self.rng.choice(example_names()), self.rng.choice(["discard", "cancel"]))

    def _make_presenter(self) -> Action:
        return ("presenter", self.rng.random() < 0.5)

    def _make_resize(self) -> Action:
        r = self.rng
        w, h = r.choice(SIZES) if r.random() < 0.7 else (r.randint(40, 1700), r.randint(30, 1100))
        return ("resize", w, h)

    def _make_view(self) -> Action:
        r = self.rng
        what = r.choice(["raise editors", "raise loss", "toggle dock", "precision", "theme"])
        if what == "toggle dock":
            return ("view", what, r.randrange(4))
        if what == "precision":
            return ("view", what, r.randint(1, 10))
        return ("view", what, 0)

    def _editable(self) -> list[tuple[str, int | None]]:
        s = self.doc.session
        out: list[tuple[str, int | None]] = [("X", None), ("Y", None)]
        for layer in range(1, s.depth + 1):
            out += [("W", layer), ("W", layer), ("b", layer)]
        return out

    def _shape(self, matrix: str, layer: int | None) -> tuple[int, int]:
        return matrix_shape(self.doc.session, matrix, layer)
