"""The arithmetic on hover (issue 13): a neuron's weighted sum at a chosen point,
z = w1·a1 + … + b and f(z), with the numbers of the network and the data's units."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from test_file_menu import _shows
from view_probes import hover_at, hover_text, node_rect

from playground import Config
from playground.core.arithmetic import neuron_sum
from playground.core.trainer import Trainer


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_the_sum_is_the_network_s_own(activation):
    trainer = Trainer(Config(hidden=(5, 3), activation=activation, features=("x1", "x2", "x1sq")))
    trainer.train(5)
    snap = trainer.snapshot()
    point = (1.5, -2.0)
    out = neuron_sum(snap.config, snap.weights, snap.biases, point, 3, 0)
    assert out.output == pytest.approx(float(trainer.predict(np.array([point]))[0, 0]), rel=1e-12)
    first = neuron_sum(snap.config, snap.weights, snap.biases, point, 1, 2)
    features = np.array([1.5, -2.0, 2.25])
    w, b = snap.weights[0][2], snap.biases[0][2]
    assert first.z == pytest.approx(float(w @ features + b)) and first.inputs == tuple(features)
    assert "z = " in first.text() and f"{activation}(z) = " in first.text()


def test_clicking_the_output_then_hovering_a_neuron_shows_its_sum(qtbot, open_window):
    win = open_window(Config(hidden=(3,)))
    view = win.output.output_view
    x, y = view.to_pixel(2.0, -1.0)
    qtbot.mouseClick(
        view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(round(x), round(y))
    )
    nv = win.network_view
    hover_at(nv, node_rect(nv, 1, 0).center())
    text = hover_text(nv)
    assert "at x₁ 2" in text and "z = " in text and "tanh(z) = " in text
    snap = win.experiment.snapshot
    assert _shows(win, lambda s: s is snap)
