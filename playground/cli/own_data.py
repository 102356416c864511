"""`--data FILE.csv`: a person's own points instead of a generated dataset."""

from __future__ import annotations

import argparse

from ..core.config import Config, ConfigError
from ..core.datasets import Dataset
from ..io.data_csv import DataFileError
from ..io.own_data import read_own_data
from .errors import UsageError

# flags that make data, which own points make moot
GENERATING = ("dataset", "formula", "shift", "points", "noise", "classes")


def own_data(args: argparse.Namespace, config: Config) -> tuple[Config, Dataset]:
    """The config and data to train on a CSV file's points (--problem may say how
    to read its labels; --train-ratio and --seed split it when it has no split)."""
    flags = vars(args)
    clash = [f"--{f}" for f in GENERATING if f in flags]
    if clash:
        raise UsageError(f"--data brings its own points, so {', '.join(clash)} cannot apply")
    try:
        return read_own_data(args.data, config, problem=flags.get("problem"))
    except DataFileError as exc:
        raise UsageError(f"--data: {exc}".rstrip(".")) from None
    except (ConfigError, ValueError) as exc:
        raise UsageError(f"--data: {exc}".rstrip(".")) from None
