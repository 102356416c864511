"""The frames of the Diagnostics dock's plots: pyqtgraph set up for this app.

A `make_plot` is a pyqtgraph plot (PlotCanvas) with a white background, the app's grey
text, and no mouse zoom, pan, context menu or auto-range button (a student
scrolling the dock must not zoom a plot by accident).  pyqtgraph's items paint
in Python, holding the GIL, C++ parts and all; so only the frame is
pyqtgraph's (axes, ticks, layout), and the data are Qt's own items
(diagnostics_plots.py), which Qt paints without Python.  The axes follow the
data in steps (`Stepped`: nice numbers, whole decades), not anew each frame as
pyqtgraph's auto-range does: a new range makes pyqtgraph lay an axis out again
(~1.5 ms), an unchanged one is not even repainted, since the ticks point
outward and new data repaint only the plotting area.  No grid lines: they made
each axis paint over the whole plot (~4 ms a plot).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QFont, QPen
from PySide6.QtWidgets import QGraphicsView

# isort: split
import pyqtgraph as pg  # after PySide6, so that it takes that binding

from .plot_axes import nice_ceiling

BACKGROUND = "#ffffff"
TEXT = "#202124"
MUTED = "#5f6368"
AXIS = "#b0b4b8"
NEUTRAL = "#8d949a"  # bars with no sign to show (gradients)
WEIGHT_COLOR, BIAS_COLOR = "#0877bd", "#7e57c2"
HEALTHY = (52, 168, 83)  # the update ratio's healthy band, green
MAX_POINTS = 200  # per line: a long log is thinned to this many (a plot is ~300 px wide)
# the shallowest layer light, the deepest dark: depth reads as shade
_RAMP = ("#74b9e8", "#0877bd", "#0b2447")


def _px(size: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(size)
    f.setBold(bold)
    return f


class PlotCanvas(pg.PlotWidget):
    """pyqtgraph's PlotWidget, painted by Qt's own QGraphicsView.paintEvent.

    pyqtgraph's paintEvent is Python (it brings the view box's transform up to
    date, then calls Qt's), so the GIL was held while Qt painted the whole plot,
    Qt's own data items and all.  Qt's, taken as it is, is found by PySide as
    no override at all, and Qt paints without Python but for the few
    pyqtgraph items' paint() (the axes, when their range changed).  The view
    box's transform follows its range and size here instead."""

    paintEvent = QGraphicsView.paintEvent

    def __init__(self) -> None:
        super().__init__(background=BACKGROUND)
        self.setAntialiasing(True)  # the data's lines, for a projector
        view = self.getPlotItem().getViewBox()
        view.sigResized.connect(self._follow)
        view.sigRangeChanged.connect(self._follow)

    def _follow(self, *_) -> None:
        self.getPlotItem().getViewBox().updateMatrix()

    # pyqtgraph asks for 600 x 480: in a scrolled dock each plot took that much
    def sizeHint(self) -> QSize:
        return QSize(380, 190)

    def minimumSizeHint(self) -> QSize:
        return QSize(220, 130)


def make_plot(left: str, bottom: str) -> PlotCanvas:
    """A plot with the app's look, free of mouse traps.  Titles go above it, in
    the dock's own labels (they wrap; pyqtgraph's do not).  A log axis is this
    linear one over log10 of the values, labelled by Stepped at whole decades."""
    plot = PlotCanvas()
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    item.setMouseEnabled(x=False, y=False)
    item.disableAutoRange()  # Stepped sets the ranges
    for name, text in (("left", left), ("bottom", bottom)):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(AXIS))
        axis.setTextPen(pg.mkPen(MUTED))
        # ticks outward: the axes' boxes stay out of the plotting area, so new data
        # repaints that area only, not the axes
        axis.setStyle(tickFont=_px(11), tickTextOffset=3, tickLength=4)
        axis.setLabel(text, color=MUTED, **{"font-size": "11px"})
        axis.enableAutoSIPrefix(False)  # no "(x0.001)" in a student's axis label
    return plot


def pen(colour, width: float) -> QPen:
    """A pen `width` screen px wide however the plot is scaled."""
    p = QPen(QColor(colour), width)
    p.setCosmetic(True)
    return p


def layer_colors(n: int) -> list[str]:
    """n colours from light (first layer) to dark (last)."""
    stops = [np.array([QColor(c).red(), QColor(c).green(), QColor(c).blue()], float) for c in _RAMP]
    out = []
    for i in range(n):
        t = i / max(1, n - 1) * (len(stops) - 1)
        k = min(int(t), len(stops) - 2)
        rgb = stops[k] + (stops[k + 1] - stops[k]) * (t - k)
        out.append(QColor(*np.round(rgb).astype(int).tolist()).name())
    return out


def thin(rows: int) -> np.ndarray:
    """Row indices to draw: all, or evenly spaced ones and the last."""
    if rows <= MAX_POINTS:
        return np.arange(rows)
    step = math.ceil(rows / MAX_POINTS)
    return np.unique(np.append(np.arange(0, rows, step), rows - 1))


def _coarse_ceiling(value: float) -> float:
    """The smallest of ..., 1, 2, 5, 10, 20, ... that is >= value (> 0)."""
    decade = 10.0 ** math.floor(math.log10(value))
    return next(m * decade for m in (1, 2, 5, 10) if m * decade >= value * (1 - 1e-12))


class Stepped:
    """A plot's ranges, following the data in steps: x from 0 (or the first bin)
    to a nice number; y from 0 to a nice number, or over whole decades (log).
    A range grows when the data leaves it and shrinks when the data fills less
    than a third of it, so it changes now and then, not every frame."""

    def __init__(self, plot: PlotCanvas, log_y: bool = False, on_change=None) -> None:
        self._item, self._log, self._on_change = plot.getPlotItem(), log_y, on_change
        self.x: tuple[float, float] = (0.0, 1.0)
        self.y: tuple[float, float] = (0.0, 1.0)

    def fit(self, x: tuple[float, float], y_values: np.ndarray) -> None:
        """Show x (lo, hi), and y to hold the finite `y_values` (their log10 on
        a log axis); call on_change() after a change."""
        y = np.asarray(y_values, dtype=np.float64)
        y = y[np.isfinite(y)]
        new_y = self._decades(y) if self._log else self._linear(y, self.y)
        if (x, new_y) != (self.x, self.y):
            self.x, self.y = x, new_y
            self._item.setRange(xRange=x, yRange=new_y, padding=0.02)
            if self._log:  # a label per decade (pyqtgraph's crowd in 0.002, 0.003, ...)
                lo, hi = int(new_y[0]), int(new_y[1])
                step = math.ceil((hi - lo + 1) / 7)
                labels = [(float(e), decade(e, 1.0)) for e in range(lo, hi + 1) if e % step == 0]
                self._item.getAxis("left").setTicks([labels, []])
            if self._on_change is not None:
                self._on_change()

    @staticmethod
    def top(hi: float, current: tuple[float, float], coarse: bool = False) -> tuple[float, float]:
        """(0, a nice number) holding hi, `coarse`ly (1, 2, 5: for epochs, which
        only grow) or finely (1, 1.2, 1.5, ...): the current one while hi fills a
        third or more of it."""
        if current[0] == 0 and current[1] / 3 <= hi <= current[1]:
            return current
        if not (hi > 0 and math.isfinite(hi)):
            return 0.0, 1.0
        return 0.0, (_coarse_ceiling if coarse else nice_ceiling)(hi * 1.1)

    def _linear(self, y: np.ndarray, current: tuple[float, float]) -> tuple[float, float]:
        return self.top(float(y.max()) if len(y) else 0.0, current)

    def _decades(self, y: np.ndarray) -> tuple[float, float]:
        if not len(y):
            return self.y
        lo, hi = math.floor(float(y.min())), math.ceil(float(y.max()))
        hi = max(hi, lo + 1)
        cur_lo, cur_hi = self.y
        if cur_lo <= lo and hi <= cur_hi and (cur_hi - cur_lo) - (hi - lo) <= 2:
            return self.y
        return float(lo), float(hi)


def positive(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points a log axis can show (finite and above 0)."""
    keep = np.isfinite(x) & np.isfinite(y) & (y > 0)
    return x[keep], y[keep]


def decade(e: int, sign: float) -> str:
    """A power of ten as people write it: 0.01, 1, 100; 1e-4 and 1e3 beyond."""
    text = f"{10.0**e:g}" if -2 <= e <= 2 else f"1e{e}"
    return ("−" if sign < 0 else "") + text


def log_ticks(edges: np.ndarray, most: int = 7) -> list[tuple[float, str]]:
    """Ticks for bars drawn one unit wide each (bin i from i to i + 1) over
    uneven edges: at the edges that are powers of ten, thinned to at most
    `most` labels, and 0 in the middle of a bin that holds it."""
    with np.errstate(divide="ignore"):
        exps = np.log10(np.abs(edges))
    decades = np.flatnonzero(np.isfinite(exps) & np.isclose(exps, np.round(exps), atol=1e-9))
    ticks: list[tuple[float, str]] = []
    holds_zero = np.flatnonzero((edges[:-1] < 0) & (edges[1:] > 0))
    if len(holds_zero):
        ticks.append((float(holds_zero[0]) + 0.5, "0"))
    if len(decades) == 0:  # no powers of ten: a few edges as they are
        step = max(1, math.ceil(len(edges) / most))
        return [(float(i), f"{edges[i]:.3g}") for i in range(0, len(edges), step)]
    powers = np.round(exps[decades]).astype(int)
    step = 1
    while np.count_nonzero(powers % step == 0) + len(ticks) > most:
        step += 1
    for i, e in zip(decades.tolist(), powers.tolist(), strict=True):
        if e % step == 0:
            ticks.append((float(i), decade(e, float(edges[i]))))
    return sorted(ticks)
