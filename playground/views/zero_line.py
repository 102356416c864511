"""Where a first-layer neuron's weighted sum is 0: the line w₁·x₁ + w₂·x₂ + b = 0
across its tile (the boundary its own output turns at).  Only when its inputs
are x₁ and x₂ themselves: with squares or sines the zero set is a curve."""

from __future__ import annotations

import math

from playground.core.features import Extent
from playground.core.snapshot import Snapshot

from .network_items import node_rect
from .network_layout import Layout


def zero_segment(
    w1: float, w2: float, b: float, extent: Extent
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The part of w1·x1 + w2·x2 + b = 0 inside the extent's square, or None."""
    (x_lo, x_hi), (y_lo, y_hi) = extent.x_range, extent.y_range
    hits: list[tuple[float, float]] = []
    if abs(w2) > 1e-12:  # where it crosses the left and right edges
        for x in (x_lo, x_hi):
            y = -(w1 * x + b) / w2
            if y_lo <= y <= y_hi:
                hits.append((x, y))
    if abs(w1) > 1e-12:  # the bottom and top edges
        for y in (y_lo, y_hi):
            x = -(w2 * y + b) / w1
            if x_lo <= x <= x_hi:
                hits.append((x, y))
    unique: list[tuple[float, float]] = []
    for p in hits:  # a corner is hit from both sides
        if all(math.dist(p, q) > 1e-9 for q in unique):
            unique.append(p)
    if len(unique) < 2:
        return None
    return unique[0], unique[1]


def tile_zero_line(
    snap: Snapshot | None, selected: tuple[int, int] | None, layout: Layout | None, extent: Extent
) -> tuple[float, float, float, float] | None:
    """The zero line's ends in widget px over the selected neuron's tile, when
    that neuron is in the first hidden layer and sees x1 and x2 alone."""
    if snap is None or selected is None or layout is None or selected[0] != 1:
        return None
    features, unit = snap.config.features, selected[1]
    if not set(features) <= {"x1", "x2"} or unit >= len(snap.biases[0]):
        return None
    w = dict(zip(features, snap.weights[0][unit].tolist(), strict=True))
    segment = zero_segment(w.get("x1", 0.0), w.get("x2", 0.0), float(snap.biases[0][unit]), extent)
    if segment is None:
        return None
    tile, e = node_rect(layout, 1, unit), extent

    def px(x1: float, x2: float) -> tuple[float, float]:
        return (tile.left() + (x1 - e.cx + e.half) / (2 * e.half) * tile.width(),
                tile.top() + (e.cy + e.half - x2) / (2 * e.half) * tile.height())  # fmt: skip

    (xa, ya), (xb, yb) = segment
    return (*px(xa, ya), *px(xb, yb))
