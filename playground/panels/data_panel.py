"""DATA: which toy dataset, how many points, how noisy, how it is split and batched."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from playground.core.config import RANGES

from .data_controls import BatchSize, DatasetGrid, FormulaField, IconFor, ProblemChoice, Shift
from .fields import Check, Integer, Row, Seed, Slider, Table
from .form import ConfigPanel

PROBLEM_INFO = {
    "classification": ("Classification", "Predict a class for each point."),
    "regression": ("Regression", "Predict a number for each point."),
}
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
    "custom": ("Formula", "Your own rule: points labelled by a formula you type, e.g. r < 3."),
    "own": ("Yours", "Your own points (File ▸ Import Data, or a .csv dropped on the window)."),
}
FORMULA_TIP = (
    "The label of each point, as a formula of x1, x2, r (distance from the centre) and "
    "theta (angle): a comparison such as x1*x2 > 0 or r < 3 makes two classes, a number "
    "such as sin(x1)*cos(x2) a regression target.  + - * / ** %, and/or/not, abs, min, max, "
    "sin, cos, tan, exp, log, sqrt, tanh, where(condition, a, b), pi, e."
)
MIN_CLASSES, MAX_CLASSES, _ = RANGES["classes"]


def data_table(icon_for: IconFor | None) -> Table:
    return [
        Row(
            "Problem",
            "Classification sorts points into classes; regression predicts a number. "
            "Switching picks a dataset of that kind.",
            ProblemChoice(PROBLEM_INFO),
        ),
        Row(None, "", DatasetGrid(DATASET_INFO, icon_for)),
        Row(
            "Formula",
            FORMULA_TIP,
            FormulaField("e.g. r < 3"),
            shown=lambda cfg: cfg.dataset == "custom",
        ),
        Row(
            "Classes",
            f"How many classes blobs and spirals have ({MIN_CLASSES} to {MAX_CLASSES}); "
            "the other datasets have two.",
            Integer("classes"),
        ),
        Row(
            "Points",
            "How many points to generate, training and test together "
            "(TF Playground: 500 for classification, 1200 for regression).",
            Integer("points", 100, grouped=True),
        ),
        Row(
            "Noise",
            "How much the points stray from the clean pattern, 0 to 1 "
            "(TF Playground's slider goes to 0.5, the tick).",
            Slider("noise", 100, lambda v: f"{v / 100:.2f}", page=5, ticks=50),
        ),
        Row(
            "Shift",
            "Move the dataset off the origin, by x₁ and x₂ (the view follows): "
            "a network needs its biases to fit data that is not centred.",
            Shift(),
        ),
        Row(
            "",
            "",
            Check(
                "rescale",
                "Rescale inputs",
                "The network sees the points mapped onto the usual square (−6 to 6); the "
                "pictures, files and predictions keep your units.  For data far from the "
                "centre or in large units, where tanh and sigmoid units saturate.",
            ),
        ),
        Row(
            "Training",
            "Share of the points used for training (10 to 90 %); "
            "the rest are test points the network never learns from.",
            Slider("train_ratio", 100, lambda v: f"{v} %", step=5),
        ),
        Row(
            "Batch size",
            "Points per gradient step: 1 is pure stochastic gradient descent, "
            "larger batches give smoother, slower steps.",
            BatchSize("Use the whole training set in every step (full-batch gradient descent)."),
        ),
        Row(
            "",
            "",
            Check(
                "shuffle",
                "Shuffle every epoch",
                "Visit the training points in a new random order each epoch; "
                "off keeps one fixed order, as TF Playground does.",
            ),
        ),
        Row(
            "Seed",
            "The random seed the points are drawn from; same seed, same data.",
            Seed(
                "data_seed",
                "⟳ Regenerate",
                "Draw a fresh set of points: the data seed goes up by one.",
            ),
        ),
    ]


class DataPanel(ConfigPanel):
    """Dataset, problem type, classes, points, noise, split, batch size, shuffle, seed.

    Proposes {"dataset": name} (a thumbnail), {"problem": p, "dataset": name}
    (the kind, with the dataset last shown for it), {"classes": int},
    {"points": int}, {"noise": float}, {"train_ratio": float},
    {"batch_size": int | None} (None: full batch), {"shuffle": bool},
    {"data_seed": int}.  `icon_for(dataset, classes)` draws the thumbnails.
    """

    def __init__(self, icon_for: IconFor | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Data", data_table(icon_for), parent)

    def show_origin(self, origin: str) -> None:
        """Where own points came from (painted, a file), on their thumbnail."""
        grid = self.control("dataset")
        assert isinstance(grid, DatasetGrid)
        grid.show_origin(origin)
