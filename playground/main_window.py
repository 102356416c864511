"""The main window.  For now a placeholder: the playground window is its own issue."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow

from . import __version__


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Neural Playground")
        label = QLabel(
            f"<h2>Neural Playground {__version__}</h2>"
            "<p>The interactive window is on its way.<br>"
            "Meanwhile the engine runs headless: <code>neural-playground train --help</code></p>"
        )
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(label)
        self.resize(720, 420)
