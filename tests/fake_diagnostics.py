"""Hand-made `Diagnostics` for the views' tests, from a Trainer's weights with NumPy.

Not the engine's (core/diagnostics.py): a plain forward pass over the training
points, enough for the views to have real-looking values to draw.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from playground import Trainer
from playground.core.activations import get_activation
from playground.core.diagnostics_types import (
    QUANTITIES,
    Diagnostics,
    DiagnosticsLog,
    Histogram,
    LayerDiagnostics,
    UnitStats,
)
from playground.core.features import feature_matrix
from playground.core.snapshot import Snapshot, frozen


def symlog(low: int, high: int, per_decade: int) -> np.ndarray:
    mags = np.logspace(low, high, per_decade * (high - low) + 1)
    return np.concatenate([-mags[::-1], mags])


EDGES = {q: symlog(-4, 2, 3) for q in QUANTITIES}
EDGES["gradients"] = symlog(-10, 2, 2)
EDGES["activations"] = np.linspace(-1.0, 1.0, 51)  # as a bounded activation's
RELU_FAMILY = ("relu", "leaky_relu", "elu", "gelu", "swish", "softplus")


def histogram(values: np.ndarray, quantity: str) -> Histogram:
    edges = EDGES[quantity]
    clipped = np.clip(np.ravel(values), edges[0], edges[-1])
    counts, _ = np.histogram(clipped, edges)
    return Histogram(frozen(edges), frozen(counts, np.int64))


def make_diagnostics(t: Trainer) -> Diagnostics:
    cfg = t.config
    act = get_activation(cfg.activation)
    x = feature_matrix(t.dataset.x_train, cfg.features)
    n = len(x)
    layers = []
    inp = x
    last = t.network.num_layers - 1
    for i in range(t.network.num_layers):
        w, b = t.network.weight(i), t.network.bias(i)
        z = inp @ w.T + b
        a = act(z) if i < last else t.network.activations(np.column_stack([x, np.ones(n)]))[-1]
        relu = cfg.activation in RELU_FAMILY and i < last
        bounded = cfg.activation in ("tanh", "sigmoid") and i < last
        active = (z > 0).mean(axis=0) if relu else None
        if bounded:
            lo, hi = (-1.0, 1.0) if cfg.activation == "tanh" else (0.0, 1.0)
            margin = 0.02 * (hi - lo)
            saturated = ((a <= lo + margin) | (a >= hi - margin)).mean(axis=0)
        else:
            saturated = None
        dead = (
            (z <= 0).all(axis=0)
            if cfg.activation == "relu" and i < last
            else np.zeros(len(b), bool)
        )
        rows = np.column_stack([w, b])
        groups: dict[bytes, list[int]] = {}
        for u, row in enumerate(rows):
            groups.setdefault(row.tobytes(), []).append(u)
        units = UnitStats(
            mean=frozen(a.mean(axis=0)),
            low=frozen(a.min(axis=0)),
            high=frozen(a.max(axis=0)),
            active=None if active is None else frozen(active),
            saturated=None if saturated is None else frozen(saturated),
            dead=frozen(dead, bool),
            symmetric_groups=tuple(tuple(g) for g in groups.values() if len(g) > 1),
        )
        grad = 0.01 * w  # not the real gradient: a value of the right shape
        hists = {
            "weights": histogram(w, "weights"),
            "biases": histogram(b, "biases"),
            "pre_activations": histogram(z, "pre_activations"),
            "activations": histogram(a, "activations"),
            "gradients": histogram(grad, "gradients"),
        }
        layers.append(
            LayerDiagnostics(
                histograms=hists,
                gradient_norm=float(np.linalg.norm(grad)) + 1e-6,
                update_ratio=1e-3 * (i + 1),
                weight_norm=float(np.linalg.norm(w)),
                bias_norm=float(np.linalg.norm(b)),
                units=units,
            )
        )
        inp = a
    return Diagnostics(t.epoch, t.steps, n, cfg.activation, tuple(layers))


def make_log(rows: int, layers: int, seed: int = 0) -> DiagnosticsLog:
    rng = np.random.default_rng(seed)
    epochs = np.arange(rows) * 5
    decay = np.exp(-np.arange(rows) / 40)[:, None]
    grad = (
        10.0 ** (-1 - np.arange(layers))[None, :]
        * (0.2 + decay)
        * rng.uniform(0.8, 1.2, (rows, layers))
    )
    ratio = 1e-3 * (0.5 + decay) * np.ones((rows, layers))
    ratio[0] = np.nan  # before the first step
    weight = 3 + 2 * decay * np.ones((rows, layers))
    bias = 0.5 + 0.01 * np.arange(rows)[:, None] * np.ones((rows, layers))
    return DiagnosticsLog(*(frozen(a) for a in (epochs, grad, ratio, weight, bias)))


def with_diagnostics(t: Trainer, snap: Snapshot | None = None, log_rows: int = 60, findings=()):
    """`snap` (or t's snapshot) carrying hand-made diagnostics of t."""
    snap = snap if snap is not None else t.snapshot(grid_resolution=30)
    diag = make_diagnostics(t)
    log = make_log(log_rows, len(diag.layers))
    return replace(snap, diagnostics=diag, diagnostics_log=log, findings=tuple(findings))
