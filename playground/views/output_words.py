"""The output picture's words: its axes' tick values, and what the network says
at a point under the pointer (a class by its name, or the number)."""

from __future__ import annotations

import math

import numpy as np

from playground.core.snapshot import Snapshot


def predicted_words(snap: Snapshot, values: np.ndarray) -> str:
    """What the network outputs at one place: a class by name (with how sure),
    or the regression value."""
    cfg = snap.config
    if cfg.num_classes == 0:
        return f"output {float(values[0]):.3g}"
    names = snap.dataset.class_names if snap.dataset is not None else ()
    if cfg.output_activation == "softmax":
        k = int(np.argmax(values))
        how = f"p = {float(values[k]):.2f}"
    elif cfg.output_activation == "sigmoid":
        k = int(values[0] > 0.5)
        how = f"p = {float(values[0] if k else 1 - values[0]):.2f}"
    else:  # tanh: -1 is class 0, +1 class 1
        k = int(values[0] > 0)
        how = f"output {float(values[0]):+.2f}"
    name = names[k] if k < len(names) else f"class {k + 1}"
    return f"{name} ({how})"


def axis_ticks(lo: float, hi: float) -> tuple[list[float], list[float]]:
    """Labelled ticks (about six, at 1, 2 or 5 times a power of ten) and the
    unlabelled ones halfway between, within [lo, hi]: -6, -4, ... 6 and the odd
    numbers between for the usual square."""
    raw = (hi - lo) / 6
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * 0.999)
    # whole multiples of the step (of half of it between), rounded clean of 0.1 + 0.2
    k_lo, k_hi = math.ceil(2 * lo / step - 1e-9), math.floor(2 * hi / step + 1e-9)
    at = [(k, round(float(k * step / 2), 10) + 0.0) for k in range(k_lo, k_hi + 1)]
    return [v for k, v in at if k % 2 == 0], [v for k, v in at if k % 2]
