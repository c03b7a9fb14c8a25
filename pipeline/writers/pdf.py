"""``<name>.pdf``: the brief typeset (``pipeline.render``), PDF/A-3a by default, carrying its JSON,
XLIFF and TMX as associated files, byte for byte as they are written beside it."""

from __future__ import annotations

SUFFIX = ".pdf"
STAGE = "render pdf"
NEEDS = ("html", "json", "xlf", "tmx")
ATTACHED = (("json", "Source", "the brief's pairs, scores, flags and provenance"),
            ("xlf", "Data", "XLIFF 2.0: the pairs for CAT tools"),
            ("tmx", "Data", "TMX 1.4b: the pairs as translation memory"))


def render(brief, made: dict[str, bytes], options) -> bytes:
    from pipeline import render as templates
    from pipeline.model import Attachment

    attachments = tuple(Attachment(options.file_names[name], made[name], relationship, description)
                        for name, relationship, description in ATTACHED)
    return templates.brief_pdf(brief, made["html"].decode("utf-8"), options.pdf_variant, attachments,
                               options.typesetters)
