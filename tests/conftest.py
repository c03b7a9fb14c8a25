"""Shared fixtures: a real tiny Argos package, built once per session, installed
through the same code path as a user's package into a temporary packages directory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# argostranslate reads its settings when first imported: point it at a private
# directory before anything imports it, so tests never see the user's packages.
_ARGOS_HOME = Path(tempfile.mkdtemp(prefix="pipeline-tests-argos-"))
os.environ["ARGOS_PACKAGES_DIR"] = str(_ARGOS_HOME / "packages")
# Likewise the translation memory: never the user's memory/ folder.
os.environ["PIPELINE_MEMORY"] = str(_ARGOS_HOME / "memory" / "translation-memory.sqlite")

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
ARTICLE = ROOT / "input" / "bmw-ki-strategie-china.txt"
FIGURES: list[str] = []
"""Figures tests measured; printed at the end of the run."""


def report(line: str) -> None:
    FIGURES.append(line)


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("figures")
        for line in FIGURES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def fixture_archive(tmp_path_factory) -> Path:
    from tools.fixture_model import build_package

    return build_package([ARTICLE.read_text("utf-8")], tmp_path_factory.mktemp("fixture") / "fixture-tiny.argosmodel")


@pytest.fixture(scope="session")
def fixture_package(fixture_archive):
    from pipeline import packages

    return packages.install_archive(fixture_archive)


@pytest.fixture(scope="session")
def translator(fixture_package):
    from pipeline.translate.local import Translator

    return Translator(fixture_package)


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster (``tests/postgres.py``); a run without PostgreSQL's binaries
    fails here in one line rather than skipping."""
    from tools.throwaway_postgres import Cluster

    try:
        cluster = Cluster()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield cluster
    cluster.stop()


def run_cli(*args: str, cwd: Path = ROOT, packages_dir: Path | None = None, stdin: bytes | None = None,
            timeout: int = 300) -> subprocess.CompletedProcess:
    """Run ``python -m pipeline`` as a user would."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if packages_dir is not None:
        env["ARGOS_PACKAGES_DIR"] = str(packages_dir)
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, timeout=timeout)


def correction(pair: dict, new_target: str, approved: bool = True, note: str = "checked against the press release") -> dict:
    """One entry of a corrections file, for a pair of a brief's JSON."""
    return {"id": pair["id"], "source": pair["source"], "old_target": pair["target"], "new_target": new_target,
            "approved": approved, "note": note, "time": "2026-11-25T10:00:00Z"}


def write_corrections(path: Path, document: str, source: Path, *items: dict) -> Path:
    """A corrections file as the review page exports it, for a brief built from ``source`` as it is now."""
    import hashlib
    import json

    path.write_text(json.dumps({"format": "de-en-brief corrections", "version": 1, "document": document,
                                "input": source.name, "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
                                "exported": "2026-11-25T10:00:00Z", "corrections": list(items)},
                               ensure_ascii=False), "utf-8")
    return path
