"""The PDF that goes out: archival (PDF/A-3), tagged, its languages marked per cell, and
carrying its own data (the brief's JSON, XLIFF and TMX as associated files).

WeasyPrint writes the PDF/A-3 (or PDF/UA-1) file with its structure tree and attachments;
it gives only the catalog a language, so each pair's German and English cells get their
``/Lang`` here, afterwards, with pikepdf. ``extract`` gives the attachments back.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, UsageError

VARIANTS = {"a-3": "pdf/a-3a", "ua-1": "pdf/ua-1", "none": None}
"""``--pdf-variant``: PDF/A-3 level A (tagged) by default, PDF/UA-1 on request, or a plain PDF."""
DEFAULT_VARIANT = "a-3"
MIME_TYPES = {".json": "application/json", ".xlf": "application/xliff+xml", ".tmx": "application/x-tmx+xml"}


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    relationship: str
    """PDF/A-3's ``AFRelationship``: ``Source`` (what the PDF was made from) or ``Data``."""
    description: str


def variant_option(variant: str) -> str | None:
    if variant not in VARIANTS:
        raise UsageError(f"--pdf-variant {variant!r}: choose one of {', '.join(VARIANTS)}")
    return VARIANTS[variant]


def weasyprint_attachments(attachments: tuple[Attachment, ...]) -> list:
    import mimetypes

    from weasyprint import Attachment as WeasyAttachment

    for suffix, mime_type in MIME_TYPES.items():
        mimetypes.add_type(mime_type, suffix, strict=False)  # WeasyPrint guesses the MIME type from the name
    # In name order: the PDF's EmbeddedFiles name tree must be sorted.
    return [WeasyAttachment(file_obj=io.BytesIO(a.data), name=a.name, description=a.description,
                            relationship=a.relationship) for a in sorted(attachments, key=lambda a: a.name)]


def finish(pdf_bytes: bytes, source_language: str = "de", target_language: str = "en") -> bytes:
    """What WeasyPrint leaves undone: every pair's German cell gets ``/Lang (de)`` and its
    English cell ``/Lang (en)`` (a pair is a table row of three cells: id, German, English,
    ``templates/_article.html``), each associated file is listed once in the catalog's
    ``/AF`` (WeasyPrint 70 lists each twice), the viewer shows the document's title, and
    annotations (the contents page's links) are in structure order (PDF/UA-1 asks for both)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as document:
        document.Root.ViewerPreferences = document.Root.get("/ViewerPreferences", pikepdf.Dictionary())
        document.Root.ViewerPreferences.DisplayDocTitle = True
        for page in document.pages:
            page.obj.Tabs = pikepdf.Name.S
        if "/AF" in document.Root:
            unique = {spec.objgen: spec for spec in document.Root.AF}
            document.Root.AF = pikepdf.Array(list(unique.values()))
        root = document.Root.get("/StructTreeRoot")
        for row in _elements(root, "/TR") if root is not None else ():
            cells = [kid for kid in _kids(row) if kid.get("/S") in ("/TD", "/TH")]
            if len(cells) == 3:
                cells[1].Lang = pikepdf.String(source_language)
                cells[2].Lang = pikepdf.String(target_language)
        out = io.BytesIO()
        document.save(out, deterministic_id=False, preserve_pdfa=True)
        return out.getvalue()


def _kids(element) -> list:
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    if not isinstance(kids, pikepdf.Array):
        kids = [kids]
    return [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem"]


def _elements(root, kind: str):
    """Structure elements of one kind, depth first (iteratively: a long brief nests deep)."""
    stack = list(reversed(_kids(root)))
    while stack:
        element = stack.pop()
        if element.get("/S") == kind:
            yield element
        stack.extend(reversed(_kids(element)))


def extract(pdf_path: Path) -> dict[str, bytes]:
    """The files embedded in a brief's PDF, by name."""
    import pikepdf

    try:
        with pikepdf.open(pdf_path) as document:
            return {name: spec.get_file().read_bytes() for name, spec in document.attachments.items()}
    except FileNotFoundError:
        raise InputError(f"{pdf_path}: no such file") from None
    except pikepdf.PdfError as error:
        raise InputError(f"{pdf_path}: is not a readable PDF ({error})") from None
