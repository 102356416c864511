"""The Output dock: the loss plot above the decision heatmap, and three view switches."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from ..core.snapshot import Snapshot
from ..views.loss_view import LossView
from ..views.output_view import OutputView


class OutputDock(QWidget):
    """Loss curves and read-outs, the output heatmap with the points, and the
    "Show test data", "Discretize output" and "Log scale" switches."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loss_view = LossView()
        self.loss_view.epoch.hide()  # the run bar shows the epoch already
        self.output_view = OutputView()
        self.show_test = _switch(
            "Show test data", "Draw the test points (dark outline) beside the training points"
        )
        self.discretize = _switch(
            "Discretize output", "Show only the predicted class instead of the network's output"
        )
        self.log_scale = _switch("Log scale", "Plot the losses on a logarithmic axis")
        self.show_test.toggled.connect(self.output_view.set_show_test)
        self.discretize.toggled.connect(self.output_view.set_discretize)
        self.log_scale.toggled.connect(self.loss_view.set_log_scale)

        switches = QHBoxLayout()
        for box in (self.show_test, self.discretize, self.log_scale):
            switches.addWidget(box)
        switches.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.loss_view)
        layout.addWidget(self.output_view, 1)
        layout.addLayout(switches)

    def set_snapshot(self, snapshot: Snapshot) -> None:
        self.output_view.set_snapshot(snapshot)
        self.loss_view.set_snapshot(snapshot)

    def switches(self) -> dict[str, QCheckBox]:
        """The switches by the settings key they are remembered under."""
        return {"show_test": self.show_test, "discretize": self.discretize,
                "log_scale": self.log_scale}  # fmt: skip


def _switch(text: str, tip: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setToolTip(tip)
    return box
