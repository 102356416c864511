"""Opening the window (Qt is imported here, never by the engine)."""

from __future__ import annotations

import functools
import sys


def make_application(argv: list[str] | None = None):
    """The QApplication with the app's names and icon (the window and --self-test share it)."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from ..assets import resource_path
    from ..blas import use_one_blas_thread
    from .settings import APPLICATION, ORGANIZATION

    use_one_blas_thread()  # OpenBLAS's idle threads would spin on the cores we train and paint on
    existing = QApplication.instance()
    if existing is not None and not isinstance(existing, QApplication):
        raise RuntimeError("a Qt application without widgets is already running")
    app = existing or _application_class()([sys.argv[0], *(argv or [])])
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setWindowIcon(QIcon(resource_path("icons/neural-playground.svg")))
    app.setDesktopFileName("neural-playground")  # Wayland docks match the .desktop entry
    return app


@functools.cache
def _application_class():
    """QApplication that hands on the files the system asks it to open.

    macOS Finder sends a double-clicked file as a FileOpen event to the
    application object.  Overriding `event` here sees only the events sent to
    that object; an event filter on the application would see every event of
    every widget, each one a call into Python that takes the GIL from the trainer.
    """
    from PySide6.QtCore import QEvent, Signal
    from PySide6.QtWidgets import QApplication

    class PlaygroundApplication(QApplication):
        file_open_requested = Signal(str)

        def event(self, event):
            if event.type() == QEvent.Type.FileOpen:
                self.file_open_requested.emit(event.file())
                return True
            return super().event(event)

    return PlaygroundApplication


def run_app(argv: list[str] | None = None, open_path: str | None = None) -> int:
    """Show the window (opening `open_path`, an experiment or parameter file, if
    given) and run until it closes."""
    from PySide6.QtCore import QTimer

    from .main_window import MainWindow

    app = make_application(argv)
    window = MainWindow()
    window.show()
    if open_path is not None:
        QTimer.singleShot(0, window.files, lambda: window.files.open_path(open_path))
    if hasattr(app, "file_open_requested"):  # a bound method: Qt holds no closure over it
        app.file_open_requested.connect(window.files.open_requested)
    return app.exec()


def open_requested(window, path: str) -> None:
    """Open a file the system handed over, once unsaved work is dealt with."""
    window.files.open_requested(path)
