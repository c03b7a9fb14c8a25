"""The data contract between stages: small frozen data classes, nothing else."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

@dataclass(frozen=True)
class Paragraph:
    number: int
    """1-based position in the document; segment ids start with ``p<number>``."""
    text: str
    """The paragraph with soft line wraps joined and whitespace runs collapsed; code keeps its lines."""
    line: int
    """Line of the input file where the paragraph starts (for error messages); for formats
    without lines (DOCX, EPUB, HTML), the paragraph's position among the document's blocks."""
    kind: str = "text"
    """``text``, ``heading``, ``item`` (a list item), ``byline`` or ``code`` (verbatim: a program, a command,
    preformatted text; never translated or checked)."""


@dataclass(frozen=True)
class Document:
    name: str
    """Output file stem, from the input file name."""
    title: str
    source: str | None
    date: str | None
    author: str | None
    path: Path | None
    """The input file; ``None`` for standard input."""
    sha256: str
    """Of the input file's bytes, as read."""
    encoding: str
    """The encoding the bytes were decoded with."""
    encoding_detected: bool
    """True when the file was not UTF-8 and ``encoding`` was detected, i.e. assumed."""
    paragraphs: tuple[Paragraph, ...]
    title_from: str = "metadata"
    """Where the title came from: ``metadata``, ``front matter``, ``first heading``, ``first line``, ``file name``…"""
    date_from: str | None = None
    """Where the date came from (``None`` without a date)."""
    skipped: tuple[tuple[str, int], ...] = ()
    """What the reader left out of the text, by what it was, with counts (``--timings`` shows it)."""


@dataclass(frozen=True)
class Segment:
    id: str
    """``p<paragraph>.s<sentence>``, both 1-based, e.g. ``p3.s2``."""
    paragraph: int
    text: str
    start: int
    """Character offset of the sentence in its paragraph's text."""
    end: int
    verbatim: bool = False
    """Code (a ``code`` paragraph, whole): shown as it is, never translated or checked."""


@dataclass(frozen=True)
class ModelPackage:
    """An installed Argos Translate package."""

    name: str
    version: str
    from_code: str
    to_code: str
    path: Path


@dataclass(frozen=True)
class DecodingSettings:
    """Argos Translate's own decoding settings, plus our length cap."""

    beam_size: int = 4
    length_penalty: float = 0.2
    replace_unknowns: bool = True
    compute_type: str = "int8"
    max_length_ratio: float = 3.0
    """Output may be at most ``ratio × source tokens + max_length_extra`` tokens."""
    max_length_extra: int = 10

    def describe(self) -> str:
        return (
            f"beam {self.beam_size}, length penalty {self.length_penalty}, "
            f"replace unknowns {'on' if self.replace_unknowns else 'off'}, {self.compute_type}, "
            f"max length {self.max_length_ratio:g}×source+{self.max_length_extra}"
        )


@dataclass(frozen=True)
class Engine:
    """What produced machine output: translation-memory entries of another engine are not reused."""

    model: str
    """``name@version#fingerprint`` of the package."""
    settings: str
    """``DecodingSettings.describe()``."""


@dataclass(frozen=True)
class Translation:
    """The English of one sentence, from the model or from the translation memory."""

    text: str
    score: float | None
    """Mean log-probability per output token (0 is certain; lower is less confident); ``None`` for human work."""
    origin: str = "mt"
    """``mt`` for machine translation, ``human`` for a reviewer's or translator's English, ``verbatim``
    for code, which is kept as it is, ``missing`` for German that an aligned English left out when no
    model is installed to translate it."""
    approved: bool = False
    """A reviewer approved this English (human origin only)."""
    parts: int = 1
    """More than 1 when the sentence was longer than the model's input limit and was
    translated in that many parts, cut at clause boundaries."""


@dataclass(frozen=True)
class GlossaryMark:
    """Which glossary a brief was checked against, for its provenance."""

    name: str
    sha256: str
    terms: int

    def line(self) -> str:
        return f"{self.name} ({self.terms} terms, SHA-256 {self.sha256})"


@dataclass(frozen=True)
class TermHit:
    """A glossary term found in a pair's German, and what its English does with it."""

    german: str
    """The words as the sentence has them (``Konzernvorstands``)."""
    term: str
    """The glossary's German (``Vorstand``)."""
    approved: tuple[str, ...]
    found: str | None
    """The approved English the pair uses, or the dictionary English of a compound holding the term
    translated whole (``moment`` for ``Zeitpunkt``); ``None`` when it uses none."""
    forbidden: str | None = None
    """English the glossary forbids for this term, used in the pair."""

    @property
    def state(self) -> str:
        """``error`` (forbidden English used), ``warning`` (no approved English) or ``ok``."""
        return "error" if self.forbidden else ("ok" if self.found or not self.approved else "warning")

    def line(self) -> str:
        wanted = " | ".join(self.approved)
        if self.forbidden:
            return f"{self.term} → {wanted}: forbidden “{self.forbidden}” used"
        if self.found and self.found not in self.approved:
            return f"{self.term} → {wanted}: {self.german} translated whole, “{self.found}”"
        return f"{self.term} → {wanted}: " + (f"“{self.found}” used" if self.found else "none used")


@dataclass(frozen=True)
class Flag:
    """A reason for a reviewer to look at a pair."""

    check: str
    """The check's name, e.g. ``numbers``."""
    severity: str
    """``error`` (very likely wrong) or ``warning`` (worth a look)."""
    message: str
    """What is wrong, in words a reviewer understands, naming the offending text."""
    source_marks: tuple[str, ...] = ()
    """Text in the German the check points at (highlighted on the review page)."""
    target_marks: tuple[str, ...] = ()
    """Text in the English the check points at."""


@dataclass(frozen=True)
class Alignment:
    """How a pair's English was found in an existing translation (``brief --english``)."""

    bead: str
    """``1:1``, ``1:2``, ``2:1``, ``2:2``, or ``1:0`` when the English has nothing for this German."""
    score: float | None
    """How well the two sides match, 0–1 (``align.beads``); ``None`` for ``1:0``."""
    english: tuple[int, ...]
    """Positions of the bead's English sentences in the English document, from 0."""
    lead: str | None = None
    """For the later German sentences of a ``2:1`` or ``2:2`` bead: the id of the pair whose English
    covers them too."""
    source: str = ""
    """The bead's German, when it has several sentences (the checks compare it with the English)."""
    additions: tuple[str, ...] = ()
    """English sentences with no German (``0:1``) that follow this pair's English."""


@dataclass(frozen=True)
class Pair:
    segment: Segment
    target: str
    score: float | None
    origin: str
    """``mt`` for machine translation, ``human`` for English from a person (never overwritten by the model)."""
    approved: bool = False
    parts: int = 1
    flags: tuple[Flag, ...] = ()
    uncovered: tuple[str, ...] = ()
    """German content words for which the dictionary found no counterpart in the English."""
    alignment: Alignment | None = None
    """Set when the English is an existing translation aligned to the German."""
    terms: tuple[TermHit, ...] = ()
    """Glossary terms found in the German (``brief --glossary``)."""


@dataclass(frozen=True)
class AlignedParagraph:
    number: int
    pairs: tuple[Pair, ...]


@dataclass(frozen=True)
class CheckCount:
    check: str
    description: str
    pairs: int
    """Pairs with at least one flag of this check."""
    errors: int
    """Of those, pairs where the flag is an error."""


@dataclass(frozen=True)
class QASummary:
    pairs: int
    flagged: int
    per_check: tuple[CheckCount, ...]
    """Every check, in a fixed order, including those that flagged nothing."""
    verbatim: int = 0
    """Code segments, kept as they are and not checked (not counted in ``pairs``)."""

    def line(self) -> str:
        counts = ", ".join(f"{c.check} {c.pairs}" for c in self.per_check if c.pairs)
        code = f"; {self.verbatim} code {'block' if self.verbatim == 1 else 'blocks'} kept as they are" \
            if self.verbatim else ""
        return f"{self.flagged} of {self.pairs} pairs flagged" + (f" ({counts})" if counts else "") + code


@dataclass(frozen=True)
class Signature:
    """Everything that produced a brief, in the spirit of sacrebleu's signatures."""

    pipeline_version: str
    splitter: str
    package: ModelPackage
    ctranslate2_version: str
    decoding: DecodingSettings

    def line(self) -> str:
        return "|".join(
            (
                f"pipeline:{self.pipeline_version}",
                f"split:{self.splitter}",
                f"model:{self.package.name}@{self.package.version}",
                f"ct2:{self.ctranslate2_version}",
                f"beam:{self.decoding.beam_size}",
                f"lp:{self.decoding.length_penalty}",
                f"unk:{'replace' if self.decoding.replace_unknowns else 'keep'}",
                f"type:{self.decoding.compute_type}",
            )
        )


@dataclass(frozen=True)
class Brief:
    """The one object templates and exporters see."""

    document: Document
    paragraphs: tuple[AlignedParagraph, ...]
    qa: QASummary
    signature: Signature
    created: str
    """ISO 8601 timestamp of the build."""
    english_file: str | None = None
    """The file name of the existing English aligned to the German; ``None`` when the model translated."""
    glossary: GlossaryMark | None = None
    """The glossary the checks followed (``brief --glossary``)."""

    @property
    def pairs(self) -> tuple[Pair, ...]:
        return tuple(pair for paragraph in self.paragraphs for pair in paragraph.pairs)

    @property
    def human_pairs(self) -> int:
        return sum(pair.origin == "human" for pair in self.pairs)

    @property
    def approved_pairs(self) -> int:
        return sum(pair.approved for pair in self.pairs)

    @property
    def machine_pairs(self) -> int:
        return sum(pair.origin == "mt" for pair in self.pairs)

    @property
    def missing_pairs(self) -> int:
        """German sentences with no English: left out by an aligned English, with no model to translate them."""
        return sum(pair.origin == "missing" for pair in self.pairs)


@dataclass(frozen=True)
class MemoryEntry:
    source: str
    target: str
    origin: str
    model: str
    settings: str
    score: float | None
    approved: bool
    note: str
    recorded_from: str
    """Where human English came from: a corrections file or a TMX file."""
    created: str
    updated: str


@dataclass(frozen=True)
class HumanTranslation:
    """English from a person, for one German sentence, to be recorded."""

    source: str
    target: str
    approved: bool = False
    note: str = ""


@dataclass(frozen=True)
class Attachment:
    """A file a PDF carries (PDF/A-3 associated file): the brief's JSON, XLIFF and TMX."""

    name: str
    data: bytes
    relationship: str
    """PDF/A-3's ``AFRelationship``: ``Source`` (what the PDF was made from) or ``Data``."""
    description: str


class EnglishSource(Protocol):
    """Where a build's machine English comes from, written down once, as ``concurrent.futures.Executor``
    is one interface that a thread pool, a process pool and Dask's client all speak. Two speak it:
    ``translate.local.Translator`` (the model in this process) and ``translate.cluster.ClusterTranslator`` (a Dask
    cluster); the build depends on this protocol, never on either class."""

    @property
    def package(self) -> ModelPackage:
        """The model package that translates."""

    @property
    def settings(self) -> DecodingSettings:
        """Its decoding settings."""

    @property
    def engine(self) -> Engine:
        """What produces the English: translation-memory entries of another engine are not reused."""

    @property
    def configuration(self) -> str:
        """How it runs, in words (``--timings``): threads and batches, or the cluster's workers."""

    @property
    def group_sentences(self) -> int:
        """How many sentences a build hands over at a time: enough to keep every batch full, few enough
        that finished documents are rendered while the next group translates."""

    def prepare(self, texts: Sequence[str]) -> None:
        """Get ready to translate ``texts`` (called before ``translate``): the local model measures
        its thread layout on a sample, once per model and machine; a cluster has nothing to do."""

    def translate(self, texts: Sequence[str], progress: Callable[[int], None] | None = None,
                  remember: Callable[[Sequence[str], list[Translation]], None] | None = None) -> list[Translation]:
        """English for ``texts``, in order. As each batch finishes: ``progress`` with how many sentences
        it finished, ``remember`` with those sentences and their English, so that the translation
        memory is the checkpoint: a killed run, local or on a cluster, goes on from it."""

