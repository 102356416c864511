"""Parameters as a NumPy .npz archive, named as PyTorch's nn.Sequential names them.

Keys "0.weight" (out, in), "0.bias", "2.weight", ... (Linear layers sit at the
even positions of Sequential(Linear, Act, Linear, Act, ..., Linear); a network
without biases has no "{2i}.bias"), plus "metadata": a 0-d string array holding
JSON that describes the architecture.
It loads with np.load(path, allow_pickle=False).

Reading does not use np.load: it walks the zip itself and reads each member's
.npy header first, so an object array (a pickle) or a header claiming a huge
shape is refused before a byte of its data is read.
"""

from __future__ import annotations

import io
import json
import struct
import tokenize
import zipfile
import zlib

import numpy as np

from ..core.config import Config
from .atomic import atomic_write
from .parameter_checks import (
    check_entries,
    make_parameter_file,
    parse_json,
    read_architecture,
)
from .parameter_file import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MAX_FILE_BYTES,
    MAX_METADATA_CHARS,
    ParameterFile,
    ParameterFileError,
    checked_layers,
    fail,
    file_metadata,
    named_arrays,
    shown,
)

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "save_npz"]

PRECISIONS = ("float64",)
MAX_BYTES = MAX_FILE_BYTES
_MAX_MEMBERS = 64  # a legal file has at most 2 x 17 arrays and the metadata
_PARAMETER_DTYPES = ("f2", "f4", "f8")
ZIP_START = b"PK\x03\x04"  # a ZIP file's first member header (APPNOTE.TXT 4.3.7)
# A damaged archive can make zipfile or NumPy's header parser raise almost
# anything (tokenize.TokenError from a flipped byte in a .npy header, for one).
_BAD_ARCHIVE = (
    zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError,
    RuntimeError, zlib.error, ValueError, SyntaxError, TypeError, KeyError,
    tokenize.TokenError, IndexError, OverflowError, struct.error,
)  # fmt: skip


def save_npz(path, layers, config: Config, extra_metadata: dict | None = None) -> None:
    """Write (weight, bias) pairs and their description to `path`, atomically."""
    meta = file_metadata(config, extra_metadata)
    data = encode(checked_layers(layers, config), config, meta, "float64")
    with atomic_write(path, "wb") as handle:
        handle.write(data)


def encode(layers, config: Config, meta: dict, precision: str) -> bytes:
    arrays = {
        name: np.ascontiguousarray(array, dtype=precision)
        for name, array in named_arrays(layers, config).items()
    }
    arrays["metadata"] = np.array(json.dumps(meta, allow_nan=False))
    buffer = io.BytesIO()
    # ignored: numpy's stub fears **arrays could set allow_pickle; the keys are layer names
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


def decode(path, data: bytes) -> ParameterFile:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if not data.startswith(ZIP_START):  # zipfile skips a prefix; np.load does not
                raise fail(path, "has bytes before its ZIP archive, which np.load does not read")
            return _decode(path, archive)
    except ParameterFileError:
        raise
    except _BAD_ARCHIVE as exc:
        raise fail(path, f"is not a readable .npz archive ({str(exc)[:80]})") from None


def _decode(path, archive: zipfile.ZipFile) -> ParameterFile:
    infos = archive.infolist()
    if len(infos) > _MAX_MEMBERS:
        raise fail(path, f"has {len(infos)} members, more than a parameter file can")
    members = {}
    for info in infos:
        name = info.filename
        if not name.endswith(".npy") or name[:-4] in members:
            raise fail(path, f"has a member {shown(name)} that is not one named .npy array")
        members[name[:-4]] = info
    if "metadata" not in members:
        raise fail(path, "has no metadata array, so its architecture is unknown")
    with archive.open(members.pop("metadata")) as handle:
        dtype, shape, fortran = _header(path, "metadata", handle)
        if dtype.kind != "U" or shape != () or dtype.itemsize > 4 * MAX_METADATA_CHARS:
            raise fail(path, "has a metadata array that is not one JSON string")
        text = str(_payload(path, "metadata", handle, dtype, shape, fortran)[()])
    meta = parse_json(path, text, "metadata")
    config = read_architecture(path, meta)

    headers = {}
    for name, info in members.items():
        with archive.open(info) as handle:
            headers[name] = _header(path, name, handle)
    declared = {name: (dtype, shape) for name, (dtype, shape, _) in headers.items()}
    check_entries(path, declared, config, lambda d: d.str[1:] in _PARAMETER_DTYPES)
    arrays = {}
    for name, info in members.items():
        with archive.open(info) as handle:
            arrays[name] = _payload(path, name, handle, *_header(path, name, handle))
    return make_parameter_file(path, arrays, config, meta)


def _header(path, name, handle):
    """(dtype, shape, fortran_order) from a member's .npy header; the data stays unread."""
    version = np.lib.format.read_magic(handle)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(handle)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(handle)
    else:
        raise fail(path, f"stores {name} in .npy version {version}, which this app does not read")
    return dtype, tuple(shape), fortran


def _payload(path, name, handle, dtype, shape, fortran) -> np.ndarray:
    """The data after a checked header: exactly the bytes the header promised."""
    if dtype.hasobject or dtype.kind not in "fU":
        raise fail(path, f"stores {name} as {shown(str(dtype))}, which this app does not read")
    size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    raw = handle.read(size + 1)  # one more: trailing bytes are damage too
    if len(raw) != size:
        got = "more" if len(raw) > size else f"{len(raw)}"
        raise fail(path, f"has {name} with {got} bytes of data where its header says {size}")
    return np.frombuffer(raw, dtype=dtype).reshape(shape, order="F" if fortran else "C")
