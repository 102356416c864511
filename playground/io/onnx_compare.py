"""An ONNX file against the model the app's exporter writes: where they differ, in words.

`check_same` refuses the first difference but in the parameters' values; the
helpers name what a file holds (types, shapes, field paths) safely, since any
field of a hostile file may hold anything (protobuf even hands back bytes for
a string field that is not UTF-8).
"""

from __future__ import annotations

import re

import numpy as np

from .onnx_graph import IR_VERSION, OPSET, PRODUCER
from .parameter_file import METADATA_KEY, fail, shown


def label(name) -> str:
    """A name from a file, as is when plain, quoted and cut short when not (protobuf gives
    bytes for a string field that is not UTF-8)."""
    return name if isinstance(name, str) and re.fullmatch(r"[\w.]{1,40}", name) else shown(name)


def type_name(data_type: int) -> str:
    from onnx import TensorProto

    names = {number: name for name, number in TensorProto.DataType.items()}
    return names.get(data_type, f"data type {data_type}")  # a file may hold any number


def check_same(path, model, expected, params: set[str], arch: str) -> None:
    """Refuse the first way `model` differs from `expected` but in the values of `params`."""
    versions = (model.ir_version, list(model.opset_import))
    if versions != (expected.ir_version, list(expected.opset_import)):
        sets = ", ".join(f"{shown(o.domain or 'ai.onnx')} {o.version}" for o in model.opset_import)
        raise fail(
            path,
            f"has IR version {model.ir_version} and opsets [{sets}] where the app writes "
            f"IR version {IR_VERSION} and opset {OPSET}",
        )
    for prop in model.metadata_props:
        if prop.key != METADATA_KEY:
            raise fail(
                path, f"has the metadata key {shown(prop.key)}, which the app does not write"
            )
    made_by = (model.producer_name, model.producer_version)
    if made_by != (expected.producer_name, expected.producer_version):
        want = f"{PRODUCER} {expected.producer_version}"
        got = " ".join(map(shown, made_by))
        raise fail(path, f"says it was made by {got} where it needs {want}")
    graph, want_graph = model.graph, expected.graph
    for role, got, want in (("takes", graph.input, want_graph.input),
                            ("gives", graph.output, want_graph.output)):  # fmt: skip
        if list(got) != list(want):
            raise fail(path, f"{role} {_signature(got)} where its {arch} {role} {_signature(want)}")
    _check_initializers(path, graph.initializer, want_graph.initializer, params, arch)
    normal = type(model)()
    normal.CopyFrom(model)
    for i, tensor in enumerate(normal.graph.initializer):  # only the values differ: take ours
        if tensor.name in params:
            tensor.CopyFrom(want_graph.initializer[i])
    ours = expected.SerializeToString(deterministic=True)
    if normal.SerializeToString(deterministic=True) != ours:  # unknown fields count too
        where = _first_difference(normal, expected, "")
        raise fail(path, f"differs from the model the app writes for its {arch} in {where}")


def _check_initializers(path, got, want, params: set[str], arch: str) -> None:
    names, want_names = [t.name for t in got], [t.name for t in want]
    for name in names:
        if name not in want_names:
            raise fail(path, f"has an initializer {label(name)} that its {arch} does not have")
    for name in want_names:
        if name not in names:
            raise fail(path, f"has no initializer {name}, which its {arch} needs")
    if names != want_names:
        raise fail(path, "has its initializers in another order than the app writes them")
    for tensor, ours in zip(got, want, strict=True):
        if tensor.name in params:
            if _without_values(tensor) != _without_values(ours):  # unknown fields count too
                raise fail(path, f"stores {tensor.name} with fields the app does not write")
        elif tensor != ours:
            value, wanted = _scalar(tensor), _scalar(ours)
            if value is None:
                raise fail(path, f"stores {tensor.name} unlike its {arch}")
            raise fail(path, f"has {tensor.name} = {value} where its {arch} has {wanted}")


def _without_values(tensor) -> bytes:
    """A parameter tensor but its numbers (which are the parameters, and may be any)."""
    copy = type(tensor)()
    copy.CopyFrom(tensor)
    copy.ClearField("raw_data")
    copy.ClearField("float_data")
    return copy.SerializeToString(deterministic=True)


def _scalar(tensor) -> str | None:
    """The value of a constant like GELU's, for a message (float32's shortest text, 0.044715);
    None if it is not one float."""
    from onnx import TensorProto

    if tensor.data_type != TensorProto.FLOAT or list(tensor.dims) or tensor.external_data:
        return None
    if tensor.HasField("raw_data"):
        if len(tensor.raw_data) != 4:
            return None
        return str(np.frombuffer(tensor.raw_data, dtype="<f4")[0])
    return str(np.float32(tensor.float_data[0])) if len(tensor.float_data) == 1 else None


def _signature(values) -> str:
    """Graph inputs or outputs for a message, e.g. "input: FLOAT [N, 2]"."""
    parts = []
    for value in list(values)[:3]:
        kind = value.type.WhichOneof("value")
        if kind != "tensor_type":
            parts.append(f"{label(value.name)}: {kind or 'no type'}")
            continue
        tensor = value.type.tensor_type
        dims = [
            str(d.dim_value) if d.HasField("dim_value") else label(d.dim_param) or "?"
            for d in tensor.shape.dim
        ][:4]
        shape = f" [{', '.join(dims)}]" if tensor.HasField("shape") else " of any shape"
        parts.append(f"{label(value.name)}: {type_name(tensor.elem_type)}{shape}")
    more = ", ..." if len(values) > 3 else ""
    return ", ".join(parts) + more if parts else "nothing"


def _repeated(field) -> bool:
    flag = getattr(field, "is_repeated", None)
    return bool(flag) if flag is not None else field.label == 3  # protobuf < 5: LABEL_REPEATED


def _first_difference(got, want, where: str) -> str:
    """Where two messages differ, as a field path (graph.value_info, ...), for a message."""
    for field in want.DESCRIPTOR.fields:
        a, b = getattr(got, field.name), getattr(want, field.name)
        here = f"{where}.{field.name}" if where else field.name
        if a == b:
            continue
        if field.message_type is None:
            return here
        if not _repeated(field):
            return _first_difference(a, b, here)
        if len(a) != len(b):
            return f"the number of entries in {here}"
        i = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
        return _first_difference(a[i], b[i], f"{here}[{i}]")
    return f"{where or 'the model'} (fields the app does not write)"
