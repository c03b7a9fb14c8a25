"""The cluster backend with a real Dask scheduler and real workers on loopback: the same briefs
as one process, a worker and then the driver killed mid-run, the scheduler lost or not there,
and a worker whose model differs. Every process is started and stopped by the test."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SHARED_DATA
from process_tree import descendants, left_after_kill

pytestmark = pytest.mark.slow

NOVELS = ("DEU002.txt", "DEU003.txt", "DEU004.txt")
EXCERPT_CHARACTERS = 60_000
WAIT_SECONDS = 120


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Three documents: the opening pages of three ELTeC novels (about 1,500 sentences)."""
    folder = tmp_path_factory.mktemp("corpus")
    for name in NOVELS:
        text = (SHARED_DATA / "eltec-deu" / name).read_text("utf-8")[:EXCERPT_CHARACTERS]
        (folder / name).write_text(text[: text.rfind("\n\n")] + "\n", "utf-8")
    return folder


def brief_command(corpus: Path, out: Path, memory: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", "brief", str(corpus), "--out", str(out), "--memory", str(memory),
            "--outputs", "json,xlf", *extra]


def environment(packages: Path) -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT), ARGOS_PACKAGES_DIR=str(packages))


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory, fixture_package) -> Path:
    """The briefs of one uninterrupted run in one process."""
    out = tmp_path_factory.mktemp("reference")
    result = subprocess.run(brief_command(corpus, out, out / "memory.sqlite"), capture_output=True,
                            env=environment(fixture_package.path.parent), timeout=WAIT_SECONDS)
    assert result.returncode == 0, result.stderr.decode()
    return out


def pairs(out: Path) -> dict[str, list]:
    return {name: json.loads((out / f"{Path(name).stem}.json").read_text("utf-8"))["pairs"] for name in NOVELS}


def entries(memory: Path) -> int:
    if not memory.exists():
        return 0
    with sqlite3.connect(memory, timeout=30) as connection:
        return connection.execute("SELECT count(*) FROM entries").fetchone()[0]


def remembered_sources(memory: Path) -> set[str]:
    with sqlite3.connect(memory, timeout=30) as connection:
        return {source for (source,) in connection.execute("SELECT source FROM entries")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalCluster:
    """``dask scheduler`` and one-thread ``dask worker`` processes on 127.0.0.1, without nannies,
    so that killing a worker's process kills the worker."""

    def __init__(self, logs: Path) -> None:
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.logs = logs
        self.scheduler = self._start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port",
                                                   self.address.rsplit(":", 1)[1], "--no-dashboard"], os.environ)
        self.workers: list[subprocess.Popen] = []

    def _start(self, name: str, arguments: list[str], env) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("wb")
        return subprocess.Popen([sys.executable, "-m", "dask", *arguments], stdout=log, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)

    def add_worker(self, packages: Path) -> None:
        name = f"worker-{len(self.workers) + 1}"
        self.workers.append(self._start(name, ["worker", self.address, "--host", "127.0.0.1", "--nthreads", "1",
                                               "--no-nanny", "--no-dashboard", "--name", name],
                                        environment(packages)))
        self.wait_for_workers(len(self.workers))

    def add_worker_without_the_pipeline(self, packages: Path) -> None:
        """A worker started from elsewhere, with Dask but without this project (``-S``: no site
        directory, so no editable install either; the libraries come through PYTHONPATH)."""
        import sysconfig

        name = f"worker-{len(self.workers) + 1}"
        env = dict(os.environ, PYTHONPATH=sysconfig.get_paths()["purelib"], ARGOS_PACKAGES_DIR=str(packages))
        log = (self.logs / f"{name}.log").open("wb")
        self.workers.append(subprocess.Popen(
            [sys.executable, "-S", "-m", "dask", "worker", self.address, "--host", "127.0.0.1", "--nthreads", "1",
             "--no-nanny", "--no-dashboard", "--name", name], stdout=log, stderr=subprocess.STDOUT, env=env,
            cwd=self.logs, start_new_session=True))
        self.wait_for_workers(len(self.workers))

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(count, timeout=60)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)


@pytest.fixture
def cluster(tmp_path, fixture_package):
    running = LocalCluster(tmp_path)
    try:
        yield running
    finally:
        running.stop()


def start_brief(command: list[str], packages: Path) -> subprocess.Popen:
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment(packages))


def when_memory_holds(memory: Path, count: int, process: subprocess.Popen) -> None:
    """Wait until the run has remembered ``count`` sentences; it must still be running then."""
    deadline = time.monotonic() + WAIT_SECONDS
    while entries(memory) < count:
        assert process.poll() is None, f"the run ended first: {process.communicate()[1].decode()}"
        assert time.monotonic() < deadline, "the run remembered nothing in time"
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be interrupted"


def test_a_cluster_run_writes_what_one_process_writes(cluster, corpus, reference, tmp_path, fixture_package):
    packages = fixture_package.path.parent
    cluster.add_worker(packages)
    cluster.add_worker(packages)
    out = tmp_path / "out"
    result = subprocess.run(brief_command(corpus, out, tmp_path / "memory.sqlite", "--scheduler", cluster.address),
                            capture_output=True, env=environment(packages), timeout=WAIT_SECONDS)
    assert result.returncode == 0, result.stderr.decode()
    assert pairs(out) == pairs(reference)
    assert sorted(path.suffix for path in out.iterdir() if path.name.startswith("DEU002")) == [".json", ".xlf"]
    assert not (out / "index.html").exists(), "no press review without its HTML and PDF"


def test_a_worker_killed_mid_run_loses_nothing(cluster, corpus, reference, tmp_path, fixture_package):
    packages = fixture_package.path.parent
    cluster.add_worker(packages)
    cluster.add_worker(packages)
    out, memory = tmp_path / "out", tmp_path / "memory.sqlite"
    run = start_brief(brief_command(corpus, out, memory, "--scheduler", cluster.address), packages)
    when_memory_holds(memory, 32, run)
    cluster.workers[0].send_signal(signal.SIGKILL)
    _, stderr = run.communicate(timeout=WAIT_SECONDS)
    assert run.returncode == 0, stderr.decode()
    assert pairs(out) == pairs(reference), "every sentence once, as one process translates it"


def test_a_driver_killed_mid_run_goes_on_from_the_memory(cluster, corpus, reference, tmp_path, fixture_package):
    packages = fixture_package.path.parent
    cluster.add_worker(packages)
    cluster.add_worker(packages)
    out, memory = tmp_path / "out", tmp_path / "memory.sqlite"
    command = brief_command(corpus, out, memory, "--scheduler", cluster.address)
    run = start_brief(command, packages)
    when_memory_holds(memory, 32, run)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    kept = remembered_sources(memory)
    again = subprocess.run(command, capture_output=True, env=environment(packages), timeout=WAIT_SECONDS)
    stderr = again.stderr.decode()
    assert again.returncode == 0, stderr
    recalled = sum(int(line.split(" from memory")[0].rsplit(" ", 1)[1]) for line in stderr.splitlines()
                   if " from memory" in line)
    translated = sum(int(line.split(" translated")[0].rsplit(" ", 1)[1]) for line in stderr.splitlines()
                     if " translated" in line)
    occurrences = [pair["source"] for name in NOVELS for pair in pairs(out)[name]]
    assert kept and recalled == sum(source in kept for source in occurrences), stderr
    assert translated == sum(source not in kept for source in occurrences), "nothing remembered is translated again"
    assert pairs(out) == pairs(reference)


def test_a_lost_scheduler_is_one_error_line_and_the_memory_stays(cluster, corpus, tmp_path, fixture_package):
    packages = fixture_package.path.parent
    cluster.add_worker(packages)
    out, memory = tmp_path / "out", tmp_path / "memory.sqlite"
    run = start_brief(brief_command(corpus, out, memory, "--scheduler", cluster.address), packages)
    when_memory_holds(memory, 32, run)
    cluster.scheduler.send_signal(signal.SIGKILL)
    _, stderr = run.communicate(timeout=WAIT_SECONDS)
    message = stderr.decode()
    assert run.returncode == 1 and message.count("\n") == 1 and cluster.address in message, message
    assert "run the same command again" in message
    with sqlite3.connect(memory) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert entries(memory) >= 32


def test_an_unreachable_scheduler_is_one_error_line(corpus, tmp_path, fixture_package):
    address = f"tcp://127.0.0.1:{free_port()}"
    memory = tmp_path / "memory.sqlite"
    result = subprocess.run(brief_command(corpus, tmp_path / "out", memory, "--scheduler", address),
                            capture_output=True, env=environment(fixture_package.path.parent), timeout=WAIT_SECONDS)
    message = result.stderr.decode()
    assert result.returncode == 1 and message.count("\n") == 1 and "cannot be reached" in message, message
    assert entries(memory) == 0


def test_a_worker_with_another_model_is_refused_before_any_work(cluster, corpus, tmp_path, fixture_package):
    packages = fixture_package.path.parent
    other = tmp_path / "other-packages"
    shutil.copytree(packages, other)
    weights = other / fixture_package.path.name / "model" / "model.bin"
    weights.write_bytes(weights.read_bytes() + b"\0")  # other weights, same name and version
    cluster.add_worker(packages)
    cluster.add_worker(other)
    memory = tmp_path / "memory.sqlite"
    result = subprocess.run(brief_command(corpus, tmp_path / "out", memory, "--scheduler", cluster.address),
                            capture_output=True, env=environment(packages), timeout=WAIT_SECONDS)
    message = result.stderr.decode()
    assert result.returncode == 1 and message.count("\n") == 1 and "has model" in message, message
    assert entries(memory) == 0 and not (tmp_path / "out" / "DEU002.json").exists()


def test_a_worker_without_the_pipeline_is_refused_with_one_line(cluster, corpus, tmp_path, fixture_package):
    packages = fixture_package.path.parent
    cluster.add_worker_without_the_pipeline(packages)
    memory = tmp_path / "memory.sqlite"
    result = subprocess.run(brief_command(corpus, tmp_path / "out", memory, "--scheduler", cluster.address),
                            capture_output=True, env=environment(packages), timeout=WAIT_SECONDS)
    message = result.stderr.decode()
    assert result.returncode == 1 and message.count("\n") == 1, message
    assert "cannot run the pipeline" in message and "make setup" in message and "internal error" not in message
    assert entries(memory) == 0


def test_a_killed_driver_leaves_no_process_behind(cluster, corpus, tmp_path, fixture_package):
    packages = fixture_package.path.parent
    cluster.add_worker(packages)
    memory = tmp_path / "memory.sqlite"
    run = start_brief(brief_command(corpus, tmp_path / "out", memory, "--scheduler", cluster.address), packages)
    when_memory_holds(memory, 32, run)
    seen = descendants(run.pid)
    assert seen, "the driver has its renderer by now"
    run.send_signal(signal.SIGKILL)
    run.communicate()
    left = left_after_kill(seen)
    assert not left, f"{len(left)} of the driver's {len(seen)} processes outlived it"

