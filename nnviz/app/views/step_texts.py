"""The texts and marks on the step view's matrices: each caption's rich text, what a matrix
shown only in colours says instead of its numbers, and the cells outlined and framed (moved
out of step_view.py, which was full)."""

from nnviz.app.document import RESULT, Document
from nnviz.app.theme import Theme
from nnviz.app.views.caption_item import Caption, Line
from nnviz.app.views.caption_room import COLOUR_NOTE, note_lines
from nnviz.app.views.heatmap import MatrixItem
from nnviz.app.views.step_layout import StepLayout

MAX_LISTED = 6  # a colour-only matrix's caption lists at most this many outlined numbers


def caption_of(caption: tuple[str, str, str], theme: Theme, extra: str, scale: float) -> Caption:
    """A matrix's caption: its name, its shape, its note and `extra` (what a matrix shown
    only in colours says instead of its numbers, lines split at "<br>"), at type scale
    `scale`: the name bold in the text colour, the rest smaller and muted."""
    label, shape, note = caption
    big, small = round(15 * scale), round(12 * scale)
    rest = [shape, *note_lines(note), *(extra.split("<br>") if extra else [])]
    return Caption(
        (
            Line(label, big, True, theme.text),
            *(Line(text, small, False, theme.muted) for text in rest),
        )
    )


def colour_only_extra(item: MatrixItem, picked: bool) -> str:
    """What `item` says under its caption: nothing when its numbers show; else that it is in
    colours only and, when a cell is `picked` (selected: a hover must not move the captions
    under it), the numbers of its outlined (or selected) cells, so the cells a derivation
    uses can still be read."""
    if item.numbers_visible():
        return ""
    cells = sorted(item.outlined or {item.selected} - {None}) if picked else []
    rows, cols = item.shape  # outlines may still be the last step's (refresh)
    cells = [(i, j) for i, j in cells if i < rows and j < cols]
    values = [item.overlay.text(i, j) for i, j in cells[:MAX_LISTED]]
    more = " …" if len(cells) > MAX_LISTED else ""
    extra = "<br>".join(COLOUR_NOTE)
    if values:
        # Two a line, under their heading: a narrow caption, clear of the next.
        lines = [", ".join(values[r : r + 2]) for r in range(0, len(values), 2)]
        extra += "<br>outlined:<br>" + ",<br>".join(lines) + more
    return extra


def outlined_cells(
    doc: Document, layout: StepLayout
) -> tuple[dict[int, set[tuple[int, int]]], dict[int, tuple[int, int]]]:
    """Per shown matrix: the focused cell's term cells to outline (every term's, or the
    term T walked to), and the focused cell itself, to frame (as drawn)."""
    focus = doc.focus_cell()
    marks: dict[int, set[tuple[int, int]]] = {k: set() for k in range(len(layout.matrices))}
    selected: dict[int, tuple[int, int]] = {}
    if focus is not None:
        for k, shown in enumerate(layout.matrices):
            if (focus.target == RESULT and shown.is_result) or (
                focus.target == shown.operand.name and not shown.is_result
            ):
                selected[k] = shown.to_shown(focus.row, focus.col)
        for ref in doc.lit_refs():  # every term's cells, or the term T walked to
            for k, shown in enumerate(layout.matrices):
                if shown.operand.name == ref.operand and not shown.is_result:
                    marks[k].add(shown.to_shown(ref.row, ref.col))
    return marks, selected
