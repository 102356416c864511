"""The Diagnostics dock's plots: pyqtgraph set up for this app.

White background, the app's grey text, the orange/blue scale for values;
no mouse zoom, pan, context menu or auto-range button (a student scrolling the
dock must not zoom a plot by accident), and every axis auto-ranged.  These are
pyqtgraph's Python items, so their painting holds the GIL: the dock redraws
them only a few times a second (diagnostics_view.py), never the hot views.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtGui import QColor, QFont

# isort: split
import pyqtgraph as pg  # after PySide6, so that it takes that binding

from playground.core.diagnostics_types import Histogram

from . import colors

BACKGROUND = "#ffffff"
TEXT = "#202124"
MUTED = "#5f6368"
AXIS = "#b0b4b8"
NEUTRAL = "#8d949a"  # bars with no sign to show (gradients)
WEIGHT_COLOR, BIAS_COLOR = "#0877bd", "#7e57c2"
HEALTHY = (52, 168, 83)  # the update ratio's healthy band, green
MAX_POINTS = 400  # per line: a long log is thinned to this many points
# the shallowest layer light, the deepest dark: depth reads as shade
_RAMP = ("#74b9e8", "#0877bd", "#0b2447")


def _px(size: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(size)
    f.setBold(bold)
    return f


def make_plot(left: str, bottom: str, log_y: bool = False) -> pg.PlotWidget:
    """A plot with the app's look, fixed to auto-range and free of mouse traps.
    Titles go above it, in the dock's own labels (they wrap; pyqtgraph's do not)."""
    plot = pg.PlotWidget(background=BACKGROUND)
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    item.setMouseEnabled(x=False, y=False)
    item.enableAutoRange()
    item.showGrid(x=False, y=True, alpha=0.18)
    item.setLogMode(x=False, y=log_y)
    for name, text in (("left", left), ("bottom", bottom)):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(AXIS))
        axis.setTextPen(pg.mkPen(MUTED))
        axis.setStyle(tickFont=_px(11), tickTextOffset=4)
        axis.setLabel(text, color=MUTED, **{"font-size": "11px"})
        axis.enableAutoSIPrefix(False)  # no "(x0.001)" in a student's axis label
    plot.setMinimumSize(220, 130)
    return plot


def layer_colors(n: int) -> list[str]:
    """n colours from light (first layer) to dark (last)."""
    stops = [np.array(colors.hex_rgb(c)) for c in _RAMP]
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


def _positive(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The points a log axis can show (finite and above 0)."""
    keep = np.isfinite(x) & np.isfinite(y) & (y > 0)
    return x[keep], y[keep]


def _decade(e: int, sign: float) -> str:
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
            ticks.append((float(i), _decade(e, float(edges[i]))))
    return sorted(ticks)


class HistogramPlot:
    """Bars of one histogram, coloured by value on the app's scale.  Uneven
    (logarithmic) bins are drawn equally wide, labelled at powers of ten."""

    def __init__(self) -> None:
        self.widget = make_plot("count", "value")
        self._bars = pg.BarGraphItem(x0=[0.0], x1=[1.0], height=[0.0], pen=pg.mkPen(None))
        self.widget.addItem(self._bars)
        self._axis = self.widget.getPlotItem().getAxis("bottom")
        self.shown: tuple[np.ndarray, np.ndarray] = (np.zeros(1), np.zeros(0))
        self.log_scale = False

    def show(self, hist: Histogram | None, signed: bool = True) -> None:
        """Draw `hist` (None: nothing); `signed`: colour bars by value (else grey)."""
        if hist is None or len(hist.counts) == 0:
            edges, counts = np.array([0.0, 1.0]), np.zeros(1)
        else:
            edges, counts = np.asarray(hist.edges, float), np.asarray(hist.counts, float)
        widths = np.diff(edges)
        log_scale = not np.allclose(widths, widths[0], rtol=1e-6)
        if log_scale:
            x = np.arange(len(edges), dtype=float)
            self._axis.setTicks([log_ticks(edges)])
        else:
            x = edges
            self._axis.setTicks(None)
        if log_scale != self.log_scale:
            self.log_scale = log_scale
            words = "value (log scale on both sides of 0)" if log_scale else "value"
            self._axis.setLabel(words, color=MUTED, **{"font-size": "11px"})
        centres = (edges[:-1] + edges[1:]) / 2
        brushes = (
            [colors.qcolor(float(c)) for c in centres]
            if signed
            else [QColor(NEUTRAL)] * len(centres)
        )
        self._bars.setOpts(x0=x[:-1], x1=x[1:], height=counts, brushes=brushes)
        # every bin, not just the filled ones: the edges are fixed so that frames
        # compare, and where the values sit (tiny, huge) is the point
        self.widget.getPlotItem().setXRange(float(x[0]), float(x[-1]), padding=0.02)
        self.shown = (edges, counts)


class LayerLines:
    """One line per layer over epochs on a log axis; the chosen layer thicker."""

    def __init__(self, left: str, band: tuple[float, float] | None = None) -> None:
        self.widget = make_plot(left, "epoch", log_y=True)
        self._lines: list[pg.PlotDataItem] = []
        if band is not None:  # a shaded range of healthy values, and its middle
            lo, hi = (math.log10(v) for v in band)
            region = pg.LinearRegionItem(
                (lo, hi), orientation="horizontal", movable=False, brush=(*HEALTHY, 28)
            )
            region.setZValue(-10)
            for line in region.lines:
                line.setPen(pg.mkPen(None))
            self.widget.addItem(region)
            mid = pg.InfiniteLine((lo + hi) / 2, angle=0, pen=pg.mkPen((*HEALTHY, 160), width=1))
            mid.setZValue(-9)
            self.widget.addItem(mid)

    def show(self, epochs: np.ndarray, values: np.ndarray, chosen: int) -> None:
        """`values` (rows, layers) against `epochs` (rows,); layer `chosen` stands out."""
        n = values.shape[1] if values.ndim == 2 else 0
        while len(self._lines) < n:
            self._lines.append(self.widget.plot([], [], antialias=True))
        palette = layer_colors(n)
        rows = thin(len(epochs))
        x = np.asarray(epochs, float)[rows]
        for i, line in enumerate(self._lines):
            if i >= n:
                line.setData([], [])
                continue
            line.setPen(pg.mkPen(palette[i], width=3.2 if i == chosen else 1.6))
            line.setZValue(1 if i == chosen else 0)
            line.setData(*_positive(x, np.asarray(values[rows, i], float)))


class NormLines:
    """The size of all weights and of all biases over epochs."""

    def __init__(self) -> None:
        self.widget = make_plot("size (L2 norm)", "epoch")
        self.weights, self.biases = (
            self.widget.plot([], [], pen=pg.mkPen(c, width=2.6), antialias=True)
            for c in (WEIGHT_COLOR, BIAS_COLOR)
        )

    def show(self, epochs: np.ndarray, weight_norm: np.ndarray, bias_norm: np.ndarray) -> None:
        """Per-layer norms (rows, layers) combined into the network's: sqrt of sum of squares."""
        rows = thin(len(epochs))
        x = np.asarray(epochs, float)[rows]
        for line, per_layer in ((self.weights, weight_norm), (self.biases, bias_norm)):
            total = np.sqrt(np.sum(np.square(np.asarray(per_layer, float)[rows]), axis=1))
            keep = np.isfinite(total)
            line.setData(x[keep], total[keep])
