"""Small pictures of a run's output, for pinned runs and seeds.

The output heatmap with its points, as the Output dock draws it, made
offscreen and cut to the plotting square.  Kept as packed 0xRRGGBB integers
(core/pins.py), so an experiment file holds them as plain numbers.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

from playground.core.snapshot import Snapshot

from .output_view import OutputView

THUMBNAIL_SIDE = 96  # px a side, as kept
_DRAWN_SIDE = 300  # px: drawn larger, then scaled down smoothly


def output_thumbnail(snapshot: Snapshot, side: int = THUMBNAIL_SIDE) -> np.ndarray:
    """The snapshot's output (its grids) and points, side x side, as 0xRRGGBB."""
    view = OutputView()
    try:
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        view.resize(_DRAWN_SIDE, view.heightForWidth(_DRAWN_SIDE))
        view.show()
        view.set_snapshot(snapshot)
        square = view.plot_square.toAlignedRect().adjusted(1, 1, 0, 0)  # inside the border
        image = view.grab(square).toImage()
    finally:
        view.close()
        view.deleteLater()
    image = image.scaled(
        side, side, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
    ).convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32, side * image.bytesPerLine() // 4)
    pixels = pixels.reshape(side, image.bytesPerLine() // 4)[:, :side]
    return (pixels & 0xFFFFFF).astype(np.int64)


def thumbnail_pixmap(packed: np.ndarray, side: int | None = None) -> QPixmap:
    """A packed thumbnail as a pixmap (scaled to `side` if given)."""
    h, w = packed.shape
    argb = (np.asarray(packed, dtype=np.uint32) | np.uint32(0xFF000000)).copy()
    image = QImage(argb.data, w, h, 4 * w, QImage.Format.Format_ARGB32).copy()
    pixmap = QPixmap.fromImage(image)
    if side is not None and side != w:
        pixmap = pixmap.scaled(
            side, side, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )  # fmt: skip
    return pixmap
