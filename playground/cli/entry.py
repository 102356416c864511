"""`neural-playground`: the window with no arguments or a file, headless commands otherwise.

    neural-playground                  open the window
    neural-playground FILE             open the window with an experiment or parameters
    neural-playground train [flags]    train without a window, print or save results

A bad flag or file gives one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..blas import use_one_blas_thread
from ..io.formats import OPENABLE_SUFFIXES
from .arguments import build_parser
from .errors import EXIT_INTERRUPTED, EXIT_USAGE, PROG, UsageError
from .file_commands import run_inspect, run_predict
from .train import run_render, run_train

COMMANDS = {
    "train": run_train,
    "render": run_render,
    "predict": run_predict,
    "inspect": run_inspect,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
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
        print(f"{command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    from ..app import run_app

    return run_app()  # no arguments: the window


def _looks_like_a_file(arg: str) -> bool:
    """`neural-playground FILE` opens the window with it; a mistyped command does not."""
    if arg in COMMANDS or arg.startswith("-"):
        return False
    return Path(arg).suffix.lower() in OPENABLE_SUFFIXES or Path(arg).is_file()


if __name__ == "__main__":
    sys.exit(main())
