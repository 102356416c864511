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
from .reading import FileTooLarge, UnreadableFile, read_regular

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
    """The file's bytes: a regular file only (a named pipe would block, /dev/zero never
    ends), of at most `limit` bytes, checked before reading and bounded while reading."""
    try:
        return read_regular(path, limit)
    except FileTooLarge as exc:
        why = f"is {exc.size} bytes, over the {limit}-byte limit for its format"
        raise fail(path, why) from None
    except UnreadableFile as exc:  # a named pipe, a device, a folder
        raise fail(path, f"cannot be read: it {exc}") from None
    except OSError as exc:
        raise fail(path, f"cannot be read ({exc.strerror or exc})") from None
