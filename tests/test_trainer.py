"""The trainer: epochs and steps, determinism, divergence, hot changes, edits, grids."""

import numpy as np
import pytest

from playground import Config, Trainer
from playground.core.config import ACTIVATIONS, FEATURES
from playground.core.features import feature_matrix


def _params(trainer):
    return trainer.network.params.copy()


def test_same_config_gives_bit_identical_parameters():
    cfg = Config(dataset="spiral", hidden=(6, 6), optimizer="adam", lr=0.01, noise=0.2)
    a, b = Trainer(cfg), Trainer(cfg)
    a.train(20)
    b.train(20)
    assert _params(a).tobytes() == _params(b).tobytes()
    assert np.array_equal(a.history.train_loss, b.history.train_loss)


@pytest.mark.parametrize("change", [{"init_seed": 1}, {"data_seed": 1}])
def test_a_different_seed_gives_different_training(change):
    cfg = Config()
    a, b = Trainer(cfg), Trainer(cfg.replace(**change))
    a.train(5)
    b.train(5)
    assert not np.array_equal(_params(a), _params(b))


def test_steps_add_up_to_an_epoch():
    cfg = Config(batch_size=7)  # 250 training points: 35 full batches and one of 5
    by_epoch, by_step = Trainer(cfg), Trainer(cfg)
    by_epoch.train_epoch()
    for _ in range(35):
        by_step.step()
        assert by_step.epoch == 0
    by_step.step()
    assert by_step.epoch == 1 and by_step.steps == 36
    assert _params(by_epoch).tobytes() == _params(by_step).tobytes()


def test_full_batch_is_one_step_per_epoch():
    t = Trainer(Config(batch_size=None))
    t.train(3)
    assert t.steps == 3 and t.epoch == 3


def test_no_shuffle_trains_in_data_order():
    cfg = Config(shuffle=False, batch_size=50)
    t = Trainer(cfg)
    t.train_epoch()
    # the same updates by hand, in data order
    ref = Trainer(cfg)
    net = ref.network
    for start in range(0, 250, 50):
        xb, tb = ref._x_train[start : start + 50], ref._t_train[start : start + 50]
        net.forward(xb)
        net.backward(xb, tb)
        net.params -= 0.03 * net.grads
    assert np.allclose(t.network.params, net.params, rtol=0, atol=1e-15)


def test_history_starts_at_epoch_zero_and_grows():
    t = Trainer()
    assert len(t.history) == 1 and t.metrics.epoch == 0
    t.train(130)  # past the initial capacity of the history buffer
    h = t.history
    assert list(h.epochs[:3]) == [0, 1, 2] and len(h) == 131
    assert h.train_loss[-1] < h.train_loss[0]
    assert not h.train_loss.flags.writeable


def test_reported_loss_excludes_the_penalty():
    cfg = Config(regularization="l2", reg_rate=0.5)
    t = Trainer(cfg)
    t.train(3)
    data_loss = t.network.loss(t._x_train, t._t_train)
    assert t.metrics.train_loss == pytest.approx(data_loss, rel=1e-12)
    assert t.regularizer.penalty(t.network.params) > 0


def test_divergence_stops_restores_and_explains():
    t = Trainer(Config(dataset="plane", activation="relu", lr=3.0, init="he_normal"))
    t.train(200)
    assert t.diverged
    assert "learning rate" in t.message and "diverged" in t.message
    assert np.isfinite(t.network.params).all()
    assert len(t.history) == t.epoch + 1
    stopped_at = t.epoch
    assert t.train_epoch() is False and t.epoch == stopped_at
    # lowering the learning rate clears the stop and training goes on from there
    assert t.set_config(t.config.replace(lr=0.001)) is False
    assert not t.diverged and t.train_epoch() and t.epoch == stopped_at + 1


def test_hot_changes_keep_the_parameters_and_epoch():
    t = Trainer()
    t.train(5)
    before = _params(t)
    for change in (
        {"lr": 0.1},
        {"optimizer": "adam"},
        {"regularization": "l1", "reg_rate": 0.01},
        {"batch_size": 25},
        {"momentum": 0.5},
    ):
        assert t.set_config(t.config.replace(**change)) is False
        assert t.epoch == 5 and np.array_equal(_params(t), before)
    t.train(1)
    assert t.steps == 5 * 25 + 10  # the new batch size is used


@pytest.mark.parametrize(
    "change", [{"hidden": (3,)}, {"activation": "relu"}, {"features": ("x1",)}, {"init": "zeros"}]
)
def test_structural_changes_start_over_on_the_same_data(change):
    t = Trainer()
    t.train(3)
    data = t.dataset
    gen = t.generation
    assert t.set_config(t.config.replace(**change)) is True
    assert t.epoch == 0 and t.generation > gen and t.dataset is data


def test_data_changes_make_new_data():
    t = Trainer()
    data = t.dataset
    t.set_config(t.config.replace(noise=0.3))
    assert t.dataset is not data and t.epoch == 0


def test_reinitialize_with_a_new_seed():
    t = Trainer()
    first = _params(t)
    t.train(2)
    t.reinitialize(init_seed=7)
    assert t.epoch == 0 and t.config.init_seed == 7 and not np.array_equal(first, _params(t))


def test_edits_change_the_network_and_the_losses():
    t = Trainer()
    loss = t.metrics.train_loss
    t.set_weight(0, 1, 0, 4.0)
    t.set_bias(1, 0, -2.0)
    assert t.network.weight(0)[1, 0] == 4.0 and t.network.bias(1)[0] == -2.0
    assert t.metrics.train_loss != loss and len(t.history) == 1
    with pytest.raises(ValueError, match="layer"):
        t.set_weight(5, 0, 0, 1.0)
    with pytest.raises(ValueError, match="finite"):
        t.set_bias(0, 0, float("nan"))


def test_load_parameters_checks_shapes_and_starts_over():
    t = Trainer()
    t.train(2)
    layers = [(w * 2, b - 1) for w, b in t.parameters()]
    t.load_parameters(layers)
    assert t.epoch == 0 and np.array_equal(t.parameters()[0][0], layers[0][0])
    with pytest.raises(ValueError, match="layer 0"):
        t.load_parameters([(np.zeros((3, 2)), np.zeros(3)), *layers[1:]])


def test_grids_hold_every_neuron_over_the_square():
    cfg = Config(features=("x1", "x2", "x1x2"), hidden=(5, 3), dataset="blobs", classes=4,
                 loss="cross-entropy")  # fmt: skip
    t = Trainer(cfg)
    g = t.grids(20)
    assert [a.shape for a in g.layers] == [(20, 20, 3), (20, 20, 5), (20, 20, 3), (20, 20, 4)]
    # a grid cell holds the same value the network gives that point
    axis = -6 + 12 / 20 * (np.arange(20) + 0.5)
    point = np.array([[axis[3], axis[11]]])  # x1 = column 3, x2 = row 11
    assert np.allclose(g.output[11, 3], t.predict(point)[0])
    assert np.allclose(g.layers[0][11, 3], [axis[3], axis[11], axis[3] * axis[11]])
    assert np.allclose(g.output.sum(axis=2), 1.0)  # softmax


HEADS = [  # one of each output head: tanh, linear, sigmoid and softmax outputs
    {"loss": "mse"},
    {"dataset": "plane", "problem": "regression"},
    {"loss": "cross-entropy"},
    {"dataset": "spirals", "classes": 3, "loss": "cross-entropy"},
]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("head", HEADS, ids=["tanh", "linear", "sigmoid", "softmax"])
def test_grids_in_float32_match_the_float64_network(activation, head):
    t = Trainer(Config(activation=activation, hidden=(6, 5), features=FEATURES, **head))
    t.train(3)
    g = t.grids(12)
    x = np.stack(np.meshgrid(-6 + np.arange(12) + 0.5, -6 + np.arange(12) + 0.5), -1)
    exact = t.network.activations(feature_matrix(x.reshape(-1, 2), FEATURES, ones=True))
    assert len(g.layers) == len(exact) + 1
    for grid, want in zip(g.layers[1:], exact, strict=True):
        assert grid.dtype == np.float32 and grid.flags.c_contiguous and not grid.flags.writeable
        assert np.allclose(grid.reshape(len(want), -1), want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("activation", ["swish", "gelu", "relu"])
def test_grids_of_huge_weights_show_inf_not_holes(activation):
    # float32 sums overflow into inf - inf = NaN where float64 stays finite
    t = Trainer(Config(activation=activation, hidden=(8, 8), features=FEATURES))
    rng = np.random.default_rng(0)
    t.network.params[:] = rng.choice([-1e20, 1e20], size=t.network.params.shape)
    g = t.grids(10)
    x = np.stack(np.meshgrid(-5.4 + 1.2 * np.arange(10), -5.4 + 1.2 * np.arange(10)), -1)
    exact = t.network.activations(feature_matrix(x.reshape(-1, 2), FEATURES, ones=True))
    for grid, want in zip(g.layers[1:], exact, strict=True):
        assert np.array_equal(np.isnan(grid.reshape(len(want), -1)), np.isnan(want))
    assert not np.isnan(g.output).all()


def test_snapshot_is_an_immutable_copy():
    t = Trainer()
    snap = t.snapshot(grid_resolution=10)
    t.train(3)
    assert snap.epoch == 0 and t.epoch == 3
    assert not np.array_equal(snap.weights[0], t.parameters()[0][0])
    with pytest.raises(ValueError):
        snap.weights[0][0, 0] = 1.0
    assert snap.grids.output.shape == (10, 10, 1) and snap.metrics.epoch == 0


@pytest.mark.parametrize("schedule", ["step", "exponential", "cosine"])
def test_schedules_change_the_learning_rate_by_epoch(schedule):
    t = Trainer(Config(schedule=schedule, lr=0.1, lr_period=2))
    rates = []
    for _ in range(4):
        rates.append(t.current_learning_rate)
        t.train_epoch()
    assert rates[0] == 0.1 and rates[-1] < 0.1


def test_history_sample_thins_long_runs_but_keeps_the_ends():
    t = Trainer(Config(batch_size=None))
    t.train(999)
    full, thin = t.history, t.history_sample(100)
    assert len(full) == 1000 and len(thin) <= 101
    assert thin.epochs[0] == 0 and thin.epochs[-1] == 999
    assert np.all(np.diff(thin.epochs) > 0)
    assert np.array_equal(thin.train_loss, full.train_loss[thin.epochs.astype(int)])
    assert len(t.snapshot(history_limit=50).history) <= 51


def test_grids_of_a_huge_network_output_do_not_warn():
    t = Trainer(Config(dataset="plane", hidden=(8,), activation="linear"))
    t.network.params[:] = 1e30  # outputs beyond float32's range
    g = t.grids(10)
    assert np.isinf(g.output).any() or np.abs(g.output).max() > 1e38


def test_a_very_long_history_thins_out_but_keeps_its_ends(monkeypatch):
    import playground.core.checkpoint as checkpoint
    import playground.core.trainer as trainer_module

    monkeypatch.setattr(trainer_module, "MAX_HISTORY_ROWS", 64)
    monkeypatch.setattr(checkpoint, "MAX_HISTORY_ROWS", 64)
    t = Trainer(Config(batch_size=None, hidden=(2,)))
    t.train(300)
    h = t.history
    assert len(h) <= 64 and h.epochs[0] == 0 and h.epochs[-1] == 300
    assert np.all(np.diff(h.epochs) > 0)
    again = Trainer.from_state(t.state_dict())  # a thinned history still saves and opens
    assert np.array_equal(again.history.epochs, h.epochs)
