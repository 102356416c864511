"""Fitting the network graph's words into the room there is: the legend's
lines, the row of titles, the neuron counts, the feature and class names.

Every text stays whole and legible (never elided, never under MIN_PX): a
crowded row first moves, then shortens, then takes a smaller font, then
staggers; a legend too long for its room wraps onto a second line and leaves
out its least needed parts, never what the drawing leaves out (the dense
layers' hidden edges).  Only font metrics come from Qt; nothing here is an item.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QFontMetricsF

from .network_items import font
from .network_layout import (
    CONTROLS_Y,
    COUNT_Y,
    LAYER_BUTTON,
    MARGIN,
    MAX_LAYER_EDGES,
    Column,
    Layout,
    edges_in_view,
    matrix_pairs,
)

MIN_PX = 9  # the smallest text drawn
GAP = 14  # px at least between two titles
LEGEND_X = MARGIN + 130  # the legend's words start right of the colour bar
MAX_LEGEND_LINES = 2
SEPARATOR = "   ·   "
BAR_WORDS = "weights, biases, outputs"
HINT = "click an edge or node to edit"
# what the drawing leaves out of dense layers (network_layout's levels of detail)
DENSE_NOTE = f"dense layers: only the {MAX_LAYER_EDGES} strongest edges"
ZOOMED_NOTE = "zoomed: only the edges between neurons in view"
ZOOMED_DENSE_NOTE = f"zoomed: the {MAX_LAYER_EDGES} strongest edges between neurons in view"
# (neurons in view: at heights in sight; an edge may run off to the side)
MATRIX_NOTE = "dense layers as weight matrices: zoom in for edges"
MATRIX_ROWS = "matrix row = a neuron's weights in"  # how to read one, while there is room
MARK_KEEP = 0.5  # the marks' words (unit_marks.legend_words) go last but for the note
ZOOM_KEEP = 0.7  # "zoom 3×" goes before the marks' words
# the legend's parts in reading order, each with when it goes if the room is
# short (the highest first; 0: never, it says what the drawing leaves out)
_LEGEND_PARTS = (
    (BAR_WORDS, 1),
    ("line width = |weight|", 3),
    ("corner square = bias", 2),
    (HINT, 4),
)


def dense_note(lay: Layout) -> str:
    """What the drawing of `lay` leaves out of its dense layers, in words ('' nothing)."""
    matrices = matrix_pairs(lay)
    if any(matrices):
        return MATRIX_NOTE
    if lay.zoom.fitted:
        return DENSE_NOTE if np.any(np.bincount(lay.edge_layer) > MAX_LAYER_EDGES) else ""
    per_pair = np.bincount(lay.edge_layer[edges_in_view(lay)], minlength=len(matrices))
    return ZOOMED_DENSE_NOTE if np.any(per_pair > MAX_LAYER_EDGES) else ZOOMED_NOTE


def zoom_words(scale: float) -> str:
    """The legend's words for a zoomed view ('' when it shows the whole network)."""
    if scale <= 1.0:
        return ""
    return f"zoom {scale:.1f}× (Ctrl+0: whole network)"


@functools.cache
def _metrics(px: int, bold: bool) -> QFontMetricsF:
    return QFontMetricsF(font(px, bold))


def text_width(text: str, px: int, bold: bool = False) -> float:
    return _metrics(px, bold).horizontalAdvance(text)


def text_height(px: int, bold: bool = False) -> int:
    """The height of a text item's box (whole pixels)."""
    return math.ceil(_metrics(px, bold).height())


# --- the legend ----------------------------------------------------------------------


@dataclass(frozen=True)
class Legend:
    lines: tuple[str, ...]
    px: int
    under_bar: bool  # lines after the first start at the left margin, under the bar


def legend(
    width: int, note: str = "", hint: bool = True, marks: tuple[str, ...] = (), zoom: str = ""
) -> Legend:
    """The legend's lines for a view `width` px wide: every part whole, the
    `note` on what the drawing leaves out always (DENSE_NOTE and its kin; ''
    none), the hint only if `hint`, the words of the `marks` shown on units
    and the `zoom` words before the note."""
    parts: list[tuple[str, float]] = [(t, keep) for t, keep in _LEGEND_PARTS if hint or t != HINT]
    parts += [(t, MARK_KEEP) for t in marks]
    if zoom:
        parts.append((zoom, ZOOM_KEEP))
    if note == MATRIX_NOTE:
        parts.append((MATRIX_ROWS, 2.5))
    if note:
        parts.append((note, 0))
    beside, under = width - LEGEND_X - MARGIN, width - 2 * MARGIN
    for px in (11, 10, MIN_PX):
        kept = list(parts)
        while True:
            texts = [t for t, _ in kept]
            for room, under_bar in ((beside, False), (under, True)):
                lines = _flow(texts, beside, room, px)
                if lines is not None and len(lines) <= MAX_LEGEND_LINES:
                    return Legend(tuple(lines), px, under_bar)
            # nothing beside the bar: everything on the line under it
            lines = _flow(texts, under, under, px)
            if lines is not None and len(lines) == 1 and not any(k for _, k in kept):
                return Legend(("", *lines), px, True)
            droppable = [p for p in kept if p[1] > 0]
            if not droppable:
                break
            kept.remove(max(droppable, key=lambda p: p[1]))
    return Legend((note or BAR_WORDS,), MIN_PX, True)  # narrower than ever shown


def _flow(parts: list[str], first: float, rest: float, px: int) -> list[str] | None:
    """Parts joined into lines no wider than `first` px (the first line), then
    `rest` px; None if a part alone is wider than its line."""
    lines: list[str] = []
    for part in parts:
        if lines:
            joined = lines[-1] + SEPARATOR + part
            if text_width(joined, px) <= (first if len(lines) == 1 else rest):
                lines[-1] = joined
                continue
        if text_width(part, px) > (rest if lines else first):
            return None
        lines.append(part)
    return lines


# --- the row of titles ------------------------------------------------------------------


@dataclass(frozen=True)
class TitleRow:
    features_x: float  # left of "FEATURES"
    output_x: float  # left of "OUTPUT"
    title: str  # the hidden layers' title
    title_px: int
    title_x: float  # its left; the layer buttons (if any) come before it


def _group(controls: bool) -> float:
    """Px the layer buttons take before the hidden layers' title."""
    return 2 * LAYER_BUTTON + 13 if controls else 0


def title_row(lay: Layout, controls: bool = True) -> TitleRow:
    """FEATURES over the features, OUTPUT over the output, and between them the
    hidden layers' title after its + / − buttons, centred on the hidden layers:
    pushed aside, shortened or made smaller as the room needs, never overlapping."""
    feats, out = lay.columns[0], lay.columns[-1]
    fw, ow = text_width("FEATURES", 11, True), text_width("OUTPUT", 11, True)
    feat_left = round(feats.x + feats.size / 2 - 20 - fw / 2)
    out_left = round(out.centre_x - ow / 2)
    lo, hi = MARGIN + fw + GAP, lay.width - MARGIN - ow - GAP  # titles pushed to the margins
    a, b = lay.hidden_span
    n = len(lay.hidden_columns)
    texts = (f"{n} HIDDEN LAYER{'' if n == 1 else 'S'}", f"{n} HIDDEN", f"{n}")
    for text in texts:
        for px in (11, 10, MIN_PX):
            g = _group(controls) + text_width(text, px, True)
            if hi - lo < g and (text, px) != (texts[-1], MIN_PX):
                continue
            left = min(max((a + b) / 2 - g / 2, lo), hi - g)
            return TitleRow(  # (a zoomed graph may have moved its ends out of view)
                features_x=max(MARGIN, min(feat_left, round(left - GAP - fw))),
                output_x=min(round(lay.width - MARGIN - ow), max(out_left, round(left + g + GAP))),
                title=text,
                title_px=px,
                title_x=round(left + _group(controls)),
            )
    raise AssertionError("unreachable")


# --- names and counts -------------------------------------------------------------------


def pitch(lay: Layout) -> float:
    cols = lay.columns
    return (cols[-1].centre_x - cols[0].centre_x) / (len(cols) - 1)


def button_size(lay: Layout) -> tuple[int, bool]:
    """Per-layer button size, and whether + sits above − (narrow columns)."""
    p = pitch(lay)
    if p >= 2 * 12 + 4:
        return int(min(20, (p - 6) / 2)), False
    return int(max(8, min(14, p - 2))), True


@dataclass(frozen=True)
class Counts:
    texts: tuple[str, ...]  # one per hidden layer
    px: int
    ys: tuple[float, ...]  # each text's top


def counts(lay: Layout) -> Counts:
    """'4 neurons' under each hidden layer's buttons; where columns crowd, the
    number alone, smaller, then on two staggered rows."""
    cols, p = lay.hidden_columns, pitch(lay)
    size, stacked = button_size(lay)
    y = COUNT_Y + 8 if stacked else COUNT_Y
    if p >= 74:
        words = tuple(f"{c.count} neuron{'' if c.count == 1 else 's'}" for c in cols)
        return Counts(words, 11, (y,) * len(cols))
    numbers = tuple(str(c.count) for c in cols)
    for px in (11, 10, MIN_PX):
        widths = [text_width(t, px) for t in numbers]
        if all((u + v) / 2 + 2 <= p for u, v in itertools.pairwise(widths)):
            return Counts(numbers, px, (y,) * len(cols))
    top = CONTROLS_Y - 3 + 2 * size + 3 if stacked else CONTROLS_Y + size + 3
    rows = (top, top + text_height(MIN_PX))
    return Counts(numbers, MIN_PX, tuple(rows[i % 2] for i in range(len(cols))))


def name_px(col: Column, largest: int) -> int:
    """The largest font (from `largest` down to MIN_PX) whose lines fit the column's node pitch."""
    for px in range(largest, MIN_PX, -1):
        if text_height(px, True) <= col.step:
            return px
    return MIN_PX
