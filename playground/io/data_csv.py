"""A person's own 2-D data as CSV: x1[,x2],label[,split], found by header name.

The header is the first non-blank line; its names are matched case-insensitively
with surrounding spaces ignored, in any order, and other columns are ignored.
The delimiter is the first of comma, semicolon and tab that splits the header
into names holding x1 and label (else the one the header holds most, to say
what was found).  No x2 column means one-input data (x2 = 0); split holds
train or test (any case).

Labels are classes or targets:
- any label that is not a number: classes named by the labels, in order of
  first appearance;
- integer-valued numbers (1, +1, -1, 2.0, 1e1; |value| <= 2**53), at most
  MAX_CLASSES distinct: classes named as integers ("+1" and "1.0" are "1"),
  sorted numerically, so -1 is class 0 and 1 is class 1 (TensorFlow Playground);
- any other numbers: regression targets (float64).
problem="classification" makes every distinct number a class (sorted);
problem="regression" wants every label a number.  Numbers are ASCII decimals
(no thousands separators or decimal commas); nan and inf are refused.

Every refusal is one DataFileError sentence naming the file and the line, as a
text editor counts lines.  write_data_csv writes the format back, exactly.
"""

from __future__ import annotations

import csv
import io
import math
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .atomic import atomic_write
from .reading import UnreadableFile, open_regular, printable_path

MAX_CLASSES = 8
MAX_DATA_POINTS = 100_000  # the app's point limit
# A point of three full-precision numbers and a split is under 100 bytes, so
# the largest data set is about 10 MB; 64 MiB leaves room for long labels and
# extra columns while bounding what a hostile file can make us read.
MAX_DATA_FILE_BYTES = 64 * 2**20
MAX_LINE_CHARS = 64 * 2**10
# Even a blank line costs a microsecond or two: 64 MiB of them would take minutes.
# A point a line, with room for blank lines and labels over several lines:
MAX_LINES = 4 * MAX_DATA_POINTS
_EXACT_INTEGERS = 2.0**53  # beyond it floats skip integers: 1e300 is no class name
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NOT_FINITE = {"nan", "inf", "infinity"}
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")  # NUL, or a byte UTF-8 could not decode


class DataFileError(ValueError):
    """A data file that cannot be read (one sentence naming the file)."""


@dataclass(frozen=True, eq=False)
class TableData:
    x: np.ndarray  # (n, 2) float64, read-only
    labels: np.ndarray  # (n,) int64 class indices, or float64 targets; read-only
    class_names: tuple[str, ...]  # K names for classification, () for regression
    split: np.ndarray | None  # (n,) bool, True = train; None without a split column
    one_input: bool  # the file had no x2 column

    @property
    def classification(self) -> bool:
        return bool(self.class_names)


def read_data_csv(path, *, problem: str | None = None) -> TableData:
    """The data in the CSV file `path`; raises DataFileError only."""
    name = printable_path(path)
    _check_problem(problem)
    try:
        with (
            open_regular(path, MAX_DATA_FILE_BYTES) as raw,
            # surrogateescape: a byte that is not UTF-8 reaches _lines, which knows its line
            io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="") as f,
        ):
            return _parse(iter(lambda: f.readline(MAX_LINE_CHARS + 3), ""), name, problem)
    except UnreadableFile as exc:  # a named pipe, a device, a folder, too large
        raise DataFileError(f"{name} {exc}.") from None
    except OSError as exc:
        raise DataFileError(f"cannot read {name}: {exc.strerror or exc}.") from None


def parse_data_csv(text: str, name: str = "data", *, problem: str | None = None) -> TableData:
    """The data in CSV `text` (pasted, or in tests); messages call it `name`."""
    _check_problem(problem)
    if len(text) > MAX_DATA_FILE_BYTES:
        raise DataFileError(f"{name} is over the {MAX_DATA_FILE_BYTES:,}-character limit.")
    f = io.StringIO(text, newline="")
    return _parse(iter(lambda: f.readline(MAX_LINE_CHARS + 3), ""), name, problem)


def _check_problem(problem: str | None) -> None:
    if problem not in (None, "classification", "regression"):
        raise ValueError(f"problem must be classification, regression or None, not {problem!r}")


def _fail(name: str, what: str) -> DataFileError:
    return DataFileError(f"{name}: {what}.")


def _show(value: str) -> str:
    """A field for a message: quoted, escaped, short."""
    return repr(value) if len(value) <= 24 else repr(value[:24]) + "…"


def _lines(raw: Iterator[str], name: str) -> Iterator[str]:
    """The lines, each checked to be short text before csv sees it."""
    for number, line in enumerate(raw, start=1):
        if number > MAX_LINES:
            raise _fail(name, f"line {number:,} is past the limit of {MAX_LINES:,} lines")
        if len(line.rstrip("\r\n")) > MAX_LINE_CHARS:
            raise _fail(name, f"line {number} is longer than {MAX_LINE_CHARS:,} characters")
        if bad := _NOT_TEXT.search(line):
            what = "a NUL byte" if bad.group() == "\x00" else "bytes that are not UTF-8"
            raise DataFileError(f"{name} is not a UTF-8 text file (line {number} holds {what}).")
        yield line.removeprefix("\ufeff") if number == 1 else line


def _header(line: str, number: int, name: str) -> tuple[str, list[str]]:
    """The delimiter and the column names (lower case, stripped) of the header line."""
    parsed: dict[str, list[str]] = {}
    for delimiter in (",", ";", "\t"):
        try:
            names = [
                c.strip().lower()
                for c in next(csv.reader([line], delimiter=delimiter, strict=True))
            ]
        except csv.Error:
            continue
        if "x1" in names and "label" in names:
            return delimiter, names
        parsed[delimiter] = names
    if not parsed:
        raise _fail(name, f"the header (line {number}) is not valid CSV")
    names = parsed[max(parsed, key=line.count)]
    shown = ", ".join(_show(c) for c in names[:8]) + (", …" if len(names) > 8 else "")
    raise _fail(name, f"the header (line {number}) must name x1 and label, but it names {shown}")


def _number(text: str) -> float | None:
    """The number `text` holds, nan or inf included, or None."""
    text = text.strip()
    if _NUMBER.fullmatch(text) or text.lower().lstrip("+-") in _NOT_FINITE:
        return float(text)
    return None


def _coordinate(text: str, column: str, line: int, name: str) -> float:
    value = _number(text)
    if value is None:
        raise _fail(name, f"{column} on line {line} is not a number ({_show(text.strip())})")
    if not math.isfinite(value):
        raise _fail(name, f"{column} on line {line} is not finite ({_show(text.strip())})")
    return value


def _parse(raw: Iterator[str], name: str, problem: str | None) -> TableData:
    lines = _lines(raw, name)
    found = ((number, line) for number, line in enumerate(lines, start=1) if line.strip())
    header_line, line = next(found, (0, ""))
    if not header_line:
        raise DataFileError(f"{name} is empty.")
    delimiter, names = _header(line, header_line, name)
    seen: set[str] = set()
    for column in filter(None, names):  # unnamed columns (a spreadsheet's index) are ignored
        if column in seen:
            raise _fail(name, f"the header names the column {_show(column)} twice")
        seen.add(column)
    i1, il = names.index("x1"), names.index("label")
    i2 = names.index("x2") if "x2" in names else None
    isplit = names.index("split") if "split" in names else None

    xs, labels, split = array("d"), list[str](), bytearray()
    first_line: dict[str, int] = {}  # each label's first line, for messages
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    line_no = header_line + 1
    try:
        for row in reader:
            # the line this record starts on: lines before it are header_line + line_num
            line_no, start = header_line + reader.line_num + 1, line_no
            if not "".join(row).strip():  # blank, or only delimiters (join: C speed)
                continue
            if len(row) != len(names):
                raise _fail(
                    name, f"line {start} has {len(row)} fields where the header has {len(names)}"
                )
            if len(labels) == MAX_DATA_POINTS:
                raise _fail(name, f"line {start} is past the limit of {MAX_DATA_POINTS:,} points")
            xs.append(_coordinate(row[i1], "x1", start, name))
            xs.append(0.0 if i2 is None else _coordinate(row[i2], "x2", start, name))
            label = row[il].strip()
            if not label:
                raise _fail(name, f"line {start} has no label")
            labels.append(label)
            first_line.setdefault(label, start)
            if isplit is not None:
                value = row[isplit].strip().lower()
                if value not in ("train", "test"):
                    shown = _show(row[isplit].strip())
                    raise _fail(name, f"split on line {start} is {shown}, not train or test")
                split.append(value == "train")
    except csv.Error as exc:
        raise _fail(name, f"line {line_no} is not valid CSV ({exc})") from None

    if len(labels) < 4:
        raise _fail(name, f"there are {len(labels)} points; at least 4 are needed")
    if isplit is not None and (all(split) or not any(split)):
        missing = "test" if all(split) else "train"
        raise _fail(name, f"no point is marked {missing} in the split column")
    targets, class_names = _labels(labels, first_line, name, problem)
    return TableData(
        x=_frozen(np.frombuffer(xs, dtype=np.float64).reshape(-1, 2).copy()),
        labels=_frozen(targets),
        class_names=class_names,
        split=None if isplit is None else _frozen(np.frombuffer(split, dtype=bool).copy()),
        one_input=i2 is None,
    )


def _labels(
    labels: list[str], first_line: dict[str, int], name: str, problem: str | None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """(class indices, names) or (targets, ()) for the labels, as the module says."""
    values = {label: _number(label) for label in first_line}  # distinct, first appearance first
    numbers = {label: value for label, value in values.items() if value is not None}
    classes: dict[str, int]
    if len(numbers) < len(values):  # a word: every label is a class name
        if problem == "regression":
            word = next(label for label in values if label not in numbers)
            line = first_line[word]
            raise _fail(
                name, f"regression needs numbers, but the label on line {line} is {_show(word)}"
            )
        classes = {label: k for k, label in enumerate(values)}
        names = tuple(classes)
    else:
        for label, value in numbers.items():
            if not math.isfinite(value):
                raise _fail(name, f"the label on line {first_line[label]} is not finite")
        distinct = sorted(set(numbers.values()))
        whole = all(_is_integer(v) for v in distinct)
        if problem == "regression" or (
            problem is None and not (whole and len(distinct) <= MAX_CLASSES)
        ):
            return np.array([numbers[label] for label in labels], dtype=np.float64), ()
        index = {v: k for k, v in enumerate(distinct)}
        classes = {label: index[v] for label, v in numbers.items()}
        names = tuple(str(int(v)) if _is_integer(v) else repr(v) for v in distinct)
    if len(names) > MAX_CLASSES:
        raise _fail(name, f"the labels name {len(names):,} classes, more than {MAX_CLASSES}")
    if len(names) < 2:
        raise _fail(name, f"every point has the label {_show(names[0])}; two classes are needed")
    return np.array([classes[label] for label in labels], dtype=np.int64), names


def _is_integer(v: float) -> bool:
    return v.is_integer() and abs(v) <= _EXACT_INTEGERS


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _field(text: str) -> str:
    """A label as a CSV field, quoted when it holds a delimiter, quote, line end or edge space."""
    if text != text.strip() or any(c in text for c in ',;\t"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_data_csv(path, x, labels, class_names=(), split=None) -> None:
    """Write x1,x2,label[,split] atomically; numbers in full precision (repr), class names
    as the labels.  read_data_csv gives the same points, and each point the same class
    name (or target: pass problem="regression", as integer targets read as classes) and
    split; the class indices are the same when names are ordered as read_data_csv
    orders them (numbers sorted, words by first appearance)."""
    x = np.asarray(x, dtype=np.float64)
    labels = np.asarray(labels)
    n = labels.size
    names = tuple(str(c) for c in class_names)
    if x.shape != (n, 2) or labels.shape != (n,):
        raise ValueError(f"x must be (n, 2) and labels (n,), not {x.shape} and {labels.shape}")
    if split is not None:
        split = np.asarray(split, dtype=bool)
        if split.shape != (n,):
            raise ValueError(f"split must be ({n},), not {split.shape}")
    if names:
        index = labels.astype(np.int64)
        if n and not (index.min() >= 0 and index.max() < len(names)):
            raise ValueError(f"class indices must be in 0..{len(names) - 1}")
        texts = [_field(names[k]) for k in index.tolist()]
    else:
        texts = [repr(v) for v in labels.astype(np.float64).tolist()]
    with atomic_write(path, "w", encoding="utf-8", newline="") as f:
        f.write("x1,x2,label" + ("" if split is None else ",split") + "\n")
        ends = ["\n"] * n if split is None else [",train\n" if s else ",test\n" for s in split]
        for (a, b), text, end in zip(x.tolist(), texts, ends, strict=True):
            f.write(f"{a!r},{b!r},{text}{end}")
