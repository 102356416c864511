"""Whole training runs, one or many, here or in other processes: no Qt.

`train_run(config)` trains one network to `config.epochs` and returns a
`RunResult`: what `train --json` prints, the loss history and the final
parameters.  `run_job` is the same for a worker process (one BLAS thread;
an exception becomes the run's message); it is a top-level function and its
arguments and result pickle, so any executor can run it:

    with ProcessPoolExecutor(mp_context=multiprocessing.get_context("spawn")) as pool:
        runs = run_many([config.replace(init_seed=s) for s in range(5)], pool)

`run_many` takes any object with a concurrent.futures-style `submit` (a
ProcessPoolExecutor, a Dask client's `get_executor()`), or None to run here,
and returns the results in the order of the configs, however they finish.
A run's numbers depend on its config (and dataset) only, so they are the same
wherever it runs.
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .config import Config, next_seed
from .datasets import Dataset
from .snapshot import History
from .trainer import Trainer

_POLL = 0.25  # s between progress reports while runs are under way


class Executor(Protocol):
    """What run_many needs of an executor: concurrent.futures' submit."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future: ...


@dataclass(frozen=True)
class RunResult:
    """One finished run.  `error` is "" unless the run could not train at all
    (then `history` is None and `layers` empty); a diverged run is no error:
    `result["diverged"]` says so and `result["message"]` why."""

    config: Config
    result: dict[str, Any]  # what `train --json` prints (without --diagnose)
    history: History | None  # epochs, losses (and accuracies) per recorded epoch
    params: np.ndarray | None  # the final parameters, flat (Network.params' layout)
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]  # the same as (weight, bias) per layer
    state: dict[str, Any] | None = None  # Trainer.state_dict(), when asked for (keep_state)
    error: str = ""

    @property
    def diverged(self) -> bool:
        return bool(self.result.get("diverged"))

    @property
    def test_loss(self) -> float | None:
        return self.result.get("test_loss")


def _finite_or_none(x: float | None) -> float | None:
    return x if x is None or math.isfinite(x) else None


def run_result(trainer: Trainer, rate: float, seconds: float) -> dict[str, Any]:
    """What `train --json` prints: plain JSON, so NaN and infinity become null."""
    m = trainer.metrics
    out: dict[str, Any] = {
        "epochs": trainer.epoch,
        "train_loss": _finite_or_none(m.train_loss),
        "test_loss": _finite_or_none(m.test_loss),
    }
    if m.train_accuracy is not None:
        out["train_accuracy"] = m.train_accuracy
        out["test_accuracy"] = m.test_accuracy
    out |= {
        "epochs_per_second": rate,
        "seconds": seconds,
        "diverged": trainer.diverged,
        "message": trainer.message,
        "config": trainer.config.to_dict(),
    }
    return out


def failed_result(config: Config, message: str) -> dict[str, Any]:
    """run_result's keys for a run that could not train: every number None."""
    out: dict[str, Any] = {"epochs": None, "train_loss": None, "test_loss": None}
    if config.num_classes > 0:
        out |= {"train_accuracy": None, "test_accuracy": None}
    return out | {
        "epochs_per_second": None,
        "seconds": None,
        "diverged": False,
        "message": message,
        "config": config.to_dict(),
    }


def seeds_after(seed: int, count: int = 5) -> list[int]:
    """The `count` initialization seeds after `seed`, as Reset would take them
    (the window's "Try 5 seeds")."""
    seeds = []
    for _ in range(count):
        seed = next_seed(seed)
        seeds.append(seed)
    return seeds


def train_run(
    config: Config,
    dataset: Dataset | None = None,
    *,
    history_limit: int | None = None,
    keep_state: bool = False,
) -> RunResult:
    """Train a fresh network to config.epochs (earlier if it diverges).

    `dataset`: own points (None: the config's generated data); `history_limit`:
    at most about that many history rows (Trainer.history_sample); `keep_state`:
    include the trainer's state_dict(), so Trainer.from_state trains on from it.
    Errors in building the trainer are raised (run_job turns them into a row).
    """
    trainer = Trainer(config, dataset)
    start = time.perf_counter()
    trainer.train(config.epochs)
    seconds = time.perf_counter() - start
    rate = trainer.epoch / seconds if seconds > 0 else 0.0
    return RunResult(
        config=trainer.config,
        result=run_result(trainer, rate, seconds),
        history=trainer.history_sample(history_limit),
        params=trainer.network.params.copy(),
        layers=tuple(trainer.parameters()),
        state=trainer.state_dict() if keep_state else None,
    )


def run_job(
    config: Config,
    dataset: Dataset | None = None,
    history_limit: int | None = None,
    keep_state: bool = False,
) -> RunResult:
    """train_run for an executor: in a worker process BLAS gets one thread (as
    the app and the command line have), and an exception becomes the run's
    message rather than the sweep's end."""
    if multiprocessing.parent_process() is not None:
        from ..blas import use_one_blas_thread

        use_one_blas_thread()  # tiny matrices: more threads only spin (and stay put)
    try:
        return train_run(config, dataset, history_limit=history_limit, keep_state=keep_state)
    except Exception as exc:
        message = f"the run failed: {exc}" if str(exc) else f"the run failed: {type(exc).__name__}"
        return RunResult(config, failed_result(config, message), None, None, (), error=message)


def ignore_interrupts() -> None:
    """An initializer for worker processes: Ctrl+C is the parent's to handle
    (it cancels and ends them), so a worker prints no traceback of its own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def grid_runs(axis_sizes: Sequence[int], seeds: int) -> list[tuple[tuple[int, ...], int]]:
    """(value index per axis, seed offset) for every run: the cartesian product
    in the axes' order, the last axis fastest, and the seeds innermost."""
    points = itertools.product(*(range(n) for n in axis_sizes))
    return [(point, seed) for point in points for seed in range(seeds)]


def run_many(
    configs: Sequence[Config],
    executor: Executor | None = None,
    *,
    datasets: Sequence[Dataset | None] | None = None,
    history_limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[RunResult]:
    """Every config's run (run_job), in this process (executor None) or on the
    executor, returned in the order of `configs`.  `datasets`: each run's own
    points (None: generated).  progress(done, total) is called as runs finish
    and every quarter second meanwhile.  An interruption (Ctrl+C) or another
    BaseException cancels the runs not yet started and is raised."""
    total = len(configs)
    data = list(datasets) if datasets is not None else [None] * total
    if len(data) != total:
        raise ValueError("run_many: one dataset (or None) per config")
    results: list[RunResult | None] = [None] * total
    if executor is None:
        for i, (config, dataset) in enumerate(zip(configs, data, strict=True)):
            if progress is not None:
                progress(i, total)
            results[i] = run_job(config, dataset, history_limit)
    else:
        futures: dict[Future, int] = {}
        try:
            for i, (config, dataset) in enumerate(zip(configs, data, strict=True)):
                futures[executor.submit(run_job, config, dataset, history_limit)] = i
            pending = set(futures)
            while pending:
                if progress is not None:
                    progress(total - len(pending), total)
                finished, pending = wait(pending, timeout=_POLL, return_when=FIRST_COMPLETED)
                for future in finished:
                    i = futures[future]
                    results[i] = _outcome(future, configs[i])
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    if progress is not None:
        progress(total, total)
    return [r for r in results if r is not None]


def _outcome(future: Future, config: Config) -> RunResult:
    """The future's result; its exception (a worker that died, a result that did
    not come back) as a failed run."""
    try:
        return future.result()
    except Exception as exc:
        why = str(exc) or type(exc).__name__
        message = f"the run failed: {why}"
        return RunResult(config, failed_result(config, message), None, None, (), error=message)


# --- the runs of one setting (seeds) together ------------------------------------


@dataclass(frozen=True)
class SeedBand:
    """A setting's test loss over its seeds: the median and the range, per epoch."""

    label: str
    epochs: np.ndarray
    median: np.ndarray
    low: np.ndarray
    high: np.ndarray
    runs: int  # seeds behind it
    diverged: int  # of them, diverged (their curves end early)
    failed: int  # of them, not trained at all


def seed_band(label: str, runs: Sequence[RunResult]) -> SeedBand:
    """The band of one setting's runs, on the epochs of its longest.  A run that
    diverged stops early: later epochs are over the runs still going."""
    curves = [r.history for r in runs if r.history is not None and len(r.history)]
    if not curves:
        empty = np.zeros(0)
        return SeedBand(label, empty, empty, empty, empty, len(runs), 0, len(runs))
    longest = max(curves, key=lambda h: h.epochs[-1])
    epochs = np.asarray(longest.epochs, dtype=np.float64)
    losses = np.full((len(curves), len(epochs)), np.nan)
    for row, h in zip(losses, curves, strict=True):
        loss = np.asarray(h.test_loss, dtype=np.float64)
        ok = np.isfinite(loss)
        if ok.any():  # on the longest run's epochs (thinned histories need not share them)
            row[:] = np.interp(epochs, h.epochs[ok], loss[ok], left=np.nan, right=np.nan)
    seen = np.isfinite(losses).any(axis=0)
    median, low, high = (np.full(len(epochs), np.nan) for _ in range(3))
    median[seen] = np.nanmedian(losses[:, seen], axis=0)
    low[seen] = np.nanmin(losses[:, seen], axis=0)
    high[seen] = np.nanmax(losses[:, seen], axis=0)
    return SeedBand(
        label=label,
        epochs=epochs,
        median=median,
        low=low,
        high=high,
        runs=len(runs),
        diverged=sum(r.diverged for r in runs),
        failed=sum(bool(r.error) for r in runs),
    )
