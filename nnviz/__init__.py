"""nnviz: step through a neural network's forward pass, backward pass and update.

The public API, for notebooks and scripts (the CLI and the GUI use the same):

    import nnviz
    s = nnviz.load("net.nnviz.json")            # or nnviz.example("xor"), nnviz.build(...)
    t = nnviz.trace(s)                          # every step of one iteration
    print(nnviz.explain(t, "forward.1.matmul", 0, 0).text())
    r = nnviz.train(s, 500)                     # r.session, r.losses
    s4 = nnviz.edit(s, layers=[2, 4, 1])        # activations, loss, convention, init...
    nnviz.save(r.session, "trained.nnviz.json")
    iris = nnviz.import_csv("iris.csv", "1-4", "species", one_hot=True, standardize=True)
"""

from importlib import import_module

# The API loads lazily, so `nnviz --version` and `--help` need not import NumPy.
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    if name.startswith("__"):  # a probe (inspect's __wrapped__, run by PySide6 on every
        # import after it), not the API's: answered without importing the API at start-up
        raise AttributeError(f"module 'nnviz' has no attribute {name!r}")
    api = import_module("nnviz.api")
    if name in api.__all__:
        return getattr(api, name)
    raise AttributeError(f"module 'nnviz' has no attribute {name!r}")


def __dir__() -> list[str]:
    api = import_module("nnviz.api")
    return sorted([*api.__all__, "__version__"])
