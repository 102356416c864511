"""The command line: `neural-playground` opens the window, subcommands work headless.

    neural-playground                  open the window
    neural-playground train [flags]    train without a window, print or save results

A bad flag or file gives one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

from .. import __version__
from ..blas import use_one_blas_thread
from ..core import config as C
from ..core.config import Config, ConfigError

PROG = "neural-playground"
EXIT_USAGE, EXIT_DIVERGED = 2, 1


class UsageError(Exception):
    """A mistake in the command line or an input file: one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of usage + message
        raise UsageError(message)


def _choice_list(values) -> str:
    return ", ".join(values)


def _comma_list(kind: str, choices):
    def parse(text: str) -> tuple[str, ...]:
        names = tuple(s.strip() for s in text.split(",") if s.strip())
        bad = [n for n in names if n not in choices]
        if bad or not names:
            raise argparse.ArgumentTypeError(
                f"{kind} must be a comma-separated list of {_choice_list(choices)}"
                + (f" (got {bad[0]!r})" if bad else "")
            )
        return names

    return parse


def _hidden(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(s) for s in text.split(",") if s.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected layer sizes like 8,8 or '' for none (got {text!r})"
        ) from None
    return sizes


def _image_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected WIDTHxHEIGHT, e.g. 1400x640 (got {text!r})"
        ) from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise argparse.ArgumentTypeError(f"width and height must be from 200 to 8000 (got {text})")
    return width, height


def _batch_size(text: str):
    if text == "full":
        return "full"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number or 'full' (got {text!r})"
        ) from None


def _add_train_flags(p: argparse.ArgumentParser) -> None:
    S = argparse.SUPPRESS  # a flag not given leaves the config file's or default value
    data = p.add_argument_group("data")
    data.add_argument("--problem", choices=C.PROBLEMS, default=S)
    data.add_argument("--dataset", choices=C.DATASETS, default=S, help="default: circle")
    data.add_argument("--classes", type=int, default=S, help="classes for blobs and spirals (3)")
    data.add_argument(
        "--points", type=int, default=S, help="500 (classification), 1200 (regression)"
    )
    data.add_argument(
        "--noise", type=float, default=S, help="0 to 1 (TensorFlow Playground: 0 to 0.5)"
    )
    data.add_argument(
        "--train-ratio", type=float, default=S, help="fraction used for training, 0.1 to 0.9"
    )
    data.add_argument(
        "--seed",
        type=int,
        default=S,
        help="seeds the data, the initial weights and the batch order",
    )
    data.add_argument("--data-seed", type=int, default=S)
    data.add_argument("--init-seed", type=int, default=S)
    net = p.add_argument_group("network")
    net.add_argument("--features", type=_comma_list("features", C.FEATURES), default=S,
                     help=f"comma-separated: {_choice_list(C.FEATURES)} (x1,x2)")  # fmt: skip
    net.add_argument(
        "--hidden", type=_hidden, default=S, help="layer sizes, e.g. 8,8; '' for none (4,2)"
    )
    net.add_argument("--activation", choices=C.ACTIVATIONS, default=S, help="default: tanh")
    net.add_argument("--loss", choices=C.LOSSES, default=S, help="default: mse")
    init = p.add_argument_group("initialization")
    init.add_argument("--init", choices=C.WEIGHT_INITS, default=S, help="default: tf_playground")
    init.add_argument(
        "--init-scale", type=float, default=S, help="c, a or sigma for constant, uniform, normal"
    )
    init.add_argument("--init-gain", type=float, default=S, help="default: the activation's gain")
    init.add_argument("--bias-init", choices=C.BIAS_INITS, default=S, help="default: constant")
    init.add_argument("--bias-value", type=float, default=S, help="default: 0.1")
    opt = p.add_argument_group("optimizer")
    opt.add_argument("--optimizer", choices=C.OPTIMIZERS, default=S, help="default: sgd")
    opt.add_argument("--lr", type=float, default=S, help="learning rate (0.03)")
    opt.add_argument("--momentum", type=float, default=S, help="for momentum and nesterov (0.9)")
    opt.add_argument("--rmsprop-alpha", type=float, default=S, help="default: 0.99")
    opt.add_argument("--beta1", type=float, default=S, help="Adam (0.9)")
    opt.add_argument("--beta2", type=float, default=S, help="Adam (0.999)")
    opt.add_argument("--eps", type=float, default=S, help="RMSProp and Adam (1e-8)")
    opt.add_argument("--schedule", choices=C.SCHEDULES, default=S, help="default: constant")
    opt.add_argument(
        "--lr-gamma", type=float, default=S, help="decay factor (step 0.5, exponential 0.99)"
    )
    opt.add_argument(
        "--lr-period", type=int, default=S, help="epochs per step; cosine period (100)"
    )
    opt.add_argument("--lr-min", type=float, default=S, help="cosine floor (0)")
    reg = p.add_argument_group("regularization")
    reg.add_argument("--regularization", choices=C.REGULARIZATIONS, default=S, help="default: none")
    reg.add_argument("--reg-rate", type=float, default=S, help="lambda (0)")
    reg.add_argument("--reg-bias", action="store_true", default=S, help="penalize biases too")
    run = p.add_argument_group("training")
    run.add_argument("--batch-size", type=_batch_size, default=S, help="1.. or 'full' (10)")
    run.add_argument("--no-shuffle", dest="shuffle", action="store_false", default=S,
                     help="keep the data order fixed")  # fmt: skip
    run.add_argument("--epochs", type=int, default=S, help="default: 200")
    run.add_argument("--config", metavar="FILE.json", help="options as JSON; flags override it")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Train small neural networks and see inside them.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--self-test", metavar="OUT.png",
        help="open the window, train a little, save a screenshot and exit (checks a build)",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    train = sub.add_parser(
        "train",
        help="train headless and report",
        usage="%(prog)s [options]",
        description="Train a network without the window and report how it did.",
    )
    _add_train_flags(train)
    out = train.add_argument_group("files")
    out.add_argument("--json", action="store_true", help="print one JSON object with the results")
    out.add_argument("--quiet", action="store_true", help="no progress line")
    out.add_argument("--save", metavar="FILE.npz", help="write the trained parameters")
    out.add_argument(
        "--export", metavar="PATH", action="append", default=[],
        help="write the parameters as .safetensors, .onnx, .npz or .json (repeatable)",
    )  # fmt: skip
    out.add_argument(
        "--init-from", metavar="PATH", help="start from saved parameters (and their architecture)"
    )
    out.add_argument(
        "--export-data", metavar="FILE.csv", help="write the points as x1,x2,label,split"
    )

    predict = sub.add_parser(
        "predict", help="the outputs of a saved network for points in a CSV file",
        description="Write a saved network's outputs (after its output activation) for points.",
    )  # fmt: skip
    predict.add_argument("model", help="parameters (.safetensors .onnx .npz .json) or .playground")
    predict.add_argument("input", help="CSV with a header naming x1 and x2")
    predict.add_argument("-o", "--output", metavar="OUT.csv", help="default: standard output")

    inspect = sub.add_parser("inspect", help="architecture and weight statistics of a file")
    inspect.add_argument("file", help="parameters (.safetensors .onnx .npz .json) or .playground")

    render = sub.add_parser(
        "render", help="train headless and save the window's picture",
        usage="%(prog)s [options] OUT.png|OUT.svg",
        description="Train headless, then draw the network and its output as the window does.",
    )  # fmt: skip
    _add_train_flags(render)
    render.add_argument("out", metavar="OUT.png|OUT.svg")
    render.add_argument("--size", type=_image_size, default=(1400, 640),
                        help="picture size in pixels, WIDTHxHEIGHT (1400x640)")  # fmt: skip
    render.add_argument("--init-from", metavar="PATH", help="start from saved parameters")
    return parser


# --- building the configuration ----------------------------------------------


def config_from_args(args: argparse.Namespace) -> Config:
    values: dict = {}
    if getattr(args, "config", None):
        values.update(_read_config_file(args.config))
    flags = vars(args)
    seed = flags.get("seed")
    if seed is not None:
        if not 0 <= seed <= C.MAX_SEED:
            raise UsageError(f"argument --seed: must be from 0 to {C.MAX_SEED} (got {seed})")
        values["data_seed"] = values["init_seed"] = seed
    for f in C.Config.__dataclass_fields__:
        if f in flags:
            values[f] = flags[f]
    try:
        return Config.from_dict(values)
    except ConfigError as exc:
        raise UsageError(_flag_message(exc)) from None


def _read_config_file(path: str) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--config: cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"--config: {path} is not a UTF-8 text file") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"--config: {path} is not valid JSON ({exc.msg} at line {exc.lineno})"
        ) from None
    if not isinstance(data, dict):
        raise UsageError(f"--config: {path} must hold a JSON object of option names and values")
    return data


def _flag_message(exc: ConfigError) -> str:
    if exc.field:
        return f"argument --{exc.field.replace('_', '-')}: {exc}"
    return str(exc)


# --- train -------------------------------------------------------------------


def _progress_line(trainer, total: int, rate: float) -> str:
    m = trainer.metrics
    line = f"epoch {m.epoch}/{total}  train loss {m.train_loss:.4g}  test loss {m.test_loss:.4g}"
    if m.test_accuracy is not None:
        line += f"  test accuracy {100 * m.test_accuracy:.1f} %"
    return line + f"  {rate:,.0f} epochs/s"


def _make_trainer(args: argparse.Namespace):
    from ..core.trainer import Trainer
    from .commands import start_from

    cfg = config_from_args(args)
    layers = None
    if getattr(args, "init_from", None):
        cfg, layers = start_from(args.init_from, cfg)
    trainer = Trainer(cfg)
    if layers is not None:
        trainer.load_parameters(layers)
    return trainer


def run_render(args: argparse.Namespace) -> int:
    from ..views.picture import IMAGE_SUFFIXES
    from .commands import run_render as render

    if Path(args.out).suffix.lower() not in IMAGE_SUFFIXES:  # before training, not after
        raise UsageError(f"{args.out}: the picture must be a .png or .svg file")
    _check_writable("render", args.out)
    trainer = _make_trainer(args)
    trainer.train()
    render(trainer, args.out, args.size)
    if trainer.diverged:
        print(f"{PROG}: {trainer.message}", file=sys.stderr)
        return EXIT_DIVERGED
    return 0


def run_train(args: argparse.Namespace) -> int:
    from .commands import check_export_paths, export_all

    for flag, path in (("--save", args.save), ("--export-data", args.export_data)):
        _check_writable(flag, path)  # before training, so no work is lost to a typo
    check_export_paths(args.export)
    trainer = _make_trainer(args)
    cfg = trainer.config
    if args.export_data:
        _export_data(args.export_data, trainer)

    show = not (args.quiet or args.json) and sys.stderr.isatty()
    start = time.perf_counter()
    last_print = [start]

    def progress(t) -> None:
        now = time.perf_counter()
        if show and now - last_print[0] > 0.1:
            last_print[0] = now
            sys.stderr.write(
                "\r" + _progress_line(t, cfg.epochs, t.epoch / (now - start)) + "\x1b[K"
            )
            sys.stderr.flush()

    trainer.train(cfg.epochs, callback=progress)
    seconds = time.perf_counter() - start
    trained = trainer.epoch
    rate = trained / seconds if seconds > 0 else 0.0

    if args.save:
        _save(args.save, trainer)
    export_all(args.export, trainer)
    if show:
        sys.stderr.write("\r\x1b[K")
    if args.json:
        print(json.dumps(_result(trainer, rate, seconds), allow_nan=False))
    else:
        print(_progress_line(trainer, cfg.epochs, rate))
    if trainer.diverged:
        print(f"{PROG}: {trainer.message}", file=sys.stderr)
        return EXIT_DIVERGED
    return 0


def _finite_or_none(x):
    return x if x is None or math.isfinite(x) else None


def _result(trainer, rate: float, seconds: float) -> dict:
    m = trainer.metrics
    out = {
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


def _check_writable(flag: str, path: str | None) -> None:
    if path is None:
        return
    wanted = {"--save": ".npz", "--export-data": ".csv"}.get(flag)
    if wanted and not path.lower().endswith(wanted):
        raise UsageError(f"{flag}: {path} must end in {wanted}")
    folder = Path(path).parent
    if not folder.is_dir():
        raise UsageError(f"{flag}: cannot write {path}: no folder {folder}")
    if Path(path).is_dir():
        raise UsageError(f"{flag}: {path} is a folder, not a file")


def _save(path: str, trainer) -> None:
    from ..io.npz import save_npz

    try:  # the name was checked before training (_check_writable)
        save_npz(path, trainer.parameters(), trainer.config, {"epoch": trainer.epoch})
    except OSError as exc:
        raise UsageError(f"--save: cannot write {path}: {exc.strerror or exc}") from None


def _export_data(path: str, trainer) -> None:
    from ..io.csvdata import write_points_csv

    try:
        write_points_csv(path, trainer.dataset)
    except OSError as exc:
        raise UsageError(f"--export-data: cannot write {path}: {exc.strerror or exc}") from None


# --- entry point ---------------------------------------------------------------


COMMANDS = ("train", "render", "predict", "inspect")
OPENABLE = (".playground", ".safetensors", ".onnx", ".npz", ".json")


def _looks_like_a_file(arg: str) -> bool:
    """`neural-playground FILE` opens the window with it; a mistyped command does not."""
    if arg in COMMANDS or arg.startswith("-"):
        return False
    return Path(arg).suffix.lower() in OPENABLE or Path(arg).is_file()


def _run_command(args: argparse.Namespace) -> int:
    from . import commands as cli_commands

    commands = {
        "train": run_train,
        "render": run_render,
        "predict": cli_commands.run_predict,
        "inspect": cli_commands.run_inspect,
    }
    return commands[args.command](args)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    use_one_blas_thread()  # tiny matrices: extra BLAS threads only spin
    if len(argv) == 1 and _looks_like_a_file(argv[0]):
        from ..app import run_app  # `neural-playground FILE`: open the window with it

        return run_app(open_path=argv[0])
    parser = build_parser()
    from .commands import CommandError

    try:
        args = parser.parse_args(argv)
        if args.command is not None:
            return _run_command(args)
        if args.self_test:
            from ..app.self_test import run_self_test

            return run_self_test(args.self_test)
    except (UsageError, CommandError) as exc:
        command = f"{PROG} {argv[0]}" if argv and not argv[0].startswith("-") else PROG
        print(f"{command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    from ..app import run_app

    return run_app()  # no arguments: the window


if __name__ == "__main__":
    sys.exit(main())
