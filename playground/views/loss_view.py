"""The loss plot: train and test loss per epoch, with big read-outs above it.

The plot is drawn with Qt's own graphics items on a `PixelCanvas`: the curves
are `QGraphicsPathItem`s in pixel coordinates, the axes lines and text items
(plot_axes.py builds those, and holds the tick maths).
So Qt paints it without calling Python, and the trainer thread keeps the GIL
meanwhile (see canvas.py for why).  Python runs only to rebuild a curve's path,
at most every curve_interval_ms, from cleaned (finite) and min/max-decimated
data, so a history of a million epochs costs about as much as one of two
thousand; and to rebuild the axes, when their stepped range or the size changes.

The loss axis holds the finite losses; those that ran away (see
loss_numbers.runaway_level) are drawn along its top and a note says how high
they went, so a run that blew up still shows its ordinary part readably.
"""

from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

# isort: split
import pyqtgraph as pg  # only for arrayToQPath; after PySide6, so that it takes that binding

from playground.core.snapshot import Snapshot

from .canvas import PixelCanvas
from .loss_numbers import (
    MAX_CURVE_POINTS,
    clean,
    decimate,
    format_accuracy,
    format_epoch,
    format_loss,
    runaway_level,
)
from .plot_axes import Y_AXIS_WIDTH, PlotAxes, compact, nice_ceiling
from .readouts import CAPTION_COLOR, Readout, readout_font, readout_width

TEST_COLOR = "#202124"  # as TF: test loss dark, training loss grey
TRAIN_COLOR = "#8d949a"
AXIS_COLOR = "#b0b4b8"
OFF_SCALE_COLOR = "#c5221f"
MARKER_COLOR = "#1a73e8"  # the timeline's epoch: the checkpoint on show
PINNED_ALPHA = 120  # pinned runs' curves: faint, under the live ones
# a 1280 x 720 window squeezes the plot: below CAPTION_FROM px it drops its
# "epoch" caption, and it never gets shorter than CANVAS_MIN_HEIGHT
CANVAS_MIN_HEIGHT, CAPTION_FROM = 64, 110
_MARGINS = (2, 10, 14, 2)  # px left, top, right, bottom: room for the end labels
_GRID = (6, 18)  # the read-outs' grid: side margins, column spacing (px)
_SCALES = (2.0, 1.7, 1.45, 1.25)  # the read-outs' numbers, largest first, as the width allows


class LossView(QWidget):
    """Train and test loss against epoch, and the latest numbers in big print."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._snap: Snapshot | None = None  # the snapshot shown
        self._drawn_at = -math.inf  # time.perf_counter() of the last curve update
        # Curves are redrawn at most every curve_interval_ms (the read-outs at every
        # snapshot): 25 updates a second look as smooth as more, and each costs a
        # decimation and a new path (and Qt some painting).  A timer draws the last
        # one that waited.
        self.curve_interval_ms = 40
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.timeout.connect(self._draw_curves)
        self._log = False

        self.epoch = Readout("Epoch", inline=True)
        self.test_loss = Readout("Test loss", TEST_COLOR)
        self.train_loss = Readout("Training loss", TRAIN_COLOR)
        self.test_accuracy = Readout("Test accuracy")
        self.train_accuracy = Readout("Training accuracy")
        grid = QGridLayout()
        grid.setContentsMargins(_GRID[0], 4, _GRID[0], 0)
        grid.setHorizontalSpacing(_GRID[1])
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

        self.canvas = PixelCanvas()
        self.canvas.setMinimumHeight(CANVAS_MIN_HEIGHT)
        self.canvas.setInteractive(False)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.canvas.setRenderHint(QPainter.RenderHint.Antialiasing)  # the curves
        scene = self.canvas.scene()
        axis_font, axis_pen = readout_font(0.9), _pen(AXIS_COLOR, 1)
        self._axes = PlotAxes(self.canvas, axis_font, axis_pen, CAPTION_COLOR, "epoch")
        # train first, so the test curve is drawn on top
        self._curves = {
            name: scene.addPath(QPainterPath(), _pen(color, 2))
            for name, color in (("train", TRAIN_COLOR), ("test", TEST_COLOR))
        }
        self._plotted = {name: (np.zeros(0), np.zeros(0)) for name in self._curves}
        # pinned runs: (epochs, test loss, colour) each, drawn faintly beneath
        self._pinned: list[tuple[np.ndarray, np.ndarray, str]] = []
        self._pinned_items: list = []
        self._pinned_plotted: list[tuple[np.ndarray, np.ndarray]] = []
        marker_pen = _pen(MARKER_COLOR, 1.5)
        marker_pen.setStyle(Qt.PenStyle.DashLine)
        self._marker = scene.addLine(0, 0, 0, 0, marker_pen)
        self._marker.setZValue(3)
        self._marker.hide()
        self._marker_epoch: float | None = None
        self._off_scale = math.nan  # the highest loss above the range (NaN: none)
        self._note_box = scene.addRect(QRectF(), QPen(Qt.PenStyle.NoPen), QColor("white"))
        self._note = scene.addSimpleText("", axis_font)
        self._note.setBrush(QColor(OFF_SCALE_COLOR))
        self._note_box.setZValue(1)  # over the curves
        self._note.setZValue(2)
        self._plot = QRectF(0, 0, 1, 1)  # the plotting area, canvas px
        # ranges are set by hand in steps (see _fit_range); None: no data yet
        self._range: tuple | None = None
        self.canvas.resized.connect(self._on_resize)

        self._footer: QWidget | None = None  # a row under the plot (add_footer)
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(4)
        self._box.addLayout(grid)
        self._box.addWidget(self.canvas, 1)
        self._show_accuracy(True)
        self._draw_axes()
        # narrower than the read-outs at their largest: they shrink to fit (on resizes)
        self.setMinimumWidth(2 * readout_width(_SCALES[-1]) + 2 * _GRID[0] + _GRID[1])

    # --- public API ------------------------------------------------------------

    def _explain(self, loss: str) -> None:
        """What the losses are, on their read-outs (half the squared error: say so)."""
        what = (
            "½·(output − target)² averaged over the {} points (half the mean squared error)"
            if loss == "mse"
            else "−log of the probability given to the right class, averaged over the {} points"
        )
        self.test_loss.setToolTip(what.format("test"))
        self.train_loss.setToolTip(what.format("training"))

    def set_snapshot(self, snap: Snapshot) -> None:
        """Show a snapshot: the read-outs at once, the curves now and then (at once
        for a new generation)."""
        new_run = self._snap is None or snap.generation != self._snap.generation
        self._snap = snap
        wait = self.curve_interval_ms - 1e3 * (time.perf_counter() - self._drawn_at)
        if new_run or wait <= 0:
            self._draw_curves()
        elif not self._pending.isActive():
            self._pending.start(max(1, math.ceil(wait)))
        m = snap.metrics
        if new_run:
            self._explain(snap.config.loss)
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
        self._range = None
        self._draw_curves()
        self._draw_axes()

    def add_footer(self, widget: QWidget) -> None:
        """A row under the plot (the window's timeline): the view asks for room for
        it, but at its smallest the plot gives that room up."""
        self._box.addWidget(widget)
        self._footer = widget

    def set_pinned(self, curves: list[tuple[np.ndarray, np.ndarray, str]]) -> None:
        """Pinned runs' test-loss curves, (epochs, losses, colour) each, drawn
        faintly under the live ones and counted in the axes' range."""
        scene = self.canvas.scene()
        for item in self._pinned_items:
            scene.removeItem(item)
        self._pinned = list(curves)
        self._pinned_items = []
        for _, _, color in self._pinned:
            faint = QColor(color)
            faint.setAlpha(PINNED_ALPHA)
            pen = QPen(faint, 2)
            pen.setCosmetic(True)
            item = scene.addPath(QPainterPath(), pen)
            item.setZValue(-1)  # beneath the live curves
            self._pinned_items.append(item)
        self._range = None
        self._draw_curves()

    def set_marker(self, epoch: float | None) -> None:
        """A dashed line at `epoch` (the timeline's checkpoint on show); None: none."""
        self._marker_epoch = epoch
        self._map_curves()

    # --- drawing -------------------------------------------------------------------

    def _view_range(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """((epoch from, to), (loss from, to)) shown; the loss in log10 on a log scale."""
        if self._range is not None:
            return self._range
        return (0.0, 10.0), ((-1.0, 0.0) if self._log else (0.0, 1.0))

    def _draw_curves(self) -> None:
        self._pending.stop()
        if self._snap is None:
            return
        h = self._snap.history
        self._drawn_at = time.perf_counter()
        # two points per pixel column: min/max decimation then draws the same picture
        # (not laid out yet: the most; a resize draws again)
        width = int(self._plot.width())
        max_points = MAX_CURVE_POINTS if width < 100 else min(MAX_CURVE_POINTS, 2 * width + 4)
        lows, highs, tops = [], [], []
        curves = [(h.epochs, h.train_loss), (h.epochs, h.test_loss)]
        curves += [(epochs, losses) for epochs, losses, _ in self._pinned]
        plotted = []
        for epochs, y in curves:
            x, y = clean(epochs, y, positive=self._log)
            x, y = decimate(x, y, max_points)
            ordinary = y[y <= runaway_level(y, self._log)]  # decimation keeps every spike
            if self._log:
                y, ordinary = np.log10(y), np.log10(ordinary)
            plotted.append((x, y))
            if len(y):
                lows.append(y.min())
                highs.append(ordinary.max())
                tops.append(y.max())
        self._plotted = {"train": plotted[0], "test": plotted[1]}
        self._pinned_plotted = plotted[2:]
        if highs:
            last = max([float(h.epochs[-1])] + [float(e[-1]) for e, _, _ in self._pinned if len(e)])
            self._fit_range(last, min(lows), max(highs))
        top = max(tops, default=-math.inf)
        above = top > self._view_range()[1][1]
        self._off_scale = (10.0**top if self._log else top) if above else math.nan
        self._draw_axes()
        self._map_curves()

    def _map_curves(self) -> None:
        """The curves' paths from the plotted data, in pixels of the current view."""
        (x0, x1), (y0, y1) = self._view_range()
        r = self._plot
        sx, sy = r.width() / (x1 - x0), r.height() / (y1 - y0)
        items = [self._curves["train"], self._curves["test"], *self._pinned_items]
        data = [self._plotted["train"], self._plotted["test"], *self._pinned_plotted]
        for item, (x, y) in zip(items, data, strict=False):
            px = r.left() + (x - x0) * sx
            py = r.bottom() - (np.minimum(y, y1) - y0) * sy  # runaway losses: along the top
            item.setPath(pg.arrayToQPath(px, py, connect="all", finiteCheck=False))
        marker = self._marker_epoch
        if marker is not None and x0 <= marker <= x1:
            mx = r.left() + (marker - x0) * sx
            self._marker.setLine(mx, r.top(), mx, r.bottom())
            self._marker.show()
        else:
            self._marker.hide()
        off = not math.isnan(self._off_scale)
        self._note.setText(f"▲ off scale: up to {compact(self._off_scale)}" if off else "")
        box = self._note.boundingRect().adjusted(-3, -1, 3, 1)
        self._note.setPos(max(r.left() + 4, r.right() - box.right() - 2), r.top() + 2)
        self._note_box.setRect(box.translated(self._note.pos()) if off else QRectF())

    def _fit_range(self, last_epoch: float, low: float, high: float) -> None:
        """Set the view to nice bounds that hold the data.

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
        self._range = (x_range, y_range)

    def _draw_axes(self) -> None:
        """The axes for the current range, scale and size (redrawn only on a change)."""
        x_range, y_range = self._view_range()
        self._axes.draw(self._plot, x_range, y_range, self._log)

    def _on_resize(self) -> None:
        # the plotting area: a fixed-width y axis (so the plot does not shift as its
        # labels change), room for the x labels and caption, margins for end labels
        size = self.canvas.viewport().size()
        self._axes.set_captioned(size.height() >= CAPTION_FROM)
        left = _MARGINS[0] + Y_AXIS_WIDTH
        bottom_axis = self._axes.x_axis_height
        width = size.width() - left - _MARGINS[2]
        height = size.height() - _MARGINS[1] - _MARGINS[3] - bottom_axis
        self._plot = QRectF(left, _MARGINS[1], max(1, width), max(1, round(height)))
        self._draw_axes()
        self._map_curves()  # in place at once; decimated again for the new width soon
        if self._snap is not None:
            self._pending.start(0)

    def resizeEvent(self, event) -> None:
        # the read-outs' numbers as large as the width allows (a new size only here)
        room = self.width() - 2 * _GRID[0] - _GRID[1]
        scale = next((s for s in _SCALES if 2 * readout_width(s) <= room), _SCALES[-1])
        readouts = (self.epoch, self.test_loss, self.train_loss)
        for readout in (*readouts, self.test_accuracy, self.train_accuracy):
            readout.set_scale(scale)
        super().resizeEvent(event)

    def _show_accuracy(self, show: bool) -> None:
        if self.test_accuracy.isHidden() == show:
            self.test_accuracy.setHidden(not show)
            self.train_accuracy.setHidden(not show)

    def sizeHint(self) -> QSize:
        footer = self._footer.sizeHint().height() + self._box.spacing() if self._footer else 0
        return QSize(340, 300 + footer)

    def minimumSizeHint(self) -> QSize:
        # what the read-outs and the plot need (the epoch caption is cut below it)
        # (as narrow as the read-outs at their smallest: they shrink on resizes)
        need = self._box.minimumSize()
        return QSize(self.minimumWidth(), max(220, need.height()))


def _pen(color: str, width: float) -> QPen:
    """A cosmetic pen, with Qt's default bevel joins: round ones make Qt's painting
    of a noisy 2 px curve four times as slow."""
    pen = QPen(QColor(color), width)
    pen.setCosmetic(True)
    return pen


__all__ = ["LossView"]
