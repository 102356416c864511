"""When training has run away: the checks behind "Training diverged in epoch N: ...".

NaN and infinity are not the only runaways.  Adam takes steps of about the
learning rate whatever the gradient, so a network started at a huge scale can
train for ever at a finite loss of 1e262 without a NaN.  Two more bounds
catch that, each one no healthy network comes near:

- Parameters beyond float32's range (3.4e38).  The pictures and every
  float32 export (.onnx, .safetensors) hold float32; such a network can be
  neither drawn nor exported, and no file format of the app accepts it.
- A training loss that proves some output beyond float32's range, given the
  data's targets (`loss_limit`).  If every output o and target t of a point
  lies within F = 3.4e38 and |t| <= T, then per point
    squared error   0.5 sum_k (o_k - t_k)^2  <= 0.5 K (F + T)^2
    binary CE       softplus(z) - t z        <= F + log 2
    softmax CE      logsumexp(z) - z_true    <= 2 F + log K
  so a mean loss above that bound means outputs (or logits) no float32
  picture or export can hold, on targets of at most T (a few units in every
  built-in dataset): wrong by a factor of 10^37 or more.  A tanh output
  cannot reach its bound at all; its loss is at most 2 K by construction.

The checks only read the state, so a run that does not diverge trains bit
for bit as before.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from .losses import BinaryCrossEntropy, Head, SoftmaxCrossEntropy

FLOAT32_MAX = float(np.finfo(np.float32).max)  # 3.4028235e38


def loss_limit(head: Head, targets: np.ndarray) -> float:
    """The mean loss above which some output on these targets must lie beyond float32."""
    k = targets.shape[1]
    if isinstance(head, BinaryCrossEntropy):
        return FLOAT32_MAX + math.log(2.0)
    if isinstance(head, SoftmaxCrossEntropy):
        return 2.0 * FLOAT32_MAX + math.log(k)
    # targets beyond float32 (a formula such as exp(100 * x1)) count as its largest:
    # the square must stay a float64, and such a run diverges in one sentence anyway
    t = min(float(np.abs(targets).max()), FLOAT32_MAX) if targets.size else 0.0
    return 0.5 * k * (FLOAT32_MAX + t) ** 2  # squared error, linear or tanh output


def beyond_float32(values: np.ndarray) -> float | None:
    """The largest magnitude in `values` if any lies beyond float32's range (NaN or
    infinity counts), else None.  Two reductions and no temporary array: this runs
    after every mini-batch the window steps."""
    low, high = float(values.min()), float(values.max())
    if low >= -FLOAT32_MAX and high <= FLOAT32_MAX:  # False for NaN
        return None
    return math.nan if math.isnan(low) or math.isnan(high) else max(-low, high)


def parameter_name(sizes: tuple[int, ...], index: int) -> str:
    """PyTorch's name ("0.weight", "2.bias") of flat parameter `index` of a Network of
    these layer sizes, whose layers are [W | b] blocks, row by row (see network.py)."""
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        block = n_out * (n_in + 1)
        if index < block:
            return f"{2 * i}.{'bias' if index % (n_in + 1) == n_in else 'weight'}"
        index -= block
    raise IndexError("no such parameter")


def parameter_problem(params: np.ndarray, sizes: tuple[int, ...]) -> str | None:
    """Why these parameters (of a Network of these layer sizes) mean divergence, or None."""
    worst = beyond_float32(params)
    if worst is None:
        return None
    if not math.isfinite(worst):
        return "the parameters overflowed"
    index = int(np.argmax(np.abs(params)))
    name, value = parameter_name(sizes, index), params[index]
    return f"{name} reached {value:.2g}, beyond float32's range ({FLOAT32_MAX:.2g})"


def runaway(loss: float, limit: float, params: np.ndarray, sizes: tuple[int, ...]) -> str | None:
    """Why training has diverged after an epoch with this training loss, or None."""
    if not math.isfinite(loss):
        return f"the training loss became {'NaN' if loss != loss else 'infinite'}"
    if loss > limit:
        worst = f"{loss:.2g}, which only outputs beyond float32's range ({FLOAT32_MAX:.2g}) give"
        return parameter_problem(params, sizes) or f"the training loss reached {worst}"
    return parameter_problem(params, sizes)
