"""Parameters as a runnable ONNX model: raw point in, the network's output out.

Input "input" float32 [N, 2] (x1, x2); the enabled features are computed in
the graph (Split, Mul, Sin, Cos, Concat, in the app's feature order); each
layer is Gemm(transB=1), which takes the (out, in) weight as it is, with
initializers named "{2i}.weight" and "{2i}.bias" as PyTorch names them; then
the activation.  Output "output" float32 [N, K] after the output activation.
The architecture JSON sits in the model's metadata_props["neural_playground"].

Pinned to IR version 8 and opset 17 (ONNX 1.12, 2022): every current runtime
loads these, and opset 17 has every operator needed.  GELU's tanh form is
built from Mul/Add/Tanh, since the Gelu operator arrived only in opset 20.

Reading checks the graph node by node against the one this module would build
for the architecture in the metadata, so a file that claims one network and
computes another is refused.
"""

from __future__ import annotations

import json
import math

import numpy as np

from .. import __version__
from ..core.activations import ELU_ALPHA, LEAKY_SLOPE
from ..core.config import Config
from .parameter_checks import (
    check_entries,
    make_parameter_file,
    parse_json,
    read_architecture,
)
from .parameter_file import (
    METADATA_KEY,
    ParameterFile,
    expected_shapes,
    fail,
    layer_names,
    shown,
    sizes_text,
)

PRECISIONS = ("float32",)  # the input is float32, and Gemm wants one type throughout
IR_VERSION = 8
OPSET = 17
MAX_BYTES = 2**20  # protobuf parsing takes ~75x a file's size; a legal model is < 0.6 MB
_FEATURE_OPS = {
    "x1sq": ("Mul", ["x1", "x1"]),
    "x2sq": ("Mul", ["x2", "x2"]),
    "x1x2": ("Mul", ["x1", "x2"]),
    "sinx1": ("Sin", ["x1"]),
    "sinx2": ("Sin", ["x2"]),
    "cosx1": ("Cos", ["x1"]),
    "cosx2": ("Cos", ["x2"]),
}
_SIMPLE = {
    "relu": "Relu", "tanh": "Tanh", "sigmoid": "Sigmoid", "softplus": "Softplus",
    "sine": "Sin", "linear": "Identity",
}  # fmt: skip
_GELU = {"gelu.c": math.sqrt(2.0 / math.pi), "gelu.k": 0.044715, "gelu.half": 0.5, "gelu.one": 1.0}


def _node(op: str, inputs: list[str], outputs: list[str], **attrs):
    from onnx import helper

    return helper.make_node(op, inputs, outputs, **attrs)


def _activation(name: str, x: str, y: str) -> list:
    if name in _SIMPLE:
        return [_node(_SIMPLE[name], [x], [y])]
    if name == "leaky_relu":
        return [_node("LeakyRelu", [x], [y], alpha=LEAKY_SLOPE)]
    if name == "elu":
        return [_node("Elu", [x], [y], alpha=ELU_ALPHA)]
    if name == "softmax":
        return [_node("Softmax", [x], [y], axis=-1)]
    if name == "swish":
        return [_node("Sigmoid", [x], [f"{y}.s"]), _node("Mul", [x, f"{y}.s"], [y])]
    if name == "gelu":  # x/2 * (1 + tanh(c (x + k x^3))), as PyTorch's GELU(approximate="tanh")
        t = f"{y}.gelu"
        steps = [
            ("Mul", [x, x], "x2"), ("Mul", [f"{t}.x2", x], "x3"),
            ("Mul", [f"{t}.x3", "gelu.k"], "kx3"), ("Add", [x, f"{t}.kx3"], "u"),
            ("Mul", [f"{t}.u", "gelu.c"], "cu"),
            ("Tanh", [f"{t}.cu"], "th"), ("Add", [f"{t}.th", "gelu.one"], "th1"),
            ("Mul", [x, "gelu.half"], "hx"),
        ]  # fmt: skip
        nodes = [_node(op, ins, [f"{t}.{out}"]) for op, ins, out in steps]
        return [*nodes, _node("Mul", [f"{t}.hx", f"{t}.th1"], [y])]
    raise ValueError(f"no ONNX form for activation {name!r}")


def graph_nodes(config: Config) -> list:
    """The computation for an architecture; the same config always gives the same nodes."""
    nodes = [_node("Split", ["input"], ["x1", "x2"], axis=1)]
    for name in config.features:
        if name in _FEATURE_OPS:
            op, inputs = _FEATURE_OPS[name]
            nodes.append(_node(op, inputs, [name]))
    nodes.append(_node("Concat", list(config.features), ["features"], axis=1))
    h = "features"
    names = layer_names(len(config.layer_sizes) - 1)
    for i, (w, b) in enumerate(names):
        last = i == len(names) - 1
        act = config.output_activation if last else config.activation
        out = "output" if last else f"layer{i}.a"
        nodes.append(_node("Gemm", [h, w, b], [f"layer{i}.z"], transB=1))
        nodes += _activation(act, f"layer{i}.z", out)
        h = out
    return nodes


def encode(layers, config: Config, meta: dict, precision: str) -> bytes:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    inits = []
    for (w_name, b_name), (w, b) in zip(layer_names(len(layers)), layers, strict=True):
        inits.append(numpy_helper.from_array(w.astype(np.float32), w_name))
        inits.append(numpy_helper.from_array(b.astype(np.float32), b_name))
    if config.activation == "gelu" and config.hidden:  # unused initializers make runtimes warn
        inits += [numpy_helper.from_array(np.array(v, np.float32), k) for k, v in _GELU.items()]
    k = config.layer_sizes[-1]
    graph = helper.make_graph(
        graph_nodes(config),
        "neural_playground",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 2])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", k])],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        ir_version=IR_VERSION,
        producer_name="neural-playground",
        producer_version=__version__,
        doc_string=f"A {sizes_text(config)} {config.activation} network from Neural Playground; "
        "input: raw points (x1, x2).",
    )
    helper.set_model_props(model, {METADATA_KEY: json.dumps(meta, allow_nan=False)})
    onnx.checker.check_model(model, full_check=True)  # a bug here must not reach a file
    return model.SerializeToString()


def decode(path, data: bytes) -> ParameterFile:
    import onnx
    from google.protobuf.message import DecodeError

    try:
        model = onnx.load_model_from_string(data)
    except (DecodeError, ValueError, RuntimeError) as exc:
        raise fail(path, f"is not an ONNX model ({str(exc)[:80]})") from None
    props = {p.key: p.value for p in model.metadata_props}
    if METADATA_KEY not in props:
        raise fail(path, f"has no {METADATA_KEY!r} metadata, so its architecture is unknown")
    meta = parse_json(path, props[METADATA_KEY], "metadata")
    config = read_architecture(path, meta)
    _check_graph(path, model.graph, config)

    wanted = expected_shapes(config)
    tensors = {t.name: t for t in model.graph.initializer if t.name in wanted}
    name_of = onnx.TensorProto.DataType.Name
    declared = {name: (name_of(t.data_type), tuple(t.dims)) for name, t in tensors.items()}
    check_entries(path, declared, config, lambda d: d == "FLOAT")
    arrays = {name: _float32(path, name, t) for name, t in tensors.items()}
    return make_parameter_file(path, arrays, config, meta)


def _check_graph(path, graph, config: Config) -> None:
    expected = graph_nodes(config)
    arch = f"{sizes_text(config)} {config.activation} network"
    for i, (got, want) in enumerate(zip(graph.node, expected, strict=False)):  # lengths below
        if got.op_type != want.op_type:
            raise fail(
                path, f"has {shown(got.op_type)} at node {i} where its {arch} has {want.op_type}"
            )
        if got != want:
            raise fail(path, f"has node {i} ({want.op_type}) wired unlike its {arch}")
    if len(graph.node) != len(expected):
        raise fail(path, f"has {len(graph.node)} graph nodes where its {arch} has {len(expected)}")
    names = [t.name for t in graph.initializer]
    if len(set(names)) != len(names):
        raise fail(path, "has two initializers of one name")


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
