"""Speed of the core beside the limit: a minimal hand-written NumPy loop doing the same maths.

Run by hand: `python benchmarks/core.py` (add `--quick` for a CI smoke run). Prints figures,
asserts nothing. For each network: one traced iteration (every step kept, as the GUI needs),
one training iteration, and the same iteration written as the shortest honest NumPy code;
then a whole `nnviz train` process beside a minimal NumPy script process; each with BLAS on
1 thread and on 2 (threadpoolctl), since the better choice depends on the machine's load.
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from nnviz.core.session import Session

try:
    from nnviz.core.session_file import build_session, save_session
except ImportError:  # a checkout from before the split times the other side
    from nnviz.core.session import build_session, save_session  # type: ignore[no-redef]
from nnviz.core.trace import build_trace
from nnviz.core.train import train


def lecture() -> Session:
    return build_session(
        layers=[2, 2, 2],
        activations=["sigmoid", "sigmoid"],
        X=[[0.05], [0.1]],
        Y=[[0.01], [0.99]],
        W=[[[0.15, 0.2], [0.25, 0.3]], [[0.4, 0.45], [0.5, 0.55]]],
        b=[[0.35, 0.35], [0.6, 0.6]],
        learning_rate=0.5,
    )


def xor() -> Session:
    return build_session(
        layers=[2, 4, 1],
        activations=["tanh", "sigmoid"],
        X=[[0, 0, 1, 1], [0, 1, 0, 1]],
        Y=[[0, 1, 1, 0]],
        init={"scheme": "xavier", "seed": 3},
        loss="bce",
        learning_rate=1.0,
    )


def mnist_like() -> Session:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, 64)
    return build_session(
        layers=[784, 128, 10],
        activations=["relu", "softmax"],
        X=rng.random((784, 64)),
        Y=np.eye(10)[labels].T,
        init={"scheme": "he", "seed": 1},
        loss="cross_entropy",
        learning_rate=0.1,
    )


NETWORKS: dict[str, Callable[[], Session]] = {
    "2-2-2 (batch 1)": lecture,
    "XOR 2-4-1 (batch 4)": xor,
    "784-128-10 (batch 64)": mnist_like,
}

ACT = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
}
PRIME = {
    "sigmoid": lambda z, a: a * (1 - a),
    "tanh": lambda z, a: 1 - a * a,
    "relu": lambda z, a: (z > 0).astype(float),
}


def numpy_iteration(s: Session) -> Callable[[list, list], None]:
    """The limit: forward, the loss, δ, backward and update; only the loss is kept."""
    X, Y, lr, k = s.X, s.Y, s.learning_rate, 1.0 / s.batch
    acts, loss = s.activations, s.loss
    losses: list[float] = []

    def step(W: list, b: list) -> None:
        As, Zs = [X], []
        for Wl, bl, f in zip(W, b, acts, strict=True):
            Z = Wl @ As[-1] + bl[:, None]
            if f == "softmax":
                e = np.exp(Z - Z.max(axis=0))
                A = e / e.sum(axis=0)
            else:
                A = ACT[f](Z)
            Zs.append(Z)
            As.append(A)
        Z, A = Zs[-1], As[-1]
        if loss == "cross_entropy":
            m = Z.max(axis=0)
            losses.append(k * (Y * (m + np.log(np.exp(Z - m).sum(axis=0)) - Z)).sum())
        elif loss == "bce":
            losses.append(k * (np.maximum(Z, 0) + np.log1p(np.exp(-np.abs(Z))) - Y * Z).sum())
        else:
            losses.append(k * 0.5 * ((A - Y) ** 2).sum())
        fused = loss != "half_sse"
        d = k * (A - Y)
        if not fused:
            d = d * PRIME[acts[-1]](Zs[-1], As[-1])
        for l in range(len(W) - 1, -1, -1):
            dW, db = d @ As[l].T, d.sum(axis=1)
            if l:
                d = (W[l].T @ d) * PRIME[acts[l - 1]](Zs[l - 1], As[l])
            W[l] -= lr * dW
            b[l] -= lr * db

    return step


def interleaved(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """Median seconds of each function, timed in turns so all see the same machine load."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, ts in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return [statistics.median(ts) for ts in times]


def in_process(repeat: int) -> None:
    print(
        f"{'network':<24}{'threads':>8}{'traced':>12}{'train it.':>12}{'numpy it.':>12}"
        f"{'train/numpy':>13}"
    )
    n = 20  # training iterations per timed call
    for name, make in NETWORKS.items():
        s = make()
        for threads in (1, 2):
            step = numpy_iteration(s)

            def numpy_n(step=step, s=s) -> None:
                # From the same start as train(s, n): a run that kept going would diverge.
                W, b = [w.copy() for w in s.W], [v.copy() for v in s.b]
                for _ in range(n):
                    step(W, b)

            with threadpool_limits(threads, user_api="blas"):
                traced, trained, plain = interleaved(
                    [lambda s=s: build_trace(s), lambda s=s: train(s, n), numpy_n], repeat
                )
            print(
                f"{name:<24}{threads:>8}{traced * 1e3:>10.3f}ms{trained / n * 1e3:>10.3f}ms"
                f"{plain / n * 1e3:>10.3f}ms{trained / plain:>12.2f}×"
            )


MINIMAL_SCRIPT = """
import json, sys
import numpy as np
doc = json.load(open(sys.argv[1]))
X, Y = np.array(doc["X"]), np.array(doc["Y"])
W = [np.array(w) for w in doc["W"]]; b = [np.array(v) for v in doc["b"]]
lr, k, n = doc["learning_rate"], 1.0 / X.shape[1], int(sys.argv[2])
for it in range(n):
    Z1 = W[0] @ X + b[0][:, None]; A1 = np.maximum(Z1, 0)
    Z2 = W[1] @ A1 + b[1][:, None]; e = np.exp(Z2 - Z2.max(axis=0)); A2 = e / e.sum(axis=0)
    m = Z2.max(axis=0)
    loss = k * (Y * (m + np.log(np.exp(Z2 - m).sum(axis=0)) - Z2)).sum()
    d2 = k * (A2 - Y); dW2 = d2 @ A1.T; db2 = d2.sum(axis=1)
    d1 = (W[1].T @ d2) * (Z1 > 0); dW1 = d1 @ X.T; db1 = d1.sum(axis=1)
    W[1] -= lr * dW2; b[1] -= lr * db2; W[0] -= lr * dW1; b[0] -= lr * db1
doc["W"] = [w.tolist() for w in W]; doc["b"] = [v.tolist() for v in b]
json.dump(doc, open(sys.argv[3], "w"))
print(loss)
"""


def process(iterations: int, threads: int) -> tuple[float, float]:
    """Wall time of `nnviz train` and of the minimal script, each a whole process."""
    s = mnist_like()
    env = {"OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    import os

    # Bytecode caches as an installed nnviz has: the first of the three runs writes them.
    env = {**os.environ, **env}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "net.nnviz.json"
        save_session(s, src)
        doc = json.loads(src.read_text())  # the same numbers in column layout for the script
        script = Path(d) / "minimal.py"
        script.write_text(MINIMAL_SCRIPT)
        plain = Path(d) / "plain.json"
        plain.write_text(json.dumps(doc))
        runs: dict[str, list[float]] = {"nnviz": [], "numpy": []}
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "nnviz",
                    "train",
                    str(src),
                    "-n",
                    str(iterations),
                    "-o",
                    str(Path(d) / "out.nnviz.json"),
                ],
                check=True,
                capture_output=True,
                env=env,
            )
            runs["nnviz"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    str(script),
                    str(plain),
                    str(iterations),
                    str(Path(d) / "out.json"),
                ],
                check=True,
                capture_output=True,
                env=env,
            )
            runs["numpy"].append(time.perf_counter() - t0)
    return min(runs["nnviz"]), min(runs["numpy"])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="a short smoke run")
    a = p.parse_args()
    blas = [
        (i["internal_api"], i.get("num_threads"), i.get("architecture"))
        for i in threadpool_info()
        if i["user_api"] == "blas"
    ]
    print(f"BLAS: {blas}")
    in_process(repeat=5 if a.quick else 40)
    iterations = 50 if a.quick else 500
    print(f"\nwhole process, 784-128-10 batch 64, {iterations} iterations (best of 3):")
    for threads in (1, 2):
        nnviz_s, numpy_s = process(iterations, threads)
        print(
            f"  BLAS threads {threads}: nnviz train {nnviz_s:.3f} s, minimal NumPy script "
            f"{numpy_s:.3f} s, ratio {nnviz_s / numpy_s:.2f}×"
        )


if __name__ == "__main__":
    main()
