"""Parameters as a runnable ONNX model: raw point in, the network's output out.

The model itself is described once, in onnx_graph.py.  Reading accepts a file
only if it is, field for field, the model the exporter writes
(`onnx_graph.build_model`) for the architecture and metadata the file states,
with the file's own parameter values: the one thing that may differ is the
numbers in "{2i}.weight" and "{2i}.bias" (stored as raw bytes or as a float
list; a network without biases has the weights alone, and a bias initializer
or a Gemm's C input in its file is a difference like any other).  So a file
that claims one network and computes another (a changed GELU constant,
another input type or output shape, other IR or opset versions, an extra
initializer, a tensor kept in an outside file) is refused, and what is
accepted computes exactly what the app will train.  What is accepted also
passes onnx.checker.check_model(full_check=True).  A refusal names the first
difference (found by onnx_compare.py), in one sentence.
"""

from __future__ import annotations

import json
import math
from collections import Counter

import numpy as np

from .. import __version__
from ..core.config import Config
from .onnx_compare import check_same, label, type_name
from .onnx_graph import build_model, graph_nodes
from .parameter_checks import check_entries, make_parameter_file, parse_json, read_architecture
from .parameter_file import (
    METADATA_KEY,
    SCALING_KEY,
    ParameterFile,
    check_float32_range,
    expected_shapes,
    fail,
    named_arrays,
    shown,
    sizes_text,
)

PRECISIONS = ("float32",)  # the input is float32, and Gemm wants one type throughout
MAX_BYTES = 2**20  # protobuf parsing takes ~75x a file's size; a legal model is < 0.6 MB


def encode(layers, config: Config, meta: dict, precision: str) -> bytes:
    import onnx

    check_float32_range(layers, ".onnx")
    text = json.dumps(meta, allow_nan=False)
    model = build_model(named_arrays(layers, config), config, text, __version__)
    onnx.checker.check_model(model, full_check=True)  # a bug here must not reach a file
    return model.SerializeToString()


def decode(path, data: bytes) -> ParameterFile:
    import onnx
    from google.protobuf.message import DecodeError

    try:
        model = onnx.load_model_from_string(data)
    except (DecodeError, ValueError, RuntimeError) as exc:
        raise fail(path, f"is not an ONNX model ({str(exc)[:80]})") from None
    text = _metadata_text(path, model)
    meta = parse_json(path, text, "metadata")
    config = read_architecture(path, meta)
    version = meta.get("app_version")
    if not isinstance(version, str):  # the exporter writes it as the model's producer_version
        raise fail(path, f"has app_version {shown(version)} in its metadata, not a version name")
    arch = f"{sizes_text(config)} {config.activation} network"
    arch += "" if config.use_bias else " without biases"
    _check_nodes(path, model.graph, config, arch, SCALING_KEY in meta)
    _check_stored_inside(path, model.graph)
    arrays = _parameters(path, model.graph, config)
    expected = build_model(arrays, config, text, version)
    check_same(path, model, expected, set(arrays), arch)
    try:  # the same as the exporter's model, so this passes: a second opinion, not the test
        onnx.checker.check_model(model, full_check=True)
    except Exception as exc:  # the checker raises several kinds, none of them ours
        raise fail(path, f"fails ONNX's own check ({str(exc)[:80]})") from None
    return make_parameter_file(path, arrays, config, meta)


def _metadata_text(path, model) -> str:
    counts = Counter(p.key for p in model.metadata_props)
    twice = [key for key, n in counts.items() if n > 1]
    if twice:  # runtimes disagree on which of two values counts
        raise fail(path, f"has the metadata key {shown(twice[0])} more than once")
    props = {p.key: p.value for p in model.metadata_props}
    if METADATA_KEY not in props:
        raise fail(path, f"has no {METADATA_KEY!r} metadata, so its architecture is unknown")
    return props[METADATA_KEY]


def _check_nodes(path, graph, config: Config, arch: str, scaled: bool) -> None:
    expected = graph_nodes(config, scaled)
    for i, (got, want) in enumerate(zip(graph.node, expected, strict=False)):  # lengths below
        if got.op_type != want.op_type:
            raise fail(
                path, f"has {shown(got.op_type)} at node {i} where its {arch} has {want.op_type}"
            )
        if got != want:
            raise fail(path, f"has node {i} ({want.op_type}) wired unlike its {arch}")
    if len(graph.node) != len(expected):
        raise fail(path, f"has {len(graph.node)} graph nodes where its {arch} has {len(expected)}")


def _check_stored_inside(path, graph) -> None:
    """No tensor may point outside the file: this app reads no other file (see ../etc/passwd)."""
    from onnx import TensorProto

    sparse = [t for s in graph.sparse_initializer for t in (s.values, s.indices)]
    for tensor in [*graph.initializer, *sparse]:
        if tensor.data_location == TensorProto.EXTERNAL or tensor.external_data:
            name = label(tensor.name)
            raise fail(path, f"keeps {name} outside the model file, which this app does not read")


def _parameters(path, graph, config: Config) -> dict[str, np.ndarray]:
    """The file's parameter values by name, after their names, types and shapes are checked."""
    names = [t.name for t in graph.initializer]
    if len(set(names)) != len(names):
        raise fail(path, "has two initializers of one name")
    wanted = expected_shapes(config)
    tensors = {t.name: t for t in graph.initializer if t.name in wanted}
    declared = {name: (type_name(t.data_type), tuple(t.dims)) for name, t in tensors.items()}
    check_entries(path, declared, config, lambda d: d == "FLOAT")
    return {name: _float32(path, name, tensors[name]) for name in wanted}


def _float32(path, name: str, tensor) -> np.ndarray:
    """A FLOAT initializer's values, read here: never from an external file it may name."""
    from onnx import TensorProto

    if (
        tensor.data_location == TensorProto.EXTERNAL
        or tensor.external_data
        or tensor.HasField("segment")
    ):
        raise fail(path, f"keeps {name} outside the model file, which this app does not read")
    count = math.prod(tensor.dims)
    if tensor.HasField("raw_data"):
        if tensor.float_data:  # which one a runtime reads is not ours to guess
            raise fail(path, f"stores {name} twice, as raw bytes and as a list of floats")
        if len(tensor.raw_data) != 4 * count:
            got = f"{len(tensor.raw_data)} of {4 * count}"
            raise fail(path, f"has the wrong number of bytes for {name} ({got})")
        values = np.frombuffer(tensor.raw_data, dtype="<f4")
    else:
        if len(tensor.float_data) != count:
            got = f"{len(tensor.float_data)} of {count}"
            raise fail(path, f"has the wrong number of values for {name} ({got})")
        values = np.array(tensor.float_data, dtype=np.float32)
    return values.reshape(tuple(tensor.dims))
