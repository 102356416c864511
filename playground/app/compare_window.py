"""Compare Runs: the pinned runs side by side, with what differs between their
settings and how each ended.

Each pin is a card (its colour, as in the loss plot, its name, its output)
above one table: a row per setting that differs among the pins, named as the
command line names it, then the final numbers, the best test loss in bold.
"""

from __future__ import annotations

import functools
import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.pins import PinnedRun
from ..views.loss_numbers import format_accuracy, format_loss
from ..views.run_thumbnail import thumbnail_pixmap
from .run_records import RunRecords

CARD_PICTURE = 150  # px a side
DIFFERS_COLOR = "#fef7e0"  # the rows of settings that differ


def setting_differences(pins: list[PinnedRun]) -> list[tuple[str, list[str]]]:
    """(option name as typed on the command line, each pin's value) for every
    setting that is not the same in all pins, in the settings' own order."""
    tables = [pin.config.to_dict() for pin in pins]
    rows = []
    for key in tables[0] if tables else ():
        values = [_shown(t.get(key)) for t in tables]
        if len(set(values)) > 1:
            rows.append((key.replace("_", "-"), values))
    return rows


def _shown(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(_shown(v) for v in value) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    if value is None:
        return "—"
    return str(value)


class CompareWindow(QDialog):
    def __init__(self, records: RunRecords, pin_now, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare Runs")
        self.records = records
        self.resize(860, 560)
        self._cards = QHBoxLayout()
        self._cards.setSpacing(12)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #5f6368;")
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.pin_button = buttons.addButton(
            "Pin Current Run", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.pin_button.clicked.connect(pin_now)
        buttons.rejected.connect(self.close)
        column = QVBoxLayout(self)
        column.addLayout(self._cards)
        column.addWidget(self.note)
        column.addWidget(self.table, 1)
        column.addWidget(buttons)
        records.pins_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        pins = self.records.pins
        while self._cards.count():
            item = self._cards.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for i, pin in enumerate(pins):
            self._cards.addWidget(self._card(i, pin))
        self._cards.addStretch(1)
        if len(pins) < 2:
            self.note.setText(
                "Pin runs to compare them: train, press Pin (Ctrl+P), change a setting "
                "(another initialization, say), train again and pin again. Up to four."
            )
        else:
            self.note.setText(
                "Rows: the settings that differ, then how each run ended. "
                "The pins' test losses are drawn faintly in the loss plot, in these colours."
            )
        self._fill_table(pins)

    def _card(self, index: int, pin: PinnedRun) -> QWidget:
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        color = self.records.pin_color(index)
        name = QLabel(f"<span style='color:{color}'>■</span> <b>{pin.name}</b>")
        picture = QLabel()
        picture.setPixmap(thumbnail_pixmap(pin.thumbnail, CARD_PICTURE))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        m = pin.metrics
        numbers = f"epoch {m.epoch:,} · test loss {format_loss(m.test_loss)}"
        if m.test_accuracy is not None:
            numbers += f" · {format_accuracy(m.test_accuracy)}"
        caption = QLabel(numbers)
        unpin = QPushButton("Unpin")
        unpin.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        unpin.clicked.connect(functools.partial(self.records.remove_pin, index))
        box = QVBoxLayout(card)
        box.addWidget(name)
        box.addWidget(picture)
        box.addWidget(caption)
        box.addWidget(unpin, 0, Qt.AlignmentFlag.AlignLeft)
        return card

    def _fill_table(self, pins: list[PinnedRun]) -> None:
        rows = setting_differences(pins)
        metrics = [pin.metrics for pin in pins]
        numbers: list[tuple[str, list[str]]] = [
            ("epochs trained", [f"{m.epoch:,}" for m in metrics]),
            ("training loss", [format_loss(m.train_loss) for m in metrics]),
            ("test loss", [format_loss(m.test_loss) for m in metrics]),
        ]
        if metrics and all(m.test_accuracy is not None for m in metrics):
            numbers.append(
                ("training accuracy", [format_accuracy(m.train_accuracy) for m in metrics])
            )
            numbers.append(("test accuracy", [format_accuracy(m.test_accuracy) for m in metrics]))
        everything = rows + numbers
        self.table.clear()
        self.table.setColumnCount(len(pins))
        self.table.setRowCount(len(everything))
        self.table.setHorizontalHeaderLabels([pin.name for pin in pins])
        self.table.setVerticalHeaderLabels([label for label, _ in everything])
        losses = [m.test_loss if math.isfinite(m.test_loss) else math.inf for m in metrics]
        best = losses.index(min(losses)) if len(pins) > 1 else -1
        bold = QFont()
        bold.setBold(True)
        for r, (label, values) in enumerate(everything):
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if label == "test loss" and c == best:
                    item.setFont(bold)
                    item.setToolTip("the lowest test loss of the pinned runs")
                if r < len(rows):  # a setting that differs: marked as such
                    item.setBackground(QColor(DIFFERS_COLOR))
                self.table.setItem(r, c, item)
