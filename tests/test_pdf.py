"""The PDF that goes out: PDF/A-3 (level A, tagged) by default, PDF/UA-1 or plain on request,
its German and English cells marked with their language, and carrying its JSON, XLIFF and TMX.
No PDF/A or PDF/UA validator can be installed here, so the structure is read with pikepdf."""

from __future__ import annotations

import json
import subprocess

import pikepdf
import pytest

from conftest import ARTICLE, run_cli
from pdf_structure import assert_a_screen_reader_meets_tables, marked_content_ids
from pdf_text import columns
from pipeline.structure import elements, kids

PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"
PDFUAID = "{http://www.aiim.org/pdfua/ns/id/}"
DATA_FILES = {".json": ("/Source", "/application/json"), ".xlf": ("/Data", "/application/xliff+xml"),
              ".tmx": ("/Data", "/application/x-tmx+xml")}


@pytest.fixture(scope="module")
def variants(tmp_path_factory, fixture_package):
    """The article's brief built as each variant."""
    built = {}
    for variant in ("a-3", "ua-1", "none"):
        out = tmp_path_factory.mktemp(variant)
        result = run_cli("brief", str(ARTICLE), "--out", str(out), "--pdf-variant", variant,
                         packages_dir=fixture_package.path.parent)
        assert result.returncode == 0, result.stderr.decode()
        built[variant] = out
    return built


def rows(pdf):
    """The data rows of every table (header rows apart)."""
    return [row for body in elements(pdf.Root.StructTreeRoot, "/TBody") for row in kids(body)]


def assert_cells_carry_their_language(pdf, pairs: int):
    table_rows = rows(pdf)
    assert len(table_rows) == pairs, "one table row per pair"
    for row in table_rows:
        cells = kids(row)
        assert [cell.S for cell in cells] == ["/TD", "/TD", "/TD"]
        assert (cells[1].Lang, cells[2].Lang) == ("de", "en")


def assert_attachments_equal_the_outputs(pdf, out, name: str):
    assert sorted(pdf.attachments) == sorted(f"{name}{suffix}" for suffix in DATA_FILES)
    for file_name, spec in pdf.attachments.items():
        assert spec.get_file().read_bytes() == (out / file_name).read_bytes(), file_name
    associated = {str(spec.UF): (spec.AFRelationship, spec.EF.F.Subtype) for spec in pdf.Root.AF}
    assert len(pdf.Root.AF) == 3
    for suffix, (relationship, mime_type) in DATA_FILES.items():
        assert associated[f"{name}{suffix}"] == (relationship, mime_type)


def test_the_default_brief_is_pdf_a_3a_tagged_with_languages_and_its_data(variants):
    out = variants["a-3"]
    name = ARTICLE.stem
    with pikepdf.open(out / f"{name}.pdf") as pdf:
        assert pdf.check_pdf_syntax() == []
        metadata = pdf.open_metadata()
        assert (metadata[f"{PDFAID}part"], metadata[f"{PDFAID}conformance"]) == ("3", "A")
        assert metadata["{http://purl.org/dc/elements/1.1/}title"] == "BMW KI Strategie China"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and "/DestOutputProfile" in intent
        assert len(pdf.trailer.ID) == 2
        assert pdf.Root.MarkInfo.Marked is True and pdf.Root.Lang == "en"
        assert_cells_carry_their_language(pdf, pairs=11)
        assert_attachments_equal_the_outputs(pdf, out, name)
    assert_a_screen_reader_meets_tables(out / f"{name}.pdf", [json.loads((out / f"{name}.json").read_text("utf-8"))], 1)
    fonts = subprocess.run(["pdffonts", str(out / f"{name}.pdf")], capture_output=True, text=True, check=True).stdout
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:]), fonts  # every font embedded


def test_pdf_ua_1_on_request(variants):
    out = variants["ua-1"]
    with pikepdf.open(out / f"{ARTICLE.stem}.pdf") as pdf:
        assert pdf.check_pdf_syntax() == []
        assert pdf.open_metadata()[f"{PDFUAID}part"] == "1"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert_cells_carry_their_language(pdf, pairs=11)
        assert pdf.Root.StructTreeRoot.IDTree
        assert sorted(pdf.attachments) == sorted(f"{ARTICLE.stem}{suffix}" for suffix in DATA_FILES)


def test_a_plain_pdf_on_request_still_carries_its_data(variants):
    out = variants["none"]
    with pikepdf.open(out / f"{ARTICLE.stem}.pdf") as pdf:
        assert "/StructTreeRoot" not in pdf.Root and f"{PDFAID}part" not in pdf.open_metadata()
        for file_name, spec in pdf.attachments.items():
            assert spec.get_file().read_bytes() == (out / file_name).read_bytes()


def test_extract_writes_the_data_back_out(variants, tmp_path):
    out = variants["a-3"]
    result = run_cli("extract", str(out / f"{ARTICLE.stem}.pdf"), "--out", str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr.decode()
    for suffix in DATA_FILES:
        name = f"{ARTICLE.stem}{suffix}"
        assert (tmp_path / "data" / name).read_bytes() == (out / name).read_bytes()
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really")
    result = run_cli("extract", str(broken))
    stderr = result.stderr.decode()
    assert result.returncode == 1 and stderr.count("\n") == 1 and str(broken) in stderr, stderr


@pytest.fixture(scope="module")
def in_parts(tmp_path_factory, fixture_package):
    """The article's brief typeset in parts of four pairs (three parts, joined), as a long brief is."""
    out = tmp_path_factory.mktemp("parts")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PIPELINE_PDF_PART_PAIRS", "4")
        result = run_cli("brief", str(ARTICLE), "--out", str(out), packages_dir=fixture_package.path.parent)
    assert result.returncode == 0, result.stderr.decode()
    return out


def outline_titles(pdf) -> list[tuple[int, str]]:
    with pdf.open_outline() as outline:
        found, stack = [], [(1, item) for item in reversed(outline.root)]
        while stack:
            level, item = stack.pop()
            found.append((level, item.title))
            stack.extend((level + 1, child) for child in reversed(item.children))
        return found


def test_a_brief_typeset_in_parts_is_one_document(in_parts, variants):
    """Joined parts: continuous page numbers, the same text and outline as the brief typeset at
    once, one structure tree whose parent tree matches every page's marked content, and the
    same archival claims and attachments."""
    name = ARTICLE.stem
    whole = variants["a-3"] / f"{name}.pdf"
    joined = in_parts / f"{name}.pdf"
    built = json.loads((in_parts / f"{name}.json").read_text("utf-8"))["provenance"]["created"]
    built_before = json.loads((variants["a-3"] / f"{name}.json").read_text("utf-8"))["provenance"]["created"]
    assert [column.replace(built, built_before) for column in columns(joined)] == list(columns(whole))
    with pikepdf.open(joined) as pdf, pikepdf.open(whole) as reference:
        assert pdf.check_pdf_syntax() == []
        assert len(pdf.pages) > len(reference.pages), "three parts start three pages"
        metadata = pdf.open_metadata()
        assert (metadata[f"{PDFAID}part"], metadata[f"{PDFAID}conformance"]) == ("3", "A")
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        assert_cells_carry_their_language(pdf, pairs=11)
        assert_attachments_equal_the_outputs(pdf, in_parts, name)
        assert outline_titles(pdf) == outline_titles(reference)
        parent_tree = dict(zip(list(pdf.Root.StructTreeRoot.ParentTree.Nums)[::2],
                               list(pdf.Root.StructTreeRoot.ParentTree.Nums)[1::2]))
        for number, page in enumerate(pdf.pages):
            assert page.obj.StructParents == number
            owned = [element for element in parent_tree[number] if element is not None]
            assert len(owned) == marked_content_ids(page) > 0
            assert all(element.Pg.objgen == page.obj.objgen for element in owned)
        document = pdf.Root.StructTreeRoot.K[0]
        assert all(kid.P.objgen == document.objgen for kid in kids(document))
        pair_ids = [pair["id"] for pair in json.loads((in_parts / f"{name}.json").read_text("utf-8"))["pairs"]]
        destinations = [str(name) for name in list(pdf.Root.Names.Dests.Names)[::2]]
        assert set(pair_ids) <= set(destinations) and destinations == sorted(destinations)
    assert_a_screen_reader_meets_tables(joined, [json.loads((in_parts / f"{name}.json").read_text("utf-8"))], 1)
    pages = len(pikepdf.open(joined).pages)
    for number in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(joined), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert text.count(f"Page {number} of {pages}") == 1, (number, text[-200:])
