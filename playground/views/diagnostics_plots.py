"""The Diagnostics dock's four plots.

Each is a pyqtgraph frame (diagnostics_axes.make_plot) whose data are Qt's own
items in its view box: a rect item per histogram bar, a path item per line,
a rect and a line item for the healthy band.  Qt paints those without Python;
pyqtgraph's own data items (PlotCurveItem, BarGraphItem) paint in Python and
held the GIL ~2 ms a plot at every redraw.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem, QGraphicsPathItem, QGraphicsRectItem

# isort: split
import pyqtgraph as pg  # after PySide6, so that it takes that binding

from playground.core.diagnostics_types import Histogram

from . import colors
from .diagnostics_axes import (
    BIAS_COLOR,
    HEALTHY,
    MUTED,
    NEUTRAL,
    WEIGHT_COLOR,
    Stepped,
    layer_colors,
    log_ticks,
    make_plot,
    pen,
    positive,
    thin,
)

LOG_WORDS = "value (log scale on both sides of 0)"


def _path(x: np.ndarray, y: np.ndarray) -> QPainterPath:
    return pg.arrayToQPath(x, y) if len(x) else QPainterPath()


class _Plot:
    """A frame and the Qt items in its view box."""

    def __init__(self, left: str, bottom: str, log_y: bool = False) -> None:
        self.widget = make_plot(left, bottom)
        self._view = self.widget.getPlotItem().getViewBox()
        self._range = Stepped(self.widget, log_y, on_change=self._ranged)

    def _add(self, item: QGraphicsItem) -> None:
        self._view.addItem(item, ignoreBounds=True)  # the ranges are Stepped's

    def _ranged(self) -> None:
        """The ranges changed (items spanning the plot follow)."""


class HistogramPlot(_Plot):
    """Bars of one histogram, coloured by value on the app's scale.  Uneven
    (logarithmic) bins are drawn equally wide, labelled at powers of ten."""

    def __init__(self) -> None:
        super().__init__("count", "value")
        self._axis = self.widget.getPlotItem().getAxis("bottom")
        self.bars: list[QGraphicsRectItem] = []
        self._key: tuple[bytes, bool] = (b"", True)  # the edges and colouring shown
        self.log_scale = False

    def show(self, hist: Histogram | None, signed: bool = True) -> None:
        """Draw `hist` (None: nothing); `signed`: colour bars by value (else grey)."""
        if hist is None or len(hist.counts) == 0:
            edges, counts = np.array([0.0, 1.0]), np.zeros(1)
        else:
            edges, counts = np.asarray(hist.edges, float), np.asarray(hist.counts, float)
        widths = np.diff(edges)
        log_scale = not np.allclose(widths, widths[0], rtol=1e-6)
        x = np.arange(len(edges), dtype=float) if log_scale else edges
        if (edges.tobytes(), signed) != self._key:  # new bins: new bars (not every frame)
            self._key = (edges.tobytes(), signed)
            self._new_bins(edges, x, signed, log_scale)
        shown = self.bars[: len(counts)]  # the pool may hold more, hidden
        for bar, left, right, count in zip(shown, x[:-1], x[1:], counts.tolist(), strict=True):
            bar.setRect(QRectF(left, 0.0, right - left, count))
        # every bin, not just the filled ones: the edges are fixed so that frames
        # compare, and where the values sit (tiny, huge) is the point
        self._range.fit((float(x[0]), float(x[-1])), counts)

    def _new_bins(self, edges: np.ndarray, x: np.ndarray, signed: bool, log_scale: bool) -> None:
        while len(self.bars) < len(edges) - 1:
            bar = QGraphicsRectItem()
            bar.setPen(Qt.PenStyle.NoPen)
            self._add(bar)
            self.bars.append(bar)
        centres = (edges[:-1] + edges[1:]) / 2
        for i, bar in enumerate(self.bars):
            bar.setVisible(i < len(centres))
            if i < len(centres):
                colour = colors.qcolor(float(centres[i])) if signed else QColor(NEUTRAL)
                bar.setBrush(QBrush(colour))
        self._axis.setTicks([log_ticks(edges)] if log_scale else None)
        if log_scale != self.log_scale:
            self.log_scale = log_scale
            words = LOG_WORDS if log_scale else "value"
            self._axis.setLabel(words, color=MUTED, **{"font-size": "11px"})


class LayerLines(_Plot):
    """One line per layer over epochs on a log axis; the chosen layer thicker.
    `band`: a range of healthy values, shaded, with a line at its middle."""

    def __init__(self, left: str, band: tuple[float, float] | None = None) -> None:
        super().__init__(left, "epoch", log_y=True)
        self.lines: list[QGraphicsPathItem] = []
        self._pens: list[tuple[str, float]] = []  # each line's (colour, width) now
        self._band = () if band is None else tuple(math.log10(v) for v in band)
        self._shade, self._middle = QGraphicsRectItem(), QGraphicsLineItem()
        self._shade.setBrush(QColor(*HEALTHY, 28))
        self._shade.setPen(Qt.PenStyle.NoPen)
        self._middle.setPen(pen(QColor(*HEALTHY, 160), 1))
        for z, item in enumerate((self._shade, self._middle)):
            item.setVisible(bool(self._band))
            self._add(item)
            item.setZValue(z - 10)

    def _ranged(self) -> None:  # the band spans the plot's width (the view box clips it)
        if self._band:
            (x0, x1), (lo, hi) = self._range.x, self._band
            x0, x1 = x0 - (x1 - x0), x1 + (x1 - x0)
            self._shade.setRect(QRectF(x0, lo, x1 - x0, hi - lo))
            self._middle.setLine(QLineF(x0, (lo + hi) / 2, x1, (lo + hi) / 2))

    def show(self, epochs: np.ndarray, values: np.ndarray, chosen: int) -> None:
        """`values` (rows, layers) against `epochs` (rows,); layer `chosen` stands out."""
        n = values.shape[1] if values.ndim == 2 else 0
        while len(self.lines) < n:
            self.lines.append(QGraphicsPathItem())
            self._add(self.lines[-1])
            self._pens.append(("", 0.0))
        palette = layer_colors(n)
        rows = thin(len(epochs))
        x = np.asarray(epochs, float)[rows]
        shown = [*self._band]
        for i, line in enumerate(self.lines):
            line.setVisible(i < n)
            if i >= n:
                continue
            look = (palette[i], 3.2 if i == chosen else 1.6)
            if look != self._pens[i]:
                self._pens[i] = look
                line.setPen(pen(*look))
                line.setZValue(1 if i == chosen else 0)
            xs, ys = positive(x, np.asarray(values[rows, i], float))
            ys = np.log10(ys)
            line.setPath(_path(xs, ys))
            if len(ys):
                shown += [float(ys.min()), float(ys.max())]
        last = float(x[-1]) if len(x) else 0.0
        self._range.fit(Stepped.top(last, self._range.x, coarse=True), np.array(shown))


class NormLines(_Plot):
    """The size of all weights and of all biases over epochs."""

    def __init__(self) -> None:
        super().__init__("size (L2 norm)", "epoch")
        self.weights, self.biases = QGraphicsPathItem(), QGraphicsPathItem()
        for line, colour in ((self.weights, WEIGHT_COLOR), (self.biases, BIAS_COLOR)):
            line.setPen(pen(colour, 2.6))
            self._add(line)

    def show(self, epochs: np.ndarray, weight_norm: np.ndarray, bias_norm: np.ndarray) -> None:
        """Per-layer norms (rows, layers) combined into the network's: sqrt of sum of squares."""
        rows = thin(len(epochs))
        x = np.asarray(epochs, float)[rows]
        top = 0.0
        for line, per_layer in ((self.weights, weight_norm), (self.biases, bias_norm)):
            total = np.sqrt(np.sum(np.square(np.asarray(per_layer, float)[rows]), axis=1))
            keep = np.isfinite(total)
            line.setPath(_path(x[keep], total[keep]))
            if keep.any():
                top = max(top, float(total[keep].max()))
        last = float(x[-1]) if len(x) else 0.0
        self._range.fit(Stepped.top(last, self._range.x, coarse=True), np.array([0.0, top]))
