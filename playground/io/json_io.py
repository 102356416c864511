"""Parameters as readable JSON: the metadata object of the other formats plus "layers".

{"format": "neural-playground-parameters", "format_version": 1, ..., "layers":
[{"weight": [[...], ...], "bias": [...]}, ...]}: layer i is PyTorch's
"{2i}.weight" (out rows of in numbers) and "{2i}.bias"; a network without
biases ("use_bias": false) has layers of a weight alone.  Numbers are written
with Python's repr, the shortest text that reads back to the same float64, so
a round trip is exact.  docs/file-formats.md describes every key.
"""

from __future__ import annotations

import json

import numpy as np

from ..core.config import Config
from .parameter_checks import (
    make_parameter_file,
    parse_json,
    read_architecture,
)
from .parameter_file import (
    MAX_FILE_BYTES,
    ParameterFile,
    expected_shapes,
    fail,
    layer_names,
    shown,
    sizes_text,
)

PRECISIONS = ("float64",)
MAX_BYTES = MAX_FILE_BYTES
# Parsed JSON costs 30-60 bytes per number, list or object, so their count is
# capped before parsing.  The largest network has 63,560 numbers in about
# 1,100 lists; the caps leave room for metadata (at most 256 KiB of it).
_MAX_COMMAS, _MAX_BRACKETS = 200_000, 20_000


def encode(layers, config: Config, meta: dict, precision: str) -> bytes:
    written = []
    for w, b in layers:
        layer = {"weight": w.tolist()}
        if config.use_bias:  # a network without biases writes its weights alone
            layer["bias"] = b.tolist()
        written.append(layer)
    return (_pretty(dict(meta) | {"layers": written}) + "\n").encode("utf-8")


def _pretty(value, pad: str = "") -> str:
    """Indented JSON, except that a list of numbers stays on one line (a weight row)."""
    inner = pad + "  "
    if isinstance(value, dict) and value:
        items = (f"{inner}{json.dumps(k)}: {_pretty(v, inner)}" for k, v in value.items())
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and any(isinstance(v, (list, dict)) for v in value):
        return "[\n" + ",\n".join(inner + _pretty(v, inner) for v in value) + "\n" + pad + "]"
    return json.dumps(value, allow_nan=False)


def decode(path, data: bytes) -> ParameterFile:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise fail(path, "is not UTF-8 text") from None
    if text.count(",") > _MAX_COMMAS or text.count("[") + text.count("{") > _MAX_BRACKETS:
        raise fail(path, "has more lists or numbers than any network the app builds")
    doc = parse_json(path, text, "text", limit=None)
    config = read_architecture(path, doc)
    layers = doc.pop("layers", None)
    shapes = expected_shapes(config)
    names = layer_names(len(config.layer_sizes) - 1)
    arch = sizes_text(config)
    if not isinstance(layers, list) or len(layers) != len(names):
        got = f"{len(layers)} layers" if isinstance(layers, list) else f"layers {shown(layers)}"
        raise fail(path, f"has {got} where its {arch} network has {len(names)}")
    keys = {"weight", "bias"} if config.use_bias else {"weight"}
    arrays = {}
    for i, (layer, pair) in enumerate(zip(layers, names, strict=True)):
        if isinstance(layer, dict) and ("bias" in layer) != config.use_bias:
            if config.use_bias:
                need = f"which its {arch} network needs"
                raise fail(path, f"has no bias in layer {i} ({pair[1]}), {need}")
            why = f"its {arch} network has no biases (use_bias false)"
            raise fail(path, f"has a bias in layer {i}, but {why}")
        if not isinstance(layer, dict) or set(layer) != keys:
            what = "weight and bias" if config.use_bias else "a weight alone (no biases)"
            raise fail(path, f"has layer {i} that is not an object of {what}")
        for key, name in zip(("weight", "bias"), pair, strict=True):
            if name in shapes:
                where = f"layers[{i}].{key} ({name})"
                arrays[name] = _array(path, where, layer[key], shapes[name], arch)
    return make_parameter_file(path, arrays, config, doc)


def _array(path, where: str, value, shape: tuple[int, ...], arch: str) -> np.ndarray:
    """Nested lists checked against the shape they must have, before any conversion."""
    rows = value if len(shape) == 2 else [value]
    row_length = shape[-1]
    if not isinstance(rows, list) or len(rows) != (shape[0] if len(shape) == 2 else 1):
        got = f"{len(rows)} rows" if isinstance(rows, list) else shown(rows)
        raise fail(path, f"has {got} in {where} where its {arch} network needs {shape[0]} rows")
    for r, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != row_length:
            got = f"{len(row)} numbers" if isinstance(row, list) else shown(row)
            line = f"row {r} of {where}" if len(shape) == 2 else where
            raise fail(path, f"has {got} in {line} where its {arch} network needs {row_length}")
        for x in row:
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                raise fail(path, f"has {shown(x)} in {where} where a number belongs")
    try:
        out = np.array(rows, dtype=np.float64)  # a float from JSON converts exactly
    except OverflowError:  # an integer beyond float64
        raise fail(path, f"has a number in {where} too large for float64") from None
    return out.reshape(shape)
