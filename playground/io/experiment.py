"""Experiment files (.playground): a trainer's whole state in one ZIP archive.

Opening one and training on gives the same bits as never having stopped.
The archive (format "neural-playground-experiment", version 1) holds

    experiment.json         format, version, app_version, state, extra
                            (version 2 also: timeline, pins)
    params.npy              one .npy member per array of the state, named by
    dataset/x_train.npy     its place in it; in experiment.json each array is
    optimizer/m.npy ...     replaced by {"$npy": "<member name>"}
    timeline/arrays.npy     the timeline's checkpoints (core/timeline.py), and
    pins/0/history.npy ...  the pinned runs (core/pins.py), likewise

`state` is `Trainer.state_dict()` (layout in core/checkpoint.py); `extra` is
whatever JSON the window wants back.  A file without a timeline or pins is
written as version 1, which older versions of the app read.  Nothing is pickled, so any ZIP tool and
`np.load(..., allow_pickle=False)` can read the parts.

Reading trusts nothing: only a regular file of bounded size is opened
(io/reading.py), sizes are checked against the ZIP directory before anything
is inflated, experiment.json is parsed strictly (bounded nesting, no repeated
keys, no NaN), each .npy header (dtype, shape, size) before its data, every
member must be one the state uses, and the state is checked by the engine
(`check_state`) before it is returned.  Every failure is one
ExperimentFileError sentence naming the file, and nothing else changes; a
failed save leaves the old file as it was.
"""

from __future__ import annotations

import io
import json
import lzma
import os
import re
import struct
import tokenize
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import __version__
from ..core.checkpoint import check_state
from ..core.pins import MAX_PINS, PinnedRun, pin_from_tree
from ..core.timeline import Checkpoint, timeline_from_tree, timeline_to_tree
from . import strict_json
from .atomic import atomic_write
from .formats import EXPERIMENT_SUFFIX
from .reading import FileTooLarge, UnreadableFile, open_regular, printable_path
from .zip_directory import claimed_directory_sizes

FORMAT_NAME = "neural-playground-experiment"
FORMAT_VERSION = 2  # 2: a timeline and pinned runs beside the state
SUFFIX = EXPERIMENT_SUFFIX  # its name here, which tests use
JSON_MEMBER = "experiment.json"

MAX_TOTAL_BYTES = 256 * 2**20  # unpacked; 100,000 points and a million epochs of history fit
MAX_MEMBERS = 64  # a state has about 15 arrays
MAX_DIRECTORY_BYTES = 64 * 2**10  # ZIP directory: ~100 bytes a member
MAX_JSON_BYTES = 16 * 2**20
MAX_FILE_BYTES = MAX_TOTAL_BYTES + MAX_JSON_BYTES  # a file can hardly be larger unpacked
MAX_JSON_DEPTH = 32  # lists and objects in experiment.json: the state nests about 5 deep
MAX_HEADER_BYTES = 4096  # a .npy header of a plain array is about 128 bytes
MAX_DEPTH = 8  # the state nests 3 deep (checkpoint / optimizer / m)
ARRAY_TYPES = ("f8", "i8")  # float64 and int64, either byte order
_MARKER = "$npy"
_MEMBER_NAME = re.compile(r"[a-z0-9_]+(/[a-z0-9_]+)*\.npy")
# What a damaged or hostile file makes zipfile, zlib, json or numpy raise.
# Caught only around reading, where any of them means "not an intact file".
_UNREADABLE = (
    OSError, EOFError, ValueError, TypeError, KeyError, IndexError, OverflowError,
    RuntimeError, NotImplementedError, SyntaxError,
    zipfile.BadZipFile, zlib.error, lzma.LZMAError, struct.error,
    tokenize.TokenError,  # a flipped byte in a .npy header can end NumPy's header parse so
)  # fmt: skip


class ExperimentFileError(ValueError):
    """An experiment file cannot be saved or opened (one sentence naming the file)."""


@dataclass(frozen=True)
class Experiment:
    state: dict  # for Trainer.from_state
    extra: dict
    app_version: str  # the app that wrote the file
    timeline: tuple[Checkpoint, ...] = ()  # oldest first
    pins: tuple[PinnedRun, ...] = ()


def save_experiment(
    path,
    trainer_state: dict,
    extra: dict | None = None,
    timeline: Iterable[Checkpoint] = (),
    pins: Iterable[PinnedRun] = (),
) -> None:
    """Write `trainer_state` (Trainer.state_dict()), `extra`, the timeline's
    checkpoints and the pinned runs to `path`, atomically.

    The state is checked first, so every file written opens again.
    """
    where = os.fspath(path)
    try:
        checked = check_state(trainer_state)
        arrays: dict[str, np.ndarray] = {}
        timeline, pins = list(timeline), list(pins)
        if len(pins) > MAX_PINS:
            raise ValueError(f"an experiment keeps at most {MAX_PINS} pinned runs")
        document = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION if timeline or pins else 1,
            "app_version": __version__,
            "state": _split(trainer_state, (), arrays),
            "extra": {} if extra is None else extra,
        }
        if timeline:
            tree = timeline_to_tree(timeline)
            timeline_from_tree(tree, checked.config, checked.epoch)  # it must open again
            document["timeline"] = _split(tree, ("timeline",), arrays)
        if pins:
            trees = [pin.to_tree() for pin in pins]
            document["pins"] = _split(trees, ("pins",), arrays)
        if not isinstance(document["extra"], dict):
            raise ValueError("extra must be a dict of JSON values")
        text = json.dumps(document, allow_nan=False, indent=1)
        if strict_json.nesting_depth(text) > MAX_JSON_DEPTH:
            raise ValueError(f"extra is nested more than {MAX_JSON_DEPTH} levels deep")
        data = text.encode("utf-8")
        size = len(data) + sum(a.nbytes + MAX_HEADER_BYTES for a in arrays.values())
        if size > MAX_TOTAL_BYTES:
            raise ValueError(f"the experiment is larger than {MAX_TOTAL_BYTES >> 20} MB")
    except (ValueError, TypeError, RecursionError) as exc:
        raise ExperimentFileError(_sentence("save", where, exc)) from None
    try:
        with (
            atomic_write(path, "wb") as handle,
            zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            archive.writestr(JSON_MEMBER, data)
            for name, array in arrays.items():
                with archive.open(name, "w") as member:
                    np.lib.format.write_array(member, array, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise ExperimentFileError(_sentence("save", where, exc)) from None


def load_experiment(path) -> dict:
    """The trainer state saved in `path`, checked, for Trainer.from_state."""
    return read_experiment(path).state


def read_experiment(path) -> Experiment:
    """The state, extra and writing app version saved in `path`, all checked."""
    where = os.fspath(path)
    try:
        with open_regular(path, MAX_FILE_BYTES) as handle:
            _check_directory_size(handle)
            with zipfile.ZipFile(handle) as archive:
                handle.seek(0)  # zipfile skips bytes before the archive; other ZIP tools may not
                if handle.read(4) != b"PK\x03\x04":
                    raise ValueError("it has bytes before its ZIP archive")
                experiment = _read(archive)
        check_state(experiment.state)
    except FileTooLarge:
        why = ValueError(f"it is larger than an experiment can be ({MAX_TOTAL_BYTES >> 20} MB)")
        raise ExperimentFileError(_sentence("open", where, why)) from None
    except UnreadableFile as exc:  # a named pipe, a device, a folder
        raise ExperimentFileError(_sentence("open", where, ValueError(f"it {exc}"))) from None
    except _UNREADABLE as exc:
        raise ExperimentFileError(_sentence("open", where, exc)) from None
    return experiment


# --- writing --------------------------------------------------------------------


def _split(node, place: tuple[str, ...], arrays: dict) -> object:
    """node with each array moved to `arrays` (by member name) and marked."""
    if isinstance(node, np.ndarray):
        name = "/".join(place) + ".npy"
        if not _MEMBER_NAME.fullmatch(name):
            raise ValueError(f"cannot name an array at {'/'.join(place)!r} in a file")
        arrays[name] = np.ascontiguousarray(node)
        return {_MARKER: name}
    if isinstance(node, dict):
        if not all(isinstance(key, str) for key in node):
            raise ValueError(f"the state at {'/'.join(place)!r} has a key that is not a text")
        return {key: _split(value, (*place, key), arrays) for key, value in node.items()}
    if isinstance(node, (list, tuple)):
        return [_split(value, (*place, str(i)), arrays) for i, value in enumerate(node)]
    if isinstance(node, np.generic):
        return node.item()
    return node  # json.dumps refuses what JSON cannot hold


# --- reading --------------------------------------------------------------------


def _check_directory_size(handle) -> None:
    """Refuse a huge ZIP directory before ZipFile parses it into millions of entries."""
    size = os.fstat(handle.fileno()).st_size  # at most MAX_FILE_BYTES (open_regular)
    if any(claim > MAX_DIRECTORY_BYTES for claim in claimed_directory_sizes(handle, size)):
        raise ValueError("its ZIP directory is far larger than an experiment's")


def _read(archive: zipfile.ZipFile) -> Experiment:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ValueError(f"it has {len(infos)} members, more than an experiment has")
    members = {info.filename: info for info in infos}
    if len(members) != len(infos):
        raise ValueError("it has two members with the same name")
    if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:  # a zip bomb, maybe
        raise ValueError(f"it would unpack to more than {MAX_TOTAL_BYTES >> 20} MB")
    for info in infos:
        if info.flag_bits & 0x1:
            raise ValueError(f"its member {info.filename!r:.60} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ValueError(f"its member {info.filename!r:.60} uses an unknown compression")
    document = _read_json(archive, members)
    seen: set[str] = set()

    def read_array(name) -> np.ndarray:
        if not isinstance(name, str) or not _MEMBER_NAME.fullmatch(name):
            raise ValueError(f"it names an array member {name!r:.60}, not a plain .npy name")
        if name in seen:
            raise ValueError(f"it uses its member {name} for two arrays")
        if name not in members:
            raise ValueError(f"its member {name!r} is missing")
        seen.add(name)
        return _read_npy(archive, members[name])

    state = _join(document["state"], read_array, 0)
    timeline = _join(document.get("timeline"), read_array, 0)
    pins = _join(document.get("pins", []), read_array, 0)
    experiment = Experiment(
        state=state,
        extra=document["extra"],
        app_version=document["app_version"],
        timeline=_timeline(timeline, state),
        pins=_pins(pins),
    )
    unused = sorted(set(members) - seen - {JSON_MEMBER})
    if unused:
        raise ValueError(f"it has a member {unused[0]!r:.60} that no part of the state uses")
    return experiment


def _timeline(tree: object, state: dict) -> tuple[Checkpoint, ...]:
    if tree is None:
        return ()
    checked = check_state(state)  # the timeline is checked against the state's network
    try:
        return tuple(timeline_from_tree(tree, checked.config, checked.epoch))
    except ValueError as exc:
        raise ValueError(f"its timeline is damaged: {exc}") from None


def _pins(trees: object) -> tuple[PinnedRun, ...]:
    if not isinstance(trees, list) or len(trees) > MAX_PINS:
        raise ValueError(f"it must hold a list of at most {MAX_PINS} pinned runs")
    try:
        return tuple(pin_from_tree(tree) for tree in trees)
    except ValueError as exc:
        raise ValueError(f"its pinned runs are damaged: {exc}") from None


def _read_json(archive: zipfile.ZipFile, members: dict) -> dict:
    info = members.get(JSON_MEMBER)
    if info is None:
        raise ValueError(f"it has no {JSON_MEMBER}, so it is not an experiment file")
    if info.file_size > MAX_JSON_BYTES:
        raise ValueError(f"its {JSON_MEMBER} is larger than {MAX_JSON_BYTES >> 20} MB")
    text = archive.read(info).decode("utf-8")
    try:  # no repeated keys (the parameter formats refuse them too), no NaN, bounded depth
        document = strict_json.loads(text, MAX_JSON_DEPTH)
    except strict_json.JSONRefused as exc:
        raise ValueError(f"its {JSON_MEMBER} {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ValueError("it is not a Neural Playground experiment")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError("its format version is missing or not a whole number")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"it was written by a newer Neural Playground (format version {version}; "
            f"this one reads version {FORMAT_VERSION})"
        )
    document.setdefault("extra", {})
    if not isinstance(document.get("state"), dict) or not isinstance(document["extra"], dict):
        raise ValueError(f"its {JSON_MEMBER} lacks the state or has a malformed extra")
    if not isinstance(document.get("app_version"), str):
        raise ValueError(f"its {JSON_MEMBER} does not say which app version wrote it")
    return document


def _join(node, read_array, depth: int) -> Any:
    """node with each {"$npy": name} marker replaced by that member's array.

    Any: a tree of JSON values and arrays, checked afterwards by check_state.
    """
    if depth > MAX_DEPTH:
        raise ValueError("its state is nested deeper than a trainer state")
    if isinstance(node, dict):
        if _MARKER in node:
            if len(node) != 1:
                raise ValueError("it has an array reference with other entries beside it")
            return read_array(node[_MARKER])
        return {key: _join(value, read_array, depth + 1) for key, value in node.items()}
    if isinstance(node, list):
        return [_join(value, read_array, depth + 1) for value in node]
    return node


def _read_npy(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    """One .npy member: its header checked before any of its data is read."""
    name = info.filename
    with archive.open(info) as member:
        head = io.BytesIO(member.read(MAX_HEADER_BYTES))
        version = np.lib.format.read_magic(head)
        if version not in ((1, 0), (2, 0)):
            raise ValueError(f"its member {name} is in .npy version {version}, not 1.0 or 2.0")
        read_header = getattr(np.lib.format, f"read_array_header_{version[0]}_0")
        shape, _, dtype = read_header(head, max_header_size=MAX_HEADER_BYTES)
        if dtype.str[1:] not in ARRAY_TYPES or len(shape) > 2 or min(shape, default=0) < 0:
            raise ValueError(
                f"its member {name} holds a {dtype} array of shape {shape}; "
                "an experiment holds float64 and int64 arrays only"
            )
        count = 1
        for n in shape:
            count *= n  # Python ints: a huge claimed shape cannot overflow
        if head.tell() + count * dtype.itemsize != info.file_size:
            raise ValueError(f"its member {name} is not as long as its header says")
        member.seek(0)
        array = np.lib.format.read_array(
            member, allow_pickle=False, max_header_size=MAX_HEADER_BYTES
        )
    return array.astype(dtype.newbyteorder("="), copy=False)  # native byte order


def _sentence(action: str, where: str, exc: BaseException) -> str:
    """'cannot open PATH: why', on one line whatever the exception's text."""
    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    why = " ".join(why.split()) or type(exc).__name__
    if len(why) > 300:
        why = why[:297] + "..."
    return f"cannot {action} {printable_path(where)}: {why}"
