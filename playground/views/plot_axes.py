"""Axes for a plot on a `PixelCanvas`: the tick maths and the native items that draw them.

Kept apart from loss_view.py, which owns the curves, the read-outs and the
layout: what lies here only turns a range and a plotting area into nice tick
values, their labels, and Qt's own items (a path for the lines and ticks, a
simple text item per label and the caption), so it paints without Python too.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsSimpleTextItem, QGraphicsView

Y_AXIS_WIDTH = 44  # px: fixed, so the plot does not shift as the labels change
TICK = 5  # px, outward

# --- nice numbers -------------------------------------------------------------------

_NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(value: float) -> float:
    """The smallest of ..., 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, ... that is >= value."""
    if not value > 0 or not math.isfinite(value):
        return 1.0
    decade = 10.0 ** math.floor(math.log10(value))
    return next(m * decade for m in _NICE_STEPS if m * decade >= value * (1 - 1e-12))


def linear_ticks(lo: float, hi: float, length: float, min_gap: float) -> tuple[list[float], float]:
    """Ticks on [lo, hi] at a nice 1, 2 or 5 step, at least min_gap px apart on an
    axis `length` px long: the finest step giving at most 6, or 7 if the next gives
    fewer than 4.  Returns (values, step)."""
    span = hi - lo
    if not (span > 0 and math.isfinite(span)):
        return [lo], 1.0
    fits = []  # (step, first, last), finest first
    decade = math.floor(math.log10(span))
    for step in (m * 10.0**p for p in range(decade - 1, decade + 2) for m in (1, 2, 5)):
        first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
        if last - first < 7 and step / span * length >= min_gap:
            fits.append((step, first, last))
    for i, (step, first, last) in enumerate(fits):
        if last - first <= 5:
            if last - first < 3 and i > 0:
                step, first, last = fits[i - 1]
            return [k * step for k in range(first, last + 1)], step
    return [lo, hi], span


def log_ticks(lo: float, hi: float) -> tuple[list[float], list[float]]:
    """(major, minor) ticks, in log10 units, on [lo, hi]: decades, and 2 and 5 between
    them (finer still) while there are too few."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [], []
    decades = range(math.floor(lo), math.ceil(hi) + 1)
    major = [float(d) for d in decades if lo <= d <= hi]
    minor: list[float] = []
    for steps in ((2, 5), (1.5, 2, 3, 4, 5, 7)):  # finer while there are too few ticks
        if hi - lo > 3 or len(major) + len(minor) >= 3:
            break
        minor = [v for d in decades for m in steps if lo <= (v := d + math.log10(m)) <= hi]
    return major, minor


def compact(value: float) -> str:
    """Three significant digits, a short exponent: 1.5e6, 2e-9 (the y axis is narrow)."""
    text = f"{value:.3g}"
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}" if e else text


def format_ticks(values: list[float], step: float, suffixes: bool = False) -> list[str]:
    """One axis's labels, all in one format: as many decimals as the step needs;
    with `suffixes` (epochs) big values in k or M; huge or tiny values (a loss
    far off) in scientific notation."""
    top = max((abs(v) for v in values), default=0.0)
    if suffixes and top >= 1e6 and step >= 1e5:
        scale, unit = 1e6, "M"
    elif suffixes and top >= 1e4 and step >= 1e3:
        scale, unit = 1e3, "k"
    elif top >= 1e5 or 0 < step < 1e-3:
        return ["0" if abs(v) < 1e-9 * step else compact(v) for v in values]
    else:
        decimals = max(0, math.ceil(-math.log10(step)))
        return ["0" if abs(v) < 1e-9 * step else f"{v:.{decimals}f}" for v in values]
    return ["0" if abs(v) < 1e-9 * step else f"{v / scale:g}{unit}" for v in values]


# --- the items ----------------------------------------------------------------------


class PlotAxes:
    """A left and a bottom axis, drawn along a plotting area in `canvas`'s scene:
    one path item for the lines and ticks, a text item per tick label, and a
    caption under the x axis.  `draw` rebuilds them only when the range, the
    scale or the area changed."""

    def __init__(
        self, canvas: QGraphicsView, font: QFont, pen: QPen, text_color: str, caption: str
    ) -> None:
        self._canvas = canvas
        self._font = font
        self._text_color = QColor(text_color)
        self.text_height = QFontMetricsF(font).height()
        scene = canvas.scene()
        self._path = scene.addPath(QPainterPath(), pen)
        self._caption = scene.addSimpleText(caption, font)
        self._caption.setBrush(self._text_color)
        self._labels: list[QGraphicsSimpleTextItem] = []
        self._key: tuple | None = None  # what the axes were last drawn for
        self.captioned = True  # False: no caption under the x axis (a short plot)

    def set_captioned(self, on: bool) -> None:
        """Whether the x axis has its caption: a plot squeezed short gives it up."""
        self.captioned = on
        self._caption.setVisible(on)

    @property
    def x_axis_height(self) -> float:
        """Px the x axis takes under the plot: its ticks, labels and caption."""
        return TICK + 5 + (2 if self.captioned else 1) * self.text_height

    def draw(
        self,
        plot: QRectF,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        log: bool,
    ) -> None:
        """Axis lines, ticks and labels along `plot` (canvas px) for the ranges; `y_range`
        in log10 units if `log` (only when one of them changed)."""
        key = ((x_range, y_range), log, plot.getRect())
        if key == self._key:
            return
        self._key = key
        (x0, x1), (y0, y1) = x_range, y_range
        r, th = plot, self.text_height
        scene = self._canvas.scene()
        for label in self._labels:
            scene.removeItem(label)
        self._labels = []
        left, bottom = r.left() - 0.5, r.bottom() + 0.5  # on the pixels just outside
        path = QPainterPath()
        path.moveTo(left, r.top())
        path.lineTo(left, bottom)
        path.lineTo(r.right(), bottom)
        # y: decades (then 2 and 5...) on a log scale, else a 1/2/5 step; majors first,
        # so a minor label gives way where it would overlap one
        if log:
            major, minor = log_ticks(y0, y1)
            y_ticks = [(v, compact(10.0**v)) for v in major + minor]
        else:
            values, step = linear_ticks(y0, y1, r.height(), th + 6)
            y_ticks = list(zip(values, format_ticks(values, step), strict=True))
        taken: list[float] = []
        for v, text in y_ticks:
            y = math.floor(r.bottom() - (v - y0) / (y1 - y0) * r.height()) + 0.5
            path.moveTo(left, y)
            path.lineTo(left - TICK, y)
            if all(abs(y - c) >= th + 1 for c in taken):
                taken.append(y)
                self._label(text, "y", left - TICK - 3, y, align_right=True)
        # x: epochs; labels as wide as the widest apart
        widest = format_ticks([x1], x1, suffixes=True)[0]
        values, step = linear_ticks(
            x0, x1, r.width(), QFontMetricsF(self._font).horizontalAdvance(widest) + 14
        )
        for v, text in zip(values, format_ticks(values, step, suffixes=True), strict=True):
            x = math.floor(r.left() + (v - x0) / (x1 - x0) * r.width()) + 0.5
            path.moveTo(x, bottom)
            path.lineTo(x, bottom + TICK)
            self._label(text, "x", x, bottom + TICK + 2)
        self._path.setPath(path)
        caption = self._caption.boundingRect()
        self._caption.setPos(r.center().x() - caption.width() / 2, bottom + TICK + 3 + th)

    def _label(self, text: str, axis: str, x: float, y: float, align_right=False) -> None:
        """A tick label: ending at x and centred on y (y axis) or centred under x (x
        axis), kept inside the canvas."""
        item = self._canvas.scene().addSimpleText(text, self._font)
        item.setBrush(self._text_color)
        item.setData(0, axis)
        box = item.boundingRect()
        if align_right:
            item.setPos(max(0.0, x - box.width()), y - box.height() / 2)
        else:
            right = self._canvas.sceneRect().right()
            item.setPos(max(0.0, min(x - box.width() / 2, right - box.width())), y)
        self._labels.append(item)


__all__ = [
    "TICK",
    "Y_AXIS_WIDTH",
    "PlotAxes",
    "compact",
    "format_ticks",
    "linear_ticks",
    "log_ticks",
    "nice_ceiling",
]
