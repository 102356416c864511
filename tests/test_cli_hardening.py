"""The command line against hostile inputs and outputs: named pipes, devices, a closed
pipe for its output, names with a newline, an --export onto a folder.

Commands that could block or read without end run as the real program in a child
with a bounded address space (RLIMIT_AS) and a generous timeout: a fixed program
answers at once in a few hundred MB, a broken one fails by MemoryError or the
timeout, never by filling this machine or by a clock's judgement of speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import playground
from playground import Config, Trainer
from playground.cli import main
from playground.io.experiment import save_experiment
from playground.io.parameters import ParameterFileError, export_parameters, import_parameters

GENEROUS = 120  # seconds; a fixed command answers in about one
MEMORY = 2**30  # address space of the child; the program needs about 0.4 GiB
ROOT = str(Path(playground.__file__).resolve().parents[1])  # the checkout under test
PARAMETER_SUFFIXES = (".npz", ".json", ".safetensors", ".onnx")
_CHILD = (
    "import resource, sys\n"
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY}))\n"
    "from playground.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def _parameters_refuse_devices() -> bool:
    """Whether io/parameters.read_bytes reads through io/reading (a device is refused)."""
    with tempfile.TemporaryDirectory() as folder:
        link = Path(folder, "null.npz")
        link.symlink_to(os.devnull)
        try:
            import_parameters(link)
        except ParameterFileError as exc:
            return "not a regular file" in str(exc)
    return False


# io/parameters.py belongs to another part of issue 10; until its read_bytes uses
# io/reading.py, a named pipe still blocks it, so these cases are not even run
PARAMETER_READS = pytest.mark.xfail(
    not _parameters_refuse_devices(),
    reason="io/parameters.read_bytes does not use io/reading yet",
    run=False,
)


def cli(*argv, stdout: int | None = subprocess.PIPE, cwd=None) -> subprocess.CompletedProcess:
    """The real program in a child with MEMORY of address space."""
    return subprocess.run(
        [sys.executable, "-c", _CHILD, *map(str, argv)],
        stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=GENEROUS, cwd=cwd,
        env={**os.environ, "PYTHONPATH": ROOT, "QT_QPA_PLATFORM": "offscreen"},
    )  # fmt: skip


def _one_line_error(out: subprocess.CompletedProcess, *mentions: str) -> None:
    assert out.returncode == 2, out.stderr[-3000:]
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr, out.stderr[-3000:]
    for mention in mentions:
        assert mention in out.stderr, out.stderr


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A model in every format, an experiment, a points file, and hostile stand-ins."""
    folder = tmp_path_factory.mktemp("cli")
    trainer = Trainer(Config(points=40, hidden=(3,)))
    trainer.train(2)
    for suffix in PARAMETER_SUFFIXES:
        export_parameters(folder / f"model{suffix}", trainer.parameters(), trainer.config)
    save_experiment(folder / "model.playground", trainer.state_dict())
    (folder / "points.csv").write_text("x1,x2\n" + "0.5,-1.0\n" * 2000)
    for suffix in (*PARAMETER_SUFFIXES, ".playground", ".csv"):  # .json: --config too
        (folder / f"zero{suffix}").symlink_to("/dev/zero")
        if hasattr(os, "mkfifo"):
            os.mkfifo(folder / f"fifo{suffix}")
    return folder


# --- items 3 and 4: devices and named pipes, every command -------------------------------

READERS = [
    # (argv with {kind} for "zero" or "fifo", the file named in the message)
    pytest.param(["inspect", "{kind}.playground"], "{kind}.playground", id="inspect-experiment"),
    pytest.param(
        ["predict", "{kind}.playground", "points.csv"], "{kind}.playground", id="predict-experiment"
    ),
    pytest.param(["predict", "model.npz", "{kind}.csv"], "{kind}.csv", id="predict-points"),
    pytest.param(["train", "--config", "{kind}.json"], "{kind}.json", id="train-config"),
    pytest.param(
        ["train", "--init-from", "{kind}.playground"],
        "{kind}.playground",
        id="train-init-from-experiment",
    ),
    pytest.param(
        ["render", "--init-from", "{kind}.playground", "out.png"],
        "{kind}.playground",
        id="render-init-from-experiment",
    ),
    *(
        pytest.param(argv, f"{{kind}}{suffix}", marks=PARAMETER_READS, id=f"{argv[0]}{suffix}")
        for suffix in PARAMETER_SUFFIXES
        for argv in (["inspect", f"{{kind}}{suffix}"], ["predict", f"{{kind}}{suffix}", "x.csv"])
    ),
]


@pytest.mark.parametrize(("argv", "named"), READERS)
@pytest.mark.parametrize("kind", ["zero", "fifo"])
def test_every_reader_refuses_devices_and_named_pipes_at_once(files, kind, argv, named):
    if kind == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("named pipes are POSIX")
    out = cli(*(a.format(kind=kind) for a in argv), cwd=files)
    what = "a device" if kind == "zero" else "a named pipe"
    _one_line_error(out, named.format(kind=kind), f"not a regular file ({what})")


def test_the_commands_still_read_regular_files(files):
    out = cli("predict", "model.playground", "points.csv", cwd=files)
    assert out.returncode == 0 and out.stdout.count("\n") == 2001, out.stderr


# --- item 8: output to a closed pipe ----------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [["inspect", "model.npz"], ["inspect", "model.playground"],
     ["predict", "model.onnx", "points.csv"], ["train", "--epochs", "2", "--quiet"],
     ["train", "--epochs", "2", "--json"], ["--help"], ["train", "--help"], ["--version"]],
    ids=lambda argv: " ".join(argv),
)  # fmt: skip
def test_output_to_a_closed_pipe_ends_quietly(files, argv):
    read_end, write_end = os.pipe()
    os.close(read_end)  # as `| head -1` after its line: every write now fails
    try:
        out = cli(*argv, stdout=write_end, cwd=files)
    finally:
        os.close(write_end)
    # 128 + SIGPIPE, as shells report it; argparse's --help and --version ignore the error
    argparse_output = {"--help", "--version"} & set(argv)
    assert out.stderr == "" and out.returncode == (0 if argparse_output else 141)


# --- item 9: a name with a newline is one line ------------------------------------------

ODD = "two\nlines"


@pytest.mark.parametrize(
    "argv",
    [["inspect", f"{ODD}.playground"], ["inspect", f"{ODD}.npz"],
     ["predict", "model.npz", f"{ODD}.csv"], ["predict", "model.npz", "points.csv", "-o",
     f"{ODD}/out.csv"], ["train", "--config", f"{ODD}.json"],
     ["train", "--save", f"{ODD}/out.npz"], ["train", "--save", f"{ODD}.txt"],
     ["train", "--export", f"{ODD}/out.onnx"], ["train", "--export", f"{ODD}.txt"],
     ["train", "--export-data", f"{ODD}/points.csv"], ["train", "--init-from", f"{ODD}.json"],
     ["render", f"{ODD}.gif"], ["render", f"{ODD}/out.png"], ["train", f"--{ODD}"],
     [f"{ODD}-command"]],
    ids=lambda argv: " ".join(argv).replace("\n", "^J"),
)  # fmt: skip
def test_every_message_naming_a_path_is_one_line(files, argv, capsys, monkeypatch):
    monkeypatch.chdir(files)
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1, captured.err
    assert "two" in captured.err and "lines" in captured.err


def test_an_experiment_named_with_a_newline_is_named_in_quotes(files, capsys, monkeypatch):
    monkeypatch.chdir(files)
    assert main(["inspect", f"{ODD}.playground"]) == 2
    assert repr(f"{ODD}.playground") in capsys.readouterr().err


def test_inspect_shows_a_newline_name_on_one_line(files, capsys, monkeypatch, tmp_path):
    odd = tmp_path / f"{ODD}.playground"
    odd.write_bytes((files / "model.playground").read_bytes())
    assert main(["inspect", str(odd)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == repr(str(odd))


# --- item 11: --export onto a folder ----------------------------------------------------


def _never_train(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError("trained before checking the file names")

    monkeypatch.setattr(Trainer, "train", refuse)


@pytest.mark.parametrize("suffix", PARAMETER_SUFFIXES)
def test_export_onto_a_folder_is_refused_before_training(tmp_path, capsys, monkeypatch, suffix):
    target = tmp_path / f"model{suffix}"
    target.mkdir()
    _never_train(monkeypatch)
    assert main(["train", "--export", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--export: {target} is a folder, not a file" in err


def test_export_failing_after_training_names_the_target(tmp_path, capsys, monkeypatch):
    target = tmp_path / "late.npz"
    train = Trainer.train

    def train_then_block(self, *args, **kwargs):
        result = train(self, *args, **kwargs)
        target.mkdir()  # something takes the name while training
        return result

    monkeypatch.setattr(Trainer, "train", train_then_block)
    assert main(["train", "--epochs", "1", "--quiet", "--export", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"--export: cannot write {target}: Is a directory" in err
    assert "tmp" not in err.replace(str(tmp_path), "")
    assert os.listdir(tmp_path) == ["late.npz"]  # no temporary file left


def test_every_output_name_is_checked_before_training(tmp_path, capsys, monkeypatch):
    (tmp_path / "taken.csv").mkdir()
    (tmp_path / "taken.npz").mkdir()
    _never_train(monkeypatch)
    for flag, name in (("--save", "taken.npz"), ("--export-data", "taken.csv")):
        assert main(["train", flag, str(tmp_path / name)]) == 2
        assert "is a folder, not a file" in capsys.readouterr().err


def test_json_report_still_prints_one_object(tmp_path, capsys):
    assert main(["train", "--epochs", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["epochs"] == 1
