"""The translation memory on both engines, a SQLite file and a real PostgreSQL server
(``tests/postgres.py``): the same work read back alike, hostile text stored as text, the same
brief from either, ``memory copy`` both ways, and one line for every connection fault."""

from __future__ import annotations

import json
import random
import subprocess

import pytest

from conftest import ARTICLE, correction, run_cli, write_corrections
from tools.throwaway_postgres import PASSWORD

HOSTILE = ["'); DROP TABLE entries; --", "Robert'); DROP TABLE human_history;--", "100 % \\ _ % LIKE",
           "\u202eevil\u202c", "Zeile\x00mit NUL"]


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "memory.sqlite")
    return request.getfixturevalue("postgres").new_database()


def test_the_same_work_reads_back_alike_on_either_engine(location):
    from pipeline.memory.store import TranslationMemory
    from pipeline.model import Engine, HumanTranslation, Translation

    engine = Engine(model="fixture@1#abc", settings="beam=2")
    long_text = "".join(random.Random(7).choice("abcdefghijklmnopqrstuvwxyzäöüß ") for _ in range(100_000))
    sources = ["Ein Satz.", "Ein zweiter Satz.", long_text, *HOSTILE[:4]]
    with TranslationMemory(location) as memory:
        memory.remember_machine(sources, [Translation(f"MT {n}", -0.5, parts=n % 2 + 1) for n in range(len(sources))],
                                engine)
        memory.record_human([HumanTranslation("Ein Satz.", "A sentence.", True, "checked"),
                             HumanTranslation(HOSTILE[0], HOSTILE[1], False, HOSTILE[2]),
                             HumanTranslation(HOSTILE[4], "A line with NUL.", False, "")], "test")
        memory.record_human([HumanTranslation("Ein Satz.", "One sentence.", False, "")], "test")
        memory.record_alignment([HumanTranslation("Ein zweiter Satz.", "", False, "shares")], "a.en.md", "test")
        recalled = memory.recall([*sources, "Unbekannt."], engine)
        assert [(t.text, t.origin) for t in recalled[:2]] == [("One sentence.", "human"), ("MT 1", "mt")]
        assert recalled[2].text == "MT 2" and recalled[-1] is None
        assert recalled[3].text == HOSTILE[1] and recalled[3].origin == "human"
        assert memory.recall(["Zeilemit NUL"], engine)[0].text == "A line with NUL.", "NUL dropped, as when read"
        assert memory.history("Ein Satz.") == ["A sentence.", "One sentence."]
        assert [t and t.text for t in memory.recall_alignment(["Ein zweiter Satz.", "Ein Satz."], "a.en.md")] == ["", None]
        assert memory.recall_alignment(["Ein zweiter Satz."], "b.en.md") == [None]
        assert memory.recall_human(["Ein zweiter Satz."]) == [None], "a merge never reaches a translated brief"
        stats = memory.stats()
        assert (stats.human, stats.approved, stats.machine, stats.history, stats.alignments) == (3, 0, 7, 4, 1)
        assert {entry.source for entry in memory.entries("human")} == {"Ein Satz.", HOSTILE[0], "Zeilemit NUL"}


def test_a_brief_is_the_same_from_either_engine_and_keeps_corrections(tmp_path, fixture_package, postgres):
    packages = fixture_package.path.parent
    source = tmp_path / ARTICLE.name
    source.write_bytes(ARTICLE.read_bytes())
    briefs = {}
    for name, memory in (("sqlite", str(tmp_path / "memory.sqlite")), ("postgresql", postgres.new_database())):
        out = tmp_path / name
        result = run_cli("brief", str(source), "--out", str(out), "--outputs", "json", "--memory", memory,
                         packages_dir=packages)
        assert result.returncode == 0, result.stderr.decode()
        briefs[name] = json.loads((out / f"{ARTICLE.stem}.json").read_text("utf-8"))
        pair = briefs[name]["pairs"][1]
        corrections = write_corrections(tmp_path / f"{name}.corrections.json", ARTICLE.stem, source,
                                        correction(pair, "A reviewer's English."))
        applied = run_cli("corrections", "apply", str(corrections), "--input", str(source), "--memory", memory)
        assert applied.returncode == 0, applied.stderr.decode()
        assert run_cli("brief", str(source), "--out", str(out), "--outputs", "json", "--memory", memory,
                       packages_dir=packages).returncode == 0
        again = json.loads((out / f"{ARTICLE.stem}.json").read_text("utf-8"))["pairs"][1]
        assert (again["target"], again["origin"], again["approved"]) == ("A reviewer's English.", "human", True)
    for brief in briefs.values():
        brief["provenance"].pop("created")  # the build's time: all else is equal
    assert briefs["sqlite"] == briefs["postgresql"]


def test_memory_copy_carries_every_entry_and_version_both_ways(tmp_path, postgres):
    from pipeline.memory.store import TranslationMemory
    from pipeline.model import Engine, HumanTranslation, Translation

    first = tmp_path / "personal.sqlite"
    with TranslationMemory(first) as memory:
        memory.remember_machine([f"Satz {n}." for n in range(1_200)],
                                [Translation(f"Sentence {n}.", -0.1) for n in range(1_200)], Engine("m", "s"))
        memory.record_human([HumanTranslation("Satz 1.", "First.", True, ""), HumanTranslation("Satz 1.", "One.", False,
                                                                                                 "")], "test")
        memory.record_alignment([HumanTranslation("Satz 2.", "", False, "")], "x.en.txt", "test")
        expected = memory.digest()
    team = postgres.new_database()
    back = tmp_path / "back.sqlite"
    for source, target in ((str(first), team), (team, str(back))):
        result = run_cli("memory", "copy", source, target)
        assert result.returncode == 0, result.stderr.decode()
        assert f"copied {expected[0]:,} rows" in result.stderr.decode() and "verified" in result.stderr.decode()
    for copied in (team, back):
        with TranslationMemory(copied) as memory:
            assert memory.digest() == expected
            assert memory.history("Satz 1.") == ["First.", "One."]
    refused = run_cli("memory", "copy", str(first), team)
    assert refused.returncode == 1 and "already holds translation memory" in refused.stderr.decode()


def test_postgresql_not_running_is_one_line_naming_host_and_port(tmp_path, postgres):
    from tools.throwaway_postgres import free_port

    port = free_port()
    out = tmp_path / "out"
    result = run_cli("brief", str(ARTICLE), "--out", str(out), "--memory",
                     f"postgresql://redaktion:{PASSWORD}@127.0.0.1:{port}/memory")
    stderr = result.stderr.decode()
    assert result.returncode == 1 and stderr.count("\n") == 1, stderr
    assert f"127.0.0.1:{port}" in stderr and "is PostgreSQL running there?" in stderr and PASSWORD not in stderr
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize("fault, said", [
    ("password", "wrong password or user"),
    ("database", 'database "nirgends" does not exist'),
    ("permission", "GRANT CREATE, USAGE ON SCHEMA public"),
])
def test_a_connection_fault_is_one_line_and_never_shows_the_password(postgres, fault, said):
    if fault == "password":
        url = postgres.tcp_url("postgres", password="falsch-" + PASSWORD)
    elif fault == "database":
        url = postgres.tcp_url("nirgends")
    else:
        owned = postgres.create_database()
        with postgres.admin(owned) as admin:
            admin.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        url = postgres.tcp_url(owned)
    result = run_cli("memory", "stats", "--memory", url)
    stderr = result.stderr.decode()
    assert result.returncode == 1 and stderr.count("\n") == 1, stderr
    assert said in stderr and PASSWORD not in stderr and "***" in stderr, stderr


def test_the_memory_s_url_is_masked_wherever_it_is_named(postgres):
    with postgres.admin() as admin:
        admin.execute("CREATE DATABASE geteilt OWNER redaktion")
    url = postgres.tcp_url("geteilt")
    stats = run_cli("memory", "stats", "--memory", url)
    assert stats.returncode == 0, stats.stderr.decode()
    assert PASSWORD not in stats.stdout.decode() and "redaktion:***@127.0.0.1" in stats.stdout.decode()


def test_the_memory_goes_on_through_a_server_restart_and_keeps_every_acknowledged_write(postgres):
    """Connections cut by a restart, then the server away for a while: each write waits for it on a
    new connection; every write that returned is there afterwards, once."""
    import threading
    import time

    from pipeline.memory.store import TranslationMemory
    from pipeline.model import Engine, HumanTranslation, Translation

    engine = Engine("m", "s")
    with TranslationMemory(postgres.new_database()) as memory:
        memory.remember_machine(["Vorher."], [Translation("Before.", -0.1)], engine)
        postgres.stop_server()
        postgres.start()  # every pooled connection is gone now
        memory.remember_machine(["Nach dem Neustart."], [Translation("After the restart.", -0.1)], engine)
        postgres.stop_server()
        back = threading.Timer(3.0, postgres.start)
        back.start()
        started = time.monotonic()
        memory.record_human([HumanTranslation("Während.", "While it was away.", True, "")], "test")
        back.join()
        assert time.monotonic() - started >= 2.5, "the write waited for the server"
        recalled = memory.recall(["Vorher.", "Nach dem Neustart.", "Während."], engine)
        assert [t.text for t in recalled] == ["Before.", "After the restart.", "While it was away."]
        assert memory.history("Während.") == ["While it was away."]


def test_each_save_names_the_version_it_edited_and_a_stale_one_is_a_conflict(location):
    """What the review server needs: a version per sentence's human English, each version's author
    and time, and the second of two reviewers who edited the same version told, nothing overwritten."""
    from pipeline.memory.store import Conflict, TranslationMemory
    from pipeline.model import HumanTranslation

    with TranslationMemory(location) as memory:
        assert memory.save_human(HumanTranslation("Ein Satz.", "A sentence."), "review", "anna", 0).version == 1
        assert memory.save_human(HumanTranslation("Ein Satz.", "One sentence.", True), "review", "ben", 1).version == 2
        with pytest.raises(Conflict) as conflict:
            memory.save_human(HumanTranslation("Ein Satz.", "A single sentence."), "review", "carla", 1)
        assert (conflict.value.current.version, conflict.value.current.author) == (2, "ben")
        with pytest.raises(Conflict):
            memory.save_human(HumanTranslation("Neu.", "New."), "review", "carla", 3)
        [recorded] = memory.record_human([HumanTranslation("Ein Satz.", "Sentence one.")], "corrections:x.json")
        assert (recorded.version, recorded.replaced) == (3, "One sentence.")
        versions = memory.versions("Ein Satz.")
        assert [(v.version, v.target, v.author, v.approved) for v in versions] == [
            (1, "A sentence.", "anna", False), (2, "One sentence.", "ben", True), (3, "Sentence one.", "", False)]
        assert all(v.recorded for v in versions) and memory.history("Neu.") == []


def test_every_change_of_human_english_is_announced_on_postgresql(postgres):
    import threading

    from pipeline.memory.schema import source_key
    from pipeline.memory.store import TranslationMemory
    from pipeline.model import HumanTranslation

    heard = []
    with TranslationMemory(postgres.new_database()) as memory:
        listener = threading.Thread(target=lambda: heard.extend(memory.changes(seconds=8)))
        listener.start()
        for _ in range(50):  # until the listener is in place: announcements before it are not kept
            memory.save_human(HumanTranslation("Ein Satz.", f"Try {len(memory.versions('Ein Satz.'))}."), "review",
                              "anna", len(memory.versions("Ein Satz.")))
            if heard:
                break
            threading.Event().wait(0.1)
        listener.join()
    assert heard and all(key == source_key("Ein Satz.") for key, _ in heard)
    assert [version for _, version in heard] == sorted(version for _, version in heard)


def test_a_killed_test_run_leaves_no_postgresql_behind(tmp_path):
    """The throwaway server is stopped by its watchdog when the process that started it is SIGKILLed."""
    import os
    import signal
    import sys
    import time

    from conftest import ROOT

    script = ("import sys, time; from tools.throwaway_postgres import Cluster; cluster = Cluster(); "
              "print(cluster.data, flush=True); time.sleep(600)")
    owner = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
    data = owner.stdout.readline().strip()
    assert data and _servers_of(data), "the server runs"
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    deadline = time.monotonic() + 30
    while _servers_of(data) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _servers_of(data), "the server outlived the killed process"


def _servers_of(data: str) -> list[str]:
    found = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout.splitlines()
    return [line for line in found if data in line and "postgres" in line]
