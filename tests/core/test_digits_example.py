"""The built-in `digits` example learns: the README's iteration count reaches ≥ 90 % test."""

from nnviz.core.session_file import load_session
from nnviz.core.train import held_out, train
from nnviz.resources import example_path


def test_the_digits_example_reaches_90_percent_test_accuracy_in_1000_iterations():
    s = load_session(example_path("digits"))
    assert (s.data.n_train, s.data.X_test.shape[1]) == (1438, 359)
    _, before = held_out(s)
    result = train(s, 1000)  # about 2 s here: 23 epochs of mini-batches of 32
    loss, acc = held_out(result.session)
    assert before < 0.2  # chance, before training
    assert acc >= 0.90  # 91.9 % (330 of 359) with these seeds
    assert loss < 0.4
