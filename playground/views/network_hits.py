"""What lies under the pointer in the network graph, and what its read-out says (Qt-free).

One index convention, the one the view's signals use:

- a node is (layer, unit) in `Grids.layers` order: 0 the enabled input
  features, 1..L the hidden layers, L + 1 the outputs.  Its bias is
  `snapshot.biases[layer - 1][unit]`.
- an edge is (layer, row, col) of `snapshot.weights[layer][row, col]`: it joins
  node (layer, col) to node (layer + 1, row); for layer 0, col counts the
  *enabled* features in `config.FEATURES` order.
- a feature tile is named by its feature (enabled or not), since clicking it
  toggles that feature.

Only the layout's flat node and edge arrays are indexed otherwise; they are
turned into these targets here and nowhere else.

What people read (hover read-outs, editor titles) counts from 1 in words:
"hidden layer 1 · neuron 2", "output · class 2", "from x₁ to ...".  The
value's name in the files' PyTorch layout ("0.weight[1, 0]", from 0 as code
counts) is a line of its own, labelled "PyTorch:", never mixed into the words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.core.arithmetic import neuron_sum
from playground.core.config import FEATURES
from playground.core.datasets import input_scaling
from playground.core.features import LABELS
from playground.core.snapshot import Grids, Snapshot

from .network_layout import Layout, bias_size
from .unit_marks import unit_lines


@dataclass(frozen=True)
class FeatureHit:
    feature: str  # a name of config.FEATURES


@dataclass(frozen=True)
class NodeHit:
    layer: int  # Grids.layers index, >= 1
    unit: int


@dataclass(frozen=True)
class EdgeHit:
    layer: int  # snapshot.weights index
    row: int
    col: int


Hit = FeatureHit | NodeHit | EdgeHit


# --- hit testing --------------------------------------------------------------------


def hit_target(layout: Layout, x: float, y: float, widths: np.ndarray) -> Hit | None:
    """The node (tried first) or drawn edge at (x, y) widget px, or None."""
    n = _hit_node(layout, x, y)
    if n >= 0:
        c, u = int(layout.node_column[n]), int(layout.node_unit[n])
        return FeatureHit(FEATURES[u]) if c == 0 else NodeHit(c, u)
    e = _hit_edge(layout, x, y, widths)
    if e >= 0:
        return EdgeHit(int(layout.edge_layer[e]), int(layout.edge_row[e]), int(layout.edge_col[e]))
    return None


def edge_index(layout: Layout, edge: EdgeHit) -> int:
    """The edge's position in the layout's (and the snapshot's raveled) edge order."""
    start = int(np.searchsorted(layout.edge_layer, edge.layer))
    n_in = int(np.sum(layout.enabled)) if edge.layer == 0 else layout.columns[edge.layer].count
    return start + edge.row * n_in + edge.col


def hovered_neuron(layout: Layout, hit: Hit | None) -> tuple[int, int]:
    """The (layer, unit) a hover shows in the output view; (-1, -1) for none."""
    match hit:
        case NodeHit(layer, unit):
            return layer, unit
        case FeatureHit(name) if layout.enabled[i := FEATURES.index(name)]:
            return 0, int(np.sum(layout.enabled[:i]))
    return -1, -1


def _hit_edge(layout: Layout, x: float, y: float, widths: np.ndarray) -> int:
    """Index of the edge under (x, y), or -1: the nearest within its half width
    + 3 px, among the drawn ones (width > 0)."""
    if not len(layout.edge_x0):
        return -1
    x0, y0 = layout.edge_x0, layout.edge_y0
    dx, dy = layout.edge_x1 - x0, layout.edge_y1 - y0
    length2 = dx * dx + dy * dy
    t = np.clip(((x - x0) * dx + (y - y0) * dy) / np.maximum(length2, 1e-9), 0.0, 1.0)
    dist = np.hypot(x0 + t * dx - x, y0 + t * dy - y)
    slack = np.where(widths > 0, dist - (widths / 2 + 3.0), np.inf)  # 0: not drawn
    best = int(np.argmin(slack))
    return best if slack[best] <= 0 else -1


def _hit_node(layout: Layout, x: float, y: float, pad: float = 2.0) -> int:
    """Index (into the flattened node arrays) of the node under (x, y), or -1;
    a node's bias square (which sticks out at its lower left) counts as the node."""
    pads = pad + 0.6 * bias_size(layout.node_size) * (layout.node_column > 0)
    inside = (
        (x >= layout.node_x - pads)
        & (x <= layout.node_x + layout.node_size + pads)
        & (y >= layout.node_y - pads)
        & (y <= layout.node_y + layout.node_size + pads)
    )
    hits = np.flatnonzero(inside)
    return int(hits[0]) if len(hits) else -1


# --- what the hover read-out says ----------------------------------------------------


def fmt_value(v: float) -> str:
    if (v != 0 and abs(v) < 1e-3) or abs(v) >= 1e5:
        return f"{v:.3e}"
    return f"{v:.4f}"


def describe_node(layout: Layout, node: NodeHit) -> str:
    """'hidden layer 2 · neuron 3', 'output' or 'output · class 2' (people count from 1)."""
    if node.layer == len(layout.columns) - 1:
        return "output" if layout.columns[-1].count == 1 else f"output · class {node.unit + 1}"
    return f"hidden layer {node.layer} · neuron {node.unit + 1}"


def describe_edge(layout: Layout, edge: EdgeHit, features: tuple[str, ...]) -> tuple[str, str]:
    """('from x₁', 'to hidden layer 1 · neuron 2'): the ends of a weight, for people."""
    if edge.layer == 0:
        src = LABELS[features[edge.col]]
    else:
        src = describe_node(layout, NodeHit(edge.layer, edge.col))
    return f"from {src}", f"to {describe_node(layout, NodeHit(edge.layer + 1, edge.row))}"


def torch_name(hit: NodeHit | EdgeHit) -> str:
    """The value's name in the PyTorch layout of the files ('2.weight[0, 1]'),
    counted from 0 as code counts: for engineers, on a line of its own."""
    if isinstance(hit, EdgeHit):
        return f"PyTorch: {2 * hit.layer}.weight[{hit.row}, {hit.col}]"
    return f"PyTorch: {2 * (hit.layer - 1)}.bias[{hit.unit}]"


def editor_title(layout: Layout, hit: NodeHit | EdgeHit, snap: Snapshot) -> tuple[str, float]:
    """The in-place editor's title for a weight or bias, and its value now."""
    if isinstance(hit, EdgeHit):
        ends = describe_edge(layout, hit, snap.config.features)
        return "weight " + "\n".join(ends), float(snap.weights[hit.layer][hit.row, hit.col])
    return f"bias of {describe_node(layout, hit)}", float(snap.biases[hit.layer - 1][hit.unit])


def _arithmetic(snap: Snapshot, layer: int, unit: int, probe: tuple[float, float]) -> list[str]:
    scaling = input_scaling(snap.config, snap.dataset) if snap.dataset is not None else None
    with np.errstate(all="ignore"):
        total = neuron_sum(snap.config, snap.weights, snap.biases, probe, layer, unit, scaling)
    return [f"at x₁ {probe[0]:.3g}, x₂ {probe[1]:.3g}:", total.text()]


def hover_lines(
    hit: Hit,
    layout: Layout,
    snap: Snapshot | None,
    grids: Grids | None = None,
    probe: tuple[float, float] | None = None,
) -> tuple[str, ...]:
    """The read-out: value first, then where it is (1-based, in words), the
    PyTorch name, then a hint.  `grids` are the snapshot's if they fit the
    layout (they add a node's output range); the snapshot's diagnostics add a
    node's activity, saturation, identical neurons and range on the training points."""
    match hit:
        case FeatureHit(name):
            if not layout.enabled[FEATURES.index(name)]:
                return (LABELS[name], "not used by the network", "click to turn it on")
            last = sum(layout.enabled) == 1
            hint = "the only input: it must stay on" if last else "click to turn it off"
            return (LABELS[name], "an input of the network", hint)
        case _ if snap is None:
            return ("no snapshot yet",)
        case EdgeHit(layer, row, col):
            w = float(snap.weights[layer][row, col])
            ends = describe_edge(layout, hit, snap.config.features)
            return (f"weight {fmt_value(w)}", *ends, torch_name(hit), "click to edit")
        case NodeHit(layer, unit):
            b = float(snap.biases[layer - 1][unit])
            said = f"bias {fmt_value(b)}" if snap.config.use_bias else "no bias (biases off)"
            lines = [said, describe_node(layout, hit)]
            if grids is not None:
                g = grids.layers[layer][..., unit]
                lo, hi = float(np.nanmin(g)), float(np.nanmax(g))
                lines.append(f"output over the square: {lo:.3g} … {hi:.3g}")
            lines += unit_lines(snap.diagnostics, snap.config.layer_sizes, layer, unit)
            if probe is not None:  # the point chosen on the output: the sum, by hand
                lines += _arithmetic(snap, layer, unit, probe)
            if not snap.config.use_bias:
                return tuple(lines)  # nothing to edit at a node
            return (*lines, torch_name(hit), "click to edit")
    raise TypeError(f"not a hit target: {hit!r}")
