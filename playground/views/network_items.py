"""The graphics items of the network graph: few of them, painting from cached arrays.

- `EdgeLayer`: every edge of the network in one item.  Edges are bucketed by
  (width step, colour shade); each bucket is one cached opaque pen and its
  lines, regrouped per snapshot from the layout's end-point arrays.
- `TileColumn`: one image item per column holding every node's tile, an
  atlas one screen pixel per texel, transparent between the nodes.
- `NodeLayer`: node frames, bias squares and the hovered node's ring.
- `Callout`: the hover read-out drawn inside the scene (offscreen Qt has no tooltips).
- `ValueEditor`: the little popup that edits a weight or a bias in place.
"""

from __future__ import annotations

import itertools
import math
import sys

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so it picks PySide6

from playground.core.config import FEATURES
from playground.core.features import DOMAIN, feature_matrix

from . import colors
from .network_layout import SHADES, Column, Layout, bias_size, edge_shades, edge_widths

BACKGROUND = "#fcfcfd"
TEXT = "#202124"
MUTED = "#6b7280"
FRAME = QColor(60, 64, 67, 90)
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
MAX_LAYER_EDGES = 384  # a denser layer draws only its strongest edges
AA_EDGES = 2000  # antialias the edges up to this many (wide AA lines cost ~7 us each)


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


def output_scale(kind: str, values: np.ndarray) -> np.ndarray:
    """Map an output layer's values onto [-1, 1]: a sigmoid's probability p as
    2p - 1 (0.5 is grey, as the decision boundary), softmax probabilities as is."""
    return values * 2.0 - 1.0 if kind == "sigmoid" else values


# --- edges ------------------------------------------------------------------------


class EdgeLayer(pg.GraphicsObject):
    """All edges in one item: per (width step, shade) bucket, one cached pen and
    that bucket's lines (a QLineF list, or one path when there are many);
    weak buckets are painted first, so strong edges lie on top."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(0)
        self._bounds = QRectF()
        self._drawn = 0
        self._groups: list[tuple[QPen, list[QLineF] | QPainterPath]] = []
        self._pens: dict[tuple[int, int], QPen] = {}
        self._lines: list[QLineF | None] = []
        self._ends: list[list[float]] = []
        self._arrays: tuple[np.ndarray, ...] = ()
        self._layers: list[tuple[int, int]] = []
        self._scale, self._alpha = 1.0, 255
        self.widths = np.zeros(0)
        self.shades = np.zeros(0, dtype=np.intp)
        self.hidden_edges = 0  # edges left out of a dense layer (too weak to show)

    def set_layout(self, layout: Layout) -> None:
        self.prepareGeometryChange()
        self._bounds = QRectF(0, 0, layout.width, layout.height)
        self._ends = [
            a.tolist() for a in (layout.edge_x0, layout.edge_y0, layout.edge_x1, layout.edge_y1)
        ]
        self._arrays = (layout.edge_x0, layout.edge_y0, layout.edge_x1, layout.edge_y1)
        self._lines = [None] * len(layout.edge_x0)  # QLineF made when first drawn
        cuts = np.flatnonzero(np.diff(layout.edge_layer)) + 1
        bounds = [0, *cuts.tolist(), len(self._lines)]
        self._layers = list(itertools.pairwise(bounds)) if self._lines else []
        self._pens.clear()
        self._scale, self._alpha = layout.edge_scale, layout.edge_alpha
        self._groups, self._drawn = [], 0
        self.widths = np.full(len(self._lines), self._scale)
        self.shades = np.zeros(len(self._lines), dtype=np.intp)

    def set_weights(self, weights: np.ndarray) -> None:
        """Weights in the layout's edge order (snapshot weights, raveled and joined).
        A layer with more than MAX_LAYER_EDGES edges draws only its strongest."""
        weights = np.nan_to_num(np.asarray(weights, dtype=np.float64))
        steps = np.rint(edge_widths(weights) * 2).astype(np.intp)  # half-pixel steps 2..20
        shades = edge_shades(weights)
        self.widths = steps * (0.5 * self._scale)
        self.shades = shades
        shown = None
        self.hidden_edges = 0
        for start, stop in self._layers:
            if stop - start > MAX_LAYER_EDGES:
                if shown is None:
                    shown = np.ones(len(weights), bool)
                part = np.abs(weights[start:stop])
                weak = np.argpartition(part, len(part) - MAX_LAYER_EDGES)[:-MAX_LAYER_EDGES]
                shown[start + weak] = False
                self.hidden_edges += len(weak)
        key = steps * (4 * SHADES + 4) + np.abs(shades) * 2 + (shades > 0)
        order = np.argsort(key, kind="stable")  # weak edges first, strong ones on top
        if shown is not None:
            self.widths[~shown] = 0.0
            order = order[shown[order]]
        cuts = np.flatnonzero(np.diff(key[order])) + 1
        groups = []
        for idx in np.split(order, cuts) if len(order) else []:
            e = int(idx[0])
            pen = self._pen(int(shades[e]), int(steps[e]))
            groups.append((pen, self._lines_of(idx) if len(idx) < 64 else self._path_of(idx)))
        self._groups = groups
        self._drawn = len(order)
        self.update()

    def _lines_of(self, idx: np.ndarray) -> list[QLineF]:
        lines, out = self._lines, []
        for i in idx.tolist():
            line = lines[i]
            if line is None:
                x0, y0, x1, y1 = self._ends
                line = lines[i] = QLineF(x0[i], y0[i], x1[i], y1[i])
            out.append(line)
        return out

    def _path_of(self, idx: np.ndarray) -> QPainterPath:
        """Many edges at once: one path, built from the arrays without a Python loop."""
        x0, y0, x1, y1 = self._arrays
        x, y = np.empty(2 * len(idx)), np.empty(2 * len(idx))
        x[0::2], x[1::2], y[0::2], y[1::2] = x0[idx], x1[idx], y0[idx], y1[idx]
        return pg.arrayToQPath(x, y, connect="pairs")

    def edge_colors(self) -> np.ndarray:
        """(edges, 4) uint8 RGBA each edge is drawn with (before the layout's alpha)."""
        return colors.to_rgba(self.shades / SHADES)

    def _pen(self, shade: int, step: int) -> QPen:
        pen = self._pens.get((shade, step))
        if pen is None:
            # translucent pens make Qt stroke every bucket as one path, ~20x
            # slower: fade the colour into the background instead, opaque
            rgb = colors.to_rgba(np.array(shade / SHADES))[:3].astype(np.float64)
            rgb = _BG_RGB + (rgb - _BG_RGB) * (self._alpha / 255.0)
            c = QColor(*np.rint(rgb).astype(int).tolist())
            pen = QPen(c, step * 0.5 * self._scale)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            self._pens[(shade, step)] = pen
        return pen

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self._drawn <= AA_EDGES)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for pen, lines in self._groups:
            painter.setPen(pen)
            if isinstance(lines, QPainterPath):
                painter.drawPath(lines)
            else:
                painter.drawLines(lines)


# --- tiles ------------------------------------------------------------------------


class TileColumn(pg.GraphicsObject):
    """The tiles of one column as one atlas image, one texel per pixel, row 0 at
    the top (+x2 up), transparent between the nodes.  Kept in the screen's own
    byte order (premultiplied BGRA), so painting it is a plain copy."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(1)
        self.column: Column | None = None
        self._flat: dict[tuple[int, int], np.ndarray] = {}
        self._pixels = np.zeros((1, 1, 4), np.uint8)
        self._qimage = QImage()

    def set_column(self, column: Column) -> None:
        self.prepareGeometryChange()
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
        if col.tiles:
            values = np.take(grid, self._flat_index(grid.shape[0], grid.shape[2]))
        else:
            means = np.nan_to_num(grid.mean(axis=(0, 1), dtype=np.float64))
            values = np.broadcast_to(means[self._node][:, None], (col.height, col.size))
        if kind in ("sigmoid", "softmax"):
            values = output_scale(kind, values)
        self._show(values_to_rgba(values, _LUT32_SCREEN))

    def show_blank(self) -> None:
        """Neutral tiles (before the first grids of an architecture arrive)."""
        col = self.column
        self._show(values_to_rgba(np.zeros((col.height, col.size), np.float32), _LUT32_SCREEN))

    def show_rgba(self, rgba: np.ndarray) -> None:
        """Draw a ready (height, size, 4) RGBA atlas (opaque or fully transparent texels)."""
        self._show(np.ascontiguousarray(rgba[..., _SCREEN_ORDER]))

    def _show(self, pixels: np.ndarray) -> None:
        pixels[self._gap_rows] = 0
        self._pixels = pixels
        h, w = pixels.shape[:2]
        self._qimage = QImage(pixels.data, w, h, 4 * w, _SCREEN_FORMAT)  # shares the buffer
        self.update()

    def tiles(self) -> np.ndarray:
        """(count, size, size, 4) uint8 RGBA: each node's tile as drawn."""
        col = self.column
        rgba = self._pixels[..., _SCREEN_ORDER]  # the order is its own inverse
        return np.stack([rgba[s : s + col.size] for s in np.arange(col.count) * col.step])

    def boundingRect(self) -> QRectF:
        col = self.column
        return QRectF(0, 0, col.size, col.height) if col else QRectF()

    def paint(self, painter: QPainter, *args) -> None:
        painter.drawImage(0, 0, self._qimage)


def feature_tiles(column: Column, enabled: tuple[bool, ...]) -> np.ndarray:
    """The nine feature tiles as one atlas: each feature over the input square,
    scaled by its largest |value| there; disabled ones faded and greyed."""
    n = column.size
    centres = -DOMAIN + 2 * DOMAIN * (np.arange(n) + 0.5) / n
    x1, x2 = np.meshgrid(centres, centres[::-1])  # top row is x2 = +6
    values = feature_matrix(np.column_stack([x1.ravel(), x2.ravel()]), FEATURES)
    values = values / np.maximum(np.abs(values).max(axis=0), 1e-12)
    tiles = values_to_rgba(values.T.reshape(len(FEATURES), n, n)).astype(np.float64)
    for i, on in enumerate(enabled):
        if not on:
            rgb = tiles[i, ..., :3]
            grey = rgb.mean(axis=-1, keepdims=True)
            rgb = 0.25 * rgb + 0.75 * grey
            tiles[i, ..., :3] = _BG_RGB + (rgb - _BG_RGB) * 0.35
    atlas = np.zeros((column.height, n, 4), np.uint8)
    for i in range(column.count):
        atlas[i * column.step : i * column.step + n] = np.round(tiles[i])
    return atlas


# --- nodes ------------------------------------------------------------------------


class NodeLayer(pg.GraphicsObject):
    """Frames around the tiles, the bias squares, the hovered node's ring."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(2)
        self._bounds = QRectF()
        self._frames: list[QRectF] = []
        self._dim_frames: list[QRectF] = []
        self._bias_rects: list[QRectF] = []
        self._bias_brushes: list[QBrush] = []
        self._bias_shown = np.zeros(0, np.intp)
        self.bias_rgba = np.zeros((0, 4), np.uint8)
        self._hover: QRectF | None = None
        self._hover_line: tuple[QPointF, QPointF, float, QColor] | None = None

    def set_layout(self, layout: Layout) -> None:
        self.prepareGeometryChange()
        self._bounds = QRectF(0, 0, layout.width, layout.height)
        feats = layout.node_column == 0
        rects = [
            QRectF(x - 0.5, y - 0.5, s, s)
            for x, y, s in zip(layout.node_x, layout.node_y, layout.node_size, strict=True)
        ]
        on = np.ones(len(rects), bool)
        on[np.flatnonzero(feats)] = layout.enabled
        self._frames = [r for r, o in zip(rects, on, strict=True) if o]
        self._dim_frames = [r for r, o in zip(rects, on, strict=True) if not o]
        sizes = layout.node_size[~feats]
        b = bias_size(sizes)
        self._bias_shown = np.flatnonzero(b > 0)  # among the biases: squares big enough
        self._bias_rects = [
            QRectF(x - 0.6 * bb, y + s - 0.4 * bb, bb, bb)
            for x, y, s, bb in zip(
                layout.node_x[~feats][self._bias_shown].tolist(),
                layout.node_y[~feats][self._bias_shown].tolist(),
                sizes[self._bias_shown].tolist(),
                b[self._bias_shown].tolist(),
                strict=True,
            )
        ]
        self.set_biases(np.zeros(len(sizes)))

    def set_biases(self, biases: np.ndarray) -> None:
        """Every bias, hidden layers then outputs, in the layout's node order."""
        idx = colors.lut_index(np.nan_to_num(np.asarray(biases, dtype=np.float64)))
        self.bias_rgba = LUT[idx]
        self._bias_brushes = [_BRUSHES[i] for i in idx[self._bias_shown].tolist()]
        self.update()

    def set_hover(self, rect: QRectF | None = None, line=None) -> None:
        self._hover, self._hover_line = rect, line
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, painter: QPainter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(FRAME, 1))
        painter.drawRects(self._frames)
        dashed = QPen(QColor(60, 64, 67, 70), 1, Qt.PenStyle.DashLine)
        painter.setPen(dashed)
        painter.drawRects(self._dim_frames)
        painter.setPen(QPen(QColor(60, 64, 67, 170), 1))
        for rect, brush in zip(self._bias_rects, self._bias_brushes, strict=True):
            painter.setBrush(brush)
            painter.drawRect(rect)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self._hover_line is not None:
            a, b, width, colour = self._hover_line
            for c, w in ((QColor(32, 33, 36, 210), width + 4), (colour, width)):
                pen = QPen(c, w)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                painter.setPen(pen)
                painter.drawLine(a, b)
        if self._hover is not None:
            painter.setPen(QPen(QColor(TEXT), 2))
            painter.drawRoundedRect(self._hover.adjusted(-2.5, -2.5, 2.5, 2.5), 2, 2)


# --- hover read-out --------------------------------------------------------------


class Callout(pg.GraphicsObject):
    """A small card with a bold first line, then plain lines, then a hint."""

    PAD = 8

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(10)
        self.lines: tuple[str, ...] = ()
        self._fonts = (font(13, bold=True), font(11), font(10))
        self._size = QRectF()
        self.hide()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def show_text(self, lines: tuple[str, ...], anchor: QPointF, bounds: QRectF) -> None:
        """Show the lines near `anchor`, kept inside `bounds` (the view)."""
        self.prepareGeometryChange()
        self.lines = lines
        w = h = 0.0
        for i, line in enumerate(lines):
            m = QFontMetricsF(self._line_font(i, len(lines)))
            w = max(w, m.horizontalAdvance(line))
            h += m.height() + 1
        self._size = QRectF(0, 0, w + 2 * self.PAD, h + 2 * self.PAD - 1)
        x, y = anchor.x() + 14, anchor.y() + 14
        if x + self._size.width() > bounds.right() - 4:
            x = anchor.x() - 14 - self._size.width()
        if y + self._size.height() > bounds.bottom() - 4:
            y = anchor.y() - 14 - self._size.height()
        self.setPos(max(bounds.left() + 4, x), max(bounds.top() + 4, y))
        self.show()
        self.update()

    def _line_font(self, i: int, n: int) -> QFont:
        return (
            self._fonts[0] if i == 0 else self._fonts[2] if i == n - 1 and n > 2 else self._fonts[1]
        )

    def boundingRect(self) -> QRectF:
        return self._size.adjusted(-1, -1, 3, 3)

    def paint(self, painter: QPainter, *args) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 28))
        painter.drawRoundedRect(self._size.translated(1.5, 2), 6, 6)
        painter.setBrush(QColor("#ffffff"))
        painter.setPen(QPen(QColor("#c6cbd2"), 1))
        painter.drawRoundedRect(self._size, 6, 6)
        y = float(self.PAD)
        n = len(self.lines)
        for i, line in enumerate(self.lines):
            f = self._line_font(i, n)
            m = QFontMetricsF(f)
            painter.setFont(f)
            painter.setPen(QColor(TEXT if i == 0 else MUTED if i < n - 1 or n <= 2 else "#1a73b8"))
            painter.drawText(QPointF(self.PAD, y + m.ascent()), line)
            y += m.height() + 1


# --- editing ------------------------------------------------------------------------


class _ValueLine(QLineEdit):
    escaped = Signal()

    def keyPressEvent(self, ev) -> None:
        if ev.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            ev.accept()
            return
        super().keyPressEvent(ev)


class ValueEditor(QFrame):
    """A small popup over the view to type a number.  Enter emits `accepted`
    (nothing if the text is unchanged), Escape `cancelled`; text that is not a
    finite number is marked red and the popup stays open."""

    accepted = Signal(float)
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("nvEditor")
        self.label = QLabel(self)
        self.label.setFont(font(11))
        self.line = _ValueLine(self)
        self.line.setFont(font(13))
        self.line.setFixedWidth(120)
        self.line.returnPressed.connect(self._commit)
        self.line.escaped.connect(self.cancelled.emit)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 8)
        box.setSpacing(4)
        box.addWidget(self.label)
        box.addWidget(self.line)
        self._start = ""
        self.hide()

    def open(self, title: str, value: float, pos: QPointF) -> None:
        """Show next to `pos` (parent px) with `value` selected, ready to type over."""
        self._start = f"{value:.6g}"
        self.label.setText(title + "   (Enter applies, Esc cancels)")
        self.line.setText(self._start)
        self._mark(False)
        self.adjustSize()
        parent = self.parentWidget()
        x = min(max(4, pos.x() + 10), parent.width() - self.width() - 4)
        y = min(max(4, pos.y() + 10), parent.height() - self.height() - 4)
        self.move(int(x), int(y))
        self.show()
        self.raise_()
        self.line.selectAll()
        self.line.setFocus()

    def _mark(self, invalid: bool) -> None:
        self.line.setProperty("invalid", invalid)
        self.line.style().polish(self.line)

    def _commit(self) -> None:
        text = self.line.text().strip().replace("−", "-").replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self._mark(True)
            return
        self.hide()
        if text != self._start:
            self.accepted.emit(value)
        else:
            self.cancelled.emit()
