"""Hostile and unlucky inputs for the readers, generated (nothing large is committed): zip bombs,
zip members lying about their size, millions of tags, billion laughs, broken XML, a cookie banner
as the only text, nested tables, deep quotes and lists, elements nested past the parser's limit,
a 50,000-character run, scripts inside paragraphs.
Used by ``tests/test_hostile_readers.py`` (what each gives) and ``make bench`` (how long and how
much memory each takes)."""

from __future__ import annotations

import io
import struct
import zipfile

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
        "tief.html": (f"<html><body><p>{SENTENCE}</p>{'<div>' * 300}<p>{SENTENCE}</p></body></html>".encode(),
                      "deeper than 255 levels"),
        "tief.epub": (epub_bytes(f"<html><body><p>{SENTENCE}</p>{'<div>' * 300}<p>Tief.</p></body></html>"),
                      "deeper than 255 levels"),
        "eingerueckt.md": ("\n".join(f"{'  ' * level}- Ebene {level}" for level in range(60)).encode(),
                           "more than 50 levels deep"),
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
