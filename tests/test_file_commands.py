"""The command line's file commands: train --export / --init-from, predict, inspect, render."""

import json

import numpy as np
import pytest

from playground import Config, Trainer
from playground.cli import main

FORMATS = (".safetensors", ".onnx", ".npz", ".json")


def _train_and_export(tmp_path, capsys, flags="--dataset xor --features x1,x2,x1x2 --epochs 30"):
    paths = [tmp_path / f"model{suffix}" for suffix in FORMATS]
    argv = ["train", *flags.split(), "--seed", "3", "--json"]
    for p in paths:
        argv += ["--export", str(p)]
    assert main(argv) == 0
    capsys.readouterr()
    return paths


def test_export_writes_every_format(tmp_path, capsys):
    for path in _train_and_export(tmp_path, capsys):
        assert path.exists() and path.stat().st_size > 100


def test_predict_matches_the_trainer_for_every_format(tmp_path, capsys):
    paths = _train_and_export(tmp_path, capsys)
    reference = Trainer(Config(dataset="xor", features=("x1", "x2", "x1x2"), epochs=30,
                               data_seed=3, init_seed=3))  # fmt: skip
    reference.train()
    points = np.array([[0.5, -1.0], [3.0, 2.0], [-4.0, 5.5], [0.0, 0.0]])
    (tmp_path / "in.csv").write_text(
        "x1,x2\n" + "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in points)
    )
    want = reference.predict(points)[:, 0]
    for path in paths:
        out = tmp_path / f"out{path.suffix}.csv"
        assert main(["predict", str(path), str(tmp_path / "in.csv"), "-o", str(out)]) == 0
        lines = out.read_text().splitlines()
        assert lines[0] == "output" and len(lines) == 5
        got = np.array([float(v) for v in lines[1:]])
        tol = 0 if path.suffix in (".npz", ".json") else 1e-5
        np.testing.assert_allclose(got, want, rtol=0, atol=tol)


def test_predict_to_standard_output_with_k_classes(tmp_path, capsys):
    model = tmp_path / "k.npz"
    flags = "train --dataset blobs --classes 4 --loss cross-entropy --hidden 5 --epochs 5"
    assert main([*flags.split(), "--export", str(model)]) == 0
    capsys.readouterr()
    (tmp_path / "p.csv").write_text("id,x2,x1\n7,1.0,2.0\n8,-1,-2\n")
    assert main(["predict", str(model), str(tmp_path / "p.csv")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "output_0,output_1,output_2,output_3" and len(lines) == 3
    assert abs(sum(float(v) for v in lines[1].split(",")) - 1.0) < 1e-12


def test_init_from_starts_where_the_file_left_off(tmp_path, capsys):
    first = tmp_path / "first.npz"
    assert (
        main(["train", "--hidden", "6", "--epochs", "50", "--seed", "1", "--export", str(first)])
        == 0
    )
    capsys.readouterr()
    assert main(["train", "--epochs", "0", "--seed", "1", "--json", "--init-from", str(first)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["config"]["hidden"] == [6]  # the file's architecture
    trained = Trainer(Config(hidden=(6,), epochs=50, data_seed=1, init_seed=1))
    trained.train()
    assert result["train_loss"] == pytest.approx(trained.metrics.train_loss, rel=1e-12)


def test_inspect_prints_the_architecture(tmp_path, capsys):
    (path,) = [p for p in _train_and_export(tmp_path, capsys) if p.suffix == ".json"]
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "3 -> 4 -> 2 -> 1" in out and "x1x2" in out and "tanh" in out


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_render_writes_a_picture(tmp_path, capsys, suffix):
    out = tmp_path / f"picture{suffix}"
    assert (
        main(["render", "--dataset", "gauss", "--epochs", "20", "--size", "900x500", str(out)]) == 0
    )
    data = out.read_bytes()
    if suffix == ".png":
        from PySide6.QtGui import QImage

        image = QImage(str(out))
        assert (image.width(), image.height()) == (900, 500)
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data[:2000]
    assert len(data) > 5000


@pytest.mark.parametrize(
    "argv, mention",
    [
        (["predict", "/no/such/model.npz", "x.csv"], "model.npz"),
        (["inspect", "/no/such/file.onnx"], "file.onnx"),
        (["train", "--export", "out.txt"], "--export"),
        (["train", "--init-from", "/no/such.safetensors"], "such.safetensors"),
        (["render", "picture.gif"], "png"),
        (["render", "--size", "10x10", "p.png"], "--size"),
    ],
)
def test_file_command_errors_are_one_line(tmp_path, capsys, argv, mention):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and mention in err and "Traceback" not in err


def test_predict_with_a_broken_points_file(tmp_path, capsys):
    model = _train_and_export(tmp_path, capsys)[2]
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2\n1,2\n3,oops\n")
    assert main(["predict", str(model), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and len(err.strip().splitlines()) == 1
