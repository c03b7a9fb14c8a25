"""The readers of DOCX, EPUB, web pages and Markdown, and folder runs, under attack: bombs, lying
zip headers, deep nesting, nested tables, scripts in paragraphs, boilerplate-only pages, broken
XML, symbolic links, clashing output names and hostile file names. Every file is generated here.
Each case ends in a correct brief (exit 0) or one line naming the file (exit 1 or 2); time and
memory bounds are measured by ``make bench``, not asserted here."""

from __future__ import annotations

import json
import os

import pytest

from conftest import run_cli
from pipeline.read import read_document
from tools.hostile_inputs import KEPT, SENTENCE, docx_bytes, refused_files

@pytest.mark.parametrize("name", list(refused_files()))
def test_a_hostile_file_is_one_line_naming_it(tmp_path, fixture_package, name):
    data, message = refused_files()[name]
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "out"
    result = run_cli("brief", str(source), "--out", str(out), packages_dir=fixture_package.path.parent)
    stderr = result.stderr.decode()
    assert result.returncode == 1 and stderr.count("\n") == 1, stderr
    assert stderr.startswith(f"error: {source}: ") and message in stderr and "internal error" not in stderr, stderr
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("name", list(KEPT))
def test_nothing_is_dropped_or_invented(tmp_path, fixture_package, name):
    build, sentences = KEPT[name]
    source = tmp_path / name
    source.write_bytes(build())
    out = tmp_path / "out"
    result = run_cli("brief", str(source), "--out", str(out), packages_dir=fixture_package.path.parent)
    assert result.returncode == 0, result.stderr.decode()
    german = " ".join(pair["source"] for pair in json.loads((out / f"{source.stem}.json").read_text("utf-8"))["pairs"])
    for sentence in sentences:
        assert german.count(sentence) == 1, sentence
    for invented in ("Skript im Absatz", "color: red", "Vorlage im Absatz"):
        assert invented not in german


def test_a_symbolic_link_in_a_folder_is_skipped_with_a_line(tmp_path, fixture_package):
    inputs = tmp_path / "input"
    inputs.mkdir()
    (inputs / "artikel.txt").write_text(SENTENCE + "\n", "utf-8")
    secret = tmp_path / "geheim.txt"
    secret.write_text("Das geheime Passwort lautet Schwertfisch.\n", "utf-8")
    (inputs / "passwd.txt").symlink_to(secret)
    out = tmp_path / "out"
    result = run_cli("brief", str(inputs), "--out", str(out), packages_dir=fixture_package.path.parent)
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert f"skipped {inputs / 'passwd.txt'}: a symbolic link" in stderr
    assert not list(out.glob("passwd*"))
    assert not any("Schwertfisch" in path.read_text("utf-8", errors="replace") for path in out.iterdir()
                   if path.is_file())
    named = run_cli("brief", str(inputs / "passwd.txt"), "--out", str(tmp_path / "named"),
                    packages_dir=fixture_package.path.parent)
    assert named.returncode == 0, "a link named on the command line is the user's choice"


@pytest.mark.parametrize("names, clash", [
    (("a.txt", "a.review.txt"), "a.review.html"),
    (("a.txt", "a.md"), "a.html"),
    (("index.txt", "b.txt"), "index.html"),
])
def test_outputs_of_two_inputs_never_collide(tmp_path, fixture_package, names, clash):
    inputs = tmp_path / "input"
    inputs.mkdir()
    for name in names:
        (inputs / name).write_text(SENTENCE + "\n", "utf-8")
    out = tmp_path / "elsewhere"
    result = run_cli("brief", str(inputs), "--out", str(out), packages_dir=fixture_package.path.parent)
    stderr = result.stderr.decode()
    assert result.returncode == 2 and stderr.count("\n") == 1, stderr
    assert str(out / clash) in stderr and all(name in stderr for name in names[:1]), stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_index_links_are_url_encoded(tmp_path, fixture_package):
    inputs = tmp_path / "input"
    inputs.mkdir()
    (inputs / "Ausgabe #7.txt").write_text(SENTENCE + "\n", "utf-8")
    (inputs / "b.txt").write_text(SENTENCE + "\n", "utf-8")
    out = tmp_path / "out"
    result = run_cli("brief", str(inputs), "--out", str(out), "--outputs", "html,pdf,json",
                     packages_dir=fixture_package.path.parent)
    assert result.returncode == 0, result.stderr.decode()
    index = (out / "index.html").read_text("utf-8")
    assert 'href="Ausgabe%20%237.pdf"' in index and 'href="Ausgabe #7' not in index


def test_a_hostile_file_name_is_printed_escaped_on_one_line(tmp_path, fixture_package):
    source = tmp_path / "böse\n\x1b[31mrot.txt"
    source.write_bytes(b"   \n")
    result = run_cli("brief", str(source), "--out", str(tmp_path / "out"), packages_dir=fixture_package.path.parent)
    stderr = result.stderr.decode()
    assert result.returncode == 1 and stderr.count("\n") == 1, stderr
    assert "\x1b" not in stderr and "böse\\n\\x1b[31mrot.txt" in stderr, stderr


def test_the_readers_read_what_they_say(tmp_path):
    """Bounded reading keeps ordinary files as they were."""
    source = tmp_path / "gut.docx"
    source.write_bytes(docx_bytes(lambda d: d.add_paragraph(SENTENCE)))
    assert [p.text for p in read_document(source).paragraphs] == [SENTENCE]
    assert os.path.getsize(source) < 2**20
