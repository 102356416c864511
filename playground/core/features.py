"""Input features computed from a raw point (x1, x2).

The network sees only the enabled features, in the canonical order of
`config.FEATURES`, plus a trailing column of ones that carries each first-layer
bias (see network.py: every layer's bias is the last column of its matrix).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import FEATURES
from .vocabulary import DOMAIN

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


@dataclass(frozen=True)
class Extent:
    """The square of the input plane the pictures show: centre (cx, cy), half a side."""

    cx: float = 0.0
    cy: float = 0.0
    half: float = DOMAIN

    @property
    def x_range(self) -> tuple[float, float]:
        return self.cx - self.half, self.cx + self.half

    @property
    def y_range(self) -> tuple[float, float]:
        return self.cy - self.half, self.cy + self.half


SQUARE = Extent()  # TensorFlow Playground's [-6, 6]^2, where every built-in dataset lies


@dataclass(frozen=True)
class InputScaling:
    """The affine map from a person's units into the usual square, per input:
    x' = (x - offset) * scale.  The network sees x'; people, files and pictures
    keep the original units (exported models take them too)."""

    offset: tuple[float, float]
    scale: tuple[float, float]

    @classmethod
    def covering(cls, points: np.ndarray) -> InputScaling:
        """The map that puts the points' bounding box onto [-DOMAIN, DOMAIN]^2."""
        lo, hi = points.min(axis=0), points.max(axis=0)
        half = (hi - lo) / 2
        centre = (lo + hi) / 2
        # a spread float64 cannot tell from one value (or none): that axis is only
        # moved to 0, not stretched (a scale of 1e13 would make noise of rounding)
        flat = half <= 1e-9 * np.maximum(1.0, np.abs(centre))
        half = np.where(flat, DOMAIN, half)
        return cls(
            (float(centre[0]), float(centre[1])),
            (float(DOMAIN / half[0]), float(DOMAIN / half[1])),
        )

    def apply(self, points: np.ndarray) -> np.ndarray:
        return (np.asarray(points, dtype=np.float64) - self.offset) * self.scale

    def map_extent(self, extent: Extent) -> Extent:
        """About where an extent of original units lies for the network (its
        pictures of the input features): an axis scaled more stretches the square."""
        cx, cy = self.apply(np.array([[extent.cx, extent.cy]]))[0]
        return Extent(float(cx), float(cy), extent.half * max(self.scale))

    def as_dict(self) -> dict[str, list[float]]:
        return {"offset": list(self.offset), "scale": list(self.scale)}


def extent_of(points: np.ndarray) -> Extent:
    """The usual square when the points lie in it; else a square that covers them
    (5 % to spare, sides a whole number of units, never smaller than the usual)."""
    if len(points) == 0 or np.abs(points).max() <= DOMAIN:
        return SQUARE
    lo, hi = points.min(axis=0), points.max(axis=0)
    cx, cy = (float(v) for v in np.round((lo + hi) / 2 * 2) / 2)  # to half units
    reach = max(float(np.max(np.maximum(hi - (cx, cy), (cx, cy) - lo))) * 1.05, DOMAIN)
    return Extent(cx, cy, float(np.ceil(reach)))


X1_FEATURES = ("x1", "x1sq", "sinx1", "cosx1")


def one_input(features: tuple[str, ...], points: np.ndarray, classes: int) -> bool:
    """Data with one input (x2 always 0, as the line dataset and one-column CSVs)
    seen through x1's features only, for regression or two classes: its output is
    a curve over x1 rather than a picture over the plane."""
    return (
        set(features) <= set(X1_FEATURES)
        and classes <= 2
        and len(points) > 0
        and not np.any(points[:, 1])
    )


def scaled_features(
    points: np.ndarray, features: tuple[str, ...], scaling: InputScaling | None, ones: bool = False
) -> np.ndarray:
    """feature_matrix of the points as the network sees them (mapped by `scaling`)."""
    return feature_matrix(points if scaling is None else scaling.apply(points), features, ones)


def grid_points(resolution: int, extent: Extent = SQUARE) -> np.ndarray:
    """The centres of an R x R grid of cells over the extent, shape (R*R, 2).

    Row-major with x2 rising from row to row and x1 within a row, so
    values.reshape(R, R)[i, j] is the cell at x1 = c[j], x2 = c[i] (row 0 at the
    bottom: flip it to draw it the right side up).
    """
    x1, x2 = np.meshgrid(grid_axis(resolution, extent.cx, extent.half),
                         grid_axis(resolution, extent.cy, extent.half))  # fmt: skip
    return np.column_stack([x1.ravel(), x2.ravel()])


def grid_axis(resolution: int, centre: float = 0.0, half: float = DOMAIN) -> np.ndarray:
    step = 2 * half / resolution
    return (centre - half) + step * (np.arange(resolution) + 0.5)
