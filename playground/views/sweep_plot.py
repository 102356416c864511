"""The picture of a sweep (`sweep --plot`): each setting's test loss by epoch,
the median over its seeds as a line and their range as a translucent band, one
colour per setting, on a log scale when the losses span orders of magnitude.

Drawn with pyqtgraph offscreen and written as a PNG.  Qt is imported only when
a picture is made, so the command line can import this module cheaply.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..core.runs import SeedBand
from ..io.atomic import atomic_write
from .picture import ensure_app, png_bytes

PLOT_SIZE = (1200, 720)  # pixels
LOG_SPAN = 30.0  # losses whose highest / lowest exceeds this are drawn on a log scale
MAX_DECADE_LABELS = 8  # on a log scale
BAND_ALPHA = 40  # of 255: the min-max band behind its median line
_LINE_STYLES = ("solid", "dash", "dot")  # past the palette's colours, lines dash


class PlotError(ValueError):
    """The picture could not be made (one sentence)."""


def loss_range(bands: Sequence[SeedBand]) -> tuple[float, float] | None:
    """The losses the plot shows: every band's range and starting point, but of
    settings where some run diverged only the start (their climb leaves the top,
    rather than squeeze the rest into a line).  None when there is none."""
    calm = [b for b in bands if not b.diverged]
    parts = [np.concatenate([b.low, b.high]) for b in calm]
    parts += [b.median[np.isfinite(b.median)][:1] for b in bands]
    values = np.concatenate(parts or [np.zeros(0)])
    values = values[np.isfinite(values)]
    return (float(values.min()), float(values.max())) if len(values) else None


def uses_log_scale(span: tuple[float, float] | None) -> bool:
    """Whether losses over `span` (loss_range) span more than LOG_SPAN."""
    return span is not None and span[0] > 0 and span[1] > LOG_SPAN * span[0]


def build_sweep_plot(
    bands: Sequence[SeedBand], title: str, subtitle: str = "", size: tuple[int, int] = PLOT_SIZE
):
    """A laid-out, shown-offscreen widget with the plot (the caller keeps it alive)."""
    import pyqtgraph as pg
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QFont, QPen
    from PySide6.QtWidgets import QSizePolicy

    from .colors import CLASS_COLORS

    widget = pg.GraphicsLayoutWidget()
    widget.setBackground("w")
    layout = widget.ci
    layout.setContentsMargins(16, 12, 16, 12)
    layout.addLabel(title, row=0, col=0, colspan=2, size="17pt", bold=True, color="#222")
    if subtitle:
        layout.addLabel(subtitle, row=1, col=0, colspan=2, size="11pt", color="#555")
    span = loss_range(bands)
    log = uses_log_scale(span)
    plot = layout.addPlot(row=2, col=0)
    plot.setLogMode(y=log)
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    tick_font = QFont()
    tick_font.setPointSizeF(11)
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setPen(pg.mkPen("#444"))
        axis.setTextPen(pg.mkPen("#333"))
        axis.setTickFont(tick_font)
        axis.enableAutoSIPrefix(False)  # 0.45, not 450 "(x0.001)"
    label_style = {"color": "#222", "font-size": "13pt"}
    plot.setLabel("bottom", "epoch", **label_style)
    plot.setLabel("left", "test loss" + (" (log scale)" if log else ""), **label_style)

    legend = pg.LegendItem(verSpacing=2, labelTextSize="11pt", labelTextColor="#222")
    legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    layout.addItem(legend, row=2, col=1)
    layout.layout.setAlignment(legend, Qt.AlignmentFlag.AlignTop)
    floor = span[0] if log and span else None
    for k, band in enumerate(bands):
        color = QColor(CLASS_COLORS[k % len(CLASS_COLORS)])
        style = _LINE_STYLES[(k // len(CLASS_COLORS)) % len(_LINE_STYLES)]
        pen = QPen(color, 2.5)
        pen.setCosmetic(True)
        pen.setStyle(
            {
                "solid": Qt.PenStyle.SolidLine,
                "dash": Qt.PenStyle.DashLine,
                "dot": Qt.PenStyle.DotLine,
            }[style]
        )
        shown = np.isfinite(band.median)
        x = band.epochs[shown]
        median, low, high = band.median[shown], band.low[shown], band.high[shown]
        if floor is not None:  # log scale: a loss of exactly 0 sits on the floor
            median, low, high = (np.where(v > 0, v, floor) for v in (median, low, high))
        line = pg.PlotDataItem(x, median, pen=pen, antialias=True)
        if len(x) and band.runs > 1:
            edge = pg.mkPen(None)
            lower = pg.PlotDataItem(x, low, pen=edge)
            upper = pg.PlotDataItem(x, high, pen=edge)
            fill = QColor(color)
            fill.setAlpha(BAND_ALPHA)
            for item in (lower, upper):
                plot.addItem(item)
            plot.addItem(pg.FillBetweenItem(lower, upper, brush=fill))
        plot.addItem(line)
        legend.addItem(line, _legend_text(band))
    if span is not None:
        lo, hi = (math.log10(v) for v in span) if log else span
        plot.setYRange(lo, hi, padding=0.04)  # in log10 units on a log scale
        if log:
            plot.getAxis("left").setTicks(_log_ticks(*span))
    layout.layout.setColumnStretchFactor(0, 1)
    widget.resize(*size)
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)  # painted, never on screen
    widget.show()
    return widget


def _log_ticks(low: float, high: float) -> list[list[tuple[float, str]]]:
    """A log axis's ticks (at log10 of the value): decades labelled (every one
    up to MAX_DECADE_LABELS of them, else every k-th), and 2 and 5 times each
    too when the losses span three decades or fewer."""
    lo, hi = math.floor(math.log10(low)), math.ceil(math.log10(high))
    every = max(1, math.ceil((hi - lo) / MAX_DECADE_LABELS))
    labelled = (1, 2, 5) if hi - lo <= 3 else (1,)
    major, minor = [], []
    for decade in range(lo, hi + 1):
        for m in range(1, 10) if every == 1 else (1,):
            value = m * 10.0**decade
            if m in labelled and decade % every == 0:
                major.append((math.log10(value), f"{value:g}"))
            else:
                minor.append((math.log10(value), ""))
    return [major, minor]


def _legend_text(band: SeedBand) -> str:
    notes = []
    if band.diverged:
        notes.append(f"{band.diverged} of {band.runs} diverged")
    if band.failed:
        notes.append(f"{band.failed} of {band.runs} failed")
    finals = band.median[np.isfinite(band.median)]
    ended = len(finals) and band.diverged + band.failed < band.runs  # some ran to the end
    final = f" · final {_number(float(finals[-1]))}" if ended else ""
    return band.label + final + (f"  ({', '.join(notes)})" if notes else "")


def _number(x: float) -> str:
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    return f"{x:.3g}" if 1e-3 <= abs(x) < 1e4 else f"{x:.2e}"


def save_sweep_plot(
    bands: Sequence[SeedBand],
    path: str | os.PathLike[str],
    title: str = "Test loss",
    subtitle: str = "",
    size: tuple[int, int] = PLOT_SIZE,
) -> None:
    """Write the plot of `bands` to `path` (.png), atomically (io/atomic.py)."""
    target = Path(path)
    if target.suffix.lower() != ".png":
        raise PlotError(f"{target.name}: the plot must be a .png file")
    ensure_app()
    widget = build_sweep_plot(bands, title, subtitle, size)
    try:
        data = png_bytes(widget)
    finally:
        widget.close()
        widget.deleteLater()
    if not data:
        raise PlotError(f"cannot draw the plot for {target.name}")
    with atomic_write(target) as handle:
        handle.write(data)
