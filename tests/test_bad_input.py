"""What people paste and save: each case gives a correct brief, or one line that names the file
and says what to do (exit status 1 or 2), never a traceback. Every brief passes the
no-text-lost check in all its outputs."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, report, run_cli
from integrity import assert_no_text_lost

PROSE = ("Der Vorstand der Firma hat am Montag in München über die Größe der neuen Fabrik gesprochen. "
         "Die Bürgermeisterin begrüßte die Pläne für mehr Arbeitsplätze in der Region.")
LONG_CLAUSES = ", ".join(f"und der {n}. Zug fuhr über die alte Brücke bei Köln" for n in range(1, 140)) + "."

# name → (bytes of the file, the body text the brief must hold)
BRIEFS = {
    "latin1": ((PROSE + " Süße Grüße aus Österreich.").encode("latin-1"), PROSE + " Süße Grüße aus Österreich."),
    "cp1252-quotes": (("„Wir wachsen“, sagte sie – und lächelte. " + PROSE).encode("cp1252"),
                      "„Wir wachsen“, sagte sie – und lächelte. " + PROSE),
    "cp1252-euro": (("Das kostet 5 € pro Stück. " + PROSE).encode("cp1252"), "Das kostet 5 € pro Stück. " + PROSE),
    "utf16-bom": (("Grüße aus Köln. " + PROSE).encode("utf-16"), "Grüße aus Köln. " + PROSE),
    "utf8-bom": (b"\xef\xbb\xbf" + ("Straße in Berlin. " + PROSE).encode(), "Straße in Berlin. " + PROSE),
    "mixed-line-endings": (b"Erster Absatz.\r\n\r\nZweiter Absatz.\rDritte Zeile.\n\nVierter.\n",
                           "Erster Absatz. Zweiter Absatz. Dritte Zeile. Vierter."),
    "control-and-zero-width": ("Ein\u200bge\u00adschmuggelt\x07e Zei\ufeffchen und\u2060 Steuer\x1bzeichen.".encode(),
                               "Eingeschmuggelte Zeichen und Steuerzeichen."),
    "only-punctuation": ("!!! ??? … ;;; ...".encode(), "!!! ??? … ;;; ..."),
    "emoji": ("Das Team feiert 🎉 den Erfolg 👍🏽 im Büro. Danach gab es Kuchen 🍰.".encode(),
              "Das Team feiert 🎉 den Erfolg 👍🏽 im Büro. Danach gab es Kuchen 🍰."),
    "cjk": ("Der Konzern heißt auf Chinesisch 宝马 (Bǎomǎ). Das Werk steht in 沈阳.".encode(),
            "Der Konzern heißt auf Chinesisch 宝马 (Bǎomǎ). Das Werk steht in 沈阳."),
    "right-to-left": ("Auf Hebräisch heißt Frieden שלום und auf Arabisch سلام. Beides steht im Text.".encode(),
                      "Auf Hebräisch heißt Frieden שלום und auf Arabisch سلام. Beides steht im Text."),
    "long-compound": (("Die " + "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungs" * 3
                       + "gesetzesnovelle tritt morgen in Kraft.").encode(),
                      "Die " + "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungs" * 3
                      + "gesetzesnovelle tritt morgen in Kraft."),
    "longer-than-model-input": (LONG_CLAUSES.encode(), LONG_CLAUSES),
    "html-tags": ("Er schrieb <b>fett</b> und <a href='http://example.com'>einen Link</a> in den Text.".encode(),
                  "Er schrieb <b>fett</b> und <a href='http://example.com'>einen Link</a> in den Text."),
    "script": ('Der Angreifer schrieb <script>document.title="pwned"</script> hinein.'.encode(),
               'Der Angreifer schrieb <script>document.title="pwned"</script> hinein.'),
    "style": ("Ein <style>body{display:none}</style> Stil im Text.".encode(),
              "Ein <style>body{display:none}</style> Stil im Text."),
    "css-url": ('Ein Bild: <div style="background:url(file:///etc/passwd)">x</div> und @import url(http://x.org/a.css);'
                .encode(), 'Ein Bild: <div style="background:url(file:///etc/passwd)">x</div> und '
                           '@import url(http://x.org/a.css);'),
    "img-remote": ('Sieh <img src="http://example.com/track.png"> und <img src=file:///etc/passwd> an.'.encode(),
                   'Sieh <img src="http://example.com/track.png"> und <img src=file:///etc/passwd> an.'),
    "jinja-in-text": ('Die Formel {{ 7*7 }} und {% include "brief.css" %} sowie {# Kommentar #} bleiben Text.'.encode(),
                      'Die Formel {{ 7*7 }} und {% include "brief.css" %} sowie {# Kommentar #} bleiben Text.'),
    "jinja-in-front-matter": ('---\ntitle: {{ 7*7 }} {% include "brief.css" %}\nsource: <script>x</script>\n---\n'
                              'Ein ganz normaler Satz.\n'.encode(), "Ein ganz normaler Satz."),
    "tabs-and-nbsp": ("Zahlen:\t1\u00a0000\u00a0Euro und\u2009500\u202fKilo.".encode(),
                      "Zahlen:\t1\u00a0000\u00a0Euro und\u2009500\u202fKilo."),
    "single-line-no-newline": (b"Nur ein Satz ohne Zeilenende", "Nur ein Satz ohne Zeilenende"),
}

# name → (bytes, exit status, text the one error line must hold)
ERRORS = {
    "empty": (b"", 1, "contains no text"),
    "whitespace-only": (b" \n\t\n  \r\n", 1, "contains no text"),
    "bom-only": (b"\xef\xbb\xbf", 1, "contains no text"),
    "binary": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, 1, "binary"),
    "nul-bytes": ("Ein Satz mit\x00Nullbyte.".encode(), 1, "binary"),
    "two-megabyte-line": (("wort " * 400_000).encode(), 1, "without a sentence end"),
    "front-matter-unterminated": (b"---\ntitle: Offen\nEin Satz.\n", 1, ":1:"),
    "front-matter-unknown-key": (b"---\ntitel: Tippfehler\n---\nEin Satz.\n", 1, ":2:"),
    "front-matter-malformed": (b"---\ntitle Ohne Doppelpunkt\n---\nEin Satz.\n", 1, ":2:"),
    "front-matter-only": (b"---\ntitle: Nur Kopf\n---\n", 1, "no text after its front matter"),
}


@pytest.fixture(scope="module")
def built_briefs(tmp_path_factory, fixture_package):
    """All good cases in one run, as ``brief a.txt b.txt ...`` would be used."""
    folder = tmp_path_factory.mktemp("bad-input")
    for name, (data, _body) in BRIEFS.items():
        (folder / f"{name}.txt").write_bytes(data)
    out = folder / "out"
    result = run_cli("brief", *[str(folder / f"{name}.txt") for name in BRIEFS], "--out", str(out),
                     packages_dir=fixture_package.path.parent)
    assert result.returncode == 0, result.stderr.decode()
    return out, result.stderr.decode()


@pytest.mark.parametrize("name", BRIEFS)
def test_gives_a_correct_brief(built_briefs, name):
    out, stderr = built_briefs
    assert "Traceback" not in stderr
    assert_no_text_lost(BRIEFS[name][1], out, name)


def test_a_sentence_longer_than_the_model_input_is_translated_in_parts_and_flagged(built_briefs, translator):
    out, _ = built_briefs
    from pipeline.translate.local import MAX_INPUT_TOKENS

    assert len(translator.tokenize(LONG_CLAUSES)) > MAX_INPUT_TOKENS
    pairs = assert_no_text_lost(LONG_CLAUSES, out, "longer-than-model-input")
    assert len(pairs) == 1 and [f["check"] for f in pairs[0]["flags"]].count("split") == 1
    assert pairs[0]["target"].strip()


def test_front_matter_text_is_escaped_too(built_briefs):
    out, _ = built_briefs
    page = (out / "jinja-in-front-matter.html").read_text("utf-8")
    assert "<title>{{ 7*7 }} {% include &#34;brief.css&#34; %}</title>" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>" not in page


@pytest.mark.parametrize("name", ERRORS)
def test_bad_input_is_one_line_naming_the_file(tmp_path, fixture_package, name):
    data, status, message = ERRORS[name]
    source = tmp_path / f"{name}.txt"
    source.write_bytes(data)
    out = tmp_path / "out"
    result = run_cli("brief", str(source), "--out", str(out), packages_dir=fixture_package.path.parent)
    assert_one_line_error(result, status, message, str(source))
    assert not any(out.glob(f"{name}.*")), "nothing is written for a bad input"


def assert_one_line_error(result, status, message, path):
    stderr = result.stderr.decode()
    assert result.returncode == status, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert path in lines[0] and message in lines[0], lines[0]
    assert "Traceback" not in stderr


def test_missing_file(tmp_path, fixture_package):
    path = tmp_path / "fehlt.txt"
    result = run_cli("brief", str(path), "--out", str(tmp_path / "out"), packages_dir=fixture_package.path.parent)
    assert_one_line_error(result, 1, "no such file", str(path))


def test_a_folder_without_documents(tmp_path, fixture_package):
    folder = tmp_path / "ordner.txt"  # a folder is read as the documents in it; this one has none
    folder.mkdir()
    (folder / "notizen.odt").write_bytes(b"PK")
    result = run_cli("brief", str(folder), "--out", str(tmp_path / "out"), packages_dir=fixture_package.path.parent)
    assert_one_line_error(result, 2, "no German documents in this folder", str(folder))


def as_unprivileged(command: list[str]) -> list[str]:
    """Root reads and writes every file: run as nobody there, so that permissions mean something."""
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command] if os.geteuid() == 0 else command


@pytest.fixture
def open_folder(tmp_path, fixture_package):
    """A folder, and the test's packages, that an unprivileged user may enter (pytest's are private)."""
    for path in (tmp_path, *tmp_path.parents, fixture_package.path.parent.parent):
        if path in (Path("/"), Path("/tmp")):
            continue
        path.chmod(path.stat().st_mode | 0o755)
    for writable in ("out", "memory", "home"):
        (tmp_path / writable).mkdir()
        (tmp_path / writable).chmod(0o777)
    return tmp_path


def run_unprivileged(folder, packages_dir, *args):
    env = dict(os.environ, HOME=str(folder / "home"), PYTHONPATH=str(ROOT), ARGOS_PACKAGES_DIR=str(packages_dir),
               PIPELINE_MEMORY=str(folder / "memory" / "memory.sqlite"))
    return subprocess.run(as_unprivileged([sys.executable, "-m", "pipeline", *args]), capture_output=True, env=env,
                          cwd=folder, timeout=300)


def test_an_unreadable_file(open_folder, fixture_package):
    source = open_folder / "geheim.txt"
    source.write_text(PROSE)
    source.chmod(0o000)
    result = run_unprivileged(open_folder, fixture_package.path.parent, "brief", str(source), "--out",
                              str(open_folder / "out"))
    assert_one_line_error(result, 1, "permission denied", str(source))


def test_an_output_directory_that_cannot_be_written(open_folder, fixture_package):
    source = open_folder / "text.txt"
    source.write_text(PROSE)
    source.chmod(0o644)
    locked = open_folder / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    result = run_unprivileged(open_folder, fixture_package.path.parent, "brief", str(source), "--out", str(locked))
    assert_one_line_error(result, 1, "cannot be written", str(locked))


@pytest.mark.slow
def test_twenty_thousand_one_word_paragraphs(tmp_path, fixture_package):
    words = [f"Wort{n}" for n in range(20_000)]
    source = tmp_path / "woerter.txt"
    source.write_text("\n\n".join(words) + "\n", "utf-8")
    out = tmp_path / "out"
    started = time.perf_counter()
    result = run_cli("brief", str(source), "--out", str(out), packages_dir=fixture_package.path.parent, timeout=900)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, result.stderr.decode()
    pairs = assert_no_text_lost("".join(words), out, "woerter")
    assert len(pairs) == 20_000
    pages = subprocess.run(["pdfinfo", str(out / "woerter.pdf")], capture_output=True, text=True).stdout.split("Pages:")[1]
    report(f"bad inputs: {len(BRIEFS)} giving a brief, {len(ERRORS) + 4} giving one error line, and 20,000 one-word "
           f"paragraphs ({int(pages.split()[0])} PDF pages in {seconds:.0f} s); no text lost in any brief")
