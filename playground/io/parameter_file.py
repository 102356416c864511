"""What every parameter format shares: the `ParameterFile` a loader returns, its
error, the layers' names and shapes, and the JSON metadata every file embeds.

The layers are in PyTorch's layout, named "{2i}.weight" (out, in) and
"{2i}.bias" (out,) as nn.Sequential(Linear, Act, ..., Linear) names them; the
metadata (`file_metadata`) holds the architecture that rebuilds the network.
A network without biases (use_bias false, PyTorch's Linear(..., bias=False))
has no "{2i}.bias" arrays at all: `expected_shapes` alone decides which exist.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import __version__
from ..core.config import Config
from ..core.divergence import FLOAT32_MAX, beyond_float32
from ..core.features import DOMAIN, InputScaling
from .reading import printable_path

FORMAT_NAME = "neural-playground-parameters"
FORMAT_VERSION = 1
METADATA_KEY = "neural_playground"  # the metadata entry in .safetensors and .onnx
# {"offset": [o1, o2], "scale": [s1, s2]}: the network saw (x - offset) * scale
SCALING_KEY = "input_scaling"
# The largest network the app allows (9 features, 16 x 64 hidden, 8 classes) is
# 63,560 parameters: under 0.6 MB in float64, under 2 MB as JSON text.
MAX_FILE_BYTES = 4 * 2**20
MAX_METADATA_CHARS = 256 * 2**10
ARCHITECTURE_KEYS = (
    "format", "format_version", "app_version", "layer_sizes", "features", "activation",
    "output_activation", "use_bias", "loss", "problem", "dataset", "classes",
)  # fmt: skip


class ParameterFileError(ValueError):
    """A parameter file that cannot be used: one sentence naming the file and the problem."""


@dataclass(frozen=True)
class ParameterFile:
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]  # float64 (W (out, in), b (out,))
    config: Config  # the file's architecture applied onto Config() defaults
    metadata: dict = field(default_factory=dict)  # everything else the file says

    @property
    def scaling(self) -> InputScaling | None:
        """How inputs are mapped before the network (checked when the file was read)."""
        record = self.metadata.get(SCALING_KEY)
        if not isinstance(record, dict):
            return None
        return InputScaling(tuple(record["offset"]), tuple(record["scale"]))


def fail(path, problem: str) -> ParameterFileError:
    """The error for `path`, on one line whatever a library's message held; the
    file's name as it is, quoted with escapes if it holds a newline or the like."""
    name = printable_path(Path(path).name or str(path))
    return ParameterFileError(f"{name}: {' '.join(problem.split())}")


def shown(value, limit: int = 40) -> str:
    """A value from a file, quoted and cut short for a message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def layer_names(num_layers: int) -> list[tuple[str, str]]:
    return [(f"{2 * i}.weight", f"{2 * i}.bias") for i in range(num_layers)]


def expected_shapes(config: Config) -> dict[str, tuple[int, ...]]:
    """Every array a file of this architecture holds, by name, in layer order: a weight
    and a bias per layer, or the weights alone for a network without biases."""
    sizes = config.layer_sizes
    out: dict[str, tuple[int, ...]] = {}
    for i, (w, b) in enumerate(layer_names(len(sizes) - 1)):
        out[w] = (sizes[i + 1], sizes[i])
        if config.use_bias:
            out[b] = (sizes[i + 1],)
    return out


def named_arrays(layers, config: Config) -> dict[str, np.ndarray]:
    """The arrays a file holds, by name, in file order: `expected_shapes`' names, taken
    from (weight, bias) pairs (a network without biases leaves its zero biases out)."""
    pairs = zip(layer_names(len(layers)), layers, strict=True)
    arrays = {name: array for names, pair in pairs for name, array in zip(names, pair, strict=True)}
    return {name: arrays[name] for name in expected_shapes(config)}


def zero_bias(rows: int) -> np.ndarray:
    """The bias of a layer of a network without biases, as a loaded file gives it."""
    bias = np.zeros(rows, dtype=np.float64)
    bias.flags.writeable = False
    return bias


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
        "use_bias": config.use_bias,  # a file without it has biases (written before it existed)
        "loss": config.loss,
        "problem": config.problem,
        "dataset": config.dataset,
        "classes": config.num_classes,  # 0 for regression, 2 for binary
    }


def data_description(config: Config) -> dict:
    c = config
    return {"dataset": c.dataset, "problem": c.problem, "classes": c.num_classes,
            "points": c.points, "noise": c.noise, "train_ratio": c.train_ratio,
            "seed": c.data_seed, "domain": [-DOMAIN, DOMAIN], "shift": list(c.shift),
            **({"formula": c.formula} if c.formula else {})}  # fmt: skip


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


def checked_layers(layers, config: Config) -> list[tuple[np.ndarray, np.ndarray]]:
    """float64 C-contiguous copies, after checking they fit the config (a caller's bug if
    not); without biases (use_bias false) every bias is all zeros, as Trainer.parameters gives."""
    sizes = config.layer_sizes
    layers = list(layers)
    if len(layers) != len(sizes) - 1:
        raise ValueError(f"expected {len(sizes) - 1} layers for {sizes_text(config)}")
    out, names = [], layer_names(len(layers))
    for i, (w, b) in enumerate(layers):
        w, b = np.array(w, dtype=np.float64), np.array(b, dtype=np.float64)
        if (w.shape, b.shape) != ((sizes[i + 1], sizes[i]), (sizes[i + 1],)):
            raise ValueError(f"layer {i} has shapes {w.shape} and {b.shape}, not the config's")
        for name, array in zip(names[i], (w, b), strict=True):
            if not np.isfinite(array).all():
                raise ValueError(f"layer {i} holds a NaN or infinite value in {name}")
        if not config.use_bias and np.any(b != 0):
            raise ValueError(f"layer {i} has a nonzero {names[i][1]}, but use_bias is off")
        out.append((w, b))
    return out


def check_float32_range(layers, kind: str) -> None:
    """For a float32 format: a finite float64 beyond float32's range would be written as
    inf, a file no reader takes back, so it is refused here, naming its array."""
    for names, arrays in zip(layer_names(len(layers)), layers, strict=True):
        for name, array in zip(names, arrays, strict=True):
            if beyond_float32(array) is not None:  # finite here: checked_layers came first
                worst = array.flat[np.argmax(np.abs(array))]
                raise ValueError(
                    f"{name} holds {worst:.2g}, beyond float32's range ({FLOAT32_MAX:.2g}), "
                    f"so a {kind} file cannot hold it (.json, .npz or float64 .safetensors can)"
                )
