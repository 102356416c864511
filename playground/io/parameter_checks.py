"""Reading a parameter file: its metadata and arrays checked against the
architecture it claims, before anything is built from them.

Every problem is a `ParameterFileError`: one sentence that names the file.
"""

from __future__ import annotations

import json
from typing import TypeGuard

import numpy as np

from ..core.config import (
    CUSTOM_DATASET,
    MAX_HIDDEN_LAYERS,
    MULTICLASS_DATASETS,
    OWN_DATASET,
    Config,
    ConfigError,
)
from .parameter_file import (
    ARCHITECTURE_KEYS,
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_METADATA_CHARS,
    SCALING_KEY,
    ParameterFile,
    expected_shapes,
    fail,
    layer_names,
    shown,
    sizes_text,
    zero_bias,
)

# what a loaded file's metadata drops: the architecture, which is its config now
_CONSUMED = frozenset(ARCHITECTURE_KEYS) - {"format_version", "app_version"}


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


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


MAX_OFFSET, MAX_SCALE = 1e6, 1e12  # own points lie within ±1e6


def check_scaling(path, meta: dict) -> None:
    """A recorded input scaling: {"offset": [2 numbers], "scale": [2 positive numbers]}."""
    if SCALING_KEY not in meta:
        return
    record = meta[SCALING_KEY]
    if not isinstance(record, dict) or set(record) != {"offset", "scale"}:
        raise fail(path, f"has {SCALING_KEY} {shown(record)}, not an offset and a scale")
    bounds = {
        "offset": (-MAX_OFFSET, MAX_OFFSET, f"from {-MAX_OFFSET:g} to {MAX_OFFSET:g}"),
        "scale": (0.0, MAX_SCALE, f"above 0 and up to {MAX_SCALE:g}"),
    }
    for key, (lo, hi, words) in bounds.items():
        values = record[key]
        ok = isinstance(values, list) and len(values) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and lo <= v <= hi
            and not (key == "scale" and v == 0)
            for v in values
        )  # fmt: skip
        if not ok:
            raise fail(
                path, f"has an {SCALING_KEY} {key} of {shown(values)}, not two numbers {words}"
            )


def read_architecture(path, meta: dict) -> Config:
    """The Config a file's metadata describes, checked for consistency."""
    check_scaling(path, meta)
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
    if not isinstance(meta.get("use_bias", True), bool):  # no key: written before it, with biases
        raise fail(path, f"has use_bias {shown(meta['use_bias'])}, not true or false")
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
        "use_bias": meta.get("use_bias", True),
    }
    dataset = meta.get("dataset")
    if dataset is not None:
        if not isinstance(dataset, str):
            raise ConfigError(f"dataset must be a name (got {shown(dataset)})")
        values["dataset"] = dataset
        if dataset in (*MULTICLASS_DATASETS, OWN_DATASET):  # their class count says the outputs
            values["classes"] = meta.get("classes", max(outputs, 2))
        elif dataset == CUSTOM_DATASET:  # its formula is in the full config; a stand-in of its kind
            values["dataset"] = "plane" if problem == "regression" else "circle"
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
    biases = {b for _, b in layer_names(len(config.layer_sizes) - 1)}
    for name in found:
        if name not in want and name in biases:  # so use_bias is false
            raise fail(path, f"holds {name}, but its {arch} network has no biases (use_bias false)")
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
    """The final checks (shapes, finite values) and the float64 result (with zero biases
    for a network without biases)."""
    declared = {k: (a.dtype, a.shape) for k, a in arrays.items()}
    check_entries(path, declared, config, lambda d: d.kind == "f")
    layers = []
    for w_name, b_name in layer_names(len(config.layer_sizes) - 1):
        weight = _final_array(path, w_name, arrays[w_name])
        if config.use_bias:
            layers.append((weight, _final_array(path, b_name, arrays[b_name])))
        else:  # no bias in the file: the layer's bias is zeros, as Trainer.parameters gives
            layers.append((weight, zero_bias(len(weight))))
    metadata = {k: v for k, v in meta.items() if k not in _CONSUMED}
    return ParameterFile(tuple(layers), config, metadata)


def _final_array(path, name: str, value) -> np.ndarray:
    with np.errstate(invalid="ignore"):  # a signalling NaN warns on the cast; refused below
        array = np.array(value, dtype=np.float64, order="C")
    if not np.isfinite(array).all():
        raise fail(path, f"has a NaN or infinite value in {name}")
    array.flags.writeable = False  # a ParameterFile is a value: no one edits it in place
    return array
