"""The Diagnostics dock: what happens inside the network, as a teacher would show it.

- a histogram of one quantity (weights, biases, weighted sums, outputs,
  gradients) in one chosen layer;
- gradient size per layer over time (log): vanishing or exploding gradients;
- update / weight ratio per layer over time (log), with the healthy band;
- the size of all weights against all biases over time ("L2 shrinks weights,
  not biases");
- the doctor's findings, in its own words, above them.

`set_snapshot(snap)` follows the window's snapshots; the plots redraw only when
the snapshot carries other diagnostics than those drawn (the worker makes them
a few times a second), at most every `interval_ms`, and never while the dock
is out of sight (closed, or behind another tab): a dock nobody sees costs nothing.
A redraw costs ~2 ms of Python; Qt paints the plots without Python but for
pyqtgraph's axes (diagnostics_axes.py says how), so the dock open costs
training ~3 % (benchmarks/bench_window.py --dock-only).
Layers are named as people count them: "layer 2: hidden 1 → hidden 2".
"""

from __future__ import annotations

import html
import math
import time

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from playground.core.diagnostics_types import QUANTITIES, Diagnostics, DiagnosticsLog
from playground.core.snapshot import Snapshot

from .diagnostics_axes import BIAS_COLOR, MUTED, TEXT, WEIGHT_COLOR, layer_colors
from .diagnostics_plots import HistogramPlot, LayerLines, NormLines
from .unit_marks import fitting

# the chooser's words, short; the histogram's title says them in full
QUANTITY_WORDS = {
    "weights": "weights",
    "biases": "biases",
    "pre_activations": "weighted sums",
    "activations": "outputs",
    "gradients": "gradients",
}
QUANTITY_TITLES = {
    "weights": "weights",
    "biases": "biases",
    "pre_activations": "weighted sums (before the activation)",
    "activations": "outputs (after the activation)",
    "gradients": "gradients of the weights",
}
HEALTHY_BAND = (1e-4, 1e-2)  # update / weight ratios around 1e-3
TWO_COLUMNS = 760  # px wide (undocked, or a wide dock): the plots two by two
TITLE_STYLE = f"color: {TEXT}; font-size: 13px; font-weight: bold;"
NOTE_STYLE = f"color: {MUTED}; font-size: 11px;"
FINDINGS_STYLE = (
    "QLabel { background: #fef7e0; border: 1px solid #f2c94c; border-radius: 4px;"
    f" padding: 5px 7px; color: {TEXT}; font-size: 12px; }}"
)


def layer_names(layers: int) -> list[str]:
    """'layer 1: inputs → hidden 1', ..., 'layer L: hidden L-1 → output'."""

    def side(i: int) -> str:
        return "inputs" if i == 0 else "output" if i == layers else f"hidden {i}"

    return [f"layer {i + 1}: {side(i)} → {side(i + 1)}" for i in range(layers)]


def _label(style: str) -> QLabel:
    label = QLabel()
    label.setStyleSheet(style)
    label.setWordWrap(True)
    return label


class DiagnosticsView(QWidget):
    """The Diagnostics dock's content.  Call `set_snapshot`; it has no signals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = 250  # between redraws, at least
        self._snap: Snapshot | None = None
        self._drawn: tuple = (None, None, None, ())  # diagnostics, log, findings, sizes
        self._drawn_at = -math.inf  # time.monotonic() of the last redraw
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._catch_up)

        self.quantity, self.layer = QComboBox(), QComboBox()
        self.quantity.addItems([QUANTITY_WORDS[q] for q in QUANTITIES])
        self.quantity.setToolTip("Which values the histogram counts")
        self.layer.setToolTip("Which layer's values the histogram counts; its lines stand out")
        for box in (self.quantity, self.layer):
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(10)
            box.currentIndexChanged.connect(self._chosen)
        choosers = QHBoxLayout()
        choosers.addWidget(self.quantity, 2)
        choosers.addWidget(self.layer, 3)

        self.status, self.findings = _label(NOTE_STYLE), _label(FINDINGS_STYLE)
        self.findings.hide()
        self.histogram, self.norms = HistogramPlot(), NormLines()
        self.gradients = LayerLines("gradient size")
        self.ratios = LayerLines("update / weight", band=HEALTHY_BAND)
        self.titles = {name: _label(TITLE_STYLE) for name in ("histogram", "grad", "ratio", "norm")}
        self.titles["grad"].setText("gradient size per layer (log)")
        self.titles["ratio"].setText("update / weight ratio (≈1e-3 is healthy)")
        w, b = (
            f"<span style='color:{c}'>{t}</span>"
            for c, t in ((WEIGHT_COLOR, "weight size"), (BIAS_COLOR, "bias size"))
        )
        self.titles["norm"].setText(f"{w} vs {b} (all layers)")
        self.legends = [_label(NOTE_STYLE), _label(NOTE_STYLE)]  # which colour is which layer
        self._cards = [
            self._card(self.titles["histogram"], self.histogram.widget),
            self._card(self.titles["grad"], self.gradients.widget, self.legends[0]),
            self._card(self.titles["ratio"], self.ratios.widget, self.legends[1]),
            self._card(self.titles["norm"], self.norms.widget),
        ]
        self._grid = QGridLayout()
        self._grid.setSpacing(10)
        self._columns = 0
        page = QVBoxLayout(self)
        page.setContentsMargins(8, 6, 8, 6)
        page.addLayout(choosers)
        page.addWidget(self.status)
        page.addWidget(self.findings)
        page.addLayout(self._grid, 1)
        self._reflow()
        self._show_nothing()

    @staticmethod
    def _card(title: QLabel, plot: QWidget, note: QLabel | None = None) -> QWidget:
        card = QWidget()
        column = QVBoxLayout(card)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(title)
        if note is not None:
            column.addWidget(note)
        column.addWidget(plot, 1)
        return card

    # --- following the snapshots -------------------------------------------------------

    def set_snapshot(self, snap: Snapshot) -> None:
        """Show `snap`'s diagnostics: now, after the interval, or once shown."""
        self._snap = snap
        self._catch_up()

    def _seen(self) -> bool:
        """On screen: shown, and not behind another dock's tab (Qt keeps such a
        dock 'visible', moved out of sight)."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def _catch_up(self) -> None:
        """Redraw if what is drawn is not the newest, as soon as the interval allows."""
        snap = self._snap
        if snap is None or self._is_drawn(snap) or not self._seen():
            return
        wait = self.interval_ms - 1000 * (time.monotonic() - self._drawn_at)
        if wait > 0:
            if not self._timer.isActive():
                self._timer.start(math.ceil(wait))
            return
        self._redraw()

    def _is_drawn(self, snap: Snapshot) -> bool:
        diag, log, findings, sizes = self._drawn
        return (
            snap.diagnostics is diag
            and snap.diagnostics_log is log
            and snap.findings is findings
            and snap.config.layer_sizes == sizes
        )

    # Shown, or brought forward from behind a tab (which shows nothing: Qt only
    # moves the dock back into sight and paints it): catch up with what came.
    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        self._timer.start(0)

    def paintEvent(self, ev) -> None:
        super().paintEvent(ev)
        if self._snap is not None and not self._is_drawn(self._snap) and not self._timer.isActive():
            self._timer.start(0)

    def _chosen(self, _index: int) -> None:
        if self._snap is not None:  # a person's choice: at once
            self._redraw()

    # --- drawing -----------------------------------------------------------------------

    def _redraw(self) -> None:
        snap = self._snap
        assert snap is not None
        self._timer.stop()
        self._drawn_at = time.monotonic()
        sizes = snap.config.layer_sizes
        self._drawn = (snap.diagnostics, snap.diagnostics_log, snap.findings, sizes)
        names = layer_names(len(sizes) - 1)
        self._name_layers(names)
        diag = fitting(snap.diagnostics, sizes)
        log = snap.diagnostics_log
        if log is not None and (
            log.gradient_norm.ndim != 2 or log.gradient_norm.shape[1] != len(names)
        ):
            log = None  # of another architecture
        self._show_histogram(diag, names)
        self._show_log(log, len(names))
        self._show_words(snap, diag)

    def _name_layers(self, names: list[str]) -> None:
        if [self.layer.itemText(i) for i in range(self.layer.count())] == names:
            return
        keep = self.layer.currentIndex()
        self.layer.blockSignals(True)  # a new architecture, not a person's choice
        self.layer.clear()
        self.layer.addItems(names)
        self.layer.setCurrentIndex(min(max(keep, 0), len(names) - 1))
        self.layer.blockSignals(False)

    def _show_histogram(self, diag: Diagnostics | None, names: list[str]) -> None:
        i, q = self.layer.currentIndex(), QUANTITIES[self.quantity.currentIndex()]
        hist = diag.layers[i].histograms.get(q) if diag is not None else None
        self.histogram.show(hist, signed=q != "gradients")
        where = names[i].replace(": ", " (") + ")"
        self.titles["histogram"].setText(f"{QUANTITY_TITLES[q]} in {where}")

    def _show_log(self, log: DiagnosticsLog | None, layers: int) -> None:
        chosen = self.layer.currentIndex()
        if log is None or len(log) == 0:
            empty = np.zeros((0, layers))
            epochs = np.zeros(0)
            grad = ratio = weight = bias = empty
        else:
            epochs, grad, ratio = log.epochs, log.gradient_norm, log.update_ratio
            weight, bias = log.weight_norm, log.bias_norm
        self.gradients.show(epochs, grad, chosen)
        self.ratios.show(epochs, ratio, chosen)
        self.norms.show(epochs, weight, bias)
        spans = (
            f"<span style='color:{c}; font-weight:{'bold' if i == chosen else 'normal'}'>"
            f"■ {i + 1}</span>"
            for i, c in enumerate(layer_colors(layers))
        )
        legend = "layer " + " &nbsp;".join(spans)
        for label in self.legends:
            label.setText(legend)

    def _show_words(self, snap: Snapshot, diag: Diagnostics | None) -> None:
        if diag is None:
            self.status.setText(
                "Not measured yet: diagnostics are measured a few times a second as it trains."
            )
        else:
            self.status.setText(f"measured at epoch {diag.epoch} on {diag.points_words}")
        lines = [html.escape(f.message) for f in snap.findings]
        self.findings.setText("<br>".join(f"<b>Doctor:</b> {line}" for line in lines))
        self.findings.setVisible(bool(lines))

    def _show_nothing(self) -> None:
        self.histogram.show(None)
        self.status.setText("No network yet.")

    # --- layout -------------------------------------------------------------------------

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self._reflow()

    def _reflow(self) -> None:
        """One column of plots in a dock, two when there is room (undocked, wide)."""
        columns = 2 if self.width() >= TWO_COLUMNS else 1
        if columns == self._columns:
            return
        self._columns = columns
        for card in self._cards:
            self._grid.removeWidget(card)
        for k, card in enumerate(self._cards):
            self._grid.addWidget(card, k // columns, k % columns)
        for row in range(4):
            self._grid.setRowStretch(row, 1 if row < math.ceil(4 / columns) else 0)
