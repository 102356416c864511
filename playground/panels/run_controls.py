"""The transport bar: reset, play/pause, one step, the epoch counter, speed, stop-at."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QWidget,
)

from playground.core.config import MAX_EPOCHS

from .glyphs import ICON_SIZE, glyph_icon
from .keys import keys_to_window
from .widgets import send_when_settled

SPEEDS = (("×1", 1), ("×2", 2), ("×5", 5), ("×10", 10), ("×50", 50), ("max", 0))
DEFAULT_SPEED = 5
PLAY_TEXT, PAUSE_TEXT = "▶", "❚❚"
PLAY_SIZE = 44  # the round play button's diameter, px
PLAY_STYLE = (
    f"QToolButton#playButton {{ border-radius: {PLAY_SIZE // 2}px;"
    " background: palette(highlight); border: 2px solid palette(highlight); }"
    " QToolButton#playButton:hover { border: 2px solid palette(text); }"
    " QToolButton#playButton:focus { border: 2px solid palette(text); }"
)


def format_epoch(epoch: int) -> str:
    """'Epoch 000,412': at least six digits, grouped by thousands, so it does not jump."""
    return f"Epoch {epoch:07,d}"


def labelled(row: QHBoxLayout, text: str, widget: QWidget, tip: str) -> None:
    """'text [widget]' in the row, one tooltip on both."""
    label = QLabel(text)
    label.setToolTip(tip)
    label.setBuddy(widget)
    widget.setToolTip(tip)
    row.addWidget(label)
    row.addWidget(widget)


class RunControls(QWidget):
    """Reset, play/pause, step, epoch counter, speed and stop-at, in one row.

    Signals: play_toggled(bool), step_clicked(), reset_clicked(),
    speed_changed(int) (epochs per frame, 0 = as fast as it goes),
    stop_at_changed(int) (epoch, 0 = never).  `set_running`, `set_epoch`,
    `set_speed` and `set_stop_at` show state without emitting.
    Tooltips name the shortcuts (Space, Right, R); the main window installs them.
    """

    play_toggled = Signal(bool)
    step_clicked = Signal()
    reset_clicked = Signal()
    speed_changed = Signal(int)
    stop_at_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._speed = DEFAULT_SPEED
        self._stop_at = 0
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        row.setSpacing(8)
        self._add_buttons(row)
        row.addSpacing(10)
        self._add_epoch(row)
        row.addSpacing(10)
        self._add_speed(row)
        row.addSpacing(6)
        self._add_stop_at(row)
        row.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        keys_to_window(self, revert=self._show_stop_at_again)  # Space stays play/pause
        self._refresh_icons()
        self._show_running(False)

    # --- building ------------------------------------------------------------------

    def _add_buttons(self, row: QHBoxLayout) -> None:
        self.reset_button = self._button("Reset", "Reset: new random weights, back to epoch 0 (R)")
        self.reset_button.clicked.connect(self.reset_clicked)
        self.play_button = self._button("Play", "")
        self.play_button.setObjectName("playButton")
        self.play_button.setCheckable(True)
        self.play_button.setFixedSize(PLAY_SIZE, PLAY_SIZE)
        self.play_button.setIconSize(QSize(ICON_SIZE + 6, ICON_SIZE + 6))
        self.play_button.setStyleSheet(PLAY_STYLE)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.step_button = self._button("Step", "Train one epoch, then pause (Right)")
        self.step_button.clicked.connect(self.step_clicked)
        for button in (self.reset_button, self.play_button, self.step_button):
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)

    def _button(self, name: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setAccessibleName(name)
        button.setToolTip(tip)
        button.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        # clicking does not take the keyboard focus (Space stays the window's shortcut)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return button

    def _add_epoch(self, row: QHBoxLayout) -> None:
        self.epoch_label = QLabel()
        font = self.epoch_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.epoch_label.setFont(font)
        # a fixed size: a new epoch each frame then costs no relayout of the window
        self.epoch_label.setText(format_epoch(9_999_999_999))
        self.epoch_label.setFixedSize(self.epoch_label.sizeHint() + QSize(4, 0))
        self.epoch_label.setText(format_epoch(0))
        self.epoch_label.setToolTip("Epochs trained: one epoch is one pass over the training data.")
        row.addWidget(self.epoch_label)

    def _add_speed(self, row: QHBoxLayout) -> None:
        self.speed = QComboBox()
        for text, value in SPEEDS:
            self.speed.addItem(text, value)
        self.speed.setCurrentIndex(self.speed.findData(DEFAULT_SPEED))
        self.speed.activated.connect(self._on_speed)
        tip = "Epochs trained per frame; max trains as fast as the computer can."
        labelled(row, "Speed", self.speed, tip)

    def _add_stop_at(self, row: QHBoxLayout) -> None:
        self.stop_at = QSpinBox()
        self.stop_at.setRange(0, MAX_EPOCHS)
        self.stop_at.setSingleStep(100)
        self.stop_at.setSpecialValueText("never")
        self.stop_at.setGroupSeparatorShown(True)
        self.stop_at.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._stop_debouncer = send_when_settled(self.stop_at, self._send_stop_at)
        tip = "Pause by itself when this epoch is reached (0 = never)."
        labelled(row, "Stop at", self.stop_at, tip)

    # --- state shown without emitting -----------------------------------------

    def set_running(self, running: bool) -> None:
        """Show playing (a pause button) or paused (a play button); emits nothing."""
        with QSignalBlocker(self.play_button):
            self.play_button.setChecked(running)
        self._show_running(running)

    def is_running(self) -> bool:
        return self.play_button.isChecked()

    def set_epoch(self, epoch: int) -> None:
        self.epoch_label.setText(format_epoch(epoch))

    def set_speed(self, epochs_per_frame: int) -> None:
        index = self.speed.findData(epochs_per_frame)
        if index >= 0:
            with QSignalBlocker(self.speed):
                self.speed.setCurrentIndex(index)
            self._speed = epochs_per_frame

    def speed_value(self) -> int:
        return self._speed

    def set_stop_at(self, epoch: int) -> None:
        self._stop_debouncer.cancel()
        with QSignalBlocker(self.stop_at):
            self.stop_at.setValue(epoch)
        self._stop_at = self.stop_at.value()

    def _show_stop_at_again(self) -> None:
        self.set_stop_at(self._stop_at)

    def stop_at_value(self) -> int:
        return self._stop_at

    # --- the person's actions ----------------------------------------------------

    def _on_play_toggled(self, on: bool) -> None:
        self._show_running(on)
        self.play_toggled.emit(on)

    def _on_speed(self, index: int) -> None:
        value = int(self.speed.itemData(index))
        if value != self._speed:
            self._speed = value
            self.speed_changed.emit(value)

    def _send_stop_at(self) -> None:
        value = self.stop_at.value()
        if value != self._stop_at:
            self._stop_at = value
            self.stop_at_changed.emit(value)

    # --- looks -----------------------------------------------------------------

    def _show_running(self, running: bool) -> None:
        self.play_button.setText(PAUSE_TEXT if running else PLAY_TEXT)
        self.play_button.setIcon(self._icons["pause" if running else "play"])
        self.play_button.setAccessibleName("Pause" if running else "Play")
        self.play_button.setToolTip(
            "Pause training (Space)" if running else "Train continuously (Space)"
        )

    def _refresh_icons(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.ButtonText)
        on_highlight = palette.color(QPalette.ColorRole.HighlightedText)
        self._icons = {
            "play": glyph_icon("play", on_highlight, ICON_SIZE + 6),
            "pause": glyph_icon("pause", on_highlight, ICON_SIZE + 6),
        }
        self.reset_button.setIcon(glyph_icon("reset", text))
        self.step_button.setIcon(glyph_icon("step", text))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_icons"):
            self._refresh_icons()
            self._show_running(self.play_button.isChecked())
        super().changeEvent(event)
