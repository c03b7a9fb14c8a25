"""A process's descendants from /proc, and whether a process still runs: for the tests that kill builds."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

GONE_WITHIN_SECONDS = 10


def descendants(pid: int) -> set[int]:
    found, stack = set(), [pid]
    while stack:
        parent = stack.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = {int(child) for child in (task / "children").read_text().split()}
            except OSError:
                continue
            stack.extend(children - found)
            found |= children
    return found


def alive(pid: int) -> bool:
    """Running or sleeping; a zombie has ended (only its parent's reaping is left)."""
    try:
        state = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("State:"))
    except (OSError, StopIteration):
        return False
    return "zombie" not in state


def left_after_kill(pids: set[int]) -> list[int]:
    """Those of ``pids`` still running ``GONE_WITHIN_SECONDS`` after their build was killed; they are
    killed now, so as not to haunt the next test."""
    deadline = time.monotonic() + GONE_WITHIN_SECONDS
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    left = [pid for pid in pids if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left
