"""The engine stays free of Qt, and the pinned Qt binding does not leak bools."""

import subprocess
import sys

import pytest


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize(
    "statement",
    [
        "import playground.core",
        "from playground.core import trainer, datasets, config, network, optimizers, initializers",
        "import playground.io.npz, playground.io.csvdata",
        "import playground",
        "from playground.cli import build_parser",
    ],
)
def test_engine_imports_no_qt(statement):
    loaded = _modules_after(statement)
    qt = sorted(m for m in loaded if m.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph"})
    assert not qt, f"{statement} loaded {qt}"
    assert "numpy" in loaded or statement.startswith("from playground.cli")  # it did import


def test_signal_emits_keep_bool_refcount(qtbot):
    """PySide6 6.12.0 drops a reference to True/False per emit; Python < 3.12 then aborts."""
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        bare = Signal()
        flag = Signal(bool)

    emitter = Emitter()
    received = [0]

    def count(value: bool) -> None:  # keeps no reference to the bool it gets
        received[0] += 1

    emitter.flag.connect(count)
    before_true, before_false = sys.getrefcount(True), sys.getrefcount(False)
    for i in range(10_000):
        emitter.bare.emit()
        emitter.flag.emit(i % 2 == 0)
    # a few references may come and go elsewhere; a leak would show as ~-10,000
    assert abs(sys.getrefcount(True) - before_true) < 100
    assert abs(sys.getrefcount(False) - before_false) < 100
    assert received[0] == 10_000
