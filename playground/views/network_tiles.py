"""The neurons' tiles of the network graph: one pixmap atlas per column.

Each node shows its output over the input square (+x2 up), one texel per
screen pixel; nodes too small for a map are one square of their mean colour.
A `QGraphicsPixmapItem` shows the atlas, so Qt paints it without Python
(canvas.py says why).  A zoomed view draws only the nodes on screen, so a
picture costs what the screen shows, not what the network holds.
"""

from __future__ import annotations

import functools
import sys

import numpy as np
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QGraphicsPixmapItem

from playground.core.config import FEATURES
from playground.core.features import SQUARE, Extent, feature_matrix, grid_axis
from playground.core.snapshot import Grids

from .colors import class_ramps
from .network_items import BG_RGB, LUT
from .network_layout import Column, Layout

_LUT32 = np.ascontiguousarray(LUT).view(np.uint32).ravel()  # one RGBA texel per entry
# Qt's ARGB32 is one native uint32: bytes B, G, R, A on little-endian machines
if sys.byteorder == "little":
    _SCREEN_ORDER, _SCREEN_FORMAT = [2, 1, 0, 3], QImage.Format.Format_ARGB32_Premultiplied
else:
    _SCREEN_ORDER, _SCREEN_FORMAT = [0, 1, 2, 3], QImage.Format.Format_RGBA8888_Premultiplied
_LUT32_SCREEN = np.ascontiguousarray(LUT[:, _SCREEN_ORDER]).view(np.uint32).ravel()
# per class, grey to the class's colour: row c * 256 + i is class c at share i / 255
_CLASS32_SCREEN = np.ascontiguousarray(class_ramps()[..., _SCREEN_ORDER]).view(np.uint32).ravel()


def values_to_rgba(values: np.ndarray, table: np.ndarray | None = None) -> np.ndarray:
    """RGBA (..., 4) uint8 on the diverging scale for values on [-1, 1], clamped.

    The same table as colors.to_rgba, done in float32 and through a uint32 view
    of the table, because tiles are many pixels (NaN lands on an end, not 0).
    `table` may be _LUT32_SCREEN to get the screen's byte order instead."""
    v = np.array(values, dtype=np.float32)  # a copy, changed in place below
    np.clip(v, np.float32(-1.0), np.float32(1.0), out=v)  # first: inf * 127.5 would overflow
    v *= np.float32(127.5)
    v += np.float32(128.0)
    np.fmax(v, np.float32(0.0), out=v)  # fmax / fmin also replace NaN
    np.fmin(v, np.float32(255.5), out=v)
    idx = v.astype(np.uint8)
    return np.take(_LUT32 if table is None else table, idx).view(np.uint8).reshape(*idx.shape, 4)


@functools.cache
def _ones(n: int) -> np.ndarray:
    ones = np.ones(n, np.float32)
    ones.flags.writeable = False
    return ones


def output_scale(kind: str, values: np.ndarray) -> np.ndarray:
    """Map an output layer's values onto [-1, 1]: a sigmoid's probability p as
    2p - 1 (0.5 is grey, as the decision boundary), softmax probabilities as is."""
    return values * 2.0 - 1.0 if kind == "sigmoid" else values


def class_rgba(values: np.ndarray, kind: str, classes: np.ndarray) -> np.ndarray:
    """Screen-order RGBA (..., 4) of K class outputs: each value as its class's
    share (a softmax probability, a tanh output's (v + 1) / 2) from the grey of
    the scale to the class colour, as the heatmap and the points colour classes.
    `classes` broadcasts against `values` (each value's class)."""
    share = np.nan_to_num(np.asarray(values, dtype=np.float32), nan=0.0)
    if kind != "softmax":
        share = (share + np.float32(1.0)) * np.float32(0.5)
    level = np.rint(np.clip(share, 0.0, 1.0) * np.float32(255.0)).astype(np.intp)
    index = (np.asarray(classes) % (len(_CLASS32_SCREEN) // 256)) * 256 + level
    return np.take(_CLASS32_SCREEN, index).view(np.uint8).reshape(*index.shape, 4)


def _unit_means(grid: np.ndarray) -> np.ndarray:
    """Each unit's mean over a (R, R, units) grid layer, NaN as 0 (inf stays:
    it is clamped to an end of the scale)."""
    flat = grid.reshape(-1, grid.shape[2])
    # the mean as one BLAS product: ~8x cheaper than mean() over the grid
    with np.errstate(all="ignore"):  # a diverging network's inf and NaN
        means = _ones(len(flat)) @ flat / np.float32(len(flat))
    means[np.isnan(means)] = 0.0
    return means


def show_hidden_means(tiles: list[TileColumn], layers: list[np.ndarray]) -> None:
    """Hidden columns too small for pictures, all at once: each unit's mean
    output over the grid, coloured by one lookup (one per column cost ~0.1 ms
    each, ~2 ms a frame for 16 layers)."""
    means = [_unit_means(grid) for grid in layers]
    if not means:
        return
    rgba = values_to_rgba(np.concatenate(means), _LUT32_SCREEN)
    at = 0
    for tile, m in zip(tiles, means, strict=True):
        tile.show_unit_colours(rgba[at : at + len(m)])
        at += len(m)


def fitting_grids(grids: Grids | None, layer_sizes: tuple[int, ...]) -> Grids | None:
    """`grids` if they picture a network of these layer sizes, else None."""
    if grids is None or len(grids.layers) != len(layer_sizes):
        return None
    fits = all(g.shape[2] == n for g, n in zip(grids.layers, layer_sizes, strict=True))
    return grids if fits else None


class TileColumn(QGraphicsPixmapItem):
    """The tiles of one column as one atlas pixmap, one texel per pixel, row 0 at
    the top (+x2 up), transparent between the nodes.  Made in the screen's own
    byte order (premultiplied BGRA), so turning it into a pixmap is a plain copy."""

    def __init__(self, column: Column, layout: Layout | None = None) -> None:
        super().__init__()
        self.setZValue(1)
        self.setShapeMode(QGraphicsPixmapItem.ShapeMode.BoundingRectShape)
        self._flat: dict[tuple[int, int], np.ndarray] = {}
        self._pixels = np.zeros((1, 1, 4), np.uint8)
        self._features_key: tuple = ()  # what the feature tiles drawn show
        self.set_column(column, layout)

    def set_column(self, column: Column, layout: Layout | None = None) -> None:
        """Lay the atlas out for `column`: the nodes on `layout`'s screen (all
        without one), from node `first` on, `shown` of them."""
        self.column = col = column
        self._flat.clear()
        units = range(col.count) if layout is None else layout.units_in_view(col)
        self.first, self.shown = (units.start, len(units)) if units else (0, 0)
        y = np.arange(max(1, self.shown) * col.step - col.gap)
        self._node = np.minimum(self.first + y // col.step, col.count - 1)
        self._gap_rows = np.flatnonzero(y % col.step >= col.size)
        self._within = np.minimum(y % col.step, col.size - 1)
        self.setPos(col.x, col.node_top(self.first))
        self.setVisible(self.shown > 0)

    def _flat_index(self, resolution: int, units: int) -> np.ndarray:
        """Flat indices into a (R, R, units) grid for every atlas texel (nearest sample)."""
        key = (resolution, units)
        flat = self._flat.get(key)
        if flat is None:
            col, r = self.column, resolution
            src = ((np.arange(col.size) + 0.5) * r / col.size).astype(np.intp)
            rows = (r - 1 - src)[self._within]  # top texel row = largest x2
            unit = np.minimum(self._node, units - 1)
            flat = (rows[:, None] * r + src[None, :]) * units + unit[:, None]
            self._flat = {key: flat}
        return flat

    def show_values(self, grid: np.ndarray, kind: str = "hidden", limit: float = 1.0) -> None:
        """Draw a (R, R, units) grid layer: each unit's map, or its mean when tiny.
        K class outputs (kind softmax or tanh, K > 1) are drawn in their class colours."""
        col, units = self.column, grid.shape[2]
        classes = units > 1 and kind in ("softmax", "tanh")
        unit_of_row = np.minimum(self._node, units - 1)
        if not col.tiles:  # tiny tiles: one colour each, the unit's mean
            means = _unit_means(grid)
            if classes:
                rows = class_rgba(means[unit_of_row], kind, unit_of_row)
            else:
                if kind in ("sigmoid", "softmax"):
                    means = output_scale(kind, means)
                elif kind == "linear":
                    means = means / limit
                rows = values_to_rgba(means, _LUT32_SCREEN)[self._node]  # coloured, then spread
            self._show(np.repeat(rows[:, None, :], col.size, axis=1))
            return
        values = np.take(grid, self._flat_index(grid.shape[0], units))
        if kind == "linear" and limit != 1.0:  # regression: on the targets' scale
            values = values / np.float32(limit)
        if classes:
            self._show(class_rgba(values, kind, unit_of_row[:, None]))
            return
        if kind in ("sigmoid", "softmax"):
            values = output_scale(kind, values)
        self._show(values_to_rgba(values, _LUT32_SCREEN))

    def show_unit_colours(self, rgba: np.ndarray) -> None:
        """Tiny tiles: each unit's one colour, (units, 4) screen-order RGBA."""
        rows = rgba[np.minimum(self._node, len(rgba) - 1)]
        self._show(np.repeat(rows[:, None, :], self.column.size, axis=1))

    def show_blank(self) -> None:
        """Neutral tiles (a snapshot without grids)."""
        shape = (len(self._node), self.column.size)
        self._show(values_to_rgba(np.zeros(shape, np.float32), _LUT32_SCREEN))

    def show_features(self, enabled: tuple[bool, ...], extent: Extent = SQUARE) -> None:
        """The nine feature tiles: each feature over the extent shown, scaled by
        its largest |value| there; disabled ones faded and greyed."""
        col, n = self.column, self.column.size
        self.first, self.shown = 0, col.count  # nine tiles: all of them, always
        self.setPos(col.x, col.top)
        self.setVisible(True)
        key = (n, col.step, extent, tuple(enabled))
        if key == self._features_key:  # (zooming and panning move them, nothing else)
            return
        self._features_key = key
        self._gap_rows = np.flatnonzero(np.arange(col.height) % col.step >= col.size)
        across = grid_axis(n, extent.cx, extent.half)
        up = grid_axis(n, extent.cy, extent.half)
        x1, x2 = np.meshgrid(across, up[::-1])  # the top row is the extent's top edge
        values = feature_matrix(np.column_stack([x1.ravel(), x2.ravel()]), FEATURES)
        values = values / np.maximum(np.abs(values).max(axis=0), 1e-12)
        tiles = values_to_rgba(values.T.reshape(len(FEATURES), n, n)).astype(np.float64)
        for i, on in enumerate(enabled):
            if not on:
                rgb = tiles[i, ..., :3]
                rgb = 0.25 * rgb + 0.75 * rgb.mean(axis=-1, keepdims=True)
                tiles[i, ..., :3] = BG_RGB + (rgb - BG_RGB) * 0.35
        atlas = np.zeros((col.height, n, 4), np.uint8)
        for i in range(col.count):
            atlas[i * col.step : i * col.step + n] = np.round(tiles[i])
        self._show(np.ascontiguousarray(atlas[..., _SCREEN_ORDER]))

    def _show(self, pixels: np.ndarray) -> None:
        pixels[self._gap_rows] = 0
        self._pixels = pixels
        h, w = pixels.shape[:2]
        image = QImage(pixels.data, w, h, 4 * w, _SCREEN_FORMAT)  # shares the buffer
        self.setPixmap(QPixmap.fromImage(image))  # a copy, in the screen's format

    def tiles(self) -> np.ndarray:
        """(shown, size, size, 4) uint8 RGBA: each drawn node's tile, from node `first`."""
        col = self.column
        rgba = self._pixels[..., _SCREEN_ORDER]  # the order is its own inverse
        return np.stack([rgba[s : s + col.size] for s in np.arange(self.shown) * col.step])
