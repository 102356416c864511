"""Start-up time of the frozen app next to running it from source.

    python packaging/bench_startup.py [--runs 5] [--frozen PATH] [--source-python PY]

Two measures, each the median of --runs runs after one untimed warm-up run:

* window: from launching the program to its main window being mapped on an X
  server (Xvfb, so the xcb platform plugin and a real display connection are in
  the path), found by polling `xdotool search --onlyvisible`.  Needs the Debian
  packages xvfb and xdotool; skipped without them.
* self-test: `--self-test OUT.png` on the offscreen platform, start to exit:
  open the window, train 20 epochs, save a screenshot.  Needs nothing extra.

Runs of the two programs alternate, so a busy machine slows both alike.  Each
run gets a fresh, empty settings folder, as on a first launch.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TITLE = "Neural Playground"
TIMEOUT_S = 90.0


def default_frozen() -> Path | None:
    for p in (
        Path("/opt/neural-playground/neural-playground"),
        ROOT / "build" / "packaging" / "dist" / "neural-playground" / "neural-playground",
    ):
        if p.exists():
            return p
    return None


def fresh_env(base: dict, folder: str, **extra) -> dict:
    return {**base, "XDG_CONFIG_HOME": folder, "HOME": folder, **extra}


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """An Xvfb on a free display: -displayfd writes the number it chose."""
    read, write = os.pipe()
    # -noreset: by default X resets when its last client leaves, refusing the next one
    cmd = ["Xvfb", "-displayfd", str(write), "-screen", "0", "1600x1000x24", "-noreset"]
    proc = subprocess.Popen(
        [*cmd, "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        raise SystemExit("bench: Xvfb did not start")
    return proc, f":{number}"


def time_to_window(cmd: list[str], env: dict) -> float:
    with tempfile.TemporaryDirectory() as folder:
        env = fresh_env(env, folder, QT_QPA_PLATFORM="xcb")
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            while time.perf_counter() - started < TIMEOUT_S:
                found = subprocess.run(
                    ["xdotool", "search", "--onlyvisible", "--name", TITLE],
                    env=env,
                    capture_output=True,
                )
                if found.returncode == 0 and found.stdout.strip():
                    return time.perf_counter() - started
                if proc.poll() is not None:
                    raise SystemExit(f"bench: {cmd[0]} exited: {proc.stderr.read().decode()}")
                time.sleep(0.005)
            raise SystemExit(f"bench: no window from {cmd[0]} in {TIMEOUT_S:.0f} s")
        finally:
            proc.kill()
            proc.wait()


def time_self_test(cmd: list[str], env: dict) -> float:
    with tempfile.TemporaryDirectory() as folder:
        env = fresh_env(env, folder, QT_QPA_PLATFORM="offscreen")
        started = time.perf_counter()
        subprocess.run(
            [*cmd, "--self-test", str(Path(folder) / "shot.png")],
            env=env,
            check=True,
            capture_output=True,
            timeout=TIMEOUT_S,
        )
        return time.perf_counter() - started


def measure(name, fn, programs: dict, env: dict, runs: int) -> None:
    times: dict[str, list[float]] = {label: [] for label in programs}
    for cmd in programs.values():  # warm-up: disk cache, .pyc files, fontconfig cache
        fn(cmd, env)
    for _ in range(runs):
        for label, cmd in programs.items():
            times[label].append(fn(cmd, env))
    for label, ts in times.items():
        spread = f"{min(ts):.2f}-{max(ts):.2f}"
        print(f"{name:<10} {label:<8} median {statistics.median(ts):.2f} s  (range {spread} s)")


def main() -> int:
    parser = argparse.ArgumentParser(description="Start-up time: frozen vs from source.")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frozen", type=Path, default=default_frozen())
    parser.add_argument("--source-python", default=sys.executable)
    args = parser.parse_args()
    if args.frozen is None or not args.frozen.exists():
        raise SystemExit("bench: no frozen app; run packaging/build.py or pass --frozen")
    programs = {
        "frozen": [str(args.frozen)],
        "source": [args.source_python, "-m", "playground"],
    }
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    print(f"frozen: {args.frozen}\nsource: {args.source_python} -m playground\n")

    if shutil.which("Xvfb") and shutil.which("xdotool"):
        xvfb, display = start_xvfb()
        try:
            measure("window", time_to_window, programs, {**env, "DISPLAY": display}, args.runs)
        finally:
            xvfb.terminate()
            xvfb.wait()
    else:
        print("window     skipped: needs Xvfb and xdotool (apt-get install xvfb xdotool)")
    measure("self-test", time_self_test, programs, env, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
