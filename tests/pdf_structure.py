"""Read a PDF's tag tree as a screen reader meets it: with pikepdf and with poppler's
``pdfinfo -struct-text`` (a reader we did not write)."""

from __future__ import annotations

import re
import subprocess

import pikepdf

from pipeline.structure import elements, kids


def marked_content_ids(page) -> int:
    return sum(1 for operands, operator in pikepdf.parse_content_stream(page, "BDC")
               if isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1])


def struct_text(pdf_path) -> str:
    """The tag tree as poppler, a reader we did not write, reads it."""
    return subprocess.run(["pdfinfo", "-struct-text", str(pdf_path)], capture_output=True, text=True, check=True).stdout


def assert_a_screen_reader_meets_tables(pdf_path, briefs: list[dict], tables: int):
    """One table per section (``tables`` in all: the sections of the briefs) with a header row of column-scoped
    TH cells; every data cell tied to its column's header; rows in the order of the pairs; the
    flag marker's alternative text naming the checks; pair numbers, repeated header
    rows, running header and footer not content (artifacts); the parent tree owning exactly the
    marked content that is left."""
    pair_ids = [pair["id"] for brief in briefs for pair in brief["pairs"]]
    with pikepdf.open(pdf_path) as pdf:
        root = pdf.Root.StructTreeRoot
        assert pdf.Root.Lang == "en" and pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert all(page.obj.Tabs == "/S" for page in pdf.pages)
        assert sorted(str(name) for name in list(root.IDTree.Names)[::2]) == [str(name) for name in list(root.IDTree.Names)[::2]]
        found = list(elements(root, "/Table"))
        assert len(found) == tables, [str(t.get("/ID")) for t in found]
        found_ids = []
        for table in found:
            head, body = kids(table)
            assert (head.S, body.S) == ("/THead", "/TBody")
            (header_row,) = kids(head)
            headers = kids(header_row)
            assert [(h.S, h.A.Scope) for h in headers] == [("/TH", "/Column")] * 3
            for row in kids(body):
                found_ids.append(str(row.ID).rsplit("-", 1)[-1] if "/ID" in row else None)
                column = 0
                for cell in kids(row):
                    span = int(cell.A.get("/ColSpan", 1))
                    assert [str(h) for h in cell.A.Headers] == [str(h.ID) for h in headers[column:column + span]]
                    column += span
                assert column == 3
        assert found_ids == pair_ids, "rows in the order of the pairs"
        flagged = [pair["flags"] for brief in briefs for pair in brief["pairs"] if pair["flags"]]
        markers = [str(span.Alt) for span in elements(root, "/Span") if str(span.get("/Alt", "")).startswith("flagged: ")]
        assert len(markers) == len(flagged)
        assert markers[0] == "flagged: " + ", ".join(dict.fromkeys(flag["check"] for flag in flagged[0]))
        parent_tree = dict(zip(list(root.ParentTree.Nums)[::2], list(root.ParentTree.Nums)[1::2]))
        for page in pdf.pages:
            owned = [element for element in parent_tree[int(page.obj.StructParents)] if element is not None]
            assert len(owned) == marked_content_ids(page) > 0
    text = struct_text(pdf_path)
    assert text.count('"DEUTSCH (ORIGINAL)"') == tables, "one header row per table, not per page"
    assert not re.search(r'"p\d+\.s\d+"', text), "pair numbers are artifacts"
    assert "Page 1 of" not in text and "German → English\"" not in text, "page furniture is no content"
