"""Neural Playground: train small neural networks on toy 2-D data and see inside them.

>>> from playground import Config, Trainer
>>> trainer = Trainer(Config(dataset="xor", features=("x1", "x2", "x1x2")))
>>> metrics = trainer.train(epochs=100)
"""

__version__ = "0.1.0"

from .core import (
    Config,
    ConfigError,
    Dataset,
    Grids,
    History,
    Metrics,
    Snapshot,
    Trainer,
    make_dataset,
)
from .io.npz import save_npz

__all__ = [
    "Config", "ConfigError", "Dataset", "Grids", "History", "Metrics", "Snapshot", "Trainer",
    "__version__", "make_dataset", "save_npz",
]  # fmt: skip
