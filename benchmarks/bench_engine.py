# ruff: noqa: E402  (the BLAS thread count must be set before NumPy is imported)
"""Engine speed: epochs per second against PyTorch eager, and NumPy calls per batch.

    python benchmarks/bench_engine.py [--repeats N] [--seconds S] [--profile]

Both sides run on one thread, in float64, on the same data, starting from the
same parameters.  An engine epoch is `Trainer.train_epoch()`: shuffle, every
mini-batch (forward, backward, regularizer, SGD step), then loss and accuracy
on the full train and test sets.  The torch epoch does the same work.  Runs
alternate (engine ~S s, torch ~S s, repeated N times) and medians are shown.
"""

import os

# One BLAS thread, set before NumPy loads.  OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE
# are left as the machine has them.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import dis
import linecache
import math
import statistics
import sys
import time
import timeit
from collections import Counter, defaultdict

import numpy as np

import playground.core.network
from playground.core.config import Config
from playground.core.trainer import Trainer

try:
    import torch
except ImportError:  # the engine side still runs
    torch = None

TF_FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
SETUPS = [
    ("(a) TF default [4,2] tanh b10", Config()),
    ("(b) TF max [8x6] 7 feat tanh b10", Config(hidden=(8,) * 6, features=TF_FEATURES)),
    ("(c) [32x4] relu b32 2000 train", Config(
        hidden=(32,) * 4, activation="relu", batch_size=32, points=4000, init="he_normal", lr=0.01,
    )),
]  # fmt: skip


class TorchRun:
    """The trainer's model, data and SGD in PyTorch eager, one epoch per call."""

    def __init__(self, trainer: Trainer) -> None:
        cfg = trainer.config
        t = torch.from_numpy
        self.x_train = t(np.ascontiguousarray(trainer._x_train[:, :-1]))
        self.t_train = t(trainer._t_train.copy())
        self.x_test = t(np.ascontiguousarray(trainer._x_test[:, :-1]))
        self.t_test = t(trainer._t_test.copy())
        self.batch = trainer.batch_size
        act = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU}[cfg.activation]
        layers = []
        for w, b in trainer.parameters():
            lin = torch.nn.Linear(w.shape[1], w.shape[0], dtype=torch.float64)
            with torch.no_grad():
                lin.weight.copy_(t(w))
                lin.bias.copy_(t(b))
            layers += [lin, act()]
        layers[-1] = torch.nn.Tanh()  # output activation of the mse head
        self.model = torch.nn.Sequential(*layers)
        self.opt = torch.optim.SGD(self.model.parameters(), lr=cfg.lr)
        self.gen = torch.Generator().manual_seed(cfg.init_seed)

    @staticmethod
    def loss(o, t):
        return 0.5 * ((o - t) ** 2).sum() / len(o)

    def train_epoch(self) -> None:
        order = torch.randperm(len(self.x_train), generator=self.gen)
        xs, ts = self.x_train[order], self.t_train[order]
        for start in range(0, len(xs), self.batch):
            xb, tb = xs[start : start + self.batch], ts[start : start + self.batch]
            self.opt.zero_grad(set_to_none=True)
            self.loss(self.model(xb), tb).backward()
            self.opt.step()
        with torch.no_grad():
            for x, t in ((self.x_train, self.t_train), (self.x_test, self.t_test)):
                o = self.model(x)
                self.loss(o, t).item()
                ((o > 0) == (t > 0)).double().mean().item()


def check_same_model(trainer: Trainer, run: TorchRun) -> float:
    """Largest difference of outputs and first-batch gradients (should be ~1e-16)."""
    net = trainer.network
    xb, tb = trainer._x_train[: run.batch], trainer._t_train[: run.batch]
    out = net.forward(xb).copy()
    net.backward(xb, tb)
    o = run.model(run.x_train[: run.batch])
    run.model.zero_grad(set_to_none=True)
    run.loss(o, run.t_train[: run.batch]).backward()
    diffs = [np.abs(out - o.detach().numpy()).max()]
    for i, lin in enumerate(m for m in run.model if isinstance(m, torch.nn.Linear)):
        g = net.grad_layers[i]
        diffs.append(np.abs(g[:, :-1] - lin.weight.grad.numpy()).max())
        diffs.append(np.abs(g[:, -1] - lin.bias.grad.numpy()).max())
    return float(max(diffs))


def epochs_per_second(epoch, seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while True:
        epoch()
        n += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return n / elapsed


def benchmark(repeats: int, seconds: float) -> None:
    head = f"{'setup':34}{'engine ep/s':>12}{'torch ep/s':>12}{'ratio':>8}"
    print(head + f"{'engine us/batch':>17}{'torch us/batch':>16}  spread (min-max ep/s)")
    for name, cfg in SETUPS:
        trainer = Trainer(cfg)
        batches = math.ceil(len(trainer._x_train) / trainer.batch_size)
        runs = {"engine": trainer.train_epoch}
        if torch is not None:
            run = TorchRun(trainer)
            if (diff := check_same_model(trainer, run)) > 1e-10:
                print(f"  warning: engine and torch models differ by {diff:.2e}")
            runs["torch"] = run.train_epoch
        for epoch in runs.values():  # warm-up: workspaces, caches, allocator
            epochs_per_second(epoch, min(0.3, seconds))
        rates = {k: [] for k in runs}
        for _ in range(repeats):
            for k, epoch in runs.items():
                rates[k].append(epochs_per_second(epoch, seconds))
        if trainer.diverged:  # a diverged trainer's epochs do nothing: the rate is void
            raise RuntimeError(f"{name}: {trainer.message}")
        med = {k: statistics.median(v) for k, v in rates.items()}
        eng, tor = med["engine"], med.get("torch", math.nan)
        spread = "  ".join(f"{k} {min(v):.0f}-{max(v):.0f}" for k, v in rates.items())
        print(
            f"{name:34}{eng:12.1f}{tor:12.1f}{eng / tor:8.2f}"
            f"{1e6 / (eng * batches):17.1f}{1e6 / (tor * batches):16.1f}  {spread}"
        )
        sizes = f"{len(trainer._x_train)} train / {len(trainer._x_test)} test points"
        print(f"{'':4}{sizes}, {batches} batches/epoch")
    print("us/batch = epoch time / batches: it includes the per-epoch shuffle and evaluation.")


# --- profile: what one mini-batch of setup (b) calls ------------------------

ENGINE_DIR = os.path.dirname(playground.core.network.__file__)
# bytecodes that may make or index an array (or just a list or a number)
WATCHED_OPS = {"BINARY_SUBSCR": "[]", "STORE_SUBSCR": "[]=", "BINARY_OP": "op", "LOAD_ATTR": ".T"}


def profile_batch(trainer: Trainer) -> None:
    net, reg, opt = trainer.network, trainer.regularizer, trainer.optimizer
    xb, tb = trainer._x_train[: trainer.batch_size], trainer._t_train[: trainer.batch_size]

    def cycle():
        net.forward(xb)
        net.backward(xb, tb)
        reg.add_gradient(net.params, net.grads)
        opt.step(net.params, net.grads, trainer.config.lr)

    cycle()  # makes the workspace
    cycle_us = timeit.timeit(cycle, number=20000) / 20000 * 1e6

    np_calls, c_calls, py_calls = Counter(), Counter(), Counter()
    ops = defaultdict(Counter)  # (file, line) -> {"[]": n, "op": n, ...}

    # ufuncs and NumPy's C-level functions give no 'c_call' profile event on
    # Python 3.11, so each np.<name> is wrapped while the cycle runs.
    def counting(name, f):
        def wrapper(*args, **kwargs):
            np_calls[f"np.{name}"] += 1
            return f(*args, **kwargs)

        return wrapper

    originals = {
        name: f
        for name in dir(np)
        if isinstance(f := getattr(np, name), np.ufunc)
        or type(f).__name__ in ("builtin_function_or_method", "_ArrayFunctionDispatcher")
    }
    wrapper_code = counting("", None).__code__
    instructions = {}

    def on_profile(frame, event, arg):
        if event == "c_call" and frame.f_code is not wrapper_code:
            owner = getattr(arg, "__self__", None)
            kind = "" if owner is None or type(owner).__name__ == "module" else type(owner).__name__
            c_calls[f"{kind}.{arg.__name__}" if kind else arg.__name__] += 1

    def on_opcode(frame, event, arg):
        code = frame.f_code
        if event != "opcode":
            return on_opcode
        if code not in instructions:
            instructions[code] = {i.offset: i for i in dis.get_instructions(code)}
        ins = instructions[code].get(frame.f_lasti)
        watched = ins is not None and ins.opname in WATCHED_OPS
        if watched and (ins.opname != "LOAD_ATTR" or ins.argval == "T"):
            ops[code.co_filename, frame.f_lineno][WATCHED_OPS[ins.opname]] += 1
        return on_opcode

    def on_call(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(ENGINE_DIR):
            py_calls[frame.f_code.co_qualname] += 1
            frame.f_trace_opcodes = True
            return on_opcode
        return None

    for name, f in originals.items():
        setattr(np, name, counting(name, f))
    try:
        sys.settrace(on_call)
        sys.setprofile(on_profile)
        cycle()
    finally:
        sys.setprofile(None)
        sys.settrace(None)
        for name, f in originals.items():
            setattr(np, name, f)
    c_calls.pop("setprofile", None)

    print(f"one mini-batch of {SETUPS[1][0]} (forward, backward, regularizer, SGD step):")
    print(f"  {cycle_us:.1f} us per batch unprofiled")
    sections = [
        ("NumPy functions and ufuncs (np.<name>)", np_calls),
        ("other C calls: builtins and array/ufunc methods", c_calls),
        ("engine Python functions", py_calls),
    ]
    for title, counts in sections:
        print(f"\n  {title}: {sum(counts.values())}")
        for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"    {count:5d}  {key}")
    print("\n  engine lines: subscripts [] []=, operators op, .T (on arrays, lists or numbers):")
    for (path, line), counts in sorted(ops.items()):
        what = " ".join(f"{k}{v}" for k, v in sorted(counts.items()))
        src = linecache.getline(path, line).strip()
        print(f"    {os.path.basename(path)}:{line:<4} {what:18} {src}")
    total = sum(np_calls.values()) + sum(c_calls.values())
    print(
        f"\n  NumPy + C calls per batch: {total}; {cycle_us:.1f} us / {total} = "
        f"{cycle_us / max(total, 1):.2f} us per call, Python overhead included"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per side (7)")
    parser.add_argument("--seconds", type=float, default=1.0, help="seconds per run (1.0)")
    parser.add_argument("--profile", action="store_true", help="count calls per batch of (b)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}", end="")
    print(f", torch {torch.__version__}" if torch is not None else ", torch not installed")
    names = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_CORETYPE")
    blas = [f"{v}={os.environ[v]}" for v in (*names, "OPENBLAS_L2_SIZE") if v in os.environ]
    print("BLAS: " + ", ".join(blas), end="")
    if torch is not None:
        torch.set_num_threads(1)
        print(f"; torch threads {torch.get_num_threads()}", end="")
    print("\n")
    if args.profile:
        profile_batch(Trainer(SETUPS[1][1]))
    else:
        benchmark(args.repeats, args.seconds)


if __name__ == "__main__":
    main()
