"""launch(): a refused session exits 2 before any window; a run exits 0 without crashing."""

import os
import subprocess
import sys
import textwrap

from PySide6.QtWidgets import QApplication

from nnviz.app.launch import launch


def test_a_refused_session_exits_2_before_any_window(qapp, session_file, capsys):
    before = set(QApplication.topLevelWidgets())
    bad = session_file('{"nnviz": 1}')
    assert launch(str(bad), None) == 2
    assert capsys.readouterr().err.startswith("nnviz: broken.nnviz.json: ")
    assert set(QApplication.topLevelWidgets()) == before
    assert launch(None, "no-such-example") == 2
    assert "no built-in example 'no-such-example'" in capsys.readouterr().err


def test_the_window_opens_and_the_process_exits_cleanly(tmp_path):
    """The event loop runs, the window closes, the interpreter exits 0 (no crash at exit)."""
    script = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QTimer
        from nnviz.app.startup import ensure_app
        from nnviz.app.launch import launch
        app = ensure_app()
        QTimer.singleShot(200, app.quit)
        code = launch(None, "seed001-network")
        print("launched", code, app.topLevelWidgets() == [] or "left windows")
        sys.exit(code)
        """
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    env["HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "launched 0 True"
