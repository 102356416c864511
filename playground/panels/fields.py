"""The declarative layer: controls bound to Config fields, and the rows they sit in.

A panel is a table of rows, as TensorFlow Playground's state.ts declares every
setting once in its PROPS table: a `Row` is a label, a tooltip and controls,
and each `Control` is bound to one Config field.  The panel (form.py) builds,
connects, shows and enables every row from its table, so a field is written
once, in one line of the table.

A control shows a Config without emitting and sends `proposed({field: value})`
when a person changes it.  It never asks the Config whether the change is
acceptable (the window does); it only keeps to its widget's limits:
`RANGES[field]` for numbers, `cfg.choices(field)` for choices.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.core.config import RANGES, next_seed

from .widgets import (
    Debouncer,
    NumberCombo,
    NumberSpin,
    SeedEdit,
    ValueSlider,
    fill_combo,
    hbox,
    select_data,
    send_when_settled,
    set_item_enabled,
)

if TYPE_CHECKING:
    from playground.core.config import Config

Info = Mapping[str, tuple[str, str]]  # value -> (friendly name, tooltip)


class Control(QObject):
    """One Config field in one widget.

    Subclasses build `widget`, call `propose(value)` on a person's change and
    implement `_show(cfg)`.  `field` is None for a read-only line.  The row's
    tooltip goes to `tip_target` unless it has its own (None: it needs none).
    """

    proposed = Signal(dict)  # {field: value}

    def __init__(self, field: str | None, widget: QWidget, tip: str = "") -> None:
        super().__init__(widget)  # lives and dies with its widget
        self.field = field
        self.widget = widget
        self.tip_target: QWidget | None = widget
        self.shown: Config | None = None  # the Config last shown
        self.debouncers: list[Debouncer] = []
        widget.setToolTip(tip)

    @property
    def name(self) -> str:
        assert self.field is not None, "a read-only line has no field"
        return self.field

    def give_tip(self, tip: str) -> None:
        """The row's tooltip, for a control that has none of its own."""
        if self.tip_target is not None and not self.tip_target.toolTip():
            self.tip_target.setToolTip(tip)

    def applies(self, cfg: Config) -> bool:
        return self.field is None or cfg.applies(self.field)

    def visible(self, cfg: Config) -> bool:
        """Whether the widget shows at all in its (shown) row; most always do."""
        return True

    def show(self, cfg: Config) -> None:
        self.shown = cfg
        self._show(cfg)

    def _show(self, cfg: Config) -> None:
        raise NotImplementedError

    def cancel(self) -> None:
        """Forget a change still waiting to settle (a new Config is shown)."""
        for debouncer in self.debouncers:
            debouncer.cancel()

    def propose(self, value: object) -> None:
        self.proposed.emit({self.name: value})

    def settle(self, spin: QSpinBox | NumberSpin) -> None:
        """Propose the spin box's value on Enter or leaving it, and after arrows settle."""
        self.debouncers.append(send_when_settled(spin, lambda: self.propose(spin.value())))


class Choice(Control):
    """A combo of named values; the values `cfg.choices(field)` leaves out are greyed."""

    def __init__(self, field: str, info: Info) -> None:
        self.combo = QComboBox()
        fill_combo(self.combo, [(value, *info[value]) for value in info])
        super().__init__(field, self.combo)
        self.combo.activated.connect(self._on_activated)

    def _show(self, cfg: Config) -> None:
        select_data(self.combo, getattr(cfg, self.name))
        allowed = cfg.choices(self.name)
        for i in range(self.combo.count()):
            set_item_enabled(self.combo, i, self.combo.itemData(i) in allowed)

    def _on_activated(self, index: int) -> None:
        value = self.combo.itemData(index)
        if self.shown is not None and value not in self.shown.choices(self.name):
            self.show(self.shown)  # a greyed item reached by keys: not offered here
            return
        self.propose(value)


class Suggest(Control):
    """An editable combo of suggested numbers; any number in RANGES can be typed."""

    def __init__(self, field: str, values: Sequence[float]) -> None:
        lo, hi, _ = RANGES[field]
        self.combo = NumberCombo(values, lo, hi)
        super().__init__(field, self.combo)
        self.combo.value_chosen.connect(self.propose)

    def _show(self, cfg: Config) -> None:
        self.combo.set_value(getattr(cfg, self.name))


class Number(Control):
    """A decimal spin box within RANGES.

    `value` reads what to show (e.g. the effective scale when the field is None);
    `dash` shows "—" where the field means nothing; `fit`: see NumberSpin.
    """

    def __init__(
        self,
        field: str,
        decimals: int,
        step: float,
        *,
        value: Callable[[Config], float] | None = None,
        dash: bool = False,
        fit: float | None = None,
        tip: str = "",
    ) -> None:
        lo, hi, _ = RANGES[field]
        self.spin = NumberSpin(lo, hi, decimals, step, fit)
        super().__init__(field, self.spin, tip)
        self._value = value or (lambda cfg: getattr(cfg, field))
        self._dash = dash
        self.settle(self.spin)

    def _show(self, cfg: Config) -> None:
        self.spin.show_value(None if self._dash and not self.applies(cfg) else self._value(cfg))


class Integer(Control):
    """A whole-number spin box within RANGES."""

    def __init__(
        self, field: str, step: int = 1, *, grouped: bool = False, right: bool = False
    ) -> None:
        lo, hi, _ = RANGES[field]
        self.spin = QSpinBox()
        self.spin.setRange(int(lo), int(hi))
        self.spin.setSingleStep(step)
        self.spin.setGroupSeparatorShown(grouped)
        if right:
            self.spin.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        super().__init__(field, self.spin)
        self.settle(self.spin)

    def _show(self, cfg: Config) -> None:
        self.spin.setValue(getattr(cfg, self.name))


class Slider(Control):
    """A slider over RANGES × `scale` steps (noise 0..1 as 0..100), with a read-out."""

    def __init__(
        self,
        field: str,
        scale: int,
        fmt: Callable[[int], str],
        *,
        step: int = 1,
        page: int = 10,
        ticks: int = 0,
    ) -> None:
        lo, hi, _ = RANGES[field]
        self.scale = scale
        self.slider = ValueSlider(round(lo * scale), round(hi * scale), fmt)
        self.slider.slider.setSingleStep(step)
        self.slider.slider.setPageStep(page)
        if ticks:
            self.slider.slider.setTickPosition(self.slider.slider.TickPosition.TicksBelow)
            self.slider.slider.setTickInterval(ticks)
        super().__init__(field, self.slider)
        self.slider.value_committed.connect(lambda v: self.propose(v / scale))

    def _show(self, cfg: Config) -> None:
        self.slider.set_value(round(getattr(cfg, self.name) * self.scale))


class TypedText(Control):
    """A line of text typed, taken on Enter or on leaving the field; what is wrong
    with it is said under it in red (subclasses check and propose in `_typed`)."""

    def __init__(self, field: str, placeholder: str, max_length: int) -> None:
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setMaxLength(max_length)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.edit)
        column.addWidget(self.error)
        box.setFocusProxy(self.edit)
        super().__init__(field, box)
        self.tip_target = self.edit
        self.edit.editingFinished.connect(self._typed)

    def say(self, why: str) -> None:
        """One sentence under the field ("" hides it)."""
        self.error.setText(f"{why.rstrip('.')}." if why else "")
        self.error.setVisible(bool(why))

    def _typed(self) -> None:
        raise NotImplementedError


class Check(Control):
    """A check box for a true/false field, its text beside it."""

    def __init__(self, field: str, text: str, tip: str) -> None:
        self.box = QCheckBox(text)
        super().__init__(field, self.box, tip)
        self.box.toggled.connect(lambda on: self.propose(bool(on)))

    def _show(self, cfg: Config) -> None:
        self.box.setChecked(getattr(cfg, self.name))


class Seed(Control):
    """A seed typed in, and a button for the next one."""

    def __init__(self, field: str, button: str, button_tip: str) -> None:
        self.edit = SeedEdit(int(RANGES[field][1]))
        self.button = QPushButton(button)
        self.button.setToolTip(button_tip)
        box = QWidget()
        hbox(self.edit, self.button, parent=box)
        box.setFocusProxy(self.edit)
        super().__init__(field, box)
        self.tip_target = self.edit
        self.edit.value_edited.connect(self.propose)
        self.button.clicked.connect(lambda: self.propose(next_seed(self.edit.value())))

    def _show(self, cfg: Config) -> None:
        self.edit.set_value(getattr(cfg, self.name))


class Readout(Control):
    """A read-only line: text and tooltip worked out from the Config."""

    def __init__(self, text: Callable[[Config], str], tip: Callable[[Config], str]) -> None:
        self.label = QLabel()
        super().__init__(None, self.label)
        self.tip_target = None  # its tooltip follows the Config
        self._text, self._tip = text, tip

    def _show(self, cfg: Config) -> None:
        self.label.setText(self._text(cfg))
        self.label.setToolTip(self._tip(cfg))


class Row:
    """A form row: a label (text, or worked out from the Config; None: the
    controls span the row), one tooltip for the label, and its controls."""

    def __init__(
        self,
        label: str | Callable[[Config], str] | None,
        tip: str,
        *controls: Control,
        shown: Callable[[Config], bool] | None = None,
    ) -> None:
        self.label = label
        self.tip = tip
        self.controls = controls
        self.shown = shown  # None: always; else the row shows only where this says


class Disclosure:
    """A button that opens more rows.  The button shows where any of its rows
    applies; a row shows while the button is open and where it applies."""

    def __init__(self, text: str, tip: str, rows: Sequence[Row], inline: bool = False) -> None:
        self.inline = inline  # the button sits in another row (see Opener), not in its own
        self.button = QToolButton()
        self.button.setText(text)
        self.button.setCheckable(True)
        self.button.setAutoRaise(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setArrowType(Qt.ArrowType.RightArrow)
        self.button.setToolTip(tip)
        self.button.toggled.connect(self._on_toggled)
        self.rows = rows

    def _on_toggled(self, on: bool) -> None:
        self.button.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    def is_open(self) -> bool:
        return self.button.isChecked()


class Opener(Control):
    """An inline disclosure's button, as a control beside another row's: no row of
    its own, so opening more rows is the only thing that changes a panel's height."""

    def __init__(self, disclosure: Disclosure) -> None:
        super().__init__(None, disclosure.button)
        self.disclosure = disclosure
        policy = disclosure.button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # hidden, it keeps its place: nothing moves
        disclosure.button.setSizePolicy(policy)

    def applies(self, cfg: Config) -> bool:
        return any(c.applies(cfg) for row in self.disclosure.rows for c in row.controls)

    def visible(self, cfg: Config) -> bool:
        return self.applies(cfg)  # only where there is more to show

    def _show(self, cfg: Config) -> None:
        pass  # it shows no value


Table = Sequence[Row | Disclosure]  # a panel's rows, top to bottom
