"""A killed build takes all of its processes with it: the renderer, the PDF part workers and
multiprocessing's resource tracker end within seconds of a SIGKILL to the build, and none goes on
writing outputs."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ARTICLE, ROOT, SHARED_DATA
from process_tree import descendants, left_after_kill

def test_a_killed_folder_build_leaves_no_process_behind(tmp_path, fixture_package):
    inputs = tmp_path / "input"
    inputs.mkdir()
    for name in ("a", "b", "c"):
        (inputs / f"{name}.txt").write_text(ARTICLE.read_text("utf-8"), "utf-8")
    novel = (SHARED_DATA / "fontane-irrungen-wirrungen.txt").read_text("utf-8").split("\n\n")[:120]
    (inputs / "d-roman.txt").write_text("\n\n".join(novel), "utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), ARGOS_PACKAGES_DIR=str(fixture_package.path.parent),
               PIPELINE_PDF_PART_PAIRS="40")  # the novel's PDF in parts: a pool inside the renderer
    build = subprocess.Popen([sys.executable, "-m", "pipeline", "brief", str(inputs), "--out", str(tmp_path / "out")],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: set[int] = set()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and build.poll() is None and len(seen) < 4:
        seen |= descendants(build.pid)  # the renderer, its part workers, the resource trackers
        time.sleep(0.05)
    assert build.poll() is None and len(seen) >= 4, "the build ended before its renderer had part workers"
    seen |= descendants(build.pid)
    build.send_signal(signal.SIGKILL)
    build.wait()
    left = left_after_kill(seen)
    assert not left, f"{len(left)} of the build's {len(seen)} processes outlived it"


def memory_entries(memory: Path) -> int:
    if not memory.exists():  # a memory appears whole, its tables in it
        return 0
    with sqlite3.connect(memory, timeout=30) as connection:
        return connection.execute("SELECT count(*) FROM entries").fetchone()[0]


@pytest.mark.slow
def test_a_killed_local_build_goes_on_from_the_memory(tmp_path, fixture_package):
    """The local model remembers each batch as it finishes, as the cluster does: a rerun translates
    only what the killed run had not finished, and writes what an uninterrupted run writes."""
    novel = (SHARED_DATA / "fontane-irrungen-wirrungen.txt").read_text("utf-8").split("\n\n")[:300]
    source = tmp_path / "roman.txt"
    source.write_text("\n\n".join(novel), "utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), ARGOS_PACKAGES_DIR=str(fixture_package.path.parent))

    def brief(out: Path, memory: Path) -> list[str]:
        return [sys.executable, "-m", "pipeline", "brief", str(source), "--out", str(out), "--memory", str(memory),
                "--outputs", "json"]

    reference = subprocess.run(brief(tmp_path / "reference", tmp_path / "reference.sqlite"), cwd=ROOT, env=env,
                               capture_output=True, timeout=600)
    assert reference.returncode == 0, reference.stderr.decode()
    memory = tmp_path / "memory.sqlite"
    killed = subprocess.Popen(brief(tmp_path / "killed", memory), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while memory_entries(memory) < 64 and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert killed.poll() is None, "the run finished before it could be killed mid-translation"
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    kept = memory_entries(memory)
    again = subprocess.run(brief(tmp_path / "again", memory), cwd=ROOT, env=env, capture_output=True, timeout=600)
    assert again.returncode == 0, again.stderr.decode()
    counts = re.search(r"(\d+) segments: (\d+) from memory, (\d+) translated", again.stderr.decode())
    segments, recalled, translated = map(int, counts.groups())
    assert recalled >= kept > 0 and translated == segments - recalled
    pairs = [json.loads((tmp_path / run / "roman.json").read_text("utf-8"))["pairs"] for run in ("reference", "again")]
    assert pairs[0] == pairs[1]
