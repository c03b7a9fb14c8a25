"""End to end, as a user runs it: `python -m pipeline brief` on the first article."""

import fcntl
import json
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios

import pytest

from conftest import ARTICLE, ROOT, run_cli
from pdf_text import columns, squeeze


@pytest.fixture(scope="module")
def built(tmp_path_factory, fixture_package):
    out = tmp_path_factory.mktemp("out")
    result = run_cli("brief", str(ARTICLE), "--out", str(out), "--timings", packages_dir=fixture_package.path.parent)
    assert result.returncode == 0, result.stderr.decode()
    return out, result


def test_writes_html_pdf_and_json(built):
    out, result = built
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "bmw-ki-strategie-china.html", "bmw-ki-strategie-china.json", "bmw-ki-strategie-china.pdf",
        "bmw-ki-strategie-china.review.html", "bmw-ki-strategie-china.tmx", "bmw-ki-strategie-china.xlf"]
    assert b"11 segments: " in result.stderr and b"render pdf" in result.stderr


def test_pdf_holds_every_german_sentence_and_its_pair_in_order(built):
    out, _ = built
    pairs = json.loads((out / "bmw-ki-strategie-china.json").read_text())["pairs"]
    german, english = columns(out / "bmw-ki-strategie-china.pdf")
    german, english = squeeze(german), squeeze(english)
    position_de = position_en = 0
    for pair in pairs:
        position_de = german.index(squeeze(pair["source"]), position_de)
        position_en = english.index(squeeze(pair["target"]), position_en)


def test_pdf_metadata_fonts_and_page_size(built):
    import subprocess

    pdf = built[0] / "bmw-ki-strategie-china.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Title:           BMW KI Strategie China" in info
    assert "Producer:        WeasyPrint" in info
    assert "595.276 x 841.89 pts (A4)" in info
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows), fonts  # every font embedded
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Page 1 of 2" in text and "Page 2 of 2" in text
    assert "PROVENANCE" in text and "fixture-tiny 0.0.1" in text
    assert "11 of 11 pairs flagged" in text


def test_json_pairs_have_ids_scores_and_provenance(built):
    data = json.loads((built[0] / "bmw-ki-strategie-china.json").read_text())
    assert [p["id"] for p in data["pairs"]][:3] == ["p1.s1", "p2.s1", "p3.s1"]
    assert all(p["score"] < 0 and p["origin"] == "mt" and p["target"] for p in data["pairs"])
    # the fixture's gibberish is always flagged: its model score is low
    assert all(any(f["check"] == "confidence" for f in p["flags"]) for p in data["pairs"])
    assert data["qa"].startswith("11 of 11 pairs flagged")
    assert data["document"]["sha256"] == __import__("hashlib").sha256(ARTICLE.read_bytes()).hexdigest()
    assert "model:fixture-tiny@0.0.1" in data["provenance"]["signature"]


def test_html_has_languages_ids_and_no_remote_resources(built):
    page = (built[0] / "bmw-ki-strategie-china.html").read_text()
    assert page.count('lang="de"') == 12 and page.count('lang="en"') == 12  # 11 cells + the German column head; + <html>
    assert 'id="p3.s2"' in page
    assert "Content-Security-Policy" in page and "http://" not in page and "https://" not in page


def test_text_is_escaped_never_markup(tmp_path, fixture_package):
    source = tmp_path / "hostile.txt"
    source.write_text('Er schrieb <script>alert(1)</script> und {{ 7*7 }} in den Text.\n')
    result = run_cli("brief", str(source), "--out", str(tmp_path / "out"), packages_dir=fixture_package.path.parent)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "hostile.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "{{ 7*7 }}" in page


def test_without_a_model_exits_2_names_the_three_ways_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = run_cli("brief", str(ARTICLE), "--out", str(out), packages_dir=tmp_path / "no-packages")
    assert result.returncode == 2
    message = result.stderr.decode()
    assert "MODEL=" in message and "models/" in message and "model download" in message
    assert not out.exists() or not any(out.iterdir())


def test_default_inputs_are_input_txt(tmp_path, fixture_package):
    (tmp_path / "input").mkdir()
    shutil.copy(ARTICLE, tmp_path / "input" / "artikel.txt")
    result = run_cli("brief", cwd=tmp_path, packages_dir=fixture_package.path.parent)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "artikel.pdf").exists()


def test_bad_input_is_one_line_and_other_inputs_still_build(tmp_path, fixture_package):
    empty = tmp_path / "leer.txt"
    empty.write_text("  \n")
    result = run_cli("brief", str(empty), str(ARTICLE), "--out", str(tmp_path / "out"),
                     packages_dir=fixture_package.path.parent)
    assert result.returncode == 1
    assert b"leer.txt: contains no text" in result.stderr and b"Traceback" not in result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))[0] == \
        "bmw-ki-strategie-china.html"


def test_unwritable_output_directory(tmp_path, fixture_package):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run_cli("brief", str(ARTICLE), "--out", str(blocker / "sub"), packages_dir=fixture_package.path.parent)
    assert result.returncode == 1 and b"cannot be written" in result.stderr


def test_weasyprint_fetches_nothing_outside_templates():
    from pipeline.render import TEMPLATES, TemplatesOnlyFetcher

    fetcher = TemplatesOnlyFetcher()
    for url in ("file:///etc/passwd", "http://example.com/x.png", (TEMPLATES / ".." / "README.md").as_uri()):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch((TEMPLATES / "brief.css").as_uri()) is not None


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    from pipeline.files import write_atomically

    target = tmp_path / "brief.pdf"
    write_atomically(target, b"old")

    def chunks_then_a_full_disk():
        yield b"new, half"
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomically(target, chunks_then_a_full_disk())
    with pytest.raises(FileExistsError):
        write_atomically(target, b"new", overwrite=False)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["brief.pdf"]


def test_progress_on_a_terminal_is_one_line_with_rate_and_time_left(tmp_path, fixture_package):
    """On a terminal, stderr shows one progress line: sentences done of all, documents written,
    sentences per second and the time left; the lines about each document go above it."""
    second = tmp_path / "zweiter.txt"
    second.write_text(ARTICLE.read_text("utf-8"), "utf-8")
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))  # a terminal's size
    env = dict(os.environ, PYTHONPATH=str(ROOT), ARGOS_PACKAGES_DIR=str(fixture_package.path.parent))
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "brief", str(ARTICLE), str(second), "--out",
                                str(tmp_path / "out"), "--outputs", "json", "--memory", str(tmp_path / "memory.sqlite")],
                               stderr=terminal, stdout=subprocess.DEVNULL, env=env, cwd=ROOT)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait(timeout=300) == 0, shown.decode(errors="replace")
    last = shown.decode(errors="replace").replace("\r", "\n").strip().splitlines()[-1]
    assert "sentences: 100%" in last and "22/22" in last and "2/2 documents" in last and "sent/s" in last, last
    assert "<00:" in shown.decode(errors="replace"), "the time left"
    assert shown.decode(errors="replace").count("segments: ") == 2
