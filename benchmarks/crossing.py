"""The presses that start a new iteration (Right past the last step, one press in 19 for the
default example), where the loss plot and the data view change too: CPU time per press and
per part, and the example switches of File → Open Example. Prints figures, asserts nothing.

    python benchmarks/crossing.py                 # seed001-network, 1600 presses
    python benchmarks/crossing.py big 600         # the 784-128-10 network of gui.py
    python benchmarks/crossing.py --examples      # every example opened, twice

To compare two trees, run it on each in turns (PYTHONPATH=<other tree>): this host's speed
drifts within minutes, so alternate runs and quote `uptime` with the figures.
"""

import collections
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
CLOCK = time.thread_time


def timed(parts: dict, on: list) -> None:
    """Wrap the loss plot's and data view's refresh and every pyqtgraph view's paint."""
    import pyqtgraph as pg

    from nnviz.app.views import data_view, loss_plot

    def wrap(cls: type, name: str, label) -> None:
        real = getattr(cls, name)

        def timed_call(self, *args, **kwargs):
            t = CLOCK()
            try:
                return real(self, *args, **kwargs)
            finally:
                if on[0]:
                    parts[label(self)].append(CLOCK() - t)

        setattr(cls, name, timed_call)

    wrap(pg.GraphicsView, "paintEvent", lambda v: "paint " + v.objectName())
    wrap(loss_plot.LossPlot, "refresh", lambda v: "LossPlot.refresh")
    wrap(data_view.DataView, "refresh", lambda v: "DataView.refresh")


def window(session):
    import gui  # benchmarks/ is on the path (main)

    return gui.shown_window(session, (1600, 1000))


def report(what: str, times: list, parts: dict) -> None:
    import numpy as np

    n = len(times)
    ms = np.array(times) * 1e3
    print(f"{what}: {n}, CPU ms median {np.median(ms):.2f}, mean {ms.mean():.2f}")
    for name, t in sorted(parts.items(), key=lambda kv: -sum(kv[1])):
        print(f"  {name:24s} {len(t) / n:4.1f} a press, {sum(t) / n * 1e3:6.2f} ms a press")


def crossings(session, presses: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    parts, on = collections.defaultdict(list), [False]
    timed(parts, on)
    app, doc, win = window(session)
    times = []
    for _ in range(presses):
        on[0] = doc.step_index == doc.step_count - 1 and doc.iteration > 1
        t = CLOCK()
        QTest.keyClick(win, Qt.Key.Key_Right)
        app.processEvents()
        if on[0]:
            times.append(CLOCK() - t)
    report(f"{session.name or 'session'}: presses into a new iteration", times, parts)


def examples(session) -> None:
    parts, on = collections.defaultdict(list), [False]
    timed(parts, on)
    app, _doc, win = window(session)
    times = []
    for turn in range(3):  # the first turn warms up
        for action in [a for a in win.examples_menu.actions() if a.data()]:
            on[0] = turn > 0
            t = CLOCK()
            action.trigger()
            app.processEvents()
            if on[0]:
                times.append(CLOCK() - t)
    report("Open Example (no unsaved changes)", times, parts)


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from nnviz.core.session_file import load_session
    from nnviz.resources import DEFAULT_EXAMPLE, example_path

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if args and args[0] == "big":
        import gui

        session = gui.big_session()
    else:
        session = load_session(example_path(args[0] if args else DEFAULT_EXAMPLE))
    if "--examples" in sys.argv:
        examples(session)
    else:
        crossings(session, int(args[1]) if len(args) > 1 else 1600)


if __name__ == "__main__":
    main()
