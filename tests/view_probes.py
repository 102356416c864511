"""Read-outs of what the views draw, for tests only: functions taking the view.

They look inside the views (tests may read privates), so the views themselves
keep no code that only tests call.  Indices are the views' own: nodes as in
Grids.layers, edges as in snapshot.weights (network_hits.py).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF
from PySide6.QtGui import QImage, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsSimpleTextItem,
    QLineEdit,
    QToolButton,
    QWidget,
)

from playground.views import colors, network_items
from playground.views.diagnostics_view import DiagnosticsView
from playground.views.loss_view import LossView
from playground.views.network_hits import EdgeHit, edge_index
from playground.views.network_layout import SHADES
from playground.views.network_view import NetworkView
from playground.views.output_view import OutputView

# --- the network graph ----------------------------------------------------------------


def edge_pen_widths(view: NetworkView) -> np.ndarray:
    """Pen width (px) each edge is drawn with (0: not drawn), in the order
    np.concatenate([w.ravel() for w in snap.weights])."""
    return view._edges.widths.copy()


def edge_colors(view: NetworkView) -> np.ndarray:
    """(edges, 4) uint8 RGBA of each edge, before the layout's fading (same order)."""
    return colors.to_rgba(view._edges.shades / SHADES)


def drawn_pens(view: NetworkView) -> list[QPen]:
    """The pens of the visible edge buckets, bottom to top."""
    items = view._edges._items
    return [items[k].pen() for k in sorted(items)]


def tile_images(view: NetworkView) -> list[np.ndarray]:
    """Per Grids layer, (units, size, size, 4) uint8 tiles as drawn, +x2 up;
    [0] holds the enabled features' tiles (the disabled are drawn dimmed too)."""
    per_column = [tile.tiles() for tile in view._tiles]
    return [per_column[0][np.flatnonzero(view._layout.enabled)], *per_column[1:]]


def tile_pixmap_keys(view: NetworkView) -> list[int]:
    """Each tile column's pixmap cache key: it changes whenever the tiles are drawn."""
    return [tile.pixmap().cacheKey() for tile in view._tiles]


def bias_colors(view: NetworkView) -> list[np.ndarray]:
    """Per layer of snap.biases, (units, 4) uint8 RGBA of the bias squares."""
    sizes = [c.count for c in view._layout.columns[1:]]
    return np.split(view._nodes._bias_rgba, np.cumsum(sizes)[:-1])


def node_rect(view: NetworkView, layer: int, unit: int) -> QRectF:
    """A node's rectangle in widget pixels (layer as in Grids.layers; for
    layer 0, unit indexes all nine features of config.FEATURES)."""
    return network_items.node_rect(view._layout, layer, unit)


def edge_point(view: NetworkView, layer: int, row: int, col: int, t: float = 0.5) -> QPointF:
    """A point on the edge of weights[layer][row, col] (t = 0 start, 1 end)."""
    return network_items.edge_point(
        view._layout, edge_index(view._layout, EdgeHit(layer, row, col)), t
    )


def edge_of(view: NetworkView, e: int) -> tuple[int, int, int]:
    """(layer, row, col) of the e-th edge in the canonical order."""
    lay = view._layout
    return int(lay.edge_layer[e]), int(lay.edge_row[e]), int(lay.edge_col[e])


def hover_text(view: NetworkView) -> str:
    """The hover read-out's text ('' when hidden)."""
    callout = view._callout
    return "\n".join(callout.lines) if callout.isVisible() else ""


def editor_title(view: NetworkView) -> str:
    """The open editor's title ('' when closed)."""
    return view._editor.label.text() if view._editor.isVisible() else ""


def texts(view: NetworkView) -> list[tuple[str, QRectF]]:
    """Every text drawn on the graph (titles, names, counts, legend; not the
    hover card's), with its box in widget px."""
    found = []
    for item in view.canvas.scene().items():
        card = item.parentItem() is view._callout
        if isinstance(item, QGraphicsSimpleTextItem) and item.isVisible() and not card:
            found.append((item.text(), item.sceneBoundingRect()))
    return found


def legend_texts(view: NetworkView) -> list[str]:
    """The legend's words, line by line, top to bottom."""
    top = view._layout.legend_y
    lines = [(r.top(), r.left(), t) for t, r in texts(view) if r.top() >= top]
    return [t for _, _, t in sorted(lines) if t not in ("−1", "+1")]  # the bar's ends


def marked_units(view: NetworkView) -> dict[str, list[tuple[int, int]]]:
    """The (layer, unit) of every marked hidden unit by kind ("dead",
    "saturated", "symmetric"), layer as in Grids.layers (hidden from 1)."""
    marks = view._marks.marks
    found: dict[str, list[tuple[int, int]]] = {}
    for kind, arrays in (
        ("dead", marks.dead),
        ("saturated", marks.saturated),
        ("symmetric", [g >= 0 for g in marks.group]),
    ):
        found[kind] = [(c + 1, int(u)) for c, a in enumerate(arrays) for u in np.flatnonzero(a)]
    return found


def mark_paths(view: NetworkView) -> dict[str, QPainterPath]:
    """The marks' shapes in widget px, by item ("veil", "grey", "hatch",
    "badges", "rings", "thin_rings", "chips", "bars"; the last two joined over
    the group colours); an empty path for an item not shown."""
    layer = view._marks
    items = {
        "veil": [layer._veil],
        "grey": [layer._grey],
        "hatch": [layer._hatch],
        "badges": [layer._badges],
        "rings": [layer._rings],
        "thin_rings": [layer._thin_rings],
        "chips": layer._chips,
        "bars": layer._bars,
    }
    out = {}
    for name, group in items.items():
        path = QPainterPath()
        for item in group:
            if item.isVisible():
                path.addPath(item.path())
        out[name] = path
    return out


def mark_letters(view: NetworkView) -> list[tuple[str, QRectF]]:
    """Each identical-group tag's letter shown, with its box in widget px."""
    return [(t.text(), t.sceneBoundingRect()) for t in view._marks._letters if t.isVisible()]


def buttons(view: NetworkView) -> list[QToolButton]:
    """The architecture buttons shown over the graph."""
    return [b for b in view.findChildren(QToolButton) if b.isVisible()]


def on_screen(widget: QWidget) -> QImage:
    """What the screen shows of `widget` (its window's backing store: parts Qt
    did not repaint stay as they were, unlike widget.grab(), which draws anew)."""
    window = widget.window()
    at = widget.mapTo(window, QPoint(0, 0))
    shot = window.screen().grabWindow(
        window.winId(), at.x(), at.y(), widget.width(), widget.height()
    )
    return shot.toImage().convertToFormat(QImage.Format.Format_RGB32)


def editor(view: NetworkView) -> QLineEdit | None:
    """The in-place value editor's line while it is open."""
    return view._editor.line if view._editor.isVisible() else None


def item_count(view: NetworkView) -> int:
    return len(view.canvas.scene().items())


def neuron_buttons(view: NetworkView, layer: int) -> tuple[QToolButton, QToolButton]:
    """The (+, −) buttons of hidden layer `layer` (from 0)."""
    return view._chrome.neuron_buttons[layer]


def hover_at(view: NetworkView, pos: QPointF | None) -> None:
    """What a mouse move to `pos` (widget px; None = left the view) does."""
    view._hover_at(pos)


def click_at(view: NetworkView, pos: QPointF) -> None:
    """What a left click at `pos` (widget px) does."""
    view._click_at(pos)


# --- the output view -------------------------------------------------------------------


def image_values(view: OutputView) -> tuple[np.ndarray, tuple[float, float] | None]:
    """(values, levels) shown, row 0 at x2 = -6: (R, R) values clipped to the
    levels at the ends of the colour scale (NaN stays NaN), or (R, R, 4) uint8
    RGBA and None when classes are coloured directly."""
    levels = view._levels
    if levels is None:
        return view._values, None
    return np.clip(view._values, *levels).astype(np.float32, copy=False), levels


def image_rgba(view: OutputView) -> np.ndarray:
    """(R, R, 4) uint8 RGBA as drawn, rows top (x2 = +6) to bottom; NaN is transparent."""
    image = view._heatmap.pixmap().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return rows[:, : 4 * image.width()].reshape(image.height(), image.width(), 4).copy()


def heatmap_key(view: OutputView) -> int:
    """The heatmap pixmap's cache key: it changes whenever the heatmap is drawn."""
    return view._heatmap.pixmap().cacheKey()


def shown_neuron(view: OutputView) -> tuple[int, int]:
    """The (layer, unit) shown; (-1, -1) for the output."""
    return view._neuron


def to_pixels(view: OutputView, xy: np.ndarray) -> np.ndarray:
    """(n, 2) input-space points (x1, x2) as widget pixels (x right, y down)."""
    return view._to_pixels(xy)


def point_positions(view: OutputView, test: bool = False) -> np.ndarray:
    """(n, 2) input-space positions of the training (or test) points drawn."""
    return view._points[test][0] if test in view._points else np.zeros((0, 2))


def point_colors(view: OutputView, test: bool = False) -> list[str]:
    """Fill colour names ("#rrggbb") of the points, in the order of point_positions."""
    return [c.name() for c in view._points[test][1]] if test in view._points else []


def points_visible(view: OutputView, test: bool = False) -> bool:
    """Whether that set of points is drawn (test points only when asked for)."""
    return view._point_items[test].isVisible() and test in view._points


# --- the Diagnostics dock -------------------------------------------------------------


def bars(view: DiagnosticsView) -> tuple[np.ndarray, np.ndarray]:
    """The histogram as drawn: (x of the bars' edges (bars + 1), heights); x are
    the values on even bins, the bins' numbers (0, 1, ...) on logarithmic ones."""
    rects = [b.rect() for b in view.histogram.bars if b.isVisible()]
    x = [r.left() for r in rects] + [rects[-1].right()]
    return np.array(x), np.array([r.height() for r in rects])


def curve(item: QGraphicsPathItem) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of a line as drawn, in its plot's coordinates (log10 on a log axis)."""
    path = item.path()
    points = [path.elementAt(i) for i in range(path.elementCount())]
    return np.array([p.x for p in points]), np.array([p.y for p in points])


# --- both plots --------------------------------------------------------------------------


def plot_rect(view: OutputView | LossView) -> QRectF:
    """The plotting area: the output view's square in widget pixels (the heatmap
    fills it), or the loss plot's area in canvas pixels."""
    return QRectF(view._square if isinstance(view, OutputView) else view._plot)


def tick_labels(view: OutputView | LossView, axis: str) -> list[tuple[str, float]]:
    """Each label of the "x" (bottom) or "y" (left) axis and where its centre sits
    along that axis, in widget (output) or canvas (loss) pixels."""
    if isinstance(view, OutputView):
        labels = view._labels[axis]
    else:
        labels = [label for label in view._axes._labels if label.data(0) == axis]
    centres = [(label, label.sceneBoundingRect().center()) for label in labels]
    return [(label.text(), c.x() if axis == "x" else c.y()) for label, c in centres]


# --- the loss view --------------------------------------------------------------------


def readout_texts(view: LossView) -> list[str]:
    """What the read-outs say, e.g. ["Epoch 000,412", "Test loss 0.057", ...]."""
    shown = [view.epoch, view.test_loss, view.train_loss]
    if not view.test_accuracy.isHidden():
        shown += [view.test_accuracy, view.train_accuracy]
    return [f"{r.caption} {r._value}" for r in shown]


def off_scale_note(view: LossView) -> str:
    """The note over the plot on losses above its range ('' when none)."""
    return view._note.text()


def log_scale(view: LossView) -> bool:
    return view._log


def curve_data(view: LossView, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, losses) of the "train" or "test" curve as plotted: cleaned,
    decimated, and log10 of the loss on a log scale."""
    return view._plotted[name]


def curve_path(view: LossView, name: str) -> QPainterPath:
    """The curve's path in canvas pixels."""
    return view._curves[name].path()


def view_range(view: LossView) -> tuple[tuple[float, float], tuple[float, float]]:
    """((epoch from, to), (loss from, to)) shown; the loss in log10 on a log scale."""
    return view._view_range()
