"""Parameter files: every format round-trips, runs where it should, and writes atomically."""

import json
import re
import zipfile
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx.reference import ReferenceEvaluator

from playground import Config, Trainer, __version__, save_npz
from playground.core.config import ACTIVATIONS, FEATURES
from playground.core.features import feature_matrix
from playground.io import json_io, npz, onnx_io, safetensors_io
from playground.io.parameters import (
    FORMATS,
    ParameterFileError,
    architecture_dict,
    export_parameters,
    import_parameters,
    trainer_metadata,
)

POINTS = np.random.default_rng(7).uniform(-6.0, 6.0, (300, 2))
HEADS = {  # the four output heads: config fields and the output activation they give
    "tanh": dict(dataset="circle"),
    "sigmoid": dict(dataset="xor", loss="cross-entropy"),
    "softmax": dict(dataset="blobs", classes=4, loss="cross-entropy"),
    "linear": dict(dataset="plane"),
}
MODULES = {".safetensors": safetensors_io, ".onnx": onnx_io, ".npz": npz, ".json": json_io}


def trained(epochs=3, **fields) -> Trainer:
    trainer = Trainer(Config(points=200, **fields))
    trainer.train(epochs=epochs)
    return trainer


def randomized(scale=0.7, seed=0, **fields) -> Trainer:
    """A trainer with random parameters: they reach every activation's curved part."""
    trainer = Trainer(Config(points=40, **fields))
    rng = np.random.default_rng(seed)
    layers = [(rng.normal(0, scale, w.shape), rng.normal(0, scale, b.shape)) for w, b in
              trainer.parameters()]  # fmt: skip
    trainer.load_parameters(layers)
    return trainer


def reload(path) -> tuple:
    loaded = import_parameters(path)
    fresh = Trainer(loaded.config)
    fresh.load_parameters(loaded.layers)
    return loaded, fresh


def bits(a):
    return np.asarray(a, dtype=np.float64).view(np.uint64)


# --- round trips ---------------------------------------------------------------

EXACT = [(".safetensors", "float64"), (".npz", None), (".json", None)]
ROUNDED = [(".safetensors", None), (".onnx", None)]


@pytest.mark.parametrize("head", sorted(HEADS))
@pytest.mark.parametrize(("suffix", "precision"), EXACT)
def test_float64_formats_round_trip_bit_for_bit(tmp_path, suffix, precision, head):
    trainer = trained(features=FEATURES, hidden=(5, 3), activation="swish", **HEADS[head])
    path = tmp_path / f"net{suffix}"
    export_parameters(path, trainer.parameters(), trainer.config, precision=precision,
                      metadata=trainer_metadata(trainer))  # fmt: skip
    loaded, fresh = reload(path)
    for (w0, b0), (w1, b1) in zip(trainer.parameters(), loaded.layers, strict=True):
        assert np.array_equal(bits(w0), bits(w1)) and np.array_equal(bits(b0), bits(b1))
        assert w1.dtype == np.float64 and b1.dtype == np.float64
    assert np.array_equal(fresh.predict(POINTS), trainer.predict(POINTS))
    assert loaded.config.layer_sizes == trainer.config.layer_sizes
    assert loaded.config.output_activation == head
    assert loaded.metadata["epoch"] == 3 and loaded.metadata["config"] == trainer.config.to_dict()
    assert loaded.metadata["app_version"] == __version__ and loaded.metadata["format_version"] == 1
    assert not {"layer_sizes", "activation", "format", "dataset"} & set(loaded.metadata)


@pytest.mark.parametrize("head", sorted(HEADS))
@pytest.mark.parametrize(("suffix", "precision"), ROUNDED)
def test_float32_formats_round_trip_within_float32_rounding(tmp_path, suffix, precision, head):
    trainer = trained(features=("x1", "x2", "x1x2"), hidden=(6,), activation="elu", **HEADS[head])
    path = tmp_path / f"net{suffix}"
    export_parameters(path, trainer.parameters(), trainer.config, precision=precision)
    loaded, fresh = reload(path)
    for (w0, b0), (w1, b1) in zip(trainer.parameters(), loaded.layers, strict=True):
        assert np.array_equal(w1, w0.astype(np.float32))
        assert np.array_equal(b1, b0.astype(np.float32))
    np.testing.assert_allclose(fresh.predict(POINTS), trainer.predict(POINTS), rtol=1e-5, atol=1e-6)
    assert loaded.config.layer_sizes == trainer.config.layer_sizes


def test_json_keeps_every_float64_exactly(tmp_path):
    """Random bit patterns, subnormals, -0.0 and the extremes survive the text."""
    config = Config(features=("x1", "x2"), hidden=(64,))
    rng = np.random.default_rng(3)
    raw = rng.integers(0, 2**64, size=64 * 3 + 64 + 1 + 64, dtype=np.uint64).view(np.float64)
    raw = np.where(np.isfinite(raw), raw, 1.0)
    raw[:6] = [5e-324, -0.0, 1.7976931348623157e308, -2.2250738585072014e-308, 0.1 + 0.2, 1 / 3]
    layers = [(raw[:128].reshape(64, 2), raw[128:192]), (raw[192:256].reshape(1, 64), raw[256:257])]
    path = tmp_path / "exact.json"
    export_parameters(path, layers, config)
    loaded = import_parameters(path)
    for (w0, b0), (w1, b1) in zip(layers, loaded.layers, strict=True):
        assert np.array_equal(bits(w0), bits(w1)) and np.array_equal(bits(b0), bits(b1))


def test_the_largest_network_fits_every_format(tmp_path):
    """The size caps must never refuse a network the app can build."""
    trainer = randomized(features=FEATURES, hidden=(64,) * 16, dataset="spirals", classes=8,
                         loss="cross-entropy", scale=1.0)  # fmt: skip
    for suffix in FORMATS:
        precision = "float64" if suffix == ".safetensors" else None
        path = tmp_path / f"big{suffix}"
        export_parameters(path, trainer.parameters(), trainer.config, precision=precision)
        loaded = import_parameters(path)
        assert loaded.config.layer_sizes == (9, *(64,) * 16, 8)


def test_the_config_comes_back_from_the_architecture(tmp_path):
    trainer = trained(dataset="spirals", classes=5, loss="cross-entropy", activation="sine",
                      features=("x1", "sinx2", "cosx1"), hidden=(4, 4, 4))  # fmt: skip
    export_parameters(tmp_path / "a.npz", trainer.parameters(), trainer.config)
    cfg = import_parameters(tmp_path / "a.npz").config
    assert (cfg.dataset, cfg.classes, cfg.features, cfg.hidden) == (
        "spirals", 5, ("x1", "sinx2", "cosx1"), (4, 4, 4))  # fmt: skip
    assert (cfg.activation, cfg.loss, cfg.problem) == ("sine", "cross-entropy", "classification")
    assert cfg.lr == Config().lr  # training fields stay at their defaults (they are in metadata)


def _old_style_npz(path, trainer):
    """A file as save_npz wrote it before this module: flat metadata without a dataset."""
    meta = {k: v for k, v in architecture_dict(trainer.config).items()
            if k not in ("dataset", "classes")}  # fmt: skip
    arrays = {f"{2 * i}.{k}": a for i, pair in enumerate(trainer.parameters())
              for k, a in zip(("weight", "bias"), pair, strict=True)}  # fmt: skip
    np.savez(path, metadata=np.array(json.dumps(meta | {"epoch": 9})), **arrays)


@pytest.mark.parametrize(("fields", "dataset"), [
    (dict(dataset="blobs", classes=6, loss="cross-entropy"), "blobs"),
    (dict(dataset="spirals", classes=3), "blobs"),
    (dict(dataset="moons"), "circle"),
    (dict(dataset="multi-gauss"), "plane"),
])  # fmt: skip
def test_a_file_that_names_no_dataset_gets_one_that_fits(tmp_path, fields, dataset):
    trainer = trained(epochs=1, **fields)
    _old_style_npz(tmp_path / "old.npz", trainer)
    loaded, fresh = reload(tmp_path / "old.npz")
    assert loaded.config.dataset == dataset and loaded.metadata["epoch"] == 9
    assert loaded.config.layer_sizes == trainer.config.layer_sizes
    assert np.array_equal(fresh.predict(POINTS), trainer.predict(POINTS))


# --- what other tools see -------------------------------------------------------


def test_npz_loads_with_numpy_without_pickles(tmp_path):
    trainer = trained(hidden=(3,))
    save_npz(tmp_path / "p.npz", trainer.parameters(), trainer.config, {"epoch": 3})
    with np.load(tmp_path / "p.npz", allow_pickle=False) as f:
        assert sorted(f.files) == ["0.bias", "0.weight", "2.bias", "2.weight", "metadata"]
        assert f["metadata"].shape == () and f["0.weight"].dtype == np.float64
        meta = json.loads(str(f["metadata"]))
    assert meta["layer_sizes"] == [2, 3, 1] and meta["epoch"] == 3 and meta["dataset"] == "circle"
    assert import_parameters(tmp_path / "p.npz").metadata["epoch"] == 3


def test_safetensors_header_names_tensors_as_pytorch_does(tmp_path):
    from safetensors import safe_open

    trainer = trained(hidden=(4, 2))
    export_parameters(tmp_path / "p.safetensors", trainer.parameters(), trainer.config)
    with safe_open(tmp_path / "p.safetensors", "np") as f:
        assert sorted(f.keys()) == ["0.bias", "0.weight", "2.bias", "2.weight", "4.bias",
                                    "4.weight"]  # fmt: skip
        assert f.get_tensor("2.weight").shape == (2, 4)
        assert f.get_tensor("0.bias").dtype == "float32"
        meta = json.loads(f.metadata()["neural_playground"])
    assert meta["layer_sizes"] == [2, 4, 2, 1] and meta["output_activation"] == "tanh"


def test_json_is_readable_and_versioned(tmp_path):
    trainer = trained(hidden=(2,))
    export_parameters(tmp_path / "p.json", trainer.parameters(), trainer.config,
                      metadata=trainer_metadata(trainer))  # fmt: skip
    text = (tmp_path / "p.json").read_text()
    doc = json.loads(text)
    assert (doc["format"], doc["format_version"]) == ("neural-playground-parameters", 1)
    assert doc["layers"][0]["weight"] == trainer.parameters()[0][0].tolist()
    assert doc["metrics"]["train_loss"] == trainer.metrics.train_loss
    assert doc["data"]["points"] == 200 and doc["config"]["hidden"] == [2]
    # one weight row per line, so a person can read the numbers
    assert re.search(r'"weight": \[\n\s+\[-?\d\.\d+(e-?\d+)?, -?\d', text)


def _torch_activation(name):
    torch = pytest.importorskip("torch")

    class Sine(torch.nn.Module):
        def forward(self, x):
            return torch.sin(x)

    nn = torch.nn
    return {
        "relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.01), "elu": nn.ELU,
        "gelu": lambda: nn.GELU(approximate="tanh"), "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
        "linear": nn.Identity, "softplus": nn.Softplus, "swish": nn.SiLU, "sine": Sine,
        "softmax": lambda: nn.Softmax(dim=-1),
    }[name]()  # fmt: skip


def _sequential(config):
    torch = pytest.importorskip("torch")
    sizes, modules = config.layer_sizes, []
    for i in range(len(sizes) - 1):
        modules.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            modules.append(_torch_activation(config.activation))
    return torch.nn.Sequential(*modules)


@pytest.mark.parametrize("precision", ["float32", "float64"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_safetensors_loads_strictly_into_torch_sequential(tmp_path, activation, precision):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    head = ["tanh", "sigmoid", "softmax", "linear"][ACTIVATIONS.index(activation) % 4]
    trainer = randomized(features=("x1", "x2", "x2sq", "cosx2"), hidden=(5, 4),
                         activation=activation, **HEADS[head])  # fmt: skip
    path = tmp_path / "p.safetensors"
    export_parameters(path, trainer.parameters(), trainer.config, precision=precision)
    model = _sequential(trainer.config)
    if precision == "float64":
        model = model.double()
    model.load_state_dict(load_file(path), strict=True)
    x = torch.from_numpy(feature_matrix(POINTS, trainer.config.features)).to(model[0].weight.dtype)
    with torch.no_grad():
        out = _torch_activation(trainer.config.output_activation)(model(x)).double().numpy()
    tol = 1e-8 if precision == "float64" else 1e-5  # torch's Softplus is linear past 20: 2e-9
    np.testing.assert_allclose(out, trainer.predict(POINTS), rtol=tol, atol=tol)
    with pytest.raises(RuntimeError):  # strict loading does check: one layer more fails
        torch.nn.Sequential(*model, torch.nn.Linear(1, 1)).load_state_dict(load_file(path))


# --- ONNX -----------------------------------------------------------------------------


def run_onnx(path, points):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    with np.errstate(all="ignore"):  # the reference sigmoid overflows harmlessly
        return ReferenceEvaluator(model).run(None, {"input": points.astype(np.float32)})[0]


def _check_onnx(tmp_path, trainer):
    path = tmp_path / "net.onnx"
    export_parameters(path, trainer.parameters(), trainer.config)
    out = run_onnx(path, POINTS)
    assert out.dtype == np.float32 and out.shape == (len(POINTS), trainer.config.num_outputs)
    np.testing.assert_allclose(out, trainer.predict(POINTS), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("head", sorted(HEADS))
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_onnx_computes_what_the_trainer_computes(tmp_path, activation, head):
    trainer = randomized(features=FEATURES, hidden=(6, 5), activation=activation,
                         scale=0.5, **HEADS[head])  # fmt: skip
    _check_onnx(tmp_path, trainer)


@pytest.mark.parametrize("features", [("x1",), ("x2", "cosx1"), ("x1sq", "x2sq", "x1x2"),
                                      ("sinx1", "sinx2", "cosx2"), FEATURES])  # fmt: skip
@pytest.mark.parametrize("hidden", [(), (3,), (2, 7, 3)])
def test_onnx_computes_every_feature_set_and_depth(tmp_path, features, hidden):
    trainer = randomized(features=features, hidden=hidden, activation="gelu", seed=len(hidden),
                         **HEADS["softmax"])  # fmt: skip
    _check_onnx(tmp_path, trainer)


@pytest.mark.parametrize("hidden", [(3,), ()])
def test_onnx_model_is_pinned_and_named(tmp_path, hidden):
    trainer = trained(activation="gelu", features=("x1", "x2", "sinx1"), hidden=hidden)
    export_parameters(tmp_path / "p.onnx", trainer.parameters(), trainer.config)
    model = onnx.load(tmp_path / "p.onnx")
    assert model.ir_version == 8
    assert [(o.domain, o.version) for o in model.opset_import] == [("", 17)]
    graph = model.graph
    assert [i.name for i in graph.input] == ["input"]
    assert [o.name for o in graph.output] == ["output"]
    dims = [d.dim_value for d in graph.input[0].type.tensor_type.shape.dim]
    assert graph.input[0].type.tensor_type.elem_type == onnx.TensorProto.FLOAT and dims[1] == 2
    gemms = [n for n in graph.node if n.op_type == "Gemm"]
    names = [["0.weight", "0.bias"], ["2.weight", "2.bias"]][: len(hidden) + 1]
    assert [n.input[1:] for n in gemms] == names
    assert all(onnx.helper.get_attribute_value(n.attribute[0]) == 1 for n in gemms)  # transB
    assert "Gelu" not in {n.op_type for n in graph.node}  # opset 17 has no Gelu
    used = {name for n in graph.node for name in n.input}
    assert {t.name for t in graph.initializer} <= used  # runtimes warn about unused ones
    meta = json.loads({p.key: p.value for p in model.metadata_props}["neural_playground"])
    assert meta["activation"] == "gelu" and meta["features"] == ["x1", "x2", "sinx1"]


# --- arguments and atomic writes ------------------------------------------------------


def test_export_refuses_what_it_cannot_write(tmp_path):
    trainer = trained(epochs=0, hidden=(2,))
    layers, cfg = trainer.parameters(), trainer.config
    with pytest.raises(ParameterFileError, match=r"p\.txt: .*\.safetensors"):
        export_parameters(tmp_path / "p.txt", layers, cfg)
    with pytest.raises(ValueError, match="float64"):
        export_parameters(tmp_path / "p.json", layers, cfg, precision="float32")
    with pytest.raises(ValueError, match="float32"):
        export_parameters(tmp_path / "p.onnx", layers, cfg, precision="float64")
    with pytest.raises(ValueError, match="layer 1"):
        export_parameters(tmp_path / "p.npz", [layers[0], (layers[1][0].T, layers[1][1])], cfg)
    with pytest.raises(ValueError, match="NaN"):
        nan_layers = [layers[0], (layers[1][0] * np.nan, layers[1][1])]
        export_parameters(tmp_path / "p.npz", nan_layers, cfg)
    with pytest.raises(ValueError, match="activation"):
        export_parameters(tmp_path / "p.npz", layers, cfg, metadata={"activation": "relu"})
    assert not list(tmp_path.iterdir())
    export_parameters(tmp_path / "p.npz", layers, cfg, metadata={"loss_curve": [1.0, np.nan]})
    assert import_parameters(tmp_path / "p.npz").metadata["loss_curve"] == [1.0, None]


def _failing_encode(*args):
    raise RuntimeError("the disk filled up")


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize("where", ["encode", "fsync"])
def test_a_failed_export_leaves_the_old_file(tmp_path, monkeypatch, suffix, where):
    trainer = trained(epochs=1, hidden=(3,))
    path = tmp_path / f"keep{suffix}"
    export_parameters(path, trainer.parameters(), trainer.config)
    before = path.read_bytes()
    trainer.train(epochs=2)
    if where == "encode":
        monkeypatch.setattr(MODULES[suffix], "encode", _failing_encode)
    else:  # after the new bytes are written to the temporary file, before the rename
        monkeypatch.setattr("playground.io.atomic.os.fsync", _failing_encode)
    with pytest.raises(RuntimeError, match="disk"):
        export_parameters(path, trainer.parameters(), trainer.config)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file is left


def test_save_npz_is_atomic_too(tmp_path, monkeypatch):
    trainer = trained(epochs=1)
    path = tmp_path / "p.npz"
    save_npz(path, trainer.parameters(), trainer.config)
    before = path.read_bytes()
    monkeypatch.setattr("playground.io.atomic.os.fsync", _failing_encode)
    with pytest.raises(RuntimeError):
        save_npz(path, trainer.parameters(), trainer.config, {"epoch": 1})
    assert path.read_bytes() == before and zipfile.is_zipfile(path)


# --- the documentation's snippets run -------------------------------------------------

DOC = Path(__file__).resolve().parent.parent / "docs" / "file-formats.md"


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def _snippets():  # the blocks that load a file; the others are helpers they use
    return [i for i, block in enumerate(_python_blocks()) if "outputs =" in block]


def test_the_documentation_shows_every_format_in_numpy_torch_and_onnxruntime():
    blocks = [_python_blocks()[i] for i in _snippets()]
    assert len(blocks) >= 9
    for name in ("model.safetensors", "model.onnx", "model.npz", "model.json"):
        users = [b for b in blocks if name in b]
        assert any("torch_forward" in b for b in users)
        assert any("forward(params" in b for b in users)
    assert any("onnxruntime.InferenceSession" in b for b in blocks)


@pytest.mark.parametrize("index", _snippets())
def test_documented_snippets_load_the_files(tmp_path, monkeypatch, index):
    blocks = _python_blocks()
    block = blocks[index]
    modules = re.findall(r"^\s*(?:import|from) (\w+)", block, re.M)
    for module in modules + ["torch"] * ("torch" in block):
        pytest.importorskip(module)
    trainer = trained(features=("x1", "x2", "x1x2", "sinx2"), hidden=(4, 3), activation="gelu",
                      **HEADS["softmax"])  # fmt: skip
    monkeypatch.chdir(tmp_path)
    for suffix in FORMATS:
        export_parameters(f"model{suffix}", trainer.parameters(), trainer.config)
    namespace = {}
    for helper in blocks[:index]:
        if "outputs =" not in helper and ("torch" not in helper or "torch" in block):
            exec(helper, namespace)
    exec(block, namespace)
    expected = trainer.predict(namespace["points"])
    np.testing.assert_allclose(np.asarray(namespace["outputs"], dtype=np.float64), expected,
                               rtol=1e-5, atol=1e-6)  # fmt: skip
