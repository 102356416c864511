"""It learns: the command line reaches good accuracy with sensible settings (fixed seeds)."""

import json

import pytest

from playground.cli import main

ALL_TF_FEATURES = "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2"

CASES = {  # name: (flags, metric, threshold)
    "circle": ("--dataset circle --epochs 300", "test_accuracy", 0.97),
    "xor": ("--dataset xor --features x1,x2,x1x2 --epochs 300", "test_accuracy", 0.97),
    "gauss": ("--dataset gauss --epochs 100", "test_accuracy", 0.97),
    "spiral": (
        f"--dataset spiral --noise 0.1 --features {ALL_TF_FEATURES} --hidden 8,8,8 "
        "--optimizer adam --lr 0.01 --epochs 400",
        "test_accuracy",
        0.90,
    ),
    "spirals-3": (
        "--dataset spirals --classes 3 --points 1500 --hidden 16,16 --loss cross-entropy "
        "--optimizer adam --lr 0.01 --epochs 300",
        "test_accuracy",
        0.90,
    ),
}


def _train(capsys, flags: str) -> dict:
    assert main(["train", *flags.split(), "--seed", "1", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", CASES)
def test_classification_reaches_target_accuracy(capsys, name):
    flags, metric, threshold = CASES[name]
    result = _train(capsys, flags)
    assert result[metric] >= threshold, result
    assert not result["diverged"]


def test_plane_regression_fits(capsys):
    result = _train(capsys, "--dataset plane --noise 0.1 --epochs 100")
    assert result["test_loss"] < 0.01, result
    assert "test_accuracy" not in result


def test_a_single_neuron_finds_the_line(tmp_path, capsys):
    """The seed article's house prices: weight 2.5, bias -10."""
    import numpy as np

    path = tmp_path / "line.npz"
    flags = f"--dataset line --hidden= --features x1 --lr 0.02 --epochs 200 --save {path}"
    assert _train(capsys, flags)["test_loss"] < 1e-12
    with np.load(path, allow_pickle=False) as f:
        assert f["0.weight"].shape == (1, 1)
        assert f["0.weight"][0, 0] == pytest.approx(2.5, abs=1e-9)
        assert f["0.bias"][0] == pytest.approx(-10.0, abs=1e-9)
