"""GUI speed, offscreen: cold start to the first painted window, and step latency, each
beside its floor measured in the same run, so the ratios read the same on any machine.

    python benchmarks/gui.py            # prints the figures; asserts nothing
    python benchmarks/gui.py --quick    # a smoke run of a few seconds (fewer runs, presses)
    python benchmarks/gui.py --start --runs 9   # only the cold start beside its floor
    python benchmarks/gui.py --latency          # only the step latencies

Cold start runs `nnviz`'s own start-up path in a fresh interpreter (imports, QApplication,
fonts, the default example, the window) until the step view has painted, timed from before
the process is spawned. Its floor is a bare interpreter that imports NumPy, PySide6 and
pyqtgraph and paints one ImageItem in a window of the same size (1600×1000); the two are
spawned in turns so both see the same machine load. Step latency is a key press (Right)
until every view has repainted, for the default example and for a 784-128-10 network with a
batch of 64; its floor is a plain repaint of the same window (nothing changed, every
visible widget asked to paint: the window's own update() would leave its opaque children,
the step canvas among them, unpainted), timed in turns with the presses.
The default example's presses are timed twice: back to back (a held key), and at a
clicker's pace, the window idle for CLICKER_PAUSE after each press (untimed), as in a
lecture: the window lays the next step's texts out then (nnviz/app/views/lookahead.py).
Goals: start ≤ 1.0 s (issue 4) and ≤ 1.2× its floor (issue 8); step p95 ≤ 16 ms (lecture
size), ≤ 50 ms (784-128-10).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CHILD_FLAG = "--child-start"
FLOOR_FLAG = "--child-floor"
CLICKER_PAUSE = 0.25  # s between a lecturer's presses (they come seconds apart)
WINDOW_SIZE = (1600, 1000)  # the design sketch's window (DESIGN §5), for nnviz and its floor
PROJECTOR = (1024, 768)  # a lecture hall's projector (issue 10), in presenter mode
# The children keep bytecode caches as an installed nnviz does (pip compiles at install; a
# checkout writes __pycache__ on first run). Without them every nnviz start would compile its
# own sources (~0.1 s) while the floor's libraries, compiled at install, would not.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def child_floor() -> None:
    """The cold-start floor: NumPy, PySide6 and pyqtgraph, one ImageItem painted, exit."""
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    app = QApplication(["floor"])
    pg.setConfigOptions(imageAxisOrder="row-major")
    view = pg.GraphicsLayoutWidget()
    plot = view.addPlot()
    plot.invertY(True)
    plot.addItem(pg.ImageItem(np.arange(6.0).reshape(2, 3), levels=(-5, 5)))

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is canvas:
                print(f"painted {time.process_time():.4f}", flush=True)
                app.exit(0)
            return False

    canvas = view.viewport()
    spy = FirstPaint()
    app.installEventFilter(spy)
    view.resize(*WINDOW_SIZE)
    view.show()
    app.exec()
    app.removeEventFilter(spy)


def child_start() -> None:
    """Run in the spawned interpreter: start like `nnviz` does, exit after the first paint.

    Where nnviz has autosave (launch.open_windows) the window opens through it, with an
    empty autosave folder of its own; before that, as `launch` did then, so one copy of this
    file times both sides of a change."""
    import tempfile

    from nnviz.app import launch

    session, path = launch.load_for_launch(None, None)
    from PySide6.QtCore import QEvent, QObject

    from nnviz.app.document import Document
    from nnviz.app.startup import ensure_app

    app = ensure_app()
    folder = tempfile.TemporaryDirectory()
    open_windows = getattr(launch, "open_windows", None)
    if open_windows is not None:
        opened = open_windows(session, path, chosen=False, folder=Path(folder.name), persist=False)
        window = opened[0].window
    else:
        from nnviz.app.main_window import MainWindow

        opened = []
        window = MainWindow(Document(session, path), persist=False)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is canvas:
                print(f"painted {time.process_time():.4f}", flush=True)
                app.exit(0)
            return False

    canvas = window.step_view.canvas.viewport()
    spy = FirstPaint()
    app.installEventFilter(spy)
    window.resize(*WINDOW_SIZE)
    window.show()
    app.exec()
    app.removeEventFilter(spy)
    for o in opened:
        o.autosaver.close()
    launch.shutdown(window, *(o.doc for o in opened))
    folder.cleanup()


def spawn_until_painted(flag: str) -> tuple[float, float]:
    """Seconds from before a child is spawned until it says it has painted, and the CPU time
    the child reports it used until then (steadier than wall time on a loaded machine)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, flag], stdout=subprocess.PIPE, text=True, env=CHILD_ENV
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    t1 = time.perf_counter()
    proc.wait()
    word, _, cpu = line.partition(" ")
    if word != "painted":
        raise SystemExit(f"the child {flag} did not paint (exit {proc.returncode})")
    return t1 - t0, float(cpu)


class Starts:
    """Cold starts of one kind: wall seconds and the child's CPU seconds to the first paint."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def add(self, wall_cpu: tuple[float, float]) -> None:
        self.wall.append(wall_cpu[0])
        self.cpu.append(wall_cpu[1])


def cold_start(runs: int = 5, warm_up: bool = True) -> tuple[Starts, Starts]:
    """nnviz's cold starts and the floor's, spawned in turns; one unmeasured pair first so
    neither pays alone for reading the libraries from disk (or for writing bytecode)."""
    if warm_up:
        spawn_until_painted(FLOOR_FLAG)
        spawn_until_painted(CHILD_FLAG)
    starts, floors = Starts(), Starts()
    for _ in range(runs):
        floors.add(spawn_until_painted(FLOOR_FLAG))
        starts.add(spawn_until_painted(CHILD_FLAG))
    return starts, floors


def big_session():
    import numpy as np

    try:
        from nnviz.core.session_file import build_session
    except ImportError:  # a checkout from before the split times the other side
        from nnviz.core.session import build_session  # type: ignore[no-redef]

    rng = np.random.default_rng(0)
    return build_session(
        layers=[784, 128, 10],
        activations=["relu", "softmax"],
        loss="cross_entropy",
        X=rng.random((64, 784)),
        Y=np.eye(10)[rng.integers(0, 10, 64)],
        convention="row",
        init={"scheme": "he", "seed": 0},
        name="784-128-10, batch 64",
    )


class Latency:
    """Seconds per event: wall clock, this thread's CPU time (steadier on a machine shared
    with other work), and the paint events it caused."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.paints = 0


def shown_window(session, size: tuple[int, int] = WINDOW_SIZE, presenter: bool = False):
    """(the application, a Document on `session`, its main window shown at `size`, in
    presenter mode if asked: the step view alone, as a projector shows it)."""
    from nnviz.app.document import Document
    from nnviz.app.main_window import MainWindow
    from nnviz.app.startup import ensure_app

    app = ensure_app()
    doc = Document(session)
    window = MainWindow(doc, persist=False)
    window.resize(*size)
    window.show()
    for _ in range(5):
        app.processEvents()
    if presenter:  # not full screen: the offscreen screen is 800×800 (as `nnviz render`)
        window.set_presenter(True, full_screen=False)
        window.resize(*size)
        for _ in range(5):
            app.processEvents()
    return app, doc, window


def step_latency(
    session,
    presses: int = 120,
    pause: float = 0.0,
    size: tuple[int, int] = WINDOW_SIZE,
    presenter: bool = False,
) -> tuple[Latency, Latency]:
    """A Right key press until the window has processed its repaints, and, in turns with
    the presses, the floor: a plain repaint of the same window with nothing changed. With a
    `pause` (seconds), the window runs idle that long after each press and its floor, untimed,
    as between a lecturer's clicks (what the window prepares then is not in the figures)."""
    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWidget

    app, doc, window = shown_window(session, size, presenter)

    class PaintCounter(QObject):
        paints = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.paints += 1
            return False

    def press() -> None:
        QTest.keyClick(window, Qt.Key.Key_Right)

    shown: list[QWidget] = []

    def repaint() -> None:
        # Each visible widget: the window's own update() repaints only the widgets that are
        # not opaque (Qt keeps an opaque child's pixels), which leaves out the step canvas.
        for widget in shown:
            widget.update()

    counter = PaintCounter()
    app.installEventFilter(counter)
    step, floor = Latency(), Latency()
    for _ in range(presses):
        shown[:] = [window, *(w for w in window.findChildren(QWidget) if w.isVisible())]
        for action, into in ((press, step), (repaint, floor)):
            before = counter.paints
            t0, c0 = time.perf_counter(), time.thread_time()
            action()
            app.processEvents()  # the update requests: every changed view paints here
            into.wall.append(time.perf_counter() - t0)
            into.cpu.append(time.thread_time() - c0)
            into.paints += counter.paints - before
        idle_until = time.perf_counter() + pause
        while time.perf_counter() < idle_until:
            app.processEvents()
            time.sleep(0.002)
    app.removeEventFilter(counter)
    from nnviz.app.launch import shutdown

    shutdown(window, doc)
    return step, floor


def playback_speed(
    session, seconds: float = 3.0
) -> tuple[float, float, list[float], list[float], list[float]]:
    """Play at full speed (Ctrl+Space's `Playback` at its top speed) in a shown 1400×900
    window for `seconds`: iterations a second, frames shown a second, the length of each
    turn of the event loop (how long a key press or Pause could wait), and per frame shown
    the views' redraw (the Document's move to the iteration) and the turn it was in (the
    redraw and the window's paint passes that follow it in the same turn)."""
    from PySide6.QtCore import QTimer

    from nnviz.app.playback import MAX_SPEED

    app, doc, window = shown_window(session, (1400, 900))
    frames = [0]
    doc.iterationChanged.connect(lambda _k: frames.__setitem__(0, frames[0] + 1))
    turns: list[float] = []
    redraws: list[float] = []
    framed: list[float] = []  # the turns in which a frame was shown (redrawn and painted)
    last = [time.perf_counter()]
    shown = [0, 0]  # shows so far, shows when the last turn ended

    def turn() -> None:  # a zero timer runs once per turn of the event loop
        now = time.perf_counter()
        turns.append(now - last[0])
        if shown[0] != shown[1]:
            framed.append(now - last[0])
            shown[1] = shown[0]
        last[0] = now

    probe = QTimer()
    probe.timeout.connect(turn)
    probe.start(0)
    playback = window.playback.playback  # type: ignore[attr-defined]
    show = playback._show

    def timed_show(k: int) -> None:
        t = time.perf_counter()
        show(k)
        redraws.append(time.perf_counter() - t)
        shown[0] += 1

    playback._show = timed_show
    playback.set_speed(MAX_SPEED)
    start_iteration = doc.iteration
    t0 = time.perf_counter()
    playback.play()
    while time.perf_counter() - t0 < seconds:
        app.processEvents()
    playback.pause()
    elapsed = time.perf_counter() - t0
    probe.stop()
    iterations = doc.iteration - start_iteration
    from nnviz.app.launch import shutdown

    shutdown(window, doc)
    return iterations / elapsed, frames[0] / elapsed, turns[1:], redraws, framed


def net_2881(samples: int = 200):
    """A 2-8-8-1 classifier on `samples` random points (the map's goal is for this size)."""
    import numpy as np

    from nnviz.core.session_file import build_session

    rng = np.random.default_rng(0)
    X = rng.normal(size=(samples, 2))
    return build_session(
        layers=[2, 8, 8, 1],
        activations=["tanh", "tanh", "sigmoid"],
        loss="bce",
        X=X,
        Y=(X[:, :1] * X[:, 1:] > 0).astype(float),
        convention="row",
        init={"scheme": "xavier", "seed": 0},
        name="2-8-8-1",
    )


def map_latency(
    reps: int = 60,
) -> tuple[list[float], list[float], list[float], list[float], list[float], list[float]]:
    """The decision map of a 2-8-8-1 network, 100×100: the core's grid alone, and for a new
    iteration the data view's whole redraw (grid, image, batch, 400×400) and the layer
    diagram's with its hidden units' maps (300×400), both repainted; and the two together
    (one new iteration until both have repainted), in wall and CPU time."""
    from nnviz.app.document import Document
    from nnviz.app.startup import ensure_app
    from nnviz.app.views.data_view import MAP_SIZE, DataView
    from nnviz.core.grid import evaluate_grid, plane_bounds

    app = ensure_app()
    doc = Document(net_2881())
    view = DataView(doc)
    view.resize(400, 400)
    view.show()
    try:  # the hidden units' maps beside the diagram's nodes, where nnviz has them
        from nnviz.app.views.diagram import LayerDiagram
        from nnviz.app.views.unit_maps import UnitMaps  # noqa: F401

        diagram: object | None = LayerDiagram(doc)
        diagram.resize(300, 400)  # type: ignore[attr-defined]
        diagram.show()  # type: ignore[attr-defined]
    except ImportError:
        diagram = None
    for _ in range(5):
        app.processEvents()
    bounds = plane_bounds(doc.session.X)
    grid: list[float] = []
    redraw: list[float] = []
    units: list[float] = []
    cpu: list[float] = []
    both: list[float] = []
    both_cpu: list[float] = []
    for i in range(reps):
        t0 = time.perf_counter()
        evaluate_grid(doc.session, bounds, MAP_SIZE)
        grid.append(time.perf_counter() - t0)
        doc.history.advance(1)  # the next iteration's parameters, computed before timing
        t0, c0 = time.perf_counter(), time.thread_time()
        doc.go_to_iteration(i + 2)  # the Document tells the view, which redraws
        view.plane.viewport().repaint()
        t1 = time.perf_counter()
        redraw.append(t1 - t0)
        cpu.append(time.thread_time() - c0)
        if diagram is not None:
            diagram.repaint()  # type: ignore[attr-defined]
            t2 = time.perf_counter()
            units.append(t2 - t1)
            both.append(t2 - t0)
            both_cpu.append(time.thread_time() - c0)
    view.close()
    if diagram is not None:
        diagram.close()  # type: ignore[attr-defined]
    view.deleteLater()
    return grid, redraw, cpu, units, both, both_cpu


def long_curve_latency(n: int = 100_000, reps: int = 30) -> list[float]:
    """The loss plot with n iterations recorded: one more recorded, redrawn and repainted."""
    from nnviz.app.document import Document
    from nnviz.app.startup import ensure_app
    from nnviz.app.views.loss_plot import LossPlot
    from nnviz.core.session_file import load_session
    from nnviz.resources import example_path

    app = ensure_app()
    doc = Document(load_session(example_path("xor")))
    plot = LossPlot(doc)
    plot.resize(300, 260)
    plot.show()
    m, s = doc.history.metrics, doc.session
    for k in range(2, n + 1):  # a long run's metrics, without running it
        m.record(k, s, 1.0 / k)
    for _ in range(3):
        app.processEvents()
    times = []
    for k in range(n + 1, n + 1 + reps):
        m.record(k, s, 1.0 / k)
        t0 = time.perf_counter()
        plot.refresh()
        plot.viewport().repaint()
        times.append(time.perf_counter() - t0)
    plot.close()
    plot.deleteLater()
    return times


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def describe(what: str, lat: Latency, skip: int) -> tuple[str, float, float]:
    """One line of figures; the first `skip` events warm caches up and are left out."""
    ms = [t * 1000 for t in lat.wall[skip:]]
    cpu_ms = [t * 1000 for t in lat.cpu[skip:]]
    line = (
        f"  {what}: p50 {pct(ms, 0.5):.1f} ms, p95 {pct(ms, 0.95):.1f} ms, "
        f"max {max(ms):.1f} ms over {len(ms)} (CPU time p50 {pct(cpu_ms, 0.5):.1f} ms, "
        f"p95 {pct(cpu_ms, 0.95):.1f} ms), {lat.paints / len(lat.wall):.0f} paint events each"
    )
    return line, pct(ms, 0.5), pct(ms, 0.95)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    p.add_argument("--playback", action="store_true", help="only playback and the decision map")
    p.add_argument("--start", action="store_true", help="only the cold start and its floor")
    p.add_argument("--runs", type=int, default=0, help="cold starts of each kind (default 5)")
    p.add_argument("--latency", action="store_true", help="only the step latencies")
    a = p.parse_args()
    runs, presses, skip = (1, 8, 2) if a.quick else (5, 120, 3)
    runs = a.runs or runs
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (others' work adds)")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("PYTHONDONTWRITEBYTECODE is set here; the timed children write bytecode anyway")
    if a.playback:
        playback_figures(a.quick)
        return
    if a.latency:
        latency_figures(presses, skip)
        return
    starts, floors = cold_start(runs, warm_up=not a.quick)
    start, floor = statistics.median(starts.wall), statistics.median(floors.wall)
    start_cpu, floor_cpu = statistics.median(starts.cpu), statistics.median(floors.cpu)
    print(
        f"cold start to first painted window ({WINDOW_SIZE[0]}×{WINDOW_SIZE[1]}), "
        f"median of {runs}, wall (the child's CPU time):\n"
        f"  nnviz {start:.3f} s ({start_cpu:.3f} s CPU), best {min(starts.wall):.3f} s; "
        f"goal ≤ 1.0 s\n"
        f"  floor {floor:.3f} s ({floor_cpu:.3f} s CPU), best {min(floors.wall):.3f} s: "
        f"NumPy + PySide6 + pyqtgraph, one ImageItem\n"
        f"  ratio {start / floor:.2f}× the floor ({start_cpu / floor_cpu:.2f}× in CPU time); "
        f"goal ≤ 1.2×"
    )
    if a.start:
        return
    latency_figures(presses, skip)
    playback_figures(a.quick)


def latency_figures(presses: int, skip: int) -> None:
    """Step latency of the default example in the design's window and in a lecture (presenter
    mode on a 1024×768 projector), back to back and at a clicker's pace; 784-128-10's."""
    try:
        from nnviz.core.session_file import load_session
    except ImportError:  # a checkout from before the split times the other side
        from nnviz.core.session import load_session  # type: ignore[no-redef]
    from nnviz.resources import DEFAULT_EXAMPLE, example_path

    lecture = load_session(example_path(DEFAULT_EXAMPLE))
    name = lecture.name or DEFAULT_EXAMPLE
    pace = f"at a clicker's pace (idle {CLICKER_PAUSE * 1000:.0f} ms after each press)"
    for size, presenter, where in (
        (WINDOW_SIZE, False, f"the window at {WINDOW_SIZE[0]}×{WINDOW_SIZE[1]}"),
        (PROJECTOR, True, f"presenter mode at {PROJECTOR[0]}×{PROJECTOR[1]} (a lecture)"),
    ):
        title = f"step latency, {name}, {where} (goal p95 ≤ 16 ms):"
        print_latency(title, lecture, presses, skip, 0.0, size, presenter)
        print_latency(f"  {pace}:", lecture, presses, skip, CLICKER_PAUSE, size, presenter)
    title = "step latency, 784-128-10, batch 64 (goal p95 ≤ 50 ms):"
    print_latency(title, big_session(), presses, skip)


def print_latency(
    title: str,
    session,
    presses: int,
    skip: int,
    pause: float = 0.0,
    size: tuple[int, int] = WINDOW_SIZE,
    presenter: bool = False,
) -> None:
    step, repaint = step_latency(session, presses, pause, size, presenter)
    step_line, step_p50, step_p95 = describe("key press → every view repainted", step, skip)
    floor_line, floor_p50, floor_p95 = describe("floor: plain repaint of the window", repaint, skip)
    print(
        f"{title}\n{step_line}\n{floor_line}\n"
        f"  ratio p50 {step_p50 / floor_p50:.2f}×, p95 {step_p95 / floor_p95:.2f}× the floor"
    )


def playback_figures(quick: bool) -> None:
    try:
        from nnviz.core.session_file import load_session
    except ImportError:  # a checkout from before the split times the other side
        from nnviz.core.session import load_session  # type: ignore[no-redef]
    from nnviz.resources import example_path

    xor = load_session(example_path("xor"))
    rate, fps, turns, redraws, framed = playback_speed(xor, 1.0 if quick else 4.0)
    ms = [t * 1000 for t in turns]
    r_ms, f_ms = [t * 1000 for t in redraws] or [0.0], [t * 1000 for t in framed] or [0.0]
    others = [t * 1000 for t in turns if t not in framed] or [0.0]
    print(
        f"playback at full speed, XOR, 1400×900, loss curve, diagram, data view and map shown "
        f"(goal ≥ 500 iterations/s):\n  {rate:.0f} iterations/s, {fps:.0f} frames shown/s; "
        f"event-loop turns p50 {pct(ms, 0.5):.1f} ms, p95 {pct(ms, 0.95):.1f} ms, "
        f"max {max(ms):.1f} ms\n"
        f"  turns that showed a frame p50 {pct(f_ms, 0.5):.1f} ms, p95 {pct(f_ms, 0.95):.1f} ms "
        f"(the views' redraw p50 {pct(r_ms, 0.5):.1f} ms, then the window's paint passes); "
        f"the other turns p50 {pct(others, 0.5):.1f} ms, p95 {pct(others, 0.95):.1f} ms"
    )
    grid, redraw, cpu, units, both, both_cpu = map_latency(10 if quick else 60)
    g_ms, r_ms = [t * 1000 for t in grid[2:]], [t * 1000 for t in redraw[2:]]
    print(
        f"decision map 100×100, 2-8-8-1 (goal ≤ 16 ms):\n"
        f"  core grid p50 {pct(g_ms, 0.5):.2f} ms, p95 {pct(g_ms, 0.95):.2f} ms; "
        f"data view: new iteration to repainted map p50 {pct(r_ms, 0.5):.1f} ms, "
        f"p95 {pct(r_ms, 0.95):.1f} ms (CPU time p50 "
        f"{pct([t * 1000 for t in cpu[2:]], 0.5):.1f} ms)"
    )
    if units:
        u_ms = [t * 1000 for t in units[2:]]
        b_ms, bc_ms = [t * 1000 for t in both[2:]], [t * 1000 for t in both_cpu[2:]]
        print(
            f"  layer diagram with the hidden units' maps, repainted: "
            f"p50 {pct(u_ms, 0.5):.1f} ms, p95 {pct(u_ms, 0.95):.1f} ms\n"
            f"  together, one new iteration → the data view's map and the diagram's unit maps "
            f"recomputed and repainted (the goal's figure): p50 {pct(b_ms, 0.5):.1f} ms, "
            f"p95 {pct(b_ms, 0.95):.1f} ms (CPU time p50 {pct(bc_ms, 0.5):.1f} ms, "
            f"p95 {pct(bc_ms, 0.95):.1f} ms)"
        )
    curve = [t * 1000 for t in long_curve_latency(100_000, 5 if quick else 30)[1:]]
    print(
        f"loss curve at 100,000 iterations, one more redrawn + repainted: "
        f"p50 {pct(curve, 0.5):.1f} ms, p95 {pct(curve, 0.95):.1f} ms"
    )


if __name__ == "__main__":
    if CHILD_FLAG in sys.argv:
        child_start()
    elif FLOOR_FLAG in sys.argv:
        child_floor()
    else:
        main()
