"""A bar above the network that says, in plain words, why training stopped and what to try.

It follows the snapshots: shown while the newest one says training diverged,
hidden as soon as one says it can go on (a lower rate, a reset, another file).
Reset comes first: the parameters training fell back to were taken just before
the blow-up and may already be huge (every ReLU dead, a loss stuck far up), so
carrying on from them with a smaller rate often learns nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from ..core.snapshot import Snapshot

WHY_RESET = (
    "The weights it fell back to may already be too large to learn from: "
    "Reset starts over from fresh ones."
)


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
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Start over with fresh weights (R)")
        self.reset_button.setDefault(True)
        self.lower_button = QPushButton("Learning rate ÷ 10")
        self.lower_button.setToolTip(
            "Divide the learning rate by ten and carry on from the weights training fell back to"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.reset_button)
        layout.addWidget(self.lower_button)
        self.reset_button.clicked.connect(self.reset_clicked)
        self.lower_button.clicked.connect(self.lower_rate_clicked)
        self._shown = ""
        self.hide()

    def follow(self, snapshot: Snapshot) -> None:
        """Show the snapshot's divergence message, or hide when there is none."""
        message = snapshot.message if snapshot.diverged else ""
        if message == self._shown:
            return  # called every frame: touch the widget only when something changed
        self._shown = message
        if message:
            self.text.setText(f"⚠  {message}  {WHY_RESET}")
            self.show()
        else:
            self.hide()
