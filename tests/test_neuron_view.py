"""The neuron explorer (issue 13): a clicked neuron's curve f(w·a + b) and its
sliders; dragging the bias slides the curve and the network takes the value."""

import numpy as np
import pytest
from test_file_menu import _shows
from view_probes import node_rect

from playground import Config


@pytest.fixture
def window(open_window):
    return open_window(Config(hidden=(3,), features=("x1", "x2")))


def test_a_clicked_neuron_is_explored_and_its_sliders_edit_the_network(qtbot, window):
    nv, explorer = window.network_view, window.neuron_view
    nv.neuron_selected.emit(1, 0)  # as a click on the first hidden neuron sends
    assert "Neuron 1 of the hidden layer 1" in explorer.title.text()
    snap = window.experiment.snapshot
    w, b = snap.weights[0][0], snap.biases[0][0]
    a, out = explorer.curve.getData()
    np.testing.assert_allclose(out, np.tanh(w[0] * a + b), rtol=1e-6)  # against x1
    explorer._bias_slider.setValue(500)  # b = 2.5: the curve slides
    qtbot.waitUntil(
        lambda: _shows(window, lambda s: abs(s.biases[0][0] - 2.5) < 1e-9), timeout=8000
    )
    explorer._weight_sliders[0].setValue(-400)  # w = -2: flipped and steeper
    qtbot.waitUntil(
        lambda: _shows(window, lambda s: abs(s.weights[0][0, 0] + 2.0) < 1e-9), timeout=8000
    )

    def drawn() -> bool:  # redrawn a few times a second: the edit shows within a moment
        a, out = explorer.curve.getData()
        return bool(np.allclose(out, np.tanh(-2.0 * a + 2.5), rtol=1e-6))

    qtbot.waitUntil(drawn, timeout=4000)


def test_clicking_a_node_selects_it(qtbot, window):
    from PySide6.QtCore import Qt

    nv = window.network_view
    with qtbot.waitSignal(nv.neuron_selected) as got:
        qtbot.mouseClick(nv.canvas.viewport(), Qt.MouseButton.LeftButton,
                         pos=node_rect(nv, 1, 2).center().toPoint())  # fmt: skip
    assert got.args == [1, 2]


def test_a_selected_first_layer_neuron_shows_where_its_sum_is_zero(qtbot, window):
    from playground.core.features import SQUARE
    from playground.views.zero_line import zero_segment

    (a, b) = zero_segment(1.0, -1.0, 0.0, SQUARE)  # x1 = x2: the diagonal, corner to corner
    assert {a, b} == {(-6.0, -6.0), (6.0, 6.0)}
    assert zero_segment(0.0, 1.0, 10.0, SQUARE) is None  # x2 = -10: outside the square
    nv = window.network_view
    nv._select(1, 0)
    line = nv._zero_line
    assert line.isVisible()
    snap = window.experiment.snapshot
    (w1, w2), bias = snap.weights[0][0], snap.biases[0][0]
    tile = node_rect(nv, 1, 0)
    for end in (line.line().p1(), line.line().p2()):  # both ends on the tile's edge, z = 0 there
        assert tile.adjusted(-1, -1, 1, 1).contains(end)
        x1 = -6 + 12 * (end.x() - tile.left()) / tile.width()
        x2 = 6 - 12 * (end.y() - tile.top()) / tile.height()
        assert abs(w1 * x1 + w2 * x2 + bias) < 0.05 * (abs(w1) + abs(w2)) * 12
    nv._select(2, 0)  # a second-layer neuron: its inputs are not x1 and x2
    assert not line.isVisible()


def test_the_explorer_lets_go_of_a_neuron_that_went_away_and_follows_the_bias_switch(
    qtbot, open_window
):
    win = open_window(Config(hidden=(8,)))
    explorer = win.neuron_view
    explorer.select(1, 7)
    assert explorer._bias_slider.isEnabled()
    win.experiment.propose({"use_bias": False})
    qtbot.waitUntil(lambda: not explorer._bias_slider.isEnabled(), timeout=8000)
    win.experiment.propose({"hidden": (2,)})  # neuron 8 is gone
    qtbot.waitUntil(lambda: "Click a neuron" in explorer.title.text(), timeout=8000)
    assert explorer.sliders.rowCount() == 0
    win.step()  # later pictures raise nothing
    qtbot.waitUntil(lambda: win.experiment.snapshot.epoch >= 1, timeout=8000)
