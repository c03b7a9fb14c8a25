"""The source of English when no model is installed and every document brings its own English
(``brief --english``): German that the English leaves out stays without English (origin
``missing``), and the alignment check flags it. Nothing is remembered."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.model import DecodingSettings, Engine, ModelPackage, Translation


class NoModel:
    package = ModelPackage(name="none", version="-", from_code="de", to_code="en", path=Path("."))
    settings = DecodingSettings()
    engine = Engine(model="none", settings="")
    configuration = "no model installed: German that the English leaves out is not translated"
    group_sentences = 256

    def prepare(self, texts: Sequence[str]) -> None:
        """Nothing to get ready."""

    def translate(self, texts: Sequence[str], progress: Callable[[int], None] | None = None,
                  remember: Callable[[Sequence[str], list[Translation]], None] | None = None) -> list[Translation]:
        if progress:
            progress(len(texts))
        return [Translation("", None, origin="missing") for _ in texts]
