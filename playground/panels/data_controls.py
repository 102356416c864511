"""The Data panel's compound controls: problem kind, dataset thumbnails, batch size."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from playground.core.config import DATASETS, DATASETS_OF, MULTICLASS_DATASETS, PROBLEMS, RANGES
from playground.core.datasets import train_size

from .fields import Choice, Control, Info
from .widgets import hbox

if TYPE_CHECKING:
    from playground.core.config import Config

IconFor = Callable[[str, int], QIcon]  # (dataset, class count) -> thumbnail
GRID_COLUMNS = 4
ICON_SIZE = 40
# The chosen thumbnail gets the palette's highlight colour as a frame (light and dark themes).
DATASET_BUTTON_STYLE = """
QToolButton { border: 1px solid palette(mid); border-radius: 4px; padding: 2px;
              background: palette(button); }
QToolButton:hover { border: 1px solid palette(highlight); }
QToolButton:checked { border: 3px solid palette(highlight); padding: 0px;
                      background: palette(base); font-weight: bold; }
"""


class ProblemChoice(Choice):
    """Classification or regression; a switch brings back the dataset last shown
    for that kind (a dataset decides the kind, so both are proposed together)."""

    def __init__(self, info: Info) -> None:
        super().__init__("problem", info)
        self._last_of = {kind: names[0] for kind, names in DATASETS_OF.items()}

    def _show(self, cfg: Config) -> None:
        assert cfg.problem is not None  # a Config fills in its dataset's kind
        self._last_of[cfg.problem] = cfg.dataset
        super()._show(cfg)

    def propose(self, value: object) -> None:
        self.proposed.emit({"problem": value, "dataset": self._last_of[str(value)]})


class DatasetGrid(Control):
    """A page of dataset thumbnails per problem kind; the shown kind's page shows.

    Thumbnails come from `icon_for(name, classes)`; the multi-class datasets'
    are drawn again when the class count shown changes.  Without `icon_for`
    the buttons carry their names only.
    """

    def __init__(self, info: Info, icon_for: IconFor | None) -> None:
        self.pages = QStackedWidget()
        self.buttons: dict[str, QToolButton] = {}
        self._group = QButtonGroup(self.pages)
        self._group.setExclusive(True)
        self._icon_for = icon_for
        self._classes: int | None = None  # the class count the thumbnails show
        for problem in PROBLEMS:
            page = QWidget()
            grid = QGridLayout(page)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setSpacing(4)
            for i, name in enumerate(DATASETS_OF[problem]):
                grid.addWidget(self._button(name, *info[name]), i // GRID_COLUMNS, i % GRID_COLUMNS)
            grid.setColumnStretch(GRID_COLUMNS, 1)
            grid.setRowStretch(grid.rowCount(), 1)
            self.pages.addWidget(page)
        self.pages.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.pages.setStyleSheet(DATASET_BUTTON_STYLE)
        super().__init__("dataset", self.pages)
        self.tip_target = None  # every thumbnail has its own

    def _button(self, name: str, short: str, tip: str) -> QToolButton:
        button = QToolButton()
        button.setCheckable(True)
        button.setAutoRaise(False)
        button.setText(short)
        button.setToolTip(tip)
        button.setAccessibleName(f"{short} dataset")
        if self._icon_for is None:
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumHeight(ICON_SIZE // 2 + 12)
        else:
            button.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        button.setMinimumWidth(ICON_SIZE + 16)
        self._group.addButton(button)
        button.clicked.connect(lambda _=False, n=name: self.propose(n))
        self.buttons[name] = button
        return button

    def _show(self, cfg: Config) -> None:
        self.pages.setCurrentIndex(PROBLEMS.index(cfg.problem))
        for name, button in self.buttons.items():
            button.setChecked(name == cfg.dataset)
        if self._icon_for is not None and cfg.classes != self._classes:
            names = DATASETS if self._classes is None else MULTICLASS_DATASETS
            for name in names:
                self.buttons[name].setIcon(self._icon_for(name, cfg.classes))
            self._classes = cfg.classes


class BatchSize(Control):
    """Points per step, or "full" for the whole training set; unticking "full"
    goes back to the last size shown.  The spin box reaches the training set's size."""

    def __init__(self, full_tip: str) -> None:
        lo, hi, _ = RANGES["batch_size"]
        self.spin = QSpinBox()
        self.spin.setRange(int(lo), int(hi))
        self.full = QCheckBox("full")
        self.full.setToolTip(full_tip)
        box = QWidget()
        hbox(self.spin, self.full, parent=box)
        box.setFocusProxy(self.spin)
        super().__init__("batch_size", box)
        self.tip_target = self.spin
        self._last = 10  # TF Playground's, until a Config shows one
        self.settle(self.spin)
        self.full.toggled.connect(lambda on: self.propose(None if on else self.spin.value()))

    def _show(self, cfg: Config) -> None:
        full = cfg.batch_size is None
        if cfg.batch_size is not None:
            self._last = cfg.batch_size
        self.spin.setMaximum(max(train_size(cfg), self._last))
        self.spin.setValue(self._last)
        self.spin.setEnabled(not full)
        self.full.setChecked(full)
