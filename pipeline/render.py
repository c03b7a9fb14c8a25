"""Render stage: a ``Brief`` → bilingual HTML (Jinja2) → PDF (WeasyPrint).

One Jinja environment with autoescaping, so text from a document can never
become markup. WeasyPrint gets a URL fetcher that serves only files under
``templates/`` and refuses everything else (other files, the network).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.model import Brief

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def html(brief: Brief) -> str:
    document = brief.document
    return _environment().get_template("brief.html").render(
        brief=brief,
        document=document,
        signature=brief.signature,
        pair_count=len(brief.pairs),
        input_name=document.path.name if document.path else document.name,
    )


def pdf(html_text: str) -> bytes:
    """Typeset the brief's HTML as an A4 PDF with embedded font subsets."""
    from weasyprint import HTML

    return HTML(string=html_text, base_url=TEMPLATES.as_uri() + "/", url_fetcher=TemplatesOnlyFetcher()).write_pdf()


@lru_cache(maxsize=1)
def _templates_only_fetcher_class():
    from weasyprint.urls import URLFetcher

    class _TemplatesOnlyFetcher(URLFetcher):
        """Serve ``file:`` URLs under ``templates/``; refuse every other URL."""

        def __init__(self, **kwargs):
            super().__init__(allowed_protocols={"file"}, **kwargs)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            from urllib.parse import unquote, urlparse

            parsed = urlparse(url)
            path = Path(unquote(parsed.path)).resolve() if parsed.scheme == "file" else None
            if path is None or not path.is_relative_to(TEMPLATES):
                self.refused.append(url)
                raise ValueError(f"refused to fetch {url}: only files under templates/ may be loaded")
            return super().fetch(url, headers)

    return _TemplatesOnlyFetcher


def TemplatesOnlyFetcher(**kwargs):  # noqa: N802 - a factory that reads like the class it builds
    """Build the fetcher lazily so that importing this module does not load WeasyPrint."""
    return _templates_only_fetcher_class()(**kwargs)
