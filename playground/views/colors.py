"""The one colour scale of the app, shared by weights, biases, neuron outputs
and the decision heatmap, so a person learns it once.

TensorFlow Playground's colour-blind-safe diverging scale: orange for -1,
light grey for 0, blue for +1, linear in between and saturated beyond.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

NEGATIVE = "#f59322"
ZERO = "#e8eaeb"
POSITIVE = "#0877bd"
LUT_SIZE = 256

# Distinct colours for K > 2 classes (class 0 and 1 keep the scale's ends).
CLASS_COLORS = (
    "#f59322",
    "#0877bd",
    "#2ca02c",
    "#9467bd",
    "#d62728",
    "#8c564b",
    "#e377c2",
    "#17becf",
)


def class_ramps(size: int = LUT_SIZE) -> np.ndarray:
    """(len(CLASS_COLORS), size, 4) uint8 RGBA: for each class, the scale's grey
    (none of it) to the class's colour (all of it), for one class's share."""
    t = np.linspace(0.0, 1.0, size)[None, :, None]
    ends = np.array([hex_rgb(c) for c in CLASS_COLORS])[:, None, :]
    out = np.full((len(CLASS_COLORS), size, 4), 255, dtype=np.uint8)
    out[..., :3] = np.round(hex_rgb(ZERO) + (ends - hex_rgb(ZERO)) * t).astype(np.uint8)
    return out


def hex_rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def diverging_lut(size: int = LUT_SIZE, alpha: int = 255) -> np.ndarray:
    """(size, 4) uint8 RGBA: entry 0 is -1 (orange), the middle 0 (grey), the last +1 (blue)."""
    t = np.linspace(-1.0, 1.0, size)[:, None]
    neg, mid, pos = hex_rgb(NEGATIVE), hex_rgb(ZERO), hex_rgb(POSITIVE)
    rgb = np.where(t < 0, mid + (neg - mid) * -t, mid + (pos - mid) * t)
    out = np.empty((size, 4), dtype=np.uint8)
    out[:, :3] = np.round(rgb).astype(np.uint8)
    out[:, 3] = alpha
    return out


_LUT = diverging_lut()


def lut_index(values: np.ndarray, limit: float = 1.0) -> np.ndarray:
    """Indices into a LUT_SIZE lookup table for values on [-limit, limit] (clamped)."""
    scaled = (np.asarray(values, dtype=np.float64) / limit + 1.0) * (0.5 * (LUT_SIZE - 1))
    return np.clip(np.rint(scaled), 0, LUT_SIZE - 1).astype(np.intp)


def to_rgba(values: np.ndarray, limit: float = 1.0) -> np.ndarray:
    """uint8 RGBA (..., 4) for values on the diverging scale."""
    return _LUT[lut_index(values, limit)]


def qcolor(value: float, limit: float = 1.0, alpha: int = 255) -> QColor:
    r, g, b, _ = (int(c) for c in _LUT[lut_index(np.array(value), limit)])
    return QColor(r, g, b, alpha)
