"""Painting points on the output (issue 12): add with the left button, erase with
the right or the eraser, undo and redo, Clear; counts, labels and the split."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit
from test_file_menu import _shows

from playground import Config


@pytest.fixture
def window(open_window):
    win = open_window(Config(dataset="gauss", points=40, hidden=(3,)))
    win.paint_bar.toggle.setChecked(True)
    return win


def _pixel(win, x1, x2):
    """The output view's widget pixel of input point (x1, x2)."""
    x, y = win.output.output_view.to_pixel(x1, x2)
    return QPoint(round(x), round(y))


def _count(win):
    ds = win.experiment.snapshot.dataset
    return len(ds.x_train) + len(ds.x_test)


def _settled(qtbot, win, n):
    qtbot.waitUntil(lambda: _shows(win, lambda s: s.dataset is not None and _count(win) == n),
                    timeout=8000)  # fmt: skip
    return win.experiment.snapshot.dataset


def test_a_click_adds_a_point_of_the_chosen_class_and_undo_takes_it_back(qtbot, window):
    viewport = window.output.output_view.canvas.viewport()
    epoch = window.experiment.snapshot.epoch
    window.paint_bar.swatches[0].click()  # class 1 (index 0)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=_pixel(window, 2.0, 3.0))
    ds = _settled(qtbot, window, 41)
    x, y = np.r_[ds.x_train, ds.x_test], np.r_[ds.y_train, ds.y_test]
    (new,) = np.flatnonzero(np.hypot(x[:, 0] - 2.0, x[:, 1] - 3.0) < 0.2)
    assert y[new] == 0 and ds.origin == "painted"
    assert window.experiment.config.dataset == "own" and window.experiment.config.points == 41
    assert window.experiment.snapshot.epoch == epoch  # the network goes on: no restart
    qtbot.keyClick(window, Qt.Key.Key_2)  # the second swatch by key
    assert window.painter.brush == 1.0
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=_pixel(window, -4.0, -4.0))
    ds = _settled(qtbot, window, 42)
    x, y = np.r_[ds.x_train, ds.x_test], np.r_[ds.y_train, ds.y_test]
    assert y[np.argmin(np.hypot(x[:, 0] + 4, x[:, 1] + 4))] == 1
    window.painter.undo()
    _settled(qtbot, window, 41)
    window.painter.redo()
    _settled(qtbot, window, 42)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    _settled(qtbot, window, 41)


def test_a_drag_is_a_trail_of_points_and_one_undo_step(qtbot, window):
    viewport = window.output.output_view.canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=_pixel(window, -5.0, 0.0))
    for x1 in np.linspace(-5, 5, 30):
        qtbot.mouseMove(viewport, _pixel(window, x1, 0.0))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=_pixel(window, 5.0, 0.0))
    ds = _settled(qtbot, window, _count_after(qtbot, window))
    added = len(ds.x_train) + len(ds.x_test) - 40
    assert 10 <= added <= 30  # a point every 0.36 units over 10, not one per mouse event
    window.painter.undo()
    _settled(qtbot, window, 40)


def _count_after(qtbot, win):
    qtbot.waitUntil(lambda: _shows(win, lambda s: s.dataset is not None and _count(win) > 41),
                    timeout=8000)  # fmt: skip
    qtbot.wait(200)
    return _count(win)


def test_the_eraser_removes_the_points_under_it(qtbot, window):
    ds = window.experiment.snapshot.dataset
    x = np.r_[ds.x_train, ds.x_test]
    view = window.output.output_view
    radius = 0.12 * view.extent.half
    pixel = _pixel(window, *x[0])
    target = np.array(view.to_data(pixel.x(), pixel.y()))  # where the click lands, rounded
    under = int((np.hypot(*(x - target).T) <= radius).sum())
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.RightButton, pos=pixel)
    after = _settled(qtbot, window, 40 - under)
    left = np.r_[after.x_train, after.x_test]
    assert not (np.hypot(*(left - target).T) < radius * 0.9).any()


def test_clear_waits_for_four_points_then_trains_on_them(qtbot, window):
    viewport = window.output.output_view.canvas.viewport()
    window.paint_bar.clear.click()
    assert not window.session.is_running
    for i, (a, b) in enumerate([(-3, -3), (3, 3), (-3, 3), (3, -3), (0, 4)]):
        window.paint_bar.swatches[i % 2].click()
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=_pixel(window, a, b))
    ds = _settled(qtbot, window, 5)
    assert len(ds.x_test) >= 1 and set(np.r_[ds.y_train, ds.y_test]) == {0, 1}


def test_keys_in_a_text_field_stay_the_field_s(qtbot, window):
    viewport = window.output.output_view.canvas.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=_pixel(window, 1.0, 1.0))
    _settled(qtbot, window, 41)
    window.paint_bar.swatches[1].click()
    edit = window.optimizer_panel.widget("lr").findChild(QLineEdit)
    edit.setFocus()
    qtbot.keyClicks(edit, "1")  # a digit typed, not the first swatch chosen
    assert window.painter.brush == 1.0 and "1" in edit.text()
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the field's undo
    qtbot.wait(200)
    assert _count(window) == 41 and window.painter.can_undo


def test_the_paint_tools_and_a_legend_fit_a_1280_by_720_window(qtbot, window):
    window.paint_bar.swatches[0].click()
    viewport = window.output.output_view.canvas.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=_pixel(window, 1.0, 1.0))
    _settled(qtbot, window, 41)
    qtbot.waitUntil(window.output.legend.isVisible, timeout=8000)  # "painted"
    assert window.minimumSizeHint().height() <= 720 and window.minimumSizeHint().width() <= 1280


def test_painted_points_and_a_formula_are_saved_and_reopen_exactly(qtbot, window, tmp_path):
    viewport = window.output.output_view.canvas.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=_pixel(window, 2.0, -2.0))
    painted = _settled(qtbot, window, 41)
    path = tmp_path / "painted.playground"
    assert window.files.save_to(path)
    window.experiment.propose({"dataset": "custom", "formula": "r < 3"})
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.config.dataset == "custom"), timeout=8000)
    formula = window.experiment.snapshot.dataset
    path2 = tmp_path / "formula.playground"
    assert window.files.save_to(path2)
    for saved, data, dataset in ((path, painted, "own"), (path2, formula, "custom")):
        assert window.files.open_path(saved)
        qtbot.waitUntil(lambda d=dataset: _shows(window, lambda s: s.config.dataset == d),
                        timeout=8000)  # fmt: skip
        again = window.experiment.snapshot.dataset
        np.testing.assert_array_equal(again.x_train, data.x_train)
        np.testing.assert_array_equal(again.y_test, data.y_test)
        assert again.origin == data.origin


def test_the_data_panel_says_where_own_points_came_from(qtbot, window):
    viewport = window.output.output_view.canvas.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=_pixel(window, 1.0, 1.0))
    _settled(qtbot, window, 41)
    button = window.data_panel.control("dataset").buttons["own:classification"]
    qtbot.waitUntil(lambda: button.text() == "Painted", timeout=8000)
    assert button.isChecked() and "painted" in button.toolTip()


def test_regression_points_take_the_chosen_target(qtbot, open_window):
    win = open_window(Config(dataset="plane", points=40, hidden=(3,)))
    win.paint_bar.toggle.setChecked(True)
    assert win.paint_bar.target.isVisibleTo(win) and not win.paint_bar.swatches[0].isVisibleTo(win)
    win.paint_bar.target.setValue(0.75)
    viewport = win.output.output_view.canvas.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=_pixel(win, -1.0, 2.0))
    ds = _settled(qtbot, win, 41)
    x, y = np.r_[ds.x_train, ds.x_test], np.r_[ds.y_train, ds.y_test]
    assert y[np.argmin(np.hypot(x[:, 0] + 1, x[:, 1] - 2))] == 0.75
    assert win.experiment.config.problem == "regression"


def test_too_few_points_pause_and_play_waits_for_more(qtbot, window):
    window.set_playing(True)
    qtbot.waitUntil(lambda: window.session.is_running, timeout=4000)
    window.painter.erase(0.0, 0.0, 100.0)  # every point gone
    assert window.painter.pending
    qtbot.waitUntil(lambda: not window.session.is_running, timeout=4000)  # paused
    qtbot.wait(300)  # the last picture of the run in
    epoch = window.experiment.snapshot.epoch
    window.set_playing(True)  # refused: the trainer's points are not the ones shown
    window.step()
    qtbot.wait(300)
    assert not window.session.is_running and window.experiment.snapshot.epoch == epoch
    view = window.output.output_view
    assert len(view._dataset.x_train) + len(view._dataset.x_test) == 0  # the empty preview
    for i, (a, b) in enumerate([(-3, -3), (3, 3), (-3, 3), (3, -3), (0, 4)]):
        window.paint_bar.swatches[i % 2].click()
        window.painter.add(float(a), float(b))
        window.painter.end_stroke()
    assert not window.painter.pending
    _settled(qtbot, window, 5)
    window.set_playing(True)
    qtbot.waitUntil(lambda: window.session.is_running, timeout=4000)


def test_an_eraser_over_nothing_keeps_redo(qtbot, window):
    window.painter.add(1.0, 1.0)
    window.painter.end_stroke()
    window.painter.undo()
    assert window.painter.can_redo
    window.painter.erase(5.9, 5.9, 0.01)  # an empty corner
    window.painter.end_stroke()
    assert window.painter.can_redo


def test_a_stroke_before_the_new_data_is_pictured_does_not_paint_on_the_old(qtbot, window):
    window.experiment.propose({"dataset": "xor", "points": 60})
    window.painter.add(1.0, 1.0)  # within a frame of the switch: not on gauss's points
    window.painter.end_stroke()
    qtbot.waitUntil(lambda: _shows(window, lambda s: s.config.dataset == "xor"), timeout=8000)
    window.painter.add(1.0, 1.0)
    window.painter.end_stroke()
    ds = _settled(qtbot, window, 61)
    assert window.experiment.config.dataset == "own" and ds.origin == "painted"


def test_other_data_chosen_after_clear_lets_play_go_again(qtbot, window):
    window.paint_bar.clear.click()
    assert window.painter.pending
    window.experiment.propose({"dataset": "xor"})
    assert not window.painter.pending  # the preview gave way to the new data
    window.set_playing(True)
    qtbot.waitUntil(lambda: window.session.is_running, timeout=4000)
    window.set_playing(False)
