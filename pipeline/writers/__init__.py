"""Writers, one module per output, as Pelican keeps its writers: each has a ``SUFFIX`` (the file
name after the document's name), a ``STAGE`` (the ``--timings`` label), ``NEEDS`` (the outputs it
embeds, made first) and ``render(brief, made, options) -> bytes``. ``WRITERS`` is the registry, in
the order outputs are made; ``OUTPUTS`` is the order they are written, the JSON last (its content
key marks a set of outputs as complete). Adding an output is one module and one entry here."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from pipeline.processes import ProcessPool

from pipeline.writers import html, json, pdf, review, tmx, xliff

WRITERS: dict[str, ModuleType] = {"html": html, "review": review, "tmx": tmx, "xlf": xliff, "json": json, "pdf": pdf}
"""``--outputs`` name → writer, each after those it needs."""
OUTPUTS: tuple[str, ...] = ("html", "review", "pdf", "tmx", "xlf", "json")
"""What a build writes of each document, in the order it writes them: the JSON last."""


@dataclass(frozen=True)
class Options:
    """What a writer may need besides the brief."""

    content_key: str
    """``build.content_key`` of the brief (the JSON carries it)."""
    pdf_variant: str
    file_names: dict[str, str]
    """Each output's file name, by ``--outputs`` name (the PDF names its attachments so)."""
    typesetters: ProcessPool | None = None
    """The build's processes for typesetting PDFs (``render.brief_pdf``), if it has them."""


def needed(chosen: frozenset[str]) -> list[str]:
    """The writers to run for ``chosen``: those and what they embed, in registry order."""
    wanted = set(chosen)
    for name in reversed(list(WRITERS)):
        if name in wanted:
            wanted.update(WRITERS[name].NEEDS)
    return [name for name in WRITERS if name in wanted]
