"""The command line's flags: the parser, and the Config they describe.

Every train flag defaults to "not given" (argparse.SUPPRESS), so a flag left
out keeps the --config file's value or Config's default.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from .. import __version__
from ..core import config as C
from ..core.config import Config, ConfigError
from ..io import strict_json
from ..io.formats import EXPERIMENT_SUFFIX, PARAMETER_SUFFIXES
from ..io.reading import UnreadableFile, printable_path, read_regular

# views/picture.py imports Qt only inside its functions, so this stays Qt-free
from ..views.picture import DEFAULT_SIZE
from .animate import add_animation_flags
from .errors import PROG, UsageError

MIN_PICTURE_SIDE, MAX_PICTURE_SIDE = 200, 8000  # pixels, for render --size
MAX_CONFIG_BYTES = 2**20  # a config file is a flat object of about 40 options
MAX_CONFIG_DEPTH = 8  # it nests 2 deep: {"hidden": [8, 8]}
# help texts that name the files a command takes
_EXPORTS = f"{', '.join(PARAMETER_SUFFIXES[:-1])} or {PARAMETER_SUFFIXES[-1]}"
_MODEL_FILES = f"parameters ({' '.join(PARAMETER_SUFFIXES)}) or {EXPERIMENT_SUFFIX}"


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line instead of usage + message
        raise UsageError(message)


def _choice_list(values: Sequence[str]) -> str:
    return ", ".join(values)


def _comma_list(kind: str, choices: Sequence[str]) -> Callable[[str], tuple[str, ...]]:
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


def _shift(text: str) -> tuple[float, float]:
    try:
        dx, dy = (float(s) for s in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected two numbers DX,DY like 3,-2 (got {text!r})"
        ) from None
    return dx, dy


def _size_text(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def _image_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected WIDTHxHEIGHT, e.g. {_size_text(DEFAULT_SIZE)} (got {text!r})"
        ) from None
    lo, hi = MIN_PICTURE_SIDE, MAX_PICTURE_SIDE
    if not (lo <= width <= hi and lo <= height <= hi):
        raise argparse.ArgumentTypeError(f"width and height must be from {lo} to {hi} (got {text})")
    return width, height


def _batch_size(text: str) -> int | str:
    if text == "full":
        return "full"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number or 'full' (got {text!r})"
        ) from None


def _add_data_flags(p: argparse.ArgumentParser, saved: bool = False) -> None:
    """The data group; `saved`: for a saved network, whose file sets the defaults."""
    S = argparse.SUPPRESS  # a flag not given leaves the config file's or default value
    data = p.add_argument_group("data" + (" (default: the file's own)" if saved else ""))

    def shown(text: str) -> str | None:
        return None if saved else text

    data.add_argument("--problem", choices=C.PROBLEMS, default=S)
    data.add_argument("--dataset", choices=C.DATASETS, default=S, help=shown("default: circle"))
    data.add_argument(
        "--formula", metavar="EXPR", default=S,
        help="a custom dataset labelled by a formula of x1, x2, r, theta, e.g. 'x1*x2 > 0' "
        "(a comparison classifies, a number is a regression target)",
    )  # fmt: skip
    if not saved:
        data.add_argument(
            "--data", metavar="FILE.csv", default=S,
            help="your own points: a CSV with columns x1,x2,label (x2 and split optional)",
        )  # fmt: skip
    data.add_argument(
        "--rescale", action="store_true", default=S,
        help="the network sees the data mapped onto the usual square; files keep its units",
    )  # fmt: skip
    data.add_argument(
        "--shift", type=_shift, metavar="DX,DY", default=S,
        help="move a built-in dataset off the origin, e.g. 3,-2",
    )  # fmt: skip
    classes = "classes for blobs and spirals" + ("" if saved else " (3)")
    data.add_argument("--classes", type=int, default=S, help=classes)
    data.add_argument(
        "--points", type=int, default=S, help=shown("500 (classification), 1200 (regression)")
    )
    data.add_argument(
        "--noise", type=float, default=S, help="0 to 1 (TensorFlow Playground: 0 to 0.5)"
    )
    data.add_argument(
        "--train-ratio", type=float, default=S, help="fraction used for training, 0.1 to 0.9"
    )
    seeded = "the data" if saved else "the data, the initial weights and the batch order"
    data.add_argument("--seed", type=int, default=S, help=f"seeds {seeded}")
    data.add_argument("--data-seed", type=int, default=S)
    if not saved:  # a saved network has its weights
        data.add_argument("--init-seed", type=int, default=S)


def add_train_flags(p: argparse.ArgumentParser) -> None:
    S = argparse.SUPPRESS
    _add_data_flags(p)
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
    init.add_argument(
        "--no-bias", dest="use_bias", action="store_false", default=S,
        help="no biases at all (PyTorch's bias=False)",
    )  # fmt: skip
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
    parser = Parser(prog=PROG, description="Train small neural networks and see inside them.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--self-test", metavar="OUT.png",
        help="open the window, train a little, save a screenshot and exit (checks a build)",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    train = sub.add_parser(
        "train",
        help="train headless and report",
        usage="%(prog)s [options]",
        description="Train a network without the window and report how it did.",
    )
    add_train_flags(train)
    out = train.add_argument_group("files")
    out.add_argument("--json", action="store_true", help="print one JSON object with the results")
    out.add_argument("--quiet", action="store_true", help="no progress line")
    out.add_argument("--save", metavar="FILE.npz", help="write the trained parameters")
    out.add_argument(
        "--export", metavar="PATH", action="append", default=[],
        help=f"write the parameters as {_EXPORTS} (repeatable)",
    )  # fmt: skip
    out.add_argument(
        "--init-from", metavar="PATH", help="start from saved parameters (and their architecture)"
    )
    out.add_argument(
        "--export-data", metavar="FILE.csv", help="write the points as x1,x2,label,split"
    )
    out.add_argument(
        "--diagnose", action="store_true",
        help="after training, look inside the network and say why it may not learn",
    )  # fmt: skip

    _add_sweep_parser(sub)

    predict = sub.add_parser(
        "predict", help="the outputs of a saved network for points in a CSV file",
        description="Write a saved network's outputs (after its output activation) for points.",
    )  # fmt: skip
    predict.add_argument("model", help=_MODEL_FILES)
    predict.add_argument("input", help="CSV with a header naming x1 and x2")
    predict.add_argument("-o", "--output", metavar="OUT.csv", help="default: standard output")

    inspect = sub.add_parser("inspect", help="architecture and weight statistics of a file")
    inspect.add_argument("file", help=_MODEL_FILES)

    diagnose = sub.add_parser(
        "diagnose", help="why a saved network may not learn: dead, saturated, identical units...",
        usage="%(prog)s FILE [data options] [--json]",
        description="Look inside a saved network on its training data (the experiment's own, "
        "or made again from the file's settings; data options change it) and say what "
        "keeps it from learning, with remedies.",
    )  # fmt: skip
    diagnose.add_argument("file", help=_MODEL_FILES)
    _add_data_flags(diagnose, saved=True)
    diagnose.add_argument("--json", action="store_true", help="print one JSON object")

    render = sub.add_parser(
        "render", help="train headless and save the window's picture or an animation",
        usage="%(prog)s [options] OUT.png|OUT.svg | --animate OUT.gif|OUT.mp4",
        description="Train headless, then draw the network and its output as the window does, "
        "or an animation of the training.",
    )  # fmt: skip
    add_train_flags(render)
    render.add_argument("out", metavar="OUT.png|OUT.svg", nargs="?")
    size_help = f"picture size in pixels, WIDTHxHEIGHT ({_size_text(DEFAULT_SIZE)})"
    render.add_argument("--size", type=_image_size, help=size_help)  # None: the default
    render.add_argument("--init-from", metavar="PATH", help="start from saved parameters")
    add_animation_flags(render)
    return parser


def _add_sweep_parser(sub: Any) -> None:
    """`sweep`: train's flags, and the grid of them to train over (cli/sweep.py)."""
    sweep = sub.add_parser(
        "sweep", help="train a grid of settings, several seeds each, in parallel",
        usage="%(prog)s [train options] --grid OPTION=V1,V2,... [--grid ...] [--seeds N] "
        "[--jobs N] [--out FILE.csv] [--plot FILE.png]",
        description="Train every combination of the --grid values (each with --seeds "
        "initialization seeds), then write one CSV row per run and a plot of the test loss.",
    )  # fmt: skip
    add_train_flags(sweep)
    grid = sweep.add_argument_group("sweep")
    grid.add_argument(
        "--grid", metavar="OPTION=V1,V2,...", action="append", default=[],
        help="a train option without its dashes and its values, e.g. init-scale=0.1,1,10; "
        "values that hold commas are separated by ';', e.g. 'hidden=4;8,8' (repeatable)",
    )  # fmt: skip
    grid.add_argument(
        "--seeds", type=int, default=1, metavar="N",
        help="initialization seeds per setting: the init seed and the N-1 after it (1)",
    )  # fmt: skip
    grid.add_argument(
        "--jobs", type=int, metavar="N",
        help="runs at a time, each in its own process (default: the number of CPUs; "
        "1: one after another in this process)",
    )  # fmt: skip
    grid.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="run on a Dask cluster instead, e.g. tcp://10.0.0.5:8786 (needs Dask)",
    )  # fmt: skip
    files = sweep.add_argument_group("files")
    files.add_argument("--out", metavar="FILE.csv", help="one row per run (default: stdout)")
    files.add_argument("--plot", metavar="FILE.png", help="the test loss of each setting by epoch")
    files.add_argument("--quiet", action="store_true", help="no progress line")


# --- the configuration the flags describe ---------------------------------------


def config_from_args(args: argparse.Namespace) -> Config:
    values: dict[str, Any] = {}
    if getattr(args, "config", None):
        values.update(_read_config_file(args.config))
    flags = vars(args)
    seed = flags.get("seed")
    if seed is not None:
        if not 0 <= seed <= C.MAX_SEED:
            raise UsageError(f"argument --seed: must be from 0 to {C.MAX_SEED} (got {seed})")
        values["data_seed"] = values["init_seed"] = seed
    for f in Config.__dataclass_fields__:
        if f in flags:
            values[f] = flags[f]
    if "formula" in flags:
        if flags.get("dataset", C.CUSTOM_DATASET) != C.CUSTOM_DATASET:
            raise UsageError(
                f"--formula makes its own dataset, so --dataset {flags['dataset']} cannot apply"
            )
        values["dataset"] = C.CUSTOM_DATASET
    try:
        return Config.from_dict(values)
    except ConfigError as exc:
        raise UsageError(_flag_message(exc)) from None


def _read_config_file(path: str) -> dict[str, Any]:
    name = printable_path(path)
    try:
        text = read_regular(path, MAX_CONFIG_BYTES).decode("utf-8")
    except UnreadableFile as exc:  # a named pipe, a device, a folder, too large
        raise UsageError(f"--config: {name} {exc}") from None
    except OSError as exc:
        raise UsageError(f"--config: cannot read {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"--config: {name} is not a UTF-8 text file") from None
    try:  # duplicate keys and NaN are left to Config, as before; only the depth is new
        data = strict_json.loads(text, MAX_CONFIG_DEPTH, strict=False)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"--config: {name} is not valid JSON ({exc.msg} at line {exc.lineno})"
        ) from None
    except ValueError as exc:  # JSONRefused (nested too deep); an integer of 5,000 digits
        raise UsageError(f"--config: {name} {_predicate(exc)}") from None
    if not isinstance(data, dict):
        raise UsageError(f"--config: {name} must hold a JSON object of option names and values")
    return data


def _predicate(exc: ValueError) -> str:
    """What follows a file's name in a message about it."""
    if isinstance(exc, strict_json.JSONRefused):
        return str(exc)
    return f"is not valid JSON ({' '.join(str(exc).split())[:100]})"


def _flag_message(exc: ConfigError) -> str:
    if exc.field:
        return f"argument --{exc.field.replace('_', '-')}: {exc}"
    return str(exc)
