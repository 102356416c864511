"""The network graph: features -> hidden layers -> output, weights as edges.

`NetworkView.set_snapshot(snap)` draws a `Snapshot`: edge width = |w| (TF
Playground's 1..10 px over |w| in [0, 5]), edge colour = w on the diverging
scale, each neuron's tile = its output over the input square (+x2 up), the small
square at a node's lower-left corner = its bias; marks on dead, saturated and
identical units from the snapshot's diagnostics (network_marks.py).  Hovering
shows exact values, clicking edits them, the buttons change the architecture;
the view only emits signals, the main window applies them.  The signals'
indices are those of network_hits.py; `neuron_added(i)` / `neuron_removed(i)`
name hidden layer i from 0.

Zoom and pan: the wheel or a pinch zooms about the pointer, a drag anywhere
on a zoomed graph pans (zoomed in, edges leave little empty space; a click
without a move still edits), a double click on empty space (or `fit()`, Ctrl+0)
shows the whole network again.  Zoomed out over dense layers, each pair of
layers is its weight matrix and each small node a cell of its mean output
with its bias beside it (network_matrix.py); zoomed in, edges and tiles
appear (network_layout.py says where).  The legend says what is left out.
`set_interactive(False)` makes it a picture: no buttons, no hint, no
read-outs.  The words fit any size from the minimum up.

The view draws from the snapshot it shows and remembers nothing older: the
tiles are drawn again when the snapshot's grids are fresh, are another object
than the shown snapshot's, or the layout changed; otherwise only the weights
and biases change.  A snapshot without grids shows blank tiles.

Qt's own items on a `PointerCanvas` draw it all, none painting in Python, so
painting leaves the GIL to the trainer thread (canvas.py says why).  Python runs
per snapshot and in mouse and resize handlers, cheap and bounded: a 16 x 64
network is a few hundred scene items at most.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QVBoxLayout, QWidget

from playground.core.config import FEATURES, Config
from playground.core.features import SQUARE
from playground.core.snapshot import Grids, Snapshot

from . import colors
from .canvas import WHEEL_ZOOM, PointerCanvas
from .heatmap import output_kind, target_limit
from .network_chrome import NetworkChrome
from .network_edges import EdgeLayer
from .network_fit import dense_note, zoom_words
from .network_hits import (
    EdgeHit,
    FeatureHit,
    Hit,
    NodeHit,
    edge_index,
    editor_title,
    hit_target,
    hover_lines,
    hovered_neuron,
)
from .network_items import BACKGROUND, Callout, NodeLayer, edge_point, node_rect
from .network_layout import Zoom, compute_layout, zoom_about
from .network_marks import MarkLayer
from .network_matrix import OverviewLayer, strip_hit
from .network_tiles import TileColumn, fitting_grids, show_hidden_means
from .value_editor import EDITOR_STYLE, ValueEditor
from .zero_line import tile_zero_line


class NetworkView(QWidget):
    """The network graph.  Call `set_snapshot`; listen to the signals."""

    feature_toggled = Signal(str)
    layer_added = Signal()
    layer_removed = Signal()
    neuron_added = Signal(int)
    neuron_removed = Signal(int)
    weight_edited = Signal(int, int, int, float)
    bias_edited = Signal(int, int, float)
    neuron_hovered = Signal(int, int)
    neuron_selected = Signal(int, int)  # a node clicked: (graph column, unit)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(360, 260)  # the graph and its words fit from here on
        self.canvas = PointerCanvas(self, background=BACKGROUND)
        self.canvas.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.canvas)

        scene = self.canvas.scene()
        self._edges, self._nodes, self._callout = EdgeLayer(), NodeLayer(), Callout()
        self._marks = MarkLayer()  # dead, saturated and identical units
        self._overview = OverviewLayer()  # dense pairs' weight matrices, compact cells' biases
        # the selected first-layer neuron's w·x + b = 0 across its tile
        self._selected: tuple[int, int] | None = None
        self._zero_line = QGraphicsLineItem()
        self._zero_line.setPen(QPen(QColor("#202124"), 1.5, Qt.PenStyle.DashLine))
        self._zero_line.hide()
        self._zero_line.setZValue(4)  # under the bands over a zoomed graph (network_chrome)
        layers = (self._edges, self._overview, self._nodes, self._marks, self._zero_line)
        for item in (*layers, self._callout):
            scene.addItem(item)
        self._tiles: list[TileColumn] = []
        self.canvas.moved.connect(self._hover_at)
        self.canvas.clicked.connect(self._click_at)
        self.canvas.left.connect(self._pointer_left)
        self.canvas.zoomed.connect(self.zoom_at)
        self.canvas.dragged.connect(self._drag)
        self.canvas.drag_ended.connect(self._drag_ended)
        self.canvas.double_clicked.connect(self._double_click)
        self._zoom = Zoom()  # asked for; the layout holds it clamped
        self._pan_from: Zoom | None = None  # the zoom a pan started from
        self._drag_decided = False  # whether the drag under way was judged a pan or not
        self._legend_lines = 1

        signals = (self.layer_added, self.layer_removed, self.neuron_added, self.neuron_removed)
        self._chrome = NetworkChrome(self, scene, *signals)
        self.add_layer_button = self._chrome.add_layer_button
        self.remove_layer_button = self._chrome.remove_layer_button
        self._editor = ValueEditor(self)
        self._editor.setStyleSheet(EDITOR_STYLE)
        self._editor.accepted.connect(self._apply_edit)
        self._editor.cancelled.connect(self._close_editor)

        self._config = Config()  # the architecture laid out (before any snapshot: the default)
        self._snap: Snapshot | None = None  # the snapshot shown
        self._extent = SQUARE  # of the input plane the pictures cover
        self._probe: tuple[float, float] | None = None  # a point chosen on the output
        self._data: object = None  # the dataset the probe point was chosen on
        self._hover: Hit | None = None
        self._hover_pos: QPointF | None = None
        self._hovered_neuron = (-1, -1)
        self._edit_target: NodeHit | EdgeHit | None = None
        self._interactive = True
        self._relayout()

    def set_interactive(self, interactive: bool) -> None:
        """False for a picture: no buttons, no editing hint in the legend, no
        hover read-out, no editor; the graph is drawn as ever."""
        self._interactive = self._chrome.controls = bool(interactive)
        self._hover_at(None)
        self._close_editor()
        self._relayout()

    def set_snapshot(self, snap: Snapshot) -> None:
        """Draw a snapshot.  A new architecture or feature set re-lays the graph
        out, as do marks on units that change the legend's words."""
        new, old = snap.config, self._config
        rebuild = _architecture(new) != _architecture(old)
        shown = self._snap.grids if self._snap is not None else None
        new_grids = snap.fresh_grids or snap.grids is not shown
        self._snap, self._config = snap, new
        extent = snap.grids.feature_extent if snap.grids is not None else self._extent
        moved, self._extent = extent != self._extent, extent  # data elsewhere: other features
        if snap.dataset is not self._data:
            self._probe = None  # a point of other data: chosen again on the new picture
            self._data = snap.dataset
        words = self._marks.words
        marked = self._marks.take(snap)  # marks come a few times a second, not with each snapshot
        legend = self._legend(self._layout) if self._marks.words != words else None
        if rebuild or (legend is not None and len(legend.lines) != self._legend_lines):
            if rebuild:
                self._close_editor()
            self._relayout()  # (a legend of other height leaves the graph other room)
        else:
            if moved:
                self._tiles[0].show_features(self._layout.enabled, extent)
            if legend is not None:
                self._chrome.place(self._layout, legend)
            if marked:
                self._marks.show_marks(self._layout)
            self._show_parameters()
            self._show_zero_line()
            if new_grids:
                self._show_grids()
            if self._hover is not None:
                self._show_hover()

    # --- pointer --------------------------------------------------------------

    def _hover_at(self, pos: QPointF | None) -> None:
        """What a mouse move to `pos` (widget px; None = left the view) does."""
        self._hover_pos = pos
        target = None if pos is None or not self._interactive else self._target_at(pos)
        if target != self._hover:
            self._hover = target
            self._mark(target)
            self.canvas.viewport().setCursor(self._cursor(target))
        neuron = hovered_neuron(self._layout, target)
        if neuron != self._hovered_neuron:
            self._hovered_neuron = neuron
            self.neuron_hovered.emit(*neuron)
        self._show_hover()

    def _cursor(self, target: Hit | None) -> Qt.CursorShape:
        if target is not None:
            return Qt.CursorShape.PointingHandCursor
        if self._pan_from is not None:
            return Qt.CursorShape.ClosedHandCursor
        fitted = self._layout.zoom.fitted
        return Qt.CursorShape.ArrowCursor if fitted else Qt.CursorShape.OpenHandCursor

    def _pointer_left(self) -> None:
        self._hover_at(None)

    # --- zoom and pan -----------------------------------------------------------

    @property
    def zoom(self) -> Zoom:
        """The zoom shown (scale 1: the whole network)."""
        return self._layout.zoom

    def zoom_at(self, pos: QPointF, factor: float) -> None:
        """Zoom by `factor` about `pos` (widget px), within what the network allows."""
        self._set_zoom(zoom_about(self._layout, factor, pos.x(), pos.y()))

    def zoom_by(self, factor: float) -> None:
        """Zoom by `factor` about the middle of the graph (the menu's zoom in and out)."""
        lay = self._layout
        self.zoom_at(QPointF(lay.width / 2, (lay.view_top + lay.view_bottom) / 2), factor)

    def zoom_in(self) -> None:
        self.zoom_by(WHEEL_ZOOM)

    def zoom_out(self) -> None:
        self.zoom_by(1 / WHEEL_ZOOM)

    def fit(self) -> None:
        """Show the whole network again."""
        self._set_zoom(Zoom())

    def _set_zoom(self, zoom: Zoom) -> None:
        if zoom != self._layout.zoom:
            self._close_editor()
            self._zoom = zoom
            self._relayout()
            if self._hover_pos is not None:
                self._hover_at(self._hover_pos)

    def _drag(self, start: QPointF, now: QPointF) -> None:
        """A left drag on a zoomed graph pans it."""
        if not self._drag_decided:
            self._drag_decided = True
            self._pan_from = None if self._layout.zoom.fitted else self._layout.zoom
            self.canvas.viewport().setCursor(self._cursor(None))
        if self._pan_from is not None:
            z = self._pan_from
            move = now - start
            self._set_zoom(Zoom(z.scale, z.dx + move.x(), z.dy + move.y()))

    def _drag_ended(self) -> None:
        self._drag_decided, self._pan_from = False, None
        self.canvas.viewport().setCursor(self._cursor(self._hover))

    def _double_click(self, pos: QPointF) -> None:
        if self._target_at(pos) is None:
            self.fit()

    def _click_at(self, pos: QPointF) -> None:
        """What a left click at `pos` (widget px) does."""
        self._close_editor()
        target = self._target_at(pos) if self._interactive else None
        match target:
            case FeatureHit(name):
                self.feature_toggled.emit(name)
            case NodeHit(layer, unit) if self._snap is not None and not self._snap.config.use_bias:
                self._select(layer, unit)  # no bias to edit
            case NodeHit(layer, unit) if self._snap is not None:
                self._select(layer, unit)
                self._open_editor(target, self._snap, pos)
            case EdgeHit() if self._snap is not None:
                self._open_editor(target, self._snap, pos)

    def _target_at(self, pos: QPointF) -> Hit | None:
        lay, x, y = self._layout, pos.x(), pos.y()
        if not lay.zoom.fitted and not lay.view_top <= y <= lay.view_bottom:
            return None  # under the bands that keep the titles and legend clear
        hit = hit_target(lay, x, y, self._edges.widths)
        if hit is None and (weight := strip_hit(self._overview.strips, x, y)) is not None:
            hit = EdgeHit(*weight)  # a cell of a weight matrix
        return hit

    def _mark(self, target: Hit | None) -> None:
        match target:
            case None:
                self._nodes.set_hover()
            case EdgeHit(layer, row, col):
                e = edge_index(self._layout, target)
                a, b = edge_point(self._layout, e, 0.0), edge_point(self._layout, e, 1.0)
                w = 0.0 if self._snap is None else float(self._snap.weights[layer][row, col])
                colour = QColor(*colors.to_rgba(np.clip(np.array(w), -1.0, 1.0)).tolist())
                width = max(2.0, float(self._edges.widths[e]))  # (an undrawn one: a matrix cell)
                self._nodes.set_hover(line=(a, b, width, colour))
            case FeatureHit(name):
                self._nodes.set_hover(node_rect(self._layout, 0, FEATURES.index(name)))
            case NodeHit(layer, unit):
                self._nodes.set_hover(node_rect(self._layout, layer, unit))

    def _select(self, layer: int, unit: int) -> None:
        self._selected = (layer, unit)
        self._show_zero_line()
        self.neuron_selected.emit(layer, unit)

    def _show_zero_line(self) -> None:
        """The selected first-layer neuron's w·x + b = 0 over its tile (x1, x2 inputs)."""
        ends = tile_zero_line(self._snap, self._selected, self._layout, self._extent)
        if ends is None:
            self._zero_line.hide()
        else:
            self._zero_line.setLine(*ends)
            self._zero_line.show()

    def set_probe(self, x1: float, x2: float) -> None:
        """The point a node's hover works its sum out at (chosen on the output)."""
        self._probe = (x1, x2)
        self._show_hover()

    def _show_hover(self) -> None:
        if self._hover is None or self._hover_pos is None:
            self._callout.hide()
            return
        bounds = QRectF(0, 0, self._layout.width, self._layout.height)
        lines = hover_lines(self._hover, self._layout, self._snap, self._grids(), self._probe)
        self._callout.show_text(lines, self._hover_pos, bounds)

    # --- editing ----------------------------------------------------------------

    def _open_editor(self, target: NodeHit | EdgeHit, snap: Snapshot, pos: QPointF) -> None:
        title, value = editor_title(self._layout, target, snap)
        self._edit_target = target
        self._callout.hide()
        self._editor.open(title, value, pos)

    def _apply_edit(self, value: float) -> None:
        target, self._edit_target = self._edit_target, None
        match target:
            case EdgeHit(layer, row, col):
                self.weight_edited.emit(layer, row, col, value)
            case NodeHit(layer, unit):
                self.bias_edited.emit(layer - 1, unit, value)

    def _close_editor(self) -> None:
        self._edit_target = None
        self._editor.hide()

    # --- drawing --------------------------------------------------------------

    def _grids(self) -> Grids | None:
        """The shown snapshot's grids, if it has some that fit the layout."""
        snap = self._snap
        return None if snap is None else fitting_grids(snap.grids, self._config.layer_sizes)

    def _show_parameters(self) -> None:
        snap, n = self._snap, len(self._layout.edge_x0)
        w = np.zeros(n) if snap is None else np.concatenate([np.ravel(w) for w in snap.weights])
        if len(w) == n:
            self._edges.set_weights(w)
        # the view's antialiasing is the edges': off when very many, which cost too much
        aa = self._edges.antialiased
        if aa != bool(self.canvas.renderHints() & QPainter.RenderHint.Antialiasing):
            self.canvas.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
            self._nodes.smooth = aa
        if snap is None:
            return
        self._nodes.set_biases(np.concatenate([np.ravel(b) for b in snap.biases]))
        self._nodes.show_biases(snap.config.use_bias)
        self._overview.set_parameters(snap.weights, snap.biases, snap.config.use_bias)
        if isinstance(self._hover, EdgeHit):  # its width and colour may have changed
            self._mark(self._hover)

    def _show_grids(self) -> None:
        grids, last = self._grids(), len(self._tiles) - 1
        limit = target_limit(self._snap.dataset) if self._snap is not None else 1.0
        compact: list[tuple[TileColumn, np.ndarray]] = []  # tiny hidden tiles: all at once
        for c, tile in enumerate(self._tiles[1:], start=1):
            if grids is None:
                tile.show_blank()
            elif not tile.shown:  # (a zoomed view leaves columns out of sight undrawn)
                continue
            elif c < last and not tile.column.tiles:
                compact.append((tile, grids.layers[c]))
            else:
                kind = output_kind(self._config) if c == last else "hidden"
                tile.show_values(grids.layers[c], kind, limit if c == last else 1.0)
        if compact:
            show_hidden_means([t for t, _ in compact], [g for _, g in compact])

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._relayout()

    # The pointer over the view (its canvas or the + / - buttons on it): repaint
    # in full, as the buttons repaint over the canvas (canvas.repaint_in_full);
    # training with the pointer elsewhere repaints only what changed.
    def enterEvent(self, ev) -> None:
        self.canvas.repaint_in_full(True)
        super().enterEvent(ev)

    def leaveEvent(self, ev) -> None:
        self.canvas.repaint_in_full(False)
        super().leaveEvent(ev)

    def _legend(self, lay):
        note, zoom = dense_note(lay), zoom_words(lay.zoom.scale)
        return self._chrome.legend(self.width(), note, self._marks.words, zoom)

    def _relayout(self) -> None:
        cfg, n = self._config, self._legend_lines
        for _ in range(3):  # the legend's lines take room from the graph, whose detail they name
            size = (self.width(), self.height())
            lay = compute_layout(*size, cfg.features, cfg.hidden, cfg.num_outputs, n, self._zoom)
            legend = self._legend(lay)
            if len(legend.lines) == n:
                break
            n = len(legend.lines)
        self._legend_lines = len(legend.lines)
        self._layout = lay
        self._hover = None
        if self._hovered_neuron != (-1, -1):  # it may not exist any more
            self._hovered_neuron = (-1, -1)
            self.neuron_hovered.emit(-1, -1)
        self._nodes.set_hover()
        self._callout.hide()
        self._edges.set_layout(lay)
        self._overview.set_layout(lay)
        self._nodes.set_layout(lay)
        self._marks.show_marks(lay)
        scene = self.canvas.scene()
        for c, col in enumerate(lay.columns):
            if c < len(self._tiles):
                self._tiles[c].set_column(col, lay)
            else:
                self._tiles.append(TileColumn(col, lay))
                scene.addItem(self._tiles[-1])
        while len(self._tiles) > len(lay.columns):
            scene.removeItem(self._tiles.pop())
        self._tiles[0].show_features(lay.enabled, self._extent)
        self._show_parameters()
        self._show_zero_line()
        self._show_grids()
        self._chrome.place(lay, legend)
        self._editor.raise_()
        self.canvas.viewport().update()  # all of it: items came, went and moved


def _architecture(cfg: Config) -> tuple:
    return cfg.features, cfg.hidden, cfg.num_outputs
