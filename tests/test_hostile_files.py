"""Hostile files and hostile neighbours beyond the readers (issue 33): PDFs whose attachments are
named to escape ``extract``'s folder or inflate to half a gigabyte, a folder of 150 documents
under a low file limit, one document that trips its reader beside good ones, the shared lock
folder made by someone else, the umask, stale temporaries, escape sequences and lone surrogates
on the command line, and every verb's standard streams under a non-UTF-8 locale."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys

import pytest

from conftest import ARTICLE, ROOT, correction, run_cli, write_corrections
from tools.hostile_inputs import (ESCAPING_NAMES, SENTENCE, contents_markdown, epub_bytes, hostile_pdfs,
                                  many_documents, refused_files)


def one_line_error(result: subprocess.CompletedProcess, status: int, *fragments: str) -> str:
    stderr = result.stderr.decode()
    assert result.returncode == status and stderr.count("\n") == 1 and "internal error" not in stderr, stderr
    assert stderr.startswith("error: ") and all(fragment in stderr for fragment in fragments), stderr
    return stderr


# -- extract ---------------------------------------------------------------------------------------

def test_extract_writes_only_safe_names_inside_its_folder_and_prints_them_escaped(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("# mine\n")
    pdf = tmp_path / "namen.pdf"
    pdf.write_bytes(hostile_pdfs()["namen.pdf"][0])
    result = run_cli("extract", str(pdf), cwd=home)  # the default --out: here
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert "\x1b" not in stderr and "\\x1b[2J" in stderr, "the name is printed escaped"
    assert "skipped attachment '.bashrc'" in stderr and "skipped attachment '..'" in stderr
    assert (home / ".bashrc").read_text() == "# mine\n"
    assert sorted(p.name for p in home.iterdir()) == [".bashrc", "__2J__31mrot.json", "a_dup.json", "b_dup.json"]
    assert [(home / name).read_bytes() for name in ("a_dup.json", "b_dup.json")] == [
        ESCAPING_NAMES["a/dup.json"], ESCAPING_NAMES["b/dup.json"]], "neither duplicate wins over the other"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "namen.pdf"], "nothing outside --out"


@pytest.mark.parametrize("name", ["doppelt.pdf", "bombe.pdf"])
def test_extract_refuses_colliding_names_and_decompression_bombs_writing_nothing(tmp_path, name):
    data, message = hostile_pdfs()[name]
    pdf = tmp_path / name
    pdf.write_bytes(data)
    out = tmp_path / "out"
    one_line_error(run_cli("extract", str(pdf), "--out", str(out)), 1, str(pdf), message, "nothing extracted")
    assert not out.exists() or list(out.iterdir()) == []


def test_extract_overwrites_nothing_without_force(tmp_path):
    pdf = tmp_path / "namen.pdf"
    pdf.write_bytes(hostile_pdfs()["namen.pdf"][0])
    out = tmp_path / "out"
    assert run_cli("extract", str(pdf), "--out", str(out)).returncode == 0
    (out / "a_dup.json").write_text("edited by hand")
    one_line_error(run_cli("extract", str(pdf), "--out", str(out)), 2, "exists (and 2 more)", "--force")
    assert (out / "a_dup.json").read_text() == "edited by hand"
    assert run_cli("extract", str(pdf), "--out", str(out), "--force").returncode == 0
    assert (out / "a_dup.json").read_bytes() == ESCAPING_NAMES["a/dup.json"]


# -- folder runs -------------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_folder_of_150_documents_builds_under_a_file_limit_of_128(tmp_path, fixture_package):
    inputs = tmp_path / "input"
    many_documents(inputs)
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT), ARGOS_PACKAGES_DIR=str(fixture_package.path.parent))
    result = subprocess.run([sys.executable, "-m", "pipeline", "brief", str(inputs), "--out", str(out)], env=env,
                            capture_output=True, timeout=900,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128)))
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert len(list(out.glob("meldung-*.json"))) == 150 and (out / "press-review.pdf").is_file()


def test_a_document_that_trips_its_reader_fails_alone(tmp_path, fixture_package):
    inputs = tmp_path / "input"
    inputs.mkdir()
    for name in ("a-rat.txt", "c-rat.txt"):
        (inputs / name).write_text(SENTENCE + "\n", "utf-8")
    (inputs / "b-kodierung.epub").write_bytes(refused_files()["kodierung.epub"][0])
    out = tmp_path / "out"
    result = run_cli("brief", str(inputs), "--out", str(out), packages_dir=fixture_package.path.parent)
    stderr = result.stderr.decode()
    assert result.returncode == 1 and "internal error" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {inputs / 'b-kodierung.epub'}: cannot be read "
                                                     "(LookupError: unknown encoding"), errors
    assert (out / "a-rat.json").is_file() and (out / "c-rat.json").is_file() and (out / "index.html").is_file()
    assert not list(out.glob("b-kodierung*"))


# -- readers ---------------------------------------------------------------------------------------

def test_an_epub_s_recorded_sha256_is_the_file_s(tmp_path):
    from pipeline.read import read_document

    source = tmp_path / "buch.epub"
    source.write_bytes(epub_bytes(f"<html><body><p>{SENTENCE}</p></body></html>"))
    assert read_document(source).sha256 == hashlib.sha256(source.read_bytes()).hexdigest()


def test_a_table_of_contents_of_5000_headings_is_read_in_linear_memory(tmp_path):
    """The contents removal held a set of every later heading for each line: 1.2 GB for 400 KB."""
    source = tmp_path / "buch.md"
    source.write_bytes(contents_markdown())
    script = ("import resource, sys; from pathlib import Path; from pipeline.read import read_document; "
              "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
              "document = read_document(Path(sys.argv[1])); "
              "print(len(document.paragraphs), dict(document.skipped)['table-of-contents lines'], "
              "(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)")
    result = subprocess.run([sys.executable, "-c", script, str(source)], capture_output=True, text=True, cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
    assert result.returncode == 0, result.stderr
    paragraphs, contents_lines, grown_mb = map(int, result.stdout.split())
    assert paragraphs >= 2 * 5000 and contents_lines >= 5000
    assert grown_mb < 200, f"reading grew the process by {grown_mb} MB"


# -- files on disk ---------------------------------------------------------------------------------

@pytest.mark.parametrize("umask, mode", [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_outputs_take_the_umask(tmp_path, fixture_package, umask, mode):
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT), ARGOS_PACKAGES_DIR=str(fixture_package.path.parent))
    result = subprocess.run([sys.executable, "-m", "pipeline", "brief", str(ARTICLE), "--out", str(out),
                             "--outputs", "json,html", "--memory", str(tmp_path / "memory.sqlite")], env=env,
                            capture_output=True, preexec_fn=lambda: os.umask(umask))
    assert result.returncode == 0, result.stderr.decode()
    modes = {path.name: path.stat().st_mode & 0o777 for path in out.iterdir()}
    assert set(modes.values()) == {mode}, modes


def test_stale_temporaries_are_only_the_document_s_own(tmp_path, fixture_package):
    out = tmp_path / "out"
    out.mkdir()
    others = out / ".a.html.html.0123abcd.tmp"  # of a document named a.html, still being written
    own = out / ".b[1].json.0123abcd.tmp"  # left by a killed build of b[1]
    others.write_text("in progress")
    own.write_text("stale")
    for name in ("a.txt", "b[1].txt"):
        source = tmp_path / name
        source.write_text(SENTENCE + "\n", "utf-8")
        result = run_cli("brief", str(source), "--out", str(out), "--outputs", "json",
                         packages_dir=fixture_package.path.parent)
        assert result.returncode == 0, result.stderr.decode()
    assert others.exists() and not own.exists()


def test_a_lock_folder_made_by_someone_else_is_refused(tmp_path, fixture_package):
    shared_tmp = tmp_path / "tmp"
    shared_tmp.mkdir()
    locks = shared_tmp / f"de-en-brief-locks-{os.getuid()}"
    locks.mkdir(mode=0o777)
    locks.chmod(0o777)  # pre-created world-writable, as another local user could
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT), ARGOS_PACKAGES_DIR=str(fixture_package.path.parent),
               TMPDIR=str(shared_tmp))
    result = subprocess.run([sys.executable, "-m", "pipeline", "brief", str(ARTICLE), "--out", str(out),
                             "--outputs", "json"], env=env, capture_output=True)
    one_line_error(result, 1, str(locks), "not this user's private folder", "mode 777")
    assert not out.exists() or list(out.iterdir()) == []


def test_a_lock_that_is_a_link_is_never_followed(tmp_path, fixture_package):
    shared_tmp = tmp_path / "tmp"
    shared_tmp.mkdir()
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT), ARGOS_PACKAGES_DIR=str(fixture_package.path.parent),
               TMPDIR=str(shared_tmp))
    command = [sys.executable, "-m", "pipeline", "brief", str(ARTICLE), "--out", str(out), "--outputs", "json"]
    assert subprocess.run(command, env=env, capture_output=True).returncode == 0
    [lock] = (shared_tmp / f"de-en-brief-locks-{os.getuid()}").iterdir()
    lock.unlink()
    target = tmp_path / "created-through-the-link"
    lock.symlink_to(target)
    result = subprocess.run(command + ["--force"], env=env, capture_output=True)
    one_line_error(result, 1, str(lock), "lock cannot be opened")
    assert not target.exists()


# -- the command line ------------------------------------------------------------------------------

def test_escape_sequences_in_a_corrections_file_never_reach_the_terminal(tmp_path, fixture_package):
    source = tmp_path / "artikel.txt"
    source.write_bytes(ARTICLE.read_bytes())
    out = tmp_path / "out"
    memory = ("--memory", str(tmp_path / "memory.sqlite"))
    assert run_cli("brief", str(source), "--out", str(out), *memory,
                   packages_dir=fixture_package.path.parent).returncode == 0
    pair = json.loads((out / "artikel.json").read_text("utf-8"))["pairs"][0]
    path = write_corrections(tmp_path / "c.corrections.json", "artikel", source,
                             dict(correction(pair, "English."), id="\x1b[2J\x1b[31mp1.s1"))
    for extra in ((), ("--include-stale",)):
        stderr = run_cli("corrections", "apply", str(path), "--input", str(source), *memory, *extra).stderr.decode()
        assert "\x1b" not in stderr and "\\x1b[2J" in stderr, stderr


def test_a_lone_surrogate_in_a_corrections_file_is_one_line(tmp_path):
    source = tmp_path / "artikel.txt"
    source.write_text(SENTENCE + "\n", "utf-8")
    path = write_corrections(tmp_path / "c.corrections.json", "artikel", source,
                             {"id": "p1.s1", "source": SENTENCE, "old_target": "", "new_target": "Broken.",
                              "approved": True, "note": "", "time": "t"})
    path.write_text(path.read_text("utf-8").replace("Broken.", "Broken \\ud800."), "utf-8")  # as JSON escapes it
    one_line_error(run_cli("corrections", "apply", str(path), "--input", str(source), "--memory",
                           str(tmp_path / "memory.sqlite")), 1, "unpaired UTF-16 surrogate", str(path))
    assert not (tmp_path / "memory.sqlite").exists()
    one_line_error(run_cli("qa", stdin=b'{"id": "1", "source": "Satz.", "target": "\\ud800"}\n'), 1,
                   "stdin line 1", "unpaired UTF-16 surrogate")


def test_a_tbx_with_another_root_is_one_line(tmp_path):
    glossary = tmp_path / "begriffe.tbx"
    glossary.write_text('<?xml version="1.0"?><tmx version="1.4"><body/></tmx>', "utf-8")
    result = run_cli("qa", "--glossary", str(glossary), stdin=b"")
    one_line_error(result, 1, str(glossary), "root element is <tmx>")


QA_INPUT = json.dumps({"id": "1", "source": "Frau Müller aus Jena lobte die neue Brücke über die Saale.",
                       "target": "Mrs Smith praised the new bridge → 2026."}, ensure_ascii=False).encode() + b"\n"


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_every_verb_reads_and_writes_utf_8_whatever_the_locale(encoding):
    """Data on standard input and output is UTF-8 for every verb; a locale's encoding changes nothing."""
    def run(verb: str, data: bytes, io_encoding: str | None) -> subprocess.CompletedProcess:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        env.pop("PYTHONIOENCODING", None)
        if io_encoding:
            env["PYTHONIOENCODING"] = io_encoding
        return subprocess.run([sys.executable, "-m", "pipeline", verb], input=data, env=env, capture_output=True,
                              timeout=300)

    german = "Die Brücke über die Saale ist gesperrt. Der Umweg führt über Jena → Gera.\n".encode()
    for verb, data in (("segment", german), ("qa", QA_INPUT)):
        expected, got = run(verb, data, None), run(verb, data, encoding)
        assert expected.returncode == 0 and got.returncode == 0, got.stderr.decode("utf-8", "replace")
        assert got.stdout == expected.stdout and "ü".encode() in got.stdout


def test_qa_says_which_line_is_not_utf_8():
    one_line_error(run_cli("qa", stdin=QA_INPUT + b'{"id": "2", "source": "Gr\xf6\xdfe", "target": "size"}\n'), 1,
                   "stdin line 2: not UTF-8 (byte 0xf6")
