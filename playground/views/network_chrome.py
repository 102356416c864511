"""What surrounds the network graph: titles, feature and class names, neuron
counts, the colour legend, and the buttons that change the architecture.

All of it moves only when the layout does (a new architecture or size), never
per snapshot.  Texts are simple text items in the scene; the buttons are
widgets over the canvas, children of the view.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QLinearGradient, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QToolButton,
    QWidget,
)

from playground.core import config as C
from playground.core.config import FEATURES
from playground.core.features import LABELS

from . import colors
from .network_items import MUTED, TEXT, font
from .network_layout import (
    BUTTON,
    CONTROLS_Y,
    COUNT_Y,
    LAYER_BUTTON,
    MARGIN,
    MAX_LAYER_EDGES,
    TITLE_Y,
    Layout,
)

BUTTON_STYLE = """
QToolButton#nvButton {
    background: #ffffff; color: #3c4043; border: 1px solid #c4c9d0;
    border-radius: 4px; font-weight: bold; padding: 0px;
}
QToolButton#nvButton:hover { background: #e8f0fe; border-color: #1a73e8; color: #1a73e8; }
QToolButton#nvButton:pressed { background: #d2e3fc; }
QToolButton#nvButton:disabled { color: #c9ccd1; border-color: #e6e8eb; background: #f7f8f9; }
"""


class NetworkChrome:
    """The texts (rebuilt with each layout) and buttons (a pool, reused) around
    the graph.  The buttons emit the given signals of the view."""

    def __init__(
        self,
        view: QWidget,
        scene: QGraphicsScene,
        layer_added: SignalInstance,
        layer_removed: SignalInstance,
        neuron_added: SignalInstance,
        neuron_removed: SignalInstance,
    ) -> None:
        self._view, self._scene = view, scene
        self._neuron_added, self._neuron_removed = neuron_added, neuron_removed
        self.add_layer_button = self._button("+", "Add a hidden layer", layer_added.emit)
        self.remove_layer_button = self._button(
            "−", "Remove the last hidden layer", layer_removed.emit
        )
        self.neuron_buttons: list[tuple[QToolButton, QToolButton]] = []  # per hidden layer
        self._items: list[QGraphicsItem] = []  # texts and the legend
        self._title_x = 0.0  # left of the hidden layers' title: its buttons go before it

    def place(self, layout: Layout, hidden_edges: int) -> None:
        """Texts and buttons for `layout`; `hidden_edges` > 0 adds a line to the legend."""
        self._place_labels(layout, hidden_edges)
        self._place_buttons(layout)

    # --- texts ------------------------------------------------------------------

    def _text(self, text: str, x: float, y: float, px=11, bold=False, color=TEXT, align="left"):
        item = QGraphicsSimpleTextItem(text)
        item.setFont(font(px, bold))
        item.setBrush(QColor(color))
        w = item.boundingRect().width()
        dx = {"left": 0.0, "center": -w / 2, "right": -w}[align]
        item.setPos(round(x + dx), round(y))
        item.setZValue(3)
        self._scene.addItem(item)
        self._items.append(item)
        return item

    def _place_labels(self, lay: Layout, hidden_edges: int) -> None:
        for item in self._items:
            self._scene.removeItem(item)
        self._items = []
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
        item = self._text(title, left + 2 * LAYER_BUTTON + 13, TITLE_Y, 11, True, MUTED)
        self._title_x = item.pos().x()
        pitch, stacked = _pitch(lay), _button_size(lay)[1]
        y = COUNT_Y + 8 if stacked else COUNT_Y
        for col in lay.hidden_columns:
            word = "" if pitch < 74 else " neuron" if col.count == 1 else " neurons"
            self._text(f"{col.count}{word}", col.centre_x, y, 11, False, MUTED, "center")
        self._legend(lay, hidden_edges)

    def _legend(self, lay: Layout, hidden_edges: int) -> None:
        y = lay.legend_y
        bar = QGraphicsRectItem(MARGIN + 18, y + 4, 84, 8)
        grad = QLinearGradient(bar.rect().topLeft(), bar.rect().topRight())
        for stop, c in ((0.0, colors.NEGATIVE), (0.5, colors.ZERO), (1.0, colors.POSITIVE)):
            grad.setColorAt(stop, QColor(c))
        bar.setBrush(QBrush(grad))
        bar.setPen(QPen(QColor(0, 0, 0, 40), 1))
        self._scene.addItem(bar)
        self._items.append(bar)
        self._text("−1", MARGIN + 14, y + 1, 10, False, MUTED, "right")
        self._text("+1", MARGIN + 106, y + 1, 10, False, MUTED)
        caption = (
            "weights, biases, outputs   ·   line width = |weight|   ·   "
            "corner square = bias   ·   click an edge or node to edit"
        )
        if hidden_edges:
            caption += f"   ·   dense layers: only the {MAX_LAYER_EDGES} strongest edges"
        room = lay.width - (MARGIN + 130) - MARGIN
        metrics = QFontMetricsF(font(11))
        caption = metrics.elidedText(caption, Qt.TextElideMode.ElideRight, room)
        self._text(caption, MARGIN + 130, y + 1, 11, False, MUTED)

    # --- buttons ----------------------------------------------------------------

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        b = QToolButton(self._view)
        b.setObjectName("nvButton")
        b.setText(text)
        b.setToolTip(tip)
        b.setFont(font(14, bold=True))
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        b.clicked.connect(slot)
        return b

    def _neuron_pair(self, i: int) -> tuple[QToolButton, QToolButton]:
        added, removed = self._neuron_added, self._neuron_removed
        add = self._button(
            "+", f"Add a neuron to hidden layer {i + 1}", lambda _=False: added.emit(i)
        )
        rem = self._button(
            "−", f"Remove a neuron from hidden layer {i + 1}", lambda _=False: removed.emit(i)
        )
        return add, rem

    def _place_buttons(self, lay: Layout) -> None:
        hidden = lay.hidden_columns
        while len(self.neuron_buttons) < len(hidden):
            self.neuron_buttons.append(self._neuron_pair(len(self.neuron_buttons)))
        size, stacked = _button_size(lay)
        for i, (add, rem) in enumerate(self.neuron_buttons):
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
        x = int(self._title_x) - 2 * LAYER_BUTTON - 13
        y = TITLE_Y - (LAYER_BUTTON - 14) // 2
        self.add_layer_button.setGeometry(x, y, LAYER_BUTTON, LAYER_BUTTON)
        self.remove_layer_button.setGeometry(x + LAYER_BUTTON + 3, y, LAYER_BUTTON, LAYER_BUTTON)
        self.add_layer_button.setEnabled(len(hidden) < C.MAX_HIDDEN_LAYERS)
        self.remove_layer_button.setEnabled(len(hidden) > 0)
        self.add_layer_button.raise_()
        self.remove_layer_button.raise_()


def _pitch(lay: Layout) -> float:
    cols = lay.columns
    return (cols[-1].centre_x - cols[0].centre_x) / (len(cols) - 1)


def _button_size(lay: Layout) -> tuple[int, bool]:
    """Per-layer button size, and whether + sits above − (narrow columns)."""
    pitch = _pitch(lay)
    if pitch >= 2 * 12 + 4:
        return int(min(BUTTON, (pitch - 6) / 2)), False
    return int(max(8, min(14, pitch - 2))), True
