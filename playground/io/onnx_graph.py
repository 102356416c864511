"""The ONNX model the app writes: one function from an architecture and its parameters.

Input "input" float32 [N, 2] (x1, x2); the enabled features are computed in
the graph (Split, Mul, Sin, Cos, Concat, in the app's feature order); each
layer is Gemm(transB=1), which takes the (out, in) weight as it is, with
initializers named "{2i}.weight" and "{2i}.bias" as PyTorch names them (a
network without biases has no bias initializers, and its Gemms no C input,
which Gemm allows); then the activation.  Output "output" float32 [N, K]
after the output activation.
The metadata JSON sits in the model's metadata_props["neural_playground"].

Pinned to IR version 8 and opset 17 (ONNX 1.12, 2022): every current runtime
loads these, and opset 17 has every operator needed.  GELU's tanh form is
built from Mul/Add/Tanh, since the Gelu operator arrived only in opset 20.

`build_model` is the only description of that model: the exporter writes what
it returns, and the importer accepts a file only if it is what `build_model`
returns for the file's own architecture, metadata and parameter values.  So an
option added later (a network without biases, an input scaling) is taught to
this module alone, and the importer accepts it without a change.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

import numpy as np

from ..core.activations import ELU_ALPHA, LEAKY_SLOPE
from ..core.config import Config
from ..core.features import InputScaling
from .parameter_file import METADATA_KEY, SCALING_KEY, expected_shapes, layer_names, sizes_text

IR_VERSION = 8
OPSET = 17
PRODUCER = "neural-playground"
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


def graph_nodes(config: Config, scaled: bool = False) -> list:
    """The computation for an architecture; the same config always gives the same nodes.
    `scaled`: the input is first mapped as the network saw its data (x - offset) * scale."""
    nodes = []
    if scaled:
        nodes += [
            _node("Sub", ["input", "input.offset"], ["input.centred"]),
            _node("Mul", ["input.centred", "input.scale"], ["input.scaled"]),
        ]
    nodes.append(_node("Split", ["input.scaled" if scaled else "input"], ["x1", "x2"], axis=1))
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
        inputs = [h, w, b] if config.use_bias else [h, w]  # Gemm's C is optional
        nodes.append(_node("Gemm", inputs, [f"layer{i}.z"], transB=1))
        nodes += _activation(act, f"layer{i}.z", out)
        h = out
    return nodes


def metadata_scaling(metadata: str) -> InputScaling | None:
    """The input scaling a file's metadata JSON records (checked when it was read)."""
    record = json.loads(metadata).get(SCALING_KEY)
    if not isinstance(record, dict):
        return None
    return InputScaling(tuple(record["offset"]), tuple(record["scale"]))


def parameter_names(config: Config) -> list[str]:
    """The initializers that hold parameters: the only part of a model that varies
    (the weights alone for a network without biases)."""
    return list(expected_shapes(config))


def build_model(arrays: Mapping[str, np.ndarray], config: Config, metadata: str, app_version: str):
    """The ModelProto the app writes for `config`: parameters by name, the metadata JSON text,
    and the version of the app that wrote it."""
    from onnx import TensorProto, helper, numpy_helper

    names = parameter_names(config)
    inits = [numpy_helper.from_array(np.asarray(arrays[n], np.float32), n) for n in names]
    scaling = metadata_scaling(metadata)
    if scaling is not None:
        for name, values in (("input.offset", scaling.offset), ("input.scale", scaling.scale)):
            inits.append(numpy_helper.from_array(np.array(values, np.float32), name))
    if config.activation == "gelu" and config.hidden:  # unused initializers make runtimes warn
        inits += [numpy_helper.from_array(np.array(v, np.float32), k) for k, v in _GELU.items()]
    k = config.layer_sizes[-1]
    graph = helper.make_graph(
        graph_nodes(config, scaled=scaling is not None),
        "neural_playground",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 2])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", k])],
        initializer=inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        ir_version=IR_VERSION,
        producer_name=PRODUCER,
        producer_version=app_version,
        doc_string=f"A {sizes_text(config)} {config.activation} network"
        + ("" if config.use_bias else " without biases")
        + " from Neural Playground; input: raw points (x1, x2)"
        + (", in the data's own units." if scaling else "."),
    )
    helper.set_model_props(model, {METADATA_KEY: metadata})
    return model
