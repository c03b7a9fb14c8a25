"""The readers on real German documents made by other tools (DocBook XSL, Sphinx, Publican,
Asciidoctor, pandoc, LibreOffice, pdftotext): ``tests/fixtures/real/``, described in its
MANIFEST.md, with what each brief must have in ``expectations.json``."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import SHARED_DATA, report, run_cli
from pipeline import segment
from pipeline.read import read_document

REAL = Path(__file__).parent / "fixtures" / "real"
EXPECTATIONS = {name: value for name, value in json.loads((REAL / "expectations.json").read_text("utf-8")).items()
                if not name.startswith("_")}
NEVER_IN_TEXT = re.compile(r"¶|©|(?i:copyright\s*(?:\(c\)\s*)?\d{4})")
"""Permalink signs and copyright lines ("fehlende Copyright Datei", a heading, is text)."""
NEVER_A_PARAGRAPH = {"Inhaltsverzeichnis", "Inhalt", "Navigation", "Zurück", "Weiter", "zurück", "weiter",
                     "Nach oben", "Startseite", "Table of Contents"}


def test_every_file_has_expectations_and_a_manifest_line():
    files = sorted(p.name for p in REAL.iterdir() if p.name not in ("MANIFEST.md", "expectations.json"))
    assert files == sorted(EXPECTATIONS)
    manifest = (REAL / "MANIFEST.md").read_text("utf-8")
    assert all(f"`{name}`" in manifest for name in files)


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_a_real_document_reads_as_its_author_wrote_it(name):
    expected = EXPECTATIONS[name]
    document = read_document(REAL / name)
    kinds = [p.kind for p in document.paragraphs]
    texts = [p.text for p in document.paragraphs]
    assert document.title == expected["title"]
    assert document.date == expected["date"], "a date only from the document's own metadata, as ISO 8601"
    for field in ("author", "source"):
        if field in expected:
            assert getattr(document, field) == expected[field], field
    for kind, key in (("heading", "headings"), ("item", "items"), ("code", "code")):
        if key in expected:
            assert kinds.count(kind) == expected[key], (kind, [t for k, t in zip(kinds, texts) if k == kind])
        if f"{key}_at_least" in expected:
            assert kinds.count(kind) >= expected[f"{key}_at_least"], kind
    for wanted in expected["contains"]:
        assert any(wanted in text for text in texts), wanted
    for text in texts:
        assert text not in NEVER_A_PARAGRAPH and text not in expected["not_paragraph"], text
        assert not NEVER_IN_TEXT.search(text), text


WEB_RECALL_GOAL = 0.95


@pytest.mark.parametrize("name", [n for n, e in EXPECTATIONS.items() if "main" in e])
def test_a_web_page_keeps_its_main_text(name):
    """Word recall against the page's main element as chosen by hand (its contents and licence taken out)."""
    from lxml import html

    expected = EXPECTATIONS[name]
    page = html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", (REAL / name).read_text("utf-8")))
    main = page.xpath(expected["main"])[0]
    for element in main.xpath(".//script|.//style|.//a[@class='headerlink']" +
                              (f"|{expected['not_main']}" if "not_main" in expected else "")):
        element.drop_tree()
    gold = Counter(re.findall(r"\w+", main.text_content().lower()))
    ours = Counter(re.findall(r"\w+", " ".join(p.text for p in read_document(REAL / name).paragraphs).lower()))
    recall = sum(min(count, ours[word]) for word, count in gold.items()) / sum(gold.values())
    report(f"main-text word recall of {name}: {recall:.3f}")
    assert recall >= WEB_RECALL_GOAL


@pytest.mark.parametrize("name", [n for n, e in EXPECTATIONS.items() if "same_sentences_as" in e])
def test_text_copied_out_of_a_pdf_gives_the_sentences_of_the_original(name):
    """Hard-wrapped text without blank lines, with page breaks: no sentence is cut at a line end."""
    original = EXPECTATIONS[name]["same_sentences_as"]
    first, last = original["blocks"]
    blocks = (SHARED_DATA / original["file"]).read_text("utf-8").split("\n\n")[first:last]
    expected = [block[start:end] for block in blocks for start, end in segment.sentence_spans(" ".join(block.split()))]
    document = read_document(REAL / name)
    got = [s.text for s in segment.segment(document) if document.paragraphs[s.paragraph - 1].kind == "text"]
    assert got == expected


@pytest.mark.slow
def test_a_folder_run_gives_each_document_the_brief_it_gets_alone(tmp_path, fixture_package):
    """No state carried between documents: trafilatura's deduplication cache once dropped a
    paragraph shared by pages of one site from the fourth page on."""
    inputs = tmp_path / "input"
    shutil.copytree(REAL, inputs, ignore=shutil.ignore_patterns("MANIFEST.md", "expectations.json"))
    packages = fixture_package.path.parent
    together = tmp_path / "together"
    result = run_cli("brief", str(inputs), "--out", str(together), "--outputs", "json", packages_dir=packages,
                     timeout=1200)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    for source in sorted(inputs.iterdir()):
        alone = tmp_path / "alone" / source.stem
        result = run_cli("brief", str(source), "--out", str(alone), "--outputs", "json", packages_dir=packages)
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        built = [json.loads((folder / f"{source.stem}.json").read_text("utf-8")) for folder in (together, alone)]
        for data in built:
            data["provenance"].pop("created")
        assert built[0] == built[1], source.name
