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
        "import playground.views.picture",  # the command line takes its size and suffixes
    ],
)
def test_engine_imports_no_qt(statement):
    loaded = _modules_after(statement)
    qt = sorted(m for m in loaded if m.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph"})
    assert not qt, f"{statement} loaded {qt}"
    assert "numpy" in loaded or statement.startswith("from playground.cli")  # it did import


EMIT_SCRIPT = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    bare = Signal()
    flag = Signal(bool)

app = QCoreApplication([])
emitter = Emitter()
count = [0]

def slot(value):  # keeps no reference to the bool it gets
    count[0] += 1

emitter.flag.connect(slot)
before = sys.getrefcount(True), sys.getrefcount(False)
for i in range(10_000):
    emitter.bare.emit()
    emitter.flag.emit(i % 2 == 0)
after = sys.getrefcount(True), sys.getrefcount(False)
print(after[0] - before[0], after[1] - before[1], count[0])
"""


def test_signal_emits_keep_bool_refcount():
    """PySide6 6.12.0 drops a reference to True/False per emit; Python < 3.12 then aborts.

    Run in a child process, so a binding with the bug fails this test instead of
    killing the whole test session.
    """
    out = subprocess.run([sys.executable, "-c", EMIT_SCRIPT], capture_output=True, text=True)
    assert out.returncode == 0, f"emitting signals crashed Python: {out.stderr[-300:]}"
    true_delta, false_delta, received = map(int, out.stdout.split())
    assert received == 10_000
    # a few references may come and go elsewhere; the bug shows as about -10,000
    assert abs(true_delta) < 100 and abs(false_delta) < 100
