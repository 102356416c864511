"""Parameter files of a network without biases (use_bias off, issue 13): every format
holds the weights alone and says so in its metadata ("use_bias": false); reading one
gives zero biases and a config without biases; a bias in such a file, or a missing
bias in a file with biases, is refused in one sentence; files written before
"use_bias" existed load as they did."""

import json
import re
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from playground import Config, Trainer
from playground.cli import main
from playground.io.parameter_file import expected_shapes
from playground.io.parameters import (
    FORMATS,
    ParameterFileError,
    export_parameters,
    import_parameters,
    trainer_metadata,
)

POINTS = np.random.default_rng(11).uniform(-6.0, 6.0, (200, 2))
FLOAT64 = (".npz", ".json")  # exact; .safetensors and .onnx are float32 by default
NETWORKS = {  # two tanh hidden layers; softmax with GELU (constants in ONNX); no hidden layer
    "tanh": dict(features=("x1", "x2", "x1x2"), hidden=(5, 3)),
    "gelu-softmax": dict(dataset="blobs", classes=3, loss="cross-entropy", activation="gelu",
                         features=("x1", "x2", "sinx1"), hidden=(4,)),
    "linear": dict(dataset="plane", hidden=()),
}  # fmt: skip


def trained(use_bias=False, epochs=5, **fields) -> Trainer:
    trainer = Trainer(Config(use_bias=use_bias, points=120, **(fields or NETWORKS["tanh"])))
    trainer.train(epochs=epochs)
    return trainer


@pytest.fixture(scope="module")
def trainers():
    return {name: trained(**fields) for name, fields in NETWORKS.items()}


def export(path, trainer, **kwargs) -> Path:
    export_parameters(path, trainer.parameters(), trainer.config,
                      metadata=trainer_metadata(trainer), **kwargs)  # fmt: skip
    return Path(path)


# --- what a file holds, read without the app ------------------------------------------


def raw_contents(path) -> tuple[list[str], dict]:
    """The names of the arrays a file holds and its metadata, read with the formats' own tools."""
    path = Path(path)
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as f:
            return sorted(n for n in f.files if n != "metadata"), json.loads(str(f["metadata"]))
    if path.suffix == ".safetensors":
        from safetensors import safe_open

        with safe_open(path, "np") as f:
            return sorted(f.keys()), json.loads(f.metadata()["neural_playground"])
    if path.suffix == ".json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        names = [f"{2 * i}.{key}" for i, layer in enumerate(doc.pop("layers")) for key in layer]
        return sorted(names), doc
    model = onnx.load(path)
    names = [t.name for t in model.graph.initializer if not t.name.startswith(("gelu.", "input."))]
    meta = json.loads({p.key: p.value for p in model.metadata_props}["neural_playground"])
    return sorted(names), meta


def weight_names(trainer) -> list[str]:
    return sorted(f"{2 * i}.weight" for i in range(len(trainer.config.layer_sizes) - 1))


@pytest.mark.parametrize("network", sorted(NETWORKS))
@pytest.mark.parametrize("suffix", FORMATS)
def test_files_hold_the_weights_alone(tmp_path, trainers, suffix, network):
    trainer = trainers[network]
    names, meta = raw_contents(export(tmp_path / f"p{suffix}", trainer))
    assert names == weight_names(trainer)
    assert meta["use_bias"] is False and meta["config"]["use_bias"] is False
    if suffix == ".onnx":
        model = onnx.load(tmp_path / f"p{suffix}")
        onnx.checker.check_model(model, full_check=True)
        gemms = [list(n.input) for n in model.graph.node if n.op_type == "Gemm"]
        assert len(gemms) == len(trainer.config.layer_sizes) - 1
        assert all(len(inputs) == 2 for inputs in gemms), gemms  # no C input
        assert not [t.name for t in model.graph.initializer if t.name.endswith(".bias")]
        assert "without biases" in model.doc_string


@pytest.mark.parametrize("suffix", FORMATS)
def test_files_with_biases_say_so(tmp_path, suffix):
    trainer = trained(use_bias=True, epochs=2)
    names, meta = raw_contents(export(tmp_path / f"p{suffix}", trainer))
    assert names == sorted([*weight_names(trainer), "0.bias", "2.bias", "4.bias"])
    assert meta["use_bias"] is True
    assert import_parameters(tmp_path / f"p{suffix}").config.use_bias is True


# --- reading them back ------------------------------------------------------------------


@pytest.mark.parametrize("network", sorted(NETWORKS))
@pytest.mark.parametrize("suffix", FORMATS)
def test_files_read_back_with_zero_biases(tmp_path, trainers, suffix, network):
    trainer = trainers[network]
    loaded = import_parameters(export(tmp_path / f"p{suffix}", trainer))
    assert loaded.config.use_bias is False
    assert loaded.config.layer_sizes == trainer.config.layer_sizes
    assert loaded.metadata["config"]["use_bias"] is False and "use_bias" not in loaded.metadata
    for (w0, b0), (w1, b1) in zip(trainer.parameters(), loaded.layers, strict=True):
        assert not b0.any()  # the trainer's own: no biases
        assert b1.dtype == np.float64 and b1.shape == (w0.shape[0],) and not b1.any()
        assert w1.dtype == np.float64 and w1.shape == w0.shape
        if suffix in FLOAT64:
            assert np.array_equal(w1, w0)
        else:
            np.testing.assert_allclose(w1, w0, rtol=0, atol=1e-6)
        assert not (w1.flags.writeable or b1.flags.writeable)
    fresh = Trainer(loaded.config)
    fresh.load_parameters(loaded.layers)  # refuses nonzero biases when use_bias is off
    tol = 0 if suffix in FLOAT64 else 1e-5
    np.testing.assert_allclose(fresh.predict(POINTS), trainer.predict(POINTS), rtol=0, atol=tol)


def test_float64_safetensors_are_exact(tmp_path, trainers):
    trainer = trainers["tanh"]
    loaded = import_parameters(export(tmp_path / "p.safetensors", trainer, precision="float64"))
    for (w0, _), (w1, b1) in zip(trainer.parameters(), loaded.layers, strict=True):
        assert np.array_equal(w1, w0) and not b1.any()


def test_expected_shapes_leave_the_biases_out():
    cfg = Config(hidden=(4,))
    assert expected_shapes(cfg) == {"0.weight": (4, 2), "0.bias": (4,),
                                    "2.weight": (1, 4), "2.bias": (1,)}  # fmt: skip
    assert expected_shapes(cfg.replace(use_bias=False)) == {"0.weight": (4, 2), "2.weight": (1, 4)}


def test_export_refuses_biases_the_config_does_not_have(tmp_path):
    trainer = trained(epochs=0)
    layers = trainer.parameters()
    layers[1] = (layers[1][0], layers[1][1] + 0.5)
    for suffix in FORMATS:
        with pytest.raises(ValueError, match=r"layer 1 has a nonzero 2\.bias, but use_bias is off"):
            export_parameters(tmp_path / f"p{suffix}", layers, trainer.config)
    assert not list(tmp_path.iterdir())


# --- other tools run them --------------------------------------------------------------


def _linear_without_bias(torch, cfg):
    """nn.Sequential(Linear(bias=False), Act, ..., Linear(bias=False)) and its output head."""
    hidden = {"tanh": torch.nn.Tanh, "gelu": lambda: torch.nn.GELU(approximate="tanh")}
    heads = {"tanh": torch.tanh, "softmax": lambda z: torch.softmax(z, dim=-1)}
    sizes, modules = cfg.layer_sizes, []
    for i in range(len(sizes) - 1):
        modules.append(torch.nn.Linear(sizes[i], sizes[i + 1], bias=False))
        if i < len(sizes) - 2:
            modules.append(hidden[cfg.activation]())
    return torch.nn.Sequential(*modules), heads.get(cfg.output_activation, lambda z: z)


@pytest.mark.parametrize("precision", ["float32", "float64"])
@pytest.mark.parametrize("network", sorted(NETWORKS))
def test_safetensors_load_strictly_into_linear_without_bias(tmp_path, trainers, network, precision):
    torch = pytest.importorskip("torch")
    from safetensors.torch import load_file

    from playground.core.features import feature_matrix

    trainer = trainers[network]
    path = export(tmp_path / "p.safetensors", trainer, precision=precision)
    model, head = _linear_without_bias(torch, trainer.config)
    if precision == "float64":
        model = model.double()
    model.load_state_dict(load_file(path), strict=True)
    x = torch.from_numpy(feature_matrix(POINTS, trainer.config.features))
    with torch.no_grad():
        out = head(model(x.to(model[0].weight.dtype))).double().numpy()
    tol = 1e-10 if precision == "float64" else 1e-5
    np.testing.assert_allclose(out, trainer.predict(POINTS), rtol=tol, atol=tol)
    sizes = trainer.config.layer_sizes
    biased = torch.nn.Sequential(torch.nn.Linear(sizes[0], sizes[1]), *model[1:])
    with pytest.raises(RuntimeError, match=r"0\.bias"):  # strict: the file has no 0.bias
        biased.load_state_dict(load_file(path), strict=True)


@pytest.mark.parametrize("network", sorted(NETWORKS))
def test_onnxruntime_runs_the_model_without_biases(tmp_path, trainers, network):
    onnxruntime = pytest.importorskip("onnxruntime")
    trainer = trainers[network]
    path = export(tmp_path / "p.onnx", trainer)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = session.run(["output"], {"input": POINTS.astype(np.float32)})[0]
    assert out.shape == (len(POINTS), trainer.config.num_outputs)
    np.testing.assert_allclose(out, trainer.predict(POINTS), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("suffix", FORMATS)
def test_the_command_line_predicts_from_them(tmp_path, trainers, capsys, suffix):
    trainer = trainers["tanh"]
    path = export(tmp_path / f"p{suffix}", trainer)
    points = POINTS[:5]
    (tmp_path / "in.csv").write_text(
        "x1,x2\n" + "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in points)
    )
    assert main(["predict", str(path), str(tmp_path / "in.csv")]) == 0
    lines = capsys.readouterr().out.splitlines()
    got = np.array([float(v) for v in lines[1:]])
    tol = 0 if suffix in FLOAT64 else 1e-5
    np.testing.assert_allclose(got, trainer.predict(points)[:, 0], rtol=0, atol=tol)


# --- the documentation's snippets run on them --------------------------------------------

DOC = Path(__file__).resolve().parent.parent / "docs" / "file-formats.md"


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize(
    "index", [i for i, block in enumerate(_python_blocks()) if "outputs =" in block]
)
def test_documented_snippets_load_files_without_biases(tmp_path, monkeypatch, trainers, index):
    blocks = _python_blocks()
    block = blocks[index]
    for module in re.findall(r"^\s*(?:import|from) (\w+)", block, re.M) + ["torch"] * (
        "torch" in block
    ):
        pytest.importorskip(module)
    trainer = trainers["gelu-softmax"]
    monkeypatch.chdir(tmp_path)
    for suffix in FORMATS:
        export_parameters(f"model{suffix}", trainer.parameters(), trainer.config)
    namespace: dict = {}
    for helper in blocks[:index]:
        if "outputs =" not in helper and ("torch" not in helper or "torch" in block):
            exec(helper, namespace)
    exec(block, namespace)
    outputs = np.asarray(namespace["outputs"], dtype=np.float64)
    np.testing.assert_allclose(outputs, trainer.predict(namespace["points"]), rtol=1e-5, atol=1e-6)


# --- refusals, in one sentence ----------------------------------------------------------


def refused(path, *fragments) -> str:
    with pytest.raises(ParameterFileError) as info:
        import_parameters(path)
    message = str(info.value)
    assert message.startswith(f"{Path(path).name}: "), message
    assert "\n" not in message and not re.search(r"[.!?]\s+[A-Z]", message), message
    assert len(message) < 300, message
    for fragment in fragments:
        assert fragment in message, message
    return message


def npz_with(path, drop=(), add=None, meta_change=None) -> Path:
    """A copy of an .npz with arrays dropped or added, or its metadata changed."""
    with np.load(path, allow_pickle=False) as f:
        arrays = {name: f[name] for name in f.files if name not in drop}
    meta = json.loads(str(arrays.pop("metadata")))
    if meta_change:
        meta_change(meta)
    out = path.with_name("edited.npz")
    np.savez(out, metadata=np.array(json.dumps(meta)), **arrays, **(add or {}))
    return out


def json_with(path, edit) -> Path:
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    out = path.with_name("edited.json")
    out.write_text(json.dumps(doc), encoding="utf-8")
    return out


def safetensors_with(path, drop=(), add=None, meta_change=None) -> Path:
    from safetensors import safe_open
    from safetensors.numpy import save_file

    with safe_open(path, "np") as f:
        names = [name for name in f.keys() if name not in drop]  # noqa: SIM118 (not a dict)
        tensors = {name: f.get_tensor(name) for name in names}
        strings = dict(f.metadata())
    meta = json.loads(strings["neural_playground"])
    if meta_change:
        meta_change(meta)
    strings["neural_playground"] = json.dumps(meta)
    out = path.with_name("edited.safetensors")
    save_file(tensors | (add or {}), out, metadata=strings)
    return out


def onnx_with(path, edit) -> Path:
    model = onnx.load(path)
    edit(model)
    out = path.with_name("edited.onnx")
    onnx.save(model, out)
    return out


def _set_meta(model, change) -> None:
    (prop,) = [p for p in model.metadata_props if p.key == "neural_playground"]
    meta = json.loads(prop.value)
    change(meta)
    prop.value = json.dumps(meta)


BIAS = {"0.bias": np.zeros(5)}  # layer 0 of the tanh network has 5 outputs


def test_a_bias_in_a_file_without_biases_is_refused(tmp_path, trainers):
    trainer = trainers["tanh"]
    why = "but its 3-5-3-1 network has no biases (use_bias false)"
    npz = export(tmp_path / "p.npz", trainer)
    refused(npz_with(npz, add=BIAS), "0.bias", why)
    st = export(tmp_path / "p.safetensors", trainer)
    refused(safetensors_with(st, add={"0.bias": np.zeros(5, np.float32)}), "0.bias", why)

    def bias_in_layer_0(doc):
        doc["layers"][0]["bias"] = [0.0] * 5

    refused(json_with(export(tmp_path / "p.json", trainer), bias_in_layer_0), "layer 0", why)

    onnx_path = export(tmp_path / "p.onnx", trainer)

    def bias_initializer(model):
        model.graph.initializer.append(numpy_helper.from_array(np.zeros(5, np.float32), "0.bias"))

    refused(onnx_with(onnx_path, bias_initializer), "0.bias", "without biases")

    def bias_wired(model):
        bias_initializer(model)
        gemm = next(n for n in model.graph.node if n.op_type == "Gemm")
        gemm.input.append("0.bias")

    refused(onnx_with(onnx_path, bias_wired), "Gemm", "without biases")


def test_a_file_with_biases_must_hold_every_one(tmp_path):
    trainer = trained(use_bias=True, epochs=2)
    npz = export(tmp_path / "p.npz", trainer)
    refused(npz_with(npz, drop=["2.bias"]), "has no 2.bias, which its 3-5-3-1 network needs")
    st = export(tmp_path / "p.safetensors", trainer)
    refused(safetensors_with(st, drop=["4.bias"]), "has no 4.bias")

    def no_bias_in_layer_1(doc):
        del doc["layers"][1]["bias"]

    refused(json_with(export(tmp_path / "p.json", trainer), no_bias_in_layer_1),
            "has no bias in layer 1 (2.bias), which its 3-5-3-1 network needs")  # fmt: skip

    def no_bias_initializer(model):
        (tensor,) = [t for t in model.graph.initializer if t.name == "0.bias"]
        model.graph.initializer.remove(tensor)

    refused(onnx_with(export(tmp_path / "p.onnx", trainer), no_bias_initializer), "0.bias")


def with_metadata(path, change):
    """A copy of an exported file with its metadata changed in place by `change`."""
    suffix = Path(path).suffix
    if suffix == ".npz":
        return npz_with(path, meta_change=change)
    if suffix == ".safetensors":
        return safetensors_with(path, meta_change=change)
    if suffix == ".json":
        return json_with(path, change)
    return onnx_with(path, lambda model: _set_meta(model, change))


@pytest.mark.parametrize("suffix", FORMATS)
def test_a_file_without_biases_claiming_them_is_refused(tmp_path, trainers, suffix):
    """Its weights alone, but "use_bias": true (or no key, as an old file): biases are missing."""
    path = export(tmp_path / f"p{suffix}", trainers["tanh"])
    for change in (lambda m: m.update(use_bias=True), lambda m: m.pop("use_bias")):
        refused(with_metadata(path, change), "0.bias" if suffix != ".onnx" else "Gemm")


@pytest.mark.parametrize("value", ["no", 0, 1, None, [False], {"use": False}])
def test_use_bias_must_be_true_or_false(tmp_path, trainers, value):
    npz = export(tmp_path / "p.npz", trainers["tanh"])
    refused(npz_with(npz, meta_change=lambda m: m.update(use_bias=value)),
            "has use_bias", "not true or false")  # fmt: skip


def test_metadata_may_not_set_use_bias(tmp_path, trainers):
    trainer = trainers["tanh"]
    with pytest.raises(ValueError, match="use_bias"):
        export_parameters(tmp_path / "p.npz", trainer.parameters(), trainer.config,
                          metadata={"use_bias": True})  # fmt: skip


# --- files written before use_bias --------------------------------------------------------


def _without_use_bias(meta) -> None:
    del meta["use_bias"]
    del meta["config"]["use_bias"]  # the config had no such field then either


@pytest.mark.parametrize("suffix", FORMATS)
def test_files_written_before_use_bias_load_as_before(tmp_path, suffix):
    trainer = trained(use_bias=True, epochs=3)
    path = export(tmp_path / f"p{suffix}", trainer)
    old = with_metadata(path, _without_use_bias)
    assert "use_bias" not in raw_contents(old)[1]
    new, loaded = import_parameters(path), import_parameters(old)
    assert loaded.config == new.config and loaded.config.use_bias is True
    for (w0, b0), (w1, b1) in zip(new.layers, loaded.layers, strict=True):
        assert np.array_equal(w0, w1) and np.array_equal(b0, b1) and b1.any()
    assert loaded.metadata["epoch"] == 3 and "use_bias" not in loaded.metadata
    fresh = Trainer(loaded.config)
    fresh.load_parameters(loaded.layers)
    tol = 0 if suffix in FLOAT64 else 1e-5
    np.testing.assert_allclose(fresh.predict(POINTS), trainer.predict(POINTS), rtol=0, atol=tol)
