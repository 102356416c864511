"""Tests run without a screen: Qt's offscreen platform, set before any QApplication.

QSettings go to a throwaway folder, so tests never read or change a person's own
saved window layout and settings.
"""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="neural-playground-tests-")
