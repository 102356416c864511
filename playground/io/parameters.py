"""Trained parameters in the files people use: .safetensors, .onnx, .npz and .json.

Every format holds the same two things: the layers in PyTorch's layout, named
"{2i}.weight" (out, in) and "{2i}.bias" (out,) as nn.Sequential(Linear, Act,
..., Linear) names them, and one JSON metadata object (`file_metadata`) whose
architecture lets the playground rebuild the network.  The format follows the
file's extension; each lives in its own module with `encode` and `decode`.

Loading validates before it reads: size, structure, names, shapes and dtypes
are checked against the architecture before any array is read, so a hostile
header cannot make it allocate, and nothing changes until a whole
`ParameterFile` exists.  Every problem is a `ParameterFileError`: one sentence
that names the file.
"""

from __future__ import annotations

import importlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import __version__
from ..core.config import MAX_HIDDEN_LAYERS, MULTICLASS_DATASETS, Config, ConfigError
from ..core.features import DOMAIN
from .atomic import atomic_write

FORMAT_NAME = "neural-playground-parameters"
FORMAT_VERSION = 1
FORMATS = (".safetensors", ".onnx", ".npz", ".json")
METADATA_KEY = "neural_playground"  # the metadata entry in .safetensors and .onnx
# The largest network the app allows (9 features, 16 x 64 hidden, 8 classes) is
# 63,560 parameters: under 0.6 MB in float64, under 2 MB as JSON text.
MAX_FILE_BYTES = 4 * 2**20
MAX_METADATA_CHARS = 256 * 2**10
ARCHITECTURE_KEYS = (
    "format", "format_version", "app_version", "layer_sizes", "features", "activation",
    "output_activation", "loss", "problem", "dataset", "classes",
)  # fmt: skip
_MODULES = {".safetensors": "safetensors_io", ".onnx": "onnx_io", ".npz": "npz", ".json": "json_io"}
# what a loaded file's metadata drops: the architecture, which is its config now
_CONSUMED = frozenset(ARCHITECTURE_KEYS) - {"format_version", "app_version"}


class ParameterFileError(ValueError):
    """A parameter file that cannot be used: one sentence naming the file and the problem."""


@dataclass(frozen=True)
class ParameterFile:
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]  # float64 (W (out, in), b (out,))
    config: Config  # the file's architecture applied onto Config() defaults
    metadata: dict = field(default_factory=dict)  # everything else the file says


def fail(path, problem: str) -> ParameterFileError:
    """The error for `path`, on one line whatever a library's message held."""
    name = Path(path).name or str(path)
    return ParameterFileError(" ".join(f"{name}: {problem}".split()))


def shown(value, limit: int = 40) -> str:
    """A value from a file, quoted and cut short for a message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def layer_names(num_layers: int) -> list[tuple[str, str]]:
    return [(f"{2 * i}.weight", f"{2 * i}.bias") for i in range(num_layers)]


def expected_shapes(config: Config) -> dict[str, tuple[int, ...]]:
    """Every array a file of this architecture holds, by name, in layer order."""
    sizes = config.layer_sizes
    out = {}
    for i, (w, b) in enumerate(layer_names(len(sizes) - 1)):
        out[w], out[b] = (sizes[i + 1], sizes[i]), (sizes[i + 1],)
    return out


def sizes_text(config: Config) -> str:
    return "-".join(map(str, config.layer_sizes))


# --- what a file says besides its numbers ---------------------------------


def architecture_dict(config: Config) -> dict:
    """The architecture every format embeds: enough to rebuild the network."""
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "layer_sizes": list(config.layer_sizes),
        "features": list(config.features),
        "activation": config.activation,
        "output_activation": config.output_activation,
        "loss": config.loss,
        "problem": config.problem,
        "dataset": config.dataset,
        "classes": config.num_classes,  # 0 for regression, 2 for binary
    }


def data_description(config: Config) -> dict:
    c = config
    return {"dataset": c.dataset, "problem": c.problem, "classes": c.num_classes,
            "points": c.points, "noise": c.noise, "train_ratio": c.train_ratio,
            "seed": c.data_seed, "domain": [-DOMAIN, DOMAIN]}  # fmt: skip


def file_metadata(config: Config, metadata: dict | None = None) -> dict:
    """The JSON object a file embeds: architecture, full config, data, then the caller's."""
    extra = _plain(dict(metadata or {}))
    taken = sorted(set(extra) & {*ARCHITECTURE_KEYS, "layers"})
    if taken:
        raise ValueError(f"metadata must not set {taken[0]!r}: it comes from the config")
    meta = architecture_dict(config)
    meta |= {"config": config.to_dict(), "data": data_description(config)} | extra
    try:  # fail on export, not on a later import
        text = json.dumps(meta, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"metadata must be plain JSON ({exc})") from None
    if len(text) > MAX_METADATA_CHARS:
        raise ValueError(f"metadata must be under {MAX_METADATA_CHARS} characters as JSON")
    return meta


def _plain(value):
    """JSON-ready: NumPy scalars as Python numbers, tuples as lists, NaN and infinity as null."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    return None if isinstance(value, float) and not math.isfinite(value) else value


def trainer_metadata(trainer) -> dict:
    """A Trainer's epoch and metrics, for export_parameters(metadata=...)."""
    return {"epoch": trainer.epoch, "metrics": trainer.metrics.as_dict()}


# --- export ------------------------------------------------------------------


def _format_module(path):
    suffix = Path(path).suffix.lower()
    if suffix not in _MODULES:
        raise fail(path, f"is not a parameter file name: it must end in {', '.join(FORMATS)}")
    return importlib.import_module(f".{_MODULES[suffix]}", __package__)


def checked_layers(layers, config: Config) -> list[tuple[np.ndarray, np.ndarray]]:
    """float64 C-contiguous copies, after checking they fit the config (a caller's bug if not)."""
    shapes = list(expected_shapes(config).values())
    layers = list(layers)
    if 2 * len(layers) != len(shapes):
        raise ValueError(f"expected {len(shapes) // 2} layers for {sizes_text(config)}")
    out = []
    for i, (w, b) in enumerate(layers):
        w, b = np.array(w, dtype=np.float64), np.array(b, dtype=np.float64)
        if (w.shape, b.shape) != (shapes[2 * i], shapes[2 * i + 1]):
            raise ValueError(f"layer {i} has shapes {w.shape} and {b.shape}, not the config's")
        if not (np.isfinite(w).all() and np.isfinite(b).all()):
            raise ValueError(f"layer {i} holds a NaN or infinite value")
        out.append((w, b))
    return out


def export_parameters(
    path, layers, config: Config, *, precision: str | None = None, metadata: dict | None = None
) -> None:
    """Write `layers` in the format of `path`'s extension, atomically.

    precision: None for the format's own (float32 for .safetensors and .onnx,
    float64 for .npz and .json); "float64" is also available for .safetensors.
    """
    module = _format_module(path)
    precision = precision or module.PRECISIONS[0]
    if precision not in module.PRECISIONS:
        raise ValueError(
            f"{Path(path).suffix} files store {' or '.join(module.PRECISIONS)}, not {precision!r}"
        )
    layers = checked_layers(layers, config)
    data = module.encode(layers, config, file_metadata(config, metadata), precision)
    with atomic_write(path, "wb") as handle:
        handle.write(data)


# --- import ------------------------------------------------------------------


def import_parameters(path) -> ParameterFile:
    """Read a parameter file of any of FORMATS; a bad one raises ParameterFileError."""
    module = _format_module(path)
    return module.decode(path, read_bytes(path, getattr(module, "MAX_BYTES", MAX_FILE_BYTES)))


def read_bytes(path, limit: int) -> bytes:
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise fail(path, f"is {size} bytes, over the {limit}-byte limit for its format")
            # read(n) sets n bytes aside first; a size of 0 may be a pipe or /proc file
            data = handle.read((size or limit) + 1)
    except OSError as exc:
        raise fail(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise fail(path, f"is over the {limit}-byte limit for its format")
    return data


def _reject_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def _unique_keys(pairs):
    if len({k for k, _ in pairs}) != len(pairs):
        raise ValueError("a key appears twice in one object")
    return dict(pairs)


def parse_json(path, text, what: str, limit: int | None = MAX_METADATA_CHARS) -> dict:
    """A strict JSON object: no NaN or Infinity, no repeated keys, bounded size."""
    if not isinstance(text, str):
        raise fail(path, f"its {what} is not text")
    if limit is not None and len(text) > limit:
        raise fail(path, f"its {what} is over {limit} characters")
    try:
        value = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise fail(path, f"its {what} is not valid JSON ({str(exc)[:80]})") from None
    if not isinstance(value, dict):
        raise fail(path, f"its {what} is not a JSON object")
    return value


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def read_architecture(path, meta: dict) -> Config:
    """The Config a file's metadata describes, checked for consistency."""
    if meta.get("format") != FORMAT_NAME:
        got = "no format" if "format" not in meta else f"format {shown(meta['format'])}"
        raise fail(path, f"has {got} where a {FORMAT_NAME} architecture belongs")
    version = meta.get("format_version")
    if not _is_int(version) or version < 1:
        raise fail(path, f"has format_version {shown(version)}, not a positive integer")
    if version > FORMAT_VERSION:
        raise fail(path, f"has format version {version}; this app reads up to {FORMAT_VERSION}")
    sizes = meta.get("layer_sizes")
    most = MAX_HIDDEN_LAYERS + 2
    if not (isinstance(sizes, list) and 2 <= len(sizes) <= most and all(map(_is_int, sizes))):
        raise fail(path, f"has layer_sizes {shown(sizes)}, not a list of 2 to {most} integers")
    features = meta.get("features")
    if not (isinstance(features, list) and all(isinstance(f, str) for f in features)):
        raise fail(path, f"has features {shown(features)}, not a list of feature names")
    for key in ("activation", "output_activation", "loss", "problem"):
        if not isinstance(meta.get(key), str):
            raise fail(path, f"has {key} {shown(meta.get(key))}, not a name")
    try:
        config = _config_for(meta, sizes, features)
    except ConfigError as exc:
        raise fail(path, f"has an architecture the app cannot build: {exc}") from None
    if list(config.features) != features:
        raise fail(path, f"lists features {shown(features)} out of the app's order")
    if list(config.layer_sizes) != sizes:
        given = list(config.layer_sizes)
        raise fail(path, f"has layer_sizes {sizes} where its features and problem give {given}")
    if config.output_activation != meta["output_activation"]:
        got, want = shown(meta["output_activation"]), config.output_activation
        raise fail(path, f"has output_activation {got} where its loss and problem give {want!r}")
    return config


def _config_for(meta: dict, sizes: list, features: list) -> Config:
    problem, outputs = meta["problem"], sizes[-1]
    values = {
        "features": tuple(features),
        "hidden": tuple(sizes[1:-1]),
        "activation": meta["activation"],
        "loss": meta["loss"],
        "problem": problem,
    }
    dataset = meta.get("dataset")
    if dataset is not None:
        if not isinstance(dataset, str):
            raise ConfigError(f"dataset must be a name (got {shown(dataset)})")
        values["dataset"] = dataset
        if dataset in MULTICLASS_DATASETS:  # their class count is the output count
            values["classes"] = meta.get("classes", outputs)
    elif problem == "regression":
        values["dataset"] = "plane"
    elif outputs > 1:
        values["dataset"], values["classes"] = "blobs", outputs
    else:
        values["dataset"] = "circle"
    return Config.from_dict(values)


def check_entries(path, found: dict, config: Config, dtype_ok) -> None:
    """Names, dtypes and shapes a container declares ({name: (dtype, shape)}), before any data."""
    want = expected_shapes(config)
    arch = sizes_text(config)
    for name in found:
        if name not in want:
            raise fail(path, f"holds {shown(name)}, which no layer of a {arch} network has")
    for name, shape in want.items():
        if name not in found:
            raise fail(path, f"has no {name}, which its {arch} network needs")
        dtype, got = found[name]
        if not dtype_ok(dtype):
            raise fail(path, f"stores {name} as {shown(str(dtype))}, not as floating point")
        if tuple(got) != shape:
            got = shown(tuple(got))
            raise fail(path, f"has {name} of shape {got} where its {arch} network needs {shape}")


def make_parameter_file(path, arrays: dict, config: Config, meta: dict) -> ParameterFile:
    """The final checks (shapes, finite values) and the float64 result."""
    declared = {k: (a.dtype, a.shape) for k, a in arrays.items()}
    check_entries(path, declared, config, lambda d: d.kind == "f")
    layers = []
    for names in layer_names(len(config.layer_sizes) - 1):
        pair = tuple(np.array(arrays[name], dtype=np.float64, order="C") for name in names)
        for name, a in zip(names, pair, strict=True):
            if not np.isfinite(a).all():
                raise fail(path, f"has a NaN or infinite value in {name}")
            a.flags.writeable = False  # a ParameterFile is a value: no one edits it in place
        layers.append(pair)
    metadata = {k: v for k, v in meta.items() if k not in _CONSUMED}
    return ParameterFile(tuple(layers), config, metadata)
