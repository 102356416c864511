"""Animations of training: the frames a run's timeline gives (core/replay.py),
the GIF and MP4 they become (views/animation.py), and `render --animate`."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from playground.cli import main
from playground.core import Config, Trainer
from playground.core.replay import AnimationFrames, animation_frames, frame_indices
from playground.core.timeline import CheckpointStore
from playground.views import animation
from playground.views.animation import caption, write_animation
from playground.views.picture import DEFAULT_SIZE

SMALL = ["--dataset", "spiral", "--points", "120", "--hidden", "6,4", "--lr", "0.1"]


def _run(epochs: int) -> tuple[Trainer, CheckpointStore]:
    trainer = Trainer(Config(dataset="spiral", points=120, hidden=(6, 4), lr=0.1))
    store = CheckpointStore()
    trainer.record_checkpoints(store)
    trainer.train(epochs)
    return trainer, store


def _frames(trainer, store, frames=None, resolution=20):
    return AnimationFrames(
        trainer.config, trainer.dataset, store.checkpoints, trainer.history, frames, resolution
    )


def _gif_frames(path) -> list[np.ndarray]:
    with Image.open(path) as gif:
        out = []
        for i in range(gif.n_frames):
            gif.seek(i)
            out.append(np.asarray(gif.convert("RGB")).astype(int))
        return out


def _one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


@pytest.fixture
def no_training(monkeypatch):
    """A command that gets as far as training fails the test."""

    def refuse(*_args, **_kwargs):
        pytest.fail("trained before the output names were checked")

    monkeypatch.setattr("playground.cli.train._make_trainer", refuse)


# --- the frames ------------------------------------------------------------------


def test_frame_indices_spread_evenly_with_the_first_and_the_last():
    assert frame_indices(5) == [0, 1, 2, 3, 4]  # one per checkpoint
    assert frame_indices(5, 8) == [0, 1, 2, 3, 4]  # fewer checkpoints than frames
    assert frame_indices(1) == [0]
    picked = frame_indices(41, 7)
    assert picked[0] == 0 and picked[-1] == 40 and len(set(picked)) == 7
    assert set(np.diff(picked)) <= {6, 7}  # evenly: steps differ by at most one
    default = frame_indices(1000)
    assert len(default) == 100 and default[0] == 0 and default[-1] == 999
    with pytest.raises(ValueError):
        frame_indices(0)
    with pytest.raises(ValueError):
        frame_indices(10, 1)


def test_default_is_one_frame_per_checkpoint_at_most_100():
    trainer, store = _run(30)
    assert _frames(trainer, store).epochs == list(range(31))
    trainer, store = _run(150)
    assert len(store) == 151  # every epoch is kept this early
    epochs = _frames(trainer, store).epochs
    assert len(epochs) == 100 and epochs[0] == 0 and epochs[-1] == 150


def test_n_frames_include_the_first_and_the_last_epoch():
    trainer, store = _run(40)
    frames = animation_frames(
        trainer.config, trainer.dataset, store.checkpoints, trainer.history, 6, 20
    )
    epochs = [f.epoch for f in frames]
    assert len(epochs) == 6 and epochs[0] == 0 and epochs[-1] == 40
    assert epochs == sorted(set(epochs))


def test_each_frame_is_its_checkpoint_with_the_history_up_to_its_epoch():
    trainer, store = _run(40)
    run = trainer.history
    frames = animation_frames(
        trainer.config, trainer.dataset, store.checkpoints, run, 5, grid_resolution=16
    )
    for snap in frames:
        h = snap.history
        assert h.epochs[-1] == snap.epoch and np.all(h.epochs <= snap.epoch)
        n = len(h)
        assert np.array_equal(h.epochs, run.epochs[:n]) and n == snap.epoch + 1
        assert np.array_equal(h.test_loss, run.test_loss[:n])
        assert np.array_equal(h.test_accuracy, run.test_accuracy[:n])
        assert snap.metrics.test_loss == h.test_loss[-1]  # the frame's own row
        assert snap.grids is not None and snap.grids.resolution == 16
    last = frames[-1]
    assert np.array_equal(last.grids.output, trainer.grids(16).output)  # the trained network
    assert not np.array_equal(frames[0].grids.output, last.grids.output)


def test_caption_says_the_epoch_and_the_test_loss():
    trainer, store = _run(2)
    snap = _frames(trainer, store)[-1]
    snap = replace(snap, epoch=1200, metrics=replace(snap.metrics, test_loss=0.0312))
    assert caption(snap) == "epoch 1,200 · test loss 0.031"


# --- the files ---------------------------------------------------------------------


def test_render_animate_writes_a_looping_gif_of_the_requested_frames_and_size(tmp_path, capsys):
    out = tmp_path / "training.gif"
    argv = ["render", *SMALL, "--epochs", "40", "--animate", str(out), "--frames", "12"]
    assert main([*argv, "--size", "240x200", "--fps", "20"]) == 0
    assert capsys.readouterr().out == ""
    with Image.open(out) as gif:
        assert (gif.n_frames, gif.size) == (12, (240, 200))
        assert gif.info["loop"] == 0 and gif.info["duration"] == 50  # 20 a second
        gif.seek(11)
        assert gif.info["duration"] == 50 + 1000  # the trained network, a second longer
    frames = _gif_frames(out)
    below_caption = [f[60:] for f in frames]  # the heatmap and the points
    assert not np.array_equal(below_caption[0], below_caption[-1])
    assert sum(not np.array_equal(a, b) for a, b in itertools.pairwise(frames)) == 11
    assert [p.name for p in tmp_path.iterdir()] == ["training.gif"]  # no temporary files


def test_the_default_is_one_frame_per_checkpoint(tmp_path, capsys):
    out = tmp_path / "a.gif"
    assert (
        main(["render", *SMALL, "--epochs", "25", "--size", "200x200", "--animate", str(out)]) == 0
    )
    with Image.open(out) as gif:
        assert (gif.n_frames, gif.info["duration"]) == (26, 100)  # epochs 0..25, 10 a second


def test_a_gif_of_the_output_is_smooth_and_captioned(tmp_path):
    trainer, store = _run(60)
    frames = animation_frames(
        trainer.config, trainer.dataset, store.checkpoints, trainer.history, 3
    )
    told = []
    assert write_animation(frames, tmp_path / "o.gif", progress=lambda *n: told.append(n)) == 3
    assert told == [(1, 3), (2, 3), (3, 3)]
    last = _gif_frames(tmp_path / "o.gif")[-1]
    assert last.shape == (480, 480, 3)
    strip, square = last[:40], last[60:440, 60:440]
    assert (strip < 100).all(axis=2).sum() > 200  # dark caption text on white
    colours = {tuple(c) for c in square.reshape(-1, 3)}
    assert len(colours) > 60  # a heatmap of many shades, not a posterized few


def test_window_animation_is_the_whole_picture(tmp_path, capsys):
    out = tmp_path / "window.gif"
    argv = ["render", *SMALL, "--epochs", "20", "--frames", "3", "--what", "window"]
    assert main([*argv, "--animate", str(out)]) == 0
    with Image.open(out) as gif:
        assert (gif.n_frames, gif.size) == (3, DEFAULT_SIZE)


def test_mp4_has_the_frames_and_the_size(tmp_path, capsys):
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    out = tmp_path / "training.mp4"
    argv = ["render", *SMALL, "--epochs", "30", "--frames", "9", "--size", "320x240"]
    assert main([*argv, "--fps", "5", "--animate", str(out)]) == 0
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert frames == 9 and seconds == pytest.approx(9 / 5, abs=0.25)
    reader = imageio_ffmpeg.read_frames(str(out))
    assert next(reader)["size"] == (320, 240)
    reader.close()
    assert [p.name for p in tmp_path.iterdir()] == ["training.mp4"]


def test_mp4_without_imageio_ffmpeg_is_one_sentence_before_training(
    tmp_path, capsys, monkeypatch, no_training
):
    monkeypatch.setattr(animation, "mp4_available", lambda: False)
    assert main(["render", "--animate", str(tmp_path / "a.mp4")]) == 2
    assert 'MP4 needs imageio-ffmpeg: pip install "neural-playground[video]"' in _one_line_error(
        capsys
    )


@pytest.mark.parametrize(
    "argv, mention",
    [
        (["--animate", "{tmp}/a.txt"], ".gif or .mp4"),
        (["--animate", "{tmp}/no/such/a.gif"], "no folder"),
        (["{tmp}/a.png", "--animate", "{tmp}/a.gif"], "not both"),
        ([], "--animate"),
        (["{tmp}/a.gif"], "--animate"),
        (["{tmp}/a.png", "--frames", "5"], "--frames is for an animation"),
        (["--animate", "{tmp}/a.gif", "--frames", "1"], "--frames"),
        (["--animate", "{tmp}/a.gif", "--fps", "0"], "--fps"),
        (["--animate", "{tmp}/a.gif", "--what", "network"], "--what"),
    ],
)
def test_bad_animation_arguments_are_one_sentence_before_training(
    tmp_path, capsys, no_training, argv, mention
):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(["render", *argv]) == 2
    assert mention in _one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
@pytest.mark.parametrize("where", ["drawing", "writing"])
def test_a_failed_write_is_one_sentence_and_leaves_nothing_behind(
    tmp_path, monkeypatch, suffix, where
):
    if suffix == ".mp4":
        pytest.importorskip("imageio_ffmpeg")
    trainer, store = _run(10)
    full = OSError(28, "No space left on device")
    if where == "drawing":
        real, drawn = animation._FramePainter.frame, []

        def frame(self, snap):
            drawn.append(snap.epoch)
            if len(drawn) == 4:
                raise full
            return real(self, snap)

        monkeypatch.setattr(animation._FramePainter, "frame", frame)
    else:

        def fsync(fd):
            raise full

        monkeypatch.setattr("playground.io.atomic.os.fsync", fsync)
    out = tmp_path / f"a{suffix}"
    with pytest.raises(animation.RenderError, match=r"^cannot write .*a\.(gif|mp4): No space"):
        write_animation(_frames(trainer, store), out, size=(200, 200))
    assert list(tmp_path.iterdir()) == []
