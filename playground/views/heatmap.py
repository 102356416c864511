"""What the output view's heatmap shows, as arrays: the colour tables and the
choice of picture (the decision, a class, one neuron), without any widget.

`heatmap_values(grids, config, neuron, discretize)` gives either scalar values
and the levels at the ends of the colour scale, or RGBA when classes are
coloured directly; rows as in the grids (row 0 at x2 = -6).
"""

from __future__ import annotations

import functools

import numpy as np
from PySide6.QtGui import QColor

from playground.core.config import Config
from playground.core.snapshot import Grids

from . import colors

# TF Playground draws its heatmap at alpha 160/255 over white; blending the
# table with white here gives the same look whatever is behind the item.
HEATMAP_ALPHA = 160
_FADE = HEATMAP_ALPHA / 255.0


def _faded(rgb: np.ndarray) -> np.ndarray:
    return np.round(255.0 - (255.0 - rgb) * _FADE)


HEATMAP_LUT = _faded(colors.diverging_lut()[:, :3].astype(np.float64)).astype(np.uint8)  # (256, 3)

# for Qt's 8-bit indexed images: opaque 0xAARRGGBB; and RGBA8888 pixels with a
# transparent one after them, for NaN (no colour, the white shows)
COLOR_TABLE = [0xFF000000 | (int(r) << 16) | (int(g) << 8) | int(b) for r, g, b in HEATMAP_LUT]
_nan_rgba = np.vstack([np.column_stack([HEATMAP_LUT, np.full(256, 255)]), [0, 0, 0, 0]])
NAN_TABLE = _nan_rgba.astype(np.uint8).view(np.uint32).ravel()


def _class_table() -> np.ndarray:
    """(classes * 256, 4) uint8: row c * 256 + i is class c's colour at intensity i / 255."""
    qcolors = [QColor(c) for c in colors.CLASS_COLORS]
    rgb = np.array([(c.red(), c.green(), c.blue()) for c in qcolors], dtype=np.float64)
    weight = np.linspace(0.0, 1.0, 256)[None, :, None]  # white to the class colour
    table = np.full((len(colors.CLASS_COLORS), 256, 4), 255, dtype=np.uint8)
    table[..., :3] = _faded(255.0 - (255.0 - rgb[:, None, :]) * weight)
    return table.reshape(-1, 4)


_CLASS_TABLE = _class_table()


def output_kind(config: Config) -> str:
    """How the output layer is read: 'tanh', 'sigmoid', 'softmax' or 'linear'."""
    if config.num_classes == 0:
        return "linear"
    return config.output_activation


def class_image(intensity: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """(R, R, 4) uint8: each pixel's class colour blended with white by its intensity
    in [0, 1] (1 = the full class colour), then faded like the heatmap table."""
    level = np.clip(np.nan_to_num(intensity) * 255.0, 0.0, 255.0)
    return _CLASS_TABLE[classes * 256 + np.rint(level).astype(np.intp)]


@functools.lru_cache(maxsize=8)  # per dataset (they compare by identity): not every frame
def target_limit(dataset) -> float:
    """The colour scale's end for regression: the largest |target| (the line's
    prices reach −25), so the picture shows the numbers rather than two flat
    colours of a −1..+1 scale; 1 for classification."""
    if dataset is None or dataset.num_classes:
        return 1.0
    y = np.abs(np.concatenate([dataset.y_train, dataset.y_test]))
    top = float(y.max()) if len(y) else 1.0
    return top if np.isfinite(top) and top > 0 else 1.0


def heatmap_values(
    grids: Grids,
    config: Config,
    neuron: tuple[int, int],
    discretize: bool,
    limit: float = 1.0,
) -> tuple[np.ndarray, tuple[float, float] | None]:
    """(values, (lo, hi)) on the colour scale, or (RGBA, None) for classes.

    `neuron` (layer, unit) of the grids shows that neuron; (-1, -1), or one that
    does not exist, the network's output."""
    layer, unit = neuron
    last = len(grids.layers) - 1
    if 0 <= layer < last and unit < grids.layers[layer].shape[-1]:
        values = grids.layers[layer][..., unit]
        # inputs keep their own range (x1 spans the scale, x1^2 goes grey to blue);
        # hidden neurons use the one scale, saturated beyond +-1
        limit = float(np.nanmax(np.abs(values))) if layer == 0 else 1.0
        limit = limit if np.isfinite(limit) and limit > 0 else 1.0
        return values, (-limit, limit)
    out = grids.output
    kind = output_kind(config)
    if out.shape[-1] > 1 and kind != "softmax":
        out = _tanh_class_scores(out)  # K tanh outputs (squared error): the same picture
    if out.shape[-1] > 1:
        if layer == last and 0 <= unit < out.shape[-1]:
            # one class's probability in that class's colour
            cls = np.full(out.shape[:2], unit, dtype=np.intp)
            return class_image(out[..., unit], cls), None
        return _classes_image(out, discretize), None
    values = out[..., 0]
    ends = {"sigmoid": (0.0, 1.0), "linear": (-limit, limit)}
    lo, hi = ends.get(kind, (-1.0, 1.0))
    if discretize and kind == "linear":
        values = np.sign(values)  # regression: the sign; exactly 0 stays grey
    elif discretize:  # the class the engine predicts (accuracy uses the same threshold)
        values = np.where(values > (lo + hi) / 2, hi, lo)
    return values, (lo, hi)


def _classes_image(probs: np.ndarray, discretize: bool) -> np.ndarray:
    """The winning class (argmax, as the engine predicts) in its colour, its
    confidence as intensity."""
    k = probs.shape[-1]
    cls = np.argmax(probs, axis=-1)
    if discretize:
        return class_image(np.ones(cls.shape), cls)
    # take_along_axis: several times faster than max() over a short last axis
    top = np.take_along_axis(probs, cls[..., None], axis=-1)[..., 0]
    confidence = (top - 1.0 / k) * (k / (k - 1.0))
    return class_image(confidence, cls)


def _tanh_class_scores(outputs: np.ndarray) -> np.ndarray:
    """K tanh outputs (targets -1 / +1 per class) as shares that sum to 1, so they
    draw like softmax probabilities: the argmax is the same, the class the engine
    predicts."""
    scores = np.clip((outputs + 1.0) * 0.5, 0.0, 1.0)
    total = scores.sum(axis=-1, keepdims=True)
    k = outputs.shape[-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(total > 0, scores / total, 1.0 / k)
    return shares.astype(np.float32)
