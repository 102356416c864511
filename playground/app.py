"""Opening the window (Qt is imported here, never by the engine)."""

from __future__ import annotations

import sys


def run_app(argv: list[str] | None = None, open_path: str | None = None) -> int:
    """Show the window (opening `open_path`, an experiment or parameter file, if
    given) and run until it closes."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow
    from .resources import resource_path
    from .settings import APPLICATION, ORGANIZATION

    app = QApplication.instance() or QApplication([sys.argv[0], *(argv or [])])
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setWindowIcon(QIcon(resource_path("icons/neural-playground.svg")))
    window = MainWindow()
    window.show()
    if open_path is not None:
        QTimer.singleShot(0, lambda: window.files.open_path(open_path))
    return app.exec()
