"""The readers of DOCX, EPUB, web pages and Markdown, and folder runs, under attack: bombs, lying
zip headers, deep nesting, nested tables, scripts in paragraphs, boilerplate-only pages, broken
XML, symbolic links, clashing output names and hostile file names. Every file is generated here.
Each case ends in a correct brief (exit 0) or one line naming the file (exit 1 or 2); time and
memory bounds are measured by ``make bench``, not asserted here."""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from pathlib import Path

import pytest

from conftest import run_cli
from pipeline.read import read_document

SENTENCE = "Der Rat der Stadt hat am Montag über den Haushalt des kommenden Jahres beraten."


def docx_bytes(build) -> bytes:
    import docx

    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """A copy of a zip archive with one member's content replaced."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            copy.writestr(info.filename, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


def lying_about_size(data: bytes, name: str, claimed: int) -> bytes:
    """The archive with ``name``'s local and central headers claiming ``claimed`` bytes inflated."""
    archive = bytearray(data)
    encoded = name.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        position = archive.find(signature)
        while position >= 0:
            name_at = position + (30 if signature == b"PK\x03\x04" else 46)
            if archive[name_at:name_at + len(encoded)] == encoded:
                struct.pack_into("<I", archive, position + offset, claimed)
            position = archive.find(signature, position + 4)
    return bytes(archive)


def epub_bytes(chapter: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        book.writestr("META-INF/container.xml", '<?xml version="1.0"?><container version="1.0" '
                      'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile '
                      'full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>')
        book.writestr("content.opf", '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" '
                      'version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Buch</dc:title>'
                      '</metadata><manifest><item id="c" href="c.xhtml" media-type="application/xhtml+xml"/>'
                      '</manifest><spine><itemref idref="c"/></spine></package>')
        book.writestr("c.xhtml", chapter)
    return out.getvalue()


def nested_table_docx(document) -> None:
    outer = document.add_table(rows=1, cols=1)
    cell = outer.rows[0].cells[0]
    cell.paragraphs[0].text = "Satz 0 steht in der äußeren Tabelle."
    inner = cell.add_table(rows=10, cols=10)
    for index, inner_cell in enumerate(c for row in inner.rows for c in row.cells):
        inner_cell.text = f"Satz {index + 1} steht in der inneren Tabelle."
    document.add_paragraph("Satz 101 folgt auf die Tabelle.")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>
<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"""


def refused_files() -> dict[str, tuple[bytes, str]]:
    """name → (file bytes, what the one-line error says)."""
    plain = docx_bytes(lambda d: d.add_paragraph(SENTENCE))
    return {
        "bombe.docx": (with_member(plain, "word/document.xml", b"<" + b" " * (100 * 2**20) + b">"),
                       "would inflate to"),
        "luegt.docx": (lying_about_size(with_member(plain, "word/document.xml", b"\0" * (60 * 2**20)),
                                        "word/document.xml", 1000), "member word/document.xml"),
        "luegt.epub": (lying_about_size(epub_bytes("x" * (60 * 2**20)), "c.xhtml", 1000), "member c.xhtml"),
        "absaetze.epub": (epub_bytes("<html><body>" + "".join(f"<i>{n}</i>" for n in range(1_500_000))
                                     + "</body></html>"), "tags (at most"),
        "nullen.epub": (epub_bytes("<html><body>" + "<p></p>" * 7_000_000 + "</body></html>"), "zip bomb"),
        "lachen.docx": (with_member(plain, "word/document.xml", BILLION_LAUGHS), "damaged Word .docx"),
        "kaputt-xml.docx": (with_member(plain, "word/document.xml", b"<w:document><w:body><w:p>"),
                            "damaged Word .docx"),
        "cookies.html": (b"<html><body><div class='cookie-consent'><p>Wir verwenden Cookies, um Ihnen das beste "
                         b"Erlebnis auf unserer Website zu bieten. Mit Ihrer Zustimmung helfen Sie uns.</p><button>"
                         b"Alle akzeptieren</button></div></body></html>", "no article text"),
    }


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


KEPT = {
    "verschachtelt.docx": (lambda: docx_bytes(nested_table_docx), [f"Satz {n} " for n in range(102)]),
    "zitate.md": (lambda: (("> " * 50 + "Ganz tief zitiert steht dieser Satz.\n\n") + SENTENCE + "\n").encode(),
                  ["Ganz tief zitiert steht dieser Satz.", SENTENCE]),
    "klammern.md": (lambda: ("# Klammern\n\n" + "[" * 50_000 + "\n\n" + SENTENCE + "\n").encode(),
                    ["[" * 50_000, SENTENCE]),
    "skript.epub": (lambda: epub_bytes(
        f"<html><body><p>{SENTENCE}<script>alert('Skript im Absatz')</script><style>p {{color: red}}</style>"
        "<template>Vorlage im Absatz</template></p></body></html>"), [SENTENCE]),
}


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
