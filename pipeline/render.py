"""Render stage: a ``Brief`` → bilingual HTML (Jinja2) → PDF (WeasyPrint).

One Jinja environment with autoescaping, so text from a document can never
become markup. WeasyPrint gets a URL fetcher that serves only files under
``templates/`` and refuses everything else (other files, the network).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from pathlib import Path

from pipeline import pdf as pdf_output
from pipeline.model import AlignedParagraph, Brief, Flag, Pair
from pipeline.processes import ProcessPool
from pipeline.structure import ids_on_elements
from pipeline.text import GERMAN_WORD

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["breakable"] = breakable
    return environment


LONG_RUN = 60
"""A run of this many characters without a space gets a line-break opportunity every ``BREAK_EVERY``."""
BREAK_EVERY = 40
_LONG_RUN = re.compile(r"\S{%d,}" % LONG_RUN)


def breakable(text: str):
    """``text`` escaped, with ``<wbr>`` inside runs without spaces (a URL, a pasted hash, a data dump):
    WeasyPrint needs minutes to break a 50,000-character run it has no opportunity in, and two
    seconds with them. ``<wbr>`` is no character: copied text stays as it was."""
    from markupsafe import Markup, escape

    pieces, position = [], 0
    for match in _LONG_RUN.finditer(text):
        run = match.group()
        pieces.append(escape(text[position:match.start()]))
        pieces.append(Markup("<wbr>").join(escape(run[i:i + BREAK_EVERY]) for i in range(0, len(run), BREAK_EVERY)))
        position = match.end()
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)




@dataclass(frozen=True)
class Word:
    """A piece of German text on the review page: a word (with its gloss key) or what lies between."""

    text: str
    key: str = ""
    """Lower-case word, the key of its gloss; empty for spaces, punctuation and unglossed words."""
    uncovered: bool = False
    """The checks found no counterpart of this word in the English."""
    term: str = ""
    """The glossary entry this word belongs to (``brief --glossary``), as the tooltip shows it."""


LONG_PAIR_CHARS = 1200
"""Characters of one language that fill about half an A4 page in a brief's column."""


@dataclass(frozen=True)
class PairView:
    """A pair as the templates show it: its text cut into plain and highlighted chunks."""

    pair: Pair
    source_chunks: tuple[tuple[str, bool], ...]
    source_words: tuple[tuple[tuple[Word, ...], bool], ...]
    """The German chunks cut into words, for the review page's glosses."""
    target_chunks: tuple[tuple[str, bool], ...]
    checks: str
    """Space-separated names of the checks that flagged the pair (for filtering)."""
    severity: str
    """``error``, ``warning`` or empty."""
    flagged: str
    """What the flag marker says to a screen reader: ``flagged: numbers, names``; empty when unflagged."""
    long: bool
    """Its German or English takes half a page or more: it may break across pages, as a row kept
    whole would leave a page empty and lose its table's header row (WeasyPrint drops a header that
    no row fits under)."""


def _chunks(text: str, marks: list[str]) -> tuple[tuple[str, bool], ...]:
    """``text`` cut at every occurrence of a mark: ``(chunk, is_marked)`` pieces."""
    marks = sorted({m for m in marks if m and m.strip()}, key=len, reverse=True)
    if not marks:
        return ((text, False),)
    pattern = re.compile("|".join(re.escape(m) for m in marks))
    pieces, position = [], 0
    for match in pattern.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((match.group(), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return tuple(pieces)


def _words(text: str, glosses: dict[str, str], uncovered: frozenset[str], terms: dict[str, str]) -> tuple[Word, ...]:
    words, position = [], 0
    for match in GERMAN_WORD.finditer(text):
        if match.start() > position:
            words.append(Word(text[position:match.start()]))
        key = match.group().lower()
        words.append(Word(match.group(), key if key in glosses else "", match.group() in uncovered,
                          terms.get(match.group(), "")))
        position = match.end()
    if position < len(text):
        words.append(Word(text[position:]))
    return tuple(words)


def _view(pair: Pair, glosses: dict[str, str] | None = None) -> PairView:
    flags: tuple[Flag, ...] = pair.flags
    severity = "error" if any(f.severity == "error" for f in flags) else ("warning" if flags else "")
    source_chunks = _chunks(pair.segment.text, [m for f in flags for m in f.source_marks])
    uncovered = frozenset(pair.uncovered)
    terms = {word: f"glossary: {hit.line()}" for hit in pair.terms for word in GERMAN_WORD.findall(hit.german)}
    return PairView(
        pair=pair,
        source_chunks=source_chunks,
        source_words=tuple((_words(chunk, glosses or {}, uncovered, terms), marked) for chunk, marked in source_chunks),
        target_chunks=_chunks(pair.target, [m for f in flags for m in f.target_marks]),
        checks=" ".join(dict.fromkeys(f.check for f in flags)),
        severity=severity,
        flagged=f"flagged: {', '.join(dict.fromkeys(f.check for f in flags))}" if flags else "",
        long=max(len(pair.segment.text), len(pair.target)) > LONG_PAIR_CHARS,
    )


_MID_SENTENCE = re.compile(r"[\w,]\s+$")


def glosses(brief: Brief) -> dict[str, str]:
    """The dictionary's English for every German word of the brief: ``word → "lemma: senses"``."""
    from pipeline.checks import lexicon

    lexical = lexicon.load()
    found: dict[str, str] = {}
    names = set()  # capitalized mid-sentence, where the lemmatizer's verb is a guess: Klopp is no kloppen
    for pair in brief.pairs:
        for match in GERMAN_WORD.finditer(pair.segment.text):
            key = match.group().lower()
            if _MID_SENTENCE.search(pair.segment.text, 0, match.start()) and lexicon.verb_guessed(match.group()) \
                    and key not in lexical.headwords:
                names.add(key)
            if key not in found and key not in lexicon.GERMAN_FUNCTION_WORDS:
                gloss = lexical.gloss(match.group())
                if gloss:
                    found[key] = f"{gloss.headword}: {gloss.senses}"
    return {key: gloss for key, gloss in found.items() if key not in names}


def _context(brief: Brief, word_glosses: dict[str, str] | None = None, anchor: str = "",
             part: "BriefPart | None" = None) -> dict:
    """What the templates show of one brief; ``anchor`` prefixes its element ids (in the press review);
    ``part`` limits it to one part of a long brief's PDF."""
    document = brief.document
    kinds = {paragraph.number: paragraph.kind for paragraph in document.paragraphs}
    paragraphs = [(paragraph.number, kinds.get(paragraph.number, "text"),
                   [_view(pair, word_glosses) for pair in paragraph.pairs])
                  for paragraph in (part.paragraphs if part else brief.paragraphs)]
    return dict(
        brief=brief,
        document=document,
        signature=brief.signature,
        qa=brief.qa,
        paragraphs=paragraphs,
        sections=_sections(paragraphs, document),
        pair_count=brief.qa.pairs,
        input_name=document.path.name if document.path else document.name,
        anchor=anchor,
        opening=part.opening if part else True,
        closing=part.closing if part else True,
        in_parts=part is not None,
    )


def _sections(paragraphs: list[tuple], document) -> list[tuple[int, list[tuple]]]:
    """The paragraphs grouped by the section they belong to: a heading (or a run of headings, a
    chapter's and its first section's) and what follows it up to the next heading; before the
    first heading, section 0. A section is one table in the brief (one table for a screen reader,
    its header row repeated on each page); the key is the number of its first heading's paragraph,
    the same in every part of a brief typeset in parts."""
    section_of, current, previous = {}, 0, ""
    for paragraph in document.paragraphs:
        if paragraph.kind == "heading" and previous != "heading":
            current = paragraph.number
        section_of[paragraph.number] = current
        previous = paragraph.kind
    sections: list[tuple[int, list[tuple]]] = []
    for paragraph in paragraphs:
        section = section_of.get(paragraph[0], 0)
        if not sections or sections[-1][0] != section:
            sections.append((section, []))
        sections[-1][1].append(paragraph)
    return sections


def html(brief: Brief) -> str:
    """The bilingual brief for readers."""
    return _environment().get_template("brief.html").render(article=_context(brief))


def index_html(briefs: list[Brief], review_pdf: str) -> str:
    """The press review's index page: every brief of the run, with links to its files."""
    return _environment().get_template("index.html").render(articles=[_context(b) for b in briefs],
                                                          review_pdf=review_pdf)


def press_review_html(briefs: list[Brief], pages: dict[str, int] | None = None) -> str:
    """One document of every brief: a contents page, then each article as a section. With
    ``pages`` (article anchor → page number) only the contents page, with those page numbers:
    the contents of a press review typeset in parts (``press_review_pdf``)."""
    articles = [_context(brief, anchor=_anchor(brief)) for brief in briefs]
    return _environment().get_template("press-review.html").render(articles=articles, pages=pages)


def _anchor(brief: Brief) -> str:
    """The prefix of a brief's element ids in the press review: its name, kept unique and valid as an id."""
    from urllib.parse import quote

    return quote(brief.document.name, safe="").replace("%", "_") + "-"


def review_html(brief: Brief) -> str:
    """The self-contained review page: CSS and JS inline, allowed by their hashes only; the
    glosses of the page's German words as a JSON data block (never executed)."""
    css = (TEMPLATES / "review.css").read_text("utf-8")
    js = (TEMPLATES / "review.js").read_text("utf-8")
    from markupsafe import Markup

    word_glosses = glosses(brief)
    return _environment().get_template("review.html").render(
        **_context(brief, word_glosses), glosses=word_glosses, review_css=Markup(css), review_js=Markup(js),
        css_hash=_csp_hash(css), js_hash=_csp_hash(js)
    )


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def pdf(html_text: str, variant: str = "a-3", attachments: tuple = ()) -> bytes:
    """Typeset HTML as an A4 PDF with embedded font subsets: PDF/A-3 with a structure tree by
    default (``pipeline.pdf.VARIANTS``), the attachments embedded as associated files."""
    return _typeset(html_text, variant, attachments).data


_MARK = re.compile(r'<span class="[\w-]+-mark" id="([^"]+)" title="([^"]*)"')
"""A pair's marker (✎, ⚙, ◆) as ``templates/_article.html`` writes it: its title is what it says in the
PDF, where a screen reader would otherwise read a bare symbol."""


def _typeset(html_text: str, variant: str, attachments: tuple = ()) -> pdf_output.TypesetPart:
    from weasyprint import HTML

    standard = pdf_output.variant_option(variant)
    if standard is not None:
        ids_on_elements()
    document = HTML(string=html_text, base_url=TEMPLATES.as_uri() + "/",
                    url_fetcher=TemplatesOnlyFetcher()).render(pdf_variant=standard, pdf_tags=standard is not None)
    data = document.write_pdf(pdf_variant=standard, pdf_tags=standard is not None,
                              attachments=pdf_output.weasyprint_attachments(attachments) or None)
    alternatives = {unescape(mark_id): unescape(title) for mark_id, title in _MARK.findall(html_text)}
    bookmarks = tuple(
        pdf_output.Bookmark(level, label, number, x * 0.75, (page.height - y) * 0.75)  # CSS px → PDF points
        for number, page in enumerate(document.pages) for level, label, (x, y), _state in page.bookmarks)
    return pdf_output.TypesetPart(pdf_output.finish(data, alternatives) if standard else data, len(document.pages),
                                  bookmarks)


PART_PAIRS = 400
"""A brief longer than this many pairs is typeset in parts of about this size, in parallel, and
joined: WeasyPrint holds every page of a document in memory until it is written. The environment
variable ``PIPELINE_PDF_PART_PAIRS`` sets another size (read when a PDF is made, not at import)."""


def part_pairs() -> int:
    return int(os.environ.get("PIPELINE_PDF_PART_PAIRS", PART_PAIRS))


NUMBERED_PAGES = 100
"""Page footers are typeset this many pages at a time (their memory grows with the pages, too)."""


@dataclass(frozen=True)
class BriefPart:
    """One part of a long brief's PDF: whole paragraphs (a very long one is cut between pairs)."""

    paragraphs: tuple[AlignedParagraph, ...]
    opening: bool
    """The first part: it carries the masthead and the column heads."""
    closing: bool
    """The last part: it carries the provenance."""


def parts(brief: Brief, size: int | None = None) -> list[BriefPart]:
    """The brief cut into parts of about ``size`` pairs (``part_pairs()``), preferably before a
    heading (a new chapter) once a part is three quarters full."""
    size = size or part_pairs()
    headings = {paragraph.number for paragraph in brief.document.paragraphs if paragraph.kind == "heading"}
    pieces = [AlignedParagraph(paragraph.number, paragraph.pairs[start:start + size])
              for paragraph in brief.paragraphs for start in range(0, max(len(paragraph.pairs), 1), size)]
    groups: list[list[AlignedParagraph]] = [[]]
    filled = 0
    for piece in pieces:
        if groups[-1] and (filled + len(piece.pairs) > size or (piece.number in headings and filled >= size * 3 // 4)):
            groups.append([])
            filled = 0
        groups[-1].append(piece)
        filled += len(piece.pairs)
    return [BriefPart(tuple(group), opening=index == 0, closing=index == len(groups) - 1)
            for index, group in enumerate(groups)]


def brief_pdf(brief: Brief, html_text: str, variant: str = "a-3", attachments: tuple = (),
              typesetters: ProcessPool | None = None) -> bytes:
    """The brief's PDF: typeset at once (``html_text``) when it is short; else in parts, as many
    at a time as there are typesetters, then joined into one document with continuous page
    numbers, one outline and one structure tree (``pipeline.pdf.join``). ``typesetters``: the
    build's processes (``processes.ProcessPool``); without them, a short brief is typeset in this
    process and a long one in processes of its own."""
    pieces = parts(brief)
    if len(pieces) == 1:
        if typesetters is not None:
            return typesetters.submit(pdf, html_text, variant, attachments).result()
        return pdf(html_text, variant, attachments)
    template = _environment().get_template("brief.html")
    with _part_pool(len(pieces), typesetters) as pool:
        submitted = [pool.submit(_typeset, template.render(article=_context(brief, part=piece)), variant,
                                 attachments if piece.opening else ())
                     for piece in pieces]
        return _joined(pool, brief.document.title, [future.result() for future in submitted])


def press_review_pdf(briefs: list[Brief], html_text: str, variant: str = "a-3",
                     typesetters: ProcessPool | None = None) -> bytes:
    """The press review's PDF: typeset at once (``html_text``) when its briefs are short together;
    else as a long brief is, in parts joined into one document: every article's parts, and a
    contents page whose page numbers come from the parts' page counts (typeset twice: once to
    know its own length, once with the numbers). ``typesetters`` as for ``brief_pdf``."""
    if sum(len(brief.pairs) for brief in briefs) <= part_pairs():
        if typesetters is not None:
            return typesetters.submit(pdf, html_text, variant).result()
        return pdf(html_text, variant)
    pieces = [(brief, piece) for brief in briefs for piece in parts(brief)]
    template = _environment().get_template("press-review-part.html")
    with _part_pool(len(pieces) + 1, typesetters) as pool:
        draft = pool.submit(_typeset, press_review_html(briefs, {_anchor(b): 0 for b in briefs}), variant)
        submitted = [pool.submit(_typeset, template.render(article=_context(brief, anchor=_anchor(brief), part=piece)),
                                 variant) for brief, piece in pieces]
        typeset = [future.result() for future in submitted]
        page, pages = draft.result().pages + 1, {}
        for (brief, _), part in zip(pieces, typeset):
            pages.setdefault(_anchor(brief), page)
            page += part.pages
        contents = pool.submit(_typeset, press_review_html(briefs, pages), variant).result()
        if contents.pages != draft.result().pages:
            raise RuntimeError("the press review's contents changed length once numbered")
        return _joined(pool, "Press review", [contents, *typeset])


@contextmanager
def _part_pool(parts_count: int, typesetters: ProcessPool | None) -> Iterator[ProcessPool]:
    """The given typesetters, or processes of their own: as many as there are CPUs (or parts)."""
    if typesetters is not None:
        yield typesetters
        return
    with ProcessPool(min(parts_count, len(os.sched_getaffinity(0)))) as pool:
        yield pool


def _joined(pool: ProcessPool, title: str, typeset: list[pdf_output.TypesetPart]) -> bytes:
    """Typeset parts as one document, numbered ``Page n of N`` throughout."""
    total = sum(part.pages for part in typeset)
    step = min(NUMBERED_PAGES, -(-total // pool.workers))
    numbers = [pool.submit(_page_numbers, title, first, min(step, total + 1 - first), total)
               for first in range(1, total + 1, step)]
    # Joining holds the whole document's objects: in a worker, so that this process stays as it was.
    return pool.submit(pdf_output.join, typeset, [future.result() for future in numbers]).result()


def _page_numbers(title: str, first: int, count: int, total: int) -> bytes:
    """``count`` empty pages numbered from ``first`` of ``total``: only brief.css's page footer."""
    html_text = _environment().get_template("page-numbers.html").render(title=title, first=first, count=count,
                                                                      total=total)
    return _typeset(html_text, "none").data


@lru_cache(maxsize=1)
def _templates_only_fetcher_class():
    from weasyprint.urls import URLFetcher

    class _TemplatesOnlyFetcher(URLFetcher):
        """Serve ``file:`` URLs under ``templates/``; refuse every other URL."""

        def __init__(self, **kwargs):
            super().__init__(allowed_protocols={"file"}, **kwargs)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            from urllib.parse import unquote, urlparse

            parsed = urlparse(url)
            path = Path(unquote(parsed.path)).resolve() if parsed.scheme == "file" else None
            if path is None or not path.is_relative_to(TEMPLATES):
                self.refused.append(url)
                raise ValueError(f"refused to fetch {url}: only files under templates/ may be loaded")
            return super().fetch(url, headers)

    return _TemplatesOnlyFetcher


def TemplatesOnlyFetcher(**kwargs):  # noqa: N802 - a factory that reads like the class it builds
    """Build the fetcher lazily so that importing this module does not load WeasyPrint."""
    return _templates_only_fetcher_class()(**kwargs)
