"""`neural-playground sweep` and the Qt-free runs under it (core/runs.py): the
grid's order, one CSV row per run the same wherever it ran, train's own
checks for every value, a plot, and runs that end early or badly."""

import csv
import io
import json
import math
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pytest

from playground.cli import main
from playground.cli import sweep as sweep_module
from playground.core import Config, Trainer
from playground.core.runs import grid_runs, run_many, seed_band, train_run

TINY = ["--points", "60", "--hidden", "3", "--epochs", "3"]
GRID = ["--grid", "init=normal,uniform", "--grid", "init-scale=0.1,0.5"]
RESULT_COLUMNS = ["epochs", "train_loss", "test_loss", "train_accuracy", "test_accuracy",
                  "epochs_per_second", "diverged", "message"]  # fmt: skip


def _sweep(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["sweep", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _without_speed(text: str) -> list[dict[str, str]]:
    rows = _rows(text)
    for row in rows:  # the one column that varies by run: a number, whatever its value
        assert math.isfinite(float(row.pop("epochs_per_second")))
    return rows


@pytest.fixture(scope="module")
def in_process_csv():
    """The reference: the grid run one after another in this process."""
    out = io.StringIO()
    real = sys.stdout
    sys.stdout = out
    try:
        assert main(["sweep", *GRID, "--seeds", "2", "--jobs", "1", *TINY]) == 0
    finally:
        sys.stdout = real
    return out.getvalue()


def test_one_row_per_run_in_grid_then_seed_order(in_process_csv):
    lines = in_process_csv.splitlines()
    assert lines[0].split(",") == ["init", "init-scale", "seed", *RESULT_COLUMNS]
    rows = _rows(in_process_csv)
    assert [(r["init"], r["init-scale"], r["seed"]) for r in rows] == [
        (init, scale, seed)
        for init in ("normal", "uniform")
        for scale in ("0.1", "0.5")
        for seed in ("0", "1")
    ]
    assert all(r["epochs"] == "3" and r["diverged"] == "false" and r["message"] == "" for r in rows)
    losses = {r["test_loss"] for r in rows}
    assert len(losses) == len(rows)  # every axis and seed changed the run
    assert all(float(r["test_loss"]) > 0 and 0 <= float(r["test_accuracy"]) <= 1 for r in rows)


def test_seeds_count_from_the_init_seed_and_the_data_stays(capsys):
    status, out, _ = _sweep(capsys, "--grid", "lr=0.1", "--seeds", "3", "--seed", "7", *TINY)
    assert status == 0
    rows = _rows(out)
    assert [r["seed"] for r in rows] == ["7", "8", "9"]
    train = json.loads(_train_json(capsys, "--lr", "0.1", "--data-seed", "7", "--init-seed", "9"))
    assert float(rows[2]["test_loss"]) == train["test_loss"]  # data seed 7 throughout


def _train_json(capsys, *argv: str) -> str:
    assert main(["train", *TINY, "--json", *argv]) == 0
    return capsys.readouterr().out


def test_a_row_is_what_train_json_says(capsys, in_process_csv):
    row = _rows(in_process_csv)[3]  # init=normal init-scale=0.5 seed 1
    result = json.loads(_train_json(capsys, "--init", "normal", "--init-scale", "0.5",
                                    "--init-seed", "1"))  # fmt: skip
    for key in ("seconds", "epochs_per_second", "config"):
        result.pop(key)
    row.pop("epochs_per_second")
    assert {k: row[k] for k in result} == {
        k: "false" if v is False else "" if v is None or v == "" else repr(v)
        for k, v in result.items()
    }  # numbers at full precision: the text reads back as the same float


def test_the_csv_is_the_same_from_a_process_pool(capsys, in_process_csv):
    status, out, err = _sweep(capsys, *GRID, "--seeds", "2", "--jobs", "2", *TINY)
    assert status == 0 and err == ""
    assert _without_speed(out) == _without_speed(in_process_csv)


def test_the_csv_is_the_same_from_a_dask_cluster(capsys, in_process_csv):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        status, out, err = _sweep(
            capsys, *GRID, "--seeds", "2", "--scheduler", cluster.scheduler_address, *TINY
        )
    assert status == 0 and err == ""
    assert _without_speed(out) == _without_speed(in_process_csv)


def test_a_diverging_setting_is_a_row_and_the_sweep_goes_on(capsys):
    argv = ["--dataset", "plane", "--activation", "relu", "--init", "he_normal", "--points", "60",
            "--hidden", "3", "--epochs", "30", "--grid", "lr=0.01,3", "--jobs", "1"]  # fmt: skip
    status, out, err = _sweep(capsys, *argv)
    assert status == 0 and err == ""
    calm, wild = _rows(out)
    assert calm["diverged"] == "false" and calm["message"] == ""
    assert wild["diverged"] == "true" and "diverged in epoch" in wild["message"]
    assert int(wild["epochs"]) < 30 and wild["test_loss"] != ""
    assert "train_accuracy" not in calm  # regression: no accuracy columns


BAD_GRIDS = [
    (["--grid", "lrr=0.1"], "no option --lrr (did you mean lr?)"),
    (["--grid", "no-shuffle=1,2"], "takes no value"),
    (["--grid", "lr=0.1", "--grid", "lr=0.2"], "given twice"),
    (["--grid", "lr="], "no values"),
    (["--grid", "lr"], "OPTION=V1,V2"),
    (["--grid", "lr=0.1,fast"], "argument --lr: invalid float value: 'fast'"),
    (["--grid", "init=he_normal,nope"], "argument --init: invalid choice: 'nope'"),
    (["--grid", "lr=0.1,-1"], "--grid lr=-1: argument --lr"),  # Config's own range
    (["--grid", "hidden=4;8,x"], "argument --hidden"),
    (["--grid", "lr=0.1,0.10"], "0.10 is given twice"),
    (["--lr", "0.1", "--grid", "lr=0.2,0.3"], "given as a flag too"),
    (["--dataset", "plane", "--grid", "loss=mse,cross-entropy"], "loss=cross-entropy"),
    (["--grid", "data=a.csv,b.csv"], "a file cannot be a grid axis"),
    (["--grid", "seed=1,2"], "--seeds N"),
    (["--grid", "epochs=10,20"], "history"),
    (["--seeds", "0"], "--seeds"),
    (["--jobs", "0"], "--jobs"),
    (["--jobs", "2", "--scheduler", "tcp://127.0.0.1:1"], "cannot both"),
    (["--out", "r.txt"], "must end in .csv"),
    (["--plot", "p.jpg"], "must end in .png"),
    (["--out", "no/such/folder/r.csv"], "no folder"),
]


@pytest.mark.parametrize("argv, mention", BAD_GRIDS, ids=[" ".join(a)[:40] for a, _ in BAD_GRIDS])
def test_a_bad_sweep_is_one_sentence_before_any_run(tmp_path, monkeypatch, capsys, argv, mention):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sweep_module, "run_many", _no_runs)
    status, out, err = _sweep(capsys, "--plot", "p.png", "--out", "r.csv", *argv)
    lines = err.strip().splitlines()
    assert status == 2 and out == "" and len(lines) == 1, err
    assert lines[0].startswith("neural-playground sweep: error:") and mention in lines[0]
    assert list(tmp_path.iterdir()) == []  # nothing written


def _no_runs(*args, **kwargs):
    raise AssertionError("a bad sweep ran")


def test_plot_and_csv_files(qapp, tmp_path, capsys):
    from PySide6.QtGui import QImage

    csv_path, png_path = tmp_path / "r.csv", tmp_path / "p.png"
    argv = [*GRID, "--seeds", "2", "--jobs", "1", "--points", "60", "--hidden", "3",
            "--epochs", "20", "--out", str(csv_path), "--plot", str(png_path)]  # fmt: skip
    status, out, err = _sweep(capsys, *argv)
    assert status == 0 and out == ""
    assert "init-scale changes nothing" not in err  # normal and uniform both take a scale
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.png", "r.csv"]  # no temporaries
    assert len(_rows(csv_path.read_text())) == 8
    image = QImage(str(png_path))
    assert not image.isNull() and image.width() >= 800 and image.height() >= 500
    pixels = {image.pixel(x, y) for x in range(0, image.width(), 4)
              for y in range(0, image.height(), 4)}  # fmt: skip
    assert len(pixels) > 20  # lines, bands, text: not a blank page
    orange = sum(1 for p in pixels if (p >> 16 & 255) > 200 and 120 < (p >> 8 & 255) < 170
                 and (p & 255) < 80)  # fmt: skip
    assert orange > 0  # the first setting's line


def test_an_axis_that_changes_nothing_is_noted(capsys):
    status, _, err = _sweep(
        capsys, "--grid", "init=xavier_normal,normal", "--grid", "init-scale=0.1,1", *TINY
    )
    assert status == 0
    assert "init-scale changes nothing in 2 of 4 settings (e.g. init=xavier_normal)" in err


def test_an_unreachable_scheduler_is_one_sentence(monkeypatch, capsys):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(sweep_module, "SCHEDULER_TIMEOUT", 0.5)
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # it returns (a hang would leave this test unfinished): one sentence, no traceback
    status, out, err = _sweep(capsys, "--grid", "lr=0.1", "--scheduler", f"tcp://127.0.0.1:{port}")
    assert status == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "cannot reach a Dask scheduler" in err and "Traceback" not in err


def test_without_dask_the_scheduler_says_how_to_get_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails
    status, _, err = _sweep(capsys, "--grid", "lr=0.1", "--scheduler", "tcp://127.0.0.1:1")
    assert status == 2
    assert err.strip().endswith('--scheduler needs Dask: pip install "neural-playground[dask]"')


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc for children")
def test_ctrl_c_ends_the_workers_and_says_interrupted(tmp_path):
    argv = [sys.executable, "-m", "playground", "sweep", "--grid", "lr=0.01,0.02,0.03,0.04",
            "--epochs", "100000", "--jobs", "2", "--out", str(tmp_path / "r.csv")]  # fmt: skip
    env = os.environ | {"PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:  # the pool and its two workers
            time.sleep(0.2)
            workers = _children(process.pid) - _helpers(process.pid)
        assert len(workers) >= 2, "the workers did not start"
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 130
    assert err.decode().strip().splitlines() == ["neural-playground: interrupted"]
    assert not any(Path(f"/proc/{pid}").exists() and _state(pid) != "Z" for pid in workers)
    assert list(tmp_path.iterdir()) == []


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text() if (task / "children").exists() else ""
        found |= {int(p) for p in text.split()}
    return found


def _helpers(pid: int) -> set[int]:
    """multiprocessing's resource tracker: started once, not a worker."""
    return {p for p in _children(pid) if b"resource_tracker" in _cmdline(p)}


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "gone"


# --- the Qt-free runs ---------------------------------------------------------------


def test_grid_runs_are_the_cartesian_product_with_seeds_innermost():
    assert grid_runs([2, 3], 2)[:5] == [((0, 0), 0), ((0, 0), 1), ((0, 1), 0), ((0, 1), 1),
                                        ((0, 2), 0)]  # fmt: skip
    assert len(grid_runs([2, 3], 2)) == 12 and grid_runs([], 3) == [((), 0), ((), 1), ((), 2)]


class _Backwards:
    """An executor whose runs finish in the reverse order of their submission."""

    def __init__(self, count: int) -> None:
        self.count, self.jobs = count, []

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        self.jobs.append((future, fn, args, kwargs))
        if len(self.jobs) == self.count:
            threading.Thread(target=self._finish).start()
        return future

    def _finish(self):
        for future, fn, args, kwargs in reversed(self.jobs):
            future.set_running_or_notify_cancel()
            future.set_result(fn(*args, **kwargs))
            time.sleep(0.01)


def test_run_many_returns_results_in_run_order_whatever_the_finish_order():
    configs = [Config(points=60, hidden=(3,), epochs=2, init_seed=s) for s in range(4)]
    seen = []
    runs = run_many(configs, _Backwards(4), progress=lambda done, total: seen.append(done))
    assert [r.config.init_seed for r in runs] == [0, 1, 2, 3]
    assert seen[-1] == 4 and seen == sorted(seen)
    alone = run_many(configs)
    assert [r.result["test_loss"] for r in runs] == [r.result["test_loss"] for r in alone]


def test_train_run_returns_what_another_process_needs():
    config = Config(points=60, hidden=(3,), epochs=4, init_seed=2)
    run = pickle.loads(pickle.dumps(train_run(config, keep_state=True)))  # as from a process
    assert run.error == "" and not run.diverged and run.result["epochs"] == 4
    assert list(run.history.epochs) == [0, 1, 2, 3, 4]
    assert run.test_loss == run.history.test_loss[-1]
    fresh = Trainer(config)
    fresh.load_parameters(run.layers)  # the layers and the flat parameters agree
    assert np.array_equal(fresh.network.params, run.params)
    again = Trainer.from_state(run.state)  # and the state trains on from there
    assert np.array_equal(again.network.params, run.params) and again.epoch == 4


def test_a_run_that_cannot_build_is_a_row_not_a_crash():
    from playground.core.datasets import Dataset

    labels = np.zeros(4, dtype=np.int64)
    wrong = Dataset(np.zeros(4), labels, np.zeros(4), labels, num_classes=2)  # 1-D points
    (run,) = run_many([Config(points=60, hidden=(3,), epochs=2)], datasets=[wrong])
    assert run.error.startswith("the run failed") and run.result["message"] == run.error
    assert run.result["test_loss"] is None and run.history is None
    assert list(run.result)[:5] == ["epochs", "train_loss", "test_loss", "train_accuracy",
                                    "test_accuracy"]  # fmt: skip


def test_a_band_is_the_median_and_range_over_seeds():
    configs = [Config(points=60, hidden=(3,), epochs=5, init_seed=s) for s in range(3)]
    runs = run_many(configs)
    band = seed_band("all", runs)
    losses = np.array([r.history.test_loss for r in runs])
    assert np.array_equal(band.epochs, np.arange(6.0))
    assert np.array_equal(band.median, np.median(losses, axis=0))
    assert np.array_equal(band.low, losses.min(axis=0)) and band.runs == 3


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_one_progress_line_rewritten(monkeypatch, capsys):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["sweep", "--grid", "lr=0.1,0.2", "--seeds", "2", "--jobs", "1", *TINY]) == 0
    shown = terminal.getvalue()
    assert "\r0/4 runs done · 1 running" in shown and "\n" not in shown
    assert " left" in shown and shown.endswith("\r\x1b[K")  # and wiped at the end
    assert len(_rows(capsys.readouterr().out)) == 4
    quiet = _Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert main(["sweep", "--grid", "lr=0.1,0.2", "--quiet", "--jobs", "1", *TINY]) == 0
    assert quiet.getvalue() == ""


def test_the_plot_range_leaves_a_diverged_climb_out():
    from playground.core.runs import SeedBand
    from playground.views.sweep_plot import loss_range, uses_log_scale

    epochs = np.arange(4.0)
    calm = SeedBand("a", epochs, *(np.array([0.5, 0.1, 0.02, 0.01]),) * 3, runs=1, diverged=0,
                    failed=0)  # fmt: skip
    wild = SeedBand("b", epochs[:3], *(np.array([0.6, 1e9, 1e30]),) * 3, runs=1, diverged=1,
                    failed=0)  # fmt: skip
    assert loss_range([calm, wild]) == (0.01, 0.6)  # its start counts, its climb does not
    assert uses_log_scale(loss_range([calm, wild])) and not uses_log_scale((0.2, 0.6))
