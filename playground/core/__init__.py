"""The engine: pure NumPy, no Qt.  The names most scripts need are re-exported here."""

from .config import Config, ConfigError
from .datasets import Dataset, make_dataset
from .snapshot import Grids, History, Metrics, Snapshot
from .trainer import Trainer

__all__ = [
    "Config", "ConfigError", "Dataset", "Grids", "History", "Metrics", "Snapshot", "Trainer",
    "make_dataset",
]  # fmt: skip
