"""Translate stage: German sentences → English, with an Argos package on CTranslate2.

The text is what Argos Translate itself gives for each sentence: the package's
own tokenizer (SentencePiece or BPE) and ``target_prefix``, Argos' decoding
settings and its detokenization. What differs is speed: all sentences of a
run go through ``translate_batch`` together, sorted by length, in batches of
whole sentences, instead of Argos' per-paragraph calls. Argos'
``translate()`` is never called: it re-splits text with a splitter that
downloads models.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path

from pipeline.model import DecodingSettings, Engine, ModelPackage, Translation

MAX_BATCH_SENTENCES = 64
MAX_BATCH_TOKENS = 4096


class Translator:
    """A package and its decoding settings; the model loads on first use, so a
    build whose sentences all come from the translation memory never loads it."""

    def __init__(self, package: ModelPackage, settings: DecodingSettings = DecodingSettings(), threads: int | None = None):
        self.package = package
        self.settings = settings
        self._threads = threads or os.cpu_count() or 1

    @cached_property
    def engine(self) -> Engine:
        """What machine output in the translation memory is keyed by."""
        return Engine(model=f"{self.package.name}@{self.package.version}#{_fingerprint(self.package.path)}",
                      settings=self.settings.describe())

    @cached_property
    def _argos(self):
        from argostranslate.package import Package

        return Package(self.package.path)

    @cached_property
    def _model(self):
        import ctranslate2

        return ctranslate2.Translator(
            str(self.package.path / "model"),
            device="cpu",
            compute_type=self.settings.compute_type,
            inter_threads=1,
            intra_threads=self._threads,
        )

    def tokenize(self, text: str) -> list[str]:
        return self._argos.tokenizer.encode(text)

    def translate(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[Translation]:
        """Translate sentences; ``progress`` is called with the number done after each batch."""
        tokenized = [self.tokenize(text) for text in texts]
        results: list[Translation | None] = [None] * len(texts)
        for batch in _batches(tokenized):
            for index, translation in zip(batch, self._translate_batch([tokenized[i] for i in batch])):
                results[index] = translation
            if progress:
                progress(len(batch))
        return results  # type: ignore[return-value]

    def _translate_batch(self, batch: list[list[str]]) -> list[Translation]:
        settings = self.settings
        longest = max(len(tokens) for tokens in batch)
        target_prefix = self._argos.target_prefix
        prefix = [[target_prefix]] * len(batch) if target_prefix else None
        outputs = self._model.translate_batch(
            batch,
            target_prefix=prefix,
            beam_size=settings.beam_size,
            num_hypotheses=1,
            length_penalty=settings.length_penalty,
            replace_unknowns=settings.replace_unknowns,
            return_scores=True,
            max_input_length=0,
            max_decoding_length=int(longest * settings.max_length_ratio) + settings.max_length_extra,
        )
        return [self._detokenize(output.hypotheses[0], output.scores[0]) for output in outputs]

    def _detokenize(self, tokens: list[str], score: float) -> Translation:
        text = self._argos.tokenizer.decode(tokens)
        target_prefix = self._argos.target_prefix
        if target_prefix and text.startswith(target_prefix):
            text = text[len(target_prefix) :]
        if text.startswith(" "):
            text = text[1:]
        return Translation(text=text, score=_per_token(score, len(tokens) + 1, self.settings.length_penalty))


def _per_token(score: float, length: int, length_penalty: float) -> float:
    """Mean log-probability per token from CTranslate2's length-penalised score.

    CTranslate2 returns ``sum(log p) / length ** length_penalty``, where
    ``length`` counts the end token.
    """
    return score * length**length_penalty / length


def _fingerprint(package_path: Path, sample_bytes: int = 1 << 20) -> str:
    """A quick fingerprint of the weights: size plus the first and last MiB of ``model.bin``.

    Name and version alone would not tell apart two builds of a package that
    differ only in their weights; hashing all of a 100 MB file on every build
    would cost more than a warm rebuild.
    """
    weights = package_path / "model" / "model.bin"
    digest = hashlib.sha256(str(weights.stat().st_size).encode())
    with weights.open("rb") as stream:
        digest.update(stream.read(sample_bytes))
        stream.seek(max(0, weights.stat().st_size - sample_bytes))
        digest.update(stream.read(sample_bytes))
    return digest.hexdigest()[:12]


def _batches(tokenized: list[list[str]]) -> list[list[int]]:
    """Indices of sentences, sorted by length, cut into batches of whole sentences."""
    order = sorted(range(len(tokenized)), key=lambda i: len(tokenized[i]))
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        width = len(tokenized[index]) + 1
        if current and (len(current) >= MAX_BATCH_SENTENCES or width * (len(current) + 1) > MAX_BATCH_TOKENS):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches
