"""GUI speed, offscreen: cold start to the first painted window, and step latency.

    python benchmarks/gui.py            # prints the figures; asserts nothing

Cold start runs `nnviz`'s own start-up path in a fresh interpreter (imports, QApplication,
fonts, the default example, the window) until the step view has painted, timed from before
the process is spawned. Step latency is a key press (Right) until every view has repainted,
for the default example and for a 784-128-10 network with a batch of 64.
Goals (issue 4): start ≤ 1.0 s; step p95 ≤ 16 ms (lecture size), ≤ 50 ms (784-128-10).
"""

import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CHILD_FLAG = "--child-start"


def child_start() -> None:
    """Run in the spawned interpreter: start like `nnviz` does, exit after the first paint."""
    from nnviz.app.launch import load_for_launch

    session, path = load_for_launch(None, None)
    from PySide6.QtCore import QEvent, QObject

    from nnviz.app.document import Document
    from nnviz.app.main_window import MainWindow
    from nnviz.app.startup import ensure_app

    app = ensure_app()
    window = MainWindow(Document(session, path), persist=False)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is canvas:
                print("painted", flush=True)
                app.exit(0)
            return False

    canvas = window.step_view.canvas.viewport()
    spy = FirstPaint()
    app.installEventFilter(spy)
    window.resize(1400, 900)
    window.show()
    app.exec()
    app.removeEventFilter(spy)
    from nnviz.app.launch import shutdown

    shutdown(window)


def cold_start(runs: int = 5) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, __file__, CHILD_FLAG], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        line = proc.stdout.readline()
        t1 = time.perf_counter()
        proc.wait()
        if line.strip() != "painted":
            raise SystemExit(f"the child did not paint (exit {proc.returncode})")
        times.append(t1 - t0)
    return times


def big_session():
    import numpy as np

    from nnviz.core.session_file import build_session

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


def step_latency(session, presses: int = 120) -> tuple[list[float], list[float], int]:
    """Seconds from a Right key press until the window has processed its repaints: wall
    clock, and this thread's CPU time (steadier on a machine shared with other work)."""
    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtTest import QTest

    from nnviz.app.document import Document
    from nnviz.app.main_window import MainWindow
    from nnviz.app.startup import ensure_app

    app = ensure_app()
    doc = Document(session)
    window = MainWindow(doc, persist=False)
    window.resize(1400, 900)
    window.show()
    for _ in range(5):
        app.processEvents()

    class PaintCounter(QObject):
        paints = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.paints += 1
            return False

    counter = PaintCounter()
    app.installEventFilter(counter)
    times, cpu = [], []
    for _ in range(presses):
        t0, c0 = time.perf_counter(), time.thread_time()
        QTest.keyClick(window, Qt.Key.Key_Right)
        app.processEvents()  # the update requests: every changed view paints here
        times.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    app.removeEventFilter(counter)
    from nnviz.app.launch import shutdown

    shutdown(window, doc)
    return times, cpu, counter.paints


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]


def main() -> None:
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (others' work adds)")
    starts = cold_start()
    print(
        f"cold start to first painted window: median {statistics.median(starts):.3f} s, "
        f"best {min(starts):.3f} s over {len(starts)} runs (goal ≤ 1.0 s)"
    )
    from nnviz.core.session_file import load_session
    from nnviz.resources import DEFAULT_EXAMPLE, example_path

    for session, goal in ((load_session(example_path(DEFAULT_EXAMPLE)), 16), (big_session(), 50)):
        times, cpu, paints = step_latency(session)
        ms = [t * 1000 for t in times[3:]]  # the first presses warm caches up
        cpu_ms = [t * 1000 for t in cpu[3:]]
        print(
            f"step latency, {session.name or DEFAULT_EXAMPLE}: p50 {pct(ms, 0.5):.1f} ms, "
            f"p95 {pct(ms, 0.95):.1f} ms, max {max(ms):.1f} ms over {len(ms)} presses "
            f"(CPU time p50 {pct(cpu_ms, 0.5):.1f} ms, p95 {pct(cpu_ms, 0.95):.1f} ms), "
            f"{paints / len(times):.0f} paint events per step (goal p95 ≤ {goal} ms)"
        )


if __name__ == "__main__":
    if CHILD_FLAG in sys.argv:
        child_start()
    else:
        main()
