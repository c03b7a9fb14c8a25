"""Faults: builds killed at random moments, Ctrl-C, two builds into one folder at once."""

import html
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest

from conftest import ARTICLE, ROOT, correction, report, run_cli, write_corrections
from integrity import assert_no_text_lost
from pdf_text import squeeze

NAME = ARTICLE.stem
SUFFIXES = (".html", ".review.html", ".pdf", ".tmx", ".xlf", ".json")
VERSIONS = ("am Dienstag", "am Mittwoch")


@pytest.fixture
def workspace(tmp_path, fixture_package):
    source = tmp_path / ARTICLE.name
    source.write_bytes(ARTICLE.read_bytes())
    env = dict(os.environ, PYTHONPATH=str(ROOT), ARGOS_PACKAGES_DIR=str(fixture_package.path.parent))
    return source, tmp_path / "out", tmp_path / "memory.sqlite", env


def build_command(*sources, out, memory):
    return [sys.executable, "-m", "pipeline", "brief", *map(str, sources), "--out", str(out), "--memory", str(memory),
            "--force"]


def complete_version(path):
    """Which input version a complete output file belongs to; fails if the file is cut short."""
    data = path.read_bytes()
    if path.suffix == ".json":
        sources = " ".join(p["source"] for p in json.loads(data)["pairs"])
    elif path.suffix == ".pdf":
        assert data.rstrip().endswith(b"%%EOF")
        sources = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    elif path.suffix in (".tmx", ".xlf"):
        sources = " ".join(element.text or "" for element in ET.fromstring(data).iter())
    else:
        assert data.rstrip().endswith(b"</html>")
        # the text, not the markup: the review page wraps German words in spans for their glosses
        sources = html.unescape(re.sub(r"<[^>]+>", "", data.decode("utf-8")))
    found = [version for version in VERSIONS if squeeze(version) in squeeze(sources)]
    assert len(found) == 1, f"{path.name} is not one complete version"
    return found[0]


def test_killed_builds_leave_complete_outputs_and_the_memory_intact(workspace):
    source, out, memory, env = workspace
    started = time.perf_counter()
    assert subprocess.run(build_command(source, out=out, memory=memory), env=env, capture_output=True).returncode == 0
    duration = time.perf_counter() - started  # a cold build; the attempts below translate one sentence
    pairs = json.loads((out / f"{NAME}.json").read_text())["pairs"]
    corrections = write_corrections(source.parent / "c.corrections.json", NAME, source,
                                     correction(pairs[5], "Kept through every kill."))
    assert run_cli("corrections", "apply", str(corrections), "--input", str(source), "--memory", str(memory)).returncode == 0
    randomness = random.Random(7)
    original = ARTICLE.read_text("utf-8")
    kills = partial = mid_write = 0
    for attempt in range(20):
        before = {suffix: (out / f"{NAME}{suffix}").read_bytes() for suffix in SUFFIXES}
        new = VERSIONS[(attempt + 1) % 2]
        source.write_text(original.replace(VERSIONS[0], new), "utf-8")
        build = subprocess.Popen(build_command(source, out=out, memory=memory), env=env, stderr=subprocess.DEVNULL)
        time.sleep(randomness.uniform(0.1, 0.9) * duration)
        build.send_signal(signal.SIGKILL)
        kills += build.wait() == -signal.SIGKILL
        changed = [suffix for suffix in SUFFIXES if (out / f"{NAME}{suffix}").read_bytes() != before[suffix]]
        mid_write += 0 < len(changed) < len(SUFFIXES)
        for suffix in changed:
            try:
                assert complete_version(out / f"{NAME}{suffix}") == new
            except (AssertionError, ValueError, ET.ParseError) as error:
                print(f"attempt {attempt}: {suffix}: {error}")
                partial += 1
    assert partial == 0
    assert kills >= 12, "most builds should have been killed, not finished"
    from pipeline.memory.store import TranslationMemory

    with TranslationMemory(memory) as opened:
        assert opened.history(pairs[5]["source"]) == ["Kept through every kill."]
    finished = subprocess.run(build_command(source, out=out, memory=memory), env=env, capture_output=True)
    assert finished.returncode == 0
    assert json.loads((out / f"{NAME}.json").read_text())["pairs"][5]["target"] == "Kept through every kill."
    assert [p.name for p in out.iterdir() if p.name.endswith(".tmp")] == [], "stale temporary files are cleared"
    report(f"faults: {kills} of 20 builds killed with SIGKILL at random moments ({mid_write} while writing "
           f"outputs); partial outputs {partial}; the memory kept its correction")


def test_ctrl_c_stops_with_a_short_message(workspace):
    source, out, memory, env = workspace
    build = subprocess.Popen(build_command(source, out=out, memory=memory), env=env, stderr=subprocess.PIPE)
    time.sleep(1.5)
    build.send_signal(signal.SIGINT)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 130, stderr.decode()
    assert stderr.decode().strip().startswith("interrupted:") and b"Traceback" not in stderr
    leftovers = [p.name for p in out.iterdir() if p.name.endswith(".tmp")] if out.exists() else []
    assert leftovers == []


def test_two_builds_of_one_document_both_finish_with_whole_outputs(workspace):
    source, out, memory, env = workspace
    assert subprocess.run(build_command(source, out=out, memory=memory), env=env, capture_output=True).returncode == 0
    first = json.loads((out / f"{NAME}.json").read_text())["pairs"][0]
    corrections = write_corrections(source.parent / "c.corrections.json", NAME, source,
                                     correction(first, "Concurrent-safe English.", approved=False))
    assert run_cli("corrections", "apply", str(corrections), "--input", str(source), "--memory", str(memory)).returncode == 0
    builds = [subprocess.Popen(build_command(source, out=out, memory=memory), env=env, stderr=subprocess.PIPE) for _ in range(2)]
    stderrs = [build.communicate(timeout=300)[1].decode() for build in builds]
    assert [build.returncode for build in builds] == [0, 0], stderrs
    pairs = assert_no_text_lost(ARTICLE.read_text("utf-8"), out, NAME)
    assert (pairs[0]["target"], pairs[0]["origin"]) == ("Concurrent-safe English.", "human")


def test_a_build_waits_while_another_writes_into_its_folder_and_writes_nothing_meanwhile(workspace, tmp_path):
    """The output folder's lock, held here as another build would hold it while writing: a run of
    two documents reads, translates and renders, then waits, writing no brief and no press review."""
    from pipeline.files import folder_lock

    source, out, memory, env = workspace
    second = source.with_name("zweiter.txt")
    second.write_text("Der Rat der Stadt hat am Montag über den Haushalt beraten.\n", "utf-8")
    log = tmp_path / "stderr.txt"
    out.mkdir()
    with folder_lock(out), log.open("wb") as stderr:
        build = subprocess.Popen(build_command(source, second, out=out, memory=memory), env=env, stderr=stderr)
        deadline = time.monotonic() + 240
        while "waiting for another build" not in log.read_text("utf-8") and build.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "waiting for another build to finish writing into the same folder" in log.read_text("utf-8")
        assert build.poll() is None and [p.name for p in out.iterdir()] == []
    assert build.wait(timeout=300) == 0, log.read_text("utf-8")
    assert {"index.html", "press-review.pdf", f"{NAME}.pdf", "zweiter.pdf"} <= {p.name for p in out.iterdir()}


def test_two_runs_with_their_inputs_in_opposite_orders_both_finish(workspace):
    """``brief big small`` and ``brief small big`` into one folder at once: each once held its first
    document's lock while waiting for the other's, for ever (the big one takes seconds to read)."""
    from tools.hostile_inputs import SENTENCE, slow_page

    source, out, memory, env = workspace
    big, small = source.with_name("gross.html"), source.with_name("klein.txt")
    big.write_bytes(slow_page())
    small.write_text(SENTENCE + "\n", "utf-8")
    builds = [subprocess.Popen(build_command(*order, out=out, memory=memory), env=env, stderr=subprocess.PIPE)
              for order in ((big, small), (small, big))]
    try:
        stderrs = [build.communicate(timeout=240)[1].decode() for build in builds]
    finally:
        for build in builds:
            build.kill()
            build.wait()
    assert [build.returncode for build in builds] == [0, 0], stderrs
    index = (out / "index.html").read_text("utf-8")
    assert "klein.pdf" in index and "gross.pdf" in index
