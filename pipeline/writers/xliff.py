"""``<name>.xlf``: the pairs as XLIFF 2.0 for CAT tools (``pipeline.exchange``)."""

from __future__ import annotations

SUFFIX = ".xlf"
STAGE = "export"
NEEDS: tuple[str, ...] = ()


def render(brief, made: dict[str, bytes], options) -> bytes:
    from pipeline import exchange

    return exchange.to_xliff(brief)
