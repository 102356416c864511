"""Input features computed from a raw point (x1, x2).

The network sees only the enabled features, in the canonical order of
`config.FEATURES`, plus a trailing column of ones that carries each first-layer
bias (see network.py: every layer's bias is the last column of its matrix).
"""

from __future__ import annotations

import numpy as np

from .config import FEATURES

DOMAIN = 6.0  # points live in [-DOMAIN, DOMAIN]^2, as in TensorFlow Playground

LABELS = {
    "x1": "x₁", "x2": "x₂", "x1sq": "x₁²", "x2sq": "x₂²", "x1x2": "x₁x₂",
    "sinx1": "sin x₁", "sinx2": "sin x₂", "cosx1": "cos x₁", "cosx2": "cos x₂",
}  # fmt: skip

_FORMULAS = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1sq": lambda a, b: a * a,
    "x2sq": lambda a, b: b * b,
    "x1x2": lambda a, b: a * b,
    "sinx1": lambda a, b: np.sin(a),
    "sinx2": lambda a, b: np.sin(b),
    "cosx1": lambda a, b: np.cos(a),
    "cosx2": lambda a, b: np.cos(b),
}
assert set(_FORMULAS) == set(FEATURES)


def feature_matrix(points: np.ndarray, features: tuple[str, ...], ones: bool = False) -> np.ndarray:
    """(n, len(features)) float64 feature values; with ones=True an extra last column of 1."""
    points = np.asarray(points, dtype=np.float64)
    a, b = points[:, 0], points[:, 1]
    out = np.ones((len(points), len(features) + int(ones)))
    for j, name in enumerate(features):
        out[:, j] = _FORMULAS[name](a, b)
    return out


def grid_points(resolution: int) -> np.ndarray:
    """The centres of an R x R grid of cells over the input square, shape (R*R, 2).

    Row-major with x2 rising from row to row and x1 within a row, so
    values.reshape(R, R)[i, j] is the cell at x1 = c[j], x2 = c[i] (row 0 at the
    bottom: flip it to draw it the right side up).
    """
    centres = grid_axis(resolution)
    x1, x2 = np.meshgrid(centres, centres)
    return np.column_stack([x1.ravel(), x2.ravel()])


def grid_axis(resolution: int) -> np.ndarray:
    step = 2 * DOMAIN / resolution
    return -DOMAIN + step * (np.arange(resolution) + 0.5)
