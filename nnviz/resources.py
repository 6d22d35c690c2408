"""Where the shipped resources are: inside the installed package, or the source tree's top level."""

from functools import cache
from pathlib import Path


@cache
def resource_dir() -> Path:
    """`nnviz/resources` in a wheel (hatchling force-include); `resources/` in a checkout.

    Found beside this file, not with importlib.resources.files: the package is always a
    folder on disk (the fonts and icons are handed to Qt as paths), and files() imports its
    readers, ~5 ms of every start."""
    packaged = Path(__file__).parent / "resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)


EXAMPLE_SUFFIX = ".nnviz.json"
DEFAULT_EXAMPLE = "seed001-network"


def example_names() -> list[str]:
    """The built-in examples, sorted by name."""
    return sorted(
        p.name.removesuffix(EXAMPLE_SUFFIX) for p in resource("examples").glob(f"*{EXAMPLE_SUFFIX}")
    )


def example_path(name: str) -> Path:
    from nnviz.core.errors import NnvizError

    if name not in example_names():
        raise NnvizError(
            f"no built-in example {name!r}; the examples are: {', '.join(example_names())}"
        )
    return resource("examples", name + EXAMPLE_SUFFIX)
