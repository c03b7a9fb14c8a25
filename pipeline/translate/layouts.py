"""How CTranslate2's threads are laid out on this machine: parallel batches × threads per batch.

Which layout is fastest depends on the CPU (one batch on all cores won on an AVX2 machine, several
independent batches on an AVX-512 one), so it is measured, once per model and machine, as an
explicit step before a large translation (``Translator.prepare``), and remembered in the cache
folder. ``PIPELINE_THREADS=2x1`` sets it instead. Nothing here changes the English.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.cache import cache_path, store
from pipeline.errors import UsageError

MAX_PARALLEL_BATCHES = 4
CALIBRATION_SENTENCES = 48
"""Sentences translated with each layout to choose one for a model and machine."""
LAYOUTS_FILE = "thread-layouts.json"
LAYOUT_VARIABLE = "PIPELINE_THREADS"
"""``2x1``: parallel batches × threads per batch, instead of the layout measured for this machine."""


@dataclass(frozen=True, order=True)
class Layout:
    parallel: int
    """Batches decoded at a time (CTranslate2's ``inter_threads``)."""
    threads: int
    """Threads per batch (``intra_threads``)."""

    def __str__(self) -> str:
        return f"{self.parallel}×{self.threads}"


@dataclass(frozen=True)
class LayoutChoice:
    layout: Layout
    reason: str
    """Why this layout: set by the environment, measured now or before, or the default."""

    def describe(self) -> str:
        parallel, threads = self.layout.parallel, self.layout.threads
        return (f"{parallel} parallel batch{'es' if parallel > 1 else ''} × {threads} thread{'s' if threads > 1 else ''} "
                f"each ({self.reason})")


@dataclass(frozen=True)
class Calibration:
    """The seconds each layout took to translate the same sample."""

    seconds: dict[Layout, float]
    sentences: int

    @property
    def best(self) -> Layout:
        return min(self.seconds, key=self.seconds.get)

    def note(self) -> str:
        timings = ", ".join(f"{layout} {seconds:.2f} s" for layout, seconds in self.seconds.items())
        return f"{timings} on {self.sentences} sentences"


def candidates(cores: int) -> list[Layout]:
    """Layouts worth trying on this many cores. Beam search has sequential work between its matrix
    products, so independent batches often keep cores busier; on some CPUs (AVX2 with oneDNN) one
    batch on all cores wins."""
    parallel = min(cores, MAX_PARALLEL_BATCHES)
    layouts = [Layout(parallel, max(1, cores // parallel)), Layout(1, cores)]
    if cores >= 4:
        layouts.append(Layout(cores // 2, 2))
    return list(dict.fromkeys(layouts))


def calibrate(layouts: list[Layout], run: Callable[[Layout], float], sentences: int) -> Calibration:
    """Time ``run`` (the same sample translated with a layout) for every layout."""
    return Calibration({layout: run(layout) for layout in layouts}, sentences)


def from_environment() -> LayoutChoice | None:
    """The layout ``PIPELINE_THREADS`` sets, if it is set."""
    value = os.environ.get(LAYOUT_VARIABLE, "").strip()
    if not value:
        return None
    try:
        parallel, threads = (int(n) for n in value.lower().split("x"))
        if parallel < 1 or threads < 1:
            raise ValueError
    except ValueError:
        raise UsageError(f"{LAYOUT_VARIABLE}={value!r}: expected parallel batches x threads per batch, "
                         "e.g. 2x1") from None
    return LayoutChoice(Layout(parallel, threads), f"set by {LAYOUT_VARIABLE}")


def remembered(key: str, allowed: list[Layout]) -> LayoutChoice | None:
    """The layout measured before for ``key`` (model, CPU, cores, CTranslate2), if still allowed."""
    entry = _read().get(key)
    if entry and Layout(*entry["layout"]) in allowed:
        return LayoutChoice(Layout(*entry["layout"]), f"measured on this machine: {entry['note']}")
    return None


def remember(key: str, calibration: Calibration) -> LayoutChoice:
    """Keep the fastest layout for ``key``; returns it as chosen now."""
    layouts = _read()
    layouts[key] = {"layout": [calibration.best.parallel, calibration.best.threads], "note": calibration.note()}
    store(cache_path(LAYOUTS_FILE), json.dumps(layouts, indent=1).encode("utf-8"))
    return LayoutChoice(calibration.best, f"measured now: {calibration.note()}")


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def _read() -> dict:
    try:
        return json.loads(cache_path(LAYOUTS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
