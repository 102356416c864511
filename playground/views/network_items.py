"""The graphics items of the network graph: Qt's own items, updated from cached arrays.

Nothing here paints in Python: all are stock Qt items (path, pixmap, rect,
line, simple text) or containers of them, so Qt paints the graph with the GIL
released and the trainer thread keeps its speed (canvas.py says why).  Python
runs when a snapshot changes the items, and touches only what changed.

- `EdgeLayer`: edges bucketed by (width step, colour shade); each bucket is one
  path item with one cached opaque pen, stacked weak under strong.  A snapshot
  rebuilds only the buckets some edge entered or left.
- `TileColumn`: one pixmap item per column holding every node's tile, an
  atlas one screen pixel per texel, transparent between the nodes.
- `NodeLayer`: node frames (a pixmap per column), bias squares (a rect item
  each), the hovered node's ring and the hovered edge's highlight.
- `Callout`: the hover read-out card inside the scene (offscreen Qt has no tooltips).

The popup that edits a weight or a bias in place is a widget, not an item: it
lives in value_editor.py.
"""

from __future__ import annotations

import functools
import itertools
import math
import sys

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsItemGroup,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
)

# isort: split
import pyqtgraph as pg  # after PySide6, so it picks PySide6; only arrayToQPath is used

from playground.core.config import FEATURES
from playground.core.features import DOMAIN, feature_matrix

from . import colors
from .network_layout import BUCKETS_PER_STEP, SHADES, Column, Layout, bias_squares, edge_buckets

BACKGROUND = "#fcfcfd"
TEXT = "#202124"
MUTED = "#6b7280"
FRAME = QColor(60, 64, 67, 90)
HALO = QColor(32, 33, 36, 210)  # under the hovered edge
LUT = colors.diverging_lut()
_LUT32 = np.ascontiguousarray(LUT).view(np.uint32).ravel()  # one RGBA texel per entry
# Qt's ARGB32 is one native uint32: bytes B, G, R, A on little-endian machines
if sys.byteorder == "little":
    _SCREEN_ORDER, _SCREEN_FORMAT = [2, 1, 0, 3], QImage.Format.Format_ARGB32_Premultiplied
else:
    _SCREEN_ORDER, _SCREEN_FORMAT = [0, 1, 2, 3], QImage.Format.Format_RGBA8888_Premultiplied
_LUT32_SCREEN = np.ascontiguousarray(LUT[:, _SCREEN_ORDER]).view(np.uint32).ravel()
_BRUSHES = [QBrush(QColor(*rgba.tolist())) for rgba in LUT]
_BG_RGB = np.array([int(BACKGROUND[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)
AA_EDGES = 2000  # antialias the edges up to this many (wide AA lines cost ~7 us each)
_LOOP_EDGES = 32  # a bucket this small builds its path in a loop, a bigger one from arrays


def font(px: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(px)
    f.setBold(bold)
    return f


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


# --- edges ------------------------------------------------------------------------


class _Layer(QGraphicsItemGroup):
    """A container that paints nothing: its child items do the drawing."""

    def __init__(self, z: float) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        self.setZValue(z)


class EdgeLayer(_Layer):
    """All edges: per (width step, shade) bucket one path item with a cached pen,
    its z value the bucket key, so weak buckets lie under strong ones.  Items
    come from a pool: a bucket that empties hides its item for the next one."""

    def __init__(self) -> None:
        super().__init__(0)
        self._pens: dict[int, QPen] = {}
        self._items: dict[int, QGraphicsPathItem] = {}  # bucket key -> its visible item
        self._free: list[QGraphicsPathItem] = []  # hidden, ready for another bucket
        self._key = np.zeros(0, np.intp)  # each edge's bucket as drawn (-1: not drawn)
        self._ends: list[list[float]] = []
        self._arrays: tuple[np.ndarray, ...] = ()
        self._layers: list[tuple[int, int]] = []
        self._scale, self._alpha = 1.0, 255
        self.widths = np.zeros(0)
        self.shades = np.zeros(0, dtype=np.intp)
        self.hidden_edges = 0  # edges left out of a dense layer (too weak to show)
        self.drawn = 0  # edges drawn

    @property
    def antialiased(self) -> bool:
        """Whether the edges should be antialiased (not when there are very many)."""
        return self.drawn <= AA_EDGES

    def set_layout(self, layout: Layout) -> None:
        self._arrays = (layout.edge_x0, layout.edge_y0, layout.edge_x1, layout.edge_y1)
        self._ends = [a.tolist() for a in self._arrays]
        n = len(layout.edge_x0)
        cuts = np.flatnonzero(np.diff(layout.edge_layer)) + 1
        self._layers = list(itertools.pairwise([0, *cuts.tolist(), n])) if n else []
        self._pens.clear()
        self._scale, self._alpha = layout.edge_scale, layout.edge_alpha
        for item in self._items.values():
            item.hide()
            self._free.append(item)
        self._items = {}
        self._key = np.full(n, -1, np.intp)
        self.widths = np.full(n, self._scale)
        self.shades = np.zeros(n, dtype=np.intp)
        self.hidden_edges = self.drawn = 0

    def set_weights(self, weights: np.ndarray) -> None:
        """Weights in the layout's edge order (snapshot weights, raveled and joined).
        A layer with more than MAX_LAYER_EDGES edges draws only its strongest."""
        steps, self.shades, key = edge_buckets(weights, self._layers)
        self.widths = steps * (0.5 * self._scale)
        self.widths[key < 0] = 0.0
        self.drawn = int(np.count_nonzero(key >= 0))
        self.hidden_edges = len(key) - self.drawn
        changed = np.flatnonzero(key != self._key)
        if len(changed):
            self._regroup(key, np.concatenate([self._key[changed], key[changed]]))
        self._key = key

    def _regroup(self, key: np.ndarray, touched: np.ndarray) -> None:
        """New paths for the buckets in `touched` (keys some edge entered or left)."""
        touched = np.unique(touched)
        touched = touched[touched >= 0]
        if len(touched) <= 4:  # a few buckets: a scan each beats sorting every edge
            members = [np.flatnonzero(key == k) for k in touched.tolist()]
        else:
            order = np.argsort(key, kind="stable")
            ranks = key[order]
            lo = np.searchsorted(ranks, touched, "left").tolist()
            hi = np.searchsorted(ranks, touched, "right").tolist()
            members = [order[a:b] for a, b in zip(lo, hi, strict=True)]
        for k, idx in zip(touched.tolist(), members, strict=True):
            item = self._items.get(k)
            if not len(idx):
                if item is not None:
                    item.hide()
                    self._free.append(self._items.pop(k))
                continue
            if item is None:
                item = self._free.pop() if self._free else QGraphicsPathItem(self)
                item.setPen(self._pen(k))
                item.setZValue(k)
                item.show()
                self._items[k] = item
            item.setPath(self._path_of(idx))

    def _path_of(self, idx: np.ndarray) -> QPainterPath:
        """One path of separate lines: a short loop for few edges, from arrays for many."""
        if len(idx) < _LOOP_EDGES:
            path = QPainterPath()
            move, line = path.moveTo, path.lineTo
            x0, y0, x1, y1 = self._ends
            for i in idx.tolist():
                move(x0[i], y0[i])
                line(x1[i], y1[i])
            return path
        x0, y0, x1, y1 = self._arrays
        x, y = np.empty(2 * len(idx)), np.empty(2 * len(idx))
        x[0::2], x[1::2], y[0::2], y[1::2] = x0[idx], x1[idx], y0[idx], y1[idx]
        return pg.arrayToQPath(x, y, connect="pairs", finiteCheck=False)

    def drawn_pens(self) -> list[QPen]:
        """The pens of the visible buckets, bottom to top."""
        return [self._items[k].pen() for k in sorted(self._items)]

    def edge_colors(self) -> np.ndarray:
        """(edges, 4) uint8 RGBA each edge is drawn with (before the layout's alpha)."""
        return colors.to_rgba(self.shades / SHADES)

    def _pen(self, key: int) -> QPen:
        pen = self._pens.get(key)
        if pen is None:
            step, rest = divmod(key, BUCKETS_PER_STEP)
            shade = rest // 2 if rest % 2 else -(rest // 2)
            # translucent pens make Qt stroke every bucket as one path, ~20x
            # slower: fade the colour into the background instead, opaque
            rgb = colors.to_rgba(np.array(shade / SHADES))[:3].astype(np.float64)
            rgb = _BG_RGB + (rgb - _BG_RGB) * (self._alpha / 255.0)
            c = QColor(*np.rint(rgb).astype(int).tolist())
            pen = QPen(c, step * 0.5 * self._scale)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            self._pens[key] = pen
        return pen


# --- tiles ------------------------------------------------------------------------


class TileColumn(QGraphicsPixmapItem):
    """The tiles of one column as one atlas pixmap, one texel per pixel, row 0 at
    the top (+x2 up), transparent between the nodes.  Made in the screen's own
    byte order (premultiplied BGRA), so turning it into a pixmap is a plain copy."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(1)
        self.setShapeMode(QGraphicsPixmapItem.ShapeMode.BoundingRectShape)
        self.column: Column | None = None
        self._flat: dict[tuple[int, int], np.ndarray] = {}
        self._pixels = np.zeros((1, 1, 4), np.uint8)

    def set_column(self, column: Column) -> None:
        self.column = col = column
        self._flat.clear()
        y = np.arange(col.height)
        self._node = y // col.step
        self._gap_rows = np.flatnonzero(y % col.step >= col.size)
        self._within = np.minimum(y % col.step, col.size - 1)
        self.setPos(col.x, col.top)

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

    def show_values(self, grid: np.ndarray, kind: str = "hidden") -> None:
        """Draw a (R, R, units) grid layer: each unit's map, or its mean when tiny."""
        col = self.column
        if not col.tiles:  # tiny tiles: one colour each, the unit's mean
            flat = grid.reshape(-1, grid.shape[2])
            # the mean as one BLAS product: ~8x cheaper than mean() over the grid
            with np.errstate(all="ignore"):  # a diverging network's inf and NaN
                means = np.nan_to_num(_ones(len(flat)) @ flat / len(flat))
            if kind in ("sigmoid", "softmax"):
                means = output_scale(kind, means)
            rows = values_to_rgba(means, _LUT32_SCREEN)[self._node]  # coloured, then spread
            self._show(np.repeat(rows[:, None, :], col.size, axis=1))
            return
        values = np.take(grid, self._flat_index(grid.shape[0], grid.shape[2]))
        if kind in ("sigmoid", "softmax"):
            values = output_scale(kind, values)
        self._show(values_to_rgba(values, _LUT32_SCREEN))

    def show_blank(self) -> None:
        """Neutral tiles (before the first grids of an architecture arrive)."""
        col = self.column
        self._show(values_to_rgba(np.zeros((col.height, col.size), np.float32), _LUT32_SCREEN))

    def show_features(self, enabled: tuple[bool, ...]) -> None:
        """The nine feature tiles: each feature over the input square, scaled by
        its largest |value| there; disabled ones faded and greyed."""
        col, n = self.column, self.column.size
        centres = -DOMAIN + 2 * DOMAIN * (np.arange(n) + 0.5) / n
        x1, x2 = np.meshgrid(centres, centres[::-1])  # top row is x2 = +6
        values = feature_matrix(np.column_stack([x1.ravel(), x2.ravel()]), FEATURES)
        values = values / np.maximum(np.abs(values).max(axis=0), 1e-12)
        tiles = values_to_rgba(values.T.reshape(len(FEATURES), n, n)).astype(np.float64)
        for i, on in enumerate(enabled):
            if not on:
                rgb = tiles[i, ..., :3]
                rgb = 0.25 * rgb + 0.75 * rgb.mean(axis=-1, keepdims=True)
                tiles[i, ..., :3] = _BG_RGB + (rgb - _BG_RGB) * 0.35
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
        """(count, size, size, 4) uint8 RGBA: each node's tile as drawn."""
        col = self.column
        rgba = self._pixels[..., _SCREEN_ORDER]  # the order is its own inverse
        return np.stack([rgba[s : s + col.size] for s in np.arange(col.count) * col.step])


# --- nodes ------------------------------------------------------------------------


def _draw_outlines(item: QGraphicsPixmapItem, groups: list[tuple[QPen, list[QRectF]]]) -> None:
    """Draw rectangle outlines (scene px) into `item`'s pixmap, once per layout,
    aliased: crisp 1 px lines whether the view antialiases or not.  Qt then only
    copies them; as antialiased paths the outlines took ~2 ms a frame (6 x 8 net)."""
    rects = [r for _, group in groups for r in group]
    if not rects:
        item.setPixmap(QPixmap())
        return
    x0, y0 = math.floor(min(r.left() for r in rects)), math.floor(min(r.top() for r in rects))
    w = math.floor(max(r.right() for r in rects)) - x0 + 1
    h = math.floor(max(r.bottom() for r in rects)) - y0 + 1
    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.translate(-x0, -y0)
    for pen, group in groups:
        painter.setPen(pen)
        painter.drawRects(group)
    painter.end()
    item.setPixmap(QPixmap.fromImage(image))
    item.setPos(x0, y0)


def _pool(parent: QGraphicsItem, items: list, n: int, make) -> list:
    """The first `n` of `items` (made as needed), shown; the rest hidden."""
    while len(items) < n:
        items.append(make(parent))
    for i, item in enumerate(items):
        item.setVisible(i < n)
    return items[:n]


class NodeLayer(_Layer):
    """Frames around the tiles, the bias squares, the hovered node's ring and the
    hovered edge's highlight.  Frames never change between layouts: they are
    pixmaps (per column), drawn once; a bias square is a rect item."""

    def __init__(self) -> None:
        super().__init__(2)
        self._frames: list[QGraphicsPixmapItem] = []  # per column
        self._bias_items: list[QGraphicsRectItem] = []  # one per shown bias
        self._bias_shown = np.zeros(0, np.intp)
        self._bias_index = np.zeros(0, np.intp)  # the LUT entry each square shows
        self.bias_rgba = np.zeros((0, 4), np.uint8)
        self._halo, self._line = QGraphicsLineItem(self), QGraphicsLineItem(self)
        self._ring = QGraphicsPathItem(self)
        self._ring.setPen(QPen(QColor(TEXT), 2))
        for z, item in enumerate((self._halo, self._line, self._ring), start=3):
            item.setZValue(z)
            item.hide()
        self.smooth = True  # the view antialiases (else the ring moves onto whole pixels)

    def set_layout(self, layout: Layout) -> None:
        solid, dashed = QPen(FRAME, 1), QPen(QColor(60, 64, 67, 70), 1, Qt.PenStyle.DashLine)
        frames = _pool(self, self._frames, len(layout.columns), QGraphicsPixmapItem)
        for item, col in zip(frames, layout.columns, strict=True):
            on = layout.enabled if col.layer == 0 else (True,) * col.count
            rects = [
                QRectF(col.x - 0.5, col.node_top(i) - 0.5, col.size, col.size)
                for i in range(col.count)
            ]
            lit = [r for r, o in zip(rects, on, strict=True) if o]
            off = [r for r, o in zip(rects, on, strict=True) if not o]
            _draw_outlines(item, [(solid, lit), (dashed, off)])
        self._bias_shown, x, y, side = bias_squares(layout)
        # fill and outline in one item, so they stay together at any display scale
        # (a 1 px pen on half-pixel edges is crisp with and without antialiasing)
        pen = QPen(QColor(60, 64, 67, 170), 1)
        squares = zip(x.tolist(), y.tolist(), side.tolist(), strict=True)
        items = _pool(self, self._bias_items, len(side), QGraphicsRectItem)
        for item, (left, top, width) in zip(items, squares, strict=True):
            item.setPen(pen)
            item.setZValue(1)
            item.setRect(round(left) + 0.5, round(top) + 0.5, width, width)
        self._bias_index = np.full(len(side), -1, np.intp)
        self.set_biases(np.zeros(int(np.sum(layout.node_column > 0))))

    def set_biases(self, biases: np.ndarray) -> None:
        """Every bias, hidden layers then outputs, in the layout's node order."""
        idx = colors.lut_index(np.nan_to_num(np.asarray(biases, dtype=np.float64)))
        self.bias_rgba = LUT[idx]
        shown = idx[self._bias_shown]
        items, index = self._bias_items, shown.tolist()
        for i in np.flatnonzero(shown != self._bias_index).tolist():  # only what changed
            items[i].setBrush(_BRUSHES[index[i]])
        self._bias_index = shown

    def set_hover(self, rect: QRectF | None = None, line=None) -> None:
        """Ring `rect` (a node), or highlight `line` = (start, end, width, colour)."""
        if line is None:
            self._halo.hide()
            self._line.hide()
        else:
            a, b, width, colour = line
            for item, c, w in ((self._halo, HALO, width + 4), (self._line, colour, width)):
                pen = QPen(c, w)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                item.setPen(pen)
                item.setLine(QLineF(a, b))
                item.show()
        if rect is None:
            self._ring.hide()
        else:
            path = QPainterPath()
            d = 2.5 if self.smooth else 3.0  # aliased: on whole pixels, or lopsided
            path.addRoundedRect(rect.adjusted(-d, -d, d, d), 2, 2)
            self._ring.setPath(path)
            self._ring.show()


# --- hover read-out --------------------------------------------------------------


class Callout(QGraphicsPathItem):
    """A small card with a bold first line, then plain lines, then a hint: a
    rounded-rect path over a soft shadow, a simple text item per line."""

    PAD = 8

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(10)
        self.setPen(QPen(QColor("#c6cbd2"), 1))
        self.setBrush(QColor("#ffffff"))
        self._shadow = QGraphicsPathItem(self)
        self._shadow.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
        self._shadow.setPen(Qt.PenStyle.NoPen)
        self._shadow.setBrush(QColor(0, 0, 0, 28))
        self._shadow.setPos(1.5, 2)
        self._texts: list[QGraphicsSimpleTextItem] = []
        self._fonts = (font(13, bold=True), font(11), font(10))
        self._metrics = [QFontMetricsF(f) for f in self._fonts]
        self._colours = [QColor(c) for c in (TEXT, MUTED, "#1a73b8")]
        self.lines: tuple[str, ...] = ()
        self._size = QRectF()
        self.hide()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def show_text(self, lines: tuple[str, ...], anchor: QPointF, bounds: QRectF) -> None:
        """Show the lines near `anchor`, kept inside `bounds` (the view)."""
        if lines != self.lines:
            self._set_lines(tuple(lines))
        w, h = self._size.width(), self._size.height()
        x, y = anchor.x() + 14, anchor.y() + 14
        if x + w > bounds.right() - 4:
            x = anchor.x() - 14 - w
        if y + h > bounds.bottom() - 4:
            y = anchor.y() - 14 - h
        self.setPos(max(bounds.left() + 4, x), max(bounds.top() + 4, y))
        self.show()

    def _set_lines(self, lines: tuple[str, ...]) -> None:
        self.lines = lines
        n = len(lines)
        while len(self._texts) < n:
            self._texts.append(QGraphicsSimpleTextItem(self))
        w, y = 0.0, float(self.PAD)
        for i, item in enumerate(self._texts):
            item.setVisible(i < n)
            if i >= n:
                continue
            kind = 0 if i == 0 else 2 if i == n - 1 and n > 2 else 1  # title, plain, hint
            m = self._metrics[kind]
            item.setFont(self._fonts[kind])
            item.setBrush(self._colours[kind])
            item.setText(lines[i])
            item.setPos(self.PAD, y)
            w = max(w, m.horizontalAdvance(lines[i]))
            y += m.height() + 1
        size = QRectF(0, 0, w + 2 * self.PAD, y + self.PAD - 1)
        if size != self._size:
            self._size = size
            path = QPainterPath()
            path.addRoundedRect(size, 6, 6)
            self.setPath(path)
            self._shadow.setPath(path)
