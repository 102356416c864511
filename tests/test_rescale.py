"""Rescaled inputs (issue 12): the network sees the data mapped onto the usual
square; pictures, files and predictions keep the data's own units, and the ONNX
graph maps its input itself (onnxruntime agrees with predict)."""

import json

import numpy as np
import pytest

from playground.cli import main
from playground.core.config import Config
from playground.core.datasets import own_dataset
from playground.core.features import InputScaling, feature_matrix
from playground.core.trainer import Trainer
from playground.io.parameters import ParameterFileError, export_parameters, import_parameters

FEATURES = ("x1", "x2", "x1sq", "x2sq")


def _far_trainer(rescale=True, epochs=200):
    rng = np.random.default_rng(0)
    x = rng.uniform(-300, 300, (300, 2)) + np.array([1500.0, 40.0])
    inside = np.hypot(x[:, 0] - 1500, x[:, 1] - 40) < 200
    ds = own_dataset(x, inside.astype(int), num_classes=2, class_names=("out", "in"))
    cfg = Config(dataset="own", classes=2, points=300, rescale=rescale,
                 features=FEATURES, hidden=(8, 8))  # fmt: skip
    trainer = Trainer(cfg, ds)
    trainer.train(epochs)
    return trainer


def _points_csv(trainer, path):
    """The trainer's points as a CSV (x1, x2, label), for --data."""
    x, y = trainer.dataset.x_all.tolist(), trainer.dataset.y_all.tolist()
    rows = [f"{a!r},{b!r},{c}\n" for (a, b), c in zip(x, y, strict=True)]
    path.write_text("x1,x2,label\n" + "".join(rows))
    return path


def test_the_network_sees_the_bounding_box_on_the_square():
    trainer = _far_trainer(epochs=0)
    s = trainer.scaling
    seen = s.apply(trainer.dataset.x_all)
    np.testing.assert_allclose(seen.min(axis=0), [-6, -6], atol=1e-9)
    np.testing.assert_allclose(seen.max(axis=0), [6, 6], atol=1e-9)
    np.testing.assert_array_equal(  # the training features are of the mapped points
        trainer._x_train[:, :-1],  # what the network is fed
        feature_matrix(s.apply(trainer.dataset.x_train), FEATURES),
    )
    assert trainer.grids(4).extent.cx == pytest.approx(1500, abs=20)  # pictures: own units


def test_rescaling_lets_tanh_learn_data_far_from_the_centre():
    assert _far_trainer(rescale=False).metrics.test_accuracy < 0.8
    assert _far_trainer(rescale=True).metrics.test_accuracy >= 0.85


@pytest.mark.parametrize("suffix", [".npz", ".json", ".safetensors", ".onnx"])
def test_every_format_keeps_the_map_and_predict_applies_it(tmp_path, suffix):
    trainer = _far_trainer()
    path = tmp_path / f"far{suffix}"
    metadata = {"input_scaling": trainer.scaling.as_dict()}
    export_parameters(path, trainer.parameters(), trainer.config, metadata=metadata)
    loaded = import_parameters(path)
    assert loaded.scaling == trainer.scaling
    points = np.array([[1500.0, 40.0], [1900.0, 300.0], [1200.0, -100.0]])
    fresh = Trainer(Config(features=FEATURES, hidden=(8, 8)))  # other data, other units
    fresh.load_parameters(list(loaded.layers))
    tol = 1e-5 if suffix in (".onnx", ".safetensors") else 1e-12
    np.testing.assert_allclose(
        fresh.predict(points, loaded.scaling), trainer.predict(points), rtol=tol, atol=tol
    )


def test_onnxruntime_takes_the_data_s_own_units(tmp_path, capsys):
    ort = pytest.importorskip("onnxruntime")
    trainer = _far_trainer()
    path = tmp_path / "far.onnx"
    export_parameters(path, trainer.parameters(), trainer.config,
                      metadata={"input_scaling": trainer.scaling.as_dict()})  # fmt: skip
    points = np.array([[1500.0, 40.0], [1900.0, 300.0], [1200.0, -100.0], [1650, 150]])
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input": points.astype(np.float32)})[0]
    np.testing.assert_allclose(got, trainer.predict(points), atol=2e-4)
    csv = tmp_path / "points.csv"
    csv.write_text("x1,x2\n" + "\n".join(f"{a},{b}" for a, b in points) + "\n")
    assert main(["predict", str(path), str(csv)]) == 0  # the CLI's predict agrees too
    printed = np.array([float(v) for v in capsys.readouterr().out.split()[1:]])
    np.testing.assert_allclose(printed, got.ravel(), atol=2e-4)


def test_a_file_whose_graph_and_map_disagree_is_refused(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import numpy_helper

    trainer = _far_trainer(epochs=0)
    path = tmp_path / "far.onnx"
    export_parameters(path, trainer.parameters(), trainer.config,
                      metadata={"input_scaling": trainer.scaling.as_dict()})  # fmt: skip
    model = onnx.load(str(path))
    for i, tensor in enumerate(model.graph.initializer):
        if tensor.name == "input.scale":  # the graph maps otherwise than it says
            doubled = numpy_helper.to_array(tensor) * 2
            model.graph.initializer[i].CopyFrom(numpy_helper.from_array(doubled, tensor.name))
    bad = tmp_path / "bad.onnx"
    onnx.save(model, str(bad))
    with pytest.raises(ParameterFileError) as refused:
        import_parameters(bad)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "record",
    [
        {"offset": [0, 0], "scale": [0, 1]},
        {"offset": [0, 0], "scale": [-1, 1]},
        {"offset": [0], "scale": [1, 1]},
        {"offset": ["a", 0], "scale": [1, 1]},
        {"offset": [1e300, 0], "scale": [1, 1]},
        {"offset": [0, 0], "scale": [1, True]},
        {"offset": [0, 0]},
        [1, 2],
    ],
)
def test_a_hostile_map_is_one_sentence(tmp_path, record):
    trainer = _far_trainer(epochs=0)
    path = tmp_path / "far.json"
    export_parameters(path, trainer.parameters(), trainer.config)
    doc = json.loads(path.read_text())
    doc["input_scaling"] = record  # the metadata sits at the top of a .json
    path.write_text(json.dumps(doc))
    with pytest.raises(ParameterFileError) as refused:
        import_parameters(path)
    assert "input_scaling" in str(refused.value) and "\n" not in str(refused.value)


def test_train_rescale_flag_and_its_export(tmp_path, capsys):
    trainer = _far_trainer(epochs=0)
    csv = _points_csv(trainer, tmp_path / "far.csv")
    model = tmp_path / "far.npz"
    argv = ["train", "--data", str(csv), "--rescale", "--epochs", "2", "--quiet"]
    assert main([*argv, "--export", str(model)]) == 0
    assert isinstance(import_parameters(model).scaling, InputScaling)


def test_predict_from_a_rescaled_experiment_uses_its_own_map(tmp_path, capsys):
    from playground.io.experiment import save_experiment

    trainer = _far_trainer(epochs=30)
    path = tmp_path / "far.playground"
    save_experiment(path, trainer.state_dict())
    csv = tmp_path / "points.csv"
    points = np.array([[1500.0, 40.0], [1900.0, 300.0]])
    csv.write_text("x1,x2\n" + "\n".join(f"{a},{b}" for a, b in points) + "\n")
    assert main(["predict", str(path), str(csv)]) == 0
    printed = np.array([float(v) for v in capsys.readouterr().out.split()[1:]])
    np.testing.assert_allclose(printed, trainer.predict(points).ravel(), rtol=1e-12)


def test_the_documented_numpy_forward_applies_the_map(tmp_path, monkeypatch):
    from test_io_formats import _python_blocks

    blocks = _python_blocks()
    (index,) = [i for i, b in enumerate(blocks) if "model.npz" in b and "forward(params" in b]
    trainer = _far_trainer(epochs=20)
    monkeypatch.chdir(tmp_path)
    export_parameters("model.npz", trainer.parameters(), trainer.config,
                      metadata={"input_scaling": trainer.scaling.as_dict()})  # fmt: skip
    namespace: dict = {}
    for helper in blocks[:index]:
        if "outputs =" not in helper and "torch" not in helper:
            exec(helper, namespace)
    exec(blocks[index], namespace)
    points = np.asarray(namespace["points"], dtype=np.float64)
    np.testing.assert_allclose(namespace["outputs"], trainer.predict(points), rtol=1e-9)


def test_a_spread_too_small_to_tell_is_moved_not_stretched(tmp_path, capsys):
    points = np.c_[1 + np.arange(6) * 1e-13, np.arange(6.0)]
    s = InputScaling.covering(points)
    assert s.scale[0] == 1.0 and s.offset[0] == pytest.approx(1.0)
    csv = tmp_path / "tiny.csv"
    rows = [f"{a!r},{b!r},{'ab'[i % 2]}\n" for i, (a, b) in enumerate(points.tolist())]
    csv.write_text("x1,x2,label\n" + "".join(rows))
    model = tmp_path / "tiny.npz"
    assert main(["train", "--data", str(csv), "--rescale", "--epochs", "2", "--quiet",
                 "--export", str(model)]) == 0  # fmt: skip
    assert main(["inspect", str(model)]) == 0  # what it wrote, it reads


def test_starting_from_a_rescaled_file_rescales_too(tmp_path, capsys):
    trainer = _far_trainer(epochs=100)
    csv = _points_csv(trainer, tmp_path / "far.csv")
    model = tmp_path / "far.npz"
    export_parameters(model, trainer.parameters(), trainer.config,
                      metadata={"input_scaling": trainer.scaling.as_dict()})  # fmt: skip
    argv = ["train", "--data", str(csv), "--init-from", str(model), "--epochs", "0", "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    # the same network on the same points, seen through the same map (without it: ~0.5)
    assert result["train_accuracy"] >= 0.9 and trainer.metrics.train_accuracy >= 0.9
