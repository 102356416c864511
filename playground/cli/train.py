"""`train` and `render`: train headless, then report and write files, or draw the picture.

Every output name is checked before training, so no work is lost to a typo.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ..core.runs import run_result
from ..core.trainer import Trainer
from ..io.npz import save_npz
from ..io.own_data import write_dataset_csv
from ..io.reading import printable_path
from ..views.picture import IMAGE_SUFFIXES, RenderError, render_snapshot  # Qt only when drawing
from .animate import check_render_outputs, record, write_training_animation
from .arguments import config_from_args
from .diagnose import diagnose, report_json, report_text
from .errors import EXIT_DIVERGED, PROG, UsageError
from .model_files import check_export_paths, export_all, start_from
from .own_data import own_data

RENDER_GRID_RESOLUTION = 100  # pixels per side of each neuron's picture in a render
_PROGRESS_INTERVAL = 0.1  # seconds between progress lines on a terminal


def run_train(args: argparse.Namespace) -> int:
    for flag, path in (("--save", args.save), ("--export-data", args.export_data)):
        check_writable(flag, path)
    check_export_paths(args.export)
    trainer = _make_trainer(args)
    cfg = trainer.config
    if args.export_data:
        _export_data(args.export_data, trainer)

    show = not (args.quiet or args.json) and sys.stderr.isatty()
    start = time.perf_counter()
    last_print = start

    def progress(t: Trainer) -> None:
        nonlocal last_print
        now = time.perf_counter()
        if show and now - last_print > _PROGRESS_INTERVAL:
            last_print = now
            sys.stderr.write(
                "\r" + _progress_line(t, cfg.epochs, t.epoch / (now - start)) + "\x1b[K"
            )
            sys.stderr.flush()

    trainer.train(cfg.epochs, callback=progress)
    seconds = time.perf_counter() - start
    rate = trainer.epoch / seconds if seconds > 0 else 0.0

    if args.save:
        _save(args.save, trainer)
    export_all(args.export, trainer)
    if show:
        sys.stderr.write("\r\x1b[K")
    report = diagnose(trainer) if args.diagnose else None
    if args.json:
        result = run_result(trainer, rate, seconds)
        print(json.dumps(result | (report_json(*report) if report else {}), allow_nan=False))
    else:
        print(_progress_line(trainer, cfg.epochs, rate))
        if report:
            print(report_text(*report))
    return _exit_status(trainer)


def run_render(args: argparse.Namespace) -> int:
    check_render_outputs(args)  # a picture or --animate, and its name, before training
    if args.animate:
        trainer = _make_trainer(args)
        store = record(trainer)
        trainer.train()
        write_training_animation(args, trainer, store)
        return _exit_status(trainer)
    if Path(args.out).suffix.lower() not in IMAGE_SUFFIXES:  # before training, not after
        kinds = " or ".join(IMAGE_SUFFIXES)
        raise UsageError(f"{printable_path(args.out)}: the picture must be a {kinds} file")
    check_writable("render", args.out)
    trainer = _make_trainer(args)
    trainer.train()
    try:
        snapshot = trainer.snapshot(grid_resolution=RENDER_GRID_RESOLUTION)
        render_snapshot(snapshot, args.out, args.size)
    except RenderError as exc:
        raise UsageError(str(exc)) from None
    return _exit_status(trainer)


def _make_trainer(args: argparse.Namespace) -> Trainer:
    cfg = config_from_args(args)
    dataset = None
    if getattr(args, "data", None):
        cfg, dataset = own_data(args, cfg)
    layers = None
    if getattr(args, "init_from", None):
        cfg, layers = start_from(args.init_from, cfg)
    trainer = Trainer(cfg, dataset)
    if layers is not None:
        trainer.load_parameters(layers)
    return trainer


def _exit_status(trainer: Trainer) -> int:
    if trainer.diverged:
        print(f"{PROG}: {trainer.message}", file=sys.stderr)
        return EXIT_DIVERGED
    return 0


def _progress_line(trainer: Trainer, total: int, rate: float) -> str:
    m = trainer.metrics
    line = f"epoch {m.epoch}/{total}  train loss {m.train_loss:.4g}  test loss {m.test_loss:.4g}"
    if m.test_accuracy is not None:
        line += f"  test accuracy {100 * m.test_accuracy:.1f} %"
    return line + f"  {rate:,.0f} epochs/s"


def check_writable(flag: str, path: str | None, suffix: str | None = None) -> None:
    """An output name, checked before training: its suffix (`suffix`, or the one
    `flag` writes), its folder there, not a folder itself (one sentence else)."""
    if path is None:
        return
    wanted = suffix or {"--save": ".npz", "--export-data": ".csv"}.get(flag)
    name, folder = printable_path(path), Path(path).parent
    if wanted and not path.lower().endswith(wanted):
        raise UsageError(f"{flag}: {name} must end in {wanted}")
    if not folder.is_dir():
        raise UsageError(f"{flag}: cannot write {name}: no folder {printable_path(folder)}")
    if Path(path).is_dir():
        raise UsageError(f"{flag}: {name} is a folder, not a file")


def _save(path: str, trainer: Trainer) -> None:
    try:  # the name was checked before training (check_writable)
        save_npz(path, trainer.parameters(), trainer.config, {"epoch": trainer.epoch})
    except OSError as exc:
        why = exc.strerror or exc
        raise UsageError(f"--save: cannot write {printable_path(path)}: {why}") from None


def _export_data(path: str, trainer: Trainer) -> None:
    try:
        write_dataset_csv(path, trainer.dataset)
    except OSError as exc:
        why = exc.strerror or exc
        raise UsageError(f"--export-data: cannot write {printable_path(path)}: {why}") from None
