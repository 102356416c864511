"""The timeline under the loss plot: drag back through a run's checkpoints.

A slider over the checkpoints the window keeps (core/timeline.py), whose last
notch is "now", the live run.  Dragging it shows the network as it was at a
checkpoint; "Continue from here" trains on from it, "Now" goes back to the
live run, "Pin" keeps the run to compare.  The bar only says what was asked
(signals); the window does it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSlider,
    QToolButton,
    QWidget,
)


class TimelineBar(QWidget):
    scrubbed = Signal(int)  # the epoch of the checkpoint to show
    now_wanted = Signal()  # back to the live run
    continue_wanted = Signal()  # train on from the checkpoint shown
    pin_wanted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._epochs: list[int] = []
        self._live_epoch = 0
        self._viewing: int | None = None  # the epoch shown, None: the live run
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setPageStep(1)
        self.slider.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # no Space/arrows taken from play
        self.slider.setToolTip(
            "History: drag back through the checkpoints kept while training to see the "
            "network, its neurons and the output as they were. The right end is now."
        )
        self.slider.valueChanged.connect(self._moved)
        self.label = QLabel()  # where the slider stands: "now" or "epoch 40"
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("epoch 00,000"))
        self.continue_button = _button(
            "Continue",
            "Continue from here: train on from this checkpoint (what came after it is "
            "replaced; it trains exactly as it did, bit for bit, unless settings changed)",
        )
        self.now_button = _button("Now", "Back to the live run")
        self.pin_button = _button("Pin", "Keep this run's curves and output to compare (Ctrl+P)")
        self.continue_button.clicked.connect(self.continue_wanted)
        self.now_button.clicked.connect(self.now_wanted)
        self.pin_button.clicked.connect(self.pin_wanted)
        # one row, so the Output dock still fits a 1280 x 720 window with the paint tools
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(4)
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        for b in (self.continue_button, self.now_button, self.pin_button):
            row.addWidget(b)
        self._show()

    # --- what the window tells it ------------------------------------------------

    def set_epochs(self, epochs: list[int], live_epoch: int) -> None:
        """The checkpoints' epochs (rising) and the live run's epoch."""
        if epochs == self._epochs and live_epoch == self._live_epoch:
            return
        self._epochs, self._live_epoch = list(epochs), live_epoch
        self.slider.blockSignals(True)
        self.slider.setRange(0, len(self._epochs))  # the last notch: now
        self.slider.setValue(self._position())
        self.slider.blockSignals(False)
        self._show()

    def set_viewing(self, epoch: int | None) -> None:
        """Which checkpoint the window shows (None: the live run)."""
        self._viewing = epoch
        self.slider.blockSignals(True)
        self.slider.setValue(self._position())
        self.slider.blockSignals(False)
        self._show()

    @property
    def viewing(self) -> int | None:
        return self._viewing

    # --- inside --------------------------------------------------------------------

    def _position(self) -> int:
        if self._viewing is None or self._viewing not in self._epochs:
            return len(self._epochs)
        return self._epochs.index(self._viewing)

    def _moved(self, position: int) -> None:
        if position >= len(self._epochs):
            self.now_wanted.emit()
        else:
            self.scrubbed.emit(self._epochs[position])

    def _show(self) -> None:
        n = len(self._epochs)
        viewing = self._viewing
        past = viewing is not None
        if viewing is not None:
            i = self._epochs.index(viewing) + 1 if viewing in self._epochs else 0
            self.label.setText(f"<b>epoch {viewing:,}</b>")
            self.label.setToolTip(
                f"Checkpoint {i} of {n}, the network at the end of epoch {viewing:,}"
            )
        else:
            self.label.setText("now")
            self.label.setToolTip(
                f"The live run, epoch {self._live_epoch:,}; {n} checkpoints to look back at"
                if n
                else "Checkpoints appear as the network trains"
            )
        self.slider.setEnabled(n > 0)
        self.continue_button.setEnabled(past)
        self.now_button.setEnabled(past)


def _button(text: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the window
    return button
