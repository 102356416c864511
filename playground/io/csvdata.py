"""Points as CSV: header x1,x2,label,split, one row per point, full precision."""

from __future__ import annotations

import numpy as np

from ..core.datasets import Dataset
from .atomic import atomic_write


def _number(x: float) -> str:
    return repr(float(x))  # shortest text that reads back to the same float


def write_points_csv(path, dataset: Dataset) -> None:
    """label is the class index (classification) or the target (regression)."""
    classification = dataset.num_classes > 0
    with atomic_write(path, "w", encoding="utf-8", newline="") as f:
        f.write("x1,x2,label,split\n")
        for split, xs, ys in (("train", dataset.x_train, dataset.y_train),
                              ("test", dataset.x_test, dataset.y_test)):  # fmt: skip
            for (a, b), y in zip(xs, ys, strict=True):
                label = str(int(y)) if classification else _number(y)
                f.write(f"{_number(a)},{_number(b)},{label},{split}\n")


def read_points_csv(path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(points (n, 2), labels (n,), is_train (n,) bool) from a file write_points_csv wrote."""
    rows = np.genfromtxt(path, delimiter=",", names=True, dtype=None, encoding="utf-8")
    points = np.column_stack([rows["x1"], rows["x2"]]).astype(np.float64)
    return points, np.asarray(rows["label"], dtype=np.float64), rows["split"] == "train"
