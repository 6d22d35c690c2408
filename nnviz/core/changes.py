"""How the parameters changed between two iterations: W⁽ˡ⁾ and b⁽ˡ⁾ of the later one minus
those of the earlier one, matrix by matrix (the "what did training do" view; no Qt here).

Both are taken in the column layout and the difference is shown in the later session's
convention, so the cells line up with the editors and the step view. Two iterations on either
side of a shape edit have matrices of different shapes: such a matrix has no difference, and
its `note` says why (a number cannot be subtracted from one that has no place).
"""

from dataclasses import dataclass

import numpy as np

from nnviz.core.convention import layer_name, to_convention, vector_to_convention
from nnviz.core.session import Session
from nnviz.core.steps import shape_text
from nnviz.core.types import Mat

__all__ = ["MatrixChange", "parameter_changes"]


@dataclass(frozen=True, slots=True)
class MatrixChange:
    """One parameter matrix: `after − before`, in the later session's convention."""

    matrix: str  # "W" or "b"
    layer: int
    difference: Mat | None  # None when the shapes differ
    note: str = ""

    @property
    def label(self) -> str:
        return layer_name(self.matrix, self.layer)

    @property
    def largest(self) -> float:
        """The largest change in size (0 when nothing changed or there is no difference)."""
        d = self.difference
        return float(np.max(np.abs(d))) if d is not None and d.size else 0.0


def _shown(M: Mat, matrix: str, convention: str) -> Mat:
    return vector_to_convention(M, convention) if matrix == "b" else to_convention(M, convention)


def parameter_changes(before: Session, after: Session) -> tuple[MatrixChange, ...]:
    """W⁽¹⁾, b⁽¹⁾, W⁽²⁾, … of `after` minus those of `before`; a layer only one has is listed
    with a note. Differences are new read-only arrays (the sessions are not touched)."""
    out = []
    for k in range(max(before.depth, after.depth)):
        for matrix, old_all, new_all in (("W", before.W, after.W), ("b", before.b, after.b)):
            old = old_all[k] if k < len(old_all) else None
            new = new_all[k] if k < len(new_all) else None
            if old is None or new is None:
                which = "the later" if old is None else "the earlier"
                out.append(MatrixChange(matrix, k + 1, None, f"only {which} iteration has it"))
                continue
            if old.shape != new.shape:
                note = (
                    f"its shape changed ({shape_text(_shown(old, matrix, after.convention).shape)}"
                    f" → {shape_text(_shown(new, matrix, after.convention).shape)}): "
                    "an edit between the two iterations"
                )
                out.append(MatrixChange(matrix, k + 1, None, note))
                continue
            with np.errstate(over="ignore", invalid="ignore"):
                d = np.array(_shown(new - old, matrix, after.convention), order="C")
            d.flags.writeable = False
            out.append(MatrixChange(matrix, k + 1, d))
    return tuple(out)
