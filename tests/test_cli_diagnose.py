"""`neural-playground diagnose FILE` and `train --diagnose`: findings as text and JSON."""

import json

import pytest

from playground.cli import main
from playground.core.config import Config
from playground.core.diagnostics_types import FINDING_KINDS
from playground.core.trainer import Trainer
from playground.io.experiment import save_experiment
from playground.io.parameters import export_parameters


def _strict_json(text: str):
    def refuse(name):
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def _export(tmp_path, cfg: Config, epochs: int = 0, name: str = "net.npz"):
    trainer = Trainer(cfg)
    trainer.train(epochs)
    path = tmp_path / name
    export_parameters(path, trainer.parameters(), trainer.config)
    return str(path), trainer


def test_diagnose_a_parameter_file_prints_findings(tmp_path, capsys):
    path, _ = _export(tmp_path, Config(init="zeros"))
    assert main(["diagnose", path]) == 0
    out = capsys.readouterr().out
    assert "net.npz: 2 -> 4 -> 2 -> 1 tanh, 250 training points (circle)" in out
    assert "symmetric_units: In hidden layer 1, units 1, 2, 3 and 4 are identical" in out
    assert "try: Random initialization (Xavier) (init=xavier_normal)" in out


def test_diagnose_a_healthy_file_says_so(tmp_path, capsys):
    path, _ = _export(tmp_path, Config(), 100, "net.safetensors")
    assert main(["diagnose", path]) == 0
    assert "No findings" in capsys.readouterr().out


def test_diagnose_json_is_one_object_with_zero_based_layers_and_units(tmp_path, capsys):
    cfg = Config(activation="relu", bias_init="zeros", features=("x1sq", "x2sq"), init_seed=1)
    path, trainer = _export(tmp_path, cfg, 0, "net.json")
    assert main(["diagnose", path, "--json"]) == 0
    result = _strict_json(capsys.readouterr().out)
    assert set(result) == {"findings", "layers"}
    (dead,) = [f for f in result["findings"] if f["kind"] == "dead_units"]
    assert dead["layer"] == 1 and dead["units"] == [1]  # hidden layer 2, unit 2 in prose
    assert "hidden layer 2" in dead["message"]
    assert {"label", "changes", "reset", "why"} <= set(dead["remedies"][0])
    assert dead["remedies"][0]["changes"] == {"activation": "leaky_relu"}
    assert all(f["kind"] in FINDING_KINDS for f in result["findings"])
    layers = result["layers"]
    d = trainer.diagnostics()
    assert [layer["layer"] for layer in layers] == [0, 1, 2]
    assert layers[1]["dead"] == [1] and layers[0]["units"] == 4
    assert layers[0]["update_ratio"] is None  # no step yet: NaN becomes null
    for mine, theirs in zip(layers, d.layers, strict=True):
        assert mine["gradient_norm"] == pytest.approx(theirs.gradient_norm, rel=1e-12)
        for q, h in theirs.histograms.items():
            assert mine["histograms"][q]["counts"] == h.counts.tolist()


def test_the_file_s_data_settings_are_made_again(tmp_path, capsys):
    path, _ = _export(tmp_path, Config(dataset="xor", points=80, noise=0.3, data_seed=4))
    assert main(["diagnose", path]) == 0
    assert "40 training points (xor)" in capsys.readouterr().out


def test_data_flags_change_the_data(tmp_path, capsys):
    path, _ = _export(tmp_path, Config())
    assert main(["diagnose", path, "--dataset", "gauss", "--points", "60", "--seed", "3"]) == 0
    assert "30 training points (gauss)" in capsys.readouterr().out


def test_data_that_does_not_fit_the_network_is_one_line_and_status_2(tmp_path, capsys):
    path, _ = _export(tmp_path, Config())
    assert main(["diagnose", path, "--dataset", "plane"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "net.npz" in err and "regression" in err
    assert main(["diagnose", path, "--points", "1"]) == 2
    assert "--points" in capsys.readouterr().err
    assert main(["diagnose", str(tmp_path / "missing.npz")]) == 2
    assert main(["diagnose", path, "--seed", "-1"]) == 2
    assert main(["diagnose", path, "--init-seed", "1"]) == 2  # the file has its weights
    err = capsys.readouterr().err
    assert "--seed" in err and "--init-seed" in err
    assert main(["diagnose", str(tmp_path / "notes.txt")]) == 2  # both kinds of file named
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ".playground" in err and ".safetensors" in err


def test_diagnose_an_experiment_uses_its_own_data_and_divergence(tmp_path, capsys):
    trainer = Trainer(Config(activation="relu", lr=3.0, dataset="plane", points=300))
    trainer.train(50)
    assert trainer.diverged
    path = tmp_path / "run.playground"
    save_experiment(path, trainer.state_dict())
    assert main(["diagnose", str(path), "--json"]) == 0
    result = _strict_json(capsys.readouterr().out)
    first = result["findings"][0]
    assert first["kind"] == "diverged" and first["remedies"][0]["reset"] is True
    assert main(["diagnose", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"epoch {trainer.epoch}, 150 training points (plane)" in out
    assert "try: Reset, rate ÷ 10 (reset, lr=0.3)" in out
    assert "try: Reset (reset)" in out


def test_train_diagnose_json_adds_findings_and_layers_to_train_s_keys(capsys):
    argv = ["train", "--epochs", "5", "--json", "--quiet"]
    assert main(argv) == 0
    plain = _strict_json(capsys.readouterr().out)
    assert main([*argv, "--diagnose", "--init", "zeros"]) == 0
    result = _strict_json(capsys.readouterr().out)
    assert set(result) == set(plain) | {"findings", "layers"}
    assert [f["kind"] for f in result["findings"]][:2] == ["symmetric_units"] * 2
    assert len(result["layers"]) == 3


def test_train_diagnose_prints_the_report_after_the_result(capsys):
    assert main(["train", "--epochs", "300", "--quiet", "--diagnose",
                 "--init", "normal", "--init-scale", "0.001"]) == 0  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("epoch 300/300")
    assert any(line.startswith("vanishing_gradients: The first layer") for line in out)
    assert any(line.startswith("loss_plateau: The training loss") for line in out)


def test_train_diagnose_after_a_divergence_exits_1_with_reset_first(capsys):
    argv = ["train", "--dataset", "plane", "--activation", "relu", "--lr", "3"]
    assert main([*argv, "--epochs", "50", "--quiet", "--diagnose"]) == 1
    out = capsys.readouterr().out
    assert "diverged: Training diverged" in out
    assert "try: Reset, rate ÷ 10 (reset, lr=0.3)" in out


def test_what_a_file_records_is_used_only_where_it_fits():
    from playground.cli.diagnose import _recorded_data

    arch = Config(hidden=(4, 2))
    assert _recorded_data(arch, {}) == arch
    assert _recorded_data(arch, {"config": "not an object"}) == arch
    assert _recorded_data(arch, {"config": {"init": "nope", "points": 40}}).points == 40
    other = {"config": {"hidden": [9], "init": "zeros", "dataset": "xor", "points": 60}}
    got = _recorded_data(arch, other)  # another network's settings: only its data
    assert (got.hidden, got.init, got.dataset, got.points) == ((4, 2), arch.init, "xor", 60)
    assert _recorded_data(arch, {"config": {"dataset": "plane"}}) == arch  # regression: no fit
    full = Config(hidden=(4, 2), init="zeros", lr=0.1, points=90).to_dict()
    assert _recorded_data(arch, {"config": full}) == Config.from_dict(full)


def test_the_readme_example_is_what_the_command_prints(capsys):
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    if "## When it doesn't learn" not in readme:
        pytest.skip("run from a source checkout")
    section = readme.split("## When it doesn't learn", 1)[1].split("\n## ", 1)[0]
    block = section.split("```\n", 2)[1]
    command, shown = block.split("\nepoch ", 1)
    argv = command.replace("\\\n", " ").split()[1:]
    assert main(argv) == 0
    printed = capsys.readouterr().out.splitlines()
    expected = [line for line in shown.splitlines()[1:] if line.strip() != "..."]
    assert printed[1 : len(expected) + 1] == expected
