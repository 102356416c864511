"""Opening the window (Qt is imported here, never by the engine)."""

from __future__ import annotations

import sys


def make_application(argv: list[str] | None = None):
    """The QApplication with the app's names and icon (the window and --self-test share it)."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from .assets import resource_path
    from .settings import APPLICATION, ORGANIZATION

    app = QApplication.instance() or QApplication([sys.argv[0], *(argv or [])])
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setWindowIcon(QIcon(resource_path("icons/neural-playground.svg")))
    app.setDesktopFileName("neural-playground")  # Wayland docks match the .desktop entry
    return app


def run_app(argv: list[str] | None = None, open_path: str | None = None) -> int:
    """Show the window (opening `open_path`, an experiment or parameter file, if
    given) and run until it closes."""
    from PySide6.QtCore import QTimer

    from .main_window import MainWindow

    app = make_application(argv)
    window = MainWindow()
    window.show()
    if open_path is not None:
        QTimer.singleShot(0, lambda: window.files.open_path(open_path))
    opener = _file_open_filter(window)  # macOS Finder sends files as events, not arguments
    app.installEventFilter(opener)
    return app.exec()


def _file_open_filter(window):
    """An event filter that opens files the system hands over (double-click on macOS)."""
    from PySide6.QtCore import QEvent, QObject

    class FileOpenFilter(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.FileOpen:
                if window.files.confirm_discard():
                    window.files.open_path(event.file())
                return True
            return False

    return FileOpenFilter(window)
