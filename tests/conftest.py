"""Set up Qt for the whole test run before anything imports it: no display, PySide6."""

import atexit
import os
import shutil
import tempfile

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
# nnviz's data folder (autosaves): never the user's, also in the subprocesses tests start.
os.environ["NNVIZ_DATA_DIR"] = _data = tempfile.mkdtemp(prefix="nnviz-test-data-")
atexit.register(shutil.rmtree, _data, ignore_errors=True)
