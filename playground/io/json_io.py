"""Parameters as readable JSON: the metadata object of the other formats plus "layers".

{"format": "neural-playground-parameters", "format_version": 1, ..., "layers":
[{"weight": [[...], ...], "bias": [...]}, ...]}: layer i is PyTorch's
"{2i}.weight" (out rows of in numbers) and "{2i}.bias".  Numbers are written
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
    doc = dict(meta)
    doc["layers"] = [{"weight": w.tolist(), "bias": b.tolist()} for w, b in layers]
    return (_pretty(doc) + "\n").encode("utf-8")


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
    shapes = list(expected_shapes(config).items())
    count = len(shapes) // 2
    if not isinstance(layers, list) or len(layers) != count:
        got = f"{len(layers)} layers" if isinstance(layers, list) else f"layers {shown(layers)}"
        raise fail(path, f"has {got} where its {sizes_text(config)} network has {count}")
    arrays = {}
    for i, layer in enumerate(layers):
        if not isinstance(layer, dict) or set(layer) != {"weight", "bias"}:
            raise fail(path, f"has layer {i} that is not an object of weight and bias")
        for key, (name, shape) in zip(("weight", "bias"), shapes[2 * i : 2 * i + 2], strict=True):
            where = f"layers[{i}].{key} ({name})"
            arrays[name] = _array(path, where, layer[key], shape, sizes_text(config))
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
