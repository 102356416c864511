"""Shared pieces of the control panels.

`ConfigPanel` is the base of every panel: a titled group with a form layout,
`set_config(cfg)` that shows a `Config` without emitting anything, and
`changed = Signal(dict)` that carries {config field: new value}.  A panel never
emits a change the `Config` would reject, nor one that changes nothing.

The helpers below keep the panels consistent: number formatting, an editable
combo of suggested numbers, a line edit for seeds and tiny numbers, a slider
with a value read-out, and a debouncer so a held arrow or a drag sends one
change instead of fifty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSlider,
    QWidget,
)

from playground.core.config import MAX_SEED, Config, ConfigError

DEBOUNCE_MS = 250  # a held arrow key or spin arrow settles for this long before it counts
MAX_WIDTH_EMS = 30  # widest a panel's form grows, in widths of 'm'


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

    def __init__(self, callback: Callable[[], None], parent: QObject, delay_ms=DEBOUNCE_MS):
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

    @property
    def pending(self) -> bool:
        return self._timer.isActive()


class ConfigPanel(QGroupBox):
    """Base of the panels: a titled form that shows one `Config` and proposes changes."""

    changed = Signal(dict)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._title = title
        self._cfg = Config()
        self._debouncers: list[Debouncer] = []
        # The form keeps to a readable width; a wider dock leaves room on the right.
        self.body = QWidget()
        self.body.setMaximumWidth(self.fontMetrics().horizontalAdvance("m") * MAX_WIDTH_EMS)
        outer = QHBoxLayout(self)
        outer.addWidget(self.body, 1)
        outer.addStretch(0)
        self.form = QFormLayout(self.body)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setHorizontalSpacing(10)
        self.form.setVerticalSpacing(6)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ParentChange:
            self._fit_title()
        return super().event(event)

    def _fit_title(self) -> None:
        """In a dock widget the dock's title bar names the panel: drop the group's own."""
        docked = isinstance(self.parentWidget(), QDockWidget)
        self.setTitle("" if docked else self._title)
        self.setFlat(docked)

    # --- the contract ---------------------------------------------------------

    @property
    def config(self) -> Config:
        """The configuration the panel shows now."""
        return self._cfg

    def set_config(self, cfg: Config) -> None:
        """Show `cfg` in the controls without emitting `changed` (nor any control signal)."""
        for debouncer in self._debouncers:
            debouncer.cancel()
        self._cfg = cfg
        blockers = [QSignalBlocker(obj) for obj in self.findChildren(QObject)]
        try:
            self._show(cfg)
        finally:
            for blocker in blockers:
                blocker.unblock()

    # --- for subclasses ---------------------------------------------------------

    def _show(self, cfg: Config) -> None:
        """Put cfg's values into the controls and enable the relevant ones."""
        raise NotImplementedError

    def _propose(self, **changes) -> bool:
        """Emit `changes` if they change the config and the Config accepts them.

        The panel shows the new configuration before it emits, so a main window
        that answers with its own `set_config` has the last word.  A rejected
        change puts the controls back to the configuration shown before.
        """
        if all(getattr(self._cfg, name) == value for name, value in changes.items()):
            self.set_config(self._cfg)  # undo any half-typed text, keep the state
            return False
        try:
            new = self._cfg.replace(**changes)
        except ConfigError:
            self.set_config(self._cfg)
            return False
        self.set_config(new)
        self.changed.emit(dict(changes))
        return True

    def _debounced(self, callback: Callable[[], None]) -> Debouncer:
        debouncer = Debouncer(callback, self)
        self._debouncers.append(debouncer)
        return debouncer

    def _spin_sends(self, spin: QAbstractSpinBox, send: Callable[[], None]) -> None:
        """A spin box sends on Enter / leaving it at once, and after arrows settle."""
        spin.setKeyboardTracking(False)
        debouncer = self._debounced(send)
        spin.valueChanged.connect(debouncer.poke)
        spin.editingFinished.connect(debouncer.flush)

    def add_row(self, label: str, field: QWidget | QHBoxLayout, tip: str) -> QLabel:
        """A form row 'label  field' with one tooltip on both."""
        text = QLabel(label)
        text.setToolTip(tip)
        if isinstance(field, QWidget):
            field.setToolTip(field.toolTip() or tip)
            text.setBuddy(field)
        self.form.addRow(text, field)
        return text


def hbox(*items: QWidget | int, stretch_last: bool = False) -> QHBoxLayout:
    """A tight horizontal row; an int item adds that much spacing."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(6)
    for item in items:
        if isinstance(item, int):
            row.addSpacing(item)
        elif isinstance(item, QAbstractButton) and not isinstance(item, QCheckBox):
            item.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            row.addWidget(item)  # a button keeps its size; the field beside it grows
        else:
            row.addWidget(item)
    if stretch_last:
        row.addStretch(1)
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
    item = combo.model().item(index)
    flags = item.flags()
    on = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    item.setFlags(flags | on if enabled else flags & ~on)


class NumberCombo(QComboBox):
    """An editable combo of suggested numbers that also takes any typed number in range.

    `value_chosen(float)` fires when a person picks an item (click, wheel, keys)
    or finishes typing a valid number; invalid text goes back to the shown value.
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
        self.lineEdit().editingFinished.connect(self._on_text)

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
        if value == self._value:
            self.set_value(value)
            return
        self.set_value(value)
        self.value_chosen.emit(value)


class SeedEdit(QLineEdit):
    """Digits 0 .. 2**63 - 1 (a QSpinBox stops at 2**31 - 1); `value_edited(int)` on Enter."""

    value_edited = Signal(object)  # a Python int: Qt's int would overflow for big seeds

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._value = 0
        self.setValidator(QRegularExpressionValidator(r"\d{1,19}", self))
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
        if not text.isdigit() or int(text) > MAX_SEED:
            self.set_value(self._value)
            return
        value = int(text)
        is_new = value != self._value
        self.set_value(value)
        if is_new:
            self.value_edited.emit(value)


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
        row = hbox(self.slider, self.label)
        self.setLayout(row)
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
    """A double spin box that can also show a dash for "does not apply here"."""

    def __init__(self, lo: float, hi: float, decimals: int, step: float, parent=None) -> None:
        super().__init__(parent)
        self._blank = False
        self.setDecimals(decimals)
        self.setRange(lo, hi)
        self.setSingleStep(step)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def textFromValue(self, value: float) -> str:
        return "—" if self._blank else format_number(round(value, self.decimals()))

    def show_value(self, value: float | None, enabled: bool = True) -> None:
        """Show `value`, or a dash when it is None; enabled only with a value."""
        self._blank = value is None
        if value is not None:
            self.setValue(value)
        self.lineEdit().setText(self.textFromValue(self.value()))
        self.setEnabled(enabled and value is not None)
