"""``<name>.review.html``: the self-contained review page (``templates/review.html``)."""

from __future__ import annotations

SUFFIX = ".review.html"
STAGE = "render html"
NEEDS: tuple[str, ...] = ()


def render(brief, made: dict[str, bytes], options) -> bytes:
    from pipeline import render as templates

    return templates.review_html(brief).encode("utf-8")
