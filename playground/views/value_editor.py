"""The in-place value editor: a small popup over the network view to type a
weight or a bias.

A QWidget child of the view, not a scene item like those in network_items.py,
so it lives apart from them; the view opens it and applies what it emits.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from .network_items import MUTED, TEXT, font

EDITOR_STYLE = f"""\
QFrame#nvEditor {{ background: #ffffff; border: 1px solid #1a73e8; border-radius: 6px; }}
QFrame#nvEditor QLabel {{ color: {MUTED}; border: none; background: transparent; }}
QFrame#nvEditor QLineEdit {{
    background: #ffffff; color: {TEXT}; border: 1px solid #c4c9d0; border-radius: 3px;
    padding: 2px 4px; selection-background-color: #1a73e8; selection-color: #ffffff;
}}
QFrame#nvEditor QLineEdit[invalid="true"] {{ border: 1px solid #d93025; }}
"""


class _ValueLine(QLineEdit):
    escaped = Signal()

    def keyPressEvent(self, ev) -> None:
        if ev.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            ev.accept()
            return
        super().keyPressEvent(ev)


class ValueEditor(QFrame):
    """A small popup over the view to type a number.  Enter emits `accepted`
    (nothing if the text is unchanged), Escape `cancelled`; text that is not a
    finite number is marked red and the popup stays open."""

    accepted = Signal(float)
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent  # where it opens: kept inside this widget
        self.setObjectName("nvEditor")
        self.label = QLabel(self)
        self.label.setFont(font(11))
        self.line = _ValueLine(self)
        self.line.setFont(font(13))
        self.line.setFixedWidth(120)
        self.line.returnPressed.connect(self._commit)
        self.line.escaped.connect(self.cancelled.emit)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 8)
        box.setSpacing(4)
        box.addWidget(self.label)
        box.addWidget(self.line)
        self._start = ""
        self.hide()

    def open(self, title: str, value: float, pos: QPointF) -> None:
        """Show next to `pos` (parent px) with `value` selected, ready to type over."""
        self._start = f"{value:.6g}"
        self.label.setText(title + "\nEnter applies, Esc cancels")
        self.line.setText(self._start)
        self._mark(False)
        self.adjustSize()
        parent = self._parent
        x = min(max(4, pos.x() + 10), parent.width() - self.width() - 4)
        y = min(max(4, pos.y() + 10), parent.height() - self.height() - 4)
        self.move(int(x), int(y))
        self.show()
        self.raise_()
        self.line.selectAll()
        self.line.setFocus()

    def _mark(self, invalid: bool) -> None:
        self.line.setProperty("invalid", invalid)
        self.line.style().polish(self.line)

    def _commit(self) -> None:
        text = self.line.text().strip().replace("−", "-").replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self._mark(True)
            return
        self.hide()
        if text != self._start:
            self.accepted.emit(value)
        else:
            self.cancelled.emit()
