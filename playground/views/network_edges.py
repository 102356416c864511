"""The edges of the network graph: a few path items, never one item per edge.

Edges are bucketed by (width step, colour shade); each bucket is one
`QGraphicsPathItem` with one cached opaque pen, stacked weak under strong, so
Qt strokes a few paths without calling Python (canvas.py says why).  A
snapshot rebuilds only the buckets some edge entered or left.  Edges off
screen (a zoomed view) and those of pairs drawn as weight matrices
(network_matrix.py) are not drawn.
"""

from __future__ import annotations

import itertools

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

# isort: split
import pyqtgraph as pg  # after PySide6, so it picks PySide6; only arrayToQPath is used

from . import colors
from .network_items import BG_RGB, Layer
from .network_layout import (
    BUCKETS_PER_STEP,
    SHADES,
    Layout,
    edge_buckets,
    edges_in_view,
    matrix_pairs,
)

AA_EDGES = 2000  # antialias the edges up to this many (wide AA lines cost ~7 us each)
_LOOP_EDGES = 32  # a bucket this small builds its path in a loop, a bigger one from arrays


class EdgeLayer(Layer):
    """All edges: per (width step, shade) bucket one path item with a cached pen,
    its z value the bucket key, so weak buckets lie under strong ones.  Items
    come from a pool: a bucket that empties hides its item for the next one."""

    def __init__(self) -> None:
        super().__init__(0)
        self._pens: dict[int, QPen] = {}
        self._items: dict[int, QGraphicsPathItem] = {}  # bucket key -> its visible item
        self._free: list[QGraphicsPathItem] = []  # hidden, ready for another bucket
        self._key = np.zeros(0, np.intp)  # each edge's bucket as drawn (-1: not drawn)
        self._arrays: tuple[np.ndarray, ...] = ()
        self._layers: list[tuple[int, int]] = []
        self._drawable: np.ndarray | None = None  # in view and not in a weight matrix
        self._drawable_index = np.zeros(0, np.intp)
        self._drawable_layers: list[tuple[int, int]] = []
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
        n = len(layout.edge_x0)
        cuts = np.flatnonzero(np.diff(layout.edge_layer)) + 1
        self._layers = list(itertools.pairwise([0, *cuts.tolist(), n])) if n else []
        drawable = edges_in_view(layout)
        for (start, stop), matrix in zip(self._layers, matrix_pairs(layout), strict=True):
            if matrix:
                drawable[start:stop] = False
        self._drawable = None if drawable.all() else drawable
        self._drawable_index = np.flatnonzero(drawable)
        # the layers' ranges within the drawable edges
        bounds = np.searchsorted(self._drawable_index, [a for a, _ in self._layers] + [n])
        self._drawable_layers = list(itertools.pairwise(bounds.tolist()))
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
        weights = np.asarray(weights, dtype=np.float64)
        if self._drawable is None:
            steps, self.shades, key = edge_buckets(weights, self._layers)
        else:  # only the edges that may be drawn: zoomed out, a few of 61,000
            some = self._drawable_index
            steps = np.zeros(len(weights), np.intp)
            self.shades = np.zeros(len(weights), np.intp)
            key = np.full(len(weights), -1, np.intp)
            steps[some], self.shades[some], key[some] = edge_buckets(
                weights[some], self._drawable_layers
            )
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
            ends = [a[idx].tolist() for a in self._arrays]
            for ax, ay, bx, by in zip(*ends, strict=True):
                move(ax, ay)
                line(bx, by)
            return path
        x0, y0, x1, y1 = self._arrays
        x, y = np.empty(2 * len(idx)), np.empty(2 * len(idx))
        x[0::2], x[1::2], y[0::2], y[1::2] = x0[idx], x1[idx], y0[idx], y1[idx]
        return pg.arrayToQPath(x, y, connect="pairs", finiteCheck=False)

    def _pen(self, key: int) -> QPen:
        pen = self._pens.get(key)
        if pen is None:
            step, rest = divmod(key, BUCKETS_PER_STEP)
            shade = rest // 2 if rest % 2 else -(rest // 2)
            # translucent pens make Qt stroke every bucket as one path, ~20x
            # slower: fade the colour into the background instead, opaque
            rgb = colors.to_rgba(np.array(shade / SHADES))[:3].astype(np.float64)
            rgb = BG_RGB + (rgb - BG_RGB) * (self._alpha / 255.0)
            c = QColor(*np.rint(rgb).astype(int).tolist())
            pen = QPen(c, step * 0.5 * self._scale)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            self._pens[key] = pen
        return pen
