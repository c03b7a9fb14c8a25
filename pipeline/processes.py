"""Processes a build starts end with it: whoever starts a pool owns its end, and a worker dies
when its parent does, even when the parent is killed with SIGKILL and has no chance to say so."""

from __future__ import annotations

import os
import signal
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1
"""Linux prctl(2): the signal a process gets when the thread that started it ends."""


def die_with_parent(parent: int) -> None:
    """Pool worker initializer: SIGKILL this process when its parent dies; exit at once if the
    parent is gone already (it may die between the spawn and this call)."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own broken-pipe handling remains
        pass
    if os.getppid() != parent:
        os._exit(1)


class ProcessPool(ProcessPoolExecutor):
    """A pool of ``workers`` spawned processes that die with this one. Spawn, not fork: this process
    runs CTranslate2's threads, which a forked child would inherit half-way. The parent-death
    signal follows the thread that started a worker, and a pool starts its workers as work
    arrives, from the thread that submits it: a pool used from other threads must be ``started``
    from the main thread first."""

    def __init__(self, workers: int) -> None:
        import multiprocessing

        super().__init__(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                         initializer=die_with_parent, initargs=(os.getpid(),))
        self.workers = workers

    def started(self) -> "ProcessPool":
        """Start every worker now, from this thread: a task each, submitted before any is idle."""
        for future in [self.submit(os.getpid) for _ in range(self.workers)]:
            future.result()
        return self
