"""Activations and losses against independent formulas (math module, plain Python)."""

import math

import numpy as np
import pytest

from playground.core.activations import ACTIVATIONS
from playground.core.losses import (
    BinaryCrossEntropy,
    MseLinear,
    MseTanh,
    SoftmaxCrossEntropy,
    encode_targets,
    predicted_classes,
)


def _sig(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def _gelu_tanh(x):  # PyTorch's GELU(approximate="tanh")
    return 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


ORACLES = {
    "relu": lambda x: max(x, 0.0),
    "leaky_relu": lambda x: x if x > 0 else 0.01 * x,
    "elu": lambda x: x if x > 0 else math.expm1(x),
    "gelu": _gelu_tanh,
    "tanh": math.tanh,
    "sigmoid": _sig,
    "linear": lambda x: x,
    "softplus": lambda x: math.log1p(math.exp(-abs(x))) + max(x, 0.0),
    "swish": lambda x: x * _sig(x),
    "sine": math.sin,
}

POINTS = [-30.0, -5.0, -1.3, -0.2, 0.0, 1e-3, 0.7, 2.0, 9.0, 40.0]


def test_every_activation_has_an_oracle():
    assert set(ORACLES) == set(ACTIVATIONS)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_values(name):
    got = ACTIVATIONS[name](np.array(POINTS))
    want = [ORACLES[name](x) for x in POINTS]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivatives_against_the_oracle(name):
    xs = np.array([p for p in POINTS if p != 0.0])  # relu family: not differentiable at 0
    h = 1e-6
    numeric = [(ORACLES[name](x + h) - ORACLES[name](x - h)) / (2 * h) for x in xs]
    np.testing.assert_allclose(ACTIVATIONS[name].derivative(xs), numeric, rtol=1e-6, atol=1e-9)


def test_no_warnings_at_extremes():
    big = np.array([-1e300, -800.0, 800.0, 1e300])
    for act in ACTIVATIONS.values():
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            if act.name in ("gelu", "sine"):
                continue  # z^3 overflows / sin(huge) is meaningless; never reached in training
            out = act(big)
        assert not np.isnan(out).any(), act.name


def test_mse_matches_its_definition():
    o = np.array([[0.5, -0.2], [0.1, 0.9]])
    t = np.array([[1.0, -1.0], [-1.0, 1.0]])
    want = np.mean(
        [
            0.5 * sum((a - b) ** 2 for a, b in zip(r, s, strict=True))
            for r, s in zip(o, t, strict=True)
        ]
    )
    assert MseLinear().loss(o, o, t) == pytest.approx(want, rel=1e-15)


def test_binary_cross_entropy_is_stable_and_correct():
    z = np.array([[-800.0], [-2.0], [0.0], [3.0], [800.0]])
    t = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]])
    head = BinaryCrossEntropy()
    p = np.empty_like(z)
    head.forward(z, p)
    want = []
    for (zi,), (ti,) in zip(z, t, strict=True):
        # -log sigmoid(z) = softplus(-z); -log(1 - sigmoid(z)) = softplus(z)
        want.append(ORACLES["softplus"](-zi if ti == 1 else zi))
    assert head.loss(z, p, t) == pytest.approx(np.mean(want), rel=1e-14)
    assert np.isfinite(head.loss(z, p, t))


def test_softmax_cross_entropy_against_plain_python():
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]])
    labels = np.array([0, 0])
    head = SoftmaxCrossEntropy()
    t = encode_targets(head, labels, 3)
    p = np.empty_like(z)
    head.forward(z, p)
    assert np.allclose(p.sum(axis=1), 1.0)
    first = -math.log(math.exp(1) / (math.exp(1) + math.exp(2) + math.exp(3)))
    assert head.loss(z, p, t) == pytest.approx((first + 0.0) / 2, rel=1e-14)


def test_target_coding():
    labels = np.array([0, 1, 1])
    assert encode_targets(MseTanh(), labels, 1).ravel().tolist() == [-1, 1, 1]
    assert encode_targets(BinaryCrossEntropy(), labels, 1).ravel().tolist() == [0, 1, 1]
    assert encode_targets(MseTanh(), np.array([2]), 3).tolist() == [[-1, -1, 1]]
    assert encode_targets(SoftmaxCrossEntropy(), np.array([2]), 3).tolist() == [[0, 0, 1]]
    assert encode_targets(MseLinear(), np.array([0.25]), 1).tolist() == [[0.25]]


def test_predicted_classes_thresholds():
    assert predicted_classes(MseTanh(), np.array([[-0.1], [0.1]])).tolist() == [0, 1]
    assert predicted_classes(BinaryCrossEntropy(), np.array([[0.4], [0.6]])).tolist() == [0, 1]
    assert predicted_classes(SoftmaxCrossEntropy(), np.array([[0.2, 0.5, 0.3]])).tolist() == [1]


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_picture_is_forward_to_float32_precision(name):
    # pictures are float32; their values (shown by the hover read-out) keep float32's
    # relative precision in the tails too, and inf and NaN where float64 has them
    z = np.concatenate([np.linspace(-60, 60, 4001), [-1e30, 1e30, -np.inf, np.inf, np.nan]])
    z32 = z.astype(np.float32)
    act = ACTIVATIONS[name]
    got = np.empty_like(z32)
    want = np.empty(len(z))
    with np.errstate(all="ignore"):
        act.picture(z32, got)
        z64 = z32.astype(np.float64)
        if name == "gelu":  # its float64 tanh form cancels to nothing below z ~ -6
            u = 2 * math.sqrt(2 / math.pi) * (z64 + 0.044715 * z64**3)
            want = z64 * np.exp(-np.logaddexp(0.0, -u))
        else:
            act.forward(z64, want)
    want32 = want.astype(np.float32)
    assert got.dtype == np.float32
    assert np.array_equal(np.isnan(got), np.isnan(want32))
    assert np.array_equal(np.isinf(got), np.isinf(want32))
    normal = np.isfinite(want32) & (np.abs(want32) > np.finfo(np.float32).tiny)
    # gelu's exp(2u) magnifies float32's rounding of u = c (z + k z^3) by |2u| (< 200 here)
    rtol = 5e-5 if name == "gelu" else 2e-6
    assert np.allclose(got[normal], want32[normal], rtol=rtol, atol=0)
