"""How fast the window is, offscreen: refresh cost, frame rate, training speed, pause latency.

    python benchmarks/bench_window.py [--seconds S] [--rounds N] [--only TEXT]
                                      [--size WxH] [--busy]

For TensorFlow Playground's largest network (6 hidden layers of 8, all seven of
its features), for 8 layers of 32 on 2,000 training points, and for the
largest the window allows (16 x 64, all nine features, 2,000 training points)
it prints:
  - one full refresh (network graph with every tile, output heatmap, loss plot):
    the views' update alone, and update plus a synchronous repaint of the window;
    median and 95th percentile over snapshots taken along a training run, all
    with new pictures of every neuron at the app's resolution; and a frame that
    brings new parameters only (most frames while training);
  - frames drawn per second while training at full speed;
  - epochs per second inside the running app next to the headless trainer on the
    same setup, in the same process, and their ratio: N rounds of S seconds in
    the app then S seconds headless, medians (and the spread of the ratios);
  - how long a pause takes to take effect (pause() to the worker's confirmation).
Targets (issue 3): refresh < 8 ms median for 6x8, >= 30 fps, in-app >= 0.7x
headless, pause within 50 ms.  Issue 14, for 16x64 with batch 10: >= 30 fps,
in-app >= 0.8x headless, pause within 50 ms (median) and 100 ms (worst),
refresh < 8 ms, GUI thread < 1/3 of a core; for 6x8 in-app >= 0.9x; and with
`--busy` (two CPU-bound processes spinning beside the app, headless measured
under them too) >= 20 fps and pause within 100 ms at 16x64.  The machine is
shared: quote medians, compare ratios.

Then the Diagnostics dock's cost (issue 11; `--dock-only` runs just this): in-app
epochs per second at 6x8 with the dock open (floating beside the window, so
every other view draws as ever) and closed, in alternating rounds; medians, the
ratio open / closed per pair and its spread, how often the dock redrew and how
busy the GUI thread was.  Target: the dock costs under 10 % of training speed.
If the window's snapshots carry no diagnostics yet, the dock is fed ones made
beforehand, four new ones a second, in both conditions alike.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QGraphicsView
from threadpoolctl import threadpool_info

from playground import Config, Trainer
from playground.app import make_application
from playground.app.docks import add_dock
from playground.app.experiment import grid_resolution_for
from playground.app.main_window import MainWindow
from playground.core.config import FEATURES
from playground.core.diagnostics_types import DiagnosticsLog
from playground.views.canvas import python_painters
from playground.views.diagnostics_view import DiagnosticsView

TF_FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
SETUPS = {
    "6x8 tanh, 7 features, b10": Config(hidden=(8,) * 6, features=TF_FEATURES),
    "6x8 swish, 7 features, b10": Config(
        hidden=(8,) * 6, features=TF_FEATURES, activation="swish"
    ),  # the sigmoid family: its pictures once cost 6x tanh's
    "8x32 relu, 2000 points, b32": Config(
        hidden=(32,) * 8,
        points=4000,
        activation="relu",
        init="he_normal",
        lr=0.01,
        batch_size=32,
    ),
    # issue 14: the largest network the window allows, all nine features
    "16x64 tanh, 9 features, 2000 points, b10": Config(
        hidden=(64,) * 16, features=FEATURES, points=4000, batch_size=10
    ),
    "16x64 relu, 9 features, 2000 points, b32": Config(
        hidden=(64,) * 16,
        features=FEATURES,
        points=4000,
        activation="relu",
        init="he_normal",
        lr=0.01,
        batch_size=32,
    ),
}


def pump(ms: float) -> None:
    """Run the event loop for `ms` milliseconds."""
    loop = QEventLoop()
    QTimer.singleShot(int(ms), loop.quit)
    loop.exec()


def pump_until(condition, timeout_ms: float = 10_000) -> float:
    """Process events until condition() holds; returns the seconds it took."""
    clock = QElapsedTimer()
    clock.start()
    while not condition():
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 1)
        if clock.elapsed() > timeout_ms:
            raise TimeoutError("the window did not respond in time")
    return clock.nsecsElapsed() / 1e9


def percentile(values, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def headless_rate(cfg: Config, seconds: float) -> float:
    trainer = Trainer(cfg)
    trainer.train_epoch()
    start, epochs = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        trainer.train_epoch()
        epochs += 1
    return epochs / (time.perf_counter() - start)


def refresh_costs(
    window: MainWindow, cfg: Config, pictures: bool = True
) -> tuple[list[float], list[float]]:
    """Per frame, the views' update and update + paint, from snapshots all with
    new pictures of every neuron at the app's resolution (`pictures`), or all
    with the same pictures and new parameters (most frames while training)."""
    trainer = Trainer(cfg)
    snaps = []
    resolution = grid_resolution_for(cfg)
    shared = trainer.snapshot(grid_resolution=resolution)
    for _ in range(40):
        trainer.train(1 if len(cfg.hidden) > 8 else 3)
        snap = trainer.snapshot(grid_resolution=resolution if pictures else None)
        if not pictures:
            snap = replace(snap, grids=shared.grids, fresh_grids=False)
        snaps.append(snap)
    update, with_paint = [], []
    views = (window.network_view, window.output.output_view, window.output.loss_view)
    # what a frame repaints: the three views' canvases and the epoch counter
    surfaces = [g.viewport() for v in views for g in v.findChildren(QGraphicsView)]
    surfaces.append(window.run_controls)
    for snap in snaps * 2:
        t0 = time.perf_counter()
        for view in views:
            view.set_snapshot(snap)
        window.run_controls.set_epoch(snap.epoch)
        t1 = time.perf_counter()
        for surface in surfaces:
            surface.repaint()  # synchronous: paints now
        t2 = time.perf_counter()
        update.append(t1 - t0)
        with_paint.append(t2 - t0)
    return update, with_paint


def running_figures(window: MainWindow, seconds: float, spans=None) -> tuple[float, float, float]:
    """(frames drawn per second, epochs per second, share of a core the GUI
    thread used) while training at full speed; the time measured is appended
    to `spans` as (start, end) perf_counter seconds if given."""
    session = window.session
    session.set_speed(0)
    drawn = [0]

    def count(_snapshot) -> None:
        drawn[0] += 1

    window.experiment.snapshot_changed.connect(count)  # a frame drawn from a new snapshot
    session.play()
    pump(500)  # settle
    start_epoch, drawn[0] = window.experiment.snapshot.epoch, 0
    start, gui_start = time.perf_counter(), time.thread_time()
    pump(seconds * 1000)
    elapsed = time.perf_counter() - start
    if spans is not None:
        spans.append((start, start + elapsed))
    gui = (time.thread_time() - gui_start) / elapsed
    fps, epochs = drawn[0] / elapsed, (window.experiment.snapshot.epoch - start_epoch) / elapsed
    window.experiment.snapshot_changed.disconnect(count)
    session.pause()
    pump_until(lambda: not session.is_running)
    return fps, epochs, gui


def pause_latencies(window: MainWindow, trials: int = 10) -> list[float]:
    """Seconds from pause() to the worker's confirmation reaching the GUI thread.

    The GUI waits in its event loop, as the running app does: polling in a
    Python loop instead would contend for the GIL and slow the very worker
    being measured."""
    session = window.session
    latencies = []
    for _ in range(trials):
        session.play()
        pump_until(lambda: session.is_running)
        pump(200)
        loop = QEventLoop()
        session.running_changed.connect(loop.quit)
        QTimer.singleShot(10_000, loop.quit)  # a bound, should it never answer
        start = time.perf_counter()
        session.pause()  # returns at once; the worker confirms with running_changed(False)
        loop.exec()
        latencies.append(time.perf_counter() - start)
        session.running_changed.disconnect(loop.quit)
        if session.is_running:
            raise TimeoutError("the window did not respond in time")
    return latencies


# --- the Diagnostics dock -------------------------------------------------------------

DOCK_SETUP = "6x8 tanh, 7 features, b10"


class Feeder:
    """Hands the dock the window's snapshots with diagnostics made beforehand
    (for a window whose snapshots carry none yet): a new set every 250 ms, as
    the worker would make them."""

    def __init__(self, cfg: Config, view: DiagnosticsView, count: int = 40) -> None:
        trainer, made = Trainer(cfg), []
        for _ in range(count):
            trainer.train(2)
            made.append(trainer.diagnostics())
        self.sets = []
        for k in range(count):
            rows = made[: k + 1]

            def column(name, rows=rows):
                return np.array([[getattr(layer, name) for layer in d.layers] for d in rows])

            log = DiagnosticsLog(
                np.array([d.epoch for d in rows], float),
                *(column(n) for n in ("gradient_norm", "update_ratio", "weight_norm", "bias_norm")),
            )
            self.sets.append((made[k], log))
        self.view, self.k = view, 0
        self.timer = QTimer()
        self.timer.timeout.connect(self.next)
        self.timer.start(250)

    def next(self) -> None:
        self.k = (self.k + 1) % len(self.sets)

    def forward(self, snap) -> None:
        diag, log = self.sets[self.k]
        self.view.set_snapshot(replace(snap, diagnostics=diag, diagnostics_log=log))


def diagnostics_dock(window: MainWindow, cfg: Config):
    """(dock, view, feeder): the window's Diagnostics dock, or one added as the
    shell adds a dock (docs/window-architecture.md) while it has none; floating
    beside the window, so that every other view keeps its size."""
    view = window.findChild(DiagnosticsView)
    feeder = None
    if view is None:
        view = DiagnosticsView()
        add_dock(window, "Diagnostics", view, Qt.DockWidgetArea.RightDockWidgetArea, scroll=False)
        if window.experiment.snapshot is not None and window.experiment.snapshot.diagnostics:
            window.experiment.snapshot_changed.connect(view.set_snapshot)
        else:
            feeder = Feeder(cfg, view)
            window.experiment.snapshot_changed.connect(feeder.forward)
    dock = view.parentWidget()
    while not isinstance(dock, QDockWidget):
        dock = dock.parentWidget()
    dock.setFloating(True)
    dock.resize(400, 860)
    return dock, view, feeder


def dock_rounds(window: MainWindow, cfg: Config, seconds: float, rounds: int):
    """Per round (closed, open): (epochs/s, GUI busy share), and the dock's
    redraws per second while open; the order alternates round by round."""
    dock, view, feeder = diagnostics_dock(window, cfg)
    redrawn: list[float] = []  # when the dock redrew
    redraw = view._redraw

    def counted() -> None:
        redrawn.append(time.perf_counter())
        redraw()

    view._redraw = counted  # type: ignore[method-assign]
    results, spans = [], []
    for r in range(rounds):
        pair = {}
        for is_open in (False, True) if r % 2 == 0 else (True, False):
            dock.setVisible(is_open)
            pump(300)
            _, epochs, gui = running_figures(window, seconds, spans if is_open else None)
            pair[is_open] = (epochs, gui)
        results.append(pair)
    inside = sum(a <= t <= b for t in redrawn for a, b in spans)
    per_second = inside / sum(b - a for a, b in spans)
    source = "fed 4 sets a second" if feeder is not None else "the worker's"
    return results, per_second, source


def print_dock_row(results, per_second: float, source: str) -> None:
    closed = [p[False][0] for p in results]
    opened = [p[True][0] for p in results]
    ratios = [p[True][0] / p[False][0] for p in results]
    busy = [statistics.median(p[k][1] for p in results) for k in (False, True)]
    ratio = statistics.median(ratios)
    print(f"\n{DOCK_SETUP}, Diagnostics dock open (floating 400 x 860) or closed; "
          f"diagnostics: {source}")  # fmt: skip
    print(f"  epochs/s in the app  dock closed {statistics.median(closed):7.1f}   "
          f"open {statistics.median(opened):7.1f}")  # fmt: skip
    spread = f"{min(ratios):.2f} to {max(ratios):.2f}"
    print(f"  ratio open / closed {ratio:5.2f} (median of {len(ratios)} pairs; {spread}): "
          f"the dock costs {100 * (1 - ratio):.0f} %")  # fmt: skip
    print(f"  dock redraws per second while open {per_second:4.1f}   "
          f"GUI thread busy {100 * busy[0]:.0f} % closed, {100 * busy[1]:.0f} % open")  # fmt: skip


def dock_row(args) -> None:
    cfg = SETUPS[DOCK_SETUP]
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(os.path.join(folder, "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(cfg, settings=settings)
        window.files.ask_discard = lambda: "discard"
        window.resize(1440, 900)
        window.show()
        pump_until(lambda: window.experiment.snapshot is not None)
        pump(300)
        found = dock_rounds(window, cfg, args.seconds, args.rounds)
        window.close()
    print_dock_row(*found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of each timed run")
    parser.add_argument("--rounds", type=int, default=7, help="in-app / headless pairs to run")
    parser.add_argument("--dock-only", action="store_true", help="only the Diagnostics dock row")
    parser.add_argument(
        "--only", metavar="TEXT", help="only the setups whose name contains TEXT (e.g. 16x64)"
    )
    parser.add_argument(
        "--size", type=_size, default=(1440, 900), metavar="WxH", help="the window's size"
    )
    parser.add_argument(
        "--busy",
        action="store_true",
        help="keep two CPU-bound processes running beside the app (a busy machine)",
    )
    args = parser.parse_args()
    app = make_application()  # as the app starts: one BLAS thread, the app's names
    if args.dock_only:
        dock_row(args)
        return 0
    setups = {n: c for n, c in SETUPS.items() if args.only is None or args.only in n}
    if not setups:
        parser.error(f"no setup's name contains {args.only!r}; the setups: {', '.join(SETUPS)}")
    with busy_machine(2 if args.busy else 0):
        rows = measure(setups, args)
    app.processEvents()
    print_rows(rows, busy=args.busy)
    if args.only is None and not args.busy:
        dock_row(args)
    return 0


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        why = f"a size is WIDTHxHEIGHT, e.g. 1280x720 (got {text!r})"
        raise argparse.ArgumentTypeError(why) from None
    return w, h


@contextlib.contextmanager
def busy_machine(processes: int):
    """`processes` CPU-bound processes spinning for as long as the block runs."""
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)
    ]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def measure(setups: dict[str, Config], args) -> list:
    rows = []
    for name, cfg in setups.items():
        with tempfile.TemporaryDirectory() as folder:
            settings = QSettings(os.path.join(folder, "s.ini"), QSettings.Format.IniFormat)
            window = MainWindow(cfg, settings=settings)
            window.files.ask_discard = lambda: "discard"  # a benchmark has nothing to save
            window.resize(*args.size)
            window.show()
            pump_until(lambda w=window: w.experiment.snapshot is not None)
            pump(300)  # exposed and laid out
            update, painted = refresh_costs(window, cfg)
            plain = refresh_costs(window, cfg, pictures=False)[1]
            where = window.session.where
            views = (window.network_view, window.output.output_view, window.output.loss_view)
            painters = [
                p for v in views for g in v.findChildren(QGraphicsView) for p in python_painters(g)
            ]
            # rounds of in-app then headless, so a noisy neighbour hits both alike
            rounds = []
            for _ in range(args.rounds):
                fps, in_app, gui = running_figures(window, args.seconds)
                rounds.append((fps, gui, in_app, headless_rate(cfg, args.seconds)))
            pauses = pause_latencies(window)
            window.close()
        rows.append((name, update, painted, plain, painters, rounds, pauses, where))
    return rows


def print_rows(rows: list, busy: bool) -> None:
    blas = threadpool_info()
    threads = ", ".join(f"{b['internal_api']} {b['num_threads']}" for b in blas) or "none found"
    print(f"Python {sys.version.split()[0]}, Qt platform {os.environ['QT_QPA_PLATFORM']}, "
          f"BLAS threads: {threads} (as the app; headless measured the same), "
          f"{os.cpu_count()} cores")  # fmt: skip
    if busy:
        print("BUSY: two CPU-bound processes ran beside the app throughout")
    for name, update, painted, plain, painters, rounds, pauses, where in rows:
        ms = [1e3 * v for v in update]
        pms = [1e3 * v for v in painted]
        plain_ms = [1e3 * v for v in plain]
        fps, gui, in_app, headless = (statistics.median(c) for c in zip(*rounds, strict=True))
        ratios = [r[2] / r[3] for r in rounds]
        print(f"\n{name}   (trainer in a {where})")
        print(f"  refresh, views updated     median {statistics.median(ms):6.2f} ms   "
              f"p95 {percentile(ms, 0.95):6.2f} ms")  # fmt: skip
        print(f"  refresh, updated + painted median {statistics.median(pms):6.2f} ms   "
              f"p95 {percentile(pms, 0.95):6.2f} ms   (every neuron's picture new)")  # fmt: skip
        print(f"  refresh, parameters only   median {statistics.median(plain_ms):6.2f} ms   "
              f"p95 {percentile(plain_ms, 0.95):6.2f} ms   (updated + painted)")  # fmt: skip
        # Python painting code holds the GIL while Qt paints: the trainer waits
        print(f"  Python code in the views' painting: {', '.join(painters) or 'none'}")
        print(f"  frames per second while training  {fps:6.1f}   "
              f"(GUI thread busy {100 * gui:.0f} % of a core)")  # fmt: skip
        print(f"  epochs/s in the app {in_app:8.1f}   headless {headless:8.1f}   "
              f"ratio {statistics.median(ratios):5.2f} "
              f"(median of {len(ratios)}; {min(ratios):.2f} to {max(ratios):.2f})")  # fmt: skip
        lat = [1e3 * v for v in pauses]
        print(f"  pause takes effect   median {statistics.median(lat):6.1f} ms   "
              f"max {max(lat):6.1f} ms")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
