"""Atomic writes: a write killed with kill -9 leaves a temporary file whose name says who
wrote it, and the next write into that folder removes it, but never another writer's
file while that writer is at work.

The writers here are child processes that stop mid-write and wait on their standard
input, so they are killed (or let finish) at a known moment, whatever the machine's speed.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import playground
from playground import Config, Trainer
from playground.io.atomic import atomic_write
from playground.io.npz import save_npz

ROOT = str(Path(playground.__file__).resolve().parents[1])  # the checkout under test
GENEROUS = 120  # seconds for a child to reach its pause; it takes well under one
DAY = 24 * 3600
posix_only = pytest.mark.skipif(os.name == "nt", reason="kill -9 and pid checks are POSIX")

# A child that writes a file through atomic_write (as every save does) and stops in the
# middle: it writes 6 MB, says "writing" and waits for a line on its standard input.
_WRITER = """
import sys
from playground.io.atomic import atomic_write

with atomic_write(sys.argv[1]) as handle:
    handle.write(bytes(6_000_000))  # as a large experiment's file would
    handle.flush()
    print("writing", flush=True)
    sys.stdin.readline()  # paused mid-write until the test says go on
    handle.write(b"the end")
print("done", flush=True)
"""


@pytest.fixture
def writers():
    """Children started by a test; any still running at its end are killed."""
    started: list[subprocess.Popen] = []
    yield started
    for child in started:
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=GENEROUS)


def _start_writer(writers: list, target: Path) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(target)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": ROOT},
    )  # fmt: skip
    writers.append(child)
    assert child.stdout is not None
    assert child.stdout.readline() == "writing\n"  # blocks until the child is mid-write
    return child


def _temporaries(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if ".np-tmp-" in name)


def _small_save(path: Path) -> None:
    trainer = Trainer(Config(points=40, hidden=(2,)))
    save_npz(path, trainer.parameters(), trainer.config)


@posix_only
def test_a_killed_write_is_cleaned_by_the_next_write_and_a_live_one_is_not(tmp_path, writers):
    killed = _start_writer(writers, tmp_path / "killed.npz")
    (stale,) = _temporaries(tmp_path)
    assert stale.startswith(".killed.npz.np-tmp-")
    assert f"-{killed.pid}-" in stale and (tmp_path / stale).stat().st_size >= 6_000_000
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=GENEROUS)  # reaped: its pid no longer names a process
    assert _temporaries(tmp_path) == [stale]  # kill -9 leaves it behind ...

    alive = _start_writer(writers, tmp_path / "alive.npz")  # ... and another instance is at work
    (working,) = set(_temporaries(tmp_path)) - {stale}
    _small_save(tmp_path / "next.npz")
    assert _temporaries(tmp_path) == [working]  # the dead writer's file is gone, not the live one's

    assert alive.communicate("go on\n", timeout=GENEROUS)[0] == "done\n"
    assert alive.returncode == 0
    assert _temporaries(tmp_path) == []
    assert (tmp_path / "alive.npz").read_bytes() == bytes(6_000_000) + b"the end"


def _fake_temporary(folder: Path, target: str, host: str, pid: int, age: float = 0) -> Path:
    path = folder / f".{target}.np-tmp-{host}-{pid}-abc123_z"
    path.write_bytes(b"partial")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def _host() -> str:
    from playground.io.atomic import HOST

    return HOST


@posix_only
def test_which_temporaries_are_stale(tmp_path):
    gone = _exited_pid()
    here = _host()
    cases = {
        _fake_temporary(tmp_path, "a.npz", here, gone): False,  # this host, writer gone
        _fake_temporary(tmp_path, "b.npz", here, os.getpid()): True,  # this process, at work
        _fake_temporary(tmp_path, "c.npz", "elsewhere", gone): True,  # another host, recent
        _fake_temporary(tmp_path, "d.npz", "elsewhere", gone, age=DAY + 60): False,  # old
        _fake_temporary(tmp_path, "e.npz", here, os.getpid(), age=DAY + 60): False,  # old
    }
    lookalikes = [tmp_path / ".f.npz.tmp", tmp_path / "g.np-tmp-x", tmp_path / ".h.npz.np-tmp-"]
    for path in lookalikes:
        path.write_bytes(b"someone else's")
    (tmp_path / f".i.npz.np-tmp-{here}-{gone}-folder").mkdir()  # not a file: left alone
    with atomic_write(tmp_path / "out.txt", "w") as handle:
        handle.write("new")
    for path, kept in cases.items():
        assert path.exists() == kept, path.name
    assert all(path.exists() for path in lookalikes)
    assert (tmp_path / f".i.npz.np-tmp-{here}-{gone}-folder").is_dir()
    assert (tmp_path / "out.txt").read_text() == "new"


def _exited_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait(GENEROUS)
    return child.pid  # reaped; reused by another process only after the pids wrap around


def test_temporary_names_say_who_writes(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(Path(src).name)
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    with atomic_write(tmp_path / ("long" * 60 + ".csv"), "w") as handle:  # 244 characters
        handle.write("x")
    with atomic_write(tmp_path / "m.npz") as handle:
        handle.write(b"x")
    long_name, short_name = seen
    host = re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname())[:32]
    assert short_name.startswith(f".m.npz.np-tmp-{host}-{os.getpid()}-")
    assert len(long_name.encode()) < 255 and f"-{os.getpid()}-" in long_name


def test_a_failed_replace_names_the_target_not_the_temporary(tmp_path):
    target = tmp_path / "taken.npz"
    target.mkdir()
    with pytest.raises(IsADirectoryError) as info, atomic_write(target) as handle:
        handle.write(b"data")
    assert info.value.filename == str(target) and "tmp" not in str(info.value).replace(
        str(tmp_path), ""
    )
    assert os.listdir(tmp_path) == ["taken.npz"]
    with pytest.raises(FileNotFoundError) as missing, atomic_write(tmp_path / "no" / "x.csv"):
        pass
    assert missing.value.filename == str(tmp_path / "no" / "x.csv")
