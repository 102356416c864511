"""`sweep`: train every combination of some train options' values, several seeds
each, in parallel; write one CSV row per run and a plot of the test loss.

    neural-playground sweep --grid init=xavier_normal,he_normal --grid init-scale=0.1,1 \\
        --seeds 5 --dataset spiral --epochs 300 --out runs.csv --plot runs.png

Everything a person can get wrong (a grid axis, a value, a file name, a
combination the Config refuses) is found before the first run: one sentence,
exit status 2.  A run that diverges is a row (diverged true) and the sweep
goes on; the status is 0 unless some run could not train at all (1, its row
says why).  The runs go to worker processes (--jobs), or to a Dask cluster
(--scheduler); a run's numbers depend on its config only, so the CSV is the
same wherever they ran but for the epochs_per_second column.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import difflib
import io
import multiprocessing
import os
import re
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..core.config import Config, ConfigError
from ..core.datasets import Dataset
from ..core.runs import (
    Executor,
    RunResult,
    SeedBand,
    grid_runs,
    ignore_interrupts,
    run_many,
    seed_band,
)
from ..io.atomic import atomic_write
from ..io.reading import printable_path
from .arguments import Parser, add_train_flags, config_from_args
from .errors import PROG, UsageError
from .own_data import own_data
from .train import check_writable

SCHEDULER_TIMEOUT = 10.0  # s to reach a Dask scheduler
PLOT_SUFFIX = ".png"
PLOT_HISTORY = 1000  # history rows per run for the plot, at most (about)
_PROGRESS_INTERVAL = 0.1  # s between progress lines on a terminal
DASK_MISSING = '--scheduler needs Dask: pip install "neural-playground[dask]"'
# train options that cannot be grid axes, and why (after "--grid NAME: ")
_NOT_AXES = {
    "data": "a file cannot be a grid axis; sweep each file on its own",
    "config": "a file cannot be a grid axis; sweep each file on its own",
    "seed": "--seeds N gives each setting N initialization seeds; "
    "--grid data-seed=... varies the data",
    "init-seed": "--seeds N gives each setting N initialization seeds from --init-seed",
    "epochs": "each run's history holds every epoch already; give --epochs the longest",
}
_OWN_COLUMNS = ("seed",)  # after the axes, before the results
_LEFT_OUT = ("config", "seconds")  # train --json keys that are no CSV column


@dataclass(frozen=True)
class Axis:
    name: str  # the option as typed, without dashes: "init-scale"
    dest: str  # its attribute in train's parsed flags: "init_scale"
    texts: tuple[str, ...]  # the values as typed
    values: tuple[Any, ...]  # as train's parser reads them


@dataclass(frozen=True)
class Plan:
    """Every run of a sweep, in order: its grid point, init seed, config and data."""

    axes: tuple[Axis, ...]
    points: tuple[tuple[int, ...], ...]  # per run, the value index on each axis
    configs: tuple[Config, ...]
    datasets: tuple[Dataset | None, ...]

    def texts(self, run: int) -> tuple[str, ...]:
        return tuple(a.texts[i] for a, i in zip(self.axes, self.points[run], strict=True))


def run_sweep(args: argparse.Namespace) -> int:
    check_writable("--out", args.out, ".csv")
    check_writable("--plot", args.plot, PLOT_SUFFIX)
    if args.seeds < 1:
        raise UsageError(f"argument --seeds: must be 1 or more (got {args.seeds})")
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"argument --jobs: must be 1 or more (got {args.jobs})")
    if args.jobs is not None and args.scheduler:
        raise UsageError("--jobs and --scheduler cannot both apply: Dask's workers set the pace")
    plan = plan_runs(args, parse_grid(args.grid, args))
    if not args.quiet:
        for note in inert_axes(plan):
            print(f"{PROG} sweep: note: {note}", file=sys.stderr)
    show = not args.quiet and sys.stderr.isatty()
    with _executor(args, len(plan.configs)) as (executor, slots):
        progress = _Progress(slots) if show else None
        try:
            results = run_many(
                plan.configs,
                executor,
                datasets=plan.datasets,
                history_limit=PLOT_HISTORY if args.plot else 1,  # 1: the first and last rows
                progress=progress,
            )
        finally:
            if progress is not None:
                progress.clear()
    text = csv_text(plan, results)
    if args.out:
        _write(args.out, text)
    else:
        sys.stdout.write(text)
    if args.plot:
        _plot(args.plot, plan, results)
    failed = sum(bool(r.error) for r in results)
    if failed:
        print(
            f"{PROG}: {failed} of {len(results)} runs failed (their rows say why)", file=sys.stderr
        )
        return 1
    return 0


# --- the grid ------------------------------------------------------------------


def _train_flags() -> argparse.ArgumentParser:
    """train's flags alone, read exactly (no abbreviations): the judge of each axis."""
    parser = Parser(prog=f"{PROG} train", add_help=False, allow_abbrev=False)
    add_train_flags(parser)
    return parser


def parse_grid(specs: Sequence[str], given: argparse.Namespace) -> tuple[Axis, ...]:
    """The --grid axes, each value read by train's own parser; `given`: the
    other flags (an option cannot be both a flag and an axis)."""
    parser = _train_flags()
    axes: list[Axis] = []
    for spec in specs:
        name, sep, text = spec.partition("=")
        name = name.strip().lstrip("-")
        if not sep or not name:
            raise UsageError(f"--grid expects OPTION=V1,V2,... (got {spec!r})")
        if name in _NOT_AXES:
            raise UsageError(f"--grid {name}: {_NOT_AXES[name]}")
        flag = f"--{name}"
        try:  # a flag that takes a value fails without one
            _, unknown = parser.parse_known_args([flag])
        except UsageError:
            pass
        else:
            raise UsageError(_not_an_option(name, parser) if unknown else _no_value(name))
        if any(a.name == name for a in axes):
            raise UsageError(f"--grid {name}: the same option is given twice")
        texts = _split_values(text)
        if not texts:
            raise UsageError(f"--grid {name}: no values (e.g. --grid {name}=V1,V2)")
        if not all(texts):  # "8,8;" or "0.1,,1": a value left out by mistake
            raise UsageError(f"--grid {name}: an empty value in {text!r}")
        values = []
        for value in texts:
            try:
                parsed = vars(parser.parse_args([f"{flag}={value}"]))
            except UsageError as exc:
                raise UsageError(f"--grid {name}: {exc}") from None
            dest = next(k for k in parsed if k != "config")
            values.append(parsed[dest])
        if dest in vars(given):
            raise UsageError(f"--grid {name}: {flag} is given as a flag too; keep one of them")
        seen = set()
        for value, typed in zip(values, texts, strict=True):
            key = repr(value)
            if key in seen:
                hint = " (values that hold commas are separated by ';')" if ";" not in text else ""
                raise UsageError(f"--grid {name}: {typed} is given twice{hint}")
            seen.add(key)
        axes.append(Axis(name, dest, texts, tuple(values)))
    return tuple(axes)


def _split_values(text: str) -> tuple[str, ...]:
    """V1,V2,... ; values that hold commas (hidden, features, shift) are split by ';'."""
    if not text.strip():
        return ()
    return tuple(v.strip() for v in text.split(";" if ";" in text else ","))


def _no_value(name: str) -> str:
    return f"--grid {name}: --{name} takes no value; sweep it with two commands, with and without"


def _not_an_option(name: str, parser: argparse.ArgumentParser) -> str:
    names = sorted(set(re.findall(r"(?<![\w-])--([a-z0-9][a-z0-9-]*)", parser.format_help())))
    close = difflib.get_close_matches(name.replace("_", "-"), names, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"--grid {name}: train has no option --{name}{hint}"


def plan_runs(args: argparse.Namespace, axes: Sequence[Axis]) -> Plan:
    """Every run's config (and own data), checked before any run starts."""
    points, configs, datasets = [], [], []
    base = vars(args)
    sizes = [len(a.values) for a in axes]
    settings: dict[tuple[int, ...], tuple[Config, Dataset | None]] = {}
    for point, offset in grid_runs(sizes, args.seeds):
        if point not in settings:
            flags = base | {a.dest: a.values[i] for a, i in zip(axes, point, strict=True)}
            settings[point] = _setting(argparse.Namespace(**flags), axes, point)
        config, dataset = settings[point]
        seed = config.init_seed + offset
        try:
            config = config.replace(init_seed=seed)
        except ConfigError as exc:
            raise UsageError(f"--seeds {args.seeds}: {exc}") from None
        points.append(point)
        configs.append(config)
        datasets.append(dataset)
    return Plan(tuple(axes), tuple(points), tuple(configs), tuple(datasets))


def _setting(
    flags: argparse.Namespace, axes: Sequence[Axis], point: tuple[int, ...]
) -> tuple[Config, Dataset | None]:
    try:
        config = config_from_args(flags)
        if getattr(flags, "data", None):
            return own_data(flags, config)
        return config, None
    except UsageError as exc:
        if not axes:
            raise
        raise UsageError(f"--grid {setting_name(axes, point)}: {exc}") from None


def setting_name(axes: Sequence[Axis], point: tuple[int, ...], leave_out: int = -1) -> str:
    """A grid point as typed: "init=he_normal init-scale=1" (axis `leave_out` left out)."""
    pairs = enumerate(zip(axes, point, strict=True))
    return " ".join(f"{a.name}={a.texts[i]}" for k, (a, i) in pairs if k != leave_out)


def inert_axes(plan: Plan) -> list[str]:
    """A sentence for each axis that changes nothing in some settings (init-scale
    for xavier_normal): their runs repeat one another."""
    notes = []
    settings = dict(zip(plan.points, plan.configs, strict=True))  # the first seed's will do
    for k, axis in enumerate(plan.axes):
        idle = [p for p, c in settings.items() if not c.applies(axis.dest)]
        if idle:
            others = setting_name(plan.axes, idle[0], leave_out=k)
            where = f" (e.g. {others})" if others else ""
            notes.append(
                f"{axis.name} changes nothing in {len(idle)} of {len(settings)} settings{where}"
            )
    return notes


# --- where the runs run -----------------------------------------------------------


@contextlib.contextmanager
def _executor(args: argparse.Namespace, runs: int) -> Iterator[tuple[Executor | None, int]]:
    """(executor, runs at a time): Dask's, a process pool, or None (this process).
    Ends them on the way out; on an interruption the pool's workers are ended
    at once (they ignore Ctrl+C themselves)."""
    if args.scheduler:
        with _dask(args.scheduler) as pair:
            yield pair
        return
    jobs = min(args.jobs or os.cpu_count() or 1, runs)
    if jobs <= 1:
        yield None, 1
        return
    before = set(multiprocessing.active_children())
    pool = ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("spawn"), initializer=ignore_interrupts
    )
    try:
        yield pool, jobs
    except BaseException:
        for process in set(multiprocessing.active_children()) - before:
            process.terminate()  # a run in progress would finish first
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


@contextlib.contextmanager
def _dask(address: str) -> Iterator[tuple[Executor, int]]:
    try:
        from dask.distributed import Client
    except ImportError:
        raise UsageError(DASK_MISSING) from None
    client = _connect(Client, address)
    try:
        slots = sum(client.nthreads().values()) or 1
        yield client.get_executor(pure=False), slots
    finally:
        client.close()


def _connect(client_class: Any, address: str) -> Any:
    """A Dask client of the scheduler at `address`, or one sentence why not.

    The client connects in a thread of its own, which this waits for no longer
    than the timeout: a server that is no Dask scheduler may never answer.  A
    client that failed half-way closes slowly and then complains (its __del__);
    the thread keeps it, unclosed, until the program ends.
    """
    outcome: dict[str, Any] = {}
    settled = threading.Event()

    def connect() -> None:
        try:
            outcome["client"] = client_class(
                address, timeout=SCHEDULER_TIMEOUT, set_as_default=False
            )
        except Exception as exc:
            outcome["error"] = " ".join(str(exc).split()) or type(exc).__name__
            settled.set()
            threading.Event().wait()  # holds `exc` and with it the half-made client
        settled.set()

    threading.Thread(target=connect, name="dask-connect", daemon=True).start()
    name = printable_path(address)
    if not settled.wait(SCHEDULER_TIMEOUT + 5):
        raise UsageError(f"--scheduler: no Dask scheduler answered at {name}")
    if "error" in outcome:
        why = outcome["error"].rstrip(".")
        raise UsageError(f"--scheduler: cannot reach a Dask scheduler at {name} ({why})")
    return outcome["client"]


class _Progress:
    """One line on stderr, rewritten in place: runs done, running, time left."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.start = time.perf_counter()
        self.shown = 0.0
        self.done = -1

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if done == self.done and now - self.shown < _PROGRESS_INTERVAL:
            return
        self.done, self.shown = done, now
        running = min(self.slots, total - done)
        line = f"{done}/{total} runs done · {running} running"
        if done:
            line += f" · {_duration((now - self.start) * (total - done) / done)} left"
        sys.stderr.write(f"\r{line}\x1b[K")
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


# --- what comes out -------------------------------------------------------------


def csv_text(plan: Plan, results: Sequence[RunResult]) -> str:
    """One row per run: the axes as typed, the init seed, then train --json's
    keys (but config and seconds); numbers at full precision, booleans as
    true/false, nothing for None."""
    keys: list[str] = []
    for r in sorted(results, key=lambda r: -len(r.result)):  # accuracies where any has them
        keys += [k for k in r.result if k not in keys and k not in _LEFT_OUT]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*(a.name for a in plan.axes), *_OWN_COLUMNS, *keys])
    for run, r in enumerate(results):
        cells = [_cell(r.result.get(k)) for k in keys]
        writer.writerow([*plan.texts(run), str(r.config.init_seed), *cells])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(float(value))  # float(): a NumPy float's repr names its type
    return str(value)


def _write(path: str, text: str) -> None:
    try:
        with atomic_write(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        why = exc.strerror or exc
        raise UsageError(f"--out: cannot write {printable_path(path)}: {why}") from None


def bands(plan: Plan, results: Sequence[RunResult]) -> list[SeedBand]:
    """One band per setting (grid point), in the grid's order."""
    runs: dict[tuple[int, ...], list[RunResult]] = {}
    for point, r in zip(plan.points, results, strict=True):
        runs.setdefault(point, []).append(r)
    out = []
    for point, group in runs.items():
        out.append(seed_band(setting_name(plan.axes, point) or "all runs", group))
    return out


def summary(config: Config, axes: Sequence[Axis]) -> str:
    """The settings every run shares, in a few words (those on an axis left out)."""
    varied = {a.dest for a in axes}
    parts = []
    if not varied & {"dataset", "formula", "problem"}:
        parts.append(config.formula or config.dataset)
    if "features" not in varied and config.features != ("x1", "x2"):
        parts.append(f"{len(config.features)} features")
    if "hidden" not in varied:
        parts.append("hidden " + (",".join(map(str, config.hidden)) or "none"))
    if "activation" not in varied:
        parts.append(config.activation)
    if "init" not in varied:
        parts.append(f"init {config.init}")
    if "optimizer" not in varied:
        parts.append(config.optimizer)
    if "lr" not in varied:
        parts.append(f"lr {config.lr:g}")
    if "batch_size" not in varied:
        parts.append(f"batch {config.batch_size or 'full'}")
    return " · ".join(parts)


def _plot(path: str, plan: Plan, results: Sequence[RunResult]) -> None:
    from ..views.sweep_plot import PlotError, save_sweep_plot  # Qt only when drawing

    seeds = len(plan.configs) // max(1, len(set(plan.points)))
    names = [a.name for a in plan.axes]
    title = "Test loss" + (f" by {' and '.join(names)}" if names else f" over {seeds} seeds")
    spread = f"median of {seeds} seeds, shaded from the lowest to the highest" if seeds > 1 else ""
    subtitle = " · ".join(s for s in (spread, summary(plan.configs[0], plan.axes)) if s)
    try:
        save_sweep_plot(bands(plan, results), path, title=title, subtitle=subtitle)
    except PlotError as exc:
        raise UsageError(f"--plot: {exc}") from None
    except OSError as exc:
        why = exc.strerror or exc
        raise UsageError(f"--plot: cannot write {printable_path(path)}: {why}") from None
