"""Small pictures of the datasets for the data picker, drawn the right side up.

Each picture is made from the engine's own data (`make_dataset`), so it shows
exactly what choosing it will give.  +x2 points up, as in the output view
(TF Playground's thumbnails are upside down: a known complaint).
"""

from __future__ import annotations

import functools

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPen, QPixmap

from playground.core.config import Config
from playground.core.datasets import DOMAIN, make_dataset

from . import colors

BACKGROUND = "#f7f8f9"
BORDER = "#c4c8cc"
THUMBNAIL_POINTS = 240


def _screen_ratio() -> float:
    """The primary screen's device pixel ratio, or 2 when there is no screen."""
    app = QGuiApplication.instance()
    screen = QGuiApplication.primaryScreen() if app is not None else None
    return float(screen.devicePixelRatio()) if screen is not None else 2.0


def dataset_points(name: str, classes: int = 3) -> tuple[np.ndarray, np.ndarray, int]:
    """(points, labels, classes) of the picture: all points, train and test."""
    ds = make_dataset(Config(dataset=name, classes=classes, points=THUMBNAIL_POINTS, data_seed=0))
    return ds.x_all, ds.y_all, ds.num_classes


def _point_colors(labels: np.ndarray, num_classes: int) -> list[QColor]:
    if num_classes > 0:
        palette = [QColor(c) for c in colors.CLASS_COLORS]
        return [palette[int(i) % len(palette)] for i in labels]
    # regression: the target on the one scale, stretched so that a tiny picture
    # shows it ("line" goes far past +-1; most multi-gauss targets are near 0)
    limit = float(np.percentile(np.abs(labels), 90)) or 1.0
    return [QColor(*(int(c) for c in rgba[:3])) for rgba in colors.to_rgba(labels, limit)]


def render(name: str, size: int, classes: int, ratio: float) -> QPixmap:
    """A size x size (logical px) picture at the given device pixel ratio."""
    points, labels, num_classes = dataset_points(name, classes)
    pixels = max(1, round(size * ratio))
    pixmap = QPixmap(pixels, pixels)
    pixmap.setDevicePixelRatio(pixels / size)
    pixmap.fill(QColor(BACKGROUND))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    inset = 2.0  # keep points off the border
    scale = (size - 2 * inset) / (2 * DOMAIN)
    radius = max(1.1, size / 48)
    # draw the grey (near-zero) points first, so the coloured ones stay visible
    order = np.argsort(np.abs(labels)) if num_classes == 0 else np.arange(len(labels))
    fills = _point_colors(labels, num_classes)
    for i in order:
        x1, x2 = points[i]
        # +x2 up: the pixmap's y grows downwards, so a point goes at DOMAIN - x2
        centre = QPointF(inset + (x1 + DOMAIN) * scale, inset + (DOMAIN - x2) * scale)
        painter.setBrush(fills[i])
        painter.drawEllipse(centre, radius, radius)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(QColor(BORDER), 1.0))
    painter.drawRect(QRectF(0.5, 0.5, size - 1.0, size - 1.0))
    painter.end()
    return pixmap


@functools.lru_cache(maxsize=128)
def dataset_pixmap(name: str, size: int = 64, classes: int = 3) -> QPixmap:
    """The dataset's picture, size x size logical pixels, sharp on the primary screen.

    Cached: do not paint on the returned pixmap.
    """
    return render(name, size, classes, max(1.0, _screen_ratio()))


@functools.lru_cache(maxsize=128)
def dataset_icon(name: str, size: int = 64, classes: int = 3) -> QIcon:
    """An icon of the dataset with 1x and 2x pictures (and the screen's own ratio)."""
    icon = QIcon()
    screen = max(1.0, _screen_ratio())
    for ratio in sorted({1.0, 2.0, screen}):
        if ratio == screen:
            icon.addPixmap(dataset_pixmap(name, size, classes))
        else:
            icon.addPixmap(render(name, size, classes, ratio))
    return icon
