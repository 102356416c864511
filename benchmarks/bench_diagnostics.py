# ruff: noqa: E402  (the BLAS thread count must be set before NumPy is imported)
"""What looking inside costs: `Trainer.diagnostics()` and the doctor, per call.

    python benchmarks/bench_diagnostics.py [--repeats N] [--calls K]

The window takes diagnostics a few times a second (never every step), so each
call should be a small part of a frame (~16 ms).  For each setup: N timed runs
of K calls each, median and spread (min-max) in milliseconds per call, and the
same for one training epoch of that setup, as a yardstick on this machine.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import statistics
import time
from functools import partial

from playground.core.config import Config
from playground.core.doctor import examine
from playground.core.trainer import Trainer

TF_FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
SETUPS = [
    ("TF default 4-2 tanh, 250 train", Config()),
    ("6x8 tanh, 7 features, 250 train", Config(hidden=(8,) * 6, features=TF_FEATURES)),
    ("16x64 relu, 1000 train", Config(
        hidden=(64,) * 16, activation="relu", init="he_normal", points=2000, lr=0.01,
    )),
    # beyond 2,000 training points diagnostics look at a fixed stride of them
    ("6x8, 50,000 train (2,000 seen)", Config(
        hidden=(8,) * 6, features=TF_FEATURES, points=100_000, batch_size=100,
    )),
]  # fmt: skip


def per_call_ms(f, calls: int, repeats: int) -> list[float]:
    f()  # warm-up
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            f()
        runs.append((time.perf_counter() - start) / calls * 1e3)
    return runs


def show(name: str, what: str, runs: list[float]) -> None:
    med = statistics.median(runs)
    print(f"  {name:34}{what:14}{med:9.3f} ms  (spread {min(runs):.3f}-{max(runs):.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs (7)")
    parser.add_argument("--calls", type=int, default=50, help="calls per run (50)")
    args = parser.parse_args()
    print("milliseconds per call, median of runs (spread min-max)")
    for name, cfg in SETUPS:
        trainer = Trainer(cfg)
        trainer.train(5)
        show(name, "diagnostics", per_call_ms(trainer.diagnostics, args.calls, args.repeats))
        doctor = partial(examine, trainer.diagnostics(), trainer.history, trainer.config)
        show(name, "doctor", per_call_ms(doctor, args.calls, args.repeats))
        epochs = max(1, args.calls // 10)
        show(name, "train epoch", per_call_ms(trainer.train_epoch, epochs, args.repeats))


if __name__ == "__main__":
    main()
