"""How every view follows the Document: which changes redraw it, said once.

One signal, one meaning: a view redraws when what it shows changed (the step, the trace, the
number format, the theme), rebuilds when the steps or their shapes did (`structureChanged`,
also emitted when another session is opened), outlines again when the focused cell moved,
and takes the presenter's type scale.
"""

from collections.abc import Callable

from nnviz.app.announce import Coalesced
from nnviz.app.document import Document
from nnviz.app.views.before_paint import DrawBeforePaint

# What a view shows changes with the trace, the number format and the theme...
SHOWN = ("traceRecomputed", "precisionChanged", "themeChanged")
# ...and, for most views, with the step on screen...
STEP = ("cursorMoved",)
# ...and what it outlines with the focused cell.
FOCUSED = ("selectionChanged", "hoverChanged", "termWalked")  # termWalked: T lights a term


def ignore() -> None:
    """Pass as `focus` for a view that outlines nothing: it is not connected."""


def follow(
    doc: Document,
    redraw: Callable[[], None],
    focus: Callable[[], None] | None = None,
    *,
    step: bool = True,
    iteration: bool = False,
    rebuild: Callable[[], None] | None = None,
    scale: Callable[[float], None] | None = None,
    lazy: bool = False,
) -> DrawBeforePaint | None:
    """Call `redraw` when what the view shows changes (with `step`, when the cursor moves;
    with `iteration`, when the iteration does), `rebuild` (default: `redraw`) on a structural
    change, `focus` (default: `redraw`; `ignore` for none) when the focused cell changes, and
    `scale(factor)` when the type scale does. The ids the signals carry are dropped (PySide
    calls a slot with the arguments it takes): views pull what they need. The signals of one
    change (announce.py) redraw a view once.

    With `lazy`, a change only marks the view (`redraw`'s owner) out of date, and `redraw`
    runs before its next paint or when its state is read (before_paint.py): the
    DrawBeforePaint that does so is returned, for the view's reads to `ensure()`.
    """
    before_paint = None
    if lazy:
        view = redraw.__self__  # type: ignore[attr-defined]
        before_paint = DrawBeforePaint(view, redraw)
        redraw = before_paint.mark
    names = SHOWN + (STEP if step else ()) + (("iterationChanged",) if iteration else ())
    drawn: list = [None]  # the batch of signals (announce.py) the view last redrew for
    for name in names:
        Coalesced(doc, name, redraw, drawn)
    Coalesced(doc, "structureChanged", rebuild or redraw, drawn if rebuild is None else [None])
    if focus is not ignore:
        for name in FOCUSED:
            if focus is None:
                Coalesced(doc, name, redraw, drawn)
            else:
                getattr(doc, name).connect(focus)
    if scale is not None:
        doc.scaleChanged.connect(scale)
    return before_paint
