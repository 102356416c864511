"""The network graph: features -> hidden layers -> output, weights as edges.

`NetworkView.set_snapshot(snap)` draws a `Snapshot`: edge width = |w| (TF
Playground's 1..10 px over |w| in [0, 5]), edge colour = w on the diverging
scale, each neuron's tile = its output over the input square (+x2 up), the small
square at a node's lower-left corner = its bias.  Hovering shows exact values,
clicking edits them, the buttons change the architecture; the view only emits
signals, the main window applies them.

Index conventions of the signals: `weight_edited(layer, row, col, value)` and
`bias_edited(layer, row, value)` use the snapshot's layout (weights[layer] is
(out, in); for layer 0, col counts the *enabled* features in config.FEATURES
order); `neuron_hovered(layer, unit)` uses Grids.layers indices (0 = inputs,
1..L hidden, L+1 output); `neuron_added(i)` / `neuron_removed(i)` name hidden
layer i from 0.

Qt's own items on a `PixelCanvas` draw it all, none painting in Python, so
painting leaves the GIL to the trainer thread (canvas.py says why).  Python runs
per snapshot and in mouse and resize handlers, and stays cheap and bounded: a
path item per edge bucket, a pixmap per column of tiles, a square per bias, a
few dozen labels: a 16 x 64 network is a few hundred scene items at most.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsRectItem,
    QGraphicsSimpleTextItem,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from playground.core import config as C
from playground.core.config import FEATURES, Config
from playground.core.features import LABELS
from playground.core.snapshot import Grids, Snapshot

from . import colors
from .canvas import PixelCanvas
from .network_items import (
    BACKGROUND,
    MUTED,
    TEXT,
    Callout,
    EdgeLayer,
    NodeLayer,
    TileColumn,
    font,
)
from .network_layout import (
    BUTTON,
    CONTROLS_Y,
    COUNT_Y,
    LAYER_BUTTON,
    MARGIN,
    MAX_LAYER_EDGES,
    SHADES,
    TITLE_Y,
    compute_layout,
    describe_node,
    hit_edge,
    hit_node,
    hover_lines,
)
from .value_editor import ValueEditor

_STYLE = f"""
QToolButton#nvButton {{
    background: #ffffff; color: #3c4043; border: 1px solid #c4c9d0;
    border-radius: 4px; font-weight: bold; padding: 0px;
}}
QToolButton#nvButton:hover {{ background: #e8f0fe; border-color: #1a73e8; color: #1a73e8; }}
QToolButton#nvButton:pressed {{ background: #d2e3fc; }}
QToolButton#nvButton:disabled {{ color: #c9ccd1; border-color: #e6e8eb; background: #f7f8f9; }}
QFrame#nvEditor {{ background: #ffffff; border: 1px solid #1a73e8; border-radius: 6px; }}
QFrame#nvEditor QLabel {{ color: {MUTED}; border: none; background: transparent; }}
QFrame#nvEditor QLineEdit {{
    background: #ffffff; color: {TEXT}; border: 1px solid #c4c9d0; border-radius: 3px;
    padding: 2px 4px; selection-background-color: #1a73e8; selection-color: #ffffff;
}}
QFrame#nvEditor QLineEdit[invalid="true"] {{ border: 1px solid #d93025; }}
"""


def _output_kind(cfg: Config) -> str:
    return "linear" if cfg.num_classes == 0 else cfg.output_activation


class _Canvas(PixelCanvas):
    """Scene coordinates are widget pixels.  Reports mouse moves, the mouse
    leaving, and left clicks (press and release without a drag); only event
    handlers here, no painting, so Qt still paints without Python."""

    moved = Signal(QPointF)
    left = Signal()
    clicked = Signal(QPointF)

    def __init__(self, parent: QWidget | None = None, background: str = "#ffffff") -> None:
        super().__init__(parent, background)
        self.viewport().setMouseTracking(True)  # moves without a button pressed, too
        self._press: QPointF | None = None

    def mouseMoveEvent(self, ev) -> None:
        self.moved.emit(self.mapToScene(ev.position().toPoint()))
        super().mouseMoveEvent(ev)

    def leaveEvent(self, ev) -> None:
        self.left.emit()
        super().leaveEvent(ev)

    # the scene's items take no clicks: presses stop here, unseen by the scene
    def mousePressEvent(self, ev) -> None:
        left = ev.button() == Qt.MouseButton.LeftButton
        self._press = ev.position() if left else None
        ev.accept()

    def mouseDoubleClickEvent(self, ev) -> None:  # the second click of a double click
        self.mousePressEvent(ev)

    def mouseReleaseEvent(self, ev) -> None:
        press, self._press = self._press, None
        if press is None or ev.button() != Qt.MouseButton.LeftButton:
            return
        if (ev.position() - press).manhattanLength() <= QApplication.startDragDistance():
            self.clicked.emit(self.mapToScene(ev.position().toPoint()))


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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(380, 300)
        self.setStyleSheet(_STYLE)
        self.canvas = _Canvas(self, background=BACKGROUND)
        self.canvas.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.canvas)

        scene = self.canvas.scene()
        self._edges, self._nodes, self._callout = EdgeLayer(), NodeLayer(), Callout()
        for item in (self._edges, self._nodes, self._callout):
            scene.addItem(item)
        self._tiles: list[TileColumn] = []
        self._labels: list = []  # texts and the legend, rebuilt with the layout
        self.canvas.moved.connect(self.hover_at)
        self.canvas.clicked.connect(self.click_at)
        self.canvas.left.connect(lambda: self.hover_at(None))

        self.add_layer_button = self._button("+", "Add a hidden layer", self.layer_added.emit)
        self.remove_layer_button = self._button(
            "−", "Remove the last hidden layer", self.layer_removed.emit
        )
        self._neuron_buttons: list[tuple[QToolButton, QToolButton]] = []
        self._editor = ValueEditor(self)
        self._editor.accepted.connect(self._apply_edit)
        self._editor.cancelled.connect(self._close_editor)

        self._config = Config()
        self._snap: Snapshot | None = None
        self._grids: Grids | None = None
        self._hover: tuple | None = None
        self._hover_pos: QPointF | None = None
        self._hovered_neuron = (-1, -1)
        self._edit_target: tuple | None = None
        self._relayout()

    # --- public ---------------------------------------------------------------

    def set_snapshot(self, snap: Snapshot) -> None:
        """Draw a snapshot.  A new architecture or feature set re-lays the graph
        out; snap.grids None keeps the tiles of the last snapshot that had grids."""
        new, old = snap.config, self._config
        rebuild = (new.features, new.hidden, new.num_outputs) != (
            old.features,
            old.hidden,
            old.num_outputs,
        )
        self._snap, self._config = snap, new
        if rebuild:
            self._grids = snap.grids if self._grids_fit(snap.grids) else None
            self._close_editor()
            self._relayout()
            return
        self._show_parameters()
        if snap.grids is not None and self._grids_fit(snap.grids):
            self._grids = snap.grids
            self._show_grids()
        if self._hover is not None:
            self._show_hover()

    def neuron_buttons(self, layer: int) -> tuple[QToolButton, QToolButton]:
        """The (+, −) buttons of hidden layer `layer` (from 0)."""
        return self._neuron_buttons[layer]

    def edge_pen_widths(self) -> np.ndarray:
        """Pen width (px) each edge is drawn with, in the order
        np.concatenate([w.ravel() for w in snap.weights])."""
        return self._edges.widths.copy()

    def edge_colors(self) -> np.ndarray:
        """(edges, 4) uint8 RGBA of each edge (same order as edge_pen_widths)."""
        return self._edges.edge_colors()

    def tile_images(self) -> list[np.ndarray]:
        """Per Grids layer, (units, size, size, 4) uint8 tiles as drawn, +x2 up;
        [0] holds the enabled features' tiles (the disabled are drawn dimmed too)."""
        feats = self._tiles[0].tiles()[np.flatnonzero(self._layout.enabled)]
        return [feats, *(t.tiles() for t in self._tiles[1:])]

    def bias_colors(self) -> list[np.ndarray]:
        """Per layer of snap.biases, (units, 4) uint8 RGBA of the bias squares."""
        sizes = [c.count for c in self._layout.columns[1:]]
        return np.split(self._nodes.bias_rgba, np.cumsum(sizes)[:-1])

    def node_rect(self, layer: int, unit: int) -> QRectF:
        """A node's rectangle in widget pixels (layer as in Grids.layers; for
        layer 0, unit indexes all nine features of config.FEATURES)."""
        col = self._layout.columns[layer]
        return QRectF(col.x, col.node_top(unit), col.size, col.size)

    def edge_point(self, layer: int, row: int, col: int, t: float = 0.5) -> QPointF:
        """A point on the edge of weights[layer][row, col] (t = 0 start, 1 end)."""
        lay = self._layout
        e = self._edge_index(layer, row, col)
        x = lay.edge_x0[e] + t * (lay.edge_x1[e] - lay.edge_x0[e])
        y = lay.edge_y0[e] + t * (lay.edge_y1[e] - lay.edge_y0[e])
        return QPointF(float(x), float(y))

    def hover_text(self) -> str:
        """The hover read-out's text ('' when hidden)."""
        return self._callout.text if self._callout.isVisible() else ""

    def editor(self) -> QLineEdit | None:
        """The in-place value editor while it is open."""
        return self._editor.line if self._editor.isVisible() else None

    def item_count(self) -> int:
        return len(self.canvas.scene().items())

    # --- pointer --------------------------------------------------------------

    def hover_at(self, pos: QPointF | None) -> None:
        """What a mouse move to `pos` (widget px; None = left the view) does."""
        self._hover_pos = pos
        target = self._hit(pos) if pos is not None else None
        if target != self._hover:
            self._hover = target
            self._mark(target)
            shape = (
                Qt.CursorShape.ArrowCursor if target is None else Qt.CursorShape.PointingHandCursor
            )
            self.canvas.viewport().setCursor(shape)
        neuron = (-1, -1)
        if target is not None and target[0] == "node":
            neuron = (target[1], target[2])
        elif target is not None and target[0] == "feature" and self._layout.enabled[target[1]]:
            neuron = (0, int(np.sum(self._layout.enabled[: target[1]])))
        if neuron != self._hovered_neuron:
            self._hovered_neuron = neuron
            self.neuron_hovered.emit(*neuron)
        self._show_hover()

    def click_at(self, pos: QPointF) -> None:
        """What a left click at `pos` (widget px) does."""
        self._close_editor()
        target = self._hit(pos)
        if target is None:
            return
        if target[0] == "feature":
            self.feature_toggled.emit(FEATURES[target[1]])
        elif self._snap is not None:
            self._open_editor(target, pos)

    def _hit(self, pos: QPointF) -> tuple | None:
        lay = self._layout
        n = hit_node(lay, pos.x(), pos.y())
        if n >= 0:
            c, u = int(lay.node_column[n]), int(lay.node_unit[n])
            return ("feature", u) if c == 0 else ("node", c, u)
        e = hit_edge(lay, pos.x(), pos.y(), self._edges.widths)
        if e >= 0:
            return ("edge", int(lay.edge_layer[e]), int(lay.edge_row[e]), int(lay.edge_col[e]))
        return None

    def _mark(self, target: tuple | None) -> None:
        if target is None:
            self._nodes.set_hover()
        elif target[0] == "edge":
            a, b = self.edge_point(*target[1:], t=0.0), self.edge_point(*target[1:], t=1.0)
            e = self._edge_index(*target[1:])
            colour = QColor(*colors.to_rgba(self._edges.shades[e] / SHADES).tolist())
            self._nodes.set_hover(line=(a, b, float(self._edges.widths[e]), colour))
        else:
            layer = 0 if target[0] == "feature" else target[1]
            self._nodes.set_hover(self.node_rect(layer, target[-1]))

    def _edge_index(self, layer: int, row: int, col: int) -> int:
        lay = self._layout
        start = int(np.searchsorted(lay.edge_layer, layer))
        n_in = int(np.sum(lay.enabled)) if layer == 0 else lay.columns[layer].count
        return start + row * n_in + col

    # --- the hover read-out ---------------------------------------------------

    def _show_hover(self) -> None:
        if self._hover is None or self._hover_pos is None:
            self._callout.hide()
            return
        bounds = QRectF(0, 0, self._layout.width, self._layout.height)
        lines = hover_lines(self._hover, self._layout, self._config, self._snap, self._grids)
        self._callout.show_text(lines, self._hover_pos, bounds)

    # --- editing ----------------------------------------------------------------

    def _open_editor(self, target: tuple, pos: QPointF) -> None:
        snap = self._snap
        if target[0] == "edge":
            _, layer, row, col = target
            value = float(snap.weights[layer][row, col])
            title = f"weight  {hover_lines(target, self._layout, self._config, snap)[1]}"
        else:
            _, layer, unit = target
            value = float(snap.biases[layer - 1][unit])
            title = f"bias  {describe_node(self._layout, layer, unit)}"
        self._edit_target = target
        self._callout.hide()
        self._editor.open(title, value, pos)

    def _apply_edit(self, value: float) -> None:
        target, self._edit_target = self._edit_target, None
        if target is None:
            return
        if target[0] == "edge":
            self.weight_edited.emit(target[1], target[2], target[3], value)
        else:
            self.bias_edited.emit(target[1] - 1, target[2], value)

    def _close_editor(self) -> None:
        self._edit_target = None
        self._editor.hide()

    # --- drawing --------------------------------------------------------------

    def _grids_fit(self, grids: Grids | None) -> bool:
        if grids is None:
            return False
        sizes = self._config.layer_sizes
        return len(grids.layers) == len(sizes) and all(
            g.shape[2] == n for g, n in zip(grids.layers, sizes, strict=True)
        )

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
        if self._hover is not None and self._hover[0] == "edge":
            self._mark(self._hover)

    def _show_grids(self) -> None:
        last = len(self._tiles) - 1
        for c, tile in enumerate(self._tiles[1:], start=1):
            if self._grids is None:
                tile.show_blank()
            else:
                kind = _output_kind(self._config) if c == last else "hidden"
                tile.show_values(self._grids.layers[c], kind)

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._relayout()

    def _relayout(self) -> None:
        cfg = self._config
        lay = compute_layout(self.width(), self.height(), cfg.features, cfg.hidden, cfg.num_outputs)
        self._layout = lay
        self._hover = None
        if self._hovered_neuron != (-1, -1):  # it may not exist any more
            self._hovered_neuron = (-1, -1)
            self.neuron_hovered.emit(-1, -1)
        self._nodes.set_hover()
        self._callout.hide()
        self._edges.set_layout(lay)
        self._nodes.set_layout(lay)
        scene = self.canvas.scene()
        while len(self._tiles) < len(lay.columns):
            self._tiles.append(TileColumn())
            scene.addItem(self._tiles[-1])
        while len(self._tiles) > len(lay.columns):
            scene.removeItem(self._tiles.pop())
        for tile, col in zip(self._tiles, lay.columns, strict=True):
            tile.set_column(col)
        self._tiles[0].show_features(lay.enabled)
        self._show_parameters()
        self._show_grids()
        self._place_labels()
        self._place_buttons()

    def _text(self, text: str, x: float, y: float, px=11, bold=False, color=TEXT, align="left"):
        item = QGraphicsSimpleTextItem(text)
        item.setFont(font(px, bold))
        item.setBrush(QColor(color))
        w = item.boundingRect().width()
        dx = {"left": 0.0, "center": -w / 2, "right": -w}[align]
        item.setPos(round(x + dx), round(y))
        item.setZValue(3)
        self.canvas.scene().addItem(item)
        self._labels.append(item)
        return item

    def _place_labels(self) -> None:
        scene = self.canvas.scene()
        for item in self._labels:
            scene.removeItem(item)
        self._labels = []
        lay = self._layout
        feats, out = lay.columns[0], lay.columns[-1]
        fpx = 12 if feats.size >= 18 else 10
        for i, name in enumerate(FEATURES):
            y = feats.node_top(i) + feats.size / 2 - fpx * 0.62
            on = lay.enabled[i]
            self._text(LABELS[name], feats.x - 8, y, fpx, on, TEXT if on else "#a3a8ae", "right")
        self._text("FEATURES", feats.x + feats.size / 2 - 20, TITLE_Y, 11, True, MUTED, "center")
        self._text("OUTPUT", out.centre_x, TITLE_Y, 11, True, MUTED, "center")
        if out.count > 1:
            for k in range(out.count):
                y = out.node_top(k) + out.size / 2 - 7
                colour = colors.CLASS_COLORS[k % len(colors.CLASS_COLORS)]
                self._text(f"class {k + 1}", out.x + out.size + 8, y, 11, True, colour)
        n = len(lay.hidden_columns)
        title = f"{n} HIDDEN LAYER{'' if n == 1 else 'S'}"
        a, b = lay.hidden_span
        group = 2 * LAYER_BUTTON + 13 + QFontMetricsF(font(11, True)).horizontalAdvance(title)
        left = (a + b) / 2 - group / 2
        self._title = self._text(title, left + 2 * LAYER_BUTTON + 13, TITLE_Y, 11, True, MUTED)
        pitch, stacked = self._pitch(), self._button_size()[1]
        y = COUNT_Y + 8 if stacked else COUNT_Y
        for col in lay.hidden_columns:
            word = "" if pitch < 74 else " neuron" if col.count == 1 else " neurons"
            self._text(f"{col.count}{word}", col.centre_x, y, 11, False, MUTED, "center")
        self._legend()

    def _legend(self) -> None:
        lay = self._layout
        y = lay.legend_y
        bar = QGraphicsRectItem(MARGIN + 18, y + 4, 84, 8)
        grad = QLinearGradient(bar.rect().topLeft(), bar.rect().topRight())
        for stop, c in ((0.0, colors.NEGATIVE), (0.5, colors.ZERO), (1.0, colors.POSITIVE)):
            grad.setColorAt(stop, QColor(c))
        bar.setBrush(QBrush(grad))
        bar.setPen(QPen(QColor(0, 0, 0, 40), 1))
        self.canvas.scene().addItem(bar)
        self._labels.append(bar)
        self._text("−1", MARGIN + 14, y + 1, 10, False, MUTED, "right")
        self._text("+1", MARGIN + 106, y + 1, 10, False, MUTED)
        caption = (
            "weights, biases, outputs   ·   line width = |weight|   ·   "
            "corner square = bias   ·   click an edge or node to edit"
        )
        if self._edges.hidden_edges:
            caption += f"   ·   dense layers: only the {MAX_LAYER_EDGES} strongest edges"
        room = lay.width - (MARGIN + 130) - MARGIN
        metrics = QFontMetricsF(font(11))
        caption = metrics.elidedText(caption, Qt.TextElideMode.ElideRight, room)
        self._text(caption, MARGIN + 130, y + 1, 11, False, MUTED)

    def _button_size(self) -> tuple[int, bool]:
        """Per-layer button size, and whether + sits above − (narrow columns)."""
        pitch = self._pitch()
        if pitch >= 2 * 12 + 4:
            return int(min(BUTTON, (pitch - 6) / 2)), False
        return int(max(8, min(14, pitch - 2))), True

    def _pitch(self) -> float:
        cols = self._layout.columns
        return (cols[-1].centre_x - cols[0].centre_x) / (len(cols) - 1)

    # --- buttons --------------------------------------------------------------

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        b = QToolButton(self)
        b.setObjectName("nvButton")
        b.setText(text)
        b.setToolTip(tip)
        b.setFont(font(14, bold=True))
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        b.clicked.connect(slot)
        return b

    def _place_buttons(self) -> None:
        lay = self._layout
        hidden = lay.hidden_columns
        while len(self._neuron_buttons) < len(hidden):
            i = len(self._neuron_buttons)
            add = self._button(
                "+",
                f"Add a neuron to hidden layer {i + 1}",
                lambda _=False, i=i: self.neuron_added.emit(i),
            )
            rem = self._button(
                "−",
                f"Remove a neuron from hidden layer {i + 1}",
                lambda _=False, i=i: self.neuron_removed.emit(i),
            )
            self._neuron_buttons.append((add, rem))
        size, stacked = self._button_size()
        for i, (add, rem) in enumerate(self._neuron_buttons):
            visible = i < len(hidden)
            add.setVisible(visible)
            rem.setVisible(visible)
            if not visible:
                continue
            cx = round(hidden[i].centre_x)
            if stacked:  # columns too close for two buttons side by side
                add.setGeometry(cx - size // 2, CONTROLS_Y - 4, size, size)
                rem.setGeometry(cx - size // 2, CONTROLS_Y - 3 + size, size, size)
            else:
                add.setGeometry(cx - size - 1, CONTROLS_Y, size, size)
                rem.setGeometry(cx + 1, CONTROLS_Y, size, size)
            add.setEnabled(hidden[i].count < C.MAX_NEURONS)
            rem.setEnabled(hidden[i].count > 1)
            add.raise_()
            rem.raise_()
        x = int(self._title.pos().x()) - 2 * LAYER_BUTTON - 13
        y = TITLE_Y - (LAYER_BUTTON - 14) // 2
        self.add_layer_button.setGeometry(x, y, LAYER_BUTTON, LAYER_BUTTON)
        self.remove_layer_button.setGeometry(x + LAYER_BUTTON + 3, y, LAYER_BUTTON, LAYER_BUTTON)
        self.add_layer_button.setEnabled(len(hidden) < C.MAX_HIDDEN_LAYERS)
        self.remove_layer_button.setEnabled(len(hidden) > 0)
        self.add_layer_button.raise_()
        self.remove_layer_button.raise_()
        self._editor.raise_()
