"""Building one document, one stage after the other: read → segment → memory/translate →
align+check → render → write (``pipeline.runs`` schedules many of them).

A failure names the input file. All outputs of a document are rendered in memory first and
then written through temporary files and renames, so a failed or killed build never leaves a
half-written file.
"""

from __future__ import annotations

import hashlib
import json
import re
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from pipeline import __version__, align, checks, files, read, render, segment, writers
from pipeline.align import beads
from pipeline.errors import InputError, PipelineError
from pipeline.glossary import Glossary
from pipeline.memory.store import TranslationMemory
from pipeline.model import Alignment, Brief, Document, EnglishSource, Segment, Signature, Translation
from pipeline.pdf import DEFAULT_VARIANT
from pipeline.processes import ProcessPool
from pipeline.writers.json import to_json


@dataclass(frozen=True)
class StageFigure:
    stage: str
    seconds: float
    peak_rss_mb: float
    """Peak resident memory of the process when the stage ended."""


@dataclass
class StageClock:
    """Times consecutive stages and records the process's peak memory after each."""

    figures: list[StageFigure] = field(default_factory=list)
    _started: float = field(default_factory=time.perf_counter)

    def lap(self, stage: str) -> None:
        """End a stage; a stage named like the one before it (two writers of one kind) adds to it."""
        now = time.perf_counter()
        seconds = now - self._started
        if self.figures and self.figures[-1].stage == stage:
            seconds += self.figures.pop().seconds
        self.figures.append(StageFigure(stage, seconds, peak_rss_mb()))
        self._started = now


@dataclass(frozen=True)
class MemoryUse:
    segments: int
    from_memory: int
    human: int
    """Of those from memory, segments with human English."""
    translated: int
    """Segments whose English the model produced in this build."""
    aligned: int = 0
    """Segments whose English came from an existing translation (``brief --english``)."""

    def line(self) -> str:
        human = f" ({self.human} human)" if self.human else ""
        aligned = f", {self.aligned} from the English" if self.aligned else ""
        return f"{self.segments} segments: {self.from_memory} from memory{human}, {self.translated} translated{aligned}"


@dataclass(frozen=True)
class BuildResult:
    path: Path
    brief: Brief
    written: tuple[Path, ...]
    """Empty when the outputs were already up to date."""
    figures: tuple[StageFigure, ...]
    memory_use: MemoryUse


@dataclass(frozen=True)
class HumanEnglish:
    """An existing English translation aligned to a document's translatable segments."""

    file: str
    english: tuple[Translation | None, ...]
    """Per translatable segment: its English (origin ``human``; empty for the later German sentences
    of a bead, whose English the first one shows), or ``None`` where the English has nothing (1:0)."""
    alignments: tuple[Alignment, ...]
    """Per translatable segment: its bead."""

    def filled(self, translations: Sequence[Translation]) -> list[Translation]:
        """The English of every translatable segment, ``translations`` where the English has none."""
        given = iter(translations)
        return [known if known is not None else next(given) for known in self.english]


@dataclass(frozen=True)
class Prepared:
    path: Path
    document: Document
    segments: tuple[Segment, ...]
    figures: tuple[StageFigure, ...]
    english: HumanEnglish | None = None

    @property
    def translatable(self) -> tuple[Segment, ...]:
        """The segments that have English (code is kept as it is)."""
        return tuple(s for s in self.segments if not s.verbatim)

    @property
    def to_translate(self) -> tuple[Segment, ...]:
        """The segments that go to the English source: all translatable ones, or with an existing
        English those it has nothing for."""
        if self.english is None:
            return self.translatable
        return tuple(s for s, known in zip(self.translatable, self.english.english) if known is None)


@dataclass(frozen=True)
class Checked:
    """A document's brief, ready to render, with what its build did so far."""

    path: Path
    brief: Brief
    memory_use: MemoryUse
    figures: tuple[StageFigure, ...]


def read_and_segment(path: Path, english: Path | None = None, memory: TranslationMemory | None = None) -> Prepared:
    """Read a document and cut it into segments (``pipeline.read``, ``pipeline.segment``); with the
    path of its existing ``english``, align that with them (``align_english``), a reviewer's
    corrections in the ``memory`` winning (``with_reviews``)."""
    clock = StageClock()
    document = read.read_document(path)
    clock.lap("read")
    segments = tuple(segment.segment(document))
    clock.lap("segment")
    human = None
    if english is not None:
        translatable = [s for s in segments if not s.verbatim]
        human = align_english(translatable, english)
        if memory is not None:
            human = with_reviews(human, translatable, memory)
        clock.lap("align english")
    return Prepared(path, document, segments, tuple(clock.figures), human)


def align_english(segments: Sequence[Segment], path: Path) -> HumanEnglish:
    """Read the English at ``path``, split it into sentences and align them with ``segments``
    (``align.beads``): each German sentence gets its bead's English, the first of a bead's German
    sentences shows it; English with no German rides along with the pair before it."""
    document = read.read_document(path)
    english = segment.english_sentences(document)
    if not segments:
        raise InputError(f"{path}: there is no German text to align this English with")
    translations: list[Translation | None] = [None] * len(segments)
    alignments: list[Alignment] = [Alignment("1:0", None, ())] * len(segments)
    additions: dict[int, list[str]] = {}
    last = 0
    for bead in beads.align_segments(segments, english):
        text = " ".join(english[j].text for j in bead.english)
        if not bead.german:
            additions.setdefault(last, []).append(text)
            continue
        first = bead.german[0]
        last = first if bead.english else bead.german[-1]
        if not bead.english:
            continue
        translations[first] = Translation(text, None, origin="human")
        alignments[first] = Alignment(bead.kind, bead.score, bead.english)
        for i in bead.german[1:]:
            translations[i] = Translation("", None, origin="human")
            alignments[i] = Alignment(bead.kind, bead.score, bead.english, lead=segments[first].id)
    for position, texts in additions.items():
        alignments[position] = replace(alignments[position], additions=tuple(texts))
    return HumanEnglish(path.name, tuple(translations), _with_bead_german(segments, alignments))


def _with_bead_german(segments: Sequence[Segment], alignments: list[Alignment]) -> tuple[Alignment, ...]:
    """Every German sentence that shares English points at the nearest pair before it with English
    of its own, and that pair carries the German of all of them (the checks compare it with the
    English) and the English additions that followed any of them."""
    followers: dict[int, list[int]] = {}
    lead = 0
    for i, alignment in enumerate(alignments):
        if alignment.lead is None or i == 0:
            lead = i
            alignments[i] = replace(alignment, lead=None)
        else:
            alignments[i] = replace(alignment, lead=segments[lead].id)
            followers.setdefault(lead, []).append(i)
    for i, alignment in enumerate(alignments):
        if alignment.lead is None and i in followers:
            bead = [i, *followers[i]]
            alignments[i] = replace(alignment, source=" ".join(segments[k].text for k in bead),
                                    additions=tuple(text for k in bead for text in alignments[k].additions))
            for k in followers[i]:
                alignments[k] = replace(alignments[k], additions=())
    return tuple(alignments)


def with_reviews(human: HumanEnglish, segments: Sequence[Segment], memory: TranslationMemory) -> HumanEnglish:
    """A reviewer's English in the memory wins over the aligned English (bead ``reviewed``): first
    the alignment corrections of this English file (``recall_alignment``; empty English means the
    German shares the English of the pair before it, the review page's merge), then human English."""
    texts = [s.text for s in segments]
    translations, alignments = list(human.english), list(human.alignments)
    for i, (aligned, found) in enumerate(zip(memory.recall_alignment(texts, human.file), memory.recall_human(texts))):
        reviewed = aligned if aligned is not None else found
        if reviewed is not None:
            translations[i] = reviewed
            alignments[i] = Alignment("reviewed", None, (), lead=segments[i - 1].id if i and not reviewed.text else None,
                                      additions=alignments[i].additions)
    return HumanEnglish(human.file, tuple(translations), _with_bead_german(segments, alignments))


_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def translate_with_memory(texts: list[str], translator: EnglishSource, memory: TranslationMemory,
                          on_done: Callable[[int], None] | None = None) -> tuple[list[Translation], list[bool]]:
    """English for every sentence: from memory where it has it, else from the model (then
    remembered, batch by batch); and for each, whether it came from memory. ``on_done`` hears
    of the sentences found in memory at once, then of translated ones as they finish. A sentence
    without a letter or digit ("!!! ???", a run of 50,000 brackets) is its own English: the model is
    not asked (it would only invent, slowly). Numbers are translated: "4,9" is "4.9" in English."""
    recalled = memory.recall(texts, translator.engine)
    missing = list(dict.fromkeys(text for text, known in zip(texts, recalled) if known is None))
    fresh: dict[str, Translation] = {text: Translation(text, 0.0) for text in missing if not _LETTER_OR_DIGIT.search(text)}
    missing = [text for text in missing if text not in fresh]
    if on_done:  # those in memory, repeats and sentences without letters are done as far as progress goes
        on_done(len(texts) - len(missing))

    def remember(sources: Sequence[str], translations: list[Translation]) -> None:
        """Each batch as it arrives, so that the memory is the checkpoint of a long run."""
        memory.remember_machine(sources, translations, translator.engine)

    if missing:
        translator.prepare(missing)
        fresh.update(zip(missing, translator.translate(missing, on_done, remember)))
    return [known or fresh[text] for text, known in zip(texts, recalled)], [known is not None for known in recalled]


def checked_brief(item: Prepared, translations: list[Translation], recalled: list[bool],
                  translate_figure: StageFigure, translator: EnglishSource, glossary: Glossary | None = None) -> Checked:
    """Align, check and sign one document. ``translations`` are those of its segments that went to
    the English source (``Prepared.to_translate``), in order; ``recalled`` says which came from the memory;
    ``glossary``: the organisation's terms the checks follow."""
    clock = StageClock()
    english = item.english.filled(translations) if item.english else translations
    alignments = _per_segment(item.segments, item.english.alignments, lambda _: None) if item.english else None
    paragraphs = checks.check(align.align(item.segments, with_verbatim(item.segments, english), alignments),
                              glossary=glossary)
    brief = Brief(
        document=item.document,
        paragraphs=paragraphs,
        qa=checks.summarize(tuple(pair for paragraph in paragraphs for pair in paragraph.pairs)),
        signature=signature(translator),
        created=datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
        english_file=item.english.file if item.english else None,
        glossary=glossary.mark if glossary else None,
    )
    clock.lap("align+check")
    human = sum(known and t.origin == "human" for t, known in zip(translations, recalled))
    use = MemoryUse(segments=len(english), from_memory=sum(recalled), human=human,
                    translated=len(translations) - sum(recalled), aligned=len(english) - len(translations))
    return Checked(item.path, brief, use, (*item.figures, translate_figure, *clock.figures))


def with_verbatim(segments: Sequence[Segment], translations: Sequence[Translation]) -> list[Translation]:
    """A translation for every segment: code keeps its own text (origin ``verbatim``)."""
    return _per_segment(segments, translations, lambda code: Translation(code.text, None, origin="verbatim"))


def _per_segment(segments: Sequence[Segment], values: Sequence, for_code: Callable[[Segment], object]) -> list:
    """``values`` (one per segment that is not code) spread over all segments, ``for_code`` for code."""
    given = iter(values)
    return [for_code(s) if s.verbatim else next(given) for s in segments]


def render_and_write(checked: Checked, key: str, paths: OutputPaths, pdf_variant: str = DEFAULT_VARIANT,
                     typesetters: ProcessPool | None = None, on_wait: Callable[[], None] | None = None) -> BuildResult:
    """Make the chosen outputs of a brief in memory, each by its writer (``pipeline.writers``), then
    write them in ``writers.OUTPUTS`` order, the JSON last, holding the output folder's lock
    (``files.folder_lock``; ``on_wait`` hears if another build holds it). ``typesetters``:
    processes for its PDF."""
    path, brief = checked.path, checked.brief
    clock = StageClock()
    options = writers.Options(key, pdf_variant, {name: file.name for name, file in paths.files.items()}, typesetters)
    made: dict[str, bytes] = {}
    for name in writers.needed(paths.chosen):
        made[name] = writers.WRITERS[name].render(brief, made, options)
        clock.lap(writers.WRITERS[name].STAGE)
    # The JSON last: its content key marks the set as complete, so an interrupted write is redone next time.
    outputs = {paths.files[name]: made[name] for name in writers.OUTPUTS if name in paths.chosen}
    try:
        files.write_set(paths.folder, outputs, [file.name for file in paths.all()], on_wait)
    except OSError as error:
        raise PipelineError(f"{path}: outputs cannot be written ({error.strerror})") from None
    clock.lap("write")
    return BuildResult(path, brief, tuple(outputs), (*checked.figures, *clock.figures), checked.memory_use)


def signature(translator: EnglishSource) -> Signature:
    import ctranslate2

    return Signature(
        pipeline_version=__version__,
        splitter=segment.splitter_name(),
        package=translator.package,
        ctranslate2_version=ctranslate2.__version__,
        decoding=translator.settings,
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True)
class OutputPaths:
    files: dict[str, Path]
    """Every output's file, by its ``--outputs`` name (``writers.OUTPUTS``)."""
    chosen: frozenset[str] = frozenset(writers.OUTPUTS)
    """Which outputs a build writes."""

    @property
    def folder(self) -> Path:
        return self.files["json"].parent

    def all(self) -> tuple[Path, ...]:
        return tuple(self.files[name] for name in writers.OUTPUTS)

    def written(self) -> tuple[Path, ...]:
        return tuple(self.files[name] for name in writers.OUTPUTS if name in self.chosen)


def output_paths(out_dir: Path, name: str, chosen: frozenset[str] = frozenset(writers.OUTPUTS)) -> OutputPaths:
    return OutputPaths({output: out_dir / f"{name}{writers.WRITERS[output].SUFFIX}" for output in writers.OUTPUTS},
                       chosen)


def content_key(brief: Brief, pdf_variant: str = DEFAULT_VARIANT) -> str:
    """A hash of everything the outputs show except the build time: content, templates, pipeline, PDF variant."""
    digest = hashlib.sha256(to_json(replace(brief, created=""), "").encode("utf-8") + pdf_variant.encode())
    for template in sorted(render.TEMPLATES.iterdir()):
        digest.update(template.name.encode() + b"\0" + template.read_bytes())
    return digest.hexdigest()


def up_to_date(paths: OutputPaths, key: str) -> bool:
    """The chosen outputs exist and the JSON, written last, carries this content's key."""
    if "json" not in paths.chosen or not all(path.is_file() for path in paths.written()):
        return False
    try:
        return json.loads(paths.files["json"].read_text("utf-8")).get("content_key") == key
    except (OSError, ValueError, AttributeError):
        return False
