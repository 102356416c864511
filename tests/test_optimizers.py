"""Optimizers against element-by-element references; state; schedules."""

import math
import tracemalloc

import numpy as np
import pytest

from playground.core.config import OPTIMIZERS, Config
from playground.core.optimizers import learning_rate, make_optimizer

# Hyper-parameters away from the defaults (and a large eps), so a rule that
# reads the wrong one, or drops eps, is off by far more than rounding.
HYPER = dict(momentum=0.8, rmsprop_alpha=0.95, beta1=0.85, beta2=0.99, eps=1e-3)
SIZE = 7
LRS = [0.1, 0.05, 0.2, 0.02, 0.1, 0.3]


def cfg_for(name, **changes):
    return Config(optimizer=name, **{**HYPER, **changes})


def grads_sequence(steps, seed=0):
    rng = np.random.default_rng(seed)
    # magnitudes from 0.01 to 100 in one vector, so eps and scaling matter
    return [rng.normal(size=SIZE) * np.logspace(-2, 2, SIZE) for _ in range(steps)]


def start_params():
    return np.random.default_rng(42).normal(size=SIZE)


def new_reference_state(name):
    zeros = [0.0] * SIZE
    return {
        "sgd": {},
        "momentum": {"v": list(zeros)},
        "nesterov": {"v": list(zeros)},
        "rmsprop": {"s": list(zeros)},
        "adam": {"t": 0, "m": list(zeros), "v": list(zeros)},
    }[name]


def reference_step(name, w, g, lr, state, cfg):
    """The rule written out plainly, one Python float at a time."""
    mu, a, b1, b2, eps = cfg.momentum, cfg.rmsprop_alpha, cfg.beta1, cfg.beta2, cfg.eps
    if name == "adam":
        state["t"] += 1
    for i in range(len(w)):
        gi = float(g[i])
        if name == "sgd":
            w[i] -= lr * gi
        elif name in ("momentum", "nesterov"):
            state["v"][i] = mu * state["v"][i] + gi
            w[i] -= lr * (gi + mu * state["v"][i] if name == "nesterov" else state["v"][i])
        elif name == "rmsprop":
            state["s"][i] = a * state["s"][i] + (1 - a) * gi * gi
            w[i] -= lr * gi / (math.sqrt(state["s"][i]) + eps)
        elif name == "adam":
            t = state["t"]
            state["m"][i] = b1 * state["m"][i] + (1 - b1) * gi
            state["v"][i] = b2 * state["v"][i] + (1 - b2) * gi * gi
            m_hat = state["m"][i] / (1 - b1**t)
            v_hat = state["v"][i] / (1 - b2**t)
            w[i] -= lr * m_hat / (math.sqrt(v_hat) + eps)


def assert_state_close(opt, ref_state):
    state = opt.state_dict()
    assert set(state) == set(ref_state)
    for key, value in ref_state.items():
        if key == "t":
            assert state[key] == value
        else:
            np.testing.assert_allclose(state[key], value, rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_matches_reference(name):
    cfg = cfg_for(name)
    opt = make_optimizer(cfg, SIZE)
    assert opt.name == name
    params, ref = start_params(), list(start_params())
    ref_state = new_reference_state(name)
    for g, lr in zip(grads_sequence(len(LRS)), LRS, strict=True):
        opt.step(params, g, lr)
        reference_step(name, ref, g, lr, ref_state, cfg)
        np.testing.assert_allclose(params, ref, rtol=1e-12, atol=0)
    assert_state_close(opt, ref_state)
    assert not np.allclose(params, start_params())


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_matches_reference_with_default_hyper_parameters(name):
    cfg = Config(optimizer=name)
    opt = make_optimizer(cfg, SIZE)
    params, ref = start_params(), list(start_params())
    ref_state = new_reference_state(name)
    for g in grads_sequence(20, seed=1):
        opt.step(params, g, 0.01)
        reference_step(name, ref, g, 0.01, ref_state, cfg)
    np.testing.assert_allclose(params, ref, rtol=1e-12, atol=0)


def test_adam_first_step_is_bias_corrected():
    # m_hat = g and v_hat = g^2 at t = 1, so every weight moves by lr*sign(g)
    # whatever the size of its gradient.
    opt = make_optimizer(Config(optimizer="adam"), 5)
    g = np.array([1e-3, -0.5, 3.0, -100.0, 1e4])
    params = np.zeros(5)
    opt.step(params, g, 0.01)
    np.testing.assert_allclose(params, -0.01 * np.sign(g), rtol=1e-4)
    assert opt.state_dict()["t"] == 1


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("momentum", {"momentum": 0.3}),
        ("nesterov", {"momentum": 0.3}),
        ("rmsprop", {"rmsprop_alpha": 0.5, "eps": 1e-2}),
        ("adam", {"beta1": 0.5, "beta2": 0.9, "eps": 1e-2}),
    ],
)
def test_set_config_keeps_state(name, change):
    before, after = cfg_for(name), cfg_for(name, **change)
    opt = make_optimizer(before, SIZE)
    params, ref = start_params(), list(start_params())
    ref_state = new_reference_state(name)
    grads = grads_sequence(6)
    for i, g in enumerate(grads):
        if i == 3:
            opt.set_config(after)
        reference_step(name, ref, g, 0.1, ref_state, before if i < 3 else after)
        opt.step(params, g, 0.1)
    np.testing.assert_allclose(params, ref, rtol=1e-12, atol=0)
    assert_state_close(opt, ref_state)
    # and the change mattered: the first hyper-parameters throughout differ
    unchanged = make_optimizer(before, SIZE)
    other = start_params()
    for g in grads:
        unchanged.step(other, g, 0.1)
    assert not np.allclose(params, other, rtol=1e-6)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_state_dict_round_trip_continues_identically(name):
    cfg = cfg_for(name)
    first = make_optimizer(cfg, SIZE)
    params = start_params()
    grads = grads_sequence(6)
    for g in grads[:3]:
        first.step(params, g, 0.1)
    state = first.state_dict()
    second = make_optimizer(cfg, SIZE)
    second.load_state_dict(state)
    params2 = params.copy()
    for g in grads[3:]:
        first.step(params, g, 0.1)
        second.step(params2, g, 0.1)
    assert np.array_equal(params, params2)
    for key, value in first.state_dict().items():
        assert np.array_equal(value, second.state_dict()[key])


@pytest.mark.parametrize("name", ["momentum", "nesterov", "rmsprop", "adam"])
def test_state_matters_and_is_copied(name):
    cfg = cfg_for(name)
    opt = make_optimizer(cfg, SIZE)
    params = start_params()
    grads = grads_sequence(4)
    for g in grads[:3]:
        opt.step(params, g, 0.1)
    state = opt.state_dict()
    snapshot = {k: np.copy(v) for k, v in state.items()}
    for key in state:  # mutating the returned dict must not reach the optimizer
        if key != "t":
            state[key][:] = 123.0
    assert all(np.array_equal(opt.state_dict()[k], v) for k, v in snapshot.items())
    # without the state the next step differs
    with_state, without = params.copy(), params.copy()
    opt.step(with_state, grads[3], 0.1)
    make_optimizer(cfg, SIZE).step(without, grads[3], 0.1)
    assert not np.allclose(with_state, without)


def test_sgd_has_no_state():
    opt = make_optimizer(Config(optimizer="sgd"), SIZE)
    assert opt.state_dict() == {}
    opt.load_state_dict({})
    with pytest.raises(ValueError, match="sgd state"):
        opt.load_state_dict({"v": np.zeros(SIZE)})


def good_state(name):
    opt = make_optimizer(cfg_for(name), SIZE)
    params = start_params()
    for g in grads_sequence(2):
        opt.step(params, g, 0.1)
    return opt.state_dict()


BAD_STATES = [
    ("momentum", lambda s: {}, "needs v"),
    ("momentum", lambda s: {**s, "extra": 1}, "needs v"),
    ("momentum", lambda s: {"v": s["v"][:-1]}, "shape"),
    ("momentum", lambda s: {"v": s["v"].reshape(1, -1)}, "shape"),
    ("nesterov", lambda s: {"v": np.full(SIZE, np.nan)}, "finite"),
    ("rmsprop", lambda s: {"s": np.full(SIZE, np.inf)}, "finite"),
    ("rmsprop", lambda s: {"s": -s["s"]}, "negative"),
    ("rmsprop", lambda s: {"s": ["a"] * SIZE}, "numbers"),
    ("adam", lambda s: {"m": s["m"], "v": s["v"]}, "needs m, t, v"),
    ("adam", lambda s: {**s, "t": -1}, "whole number"),
    ("adam", lambda s: {**s, "t": 2.0}, "whole number"),
    ("adam", lambda s: {**s, "t": True}, "whole number"),
    ("adam", lambda s: {**s, "v": -s["v"]}, "negative"),
    ("adam", lambda s: {**s, "m": np.zeros(SIZE + 1)}, "shape"),
    ("adam", lambda s: [("t", 1)], "mapping"),
]


@pytest.mark.parametrize(("name", "corrupt", "message"), BAD_STATES)
def test_bad_state_raises_and_changes_nothing(name, corrupt, message):
    opt = make_optimizer(cfg_for(name), SIZE)
    before = good_state(name)
    opt.load_state_dict(before)
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(corrupt(good_state(name)))
    after = opt.state_dict()
    assert all(np.array_equal(after[k], v) for k, v in before.items())


def test_state_of_another_optimizer_is_refused():
    with pytest.raises(ValueError, match="adam state"):
        make_optimizer(cfg_for("adam"), SIZE).load_state_dict(good_state("rmsprop"))


def test_bad_size_raises():
    with pytest.raises(ValueError, match="parameter count"):
        make_optimizer(Config(optimizer="adam"), -1)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_step_works_in_place_without_allocating(name):
    n = 200_000
    opt = make_optimizer(cfg_for(name), n)
    params, grads = np.ones(n), np.full(n, 0.5)
    layer = params[:6].reshape(2, 3)  # the engine's layer matrices are views like this
    opt.step(params, grads, 0.1)  # warm up
    tracemalloc.start()
    for _ in range(3):
        opt.step(params, grads, 0.1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < n * 8 / 10  # no temporary array of the parameters' size
    assert np.array_equal(layer.ravel(), params[:6])
    assert np.all(layer < 1.0)


# --- learning-rate schedules ------------------------------------------------


def test_constant_schedule():
    cfg = Config(lr=0.07)
    assert [learning_rate(cfg, e) for e in (0, 1, 10_000)] == [0.07, 0.07, 0.07]


def test_step_schedule():
    cfg = Config(lr=0.2, schedule="step", lr_period=100)  # default gamma 0.5
    got = [learning_rate(cfg, e) for e in (0, 99, 100, 199, 250)]
    assert got == pytest.approx([0.2, 0.2, 0.1, 0.1, 0.05], rel=1e-15)
    cfg = cfg.replace(lr_gamma=0.9, lr_period=3)
    assert learning_rate(cfg, 7) == pytest.approx(0.2 * 0.9**2, rel=1e-15)


def test_exponential_schedule():
    cfg = Config(lr=0.2, schedule="exponential")  # default gamma 0.99
    assert learning_rate(cfg, 0) == pytest.approx(0.2, rel=1e-15)
    assert learning_rate(cfg, 37) == pytest.approx(0.2 * 0.99**37, rel=1e-15)
    assert learning_rate(cfg.replace(lr_gamma=0.5), 3) == pytest.approx(0.025, rel=1e-15)
    assert learning_rate(cfg, 10_000_000) == 0.0  # underflows quietly


def test_cosine_schedule():
    cfg = Config(lr=0.3, lr_min=0.1, schedule="cosine", lr_period=40)
    assert learning_rate(cfg, 0) == pytest.approx(0.3, rel=1e-15)
    assert learning_rate(cfg, 20) == pytest.approx(0.2, rel=1e-15)
    assert learning_rate(cfg, 40) == pytest.approx(0.1, rel=1e-15)
    expected = 0.1 + 0.2 * (1 + math.cos(math.pi * 10 / 40)) / 2
    assert learning_rate(cfg, 10) == pytest.approx(expected, rel=1e-15)
    # torch's closed form is periodic: back up to lr at twice the period
    assert learning_rate(cfg, 80) == pytest.approx(0.3, rel=1e-15)


def test_learning_rate_rejects_negative_epoch():
    with pytest.raises(ValueError, match="epoch"):
        learning_rate(Config(), -1)


def test_cosine_matches_torch_closed_form():
    torch = pytest.importorskip("torch")
    cfg = Config(lr=0.3, lr_min=0.05, schedule="cosine", lr_period=10)
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=cfg.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=cfg.lr_min)
    for epoch in range(25):
        assert learning_rate(cfg, epoch) == pytest.approx(sched._get_closed_form_lr()[0], rel=1e-12)
        opt.step()
        sched.step()


def torch_optimizer(torch, name, p, cfg):
    """The torch.optim counterpart of one of ours (lr is set each step)."""
    if name in ("sgd", "momentum", "nesterov"):
        mu = 0.0 if name == "sgd" else cfg.momentum
        return torch.optim.SGD([p], lr=1.0, momentum=mu, nesterov=name == "nesterov")
    if name == "rmsprop":
        return torch.optim.RMSprop([p], lr=1.0, alpha=cfg.rmsprop_alpha, eps=cfg.eps)
    return torch.optim.Adam([p], lr=1.0, betas=(cfg.beta1, cfg.beta2), eps=cfg.eps)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_trajectory_matches_torch(name):
    torch = pytest.importorskip("torch")
    cfg = cfg_for(name)
    p = torch.tensor(start_params(), dtype=torch.float64, requires_grad=True)
    reference = torch_optimizer(torch, name, p, cfg)
    ours, params = make_optimizer(cfg, SIZE), start_params()
    for g, lr in zip(grads_sequence(len(LRS)), LRS, strict=True):
        for group in reference.param_groups:
            group["lr"] = lr
        p.grad = torch.tensor(g, dtype=torch.float64)
        reference.step()
        ours.step(params, g, lr)
        np.testing.assert_allclose(params, p.detach().numpy(), rtol=1e-12, atol=0)
