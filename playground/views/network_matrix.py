"""The zoomed-out level of detail of dense layers: weight matrices and bias cells.

A pair of layers drawn as its weight matrix (network_layout.matrix_pairs)
gets a heatmap in the gap between its two columns instead of edges: row j
holds the weights into unit j of the right column, level with that unit;
left to right run the weights from the left column's units in order (for the
first pair, the enabled features).  A weight's colour is its sign and size on
the edges' diverging scale, saturated at |w| >= 1.  Where a row has more
weights than the gap has pixels, a pixel shows their mean.

A node too small for its tile (a compact cell, coloured by its mean output)
gets its bias as a narrow cell at its left, on the same scale.

Qt pixmap items only, as everywhere in the graph (canvas.py says why); the
geometry (`matrix_strips`, `strip_hit`) is plain arithmetic.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QImage, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsPixmapItem

from .network_items import Layer
from .network_layout import Column, Layout, matrix_pairs
from .network_tiles import _LUT32_SCREEN, _SCREEN_FORMAT, values_to_rgba

STRIP_GAP = 4  # px between a column's nodes and a weight matrix
BIAS_CELL = 3  # px wide, the bias cell left of a compact node


@dataclass(frozen=True)
class Strip:
    """Where pair `pair`'s weight matrix is drawn: from x `left`, `width` px
    wide, rows level with the units of `target` (the right column)."""

    pair: int
    left: int
    width: int
    target: Column
    inputs: int  # weights per row

    @functools.cached_property
    def columns(self) -> tuple[np.ndarray, np.ndarray]:
        """Per texel column, the first weight it shows and how many (their mean)."""
        starts = (np.arange(self.width) * self.inputs) // self.width
        counts = np.diff(np.append(starts, self.inputs)).astype(np.float32)
        return starts, counts

    def input_at(self, x: float) -> int:
        """The input (column of the matrix) drawn at x."""
        return min(self.inputs - 1, max(0, int((x - self.left) * self.inputs / self.width)))


def matrix_strips(lay: Layout) -> tuple[Strip, ...]:
    """The weight matrices `lay` draws (pairs too narrow to hold one draw none)."""
    strips = []
    n_features = int(sum(lay.enabled))
    for i, matrix in enumerate(matrix_pairs(lay)):
        src, dst = lay.columns[i], lay.columns[i + 1]
        left = src.x + src.size + STRIP_GAP
        width = dst.x - BIAS_CELL - 1 - STRIP_GAP - left
        if matrix and width >= 4:
            strips.append(Strip(i, left, width, dst, n_features if i == 0 else src.count))
    return tuple(strips)


def strip_hit(strips: tuple[Strip, ...], x: float, y: float) -> tuple[int, int, int] | None:
    """(pair, row, col) of the weight drawn at (x, y), or None."""
    for s in strips:
        col = s.target
        if not s.left <= x < s.left + s.width or not col.top <= y < col.top + col.height:
            continue
        unit, within = divmod(int(y - col.top), col.step)
        if within < col.size:
            return s.pair, unit, s.input_at(x)
    return None


def _per_pixel(weights: np.ndarray, strip: Strip) -> np.ndarray:
    """(units, width) float32: the weight (or the mean of the weights) each
    texel of a weight matrix (out, in) shows."""
    w = np.asarray(weights, dtype=np.float32)  # NaN and inf land on an end of the scale
    starts, counts = strip.columns
    if strip.width >= strip.inputs:
        return w[:, starts]  # each weight a few pixels wide
    with np.errstate(all="ignore"):  # more weights than pixels
        return np.add.reduceat(w, starts, axis=1) / counts


def _image_item(item: QGraphicsPixmapItem, pixels: np.ndarray) -> None:
    pixels = np.ascontiguousarray(pixels)
    h, w = pixels.shape[:2]
    image = QImage(pixels.data, w, h, 4 * w, _SCREEN_FORMAT)  # shares the buffer
    item.setPixmap(QPixmap.fromImage(image))  # a copy


def _stretch(item: QGraphicsPixmapItem, column: Column, across: float = 1.0) -> None:
    """Draw `item`'s one-texel rows each `column.step` px tall from the column's
    top, so row j covers unit j (and the gap under it): Qt scales the pixmap
    as it paints, without Python, and a snapshot's image stays tiny."""
    item.setTransform(QTransform.fromScale(across, column.step))


class OverviewLayer(Layer):
    """The weight matrices of the dense pairs and the bias cells of compact nodes."""

    def __init__(self) -> None:
        super().__init__(0.5)  # over the edges (0), under the tiles (1)
        self.strips: tuple[Strip, ...] = ()
        self._strip_pool: list[QGraphicsPixmapItem] = []
        self._cell_columns: list[Column] = []  # compact hidden or output columns on screen
        self._cell_pool: list[QGraphicsPixmapItem] = []

    def set_layout(self, lay: Layout) -> None:
        on_screen = [s for s in matrix_strips(lay) if s.left + s.width >= 0 and s.left <= lay.width]
        self.strips = tuple(on_screen)
        for item, s in zip(
            self._pool(self._strip_pool, len(self.strips)), self.strips, strict=True
        ):
            item.setPos(s.left, s.target.top)
            _stretch(item, s.target)
            item.setPixmap(QPixmap())
        self._cell_columns = [
            c
            for c in lay.columns[1:]
            if not c.tiles and c.x + c.size >= 0 and c.x - BIAS_CELL - 1 <= lay.width
        ]
        for item, c in zip(
            self._pool(self._cell_pool, len(self._cell_columns)), self._cell_columns, strict=True
        ):
            item.setPos(c.x - BIAS_CELL - 1, c.top)
            _stretch(item, c, BIAS_CELL)
            item.setPixmap(QPixmap())

    def _pool(self, items: list[QGraphicsPixmapItem], n: int) -> list[QGraphicsPixmapItem]:
        while len(items) < n:
            items.append(QGraphicsPixmapItem(self))
        for i, item in enumerate(items):
            item.setVisible(i < n)
        return items[:n]

    def set_parameters(self, weights, biases, use_bias: bool) -> None:
        """Draw the snapshot's weights (per layer, (out, in)) and biases (per layer).
        Every texel's colour comes from one lookup (a call per item cost ~2 ms)."""
        drawn: list[tuple[QGraphicsPixmapItem, np.ndarray]] = []  # item, its values
        for item, s in zip(self._strip_pool, self.strips, strict=False):
            w = weights[s.pair] if s.pair < len(weights) else None
            if w is None or w.shape != (s.target.count, s.inputs):
                item.setPixmap(QPixmap())  # of another architecture: none yet
            else:
                drawn.append((item, _per_pixel(w, s)))
        for item, c in zip(self._cell_pool, self._cell_columns, strict=False):
            b = biases[c.layer - 1] if use_bias and c.layer - 1 < len(biases) else None
            item.setVisible(b is not None and len(b) == c.count)
            if item.isVisible():
                drawn.append((item, np.asarray(b, np.float32)[:, None]))
        if not drawn:
            return
        values = np.concatenate([v.ravel() for _, v in drawn])
        texels = values_to_rgba(values, _LUT32_SCREEN)
        at = 0
        for item, v in drawn:
            _image_item(item, texels[at : at + v.size].reshape(*v.shape, 4))
            at += v.size
