"""The timeline in the window: scrubbing shows a checkpoint's exact network,
continuing from one trains on bit for bit, pins and checkpoints are saved with
the experiment."""

from __future__ import annotations

import numpy as np
import pytest
from window_training import train_to

from playground.core import Config, Trainer
from playground.core.timeline import CheckpointStore
from playground.io.experiment import read_experiment


def _config(**changes):
    base = dict(dataset="xor", points=120, hidden=(4, 3), batch_size=10, optimizer="adam")
    return Config(**(base | changes))


def _train_to(qtbot, win, epoch):
    train_to(qtbot, win, epoch)
    qtbot.waitUntil(lambda: max(win.experiment.records.timeline.epochs) == epoch, timeout=5000)


def _reference(cfg, epochs):
    trainer = Trainer(cfg)
    store = CheckpointStore()
    trainer.record_checkpoints(store)
    trainer.train(epochs)
    return trainer, store


@pytest.mark.parametrize("backend", ["process", "thread"])
def test_scrubbing_shows_the_checkpoints_exact_parameters(qtbot, open_window, monkeypatch, backend):
    monkeypatch.setenv("NEURAL_PLAYGROUND_TRAINER", backend)
    cfg = _config()
    win = open_window(cfg)
    _train_to(qtbot, win, 30)
    records = win.experiment.records
    _, store = _reference(cfg, 30)
    assert records.timeline.epochs == store.epochs  # the same keep rule, the same epochs
    shown = []
    win.experiment.snapshot_changed.connect(shown.append)
    win.output.timeline_bar.slider.setValue(records.timeline.epochs.index(12))
    qtbot.waitUntil(lambda: win.experiment.past is not None, timeout=5000)
    past = win.experiment.past
    assert past.epoch == 12 and shown[-1] is past
    assert np.array_equal(
        np.concatenate(
            [
                np.column_stack([w, b]).ravel()
                for w, b in zip(past.weights, past.biases, strict=True)
            ]
        ),
        store.at(12).params,
    )  # the flat layout: (out, in + 1) per layer, bias last
    assert past.metrics.test_loss == store.at(12).record[2]
    assert win.network_view._snap is past  # the graph shows it
    assert win.output.timeline_bar.viewing == 12
    assert "epoch 12" in win.output.timeline_bar.label.text()
    # back to now: the live run again
    win.output.timeline_bar.now_button.click()
    assert win.experiment.past is None and shown[-1].epoch == 30


def test_continue_from_here_trains_on_bit_for_bit(qtbot, open_window, monkeypatch):
    cfg = _config(optimizer="adam")
    win = open_window(cfg)
    _train_to(qtbot, win, 25)
    bar = win.output.timeline_bar
    bar.slider.setValue(win.experiment.records.timeline.epochs.index(10))
    qtbot.waitUntil(lambda: win.experiment.past is not None, timeout=5000)
    win.session.set_stop_at(25)  # it plays on from epoch 10: let it stop at 25
    bar.continue_button.click()
    assert win.experiment.past is None
    qtbot.waitUntil(
        lambda: (
            not win.session.is_running
            and win.experiment.snapshot is not None
            and win.experiment.snapshot.epoch == 25
        ),
        timeout=20000,
    )
    state = win.experiment.fetch_state()
    assert state["epoch"] == 25 and state["cursor"] == 0
    reference, _ = _reference(cfg, 25)
    assert np.array_equal(state["params"], reference.network.params)
    assert np.array_equal(state["optimizer"]["m"], reference.optimizer.state_dict()["m"])
    epoch = 25
    # the timeline kept its past and replaced its future
    assert all(e <= epoch for e in win.experiment.records.timeline.epochs)
    assert 9 in win.experiment.records.timeline.epochs


def test_pins_and_checkpoints_are_saved_with_the_experiment(qtbot, open_window, tmp_path):
    win = open_window(_config())
    _train_to(qtbot, win, 20)
    win.timeline.pin()
    assert [p.name for p in win.experiment.records.pins] == ["Run 1"]
    pin = win.experiment.records.pins[0]
    assert pin.metrics.epoch == 20 and pin.thumbnail.shape == (96, 96)
    assert len(np.unique(pin.thumbnail)) > 20  # a picture, not a blank
    path = tmp_path / "run.playground"
    assert win.files.save_to(path)
    saved = read_experiment(path)
    assert [c.epoch for c in saved.timeline] == win.experiment.records.timeline.epochs
    assert [p.name for p in saved.pins] == ["Run 1"]
    # New clears them; opening the file brings them back
    win.files.new()
    assert win.experiment.records.pins == [] and win.experiment.records.timeline.epochs == [0]
    assert win.files.open_path(path)
    records = win.experiment.records
    assert [p.name for p in records.pins] == ["Run 1"]
    assert records.timeline.epochs == [c.epoch for c in saved.timeline]
    assert np.array_equal(records.timeline.at(7).params, saved.timeline[7].params)


def test_four_pins_at_most(qtbot, open_window):
    win = open_window(_config())
    said = []
    win.timeline.said.connect(said.append)
    for _ in range(5):
        win.timeline.pin()
    assert len(win.experiment.records.pins) == 4
    assert "4 runs are pinned already" in said[-1]


def test_opening_a_file_while_another_run_trains_keeps_only_the_files_timeline(
    qtbot, open_window, tmp_path
):
    win = open_window(_config())
    _train_to(qtbot, win, 40)
    path = tmp_path / "forty.playground"
    assert win.files.save_to(path)
    saved = [c.epoch for c in read_experiment(path).timeline]
    win.files.new()
    win.timeline.stop()  # nothing collects meanwhile: the new run's checkpoints wait
    win.session.set_stop_at(12)
    win.set_playing(True)
    qtbot.waitUntil(lambda: not win.session.is_running and win.experiment.snapshot is not None
                    and win.experiment.snapshot.epoch == 12, timeout=20000)  # fmt: skip
    assert win.files.open_path(path)
    win.timeline.refresh()
    assert win.experiment.records.timeline.epochs == saved  # none of the New run's
    assert win.files.save_to(tmp_path / "again.playground")


def test_saving_right_after_a_rebuild_keeps_no_old_checkpoints(qtbot, open_window, tmp_path):
    win = open_window(_config())
    _train_to(qtbot, win, 20)
    win.experiment.propose({"hidden": (5,)})  # another network, epoch 0
    path = tmp_path / "rebuilt.playground"
    assert win.files.save_to(path), win.told
    assert [c.epoch for c in read_experiment(path).timeline] == [0]


def test_export_image_and_parameters_take_the_checkpoint_on_show(qtbot, open_window, tmp_path):
    from playground.io.parameters import import_parameters

    win = open_window(_config())
    _train_to(qtbot, win, 20)
    bar = win.output.timeline_bar
    bar.slider.setValue(win.experiment.records.timeline.epochs.index(5))
    qtbot.waitUntil(lambda: win.experiment.past is not None, timeout=5000)
    path = tmp_path / "epoch5.npz"
    assert win.files.export_parameters_to(path)
    layers = import_parameters(path).layers
    assert np.array_equal(layers[0][0], win.experiment.past.weights[0])
    assert not np.array_equal(layers[0][0], win.experiment.snapshot.weights[0])


def test_a_checkpoint_gone_from_the_timeline_cannot_be_continued(qtbot, open_window):
    win = open_window(_config())
    _train_to(qtbot, win, 10)
    said = []
    win.timeline.said.connect(said.append)
    bar = win.output.timeline_bar
    bar.slider.setValue(win.experiment.records.timeline.epochs.index(4))
    qtbot.waitUntil(lambda: win.experiment.past is not None, timeout=5000)
    win.experiment.records.timeline.clear()
    bar.continue_button.click()
    assert "is gone" in said[-1] and win.experiment.past is None
