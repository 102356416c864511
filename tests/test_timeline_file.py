"""Checkpoints and pinned runs in experiment files: they round-trip exactly, a
damaged timeline is one sentence, and a loaded checkpoint continues bit for bit."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from playground.core import Config, Trainer
from playground.core.pins import MAX_PINS, make_pin
from playground.core.timeline import CheckpointStore, rewind
from playground.io.experiment import ExperimentFileError, read_experiment, save_experiment


def _trained(optimizer="adam", epochs=30):
    cfg = Config(dataset="xor", points=100, hidden=(5, 4), batch_size=10, optimizer=optimizer)
    trainer = Trainer(cfg)
    store = CheckpointStore()
    trainer.record_checkpoints(store)
    trainer.train(epochs)
    return trainer, store


def _pin(trainer, name="run A"):
    thumb = np.arange(24 * 20, dtype=np.int64).reshape(24, 20) * 997 % 0xFFFFFF
    return make_pin(name, trainer.config, trainer.state_dict()["history"], thumb)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_checkpoints_and_pins_round_trip(tmp_path, optimizer):
    trainer, store = _trained(optimizer)
    # a setting changed in flight: checkpoints after it carry the new one
    trainer.set_config(trainer.config.replace(lr=0.01))
    trainer.train(5)
    path = tmp_path / "run.playground"
    pins = [_pin(trainer), _pin(trainer, "run B")]
    save_experiment(path, trainer.state_dict(), timeline=store.checkpoints, pins=pins)
    back = read_experiment(path)
    assert [c.epoch for c in back.timeline] == store.epochs
    for mine, theirs in zip(store.checkpoints, back.timeline, strict=True):
        assert np.array_equal(mine.params, theirs.params)
        assert mine.steps == theirs.steps and mine.config == theirs.config
        assert mine.shuffle_rng == theirs.shuffle_rng
        assert np.array_equal(mine.record, theirs.record, equal_nan=True)
        assert mine.optimizer.keys() == theirs.optimizer.keys()
        for key, value in mine.optimizer.items():
            assert np.array_equal(value, theirs.optimizer[key])
    assert {c.config.lr for c in back.timeline} == {0.03, 0.01}
    assert [p.name for p in back.pins] == ["run A", "run B"]
    assert np.array_equal(back.pins[0].thumbnail, pins[0].thumbnail)
    assert np.array_equal(back.pins[0].history, pins[0].history, equal_nan=True)
    assert back.pins[0].config == pins[0].config
    assert back.pins[0].metrics.epoch == trainer.epoch


def test_a_loaded_checkpoint_continues_bit_for_bit(tmp_path):
    trainer, store = _trained("adam", 40)
    path = tmp_path / "run.playground"
    save_experiment(path, trainer.state_dict(), timeline=store.checkpoints)
    back = read_experiment(path)
    c = next(c for c in back.timeline if c.epoch == 20)
    resumed = Trainer.from_state(rewind(back.state, c))
    resumed.train(20)
    assert np.array_equal(resumed.network.params, trainer.network.params)


def test_a_file_without_a_timeline_stays_version_1(tmp_path):
    trainer, _ = _trained()
    path = tmp_path / "plain.playground"
    save_experiment(path, trainer.state_dict())
    with zipfile.ZipFile(path) as z:
        document = json.loads(z.read("experiment.json"))
    assert document["version"] == 1 and "timeline" not in document
    assert read_experiment(path).timeline == () and read_experiment(path).pins == ()


def test_more_pins_than_allowed_are_refused(tmp_path):
    trainer, _ = _trained()
    pins = [_pin(trainer, f"run {i}") for i in range(MAX_PINS + 1)]
    with pytest.raises(ExperimentFileError, match="at most 4 pinned runs"):
        save_experiment(tmp_path / "x.playground", trainer.state_dict(), pins=pins)
    assert not list(tmp_path.iterdir())


def _rewrite(path, change):
    """The same file with experiment.json changed by `change(document)`."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    document = json.loads(members["experiment.json"])
    change(document)
    members["experiment.json"] = json.dumps(document).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda d: d["timeline"]["checkpoints"].reverse(), "history row is of another epoch"),
        (lambda d: d["timeline"]["checkpoints"][1].update(params=0), "share an array row"),
        (lambda d: d["timeline"]["checkpoints"][2].update(epoch=10**6), "epochs must rise"),
        (lambda d: d["timeline"]["checkpoints"][0].update(config=7), "settings the timeline"),
        (lambda d: d["timeline"]["configs"][0].update(hidden=[3]), "another network"),
        (lambda d: d["timeline"]["checkpoints"][0]["optimizer"].pop("t"), "optimizer"),
        (lambda d: d["timeline"]["checkpoints"][0].update(shuffle_rng={"x": 1}), "PCG64"),
        (lambda d: d["pins"][0].update(name=""), "name of 1 to"),
        (lambda d: d["timeline"]["checkpoints"][1].update(steps=2**70), "epochs must rise"),
        (lambda d: d["pins"][0]["config"].update(activation="nope"), "pinned run's config"),
        (lambda d: d.update(pins={"a": 1}), "list of at most"),
        (lambda d: d.update(pins=[{"name": "x"}]), "exactly name, config"),
    ],
)
def test_a_damaged_timeline_or_pin_is_one_sentence(tmp_path, change, words):
    trainer, store = _trained()
    path = tmp_path / "run.playground"
    save_experiment(path, trainer.state_dict(), timeline=store.checkpoints, pins=[_pin(trainer)])
    _rewrite(path, change)
    with pytest.raises(ExperimentFileError, match=words) as caught:
        read_experiment(path)
    assert "\n" not in str(caught.value) and str(caught.value).startswith("cannot open")


@pytest.mark.parametrize("epochs", [[np.nan], [0.0, np.inf], [0.0, 1.5], [-1.0, 2.0]])
def test_a_pin_with_a_history_of_odd_epochs_is_refused(epochs):
    history = np.zeros((len(epochs), 5))
    history[:, 0] = epochs
    with pytest.raises(ValueError, match="rising whole epochs"):
        make_pin("x", Config(), history, np.zeros((4, 4), dtype=np.int64))
