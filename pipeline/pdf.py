"""The PDF that goes out: archival (PDF/A-3), tagged, its languages marked per cell, and
carrying its own data (the brief's JSON, XLIFF and TMX as associated files).

WeasyPrint writes the PDF/A-3 (or PDF/UA-1) file with its structure tree and attachments;
it gives only the catalog a language, so each pair's German and English cells get their
``/Lang`` here, afterwards, with pikepdf. ``extract`` gives the attachments back.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, UsageError
from pipeline.model import Attachment
from pipeline.structure import id_tree_names, number_tree, tidy, tidy_joined

VARIANTS = {"a-3": "pdf/a-3a", "ua-1": "pdf/ua-1", "none": None}
"""``--pdf-variant``: PDF/A-3 level A (tagged) by default, PDF/UA-1 on request, or a plain PDF."""
DEFAULT_VARIANT = "a-3"
MIME_TYPES = {".json": "application/json", ".xlf": "application/xliff+xml", ".tmx": "application/x-tmx+xml"}


@dataclass(frozen=True)
class Bookmark:
    """An outline entry where WeasyPrint put it: CSS ``bookmark-level``, label, page index and
    position in PDF points."""

    level: int
    label: str
    page: int
    x: float
    y: float


@dataclass(frozen=True)
class TypesetPart:
    """A typeset PDF (a whole brief or one part of a long one) with what joining it needs."""

    data: bytes
    pages: int
    bookmarks: tuple[Bookmark, ...]


def variant_option(variant: str) -> str | None:
    if variant not in VARIANTS:
        raise UsageError(f"--pdf-variant {variant!r}: choose one of {', '.join(VARIANTS)}")
    return VARIANTS[variant]


def weasyprint_attachments(attachments: tuple[Attachment, ...]) -> list:
    """WeasyPrint's attachments; their MIME types are set by ``finish`` (WeasyPrint would guess them
    from the process-wide ``mimetypes`` table, which has no entry for ``.xlf`` or ``.tmx``)."""
    from weasyprint import Attachment as WeasyAttachment

    # In name order: the PDF's EmbeddedFiles name tree must be sorted.
    return [WeasyAttachment(file_obj=io.BytesIO(a.data), name=a.name, description=a.description,
                            relationship=a.relationship) for a in sorted(attachments, key=lambda a: a.name)]


def finish(pdf_bytes: bytes, alternatives: dict[str, str] | None = None, source_language: str = "de",
           target_language: str = "en") -> bytes:
    """What WeasyPrint leaves undone: a structure tree a screen reader can use
    (``pipeline.structure.tidy``: one table per section with header cells, every pair's German
    cell ``/Lang (de)`` and English cell ``/Lang (en)``, artifacts for what is not content), each
    associated file is listed once in the catalog's
    ``/AF`` (WeasyPrint 70 lists each twice), the viewer shows the document's title, and
    annotations (the contents page's links) are in structure order (PDF/UA-1 asks for both), and
    each associated file has its MIME type."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as document:
        document.Root.ViewerPreferences = document.Root.get("/ViewerPreferences", pikepdf.Dictionary())
        document.Root.ViewerPreferences.DisplayDocTitle = True
        for page in document.pages:
            page.obj.Tabs = pikepdf.Name.S
        if "/AF" in document.Root:
            unique = {spec.objgen: spec for spec in document.Root.AF}
            document.Root.AF = pikepdf.Array(list(unique.values()))
            for spec in unique.values():
                mime_type = MIME_TYPES.get(Path(str(spec.get("/UF", spec.get("/F", "")))).suffix)
                if mime_type:
                    spec.EF.F.Subtype = pikepdf.Name("/" + mime_type)
        tidy(document, (source_language, target_language), alternatives or {})
        out = io.BytesIO()
        document.save(out, deterministic_id=False, preserve_pdfa=True)
        return out.getvalue()


def join(parts: list[TypesetPart], page_numbers: list[bytes]) -> bytes:
    """One PDF of parts typeset apart: the first part's catalog (metadata, output intent,
    attachments, language) with every part's pages; one structure tree, whose Document element
    holds every part's elements in order and whose parent tree is renumbered to match; one
    outline and one set of named destinations; and on every page its number, from
    ``page_numbers`` (PDFs of empty pages with only the footer, page for page), as an artifact.

    Each part is opened, copied and closed in turn (pikepdf keeps what the copies need), so
    that only the joined document is held whole: about 1.6 KB of memory per PDF object."""
    import pikepdf

    joined = pikepdf.open(io.BytesIO(parts[0].data))
    tagged = "/StructTreeRoot" in joined.Root
    structure = _Structure(joined) if tagged else None
    names = dict((bytes(name), destination) for name, destination in _destinations(joined))
    for part in parts[1:]:
        with pikepdf.open(io.BytesIO(part.data)) as document:
            joined.pages.extend(document.pages)
            for name, destination in _destinations(document):
                names.setdefault(bytes(name), _copy(joined, document, destination))
            if structure:
                structure.add(document, part.pages)
    if structure:
        structure.finish()
        tidy_joined(joined)
    if names:
        if "/Names" not in joined.Root:  # a first part without destinations (a contents page)
            joined.Root.Names = pikepdf.Dictionary()
        joined.Root.Names.Dests = pikepdf.Dictionary(
            Names=pikepdf.Array([item for name in sorted(names) for item in (pikepdf.String(name), names[name])]))
    offsets = [sum(part.pages for part in parts[:index]) for index in range(len(parts))]
    _outline(joined, [_shifted(mark, offsets[index]) for index, part in enumerate(parts) for mark in part.bookmarks])
    _number_pages(joined, page_numbers)
    out = io.BytesIO()
    joined.save(out, deterministic_id=False, preserve_pdfa=True)
    joined.close()
    return out.getvalue()


def _shifted(mark: Bookmark, offset: int) -> Bookmark:
    return Bookmark(mark.level, mark.label, mark.page + offset, mark.x, mark.y)


def _copy(joined, document, value):
    """``value`` of ``document`` copied into ``joined`` (pikepdf copies only indirect objects)."""
    return joined.copy_foreign(value if value.is_indirect else document.make_indirect(value))


def _destinations(document) -> list:
    names = document.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    if dests is None:
        return []
    flat = list(dests.Names)  # WeasyPrint writes one flat, sorted array
    return list(zip(flat[::2], flat[1::2]))


class _Structure:
    """The joined structure tree: every part's elements under the first part's Document
    element; the parent tree keyed by page index (pages' ``/StructParents``), then by
    annotation (``/StructParent``), as WeasyPrint keys it."""

    def __init__(self, joined) -> None:
        self._joined = joined
        self._document = joined.Root.StructTreeRoot.K[0]
        self._page_entries = []
        self._annotation_entries = {}
        self._part_of_page = []
        self._parts = 0
        self._id_names = id_tree_names(joined)
        self._take(joined.Root.StructTreeRoot, len(joined.pages), lambda value: value)

    def add(self, document, pages: int) -> None:
        """A part whose pages were just appended to the joined document."""
        element = _copy(self._joined, document, document.Root.StructTreeRoot.K[0])
        for kid in element.K:
            kid.P = self._document
            self._document.K.append(kid)
        self._take(document.Root.StructTreeRoot, pages, lambda value: _copy(self._joined, document, value))
        names = id_tree_names(document)
        for name, element in zip(names[::2], names[1::2]):
            self._id_names += [name, _copy(self._joined, document, element)]

    def _take(self, root, pages: int, copy) -> None:
        part, offset = self._parts, len(self._part_of_page)
        self._parts += 1
        for key, value in number_tree(root.ParentTree):
            if key < pages:
                self._page_entries.append((key + offset, copy(value)))
            else:
                self._annotation_entries[(part, key)] = copy(value)
        self._part_of_page.extend([part] * pages)

    def finish(self) -> None:
        import pikepdf

        entries = list(self._page_entries)
        next_key = len(self._part_of_page)
        for number, page in enumerate(self._joined.pages):
            page.obj.StructParents = number
            for annotation in page.obj.get("/Annots", ()):
                if "/StructParent" in annotation:
                    entries.append((next_key, self._annotation_entries.pop(
                        (self._part_of_page[number], int(annotation.StructParent)))))
                    annotation.StructParent = next_key
                    next_key += 1
        root = self._joined.Root.StructTreeRoot
        root.ParentTree = self._joined.make_indirect(pikepdf.Dictionary(
            Nums=pikepdf.Array([item for key, value in sorted(entries, key=lambda entry: entry[0])
                                for item in (key, value)])))
        root.ParentTreeNextKey = next_key
        if self._id_names:
            root.IDTree = pikepdf.Dictionary(Names=pikepdf.Array(self._id_names))


def _outline(joined, bookmarks: list[Bookmark]) -> None:
    """One outline from every part's bookmarks, nested by their CSS levels as WeasyPrint nests them."""
    import pikepdf

    if "/Outlines" in joined.Root:
        del joined.Root["/Outlines"]
    with joined.open_outline() as outline:
        stack: list[tuple[int, list]] = [(0, outline.root)]
        for mark in bookmarks:
            while stack[-1][0] >= mark.level:
                stack.pop()
            item = pikepdf.OutlineItem(mark.label, destination=pikepdf.Array(
                [joined.pages[mark.page].obj, pikepdf.Name.XYZ, mark.x, mark.y, 0]))
            stack[-1][1].append(item)
            stack.append((mark.level, item.children))


def _number_pages(joined, page_numbers: list[bytes]) -> None:
    """Draw each numbered page's footer over the joined page, as an artifact (not content)."""
    import pikepdf

    number = 0
    for data in page_numbers:
        with pikepdf.open(io.BytesIO(data)) as sheet:
            for footer in sheet.pages:
                page = joined.pages[number]
                number += 1
                form = joined.copy_foreign(footer.as_form_xobject())
                resources = pikepdf.Dictionary({key: value for key, value in page.obj.Resources.items()})
                resources.XObject = pikepdf.Dictionary({**dict(resources.get("/XObject", {}).items()),
                                                        "/PageNumber": form})
                page.obj.Resources = resources
                page.contents_add(pikepdf.Stream(joined, b"q\n"), prepend=True)
                page.contents_add(pikepdf.Stream(joined, b"Q\n/Artifact BMC q /PageNumber Do Q EMC\n"))
    if number != len(joined.pages):
        raise ValueError(f"{number} numbered pages for {len(joined.pages)} pages")


ATTACHMENT_NAME = re.compile(r"[\w-][\w.-]*\.(?:json|xlf|tmx)")
"""A file name ``extract`` writes: a brief's own attachments' names fit it (``extracted_name``)."""
MAX_ATTACHMENT_BYTES = 1024 * 2**20
MAX_ATTACHMENT_RATIO = 200
"""A brief's JSON, XLIFF and TMX compress 5 to 20 times; inflating more than this (past
``_RATIO_FROM_BYTES``) is a decompression bomb."""
_RATIO_FROM_BYTES = 16 * 2**20
_CHUNK = 2**16


@dataclass(frozen=True)
class EmbeddedFile:
    """An attachment of a PDF, read within bounds: ``chunks()`` inflates it piece by piece."""

    name: str
    """Its name in the PDF, as the PDF says (untrusted: print it through ``printable``)."""
    file_name: str
    """The name it is written under (``extracted_name``)."""
    _stream: object

    def chunks(self) -> Iterator[bytes]:
        """Its bytes, a piece at a time, never more than ``MAX_ATTACHMENT_BYTES`` in all nor more
        than ``MAX_ATTACHMENT_RATIO`` times what the PDF stores; ``InputError`` past either."""
        import pikepdf

        stored = int(self._stream.get("/Length", 0))
        if stored > MAX_ATTACHMENT_BYTES:
            raise InputError(f"attachment {self.name!r} stores {stored:,} bytes (at most {MAX_ATTACHMENT_BYTES:,}); "
                             "not a brief's data; nothing extracted")
        raw = self._stream.read_raw_bytes()
        filters = self._stream.get("/Filter")
        filters = [filters] if isinstance(filters, pikepdf.Name) else list(filters or [])
        if not filters:
            pieces: Iterator[bytes] = (raw[i:i + _CHUNK] for i in range(0, len(raw), _CHUNK))
        elif filters == [pikepdf.Name.FlateDecode] and "/DecodeParms" not in self._stream:
            pieces = _inflated(raw)
        else:
            raise InputError(f"attachment {self.name!r} is encoded with {', '.join(str(f) for f in filters)}, "
                             "which a brief's attachments never are; not extracted")
        total = 0
        for piece in pieces:
            total += len(piece)
            if total > MAX_ATTACHMENT_BYTES or (total > _RATIO_FROM_BYTES
                                                and total > MAX_ATTACHMENT_RATIO * max(len(raw), 1)):
                raise InputError(f"attachment {self.name!r} inflates past {total // 2**20:,} MB from "
                                 f"{len(raw):,} bytes: a decompression bomb, not a brief's data; nothing extracted")
            yield piece


def _inflated(raw: bytes) -> Iterator[bytes]:
    """zlib-inflated ``raw``, at most ``_CHUNK`` bytes at a time however far it inflates."""
    inflater = zlib.decompressobj()
    try:
        for start in range(0, len(raw), _CHUNK):
            pending = raw[start:start + _CHUNK]
            while pending:
                piece = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
                if piece:
                    yield piece
            if inflater.eof:
                return
        tail = inflater.flush()
    except zlib.error as error:
        raise InputError(f"an attachment's compressed data is damaged ({error})") from None
    if tail:
        yield tail


def extracted_name(name: str) -> str | None:
    """The file name an attachment is written under: its name with every character but letters,
    digits, ``.``, ``-`` and ``_`` made ``_`` (``Ausgabe #7.json`` → ``Ausgabe__7.json``, and
    ``a/dup.json`` → ``a_dup.json``, never a path); ``None`` unless that fits ``ATTACHMENT_NAME``
    (a brief's JSON, XLIFF or TMX, never a dot file such as ``.bashrc``, never ``..``)."""
    safe = re.sub(r"[^\w.-]", "_", name)
    return safe if ATTACHMENT_NAME.fullmatch(safe) and len(safe.encode()) <= 255 else None


@contextmanager
def embedded_files(pdf_path: Path) -> Iterator[tuple[list[EmbeddedFile], list[str]]]:
    """The attachments of a brief's PDF that ``extract`` writes, each checked whole (name and
    size) before any is handed on; and the names of those it leaves out (another tool's files).
    The PDF stays open while the caller reads the files' ``chunks``."""
    import pikepdf

    try:
        document = pikepdf.open(pdf_path)
    except FileNotFoundError:
        raise InputError(f"{pdf_path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{pdf_path}: is a directory; name a brief's PDF") from None
    except pikepdf.PasswordError:
        raise InputError(f"{pdf_path}: is encrypted; a brief's PDF never is") from None
    except pikepdf.PdfError as error:
        raise InputError(f"{pdf_path}: is not a readable PDF ({error})") from None
    with document:
        try:
            checked = _checked_attachments(document)
        except pikepdf.PdfError as error:
            raise InputError(f"{pdf_path}: is not a readable PDF ({error})") from None
        except InputError as error:
            raise InputError(f"{pdf_path}: {error}") from None
        yield checked


def _checked_attachments(document) -> tuple[list[EmbeddedFile], list[str]]:
    import pikepdf

    found, skipped, taken = [], [], {}
    for name, spec in document.attachments.items():
        file_name = extracted_name(name)
        if file_name is None:
            skipped.append(name)
            continue
        if file_name.lower() in taken:
            raise InputError(f"two attachments, {taken[file_name.lower()]!r} and {name!r}, would both be "
                             f"written as {file_name}; nothing extracted")
        taken[file_name.lower()] = name
        streams = spec.obj.get("/EF", pikepdf.Dictionary())
        stream = streams.get("/UF") or streams.get("/F")
        if not isinstance(stream, pikepdf.Stream):
            raise InputError(f"attachment {name!r} holds no file; nothing extracted")
        embedded = EmbeddedFile(name, file_name, stream)
        for _ in embedded.chunks():  # inflated once to check its size, never kept
            pass
        found.append(embedded)
    return found, skipped
