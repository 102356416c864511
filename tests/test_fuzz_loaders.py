"""Every loader under the mutation fuzzer of tests/fuzz_loaders.py: about 200 mutated
exports a format, each refused in one line naming the file or accepted and read the
same by an independent oracle.  More cases on demand:

    PLAYGROUND_FUZZ_CASES=5000 python -m pytest tests/test_fuzz_loaders.py
    PLAYGROUND_FUZZ_SEED=7 ... for other cases than the default seed's
"""

from __future__ import annotations

import os

import fuzz_loaders
import numpy as np
import onnx
import pytest

from playground import Config, Trainer
from playground.io.parameters import export_parameters, import_parameters

CASES = int(os.environ.get("PLAYGROUND_FUZZ_CASES", fuzz_loaders.DEFAULT_CASES))
SEED = int(os.environ.get("PLAYGROUND_FUZZ_SEED", fuzz_loaders.DEFAULT_SEED))


@pytest.mark.parametrize("suffix", fuzz_loaders.FORMATS)
def test_every_mutated_export_is_refused_in_one_line_or_read_as_the_oracle_reads_it(
    tmp_path, suffix
):
    report = fuzz_loaders.fuzz(suffix, CASES, SEED, tmp_path)
    assert not report.failures, str(report)
    assert report.accepted + report.refused == CASES


def test_the_fuzzer_is_deterministic(tmp_path):
    first = fuzz_loaders.fuzz(".json", 40, 3, tmp_path / "a")
    again = fuzz_loaders.fuzz(".json", 40, 3, tmp_path / "b")
    assert (first.accepted, first.refused) == (again.accepted, again.refused)


# --- the oracles are not vacuous: each sees a file that differs from what the app read ---


@pytest.fixture
def two_models(tmp_path):
    """A model exported in every parameter format, and another with other weights."""
    trainer = Trainer(Config(dataset="xor", hidden=(3,), points=20, activation="relu"))
    other = Trainer(Config(dataset="xor", hidden=(3,), points=20, activation="relu", init_seed=9))
    for name, t in (("a", trainer), ("b", other)):
        for suffix in (".npz", ".json", ".safetensors", ".onnx"):
            export_parameters(tmp_path / f"{name}{suffix}", t.parameters(), t.config)
    return tmp_path


@pytest.mark.parametrize("suffix", [".npz", ".json", ".safetensors", ".onnx"])
def test_each_oracle_sees_other_weights(two_models, suffix):
    loaded = import_parameters(two_models / f"a{suffix}")
    fuzz_loaders.ORACLES[suffix](loaded, two_models / f"a{suffix}")  # agrees with itself
    with pytest.raises(fuzz_loaders.OracleDisagrees):
        fuzz_loaders.ORACLES[suffix](loaded, two_models / f"b{suffix}")


def test_the_onnx_oracle_sees_another_activation(two_models):
    loaded = import_parameters(two_models / "a.onnx")
    model = onnx.load(two_models / "a.onnx")
    (relu,) = [node for node in model.graph.node if node.op_type == "Relu"]
    relu.op_type = "Sigmoid"  # the same weights, another function
    onnx.save(model, two_models / "sigmoid.onnx")
    with pytest.raises(fuzz_loaders.OracleDisagrees, match="computes something else"):
        fuzz_loaders.ORACLES[".onnx"](loaded, two_models / "sigmoid.onnx")


def test_the_json_oracle_refuses_repeated_keys_and_nan(two_models):
    loaded = import_parameters(two_models / "a.json")
    text = (two_models / "a.json").read_text()
    for changed in (text.replace('"loss":', '"loss": "mse", "loss":', 1),
                    text.replace("[", "[NaN, ", 1)):  # fmt: skip
        (two_models / "changed.json").write_text(changed)
        with pytest.raises(fuzz_loaders.OracleDisagrees):
            fuzz_loaders.ORACLES[".json"](loaded, two_models / "changed.json")


def test_the_points_oracle_sees_other_points(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x1,x2\n1,2\n3,4\n")
    fuzz_loaders._same_points(np.array([[1.0, 2.0], [3.0, 4.0]]), path)
    with pytest.raises(fuzz_loaders.OracleDisagrees):
        fuzz_loaders._same_points(np.array([[1.0, 2.0]]), path)
