"""Set up Qt for the whole test run before anything imports it: no display, PySide6."""

import os
import tempfile

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
# nnviz's data folder (autosaves): never the user's, also in the subprocesses tests start.
os.environ["NNVIZ_DATA_DIR"] = tempfile.mkdtemp(prefix="nnviz-test-data-")
