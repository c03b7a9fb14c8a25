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
from collections import deque
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path

from pipeline.model import DecodingSettings, Engine, ModelPackage, Translation

MAX_BATCH_SENTENCES = 32
MAX_BATCH_TOKENS = 512
"""Padded source tokens per batch. The decoder's cache grows with batch × beam × output
length, so batches of long sentences hold fewer of them: memory stays flat, speed is the same."""
MAX_PARALLEL_BATCHES = 4
MAX_INPUT_TOKENS = 1024
"""CTranslate2's default input limit, which Argos Translate runs with. Longer sentences are
translated in parts instead of being truncated."""
_CLAUSE_ENDS = (",", ";", ":", ")", "–", "—")
_WORD_START = "▁"
"""SentencePiece marks the first piece of a word with it."""


class Translator:
    """A package and its decoding settings; the model loads on first use, so a
    build whose sentences all come from the translation memory never loads it."""

    def __init__(self, package: ModelPackage, settings: DecodingSettings = DecodingSettings(), threads: int | None = None):
        self.package = package
        self.settings = settings
        threads = threads or os.cpu_count() or 1
        # Batches decode in parallel, one core each: beam search has sequential work between
        # its matrix products, so independent batches keep the cores busier than shared ones.
        self._parallel_batches = min(threads, MAX_PARALLEL_BATCHES)
        self._threads_per_batch = max(1, threads // self._parallel_batches)

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
            inter_threads=self._parallel_batches,
            intra_threads=self._threads_per_batch,
        )

    def tokenize(self, text: str) -> list[str]:
        return self._argos.tokenizer.encode(text)

    def translate(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> list[Translation]:
        """Translate sentences; ``progress`` is called with the number finished after each batch.

        A sentence longer than ``MAX_INPUT_TOKENS`` is cut into parts (see ``_parts``),
        translated part by part and joined, never truncated. Batches are queued a few
        ahead; CTranslate2 decodes up to ``_parallel_batches`` of them at a time.
        """
        units: list[list[str]] = []
        owners: list[int] = []
        for index, text in enumerate(texts):
            for part in _parts(self.tokenize(text), MAX_INPUT_TOKENS):
                units.append(part)
                owners.append(index)
        last_unit = {owner: unit for unit, owner in enumerate(owners)}
        size = min(MAX_BATCH_SENTENCES, max(1, -(-len(units) // self._parallel_batches)))
        batches = deque(_batches(units, size))
        in_flight: deque = deque()
        decoded: list[tuple[str, float, int] | None] = [None] * len(units)
        while batches or in_flight:
            # A few batches ahead of the one being collected keep every worker busy; queueing
            # all of them at once would hold their memory until the end.
            while batches and len(in_flight) < 2 * self._parallel_batches:
                batch = batches.popleft()
                in_flight.append((batch, self._submit([units[i] for i in batch])))
            batch, pending = in_flight.popleft()
            for unit, output in zip(batch, pending):
                result = output.result()
                decoded[unit] = self._decode(result.hypotheses[0], result.scores[0])
            if progress:
                progress(sum(last_unit[owners[unit]] == unit for unit in batch))
        parts_of: list[list] = [[] for _ in texts]
        for owner, result in zip(owners, decoded):
            parts_of[owner].append(result)
        return [_joined(parts) for parts in parts_of]

    def _submit(self, batch: list[list[str]]):
        settings = self.settings
        longest = max(len(tokens) for tokens in batch)
        target_prefix = self._argos.target_prefix
        return self._model.translate_batch(
            batch,
            target_prefix=[[target_prefix]] * len(batch) if target_prefix else None,
            beam_size=settings.beam_size,
            num_hypotheses=1,
            length_penalty=settings.length_penalty,
            replace_unknowns=settings.replace_unknowns,
            return_scores=True,
            max_input_length=0,
            max_decoding_length=int(longest * settings.max_length_ratio) + settings.max_length_extra,
            asynchronous=True,
        )

    def _decode(self, tokens: list[str], score: float) -> tuple[str, float, int]:
        """English text, mean log-probability per token and token count (with the end token) of one hypothesis."""
        text = self._argos.tokenizer.decode(tokens)
        target_prefix = self._argos.target_prefix
        if target_prefix and text.startswith(target_prefix):
            text = text[len(target_prefix) :]
        if text.startswith(" "):
            text = text[1:]
        length = len(tokens) + 1
        return text, _per_token(score, length, self.settings.length_penalty), length


def _joined(parts: list) -> Translation:
    """One sentence's translation from its parts' (text, per-token score, length)."""
    if len(parts) == 1:
        text, score, _length = parts[0]
        return Translation(text=text, score=score)
    total = sum(length for _text, _score, length in parts)
    return Translation(text=" ".join(text for text, _score, _length in parts if text),
                       score=sum(score * length for _text, score, length in parts) / total, parts=len(parts))


def _parts(tokens: list[str], limit: int) -> list[list[str]]:
    """Cut a sentence's tokens into parts of at most ``limit``: after the last clause
    punctuation (``, ; : ) –``) that fits, else before the last word that fits, else anywhere."""
    parts, start = [], 0
    while len(tokens) - start > limit:
        window = range(start + 1, start + limit + 1)
        clause = [cut for cut in window if tokens[cut - 1].endswith(_CLAUSE_ENDS)]
        word = [cut for cut in window if tokens[cut].startswith(_WORD_START)]
        cut = (clause or word or [start + limit])[-1]
        parts.append(tokens[start:cut])
        start = cut
    parts.append(tokens[start:])
    return parts


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


def _batches(tokenized: list[list[str]], size: int) -> list[list[int]]:
    """Indices of sentences, sorted by length, cut into batches of at most ``size`` whole sentences."""
    order = sorted(range(len(tokenized)), key=lambda i: len(tokenized[i]))
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        width = len(tokenized[index]) + 1
        if current and (len(current) >= size or width * (len(current) + 1) > MAX_BATCH_TOKENS):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches
