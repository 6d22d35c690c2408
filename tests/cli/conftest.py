from pathlib import Path

import pytest

from nnviz.resources import example_names, example_path


@pytest.fixture
def example_file(tmp_path: Path):
    """A writable copy of a built-in example."""

    def copy(name: str) -> Path:
        dst = tmp_path / f"{name}.nnviz.json"
        dst.write_text(example_path(name).read_text(encoding="utf-8"), encoding="utf-8")
        return dst

    return copy


ALL_EXAMPLES = example_names()
