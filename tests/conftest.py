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


@pytest.fixture
def open_window(qtbot, tmp_path):
    """open_window(config): a shown MainWindow with its own settings file, whose
    questions are answered (unsaved work: discard; sentences land in `win.told`),
    once its first picture is in; closed after the test if still open."""
    from PySide6.QtCore import QSettings
    from shiboken6 import isValid

    from playground.app.main_window import MainWindow

    windows = []

    def opened(config):
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        win = MainWindow(config, settings=settings)
        win.told = []
        win.files.tell = win.told.append
        win.files.ask_discard = lambda: "discard"
        qtbot.addWidget(win)
        win.show()
        qtbot.waitUntil(lambda: win.experiment.snapshot is not None, timeout=8000)
        windows.append(win)
        return win

    yield opened
    for win in windows:
        if isValid(win):  # pytest-qt may have closed (and so deleted) it already
            win.close()


@pytest.fixture
def network_view(qtbot):
    """A shown NetworkView of 900 x 560, alone (no window)."""
    from playground.views.network_view import NetworkView

    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(900, 560)
    view.show()
    qtbot.waitExposed(view)
    return view
