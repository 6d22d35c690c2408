"""Which document changes a view redraws on, said once for every view."""

from collections.abc import Callable

from nnviz.app.document import Document

# What a view shows changes with the step, the trace, the session or the number format...
SHOWN = ("cursorMoved", "traceRecomputed", "sessionReplaced", "precisionChanged")
# ...and what it outlines with the focused cell.
FOCUSED = ("selectionChanged", "hoverChanged")


def follow(
    doc: Document,
    redraw: Callable[[], None],
    focus: Callable[[], None] | None = None,
    *,
    iteration: bool = False,
) -> None:
    """Call `redraw` when what the view shows changes and `focus` (default: `redraw`) when the
    focused cell does; `iteration` adds iterationChanged. The ids the signals carry are
    dropped (PySide calls a slot with the arguments it takes): views pull what they need.
    """
    for name in SHOWN + (("iterationChanged",) if iteration else ()):
        getattr(doc, name).connect(redraw)
    for name in FOCUSED:
        getattr(doc, name).connect(focus or redraw)
