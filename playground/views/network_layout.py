"""Where everything of the network graph goes, in widget pixels (Qt-free).

`compute_layout(width, height, enabled, hidden, outputs)` places the columns
(all nine features, each hidden layer, the outputs), sizes the nodes to the
space there is, and lists every edge's end points in the canonical edge order:
layer by layer, each weight matrix row-major over (out, in), which is
`np.concatenate([w.ravel() for w in snapshot.weights])`.

Everything is an integer pixel (node sizes, gaps, columns), so the per-column
tile atlases line up with the screen pixel for pixel and stay crisp.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from playground.core.config import FEATURES

# --- the look, in px -----------------------------------------------------------
MARGIN = 16
LABEL_WIDTH = 58  # feature names, right-aligned left of the input tiles
OUTPUT_LABEL_WIDTH = 54  # room right of the output nodes
TITLE_Y = 12  # section titles ("FEATURES", "2 HIDDEN LAYERS", "OUTPUT")
CONTROLS_Y = 38  # the per-layer + / − buttons
COUNT_Y = 62  # "4 neurons" under the buttons
GRAPH_TOP = 86
LEGEND_HEIGHT = 30  # one line of legend; each further line adds LEGEND_LINE
LEGEND_LINE = 14
BUTTON = 20  # per-layer button size
LAYER_BUTTON = 24  # the global "+ / − layer" buttons
MAX_NODE = 56  # largest hidden node
MAX_OUTPUT = 72  # largest output node
MAX_FEATURE_NODE = 40
MIN_FEATURE_NODE = 12  # feature tiles stay this big (room for their names) when columns crowd
TILE_MIN = 14  # below this a node is a plain square coloured by its mean output
GAP_RATIO = 0.3  # vertical gap between nodes, as a fraction of their size
DENSE_STEP = 24  # node pitch (px) under which edges get thinner
DENSE_EDGES = 400  # edges per layer above which edges get fainter


@dataclass(frozen=True)
class Column:
    """One column of square nodes: `count` nodes of `size` px, `gap` px apart."""

    kind: str  # "features", "hidden" or "output"
    layer: int  # its index in Grids.layers (features 0, hidden 1..L, output L+1)
    x: int  # left edge of the nodes
    top: int  # top edge of the first node
    size: int
    gap: int
    count: int

    @property
    def step(self) -> int:
        return self.size + self.gap

    @property
    def height(self) -> int:
        return self.count * self.size + (self.count - 1) * self.gap

    @property
    def centre_x(self) -> float:
        return self.x + self.size / 2

    @property
    def tiles(self) -> bool:
        """True: nodes show their output map; False: a square of the mean colour."""
        return self.size >= TILE_MIN

    def node_top(self, i: int) -> int:
        return self.top + i * self.step


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    columns: tuple[Column, ...]  # features, hidden..., output
    enabled: tuple[bool, ...]  # per feature of config.FEATURES
    # nodes, flattened column by column: rect (x, y, size) and (column, unit)
    node_x: np.ndarray
    node_y: np.ndarray
    node_size: np.ndarray
    node_column: np.ndarray
    node_unit: np.ndarray
    # edges in the canonical order: segment ends, and (layer, row, col) of the weight
    edge_x0: np.ndarray
    edge_y0: np.ndarray
    edge_x1: np.ndarray
    edge_y1: np.ndarray
    edge_layer: np.ndarray
    edge_row: np.ndarray
    edge_col: np.ndarray
    edge_scale: float  # multiplies TF's 1..10 px widths when nodes are packed tight
    edge_alpha: int  # 0..255, lower when a layer has very many edges
    legend_y: int

    @property
    def hidden_columns(self) -> tuple[Column, ...]:
        return self.columns[1:-1]

    @property
    def hidden_span(self) -> tuple[float, float]:
        """x range the hidden-layer title is centred on."""
        first, last = self.columns[0], self.columns[-1]
        return first.x + first.size, last.x


def _fit(count: int, height: int, cap: int) -> tuple[int, int]:
    """Largest node size (and gap) that fits `count` nodes into `height` px."""
    size = int(height / (count + (count - 1) * GAP_RATIO)) if count else cap
    size = max(2, min(cap, size))
    gap = max(1, round(size * GAP_RATIO))
    while size > 2 and count * size + (count - 1) * gap > height:
        size -= 1
        gap = max(1, round(size * GAP_RATIO))
    if count * size + (count - 1) * gap > height:  # 2 px nodes, still too many: no gaps
        gap = 0
    return size, gap


def compute_layout(
    width: int,
    height: int,
    enabled: tuple[bool, ...] | tuple[str, ...],
    hidden: tuple[int, ...],
    outputs: int,
    legend_lines: int = 1,
) -> Layout:
    """Place the graph in a width x height widget.

    `enabled` is either the enabled feature names or one bool per
    `config.FEATURES`; `hidden` the hidden layer sizes; `outputs` the output
    count; `legend_lines` the lines of legend under the graph.
    """
    if enabled and isinstance(enabled[0], str):
        enabled = tuple(name in enabled for name in FEATURES)
    enabled = tuple(bool(e) for e in enabled)
    width, height = max(int(width), 200), max(int(height), 200)
    legend_h = LEGEND_HEIGHT + LEGEND_LINE * max(0, legend_lines - 1)
    graph_h = max(40, height - GRAPH_TOP - legend_h - 8)
    counts = [len(FEATURES), *hidden, outputs]
    n_cols = len(counts)

    first_centre = MARGIN + LABEL_WIDTH + MAX_FEATURE_NODE / 2
    last_centre = width - MARGIN - OUTPUT_LABEL_WIDTH - MAX_OUTPUT / 2
    pitch = (last_centre - first_centre) / (n_cols - 1)
    h_cap = max(2, int(pitch * 0.55))  # leave the rest of the pitch to the edges

    feat_cap = min(MAX_FEATURE_NODE, max(h_cap, MIN_FEATURE_NODE))
    feat_size, feat_gap = _fit(len(FEATURES), graph_h, feat_cap)
    hid_size, hid_gap = _fit(max(counts[1:]), graph_h, min(MAX_NODE, h_cap))

    columns = []
    mid = GRAPH_TOP + graph_h / 2
    for c, count in enumerate(counts):
        kind = "features" if c == 0 else "output" if c == n_cols - 1 else "hidden"
        size, gap = (feat_size, feat_gap) if c == 0 else (hid_size, hid_gap)
        if kind == "output":  # a little larger than the hidden nodes, never tiny
            cap = min(MAX_OUTPUT, h_cap, max(round(1.4 * hid_size), 24))
            size, gap = _fit(count, graph_h, cap)
        centre = first_centre + c * pitch
        col_h = count * size + (count - 1) * gap
        columns.append(
            Column(kind, c, round(centre - size / 2), int(mid - col_h / 2), size, gap, count)
        )

    node_x, node_y, node_size, node_col, node_unit = [], [], [], [], []
    for c, col in enumerate(columns):
        units = np.arange(col.count)
        node_x.append(np.full(col.count, col.x))
        node_y.append(col.top + units * col.step)
        node_size.append(np.full(col.count, col.size))
        node_col.append(np.full(col.count, c))
        node_unit.append(units)

    # edges: layer i joins column i (only its enabled features for i = 0) to i + 1
    feature_nodes = np.flatnonzero(enabled)
    xs0, ys0, xs1, ys1, ls, rs, cs = [], [], [], [], [], [], []
    max_edges = 0
    for i in range(n_cols - 1):
        src, dst = columns[i], columns[i + 1]
        src_units = feature_nodes if i == 0 else np.arange(src.count)
        grid = np.meshgrid(np.arange(dst.count), np.arange(len(src_units)), indexing="ij")
        rows, cols = grid[0].ravel(), grid[1].ravel()
        max_edges = max(max_edges, len(rows))
        xs0.append(np.full(len(rows), src.x + src.size, dtype=np.float64))
        ys0.append(src.top + src_units[cols] * src.step + src.size / 2)
        xs1.append(np.full(len(rows), dst.x, dtype=np.float64))
        ys1.append(dst.top + rows * dst.step + dst.size / 2)
        ls.append(np.full(len(rows), i))
        rs.append(rows)
        cs.append(cols)

    def cat(parts, dtype):
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

    step = hid_size + hid_gap
    scale = float(np.clip(step / DENSE_STEP, 0.25, 1.0))
    alpha = int(255 * float(np.clip(np.sqrt(DENSE_EDGES / max(max_edges, 1)), 0.3, 1.0)))
    return Layout(
        width=width,
        height=height,
        columns=tuple(columns),
        enabled=enabled,
        node_x=cat(node_x, np.float64),
        node_y=cat(node_y, np.float64),
        node_size=cat(node_size, np.float64),
        node_column=cat(node_col, np.intp),
        node_unit=cat(node_unit, np.intp),
        edge_x0=cat(xs0, np.float64),
        edge_y0=cat(ys0, np.float64),
        edge_x1=cat(xs1, np.float64),
        edge_y1=cat(ys1, np.float64),
        edge_layer=cat(ls, np.intp),
        edge_row=cat(rs, np.intp),
        edge_col=cat(cs, np.intp),
        edge_scale=scale,
        edge_alpha=alpha,
        legend_y=height - legend_h + 4,
    )


def edge_widths(weights: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """TF Playground's edge width: |w| from [0, 5] onto [1, 10] px, clamped, in
    half-pixel steps (so edges share a few cached pens), times `scale`."""
    w = np.abs(np.nan_to_num(np.asarray(weights, dtype=np.float64), nan=0.0))
    px = 1.0 + 9.0 * np.minimum(w, 5.0) / 5.0
    return np.round(px * 2.0) / 2.0 * scale


SHADES = 15  # colour steps per sign: 31 shades in all, as TF Playground


def edge_shades(weights: np.ndarray) -> np.ndarray:
    """Colour step of each weight, -SHADES..SHADES (saturated at |w| >= 1)."""
    w = np.nan_to_num(np.asarray(weights, dtype=np.float64), nan=0.0)
    return np.rint(np.clip(w, -1.0, 1.0) * SHADES).astype(np.intp)


MAX_LAYER_EDGES = 384  # a denser layer draws only its strongest edges
BUCKETS_PER_STEP = 4 * SHADES + 4  # bucket = step * this + |shade| * 2 + (shade > 0)


def edge_buckets(weights: np.ndarray, layers) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each edge's width in half-pixel steps (2..20), its shade, and its bucket:
    one number per (step, shade), larger for wider, then for stronger colour; -1
    for an edge not drawn.  `layers` are (start, stop) edge ranges: a layer with
    more than MAX_LAYER_EDGES edges draws only its strongest."""
    weights = np.nan_to_num(np.asarray(weights, dtype=np.float64))
    steps = np.rint(edge_widths(weights) * 2).astype(np.intp)
    shades = edge_shades(weights)
    bucket = steps * BUCKETS_PER_STEP + np.abs(shades) * 2 + (shades > 0)
    for start, stop in layers:
        if stop - start > MAX_LAYER_EDGES:
            part = np.abs(weights[start:stop])
            weak = np.argpartition(part, len(part) - MAX_LAYER_EDGES)[:-MAX_LAYER_EDGES]
            bucket[start + weak] = -1
    return steps, shades, bucket


def edges_left_out(layer_sizes: tuple[int, ...]) -> int:
    """How many edges the dense layers leave out (edge_buckets draws at most
    MAX_LAYER_EDGES per layer), from the layer sizes alone: inputs, hidden, outputs."""
    pairs = itertools.pairwise(layer_sizes)
    return sum(max(0, a * b - MAX_LAYER_EDGES) for a, b in pairs)


def bias_size(node_size):
    """Side of the bias square at a node's lower-left corner (0: none, too small)."""
    b = np.clip(np.round(np.asarray(node_size, dtype=np.float64) * 0.26), 5, 12)
    return np.where(np.asarray(node_size) >= TILE_MIN, b, 0.0)


def bias_squares(layout: Layout) -> tuple[np.ndarray, ...]:
    """The bias squares big enough to show: (index among the biases, left, top,
    side), each at its node's lower-left corner."""
    hidden = layout.node_column > 0
    sizes = layout.node_size[hidden]
    side = bias_size(sizes)
    shown = np.flatnonzero(side > 0)
    side = side[shown]
    x = layout.node_x[hidden][shown] - 0.6 * side
    y = layout.node_y[hidden][shown] + sizes[shown] - 0.4 * side
    return shown, x, y, side
