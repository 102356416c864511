"""Initializers: exact bounds, statistics on big draws, gains, determinism."""

import math

import numpy as np
import pytest

from playground.core.config import ACTIVATIONS, WEIGHT_INITS, Config
from playground.core.initializers import (
    calculate_gain,
    init_bias,
    init_weight,
    initialize_parameters,
)

# A wide, non-square layer, so formulas using fan_in cannot pass with fan_out
# (or fan_in + fan_out) by accident; a million draws pin a std to ~0.1 %.
OUT, IN = 500, 2000
GAIN = 1.3


def draw(scheme, scale=1.0, gain=GAIN, fan_out=OUT, fan_in=IN, seed=1):
    rng = np.random.default_rng(seed)
    return init_weight(scheme, fan_out, fan_in, rng, scale=scale, gain=gain)


UNIFORM_BOUNDS = {
    "uniform": 0.7,  # the scale passed below
    "tf_playground": 0.5,
    "xavier_uniform": GAIN * math.sqrt(6 / (IN + OUT)),
    "he_uniform": GAIN * math.sqrt(3 / IN),
    "lecun_uniform": math.sqrt(3 / IN),
    "torch_default": 1 / math.sqrt(IN),
}
NORMAL_STDS = {
    "normal": 0.7,
    "xavier_normal": GAIN * math.sqrt(2 / (IN + OUT)),
    "he_normal": GAIN / math.sqrt(IN),
    "lecun_normal": math.sqrt(1 / IN),
}


@pytest.mark.parametrize("scheme", WEIGHT_INITS)
def test_weight_shape_dtype_layout(scheme):
    w = draw(scheme, fan_out=7, fan_in=3)
    assert w.shape == (7, 3)
    assert w.dtype == np.float64
    assert w.flags.c_contiguous


@pytest.mark.parametrize("scheme", sorted(UNIFORM_BOUNDS))
def test_uniform_schemes_bound_and_std(scheme):
    bound = UNIFORM_BOUNDS[scheme]
    w = draw(scheme, scale=0.7)
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.999 * bound  # the bound is reached, not just respected
    assert abs(w.mean()) < 0.005 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)


@pytest.mark.parametrize("scheme", sorted(NORMAL_STDS))
def test_normal_schemes_mean_and_std(scheme):
    std = NORMAL_STDS[scheme]
    w = draw(scheme, scale=0.7)
    assert abs(w.mean()) < 0.005 * std
    assert w.std() == pytest.approx(std, rel=0.01)
    # a normal, not a uniform of the same std: its tails pass sqrt(3) std
    assert np.abs(w).max() > 3 * std


def test_zeros_and_constant_are_exact():
    assert np.array_equal(draw("zeros"), np.zeros((OUT, IN)))
    assert np.array_equal(
        draw("constant", scale=-0.25, fan_out=3, fan_in=4), np.full((3, 4), -0.25)
    )


def test_gain_scales_only_the_schemes_that_use_it():
    for scheme in ("xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "orthogonal"):
        ratio = draw(scheme, gain=2.0, fan_out=20, fan_in=30) / draw(
            scheme, gain=1.0, fan_out=20, fan_in=30
        )
        np.testing.assert_allclose(ratio, 2.0, rtol=1e-9)
    for scheme in ("lecun_uniform", "lecun_normal", "tf_playground", "torch_default"):
        assert np.array_equal(draw(scheme, gain=2.0), draw(scheme, gain=1.0))


@pytest.mark.parametrize("gain", [1.0, 5 / 3])
@pytest.mark.parametrize(("fan_out", "fan_in"), [(30, 50), (40, 40), (50, 30), (1, 9), (9, 1)])
def test_orthogonal_rows_or_columns_orthonormal(fan_out, fan_in, gain):
    w = draw("orthogonal", gain=gain, fan_out=fan_out, fan_in=fan_in)
    if fan_out <= fan_in:
        np.testing.assert_allclose(w @ w.T, gain**2 * np.eye(fan_out), rtol=0, atol=1e-10)
    if fan_out >= fan_in:
        np.testing.assert_allclose(w.T @ w, gain**2 * np.eye(fan_in), rtol=0, atol=1e-10)


@pytest.mark.parametrize(("fan_out", "fan_in"), [(30, 50), (50, 30)])
def test_orthogonal_is_torchs_sign_fixed_qr(fan_out, fan_in):
    # torch draws A ~ N(0, 1) of shape (out, in), takes the QR of the tall one
    # of A and A^T and makes R's diagonal positive.  So W projects A onto an
    # upper-triangular matrix with a positive diagonal.
    a = np.random.default_rng(1).standard_normal((fan_out, fan_in))
    w = draw("orthogonal", gain=GAIN, fan_out=fan_out, fan_in=fan_in) / GAIN
    r = w.T @ a if fan_out >= fan_in else w @ a.T
    k = min(fan_out, fan_in)
    np.testing.assert_allclose(np.tril(r, -1), 0, atol=1e-10)
    assert np.all(np.diag(r)[:k] > 0)


def test_schemes_use_the_generator_deterministically():
    for scheme in WEIGHT_INITS:
        assert np.array_equal(draw(scheme, fan_out=5, fan_in=6), draw(scheme, fan_out=5, fan_in=6))
    for scheme in ("uniform", "normal", "xavier_uniform", "orthogonal", "torch_default"):
        assert not np.array_equal(draw(scheme, seed=1), draw(scheme, seed=2))


def test_unknown_scheme_and_empty_layer_raise():
    with pytest.raises(ValueError, match="weight initialization"):
        draw("glorot")
    with pytest.raises(ValueError, match="bias initialization"):
        init_bias("random", 3, 3, np.random.default_rng(0), value=0.0)
    with pytest.raises(ValueError, match="at least one"):
        draw("zeros", fan_in=0)


EXPECTED_GAINS = {
    "linear": 1.0,
    "sigmoid": 1.0,
    "tanh": 5 / 3,
    "relu": math.sqrt(2),
    "leaky_relu": math.sqrt(2 / (1 + 0.01**2)),
    # torch has no gain for these; we use 1
    "elu": 1.0,
    "gelu": 1.0,
    "softplus": 1.0,
    "swish": 1.0,
    "sine": 1.0,
}


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_calculate_gain(activation):
    assert calculate_gain(activation) == pytest.approx(EXPECTED_GAINS[activation], rel=1e-15)


def test_calculate_gain_unknown_raises():
    with pytest.raises(ValueError, match="softmax"):
        calculate_gain("softmax")


def test_calculate_gain_matches_torch():
    torch = pytest.importorskip("torch")
    for name in ("linear", "sigmoid", "tanh", "relu", "leaky_relu"):
        assert calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name), rel=1e-12)


def test_bias_schemes():
    rng = np.random.default_rng(3)
    assert np.array_equal(init_bias("zeros", 4, 9, rng, value=0.3), np.zeros(4))
    assert np.array_equal(init_bias("constant", 4, 9, rng, value=0.3), np.full(4, 0.3))
    b = init_bias("torch_default", 1_000_000, 400, rng, value=0.3)
    bound = 1 / math.sqrt(400)  # from fan_in, like the weight's
    assert b.shape == (1_000_000,)
    assert np.abs(b).max() <= bound
    assert np.abs(b).max() > 0.999 * bound
    assert b.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)


def test_initialize_parameters_shapes_from_layer_sizes():
    cfg = Config(features=("x1", "x2", "x1sq"), hidden=(5, 7), init="he_normal")
    assert cfg.layer_sizes == (3, 5, 7, 1)
    layers = initialize_parameters(cfg, np.random.default_rng(0))
    assert [(w.shape, b.shape) for w, b in layers] == [
        ((5, 3), (5,)),
        ((7, 5), (7,)),
        ((1, 7), (1,)),
    ]
    assert all(np.array_equal(b, np.full(b.shape, 0.1)) for _, b in layers)  # default biases


def test_initialize_parameters_no_hidden_layer():
    layers = initialize_parameters(Config(hidden=()), np.random.default_rng(0))
    assert [w.shape for w, _ in layers] == [(1, 2)]


def test_initialize_parameters_deterministic_per_seed():
    cfg = Config(hidden=(6, 6), init="xavier_normal", bias_init="torch_default")

    def flat(seed):
        layers = initialize_parameters(cfg, np.random.default_rng(seed))
        return np.concatenate([np.concatenate([w.ravel(), b]) for w, b in layers])

    assert np.array_equal(flat(4), flat(4))
    assert not np.array_equal(flat(4), flat(5))


def test_initialize_parameters_draws_weight_then_bias_layer_by_layer():
    cfg = Config(hidden=(3,), init="uniform", init_scale=0.2, bias_init="torch_default")
    got = initialize_parameters(cfg, np.random.default_rng(9))
    rng = np.random.default_rng(9)
    w1 = init_weight("uniform", 3, 2, rng, scale=0.2, gain=1.0)
    b1 = init_bias("torch_default", 3, 2, rng, value=0.0)
    w2 = init_weight("uniform", 1, 3, rng, scale=0.2, gain=1.0)
    b2 = init_bias("torch_default", 1, 3, rng, value=0.0)
    for (w, b), (ew, eb) in zip(got, [(w1, b1), (w2, b2)], strict=True):
        assert np.array_equal(w, ew)
        assert np.array_equal(b, eb)


def test_initialize_parameters_scale_defaults_and_override():
    rng = np.random.default_rng(0)
    big = (64, 64)
    w = initialize_parameters(Config(hidden=big, init="uniform"), rng)[1][0]
    assert 0.49 < np.abs(w).max() <= 0.5  # default half-width 0.5
    w = initialize_parameters(Config(hidden=big, init="uniform", init_scale=0.05), rng)[1][0]
    assert 0.049 < np.abs(w).max() <= 0.05
    w = initialize_parameters(Config(hidden=big, init="constant"), rng)[1][0]
    assert np.all(w == 0.1)  # default constant


def test_activation_sets_the_gain():
    def hidden_weight(**kw):
        cfg = Config(hidden=(64, 64), init="xavier_uniform", **kw)
        return initialize_parameters(cfg, np.random.default_rng(2))[1][0]

    relu_bound = math.sqrt(2) * math.sqrt(6 / 128)
    tanh_bound = 5 / 3 * math.sqrt(6 / 128)
    relu, tanh = hidden_weight(activation="relu"), hidden_weight(activation="tanh")
    assert np.abs(relu).max() <= relu_bound
    assert np.abs(tanh).max() > relu_bound  # tanh's gain 5/3 > sqrt(2)
    assert np.abs(tanh).max() <= tanh_bound
    # the activation's gain is the one torch gives, and init_gain overrides it
    assert np.array_equal(relu, hidden_weight(activation="tanh", init_gain=math.sqrt(2)))
    assert np.array_equal(tanh, hidden_weight(activation="relu", init_gain=5 / 3))
