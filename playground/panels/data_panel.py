"""DATA: which toy dataset, how many points, how noisy, how it is split and batched."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QWidget,
)

from playground.core.config import (
    CLASSIFICATION_DATASETS,
    MAX_CLASSES,
    MAX_POINTS,
    MIN_CLASSES,
    MIN_POINTS,
    MULTICLASS_DATASETS,
    PROBLEMS,
    REGRESSION_DATASETS,
    Config,
)
from playground.core.datasets import train_size

from .widgets import MAX_SEED, ConfigPanel, SeedEdit, ValueSlider, fill_combo, hbox, select_data

# name -> (short label under the thumbnail, tooltip)
DATASET_INFO = {
    "circle": ("Circle", "Circle: a disc of one class inside a ring of the other."),
    "xor": ("XOR", "Exclusive or: opposite quadrants share a class."),
    "gauss": ("Gauss", "Two Gaussian clouds; more noise makes them overlap."),
    "spiral": ("Spiral", "Two interleaved spiral arms: the hardest of TF Playground's four."),
    "moons": ("Moons", "Two interleaving half-moons."),
    "checkerboard": ("Checker", "Checkerboard: a 4 × 4 board of alternating squares."),
    "blobs": ("Blobs", "One round blob per class (2 to 8 classes)."),
    "spirals": ("Spirals", "One spiral arm per class (2 to 8 classes)."),
    "plane": ("Plane", "Regression: the target rises evenly along x1 + x2."),
    "multi-gauss": ("Bumps", "Regression: six bumps of alternating sign (TF's multi-Gaussian)."),
    "line": ("Line", "Regression: a straight line, target = 2.5·x1 − 10 (one input matters)."),
}
PROBLEM_NAMES = {"classification": "Classification", "regression": "Regression"}
DATASETS_OF = {"classification": CLASSIFICATION_DATASETS, "regression": REGRESSION_DATASETS}
GRID_COLUMNS = 4
# The chosen thumbnail gets the palette's highlight colour as a frame (light and dark themes).
DATASET_BUTTON_STYLE = """
QToolButton { border: 1px solid palette(mid); border-radius: 4px; padding: 2px;
              background: palette(button); }
QToolButton:hover { border: 1px solid palette(highlight); }
QToolButton:checked { border: 3px solid palette(highlight); padding: 0px;
                      background: palette(base); font-weight: bold; }
"""
ICON_SIZE = 40


class DataPanel(ConfigPanel):
    """Dataset, problem type, classes, points, noise, split, batch size, shuffle, seed.

    Emits (each a dict of Config fields):
      {"dataset": name}                       a thumbnail (same problem type)
      {"problem": p, "dataset": name}         the problem type; plus "loss": "mse"
                                              when leaving cross-entropy for regression
      {"classes": int} {"points": int} {"noise": float} {"train_ratio": float}
      {"batch_size": int | None} {"shuffle": bool} {"data_seed": int}
    """

    def __init__(
        self, icons: dict[str, QIcon] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Data", parent)
        self._last_of = {"classification": "circle", "regression": "plane"}
        self._last_batch = 10

        self.problem = QComboBox()
        fill_combo(
            self.problem,
            [
                ("classification", "Classification", "Predict a class for each point."),
                ("regression", "Regression", "Predict a number for each point."),
            ],
        )
        self.add_row(
            "Problem",
            self.problem,
            "Classification sorts points into classes; regression predicts a number. "
            "Switching picks a dataset of that kind.",
        )
        self.problem.activated.connect(self._on_problem)

        self.dataset_buttons: dict[str, QToolButton] = {}
        self._dataset_group = QButtonGroup(self)
        self._dataset_group.setExclusive(True)
        self.dataset_pages = QStackedWidget()
        for problem in PROBLEMS:
            page = QWidget()
            grid = QGridLayout(page)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setSpacing(4)
            for i, name in enumerate(DATASETS_OF[problem]):
                button = self._dataset_button(name, (icons or {}).get(name))
                grid.addWidget(button, i // GRID_COLUMNS, i % GRID_COLUMNS)
            grid.setColumnStretch(GRID_COLUMNS, 1)
            grid.setRowStretch(grid.rowCount(), 1)
            self.dataset_pages.addWidget(page)
        self.dataset_pages.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.dataset_pages.setStyleSheet(DATASET_BUTTON_STYLE)
        self.form.addRow(self.dataset_pages)

        self.classes = QSpinBox()
        self.classes.setRange(MIN_CLASSES, MAX_CLASSES)
        self.add_row(
            "Classes",
            self.classes,
            f"How many classes blobs and spirals have ({MIN_CLASSES} to {MAX_CLASSES}); "
            "the other datasets have two.",
        )
        self._spin_sends(self.classes, lambda: self._propose(classes=self.classes.value()))

        self.points = QSpinBox()
        self.points.setRange(MIN_POINTS, MAX_POINTS)
        self.points.setSingleStep(100)
        self.points.setGroupSeparatorShown(True)
        self.add_row(
            "Points",
            self.points,
            "How many points to generate, training and test together "
            "(TF Playground: 500 for classification, 1200 for regression).",
        )
        self._spin_sends(self.points, lambda: self._propose(points=self.points.value()))

        self.noise = ValueSlider(0, 100, lambda v: f"{v / 100:.2f}")
        self.noise.slider.setPageStep(5)
        self.noise.slider.setTickPosition(self.noise.slider.TickPosition.TicksBelow)
        self.noise.slider.setTickInterval(50)
        self.add_row(
            "Noise",
            self.noise,
            "How much the points stray from the clean pattern, 0 to 1 "
            "(TF Playground's slider goes to 0.5, the tick).",
        )
        self.noise.value_committed.connect(lambda v: self._propose(noise=v / 100))

        self.train_ratio = ValueSlider(10, 90, lambda v: f"{v} %")
        self.train_ratio.slider.setSingleStep(5)
        self.train_ratio.slider.setPageStep(10)
        self.add_row(
            "Training",
            self.train_ratio,
            "Share of the points used for training (10 to 90 %); "
            "the rest are test points the network never learns from.",
        )
        self.train_ratio.value_committed.connect(lambda v: self._propose(train_ratio=v / 100))

        self.batch = QSpinBox()
        self.batch.setRange(1, MAX_POINTS)
        self.batch.setToolTip(
            "Points per gradient step: 1 is pure stochastic gradient descent, "
            "larger batches give smoother, slower steps."
        )
        self._spin_sends(self.batch, lambda: self._propose(batch_size=self.batch.value()))
        self.full_batch = QCheckBox("full")
        self.full_batch.setToolTip(
            "Use the whole training set in every step (full-batch gradient descent)."
        )
        self.full_batch.toggled.connect(self._on_full)
        self.add_row("Batch size", hbox(self.batch, self.full_batch), self.batch.toolTip())

        self.shuffle = QCheckBox("Shuffle every epoch")
        self.shuffle.setToolTip(
            "Visit the training points in a new random order each epoch; "
            "off keeps one fixed order, as TF Playground does."
        )
        self.shuffle.toggled.connect(lambda on: self._propose(shuffle=bool(on)))
        self.form.addRow("", self.shuffle)

        self.seed = SeedEdit()
        self.seed.setToolTip("The random seed the points are drawn from; same seed, same data.")
        self.seed.value_edited.connect(lambda v: self._propose(data_seed=v))
        self.regenerate = QPushButton("⟳ Regenerate")
        self.regenerate.setToolTip("Draw a fresh set of points: the data seed goes up by one.")
        self.regenerate.clicked.connect(self._on_regenerate)
        self.add_row("Seed", hbox(self.seed, self.regenerate), self.seed.toolTip())

        self.set_config(Config())

    def _dataset_button(self, name: str, icon: QIcon | None) -> QToolButton:
        short, tip = DATASET_INFO.get(name, (name, name))
        button = QToolButton()
        button.setCheckable(True)
        button.setAutoRaise(False)
        button.setText(short)
        button.setToolTip(tip)
        button.setAccessibleName(f"{short} dataset")
        if icon is not None and not icon.isNull():
            button.setIcon(icon)
            button.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        else:
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumHeight(ICON_SIZE // 2 + 12)
        button.setMinimumWidth(ICON_SIZE + 16)
        self._dataset_group.addButton(button)
        button.clicked.connect(lambda _=False, n=name: self._propose(dataset=n))
        self.dataset_buttons[name] = button
        return button

    def set_icons(self, icons: dict[str, QIcon]) -> None:
        """Replace the thumbnails (e.g. to draw K classes for blobs and spirals)."""
        for name, icon in icons.items():
            button = self.dataset_buttons.get(name)
            if button is not None and not icon.isNull():
                button.setIcon(icon)
                button.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)

    # --- showing ------------------------------------------------------------

    def _show(self, cfg: Config) -> None:
        self._last_of[cfg.problem] = cfg.dataset
        select_data(self.problem, cfg.problem)
        self.dataset_pages.setCurrentIndex(PROBLEMS.index(cfg.problem))
        for name, button in self.dataset_buttons.items():
            button.setChecked(name == cfg.dataset)
        self.classes.setValue(cfg.classes)
        self.classes.setEnabled(cfg.dataset in MULTICLASS_DATASETS)
        self.points.setValue(cfg.points)
        self.noise.set_value(round(cfg.noise * 100))
        self.train_ratio.set_value(round(cfg.train_ratio * 100))
        full = cfg.batch_size is None
        if not full:
            self._last_batch = cfg.batch_size  # what unticking "full" goes back to
        self.batch.setMaximum(max(train_size(cfg), self._last_batch))
        self.batch.setValue(self._last_batch)
        self.batch.setEnabled(not full)
        self.full_batch.setChecked(full)
        self.shuffle.setChecked(cfg.shuffle)
        self.seed.set_value(cfg.data_seed)

    # --- person's changes --------------------------------------------------

    def _on_problem(self, index: int) -> None:
        problem = self.problem.itemData(index)
        changes = {"problem": problem, "dataset": self._last_of[problem]}
        if problem == "regression" and self._cfg.loss != "mse":
            changes["loss"] = "mse"  # cross-entropy needs classes
        self._propose(**changes)

    def _on_full(self, on: bool) -> None:
        self._propose(batch_size=None if on else self.batch.value())

    def _on_regenerate(self) -> None:
        seed = self._cfg.data_seed
        self._propose(data_seed=seed + 1 if seed < MAX_SEED else 0)
