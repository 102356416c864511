"""A seeded mutation fuzzer for every loader, with an independent oracle for what it accepts.

It starts from the app's own exports (.npz, .json, .safetensors, .onnx, .playground
and a CSV points file), mutates their bytes (flip, truncate, splice with another
export, duplicate, insert) and loads each result.  A refusal must be the loader's own
error in one line naming the file; anything else (another exception, a traceback)
is a failure.  A file the loader accepts is checked by an oracle that does not use
the app's reading code:

    .npz          np.load(allow_pickle=False) reads the same arrays and architecture
    .json         a strict JSON parse (no repeated keys, no NaN) reads the same numbers
    .safetensors  the safetensors library reads the same tensors and architecture
    .onnx         onnx.checker.check_model(full_check=True) passes, and onnxruntime's
                  output equals the app's forward pass of the loaded parameters (1e-5)
    .playground   the loaded state trains on for one epoch without an error
    .csv          a plain split of the lines gives the same points (when the text has
                  no quotes or carriage returns, which the csv module reads its own way)

Every case is seeded by (format, seed, case number), so a failure is reproduced by
its number alone.  tests/test_fuzz_loaders.py runs ~200 cases per format; for more:

    PLAYGROUND_FUZZ_CASES=5000 python -m pytest tests/test_fuzz_loaders.py
    python tests/fuzz_loaders.py --cases 5000 [--seed 1] [.onnx ...]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from playground import Config, Trainer
from playground.core.activations import get_activation
from playground.core.features import feature_matrix
from playground.io.csvdata import PointsFileError, read_input_points, write_points_csv
from playground.io.experiment import ExperimentFileError, load_experiment, save_experiment
from playground.io.parameters import (
    METADATA_KEY,
    ParameterFile,
    ParameterFileError,
    export_parameters,
    import_parameters,
)

FORMATS = (".npz", ".json", ".safetensors", ".onnx", ".playground", ".csv")
DEFAULT_CASES = 200
DEFAULT_SEED = 29  # issue 10's item 29
_POINTS = np.random.default_rng(0).uniform(-6, 6, (32, 2))  # where ONNX and the app must agree
_INTERESTING = [b"\x00", b"\xff", b"\x7f", b"\x80", b"-", b"0", b"9", b"e", b"[", b"{", b'"',
                b",", b"\n", b"\r", b"NaN", b"1e309", b"PK\x03\x04", b"\\u0000", b"  "]  # fmt: skip


@dataclass
class Report:
    suffix: str
    accepted: int = 0
    refused: int = 0
    failures: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        head = f"{self.suffix}: {self.accepted} accepted, {self.refused} refused"
        return "\n".join([f"{head}, {len(self.failures)} failed", *self.failures[:10]])


class OracleDisagrees(AssertionError):
    """A file the app accepted, which the independent reader reads otherwise."""


# --- the app's own exports ----------------------------------------------------------------


def exports(folder: Path) -> dict[str, list[bytes]]:
    """Two exports of every format, from two different networks (for splicing)."""
    trainers = [
        Trainer(Config(dataset="blobs", classes=3, loss="cross-entropy", activation="gelu",
                       features=("x1", "x2", "x1x2", "sinx1"), hidden=(3, 2), points=30,
                       optimizer="adam")),
        Trainer(Config(dataset="xor", hidden=(2,), points=20, activation="relu",
                       batch_size=4)),
    ]  # fmt: skip
    out: dict[str, list[bytes]] = {suffix: [] for suffix in FORMATS}
    for i, trainer in enumerate(trainers):
        trainer.train(2)
        trainer.step(1)  # mid-epoch: the experiment holds an order and a checkpoint
        for suffix in FORMATS:
            path = folder / f"export{i}{suffix}"
            if suffix == ".playground":
                save_experiment(path, trainer.state_dict())
            elif suffix == ".csv":
                write_points_csv(path, trainer.dataset)
            else:
                export_parameters(path, trainer.parameters(), trainer.config, metadata={"i": i})
            out[suffix].append(path.read_bytes())
    return out


# --- mutations ---------------------------------------------------------------------------


def mutate(data: bytes, other: bytes, rng: random.Random) -> tuple[bytes, str]:
    """`data` changed by one to three mutations, and what they were."""
    done = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        data, what = _MUTATIONS[rng.randrange(len(_MUTATIONS))](bytearray(data), other, rng)
        done.append(what)
    return bytes(data), "; ".join(done)


def _flip(data: bytearray, other: bytes, rng: random.Random) -> tuple[bytes, str]:
    if not data:
        return bytes(data), "flip nothing"
    at = rng.randrange(len(data))
    mask = rng.choice((1 << rng.randrange(8), rng.randrange(1, 256)))
    data[at] ^= mask
    return bytes(data), f"flip {mask:#04x} at {at}"


def _truncate(data: bytearray, other: bytes, rng: random.Random) -> tuple[bytes, str]:
    cut = rng.randrange(len(data) + 1)
    return bytes(data[:cut]), f"truncate at {cut}"


def _splice(data: bytearray, other: bytes, rng: random.Random) -> tuple[bytes, str]:
    """The head of this export and the tail of the other (or of itself, shifted)."""
    donor = other if rng.random() < 0.5 else bytes(data)
    at, start = rng.randrange(len(data) + 1), rng.randrange(len(donor) + 1)
    return bytes(data[:at]) + donor[start:], f"splice at {at} from {start}"


def _duplicate(data: bytearray, other: bytes, rng: random.Random) -> tuple[bytes, str]:
    start = rng.randrange(len(data) + 1)
    end = min(len(data), start + rng.choice((1, 2, 4, 8, 64, 512)))
    return bytes(data[:end]) + bytes(data[start:]), f"duplicate {start}:{end}"


def _insert(data: bytearray, other: bytes, rng: random.Random) -> tuple[bytes, str]:
    at = rng.randrange(len(data) + 1)
    if rng.random() < 0.5:
        extra = rng.choice(_INTERESTING)
    else:
        extra = bytes(rng.randrange(256) for _ in range(rng.choice((1, 2, 4, 16))))
    data[at:at] = extra
    return bytes(data), f"insert {extra!r} at {at}"


_MUTATIONS: list[Callable[[bytearray, bytes, random.Random], tuple[bytes, str]]] = [
    _flip, _truncate, _splice, _duplicate, _insert,
]  # fmt: skip


# --- the run -----------------------------------------------------------------------------


def fuzz(suffix: str, cases: int, seed: int, folder: Path) -> Report:
    """Load `cases` mutated exports of one format; every failure is in the report."""
    report = Report(suffix)
    folder.mkdir(parents=True, exist_ok=True)
    originals = exports(folder)[suffix]
    path = folder / f"fuzzed{suffix}"
    for case in range(cases):
        rng = random.Random(f"{suffix}:{seed}:{case}")
        which = rng.randrange(len(originals))
        data, what = mutate(originals[which], originals[1 - which], rng)
        path.write_bytes(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # as under pytest: a warning is a failure
                accepted = _load_and_check(suffix, path)
            if accepted:
                report.accepted += 1
            else:
                report.refused += 1
        except Exception as exc:  # a failure of the app or of the oracle's agreement
            kind = "oracle" if isinstance(exc, OracleDisagrees) else "error"
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            report.failures.append(f"case {case} (export {which}; {what}): {kind}: {last[:300]}")
    return report


def _load_and_check(suffix: str, path: Path) -> bool:
    """True if the loader accepted the file (and the oracle agreed), False if it refused."""
    error: type[ValueError]
    if suffix == ".playground":
        load, error, check = load_experiment, ExperimentFileError, _train_on
    elif suffix == ".csv":
        load, error, check = read_input_points, PointsFileError, _same_points
    else:
        load, error, check = import_parameters, ParameterFileError, ORACLES[suffix]
    try:
        loaded = load(path)
    except error as exc:
        _check_refusal(str(exc), path, suffix)
        return False
    check(loaded, path)
    return True


def _check_refusal(message: str, path: Path, suffix: str) -> None:
    # parameter messages name the file by its name, the others by the path given
    named = path.name if suffix not in (".playground", ".csv") else str(path)
    if "\n" in message or "\r" in message or named not in message:
        raise AssertionError(f"refusal is not one line naming {named}: {message!r:.300}")


# --- the oracles ---------------------------------------------------------------------------


def _disagree(condition: bool, what: str) -> None:
    if not condition:
        raise OracleDisagrees(what)


def _strict_json(text: str | bytes):
    def unique(pairs):
        _disagree(len({k for k, _ in pairs}) == len(pairs), "a key twice in accepted JSON")
        return dict(pairs)

    def constant(name):
        raise OracleDisagrees(f"{name} in accepted JSON")

    return json.loads(text, object_pairs_hook=unique, parse_constant=constant)


def _same_architecture(loaded: ParameterFile, meta: dict) -> None:
    _disagree(meta.get("layer_sizes") == list(loaded.config.layer_sizes), "layer_sizes differ")
    _disagree(meta.get("features") == list(loaded.config.features), "features differ")
    _disagree(meta.get("activation") == loaded.config.activation, "activation differs")


def _same_layers(loaded: ParameterFile, arrays: dict[str, np.ndarray]) -> None:
    names = {f"{2 * i}.{kind}" for i in range(len(loaded.layers)) for kind in ("weight", "bias")}
    _disagree(set(arrays) == names, f"the file holds {sorted(arrays)}, the app read {names}")
    for i, (w, b) in enumerate(loaded.layers):
        for name, mine in ((f"{2 * i}.weight", w), (f"{2 * i}.bias", b)):
            theirs = np.asarray(arrays[name])
            _disagree(theirs.dtype.kind == "f", f"{name} is {theirs.dtype}")
            _disagree(theirs.shape == mine.shape, f"{name} shape {theirs.shape} vs {mine.shape}")
            _disagree(np.array_equal(theirs.astype(np.float64), mine), f"{name} values differ")
            _disagree(bool(np.isfinite(mine).all()), f"{name} is not finite")


def _npz(loaded: ParameterFile, path: Path) -> None:
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except Exception as exc:
        raise OracleDisagrees(f"np.load refuses it: {exc!r:.200}") from None
    meta = arrays.pop("metadata", None)
    _disagree(meta is not None and meta.shape == (), "no 0-d metadata array")
    _same_architecture(loaded, _strict_json(str(meta[()])))
    _same_layers(loaded, arrays)


def _json(loaded: ParameterFile, path: Path) -> None:
    try:
        doc = _strict_json(path.read_bytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise OracleDisagrees(f"a strict JSON parse refuses it: {exc!r:.200}") from None
    _same_architecture(loaded, doc)
    layers = doc.get("layers")
    _disagree(isinstance(layers, list) and len(layers) == len(loaded.layers), "layers differ")
    arrays = {}
    for i, layer in enumerate(layers):
        arrays[f"{2 * i}.weight"] = np.array(layer["weight"], dtype=np.float64)
        arrays[f"{2 * i}.bias"] = np.array(layer["bias"], dtype=np.float64)
    _same_layers(loaded, arrays)


def _safetensors(loaded: ParameterFile, path: Path) -> None:
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="numpy") as opened:
            arrays = {name: opened.get_tensor(name) for name in opened.keys()}  # noqa: SIM118
            metadata = dict(opened.metadata() or {})
    except Exception as exc:
        raise OracleDisagrees(f"safetensors refuses it: {exc!r:.200}") from None
    _disagree(METADATA_KEY in metadata, "no architecture in the metadata")
    _same_architecture(loaded, _strict_json(metadata[METADATA_KEY]))
    _same_layers(loaded, arrays)


def _onnx(loaded: ParameterFile, path: Path) -> None:
    import onnx
    import onnxruntime

    data = path.read_bytes()
    try:
        model = onnx.load_model_from_string(data)
        onnx.checker.check_model(model, full_check=True)
    except Exception as exc:
        raise OracleDisagrees(f"onnx.checker refuses it: {exc!r:.200}") from None
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # errors only
    try:
        session = onnxruntime.InferenceSession(data, options, providers=["CPUExecutionProvider"])
        (theirs,) = session.run(["output"], {"input": _POINTS.astype(np.float32)})
    except Exception as exc:
        raise OracleDisagrees(f"onnxruntime cannot run it: {exc!r:.200}") from None
    mine = _forward(loaded.config, loaded.layers, _POINTS)
    _disagree(theirs.shape == mine.shape, f"output shape {theirs.shape} vs {mine.shape}")
    off = float(np.max(np.abs(theirs - mine) / (1 + np.abs(mine)), initial=0.0))
    # onnxruntime computes in float32, with its own approximations (its tanh is -1 where
    # NumPy's float32 tanh is still -0.99999994): where errors of that size, amplified by
    # the weights (a fuzzed weight of 1e12), move the output, only more is wrong
    slack = _float32_slack(loaded, mine)
    _disagree(off <= 1e-5 + 4 * slack, f"onnxruntime computes something else (off by {off:.3g})")


def _forward(config: Config, layers, points: np.ndarray) -> np.ndarray:
    trainer = Trainer(config)
    trainer.load_parameters([(w, b) for w, b in layers])
    with np.errstate(all="ignore"):
        return trainer.predict(points)


def _float32_slack(loaded: ParameterFile, output: np.ndarray) -> float:
    """How far the output moves when every feature, weight and activation is off by about
    float32's epsilon: the app's activations layer by layer, with noise of that size."""
    config, rng = loaded.config, np.random.default_rng(0)
    eps = float(np.finfo(np.float32).eps)

    def noisy(a: np.ndarray) -> np.ndarray:
        return a + eps * (1 + np.abs(a)) * rng.choice((-1.0, 1.0), a.shape)

    worst = 0.0
    with np.errstate(all="ignore"):
        for _ in range(4):
            h = noisy(feature_matrix(_POINTS, config.features))
            for i, (w, b) in enumerate(loaded.layers):
                z = noisy(h @ noisy(w).T + noisy(b))
                if i == len(loaded.layers) - 1:
                    break
                h = np.empty_like(z)
                get_activation(config.activation).forward(z, h)
                h = noisy(h)
            moved = _output_activation(config.output_activation, z)
            worst = max(worst, float(np.nanmax(np.abs(moved - output) / (1 + np.abs(output)))))
    return worst


def _output_activation(name: str, z: np.ndarray) -> np.ndarray:
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    out = np.empty_like(z)
    get_activation(name).forward(z, out)
    return out


ORACLES: dict[str, Callable[[ParameterFile, Path], None]] = {
    ".npz": _npz, ".json": _json, ".safetensors": _safetensors, ".onnx": _onnx,
}  # fmt: skip


def _train_on(state: dict, path: Path) -> None:
    trainer = Trainer.from_state(state)
    with np.errstate(all="ignore"):  # a diverging state may overflow: that is not an error
        trainer.train(1)


def _same_points(points: np.ndarray, path: Path) -> None:
    _disagree(points.ndim == 2 and points.shape[1] == 2, f"points of shape {points.shape}")
    _disagree(bool(np.isfinite(points).all()), "points that are not finite")
    text = path.read_bytes().decode("utf-8")
    if re.search(r'["\r\x00]', text):
        return  # quoting, lone carriage returns and NUL are the csv module's own business
    rows = [line.split(",") for line in text.split("\n")]
    header = [h.strip() for h in rows[0]]
    i, j = header.index("x1"), header.index("x2")
    expected = [(float(row[i]), float(row[j])) for row in rows[1:] if any(c.strip() for c in row)]
    _disagree(np.array_equal(points, np.array(expected).reshape(-1, 2)), "the points differ")


def main(argv: list[str] | None = None) -> int:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("formats", nargs="*", default=list(FORMATS))
    args = parser.parse_args(argv)
    failed = False
    for suffix in args.formats:
        with tempfile.TemporaryDirectory() as folder:
            report = fuzz(suffix, args.cases, args.seed, Path(folder))
        print(report)
        failed |= bool(report.failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
