"""The ONNX importer accepts exactly what the app's exporter writes, and nothing else.

Hostile files (each a case the old importer accepted) are refused in one
sentence naming the file; every file the exporter writes loads; and for every
file that is accepted, onnxruntime's output equals the app's own forward pass
of the parameters it loaded.
"""

import itertools
import re

import numpy as np
import onnx
import onnxruntime
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper

from playground import Config, Trainer
from playground.core.config import ACTIVATIONS, FEATURES
from playground.io.parameters import (
    ParameterFile,
    ParameterFileError,
    export_parameters,
    import_parameters,
)

POINTS = np.random.default_rng(11).uniform(-6.0, 6.0, (200, 2))
HEADS = {
    "tanh": dict(dataset="circle"),
    "sigmoid": dict(dataset="xor", loss="cross-entropy"),
    "softmax": dict(dataset="blobs", classes=3, loss="cross-entropy"),
    "linear": dict(dataset="plane"),
}


def randomized(seed=0, scale=0.6, **fields) -> Trainer:
    trainer = Trainer(Config(points=40, **fields))
    rng = np.random.default_rng(seed)
    trainer.load_parameters(
        [
            (rng.normal(0, scale, w.shape), rng.normal(0, scale, b.shape))
            for w, b in trainer.parameters()
        ]
    )
    return trainer


def exported(tmp_path, trainer, name="net.onnx") -> bytes:
    path = tmp_path / name
    export_parameters(path, trainer.parameters(), trainer.config, metadata={"epoch": 1})
    return path.read_bytes()


def run_ort(data: bytes, points=POINTS) -> np.ndarray:
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # no warnings on stderr for odd but valid models
    session = onnxruntime.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    return session.run(["output"], {"input": points.astype(np.float32)})[0]


def app_output(loaded: ParameterFile, points=POINTS) -> np.ndarray:
    trainer = Trainer(loaded.config)
    trainer.load_parameters(loaded.layers)
    return trainer.predict(points)


def load(tmp_path, data: bytes, name="hostile.onnx"):
    """import_parameters of `data`: a ParameterFile or the ParameterFileError, nothing else."""
    path = tmp_path / name
    path.write_bytes(data)
    try:
        return import_parameters(path)
    except ParameterFileError as exc:
        message = str(exc)
        assert message.startswith(f"{name}: "), message
        assert "\n" not in message and len(message) < 300, message
        assert not re.search(r"[.!?]\s+[A-Z]", message), f"two sentences: {message}"
        return exc


def check_accepted(data: bytes, loaded: ParameterFile) -> None:
    """The oracle for an accepted file: onnxruntime runs the file, the app its loaded numbers."""
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(run_ort(data), app_output(loaded), rtol=1e-5, atol=1e-5)


@pytest.fixture(scope="module")
def gelu_file(tmp_path_factory):
    """A 3-3-2-3 gelu network with softmax: constants in the graph, three outputs."""
    trainer = randomized(features=("x1", "x2", "x1x2"), hidden=(3, 2), activation="gelu",
                         **HEADS["softmax"])  # fmt: skip
    return exported(tmp_path_factory.mktemp("strict"), trainer)


def edited(data: bytes, edit) -> bytes:
    model = onnx.load_model_from_string(data)
    edit(model)
    return model.SerializeToString()


def initializer(model, name):
    return next(t for t in model.graph.initializer if t.name == name)


# --- hostile files -------------------------------------------------------------------------


def _gelu_constant(name, value):
    def edit(model):
        initializer(model, name).CopyFrom(numpy_helper.from_array(np.float32(value), name))

    return edit


def _external_extra(model):
    evil = numpy_helper.from_array(np.zeros(3, np.float32), "evil")
    evil.ClearField("raw_data")
    evil.data_location = TensorProto.EXTERNAL
    evil.external_data.add(key="location", value="../../../../etc/passwd")
    model.graph.initializer.append(evil)


def _string_input(model):
    model.graph.input[0].type.tensor_type.elem_type = TensorProto.STRING


def _output_shape(model):
    model.graph.output[0].type.tensor_type.shape.dim[1].dim_value = 5


def _duplicate_metadata(model):
    """Another architecture first: a reader that keeps the last value sees the genuine one."""
    genuine = list(model.metadata_props)
    del model.metadata_props[:]
    model.metadata_props.add(key=genuine[0].key, value='{"layer_sizes": [2, 64, 1]}')
    model.metadata_props.extend(genuine)


def _data_type(name, number):
    def edit(model):
        initializer(model, name).data_type = number

    return edit


def _extra_initializer(model):
    model.graph.initializer.append(numpy_helper.from_array(np.ones(2, np.float32), "spare"))


def _both_encodings(model):
    tensor = initializer(model, "2.bias")
    tensor.float_data.extend(numpy_helper.to_array(tensor).tolist())


def _value_info(model):
    model.graph.value_info.append(helper.make_tensor_value_info("layer0.z", TensorProto.INT64, []))


def _function(model):
    model.functions.append(helper.make_function("x", "f", ["a"], ["b"], [], []))


def _sparse_external(model):
    values = numpy_helper.from_array(np.zeros(1, np.float32), "sparse")
    values.ClearField("raw_data")
    values.data_location = TensorProto.EXTERNAL
    values.external_data.add(key="location", value="/etc/passwd")
    indices = numpy_helper.from_array(np.zeros(1, np.int64), "sparse.i")
    model.graph.sparse_initializer.append(helper.make_sparse_tensor(values, indices, [2]))


def _set(field, value):
    return lambda model: setattr(model, field, value)


UNKNOWN = b"\xa0\x06\x01"  # field 100 = 1, which no ONNX message has

HOSTILE = {
    "gelu.k changed": (_gelu_constant("gelu.k", 0.5), "has gelu.k = 0.5 where"),
    "gelu.c changed": (_gelu_constant("gelu.c", 2.0), "has gelu.c = 2.0 where"),
    "gelu.one changed": (_gelu_constant("gelu.one", 1.5), "gelu.one"),
    "external extra initializer": (_external_extra, "keeps evil outside the model file"),
    "external sparse initializer": (_sparse_external, "keeps sparse outside the model file"),
    "string input": (_string_input, "takes input: STRING [N, 2] where"),
    "output shape": (_output_shape, "gives output: FLOAT [N, 5] where its 3-3-2-3 gelu"),
    "IR version": (_set("ir_version", 9), "IR version 9"),
    "older IR version": (_set("ir_version", 7), "IR version 7"),
    "opset": (lambda m: setattr(m.opset_import[0], "version", 20), "'ai.onnx' 20"),
    "extra opset": (lambda m: m.opset_import.add(domain="com.x", version=1), "'com.x' 1"),
    "duplicate metadata": (_duplicate_metadata, "metadata key 'neural_playground' more than once"),
    "extra metadata": (lambda m: m.metadata_props.add(key="x", value="1"), "metadata key 'x'"),
    "data type 999 on a weight": (_data_type("2.weight", 999), "2.weight as 'data type 999'"),
    "data type 999 on a constant": (_data_type("gelu.half", 999), "gelu.half unlike"),
    "double constant": (_data_type("gelu.one", TensorProto.DOUBLE), "gelu.one unlike"),
    "extra initializer": (_extra_initializer, "initializer spare that its"),
    "missing constant": (lambda m: m.graph.initializer.pop(), "no initializer gelu.one"),
    "both encodings": (_both_encodings, "stores 2.bias twice"),
    "producer": (_set("producer_name", "someone"), "made by 'someone' "),
    "value info": (_value_info, "graph.value_info"),
    "function": (_function, "functions"),
    "doc string": (lambda m: setattr(m.graph, "doc_string", "hello"), "graph.doc_string"),
    "graph name": (lambda m: setattr(m.graph, "name", "other"), "graph.name"),
    "unknown field in a weight": (
        lambda m: initializer(m, "0.weight").MergeFromString(UNKNOWN),
        "stores 0.weight with fields",
    ),
    "unknown field in the model": (
        lambda m: m.MergeFromString(UNKNOWN),
        "fields the app does not write",
    ),
    "weight doc string": (
        lambda m: setattr(initializer(m, "0.weight"), "doc_string", "x"),
        "stores 0.weight with fields",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_file_unlike_what_the_exporter_writes_is_refused(tmp_path, gelu_file, case):
    edit, fragment = HOSTILE[case]
    result = load(tmp_path, edited(gelu_file, edit))
    assert isinstance(result, ParameterFileError), f"{case}: accepted"
    assert fragment in str(result), str(result)


def test_a_changed_gelu_constant_would_compute_another_function(tmp_path, gelu_file):
    """Why the constants matter: onnxruntime's output differs from the loaded network's."""
    good = import_parameters_from(tmp_path, gelu_file)
    changed = edited(gelu_file, _gelu_constant("gelu.half", 3.0))
    assert np.abs(run_ort(changed) - app_output(good)).max() > 0.05
    assert isinstance(load(tmp_path, changed), ParameterFileError)


def test_an_unknown_data_type_anywhere_is_one_sentence(tmp_path, gelu_file):
    model = onnx.load_model_from_string(gelu_file)
    for tensor in model.graph.initializer:
        for number in (999, -1, 2**31 - 1, TensorProto.STRING, TensorProto.UNDEFINED):
            copy = onnx.ModelProto()
            copy.CopyFrom(model)
            initializer(copy, tensor.name).data_type = number
            assert isinstance(load(tmp_path, copy.SerializeToString()), ParameterFileError)
    for number in (999, -1):
        copy = edited(gelu_file, lambda m, n=number: setattr(
            m.graph.input[0].type.tensor_type, "elem_type", n))  # fmt: skip
        assert isinstance(load(tmp_path, copy), ParameterFileError)


def import_parameters_from(tmp_path, data, name="good.onnx"):
    loaded = load(tmp_path, data, name)
    assert isinstance(loaded, ParameterFile), str(loaded)
    return loaded


# --- what the exporter writes loads, and computes what the app computes -----------------


CONFIGS = [
    dict(activation=a, features=f, hidden=h, **HEADS[head])
    for a, f, h, head in itertools.chain(
        itertools.product(ACTIVATIONS, [("x1", "x2")], [(4, 3)], sorted(HEADS)),
        itertools.product(["gelu", "swish", "relu"], [("x1",), ("x2", "cosx1"), FEATURES],
                          [(), (5,), (2, 6, 3)], ["softmax", "linear"]),
    )
]  # fmt: skip


@pytest.mark.parametrize("index", range(len(CONFIGS)))
def test_every_file_the_exporter_writes_loads_and_runs_the_same(tmp_path, index):
    trainer = randomized(seed=index, **CONFIGS[index])
    data = exported(tmp_path, trainer)
    loaded = import_parameters_from(tmp_path, data)
    check_accepted(data, loaded)
    for (w, b), (w0, b0) in zip(loaded.layers, trainer.parameters(), strict=True):
        assert np.array_equal(w, w0.astype(np.float32)) and np.array_equal(b, b0.astype(np.float32))


def test_values_as_a_float_list_are_accepted_and_run_the_same(tmp_path, gelu_file):
    def as_floats(model):
        for tensor in model.graph.initializer:
            if tensor.name[0].isdigit():
                values = numpy_helper.to_array(tensor)
                tensor.ClearField("raw_data")
                tensor.float_data.extend(values.ravel().tolist())

    data = edited(gelu_file, as_floats)
    loaded = import_parameters_from(tmp_path, data)
    check_accepted(data, loaded)
    assert all(np.array_equal(a, b) for a, b in zip(
        np.concatenate([np.ravel(x) for pair in loaded.layers for x in pair]),
        np.concatenate([np.ravel(x) for pair in import_parameters_from(
            tmp_path, gelu_file).layers for x in pair]), strict=True))  # fmt: skip


# --- fuzzing: whatever is accepted computes what the app computes --------------------------

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(flips=st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 255)), min_size=1,
                      max_size=4))  # fmt: skip
def test_flipped_bytes_are_refused_or_run_the_same(tmp_path_factory, gelu_file, flips):
    data = bytearray(gelu_file)
    for at, mask in flips:
        data[at % len(data)] ^= mask
    folder = tmp_path_factory.mktemp("flips", numbered=True)
    result = load(folder, bytes(data))
    event("accepted" if isinstance(result, ParameterFile) else "refused")
    if isinstance(result, ParameterFile):
        check_fuzzed(tmp_path_factory, bytes(data), result)


def check_fuzzed(tmp_path_factory, data: bytes, loaded: ParameterFile) -> None:
    """An accepted fuzzed file runs exactly as the app's own export of what it loaded, and,
    where its numbers are of a size float32 and float64 agree on, as the app's forward pass."""
    again = tmp_path_factory.mktemp("again") / "again.onnx"
    export_parameters(again, loaded.layers, loaded.config)
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(run_ort(again.read_bytes()), run_ort(data))
    if max(np.abs(a).max() for pair in loaded.layers for a in pair) < 100:
        check_accepted(data, loaded)


def _scalar_fields(message, found):
    """Every set scalar field of a message tree: (message, field, index or None)."""
    for field, value in message.ListFields():
        repeated = not isinstance(value, (int, float, str, bytes)) and hasattr(value, "__len__")
        if field.message_type is not None:
            for item in value if repeated else [value]:
                _scalar_fields(item, found)
        elif repeated:
            found += [(message, field, i) for i in range(len(value))]
        else:
            found.append((message, field, None))
    return found


INTS = [-1, 0, 1, 2, 3, 5, 7, 8, 9, 11, 16, 17, 18, 20, 999, 2**31 - 1]
FLOATS = [0.0, -0.0, 0.5, 2.0, float("nan"), float("inf"), 1e30]
TEXTS = ["", "x", "N", "input", "output", "features", "0.weight", "gelu.k", "Relu", "com.x",
         "../../../../etc/passwd", "neural_playground"]  # fmt: skip


@FUZZ
@given(data=st.data())
def test_any_field_changed_is_refused_or_runs_the_same(tmp_path_factory, gelu_file, data):
    model = onnx.load_model_from_string(gelu_file)
    fields = _scalar_fields(model, [])
    for _ in range(data.draw(st.integers(1, 3))):
        message, field, index = fields[data.draw(st.integers(0, len(fields) - 1))]
        kind = field.type
        if kind == field.TYPE_STRING:
            value = data.draw(st.sampled_from(TEXTS))
        elif kind == field.TYPE_BYTES:  # raw_data: often of the length it had
            n = len(getattr(message, field.name))
            value = data.draw(st.binary(max_size=40) | st.binary(min_size=n, max_size=n))
        elif kind in (field.TYPE_FLOAT, field.TYPE_DOUBLE):
            value = data.draw(st.sampled_from(FLOATS))
        else:
            value = data.draw(st.sampled_from(INTS))
        try:
            if index is None:
                setattr(message, field.name, value)
            else:
                getattr(message, field.name)[index] = value
        except (ValueError, TypeError):  # out of this field's range: not a file anyone can write
            continue
    changed = model.SerializeToString()
    result = load(tmp_path_factory.mktemp("fields"), changed)
    event("accepted" if isinstance(result, ParameterFile) else "refused")
    if isinstance(result, ParameterFile):
        check_fuzzed(tmp_path_factory, changed, result)
