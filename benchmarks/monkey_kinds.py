"""The monkey's actions (tests/app/monkey.py) by kind: the window's CPU time per action of each
kind, for one seed, offscreen. It says where the 5,000-action run in CI spends its time.

    python benchmarks/monkey_kinds.py               # seed 1, 2,000 actions
    python benchmarks/monkey_kinds.py --seed 3 --actions 500

CPU time of this thread (time.thread_time), not wall time: this host's speed drifts and other
processes share its cores. To compare two trees, run this from each in turns (PYTHONPATH or
the working directory selects the tree) and compare the same kinds. Asserts nothing.
"""

import argparse
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.app.monkey


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--actions", type=int, default=2000)
    args = p.parse_args()

    from nnviz.app.startup import ensure_app

    app = ensure_app()
    from nnviz.app.document import Document
    from nnviz.app.main_window import MainWindow
    from nnviz.core.session_file import load_session
    from nnviz.resources import example_path
    from tests.app.monkey import Monkey

    doc = Document(load_session(example_path("seed001-network")))
    win = MainWindow(doc, persist=False)
    win.resize(800, 560)  # the monkey test's window
    win.show()
    win.activateWindow()
    for _ in range(5):
        app.processEvents()
    monkey = Monkey(win, args.seed, errors=[], exclude=())
    spent: dict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    perform = monkey.perform

    def timed(action: tuple) -> None:
        t = time.thread_time()
        perform(action)
        spent[action[0]] += time.thread_time() - t
        count[action[0]] += 1

    monkey.perform = timed  # type: ignore[method-assign]
    cpu, wall = time.thread_time(), time.perf_counter()
    monkey.run(args.actions)
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    print(f"seed {args.seed}, {args.actions} actions: CPU {cpu:.1f} s, wall {wall:.1f} s")
    for kind, s in sorted(spent.items(), key=lambda ks: -ks[1]):
        n = count[kind]
        print(f"{kind:10s} n={n:5d}  CPU {s:6.2f} s  {s / n * 1e3:6.1f} ms each")
    win.close()


if __name__ == "__main__":
    main()
