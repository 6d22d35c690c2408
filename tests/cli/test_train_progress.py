import os
import pty
import subprocess
import sys

from nnviz.resources import example_path


def run_train(tmp_path, stderr_tty: bool) -> str:
    """`nnviz train` with stderr on a pseudo-terminal or on a pipe; returns what stderr got."""
    args = [
        sys.executable,
        "-m",
        "nnviz",
        "train",
        str(example_path("xor")),
        "-n",
        "3000",
        "-o",
        str(tmp_path / "out.nnviz.json"),
    ]
    if not stderr_tty:
        done = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0
        return done.stderr
    leader, follower = pty.openpty()
    with subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=follower) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        assert proc.wait(timeout=120) == 0
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_shows_on_a_terminal(tmp_path):
    err = run_train(tmp_path, stderr_tty=True)
    assert "3000/3000" in err and "loss " in err and "█" in err


def test_no_progress_bar_when_piped(tmp_path):
    assert run_train(tmp_path, stderr_tty=False) == ""
