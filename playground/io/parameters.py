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

This module is the front door (export_parameters, import_parameters); what the
formats share is in parameter_file.py, the checks on reading in parameter_checks.py.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

from ..core.config import Config
from .atomic import atomic_write
from .formats import PARAMETER_SUFFIXES
from .parameter_file import (
    ARCHITECTURE_KEYS,
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_FILE_BYTES,
    MAX_METADATA_CHARS,
    METADATA_KEY,
    ParameterFile,
    ParameterFileError,
    architecture_dict,
    checked_layers,
    fail,
    file_metadata,
    trainer_metadata,
)

__all__ = [
    "ARCHITECTURE_KEYS", "FORMATS", "FORMAT_NAME", "FORMAT_VERSION", "MAX_FILE_BYTES",
    "MAX_METADATA_CHARS", "METADATA_KEY", "ParameterFile", "ParameterFileError",
    "architecture_dict", "export_parameters", "file_metadata", "import_parameters",
    "read_bytes", "trainer_metadata",
]  # fmt: skip

FORMATS = PARAMETER_SUFFIXES  # its name here, which callers and tests use
_MODULES = dict(zip(FORMATS, ("safetensors_io", "onnx_io", "npz", "json_io"), strict=True))


def _format_module(path) -> ModuleType:
    suffix = Path(path).suffix.lower()
    if suffix not in _MODULES:
        raise fail(path, f"is not a parameter file name: it must end in {', '.join(FORMATS)}")
    return importlib.import_module(f".{_MODULES[suffix]}", __package__)


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
