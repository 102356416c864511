"""The data points over the output view's square, painted once into a pixmap.

Painted when the dataset, the size or the screen's scale changes, never per
frame: a frame then blits one pixmap per set.  (A cached path item per colour
blits too, but each colour's cache is the size of the square: from about 8
colours on they outgrow Qt's pixmap cache and are stroked again every frame,
and a regression dataset has some 200 colours.)
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap

from . import colors

POINT_DIAMETER = 7  # px: a radius of 3.5, TF's 3 plus the outline
TRAIN_OUTLINE = "#ffffff"
TEST_OUTLINE = "#333333"


def point_fills(y: np.ndarray, num_classes: int, limit: float = 1.0) -> list[QColor]:
    """Each point's fill: its class colour, or its target on the diverging scale
    from −limit to +limit."""
    if num_classes > 0:
        table = [QColor(c) for c in colors.CLASS_COLORS]
        return [table[i] for i in np.asarray(y, dtype=np.intp) % len(table)]
    lut = colors.diverging_lut()
    index = colors.lut_index(np.nan_to_num(y), limit)
    return [QColor(*(int(c) for c in lut[i, :3])) for i in index]


def paint_points(
    area: QRectF, ratio: float, centres: np.ndarray, fills: list[QColor], test: bool
) -> QPixmap:
    """A transparent pixmap the size of `area` (at device pixel ratio `ratio`) with
    a dot at each of `centres` (widget px), in the data's order, as TF does;
    white outlines for training points, dark ones for test points."""
    size = (area.size() * ratio).toSize()
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    outline = QColor(TEST_OUTLINE if test else TRAIN_OUTLINE)
    painter.setPen(QPen(outline, 1))  # a view pixel: 2 device pixels at 200 %
    painter.translate(-area.left(), -area.top())
    radius = POINT_DIAMETER / 2
    for (x, y), fill in zip(centres.tolist(), fills, strict=True):
        painter.setBrush(fill)
        painter.drawEllipse(QPointF(x, y), radius, radius)
    painter.end()
    return QPixmap.fromImage(image)
