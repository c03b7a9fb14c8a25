"""Readers of real formats, from files the tests write themselves: web pages with navigation,
cookie banner, teasers and comments; Word files; Markdown; EPUB books. Every article sentence
reaches the brief, no boilerplate does, and bad files are one line naming them."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import run_cli
from integrity import assert_every_sentence_everywhere
from pdf_structure import assert_a_screen_reader_meets_tables
from pipeline.read import read_document

ARTICLE_SENTENCES = [
    "Die Deutsche Bahn erhöht zum Fahrplanwechsel im Dezember die Preise im Fernverkehr um durchschnittlich 4,9 Prozent.",
    "Das teilte das Unternehmen am Mittwoch in Berlin mit.",
    "Die Sparpreise sollen nach Angaben des Konzerns nicht teurer werden.",
    "Auch die Bahncard 25 bleibt im Preis unverändert.",
    "Fahrgastverbände kritisierten die Erhöhung scharf.",
    "Der Verband Pro Bahn sprach von einem falschen Signal für den Klimaschutz.",
]
BOILERPLATE = ["Cookies", "Startseite", "Impressum", "Lesen Sie auch", "Frechheit", "lieber Auto", "Newsletter"]

WEB_PAGE = f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<title>Bahn erhöht die Preise | Beispielzeitung</title>
<meta name="author" content="Anna Schmidt">
<meta property="og:site_name" content="Beispielzeitung">
<meta property="article:published_time" content="2026-11-20T08:00:00+01:00">
</head><body>
<div id="cookie-banner" class="cookie-consent">Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten.
<button>Alle akzeptieren</button></div>
<header><nav><ul><li><a href="/">Startseite</a></li><li><a href="/politik">Politik</a></li>
<li><a href="/wirtschaft">Wirtschaft</a></li></ul></nav></header>
<main><article>
<h1>Bahn erhöht die Preise</h1>
<p>{ARTICLE_SENTENCES[0]} {ARTICLE_SENTENCES[1]}</p>
<h2>Sparpreise bleiben stabil</h2>
<p>{ARTICLE_SENTENCES[2]} {ARTICLE_SENTENCES[3]}</p>
<ul><li>Flexpreise steigen um 4,9 Prozent</li><li>Streckenzeitkarten werden um 5,9 Prozent teurer</li></ul>
<p>{ARTICLE_SENTENCES[4]} {ARTICLE_SENTENCES[5]}</p>
</article>
<aside class="teaser"><h3>Mehr zum Thema</h3><p>Lesen Sie auch: Warum die Bahn so oft zu spät kommt</p></aside>
<section class="comments"><h3>Kommentare</h3><div class="comment"><p>Das ist doch eine Frechheit, schon wieder!</p></div>
<div class="comment"><p>Ich fahre lieber Auto.</p></div></section>
<div class="newsletter">Newsletter abonnieren</div>
</main>
<footer><p>© 2026 Beispielzeitung. Impressum. Datenschutz. Kontakt.</p></footer>
</body></html>"""


def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = "Bahn erhöht die Preise"
    document.core_properties.author = "Anna Schmidt"
    document.add_heading("Bahn erhöht die Preise", level=1)
    document.add_paragraph(f"{ARTICLE_SENTENCES[0]} {ARTICLE_SENTENCES[1]}")
    document.add_heading("Sparpreise bleiben stabil", level=2)
    document.add_paragraph(ARTICLE_SENTENCES[2])
    document.add_paragraph("Flexpreise steigen um 4,9 Prozent", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = ARTICLE_SENTENCES[3]
    table.rows[0].cells[1].text = ARTICLE_SENTENCES[4]
    document.add_paragraph(ARTICLE_SENTENCES[5])
    document.save(path)
    return path


MARKDOWN = f"""---
title: Bahn erhöht die Preise
source: Beispielzeitung
date: 2026-11-20
---
# Bahn erhöht die Preise

{ARTICLE_SENTENCES[0]}
{ARTICLE_SENTENCES[1]}

## Sparpreise bleiben *stabil*

{ARTICLE_SENTENCES[2]} [{ARTICLE_SENTENCES[3]}](https://example.org)

- Flexpreise steigen um 4,9 Prozent
- Streckenzeitkarten werden **teurer**

```
code_is_not_prose()
```

> {ARTICLE_SENTENCES[4]} {ARTICLE_SENTENCES[5]}
"""


def write_epub(path: Path) -> Path:
    chapter = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" lang="de"><head><title>{title}</title></head>
<body><h1>{title}</h1>{body}</body></html>"""
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        book.writestr("META-INF/container.xml", """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>""")
        book.writestr("OEBPS/content.opf", """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:test</dc:identifier>
<dc:title>Die Bahn</dc:title><dc:creator>Anna Schmidt</dc:creator><dc:language>de</dc:language></metadata>
<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="c2" href="text/zwei.xhtml" media-type="application/xhtml+xml"/>
<item id="c1" href="text/eins.xhtml" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="nav" linear="no"/><itemref idref="c1"/><itemref idref="c2"/></spine></package>""")
        book.writestr("OEBPS/nav.xhtml", chapter.format(title="Inhalt", body="<nav><ol><li>Eins</li></ol></nav>"))
        book.writestr("OEBPS/text/eins.xhtml", chapter.format(
            title="Erstes Kapitel", body="".join(f"<p>{s}</p>" for s in ARTICLE_SENTENCES[:3])))
        book.writestr("OEBPS/text/zwei.xhtml", chapter.format(
            title="Zweites Kapitel", body="".join(f"<p>{s}</p>" for s in ARTICLE_SENTENCES[3:])))
    return path


def texts(document) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in document.paragraphs]


def assert_all_sentences_in_order(document):
    joined = " ".join(p.text for p in document.paragraphs)
    positions = [joined.find(sentence) for sentence in ARTICLE_SENTENCES]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), joined
    for word in BOILERPLATE:
        assert word not in joined, word


def test_a_web_page_gives_its_article_and_nothing_else(tmp_path):
    page = tmp_path / "bahn.html"
    page.write_text(WEB_PAGE, "utf-8")
    document = read_document(page)
    assert_all_sentences_in_order(document)
    assert ("heading", "Sparpreise bleiben stabil") in texts(document)
    assert ("item", "Flexpreise steigen um 4,9 Prozent") in texts(document)
    assert (document.title, document.author, document.source, document.date) == (
        "Bahn erhöht die Preise", "Anna Schmidt", "Beispielzeitung", "2026-11-20")


def test_a_word_file_keeps_order_headings_items_and_table_cells(tmp_path):
    document = read_document(write_docx(tmp_path / "bahn.docx"))
    assert_all_sentences_in_order(document)
    assert texts(document)[:2] == [("heading", "Bahn erhöht die Preise"), ("text", f"{ARTICLE_SENTENCES[0]} {ARTICLE_SENTENCES[1]}")]
    assert ("item", "Flexpreise steigen um 4,9 Prozent") in texts(document)
    assert ("text", ARTICLE_SENTENCES[3]) in texts(document) and ("text", ARTICLE_SENTENCES[4]) in texts(document)
    assert (document.title, document.author) == ("Bahn erhöht die Preise", "Anna Schmidt")


def test_markdown_gives_headings_paragraphs_items_and_code_without_markup(tmp_path):
    source = tmp_path / "bahn.md"
    source.write_text(MARKDOWN, "utf-8")
    document = read_document(source)
    assert_all_sentences_in_order(document)
    assert ("heading", "Sparpreise bleiben stabil") in texts(document)
    assert ("item", "Streckenzeitkarten werden teurer") in texts(document)
    assert ("code", "code_is_not_prose()") in texts(document)  # kept verbatim, as code
    assert not any("code_is_not_prose" in text or "*" in text or "](" in text
                   for kind, text in texts(document) if kind != "code")
    assert (document.title, document.source, document.date) == ("Bahn erhöht die Preise", "Beispielzeitung", "2026-11-20")
    assert document.paragraphs[1].line == 8  # lines count from the top of the file, front matter included


def test_an_epub_reads_its_spine_in_order(tmp_path):
    document = read_document(write_epub(tmp_path / "bahn.epub"))
    assert_all_sentences_in_order(document)
    assert texts(document)[0] == ("heading", "Erstes Kapitel")
    assert "Inhalt" not in [text for _, text in texts(document)]  # the navigation document is not in the reading order
    assert (document.title, document.author) == ("Die Bahn", "Anna Schmidt")


def test_plain_text_titles_from_a_headline_or_the_file_name(tmp_path):
    headline = tmp_path / "bahn.txt"
    headline.write_text("Bahn erhöht die Preise\n\n" + " ".join(ARTICLE_SENTENCES) + "\n", "utf-8")
    assert read_document(headline).title == "Bahn erhöht die Preise"
    named = tmp_path / "bmw-ki-strategie-china.txt"
    named.write_text("Der Autobauer BMW stellt seine KI-Strategie in China vor. Sie hat drei Säulen.\n", "utf-8")
    assert read_document(named).title == "BMW KI Strategie China"


BAD_FILES = {
    "kaputt.docx": (b"PK\x03\x04 this is not really a zip", "not a readable Word .docx file"),
    "geschuetzt.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "password-protected"),
    "kaputt.epub": (b"PK\x03\x04 truncated", "not an EPUB"),
    "leer.html": (b"<html><body><nav><a href='/'>Startseite</a></nav><footer>Impressum</footer></body></html>",
                  "no article text found"),
    "kein.pdf": (b"%PDF-1.7", "cannot read .pdf"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_is_one_line_naming_it_and_nothing_is_written(tmp_path, fixture_package, name):
    data, message = BAD_FILES[name]
    source = tmp_path / name
    source.write_bytes(data)
    out = tmp_path / "out"
    result = run_cli("brief", str(source), "--out", str(out), packages_dir=fixture_package.path.parent)
    stderr = result.stderr.decode()
    assert result.returncode == 1 and stderr.count("\n") == 1 and "Traceback" not in stderr, stderr
    assert stderr.startswith("error: ") and str(source) in stderr and message in stderr, stderr
    assert list(out.iterdir()) == [], "a failed document leaves nothing in the output folder, not even a lock"


def build_morning(folder: Path, packages: Path, part_pairs: str | None = None):
    """A morning's press review: a web page, a Word file, Markdown, an EPUB and a broken file, in one run."""
    inputs = folder / "input"
    inputs.mkdir()
    (inputs / "a-bahn.html").write_text(WEB_PAGE, "utf-8")
    write_docx(inputs / "b-bahn-word.docx")
    (inputs / "c-bahn.md").write_text(MARKDOWN, "utf-8")
    write_epub(inputs / "d-bahn-buch.epub")
    (inputs / "e-kaputt.docx").write_bytes(b"PK\x03\x04 broken")
    out = folder / "output"
    with pytest.MonkeyPatch.context() as patch:
        if part_pairs:
            patch.setenv("PIPELINE_PDF_PART_PAIRS", part_pairs)
        result = run_cli("brief", str(inputs), "--out", str(out), "--review-name", "morgen", "--timings",
                         packages_dir=packages)
    return inputs, out, result


@pytest.fixture(scope="module")
def morning(tmp_path_factory, fixture_package):
    return build_morning(tmp_path_factory.mktemp("morning"), fixture_package.path.parent)


@pytest.mark.parametrize("name", ["a-bahn.html", "b-bahn-word.docx", "c-bahn.md", "d-bahn-buch.epub"])
def test_every_reader_s_sentences_reach_every_output_once(morning, name):
    inputs, out, _ = morning
    assert_every_sentence_everywhere(inputs / name, out)


def test_one_run_builds_every_good_document_and_names_the_bad_one(morning):
    inputs, out, result = morning
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "read skipped: " in stderr and "page furniture elements" in stderr  # --timings: what the readers left out
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: {inputs / 'e-kaputt.docx'}: is not a readable Word .docx file")
    assert "threads: " in stderr and "parallel batch" in stderr
    for name in ("a-bahn", "b-bahn-word", "c-bahn", "d-bahn-buch"):
        pairs = json.loads((out / f"{name}.json").read_text("utf-8"))["pairs"]
        german = " ".join(pair["source"] for pair in pairs)
        assert all(sentence in german for sentence in ARTICLE_SENTENCES), name
        assert not any(word in german for word in BOILERPLATE), name
        html = (out / f"{name}.html").read_text("utf-8")
        assert all(sentence in html for sentence in ARTICLE_SENTENCES)
    assert not list(out.glob("e-kaputt*")) and not list(out.glob(".*lock"))


MORNING_TITLES = {"a-bahn": "Bahn erhöht die Preise", "b-bahn-word": "Bahn erhöht die Preise",
                  "c-bahn": "Bahn erhöht die Preise", "d-bahn-buch": "Die Bahn"}


def test_the_press_review_lists_every_article_with_its_page_and_bookmark(morning):
    _, out, _ = morning
    assert_contents_and_bookmarks(out / "morgen.pdf", MORNING_TITLES)
    assert_tables_of_the_briefs(out / "morgen.pdf", out)
    index = (out / "index.html").read_text("utf-8")
    for name in MORNING_TITLES:
        for suffix in (".pdf", ".html", ".review.html"):
            assert f'href="{name}{suffix}"' in index
    assert 'href="morgen.pdf"' in index and "e-kaputt" not in index


def test_a_long_press_review_is_typeset_in_parts_as_one_document(tmp_path, fixture_package):
    """As a folder holding a book: the articles in parts of four pairs, the contents numbered from them."""
    _, out, result = build_morning(tmp_path, fixture_package.path.parent, part_pairs="4")
    assert result.returncode == 1, result.stderr.decode()  # the broken file, as in the one-piece run
    review = out / "morgen.pdf"
    assert_contents_and_bookmarks(review, MORNING_TITLES)
    pages = subprocess.run(["pdftotext", "-layout", str(review), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")[:-1]
    assert all(len(re.findall(r"Page \d+ of \d+", page)) == 1 for page in pages)
    assert all(f"Page {number} of {len(pages)}" in page for number, page in enumerate(pages, start=1))
    import pikepdf

    with pikepdf.open(review) as pdf:
        assert pdf.check_pdf_syntax() == []
    assert_tables_of_the_briefs(review, out)


def assert_tables_of_the_briefs(review: Path, out: Path) -> None:
    """The press review's tag tree: one table per section of every brief, as each brief's HTML has them."""
    briefs = [json.loads((out / f"{name}.json").read_text("utf-8")) for name in MORNING_TITLES]
    tables = sum((out / f"{name}.html").read_text("utf-8").count('<table class="pairs"') for name in MORNING_TITLES)
    assert tables > len(MORNING_TITLES)  # the book's chapters and the pages' headings open sections
    assert_a_screen_reader_meets_tables(review, briefs, tables)


def assert_contents_and_bookmarks(review: Path, titles: dict[str, str]) -> None:
    """The contents page lists every article with the page it starts on; one bookmark each."""
    import pikepdf

    pages = subprocess.run(["pdftotext", "-layout", str(review), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    contents = [re.sub(r"\s+", " ", line).strip() for line in pages[0].splitlines()]
    listed = [line for line in contents if re.search(r"\. \d+$", line)]
    assert len(listed) == 4, contents
    numbers = [int(line.rsplit(" ", 1)[1]) for line in listed]
    assert numbers == sorted(set(numbers)) and numbers[0] == 2, numbers
    for line, page, (name, title) in zip(listed, numbers, titles.items()):
        assert line.startswith(title), (line, title)
        assert "BILINGUAL BRIEF" in pages[page - 1] and title in pages[page - 1], (name, page)
    with pikepdf.open(review) as pdf, pdf.open_outline() as outline:
        assert [item.title for item in outline.root] == list(titles.values())


def test_a_single_input_writes_no_press_review(tmp_path, fixture_package):
    source = tmp_path / "bahn.md"
    source.write_text(MARKDOWN, "utf-8")
    result = run_cli("brief", str(source), "--out", str(tmp_path / "out"), packages_dir=fixture_package.path.parent)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"bahn{suffix}" for suffix in (".html", ".review.html", ".pdf", ".tmx", ".xlf", ".json"))


def test_markdown_without_front_matter_takes_its_top_heading_as_title(tmp_path):
    source = tmp_path / "meldung.md"
    source.write_text("# Bahn erhöht die Preise\n\n" + " ".join(ARTICLE_SENTENCES) + "\n", "utf-8")
    assert read_document(source).title == "Bahn erhöht die Preise"
