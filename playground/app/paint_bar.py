"""The Output dock's paint tools: Paint on or off, a swatch per class (keys 1..8)
or the target for regression, the eraser (or right-drag), undo and redo (Ctrl+Z,
Ctrl+Shift+Z), Clear, and whether new points are split or all for training."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.config import MAX_CLASSES
from ..panels.widgets import NumberSpin
from ..views.colors import CLASS_COLORS
from ..views.output_view import ERASER_SHARE, OutputView
from .painting import Painter

SWATCH = 14  # px


class PaintBar(QWidget):
    def __init__(self, painter: Painter, view: OutputView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.painter, self.view = painter, view
        self.toggle = _tool(
            "✎ Paint", "Add points with the mouse: left-drag paints, right-drag erases"
        )
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)  # as low as the check boxes beside it
        self.tools = QWidget()  # shown while painting
        self.swatches: list[QToolButton] = []
        group = QButtonGroup(self)
        for k in range(MAX_CLASSES):
            swatch = _tool("", f"Paint class {k + 1} (key {k + 1})")
            swatch.setCheckable(True)
            swatch.setIcon(_swatch_icon(CLASS_COLORS[k]))
            swatch.clicked.connect(lambda _=False, k=k: self._choose(k))
            group.addButton(swatch)
            self.swatches.append(swatch)
        self.target_label = QLabel("target")
        self.target = NumberSpin(-1e6, 1e6, 2, 0.1, fit=99.0)
        self.target.setToolTip("The value painted points take (regression)")
        self.target.setValue(1.0)
        self.target.valueChanged.connect(self._target_changed)
        self.eraser = _tool("Eraser", "Left-drag erases too (right-drag always does)")
        self.eraser.setCheckable(True)
        self.undo = _tool("↶", "Undo the last stroke (Ctrl+Z)")
        self.redo = _tool("↷", "Redo (Ctrl+Shift+Z)")
        self.clear = _tool("Clear", "Remove every point (paint at least four to train again)")
        self.split = QComboBox()
        self.split.addItem("split by ratio", False)
        self.split.addItem("all training", True)
        self.split.setToolTip("New points: training or test by the training ratio, or all training")

        # two lines, so the dock keeps its width: the brush, then what to do with it
        lines = QVBoxLayout(self.tools)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(2)
        for widgets in (
            (QLabel("brush"), *self.swatches, self.target_label, self.target),
            (self.eraser, self.undo, self.redo, self.clear, self.split),
        ):
            row = QHBoxLayout()
            row.setSpacing(2)
            for widget in widgets:
                row.addWidget(widget)
            row.addStretch(1)
            lines.addLayout(row)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.tools)
        self.tools.hide()

        self.toggle.toggled.connect(self._painting)
        self.undo.clicked.connect(painter.undo)
        self.redo.clicked.connect(painter.redo)
        self.clear.clicked.connect(painter.clear)
        self.split.activated.connect(
            lambda i: setattr(painter, "all_train", self.split.itemData(i))
        )
        view.painted.connect(self._painted)
        view.erased.connect(painter.erase)
        view.stroke_ended.connect(painter.end_stroke)
        painter.history_changed.connect(self._show_history)
        self.shortcuts: list[QShortcut] = []
        self._painting(False)

    def attach_shortcuts(self, window: QWidget) -> None:
        """The window's keys while painting (a text field keeps its own keys):
        Ctrl+Z, Ctrl+Shift+Z (or the system's redo), and 1..8 for the swatches."""
        keys = [
            (QKeySequence(QKeySequence.StandardKey.Undo), self.painter.undo),
            (QKeySequence(QKeySequence.StandardKey.Redo), self.painter.redo),
            (QKeySequence("Ctrl+Shift+Z"), self.painter.redo),
            *((QKeySequence(str(k + 1)), lambda k=k: self._choose(k)) for k in range(MAX_CLASSES)),
        ]
        seen: set[str] = set()
        for key, slot in keys:
            if key.toString() in seen:  # the system's redo may be Ctrl+Shift+Z already
                continue
            seen.add(key.toString())
            shortcut = QShortcut(key, window)
            shortcut.activated.connect(slot)
            shortcut.setEnabled(self.toggle.isChecked())
            self.shortcuts.append(shortcut)

    def _painting(self, on: bool) -> None:
        self.view.set_painting(on)
        self.tools.setVisible(on)
        self.setVisible(on)  # hidden whole: an empty bar would still take the layout's spacing
        for shortcut in self.shortcuts:
            shortcut.setEnabled(on)
        if on:
            self.show_classes()

    def follow(self, _config: object = None) -> None:
        """Settings changed (another dataset, another class count): fit the swatches."""
        if self.toggle.isChecked():
            self.show_classes()

    def show_classes(self) -> None:
        """A swatch per class of the data shown, or the target for regression."""
        k = self.painter.classes()
        for i, swatch in enumerate(self.swatches):
            swatch.setVisible(i < k)
        self.target_label.setVisible(k == 0)
        self.target.setVisible(k == 0)
        if k:
            chosen = min(int(self.painter.brush), k - 1) if self.painter.brush >= 0 else 0
            self._choose(chosen)
        else:
            self.painter.brush = self.target.value()
        self._show_history()

    def _choose(self, k: int) -> None:
        if k < self.painter.classes():
            self.painter.brush = float(k)
            self.swatches[k].setChecked(True)

    def _target_changed(self, value: float) -> None:
        if not self.painter.classes():
            self.painter.brush = value

    def _painted(self, x1: float, x2: float) -> None:
        if self.eraser.isChecked():
            self.painter.erase(x1, x2, ERASER_SHARE * self.view.extent.half)
        else:
            self.painter.add(x1, x2)

    def _show_history(self) -> None:
        self.undo.setEnabled(self.painter.can_undo)
        self.redo.setEnabled(self.painter.can_redo)


def _tool(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return button


def _swatch_icon(color: str) -> QIcon:
    pixmap = QPixmap(SWATCH, SWATCH)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)
