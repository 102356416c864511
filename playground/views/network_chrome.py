"""What surrounds the network graph: titles, feature and class names, neuron
counts, the colour legend, and the buttons that change the architecture.

All of it moves only when the layout does (a new architecture, size or
zoom), never per snapshot.  A zoomed graph moves under two bands of
background, above and below, that keep the titles and the legend clear; the
names of features and classes move with their nodes, under the bands.
Texts are simple text items in the scene, fitted to the room by
network_fit.py (whole, legible, never overlapping); the buttons are widgets
over the canvas, children of the view, hidden in pictures.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtGui import QBrush, QColor, QLinearGradient, QPen
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
from . import network_fit as fit
from .network_items import BACKGROUND, MUTED, TEXT, font
from .network_layout import CONTROLS_Y, LAYER_BUTTON, LEGEND_LINE, MARGIN, TITLE_Y, Layout

NAME_Z = 3  # feature and class names: over the graph, under the bands
BAND_Z = 5  # the bands over a zoomed graph
TITLE_Z = 7  # titles, counts and the legend: over the bands

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
        self.controls = True  # the buttons and the editing hint are shown (not in pictures)
        self._bands = [QGraphicsRectItem() for _ in range(2)]  # over a zoomed graph
        for band in self._bands:
            band.setBrush(QColor(BACKGROUND))
            band.setPen(QPen(Qt.PenStyle.NoPen))
            band.setZValue(BAND_Z)
            band.hide()
            scene.addItem(band)

    def legend(
        self, width: int, note: str = "", marks: tuple[str, ...] = (), zoom: str = ""
    ) -> fit.Legend:
        """The legend's lines at `width`; `note`: what the drawing leaves out
        ('' nothing); `marks`: the words for the marks shown on units;
        `zoom`: the words for a zoomed view."""
        return fit.legend(width, note, hint=self.controls, marks=marks, zoom=zoom)

    def place(self, layout: Layout, legend: fit.Legend) -> None:
        """Texts and buttons for `layout`, with the `legend` (see `legend`)."""
        row = fit.title_row(layout, self.controls)
        self._place_labels(layout, row, legend)
        self._place_buttons(layout, row)
        self._place_bands(layout)

    def _place_bands(self, lay: Layout) -> None:
        top, bottom = self._bands
        zoomed = not lay.zoom.fitted
        top.setRect(0, 0, lay.width, lay.view_top)
        bottom.setRect(0, lay.view_bottom, lay.width, lay.height - lay.view_bottom)
        for band in self._bands:
            band.setVisible(zoomed)

    # --- texts ------------------------------------------------------------------

    def _text(
        self, text: str, x: float, y: float, px=11, bold=False, color=TEXT, align="left", z=TITLE_Z
    ):
        item = QGraphicsSimpleTextItem(text)
        item.setFont(font(px, bold))
        item.setBrush(QColor(color))
        w = item.boundingRect().width()
        dx = {"left": 0.0, "center": -w / 2, "right": -w}[align]
        item.setPos(round(x + dx), round(y))
        item.setZValue(z)
        self._scene.addItem(item)
        self._items.append(item)
        return item

    def _place_labels(self, lay: Layout, row: fit.TitleRow, legend: fit.Legend) -> None:
        for item in self._items:
            self._scene.removeItem(item)
        self._items = []
        feats, out = lay.columns[0], lay.columns[-1]
        fpx = fit.name_px(feats, 12 if feats.size >= 18 else 10)
        for i, name in enumerate(FEATURES):
            y = feats.node_top(i) + feats.size / 2 - fpx * 0.62
            on = lay.enabled[i]
            colour = TEXT if on else "#a3a8ae"
            self._text(LABELS[name], feats.x - 8, y, fpx, on, colour, "right", NAME_Z)
        self._text("FEATURES", row.features_x, TITLE_Y, 11, True, MUTED)
        self._text("OUTPUT", row.output_x, TITLE_Y, 11, True, MUTED)
        if out.count > 1:
            cpx = fit.name_px(out, 11)
            for k in range(out.count):
                y = out.node_top(k) + out.size / 2 - 7 * cpx / 11
                colour = colors.CLASS_COLORS[k % len(colors.CLASS_COLORS)]
                self._text(f"class {k + 1}", out.x + out.size + 8, y, cpx, True, colour, z=NAME_Z)
        title_y = TITLE_Y + (11 - row.title_px) / 2  # a smaller title on the same middle
        self._text(row.title, row.title_x, title_y, row.title_px, True, MUTED)
        counts = fit.counts(lay)
        for col, text, y in zip(lay.hidden_columns, counts.texts, counts.ys, strict=True):
            if _on_screen(lay, col.centre_x, fit.text_width(text, counts.px) / 2):
                self._text(text, col.centre_x, y, counts.px, False, MUTED, "center")
        self._legend(lay, legend)

    def _legend(self, lay: Layout, legend: fit.Legend) -> None:
        y = lay.legend_y
        bar = QGraphicsRectItem(MARGIN + 18, y + 4, 84, 8)
        grad = QLinearGradient(bar.rect().topLeft(), bar.rect().topRight())
        for stop, c in ((0.0, colors.NEGATIVE), (0.5, colors.ZERO), (1.0, colors.POSITIVE)):
            grad.setColorAt(stop, QColor(c))
        bar.setBrush(QBrush(grad))
        bar.setPen(QPen(QColor(0, 0, 0, 40), 1))
        bar.setZValue(TITLE_Z)
        self._scene.addItem(bar)
        self._items.append(bar)
        self._text("−1", MARGIN + 14, y + 1, 10, False, MUTED, "right")
        self._text("+1", MARGIN + 106, y + 1, 10, False, MUTED)
        for i, line in enumerate(legend.lines):
            x = MARGIN if i and legend.under_bar else fit.LEGEND_X
            self._text(line, x, y + 1 + i * LEGEND_LINE, legend.px, False, MUTED)

    # --- buttons ----------------------------------------------------------------

    def _button(self, text: str, tip: str, slot, styled: bool = True) -> QToolButton:
        """A button over the canvas.  The per-layer ones (up to 32) are not
        `styled`: a style sheet's button paints in ~80 us, and a frame of a
        16-layer network repainted them all (~2.7 ms); Qt's own style's is cheap."""
        b = QToolButton(self._view)
        b.setObjectName("nvButton")
        if styled:
            b.setStyleSheet(BUTTON_STYLE)
        b.setText(text)
        b.setToolTip(tip)
        b.setFont(font(14, bold=True))
        b.setCursor(Qt.CursorShape.PointingHandCursor)
        b.clicked.connect(slot)
        return b

    def _neuron_pair(self, i: int) -> tuple[QToolButton, QToolButton]:
        added, removed = self._neuron_added, self._neuron_removed
        add = self._button(
            "+", f"Add a neuron to hidden layer {i + 1}", lambda _=False: added.emit(i), False
        )
        rem = self._button(
            "−",
            f"Remove a neuron from hidden layer {i + 1}",
            lambda _=False: removed.emit(i),
            False,
        )
        return add, rem

    def _place_buttons(self, lay: Layout, row: fit.TitleRow) -> None:
        hidden = lay.hidden_columns
        while len(self.neuron_buttons) < len(hidden):
            self.neuron_buttons.append(self._neuron_pair(len(self.neuron_buttons)))
        size, stacked = fit.button_size(lay)
        for i, (add, rem) in enumerate(self.neuron_buttons):
            visible = i < len(hidden) and self.controls
            visible = visible and _on_screen(lay, hidden[i].centre_x, fit.button_size(lay)[0] + 1)
            add.setVisible(visible)
            rem.setVisible(visible)
            if i >= len(hidden):
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
        x = int(row.title_x) - 2 * LAYER_BUTTON - 13
        y = TITLE_Y - (LAYER_BUTTON - 14) // 2
        self.add_layer_button.setGeometry(x, y, LAYER_BUTTON, LAYER_BUTTON)
        self.remove_layer_button.setGeometry(x + LAYER_BUTTON + 3, y, LAYER_BUTTON, LAYER_BUTTON)
        self.add_layer_button.setEnabled(len(hidden) < C.MAX_HIDDEN_LAYERS)
        self.remove_layer_button.setEnabled(len(hidden) > 0)
        for button in (self.add_layer_button, self.remove_layer_button):
            button.setVisible(self.controls)
            button.raise_()


def _on_screen(lay: Layout, x: float, half: float) -> bool:
    """Whether something `2 * half` px wide centred at x is wholly in view (a
    zoomed graph moves columns, and with them their counts and buttons, out)."""
    return x - half >= 0 and x + half <= lay.width
