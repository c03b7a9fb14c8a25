"""``<name>.html``: the bilingual brief for readers (``templates/brief.html``)."""

from __future__ import annotations

SUFFIX = ".html"
STAGE = "render html"
NEEDS: tuple[str, ...] = ()


def render(brief, made: dict[str, bytes], options) -> bytes:
    from pipeline import render as templates

    return templates.html(brief).encode("utf-8")
