"""Bringing one's own data (issue 12): shifted built-ins, formula datasets, own
points from a CSV, through the engine, the experiment file and the command line."""

import json

import numpy as np
import pytest

from playground.cli import main
from playground.core.config import Config, ConfigError
from playground.core.datasets import make_dataset, own_dataset, view_extent
from playground.core.features import SQUARE, Extent
from playground.core.trainer import Trainer
from playground.io.data_csv import write_data_csv
from playground.io.experiment import load_experiment, save_experiment
from playground.io.own_data import read_own_data


def test_a_shifted_dataset_is_the_same_points_moved_and_the_view_follows():
    plain = make_dataset(Config(dataset="circle"))
    moved = make_dataset(Config(dataset="circle", shift=(3.0, -2.0)))
    np.testing.assert_array_equal(moved.x_train, plain.x_train + np.array([3.0, -2.0]))
    np.testing.assert_array_equal(moved.y_train, plain.y_train)
    assert view_extent(Config(), plain) == SQUARE
    extent = view_extent(Config(shift=(3.0, -2.0)), moved)
    assert extent == Extent(3.0, -2.0, 6.0)  # the usual square, moved with the points
    lo, hi = extent.x_range
    assert lo <= moved.x_all[:, 0].min() and moved.x_all[:, 0].max() <= hi


def test_grids_cover_where_the_data_lies():
    trainer = Trainer(Config(dataset="gauss", shift=(20.0, 0.0)))
    grids = trainer.grids(4)
    assert grids.extent == trainer.extent == Extent(20.0, 0.0, 6.0)
    x1 = grids.layers[0][..., trainer.config.features.index("x1")]
    np.testing.assert_allclose(x1[0], 20.0 + np.array([-4.5, -1.5, 1.5, 4.5]), rtol=1e-6)


def test_a_shifted_circle_is_learnt_with_biases():
    trainer = Trainer(Config(dataset="circle", shift=(3.0, -2.0), hidden=(8, 8)))
    trainer.train(300)
    assert trainer.metrics.test_accuracy >= 0.97


def test_a_formula_dataset_labels_uniform_points_by_it():
    cfg = Config(dataset="custom", formula="x1 * x2 > 0", points=400)
    assert cfg.problem == "classification" and cfg.num_classes == 2
    ds = make_dataset(cfg)
    x = ds.x_all
    np.testing.assert_array_equal(ds.y_all, (x[:, 0] * x[:, 1] > 0).astype(np.int64))
    reg = Config(dataset="custom", formula="sin(x1) * cos(x2)")
    assert reg.problem == "regression" and reg.loss == "mse"
    ds = make_dataset(reg)
    np.testing.assert_allclose(ds.y_all, np.sin(ds.x_all[:, 0]) * np.cos(ds.x_all[:, 1]))
    # a new formula of the other kind brings its kind (and regression its loss) along
    switched = cfg.replace(formula="x1 + x2")
    assert switched.problem == "regression" and switched.loss == "mse"


def test_a_bad_formula_is_one_sentence_and_changes_nothing():
    cfg = Config(dataset="custom", formula="r < 3")
    for text in ("__import__('os')", "x1 *", "9**9**9", "x1.real", "x3 > 0"):
        with pytest.raises(ConfigError) as err:
            cfg.replace(formula=text)
        assert err.value.field == "formula" and "\n" not in str(err.value)
    with pytest.raises(ConfigError):
        Config(dataset="custom", formula="x1 > 0", problem="regression")


def test_own_points_train_save_and_reopen_exactly(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.uniform(-3, 3, (120, 2)) + np.array([20.0, 5.0])
    ds = own_dataset(x, (x[:, 0] > 20).astype(int), num_classes=2, class_names=("west", "east"))
    cfg = Config(dataset="own", classes=2, points=120, features=("x1", "x2"))
    trainer = Trainer(cfg, ds)
    trainer.train(20)
    path = tmp_path / "own.playground"
    save_experiment(path, trainer.state_dict())
    again = Trainer.from_state(load_experiment(path))
    assert again.dataset.class_names == ("west", "east")
    np.testing.assert_array_equal(again.dataset.x_train, ds.x_train)
    np.testing.assert_array_equal(again.dataset.y_test, ds.y_test)
    assert again.extent == trainer.extent == Extent(20.0, 5.0, 6.0)  # covers the points
    trainer.train(10)
    again.train(10)
    np.testing.assert_array_equal(again.network.params, trainer.network.params)  # bit for bit
    # own data cannot be made from settings: a rebuild that keeps it keeps its points
    assert trainer.set_config(trainer.config.replace(hidden=(3,)))
    assert trainer.dataset is ds
    with pytest.raises(ValueError):
        make_dataset(cfg)


def _moons_csv(path, n=400, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    upper = rng.random(n) < 0.5
    x = np.where(upper[:, None], np.c_[np.cos(t), np.sin(t)], np.c_[1 - np.cos(t), 0.5 - np.sin(t)])
    x = x * 3 + rng.normal(0, 0.1, (n, 2))
    names = np.where(upper, "upper moon", "lower moon")
    with open(path, "w", encoding="utf-8") as f:
        f.write("x1,x2,label\n")
        for (a, b), name in zip(x, names, strict=True):
            f.write(f"{float(a)!r},{float(b)!r},{name}\n")


def test_a_csv_of_two_moons_with_string_labels_is_learnt(tmp_path):
    path = tmp_path / "moons.csv"
    _moons_csv(path)
    cfg, ds = read_own_data(path, Config(hidden=(8, 8), lr=0.1))
    assert ds.class_names == ("upper moon", "lower moon") and cfg.dataset == "own"
    trainer = Trainer(cfg, ds)
    trainer.train(400)
    assert trainer.metrics.test_accuracy >= 0.95


def test_train_data_flag_and_formula_and_shift_flags(tmp_path, capsys):
    path = tmp_path / "moons.csv"
    _moons_csv(path)
    argv = ["train", "--data", str(path), "--hidden", "8,8", "--epochs", "20", "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["epochs"] == 20
    assert main(["train", "--formula", "r < 3", "--epochs", "5", "--quiet"]) == 0
    assert main(["train", "--shift", "3,-2", "--epochs", "5", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["train", "--data", str(path), "--dataset", "xor"]) == 2
    assert "--data brings its own points" in capsys.readouterr().err
    assert main(["train", "--formula", "x1 >", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--formula" in err


def test_exported_own_data_reads_back_the_same(tmp_path):
    path = tmp_path / "moons.csv"
    _moons_csv(path)
    cfg, ds = read_own_data(path, Config())
    out = tmp_path / "out.csv"
    x = np.concatenate([ds.x_train, ds.x_test])
    labels = np.concatenate([ds.y_train, ds.y_test])
    split = np.r_[np.ones(len(ds.x_train), bool), np.zeros(len(ds.x_test), bool)]
    write_data_csv(out, x, labels, ds.class_names, split)
    cfg2, ds2 = read_own_data(out, Config())
    np.testing.assert_array_equal(ds2.x_train, ds.x_train)
    np.testing.assert_array_equal(ds2.y_test, ds.y_test)
    assert ds2.class_names == ds.class_names and cfg2 == cfg


@pytest.mark.parametrize("suffix", [".npz", ".onnx", ".safetensors", ".json"])
def test_parameter_files_of_own_and_formula_data_read_back(tmp_path, capsys, suffix):
    csv = tmp_path / "moons.csv"
    _moons_csv(csv)
    own = tmp_path / f"own{suffix}"
    assert main(["train", "--data", str(csv), "--epochs", "3", "--quiet",
                 "--export", str(own)]) == 0  # fmt: skip
    assert main(["inspect", str(own)]) == 0
    assert main(["train", "--init-from", str(own), "--epochs", "1", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["diagnose", str(own)]) == 2  # the points are not in the file: one sentence
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "own points" in err
    formula = tmp_path / f"formula{suffix}"
    assert main(["train", "--formula", "r < 3", "--epochs", "3", "--quiet",
                 "--export", str(formula)]) == 0  # fmt: skip
    assert main(["diagnose", str(formula)]) == 0  # made again from the recorded formula
    assert "(custom)" in capsys.readouterr().out


def test_review_findings_are_one_sentence_not_a_traceback(tmp_path, capsys):
    csv = tmp_path / "moons.csv"
    _moons_csv(csv)
    model, points = tmp_path / "own.npz", tmp_path / "points.csv"
    points.write_text("x1,x2\n1,2\n3,4\n")
    assert main(["train", "--data", str(csv), "--epochs", "2", "--quiet",
                 "--export", str(model)]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["predict", str(model), str(points)]) == 0  # the network is all it needs
    assert len(capsys.readouterr().out.splitlines()) == 3  # a header and two outputs
    # targets beyond float32 diverge in one sentence (the limit no longer overflows)
    assert main(["train", "--formula", "exp(x1*100)", "--epochs", "3", "--quiet"]) == 1
    huge = tmp_path / "huge.csv"
    huge.write_text("x1,x2,label\n1.7e308,0,a\n-1.7e308,1,b\n1,1,a\n2,2,b\n3,3,a\n")
    assert main(["train", "--data", str(huge), "--epochs", "1"]) == 2
    assert main(["train", "--formula", "x1 > 0", "--dataset", "xor", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert "within ±1e+06" in err and "--dataset xor cannot apply" in err


def test_a_formula_is_read_where_its_shifted_points_lie():
    cfg = Config(dataset="custom", formula="x1 > 3", shift=(3.0, 0.0), points=300)
    ds = make_dataset(cfg)
    np.testing.assert_array_equal(ds.y_all, (ds.x_all[:, 0] > 3).astype(np.int64))
    assert 0 < ds.x_all[:, 0].min() - -3.0 < 0.5 and view_extent(cfg, ds) == Extent(3.0, 0.0, 6.0)


def test_leaving_own_points_brings_back_generated_counts():
    own = Config(dataset="own", classes=3, points=6)
    circle = own.replace(dataset="circle")
    assert (circle.points, circle.classes) == (500, 3)
