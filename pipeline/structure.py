"""The tagged PDF's structure tree as a screen reader needs it.

WeasyPrint tags each page on its own: an element that runs over several pages (the article, a
section's table, a row cut by a page break) becomes one element per page; a table's header row
repeated at the top of a page becomes another header row; a cell's headers are looked up on its
own page only; and the running header and footer are marked content that no element owns.

``ids_on_elements`` makes WeasyPrint give every structure element built from an HTML element
with an ``id`` that id as its ``/ID`` (ISO 32000-1, 14.7.2). ``tidy`` then, on each typeset PDF,
joins the pieces of each element, turns what is not content into artifacts (repeated header
rows, the pair numbers, page furniture), gives each table's header cells a column scope and
every data cell its headers, marks each pair's German and English cell with its language, and
gives the pairs' markers their alternative text. ``tidy_joined`` does the joining again where
the parts of a long PDF meet (``pipeline.pdf.join``). Both read each element once: pikepdf's
attribute access is what a long PDF's tree costs.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict

NUMBER_ID = ".n"
"""The pair number's ``<span>`` has the pair's id plus this (``templates/_article.html``): an artifact."""
_MARKED = re.compile(rb"/\w+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
"""A marked-content sequence with an id, as WeasyPrint writes it: ``/Span <</MCID 7>> BDC``."""


def ids_on_elements() -> None:
    """Wrap WeasyPrint's tag builder (once per process) so that elements carry their HTML id.
    WeasyPrint 70 offers no hook for this; ``tests/test_pdf.py`` fails if its builder changes."""
    import pydyf
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    build = tags._build_box_tree
    if getattr(build, "gives_ids", False):
        return

    def with_ids(box, *arguments):
        own = getattr(box, "_box", box)  # an absolutely placed box stands in for its own
        element_id = None
        if own.element is not None and own.element_tag not in ("html", "body") and not isinstance(
                own, (boxes.PageBox, boxes.MarginBox)):
            element_id = own.element.get("id")
        for element in build(box, *arguments):
            if element_id:
                element["ID"] = pydyf.String(element_id)
            yield element

    with_ids.gives_ids = True
    tags._build_box_tree = with_ids


def tidy(document, languages: tuple[str, str] = ("de", "en"), alternatives: dict[str, str] | None = None) -> None:
    """Make the structure tree of ``document`` (an open pikepdf PDF) one a screen reader can use,
    in place: see the module's description. ``alternatives``: what the element of each id says
    instead of its symbol (a pair's ◆: ``flagged: numbers, names``), as its ``/Alt`` and ``/ActualText``."""
    root = document.Root.get("/StructTreeRoot")
    if root is None:
        return
    for document_element in kids(root):
        _join_pieces(document_element, defaultdict(set))
    for table in elements(root, "/Table"):
        _tie_headers(table, languages, alternatives or {})
    owned, identified = _walk(root)
    _name_ids(root, identified)
    _unmark(document, root, lambda page: owned.get(page.objgen, set()), keep=True)


def tidy_joined(document) -> None:
    """After ``pipeline.pdf.join``: the pieces of one element that parts typeset apart left (an
    article, a section's table running on) become one; a header row repeated at the top of a
    part becomes an artifact; the parts' ID trees become one (the first element of an id wins)."""
    root = document.Root.get("/StructTreeRoot")
    if root is None:
        return
    dropped: dict[tuple, set[int]] = defaultdict(set)
    for document_element in kids(root):
        _join_pieces(document_element, dropped)
    _unmark(document, root, lambda page: dropped.get(page.objgen, set()), keep=False)
    flat = id_tree_names(document)
    first: dict[str, object] = {}
    for name, element in zip(flat[::2], flat[1::2]):
        first.setdefault(str(name), element)
    _name_ids(root, first)


def id_tree_names(document) -> list:
    """The flat ``/Names`` array of a document's structure ID tree (empty without one)."""
    root = document.Root.get("/StructTreeRoot")
    names = root.get("/IDTree") if root is not None else None
    return list(names.Names) if names is not None else []


def kids(element) -> list:
    """The structure elements among an element's kids."""
    return [kid for kid in _all_kids(element) if _is_element(kid)]


def _all_kids(element) -> list:
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(kid) -> bool:
    import pikepdf

    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


def elements(root, kind: str):
    """Structure elements of one kind, depth first (iteratively: a long brief nests deep); the
    elements of that kind are not looked into."""
    stack = list(reversed(kids(root)))
    while stack:
        element = stack.pop()
        if element.get("/S") == kind:
            yield element
        else:
            stack.extend(reversed(kids(element)))


def _id(element) -> str:
    value = element.get("/ID")
    return str(value) if value is not None else ""


def _join_pieces(parent, dropped: dict[tuple, set[int]]) -> None:
    """Neighbouring kids of ``parent`` that are pieces of one element (the same kind and ``/ID``;
    the bodies of one table) become one, and so, inside it, do the pieces where they met. Only
    joined elements are looked into: pieces come only from page (and part) breaks."""
    import pikepdf

    stack = [parent]
    while stack:
        current = stack.pop()
        groups: list[list] = []
        for kid in _all_kids(current):
            last = groups[-1][-1] if groups else None
            if last is not None and _is_element(kid) and _is_element(last) and _same(last, kid):
                groups[-1].append(kid)
            else:
                groups.append([kid])
        if all(len(group) == 1 for group in groups):
            continue
        joined = []
        for group in groups:
            if len(group) > 1 and _merge(group, dropped):
                stack.append(group[0])
                joined.append(group[0])
            else:
                joined.extend(group)
        current.K = pikepdf.Array(joined)


def _same(one, other) -> bool:
    kind = one.get("/S")
    if kind != other.get("/S"):
        return False
    return kind == "/TBody" or (bool(_id(one)) and _id(one) == _id(other))


def _merge(pieces: list, dropped: dict[tuple, set[int]]) -> bool:
    """The pieces' kids under the first piece; ``False`` (nothing moved) when a piece owns marked
    content directly, whose page only its own ``/Pg`` says. A table keeps its first header row;
    a row cut by a page break joins its cells column by column."""
    first = pieces[0]
    contents = [_all_kids(piece) for piece in pieces]
    if any(not _is_element(kid) for piece in contents for kid in piece):
        return False
    if first.S == "/TR":
        if len({len(piece) for piece in contents}) != 1:
            return False
        for column, cell in enumerate(contents[0]):
            _adopt(cell, [kid for piece in contents for kid in _all_kids(piece[column])])
        return True
    merged = [kid for piece in contents for kid in piece]
    if first.S == "/Table":
        heads = [kid for kid in merged if kid.S == "/THead"]
        for repeated in heads[1:]:
            for page, mcids in _marked_content(repeated).items():
                dropped[page] |= mcids
        merged = [kid for kid in merged if kid.S != "/THead" or kid is heads[0]]
    _adopt(first, merged)
    return True


def _adopt(parent, kids: list) -> None:
    import pikepdf

    for kid in kids:
        kid.P = parent
    parent.K = pikepdf.Array(kids)


def _marked_content(element) -> dict[tuple, set[int]]:
    """The marked content under an element, by page."""
    found: dict[tuple, set[int]] = defaultdict(set)
    stack = [element]
    while stack:
        stack.extend(_owned_by(stack.pop(), found))
    return found


def _owned_by(element, found: dict[tuple, set[int]]) -> list:
    """Adds the marked content the element owns itself (by page) to ``found``; its kid elements."""
    import pikepdf

    page = element.get("/Pg")
    children = []
    for kid in _all_kids(element):
        if isinstance(kid, int) and page is not None:
            found[page.objgen].add(int(kid))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            found[kid.get("/Pg", page).objgen].add(int(kid.MCID))
        elif _is_element(kid):
            children.append(kid)
    return children


def _tie_headers(table, languages: tuple[str, str], alternatives: dict[str, str]) -> None:
    """Header cells scope their column; every data cell names its column's header cells; the
    German and English cells of a pair (and their headers) carry their language; in the first
    column, the pair number leaves the tree (an artifact) and markers get their alternative text."""
    import pikepdf

    parts = kids(table)
    heads = [kid for kid in parts if kid.S == "/THead"]
    header_cells = [cell for row in (kids(heads[0]) if heads else []) for cell in kids(row) if cell.S == "/TH"]
    table_id = _id(table) or f"table{table.objgen[0]}"
    names = []
    for column, cell in enumerate(header_cells):
        names.append(pikepdf.String(f"{table_id}.h{column}"))
        cell.ID = names[-1]
        cell.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=pikepdf.Name.Column)
    german, english = (pikepdf.String(language) for language in languages)
    if len(header_cells) == 3:
        header_cells[1].Lang, header_cells[2].Lang = german, english
    for body in (kid for kid in parts if kid.S == "/TBody"):
        for row in kids(body):
            cells = [cell for cell in kids(row) if cell.S in ("/TD", "/TH")]
            column = 0
            for cell in cells:
                attributes = cell.get("/A", pikepdf.Dictionary(O=pikepdf.Name.Table))
                span = int(attributes.get("/ColSpan", 1))
                attributes.Headers = pikepdf.Array(names[column:column + span])
                cell.A = attributes
                column += span
            if cells:
                _mark_first_column(cells[0], alternatives)
            if len(cells) == 3:
                cells[1].Lang, cells[2].Lang = german, english


def _mark_first_column(cell, alternatives: dict[str, str]) -> None:
    import pikepdf

    content = _all_kids(cell)
    kept = []
    for kid in content:
        identifier = _id(kid) if _is_element(kid) else ""
        if identifier.endswith(NUMBER_ID):
            continue  # its marked content, now owned by nothing, becomes an artifact
        if identifier and kept and _id(kept[-1]) == identifier:  # a marker cut at a line end
            _adopt(kept[-1], kids(kept[-1]) + kids(kid))
            continue
        if identifier in alternatives:
            kid.Alt = kid.ActualText = pikepdf.String(alternatives[identifier])
        kept.append(kid)
    if len(kept) != len(content):
        cell.K = pikepdf.Array(kept)


def _walk(root) -> tuple[dict[tuple, set[int]], dict[str, object]]:
    """The marked content each page's elements own, and the first element of every ``/ID``
    (a later one loses its ``/ID``: pieces not joined must not claim another's)."""
    owned: dict[tuple, set[int]] = defaultdict(set)
    identified: dict[str, object] = {}
    stack = list(kids(root))
    while stack:
        element = stack.pop()
        identifier = _id(element)
        if identifier:
            if identifier in identified:
                del element["/ID"]
            else:
                identified[identifier] = element
        stack.extend(_owned_by(element, owned))
    return owned, identified


def _name_ids(root, identified: dict[str, object]) -> None:
    """The ID tree a structure tree with ``/ID``s must have (ISO 32000-1, 14.7.2)."""
    import pikepdf

    if identified:
        root.IDTree = pikepdf.Dictionary(Names=pikepdf.Array(
            [item for name in sorted(identified) for item in (pikepdf.String(name), identified[name])]))
    elif "/IDTree" in root:
        del root["/IDTree"]


def _unmark(document, root, chosen, keep: bool) -> None:
    """Marked content becomes an artifact, and the parent tree forgets it: on each page, what
    ``chosen(page)`` does not list (``keep``), or what it lists."""
    import pikepdf

    parents = dict(number_tree(root.ParentTree))
    for page in document.pages:
        listed = chosen(page.obj)
        if not keep and not listed:
            continue
        dropped: set[int] = set()

        def unmark(match, listed=listed, dropped=dropped):
            mcid = int(match.group(1))
            if (mcid in listed) == keep:
                return match.group(0)
            dropped.add(mcid)
            return b"/Artifact BMC"

        contents = page.obj.get("/Contents")
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
        for stream in streams:
            data = stream.read_bytes()
            rewritten = _MARKED.sub(unmark, data)
            if rewritten != data:
                stream.write(zlib.compress(rewritten), filter=pikepdf.Name.FlateDecode)
        entries = parents.get(int(page.obj.get("/StructParents", -1)))
        if dropped and isinstance(entries, pikepdf.Array):
            for mcid in dropped:
                if mcid < len(entries):
                    entries[mcid] = None


def number_tree(tree) -> list:
    """A number tree's ``(key, value)`` pairs; WeasyPrint and ``pipeline.pdf`` write one flat array."""
    flat = list(tree.get("/Nums", ()))
    return [(int(key), value) for key, value in zip(flat[::2], flat[1::2])]
