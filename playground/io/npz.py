"""Parameters as a NumPy .npz archive, named as PyTorch's nn.Sequential names them.

Keys "0.weight" (out, in), "0.bias", "2.weight", ... (Linear layers sit at the
even positions of Sequential(Linear, Act, Linear, Act, ..., Linear)), plus
"metadata": a 0-d string array holding JSON that describes the architecture.
It loads with np.load(path, allow_pickle=False).
"""

from __future__ import annotations

import json

import numpy as np

from .. import __version__
from ..core.config import Config
from .atomic import atomic_write

FORMAT_NAME = "neural-playground-parameters"
FORMAT_VERSION = 1


def parameter_names(num_layers: int) -> list[tuple[str, str]]:
    return [(f"{2 * i}.weight", f"{2 * i}.bias") for i in range(num_layers)]


def architecture(config: Config) -> dict:
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
    }


def save_npz(path, layers, config: Config, extra_metadata: dict | None = None) -> None:
    """Write (weight, bias) pairs and their description to `path`, atomically."""
    arrays = {}
    for (w_name, b_name), (w, b) in zip(parameter_names(len(layers)), layers, strict=True):
        arrays[w_name] = np.ascontiguousarray(w, dtype=np.float64)
        arrays[b_name] = np.ascontiguousarray(b, dtype=np.float64)
    meta = architecture(config) | (extra_metadata or {})
    arrays["metadata"] = np.array(json.dumps(meta))
    with atomic_write(path, "wb") as handle:
        np.savez(handle, **arrays)
