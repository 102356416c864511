"""`render --animate`: train headless while keeping the run's timeline, then
write an animation of its training (views/animation.py) instead of a picture."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.replay import AnimationFrames
from ..core.timeline import CheckpointStore
from ..core.trainer import Trainer
from ..io.reading import printable_path

# views/animation.py imports Qt and Pillow only inside its functions
from ..views.animation import (
    ANIMATION_SUFFIXES,
    DEFAULT_FPS,
    MAX_FPS,
    MIN_FPS,
    WHAT,
    RenderError,
    check_animation_path,
    default_size,
    write_animation,
)
from ..views.picture import DEFAULT_SIZE, IMAGE_SUFFIXES
from .errors import UsageError

MAX_FRAMES = 1000  # a timeline keeps no more checkpoints
ANIMATION_GRID_RESOLUTION = 100  # pixels per side of each neuron's picture, as a render's


def _frame_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number (got {text!r})") from None
    if not 2 <= count <= MAX_FRAMES:
        raise argparse.ArgumentTypeError(f"must be from 2 to {MAX_FRAMES} (got {count})")
    return count


def _frame_rate(text: str) -> float:
    try:
        fps = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number (got {text!r})") from None
    if not MIN_FPS <= fps <= MAX_FPS:  # also NaN
        raise argparse.ArgumentTypeError(f"must be from {MIN_FPS:g} to {MAX_FPS:g} (got {text})")
    return fps


def add_animation_flags(render: argparse.ArgumentParser) -> None:
    """The render subcommand's animation group."""
    group = render.add_argument_group("animation (instead of a picture)")
    group.add_argument(
        "--animate", metavar="OUT.gif|OUT.mp4",
        help="write an animation of the training (an MP4 needs imageio-ffmpeg)",
    )  # fmt: skip
    group.add_argument(
        "--frames", type=_frame_count, metavar="N",
        help="frames spread over the run, the first and last epochs among them "
        "(default: one per kept checkpoint, at most 100)",
    )  # fmt: skip
    group.add_argument("--fps", type=_frame_rate, help=f"frames a second ({DEFAULT_FPS})")
    size = "x".join(str(side) for side in default_size("output"))
    group.add_argument(
        "--what", choices=WHAT,
        help=f"the output heatmap with a caption ({size}, the default) or the whole picture",
    )  # fmt: skip


def check_render_outputs(args: argparse.Namespace) -> None:
    """Exactly one of OUT.png|OUT.svg and --animate; an animation's name and folder
    checked before any training.  A picture's default size filled in (an
    animation's depends on --what: views/animation.py)."""
    picture = "|".join(f"OUT{suffix}" for suffix in IMAGE_SUFFIXES)
    if args.out is None and args.animate is None:
        raise UsageError(f"give a picture to write ({picture}) or --animate OUT.gif|OUT.mp4")
    if args.out is not None and args.animate is not None:
        raise UsageError(f"give a picture ({picture}) or --animate OUT.gif|OUT.mp4, not both")
    if args.animate is None:
        if Path(args.out).suffix.lower() in ANIMATION_SUFFIXES:
            name = printable_path(args.out)
            raise UsageError(f"{name}: a picture is a .png or .svg file (an animation: --animate)")
        for flag in ("frames", "fps", "what"):
            if getattr(args, flag) is not None:
                raise UsageError(f"--{flag} is for an animation: add --animate OUT.gif|OUT.mp4")
        args.size = args.size or DEFAULT_SIZE
        return
    try:
        check_animation_path(args.animate)
    except RenderError as exc:
        raise UsageError(str(exc)) from None


def record(trainer: Trainer) -> CheckpointStore:
    """Keep the run's timeline from now on (dense early, thinning later)."""
    store = CheckpointStore()
    trainer.record_checkpoints(store)
    return store


def write_training_animation(
    args: argparse.Namespace, trainer: Trainer, store: CheckpointStore
) -> None:
    """The trained run's animation, to args.animate."""
    frames = AnimationFrames(
        trainer.config, trainer.dataset, store.checkpoints, trainer.history, args.frames,
        ANIMATION_GRID_RESOLUTION,
    )  # fmt: skip
    fps = DEFAULT_FPS if args.fps is None else args.fps
    try:
        write_animation(frames, args.animate, args.size, fps, args.what or "output")
    except RenderError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # not expected: checkpoints of another network
        raise UsageError(f"cannot animate {printable_path(args.animate)}: {exc}") from None
