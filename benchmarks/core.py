"""Speed of the core beside the limit: a minimal hand-written NumPy loop doing the same maths.

Run by hand: `python benchmarks/core.py` (add `--quick` for a CI smoke run). Prints figures,
asserts nothing. For each network: one traced iteration (every step kept, as the GUI needs),
one training iteration, and the same iteration written as the shortest honest NumPy code;
then mini-batch training of the `digits` example beside a bare NumPy loop over the same
batches (in process, and as whole processes: `nnviz train` against a minimal script); then a
whole `nnviz train` process beside a minimal NumPy script process; each with BLAS on 1 thread
and on 2 (threadpoolctl), since the better choice depends on the machine's load. The machine's
load (`os.getloadavg`) is printed with the figures: they mean little without it.
"""

import argparse
import gc
import json
import os
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
from nnviz.core.session_file import load_session
from nnviz.core.trace import build_trace
from nnviz.core.train import train
from nnviz.resources import example_path, resource


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
    """Seconds of each function, the best of `repeat` turns (as timeit advises: on a shared
    machine the median measures the other processes as much as this code), timed in turns so
    all see the same load, with the garbage collector off while timing (as timeit does): a
    collection that the trace's many small objects set off would otherwise be charged to
    whichever call came next."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, ts in zip(fns, times, strict=True):
            gc.disable()
            try:
                t0 = time.perf_counter()
                fn()
                ts.append(time.perf_counter() - t0)
            finally:
                gc.enable()
    return [min(ts) for ts in times]


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
                f"{plain / n * 1e3:>10.3f}ms{trained / plain:>12.2f}×  (load {_load()})"
            )


# --- mini-batch training of the digits example --------------------------------------------

DIGITS_LOOP = """
def digits_loop(X, Y, W, b, lr, size, seed, n):
    # The limit: relu, softmax, cross-entropy (mean) and SGD over the same mini-batches as
    # nnviz (batches.py: epoch e shuffled by default_rng([seed, e]), cut in order).
    n_train = X.shape[1]
    per_epoch = -(-n_train // size)
    losses = []
    for it in range(n):
        epoch, j = divmod(it, per_epoch)
        if j == 0:
            order = np.random.default_rng([seed, epoch]).permutation(n_train)
        idx = order[j * size : (j + 1) * size]
        Xb, Yb = X[:, idx], Y[:, idx]
        k = 1.0 / len(idx)
        Z1 = W[0] @ Xb + b[0][:, None]; A1 = np.maximum(Z1, 0)
        Z2 = W[1] @ A1 + b[1][:, None]
        m = Z2.max(axis=0); e = np.exp(Z2 - m); s = e.sum(axis=0); A2 = e / s
        losses.append(k * (Yb * (m + np.log(s) - Z2)).sum())
        d2 = k * (A2 - Yb); dW2 = d2 @ A1.T; db2 = d2.sum(axis=1)
        d1 = (W[1].T @ d2) * (Z1 > 0); dW1 = d1 @ Xb.T; db1 = d1.sum(axis=1)
        W[1] -= lr * dW2; b[1] -= lr * db2; W[0] -= lr * dW1; b[0] -= lr * db1
    return losses
"""
_loop_namespace: dict = {"np": np}
exec(DIGITS_LOOP, _loop_namespace)  # the very text the whole-process script runs
digits_loop = _loop_namespace["digits_loop"]


def digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The training set as the minimal code reads it: the shipped file, its last 20% held out."""
    with np.load(resource("datasets", "digits.npz")) as z:
        X, labels = z["pixels"].T / 16.0, z["labels"]
    Y = np.eye(10)[labels].T
    n_train = X.shape[1] - round(0.2 * X.shape[1])
    return X[:, :n_train], Y[:, :n_train]


def digits_in_process(repeat: int, n: int) -> None:
    s = load_session(example_path("digits"))
    d = s.data
    assert d is not None and d.batch_size is not None
    X, Y = digits_arrays()
    size = d.batch_size

    def bare() -> None:
        W, b = [w.copy() for w in s.W], [v.copy() for v in s.b]
        digits_loop(X, Y, W, b, s.learning_rate, size, d.seed, n)

    print(f"\ndigits 64-16-10, mini-batches of {size}, {n} iterations (best of {repeat}):")
    for threads in (1, 2):
        with threadpool_limits(threads, user_api="blas"):
            trained, plain = interleaved([lambda: train(s, n), bare], repeat)
        print(
            f"  BLAS threads {threads}: nnviz train() {trained / n * 1e6:.1f} µs/it, bare NumPy "
            f"{plain / n * 1e6:.1f} µs/it, ratio {trained / plain:.2f}×  (load {_load()})"
        )


DIGITS_SCRIPT = (
    """
import json, sys
import numpy as np
"""
    + DIGITS_LOOP
    + """
doc = json.load(open(sys.argv[1]))
with np.load(sys.argv[2]) as z:
    X, labels = z["pixels"].T / 16.0, z["labels"]
Y = np.eye(10)[labels].T
n_train = X.shape[1] - round(0.2 * X.shape[1])
W = [np.array(w) for w in doc["W"]]; b = [np.array(v) for v in doc["b"]]
d = doc["data"]
losses = digits_loop(X[:, :n_train], Y[:, :n_train], W, b, doc["learning_rate"],
                     d["batch_size"], d["seed"], int(sys.argv[3]))
doc["W"] = [w.tolist() for w in W]; doc["b"] = [v.tolist() for v in b]
json.dump(doc, open(sys.argv[4], "w"))
print(losses[-1])
"""
)


def digits_process(iterations: int, threads: int) -> tuple[float, float]:
    """Wall time of `nnviz train` on the digits example and of the minimal script, each a
    whole process (best of 3): start-up, reading, training and writing included."""
    s = load_session(example_path("digits"))
    env = {**os.environ, "OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "digits.nnviz.json"
        save_session(s, src)  # its W and b written out, for the script to start from
        script = Path(d) / "minimal.py"
        script.write_text(DIGITS_SCRIPT)
        npz = str(resource("datasets", "digits.npz"))
        runs: dict[str, list[float]] = {"nnviz": [], "numpy": []}
        nnviz_cmd = [sys.executable, "-m", "nnviz", "train", str(src), "-n", str(iterations)]
        nnviz_cmd += ["-o", str(Path(d) / "out.nnviz.json")]
        plain_cmd = [sys.executable, str(script), str(src), npz, str(iterations)]
        plain_cmd += [str(Path(d) / "out.json")]
        for _ in range(3):
            for name, cmd in (("nnviz", nnviz_cmd), ("numpy", plain_cmd)):
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, capture_output=True, env=env)
                runs[name].append(time.perf_counter() - t0)
    return min(runs["nnviz"]), min(runs["numpy"])


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


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
    print(f"BLAS: {blas}; load {_load()}")
    in_process(repeat=5 if a.quick else 40)
    digits_in_process(repeat=3 if a.quick else 15, n=50 if a.quick else 500)
    its = 100 if a.quick else 1000
    print(f"\nwhole process, digits, {its} mini-batch iterations (best of 3):")
    for threads in (1, 2):
        nnviz_s, numpy_s = digits_process(its, threads)
        print(
            f"  BLAS threads {threads}: nnviz train {nnviz_s:.3f} s, minimal NumPy script "
            f"{numpy_s:.3f} s, ratio {nnviz_s / numpy_s:.2f}×  (load {_load()})"
        )
    iterations = 50 if a.quick else 500
    print(f"\nwhole process, 784-128-10 batch 64, {iterations} iterations (best of 3):")
    for threads in (1, 2):
        nnviz_s, numpy_s = process(iterations, threads)
        print(
            f"  BLAS threads {threads}: nnviz train {nnviz_s:.3f} s, minimal NumPy script "
            f"{numpy_s:.3f} s, ratio {nnviz_s / numpy_s:.2f}×  (load {_load()})"
        )


if __name__ == "__main__":
    main()
