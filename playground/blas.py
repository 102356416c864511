"""One BLAS thread for the whole process, for the app and the command line.

The matrices here are tiny (a mini-batch through layers of at most 64
neurons; a 100 x 100 grid for pictures), too small for threads to pay off.
Worse, OpenBLAS's idle threads spin waiting for work: in the window they took
most of a core from the trainer and the painting (measured: 6 x 8 training
went from ~450 to ~670 epochs/s inside the app, and headless from ~570 to
~980).  Library users keep their own setting; the entry points call this.
"""

from __future__ import annotations


def use_one_blas_thread() -> None:
    """Limit NumPy's BLAS to one thread (process-wide, from now on)."""
    import numpy  # noqa: F401  (threadpoolctl limits only libraries already loaded)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
