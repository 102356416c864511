"""The loss view's numbers: read-outs as people read them, and curves thinned to
what a plot can show (min/max decimation keeps every spike).  Qt-free."""

from __future__ import annotations

import math

import numpy as np

MAX_CURVE_POINTS = 2000
# a loss this many times the run's ordinary level is off the plot's scale: a
# decade on a linear axis (beyond it the rest of the curve flattens), three on a
# log axis (which holds a few decades readably)
RUNAWAY_LINEAR, RUNAWAY_LOG = 10.0, 1000.0


# --- numbers as people read them ------------------------------------------------


def format_loss(value: float) -> str:
    """Three decimals as TF ("0.057"), four significant digits when smaller,
    scientific from 10^5 (at most 10 characters: the read-outs have a fixed size)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    size = abs(value)
    if size == 0:
        return "0.000"
    if size < 1e-4 or size >= 1e5:
        return f"{value:.3e}"
    if size >= 0.01:
        return f"{value:.3f}"
    return f"{value:.{3 - math.floor(math.log10(size))}f}"


def format_accuracy(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{100.0 * value:.1f} %"


def format_epoch(epoch: int) -> str:
    return f"{epoch:07,d}"  # 000,412


# --- fewer points, same picture ----------------------------------------------------


def clean(x: np.ndarray, y: np.ndarray, positive: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Drop the points whose y is not finite (or not > 0, for a log scale)."""
    keep = np.isfinite(y)
    if positive:
        keep &= y > 0
    if keep.all():
        return x, y
    return x[keep], y[keep]


def decimate(
    x: np.ndarray, y: np.ndarray, max_points: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Min/max decimation: at most max_points points that keep every spike.

    The data is cut into equal bins; each bin keeps its lowest and highest point
    (in their order), and the first and last points are always kept.
    """
    n = len(y)
    max_points = MAX_CURVE_POINTS if max_points is None else max(max_points, 8)
    if n <= max_points:
        return x, y
    bins = max(1, (max_points - 2) // 2 - 1)
    size = -(-n // bins)  # ceil
    full = n // size
    body = y[: full * size].reshape(full, size)
    base = np.arange(full) * size
    picks = [base + body.argmin(axis=1), base + body.argmax(axis=1), [0, n - 1]]
    if full * size < n:  # the last, shorter bin
        tail = y[full * size :]
        picks.append([full * size + tail.argmin(), full * size + tail.argmax()])
    index = np.unique(np.concatenate(picks))
    return x[index], y[index]


def runaway_level(y: np.ndarray, log: bool = False) -> float:
    """The level above which a curve's (finite) losses ran away: RUNAWAY_LINEAR
    (or _LOG) times its ordinary level, the larger of its first loss and its
    median; inf if none can be said to.

    A run that blew up before it was rolled back keeps its huge losses from the
    epochs before; scaled to them (1e290, say) the rest of the curve is a flat
    line at zero.  An ordinary curve starts at its highest or near it, and its
    median is where it mostly is, so it stays under this level; a blow-up passes
    it within a few epochs."""
    if len(y) < 2:
        return math.inf
    level = max(float(y[0]), float(np.median(y)))
    return (RUNAWAY_LOG if log else RUNAWAY_LINEAR) * level if level > 0 else math.inf
