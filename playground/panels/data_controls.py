"""The Data panel's compound controls: problem kind, dataset thumbnails, batch size."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from playground.core.config import (
    CUSTOM_DATASET,
    DATASETS,
    DATASETS_OF,
    MULTICLASS_DATASETS,
    OWN_DATASET,
    PROBLEMS,
    RANGES,
)
from playground.core.config_rules import formula_problem
from playground.core.datasets import train_size
from playground.core.formula import MAX_FORMULA_CHARS

from .fields import Choice, Control, Info, TypedText
from .glyphs import glyph_icon
from .widgets import NumberSpin, hbox

if TYPE_CHECKING:
    from playground.core.config import Config

IconFor = Callable[[str, int], QIcon]  # (dataset, class count) -> thumbnail
# what the Custom thumbnail starts with on each page (a formula decides the kind)
GLYPHS = {CUSTOM_DATASET: "f(x)", OWN_DATASET: "✎"}
STARTER_FORMULAS = {"classification": "sin(x1) > x2 / 2", "regression": "sin(x1) * cos(x2)"}
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
        if cfg.dataset in DATASETS:  # a formula or own points may not suit the other kind
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
            names = (*DATASETS_OF[problem], CUSTOM_DATASET, OWN_DATASET)
            for i, name in enumerate(names):
                key = name if name in DATASETS else f"{name}:{problem}"
                button = self._button(key, *info[name])
                grid.addWidget(button, i // GRID_COLUMNS, i % GRID_COLUMNS)
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
            glyph = GLYPHS.get(name.partition(":")[0])
            if glyph:  # a formula or own points: no picture of them to show in advance
                text = QApplication.palette().color(QPalette.ColorRole.Text)
                button.setIcon(glyph_icon(f"text:{glyph}", text, ICON_SIZE))
        button.setMinimumWidth(ICON_SIZE + 16)
        self._group.addButton(button)
        button.clicked.connect(lambda _=False, n=name: self._clicked(n))
        self.buttons[name] = button
        return button

    def _clicked(self, key: str) -> None:
        name, _, problem = key.partition(":")
        cfg = self.shown
        if cfg is None:
            return
        if (
            name == OWN_DATASET
        ):  # own points come from a file or a brush: the button stays as it was
            self.show(cfg)
            return
        if name != CUSTOM_DATASET:
            self.propose(name)
            return
        keep = cfg.dataset == CUSTOM_DATASET and cfg.problem == problem
        formula = cfg.formula if keep else STARTER_FORMULAS[problem]
        self.proposed.emit({"dataset": CUSTOM_DATASET, "formula": formula, "problem": problem})

    def show_origin(self, origin: str) -> None:
        """Where own points came from, on their thumbnail: "Painted" or "File" (its name)."""
        text = (
            "Painted" if origin == "painted" else "File" if origin.startswith("file ") else "Yours"
        )
        for problem in PROBLEMS:
            button = self.buttons[f"{OWN_DATASET}:{problem}"]
            button.setText(text)
            button.setToolTip(f"Your own points: {origin}." if origin else button.toolTip())

    def _show(self, cfg: Config) -> None:
        self.pages.setCurrentIndex(PROBLEMS.index(cfg.problem))
        for key, button in self.buttons.items():
            name, _, problem = key.partition(":")
            button.setChecked(name == cfg.dataset and problem in ("", cfg.problem))
            if name == OWN_DATASET:  # shown only while own points are in use
                button.setVisible(cfg.dataset == OWN_DATASET)
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


class FormulaField(TypedText):
    """The custom dataset's formula: typed, proposed on Enter or on leaving the
    field, and checked first, so a formula that cannot label the points is said
    under the field in one sentence and changes nothing."""

    def __init__(self, placeholder: str) -> None:
        super().__init__("formula", placeholder, MAX_FORMULA_CHARS)

    def _show(self, cfg: Config) -> None:
        if self.edit.text() != cfg.formula:
            self.edit.setText(cfg.formula)
        self.say("")

    def _typed(self) -> None:
        text = self.edit.text().strip()
        cfg = self.shown
        if cfg is None or text == cfg.formula:
            return
        assert cfg.points is not None
        why = formula_problem(text, cfg.points, cfg.noise, cfg.data_seed, cfg.shift)
        self.say(why)  # the Config's own checks, before anything is proposed
        if why:
            return
        self.propose(text)


class Shift(Control):
    """Move a built-in dataset off the origin by (dx, dy)."""

    def __init__(self) -> None:
        lo, hi, _ = RANGES["shift"]
        self.dx, self.dy = (NumberSpin(lo, hi, 1, 0.5, fit=99.5) for _ in range(2))
        for spin, axis in ((self.dx, "x₁"), (self.dy, "x₂")):
            spin.setPrefix(f"{axis} ")
        box = QWidget()
        hbox(self.dx, self.dy, parent=box)
        box.setFocusProxy(self.dx)
        super().__init__("shift", box)
        self.tip_target = None  # the row's tip goes to both
        for spin in (self.dx, self.dy):
            self.settle(spin)

    def give_tip(self, tip: str) -> None:
        for spin in (self.dx, self.dy):
            spin.setToolTip(tip)

    def _show(self, cfg: Config) -> None:
        self.dx.show_value(cfg.shift[0])
        self.dy.show_value(cfg.shift[1])

    def propose(self, value: object) -> None:
        super().propose((float(self.dx.value()), float(self.dy.value())))
