"""One-input data (issue 13): the output shows the target against x1 as points
and the network's prediction as a curve; two-input data keeps the heatmap."""

import numpy as np
import pytest
from test_file_menu import _shows

from playground import Config
from playground.core.features import one_input


def test_one_input_is_x1_features_and_x2_always_zero():
    line = np.c_[np.linspace(-6, 6, 5), np.zeros(5)]
    assert one_input(("x1",), line, 0) and one_input(("x1", "x1sq", "sinx1"), line, 2)
    assert not one_input(("x1", "x2"), line, 0)  # x2 is an input, if a constant one
    assert not one_input(("x1",), np.c_[line[:, 0], np.ones(5)], 0)
    assert not one_input(("x1",), line, 3)


@pytest.fixture
def window(open_window):
    return open_window(Config(dataset="line", features=("x1",), hidden=(), lr=0.01))


def test_the_line_is_a_curve_through_its_points(qtbot, window):
    out = window.output
    assert out.views.currentWidget() is out.curve_view
    top = float(abs(window.experiment.snapshot.dataset.y_all).max())  # about 25: the prices
    assert f"+{top:.3g}" in out.legend.text()  # the colour scale, said (regression)
    window.set_playing(True)
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.epoch >= 200), timeout=20000)
    window.set_playing(False)
    qtbot.wait(400)  # the curve is redrawn a few times a second
    x, y = out.curve_view.curve.getData()
    np.testing.assert_allclose(y, 2.5 * x - 10, atol=1e-3)  # the learnt line, in the plot
    px, py = out.curve_view.train.getData()
    ds = window.experiment.snapshot.dataset
    np.testing.assert_array_equal(px, ds.x_train[:, 0])
    np.testing.assert_array_equal(py, ds.y_train)
    window.experiment.propose({"dataset": "plane", "features": ("x1", "x2")})
    qtbot.waitUntil(lambda: out.views.currentWidget() is out.output_view, timeout=8000)


def test_painting_shows_the_plane_then_the_curve_again(qtbot, window):
    out = window.output
    window.paint_bar.toggle.setChecked(True)
    window.step()
    qtbot.waitUntil(lambda: out.views.currentWidget() is out.output_view, timeout=8000)
    window.paint_bar.toggle.setChecked(False)
    window.step()
    qtbot.waitUntil(lambda: out.views.currentWidget() is out.curve_view, timeout=8000)
