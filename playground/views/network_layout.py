"""Where everything of the network graph goes, in widget pixels (Qt-free).

`compute_layout(width, height, enabled, hidden, outputs)` places the columns
(all nine features, each hidden layer, the outputs), sizes the nodes to the
space there is, and lists every edge's end points in the canonical edge order:
layer by layer, each weight matrix row-major over (out, in), which is
`np.concatenate([w.ravel() for w in snapshot.weights])`.

Everything is an integer pixel (node sizes, gaps, columns), so the per-column
tile atlases line up with the screen pixel for pixel and stay crisp.

Zoom and pan (`Zoom`) lay the graph out larger rather than scaling a picture
of it: node sizes, pitches and caps grow by the zoom, so tiles stay one texel
per pixel and edges keep their widths.  The titles and the legend stay where
they are; the graph moves within the band between them (`view_top`,
`view_bottom`).

Levels of detail (`matrix_pairs`): a pair of layers with more than
MAX_LAYER_EDGES weights whose neurons lie under DETAIL_STEP px apart is
drawn as its weight matrix, a small heatmap between the two columns, instead
of edges; zoomed in past that, its edges appear, the strongest
MAX_LAYER_EDGES of those in view.
"""

from __future__ import annotations

import itertools
import math
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
DETAIL_STEP = 12  # node pitch (px) under which a dense pair of layers is a weight matrix
MAX_ZOOM_NODE = 96  # zoom in until the hidden nodes are this big, no further
MAX_ZOOM = 40.0


@dataclass(frozen=True)
class Zoom:
    """How the graph is magnified and moved: `scale` 1 fits the whole network;
    `dx`, `dy` px move the magnified graph right and down."""

    scale: float = 1.0
    dx: float = 0.0
    dy: float = 0.0

    @property
    def fitted(self) -> bool:
        return self.scale == 1.0


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
    zoom: Zoom = Zoom()
    view_top: int = 0  # the graph shows between these (the titles above, the legend below)
    view_bottom: int = 0
    base_pitch: float = 0.0  # column pitch at zoom 1
    base_graph_height: float = 0.0  # the graph's band at zoom 1
    max_zoom: float = 1.0  # where the hidden nodes reach MAX_ZOOM_NODE px

    @property
    def hidden_columns(self) -> tuple[Column, ...]:
        return self.columns[1:-1]

    def units_in_view(self, col: Column) -> range:
        """The units of `col` on screen, whole or in part (all at zoom 1)."""
        if col.x + col.size < 0 or col.x > self.width:
            return range(0)
        first = max(0, (self.view_top - col.top) // col.step)
        last = min(col.count - 1, (self.view_bottom - col.top) // col.step)
        return range(first, last + 1)

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
    zoom: Zoom = Zoom(),
) -> Layout:
    """Place the graph in a width x height widget.

    `enabled` is either the enabled feature names or one bool per
    `config.FEATURES`; `hidden` the hidden layer sizes; `outputs` the output
    count; `legend_lines` the lines of legend under the graph; `zoom` how it
    is magnified and moved (clamped to what the network allows).
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
    base_pitch = (last_centre - first_centre) / (n_cols - 1)
    base_hidden = _hidden_nodes(max(counts[1:]), graph_h, base_pitch, 1.0)
    top_zoom = max(1.0, min(MAX_ZOOM, MAX_ZOOM_NODE / base_hidden[0]))
    zoom = clamp_zoom(zoom, top_zoom, base_pitch * (n_cols - 1), graph_h)
    z = zoom.scale
    pitch, room = base_pitch * z, int(graph_h * z)  # the magnified graph
    h_cap = max(2, int(pitch * 0.55))  # leave the rest of the pitch to the edges

    feat_cap = min(round(MAX_FEATURE_NODE * z), max(h_cap, MIN_FEATURE_NODE))
    feat_size, feat_gap = _fit(len(FEATURES), room, feat_cap)
    hid_size, hid_gap = _hidden_nodes(max(counts[1:]), graph_h, base_pitch, z)

    columns = []
    mid = GRAPH_TOP + graph_h / 2 + zoom.dy
    for c, count in enumerate(counts):
        kind = "features" if c == 0 else "output" if c == n_cols - 1 else "hidden"
        size, gap = (feat_size, feat_gap) if c == 0 else (hid_size, hid_gap)
        if kind == "output":  # a little larger than the hidden nodes, never tiny
            cap = min(round(MAX_OUTPUT * z), h_cap, max(round(1.4 * hid_size), 24))
            size, gap = _fit(count, room, cap)
        centre = first_centre + c * pitch + zoom.dx
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
    if not zoom.fitted:  # a zoomed view draws at most MAX_LAYER_EDGES a pair, of nodes in sight
        max_edges = min(max_edges, MAX_LAYER_EDGES)
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
        zoom=zoom,
        view_top=GRAPH_TOP - 8,
        view_bottom=height - legend_h - 2,
        base_pitch=base_pitch,
        base_graph_height=graph_h,
        max_zoom=top_zoom,
    )


def clamp_zoom(zoom: Zoom, top: float, span: float, band: float) -> Zoom:
    """`zoom` within 1..`top`, moved no further than keeps the magnified graph
    (`span` px between the first and last column centres, `band` px tall at
    zoom 1) covering the room it fills at zoom 1: no panning into emptiness."""
    z = min(max(float(zoom.scale), 1.0), top)
    if not math.isfinite(z) or z <= 1.0:
        return Zoom()
    dx = min(max(float(zoom.dx), span * (1.0 - z)), 0.0)
    reach = band * (z - 1.0) / 2
    dy = min(max(float(zoom.dy), -reach), reach)
    return Zoom(z, dx, dy)


def _hidden_nodes(count: int, graph_h: float, base_pitch: float, z: float) -> tuple[int, int]:
    """(size, gap) of the hidden nodes, `count` the most in a layer, at zoom `z`."""
    h_cap = max(2, int(base_pitch * z * 0.55))  # leave the rest of the pitch to the edges
    return _fit(count, int(graph_h * z), min(round(MAX_NODE * z), h_cap))


def zoom_about(lay: Layout, factor: float, x: float, y: float) -> Zoom:
    """`lay`'s zoom times `factor`, keeping the graph's point under (x, y) where
    it is: the same place between two columns across, and between two nodes
    of the tallest hidden layer down (nodes grow in whole pixels, not evenly)."""
    old = lay.zoom
    z = min(max(old.scale * factor, 1.0), lay.max_zoom)
    first = MARGIN + LABEL_WIDTH + MAX_FEATURE_NODE / 2  # the first column's centre, unmoved
    across = (x - first - old.dx) / (lay.base_pitch * old.scale)
    tallest = max(lay.columns[1:], key=lambda c: c.count)  # a hidden layer, else the output
    down = (y - tallest.top) / tallest.step
    size: float
    gap: float
    if tallest.kind == "hidden":
        size, gap = _hidden_nodes(tallest.count, lay.base_graph_height, lay.base_pitch, z)
    else:  # no hidden layer: the ratio holds near enough
        size, gap = (tallest.size * z / old.scale, tallest.gap * z / old.scale)
    height = tallest.count * size + (tallest.count - 1) * gap
    mid = GRAPH_TOP + lay.base_graph_height / 2
    top_without_dy = mid - height / 2
    dy = y - down * (size + gap) - top_without_dy
    return Zoom(z, x - first - across * lay.base_pitch * z, dy)


def matrix_pairs(lay: Layout) -> tuple[bool, ...]:
    """Per pair of adjacent columns: drawn as its weight matrix (True) or as edges."""
    cols = lay.columns
    weights = np.bincount(lay.edge_layer, minlength=len(cols) - 1)
    return tuple(
        bool(weights[i] > MAX_LAYER_EDGES and min(cols[i].step, cols[i + 1].step) < DETAIL_STEP)
        for i in range(len(cols) - 1)
    )


def edges_in_view(lay: Layout) -> np.ndarray:
    """Whether each edge joins two nodes at heights in sight and crosses the
    screen: a zoomed view shows the edges between the rows of nodes it shows
    (those to nodes above or below, long and steep, made a tangle of it)."""
    top, bottom = lay.view_top, lay.view_bottom
    level = (lay.edge_y0 >= top) & (lay.edge_y0 <= bottom)
    level &= (lay.edge_y1 >= top) & (lay.edge_y1 <= bottom)
    return level & (lay.edge_x1 >= 0) & (lay.edge_x0 <= lay.width)


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


def edge_buckets(
    weights: np.ndarray, layers, drawable: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each edge's width in half-pixel steps (2..20), its shade, and its bucket:
    one number per (step, shade), larger for wider, then for stronger colour; -1
    for an edge not drawn.  `layers` are (start, stop) edge ranges; `drawable`
    (default: all) the edges that may be drawn (in view, not in a matrix): a
    layer with more than MAX_LAYER_EDGES of them draws only its strongest."""
    weights = np.nan_to_num(np.asarray(weights, dtype=np.float64))
    steps = np.rint(edge_widths(weights) * 2).astype(np.intp)
    shades = edge_shades(weights)
    bucket = steps * BUCKETS_PER_STEP + np.abs(shades) * 2 + (shades > 0)
    if drawable is not None:
        bucket[~drawable] = -1
    for start, stop in layers:
        if drawable is None:
            candidates = np.arange(start, stop)
        else:
            candidates = start + np.flatnonzero(drawable[start:stop])
        if len(candidates) > MAX_LAYER_EDGES:
            part = np.abs(weights[candidates])
            weak = np.argpartition(part, len(part) - MAX_LAYER_EDGES)[:-MAX_LAYER_EDGES]
            bucket[candidates[weak]] = -1
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
    """The bias squares big enough to show and on screen: (index among the
    biases, left, top, side), each at its node's lower-left corner."""
    hidden = layout.node_column > 0
    sizes = layout.node_size[hidden]
    side = bias_size(sizes)
    x, y = layout.node_x[hidden], layout.node_y[hidden]
    seen = (x + sizes >= 0) & (x <= layout.width)
    if layout.view_bottom > layout.view_top:
        seen &= (y + sizes >= layout.view_top) & (y <= layout.view_bottom)
    shown = np.flatnonzero((side > 0) & seen)
    side = side[shown]
    x = layout.node_x[hidden][shown] - 0.6 * side
    y = layout.node_y[hidden][shown] + sizes[shown] - 0.4 * side
    return shown, x, y, side
