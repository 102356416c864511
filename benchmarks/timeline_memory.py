"""How much a timeline keeps: the checkpoint store's size for a network trained
for many epochs, by driving its keep-and-thin rule epoch by epoch with
checkpoints of the network's real size (no need to train that long).  Then
what recording costs training: a small network's first epochs (where a
checkpoint is taken every epoch), with and without recording, the checkpoints
pickled as they would be for the window, in alternating rounds.

    python benchmarks/timeline_memory.py [--width 64] [--layers 16] [--optimizer adam]
        [--epochs 1000000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import pickle
import time

import numpy as np

from playground.core import Config, Trainer
from playground.core.timeline import DEFAULT_BUDGET, Checkpoint, CheckpointStore, capture


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--layers", type=int, default=16)
    p.add_argument("--optimizer", default="adam")
    p.add_argument("--epochs", type=int, default=10**6)
    p.add_argument("--budget-mb", type=float, default=DEFAULT_BUDGET / 2**20)
    p.add_argument("--rounds", type=int, default=5)
    a = p.parse_args()
    cfg = Config(hidden=(a.width,) * a.layers, optimizer=a.optimizer, points=100)
    trainer = Trainer(cfg)
    real = capture(trainer)
    costs = []
    for _ in range(50):
        t0 = time.perf_counter()
        capture(trainer)
        costs.append(time.perf_counter() - t0)
    store = CheckpointStore(budget=int(a.budget_mb * 2**20))
    peak = 0
    t0 = time.perf_counter()
    for epoch in range(a.epochs + 1):
        if store.wants(epoch):
            # the real checkpoint's arrays, shared: the store counts their bytes
            store.add(Checkpoint(**{**real.__dict__, "epoch": epoch, "steps": epoch}))
            peak = max(peak, store.nbytes)
    drive = time.perf_counter() - t0
    epochs = store.epochs
    print(
        f"network {a.layers}x{a.width} {a.optimizer}: {real.params.size:,} parameters, "
        f"one checkpoint {real.nbytes / 2**20:.2f} MB (capture {np.median(costs) * 1e3:.2f} ms)"
    )
    print(
        f"after {a.epochs:,} epochs: {len(store)} checkpoints, {store.nbytes / 2**20:.1f} MB "
        f"(peak {peak / 2**20:.1f} MB, budget {store.budget / 2**20:.0f} MB), "
        f"resolution bits {store.bits}"
    )
    print(f"kept epochs: {epochs[:12]} ... {epochs[-6:]}")
    print(f"driving the rule through {a.epochs:,} epochs took {drive:.2f} s")
    overhead(a.rounds)


def overhead(rounds: int, epochs: int = 2000) -> None:
    """Epochs/s of a 4,2 network over its first `epochs`, recording or not."""

    def rate(record: bool) -> float:
        trainer = Trainer(Config(hidden=(4, 2)))
        if record:  # as the window's trainer: a ledger, each checkpoint pickled to send
            trainer.record_checkpoints(CheckpointStore(holds=False), pickle.dumps)
        t0 = time.perf_counter()
        trainer.train(epochs)
        return epochs / (time.perf_counter() - t0)

    off, on = [], []
    for _ in range(rounds):
        off.append(rate(False))
        on.append(rate(True))
    ratios = [b / a for a, b in zip(off, on, strict=True)]
    print(
        f"4,2 network, first {epochs:,} epochs: {np.median(off):,.0f} epochs/s without "
        f"recording, {np.median(on):,.0f} with; ratio median {np.median(ratios):.2f} "
        f"({min(ratios):.2f}-{max(ratios):.2f}, {rounds} rounds)"
    )


if __name__ == "__main__":
    main()
