"""`neural-playground`: the window with no arguments or a file, headless commands otherwise.

    neural-playground                  open the window
    neural-playground FILE             open the window with an experiment or parameters
    neural-playground train [flags]    train without a window, print or save results
    neural-playground sweep [flags]    train a grid of settings and seeds, write a CSV and a plot

A bad flag or file gives one line on stderr and exit status 2, never a traceback.
Output to a closed pipe (`inspect FILE | head -1`) ends quietly with status 141,
as for a program a SIGPIPE ends.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from ..blas import use_one_blas_thread
from ..io.formats import DROPPABLE_SUFFIXES
from .arguments import build_parser
from .diagnose import run_diagnose
from .errors import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, EXIT_USAGE, PROG, UsageError
from .file_commands import run_inspect, run_predict
from .sweep import run_sweep
from .train import run_render, run_train

COMMANDS = {
    "train": run_train,
    "render": run_render,
    "sweep": run_sweep,
    "predict": run_predict,
    "inspect": run_inspect,
    "diagnose": run_diagnose,
}


def main(argv: list[str] | None = None) -> int:
    try:
        try:
            return _main(sys.argv[1:] if argv is None else list(argv))
        finally:  # --help and --version end in SystemExit: flush for them too
            if sys.stdout is not None:  # None in a Windows GUI build
                sys.stdout.flush()  # here, not at exit, so that a closed pipe is caught
    except BrokenPipeError:
        _discard_output()
        return EXIT_BROKEN_PIPE


def _main(argv: list[str]) -> int:
    use_one_blas_thread()  # tiny matrices: extra BLAS threads only spin
    if len(argv) == 1 and _looks_like_a_file(argv[0]):
        from ..app import run_app  # `neural-playground FILE`: open the window with it

        return run_app(open_path=argv[0])
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is not None:
            return COMMANDS[args.command](args)
        if args.self_test:
            from ..app.self_test import run_self_test

            return run_self_test(args.self_test)
    except UsageError as exc:
        command = f"{PROG} {argv[0]}" if argv and not argv[0].startswith("-") else PROG
        print(_one_line(f"{command}: error: {exc}"), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    from ..app import run_app

    return run_app()  # no arguments: the window


def _one_line(message: str) -> str:
    """`message` with each unprintable character escaped: a name with a newline stays on one line.

    Paths are quoted where a message names them (io.reading.printable_path);
    this catches what else a person typed, such as an unknown argument.
    """
    if message.isprintable():
        return message
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def _discard_output() -> None:
    """Point stdout and stderr at the null device, so Python's flush at exit fails no more."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, stream.fileno())
            finally:
                os.close(devnull)


def _looks_like_a_file(arg: str) -> bool:
    """`neural-playground FILE` opens the window with it; a mistyped command does not."""
    if arg in COMMANDS or arg.startswith("-"):
        return False
    return Path(arg).suffix.lower() in DROPPABLE_SUFFIXES or Path(arg).is_file()


if __name__ == "__main__":
    sys.exit(main())
