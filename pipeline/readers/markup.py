"""HTML and XHTML as a reader sees them: page furniture removed, then the body walked in
document order into blocks of their kind (heading, paragraph, list item, table cell, code).

Shared by the web-page and the EPUB reader. Generators mark their furniture in a handful of
ways: HTML5 elements (``nav``, ``aside``), ARIA roles and EPUB's ``epub:type``, the ``hidden``
attribute, and class names (DocBook XSL's ``navheader``/``toc``, Sphinx's ``headerlink`` and
``sphinxsidebar``, breadcrumbs, cookie banners). Permalink signs (``¶``, ``#``, ``§``) are
links to the element's own anchor and are dropped wherever they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCKS = {**{tag: "heading" for tag in HEADINGS}, "p": "text", "li": "item", "dt": "item", "dd": "text",
          "td": "text", "th": "text", "caption": "text", "figcaption": "text", "address": "text", "pre": "code",
          "summary": "heading"}
"""Elements whose content is one block, and its kind."""
CONTAINERS = {"html", "body", "div", "section", "article", "main", "header", "footer", "ul", "ol", "dl", "menu",
              "table", "thead", "tbody", "tfoot", "tr", "colgroup", "blockquote", "figure", "details", "center",
              "fieldset", "hgroup", "search", "hr", "form"}
"""Elements that hold blocks but are none themselves."""
NEVER_TEXT = {"head", "script", "style", "template", "noscript", "nav", "aside", "iframe", "object", "embed", "svg",
              "math", "canvas", "video", "audio", "map", "button", "select", "textarea", "input",
              "dialog", "img", "picture", "source", "track", "meta", "link", "title"}
"""Elements that are never the document's text (``math``: formulas cannot be translated as words). Not
``form``: ASP.NET pages wrap the whole page in one."""
FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary", "menu", "menubar", "toolbar",
                   "doc-toc", "directory", "doc-pagelist", "doc-index", "tablist", "alert", "dialog", "alertdialog"}
FURNITURE_EPUB_TYPES = {"toc", "landmarks", "page-list", "loi", "lot", "index", "pagebreak", "titlepage"}
"""EPUB's structural semantics that are not text (a title page repeats the package's metadata)."""
FURNITURE_CLASSES = {
    # DocBook XSL and Publican
    "navheader", "navfooter", "toc", "list-of-tables", "list-of-figures", "list-of-examples", "docnav",
    "breadcrumbs", "breadcrumb", "legalnotice-link",
    # Sphinx (basic, alabaster, Read the Docs), MkDocs, Asciidoctor, Hugo
    "headerlink", "sphinxsidebar", "sphinxsidebarwrapper", "related", "footer", "rst-footer-buttons", "wy-nav-side",
    "wy-breadcrumbs", "md-sidebar", "md-footer", "md-header", "md-nav", "md-source", "toctree-wrapper",
    "header-navigation", "prev-next", "pagination", "pager", "skip-link", "skip-links", "visually-hidden",
    "sr-only", "screen-reader-text", "edit-link", "edit-this-page",
    # news sites
    "cookie", "cookies", "cookie-banner", "cookie-consent", "consent", "gdpr", "share", "sharing", "social",
    "social-share", "newsletter", "related-articles", "teaser", "advert", "advertisement", "ad", "ads", "paywall",
    "comments", "comment", "byline-share",
}
FURNITURE_IDS = {"toc", "sidebar", "footer", "header-navigation", "breadcrumbs", "cookie-banner", "cookie-consent",
                 "comments", "navigation", "nav", "menu", "searchbox", "search"}
PERMALINK_SIGNS = {"¶", "#", "§", "🔗", "⚓", "link", "permalink"}
LABEL_MAX_WORDS = 12
_SPACE = re.compile(r"\s+")
_COPYRIGHT = re.compile(r"(?i)(?:\bcopyright\b|©|\(c\))\s*(?:©\s*)?(?:\d{4}|by\b)")


@dataclass(frozen=True)
class DomBlock:
    """One block of a page: its text (code keeps its lines), kind, and heading level (0 otherwise)."""

    text: str
    kind: str
    level: int = 0
    element: object = None
    """The lxml element it came from (for finding where the main text lies)."""


MAX_ELEMENTS = 1_000_000
"""More tags than this in one page or chapter is no document (a book of 1,000 pages has about 100,000)."""


def parse_page(data: bytes | str, label: str, encoding: str | None = None):
    """The page's lxml tree, refused with one line naming ``label`` when it holds more than
    ``MAX_ELEMENTS`` tags (counted before any tree is built) or nests elements deeper than lxml's
    limit of 255 levels: past it, libxml2 drops the rest of the text without failing."""
    from lxml import html

    from pipeline.errors import InputError

    tags = data.count(b"<" if isinstance(data, bytes) else "<")
    if tags > MAX_ELEMENTS:
        raise InputError(f"{label}: holds {tags:,} tags (at most {MAX_ELEMENTS:,}); not a document this tool reads")
    parser = html.HTMLParser(encoding=encoding)
    page = html.document_fromstring(data, parser=parser)
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise InputError(f"{label}: nests elements deeper than 255 levels, where the parser would drop the "
                         "rest of the text; not a document this tool reads")
    return page


def local_name(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1].lower()


def _attribute_name(key: str) -> str:
    """``{http://www.idpf.org/2007/ops}type`` (XHTML parsed as XML) and ``epub:type`` (as HTML) alike."""
    return "epub:type" if key == "{http://www.idpf.org/2007/ops}type" else key.rsplit("}", 1)[-1]


def link_share(element) -> float:
    """How much of an element's text is link text: near 1 for a contents page or a menu."""
    text = len(clean_inline("".join(element.itertext())))
    links = sum(len(clean_inline("".join(a.itertext()))) for a in element.iter() if local_name(a) == "a" and a.get("href"))
    return links / text if text else 0.0


def _tokens(value: str | None) -> set[str]:
    return set((value or "").lower().split())


def is_furniture(element) -> bool:
    """Whether an element is navigation, a table of contents, a banner, a permalink or hidden."""
    tag = local_name(element)
    if tag in NEVER_TEXT:
        return True
    attributes = {_attribute_name(key): value for key, value in element.attrib.items()}
    if "hidden" in attributes or attributes.get("aria-hidden") == "true":
        return True
    if re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", attributes.get("style", "")):
        return True
    if _tokens(attributes.get("role")) & FURNITURE_ROLES or _tokens(attributes.get("epub:type")) & FURNITURE_EPUB_TYPES:
        return True
    classes = _tokens(attributes.get("class"))
    if classes & FURNITURE_CLASSES or any(c.startswith(("cookie", "breadcrumb")) for c in classes):
        return True
    if (attributes.get("id") or "").lower() in FURNITURE_IDS:
        return True
    if tag == "a" and (attributes.get("href") or "").startswith("#"):
        text = _SPACE.sub("", "".join(element.itertext()))
        return text.lower() in PERMALINK_SIGNS or (not text and not len(element))
    return False


def strip_furniture(root) -> int:
    """Remove page furniture from ``root`` in place (an element's tail text stays); return how many
    elements were removed. ``header``/``footer`` go only outside the main text: an article's own
    header holds its headline."""
    doomed = []
    stack = [root]
    while stack:
        element = stack.pop()
        for child in element:
            if not isinstance(child.tag, str):
                doomed.append(child)  # comments and processing instructions
            elif is_furniture(child) or (local_name(child) in ("header", "footer") and not _inside_main(child)):
                doomed.append(child)
            else:
                stack.append(child)
    for element in doomed:
        _drop(element)
    return len(doomed)


def _inside_main(element) -> bool:
    for ancestor in element.iterancestors():
        if local_name(ancestor) in ("article", "main") or ancestor.get("role") == "main":
            return True
    return False


def _drop(element) -> None:
    """Remove an element but keep the text after it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def walk(root) -> list[DomBlock]:
    """The blocks under ``root`` in document order. Text outside any block element (a ``div``
    holding text and ``<br>``) is a paragraph; a list item's nested list is blocks of its own
    after it, never glued to it; a ``pre`` keeps its lines."""
    found: list[DomBlock] = []
    _walk(root, found, inherited="")
    return found


def _walk(element, found: list[DomBlock], inherited: str) -> None:
    run: list[str] = [element.text or ""]

    def flush() -> None:
        text = clean_inline("".join(run))
        if text:
            found.append(DomBlock(text, inherited or "text", element=element))
        run.clear()

    for child in element:
        tag = local_name(child)
        if tag == "pre":
            flush()
            code = code_text(child)
            if code.strip():
                found.append(DomBlock(code, "code", element=child))
        elif tag in BLOCKS:
            flush()
            kind = BLOCKS[tag]
            if kind == "text" and inherited == "item":
                kind = "item"  # a list item's paragraphs belong to the item
            if kind == "text" and _is_bold_label(child):
                kind = "heading"  # <p><strong>Mitwirkende</strong></p>: a heading in all but name
            if kind == "heading":
                text = clean_inline(inline_text(child))
                if text:
                    found.append(DomBlock(text, "heading", HEADINGS.get(tag, 6), element=child))
            else:
                _walk(child, found, kind)
        elif tag in CONTAINERS or _holds_blocks(child):
            flush()
            _walk(child, found, inherited if inherited == "item" or tag == "blockquote" else "")
        else:
            run.append(inline_text(child))
        run.append(child.tail or "")
    flush()


def _is_bold_label(element) -> bool:
    """A short paragraph that is all one bold element, with no sentence end."""
    children = list(element)
    if len(children) != 1 or local_name(children[0]) not in ("strong", "b") or (element.text or "").strip() \
            or (children[0].tail or "").strip():
        return False
    text = clean_inline("".join(children[0].itertext()))
    return 0 < len(text.split()) <= LABEL_MAX_WORDS and not text.endswith((".", "!", "?", ":", ","))


def is_legal_notice(text: str) -> bool:
    """A copyright or licence line of a page or book, not its text."""
    return bool(_COPYRIGHT.search(text)) or text.strip().lower() in ("copyright", "impressum", "lizenz", "license")


def _holds_blocks(element) -> bool:
    return any(local_name(d) in BLOCKS or local_name(d) in CONTAINERS for d in element.iterdescendants())


def inline_text(element) -> str:
    """The text of an inline element; ``<br>`` is a space."""
    parts = [element.text or ""] if local_name(element) != "br" else [" "]
    for child in element:
        parts.append(inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def clean_inline(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def code_text(element) -> str:
    """A ``pre`` block's text with its line breaks (``<br>`` included), trailing spaces and
    surrounding blank lines dropped."""
    parts = []

    def collect(node) -> None:
        if local_name(node) == "br":
            parts.append("\n")
        else:
            parts.append(node.text or "")
            for child in node:
                collect(child)
                parts.append(child.tail or "")

    collect(element)
    lines = [line.rstrip() for line in "".join(parts).replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")
