"""`ConfigPanel`: a titled form built, connected, shown and enabled from a table of rows.

The contract every settings panel keeps:

* `set_config(cfg)` shows cfg in every control, emits nothing (not even a
  control's own signal) and drops any change still waiting to settle;
* `changed = Signal(dict)` proposes {Config field: new value} when a person
  changes a control.  A proposal is never checked against the Config's rules:
  the window does that, and answers with `set_config` (the new Config, or the
  old one to put a refused control back).  A proposal that changes nothing is
  not sent.
* `config` is the Config shown.

Rows that come and go with a setting (a disclosure's button) leave their room
at the foot of the form, so choosing Adam does not make a panel any taller;
opening a disclosure does (the dock around the panel scrolls).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QWidget,
)

from playground.core.config import Config

from .fields import Control, Disclosure, Row, Table
from .keys import keys_to_window
from .widgets import hbox

DEFAULTS = Config()  # what a panel shows until it is given a Config
MAX_WIDTH_EMS = 30  # widest a panel's form grows, in widths of 'm'


class _Line:
    """A built row: its label and controls, its index in the form, when it shows,
    and whether it keeps its room while hidden."""

    def __init__(
        self,
        row: Row | None,
        label: QLabel | None,
        controls: tuple[Control, ...],
        shown: Callable[[Config], bool],
        room: Callable[[], bool],
    ) -> None:
        self.row, self.label, self.controls = row, label, controls
        self.shown, self.room = shown, room
        self.index = -1
        self.widgets: list[QWidget] = [c.widget for c in controls]

    def height(self) -> int:
        widgets = [*self.widgets, *([self.label] if self.label else [])]
        return max(w.sizeHint().height() for w in widgets)


class ConfigPanel(QGroupBox):
    """A titled form that shows one `Config` and proposes changes to it."""

    changed = Signal(dict)

    def __init__(self, title: str, table: Table, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._title = title
        self._cfg = DEFAULTS
        self._lines: list[_Line] = []
        self._controls: dict[str, Control] = {}
        self._labels: dict[str, QLabel] = {}
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
        for item in table:
            if isinstance(item, Disclosure):
                self._add_disclosure(item)
            else:
                self._add_row(item, item.shown or (lambda cfg: True))
        self._filler = QWidget()  # the room of hidden rows, at the foot
        self.form.addRow(self._filler)
        keys_to_window(self.body, revert=self._show_again)  # Space stays play/pause
        self.set_config(DEFAULTS)

    # --- building from the table ------------------------------------------------

    def _add_row(self, row: Row, shown=lambda cfg: True, room=lambda: True) -> None:
        line = _Line(row, None, row.controls, shown, room)
        for control in row.controls:
            control.give_tip(row.tip)
            control.proposed.connect(self._on_proposed)
            if control.field is not None:
                self._controls[control.field] = control
        field: QWidget | QLayout = (
            row.controls[0].widget if len(row.controls) == 1 else hbox(*line.widgets)
        )
        if row.label is None:  # the controls span the row
            assert isinstance(field, QWidget)
            self._insert(line, field)
            return
        line.label = QLabel(row.label if isinstance(row.label, str) else "")
        line.label.setToolTip(row.tip)
        line.label.setBuddy(line.widgets[0])
        for control in row.controls:
            if control.field is not None:
                self._labels[control.field] = line.label
        self._insert(line, line.label, field)

    def _add_disclosure(self, item: Disclosure) -> None:
        def applies(cfg: Config) -> bool:
            return any(c.applies(cfg) for row in item.rows for c in row.controls)

        if not item.inline:  # else an Opener in another row holds the button
            button = _Line(None, None, (), applies, lambda: True)
            button.widgets = [item.button]
            self._insert(button, item.button)
        item.button.toggled.connect(lambda _: self._show_rows(self._cfg))
        for row in item.rows:
            self._add_row(
                row,
                lambda cfg, r=row: item.is_open() and any(c.applies(cfg) for c in r.controls),
                lambda: False,  # opened on purpose: the panel grows (its dock scrolls)
            )

    def _insert(self, line: _Line, label: QWidget, field: QWidget | QLayout | None = None) -> None:
        line.index = self.form.rowCount()
        if field is None:
            self.form.addRow(label)  # spans the row
        else:
            self.form.addRow(label, field)
        self._lines.append(line)

    # --- the contract ------------------------------------------------------------

    @property
    def config(self) -> Config:
        """The configuration the panel shows now."""
        return self._cfg

    def set_config(self, cfg: Config) -> None:
        """Show `cfg` in the controls without emitting `changed` (nor any control signal)."""
        for control in self._controls.values():
            control.cancel()
        self._cfg = cfg
        # the widgets' own signals only: blocking their helpers too (a line edit's
        # text control) also stops them asking for a repaint, and a field on a real
        # screen kept showing its old number (a seed of 0 where 7 was in use)
        blockers = [QSignalBlocker(widget) for widget in self.findChildren(QWidget)]
        try:
            self._show(cfg)
        finally:
            for blocker in blockers:
                blocker.unblock()

    def _show_again(self) -> None:
        """Escape in a field: the shown configuration comes back, typing forgotten."""
        self.set_config(self._cfg)

    def control(self, field: str) -> Control:
        """The control bound to a Config field."""
        return self._controls[field]

    def widget(self, field: str) -> QWidget:
        """The widget that shows a Config field."""
        return self._controls[field].widget

    def label(self, field: str) -> QLabel | None:
        """The label of the row that shows a Config field (None: a row without one)."""
        return self._labels.get(field)

    def controls(self) -> list[Control]:
        return list(self._controls.values())

    # --- showing -------------------------------------------------------------------

    def _show(self, cfg: Config) -> None:
        for line in self._lines:
            applies = [control.applies(cfg) for control in line.controls]
            for control, on in zip(line.controls, applies, strict=True):
                control.show(cfg)
                control.widget.setEnabled(on)
            if line.label is not None and line.row is not None:
                line.label.setEnabled(any(applies))
                if callable(line.row.label):
                    line.label.setText(line.row.label(cfg))
        self._show_rows(cfg)

    def _show_rows(self, cfg: Config) -> None:
        """Show the rows that count here; hidden ones that keep room leave it at the foot."""
        spacing = self.form.verticalSpacing()
        room = 0
        for line in self._lines:
            shown = line.shown(cfg)
            self.form.setRowVisible(line.index, shown)
            for control in line.controls:  # after the row's: it shows every widget in it
                if shown and not control.visible(cfg):
                    control.widget.hide()
            if not shown and line.room():
                room += line.height() + spacing
        self._filler.setFixedHeight(max(room - spacing, 0))
        self.form.setRowVisible(self._filler, room > 0)
        # the group's layout caches the body's size: renew it now, not at the next layout pass
        self.body.updateGeometry()

    def _on_proposed(self, change: dict) -> None:
        if all(getattr(self._cfg, name) == value for name, value in change.items()):
            self.set_config(self._cfg)  # nothing new: tidy half-typed text, keep the state
            return
        self.changed.emit(dict(change))

    # --- in a dock ---------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.ParentChange, QEvent.Type.Show):
            self._fit_title()
        return super().event(event)

    def _fit_title(self) -> None:
        """In a dock widget (perhaps inside a scroll area there) the dock's title bar
        names the panel: drop the group's own."""
        parent, docked = self.parentWidget(), False
        while parent is not None and not parent.isWindow():
            if isinstance(parent, QDockWidget):
                docked = True
                break
            parent = parent.parentWidget()
        docked = docked or isinstance(parent, QDockWidget)  # a floating dock is a window
        if self.title() != ("" if docked else self._title):
            self.setTitle("" if docked else self._title)
            self.setFlat(docked)
