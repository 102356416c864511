"""Hostile parameter files: every loader refuses them in one sentence and allocates nothing big.

Each import runs under tracemalloc, which sees NumPy's and Python's allocations:
a header that claims a 10^12-element array must be refused, not believed.
"""

import io
import json
import re
import struct
import tracemalloc
import warnings
import zipfile

import numpy as np
import onnx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper

from playground import Config, Trainer
from playground.io.parameters import (
    FORMATS,
    ParameterFile,
    ParameterFileError,
    export_parameters,
    import_parameters,
)

MEMORY_LIMIT = 16 * 2**20  # a legal file here is a few kB; its import peaks far below this
FUZZ = settings(max_examples=60, deadline=None)
TRIPPED = []  # a pickle in a hostile file appends here if anything unpickles it


def _tripwire():
    TRIPPED.append(True)
    return 0.0


class Tripwire:
    def __reduce__(self):
        return (_tripwire, ())


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module")
def valid(folder):
    """A good file of every format (gelu puts constants in the ONNX graph), by suffix."""
    trainer = Trainer(Config(dataset="blobs", classes=3, loss="cross-entropy", activation="gelu",
                             features=("x1", "x2", "x1x2"), hidden=(3, 2), points=40))  # fmt: skip
    trainer.train(epochs=2)
    out = {}
    for suffix in FORMATS:
        path = folder / f"valid{suffix}"
        export_parameters(path, trainer.parameters(), trainer.config, metadata={"epoch": 2})
        out[suffix] = path.read_bytes()
    return out


def attempt(folder, suffix, data: bytes, name="hostile"):
    """Import `data` as a file; anything but a sound result or a ParameterFileError fails."""
    path = folder / f"{name}{suffix}"
    path.write_bytes(data)
    return attempt_path(path)


def attempt_path(path):
    tracemalloc.start()
    try:
        result = import_parameters(path)
    except ParameterFileError as exc:
        result = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"importing {path.name} allocated {peak} bytes"
    if isinstance(result, ParameterFileError):
        check_message(str(result), path)
    else:
        check_sound(result)
    assert not TRIPPED, "a pickle was loaded"
    return result


def check_message(message: str, path) -> None:
    assert message.startswith(f"{path.name}: "), message
    assert "\n" not in message and "\r" not in message, message
    assert not re.search(r"[.!?]\s+[A-Z]", message), f"more than one sentence: {message}"
    assert len(message) < 300, message


def check_sound(loaded: ParameterFile) -> None:
    sizes = loaded.config.layer_sizes
    assert len(loaded.layers) == len(sizes) - 1
    for (w, b), n_in, n_out in zip(loaded.layers, sizes[:-1], sizes[1:], strict=True):
        assert w.shape == (n_out, n_in) and b.shape == (n_out,)
        assert w.dtype == b.dtype == np.float64
        assert np.isfinite(w).all() and np.isfinite(b).all()


def refused(folder, suffix, data, *fragments):
    result = attempt(folder, suffix, data)
    assert isinstance(result, ParameterFileError), "a hostile file was accepted"
    for fragment in fragments:
        assert fragment in str(result), str(result)
    return str(result)


# --- fuzzing every loader ---------------------------------------------------------------

flips = st.lists(st.tuples(st.integers(0, 10**9), st.integers(1, 255)), min_size=1, max_size=6)


@pytest.mark.parametrize("suffix", FORMATS)
def test_valid_files_pass_the_harness(folder, valid, suffix):
    assert isinstance(attempt(folder, suffix, valid[suffix]), ParameterFile)


@pytest.mark.parametrize("suffix", FORMATS)
@FUZZ
@given(cut=st.floats(0.0, 1.0, exclude_max=True))
def test_truncated_files(folder, valid, suffix, cut):
    data = valid[suffix]
    short = data[: int(cut * len(data))]
    result = attempt(folder, suffix, short)
    # only JSON survives a cut, and only of its final newline
    assert isinstance(result, ParameterFileError) or short.strip() == data.strip()


@pytest.mark.parametrize("suffix", FORMATS)
@FUZZ
@given(changes=flips)
def test_corrupted_files(folder, valid, suffix, changes):
    data = bytearray(valid[suffix])
    for where, mask in changes:
        data[where % len(data)] ^= mask
    attempt(folder, suffix, bytes(data))  # a flip in a number may leave a sound file


@pytest.mark.parametrize("suffix", FORMATS)
@FUZZ
@given(data=st.binary(max_size=600))
def test_random_bytes(folder, suffix, data):
    result = attempt(folder, suffix, data)
    assert isinstance(result, ParameterFileError)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


def _places(value, path=()):
    """Every position in a JSON document, as a key path."""
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
        value, list) else ()  # fmt: skip
    for key, child in items:
        yield from _places(child, (*path, key))


@FUZZ
@given(data=st.data())
def test_json_with_any_part_replaced(folder, valid, data):
    """NaN, infinities, wrong nesting, wrong types, wrong lengths, anywhere in the document."""
    doc = json.loads(valid[".json"])
    where = data.draw(st.sampled_from(list(_places(doc))[1:]))
    replacement = data.draw(json_values)
    target = doc
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = replacement
    attempt(folder, ".json", json.dumps(doc).encode())  # allow_nan: NaN goes in as a token


# --- every loader: the file itself --------------------------------------------------------


@pytest.mark.parametrize("suffix", FORMATS)
def test_missing_empty_oversized_and_folder(folder, suffix):
    assert "cannot be read" in str(attempt_path(folder / f"absent{suffix}"))
    refused(folder, suffix, b"")
    big = folder / f"huge{suffix}"
    with open(big, "wb") as f:
        f.truncate(64 * 2**20)  # sparse: costs no disk, and must not be read
    assert "limit" in str(attempt_path(big))
    (folder / f"dir{suffix}").mkdir()
    assert "cannot be read" in str(attempt_path(folder / f"dir{suffix}"))


def test_unknown_extension(folder):
    assert "must end in" in str(attempt(folder, ".pt", b"\x80\x04K\x01."))


# --- safetensors ----------------------------------------------------------------------------


def _safetensors(header: dict, body: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + body


def _st_parts(valid):
    data = valid[".safetensors"]
    size = struct.unpack("<Q", data[:8])[0]
    return json.loads(data[8 : 8 + size]), data[8 + size :]


def test_safetensors_header_claiming_a_huge_tensor(folder, valid):
    header, body = _st_parts(valid)
    header["0.weight"] = {"dtype": "F32", "shape": [10**6, 10**6], "data_offsets": [0, 4 * 10**12]}
    refused(folder, ".safetensors", _safetensors(header, body), "0.weight", "outside its data")
    header["0.weight"]["data_offsets"] = [0, 24]
    refused(folder, ".safetensors", _safetensors(header, body), "0.weight")
    for size in (2**63, 2**64 - 1, len(body) + 10**6):
        data = struct.pack("<Q", size) + b"{}" + body
        refused(folder, ".safetensors", data, "header is")


@pytest.mark.parametrize(("change", "fragment"), [
    (lambda h: h.pop("__metadata__"), "no 'neural_playground' metadata"),
    (lambda h: h["__metadata__"].update(neural_playground="{not json"), "not valid JSON"),
    (lambda h: h["__metadata__"].update(neural_playground="[1, 2]"), "not a JSON object"),
    (lambda h: h["2.weight"].update(dtype="I32"), "2.weight as 'I32'"),
    (lambda h: h.update({"1.weight": h["0.bias"]}), "'1.weight', which no layer"),
    (lambda h: h.pop("4.bias"), "has no 4.bias"),
    (lambda h: h["2.weight"].update(shape=[3, 2]),
     "has 2.weight of shape (3, 2) where its 3-3-2-3"),
    (lambda h: h["0.bias"].update(data_offsets=h["0.weight"]["data_offsets"][:1] * 2),
     "bytes for tensor '0.bias'"),
    (lambda h: h["0.weight"].update(shape="3x3"), "not a list of sizes"),
    (lambda h: h["0.weight"].update(shape=[3, True]), "not a list of sizes"),
])  # fmt: skip
def test_safetensors_that_do_not_fit(folder, valid, change, fragment):
    header, body = _st_parts(valid)
    change(header)
    refused(folder, ".safetensors", _safetensors(header, body), fragment)


def test_safetensors_overlapping_tensors(folder, valid):
    header, body = _st_parts(valid)
    a, b = header["0.bias"]["data_offsets"], header["4.bias"]["data_offsets"]
    if a[1] - a[0] == b[1] - b[0]:  # same size: point one at the other's bytes
        header["4.bias"]["data_offsets"] = a
    else:
        header["0.bias"]["data_offsets"] = [a[0] + 4, a[1] + 4]
    refused(folder, ".safetensors", _safetensors(header, body), "overlap")


@pytest.mark.parametrize(("key", "value", "fragment"), [
    ("format_version", 2, "format version 2; this app reads up to 1"),
    ("format_version", "1", "not a positive integer"),
    ("format", "something-else", "format 'something-else'"),
    ("layer_sizes", [3, 3, 2, 2], "layer_sizes [3, 3, 2, 2] where its features and problem give"),
    ("layer_sizes", [3] + [64] * 40 + [3], "not a list of 2 to 18 integers"),
    ("layer_sizes", [3, 10**9, 3], "cannot build"),
    ("activation", "swishy", "cannot build: activation must be one of"),
    ("features", ["x2", "x1", "x1x2"], "out of the app's order"),
    ("features", ["x1", "x2", ["x1x2"]], "not a list of feature names"),
    ("output_activation", "sigmoid", "output_activation 'sigmoid' where"),
    ("dataset", "plane", "dataset 'plane' is for regression"),
    ("classes", 99, "classes must be an integer from 2 to 8"),
])  # fmt: skip
def test_metadata_that_does_not_fit(folder, valid, key, value, fragment):
    header, body = _st_parts(valid)
    meta = json.loads(header["__metadata__"]["neural_playground"])
    meta[key] = value
    header["__metadata__"]["neural_playground"] = json.dumps(meta)
    refused(folder, ".safetensors", _safetensors(header, body), fragment)


def test_safetensors_with_nan(folder, valid):
    header, body = _st_parts(valid)
    start = header["2.weight"]["data_offsets"][0]
    body = body[:start] + np.float32(np.nan).tobytes() + body[start + 4 :]
    refused(folder, ".safetensors", _safetensors(header, body), "NaN or infinite value in 2.weight")


# --- npz ---------------------------------------------------------------------------------------


def _npz(members: dict) -> bytes:
    """A zip of .npy members; a value is an array, or raw bytes written as they are."""
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")  # duplicate names are part of the attack
        for name, value in members:
            if isinstance(value, bytes):
                archive.writestr(name, value)
            else:
                member = io.BytesIO()
                np.lib.format.write_array(member, value, allow_pickle=True)
                archive.writestr(name, member.getvalue())
    return buffer.getvalue()


def _npz_members(valid):
    with np.load(io.BytesIO(valid[".npz"]), allow_pickle=False) as f:
        return [(f"{name}.npy", f[name]) for name in f.files]


def _replaced(members, name, value):
    return [(n, value if n == name else v) for n, v in members]


def _npy_header(shape, descr="<f8", version=b"\x01\x00") -> bytes:
    text = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    text += b" " * (63 - (len(text) + 10) % 64) + b"\n"
    return b"\x93NUMPY" + version + struct.pack("<H", len(text)) + text


def test_npz_with_a_pickled_object_array(folder, valid):
    members = _npz_members(valid)
    hostile = np.empty((3, 3), dtype=object)
    hostile[...] = Tripwire()
    refused(
        folder, ".npz", _npz(_replaced(members, "0.weight.npy", hostile)), "0.weight", "'object'"
    )
    meta = np.array(Tripwire(), dtype=object)
    refused(folder, ".npz", _npz(_replaced(members, "metadata.npy", meta)), "metadata array")
    assert not TRIPPED


def test_npz_header_claiming_a_huge_array(folder, valid):
    members = _npz_members(valid)
    claim = _npy_header((10**6, 10**6)) + b"\0" * 72
    data = _npz(_replaced(members, "0.weight.npy", claim))
    refused(folder, ".npz", data, "0.weight of shape (1000000, 1000000) where its 3-3-2-3")


@pytest.mark.parametrize(("edit", "fragment"), [
    (lambda m: [x for x in m if x[0] != "metadata.npy"], "no metadata array"),
    (lambda m: [*m, ("evil.npy", np.zeros(2))], "'evil', which no layer"),
    (lambda m: [*m, ("notes.txt", b"hello")], "'notes.txt' that is not one named .npy"),
    (lambda m: [*m, m[0]], "that is not one named .npy"),
    (lambda m: _replaced(m, "2.weight.npy", np.zeros((2, 3), np.int64)), "2.weight as"),
    (lambda m: _replaced(m, "2.weight.npy", np.full((2, 3), np.nan)), "NaN or infinite"),
    (lambda m: _replaced(m, "2.bias.npy", _npy_header((2,)) + b"\0" * 8), "8 bytes of data"),
    (lambda m: _replaced(m, "2.bias.npy", _npy_header((2,)) + b"\0" * 24), "more bytes"),
    (lambda m: _replaced(m, "2.bias.npy", _npy_header((2,), version=b"\x03\x00")), "version"),
    (lambda m: _replaced(m, "2.bias.npy", b"\x93NUMPY\x01\x00\xff\x00{((((((("), "not a readable"),
    (lambda m: _replaced(m, "metadata.npy", np.array(b"{}")), "not one JSON string"),
    (lambda m: _replaced(m, "metadata.npy", np.array("x" * 300_000)), "not one JSON string"),
    (lambda m: [(f"{i}.npy", np.zeros(1)) for i in range(100)], "100 members"),
])  # fmt: skip
def test_npz_that_does_not_fit(folder, valid, edit, fragment):
    refused(folder, ".npz", _npz(edit(_npz_members(valid))), fragment)


def test_npz_compressed_and_fortran_order_are_read(folder, valid):
    members = dict(_npz_members(valid))
    arrays = {k[:-4]: np.asfortranarray(v) if v.ndim == 2 else v for k, v in members.items()}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    loaded = attempt(folder, ".npz", buffer.getvalue())
    assert isinstance(loaded, ParameterFile), str(loaded)
    assert np.array_equal(loaded.layers[1][0], members["2.weight.npy"])


# --- json ---------------------------------------------------------------------------------------


def _json_with(data: bytes, edit) -> bytes:
    doc = json.loads(data)
    edit(doc)
    return json.dumps(doc).encode()


def _set(keys, value):
    def edit(doc):
        target = doc
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return edit


@pytest.mark.parametrize(("text", "fragment"), [
    (lambda v: v.replace(b'"bias": [', b'"bias": [NaN, ', 1), "not valid JSON"),
    (lambda v: v.replace(b'"bias": [', b'"bias": [-Infinity, ', 1), "not valid JSON"),
    (lambda v: _json_with(v, _set(["layers", 0, "bias", 0], 1e308)).replace(b"1e+308", b"1e999"),
     "NaN or infinite value in 0.bias"),
    (lambda v: _json_with(v, _set(["layers", 0, "bias", 0], 10**400)), "too large for float64"),
    (lambda v: _json_with(v, _set(["layers", 0, "bias", 0], 7)).replace(b"7", b"7" * 5000),
     "not valid JSON"),
    (lambda v: _json_with(v, _set(["layers", 1, "weight"], [[0.5] * 3] * 100_000)),
     "more lists or numbers than"),
    (lambda v: _json_with(v, _set(["layers", 1, "weight"], [[0.5] * 3] * 5_000)),
     "5000 rows in layers[1].weight"),
    (lambda v: _json_with(v, _set(["layers", 1, "bias"], [0.5] * 150_000)),
     "150000 numbers in layers[1].bias (2.bias) where its 3-3-2-3 network needs 2"),
    (lambda v: _json_with(v, _set(["layers", 1, "weight"], [0.5] * 2)),
     "0.5 in row 0 of layers[1].weight (2.weight)"),
    (lambda v: _json_with(v, _set(["layers", 1, "bias"], [[0.5], [0.5]])),
     "[0.5] in layers[1].bias"),
    (lambda v: _json_with(v, _set(["layers", 1, "weight"], {"0": [1.0]})), "{'0': [1.0]}"),
    (lambda v: _json_with(v, _set(["layers", 1, "weight"], [[0.1] * 4] * 2)),
     "4 numbers in row 0 of layers[1].weight (2.weight) where its 3-3-2-3 network needs 3"),
    (lambda v: _json_with(v, _set(["layers", 2, "bias", 1], "0.5")), "'0.5' in layers[2].bias"),
    (lambda v: _json_with(v, _set(["layers", 2, "bias", 1], True)), "True in layers[2].bias"),
    (lambda v: _json_with(v, _set(["layers", 2, "scale"], 1.0)), "layer 2 that is not an object"),
    (lambda v: _json_with(v, lambda d: d["layers"].pop()),
     "2 layers where its 3-3-2-3 network has 3"),
    (lambda v: _json_with(v, lambda d: d.pop("layers")), "layers None"),
    (lambda v: _json_with(v, _set(["format_version"], 2)), "format version 2"),
    (lambda v: b"[" * 100_000 + b"]" * 100_000, "more lists or numbers than"),
    (lambda v: b"[" * 10_000 + b"]" * 10_000, "not valid JSON"),
    (lambda v: b"[" + b"{}," * 1_000_000 + b"{}]", "more lists or numbers than"),
    (lambda v: b'{"format": 1, "format": 2}', "twice"),
    (lambda v: b"[1, 2, 3]", "not a JSON object"),
    (lambda v: b"\xff\xfe{}", "not UTF-8"),
])  # fmt: skip
def test_json_that_does_not_fit(folder, valid, text, fragment):
    refused(folder, ".json", text(valid[".json"]), fragment)


# --- onnx ---------------------------------------------------------------------------------------


def _onnx_with(valid, edit) -> bytes:
    model = onnx.load_model_from_string(valid[".onnx"])
    edit(model)
    return model.SerializeToString()


def _initializer(model, name):
    return next(t for t in model.graph.initializer if t.name == name)


def _swap_op(model):
    node = next(n for n in model.graph.node if n.op_type == "Tanh")
    node.op_type = "Relu"


def _external(model):
    tensor = _initializer(model, "2.weight")
    tensor.ClearField("raw_data")
    tensor.data_location = TensorProto.EXTERNAL
    tensor.external_data.add(key="location", value="/etc/passwd")


def _replace_initializer(name, array):
    def edit(model):
        old = _initializer(model, name)
        old.CopyFrom(numpy_helper.from_array(array, name))

    return edit


def _plain_model(model):
    del model.metadata_props[:]


def _claim_huge(model):
    tensor = _initializer(model, "0.weight")
    del tensor.dims[:]
    tensor.dims.extend([10**6, 10**6])


@pytest.mark.parametrize(("edit", "fragment"), [
    (_plain_model, "no 'neural_playground' metadata"),
    (_swap_op, "has 'Relu' at node"),
    (lambda m: m.graph.node[3].attribute[0].CopyFrom(helper.make_attribute("transB", 0)),
     "wired unlike its 3-3-2-3 gelu network"),
    (lambda m: m.graph.node.append(helper.make_node("Identity", ["output"], ["again"])),
     "graph nodes where its"),
    (lambda m: m.graph.node.pop(), "graph nodes where its"),
    (_external, "keeps 2.weight outside the model file"),
    (_replace_initializer("2.weight", np.zeros((2, 3), np.float64)), "2.weight as 'DOUBLE'"),
    (_replace_initializer("2.weight", np.zeros((3, 2), np.float32)), "2.weight of shape (3, 2)"),
    (_replace_initializer("2.bias", np.array([np.inf, 0.0], np.float32)), "NaN or infinite"),
    (lambda m: _initializer(m, "4.bias").__setattr__("raw_data", b"\0" * 4),
     "wrong number of bytes for 4.bias (4 of 12)"),
    (_claim_huge, "0.weight of shape (1000000, 1000000)"),
    (lambda m: m.graph.initializer.append(_initializer(m, "2.bias")), "two initializers"),
])  # fmt: skip
def test_onnx_that_does_not_fit(folder, valid, edit, fragment):
    refused(folder, ".onnx", _onnx_with(valid, edit), fragment)


def test_onnx_float_data_is_read_and_checked(folder, valid):
    def as_float_data(model):
        tensor = _initializer(model, "2.bias")
        values = numpy_helper.to_array(tensor)
        tensor.ClearField("raw_data")
        tensor.float_data.extend(values.tolist())

    loaded = attempt(folder, ".onnx", _onnx_with(valid, as_float_data))
    assert isinstance(loaded, ParameterFile)

    def one_short(model):
        as_float_data(model)
        _initializer(model, "2.bias").float_data.pop()

    short = _onnx_with(valid, one_short)
    refused(folder, ".onnx", short, "wrong number of values for 2.bias (1 of 2)")


def test_onnx_garbage_and_node_floods(folder):
    refused(folder, ".onnx", b"\x08\x01", "no 'neural_playground' metadata")  # a valid empty model
    refused(folder, ".onnx", b"\x0a\xff\xff\xff\xff\x0f", "not an ONNX model")
    flood = b"\x0a\x00" * (2**19 - 8)  # half a million empty nodes, just under the size cap
    graph = b"\x3a" + _varint(len(flood)) + flood
    refused(folder, ".onnx", graph, "metadata")
    refused(folder, ".onnx", b"\0" * (2**20 + 1), "limit")


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)
