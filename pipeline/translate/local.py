"""The local source of English: German sentences → English with an Argos package on CTranslate2, in this process.

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
import time
from collections import deque
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path

from pipeline.model import DecodingSettings, Engine, ModelPackage, Translation
from pipeline.translate import layouts
from pipeline.translate.layouts import CALIBRATION_SENTENCES, Layout, LayoutChoice

MAX_BATCH_SENTENCES = 32
MAX_BATCH_TOKENS = 512
"""Padded source tokens per batch. The decoder's cache grows with batch × beam × output
length, so batches of long sentences hold fewer of them: memory stays flat, speed is the same."""
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
        self._threads = threads or os.cpu_count() or 1
        self._chosen: LayoutChoice | None = layouts.from_environment()
        self._loaded_layout: Layout | None = None

    @cached_property
    def engine(self) -> Engine:
        """What machine output in the translation memory is keyed by."""
        return Engine(model=f"{self.package.name}@{self.package.version}#{_fingerprint(self.package.path)}",
                      settings=self.settings.describe())

    @property
    def layout(self) -> LayoutChoice:
        """The thread layout in use: chosen (by the environment or ``prepare``), else the one measured
        before for this model and machine, else the first candidate."""
        return (self._chosen or layouts.remembered(self._layout_key(), self.candidates())
                or LayoutChoice(self.candidates()[0], "default, not yet measured"))

    @property
    def configuration(self) -> str:
        """How CTranslate2's threads are laid out, and why (for ``--timings``)."""
        return self.layout.describe()

    def candidates(self) -> list[Layout]:
        """Layouts worth trying on this many cores (``layouts.candidates``)."""
        return layouts.candidates(self._threads)

    def prepare(self, texts: Sequence[str]) -> None:
        """Before a translation large enough to tell layouts apart: measure each on a sample of
        ``texts`` and keep the fastest, for this run and (in the cache folder) for this model and
        machine. Once measured, set or chosen, nothing is done."""
        if self._chosen is not None or len(self.candidates()) < 2 or len(texts) < 2 * CALIBRATION_SENTENCES:
            return
        self._chosen = layouts.remembered(self._layout_key(), self.candidates())
        if self._chosen is None:
            self._use(layouts.remember(self._layout_key(), self.calibrate(texts)))

    def calibrate(self, texts: Sequence[str]) -> layouts.Calibration:
        """Translate the same sample of ``texts`` with each candidate layout and time it."""
        units = [part for text in texts for part in _parts(self.tokenize(text), MAX_INPUT_TOKENS)]
        sample = units[:: max(1, len(units) // CALIBRATION_SENTENCES)][:CALIBRATION_SENTENCES]

        def run(layout: Layout) -> float:
            model = self._load(layout)
            started = time.perf_counter()
            self._run(model, sample, layout.parallel, None)
            return time.perf_counter() - started

        return layouts.calibrate(self.candidates(), run, len(sample))

    def _use(self, choice: LayoutChoice) -> None:
        if self._loaded_layout != choice.layout:
            self.__dict__.pop("_model", None)  # load again with the layout just chosen
        self._chosen = choice

    @cached_property
    def _argos(self):
        from argostranslate.package import Package

        return Package(self.package.path)

    @cached_property
    def _model(self):
        self._loaded_layout = self.layout.layout
        return self._load(self._loaded_layout)

    def _load(self, layout: Layout):
        import ctranslate2

        return ctranslate2.Translator(str(self.package.path / "model"), device="cpu",
                                      compute_type=self.settings.compute_type,
                                      inter_threads=layout.parallel, intra_threads=layout.threads)

    def _layout_key(self) -> str:
        import ctranslate2

        return f"{self.engine.model}|{layouts.cpu_name()}|{self._threads} cores|ctranslate2 {ctranslate2.__version__}"

    def tokenize(self, text: str) -> list[str]:
        return self._argos.tokenizer.encode(text)

    group_sentences = 256
    """A build translates documents together in groups of about this many sentences: enough for
    full batches across short documents, small enough that the first renders start early."""

    def translate(self, texts: Sequence[str], progress: Callable[[int], None] | None = None,
                  remember: Callable[[Sequence[str], list[Translation]], None] | None = None) -> list[Translation]:
        """Translate sentences; after each batch, ``progress`` is called with the number of sentences
        it finished and ``remember`` with those sentences and their English, so that the translation
        memory is the checkpoint of a long run (a run killed midway loses at most the batches in flight).

        A sentence longer than ``MAX_INPUT_TOKENS`` is cut into parts (see ``_parts``),
        translated part by part and joined, never truncated. Batches are queued a few
        ahead; CTranslate2 decodes the layout's parallel batches at a time (``prepare`` chooses it).
        """
        units: list[list[str]] = []
        owners: list[int] = []
        for index, text in enumerate(texts):
            for part in _parts(self.tokenize(text), MAX_INPUT_TOKENS):
                units.append(part)
                owners.append(index)
        units_of: list[list[int]] = [[] for _ in texts]
        for unit, owner in enumerate(owners):
            units_of[owner].append(unit)
        left = [len(units) for units in units_of]

        def finished(batch: list[int], decoded: list) -> None:
            """A batch is decoded: the sentences whose last part it held are done."""
            done = []
            for unit in batch:
                left[owners[unit]] -= 1
                if not left[owners[unit]]:
                    done.append(owners[unit])
            if progress:
                progress(len(done))
            if remember and done:
                remember([texts[i] for i in done], [_joined([decoded[u] for u in units_of[i]]) for i in done])

        model = self._model
        decoded = self._run(model, units, self._loaded_layout.parallel, finished)
        return [_joined([decoded[unit] for unit in units]) for units in units_of]

    def _run(self, model, units: list[list[str]], parallel: int,
             finished: Callable[[list[int], list], None] | None) -> list[tuple[str, float, int]]:
        """Decode tokenized sentences in length-sorted batches, queued a few ahead so that
        ``parallel`` of them decode at a time; returns (text, score, length) per sentence.
        ``finished`` hears of each batch as it is decoded, with the results so far."""
        size = min(MAX_BATCH_SENTENCES, max(1, -(-len(units) // parallel)))
        batches = deque(_batches(units, size))
        in_flight: deque = deque()
        decoded: list = [None] * len(units)
        while batches or in_flight:
            # A few batches ahead of the one being collected keep every worker busy; queueing
            # all of them at once would hold their memory until the end.
            while batches and len(in_flight) < 2 * parallel:
                batch = batches.popleft()
                in_flight.append((batch, self._submit(model, [units[i] for i in batch])))
            batch, pending = in_flight.popleft()
            for unit, output in zip(batch, pending):
                result = output.result()
                decoded[unit] = self._decode(result.hypotheses[0], result.scores[0])
            if finished:
                finished(batch, decoded)
        return decoded

    def _submit(self, model, batch: list[list[str]]):
        settings = self.settings
        longest = max(len(tokens) for tokens in batch)
        target_prefix = self._argos.target_prefix
        return model.translate_batch(
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

    # For tools that measure the bare model against this class (the benchmark) and for tests: the
    # loaded CTranslate2 model, the package's target prefix, and its tokens back to text as
    # ``translate`` gives them.

    @property
    def model(self):
        """The CTranslate2 ``Translator`` in use (loaded on first use, with the chosen thread layout)."""
        return self._model

    @property
    def target_prefix(self) -> str | None:
        """The token the package wants before every output, or ``None``."""
        return self._argos.target_prefix

    def detokenize(self, tokens: list[str]) -> str:
        """One hypothesis's tokens as English text, without the target prefix."""
        text = self._argos.tokenizer.decode(tokens)
        target_prefix = self._argos.target_prefix
        if target_prefix and text.startswith(target_prefix):
            text = text[len(target_prefix) :]
        return text[1:] if text.startswith(" ") else text

    def _decode(self, tokens: list[str], score: float) -> tuple[str, float, int]:
        """English text, mean log-probability per token and token count (with the end token) of one hypothesis."""
        length = len(tokens) + 1
        return self.detokenize(tokens), _per_token(score, length, self.settings.length_penalty), length


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
