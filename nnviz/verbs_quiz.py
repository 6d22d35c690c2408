"""`nnviz quiz`: practice mode without a window. Answers come from stdin, one per line.

    nnviz quiz --example seed001-matmul --step forward.1.matmul < answers.txt

The answers are for the step's result cells in row-major order, in the session's convention
(for a session with exercises and no --step: each exercise's cells in turn). One line per
cell, `right` or `wrong` with the true value and the slip's name where it is one, then
`score: R of T`. Exit 0 all right, 1 otherwise, 2 refused input (an unknown step, too few or
too many answers); a line that is not a number is marked wrong, with a message.
"""

import sys

from nnviz.core.errors import NnvizError
from nnviz.core.exercises import Exercise
from nnviz.core.explain import explain
from nnviz.core.formatting import DEFAULT_PRECISION, format_value
from nnviz.core.practice import check_cell, grade, parse_answer, slips, tolerance_rule
from nnviz.core.steps import Step
from nnviz.core.terms import cell_text
from nnviz.core.trace import Trace, build_trace
from nnviz.verbs import _add_iteration, _add_session, _at_iteration, _find_step, _load, _parser


def _questions(t: Trace, step_key: str | None) -> list[tuple[Step, int, int]]:
    """(step, row, col) for each answer expected, in order."""
    if step_key is not None:
        step = _find_step(t, step_key)
        rows, cols = step.result.value.shape
        return [(step, i, j) for i in range(rows) for j in range(cols)]
    exercises: tuple[Exercise, ...] = t.session.exercises
    if not exercises:
        raise NnvizError("give --step ID (this session has no exercises to walk)")
    out = []
    for e in exercises:
        step = _find_step(t, e.step)
        for i, j in e.cells_of(step.result.value.shape):
            check_cell(step, i, j)
            out.append((step, i, j))
    return out


def _cell_name(step: Step, i: int, j: int) -> str:
    return "L" if step.scalar else cell_text(step.result.symbol, i, j)


def quiz(args: list[str]) -> int:
    p = _parser(
        "quiz",
        "Check hand-worked answers for a step's result cells, one per line on stdin, "
        "row-major in the session's convention. " + tolerance_rule() + ".",
    )
    _add_session(p)
    p.add_argument("--step", metavar="ID", help="a step id (forward.1.matmul) or its number")
    _add_iteration(p)
    p.add_argument("--precision", type=int, default=DEFAULT_PRECISION, help="significant digits")
    p.add_argument("--explain", action="store_true", help="print the derivation of a wrong cell")
    a = p.parse_args(args)
    if not 1 <= a.precision <= 17:
        raise NnvizError(f"--precision: expected 1 to 17 significant digits, got {a.precision}")
    s = _load(a)
    t = build_trace(_at_iteration(s, a.iteration))
    # The weights before the last update, for the pre-update weights' slip.
    previous_weights = _at_iteration(s, a.iteration - 1).W if a.iteration > 1 else None
    questions = _questions(t, a.step)
    lines = sys.stdin.read().splitlines()
    while lines and not lines[-1].strip():  # a final newline or two is no answer
        lines.pop()
    if len(lines) != len(questions):
        what = f"{questions[0][0].id}'s {len(questions)} cells" if a.step else "the exercises"
        few = "too few" if len(lines) < len(questions) else "too many"
        raise NnvizError(
            f"{few} answers: expected {len(questions)} lines (one per cell of {what}, "
            f"row-major), got {len(lines)}"
        )
    known: dict[str, list] = {}
    right = 0
    for (step, i, j), line in zip(questions, lines, strict=True):
        name = _cell_name(step, i, j)
        where = name if a.step else f"{step.id} {name}"
        try:
            answer = parse_answer(line)
        except NnvizError as e:
            true = format_value(float(step.result.value[i, j]), a.precision)
            print(f"{where}  wrong ({e}), true {true}")
            continue
        if step.id not in known:
            known[step.id] = slips(t, step, previous_weights)
        m = grade(t, step, i, j, answer, a.precision, known[step.id])
        right += m.right
        print(f"{where}  {m.text(a.precision)}")
        if a.explain and not m.right:
            print("    " + explain(step, i, j).text(a.precision))
    print(f"score: {right} of {len(questions)}")
    return 0 if right == len(questions) else 1
