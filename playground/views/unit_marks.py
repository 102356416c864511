"""Which hidden units the network graph marks, and what their read-out adds (Qt-free).

From a snapshot's `Diagnostics` (and the doctor's findings): dead units
(a ReLU-family unit inactive on every training point), saturated units
(tanh, sigmoid: near their bounds on most points), and groups of identical
units (equal incoming weights and bias: they can never become different).

Only hidden units are marked: an output near its bounds is a confident
prediction, not a fault, and the engine does not count dead outputs.
Indices are the view's: a node's layer counts as in `Grids.layers` (hidden
layer c is 1..L), which is `Diagnostics.layers[c - 1].units`.  People read
units from 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.core.diagnostics_types import Diagnostics, Finding
from playground.core.doctor import PINNED

# A unit is ringed when near its bounds on at least the share of the training
# points the doctor calls pinned (95 %: healthy tanh units reach 94 % on trained
# nets), or when the doctor names it.
SATURATED_SHARE = PINNED
SATURATED_KEEP = 0.9  # a ringed unit stays ringed down to here: no flicker about 95 %
KINDS = ("dead", "saturated", "symmetric")
# the legend's words per mark, true of big tiles and tiny squares alike
LEGEND_WORDS = {
    "dead": "greyed = dead neuron",
    "saturated": "red ring = saturated",
    "symmetric": "same coloured tag = identical neurons",
}


@dataclass(frozen=True)
class Marks:
    """Per hidden layer (index 0 is hidden layer 1): which units are dead or
    saturated (bool arrays) and each unit's group of identical units (int
    array, groups numbered from 0 within the layer; -1 for none)."""

    dead: tuple[np.ndarray, ...] = ()
    saturated: tuple[np.ndarray, ...] = ()
    group: tuple[np.ndarray, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of mark shown anywhere, in KINDS order."""
        shown = (
            any(d.any() for d in self.dead),
            any(s.any() for s in self.saturated),
            any((g >= 0).any() for g in self.group),
        )
        return tuple(k for k, on in zip(KINDS, shown, strict=True) if on)


NO_MARKS = Marks()


def fitting(diag: Diagnostics | None, layer_sizes: tuple[int, ...]) -> Diagnostics | None:
    """`diag` if it describes a network of these layer sizes (inputs, hidden...,
    outputs), else None (diagnostics of an older architecture, or none)."""
    if diag is None or len(diag.layers) != len(layer_sizes) - 1:
        return None
    fits = all(len(d.units.mean) == n for d, n in zip(diag.layers, layer_sizes[1:], strict=True))
    return diag if fits else None


def unit_marks(
    diag: Diagnostics | None,
    layer_sizes: tuple[int, ...],
    findings: tuple[Finding, ...] = (),
    before: Marks = NO_MARKS,
) -> Marks:
    """The marks of every hidden unit; NO_MARKS when `diag` does not fit.
    `before`: the marks shown until now (a ringed unit stays so a little longer)."""
    diag = fitting(diag, layer_sizes)
    if diag is None:
        return NO_MARKS
    dead, saturated, groups = [], [], []
    for i, layer in enumerate(diag.layers[:-1]):  # the last feeds the outputs
        stats, n = layer.units, layer_sizes[i + 1]
        gone = np.array(stats.dead, dtype=bool)
        sat = np.zeros(n, bool)
        if stats.saturated is not None:
            share = np.nan_to_num(np.asarray(stats.saturated, dtype=np.float64))
            sat = share >= SATURATED_SHARE
            if len(before.saturated) == len(layer_sizes) - 2 and len(before.saturated[i]) == n:
                sat |= before.saturated[i] & (share >= SATURATED_KEEP)
        for f in findings:  # the units the doctor names are marked whatever the share
            if f.layer == i and f.kind in ("dead_units", "saturated_units"):
                units = [u for u in f.units if 0 <= u < n]
                (gone if f.kind == "dead_units" else sat)[units] = True
        group = np.full(n, -1, np.intp)
        for g, members in enumerate(m for m in stats.symmetric_groups if len(m) > 1):
            group[[u for u in members if 0 <= u < n]] = g
        dead.append(gone)
        saturated.append(sat & ~gone)  # a dead unit is not also ringed
        groups.append(group)
    return Marks(tuple(dead), tuple(saturated), tuple(groups))


def legend_words(marks: Marks) -> tuple[str, ...]:
    """What the legend says of each kind of mark shown."""
    return tuple(LEGEND_WORDS[kind] for kind in marks.kinds)


def _people(units) -> str:
    return ", ".join(str(u + 1) for u in units)


def unit_lines(diag: Diagnostics | None, layer_sizes: tuple[int, ...], layer: int, unit: int):
    """What a hover over node (layer, unit) adds from the diagnostics: activity
    or saturation, identical units, and its output's mean and range over the
    training points.  Empty when there are none that fit."""
    diag = fitting(diag, layer_sizes)
    if diag is None or not 1 <= layer < len(layer_sizes):
        return ()
    stats, hidden = diag.layers[layer - 1].units, layer < len(layer_sizes) - 1
    lines = []
    if hidden and stats.active is not None:
        on = round(float(stats.active[unit]) * diag.points)
        dead = "dead: " if stats.dead[unit] else ""
        lines.append(f"{dead}active on {on} of {diag.points_words}")
    if hidden and stats.saturated is not None:
        share = float(np.nan_to_num(stats.saturated[unit]))
        lines.append(f"saturated on {100 * share:.0f} % of {diag.points_words}")
    if hidden:
        for members in stats.symmetric_groups:
            if unit in members and len(members) > 1:
                others = [u for u in members if u != unit]
                word = "neuron" if len(others) == 1 else "neurons"
                lines.append(f"identical to {word} {_people(others)}")
    mean, lo, hi = (float(a[unit]) for a in (stats.mean, stats.low, stats.high))
    lines.append(f"output on the training points: {lo:.3g} … {hi:.3g}, mean {mean:.3g}")
    return tuple(lines)
