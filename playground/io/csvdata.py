"""Points as CSV: header x1,x2,label,split, one row per point, full precision."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np

from ..core.datasets import Dataset
from .atomic import atomic_write
from .reading import UnreadableFile, open_regular, printable_path


def _number(x: float) -> str:
    return repr(float(x))  # shortest text that reads back to the same float


def write_points_csv(path, dataset: Dataset) -> None:
    """label is the class index (classification) or the target (regression)."""
    classification = dataset.num_classes > 0
    with atomic_write(path, "w", encoding="utf-8", newline="") as f:
        f.write("x1,x2,label,split\n")
        for split, xs, ys in (("train", dataset.x_train, dataset.y_train),
                              ("test", dataset.x_test, dataset.y_test)):  # fmt: skip
            for (a, b), y in zip(xs, ys, strict=True):
                label = str(int(y)) if classification else _number(y)
                f.write(f"{_number(a)},{_number(b)},{label},{split}\n")


MAX_PREDICT_POINTS = 1_000_000
MAX_POINTS_FILE_BYTES = 128 * 2**20  # 128 bytes a point at the most points
MAX_LINE_CHARS = 2**20


class PointsFileError(ValueError):
    """A points file that cannot be read (one sentence naming the file)."""


def read_input_points(path) -> np.ndarray:
    """Points (n, 2) from a CSV whose header names x1 and x2 (other columns are ignored)."""
    import csv

    name = printable_path(path)  # as messages name it
    try:
        with (
            open_regular(path, MAX_POINTS_FILE_BYTES) as raw,
            io.TextIOWrapper(raw, encoding="utf-8", newline="") as f,
        ):
            rows = csv.reader(_lines(f, name))
            header = [h.strip() for h in next(rows, [])]
            if "x1" not in header or "x2" not in header:
                raise PointsFileError(f"{name}: the first line must name the columns x1 and x2")
            i, j = header.index("x1"), header.index("x2")
            points: list[tuple[float, float]] = []
            for line_no, row in enumerate(rows, start=2):
                if not row or all(not c.strip() for c in row):
                    continue
                if len(points) >= MAX_PREDICT_POINTS:
                    raise PointsFileError(f"{name}: more than {MAX_PREDICT_POINTS:,} points")
                try:
                    x1, x2 = float(row[i]), float(row[j])
                except (ValueError, IndexError):
                    raise PointsFileError(f"{name}: line {line_no} has no numbers x1, x2") from None
                if not (np.isfinite(x1) and np.isfinite(x2)):
                    raise PointsFileError(
                        f"{name}: line {line_no} holds a value that is not finite"
                    )
                points.append((x1, x2))
    except UnreadableFile as exc:  # a named pipe, a device, a folder, too large
        raise PointsFileError(f"{name} {exc}") from None
    except OSError as exc:
        raise PointsFileError(f"cannot read {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise PointsFileError(f"{name} is not a UTF-8 text file") from None
    except csv.Error as exc:
        raise PointsFileError(f"{name} is not a CSV file ({exc})") from None
    return np.array(points, dtype=np.float64).reshape(-1, 2)


def _lines(f: io.TextIOWrapper, name: str) -> Iterator[str]:
    """The file's lines, each read only up to MAX_LINE_CHARS."""
    while line := f.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise PointsFileError(f"{name}: a line is longer than {MAX_LINE_CHARS:,} characters")
        yield line


def outputs_csv(outputs: np.ndarray) -> str:
    """One row per point: `output`, or output_0..output_{K-1}; shortest exact floats."""
    outputs = np.asarray(outputs, dtype=np.float64)
    k = outputs.shape[1]
    header = "output" if k == 1 else ",".join(f"output_{i}" for i in range(k))
    return "".join([header + "\n", *(",".join(map(_number, row)) + "\n" for row in outputs)])


def write_outputs_csv(path, outputs: np.ndarray) -> None:
    with atomic_write(path, "w", encoding="utf-8", newline="") as f:
        f.write(outputs_csv(outputs))
