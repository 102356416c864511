"""The Runs menu at work: Compare Runs with two initializations, Try 5 Seeds in
processes (adopting one), and File > Export Animation."""

from __future__ import annotations

import multiprocessing
import os

import numpy as np
from PIL import Image
from window_training import train_to

from playground.app.animation_export import AnimationOptions
from playground.app.compare_window import setting_differences
from playground.core import Config, Trainer


def _config(**changes):
    base = dict(dataset="circle", points=100, hidden=(4,), batch_size=10, epochs=15)
    return Config(**(base | changes))


def test_compare_shows_two_initializations_side_by_side(qtbot, open_window):
    win = open_window(_config(init="xavier_normal"))
    train_to(qtbot, win, 15)
    win.timeline.pin()
    win.experiment.propose({"init": "he_normal", "init_scale": 1.0})
    qtbot.waitUntil(lambda: win.experiment.snapshot.config.init == "he_normal", timeout=5000)
    train_to(qtbot, win, 15)
    win.timeline.pin()
    compare = win.runs.show_compare()
    table = compare.table
    rows = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
    assert rows[0] == "init" and "test loss" in rows and "test accuracy" in rows
    assert [table.item(0, c).text() for c in range(2)] == ["xavier_normal", "he_normal"]
    pins = win.experiment.records.pins
    test_row = rows.index("test loss")
    best = int(np.argmin([p.metrics.test_loss for p in pins]))
    assert table.item(test_row, best).font().bold()
    # the loss plot draws both pins faintly, in their colours
    assert len(win.output.loss_view._pinned_items) == 2
    # unpin from the card: the table follows
    win.experiment.records.remove_pin(0)
    assert compare.table.columnCount() == 1


def test_setting_differences_name_options_as_typed():
    from playground.core.pins import make_pin

    history = np.array([[0, 1, 1, 0.5, 0.5]], dtype=float)
    thumb = np.zeros((4, 4), dtype=np.int64)
    a = make_pin("a", Config(init="normal", init_scale=0.1), history, thumb)
    b = make_pin("b", Config(init="normal", init_scale=10.0), history, thumb)
    assert setting_differences([a, b]) == [("init-scale", ["0.1", "10"])]
    assert setting_differences([a]) == []


def test_try_five_seeds_trains_in_processes_and_adopts_one(qtbot, open_window):
    cfg = _config()
    win = open_window(cfg)
    train_to(qtbot, win, 12)
    before = set(multiprocessing.active_children())  # the trainer's own process
    seeds = win.runs.try_seeds()
    assert seeds.running
    workers = set(multiprocessing.active_children()) - before
    assert len(workers) == min(5, os.cpu_count() or 1)  # a process a core
    qtbot.waitUntil(lambda: not seeds.running, timeout=60000)
    assert not any(p.is_alive() for p in workers)  # ended once all were done
    cards = seeds._cards
    assert len(cards) == 5 and all(card.isEnabled() for card in cards)
    assert sum(card.font().bold() for card in cards) == 1
    # each copy is the run from its seed: check one against the engine
    seed = 3
    reference = Trainer(cfg.replace(init_seed=seed), win.experiment.snapshot.dataset)
    reference.train(12)
    assert np.array_equal(seeds._states[seed]["params"], reference.network.params)
    cards[2].click()  # seed 3
    qtbot.waitUntil(
        lambda: (
            win.experiment.snapshot is not None and win.experiment.snapshot.config.init_seed == seed
        ),
        timeout=5000,
    )
    state = win.experiment.fetch_state()
    assert state["epoch"] == 12 and np.array_equal(state["params"], reference.network.params)
    assert win.experiment.config.init_seed == seed


def test_closing_the_window_ends_the_seeds_processes(qtbot, tmp_path, close_later):
    from PySide6.QtCore import QSettings

    from playground.app.main_window import MainWindow

    before = set(multiprocessing.active_children())
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    win = MainWindow(_config(epochs=100000), settings=settings)
    win.files.ask_discard = lambda: "discard"
    close_later(win)
    win.show()
    qtbot.waitUntil(lambda: win.experiment.snapshot is not None, timeout=8000)
    seeds = win.runs.try_seeds()  # 100,000 epochs each: still training when closed
    qtbot.wait(300)
    assert seeds.running
    win.close()
    qtbot.waitUntil(lambda: set(multiprocessing.active_children()) <= before, timeout=10000)


def test_escape_in_try_five_seeds_ends_its_processes(qtbot, open_window):
    from PySide6.QtCore import Qt

    win = open_window(_config(epochs=100000))
    before = set(multiprocessing.active_children())
    seeds = win.runs.try_seeds()  # 100,000 epochs each: still training at Esc
    qtbot.waitUntil(lambda: bool(set(multiprocessing.active_children()) - before), timeout=5000)
    workers = set(multiprocessing.active_children()) - before
    qtbot.keyClick(seeds, Qt.Key.Key_Escape)
    assert not seeds.running and not seeds.isVisible()
    qtbot.waitUntil(lambda: not any(p.is_alive() for p in workers), timeout=10000)


def test_export_animation_writes_one_frame_per_checkpoint(qtbot, open_window, tmp_path):
    win = open_window(_config())
    train_to(qtbot, win, 20)
    count = len(win.experiment.records.timeline)
    assert count == 21  # every epoch this early
    path = tmp_path / "run.gif"
    assert win.animation.export_to(path, AnimationOptions(frames=100, fps=5))
    with Image.open(path) as gif:
        assert gif.n_frames == 21 and gif.size == (480, 480)
    small = tmp_path / "few.gif"
    options = AnimationOptions(what="window", frames=6, size=(640, 360))
    assert win.animation.export_to(small, options)
    with Image.open(small) as gif:
        assert gif.n_frames == 6 and gif.size == (640, 360)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".gif") == [
        "few.gif",
        "run.gif",
    ]
