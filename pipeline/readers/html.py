"""Web pages: the main text with its structure, whatever generator made the page.

Three steps, each on this page alone (no state carried between documents):

1. Page furniture goes (``markup.strip_furniture``): navigation, tables of contents,
   breadcrumbs, permalink signs, banners, sidebars, comments, hidden elements.
2. trafilatura (precision over recall, no deduplication cache) says which text is the main
   text; the smallest element holding all of that text is the main area.
3. The main area is walked in document order (``markup.walk``), so headings, list items,
   table cells and code keep their kinds even where trafilatura flattens or drops them
   (DocBook XSL's headings, Sphinx's lists). A paragraph of the main area is kept where
   trafilatura kept its text, where it is a sentence, or where it is not mostly links (a name,
   a label); a heading where text it heads is kept; code blocks as they are. Furniture inside
   the main area ("Lesen Sie auch: …" links, share buttons) goes as link text or by its markup.

Metadata only from what the page declares: the title and author as trafilatura reads them;
the date from meta tags, JSON-LD, ``<time>`` in the article or Asciidoctor's revision date,
never guessed from the text (a copyright line, a version number); the source from the site
name or publisher the page declares, else the host of its canonical address.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

from pipeline.errors import InputError
from pipeline.model import Document
from pipeline.readers.common import Block, Metadata, decode, document, iso_date
from pipeline.readers.markup import (DomBlock, is_legal_notice, link_share, local_name, parse_page, strip_furniture,
                                     walk)

DATE_META = ("article:published_time", "og:article:published_time", "og:published_time", "datepublished",
             "date", "dc.date", "dc.date.issued", "dc.date.created", "dcterms.date", "dcterms.issued",
             "dcterms.created", "citation_publication_date", "citation_date", "pubdate", "publishdate",
             "publish-date", "publish_date", "parsely-pub-date", "sailthru.date", "article.published")
SITE_META = ("og:site_name", "application-name", "publisher", "dc.publisher", "dcterms.publisher")
SENTENCE_MIN_WORDS = 4
LABEL_MIN_WORDS = 1
MAX_LINK_SHARE = 0.3
"""A block whose text is more than this share of link text is navigation, not prose."""
MATCHED_SHARE = 0.5
"""A block is in trafilatura's main text when at least this share of its word trigrams is."""
_WORD = re.compile(r"\w+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_PERMALINK_TAIL = re.compile(r"\s*[¶§#🔗]+\s*$")
_SENTENCE_END = re.compile(r"[.!?:…][\"'“”»«)\]]*$")


def read(data: bytes, name: str, path: Path | None) -> Document:
    from lxml import etree

    label = str(path) if path else name
    text, encoding, detected = decode(data, label)
    try:  # lxml refuses a str that declares its encoding: the bytes are decoded already
        page = parse_page(_XML_DECLARATION.sub("", text, count=1), label)
    except (etree.ParserError, ValueError):
        page = None
    if page is None:
        raise _no_article(label)
    metadata = _metadata(page)
    skipped = Counter({"page furniture elements (navigation, contents, banners, permalinks, scripts)":
                       strip_furniture(page)})
    candidates = walk(page)
    kept = _trafilatura_text(page)
    blocks = _main_text(candidates, kept)
    if not any(block.kind != "code" for block in blocks):
        raise _no_article(label)
    skipped["blocks outside the main text or boilerplate in it"] = len(candidates) - len(blocks)
    return document(data, name, path, [Block(b.text, b.kind) for b in blocks], metadata, encoding, detected,
                    skipped=skipped)


def _no_article(label: str) -> InputError:
    return InputError(f"{label}: no article text found in this web page (only navigation, boilerplate or "
                      "nothing at all); save the article's own page, or copy its text into a .txt file")


def _trafilatura_text(page) -> str:
    """The text trafilatura keeps as the page's main text."""
    import trafilatura
    from lxml import etree

    extracted = trafilatura.extract(copy.deepcopy(page), output_format="xml", favor_precision=True,
                                    include_comments=False, include_tables=True, include_images=False,
                                    include_links=False, with_metadata=False, deduplicate=False)
    if not extracted:
        return ""
    return " ".join(etree.fromstring(extracted.encode("utf-8")).itertext())


def _trigrams(text: str) -> list[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return [tuple(words[i:i + 3]) for i in range(max(len(words) - 2, 1))] if words else []


def _main_text(candidates: list[DomBlock], kept: str) -> list[DomBlock]:
    kept_trigrams = set(_trigrams(kept))

    def matched(block: DomBlock) -> bool:
        grams = _trigrams(block.text)
        return bool(grams) and sum(gram in kept_trigrams for gram in grams) >= MATCHED_SHARE * len(grams)

    anchors = [block.element for block in candidates if block.kind in ("text", "item") and matched(block)]
    if not anchors:
        return []
    area = _common_ancestor(anchors)
    inside = [block for block in candidates if (block.element is area or _is_within(block.element, area))
              and not is_legal_notice(block.text)]
    chosen = [block if block.kind in ("heading", "code") or matched(block) or _is_prose(block) else None
              for block in inside]
    # A heading stays when something it heads (before a heading of its level or above) stays.
    result = []
    for index, block in enumerate(chosen):
        if block is None:
            continue
        if block.kind == "heading" and not _heads_something(inside, chosen, index):
            continue
        result.append(block)
    return result


def _heads_something(inside: list[DomBlock], chosen: list[DomBlock | None], index: int) -> bool:
    """Whether text under the heading (up to one of its level or above) is kept, or there is none
    to keep (a section of images only): a heading over dropped teasers or comments goes with them."""
    level = inside[index].level
    headed = 0
    for later, block in zip(inside[index + 1:], chosen[index + 1:]):
        if later.kind == "heading":
            if later.level <= level:
                break
            continue
        if block is not None:
            return True
        headed += 1
    return headed == 0


def _is_prose(block: DomBlock) -> bool:
    """Text of the main area that trafilatura left out but a reader would miss: a sentence (even one
    made of links, as a footnote is), or a line of a few words that is not a link (a name, a label)."""
    words = len(block.text.split())
    if words >= SENTENCE_MIN_WORDS and _SENTENCE_END.search(block.text):
        return True
    return words >= LABEL_MIN_WORDS and link_share(block.element) <= MAX_LINK_SHARE


def _is_within(element, area) -> bool:
    return any(ancestor is area for ancestor in element.iterancestors())


def _common_ancestor(elements: list):
    chain = [elements[0], *elements[0].iterancestors()]
    depth = {id(element): position for position, element in enumerate(chain)}
    lowest = 0
    for element in elements[1:]:
        for candidate in (element, *element.iterancestors()):
            if id(candidate) in depth:
                lowest = max(lowest, depth[id(candidate)])
                break
    return chain[lowest]


# --- metadata: only what the page declares -------------------------------------------------

def _metadata(page) -> Metadata:
    from trafilatura.metadata import extract_metadata

    found = extract_metadata(copy.deepcopy(page), extensive=False)
    title = _PERMALINK_TAIL.sub("", found.title or "").strip() or None
    return Metadata(title=title, author=found.author or None, date=_date(page), source=_source(page, title),
                    title_from="page metadata", date_from="page metadata")


def _meta(page, keys: tuple[str, ...]) -> list[str]:
    values = []
    for element in page.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
        if key in keys and (element.get("content") or "").strip():
            values.append((keys.index(key), element.get("content").strip()))
    return [value for _, value in sorted(values)]


def _json_ld(page) -> list[dict]:
    objects = []
    for script in page.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                objects.append(item)
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
    return objects


def _date(page) -> str | None:
    candidates = _meta(page, DATE_META)
    candidates += [str(o[key]) for o in _json_ld(page) for key in ("datePublished", "dateCreated") if o.get(key)]
    for time in page.iter("time"):
        if time.get("pubdate") is not None or any(local_name(a) in ("article", "main") for a in time.iterancestors()):
            candidates.append(time.get("datetime") or time.text_content())
    candidates += [element.text_content() for element in page.xpath('//*[@id="revdate"]')]  # Asciidoctor
    for value in candidates:
        iso = iso_date(value)
        if iso:
            return iso
    return None


def _source(page, title: str | None) -> str | None:
    names = _meta(page, SITE_META)
    for o in _json_ld(page):
        publisher = o.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            names.append(publisher["name"])
    headings = {" ".join(h.text_content().split()) for h in page.iter("h1", "h2")}
    for name in names:
        name = " ".join(name.split())
        if name and name != title and name not in headings:
            return name
    for link in page.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            return urlparse(link.get("href")).hostname
    url = _meta(page, ("og:url",))
    return urlparse(url[0]).hostname if url else None
