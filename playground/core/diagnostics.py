"""Inside the network: the figures behind `Trainer.diagnostics()`.

One full-batch forward and backward pass over the training set, into arrays of
its own: the network's parameters, work buffers and gradient are only read, and
no random stream is touched, so a run trains bit for bit the same whether or not
anyone looks.  The gradient is the data loss's (as PyTorch's autograd gives it
for the mean loss over the same points): the regularizer's part would hide a
vanishing gradient behind weight decay.

Histograms have fixed edges per quantity so that frames compare; values beyond
the edges count in the end bins (NaN in none).  Weights, biases, pre-activations
and gradients get symmetric logarithmic edges: what goes wrong with them is a
factor of ten or a thousand (sigma 0.001 against sigma 5, a gradient of 1e-7),
which linear bins would squeeze into one bar.  Activations of a bounded function
(tanh, sigmoid, sine, softmax) get linear edges over its range, where saturation
shows as the end bins; unbounded ones share the pre-activations' edges.
"""

from __future__ import annotations

import math

import numpy as np

from .diagnostics_types import (
    QUANTITIES,
    Diagnostics,
    Histogram,
    LayerDiagnostics,
    UnitStats,
)
from .network import Network

# Rectifiers: "active" means pre-activation > 0, the part where they pass the
# signal on.  A unit is dead when it is inactive on every training point and
# its slope there is below DEAD_SLOPE, so almost no gradient reaches it: a ReLU
# at once, a GELU, ELU, swish or softplus only far below 0, a leaky ReLU never
# (its slope of 0.01 is how it comes back, which is why it is the remedy).
RELU_FAMILY = frozenset({"relu", "leaky_relu", "elu", "gelu", "swish", "softplus"})
DEAD_SLOPE = 1e-3
# Diagnostics look at no more than this many training points, a fixed stride
# through the set: a few milliseconds at the picture rate even for 100,000.
MAX_POINTS = 2000
# Squashing functions and their bounds.  A unit is saturated on a point when its
# output is within 2 % of the range from a bound: tanh |a| >= 0.96, sigmoid
# a <= 0.02 or >= 0.98; there both slopes are 7.8 % of their largest.
BOUNDS = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}
SATURATION_MARGIN = 0.02
# elementwise and non-decreasing: applied to sorted values they stay sorted
MONOTONE = frozenset({"relu", "leaky_relu", "elu", "tanh", "sigmoid", "softplus", "linear"})
SYMMETRY_RTOL = 1e-12  # rows of [W | b] this close (relative) are one function


def symlog_edges(low_exp: int, high_exp: int, per_decade: int) -> np.ndarray:
    """Edges -10^high .. -10^low, 10^low .. 10^high, log-spaced, with one bin
    [-10^low, 10^low] around zero."""
    mags = np.logspace(low_exp, high_exp, per_decade * (high_exp - low_exp) + 1)
    edges = np.concatenate([-mags[::-1], mags])
    edges.flags.writeable = False
    return edges


def _linear(low: float, high: float, bins: int = 50) -> np.ndarray:
    edges = np.linspace(low, high, bins + 1)
    edges.flags.writeable = False
    return edges


# Initial weights range from 1e-3 (tiny) to 5 (huge); gradients from 1e-9 to 1e2.
EDGES = {
    "weights": symlog_edges(-4, 2, 3),
    "biases": symlog_edges(-4, 2, 3),
    "pre_activations": symlog_edges(-3, 3, 3),
    "gradients": symlog_edges(-10, 2, 2),
}
_BOUNDED_EDGES = {
    "tanh": _linear(-1.0, 1.0),
    "sine": _linear(-1.0, 1.0),
    "sigmoid": _linear(0.0, 1.0),
    "softmax": _linear(0.0, 1.0),
}


def histogram_edges(quantity: str, activation: str = "linear") -> np.ndarray:
    """The fixed edges of a quantity's histogram (activations: per activation)."""
    if quantity == "activations":
        return _BOUNDED_EDGES.get(activation, EDGES["pre_activations"])
    return EDGES[quantity]


def histogram(values: np.ndarray, edges: np.ndarray, *, presorted: bool = False) -> Histogram:
    """numpy.histogram of the values clipped to the edges' range, NaN left out.

    Sorting the values and placing the edges among them is about 3x faster than
    placing each value among the edges (numpy.histogram does the same for uneven
    bins): bin i holds edges[i] <= v < edges[i + 1], the last its right edge too.
    """
    s = values.ravel() if presorted else np.sort(values, axis=None)
    valid = len(s)
    if valid and s[-1] != s[-1]:  # NaN sorts last
        valid = int(s.searchsorted(np.nan))
    places = np.empty(len(edges), dtype=np.int64)  # values below each edge
    places[0], places[-1] = 0, valid
    places[1:-1] = s[:valid].searchsorted(edges[1:-1], side="left")
    counts = places[1:] - places[:-1]
    counts.flags.writeable = False
    return Histogram(edges=edges, counts=counts)


def symmetric_groups(rows: np.ndarray, rtol: float = SYMMETRY_RTOL) -> tuple[tuple[int, ...], ...]:
    """Groups of row indices whose rows are equal to rtol, relative to the larger
    row's largest magnitude (exactly equal rows, zeros among them, always group).

    Rows are sorted by a fixed projection first; only neighbours whose projections
    are close enough to hold equal rows are compared, so this is near-linear.
    """
    k, m = rows.shape
    if k < 2:
        return ()
    probe = np.sqrt(np.arange(2.0, m + 2.0))  # fixed, no random stream involved
    with np.errstate(all="ignore"):
        key = rows @ probe
        scale = np.abs(rows).max(axis=1)
    finite = np.isfinite(key) & np.isfinite(scale)
    order = np.argsort(np.where(finite, key, np.inf), kind="stable")
    order = order[: int(finite.sum())]
    # equal rows (to rtol * s) have projections within probe.sum() * rtol * s
    slack = probe.sum() * rtol * (scale[finite].max() if finite.any() else 0.0)
    gaps = np.diff(key[order]) <= slack
    groups: list[list[int]] = []
    start = 0
    for i in range(1, len(order) + 1):
        if i < len(order) and gaps[i - 1]:
            continue
        run = order[start:i]
        start = i
        if len(run) > 1:
            groups += _equal_classes(rows, sorted(int(r) for r in run), rtol)
    return tuple(sorted(tuple(g) for g in groups if len(g) > 1))


def _equal_classes(rows: np.ndarray, members: list[int], rtol: float) -> list[list[int]]:
    classes: list[list[int]] = []
    for r in members:
        for c in classes:
            a, b = rows[c[0]], rows[r]
            if np.abs(a - b).max() <= rtol * max(np.abs(a).max(), np.abs(b).max()):
                c.append(r)
                break
        else:
            classes.append([r])
    return classes


def sample_rows(count: int, limit: int = MAX_POINTS) -> slice:
    """The rows diagnostics look at: all of them, or every k-th to stay within limit."""
    return slice(None, None, max(1, -(-count // limit)))


def _dead(z: np.ndarray, on: np.ndarray, network: Network) -> np.ndarray:
    """Units inactive on every point whose slope stays below DEAD_SLOPE there."""
    dead = (on == 0) & (len(z) > 0)
    if network.activation.name == "relu" or not dead.any():
        return dead
    cols = np.flatnonzero(dead)
    slope = network.activation.derivative(z[:, cols])
    dead[cols] = np.abs(slope).max(axis=0) < DEAD_SLOPE
    return dead


def _unit_stats(
    z: np.ndarray, a: np.ndarray, network: Network, rows: np.ndarray | None
) -> UnitStats:
    """rows None: the output layer (mean, low, high only)."""
    n, k = a.shape
    activation = network.activation.name if rows is not None else None
    empty = np.full(k, np.nan)
    mean, low, high = (a.mean(0), a.min(0), a.max(0)) if n else (empty, empty, empty)
    active = saturated = None
    dead = np.zeros(k, dtype=bool)
    if activation in RELU_FAMILY:
        on = np.count_nonzero(z > 0.0, axis=0)
        active = on / n if n else empty
        dead = _dead(z, on, network)
    elif activation in BOUNDS:
        lo, hi = BOUNDS[activation]
        centre, reach = (lo + hi) / 2, (hi - lo) * (0.5 - SATURATION_MARGIN)
        saturated = np.count_nonzero(np.abs(a - centre) >= reach, axis=0) / n if n else empty
    groups = symmetric_groups(rows) if rows is not None else ()
    arrays = [x for x in (mean, low, high, active, saturated, dead) if x is not None]
    for x in arrays:
        x.flags.writeable = False
    return UnitStats(mean, low, high, active, saturated, dead, groups)


def full_batch(
    network: Network, x_aug: np.ndarray, targets: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Pre-activations, outputs and the data loss's gradient [dW | db] per layer,
    over inputs with a ones column, in new arrays (the network's are only read).
    The same matmuls as Network.forward and backward, so the same numbers."""
    n = len(x_aug)
    layers = network.layers  # [W | b] per layer
    last = len(layers) - 1
    hidden = network.activation
    inputs, zs, outs = [x_aug], [], []
    for i, p in enumerate(layers):
        z = inputs[i] @ p.T
        if i < last:
            a_aug = np.empty((n, p.shape[0] + 1))
            a_aug[:, -1] = 1.0
            hidden.forward(z, a_aug[:, :-1])
            inputs.append(a_aug)
            outs.append(a_aug[:, :-1])
        else:
            out = np.empty_like(z)
            network.head.forward(z, out)
            outs.append(out)
        zs.append(z)
    grads: list[np.ndarray] = [np.empty(0)] * len(layers)
    dz = np.empty_like(zs[last])
    network.head.grad(zs[last], outs[last], targets, dz, np.empty_like(dz), 1.0 / max(n, 1))
    for i in range(last, -1, -1):
        grads[i] = dz.T @ inputs[i]  # [dW | db] in one matmul
        if i:
            da = dz @ layers[i][:, :-1]
            dz = np.empty_like(da)
            hidden.backward(zs[i - 1], outs[i - 1], da, dz)
    return zs, outs, grads


def measure(
    network: Network,
    x_aug: np.ndarray,
    targets: np.ndarray,
    last_update: np.ndarray | None,
    *,
    epoch: int,
    step: int,
) -> Diagnostics:
    """Diagnostics of `network` on inputs with a ones column and encoded targets.

    `last_update` is the flat change the last optimizer step made to
    `network.params` (NaN or None before any step).  Beyond MAX_POINTS points,
    a fixed stride through them (the same ones each time, so frames compare).
    """
    total = len(x_aug)
    rows = sample_rows(total)
    x_aug, targets = x_aug[rows], targets[rows]
    last = network.num_layers - 1
    with np.errstate(all="ignore"):  # a network near divergence overflows: still report
        zs, outs, grads = full_batch(network, x_aug, targets)
        layers = tuple(
            _layer(i, p, zs[i], outs[i], grads[i], last_update, network, i == last)
            for i, p in enumerate(network.layers)
        )
    return Diagnostics(
        epoch=epoch, step=step, points=len(x_aug), of_points=total,
        activation=network.activation.name, layers=layers,
    )  # fmt: skip


def _norm(x: np.ndarray) -> float:
    """Euclidean (Frobenius) norm; cheaper than np.linalg.norm at these sizes."""
    flat = x.ravel()
    return math.sqrt(float(flat.dot(flat)))


def _layer(i, p, z, a, grad, last_update, network: Network, output: bool) -> LayerDiagnostics:
    act = network.head.output_activation if output else network.activation.name
    w, b = p[:, :-1], p[:, -1]
    hists = {
        q: histogram(v, EDGES[q]) for q, v in (("weights", w), ("biases", b), ("gradients", grad))
    }
    z_sorted = np.sort(z, axis=None)  # sorting is most of a histogram's cost
    hists["pre_activations"] = histogram(z_sorted, EDGES["pre_activations"], presorted=True)
    a_edges = histogram_edges("activations", act)
    if act in MONOTONE and not output:  # f(sorted z) is sorted: one sort fewer
        a_sorted = np.empty_like(z_sorted)
        network.activation.forward(z_sorted, a_sorted)
        hists["activations"] = histogram(a_sorted, a_edges, presorted=True)
    else:
        hists["activations"] = histogram(a, a_edges)
    hists = {q: hists[q] for q in QUANTITIES}  # in the dock's order
    w_norm, b_norm = _norm(w), _norm(b)
    param_norm = math.hypot(w_norm, b_norm)
    ratio = math.nan
    if last_update is not None:
        offset = sum(q.size for q in network.layers[:i])
        update = last_update[offset : offset + p.size]
        ratio = _norm(update) / param_norm if param_norm else math.nan
    return LayerDiagnostics(
        histograms=hists,
        gradient_norm=_norm(grad),
        update_ratio=ratio,
        weight_norm=w_norm,
        bias_norm=b_norm,
        units=_unit_stats(z, a, network, None if output else p),
    )
