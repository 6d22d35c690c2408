"""Run the monkey (tests/app/monkey.py) in child processes, where a crash kills only the child.

    python -m tests.app.monkey_run explore --seeds 1-40 [--actions 5000] [--exclude hostile]
    python -m tests.app.monkey_run replay LOG.jsonl
    python -m tests.app.monkey_run shrink LOG.jsonl [--budget 300]

Each child writes every action to a log (one JSON list a line, flushed before the action), so
the last line of a crashed child's log is the action that killed it. `shrink` replays ever
shorter logs and keeps one that fails the same way (same signal, or the same first line of
the failure), to report a minimal sequence.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(os.environ.get("NNVIZ_MONKEY_OUT") or Path(tempfile.gettempdir()) / "nnviz-monkey")


def child(args: argparse.Namespace) -> int:
    """One monkey in this process: the seed's actions, or a log's."""
    import faulthandler
    import warnings

    faulthandler.enable()
    warnings.filterwarnings("error", module="nnviz")  # as pytest does (pyproject.toml)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from nnviz.app.document import Document
    from nnviz.app.main_window import MainWindow
    from nnviz.app.qt_workarounds import guard_refcounts
    from nnviz.app.startup import ensure_app
    from nnviz.core.session_file import load_session
    from nnviz.resources import example_path
    from tests.app.monkey import Monkey, MonkeyFailure

    app = ensure_app("light")
    guard_refcounts()
    errors: list[str] = []

    def hook(kind: type, value: BaseException, tb: object) -> None:
        import traceback

        errors.append("".join(traceback.format_exception(kind, value, tb)))

    sys.excepthook = hook
    win = MainWindow(Document(load_session(example_path("seed001-network"))), persist=False)
    win.resize(800, 560)
    win.show()
    win.activateWindow()
    app.processEvents()
    log = open(args.log, "w", encoding="utf-8")  # noqa: SIM115 -- written until the end

    def write(action: tuple) -> None:
        log.write(json.dumps(list(action), ensure_ascii=False) + "\n")
        log.flush()

    monkey = Monkey(win, args.seed, errors=errors, exclude=args.exclude, log=write)
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        if args.replay:
            lines = Path(args.replay).read_text(encoding="utf-8").splitlines()
            for line in lines:
                monkey.perform(tuple(json.loads(line)))
            monkey.undo_all_and_back()
        else:
            monkey.run(args.actions)
    except MonkeyFailure as e:
        print(f"FAILURE {signature(str(e))}\n{e}", file=sys.stderr, flush=True)
        os._exit(1)  # no teardown: a broken window can crash on the way out
    cpu = time.process_time() - cpu_start
    took = time.perf_counter() - start
    print(
        f"ok {monkey.count} actions in {took:.1f} s ({cpu:.1f} s CPU, painted after "
        f"{monkey.paints} actions and undo steps)",
        flush=True,
    )
    os._exit(0)


def signature(message: str) -> str:
    """What makes two failures the same: the check's first line and the error's last."""
    head = re.sub(r"^monkey seed .*?, action \d+: ", "", message.split("\n", 1)[0])
    body = message.split("\nlast ", 1)[0].strip().splitlines()
    tail = body[-1].rsplit("): ", 1)[-1] if len(body) > 1 else ""
    return re.sub(r"\d+", "#", f"{head} | {tail}")[:300]


def run_child(seed: int, log: Path, exclude: str, actions: int, replay: Path | None = None):
    cmd = [sys.executable, "-m", "tests.app.monkey_run", "child", "--seed", str(seed)]
    cmd += ["--log", str(log), "--actions", str(actions), "--exclude", exclude]
    if replay is not None:
        cmd += ["--replay", str(replay)]
    start = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    took = time.perf_counter() - start
    if p.returncode < 0:
        sig = f"signal {-p.returncode}"
    elif p.returncode == 1 and "FAILURE " in p.stderr:
        sig = p.stderr.split("FAILURE ", 1)[1].split("\n", 1)[0]
    elif p.returncode:
        sig = f"exit {p.returncode}"
    else:
        sig = ""
    return sig, p, took


def explore(args: argparse.Namespace) -> int:
    OUT.mkdir(exist_ok=True)
    first, _, last = args.seeds.partition("-")
    found: dict[str, list[int]] = {}
    for seed in range(int(first), int(last or first) + 1):
        log = OUT / f"seed-{seed}.jsonl"
        sig, p, took = run_child(seed, log, args.exclude, args.actions)
        n = len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0
        print(f"seed {seed}: {sig or 'ok'} after {n} actions, {took:.1f} s", flush=True)
        if sig:
            found.setdefault(sig, []).append(seed)
            (OUT / f"seed-{seed}.err").write_text(p.stderr[-20000:], encoding="utf-8")
    for sig, seeds in found.items():
        print(f"{len(seeds)}× {sig}: seeds {seeds}")
    return 0


def shrink(args: argparse.Namespace) -> int:
    """Greedy delta debugging: drop chunks of the log while it still fails the same way."""
    actions = Path(args.log).read_text(encoding="utf-8").splitlines()
    trial = OUT / "trial.jsonl"
    seen = OUT / "trial-seen.jsonl"

    def fails(candidate: list[str]) -> str:
        trial.write_text("\n".join(candidate) + "\n", encoding="utf-8")
        sig, _, _ = run_child(0, seen, "", 0, replay=trial)
        return sig

    target = fails(actions)
    print(f"{len(actions)} actions: {target or 'no failure'}", flush=True)
    if not target:
        return 1
    runs, chunk = 1, max(1, len(actions) // 2)
    while chunk >= 1 and runs < args.budget:
        k, removed = 0, False
        while k < len(actions) and runs < args.budget:
            candidate = actions[:k] + actions[k + chunk :]
            runs += 1
            if candidate and fails(candidate) == target:
                actions, removed = candidate, True
                print(f"  {len(actions)} actions", flush=True)
            else:
                k += chunk
        if not removed:
            chunk //= 2
    out = Path(args.log).with_suffix(".min.jsonl")
    out.write_text("\n".join(actions) + "\n", encoding="utf-8")
    print(f"{target}\n{len(actions)} actions ({runs} runs), in {out}:")
    print("\n".join(actions))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.app.monkey_run")
    sub = parser.add_subparsers(dest="verb", required=True)
    c = sub.add_parser("child")
    c.add_argument("--seed", type=int, required=True)
    c.add_argument("--log", required=True)
    c.add_argument("--actions", type=int, default=5000)
    c.add_argument("--exclude", type=lambda s: [k for k in s.split(",") if k], default=[])
    c.add_argument("--replay")
    e = sub.add_parser("explore")
    e.add_argument("--seeds", default="1-10")
    e.add_argument("--actions", type=int, default=5000)
    e.add_argument("--exclude", default="")
    r = sub.add_parser("replay")
    r.add_argument("log")
    s = sub.add_parser("shrink")
    s.add_argument("log")
    s.add_argument("--budget", type=int, default=200)
    args = parser.parse_args()
    if args.verb == "child":
        return child(args)
    if args.verb == "explore":
        return explore(args)
    if args.verb == "replay":
        OUT.mkdir(exist_ok=True)
        sig, p, took = run_child(0, OUT / "replayed.jsonl", "", 0, replay=Path(args.log))
        print(p.stdout + p.stderr[-6000:])
        print(f"{sig or 'ok'} in {took:.1f} s")
        return 1 if sig else 0
    return shrink(args)


if __name__ == "__main__":
    sys.exit(main())
