"""The whole window, offscreen: controls reach the trainer thread and come back as pictures."""

import sys
from itertools import pairwise

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from shiboken6 import isValid

from playground import Config
from playground.app.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Config(), settings=settings)
    win.files.ask_discard = lambda: "discard"  # no modal question in tests
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    if isValid(win):  # pytest-qt may have closed (and so deleted) it already
        win.close()
    assert win.session.finished


def _snap(window):
    return window.experiment.snapshot


def _wait_for(qtbot, window, condition, timeout=8000):
    qtbot.waitUntil(lambda: _snap(window) is not None and condition(_snap(window)), timeout=timeout)
    return _snap(window)


def test_title_and_first_picture(qtbot, window):
    assert window.windowTitle().replace("[*]", "") == "Neural Playground"
    snap = _wait_for(qtbot, window, lambda s: s.grids is not None)
    assert snap.epoch == 0


def test_play_grows_the_epoch_and_pause_stops_it(qtbot, window):
    _wait_for(qtbot, window, lambda s: True)
    window.run_controls.play_toggled.emit(True)
    _wait_for(qtbot, window, lambda s: s.epoch > 20)
    window.run_controls.play_toggled.emit(False)
    qtbot.waitUntil(lambda: not window.session.is_running, timeout=3000)
    qtbot.wait(150)
    stopped = _snap(window).epoch
    qtbot.wait(300)
    assert _snap(window).epoch == stopped


def test_step_advances_exactly_one_epoch(qtbot, window):
    _wait_for(qtbot, window, lambda s: True)
    window.step()
    _wait_for(qtbot, window, lambda s: s.epoch == 1)
    window.step()
    _wait_for(qtbot, window, lambda s: s.epoch == 2)
    qtbot.wait(200)
    assert _snap(window).epoch == 2


def test_reset_returns_to_epoch_zero_with_new_parameters(qtbot, window):
    first = _wait_for(qtbot, window, lambda s: True)
    for _ in range(3):
        window.step()
    _wait_for(qtbot, window, lambda s: s.epoch == 3)
    window.experiment.reset()
    snap = _wait_for(qtbot, window, lambda s: s.generation > first.generation and s.epoch == 0)
    assert snap.config.init_seed == first.config.init_seed + 1
    assert not np.array_equal(snap.weights[0], first.weights[0])


@pytest.mark.parametrize(
    "action, expect",
    [
        (lambda w: w.network_view.feature_toggled.emit("x1x2"), lambda c: "x1x2" in c.features),
        (lambda w: w.network_view.layer_added.emit(), lambda c: c.hidden == (4, 2, 2)),
        (lambda w: w.network_view.layer_removed.emit(), lambda c: c.hidden == (4,)),
        (lambda w: w.network_view.neuron_added.emit(0), lambda c: c.hidden == (5, 2)),
        (lambda w: w.network_view.neuron_removed.emit(1), lambda c: c.hidden == (4, 1)),
    ],
    ids=["feature", "add-layer", "remove-layer", "add-neuron", "remove-neuron"],
)
def test_architecture_changes_reach_the_network(qtbot, window, action, expect):
    _wait_for(qtbot, window, lambda s: True)
    action(window)
    snap = _wait_for(qtbot, window, lambda s: expect(s.config))
    sizes = snap.config.layer_sizes
    assert [w.shape for w in snap.weights] == [(o, i) for i, o in pairwise(sizes)]


def test_the_last_feature_cannot_be_switched_off(qtbot, window):
    window.experiment.propose({"features": ("x1",)})
    window.network_view.feature_toggled.emit("x1")
    assert window.experiment.config.features == ("x1",)


def test_editing_a_weight_reaches_the_trainer(qtbot, window):
    _wait_for(qtbot, window, lambda s: True)
    window.network_view.weight_edited.emit(0, 1, 0, 3.25)
    window.network_view.bias_edited.emit(1, 0, -0.75)
    snap = _wait_for(
        qtbot, window, lambda s: s.weights[0][1, 0] == 3.25 and s.biases[1][0] == -0.75
    )
    assert snap.epoch == 0


def test_hot_changes_keep_the_epoch(qtbot, window):
    _wait_for(qtbot, window, lambda s: True)
    for _ in range(4):
        window.step()
    _wait_for(qtbot, window, lambda s: s.epoch == 4)
    generation = _snap(window).generation
    window.experiment.propose(
        {"lr": 0.1, "optimizer": "adam", "regularization": "l2", "reg_rate": 0.01}
    )
    snap = _wait_for(qtbot, window, lambda s: s.config.optimizer == "adam")
    assert snap.epoch == 4 and snap.generation == generation and snap.config.lr == 0.1


def test_a_divergent_learning_rate_pauses_with_a_message(qtbot, window):
    window.experiment.propose(
        {"dataset": "plane", "activation": "relu", "init": "he_normal", "lr": 3.0}
    )
    window.run_controls.play_toggled.emit(True)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=8000)
    assert "learning rate" in window.banner.text.text()
    qtbot.waitUntil(lambda: not window.session.is_running, timeout=3000)
    lower = next(b for b in window.banner.buttons if "÷ 10" in b.text())
    lower.click()
    assert window.experiment.config.lr == pytest.approx(0.3)

    def divergence_gone() -> bool:  # the doctor may go on about what it left behind
        shown = window.banner.isVisible() and window.banner.text.text()
        return not shown or "diverged" not in shown

    qtbot.waitUntil(divergence_gone, timeout=3000)  # the next picture


def test_bad_values_are_refused_with_a_message(qtbot, window):
    assert window.experiment.propose({"lr": -5.0}) is False
    assert window.experiment.config.lr == 0.03 and "lr" in window.statusBar().currentMessage()


def test_closing_while_training_stops_the_thread(qtbot, tmp_path, close_later):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Config(hidden=(8, 8, 8)), settings=settings)
    win.files.ask_discard = lambda: "discard"
    close_later(win)
    win.show()
    win.run_controls.play_toggled.emit(True)
    qtbot.waitUntil(lambda: _snap(win) is not None and _snap(win).epoch > 3, timeout=8000)
    session = win.session
    win.close()
    assert session.finished


def test_settings_remember_the_last_configuration(qtbot, tmp_path, close_later):
    path = str(tmp_path / "remember.ini")
    win = MainWindow(Config(), settings=QSettings(path, QSettings.Format.IniFormat))
    win.files.ask_discard = lambda: "discard"
    close_later(win)
    win.experiment.propose({"dataset": "xor", "hidden": (6,), "lr": 0.1})
    win.output.show_test.setChecked(True)
    win.close()
    again = MainWindow(settings=QSettings(path, QSettings.Format.IniFormat))
    again.files.ask_discard = lambda: "discard"
    close_later(again)
    assert (
        again.experiment.config.dataset,
        again.experiment.config.hidden,
        again.experiment.config.lr,
    ) == ("xor", (6,), 0.1)
    assert again.output.show_test.isChecked()
    again.close()


def test_soak_3000_frames_without_leaking_bools(qtbot, window):
    """Training and redrawing for 3,000 frames; PySide6 6.12.0 would abort Python < 3.12."""
    window.clock.stop()  # drive frames by hand, as fast as they come
    window.run_controls.play_toggled.emit(True)
    before = sys.getrefcount(True), sys.getrefcount(False)
    drawn = 0
    for _ in range(3000):
        qtbot.wait(1)
        drawn += window.clock.tick()
    after = sys.getrefcount(True), sys.getrefcount(False)
    window.run_controls.play_toggled.emit(False)
    assert drawn > 100 and _snap(window).epoch > 100
    assert abs(after[0] - before[0]) < 500 and abs(after[1] - before[1]) < 500


def test_window_renders_to_a_non_blank_png(qtbot, window, tmp_path):
    window.experiment.propose(
        {"dataset": "spiral", "hidden": (8, 8), "features": ("x1", "x2", "sinx1", "sinx2")}
    )
    window.run_controls.play_toggled.emit(True)
    _wait_for(qtbot, window, lambda s: s.epoch > 30 and s.config.dataset == "spiral")
    window.run_controls.play_toggled.emit(False)
    qtbot.wait(100)
    path = tmp_path / "window.png"
    assert window.grab().save(str(path))
    from PySide6.QtGui import QImage

    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    assert image.width() > 800 and image.height() > 500
    data = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
    colours = {tuple(c) for c in data[::7, ::7, :3].reshape(-1, 3)}
    assert len(colours) > 200  # a blank or one-colour window has a handful
    blue = np.all(np.abs(data[..., :3].astype(int) - (0xBD, 0x77, 0x08)) < 40, axis=-1)  # BGR
    assert blue.sum() > 500  # the diverging scale's blue is on screen


def test_big_networks_get_coarser_pictures(qtbot, window):
    from playground.app.experiment import grid_resolution_for

    assert grid_resolution_for(Config(hidden=(8,) * 6)) == 100
    window.experiment.propose({"hidden": (32,) * 8})
    snap = _wait_for(qtbot, window, lambda s: s.config.hidden == (32,) * 8 and s.grids is not None)
    assert snap.grids.resolution == 64


def test_a_window_that_fails_to_build_stops_its_trainer_thread(qtbot, monkeypatch):
    from playground.app import main_window

    ended = []
    real_shutdown = main_window.TrainingSession.shutdown

    def recording_shutdown(self):
        real_shutdown(self)
        ended.append(self.finished)

    def broken(self):
        raise RuntimeError("a view could not be built")

    monkeypatch.setattr(main_window.TrainingSession, "shutdown", recording_shutdown)
    monkeypatch.setattr(main_window.MainWindow, "_build", broken)
    with pytest.raises(RuntimeError, match="could not be built"):
        main_window.MainWindow()
    assert ended and ended[0]  # the thread ended before the error went on
