"""The output: the network's decision heatmap over the input square, the data on top.

All of it is Qt's own graphics items on a `PixelCanvas`, so Qt paints it without
calling Python and the trainer thread keeps the GIL meanwhile (see canvas.py).
Python runs only when something changes:

- a snapshot with new grids becomes one R x R image (heatmap.py says which
  values): NumPy turns the values into indices of a 256-entry lookup table with
  explicit levels (Qt applies the table) or colours classes through the class
  table; a `QGraphicsPixmapItem` shows it, scaled up smoothly onto the square;
- the points are painted once into one transparent pixmap per set (train, test)
  when the dataset or the size changes, so a frame blits two pixmaps (points.py);
- the axes and the border move only on resize.

The grids come with row 0 at x2 = -6; an image has row 0 at the top, so images
are built with the rows reversed: +x2 points up.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPainterPath,
    QPen,
    QPixmap,
    QTransform,
    QWindow,
)
from PySide6.QtWidgets import QGraphicsPixmapItem, QSizePolicy, QToolTip, QWidget

from playground.core.datasets import Dataset
from playground.core.features import SQUARE, Extent
from playground.core.snapshot import Snapshot

from .canvas import PixelCanvas
from .heatmap import COLOR_TABLE, NAN_TABLE, heatmap_values, target_limit
from .output_words import axis_ticks, predicted_words
from .points import paint_points, point_fills

BORDER_COLOR = "#b0b4b8"
LABEL_COLOR = "#5f6368"

# layout of the plot inside the widget (px): axes and room for the end labels
_LEFT_AXIS, _BOTTOM_AXIS, _TOP_MARGIN, _RIGHT_MARGIN = 26, 22, 8, 10
_TICK, _MINOR_TICK = 4, 3  # tick lengths (px), outward from the square
# smallest side: a little smaller while painting, so the paint tools fit a 1280 x 720 window
MIN_SIDE, MIN_SIDE_PAINTING = 160, 120
TRAIL = 0.06  # a drag paints a point each time it has moved this share of half a side
ERASER_SHARE = 0.12  # the eraser's radius, as a share of half a side
_BLANK = np.zeros((100, 100), dtype=np.float32)  # the heatmap without grids: all grey
_BLANK.flags.writeable = False


class OutputView(QWidget):
    """Decision heatmap (or one neuron's map) with the training and test points."""

    painted = Signal(float, float)  # paint mode: a point wanted at (x1, x2)
    probed = Signal(float, float)  # a click (not painting): the graph's sums are worked out there
    erased = Signal(float, float, float)  # paint mode: points within a radius of (x1, x2) to go
    stroke_ended = Signal()  # the button was let go: one stroke, one undo step

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(MIN_SIDE, MIN_SIDE)
        self._snap: Snapshot | None = None  # the snapshot shown
        self._dataset: Dataset | None = None  # the one whose points are drawn
        self._neuron = (-1, -1)
        self._discretize = False
        self._square = QRectF(0, 0, 1, 1)  # the plotting square, widget px
        # what the heatmap shows: scalar values and their levels, or RGBA and None
        self._values: np.ndarray = _BLANK
        self._levels: tuple[float, float] | None = (-1.0, 1.0)
        self._indexed = QImage()  # a scalar map: table indices, Qt colours them
        self._indexed_shape: tuple[int, ...] = (0, 0)
        self._points: dict[bool, tuple[np.ndarray, list[QColor]]] = {}  # test? -> (xy, fills)
        self._points_ratio = 0.0  # the device pixel ratio the points were drawn at
        self._watched_window: QWindow | None = None  # whose screenChanged we listen to

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
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        self._extent = SQUARE  # of the input plane: the usual square, or where the data lies
        self._labels: dict[str, list] = {"x": [], "y": []}  # tick labels, made as needed
        self.canvas.resized.connect(self._layout)
        self._painting = False  # paint mode: the pointer adds or erases points
        self._preview: Dataset | None = None  # painted points shown instead of the snapshots'
        self._probe: tuple[float, float] | None = None  # the point a click chose
        self._probe_ring = self.canvas.scene().addPath(QPainterPath(), _pen("#202124"))
        self._probe_ring.setZValue(5)
        self._probe_ring.hide()
        self._last_paint: np.ndarray | None = None  # where the stroke last put a point
        self.canvas.viewport().installEventFilter(self)
        self.canvas.viewport().setMouseTracking(True)  # the tooltip follows the pointer
        self._show_scalar(_BLANK, -1.0, 1.0)

    # --- public API ------------------------------------------------------------

    def set_snapshot(self, snap: Snapshot) -> None:
        """Show a snapshot.  The heatmap is drawn again only when its grids are
        fresh or another object than the shown snapshot's; none: a blank one."""
        shown = self._snap.grids if self._snap is not None else None
        self._snap = snap
        extent = snap.grids.extent if snap.grids is not None else self._extent
        if extent != self._extent:  # data elsewhere: other axes, points placed anew
            self._extent = extent
            self._layout()
        if self._preview is None and snap.dataset is not None and snap.dataset is not self._dataset:
            self._set_dataset(snap.dataset)
        else:
            self._sharpen_points()
        if snap.fresh_grids or snap.grids is not shown:
            self._redraw()

    def show_neuron(self, layer: int, unit: int) -> None:
        """Show neuron `unit` of grids layer `layer`; (-1, -1) shows the output again."""
        self._neuron = (layer, unit) if layer >= 0 and unit >= 0 else (-1, -1)
        self._redraw()

    @property
    def painting(self) -> bool:
        return self._painting

    def set_painting(self, on: bool) -> None:
        """Paint mode: a left press or drag asks for points (`painted`), a right
        one for erasing (`erased`); `stroke_ended` when the button is let go."""
        self._painting = on
        side = MIN_SIDE_PAINTING if on else MIN_SIDE
        self.setMinimumSize(side, side)
        shape = Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor
        self.canvas.viewport().setCursor(shape)

    @property
    def extent(self) -> Extent:
        """The square of the input plane shown."""
        return self._extent

    @property
    def plot_square(self) -> QRectF:
        """Where the heatmap lies in the widget (px), without its axes."""
        return QRectF(self._square)

    def to_pixel(self, x1: float, x2: float) -> tuple[float, float]:
        """Input-plane coordinates as widget pixels (the inverse of to_data)."""
        x, y = self._to_pixels(np.array([x1, x2]))[0]
        return float(x), float(y)

    def to_data(self, x: float, y: float) -> tuple[float, float]:
        """Widget pixels (x right, y down) as input-plane coordinates (x1, x2)."""
        s, e = self._square, self._extent
        tx, ty = (x - s.left()) / s.width(), (y - s.top()) / s.height()
        return e.cx - e.half + tx * 2 * e.half, e.cy + e.half - ty * 2 * e.half

    def eventFilter(self, watched, event) -> bool:
        if watched is not self.canvas.viewport():
            return False
        if not self._painting:
            if event.type() == QEvent.Type.MouseMove:
                self._tell_at(event)
            elif event.type() == QEvent.Type.MouseButtonPress:
                self._probe_at(event)
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress:
            self._last_paint = None
            self._stroke(event, event.button() == Qt.MouseButton.RightButton)
            return True
        if kind == QEvent.Type.MouseMove and event.buttons():
            self._stroke(event, bool(event.buttons() & Qt.MouseButton.RightButton))
            return True
        if kind == QEvent.Type.MouseButtonRelease:
            self._last_paint = None
            self.stroke_ended.emit()
            return True
        return False

    def _tell_at(self, event) -> None:
        """A tooltip: where the pointer is, in the data's units, and what the
        network says there (a class by its name, or the number)."""
        snap = self._snap
        x1, x2 = self.to_data(event.position().x(), event.position().y())
        e = self._extent
        if snap is None or snap.grids is None or abs(x1 - e.cx) > e.half or abs(x2 - e.cy) > e.half:
            QToolTip.hideText()
            return
        out = snap.grids.output
        r = out.shape[0]
        col = min(r - 1, int((x1 - e.cx + e.half) / (2 * e.half) * r))
        row = min(r - 1, int((x2 - e.cy + e.half) / (2 * e.half) * r))  # row 0 at the bottom
        said = f"x₁ {x1:.3g}, x₂ {x2:.3g}\n{predicted_words(snap, out[row, col])}"
        QToolTip.showText(event.globalPosition().toPoint(), said, self.canvas.viewport())

    def _probe_at(self, event) -> None:
        x1, x2 = self.to_data(event.position().x(), event.position().y())
        e = self._extent
        if abs(x1 - e.cx) <= e.half and abs(x2 - e.cy) <= e.half:
            self._probe = (x1, x2)
            self._place_probe()
            self.probed.emit(x1, x2)

    def _place_probe(self) -> None:
        """A small ring where the point chosen for the sums is."""
        if self._probe is None:
            self._probe_ring.hide()
            return
        x, y = self.to_pixel(*self._probe)
        ring = QPainterPath()
        ring.addEllipse(QRectF(x - 6, y - 6, 12, 12))
        self._probe_ring.setPath(ring)  # a path item: Qt paints it, no Python
        self._probe_ring.show()

    def _stroke(self, event, erase: bool) -> None:
        at = np.array(self.to_data(event.position().x(), event.position().y()))
        e = self._extent
        if not (abs(at[0] - e.cx) <= e.half and abs(at[1] - e.cy) <= e.half):
            return  # outside the square: nothing there to paint
        if erase:
            self.erased.emit(float(at[0]), float(at[1]), ERASER_SHARE * e.half)
            return
        # a drag leaves a trail of points a little apart, not one per mouse event
        if self._last_paint is None or np.hypot(*(at - self._last_paint)) >= TRAIL * e.half:
            self._last_paint = at
            self.painted.emit(float(at[0]), float(at[1]))

    def set_show_test(self, show: bool) -> None:
        self._point_items[True].setVisible(bool(show))

    def set_discretize(self, discretize: bool) -> None:
        """Show the predicted class (the sign of the output) instead of its strength.

        Binary: +-1; K classes: full-strength class colours; regression: the sign.
        """
        self._discretize = bool(discretize)
        self._redraw()

    # --- the heatmap ---------------------------------------------------------------

    def _redraw(self) -> None:
        snap = self._snap
        if snap is None:
            return
        if snap.grids is None:
            self._show_scalar(_BLANK, -1.0, 1.0)
            return
        limit = target_limit(snap.dataset) if self._neuron == (-1, -1) else 1.0
        values, levels = heatmap_values(
            snap.grids, snap.config, self._neuron, self._discretize, limit
        )
        if levels is None:
            self._show_rgba(values)
        else:
            self._show_scalar(values, *levels)

    def _show_scalar(self, values: np.ndarray, lo: float, hi: float) -> None:
        # the table entry as pyqtgraph's ImageItem picked it: floor((v - lo) / (hi - lo)
        # * 256), clipped, which saturates beyond the scale and sends +-inf to its ends
        self._values, self._levels = values, (float(lo), float(hi))
        scale = 256.0 / (hi - lo)
        with np.errstate(over="ignore", invalid="ignore"):  # a diverging net's huge values
            index = values * scale
            index -= lo * scale
        np.clip(index, 0, 255, out=index)
        if np.isnan(index.max()):  # (the max is NaN if any is) diverged: drawn transparent
            index[np.isnan(index)] = 256
            rgba = NAN_TABLE.take(index.astype(np.intp)[::-1])
            self._set_pixmap(rgba.view(np.uint8).reshape(*rgba.shape, 4))
            return
        if self._indexed_shape != values.shape:
            self._indexed_shape = values.shape
            self._indexed = QImage(values.shape[1], values.shape[0], QImage.Format.Format_Indexed8)
            self._indexed.setColorTable(COLOR_TABLE)
        # into Qt's image in place (bits() each time: it detaches if shared), rows
        # reversed so +x2 is up; Qt applies the colour table as it makes the pixmap
        image = self._indexed
        bits = np.frombuffer(image.bits(), np.uint8).reshape(image.height(), -1)
        bits[::-1, : image.width()] = index
        self._set_pixmap(None)

    def _show_rgba(self, rgba: np.ndarray) -> None:
        self._values, self._levels = rgba, None
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

    def show_dataset(self, ds: Dataset | None) -> None:
        """Points to show instead of the snapshots' (painted, too few to train);
        None: the snapshots' again."""
        self._preview = ds
        if ds is not None:
            self._set_dataset(ds)
        elif self._snap is not None and self._snap.dataset is not None:
            self._set_dataset(self._snap.dataset)

    def _set_dataset(self, ds: Dataset) -> None:
        self._dataset = ds
        if self._probe is not None:  # a point of other data: the graph forgets it too
            self._probe = None
            self._place_probe()
        limit = target_limit(ds)  # regression: the targets' colours on the heatmap's scale
        self._points = {
            False: (np.asarray(ds.x_train), point_fills(ds.y_train, ds.num_classes, limit)),
            True: (np.asarray(ds.x_test), point_fills(ds.y_test, ds.num_classes, limit)),
        }
        self._draw_points()

    def _draw_points(self) -> None:
        """Paint each set of points once into a pixmap over the square."""
        if not self._points:
            return
        area = self._square  # points on the edge are cut by the square, as before
        ratio = self._points_ratio = self.canvas.devicePixelRatioF()
        for test, (xy, fills) in self._points.items():
            item = self._point_items[test]
            item.setPixmap(paint_points(area, ratio, self._to_pixels(xy), fills, test))
            item.setPos(area.topLeft())

    def _to_pixels(self, xy: np.ndarray) -> np.ndarray:
        """(n, 2) input-space points (x1, x2) as widget pixels (x right, y down)."""
        s, xy, e = self._square, np.asarray(xy, dtype=np.float64).reshape(-1, 2), self._extent
        t = ((xy - [e.cx, e.cy]) * [1, -1] + e.half) / (2 * e.half)  # 0..1 from the left, top
        return np.array([s.left(), s.top()]) + t * s.width()

    # --- axes and a square layout ----------------------------------------------

    def _layout(self) -> None:
        """Keep the plotting square square and centred, whatever shape we are given,
        and put the heatmap, border, ticks, labels and points around it."""
        w, h = self.canvas.width(), self.canvas.height()
        side = max(10, min(w - _LEFT_AXIS - _RIGHT_MARGIN, h - _BOTTOM_AXIS - _TOP_MARGIN))
        pw, ph = side + _LEFT_AXIS + _RIGHT_MARGIN, side + _BOTTOM_AXIS + _TOP_MARGIN
        x0, y0 = (w - pw) // 2 + _LEFT_AXIS, (h - ph) // 2 + _TOP_MARGIN
        s = self._square = QRectF(x0, y0, side, side)
        self._place_heatmap()
        # a 1 px line on the square's outermost pixels (pixel centres at +0.5)
        self._border.setRect(s.adjusted(0.5, 0.5, -0.5, -0.5))
        ticks, minor = QPainterPath(), QPainterPath()
        left, bottom = s.left() + 0.5, s.bottom() - 0.5  # the border's lines
        e = self._extent
        for axis, (lo, hi) in (("x", e.x_range), ("y", e.y_range)):
            labelled, between = axis_ticks(lo, hi)
            self._set_labels(axis, labelled)
            for values, path, length in ((labelled, ticks, _TICK), (between, minor, _MINOR_TICK)):
                for i, v in enumerate(values):
                    t = (v - lo) / (hi - lo)
                    if axis == "x":
                        x = min(s.left() + int(t * side), s.right() - 1) + 0.5
                        path.moveTo(x, bottom)
                        path.lineTo(x, bottom + length)
                    else:
                        y = max(s.bottom() - int(t * side), s.top() + 1) - 0.5
                        path.moveTo(left, y)
                        path.lineTo(left - length, y)
                    if path is not ticks:
                        continue
                    label = self._labels[axis][i]
                    r = label.boundingRect()
                    if axis == "x":
                        label.setPos(s.left() + t * side - r.width() / 2, s.bottom() + _TICK + 2)
                    else:
                        label.setPos(
                            left - _TICK - 2.5 - r.width(), s.bottom() - t * side - r.height() / 2
                        )
        self._ticks.setPath(ticks)
        self._place_probe()
        self._minor_ticks.setPath(minor)
        self._draw_points()

    def _set_labels(self, axis: str, values: list[float]) -> None:
        """One text item per labelled tick, made when first needed, spares hidden."""
        pool = self._labels[axis]
        while len(pool) < len(values):
            label = self.canvas.scene().addSimpleText("", self._font)
            label.setBrush(QColor(LABEL_COLOR))
            pool.append(label)
        for label, v in zip(pool, values, strict=False):
            label.setText(f"{v:g}")
        for i, label in enumerate(pool):
            label.setVisible(i < len(values))

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
