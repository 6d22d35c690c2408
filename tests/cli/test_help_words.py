"""Help a student may read says what a verb does, never where the design notes say it (issue
10: `nnviz trace --help` said "(DESIGN §1)")."""

import pytest

from nnviz.cli import main

VERBS = ("trace", "train", "check", "explain", "examples", "render", "edit")


@pytest.mark.parametrize("verb", VERBS)
def test_verb_help_names_no_design_section(capsys, verb):
    with pytest.raises(SystemExit) as done:
        main([verb, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: nnviz")
    assert "DESIGN" not in text and "§" not in text


def test_trace_help_says_what_it_prints(capsys):
    with pytest.raises(SystemExit):
        main(["trace", "--help"])
    assert "Print the trace of one iteration as JSON: every step's operands and result." in (
        capsys.readouterr().out.replace("\n", " ").replace("  ", " ")
    )
