"""Hostile and unlucky inputs, generated (nothing large is committed): for the readers, zip bombs,
zip members lying about their size, millions of tags, billion laughs, broken XML, a cookie banner
as the only text, nested tables, deep quotes and lists, elements nested past the parser's limit,
a 50,000-character run, scripts inside paragraphs, an EPUB chapter in an unknown encoding, a
table of contents of 5,000 headings; for the other verbs, PDFs whose attachments are named to
escape the output folder or inflate to half a gigabyte (``extract``), a corrections file that
carries another document's sentence (``corrections apply``), and a folder of 150 documents.
Used by ``tests/test_hostile_readers.py`` and ``tests/test_hostile_files.py`` (what each gives)
and ``make bench`` (how long and how much memory each takes)."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

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


def epub_bytes(chapter: str | bytes) -> bytes:
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
        "tief.html": (f"<html><body><p>{SENTENCE}</p>{'<div>' * 300}<p>{SENTENCE}</p></body></html>".encode(),
                      "deeper than 255 levels"),
        "tief.epub": (epub_bytes(f"<html><body><p>{SENTENCE}</p>{'<div>' * 300}<p>Tief.</p></body></html>"),
                      "deeper than 255 levels"),
        "eingerueckt.md": ("\n".join(f"{'  ' * level}- Ebene {level}" for level in range(60)).encode(),
                           "more than 50 levels deep"),
        "kodierung.epub": (epub_bytes(b'<?xml version="1.0" encoding="bogus-enc"?><html><body><p>'
                                      + SENTENCE.encode() + b"</p></body></html>"), "LookupError"),
        "cookies.html": (b"<html><body><div class='cookie-consent'><p>Wir verwenden Cookies, um Ihnen das beste "
                         b"Erlebnis auf unserer Website zu bieten. Mit Ihrer Zustimmung helfen Sie uns.</p><button>"
                         b"Alle akzeptieren</button></div></body></html>", "no article text"),
    }


KEPT = {
    "verschachtelt.docx": (lambda: docx_bytes(nested_table_docx), [f"Satz {n} " for n in range(102)]),
    "zitate.md": (lambda: (("> " * 50 + "Ganz tief zitiert steht dieser Satz.\n\n") + SENTENCE + "\n").encode(),
                  ["Ganz tief zitiert steht dieser Satz.", SENTENCE]),
    "listen.md": (lambda: ("- " * 3000 + SENTENCE + "\n").encode(), [SENTENCE]),
    "gemischt.md": (lambda: ("> 1. " * 200 + SENTENCE + "\n").encode(), [SENTENCE]),
    "klammern.md": (lambda: ("# Klammern\n\n" + "[" * 50_000 + "\n\n" + SENTENCE + "\n").encode(),
                    ["[" * 50_000, SENTENCE]),
    "skript.epub": (lambda: epub_bytes(
        f"<html><body><p>{SENTENCE}<script>alert('Skript im Absatz')</script><style>p {{color: red}}</style>"
        "<template>Vorlage im Absatz</template></p></body></html>"), [SENTENCE]),
}


def contents_markdown(headings: int = 5_000) -> bytes:
    """A Markdown book of ``headings`` chapters, each listed in a table of contents first (about
    400 KB): the contents removal once held a set of every later heading per line (1.2 GB)."""
    contents = "".join(f"- Kapitel {n}\n" for n in range(headings))
    chapters = "".join(f"## Kapitel {n}\n\n{SENTENCE}\n\n" for n in range(headings))
    return f"# Buch\n\n## Inhalt\n\n{contents}\n{chapters}".encode()


def pdf_with_attachments(attachments: dict[str, bytes], deflated: dict[str, bytes] | None = None) -> bytes:
    """A one-page PDF carrying ``attachments`` by name, and ``deflated`` ones given as zlib streams
    (a decompression bomb is written as such, never inflated here)."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    for name, data in attachments.items():
        pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, data, filename=name)
    for name, compressed in (deflated or {}).items():
        spec = pikepdf.AttachedFileSpec(pdf, b"", filename=name)
        pdf.attachments[name] = spec
        stream = pdf.attachments[name].obj.EF.F
        stream.write(compressed, filter=pikepdf.Name.FlateDecode)
    out = io.BytesIO()
    pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


def zeros_deflated(megabytes: int = 512) -> bytes:
    """``megabytes`` MiB of zero bytes as one zlib stream (about a thousandth of that), built a
    mebibyte at a time."""
    deflater = zlib.compressobj(9)
    block = bytes(2**20)
    return b"".join(deflater.compress(block) for _ in range(megabytes)) + deflater.flush()


ESCAPING_NAMES = {".bashrc": b"echo owned\n", "..": b"{}", "a/dup.json": b'{"from": "a"}',
                  "b/dup.json": b'{"from": "b"}', "\x1b[2J\x1b[31mrot.json": b"{}"}
"""Attachment names that once escaped ``extract``'s output folder, collided or reached the terminal raw."""


def hostile_pdfs() -> dict[str, tuple[bytes, str]]:
    """name → (PDF bytes, what ``extract`` says); each is refused whole or writes only safe names."""
    return {
        "namen.pdf": (pdf_with_attachments(ESCAPING_NAMES), "skipped attachment '.bashrc'"),
        "doppelt.pdf": (pdf_with_attachments({"a b.json": b"{}", "a_b.json": b"{}"}), "would both be written as"),
        "bombe.pdf": (pdf_with_attachments({}, {"brief.json": zeros_deflated()}), "decompression bomb"),
    }


def foreign_corrections(document: Path, planted: str) -> bytes:
    """A corrections file as the review page exports it for ``document`` (its name and SHA-256),
    carrying ``planted`` (another document's German sentence) as its first pair, approved."""
    return json.dumps({
        "format": "de-en-brief corrections", "version": 1, "document": document.stem, "input": document.name,
        "sha256": hashlib.sha256(document.read_bytes()).hexdigest(), "exported": "2026-12-01T08:00:00Z",
        "corrections": [{"id": "p1.s1", "source": planted, "old_target": "", "new_target": "Planted English.",
                         "approved": True, "note": "", "time": "2026-12-01T08:00:00Z"}]}, ensure_ascii=False).encode()


def slow_page(links: int = 200_000) -> bytes:
    """A web page of one sentence behind ``links`` navigation links (4 MB): seconds to read. Built
    together with a small document in both orders, it once deadlocked two runs into one folder (each
    held its first document's lock while waiting for the other's)."""
    navigation = '<a href="/ressort">Ressort</a>' * links
    return (f"<html><head><title>Haushalt</title></head><body><nav>{navigation}</nav><article><p>{SENTENCE}</p>"
            "</article></body></html>").encode()


def many_documents(folder: Path, count: int = 150) -> list[Path]:
    """``count`` one-sentence documents in ``folder``: a folder run holding a file per document
    once ran out of file handles under ``ulimit -n 128``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"meldung-{n:03d}.txt" for n in range(count)]
    for n, path in enumerate(paths):
        path.write_text(f"Der Rat der Stadt hat in Sitzung {n} über den Haushalt beraten.\n", "utf-8")
    return paths
