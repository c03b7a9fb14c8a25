"""Translation memory and the post-editing loop, as a user drives them: real builds, on both
engines (a SQLite file and a throwaway PostgreSQL server), and what is SQLite's own."""

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import ARTICLE, ROOT, correction, run_cli, write_corrections

NAME = ARTICLE.stem


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace(request, tmp_path, fixture_package):
    """A copy of the article in its own input/ folder, an output folder and a private memory, on
    either engine."""
    memory = request.getfixturevalue("postgres").new_database() if request.param == "postgresql" else None
    return Workspace(tmp_path, fixture_package.path.parent, memory)


@pytest.fixture
def sqlite_workspace(tmp_path, fixture_package):
    """The same with a SQLite memory, for what is the file's own (a damaged file, its schema)."""
    return Workspace(tmp_path, fixture_package.path.parent)


class Workspace:
    def __init__(self, root, packages_dir, memory: str | None = None):
        (root / "input").mkdir()
        self.source = root / "input" / ARTICLE.name
        self.source.write_bytes(ARTICLE.read_bytes())
        self.root, self.packages_dir = root, packages_dir
        self.out = root / "output"
        self.memory = memory or str(root / "tm" / "memory.sqlite")

    def run(self, *args, packages_dir=None):
        return run_cli(*args, "--memory", str(self.memory), cwd=self.root,
                       packages_dir=packages_dir or self.packages_dir)

    def brief(self, *extra, packages_dir=None):
        result = self.run("brief", str(self.source), "--out", str(self.out), *extra, packages_dir=packages_dir)
        assert result.returncode == 0, result.stderr.decode()
        return result.stderr.decode()

    def pairs(self):
        return json.loads((self.out / f"{NAME}.json").read_text("utf-8"))["pairs"]

    def corrections(self, *items, name="review.corrections.json"):
        return write_corrections(self.root / name, NAME, self.source, *items)


def test_rebuild_translates_nothing_then_exactly_the_edited_sentence(workspace):
    assert "11 segments: 0 from memory, 11 translated" in workspace.brief()
    second = workspace.brief()
    assert "11 segments: 11 from memory, 0 translated" in second
    assert "up to date, nothing written" in second
    text = workspace.source.read_text("utf-8")
    workspace.source.write_text(text.replace("am Dienstag", "am Mittwoch"), "utf-8")
    assert "11 segments: 10 from memory, 1 translated" in workspace.brief()


def test_up_to_date_outputs_are_left_alone_unless_forced(workspace):
    workspace.brief()
    pdf = workspace.out / f"{NAME}.pdf"
    before = pdf.stat().st_mtime_ns
    workspace.brief()
    assert pdf.stat().st_mtime_ns == before
    (workspace.out / f"{NAME}.xlf").unlink()
    assert " → " in workspace.brief(), "a missing output makes the set out of date"
    assert " → " in workspace.brief("--force")


def test_correction_wins_and_shows_in_every_output(workspace):
    workspace.brief()
    pairs = workspace.pairs()
    english = 'BMW starts its "360-degree" AI strategy in China & <beyond> — für Größe'
    corrections = workspace.corrections(correction(pairs[0], english), correction(pairs[3], pairs[3]["target"]))
    applied = workspace.run("corrections", "apply", str(corrections))
    assert applied.returncode == 0, applied.stderr.decode()
    assert b"recorded 2 corrections (2 approved)" in applied.stderr
    assert "11 segments: 11 from memory (2 human), 0 translated" in workspace.brief()
    rebuilt = workspace.pairs()
    assert (rebuilt[0]["target"], rebuilt[0]["origin"], rebuilt[0]["approved"]) == (english, "human", True)
    assert (rebuilt[3]["origin"], rebuilt[1]["origin"]) == ("human", "mt")
    html = (workspace.out / f"{NAME}.html").read_text("utf-8")
    assert "2 of 11 pairs edited or written by a person (2 approved)" in html
    assert html.count('class="human-mark"') == 2
    assert "&lt;beyond&gt;" in html and "<beyond>" not in html
    pdf_text = subprocess.run(["pdftotext", str(workspace.out / f"{NAME}.pdf"), "-"], capture_output=True,
                              check=True).stdout.decode()
    assert "2 of 11 pairs edited or written by a person" in pdf_text
    assert "360-degree" in pdf_text and "✎" in pdf_text


def test_corrections_of_an_edited_input_are_refused_unless_included_on_purpose(workspace):
    workspace.brief()
    pairs = workspace.pairs()
    corrections = workspace.corrections(correction(pairs[0], "An old correction."), correction(pairs[1], "Kept."))
    workspace.source.write_text(workspace.source.read_text("utf-8").replace("am Dienstag", "am Mittwoch"), "utf-8")
    refused = workspace.run("corrections", "apply", str(corrections))
    stderr = refused.stderr.decode()
    assert refused.returncode == 1 and stderr.count("\n") == 1, stderr
    assert "SHA-256" in stderr and "nothing recorded" in stderr and "--include-stale" in stderr, stderr
    assert not _human_targets(workspace.memory)
    applied = workspace.run("corrections", "apply", str(corrections), "--include-stale")
    stderr = applied.stderr.decode()
    assert applied.returncode == 0, stderr
    assert "warning: recorded anyway (--include-stale): p1.s1: the German differs" in stderr and "p2.s1" not in stderr
    assert _human_targets(workspace.memory) == [("An old correction.",), ("Kept.",)]


def test_corrections_carrying_another_document_s_sentence_are_refused(workspace, tmp_path):
    """A file exported for one brief but carrying a sentence of another document, marked approved:
    nothing is recorded, so no brief of that other document shows it as approved human work."""
    workspace.brief()
    pairs = workspace.pairs()
    other = tmp_path / "anderes.txt"
    other.write_text("Der Stadtrat tagt am Montag.\n", "utf-8")
    foreign = dict(correction(pairs[0], "Planted approved English."), id="p1.s1", source=pairs[3]["source"])
    path = write_corrections(tmp_path / "anderes.corrections.json", "anderes", other, foreign)
    refused = workspace.run("corrections", "apply", str(path), "--input", str(other))
    stderr = refused.stderr.decode()
    assert refused.returncode == 1 and "p1.s1: the German differs" in stderr and "nothing recorded" in stderr, stderr
    moved = write_corrections(tmp_path / "verschoben.corrections.json", NAME, workspace.source,
                              dict(correction(pairs[0], "Planted."), id="p99.s1"))
    refused = workspace.run("corrections", "apply", str(moved))
    assert refused.returncode == 1 and "p99.s1: no pair of" in refused.stderr.decode()
    workspace.brief()
    assert all(pair["origin"] != "human" for pair in workspace.pairs())


def _human_targets(memory: str) -> list[tuple[str]]:
    from pipeline.memory.store import TranslationMemory

    with TranslationMemory(memory) as opened:
        return sorted((entry.target,) for entry in opened.entries("human"))


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ('{"format": "something else"}', "not a corrections file"),
    ('{"format": "de-en-brief corrections", "version": 1, "document": "x", "input": "x.txt", "corrections": '
     '[{"id": "p1.s1", "source": "Satz.", "old_target": "a", "new_target": "  ", "time": "t"}]}', "new English is empty"),
    ('{"format": "de-en-brief corrections", "version": 1, "document": "x", "input": "x.txt", "corrections": '
     '[{"id": "p1.s1", "source": "Satz.", "old_target": "a", "new_target": "b", "time": "t", "approved": "yes"}]}',
     '"approved" must be true or false'),
])
def test_a_broken_corrections_file_changes_nothing(workspace, content, message):
    path = workspace.root / "broken.corrections.json"
    path.write_text(content)
    result = workspace.run("corrections", "apply", str(path), "--input", str(workspace.source))
    assert result.returncode == 1
    assert message in result.stderr.decode() and str(path) in result.stderr.decode()
    assert b"Traceback" not in result.stderr
    assert not _human_targets(workspace.memory)


def test_corrections_without_their_input_ask_for_it(workspace):
    path = workspace.corrections(name="elsewhere.corrections.json")
    result = run_cli("corrections", "apply", str(path), "--memory", str(workspace.memory), cwd=ROOT.parent)
    assert result.returncode == 2 and b"--input" in result.stderr


def test_a_new_model_retranslates_machine_output_but_never_human_work(workspace, tmp_path):
    from tools.fixture_model import build_package

    workspace.brief()
    pairs = workspace.pairs()
    workspace.run("corrections", "apply", str(workspace.corrections(correction(pairs[2], "Human English."))))
    other_packages = tmp_path / "other-packages"
    archive = build_package([ARTICLE.read_text("utf-8")], tmp_path / "other.argosmodel", seed=99, version="0.0.2")
    installed = run_cli("model", "install", str(archive), packages_dir=other_packages)
    assert installed.returncode == 0, installed.stderr.decode()
    assert "11 segments: 1 from memory (1 human), 10 translated" in workspace.brief(packages_dir=other_packages)
    assert workspace.pairs()[2]["target"] == "Human English."
    assert "11 segments: 11 from memory (1 human), 0 translated" in workspace.brief()


def test_newer_corrections_win_and_older_ones_stay_in_the_history(workspace):
    workspace.brief()
    pair = workspace.pairs()[0]
    for english in ("First try.", "Second try."):
        workspace.run("corrections", "apply", str(workspace.corrections(correction(pair, english))))
    workspace.brief()
    assert workspace.pairs()[0]["target"] == "Second try."
    from pipeline.memory.store import TranslationMemory

    with TranslationMemory(workspace.memory) as memory:
        assert memory.history(pair["source"]) == ["First try.", "Second try."]


TMX_FROM_ELSEWHERE = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="OmegaT" creationtoolversion="6.0.0" segtype="sentence" o-tmf="OmegaT TMX"
          adminlang="EN-US" srclang="DE-DE" datatype="plaintext"/>
  <body>
    <tu>
      <tuv xml:lang="DE-DE"><seg>{source}</seg></tuv>
      <tuv xml:lang="EN-GB"><seg>The translator's English &amp; more.</seg></tuv>
    </tu>
    <tu>
      <prop type="x-origin">mt</prop>
      <tuv xml:lang="de"><seg>Ein maschinell übersetzter Satz.</seg></tuv>
      <tuv xml:lang="en"><seg>A machine-translated sentence.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="de"><seg>Nur Deutsch.</seg></tuv>
      <tuv xml:lang="fr"><seg>Seulement français.</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def test_memory_import_seeds_human_english_from_another_tool(workspace):
    from xml.sax.saxutils import escape

    first_sentence = "Der deutsche Autohersteller BMW kündigte am Dienstag den Start seiner 360-Grad-Full-Chain-Strategie " \
                     "für künstliche Intelligenz (KI) in China an, die darauf abzielt, die KI-Integration in allen " \
                     "Betrieben im Land zu beschleunigen."
    tmx = workspace.root / "omegat-project.tmx"
    # OmegaT wraps long segments; the memory compares normalized sentences.
    tmx.write_text(TMX_FROM_ELSEWHERE.format(source=escape(first_sentence).replace(" BMW ", "\n        BMW ")))
    imported = workspace.run("memory", "import", str(tmx))
    assert imported.returncode == 0, imported.stderr.decode()
    assert b"recorded 1 human translations" in imported.stderr
    assert b"1 marked as machine translation" in imported.stderr and b"1 without both German and English" in imported.stderr
    assert "11 segments: 1 from memory (1 human), 10 translated" in workspace.brief()
    assert workspace.pairs()[0]["target"] == "The translator's English & more."
    stats = workspace.run("memory", "stats").stdout.decode()
    assert "human entries    1 (0 approved)" in stats and "machine entries  10" in stats


def test_memory_import_refuses_a_broken_tmx(workspace):
    tmx = workspace.root / "broken.tmx"
    tmx.write_text("<tmx version='1.4'><body><tu><tuv xml:lang='de'><seg>offen")
    result = workspace.run("memory", "import", str(tmx))
    assert result.returncode == 1 and b"not a readable TMX file" in result.stderr and b"Traceback" not in result.stderr


def test_memory_export_and_import_round_trip(workspace, tmp_path):
    workspace.brief()
    pair = workspace.pairs()[4]
    workspace.run("corrections", "apply", str(workspace.corrections(correction(pair, "Größe & <Maß> „zitiert“."))))
    exported = tmp_path / "memory.tmx"
    assert workspace.run("memory", "export", str(exported)).returncode == 0
    fresh = run_cli("memory", "import", str(exported), "--memory", str(tmp_path / "fresh.sqlite"))
    assert fresh.returncode == 0 and b"recorded 1 human translations" in fresh.stderr
    assert b"11 marked as machine translation" in fresh.stderr
    from pipeline.memory.store import TranslationMemory

    with TranslationMemory(tmp_path / "fresh.sqlite") as memory:
        [entry] = memory.entries("human")
    assert (entry.source, entry.target, entry.approved) == (pair["source"], "Größe & <Maß> „zitiert“.", True)


def test_memory_import_never_resolves_entities(workspace):
    tmx = workspace.root / "entity.tmx"
    tmx.write_text('<?xml version="1.0"?>\n<!DOCTYPE tmx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
                   '<tmx version="1.4"><header srclang="de"/><body><tu>'
                   '<tuv xml:lang="de"><seg>Ein Satz.</seg></tuv><tuv xml:lang="en"><seg>A &secret;</seg></tuv>'
                   '</tu></body></tmx>\n')
    workspace.run("memory", "import", str(tmx))
    exported = workspace.root / "out.tmx"
    workspace.run("memory", "export", str(exported))
    assert b"root:" not in exported.read_bytes()


def test_control_characters_in_a_correction_never_break_the_xml_outputs(workspace):
    workspace.brief()
    pair = workspace.pairs()[0]
    corrections = workspace.corrections(correction(pair, "Bell\x07 and  vertical\x0btab\u200b."))
    assert workspace.run("corrections", "apply", str(corrections)).returncode == 0
    workspace.brief()
    assert workspace.pairs()[0]["target"] == "Bell and verticaltab."
    import xml.etree.ElementTree as ET

    ET.parse(workspace.out / f"{NAME}.tmx")
    ET.parse(workspace.out / f"{NAME}.xlf")


def test_a_damaged_memory_file_is_one_clear_error(sqlite_workspace):
    workspace = sqlite_workspace
    Path(workspace.memory).parent.mkdir(parents=True)
    Path(workspace.memory).write_bytes(b"this is not SQLite" * 100)
    result = workspace.run("brief", str(workspace.source), "--out", str(workspace.out))
    stderr = result.stderr.decode()
    assert result.returncode == 1 and stderr.count("\n") == 1 and "Traceback" not in stderr
    assert str(workspace.memory) in stderr and "cannot use the translation memory" in stderr and "from a backup" in stderr


def test_a_memory_of_the_first_schema_is_upgraded_and_keeps_human_work(tmp_path):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from pipeline.memory.store import HEAD, MIGRATIONS, TranslationMemory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head == HEAD, "store.HEAD names the newest migration"
    from pipeline.model import Engine

    path = tmp_path / "v1.sqlite"
    with sqlite3.connect(path) as db:  # schema 1: before sentences could be translated in parts
        db.execute("CREATE TABLE entries (source TEXT NOT NULL, origin TEXT NOT NULL, model TEXT NOT NULL, "
                   "settings TEXT NOT NULL, target TEXT NOT NULL, score REAL, approved INTEGER NOT NULL DEFAULT 0, "
                   "note TEXT NOT NULL DEFAULT '', recorded_from TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, "
                   "updated TEXT NOT NULL, PRIMARY KEY (source, origin, model, settings)) WITHOUT ROWID")
        db.execute("CREATE TABLE human_history (id INTEGER PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL, "
                   "approved INTEGER NOT NULL, note TEXT NOT NULL, recorded_from TEXT NOT NULL, recorded TEXT NOT NULL)")
        db.execute("INSERT INTO entries VALUES ('Ein Satz.', 'human', '', '', 'A sentence.', NULL, 1, '', '', 't', 't')")
        for target in ("An earlier try.", "A sentence."):
            db.execute("INSERT INTO human_history (source, target, approved, note, recorded_from, recorded) "
                       "VALUES ('Ein Satz.', ?, 1, '', 'tmx:x.tmx', 't')", (target,))
        # a merge of the review page, as schema 2 recorded it: empty human English
        db.execute("INSERT INTO entries VALUES ('Ein zweiter.', 'human', '', '', '', NULL, 0, '', 'c', 't', 't')")
        db.execute("PRAGMA user_version=1")
    with TranslationMemory(path) as memory:
        recalled, merged = memory.recall(["Ein Satz.", "Ein zweiter."], Engine(model="m", settings="s"))
        [aligned] = memory.recall_alignment(["Ein zweiter."], "any.en.txt")
    assert (recalled.text, recalled.origin, recalled.approved, recalled.parts) == ("A sentence.", "human", True, 1)
    assert merged is None, "a build never gets empty human English"
    assert (aligned.text, aligned.origin) == ("", "human"), "the merge is kept for briefs of existing English"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        assert db.execute("PRAGMA user_version").fetchone()[0] > 3, "a pipeline from before Alembic refuses it"
    with TranslationMemory(path) as memory:
        assert [(v.version, v.target) for v in memory.versions("Ein Satz.")] == [(1, "An earlier try."),
                                                                                 (2, "A sentence.")]


def test_a_memory_of_a_newer_pipeline_is_refused_in_one_line(sqlite_workspace):
    workspace = sqlite_workspace
    workspace.brief()
    with sqlite3.connect(workspace.memory) as db:
        db.execute("UPDATE alembic_version SET version_num = 'f00d'")
    result = workspace.run("memory", "stats")
    assert result.returncode == 1 and result.stderr.decode().count("\n") == 1
    assert "written by a newer version of the pipeline (schema revision f00d)" in result.stderr.decode()


def test_imported_english_is_normalized_like_corrected_english(workspace):
    tmx = workspace.root / "wrapped.tmx"
    tmx.write_text('<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="de"/><body><tu>'
                   '<tuv xml:lang="de"><seg>Ein   Satz.</seg></tuv>'
                   '<tuv xml:lang="en"><seg>A wrapped\n      sentence\u200b.</seg></tuv></tu></body></tmx>\n')
    assert workspace.run("memory", "import", str(tmx)).returncode == 0
    from pipeline.memory.store import TranslationMemory

    with TranslationMemory(workspace.memory) as memory:
        [entry] = memory.entries("human")
    assert (entry.source, entry.target) == ("Ein Satz.", "A wrapped sentence.")
