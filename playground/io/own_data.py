"""Data a person brings, as the engine takes it: a table read from a CSV file
(io/data_csv.py) becomes a Dataset and the Config changes that go with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..core.checkpoint import MAX_ORIGIN_CHARS
from ..core.config import OWN_DATASET, Config
from ..core.datasets import Dataset, own_dataset
from .data_csv import TableData, read_data_csv, write_data_csv


def own_data_changes(dataset: Dataset) -> dict[str, Any]:
    """The Config changes that say "these points": their kind, classes and count."""
    n = len(dataset.x_train) + len(dataset.x_test)
    changes: dict[str, Any] = {
        "dataset": OWN_DATASET, "points": n, "formula": "", "shift": (0.0, 0.0),
    }  # fmt: skip
    if dataset.num_classes:
        changes |= {"problem": "classification", "classes": dataset.num_classes}
    else:
        changes |= {"problem": "regression", "loss": "mse"}
    return changes


def dataset_from_table(table: TableData, config: Config, origin: str = "") -> Dataset:
    """The table's points, split as its split column says, or by the config's
    training ratio and data seed."""
    return own_dataset(
        table.x,
        table.labels,
        num_classes=len(table.class_names),
        class_names=table.class_names,
        train=table.split,
        train_ratio=config.train_ratio,
        seed=config.data_seed,
        origin=origin,
    )


def read_own_data(path, config: Config, problem: str | None = None) -> tuple[Config, Dataset]:
    """A CSV file's data and the config that trains on it (DataFileError, ConfigError
    or ValueError, one sentence, when either cannot be)."""
    table = read_data_csv(path, problem=problem)
    dataset = dataset_from_table(table, config, f"file {Path(path).name}"[:MAX_ORIGIN_CHARS])
    return config.replace(**own_data_changes(dataset)), dataset


def write_dataset_csv(path, dataset: Dataset) -> None:
    """A dataset's points as CSV (x1, x2, label, split), its classes by name (or
    0, 1, ...): Import Data or --data reads them back the same."""
    x = np.concatenate([dataset.x_train, dataset.x_test])
    labels = np.concatenate([dataset.y_train, dataset.y_test])
    names = dataset.class_names or tuple(str(c) for c in range(dataset.num_classes))
    split = np.r_[np.ones(len(dataset.x_train), bool), np.zeros(len(dataset.x_test), bool)]
    write_data_csv(path, x, labels, names, split)
