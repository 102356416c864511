"""Copies of a setup with other initialization seeds, for "Try 5 seeds".

`train_seed` is what each copy runs, in a process of its own: the same
settings and points, another `init_seed` (so other initial weights and
another mini-batch order), trained for a number of epochs.  It returns the
trainer's whole state, so a copy the person picks trains on from exactly there.
"""

from __future__ import annotations

from .config import Config, next_seed
from .datasets import Dataset
from .trainer import Trainer

SEED_COUNT = 5


def seeds_after(seed: int, count: int = SEED_COUNT) -> list[int]:
    """The `count` initialization seeds after `seed` (as Reset would take them)."""
    seeds = []
    for _ in range(count):
        seed = next_seed(seed)
        seeds.append(seed)
    return seeds


def train_seed(config: Config, dataset: Dataset, init_seed: int, epochs: int) -> dict:
    """Train a copy of `config` on `dataset` from `init_seed` for `epochs` epochs
    (less if it diverges); its state (Trainer.state_dict())."""
    trainer = Trainer(config.replace(init_seed=init_seed), dataset)
    trainer.train(epochs)
    return trainer.state_dict()
