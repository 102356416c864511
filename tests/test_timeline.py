"""The timeline's checkpoints: the keep rule, the budget, and continuing from one
bit for bit (core/timeline.py)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.core import Config, Trainer
from playground.core.timeline import (
    MAX_BITS,
    Checkpoint,
    CheckpointStore,
    capture,
    kept,
    rewind,
)


def _config(**changes) -> Config:
    base = dict(dataset="spiral", points=120, hidden=(6, 5), batch_size=10, epochs=40)
    return Config(**(base | changes))


def _fake(epoch: int, nbytes: int, generation: int = 1) -> Checkpoint:
    params = np.zeros(max(1, (nbytes - 440) // 8))
    return Checkpoint(
        generation=generation, epoch=epoch, steps=epoch, config=Config(), params=params,
        optimizer={}, shuffle_rng={}, record=np.zeros(5),
    )  # fmt: skip


def test_keep_rule_is_dense_early_and_even_per_doubling():
    bits = 3
    assert all(kept(e, bits) for e in range(16))  # every epoch up to 2**(bits + 1)
    for k in range(4, 20):
        octave = [e for e in range(2**k, 2 ** (k + 1)) if kept(e, bits)]
        assert len(octave) == 2**bits
        assert len(set(np.diff(octave))) == 1  # evenly spaced
    assert kept(0, 0) and kept(1, 0) and kept(2, 0) and kept(4, 0) and not kept(5, 0)


def test_store_thins_to_its_count_and_keeps_the_first_epoch():
    store = CheckpointStore(budget=10**12, max_count=50)
    for epoch in range(100_000):
        if store.wants(epoch):
            store.add(_fake(epoch, 1000))
        assert len(store) <= 50
    epochs = store.epochs
    assert epochs[0] == 0 and store.bits < MAX_BITS
    assert epochs == sorted(epochs)
    assert all(kept(e, store.bits) for e in epochs)
    # dense early: more checkpoints in the first tenth than in the last half
    early = sum(e < 10_000 for e in epochs)
    late = sum(e >= 50_000 for e in epochs)
    assert early > late


def test_ledger_decides_as_the_store_does():
    store = CheckpointStore(budget=400_000, max_count=1000)
    ledger = CheckpointStore(budget=400_000, max_count=1000, holds=False)
    for epoch in range(20_000):
        assert store.wants(epoch) == ledger.wants(epoch)
        if store.wants(epoch):
            c = _fake(epoch, 9000)
            store.add(c)
            ledger.add(c)
    assert store.epochs == ledger.epochs
    assert ledger.checkpoints == [] and len(store.checkpoints) == len(store)
    assert store.nbytes <= 400_000


def test_the_memory_budget_holds_for_a_16x64_adam_network_over_a_million_epochs():
    # the real size of one checkpoint of that network, driven through 10**6 epochs
    trainer = Trainer(_config(hidden=(64,) * 16, optimizer="adam", points=50))
    size = capture(trainer).nbytes
    store = CheckpointStore(holds=False)
    peak = 0
    for epoch in range(10**6):
        if store.wants(epoch):
            store.add(_fake(epoch, size))
            peak = max(peak, store.nbytes)
    assert peak <= store.budget
    assert 20 <= len(store) <= store.budget // size
    assert store.epochs[0] == 0 and store.epochs[-1] > 500_000


def test_a_new_generation_replaces_the_future():
    store = CheckpointStore()
    for epoch in range(10):
        store.add(_fake(epoch, 500, generation=1))
    store.add(_fake(4, 500, generation=2))  # continued from epoch 4
    assert store.epochs == [0, 1, 2, 3, 4]
    store.add(_fake(0, 500, generation=3))  # a reset
    assert store.epochs == [0]


@pytest.mark.parametrize(
    "changes",
    [
        dict(optimizer="sgd", schedule="step", lr_period=7),
        dict(optimizer="adam", lr=0.01),
        dict(optimizer="momentum", regularization="l2", reg_rate=0.001),
    ],
    ids=["sgd", "adam", "momentum-l2"],
)
def test_continue_from_a_checkpoint_is_bit_identical_to_the_run(changes):
    cfg = _config(**changes)
    original = Trainer(cfg)
    store = CheckpointStore()
    original.record_checkpoints(store)
    original.train(40)
    middle = store.at(17)
    assert middle is not None and store.at(40) is not None
    # continue from epoch 17, from a state taken at the end (another epoch)
    resumed = Trainer.from_state(rewind(original.state_dict(), middle))
    assert resumed.epoch == 17 and resumed.metrics.epoch == 17
    assert np.array_equal(resumed.network.params, middle.params)
    later = CheckpointStore()
    resumed.record_checkpoints(later)
    resumed.train(23)
    assert np.array_equal(resumed.network.params, original.network.params)
    assert np.array_equal(resumed.history.test_loss, original.history.test_loss)
    assert resumed.steps == original.steps
    for key, value in original.optimizer.state_dict().items():
        assert np.array_equal(resumed.optimizer.state_dict()[key], value)
    # and every checkpoint along the way is the original's
    for epoch in later.epochs:
        assert np.array_equal(later.at(epoch).params, store.at(epoch).params)


def test_continue_from_a_checkpoint_taken_mid_epoch_state():
    """The state to rewind may be mid-epoch (paused inside one)."""
    cfg = _config(optimizer="adam")
    original = Trainer(cfg)
    store = CheckpointStore()
    original.record_checkpoints(store)
    original.train(12)
    original.step(3)  # inside epoch 13
    assert not original.at_epoch_start
    resumed = Trainer.from_state(rewind(original.state_dict(), store.at(5)))
    reference = Trainer(cfg)
    reference.train(5)
    resumed.train(7)
    reference.train(7)
    assert np.array_equal(resumed.network.params, reference.network.params)


def test_show_checkpoint_pictures_the_exact_parameters():
    cfg = _config()
    trainer = Trainer(cfg)
    store = CheckpointStore()
    trainer.record_checkpoints(store)
    trainer.train(30)
    viewer = Trainer(cfg, trainer.dataset)
    c = store.at(9)
    snap = viewer.show_checkpoint(c, grid_resolution=20)
    assert snap.epoch == 9 and snap.metrics.epoch == 9
    assert snap.metrics.test_loss == c.record[2]
    reference = Trainer(cfg)
    reference.train(9)
    for w, ref in zip(snap.weights, reference.network.get_parameters(), strict=True):
        assert np.array_equal(w, ref[0])
    ref_grids = reference.grids(20)
    assert np.array_equal(snap.grids.layers[-1], ref_grids.layers[-1])


def test_checkpoints_are_frozen_and_not_inside_an_epoch():
    trainer = Trainer(_config(optimizer="adam"))
    c = capture(trainer)
    assert not c.params.flags.writeable
    assert all(not v.flags.writeable for v in c.optimizer.values() if isinstance(v, np.ndarray))
    trainer.step(1)
    with pytest.raises(ValueError, match="between epochs"):
        capture(trainer)


def test_recording_costs_nothing_when_off_and_keeps_epoch_zero_when_on():
    trainer = Trainer(_config())
    assert trainer.timeline is None
    trainer.train(3)
    store = CheckpointStore()
    trainer.record_checkpoints(store)
    assert store.epochs == [3]
    trainer.reinitialize(5)  # a new run: a new timeline
    assert store.epochs == [0]


def test_continuing_from_before_painted_points_keeps_the_points_and_their_settings():
    from playground.core.datasets import Dataset

    cfg = _config(dataset="xor", points=120)
    trainer = Trainer(cfg)
    store = CheckpointStore()
    trainer.record_checkpoints(store)
    trainer.train(6)
    ds = trainer.dataset  # one more point painted: the config counts 121
    more = Dataset(
        x_train=np.vstack([ds.x_train, [[1.0, 1.0]]]), y_train=np.append(ds.y_train, 1),
        x_test=ds.x_test, y_test=ds.y_test, num_classes=ds.num_classes,
    )  # fmt: skip
    own = trainer.config.replace(dataset="own", points=121, classes=2)
    trainer.use_points(own, more)
    trainer.train(2)
    state = rewind(trainer.state_dict(), store.at(3))
    assert Config.from_dict(state["config"]).dataset == "own"
    assert Config.from_dict(state["config"]).points == 121
    resumed = Trainer.from_state(state)
    assert len(resumed.dataset.x_train) == len(more.x_train) and resumed.epoch == 3
