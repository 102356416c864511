"""The marks on the network graph's hidden units: Qt's own items only.

Dead units get a pale veil, diagonal hatching and a small ✕ disc at the
tile's upper right; saturated units a red ring; each group of identical units
a tag of its own colour and letter at the upper left.  Tiny tiles (plain
squares, under TILE_MIN px) get plain colour marks instead: a grey square, a
thin red ring, a bar of the group's colour at the left.

Every kind of mark is one path item (one per group colour for the tags),
plus a text item per letter, rebuilt only when the marks or the layout
change (a few times a second at most): nothing paints in Python, so Qt paints
them with the GIL released (canvas.py says why).  The layer lies over the
tiles and under the node layer, so bias squares and the hover ring stay on top.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsSimpleTextItem

from playground.core.snapshot import Snapshot

from .network_items import BACKGROUND, Layer, font
from .network_layout import Column, Layout
from .unit_marks import NO_MARKS, legend_words, unit_marks

SATURATED = QColor("#d93025")  # red: orange and blue already mean a sign
DEAD_INK = QColor("#5f6368")
# identical groups, lettered A, B, ... in each layer: colours no sign or class
# of two uses (orange, blue), nor the saturated red
GROUP_COLORS = ("#7e57c2", "#2e7d32", "#8d6e63", "#c2185b", "#00838f", "#6d6d00")


def _pen(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return pen


def _item(parent, z: float, pen: QPen | Qt.PenStyle, brush) -> QGraphicsPathItem:
    item = QGraphicsPathItem(parent)
    item.setZValue(z)
    item.setPen(pen)
    item.setBrush(brush)
    return item


def _hatch(path: QPainterPath, x: float, y: float, s: float, spacing: float) -> None:
    """Diagonal lines ('/') across the square (x, y, s), `spacing` px apart."""
    u = spacing
    while u < 2 * s:
        path.moveTo(x + max(0.0, u - s), y + min(u, s))
        path.lineTo(x + min(u, s), y + max(0.0, u - s))
        u += spacing


def badge_radius(size: int) -> float:
    return min(8.0, max(4.0, round(size * 0.16)))


class MarkLayer(Layer):
    """All marks of the hidden units (see the module's docstring)."""

    def __init__(self) -> None:
        super().__init__(1.5)  # over the tiles (1), under the frames and biases (2)
        veil = QColor(BACKGROUND)
        veil.setAlpha(150)
        none = Qt.PenStyle.NoPen
        self._veil = _item(self, 0, none, veil)  # greys a dead tile out
        self._grey = _item(self, 0, none, QColor(154, 160, 166, 235))  # tiny dead tiles
        self._hatch = _item(self, 1, _pen(QColor(95, 99, 104, 170), 1.0), Qt.BrushStyle.NoBrush)
        self._badges = _item(self, 2, _pen(DEAD_INK, 1.4), QColor("#ffffff"))
        self._rings = _item(self, 2, _pen(SATURATED, 2.0), Qt.BrushStyle.NoBrush)
        self._thin_rings = _item(self, 2, _pen(SATURATED, 1.0), Qt.BrushStyle.NoBrush)
        self._chips = [
            _item(self, 3, _pen(QColor("#ffffff"), 1.0), QBrush(QColor(c))) for c in GROUP_COLORS
        ]
        self._bars = [_item(self, 3, Qt.PenStyle.NoPen, QBrush(QColor(c))) for c in GROUP_COLORS]
        self._letters: list[QGraphicsSimpleTextItem] = []
        self.marks = NO_MARKS
        self.words: tuple[str, ...] = ()  # the legend's words for the marks
        self._source: tuple = (None, (), ())  # diagnostics, findings, layer sizes

    def take(self, snap: Snapshot) -> bool:
        """Work out the marks of `snap`'s diagnostics and findings (not shown
        yet: see show_marks); True if they changed.  Snapshots carry the same
        diagnostics until new ones are made, a few times a second: then only."""
        diag, findings, sizes = self._source
        source = (snap.diagnostics, snap.findings, snap.config.layer_sizes)
        if snap.diagnostics is diag and snap.findings is findings and source[2] == sizes:
            return False
        self._source = source
        marks = unit_marks(snap.diagnostics, snap.config.layer_sizes, snap.findings, self.marks)
        changed = not _same(marks, self.marks)
        self.marks, self.words = marks, legend_words(marks)
        return changed

    def show_marks(self, layout: Layout) -> None:
        """Mark the hidden units of `layout` (nothing where the marks are of
        another architecture)."""
        marks = self.marks
        veil, grey, hatch, badges, rings, thin = (QPainterPath() for _ in range(6))
        chips = [QPainterPath() for _ in GROUP_COLORS]
        bars = [QPainterPath() for _ in GROUP_COLORS]
        letters: list[tuple[Column, int, int]] = []  # column, unit, group
        columns = layout.hidden_columns
        if len(marks.dead) == len(columns):
            for col, dead, sat, group in zip(
                columns, marks.dead, marks.saturated, marks.group, strict=True
            ):
                if len(dead) != col.count:
                    continue
                for u in np.flatnonzero(dead | sat | (group >= 0)).tolist():  # marked ones
                    x, y, s = float(col.x), float(col.node_top(u)), float(col.size)
                    tile = QRectF(x, y, s, s)
                    if dead[u] and col.tiles:
                        veil.addRect(tile)
                        _hatch(hatch, x, y, s, max(4.0, s / 7))
                        r = badge_radius(col.size)
                        centre = QPointF(x + s - 0.2 * r, y + 0.2 * r)
                        badges.addEllipse(centre, r, r)
                        d = 0.45 * r
                        badges.moveTo(centre + QPointF(-d, -d))
                        badges.lineTo(centre + QPointF(d, d))
                        badges.moveTo(centre + QPointF(-d, d))
                        badges.lineTo(centre + QPointF(d, -d))
                    elif dead[u]:
                        grey.addRect(tile)
                    if sat[u] and col.tiles:
                        rings.addRoundedRect(tile.adjusted(-2.5, -2.5, 2.5, 2.5), 3, 3)
                    elif sat[u]:
                        thin.addRect(tile.adjusted(-1, -1, 1, 1))
                    g = int(group[u])
                    if g >= 0 and col.tiles:
                        k = g % len(GROUP_COLORS)
                        chips[k].addRoundedRect(self._chip(col, u), 2, 2)
                        letters.append((col, u, g))
                    elif g >= 0:  # a bar along the tile's left side
                        bars[g % len(GROUP_COLORS)].addRect(QRectF(x - 4, y, 2.5, s))
        for item, path in (
            (self._veil, veil),
            (self._grey, grey),
            (self._hatch, hatch),
            (self._badges, badges),
            (self._rings, rings),
            (self._thin_rings, thin),
            *zip(self._chips, chips, strict=True),
            *zip(self._bars, bars, strict=True),
        ):
            item.setPath(path)
            item.setVisible(not path.isEmpty())
        self._show_letters(letters)

    @staticmethod
    def _chip(col: Column, unit: int) -> QRectF:
        """The group's tag at the tile's upper left, sticking out a little."""
        h = min(14.0, max(9.0, round(col.size * 0.3)))
        x, y = col.x - 0.3 * h, col.node_top(unit) - 0.3 * h
        return QRectF(x, y, h, h)

    def _show_letters(self, letters: list[tuple[Column, int, int]]) -> None:
        while len(self._letters) < len(letters):
            text = QGraphicsSimpleTextItem(self)
            text.setZValue(4)
            text.setBrush(QColor("#ffffff"))
            self._letters.append(text)
        for i, item in enumerate(self._letters):
            item.setVisible(i < len(letters))
            if i >= len(letters):
                continue
            col, u, g = letters[i]
            chip = self._chip(col, u)
            letter = _letter(g)
            item.setFont(font(max(7, math.floor(chip.height() * 0.8)), bold=True))
            item.setText(letter)
            box = item.boundingRect()
            item.setPos(
                round(chip.center().x() - box.width() / 2),
                round(chip.center().y() - box.height() / 2),
            )


def _same(a, b) -> bool:
    """Whether two Marks mark the same units."""
    pairs = zip((a.dead, a.saturated, a.group), (b.dead, b.saturated, b.group), strict=True)
    return all(
        len(x) == len(y) and all(np.array_equal(u, v) for u, v in zip(x, y, strict=True))
        for x, y in pairs
    )


def _letter(group: int) -> str:
    """A, B, ..., Z, then A2, B2, ... (a layer of 64 has at most 32 groups)."""
    return chr(ord("A") + group % 26) + ("" if group < 26 else str(group // 26 + 1))
