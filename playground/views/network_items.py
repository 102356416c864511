"""The look of the network graph and its node items: Qt's own items only.

Nothing here paints in Python: all are stock Qt items (pixmap, rect, line,
path, simple text) or containers of them, so Qt paints the graph with the GIL
released and the trainer thread keeps its speed (canvas.py says why).

- `NodeLayer`: node frames (a pixmap per column), bias squares (a rect item
  each), the hovered node's ring and the hovered edge's highlight.
- `Callout`: the hover read-out card inside the scene (offscreen Qt has no tooltips).

The edges are in network_edges.py, the tiles in network_tiles.py, the texts and
buttons around the graph in network_chrome.py; the popup that edits a value in
place is a widget, in value_editor.py.
"""

from __future__ import annotations

import math

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

from . import colors
from .network_layout import Layout, bias_squares

BACKGROUND = "#fcfcfd"
TEXT = "#202124"
MUTED = "#6b7280"
FRAME = QColor(60, 64, 67, 90)
HALO = QColor(32, 33, 36, 210)  # under the hovered edge
LUT = colors.diverging_lut()
BG_RGB = np.array([int(BACKGROUND[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)
_BRUSHES = [QBrush(QColor(*rgba.tolist())) for rgba in LUT]


def font(px: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(px)
    f.setBold(bold)
    return f


class Layer(QGraphicsItemGroup):
    """A container that paints nothing: its child items do the drawing."""

    def __init__(self, z: float) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        self.setZValue(z)


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


def node_rect(layout: Layout, column: int, unit: int) -> QRectF:
    """A node's rectangle in widget px (column 0: unit among all nine features)."""
    col = layout.columns[column]
    return QRectF(col.x, col.node_top(unit), col.size, col.size)


def edge_point(layout: Layout, e: int, t: float) -> QPointF:
    """The point a fraction t along edge e (0 its start, 1 its end), widget px."""
    x = layout.edge_x0[e] + t * (layout.edge_x1[e] - layout.edge_x0[e])
    y = layout.edge_y0[e] + t * (layout.edge_y1[e] - layout.edge_y0[e])
    return QPointF(float(x), float(y))


def _pool(parent: QGraphicsItem, items: list, n: int, make) -> list:
    """The first `n` of `items` (made as needed), shown; the rest hidden."""
    while len(items) < n:
        items.append(make(parent))
    for i, item in enumerate(items):
        item.setVisible(i < n)
    return items[:n]


class NodeLayer(Layer):
    """Frames around the tiles, the bias squares, the hovered node's ring and the
    hovered edge's highlight.  Frames never change between layouts: they are
    pixmaps (per column), drawn once; a bias square is a rect item."""

    def __init__(self) -> None:
        super().__init__(2)
        self._frames: list[QGraphicsPixmapItem] = []  # per column
        self._bias_items: list[QGraphicsRectItem] = []  # one per shown bias
        self._bias_shown = np.zeros(0, np.intp)
        self._bias_index = np.zeros(0, np.intp)  # the LUT entry each square shows
        self._bias_rgba = np.zeros((0, 4), np.uint8)  # every bias, shown or not (tests read it)
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
            units = layout.units_in_view(col)  # a zoomed view frames only what it shows
            rects = [QRectF(col.x - 0.5, col.node_top(i) - 0.5, col.size, col.size) for i in units]
            lit = [r for r, i in zip(rects, units, strict=True) if on[i]]
            off = [r for r, i in zip(rects, units, strict=True) if not on[i]]
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

    def show_biases(self, on: bool) -> None:
        """Bias squares shown, or none (a network without biases); the pool's
        spare squares (of a bigger layout before) stay hidden either way."""
        count = len(self._bias_index)
        for i, item in enumerate(self._bias_items):
            item.setVisible(on and i < count)

    def set_biases(self, biases: np.ndarray) -> None:
        """Every bias, hidden layers then outputs, in the layout's node order."""
        idx = colors.lut_index(np.nan_to_num(np.asarray(biases, dtype=np.float64)))
        self._bias_rgba = LUT[idx]
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
