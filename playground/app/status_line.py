"""The status bar: short messages, and what always shows at its right end:
how many hidden units are dead, and "N epochs/s · M fps" (or "paused")."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QStatusBar

from ..core.snapshot import Snapshot

MESSAGE_MS = 8000  # how long a refusal, an error or a note stays


class StatusLine(QObject):
    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.bar = bar
        self.dead = QLabel()
        self.dead.setToolTip(
            "Units inactive on every training point, where no gradient reaches "
            "them (a ReLU's input at or below 0): they no longer learn "
            "(the graph greys and crosses them)"
        )
        self.dead.setStyleSheet("color: #b3261e;")  # the one number here that is a warning
        self.rate = QLabel()
        bar.addPermanentWidget(self.dead)
        bar.addPermanentWidget(self.rate)
        self._dead_count = -1

    def say(self, message: str) -> None:
        self.bar.showMessage(message, MESSAGE_MS)

    def show_rate(self, text: str) -> None:
        self.rate.setText(text)

    def follow(self, snapshot: Snapshot) -> None:
        diagnostics = snapshot.diagnostics
        count = diagnostics.dead_units if diagnostics is not None else 0
        if count == self._dead_count:
            return  # every frame: touch the label only on a change
        self._dead_count = count
        self.dead.setText("" if count == 0 else f"{count} dead unit{'' if count == 1 else 's'}")
        self.dead.setVisible(count > 0)
