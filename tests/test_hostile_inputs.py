"""Hostile inputs to every reader: named pipes, devices, files that grow, deep JSON,
names with a newline.  Each is refused in one line naming it, without blocking and
without reading more than the reader's limit.

Nothing here depends on how fast the machine is: a reader that would block runs
in a daemon thread, and the pipe is opened for writing to release it only if it
has not answered after a generous wait (then the test fails).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import playground
from playground import Config, Trainer
from playground.cli import main
from playground.io.csvdata import PointsFileError, read_input_points
from playground.io.experiment import ExperimentFileError, load_experiment, save_experiment
from playground.io.reading import UnreadableFile, open_regular, read_regular

# imported where used, so that the tests of behaviour also run against older code:
# playground.io.strict_json, reading.FileTooLarge and reading.printable_path are new

GENEROUS = 60  # seconds a reader may take before it counts as blocked (it takes ~0 when fixed)
MEMORY = 2**30  # address space of a child that reads a hostile file; the app needs ~0.4 GiB
ROOT = str(Path(playground.__file__).resolve().parents[1])  # the checkout under test
fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def _answer(call, fifo=None):
    """What `call()` returns or raises; a call still blocked after GENEROUS seconds fails."""
    result: list = []

    def run():
        try:
            result.append(call())
        except BaseException as exc:
            result.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(GENEROUS)
    if worker.is_alive():
        if fifo is not None:  # let the blocked open() through, so the thread ends
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"{call} blocked")
    return result[0]


@pytest.fixture
def experiment_file(tmp_path):
    path = tmp_path / "good.playground"
    save_experiment(path, Trainer(Config(points=40, hidden=(2,))).state_dict())
    return path


# --- io/reading.py ----------------------------------------------------------------------


@fifo_only
def test_open_regular_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.bin"
    os.mkfifo(fifo)
    answer = _answer(lambda: open_regular(fifo, 100), fifo)
    assert isinstance(answer, UnreadableFile) and "named pipe" in str(answer)


def test_open_regular_refuses_devices_folders_and_large_files(tmp_path):
    from playground.io.reading import FileTooLarge

    assert "a device" in str(_answer(lambda: read_regular("/dev/zero", 100)))
    assert "a folder" in str(_answer(lambda: read_regular(tmp_path, 100)))
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 101)
    too_large = _answer(lambda: read_regular(big, 100))
    assert isinstance(too_large, FileTooLarge) and (too_large.size, too_large.limit) == (101, 100)
    assert read_regular(big, 101) == b"x" * 101


def test_a_file_that_grows_while_read_is_refused_at_the_limit(tmp_path):
    from playground.io.reading import FileTooLarge

    path = tmp_path / "growing.bin"
    path.write_bytes(b"a" * 10)
    with open_regular(path, 16) as handle:
        assert handle.read(4) == b"aaaa"
        with open(path, "ab") as more:
            more.write(b"b" * 100)  # now 110 bytes: over the limit
        assert handle.read(12) == b"aaaaaabbbbbb"  # up to the limit, not past it
        with pytest.raises(FileTooLarge, match="over the 16-byte limit"):
            handle.read()
    with open_regular(path, 200) as handle:  # under its limit it reads as any file
        handle.seek(-3, os.SEEK_END)
        assert handle.read() == b"bbb"


@pytest.mark.parametrize(
    ("path", "shown"),
    [("plain/model.npz", "plain/model.npz"), ("a\nb.npz", "'a\\nb.npz'"),
     ("tab\t.csv", "'tab\\t.csv'"), (b"bad\xff.npz", "'bad\\udcff.npz'")],
)  # fmt: skip
def test_printable_path(path, shown):
    from playground.io.reading import printable_path

    assert printable_path(path) == shown


# --- deep and strict JSON ---------------------------------------------------------------


def test_nesting_depth_ignores_brackets_in_strings():
    from playground.io import strict_json

    assert strict_json.nesting_depth('{"a": [1, [2], "[[[\\"["], "b": {}}') == 3
    assert strict_json.nesting_depth("[]" * 1000) == 1
    assert strict_json.nesting_depth("[" * 3_000_000) == 3_000_000  # no recursion, no time


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("[" * 100_000 + "]" * 100_000, "nested 100,000 levels deep"),
     ('{"a": 1, "a": 2}', "the key 'a' twice"), ('{"a": NaN}', "holds NaN"),
     ('{"a": [-Infinity]}', "holds -Infinity")],
)  # fmt: skip
def test_strict_loads_refusals(text, fragment):
    from playground.io import strict_json

    with pytest.raises(strict_json.JSONRefused, match=fragment):
        strict_json.loads(text, max_depth=16)


def test_config_nested_deeply_is_one_line(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text('{"hidden": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert main(["train", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "deep.json is nested 100,001 levels deep" in err


def test_config_with_a_huge_integer_is_one_line(tmp_path, capsys):
    path = tmp_path / "digits.json"
    path.write_text('{"epochs": ' + "9" * 5000 + "}")
    assert main(["train", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "digits.json is not valid JSON" in err


# --- every reader: named pipes and devices ----------------------------------------------


# each reader of io/experiment.py and io/csvdata.py, by the suffix it reads (parameter
# files: tests/test_cli_hardening.py, through the commands)
LOADERS = {
    ".playground": (load_experiment, ExperimentFileError),
    ".csv": (read_input_points, PointsFileError),
}


@fifo_only
@pytest.mark.parametrize("suffix", [".playground", ".csv"])
def test_every_reader_refuses_a_fifo_without_blocking(tmp_path, suffix):
    load, error = LOADERS[suffix]
    fifo = tmp_path / f"fifo{suffix}"
    os.mkfifo(fifo)
    answer = _answer(lambda: load(fifo), fifo)
    assert isinstance(answer, error), answer
    assert str(answer).count("\n") == 0 and str(fifo) in str(answer)
    assert "not a regular file (a named pipe)" in str(answer)


@pytest.mark.parametrize("suffix", [".playground", ".csv"])
def test_every_reader_refuses_a_link_to_dev_zero(tmp_path, suffix):
    # in a child with 1 GiB of address space: a reader that reads on would fail there,
    # with MemoryError, instead of filling this machine's memory
    link = tmp_path / f"zero{suffix}"
    link.symlink_to("/dev/zero")
    load = {".playground": "experiment.load_experiment", ".csv": "csvdata.read_input_points"}
    module, function = load[suffix].split(".")
    code = f"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({MEMORY}, {MEMORY}))
from playground.io.{module} import {function}
try:
    {function}(sys.argv[1])
except ValueError as exc:
    print(type(exc).__name__, exc)
"""
    out = subprocess.run(
        [sys.executable, "-c", code, str(link)], capture_output=True, text=True,
        timeout=GENEROUS, env={**os.environ, "PYTHONPATH": ROOT},
    )  # fmt: skip
    assert out.returncode == 0 and out.stderr == "", out.stderr[-2000:]
    assert out.stdout.count("\n") == 1 and "not a regular file (a device)" in out.stdout


def test_an_oversized_experiment_keeps_its_message(tmp_path):
    path = tmp_path / "huge.playground"
    with open(path, "wb") as f:
        f.truncate(300 * 2**20)  # sparse: costs no disk
    with pytest.raises(ExperimentFileError, match=r"larger than an experiment can be \(256 MB\)"):
        load_experiment(path)


def test_an_overlong_csv_line_is_refused(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("x1,x2," + "y" * (2**20 + 10) + "\n1,2,3\n")
    with pytest.raises(PointsFileError, match="a line is longer than"):
        read_input_points(path)


# --- a name with a newline: one line -----------------------------------------------------


def test_experiment_messages_name_a_newline_path_on_one_line(tmp_path, experiment_file):
    odd = tmp_path / "two\nlines.playground"
    with pytest.raises(ExperimentFileError) as missing:
        load_experiment(odd)
    odd.write_bytes(b"not a zip")
    with pytest.raises(ExperimentFileError) as broken:
        load_experiment(odd)
    for exc in (missing.value, broken.value):
        assert "\n" not in str(exc) and repr(str(odd)) in str(exc)
    with pytest.raises(ExperimentFileError) as unsaved:
        save_experiment(tmp_path / "no\nfolder" / "x.playground", {"bad": "state"})
    assert "\n" not in str(unsaved.value)


def test_csv_messages_name_a_newline_path_on_one_line(tmp_path):
    odd = tmp_path / "two\nlines.csv"
    with pytest.raises(PointsFileError) as missing:
        read_input_points(odd)
    odd.write_text("x1,x2\n1,oops\n")
    with pytest.raises(PointsFileError) as broken:
        read_input_points(odd)
    odd.write_bytes(b"x1,x2\n\xff\n")
    with pytest.raises(PointsFileError) as binary:
        read_input_points(odd)
    for exc in (missing.value, broken.value, binary.value):
        assert "\n" not in str(exc) and repr(str(odd)) in str(exc)


# --- ZIP formats: nothing before the archive (found by tests/fuzz_loaders.py) -------------


@pytest.mark.parametrize("suffix", [".npz", ".playground"])
def test_bytes_before_a_zip_archive_are_refused(tmp_path, experiment_file, suffix):
    # zipfile finds an archive after any prefix; np.load and other ZIP tools do not
    from playground.io.parameters import ParameterFileError, export_parameters, import_parameters

    if suffix == ".npz":
        trainer = Trainer(Config(points=40, hidden=(2,)))
        good = tmp_path / "good.npz"
        export_parameters(good, trainer.parameters(), trainer.config)
        load, error = import_parameters, ParameterFileError
    else:
        good, load, error = experiment_file, load_experiment, ExperimentFileError
    load(good)
    prefixed = tmp_path / f"prefixed{suffix}"
    prefixed.write_bytes(b"#!/bin/sh\n" + good.read_bytes())
    with pytest.raises(error, match="bytes before its ZIP archive"):
        load(prefixed)


def test_an_unclosed_string_of_escaped_quotes_is_measured_in_one_pass():
    """A few KB of `\\"` inside an unclosed string made the depth scan start over
    from every quote (quadratic: 300 bytes took a minute, 4 MB would take days).
    Run in a child with a generous limit: linear finishes in well under a second."""
    code = (
        "from playground.io.strict_json import nesting_depth\n"
        "print(nesting_depth('\"' + 'a\\\\\"' * 2_000_000))\n"  # a, a backslash, a quote
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=GENEROUS, cwd=ROOT
    )
    assert done.returncode == 0 and done.stdout.strip() == "0", done.stderr[-300:]


def test_a_parameter_file_with_a_newline_in_its_name_is_named_on_one_line(tmp_path):
    from playground.io.parameters import ParameterFileError, import_parameters

    path = tmp_path / "a\nb.npz"
    path.write_bytes(b"not a zip")
    with pytest.raises(ParameterFileError) as refused:
        import_parameters(path)
    message = str(refused.value)
    assert "\n" not in message and message.startswith("'a\\nb.npz': ")
