"""The output: the network's decision heatmap over the input square, the data on top.

One `ImageItem` of fixed shape draws the heatmap through a 256-entry lookup table
with explicit levels, so a new snapshot costs one small array operation.  The
grids come with row 0 at x2 = -6; pyqtgraph's view has +y pointing up, so row 0
lands at the bottom and the picture is the right side up without a flip.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

# isort: split
import pyqtgraph as pg  # after PySide6, so that it takes that binding

from playground.core.config import Config
from playground.core.datasets import DOMAIN, Dataset
from playground.core.snapshot import Grids, Snapshot

from . import colors

# TF Playground draws its heatmap at alpha 160/255 over white; blending the
# table with white here gives the same look whatever is behind the item.
HEATMAP_ALPHA = 160
POINT_DIAMETER = 7  # px: a radius of 3.5, TF's 3 plus the outline
TRAIN_OUTLINE = "#ffffff"
TEST_OUTLINE = "#333333"
_FADE = HEATMAP_ALPHA / 255.0

# layout of the plot inside the widget (px): axes and room for the end labels
_LEFT_AXIS, _BOTTOM_AXIS, _TOP_MARGIN, _RIGHT_MARGIN = 26, 22, 8, 10


def _rgb(hex_color: str) -> np.ndarray:
    c = QColor(hex_color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def _faded_lut() -> np.ndarray:
    rgb = colors.diverging_lut()[:, :3].astype(np.float64)
    return np.round(255.0 - (255.0 - rgb) * _FADE).astype(np.uint8)


HEATMAP_LUT = _faded_lut()  # (256, 3) uint8


def _class_table() -> np.ndarray:
    """(classes * 256, 4) uint8: row c * 256 + i is class c's colour at intensity i / 255."""
    rgb = np.array([_rgb(c) for c in colors.CLASS_COLORS])[:, None, :]
    weight = np.linspace(0.0, 1.0, 256)[None, :, None] * _FADE
    table = np.full((len(colors.CLASS_COLORS), 256, 4), 255, dtype=np.uint8)
    table[..., :3] = np.round(255.0 - (255.0 - rgb) * weight)
    return table.reshape(-1, 4)


_CLASS_TABLE = _class_table()


def output_kind(config: Config) -> str:
    """How the output layer is read: 'tanh', 'sigmoid', 'softmax' or 'linear'."""
    if config.num_classes == 0:
        return "linear"
    return config.output_activation


def class_image(intensity: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """(R, R, 4) uint8: each pixel's class colour blended with white by its intensity
    in [0, 1] (1 = the full class colour), then faded like the heatmap table."""
    level = np.clip(np.nan_to_num(intensity) * 255.0, 0.0, 255.0)
    return _CLASS_TABLE[classes * 256 + np.rint(level).astype(np.intp)]


class OutputView(QWidget):
    """Decision heatmap (or one neuron's map) with the training and test points."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 160)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("white"))
        self.setPalette(palette)
        self._grids: Grids | None = None
        self._config: Config | None = None
        self._dataset: Dataset | None = None
        self._neuron = (-1, -1)
        self._discretize = False
        self._image_mode: tuple | None = None  # ("lut", lo, hi) or ("rgba",)
        self._class_brushes = [QBrush(QColor(c)) for c in colors.CLASS_COLORS]
        self._scale_brushes: list[QBrush] | None = None

        self.plot_widget = pg.PlotWidget(self, background="w")
        self.plot_widget.setFrameShape(self.plot_widget.Shape.NoFrame)
        # the 100 x 100 heatmap is scaled up smoothly, as a browser scales TF's canvas
        self.plot_widget.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        plot = self.plot_item = self.plot_widget.getPlotItem()
        self._setup_axes(plot)
        self.view_box = vb = plot.getViewBox()
        vb.setMouseEnabled(x=False, y=False)
        vb.setMenuEnabled(False)
        vb.setAspectLocked(True, ratio=1.0)
        vb.setBorder(pg.mkPen("#b0b4b8", width=1))
        plot.setMenuEnabled(False)
        plot.hideButtons()
        vb.setRange(xRange=(-DOMAIN, DOMAIN), yRange=(-DOMAIN, DOMAIN), padding=0)
        vb.disableAutoRange()

        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.image_item.setZValue(-10)
        plot.addItem(self.image_item)
        self._show_scalar(np.zeros((100, 100), dtype=np.float32), -1.0, 1.0)

        self.train_points = self._scatter(TRAIN_OUTLINE, 10)
        self.test_points = self._scatter(TEST_OUTLINE, 11)
        self.test_points.setVisible(False)

    # --- public API ------------------------------------------------------------

    def set_snapshot(self, snap: Snapshot) -> None:
        """Show a new snapshot; grids None keeps the current picture."""
        self._config = snap.config
        if snap.dataset is not None and snap.dataset is not self._dataset:
            self._set_dataset(snap.dataset)
        if snap.grids is not None:
            self._grids = snap.grids
            self._redraw()

    def show_neuron(self, layer: int, unit: int) -> None:
        """Show neuron `unit` of grids layer `layer`; (-1, -1) shows the output again."""
        self._neuron = (layer, unit) if layer >= 0 and unit >= 0 else (-1, -1)
        self._redraw()

    def set_show_test(self, show: bool) -> None:
        self.test_points.setVisible(bool(show))

    def set_discretize(self, discretize: bool) -> None:
        """Show the predicted class (the sign of the output) instead of its strength.

        Binary: +-1; K classes: full-strength class colours; regression: the sign.
        """
        self._discretize = bool(discretize)
        self._redraw()

    @property
    def neuron(self) -> tuple[int, int]:
        return self._neuron

    @property
    def discretize(self) -> bool:
        return self._discretize

    # --- drawing the heatmap ---------------------------------------------------

    def _redraw(self) -> None:
        grids, cfg = self._grids, self._config
        if grids is None or cfg is None:
            return
        layer, unit = self._neuron
        last = len(grids.layers) - 1
        if 0 <= layer < last and unit < grids.layers[layer].shape[-1]:
            values = grids.layers[layer][..., unit]
            # inputs keep their own range (x1 spans the scale, x1^2 goes grey to blue);
            # hidden neurons use the one scale, saturated beyond +-1
            limit = float(np.nanmax(np.abs(values))) if layer == 0 else 1.0
            limit = limit if np.isfinite(limit) and limit > 0 else 1.0
            self._show_scalar(values, -limit, limit)
            return
        out = grids.output
        kind = output_kind(cfg)
        if out.shape[-1] > 1 and kind != "softmax":
            out = _tanh_class_scores(out)  # K tanh outputs (squared error): the same picture
        if out.shape[-1] > 1:
            if layer == last and 0 <= unit < out.shape[-1]:
                # one class's probability in that class's colour
                cls = np.full(out.shape[:2], unit, dtype=np.intp)
                self._show_rgba(class_image(out[..., unit], cls))
            else:
                self._show_rgba(self._classes_image(out))
            return
        values = out[..., 0]
        lo, hi = (0.0, 1.0) if kind == "sigmoid" else (-1.0, 1.0)
        if self._discretize:
            if kind == "linear":
                values = np.sign(values)  # regression: the sign; exactly 0 stays grey
            else:  # the class the engine predicts (accuracy uses the same threshold)
                values = np.where(values > (lo + hi) / 2, hi, lo)
        self._show_scalar(values, lo, hi)

    def _classes_image(self, probs: np.ndarray) -> np.ndarray:
        """The winning class (argmax, as the engine predicts) in its colour, its
        confidence as intensity."""
        k = probs.shape[-1]
        cls = np.argmax(probs, axis=-1)
        if self._discretize:
            return class_image(np.ones(cls.shape), cls)
        # take_along_axis: several times faster than max() over a short last axis
        top = np.take_along_axis(probs, cls[..., None], axis=-1)[..., 0]
        confidence = (top - 1.0 / k) * (k / (k - 1.0))
        return class_image(confidence, cls)

    def _show_scalar(self, values: np.ndarray, lo: float, hi: float) -> None:
        item = self.image_item
        if self._image_mode != ("lut", lo, hi):
            item.setLookupTable(HEATMAP_LUT, update=False)
            item.setLevels((lo, hi), update=False)
            self._image_mode = ("lut", lo, hi)
        # clip: saturate beyond the scale and turn +-inf into its ends (NaN stays
        # NaN and is drawn transparent, white: a diverged network shows no colour)
        self._set_image(np.clip(values, lo, hi).astype(np.float32, copy=False))

    def _show_rgba(self, rgba: np.ndarray) -> None:
        if self._image_mode != ("rgba",):
            self.image_item.setLookupTable(None, update=False)
            self.image_item.setLevels(None, update=False)
            self._image_mode = ("rgba",)
        self._set_image(rgba)

    def _set_image(self, image: np.ndarray) -> None:
        old = self.image_item.image
        self.image_item.setImage(image, autoLevels=False)
        if old is None or old.shape[:2] != image.shape[:2]:  # only when R changes
            self.image_item.setRect(QRectF(-DOMAIN, -DOMAIN, 2 * DOMAIN, 2 * DOMAIN))

    # --- the points ------------------------------------------------------------

    def _scatter(self, outline: str, z: int) -> pg.ScatterPlotItem:
        item = pg.ScatterPlotItem(
            size=POINT_DIAMETER, pen=pg.mkPen(outline, width=1), pxMode=True, hoverable=False
        )
        item.setZValue(z)
        self.plot_item.addItem(item)
        return item

    def _set_dataset(self, ds: Dataset) -> None:
        self._dataset = ds
        self.train_points.setData(pos=ds.x_train, brush=self._brushes(ds.y_train, ds))
        self.test_points.setData(pos=ds.x_test, brush=self._brushes(ds.y_test, ds))

    def _brushes(self, y: np.ndarray, ds: Dataset) -> list[QBrush]:
        if ds.num_classes > 0:
            table = self._class_brushes
            return [table[i] for i in np.asarray(y, dtype=np.intp) % len(table)]
        if self._scale_brushes is None:
            lut = colors.diverging_lut()
            self._scale_brushes = [QBrush(QColor(*(int(c) for c in row))) for row in lut]
        table = self._scale_brushes
        return [table[i] for i in colors.lut_index(np.nan_to_num(y))]

    # --- axes and a square layout ----------------------------------------------

    @staticmethod
    def _setup_axes(plot: pg.PlotItem) -> None:
        plot.layout.setContentsMargins(0, _TOP_MARGIN, _RIGHT_MARGIN, 0)
        plot.layout.setSpacing(0)
        font = QFont()
        font.setPointSizeF(8.5)
        major = [(v, f"{v:d}") for v in range(-6, 7, 2)]
        minor = [(v, "") for v in range(-5, 6, 2)]
        for name, size in (("left", _LEFT_AXIS), ("bottom", _BOTTOM_AXIS)):
            axis = plot.getAxis(name)
            axis.setTicks([major, minor])
            axis.setTickFont(font)
            axis.setPen(pg.mkPen("#b0b4b8"))
            axis.setTextPen(pg.mkPen("#5f6368"))
            axis.setStyle(tickLength=4, hideOverlappingLabels=False, autoExpandTextSpace=False)
            if name == "left":
                axis.setWidth(size)
            else:
                axis.setHeight(size)

    def sizeHint(self) -> QSize:
        return QSize(340, 340)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width - (_LEFT_AXIS + _RIGHT_MARGIN) + (_BOTTOM_AXIS + _TOP_MARGIN)

    def resizeEvent(self, event) -> None:
        # keep the plotting square square and centred, whatever shape we are given
        w, h = self.width(), self.height()
        side = max(10, min(w - _LEFT_AXIS - _RIGHT_MARGIN, h - _BOTTOM_AXIS - _TOP_MARGIN))
        pw, ph = side + _LEFT_AXIS + _RIGHT_MARGIN, side + _BOTTOM_AXIS + _TOP_MARGIN
        self.plot_widget.setGeometry((w - pw) // 2, (h - ph) // 2, pw, ph)
        super().resizeEvent(event)


def _tanh_class_scores(outputs: np.ndarray) -> np.ndarray:
    """K tanh outputs (targets -1 / +1 per class) as shares that sum to 1, so they
    draw like softmax probabilities: the argmax is the same, the class the engine
    predicts."""
    scores = np.clip((outputs + 1.0) * 0.5, 0.0, 1.0)
    total = scores.sum(axis=-1, keepdims=True)
    k = outputs.shape[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total > 0, scores / total, 1.0 / k)
    return shares.astype(np.float32)
