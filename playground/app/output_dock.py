"""The Output dock: the loss plot and the timeline above the decision heatmap, and
three view switches."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.config import Config
from ..core.datasets import Dataset, input_scaling
from ..core.features import InputScaling, one_input
from ..core.snapshot import Snapshot
from ..views.colors import CLASS_COLORS, NEGATIVE, POSITIVE
from ..views.curve_view import CurveView
from ..views.heatmap import target_limit
from ..views.loss_view import LossView
from ..views.output_view import OutputView
from ..views.timeline_bar import TimelineBar

FIRST_WIDTH = 360  # px


class OutputDock(QWidget):
    """Loss curves and read-outs, the output heatmap with the points, and the
    "Show test data", "Discretize output" and "Log scale" switches."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loss_view = LossView()
        self.loss_view.epoch.hide()  # the run bar shows the epoch already
        self.timeline_bar = TimelineBar()  # back through the run's checkpoints
        self.output_view = OutputView()
        self.curve_view = CurveView()  # one-input data: target against x1, and the curve
        self.views = QStackedWidget()
        self.views.addWidget(self.output_view)
        self.views.addWidget(self.curve_view)
        # short words: the row also holds Paint, within the dock's width
        self.show_test = _switch(
            "Test data", "Show the test points (dark outline) beside the training points"
        )
        self.discretize = _switch(
            "Discretize", "Show only the predicted class instead of the network's output"
        )
        self.log_scale = _switch("Log loss", "Plot the losses on a logarithmic axis")
        self.show_test.toggled.connect(self.output_view.set_show_test)
        self.show_test.toggled.connect(self.curve_view.set_show_test)
        self.discretize.toggled.connect(self.output_view.set_discretize)
        self.log_scale.toggled.connect(self.loss_view.set_log_scale)
        # own data: its classes' names by their colours, and where the points came from
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.hide()  # until data with named classes or an origin comes
        self._shown: tuple = (None, False)  # the dataset and rescale the legend tells of
        self._one_input: tuple = (None, False)  # ((dataset, features, classes), its answer)

        switches = self._switch_row = QHBoxLayout()
        for box in (self.show_test, self.discretize, self.log_scale):
            switches.addWidget(box)
        switches.addStretch(1)
        layout = self._column = QVBoxLayout(self)
        self.loss_view.add_footer(self.timeline_bar)  # the history, under the loss plot
        # short of room (1280 x 720), the plot and the heatmap give up height alike,
        # rather than the plot first (a Preferred widget yields before an Expanding one)
        policy = self.loss_view.sizePolicy()
        policy.setVerticalPolicy(QSizePolicy.Policy.Expanding)
        self.loss_view.setSizePolicy(policy)
        layout.addWidget(self.loss_view)
        layout.addWidget(self.views, 1)
        layout.addWidget(self.legend)
        layout.addLayout(switches)

    def set_snapshot(self, snapshot: Snapshot) -> None:
        ds, cfg = snapshot.dataset, snapshot.config
        key = (ds, cfg.features, cfg.num_classes)
        if key != self._one_input[0]:  # once per dataset and network, not every frame
            one = ds is not None and one_input(cfg.features, ds.x_all, cfg.num_classes)
            self._one_input = (key, one)
        curve = self._one_input[1] and not self.output_view.painting  # paint on the plane
        self.views.setCurrentWidget(self.curve_view if curve else self.output_view)
        self.discretize.setEnabled(not curve)
        if curve:
            self.curve_view.set_snapshot(snapshot)
        self.output_view.set_snapshot(snapshot)
        self.loss_view.set_snapshot(snapshot)
        shown = (snapshot.dataset, snapshot.config.rescale)
        if snapshot.dataset is not None and shown != self._shown:
            self._shown = shown
            text = legend_html(
                snapshot.dataset, input_scaling(snapshot.config, snapshot.dataset), snapshot.config
            )
            self.legend.setText(text)
            self.legend.setVisible(bool(text))

    def sizeHint(self) -> QSize:
        # the first-run width: the row of switches would ask for more, and a wider
        # dock makes the square picture taller and squeezes the loss plot's axis
        hint = super().sizeHint()
        return QSize(min(hint.width(), FIRST_WIDTH), hint.height())

    def add_paint_bar(self, bar: QWidget, toggle: QWidget) -> None:
        """The paint tools above the switches, their on/off button before the legend."""
        self._column.insertWidget(self._column.count() - 1, bar)
        self._switch_row.insertWidget(self._switch_row.count() - 1, toggle)

    def switches(self) -> dict[str, QCheckBox]:
        """The switches by the settings key they are remembered under."""
        return {"show_test": self.show_test, "discretize": self.discretize,
                "log_scale": self.log_scale}  # fmt: skip


def legend_html(
    ds: Dataset, scaling: InputScaling | None = None, config: Config | None = None
) -> str:
    """'■ upper moon  ■ lower moon · file moons.csv' for data with named classes
    or an origin, and the map the network sees the inputs through (rescaled);
    "" for the built-ins as they are (their colours say enough)."""
    parts = [
        f'<span style="color:{color}">■</span>&nbsp;{html.escape(name)}'
        for name, color in zip(ds.class_names, CLASS_COLORS, strict=False)
    ]
    limit = target_limit(ds)
    if config is not None and config.num_classes == 0 and limit != 1.0:  # regression colours
        parts.append(
            f'colours: <span style="color:{NEGATIVE}">■</span>&nbsp;−{limit:.3g} … '
            f'<span style="color:{POSITIVE}">■</span>&nbsp;+{limit:.3g}'
        )
    if ds.origin:
        parts.append(f'<span style="color:#5f6368">{html.escape(ds.origin)}</span>')
    if scaling is not None:
        (o1, o2), (s1, s2) = scaling.offset, scaling.scale
        parts.append(
            f'<span style="color:#5f6368">the network sees (x₁ − {o1:.4g})·{s1:.3g}, '
            f"(x₂ − {o2:.4g})·{s2:.3g}</span>"
        )
    return " &nbsp; ".join(parts)


def _switch(text: str, tip: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setToolTip(tip)
    return box
