"""Parameters beyond float32's range: never a file the app itself cannot read.

A finite float64 of 1e39 used to reach .onnx and float32 .safetensors files as inf (with
only a NumPy warning), which the app then refused to read back.  Now the float32 formats
refuse such a parameter at export, naming its array in one sentence; the float64 formats
(.json, .npz, float64 .safetensors) hold it exactly; and training with one is a
divergence that names the array too.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground import Config, Trainer
from playground.cli import main
from playground.io.parameters import (
    FORMATS,
    export_parameters,
    import_parameters,
)

F32 = float(np.finfo(np.float32).max)
TARGETS = [(s, None) for s in FORMATS] + [(".safetensors", "float64")]


def network(**fields) -> Trainer:
    return Trainer(Config(hidden=(3,), points=40, **fields))


def with_value(layers, name: str, value: float):
    """A copy of `layers` with the first entry of the named array ("0.bias", "2.weight") set."""
    layers = [(w.copy(), b.copy()) for w, b in layers]
    index, kind = name.split(".")
    array = layers[int(index) // 2][0 if kind == "weight" else 1]
    array.flat[0] = value
    return layers


def one_sentence(message: str) -> None:
    assert "\n" not in message and not re.search(r"[.!?]\s+[A-Z]", message), message


FLOAT32_TARGETS = {".onnx": ".onnx", ".safetensors": "float32 .safetensors"}
FLOAT64_TARGETS = [(".json", None), (".npz", None), (".safetensors", "float64")]


@pytest.mark.parametrize("suffix", sorted(FLOAT32_TARGETS))
@pytest.mark.parametrize(("name", "value"), [("0.bias", 1e39), ("2.weight", -3.5e38)])
def test_a_float32_export_refuses_a_value_beyond_float32_naming_its_array(
    tmp_path, suffix, name, value
):
    t = network()
    path = tmp_path / f"p{suffix}"
    path.write_bytes(b"the previous file")
    layers = with_value(t.parameters(), name, value)
    with pytest.raises(ValueError) as info:
        export_parameters(path, layers, t.config)
    message = str(info.value)
    kind = FLOAT32_TARGETS[suffix]
    assert message.startswith(f"{name} holds {value:.2g}, beyond float32's range (3.4e+38), "
                              f"so a {kind} file cannot hold it"), message  # fmt: skip
    one_sentence(message)
    assert path.read_bytes() == b"the previous file"  # nothing written


@pytest.mark.parametrize(("suffix", "precision"), FLOAT64_TARGETS)
def test_a_float64_export_holds_it_exactly(tmp_path, suffix, precision):
    t = network()
    layers = with_value(with_value(t.parameters(), "0.bias", 1e39), "2.weight", -1.5e300)
    path = tmp_path / f"p{suffix}"
    export_parameters(path, layers, t.config, precision=precision)
    loaded = import_parameters(path)
    assert loaded.layers[0][1][0] == 1e39 and loaded.layers[1][0].flat[0] == -1.5e300


@pytest.mark.parametrize(("suffix", "precision"), TARGETS)
def test_the_edge_of_float32_is_written_and_read_back(tmp_path, suffix, precision):
    t = network()
    layers = with_value(with_value(t.parameters(), "0.bias", F32), "2.weight", -F32)
    path = tmp_path / f"edge{suffix}"
    export_parameters(path, layers, t.config, precision=precision)
    loaded = import_parameters(path)
    assert loaded.layers[0][1][0] == F32 and loaded.layers[1][0].flat[0] == -F32


def _written_beyond(tmp_path, suffix: str) -> Path:
    """A float64 file holding 1e39 in 0.bias, as the app writes one."""
    t = network()
    bad = tmp_path / f"big{suffix}"
    export_parameters(bad, with_value(t.parameters(), "0.bias", 1e39), t.config)
    return bad


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_the_command_line_refuses_the_onnx_export_naming_the_array(tmp_path, capsys, suffix):
    bad = _written_beyond(tmp_path, suffix)
    out = tmp_path / "x.onnx"
    argv = ["train", "--hidden", "3", "--epochs", "5", "--init-from", str(bad),
            "--export", str(out)]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    one_sentence(err)
    assert "0.bias holds 1e+39, beyond float32's range" in err and ".onnx" in err, err
    assert not out.exists()


def test_the_command_line_reports_training_from_it_as_a_divergence(tmp_path, capsys):
    bad = _written_beyond(tmp_path, ".json")
    out = tmp_path / "again.json"
    argv = ["train", "--hidden", "3", "--epochs", "5", "--init-from", str(bad), "--json",
            "--export", str(out)]  # fmt: skip
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["diverged"] is True
    assert "0.bias reached 1e+39, beyond float32's range" in captured.err
    assert import_parameters(out).layers[0][1][0] == 1e39  # back where it started, and readable


@settings(max_examples=60, deadline=None)
@given(
    value=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e40, max_value=1e40)
    | st.floats(min_value=F32 * (1 - 1e-7), max_value=F32 * (1 + 1e-7)),
    target=st.sampled_from(TARGETS),
)
def test_every_file_the_exporter_writes_reads_back(tmp_path_factory, value, target):
    """Never a file the app itself cannot read: a float64 format keeps every finite value
    exactly; a float32 one refuses it at export (writing nothing) or reads it back."""
    suffix, precision = target
    t = network()
    path = tmp_path_factory.mktemp("range") / f"p{suffix}"
    layers = with_value(t.parameters(), "0.bias", value)
    float32 = suffix == ".onnx" or (suffix == ".safetensors" and precision is None)
    try:
        export_parameters(path, layers, t.config, precision=precision)
    except ValueError as exc:
        assert float32 and abs(value) > F32 and str(exc).startswith("0.bias holds")
        assert not path.exists()
        return
    loaded = import_parameters(path)
    if float32:
        assert abs(value) <= F32 and loaded.layers[0][1][0] == np.float32(value)
    else:
        assert loaded.layers[0][1][0] == value
