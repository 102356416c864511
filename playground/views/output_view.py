"""The output: the network's decision heatmap over the input square, the data on top.

All of it is Qt's own graphics items on a `PixelCanvas`, so Qt paints it without
calling Python and the trainer thread keeps the GIL meanwhile (see canvas.py).
Python runs only when something changes:

- a snapshot becomes one R x R image: NumPy turns the values into indices of a
  256-entry lookup table with explicit levels (Qt applies the table) or colours
  classes through the class table; a `QGraphicsPixmapItem` shows it, scaled up
  smoothly onto the square;
- the points are painted once into one transparent pixmap per set (train, test)
  when the dataset or the size changes, so a frame blits two pixmaps.  (A cached
  path item per colour blits too, but each colour's cache is the size of the
  square: from about 8 colours on they outgrow Qt's pixmap cache and are stroked
  again every frame, and a regression dataset has some 200 colours.)
- the axes and the border move only on resize.

The grids come with row 0 at x2 = -6; an image has row 0 at the top, so images
are built with the rows reversed: +x2 points up.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsPixmapItem, QSizePolicy, QWidget

from playground.core.config import Config
from playground.core.datasets import DOMAIN, Dataset
from playground.core.snapshot import Grids, Snapshot

from . import colors
from .canvas import PixelCanvas

# TF Playground draws its heatmap at alpha 160/255 over white; blending the
# table with white here gives the same look whatever is behind the item.
HEATMAP_ALPHA = 160
POINT_DIAMETER = 7  # px: a radius of 3.5, TF's 3 plus the outline
TRAIN_OUTLINE = "#ffffff"
TEST_OUTLINE = "#333333"
BORDER_COLOR = "#b0b4b8"
LABEL_COLOR = "#5f6368"
_FADE = HEATMAP_ALPHA / 255.0

# layout of the plot inside the widget (px): axes and room for the end labels
_LEFT_AXIS, _BOTTOM_AXIS, _TOP_MARGIN, _RIGHT_MARGIN = 26, 22, 8, 10
_TICK, _MINOR_TICK = 4, 3  # tick lengths (px), outward from the square


def _faded(rgb: np.ndarray) -> np.ndarray:
    return np.round(255.0 - (255.0 - rgb) * _FADE)


HEATMAP_LUT = _faded(colors.diverging_lut()[:, :3].astype(np.float64)).astype(np.uint8)  # (256, 3)

# for Qt's 8-bit indexed images: opaque 0xAARRGGBB; and RGBA8888 pixels with a
# transparent one after them, for NaN (no colour, the white shows)
_COLOR_TABLE = [0xFF000000 | (int(r) << 16) | (int(g) << 8) | int(b) for r, g, b in HEATMAP_LUT]
_NAN_TABLE = np.vstack([np.column_stack([HEATMAP_LUT, np.full(256, 255)]), [0, 0, 0, 0]])
_NAN_TABLE = _NAN_TABLE.astype(np.uint8).view(np.uint32).ravel()


def _class_table() -> np.ndarray:
    """(classes * 256, 4) uint8: row c * 256 + i is class c's colour at intensity i / 255."""
    rgb = np.array([QColor(c).getRgb()[:3] for c in colors.CLASS_COLORS], dtype=np.float64)
    weight = np.linspace(0.0, 1.0, 256)[None, :, None]  # white to the class colour
    table = np.full((len(colors.CLASS_COLORS), 256, 4), 255, dtype=np.uint8)
    table[..., :3] = _faded(255.0 - (255.0 - rgb[:, None, :]) * weight)
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
        self._grids: Grids | None = None
        self._config: Config | None = None
        self._dataset: Dataset | None = None
        self._neuron = (-1, -1)
        self._discretize = False
        self._square = QRectF(0, 0, 1, 1)  # the plotting square, widget px
        # what is shown: values (scalars, or RGBA), their levels (None for RGBA), and
        # the values clipped to the levels, once asked for
        self._values = self._levels = self._clipped = None
        self._indexed = QImage()  # a scalar map: table indices, Qt colours them
        self._indexed_shape: tuple[int, ...] = (0, 0)
        self._points: dict[bool, tuple[np.ndarray, list[QColor]]] = {}  # test? -> (xy, fills)
        self._points_ratio = 0.0  # the device pixel ratio the points were drawn at
        self._watched_window = None  # whose screenChanged we listen to

        self.canvas = PixelCanvas(self)
        self.canvas.setInteractive(False)  # nothing to click; no hover bookkeeping
        self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scene = self.canvas.scene()

        # the 100 x 100 heatmap is scaled up smoothly, as a browser scales TF's canvas
        self._heatmap = QGraphicsPixmapItem()
        self._heatmap.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        scene.addItem(self._heatmap)
        self._point_items = {test: scene.addPixmap(QPixmap()) for test in (False, True)}
        self._point_items[True].setVisible(False)
        self._border = scene.addRect(QRectF(), _pen(BORDER_COLOR))  # over points on the edge
        self._ticks = scene.addPath(QPainterPath(), _pen(BORDER_COLOR))
        self._minor_ticks = scene.addPath(QPainterPath(), _pen("#d0d3d6"))
        font = QFont()
        font.setPointSizeF(8.5)
        self._labels = {
            axis: [scene.addSimpleText(f"{v:d}", font) for v in range(-6, 7, 2)] for axis in "xy"
        }
        for label in self._labels["x"] + self._labels["y"]:
            label.setBrush(QColor(LABEL_COLOR))
        self.canvas.resized.connect(self._layout)
        self._show_scalar(np.zeros((100, 100), dtype=np.float32), -1.0, 1.0)

    # --- public API ------------------------------------------------------------

    def set_snapshot(self, snap: Snapshot) -> None:
        """Show a new snapshot; grids None keeps the current picture."""
        self._config = snap.config
        if snap.dataset is not None and snap.dataset is not self._dataset:
            self._set_dataset(snap.dataset)
        else:
            self._sharpen_points()
        if snap.grids is not None:
            self._grids = snap.grids
            self._redraw()

    def show_neuron(self, layer: int, unit: int) -> None:
        """Show neuron `unit` of grids layer `layer`; (-1, -1) shows the output again."""
        self._neuron = (layer, unit) if layer >= 0 and unit >= 0 else (-1, -1)
        self._redraw()

    def set_show_test(self, show: bool) -> None:
        self._point_items[True].setVisible(bool(show))

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

    # --- read-only views of what is shown (for tests and tools) ------------------

    def image_values(self) -> tuple[np.ndarray, tuple[float, float] | None]:
        """(values, levels) shown, row 0 at x2 = -6: (R, R) values clipped to the
        levels at the ends of the colour scale, or (R, R, 4) uint8 RGBA and None
        when classes are coloured directly."""
        if self._clipped is None:  # scalars, clipped once asked for (NaN stays NaN)
            clipped = np.clip(self._values, *self._levels)
            self._clipped = clipped.astype(np.float32, copy=False)
        return self._clipped, self._levels

    def image_rgba(self) -> np.ndarray:
        """(R, R, 4) uint8 RGBA as drawn, rows top (x2 = +6) to bottom; NaN is transparent."""
        image = self._heatmap.pixmap().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
        rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
        return rows[:, : 4 * image.width()].reshape(image.height(), image.width(), 4).copy()

    def plot_rect(self) -> QRectF:
        """The plotting square in widget pixels (the heatmap fills it)."""
        return QRectF(self._square)

    def to_pixels(self, xy: np.ndarray) -> np.ndarray:
        """(n, 2) input-space points (x1, x2) as widget pixels (x right, y down)."""
        s, xy = self._square, np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        t = (xy * [1, -1] + DOMAIN) / (2 * DOMAIN)  # 0..1 from the left, from the top
        return np.array([s.left(), s.top()]) + t * s.width()

    def point_positions(self, test: bool = False) -> np.ndarray:
        """(n, 2) input-space positions of the training (or test) points drawn."""
        return self._points[test][0] if test in self._points else np.zeros((0, 2))

    def point_colors(self, test: bool = False) -> list[str]:
        """Fill colour names ("#rrggbb") of the points, in the order of point_positions."""
        return [c.name() for c in self._points[test][1]] if test in self._points else []

    def points_visible(self, test: bool = False) -> bool:
        """Whether that set of points is drawn (test points only when asked for)."""
        item = self._point_items[test]
        return item.isVisible() and test in self._points

    def tick_labels(self, axis: str = "x") -> list[tuple[str, float]]:
        """Each label of the "x" (bottom) or "y" (left) axis and where its centre sits
        along that axis, in widget pixels."""
        centres = [(label, label.sceneBoundingRect().center()) for label in self._labels[axis]]
        return [(label.text(), c.x() if axis == "x" else c.y()) for label, c in centres]

    # --- the heatmap ---------------------------------------------------------------

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
        # the table entry as pyqtgraph's ImageItem picked it: floor((v - lo) / (hi - lo)
        # * 256), clipped, which saturates beyond the scale and sends +-inf to its ends
        self._values, self._levels, self._clipped = values, (float(lo), float(hi)), None
        scale = 256.0 / (hi - lo)
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging net's huge values
            index = values * scale
            index -= lo * scale
        np.clip(index, 0, 255, out=index)
        if np.isnan(index.max()):  # (the max is NaN if any is) diverged: drawn transparent
            index[np.isnan(index)] = 256
            rgba = _NAN_TABLE.take(index.astype(np.intp)[::-1])
            self._set_pixmap(rgba.view(np.uint8).reshape(*rgba.shape, 4))
            return
        if self._indexed_shape != values.shape:
            self._indexed_shape = values.shape
            self._indexed = QImage(values.shape[1], values.shape[0], QImage.Format.Format_Indexed8)
            self._indexed.setColorTable(_COLOR_TABLE)
        # into Qt's image in place (bits() each time: it detaches if shared), rows
        # reversed so +x2 is up; Qt applies the colour table as it makes the pixmap
        image = self._indexed
        bits = np.frombuffer(image.bits(), np.uint8).reshape(image.height(), -1)
        bits[::-1, : image.width()] = index
        self._set_pixmap(None)

    def _show_rgba(self, rgba: np.ndarray) -> None:
        self._values, self._levels, self._clipped = rgba, None, rgba
        self._set_pixmap(np.ascontiguousarray(rgba[::-1]))

    def _set_pixmap(self, rgba: np.ndarray | None) -> None:
        """Show the indexed image, or rgba: (R, R, 4) uint8, rows top to bottom."""
        if rgba is None:
            image = self._indexed
        else:  # opaque or fully transparent pixels: already premultiplied
            h, w = rgba.shape[:2]
            image = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888_Premultiplied)
        old = self._heatmap.pixmap().size()
        self._heatmap.setPixmap(QPixmap.fromImage(image))  # a copy: rgba may go
        if image.size() != old:  # only when R changes
            self._place_heatmap()

    def _place_heatmap(self) -> None:
        s, size = self._square, self._heatmap.pixmap().size()
        self._heatmap.setPos(s.topLeft())
        self._heatmap.setTransform(
            QTransform.fromScale(s.width() / size.width(), s.height() / size.height())
        )

    # --- the points ---------------------------------------------------------------

    def _set_dataset(self, ds: Dataset) -> None:
        self._dataset = ds
        self._points = {
            False: (np.asarray(ds.x_train), self._fills(ds.y_train, ds)),
            True: (np.asarray(ds.x_test), self._fills(ds.y_test, ds)),
        }
        self._draw_points()

    @staticmethod
    def _fills(y: np.ndarray, ds: Dataset) -> list[QColor]:
        if ds.num_classes > 0:
            table = [QColor(c) for c in colors.CLASS_COLORS]
            return [table[i] for i in np.asarray(y, dtype=np.intp) % len(table)]
        lut = colors.diverging_lut()
        return [QColor(*(int(c) for c in lut[i, :3])) for i in colors.lut_index(np.nan_to_num(y))]

    def _draw_points(self) -> None:
        """Paint each set of points once into a transparent pixmap over the square,
        one after another in the data's order, as TF does."""
        if not self._points:
            return
        area = self._square  # points on the edge are cut by the square, as before
        ratio = self._points_ratio = self.canvas.devicePixelRatioF()
        radius = POINT_DIAMETER / 2
        for test, (xy, fills) in self._points.items():
            size = (area.size() * ratio).toSize()
            image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
            image.setDevicePixelRatio(ratio)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            outline = QColor(TEST_OUTLINE if test else TRAIN_OUTLINE)
            painter.setPen(QPen(outline, 1))  # a view pixel: 2 device pixels at 200 %
            painter.translate(-area.left(), -area.top())
            for (x, y), fill in zip(self.to_pixels(xy).tolist(), fills, strict=True):
                painter.setBrush(fill)
                painter.drawEllipse(QPointF(x, y), radius, radius)
            painter.end()
            item = self._point_items[test]
            item.setPixmap(QPixmap.fromImage(image))
            item.setPos(area.topLeft())

    # --- axes and a square layout ----------------------------------------------

    def _layout(self) -> None:
        """Keep the plotting square square and centred, whatever shape we are given,
        and put the heatmap, border, ticks, labels and points around it."""
        w, h = self.canvas.width(), self.canvas.height()
        side = max(10, min(w - _LEFT_AXIS - _RIGHT_MARGIN, h - _BOTTOM_AXIS - _TOP_MARGIN))
        pw, ph = side + _LEFT_AXIS + _RIGHT_MARGIN, side + _BOTTOM_AXIS + _TOP_MARGIN
        left, top = (w - pw) // 2 + _LEFT_AXIS, (h - ph) // 2 + _TOP_MARGIN
        s = self._square = QRectF(left, top, side, side)
        self._place_heatmap()
        # a 1 px line on the square's outermost pixels (pixel centres at +0.5)
        self._border.setRect(s.adjusted(0.5, 0.5, -0.5, -0.5))
        ticks, minor = QPainterPath(), QPainterPath()
        left, bottom = s.left() + 0.5, s.bottom() - 0.5  # the border's lines
        for v in range(-6, 7):
            t = (v + DOMAIN) / (2 * DOMAIN)
            x = min(s.left() + int(t * side), s.right() - 1) + 0.5
            y = max(s.bottom() - int(t * side), s.top() + 1) - 0.5
            path, length = (ticks, _TICK) if v % 2 == 0 else (minor, _MINOR_TICK)
            path.moveTo(x, bottom)
            path.lineTo(x, bottom + length)
            path.moveTo(left, y)
            path.lineTo(left - length, y)
            if v % 2 == 0:  # labelled
                x_label, y_label = (self._labels[axis][(v + 6) // 2] for axis in "xy")
                r = x_label.boundingRect()
                x_label.setPos(s.left() + t * side - r.width() / 2, s.bottom() + _TICK + 2)
                r = y_label.boundingRect()
                y_label.setPos(
                    left - _TICK - 2.5 - r.width(), s.bottom() - t * side - r.height() / 2
                )
        self._ticks.setPath(ticks)
        self._minor_ticks.setPath(minor)
        self._draw_points()

    def sizeHint(self) -> QSize:
        return QSize(340, 340)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width - (_LEFT_AXIS + _RIGHT_MARGIN) + (_BOTTOM_AXIS + _TOP_MARGIN)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        window = self.window().windowHandle()
        if window is not None and window is not self._watched_window:
            self._watched_window = window  # a paused window gets no snapshots to notice by
            window.screenChanged.connect(lambda _: QTimer.singleShot(0, self._sharpen_points))

    def _sharpen_points(self) -> None:
        """Draw the points again if the window moved to a screen of another scale."""
        if self.canvas.devicePixelRatioF() != self._points_ratio:
            self._draw_points()

    def resizeEvent(self, event) -> None:
        # no layout: a layout's height-for-width would stand in for ours
        self.canvas.setGeometry(self.rect())  # the canvas lays the square out (_layout)
        super().resizeEvent(event)


def _pen(color: str) -> QPen:
    pen = QPen(QColor(color), 1)
    pen.setCosmetic(True)
    return pen


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
