"""Backpropagation checked against central finite differences.

Every hidden activation x every output head x every regularizer, on a small
random network in float64.  The check is on the full objective the optimizer
sees: mean data loss + lambda * penalty.
"""

import numpy as np
import pytest

from playground.core.activations import ACTIVATIONS
from playground.core.losses import encode_targets, make_head
from playground.core.network import Network
from playground.core.regularizers import Regularizer

HEADS = [  # (problem, loss, outputs)
    ("classification", "mse", 1),
    ("classification", "mse", 3),
    ("classification", "cross-entropy", 1),
    ("classification", "cross-entropy", 3),
    ("regression", "mse", 1),
]
REGULARIZERS = [("none", False), ("l1", False), ("l2", False), ("elastic", False), ("l2", True)]


def _objective(net, reg, x, t):
    return net.loss(x, t) + reg.penalty(net.params)


def _setup(activation, head_spec, seed=0):
    problem, loss, outputs = head_spec
    rng = np.random.default_rng(seed)
    head = make_head(problem, loss, outputs)
    net = Network((3, 5, 4, outputs), activation, head)
    # keep weights away from 0 so |w| is differentiable within the step
    net.params[:] = rng.choice([-1, 1], net.params.size) * rng.uniform(0.2, 0.9, net.params.size)
    x = np.column_stack([rng.normal(size=(7, 3)), np.ones(7)])
    labels = rng.normal(size=7) if problem == "regression" else rng.integers(0, max(outputs, 2), 7)
    return net, x, encode_targets(head, labels, outputs)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("head_spec", HEADS, ids=lambda h: f"{h[0][:5]}-{h[1]}-{h[2]}")
@pytest.mark.parametrize("reg_spec", REGULARIZERS, ids=lambda r: f"{r[0]}{'+b' if r[1] else ''}")
def test_backprop_matches_finite_differences(activation, head_spec, reg_spec):
    net, x, t = _setup(activation, head_spec)
    kind, with_bias = reg_spec
    mask = np.ones_like(net.bias_mask) if with_bias else ~net.bias_mask
    reg = Regularizer(kind, 0.05, mask)

    net.forward(x)
    net.backward(x, t)
    reg.add_gradient(net.params, net.grads)
    analytic = net.grads.copy()

    h = 1e-6
    numeric = np.empty_like(analytic)
    for k in range(net.params.size):
        keep = net.params[k]
        net.params[k] = keep + h
        up = _objective(net, reg, x, t)
        net.params[k] = keep - h
        down = _objective(net, reg, x, t)
        net.params[k] = keep
        numeric[k] = (up - down) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


def test_regularizer_skips_biases_unless_asked():
    net, _, _ = _setup("tanh", HEADS[0])
    weights_only = Regularizer("l2", 1.0, ~net.bias_mask)
    everything = Regularizer("l2", 1.0, np.ones_like(net.bias_mask))
    w = net.params[~net.bias_mask]
    assert weights_only.penalty(net.params) == pytest.approx(0.5 * np.sum(w * w))
    assert everything.penalty(net.params) == pytest.approx(0.5 * np.sum(net.params**2))


def test_zero_rate_adds_nothing():
    net, _, _ = _setup("relu", HEADS[0])
    reg = Regularizer("l1", 0.0, ~net.bias_mask)
    grads = np.zeros_like(net.params)
    reg.add_gradient(net.params, grads)
    assert not grads.any() and reg.penalty(net.params) == 0.0
