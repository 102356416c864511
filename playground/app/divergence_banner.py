"""A bar above the network that says, in plain words, why training stopped and what to try."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton


class DivergenceBanner(QFrame):
    lower_rate_clicked = Signal()
    reset_clicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("divergence-banner")
        # warm, readable in light and dark themes alike: dark text on amber
        self.setStyleSheet(
            "#divergence-banner { background: #fff3cd; border-bottom: 1px solid #e0b84c; }"
            "#divergence-banner QLabel { color: #4a3500; }"
        )
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.lower_button = QPushButton("Learning rate ÷ 10")
        self.lower_button.setToolTip("Divide the learning rate by ten and carry on from here")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Start over with fresh weights (R)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.lower_button)
        layout.addWidget(self.reset_button)
        self.lower_button.clicked.connect(self.lower_rate_clicked)
        self.reset_button.clicked.connect(self.reset_clicked)
        self.hide()

    def show_message(self, message: str) -> None:
        self.text.setText(f"⚠  {message}")
        self.show()
