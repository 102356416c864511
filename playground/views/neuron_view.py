"""The neuron explorer: one neuron's output f(w·a + b) drawn against one of its
inputs (the others held at 0), with a slider for each incoming weight and for
its bias.  Dragging a weight steepens or flips the curve, dragging the bias
slides it sideways, and the network takes the new value at once.

A pyqtgraph plot (redrawn when the neuron's numbers change, a few times a
second at most while training); the sliders send edits through `weight_moved`
and `bias_moved`, which the window hands to the experiment.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from playground.core.activations import ACTIVATIONS
from playground.core.features import LABELS
from playground.core.snapshot import Snapshot

from .diagnostics_axes import make_plot, pen

SLIDER_RANGE = 5.0  # a slider runs from -5 to +5
SLIDER_STEPS = 1000
MAX_SLIDERS = 8  # a neuron of 64 inputs gets its first 8 (the others stay as they are)
SPAN = 6.0  # the input axis: -6 .. 6, the usual square's side
REFRESH_S = 0.2  # while training, the curve and sliders follow five times a second
CURVE_COLOR = "#0877bd"


class NeuronView(QWidget):
    weight_moved = Signal(int, int, int, float)  # layer index (weights), row, col, value
    bias_moved = Signal(int, int, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Click a neuron in the graph to explore it.")
        self.title.setWordWrap(True)
        self.input = QComboBox()
        self.input.setToolTip("The input the curve is drawn against; the others are held at 0")
        self.plot = make_plot("output f(w·a + b)", "input a")
        self.curve = pg.PlotCurveItem(pen=pen(CURVE_COLOR, 2.5))
        self.plot.getPlotItem().addItem(self.curve)
        self.formula = QLabel()
        self.formula.setWordWrap(True)
        self.sliders = QFormLayout()
        column = QVBoxLayout(self)
        column.addWidget(self.title)
        row = QHBoxLayout()
        row.addWidget(QLabel("against"))
        row.addWidget(self.input, 1)
        column.addLayout(row)
        column.addWidget(self.plot, 1)
        column.addWidget(self.formula)
        column.addLayout(self.sliders)
        self._neuron: tuple[int, int] | None = None  # (graph column, unit)
        self._snap: Snapshot | None = None
        self._dragging = False
        self._drawn_at = -1.0
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.timeout.connect(self._redraw)
        self.input.currentIndexChanged.connect(lambda _: self._draw())

    # --- which neuron -------------------------------------------------------------

    def select(self, layer: int, unit: int) -> None:
        """Explore neuron `unit` of graph column `layer` (1 = first hidden layer)."""
        self._neuron = (layer, unit)
        self._build()

    def set_snapshot(self, snap: Snapshot) -> None:
        old = self._snap
        self._snap = snap
        if self._neuron is None:
            return
        layer, unit = self._neuron
        sizes = snap.config.layer_sizes
        if not (1 <= layer < len(sizes) and unit < sizes[layer]):  # the neuron went away
            self._neuron = None
            self.title.setText("Click a neuron in the graph to explore it.")
            self._clear_sliders()
            self.curve.setData([], [])
            self.formula.clear()
            return
        shape = lambda c: (c.layer_sizes, c.features, c.use_bias)  # noqa: E731
        if old is None or shape(old.config) != shape(snap.config):
            self._build()
            return
        if self._dragging:
            return
        # a pyqtgraph plot: a few redraws a second, not every frame; the last
        # picture waits on a timer, so a paused network's last edit is drawn too
        wait = REFRESH_S - (time.perf_counter() - self._drawn_at)
        if wait <= 0:
            self._redraw()
        elif not self._pending.isActive():
            self._pending.start(max(1, int(wait * 1000)))

    def _redraw(self) -> None:
        if self._neuron is None or self._snap is None or self._dragging:
            return
        self._drawn_at = time.perf_counter()
        self._show_values()

    # --- drawing ------------------------------------------------------------------

    def _weights(self) -> tuple[np.ndarray, float]:
        assert self._snap is not None and self._neuron is not None
        layer, unit = self._neuron
        return self._snap.weights[layer - 1][unit], float(self._snap.biases[layer - 1][unit])

    def _input_names(self) -> list[str]:
        assert self._snap is not None and self._neuron is not None
        layer, _ = self._neuron
        if layer == 1:
            return [LABELS[f] for f in self._snap.config.features]
        return [f"neuron {i + 1} of layer {layer - 1}" for i in range(len(self._weights()[0]))]

    def _build(self) -> None:
        snap = self._snap
        if snap is None or self._neuron is None:
            return
        layer, unit = self._neuron
        last = len(snap.config.layer_sizes) - 1
        where = "output" if layer == last else f"hidden layer {layer}"
        self.title.setText(f"<b>Neuron {unit + 1} of the {where}</b>")
        names = self._input_names()
        self.input.blockSignals(True)
        self.input.clear()
        self.input.addItems(names)
        self.input.blockSignals(False)
        self._clear_sliders()
        w, _ = self._weights()
        self._weight_sliders = []
        for i in range(min(len(w), MAX_SLIDERS)):
            slider = self._slider(f"Weight from {names[i]}: scales it; below 0 it flips")
            slider.valueChanged.connect(lambda v, i=i: self._weight_dragged(i, v))
            self.sliders.addRow(f"w {names[i]}", slider)
            self._weight_sliders.append(slider)
        self._bias_slider = self._slider("The bias: slides the curve sideways")
        self._bias_slider.valueChanged.connect(self._bias_dragged)
        self._bias_slider.setEnabled(snap.config.use_bias)
        self.sliders.addRow("b (bias)", self._bias_slider)
        self._show_values()

    def _clear_sliders(self) -> None:
        while self.sliders.rowCount():
            self.sliders.removeRow(0)
        self._weight_sliders = []

    def _slider(self, tip: str) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(-SLIDER_STEPS, SLIDER_STEPS)
        slider.setToolTip(tip)
        slider.sliderPressed.connect(lambda: setattr(self, "_dragging", True))
        slider.sliderReleased.connect(lambda: setattr(self, "_dragging", False))
        return slider

    def _show_values(self) -> None:
        w, b = self._weights()
        for slider, value in zip(self._weight_sliders, w, strict=False):
            slider.blockSignals(True)
            slider.setValue(_to_steps(value))
            slider.blockSignals(False)
        self._bias_slider.blockSignals(True)
        self._bias_slider.setValue(_to_steps(b))
        self._bias_slider.blockSignals(False)
        self._draw()

    def _draw(self) -> None:
        if self._snap is None or self._neuron is None:
            return
        layer, _ = self._neuron
        w, b = self._weights()
        k = max(0, self.input.currentIndex())
        name = self._activation(layer)
        a = np.linspace(-SPAN, SPAN, 241)
        z = w[k] * a + b if k < len(w) else np.full_like(a, b)
        out = _apply(name, z)
        self.curve.setData(a, out)
        item = self.plot.getPlotItem()
        lo, hi = float(np.nanmin(out)), float(np.nanmax(out))
        pad = 0.1 * (hi - lo or 1.0)
        item.setRange(xRange=(-SPAN, SPAN), yRange=(lo - pad, hi + pad), padding=0)
        wk = w[k] if k < len(w) else 0.0
        self.formula.setText(
            f"output = {name}({wk:.3g}·a {'+' if b >= 0 else '−'} {abs(b):.3g})"
            "  (the other inputs at 0)"
        )

    def _activation(self, layer: int) -> str:
        assert self._snap is not None
        last = len(self._snap.config.layer_sizes) - 1
        return (
            self._snap.config.output_activation if layer == last else self._snap.config.activation
        )

    # --- edits ----------------------------------------------------------------------

    def _weight_dragged(self, i: int, steps: int) -> None:
        if self._neuron is None:
            return
        layer, unit = self._neuron
        self.weight_moved.emit(layer - 1, unit, i, _from_steps(steps))

    def _bias_dragged(self, steps: int) -> None:
        if self._neuron is None:
            return
        layer, unit = self._neuron
        self.bias_moved.emit(layer - 1, unit, _from_steps(steps))


def _to_steps(value: float) -> int:
    return round(float(np.clip(value / SLIDER_RANGE, -1, 1)) * SLIDER_STEPS)


def _from_steps(steps: int) -> float:
    return steps / SLIDER_STEPS * SLIDER_RANGE


def _apply(name: str, z: np.ndarray) -> np.ndarray:
    if name == "softmax":  # one class's probability against the others held at 0
        return 1.0 / (1.0 + np.exp(-z))
    return ACTIVATIONS[name](z)
