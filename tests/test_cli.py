"""The command line: flags reach the config, bad input is one line and exit status 2."""

import json
import subprocess
import sys

import numpy as np
import pytest

from playground import __version__
from playground.cli import build_parser, config_from_args, main


def _config(argv):
    return config_from_args(build_parser().parse_args(["train", *argv]))


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"neural-playground {__version__}"


def test_module_entry_point_runs():
    out = subprocess.run(
        [sys.executable, "-m", "playground", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and __version__ in out.stdout


def test_every_flag_reaches_the_config():
    cfg = _config(
        [
            "--problem",
            "classification",
            "--dataset",
            "blobs",
            "--classes",
            "4",
            "--points",
            "300",
            "--noise",
            "0.2",
            "--train-ratio",
            "0.7",
            "--seed",
            "5",
            "--features",
            "x1,x2,sinx1",
            "--hidden",
            "8,6,4",
            "--activation",
            "elu",
            "--loss",
            "cross-entropy",
            "--init",
            "orthogonal",
            "--init-gain",
            "1.5",
            "--bias-init",
            "zeros",
            "--bias-value",
            "0.3",
            "--optimizer",
            "nesterov",
            "--lr",
            "0.2",
            "--momentum",
            "0.8",
            "--batch-size",
            "full",
            "--no-shuffle",
            "--regularization",
            "elastic",
            "--reg-rate",
            "0.01",
            "--reg-bias",
            "--epochs",
            "7",
            "--schedule",
            "step",
            "--lr-gamma",
            "0.3",
            "--lr-period",
            "9",
            "--lr-min",
            "0.001",
        ]
    )
    assert (cfg.dataset, cfg.classes, cfg.points, cfg.noise, cfg.train_ratio) == (
        "blobs", 4, 300, 0.2, 0.7,
    )  # fmt: skip
    assert cfg.data_seed == cfg.init_seed == 5
    assert cfg.features == ("x1", "x2", "sinx1") and cfg.hidden == (8, 6, 4)
    assert (cfg.activation, cfg.loss, cfg.init, cfg.init_gain) == (
        "elu", "cross-entropy", "orthogonal", 1.5,
    )  # fmt: skip
    assert (cfg.bias_init, cfg.bias_value, cfg.optimizer, cfg.lr, cfg.momentum) == (
        "zeros", 0.3, "nesterov", 0.2, 0.8,
    )  # fmt: skip
    assert cfg.batch_size is None and cfg.shuffle is False
    assert (cfg.regularization, cfg.reg_rate, cfg.reg_bias, cfg.epochs) == (
        "elastic",
        0.01,
        True,
        7,
    )
    assert (cfg.schedule, cfg.lr_gamma, cfg.lr_period, cfg.lr_min) == ("step", 0.3, 9, 0.001)
    assert cfg.layer_sizes == (3, 8, 6, 4, 4)


def test_empty_hidden_means_no_hidden_layer():
    assert _config(["--hidden="]).layer_sizes == (2, 1)


def test_config_file_with_flags_overriding(tmp_path):
    path = tmp_path / "run.json"
    path.write_text(json.dumps({"dataset": "xor", "lr": 0.5, "hidden": [3], "batch_size": "full"}))
    cfg = _config(["--config", str(path), "--lr", "0.1"])
    assert (cfg.dataset, cfg.lr, cfg.hidden, cfg.batch_size) == ("xor", 0.1, (3,), None)


def test_a_config_round_trips_through_json(tmp_path):
    cfg = _config(
        ["--dataset", "spirals", "--classes", "5", "--hidden", "7,7", "--optimizer", "adam"]
    )
    path = tmp_path / "c.json"
    path.write_text(json.dumps(cfg.to_dict()))
    assert _config(["--config", str(path)]) == cfg


BAD = [  # argv, what the one line must mention
    (["--activation", "softmaxx"], "--activation"),
    (["--dataset", "moon"], "--dataset"),
    (["--features", "x1,x3"], "--features"),
    (["--hidden", "8,a"], "--hidden"),
    (["--hidden", "8,0"], "--hidden"),
    (["--hidden", ",".join(["4"] * 17)], "--hidden"),
    (["--lr", "-1"], "--lr"),
    (["--lr", "fast"], "--lr"),
    (["--train-ratio", "0.95"], "--train-ratio"),
    (["--batch-size", "0"], "--batch-size"),
    (["--batch-size", "half"], "--batch-size"),
    (["--classes", "99"], "--classes"),
    (["--epochs", "-3"], "--epochs"),
    (["--problem", "regression"], "--dataset"),
    (["--dataset", "plane", "--loss", "cross-entropy"], "--loss"),
    (["--no-such-flag"], "unrecognized"),
    (["--config", "/no/such/file.json"], "--config"),
]


@pytest.mark.parametrize("argv, mention", BAD, ids=[" ".join(a)[:30] for a, _ in BAD])
def test_bad_input_is_one_line_and_status_2(capsys, argv, mention):
    assert main(["train", *argv]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and mention in lines[0] and "Traceback" not in captured.err
    assert lines[0].startswith("neural-playground train: error:")
    assert captured.out == ""


@pytest.mark.parametrize(
    "content, mention",
    [("{not json", "not valid JSON"), ("[1, 2]", "JSON object"), ('{"lr": "x"}', "--lr"),
     ('{"learning_rate": 1}', "unknown configuration option")],
)  # fmt: skip
def test_broken_config_files(tmp_path, capsys, content, mention):
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert main(["train", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and mention in err


def test_bad_flag_through_the_real_program():
    out = subprocess.run(
        [sys.executable, "-m", "playground", "train", "--activation", "nope"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr and "relu" in out.stderr


def test_json_output_has_the_promised_keys(capsys):
    assert main(["train", "--epochs", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    for key in ("epochs", "train_loss", "test_loss", "train_accuracy", "test_accuracy",
                "epochs_per_second", "diverged"):  # fmt: skip
        assert key in result
    assert result["epochs"] == 3 and result["diverged"] is False


def test_divergence_is_reported_with_status_1(capsys):
    argv = "train --dataset plane --activation relu --init he_normal --lr 3 --epochs 200 --json"
    assert main(argv.split()) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["diverged"] is True
    assert "diverged" in captured.err and len(captured.err.strip().splitlines()) == 1


def test_export_data_writes_every_point_at_full_precision(tmp_path, capsys):
    path = tmp_path / "points.csv"
    assert main(["train", "--epochs", "0", "--dataset", "spirals", "--export-data", str(path)]) == 0
    lines = path.read_text().splitlines()
    assert lines[0] == "x1,x2,label,split" and len(lines) == 501
    rows = [line.split(",") for line in lines[1:]]
    assert {r[3] for r in rows} == {"train", "test"} and {r[2] for r in rows} == {"0", "1", "2"}
    from playground import Config, make_dataset

    ds = make_dataset(Config(dataset="spirals"))
    train = np.array([[float(r[0]), float(r[1])] for r in rows if r[3] == "train"])
    assert np.array_equal(train, ds.x_train)  # bit-exact through text


def test_save_writes_pytorch_named_arrays(tmp_path, capsys):
    path = tmp_path / "p.npz"
    assert main(["train", "--epochs", "2", "--hidden", "5,3", "--save", str(path)]) == 0
    with np.load(path, allow_pickle=False) as f:
        assert sorted(f.files) == ["0.bias", "0.weight", "2.bias", "2.weight", "4.bias",
                                   "4.weight", "metadata"]  # fmt: skip
        assert f["0.weight"].shape == (5, 2) and f["2.weight"].shape == (3, 5)
        assert f["4.bias"].shape == (1,)
        meta = json.loads(str(f["metadata"]))
    assert meta["layer_sizes"] == [2, 5, 3, 1] and meta["activation"] == "tanh"


def test_save_to_an_unwritable_place_is_one_line(capsys):
    assert main(["train", "--epochs", "1", "--save", "/no/such/dir/p.npz"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--save" in err


def test_saved_files_are_readable_by_others(tmp_path, capsys):
    import os

    old = os.umask(0o022)
    try:
        path = tmp_path / "shared.npz"
        assert main(["train", "--epochs", "1", "--save", str(path)]) == 0
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_wrong_save_suffix_is_refused_before_training(capsys):
    assert main(["train", "--epochs", "100000", "--save", "out.npy"]) == 2
    assert "must end in .npz" in capsys.readouterr().err


def test_a_mistyped_command_is_an_error_not_a_window(capsys):
    assert main(["trian"]) == 2
    assert "trian" in capsys.readouterr().err
