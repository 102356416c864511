"""Parameters as .safetensors: the state_dict of PyTorch's nn.Sequential(Linear, Act, ..., Linear).

Tensors "0.weight" (out, in), "0.bias", "2.weight", ... so that
model.load_state_dict(safetensors.torch.load_file(path)) works with strict=True
(a network without biases has no "{2i}.bias": Linear(..., bias=False) takes it).
The string metadata holds {"neural_playground": <architecture JSON>, "format": "pt"}.

A safetensors file is an 8-byte little-endian header length, a JSON header
naming each tensor's dtype, shape and byte range, then the bytes.  The header
is read and checked here, against the architecture, before the library loads
anything: a header may claim any shape, and the claim must not be believed.
"""

from __future__ import annotations

import json
import math
from typing import TypeGuard

import numpy as np

from ..core.config import Config
from .parameter_checks import (
    check_entries,
    make_parameter_file,
    parse_json,
    read_architecture,
)
from .parameter_file import (
    MAX_FILE_BYTES,
    METADATA_KEY,
    ParameterFile,
    check_float32_range,
    fail,
    named_arrays,
)

PRECISIONS = ("float32", "float64")
MAX_BYTES = MAX_FILE_BYTES
_ITEMSIZE = {"F16": 2, "F32": 4, "F64": 8}  # the float dtypes this app reads


def encode(layers, config: Config, meta: dict, precision: str) -> bytes:
    from safetensors.numpy import save

    if precision == "float32":
        check_float32_range(layers, "float32 .safetensors")
    tensors = {
        name: np.ascontiguousarray(array, dtype=precision)
        for name, array in named_arrays(layers, config).items()
    }
    # "format": "pt" is what safetensors.torch writes; some loaders look for it
    strings = {METADATA_KEY: json.dumps(meta, allow_nan=False), "format": "pt"}
    return save(tensors, metadata=strings)


def decode(path, data: bytes) -> ParameterFile:
    header, body = _split(path, data)
    strings = header.pop("__metadata__", None)
    if not isinstance(strings, dict) or METADATA_KEY not in strings:
        raise fail(path, f"has no {METADATA_KEY!r} metadata, so its architecture is unknown")
    meta = parse_json(path, strings[METADATA_KEY], "metadata")
    config = read_architecture(path, meta)

    declared = {name: _entry(path, name, info, body) for name, info in header.items()}
    check_entries(path, {k: v[:2] for k, v in declared.items()}, config, _ITEMSIZE.__contains__)
    spans = sorted(span for _, _, span in declared.values())
    covered = 0
    for start, end in spans:  # the library's own rule: tensors tile the data exactly
        if start != covered:
            raise fail(path, "has tensors whose byte ranges overlap or leave gaps")
        covered = end
    if covered != len(body):
        raise fail(path, f"has {len(body) - covered} bytes of data that no tensor claims")

    from safetensors import SafetensorError
    from safetensors.numpy import load

    try:
        arrays = load(data)
    except (SafetensorError, ValueError, TypeError) as exc:
        raise fail(path, f"is not a readable safetensors file ({str(exc)[:80]})") from None
    return make_parameter_file(path, arrays, config, meta)


def _split(path, data: bytes) -> tuple[dict, bytes]:
    """The JSON header and the data bytes after it."""
    if len(data) < 8:
        raise fail(path, "is too short to be a safetensors file")
    size = int.from_bytes(data[:8], "little")
    if size > len(data) - 8:
        raise fail(path, f"says its header is {size} bytes but the file is {len(data)}")
    try:
        text = data[8 : 8 + size].decode("utf-8")
    except UnicodeDecodeError:
        raise fail(path, "has a header that is not UTF-8 text") from None
    return parse_json(path, text, "header", limit=None), data[8 + size :]


def _is_whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _entry(path, name, info, body) -> tuple[str, list[int], tuple[int, int]]:
    """(dtype, shape, (start, end)) of one tensor's header entry, its sizes consistent."""
    if not isinstance(info, dict):
        raise fail(path, f"has a header entry for {name!r} that is not an object")
    dtype, shape, span = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if not isinstance(dtype, str):
        raise fail(path, f"has no dtype for tensor {name!r}")
    if not (
        isinstance(shape, list) and len(shape) <= 8 and all(_is_whole(n) and n >= 0 for n in shape)
    ):
        raise fail(path, f"has a shape for tensor {name!r} that is not a list of sizes")
    if not (
        isinstance(span, list)
        and len(span) == 2
        and all(map(_is_whole, span))
        and 0 <= span[0] <= span[1] <= len(body)
    ):
        raise fail(path, f"has byte offsets for tensor {name!r} outside its data")
    if dtype in _ITEMSIZE and span[1] - span[0] != _ITEMSIZE[dtype] * math.prod(shape):
        raise fail(path, f"has {span[1] - span[0]} bytes for tensor {name!r} of shape {shape}")
    return dtype, shape, (span[0], span[1])
