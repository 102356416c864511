"""The loss plot: train and test loss per epoch, with big read-outs above it.

Curves are `PlotCurveItem`s fed cleaned (finite) and decimated data, so a
history of a million epochs costs about as much to draw as one of two thousand.
"""

from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that it takes that binding

from playground.core.snapshot import History, Snapshot

TEST_COLOR = "#202124"  # as TF: test loss dark, training loss grey
TRAIN_COLOR = "#8d949a"
CAPTION_COLOR = "#5f6368"
MAX_CURVE_POINTS = 2000


# --- numbers as people read them ------------------------------------------------


def format_loss(value: float) -> str:
    """Three decimals as TF ("0.057"), four significant digits when smaller."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    size = abs(value)
    if size == 0:
        return "0.000"
    if size < 1e-4 or size >= 1e6:
        return f"{value:.3e}"
    if size >= 0.01:
        return f"{value:.3f}"
    return f"{value:.{3 - math.floor(math.log10(size))}f}"


def format_accuracy(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{100.0 * value:.1f} %"


_NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceiling(value: float) -> float:
    """The smallest of ..., 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, ... that is >= value."""
    if not value > 0 or not math.isfinite(value):
        return 1.0
    decade = 10.0 ** math.floor(math.log10(value))
    return next(m * decade for m in _NICE_STEPS if m * decade >= value * (1 - 1e-12))


def format_epoch(epoch: int) -> str:
    return f"{epoch:07,d}"  # 000,412


# --- fewer points, same picture ----------------------------------------------------


def clean(x: np.ndarray, y: np.ndarray, positive: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Drop the points whose y is not finite (or not > 0, for a log scale)."""
    keep = np.isfinite(y)
    if positive:
        keep &= y > 0
    if keep.all():
        return x, y
    return x[keep], y[keep]


def decimate(
    x: np.ndarray, y: np.ndarray, max_points: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Min/max decimation: at most max_points points that keep every spike.

    The data is cut into equal bins; each bin keeps its lowest and highest point
    (in their order), and the first and last points are always kept.
    """
    n = len(y)
    max_points = MAX_CURVE_POINTS if max_points is None else max(max_points, 8)
    if n <= max_points:
        return x, y
    bins = max(1, (max_points - 2) // 2 - 1)
    size = -(-n // bins)  # ceil
    full = n // size
    body = y[: full * size].reshape(full, size)
    base = np.arange(full) * size
    picks = [base + body.argmin(axis=1), base + body.argmax(axis=1), [0, n - 1]]
    if full * size < n:  # the last, shorter bin
        tail = y[full * size :]
        picks.append([full * size + tail.argmin(), full * size + tail.argmax()])
    index = np.unique(np.concatenate(picks))
    return x[index], y[index]


# --- the widget ---------------------------------------------------------------------


class _LossAxis(pg.AxisItem):
    """A y axis whose log mode labels decades (and 2 and 5 between them) in plain numbers."""

    def tickValues(self, minVal, maxVal, size):
        if not self.logMode:
            return super().tickValues(minVal, maxVal, size)
        if not (math.isfinite(minVal) and math.isfinite(maxVal)) or maxVal <= minVal:
            return []
        decades = range(math.floor(minVal), math.ceil(maxVal) + 1)
        major = [float(d) for d in decades if minVal <= d <= maxVal]
        minor: list[float] = []
        for steps in ((2, 5), (1.5, 2, 3, 4, 5, 7)):  # finer while there are too few ticks
            if maxVal - minVal > 3 or len(major) + len(minor) >= 3:
                break
            minor = [
                v for d in decades for m in steps
                if minVal <= (v := d + math.log10(m)) <= maxVal
            ]  # fmt: skip
        return [(1.0, major), (0.5, minor)]

    def tickStrings(self, values, scale, spacing):
        if not self.logMode:
            return super().tickStrings(values, scale, spacing)
        return [f"{10.0**v:.3g}" for v in values]


def _font(scale: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(max(font.pointSizeF(), 9.0) * scale)
    font.setBold(bold)
    if hasattr(QFont, "Tag"):  # Qt 6.7+: digits of equal width, so numbers do not jitter
        font.setFeature(QFont.Tag("tnum"), 1)
    return font


class _Readout(QWidget):
    """A small caption above a big number (or before it, on one baseline, if inline)."""

    def __init__(self, caption: str, swatch: str | None = None, inline: bool = False) -> None:
        super().__init__()
        self.caption = caption
        self._value = "—"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        small = _font(1.0)
        self.value_label = QLabel()
        self.value_label.setFont(_font(2.0, bold=True))
        self.value_label.setStyleSheet("color: #202124")
        if inline:  # one rich-text label keeps the caption on the number's baseline
            self._caption_html = (
                f'<span style="color:{CAPTION_COLOR}; font-weight:normal; '
                f'font-size:{small.pointSizeF():.1f}pt">{caption}</span>&nbsp;&nbsp;'
            )
        else:
            self._caption_html = ""
            label = QLabel(caption)
            if swatch:  # a dash in the curve's colour: the legend
                label.setText(f'<span style="color:{swatch}">━━</span>&nbsp;{caption}')
            label.setStyleSheet(f"color: {CAPTION_COLOR}")
            label.setFont(small)
            layout.addWidget(label)
        layout.addWidget(self.value_label)
        self._show()

    def set_value(self, text: str) -> None:
        if text != self._value:  # a changed text costs a relayout
            self._value = text
            self._show()

    def _show(self) -> None:
        self.value_label.setText(self._caption_html + self._value)

    def value(self) -> str:
        return self._value

    def text(self) -> str:
        return f"{self.caption} {self._value}"


class LossView(QWidget):
    """Train and test loss against epoch, and the latest numbers in big print."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history: History | None = None
        self._generation: int | None = None
        self._drawn_at = -math.inf  # time.perf_counter() of the last curve update
        # Curves are redrawn at most every curve_interval_ms (the read-outs at every
        # snapshot): a wide antialiased curve costs milliseconds to paint, and 25
        # updates a second look as smooth.  A timer draws the last one that waited.
        self.curve_interval_ms = 40
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.timeout.connect(self._draw_curves)
        self._log = False

        self.epoch = _Readout("Epoch", inline=True)
        self.test_loss = _Readout("Test loss", TEST_COLOR)
        self.train_loss = _Readout("Training loss", TRAIN_COLOR)
        self.test_accuracy = _Readout("Test accuracy")
        self.train_accuracy = _Readout("Training accuracy")
        grid = QGridLayout()
        grid.setContentsMargins(6, 4, 6, 0)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.epoch, 0, 0, 1, 2)
        grid.addWidget(self.test_loss, 1, 0)
        grid.addWidget(self.train_loss, 1, 1)
        grid.addWidget(self.test_accuracy, 2, 0)
        grid.addWidget(self.train_accuracy, 2, 1)
        grid.setColumnStretch(2, 1)

        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("white"))
        self.setPalette(palette)

        self.plot_widget = pg.PlotWidget(background="w", axisItems={"left": _LossAxis("left")})
        self.plot_widget.setFrameShape(self.plot_widget.Shape.NoFrame)
        self.plot_widget.setMinimumHeight(120)
        plot = self.plot_item = self.plot_widget.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        tick_font = _font(0.9)
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen("#b0b4b8"))
            axis.setTextPen(pg.mkPen(CAPTION_COLOR))
            axis.setTickFont(tick_font)
            axis.setStyle(hideOverlappingLabels=False)  # the ends are labelled too
        plot.layout.setContentsMargins(2, 10, 14, 2)  # room for the end labels
        plot.getAxis("left").setWidth(44)  # fixed, so the plot does not shift as labels change
        plot.getAxis("bottom").setLabel("epoch", color=CAPTION_COLOR)
        # train first, so the test curve is drawn on top
        self.train_curve = pg.PlotCurveItem(pen=pg.mkPen(TRAIN_COLOR, width=2), antialias=True)
        self.test_curve = pg.PlotCurveItem(pen=pg.mkPen(TEST_COLOR, width=2), antialias=True)
        plot.addItem(self.train_curve)
        plot.addItem(self.test_curve)
        # ranges are set by hand in steps (see _fit_range), not by autorange
        plot.disableAutoRange()
        self._range: tuple | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(grid)
        layout.addWidget(self.plot_widget, 1)
        self._show_accuracy(True)

    # --- public API ------------------------------------------------------------

    def set_snapshot(self, snap: Snapshot) -> None:
        self._history = snap.history
        new_run = snap.generation != self._generation
        self._generation = snap.generation
        wait = self.curve_interval_ms - 1e3 * (time.perf_counter() - self._drawn_at)
        if new_run or wait <= 0:
            self._draw_curves()
        elif not self._pending.isActive():
            self._pending.start(max(1, math.ceil(wait)))
        m = snap.metrics
        self.epoch.set_value(format_epoch(snap.epoch))
        self.test_loss.set_value(format_loss(m.test_loss))
        self.train_loss.set_value(format_loss(m.train_loss))
        classification = m.train_accuracy is not None
        self._show_accuracy(classification)
        if classification:
            self.test_accuracy.set_value(format_accuracy(m.test_accuracy))
            self.train_accuracy.set_value(format_accuracy(m.train_accuracy))

    def set_log_scale(self, log: bool) -> None:
        """Loss on a log scale (base 10); points at or below zero are left out."""
        log = bool(log)
        if log == self._log:
            return
        self._log = log
        self.plot_item.getAxis("left").setLogMode(False, log)
        self._range = None
        self._draw_curves()

    def log_scale(self) -> bool:
        return self._log

    def readout_texts(self) -> list[str]:
        """What the read-outs say, e.g. ["Epoch 000,412", "Test loss 0.057", ...]."""
        shown = [self.epoch, self.test_loss, self.train_loss]
        if not self.test_accuracy.isHidden():
            shown += [self.test_accuracy, self.train_accuracy]
        return [r.text() for r in shown]

    # --- drawing -------------------------------------------------------------------

    def _draw_curves(self) -> None:
        self._pending.stop()
        h = self._history
        if h is None:
            return
        self._drawn_at = time.perf_counter()
        # two points per pixel column: min/max decimation then draws the same picture
        # (not laid out yet: the most; a resize draws again)
        width = int(self.plot_item.getViewBox().width())
        max_points = MAX_CURVE_POINTS if width < 100 else min(MAX_CURVE_POINTS, 2 * width + 4)
        lows, highs = [], []
        for curve, y in ((self.train_curve, h.train_loss), (self.test_curve, h.test_loss)):
            x, y = clean(h.epochs, y, positive=self._log)
            x, y = decimate(x, y, max_points)
            if self._log:
                y = np.log10(y)
            curve.setData(x, y, skipFiniteCheck=True)
            if len(y):
                lows.append(y.min())
                highs.append(y.max())
        if highs:
            self._fit_range(float(h.epochs[-1]), min(lows), max(highs))

    def _fit_range(self, last_epoch: float, low: float, high: float) -> None:
        """Set the view to nice bounds that hold the data, only when they change.

        The range grows in steps (0..100, 0..120, 0..150, ...) rather than with
        every epoch, so the axes are redrawn now and then instead of every frame.
        """
        x_range = (0.0, nice_ceiling(max(1.02 * last_epoch, 10.0)))
        if self._log:  # half decades
            y_range = (math.floor(2 * low) / 2, math.ceil(2 * high) / 2)
            if y_range[1] - y_range[0] < 0.5:
                y_range = (y_range[0], y_range[0] + 0.5)
        else:  # losses are >= 0: start at 0, as they head there
            y_range = (min(0.0, low), nice_ceiling(1.02 * high) if high > 0 else 1.0)
        if (x_range, y_range) != self._range:
            self._range = (x_range, y_range)
            self.plot_item.getViewBox().setRange(xRange=x_range, yRange=y_range, padding=0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._history is not None:
            self._pending.start(0)  # decimate again for the new width

    def _show_accuracy(self, show: bool) -> None:
        if self.test_accuracy.isHidden() == show:
            self.test_accuracy.setHidden(not show)
            self.train_accuracy.setHidden(not show)

    def sizeHint(self) -> QSize:
        return QSize(340, 300)

    def minimumSizeHint(self) -> QSize:
        return QSize(220, 220)


__all__ = ["LossView", "clean", "decimate", "format_accuracy", "format_epoch", "format_loss"]
