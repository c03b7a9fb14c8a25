"""``<name>.tmx``: the pairs as TMX 1.4b translation memory (``pipeline.exchange``)."""

from __future__ import annotations

SUFFIX = ".tmx"
STAGE = "export"
NEEDS: tuple[str, ...] = ()


def render(brief, made: dict[str, bytes], options) -> bytes:
    from pipeline import exchange

    return exchange.to_tmx(exchange.units_of(brief))
