"""The no-text-lost check: every sentence of the input exactly once, in order, in every output."""

from __future__ import annotations

import json
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from pdf_text import squeeze, words_by_column

# What the read stage may drop: whitespace, invisible and control characters.
_DROPPABLE = re.compile(r"[\s\x00-\x1f\x7f\u00ad\u200b-\u200d\u2060\ufeff]+")
# Hebrew and Arabic letters: pdftotext gives them in visual order, with ligatures (lam-alef)
# in logical order inside; a run is compared as the letters it holds.
_RIGHT_TO_LEFT_RUN = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]+")


def _comparable(text: str) -> str:
    """Squeezed, NFKC (undoes Arabic presentation forms and ligatures), right-to-left runs as sorted letters."""
    return _RIGHT_TO_LEFT_RUN.sub(lambda run: "".join(sorted(run.group())), unicodedata.normalize("NFKC", squeeze(text)))


_VOID = {"wbr", "br", "img", "hr", "input", "meta", "link"}


class _CellText(HTMLParser):
    """Text of the German cells (a given class and ``lang="de"``), in document order."""

    def __init__(self, css_class: str):
        super().__init__(convert_charrefs=True)
        self._class, self._depth, self.cells = css_class, 0, []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return  # no end tag follows: <wbr> inside a long word, <br>
        if self._depth:
            self._depth += 1
        elif self._class in (dict(attrs).get("class") or "").split() and dict(attrs).get("lang") == "de":
            self._depth = 1
            self.cells.append("")

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.cells[-1] += data


def cell_texts(html_file: Path, css_class: str) -> list[str]:
    parser = _CellText(css_class)
    parser.feed(html_file.read_text("utf-8"))
    return parser.cells


def assert_every_sentence_everywhere(source: Path, out: Path) -> list[dict]:
    """Any reader: every sentence the reader hands on for ``source`` is once, in order, in every
    output (code, kept verbatim, in the JSON and in its own cells). Returns the JSON pairs."""
    from pipeline.read import read_document
    from pipeline.segment import segment

    segments = segment(read_document(source))
    pairs = json.loads((out / f"{source.stem}.json").read_text("utf-8"))["pairs"]
    assert [pair["source"] for pair in pairs] == [s.text for s in segments], "the JSON is not the reader's text"
    prose = [s.text for s in segments if not s.verbatim]
    assert cell_texts(out / f"{source.stem}.html", "source") == prose, "the brief's HTML differs from the reader's text"
    assert cell_texts(out / f"{source.stem}.review.html", "source") == prose, "the review page differs"
    german, position = _comparable("".join(words_by_column(out / f"{source.stem}.pdf")[0])), 0
    for sentence in prose:
        found = german.find(_comparable(sentence), position)
        assert found >= 0, f"the PDF's German column lacks {sentence!r} (or has it out of order)"
        position = found + len(_comparable(sentence))
    return pairs


def assert_no_text_lost(body: str, out: Path, name: str) -> list[dict]:
    """``body``: the input's text after any front matter. Returns the JSON pairs."""
    pairs = json.loads((out / f"{name}.json").read_text("utf-8"))["pairs"]
    sources = [pair["source"] for pair in pairs]
    expected = _DROPPABLE.sub("", unicodedata.normalize("NFC", body))
    assert _DROPPABLE.sub("", "".join(sources)) == expected, "the JSON's sentences are not the input's text"
    assert cell_texts(out / f"{name}.html", "source") == sources, "the brief's HTML differs from the JSON"
    assert cell_texts(out / f"{name}.review.html", "source") == sources, "the review page differs from the JSON"
    german = _comparable("".join(words_by_column(out / f"{name}.pdf")[0]))
    joined = _comparable("".join(sources))
    assert german.startswith(joined), "the PDF's German column is not every sentence once, in order"
    return pairs
