"""The output for one-input data: the target against x₁ as points, and the
network's prediction as a curve (the article's line: price against size).

A heatmap of a function of x₁ alone is stripes; this plot shows the numbers.
It is a pyqtgraph plot refreshed at most a few times a second, so its Python
painting stays cheap next to training.  The prediction comes from the
snapshot's pictures: with only x₁-features every row of the output grid is the
same curve, and the grid's columns are its x₁ values.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from playground.core.datasets import Dataset
from playground.core.features import grid_axis
from playground.core.snapshot import Snapshot

from .colors import CLASS_COLORS
from .diagnostics_axes import make_plot, pen

REFRESH_S = 0.2  # the curve is redrawn at most five times a second
CURVE_COLOR = "#202124"
TRAIN_COLOR, TEST_COLOR = "#0877bd", "#f59322"


class CurveView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = make_plot("target", "x₁")
        item = self.plot.getPlotItem()
        self.train = pg.ScatterPlotItem(size=6, pen=pg.mkPen("#ffffff"), brush=TRAIN_COLOR)
        self.test = pg.ScatterPlotItem(size=6, pen=pg.mkPen(TEST_COLOR), brush=None)
        self.curve = pg.PlotCurveItem(pen=pen(CURVE_COLOR, 2.5))
        for part in (self.train, self.test, self.curve):
            item.addItem(part)
        self.test.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self._drawn_at = -1.0
        self._dataset: Dataset | None = None

    def set_show_test(self, show: bool) -> None:
        self.test.setVisible(show)

    def set_snapshot(self, snap: Snapshot) -> None:
        ds = snap.dataset
        if ds is None:
            return
        if ds is not self._dataset:
            self._dataset = ds
            self._show_points(snap)
        now = time.perf_counter()
        if snap.grids is None or (now - self._drawn_at < REFRESH_S and not snap.fresh_grids):
            return
        self._drawn_at = now
        out = snap.grids.output[0, :, 0].astype(np.float64)  # any row: a function of x1
        e = snap.grids.extent
        self.curve.setData(grid_axis(len(out), e.cx, e.half), out)

    def _show_points(self, snap: Snapshot) -> None:
        ds, cfg = snap.dataset, snap.config
        assert ds is not None
        classes = cfg.num_classes
        ys = [self._height(ds.y_train, cfg), self._height(ds.y_test, cfg)]
        self.train.setData(ds.x_train[:, 0], ys[0])
        self.test.setData(ds.x_test[:, 0], ys[1])
        if classes:
            brushes = [pg.mkBrush(CLASS_COLORS[int(c)]) for c in ds.y_train]
            self.train.setBrush(brushes)
        else:
            self.train.setBrush(pg.mkBrush(TRAIN_COLOR))
        item = self.plot.getPlotItem()
        item.getAxis("left").setLabel(
            "output (class 1 up)" if classes else "target", color="#5f6368"
        )
        x = ds.x_all[:, 0]
        e = snap.grids.extent if snap.grids is not None else None
        lo_x, hi_x = e.x_range if e is not None else (float(x.min()), float(x.max()))
        y = np.concatenate(ys)
        lo, hi = float(y.min()), float(y.max())
        pad = 0.08 * (hi - lo or 1.0)
        item.setRange(xRange=(lo_x, hi_x), yRange=(lo - pad, hi + pad), padding=0)

    @staticmethod
    def _height(labels: np.ndarray, cfg) -> np.ndarray:
        """Where a point sits: its target, or its class at the output's ends."""
        if not cfg.num_classes:
            return labels.astype(np.float64)
        low = -1.0 if cfg.output_activation == "tanh" else 0.0
        return np.where(labels > 0, 1.0, low)
