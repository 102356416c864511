"""Tests run without a screen: Qt's offscreen platform, set before any QApplication.

QSettings go to a throwaway folder, so tests never read or change a person's own
saved window layout and settings.
"""

import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="neural-playground-tests-")


@pytest.fixture
def close_later():
    """Register a window to be closed after the test, if the test has not closed it.

    Windows delete themselves on close, so a window the test closes must not be
    given to qtbot.addWidget, which would close it again at teardown."""
    from shiboken6 import isValid

    windows = []
    yield windows.append
    for window in windows:
        if isValid(window):
            window.close()
