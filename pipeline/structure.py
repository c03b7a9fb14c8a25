"""The tagged PDF's structure tree as a screen reader needs it.

WeasyPrint tags each page on its own: an element that runs over several pages (the article, a
section's table, a row cut by a page break) becomes one element per page; a table's header row
repeated at the top of a page becomes another header row; a cell's headers are looked up on its
own page only; and the running header and footer are marked content that no element owns.

``ids_on_elements`` makes WeasyPrint give every structure element built from an HTML element
with an ``id`` that id as its ``/ID`` (ISO 32000-1, 14.7.2). ``tidy`` then, on the typeset PDF
(and again on the parts of a long one once joined), joins the pieces of each element, turns
what is not content into artifacts (repeated header rows, the pair numbers, page furniture),
gives each table's header cells a column scope and every data cell its headers, and marks each
pair's German and English cell with its language.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict

NUMBER_ID = ".n"
"""The pair number's ``<span>`` has the pair's id plus this (``templates/_article.html``): an artifact."""
_MARKED = re.compile(rb"/(\w+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


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


def tidy(document, languages: tuple[str, str] = ("de", "en")) -> None:
    """Make the structure tree of ``document`` (an open pikepdf PDF) one a screen reader can use,
    in place: see the module's description."""
    import pikepdf

    root = document.Root.get("/StructTreeRoot")
    if root is None:
        return
    for top in kids(root):
        _join_pieces(top)
    for table in elements(root, "/Table"):
        _tie_headers(table, languages)
    for element in list(elements(root, "/Span")):
        if _id(element).endswith(NUMBER_ID):
            parent = element.P
            parent.K = pikepdf.Array([kid for kid in _all_kids(parent) if not _is(kid, element)])
    _unique_ids(root)
    _artifacts_for_unowned(document, root)


def kids(element) -> list:
    """The structure elements among an element's kids."""
    import pikepdf

    return [kid for kid in _all_kids(element)
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type", pikepdf.Name.StructElem) == "/StructElem"
            and "/S" in kid]


def _all_kids(element) -> list:
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def elements(root, kind: str):
    """Structure elements of one kind, depth first (iteratively: a long brief nests deep)."""
    stack = list(reversed(kids(root)))
    while stack:
        element = stack.pop()
        if element.get("/S") == kind:
            yield element
        stack.extend(reversed(kids(element)))


def _id(element) -> str:
    value = element.get("/ID")
    return str(value) if value is not None else ""


def _is(one, other) -> bool:
    return one.is_indirect and other.is_indirect and one.objgen == other.objgen


def _join_pieces(element) -> None:
    """Join neighbouring kids that are pieces of one element (the same ``/ID``), depth first."""
    import pikepdf

    stack = [element]
    while stack:
        current = stack.pop()
        joined: list = []
        for kid in _all_kids(current):
            last = joined[-1] if joined else None
            if (last is not None and _is_element(kid) and _is_element(last) and _id(kid) and _id(kid) == _id(last)
                    and kid.get("/S") == last.get("/S") and _absorb(last, kid)):
                continue
            joined.append(kid)
        if len(joined) != len(_all_kids(current)):
            current.K = pikepdf.Array(joined)
        stack.extend(kid for kid in joined if _is_element(kid))


def _is_element(kid) -> bool:
    import pikepdf

    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


def _absorb(first, second) -> bool:
    """Move ``second``'s content into ``first``, its earlier piece; ``False`` (and nothing moved)
    when ``second`` owns marked content directly, whose page only its own ``/Pg`` says."""
    if any(not _is_element(kid) for kid in _all_kids(second)):
        return False
    kind = first.get("/S")
    if kind == "/Table":  # a header row repeated on a new page is not a row of the table
        bodies = [kid for kid in kids(first) if kid.S == "/TBody"]
        for kid in kids(second):
            if kid.S == "/THead":
                continue
            if kid.S == "/TBody" and bodies:
                _append(bodies[-1], kids(kid))
            else:
                _append(first, [kid])
    elif kind == "/TR":  # a row cut by a page break: each cell's pieces, column by column
        cells, more = kids(first), kids(second)
        if len(cells) != len(more):
            return False
        for cell, piece in zip(cells, more):
            _append(cell, kids(piece))
    else:
        _append(first, kids(second))
    return True


def _append(parent, kids: list) -> None:
    import pikepdf

    for kid in kids:
        kid.P = parent
    parent.K = pikepdf.Array(_all_kids(parent) + kids)


def _tie_headers(table, languages: tuple[str, str]) -> None:
    """Header cells scope their column; every data cell names its column's header cells; the
    German and English cells of a pair (and their headers) carry their language."""
    import pikepdf

    heads = [kid for kid in kids(table) if kid.S == "/THead"]
    header_cells = [cell for row in (kids(heads[0]) if heads else []) for cell in kids(row) if cell.S == "/TH"]
    table_id = _id(table) or f"table{table.objgen[0]}"
    for column, cell in enumerate(header_cells):
        cell.ID = pikepdf.String(f"{table_id}.h{column}")
        cell.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=pikepdf.Name.Column)
    for body in (kid for kid in kids(table) if kid.S == "/TBody"):
        for row in kids(body):
            column = 0
            cells = [cell for cell in kids(row) if cell.S in ("/TD", "/TH")]
            for cell in cells:
                attributes = cell.get("/A", pikepdf.Dictionary(O=pikepdf.Name.Table))
                span = int(attributes.get("/ColSpan", 1))
                attributes.Headers = pikepdf.Array([header_cells[c].ID for c in range(column, column + span)
                                                    if c < len(header_cells)])
                cell.A = attributes
                column += span
            if len(cells) == 3:
                cells[1].Lang, cells[2].Lang = (pikepdf.String(language) for language in languages)
    if len(header_cells) == 3:
        header_cells[1].Lang, header_cells[2].Lang = (pikepdf.String(language) for language in languages)


def _unique_ids(root) -> None:
    """Each ``/ID`` once (a piece left unjoined keeps none), listed in the root's ID tree."""
    import pikepdf

    found: dict[str, object] = {}
    stack = list(kids(root))
    while stack:
        element = stack.pop()
        identifier = _id(element)
        if identifier:
            if identifier in found:
                del element["/ID"]
            else:
                found[identifier] = element
        stack.extend(kids(element))
    if found:
        root.IDTree = pikepdf.Dictionary(Names=pikepdf.Array(
            [item for name in sorted(found) for item in (pikepdf.String(name), found[name])]))
    elif "/IDTree" in root:
        del root["/IDTree"]


def _artifacts_for_unowned(document, root) -> None:
    """Marked content that no element of the tree owns (page furniture, repeated header rows, pair
    numbers) becomes an artifact, and the parent tree forgets it."""
    import pikepdf

    owned: dict[tuple, set[int]] = defaultdict(set)
    stack = list(kids(root))
    while stack:
        element = stack.pop()
        page = element.get("/Pg")
        for kid in _all_kids(element):
            if isinstance(kid, int) and page is not None:
                owned[page.objgen].add(int(kid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                owned[kid.get("/Pg", page).objgen].add(int(kid.MCID))
            elif _is_element(kid):
                stack.append(kid)
    parents = dict(_number_tree(root.ParentTree))
    for page in document.pages:
        keep = owned.get(page.obj.objgen, set())
        dropped: set[int] = set()

        def unmark(match, keep=keep, dropped=dropped):
            mcid = int(match.group(2))
            if mcid in keep:
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


def _number_tree(tree) -> list:
    flat = list(tree.get("/Nums", ()))  # WeasyPrint and pipeline.pdf write one flat array
    return [(int(key), value) for key, value in zip(flat[::2], flat[1::2])]
