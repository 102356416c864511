"""Inside the network: Trainer.diagnostics() against direct NumPy computations and
PyTorch's autograd, its histograms against numpy.histogram, and the promise that
looking changes nothing (training is bit-identical with or without it)."""

import dataclasses
import math

import numpy as np
import pytest

from playground.core.activations import ACTIVATIONS, LEAKY_SLOPE
from playground.core.config import Config
from playground.core.diagnostics import (
    DEAD_SLOPE,
    EDGES,
    MAX_POINTS,
    RELU_FAMILY,
    full_batch,
    histogram,
    histogram_edges,
    symmetric_groups,
)
from playground.core.diagnostics_log import DiagnosticsRecorder
from playground.core.diagnostics_types import QUANTITIES
from playground.core.trainer import Trainer

TF_FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")


def _forward(trainer):
    """Pre-activations and outputs per layer over the training set, by hand."""
    x = trainer.dataset.x_train
    from playground.core.features import feature_matrix

    inp = feature_matrix(x, trainer.config.features)
    zs, outs = [], []
    act = trainer.network.activation
    params = trainer.parameters()
    for i, (w, b) in enumerate(params):
        z = inp @ w.T + b
        zs.append(z)
        inp = act(z) if i < len(params) - 1 else trainer.predict(x)
        outs.append(inp)
    return zs, outs


# --- looking changes nothing ------------------------------------------------------


@pytest.mark.parametrize("batch_size", [10, 7, None])  # None: the training set's own size
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_training_is_bit_identical_with_diagnostics(batch_size, optimizer):
    cfg = Config(hidden=(5, 3), activation="relu", batch_size=batch_size, optimizer=optimizer,
                 points=120, regularization="l2", reg_rate=0.001)  # fmt: skip
    plain, watched = Trainer(cfg), Trainer(cfg)
    for _ in range(40):
        plain.step(3)
        grads = watched.network.grads.copy()
        watched.diagnostics()
        assert np.array_equal(watched.network.grads, grads)  # the trainer's gradient untouched
        watched.step(3)
        watched.diagnostics()
    plain.train(3)
    watched.train(3)
    assert np.array_equal(plain.network.params, watched.network.params)
    a, b = plain.state_dict(), watched.state_dict()
    assert a["shuffle_rng"] == b["shuffle_rng"] and a["steps"] == b["steps"]
    assert np.array_equal(a["history"], b["history"], equal_nan=True)
    for key, value in a["optimizer"].items():
        assert np.array_equal(value, b["optimizer"][key])


def test_diagnostics_are_frozen_and_read_only():
    d = Trainer(Config()).diagnostics()
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.epoch = 3  # type: ignore[misc]
    for layer in d.layers:
        u = layer.units
        arrays = [u.mean, u.low, u.high, u.dead, *(h.counts for h in layer.histograms.values())]
        arrays += [h.edges for h in layer.histograms.values()]
        arrays += [a for a in (u.active, u.saturated) if a is not None]
        assert all(not a.flags.writeable for a in arrays)
        assert set(layer.histograms) == set(QUANTITIES)


# --- against direct computations ------------------------------------------------------


def test_dead_and_active_units_match_numpy():
    # ReLU, zero biases and only x1^2, x2^2: a unit whose weights are both negative
    # is inactive on every point (the example)
    cfg = Config(activation="relu", bias_init="zeros", features=("x1sq", "x2sq"), init_seed=1)
    trainer = Trainer(cfg)
    d = trainer.diagnostics()
    zs, outs = _forward(trainer)
    for layer, z, a in zip(d.layers[:-1], zs, outs, strict=False):
        np.testing.assert_array_equal(layer.units.dead, (z <= 0).all(axis=0))
        np.testing.assert_allclose(layer.units.active, (z > 0).mean(axis=0), rtol=0, atol=0)
        np.testing.assert_allclose(layer.units.mean, a.mean(axis=0), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(layer.units.low, a.min(axis=0), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(layer.units.high, a.max(axis=0), rtol=1e-12, atol=1e-15)
        assert layer.units.saturated is None
    assert d.dead_units == int(sum((z <= 0).all(axis=0).sum() for z in zs[:-1])) > 0
    out = d.layers[-1].units
    assert out.active is None and out.saturated is None and not out.dead.any()


@pytest.mark.parametrize("activation", sorted(RELU_FAMILY - {"relu"}))
def test_other_rectifiers_die_only_where_their_slope_is_nearly_0(activation):
    # hidden layer 1 pushed below 0 on every point: by 0.5 to 1.5 (inactive, but the
    # slope there still passes gradient) or by 20 and more (nearly 0 for all but leaky)
    cfg = Config(activation=activation, features=("x1sq", "x2sq"), hidden=(4,), init_seed=2)
    trainer = Trainer(cfg)
    (w, b), out = trainer.parameters()
    w = -np.abs(w) * 0.01
    for shift, dead_expected in ((-0.5, False), (-20.0, activation != "leaky_relu")):
        trainer.load_parameters([(w, np.full_like(b, shift) - np.arange(len(b))), out])
        units = trainer.diagnostics().layers[0].units
        z = _forward(trainer)[0][0]
        assert units.active is not None and not units.active.any()  # inactive everywhere
        slope = np.abs(ACTIVATIONS[activation].derivative(z)).max(axis=0)
        np.testing.assert_array_equal(units.dead, slope < DEAD_SLOPE)
        assert units.dead.all() == dead_expected and units.dead.any() == dead_expected


def test_a_big_training_set_is_sampled_at_a_fixed_stride():
    trainer = Trainer(Config(points=10_000, train_ratio=0.9, init_seed=3))
    d = trainer.diagnostics()
    total = len(trainer.dataset.x_train)
    assert d.of_points == total == 9000 and d.points == 1800 <= MAX_POINTS  # every 5th
    zs, _ = _forward(trainer)
    np.testing.assert_allclose(d.layers[0].units.mean, np.tanh(zs[0][::5]).mean(axis=0),
                               rtol=1e-12)  # fmt: skip
    again = trainer.diagnostics()  # the same points each time: frames compare
    np.testing.assert_array_equal(again.layers[1].units.mean, d.layers[1].units.mean)
    small = Trainer(Config(points=500)).diagnostics()
    assert small.points == small.of_points


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_saturated_fraction_matches_numpy(activation):
    trainer = Trainer(Config(activation=activation, init="normal", init_scale=3.0))
    d = trainer.diagnostics()
    _, outs = _forward(trainer)
    lo, hi = (-1.0, 1.0) if activation == "tanh" else (0.0, 1.0)
    margin = 0.02 * (hi - lo)
    for layer, a in zip(d.layers[:-1], outs, strict=False):
        expected = ((a <= lo + margin) | (a >= hi - margin)).mean(axis=0)
        np.testing.assert_allclose(layer.units.saturated, expected, rtol=0, atol=1e-15)
        assert layer.units.active is None and not layer.units.dead.any()
    assert any(layer.units.saturated.max() > 0.5 for layer in d.layers[:-1])


def _brute_groups(rows, rtol=1e-12):
    """Every pair compared; groups as connected sets of equal rows."""
    k = len(rows)
    parent = list(range(k))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(k):
        for j in range(i + 1, k):
            scale = max(np.abs(rows[i]).max(), np.abs(rows[j]).max())
            if np.abs(rows[i] - rows[j]).max() <= rtol * scale:
                parent[find(j)] = find(i)
    groups = {}
    for i in range(k):
        groups.setdefault(find(i), []).append(i)
    return tuple(sorted(tuple(g) for g in groups.values() if len(g) > 1))


@pytest.mark.parametrize("seed", range(12))
def test_symmetric_groups_match_brute_force(seed):
    rng = np.random.default_rng(seed)
    k, m = int(rng.integers(2, 40)), int(rng.integers(1, 12))
    rows = rng.normal(0, 10.0 ** rng.integers(-3, 3), (k, m))
    for _ in range(int(rng.integers(0, 5))):  # planted copies: exact, within, beyond 1e-12
        i, j = rng.integers(0, k, 2)
        rows[j] = rows[i] * (1 + rng.choice([0.0, 3e-13, 1e-10]))
    if seed % 3 == 0:
        rows[rng.integers(0, k, 3)] = 0.0  # zero rows are equal to each other
    assert symmetric_groups(rows) == _brute_groups(rows)


def test_zero_weights_make_every_hidden_layer_one_symmetric_group():
    trainer = Trainer(Config(init="zeros", hidden=(4, 3)))
    trainer.train(20)  # equal units get equal updates and stay equal
    d = trainer.diagnostics()
    assert [layer.units.symmetric_groups for layer in d.layers] == [
        ((0, 1, 2, 3),),
        ((0, 1, 2),),
        (),  # outputs are not grouped: their targets tell them apart
    ]
    for layer, (w, b) in zip(d.layers[:-1], trainer.parameters(), strict=False):
        rows = np.column_stack([w, b])
        assert layer.units.symmetric_groups == _brute_groups(rows)
    assert Trainer(Config()).diagnostics().layers[0].units.symmetric_groups == ()


def test_histograms_equal_numpy_histogram_with_the_same_edges():
    trainer = Trainer(Config(hidden=(6, 5), features=TF_FEATURES, activation="relu"))
    trainer.train(5)
    d = trainer.diagnostics()
    zs, outs = _forward(trainer)
    _, _, grads = full_batch(trainer.network, trainer._x_train, trainer._t_train)
    for i, layer in enumerate(d.layers):
        w, b = trainer.parameters()[i]
        values = {"weights": w, "biases": b, "pre_activations": zs[i],
                  "activations": outs[i], "gradients": grads[i]}  # fmt: skip
        for q, h in layer.histograms.items():
            v = np.clip(values[q].ravel(), h.edges[0], h.edges[-1])  # the end bins take the rest
            expected, _ = np.histogram(v, h.edges)
            np.testing.assert_array_equal(h.counts, expected, err_msg=f"layer {i} {q}")
            assert h.counts.dtype == np.int64
            assert h.counts.sum() == values[q].size


def test_histogram_end_bins_and_nan():
    edges = EDGES["weights"]
    values = np.array([np.nan, -np.inf, np.inf, -1e9, 1e9, edges[0], edges[-1], 0.0, 0.5])
    counts = histogram(values, edges).counts
    expected, _ = np.histogram(np.clip(values[1:], edges[0], edges[-1]), edges)
    np.testing.assert_array_equal(counts, expected)
    assert counts[0] == 3 and counts[-1] == 3 and counts.sum() == 8
    assert histogram(np.array([]), edges).counts.sum() == 0


def test_histogram_edges_are_fixed_per_quantity():
    a = Trainer(Config()).diagnostics()
    trainer = Trainer(Config(init="normal", init_scale=5.0))
    trainer.train(3)
    b = trainer.diagnostics()
    for la, lb in zip(a.layers, b.layers, strict=True):
        for q in QUANTITIES:
            np.testing.assert_array_equal(la.histograms[q].edges, lb.histograms[q].edges)
    # bounded activations over their range, the rest on the pre-activations' edges
    assert histogram_edges("activations", "tanh")[[0, -1]].tolist() == [-1.0, 1.0]
    assert histogram_edges("activations", "sigmoid")[[0, -1]].tolist() == [0.0, 1.0]
    assert histogram_edges("activations", "relu") is EDGES["pre_activations"]
    for edges in EDGES.values():
        assert np.all(np.diff(edges) > 0) and np.allclose(edges, -edges[::-1])


# --- gradients: PyTorch's autograd as the oracle ------------------------------------

HEADS = [  # (dataset, loss): mse+tanh, binary CE, softmax CE, regression
    ("circle", "mse"),
    ("xor", "cross-entropy"),
    ("blobs", "cross-entropy"),
    ("spirals", "mse"),
    ("plane", "mse"),
]


def _torch_grads(torch, trainer):
    cfg = trainer.config
    x = torch.from_numpy(np.ascontiguousarray(trainer._x_train[:, :-1]))
    t = torch.from_numpy(trainer._t_train.copy())
    acts = {
        "relu": torch.relu,
        "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, LEAKY_SLOPE),
        "elu": torch.nn.functional.elu,
        "gelu": lambda z: torch.nn.functional.gelu(z, approximate="tanh"),
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "linear": lambda z: z,
        "softplus": torch.nn.functional.softplus,
        "swish": torch.nn.functional.silu,
        "sine": torch.sin,
    }
    params = []
    for w, b in trainer.parameters():
        params.append((torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True)))
    h = x
    for i, (w, b) in enumerate(params):
        z = h @ w.T + b
        h = acts[cfg.activation](z) if i < len(params) - 1 else z
    out_act = cfg.output_activation
    if out_act == "tanh":
        loss = 0.5 * ((torch.tanh(h) - t) ** 2).sum() / len(x)
    elif out_act == "linear":
        loss = 0.5 * ((h - t) ** 2).sum() / len(x)
    elif out_act == "sigmoid":
        loss = torch.nn.functional.binary_cross_entropy_with_logits(h, t)
    else:
        loss = torch.nn.functional.cross_entropy(h, t.argmax(dim=1))
    loss.backward()
    return [(w.grad.numpy(), b.grad.numpy()) for w, b in params]


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("head", HEADS, ids=lambda h: f"{h[0]}-{h[1]}")
def test_gradients_and_norms_equal_torch_autograd(activation, head):
    torch = pytest.importorskip("torch")
    dataset, loss = head
    cfg = Config(dataset=dataset, loss=loss, activation=activation, hidden=(5, 4),
                 features=("x1", "x2", "x1x2"), points=200)  # fmt: skip
    trainer = Trainer(cfg)
    trainer.train(2)
    d = trainer.diagnostics()
    _, _, grads = full_batch(trainer.network, trainer._x_train, trainer._t_train)
    for i, (gw, gb) in enumerate(_torch_grads(torch, trainer)):
        np.testing.assert_allclose(grads[i][:, :-1], gw, rtol=0, atol=1e-9)
        np.testing.assert_allclose(grads[i][:, -1], gb, rtol=0, atol=1e-9)
        oracle = math.sqrt(float((gw**2).sum() + (gb**2).sum()))
        assert d.layers[i].gradient_norm == pytest.approx(oracle, rel=0, abs=1e-9)


def test_gradient_is_the_trainers_own_on_the_full_batch():
    # with batch_size full, one training step's gradient is exactly this one
    trainer = Trainer(Config(batch_size=None, hidden=(3,)))
    _, _, grads = full_batch(trainer.network, trainer._x_train, trainer._t_train)
    net = trainer.network
    net.forward(trainer._x_train)
    net.backward(trainer._x_train, trainer._t_train)
    for mine, theirs in zip(grads, net.grad_layers, strict=True):
        np.testing.assert_array_equal(mine, theirs)


# --- update / parameter ratio ------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "rmsprop", "adam"])
def test_update_ratio_is_the_last_steps(optimizer):
    trainer = Trainer(Config(optimizer=optimizer, hidden=(4, 3), lr=0.01))
    assert all(math.isnan(layer.update_ratio) for layer in trainer.diagnostics().layers)
    trainer.step(7)
    before = trainer.parameters()
    trainer.step()
    after = trainer.parameters()
    d = trainer.diagnostics()
    for layer, (w0, b0), (w1, b1) in zip(d.layers, before, after, strict=True):
        change = math.sqrt(((w1 - w0) ** 2).sum() + ((b1 - b0) ** 2).sum())
        size = math.sqrt((w1**2).sum() + (b1**2).sum())
        assert layer.update_ratio == pytest.approx(change / size, rel=1e-9)
        assert layer.weight_norm == pytest.approx(math.sqrt((w1**2).sum()), rel=1e-12)
        assert layer.bias_norm == pytest.approx(math.sqrt((b1**2).sum()), rel=1e-12)


def test_update_ratio_is_unknown_after_a_restore_or_a_reset():
    trainer = Trainer(Config())
    trainer.train(2)
    assert all(math.isfinite(layer.update_ratio) for layer in trainer.diagnostics().layers)
    restored = Trainer.from_state(trainer.state_dict())
    assert all(math.isnan(layer.update_ratio) for layer in restored.diagnostics().layers)
    trainer.reinitialize()
    assert all(math.isnan(layer.update_ratio) for layer in trainer.diagnostics().layers)


def test_a_diverged_network_is_still_measured():
    trainer = Trainer(Config(activation="relu", lr=3, dataset="plane"))
    trainer.train(50)
    assert trainer.diverged
    d = trainer.diagnostics()
    assert all(math.isnan(layer.update_ratio) for layer in d.layers)  # the step was undone
    assert all(math.isfinite(layer.weight_norm) for layer in d.layers)
    assert d.points == len(trainer.dataset.x_train) and d.activation == "relu"


def test_relu_family_and_epoch_step():
    trainer = Trainer(Config(activation="gelu"))
    trainer.step(4)
    d = trainer.diagnostics()
    assert (d.epoch, d.step) == (trainer.epoch, 4)
    assert "gelu" in RELU_FAMILY and d.layers[0].units.active is not None


# --- the log the worker keeps ------------------------------------------------------


def test_recorder_rows_generations_and_rollback():
    trainer = Trainer(Config())
    rec = DiagnosticsRecorder()
    assert len(rec.log()) == 0
    for _ in range(5):
        trainer.train(1)
        rec.add(trainer.generation, trainer.diagnostics())
    rec.add(trainer.generation, trainer.diagnostics())  # the same step again: replaced
    log = rec.log()
    assert log.epochs.tolist() == [1, 2, 3, 4, 5]
    assert log.gradient_norm.shape == (5, 3) and not log.weight_norm.flags.writeable
    d = trainer.diagnostics()
    assert log.weight_norm[-1].tolist() == [layer.weight_norm for layer in d.layers]
    # a divergence rolls steps back: rows past the network's step go
    trainer.load_parameters(trainer.parameters())  # a new generation starts the log over
    rec.add(trainer.generation, trainer.diagnostics())
    assert rec.log().epochs.tolist() == [0]
    rec.add(trainer.generation, dataclasses.replace(d, step=10, epoch=3))
    rec.add(trainer.generation, dataclasses.replace(d, step=5, epoch=1))  # back from step 10
    assert rec.log().epochs.tolist() == [0, 1]


def test_recorder_thins_and_survives_new_shapes():
    trainer = Trainer(Config())
    rec = DiagnosticsRecorder(max_rows=8)
    d = trainer.diagnostics()
    for step in range(1, 30):
        rec.add(1, dataclasses.replace(d, step=step, epoch=step))
    log = rec.log()
    assert len(log) <= 8 and log.epochs[-1] == 29 and np.all(np.diff(log.epochs) > 0)
    other = Trainer(Config(hidden=(3,))).diagnostics()
    rec.add(1, dataclasses.replace(other, step=40))  # fewer layers: start over
    assert rec.log().gradient_norm.shape == (1, 2)
