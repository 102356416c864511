"""Plain Qt pieces the panels are made of; none of them knows a `Config`.

Number formatting and parsing, a debouncer (a held arrow key or a drag sends
one change, not fifty), an editable combo of suggested numbers, a line edit
for seeds past Qt's 32-bit spin boxes, a slider with a read-out, and a double
spin box that can show a dash.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import cast

from PySide6.QtCore import QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QWidget,
)

DEBOUNCE_MS = 250  # a held arrow key or spin arrow settles for this long before it counts


def format_number(value: float) -> str:
    """A short plain-decimal text for a number: 1e-05 -> '0.00001', 10.0 -> '10'."""
    if value == 0:
        return "0"
    if not 1e-7 <= abs(value) < 1e7:
        return f"{value:g}"
    text = format(Decimal(repr(float(value))), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def parse_number(text: str, lo: float, hi: float) -> float | None:
    """The number a person typed, or None when it is not one in [lo, hi]."""
    try:
        value = float(text.strip().replace(",", ".").replace("−", "-"))
    except ValueError:
        return None
    if value != value or not lo <= value <= hi:
        return None
    return value


class Debouncer(QObject):
    """Calls `callback` once, `delay_ms` after the last `poke()`; `flush()` calls it now."""

    def __init__(self, callback: Callable[[], object], parent: QObject, delay_ms=DEBOUNCE_MS):
        super().__init__(parent)
        self._callback = callback
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(callback)

    def poke(self) -> None:
        self._timer.start()

    def flush(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._callback()

    def cancel(self) -> None:
        self._timer.stop()


def send_when_settled(spin: QSpinBox | QDoubleSpinBox, send: Callable[[], object]) -> Debouncer:
    """A spin box sends on Enter or on leaving it at once, and after arrows settle."""
    spin.setKeyboardTracking(False)
    debouncer = Debouncer(send, spin)
    spin.valueChanged.connect(debouncer.poke)
    spin.editingFinished.connect(debouncer.flush)
    return debouncer


def hbox(*items: QWidget, parent: QWidget | None = None) -> QHBoxLayout:
    """A tight horizontal row (of `parent`, if given); a push button keeps its size."""
    row = QHBoxLayout(parent) if parent is not None else QHBoxLayout()
    # a widget holding the row grows only as far as the row's own widgets can
    row.setSizeConstraint(QLayout.SizeConstraint.SetMinAndMaxSize)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    for item in items:
        if isinstance(item, QAbstractButton) and not isinstance(item, QCheckBox):
            item.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        row.addWidget(item)
    return row


def fill_combo(combo: QComboBox, items: Iterable[tuple[object, str, str]]) -> None:
    """Add (value, text, tooltip) items; the value is the item's data."""
    for value, text, tip in items:
        combo.addItem(text, value)
        combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)


def select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def set_item_enabled(combo: QComboBox, index: int, enabled: bool) -> None:
    item = cast(QStandardItemModel, combo.model()).item(index)
    on = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    item.setFlags(item.flags() | on if enabled else item.flags() & ~on)


class NumberCombo(QComboBox):
    """An editable combo of suggested numbers that also takes any typed number in range.

    `value_chosen(float)` fires when a person picks an item (click, wheel, keys)
    or finishes typing a number in [lo, hi]; other text goes back to the shown value.
    """

    value_chosen = Signal(float)

    def __init__(self, values: Iterable[float], lo: float, hi: float, parent=None) -> None:
        super().__init__(parent)
        self._lo, self._hi = lo, hi
        self._value = 0.0
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for value in values:
            self.addItem(format_number(value), float(value))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMinimumContentsLength(7)
        self.activated.connect(self._on_activated)
        edit = self.lineEdit()
        assert edit is not None  # editable
        edit.editingFinished.connect(self._on_text)

    def value(self) -> float:
        return self._value

    def set_value(self, value: float) -> None:
        """Show `value` (no signal)."""
        with QSignalBlocker(self):
            self._value = float(value)
            # the item itself, or the largest one below, so arrow keys step on from here
            below = [i for i in range(self.count()) if self.itemData(i) <= value]
            if below:
                self.setCurrentIndex(max(below, key=self.itemData))
            self.setEditText(format_number(value))

    def _on_activated(self, index: int) -> None:
        value = self.itemData(index)
        if value is not None:
            self._commit(float(value))

    def _on_text(self) -> None:
        value = parse_number(self.currentText(), self._lo, self._hi)
        if value is None:
            self.set_value(self._value)
        else:
            self._commit(value)

    def _commit(self, value: float) -> None:
        is_new = value != self._value
        self.set_value(value)  # also tidies typed text: "0.10" -> "0.1"
        if is_new:
            self.value_chosen.emit(value)


class SeedEdit(QLineEdit):
    """Digits 0 .. hi (a QSpinBox stops at 2**31 - 1); `value_edited(int)` on Enter."""

    value_edited = Signal(object)  # a Python int: Qt's int would overflow for big seeds

    def __init__(self, hi: int, parent=None) -> None:
        super().__init__(parent)
        self._value, self._hi = 0, hi
        self.setValidator(QRegularExpressionValidator(rf"\d{{1,{len(str(hi))}}}", self))
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("0" * 12) + 16)
        self.setText("0")
        self.editingFinished.connect(self._on_edited)

    def value(self) -> int:
        return self._value

    def set_value(self, value: int) -> None:
        with QSignalBlocker(self):
            self._value = int(value)
            self.setText(str(self._value))

    def _on_edited(self) -> None:
        text = self.text().strip()
        if not text.isdigit() or int(text) > self._hi:
            self.set_value(self._value)
            return
        is_new = int(text) != self._value
        self.set_value(int(text))  # also tidies typed text: "007" -> "7"
        if is_new:
            self.value_edited.emit(self._value)


class ValueSlider(QWidget):
    """A horizontal slider of integer steps with a read-out label on its right.

    `value_committed(int)` fires when a drag ends, and after keyboard or wheel
    steps settle; the label follows the slider live.
    """

    value_committed = Signal(int)

    def __init__(self, lo: int, hi: int, fmt: Callable[[int], str], parent=None) -> None:
        super().__init__(parent)
        self._fmt = fmt
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(lo, hi)
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.label = QLabel()
        # one width for every slider's read-out, so the sliders of a panel line up
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("100 %") + 4)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        hbox(self.slider, self.label, parent=self)
        self._debouncer = Debouncer(self._commit, self)
        self.slider.valueChanged.connect(self._on_value)
        self.slider.sliderReleased.connect(self._commit)
        self._on_value(self.slider.value())

    def setToolTip(self, tip: str) -> None:
        super().setToolTip(tip)
        self.slider.setToolTip(tip)
        self.label.setToolTip(tip)

    def value(self) -> int:
        return self.slider.value()

    def set_value(self, value: int) -> None:
        """Show `value` (no signal) and forget any step not yet sent."""
        self._debouncer.cancel()
        with QSignalBlocker(self.slider):
            self.slider.setValue(value)
        self.label.setText(self._fmt(self.slider.value()))

    def _on_value(self, value: int) -> None:
        self.label.setText(self._fmt(value))
        if not self.slider.isSliderDown():
            self._debouncer.poke()  # keys, wheel, page clicks: send once they settle

    def _commit(self) -> None:
        self._debouncer.cancel()
        self.value_committed.emit(self.slider.value())


class NumberSpin(QDoubleSpinBox):
    """A double spin box that can also show a dash for "does not apply here".

    Its range is [lo, hi] narrowed to what `decimals` can show (0.999999 with
    three decimals is 0.999, not a rounded-up 1.0 the Config would refuse).
    `fit` is the largest size its width is made for: a range of ±1e6 would
    otherwise make every field as wide as "-1000000".
    """

    def __init__(self, lo: float, hi: float, decimals: int, step: float, fit: float | None = None):
        super().__init__()
        self._blank = False
        self._fit = fit
        self._sizing = False
        unit = 10.0**decimals
        self.setDecimals(decimals)
        self.setRange(math.ceil(lo * unit) / unit, math.floor(hi * unit) / unit)
        self.setSingleStep(step)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def textFromValue(self, value: float) -> str:
        if self._sizing and self._fit is not None:  # Qt measures the range's ends
            return format_number(max(-self._fit, min(self._fit, value)))
        return "—" if self._blank else format_number(round(value, self.decimals()))

    def sizeHint(self):
        return self._measured(super().sizeHint)

    def minimumSizeHint(self):
        return self._measured(super().minimumSizeHint)

    def _measured(self, hint):
        self._sizing = True
        try:
            return hint()
        finally:
            self._sizing = False

    def show_value(self, value: float | None) -> None:
        """Show `value`, or a dash when it is None."""
        self._blank = value is None
        if value is not None:
            self.setValue(value)
        edit = self.lineEdit()
        assert edit is not None  # a spin box always has its line edit
        edit.setText(self.textFromValue(self.value()))
