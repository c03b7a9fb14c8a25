"""The only orchestrator: read → segment → memory/translate → align+check → render → write.

Straight calls, one stage after the other; a failure names the input file.
All outputs of a document are rendered in memory first and then written
through temporary files and renames, so a failed or killed build never leaves
a half-written file.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from pipeline import __version__, align, checks, exchange, export, read, render, segment
from pipeline.errors import PipelineError
from pipeline.memory import TranslationMemory
from pipeline.model import Brief, Signature, Translation
from pipeline.translate import Translator


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
        now = time.perf_counter()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.figures.append(StageFigure(stage, now - self._started, peak_mb))
        self._started = now


@dataclass(frozen=True)
class MemoryUse:
    segments: int
    from_memory: int
    human: int
    """Of those from memory, segments with human English."""
    translated: int
    """Segments whose English the model produced in this build."""

    def line(self) -> str:
        human = f" ({self.human} human)" if self.human else ""
        return f"{self.segments} segments: {self.from_memory} from memory{human}, {self.translated} translated"


@dataclass(frozen=True)
class BuildResult:
    brief: Brief
    written: tuple[Path, ...]
    """Empty when the outputs were already up to date."""
    figures: tuple[StageFigure, ...]
    memory_use: MemoryUse


def signature(translator: Translator) -> Signature:
    import ctranslate2

    return Signature(
        pipeline_version=__version__,
        splitter=segment.splitter_name(),
        package=translator.package,
        ctranslate2_version=ctranslate2.__version__,
        decoding=translator.settings,
    )


def build_brief(
    input_path: Path,
    out_dir: Path,
    translator: Translator,
    memory: TranslationMemory,
    force: bool = False,
    on_sentences: Callable[[int], None] | None = None,
    on_translated: Callable[[int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
) -> BuildResult:
    """Build the outputs of one input file (see ``output_paths``).

    When the brief's content, the templates and the pipeline are unchanged since
    the outputs in ``out_dir`` were written, nothing is rendered or written again
    unless ``force`` is set. Builds of the same document into the same folder take
    turns (``on_wait`` is called when this one has to wait).
    """
    clock = StageClock()
    ensure_writable(out_dir)
    with document_lock(out_dir, input_path.stem, on_wait):
        return _build_locked(input_path, out_dir, translator, memory, force, clock, on_sentences, on_translated)


def _build_locked(
    input_path: Path,
    out_dir: Path,
    translator: Translator,
    memory: TranslationMemory,
    force: bool,
    clock: StageClock,
    on_sentences: Callable[[int], None] | None,
    on_translated: Callable[[int], None] | None,
) -> BuildResult:
    document = read.read_document(input_path)
    clock.lap("read")
    segments = segment.segment(document)
    clock.lap("segment")
    translations, memory_use = translate_with_memory([s.text for s in segments], translator, memory,
                                                     on_sentences, on_translated)
    clock.lap("translate")
    paragraphs = checks.check(align.align(segments, translations))
    brief = Brief(
        document=document,
        paragraphs=paragraphs,
        qa=checks.summarize(tuple(pair for paragraph in paragraphs for pair in paragraph.pairs)),
        signature=signature(translator),
        created=datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
    )
    clock.lap("align+check")
    paths = output_paths(out_dir, document.name)
    _remove_stale_temporaries(paths)
    key = content_key(brief)
    if not force and _up_to_date(paths, key):
        return BuildResult(brief=brief, written=(), figures=tuple(clock.figures), memory_use=memory_use)
    html_text = render.html(brief)
    review_text = render.review_html(brief)
    clock.lap("render html")
    pdf_bytes = render.pdf(html_text)
    clock.lap("render pdf")
    outputs = {
        paths.html: html_text.encode("utf-8"),
        paths.review: review_text.encode("utf-8"),
        paths.pdf: pdf_bytes,
        paths.tmx: exchange.to_tmx(exchange.units_of(brief)),
        paths.xliff: exchange.to_xliff(brief),
        # Last: its content key marks the set as complete, so an interrupted write is redone next time.
        paths.json: export.to_json(brief, key).encode("utf-8"),
    }
    for path, data in outputs.items():
        write_atomically(path, data)
    clock.lap("write")
    return BuildResult(brief=brief, written=tuple(outputs), figures=tuple(clock.figures), memory_use=memory_use)


def translate_with_memory(
    texts: list[str],
    translator: Translator,
    memory: TranslationMemory,
    on_sentences: Callable[[int], None] | None = None,
    on_translated: Callable[[int], None] | None = None,
) -> tuple[list[Translation], MemoryUse]:
    """English for every sentence: from memory where it has it, else from the model (then remembered)."""
    recalled = memory.recall(texts, translator.engine)
    missing = list(dict.fromkeys(text for text, known in zip(texts, recalled) if known is None))
    if on_sentences:
        on_sentences(len(missing))
    fresh: dict[str, Translation] = {}
    if missing:
        fresh = dict(zip(missing, translator.translate(missing, on_translated)))
        memory.remember_machine(missing, [fresh[text] for text in missing], translator.engine)
    translations = [known or fresh[text] for text, known in zip(texts, recalled)]
    from_memory = [known for known in recalled if known is not None]
    return translations, MemoryUse(
        segments=len(texts),
        from_memory=len(from_memory),
        human=sum(known.origin == "human" for known in from_memory),
        translated=len(texts) - len(from_memory),
    )


@dataclass(frozen=True)
class OutputPaths:
    html: Path
    review: Path
    pdf: Path
    tmx: Path
    xliff: Path
    json: Path

    def all(self) -> tuple[Path, ...]:
        return (self.html, self.review, self.pdf, self.tmx, self.xliff, self.json)


def output_paths(out_dir: Path, name: str) -> OutputPaths:
    return OutputPaths(
        html=out_dir / f"{name}.html",
        review=out_dir / f"{name}.review.html",
        pdf=out_dir / f"{name}.pdf",
        tmx=out_dir / f"{name}.tmx",
        xliff=out_dir / f"{name}.xlf",
        json=out_dir / f"{name}.json",
    )


def content_key(brief: Brief) -> str:
    """A hash of everything the outputs show except the build time: content, templates, pipeline."""
    digest = hashlib.sha256(export.to_json(replace(brief, created=""), "").encode("utf-8"))
    for template in sorted(render.TEMPLATES.iterdir()):
        digest.update(template.name.encode() + b"\0" + template.read_bytes())
    return digest.hexdigest()


def _up_to_date(paths: OutputPaths, key: str) -> bool:
    if not all(path.is_file() for path in paths.all()):
        return False
    try:
        return json.loads(paths.json.read_text("utf-8")).get("content_key") == key
    except (OSError, ValueError, AttributeError):
        return False


@contextmanager
def document_lock(out_dir: Path, name: str, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold ``out_dir/.<name>.lock``; a second build of the same document waits for the first."""
    with open(out_dir / f".{name}.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _remove_stale_temporaries(paths: OutputPaths) -> None:
    """Temporary files of a build that was killed (this document's lock is held, so no one writes them)."""
    for path in paths.all():
        for stale in path.parent.glob(f".{path.name}.*.tmp"):
            stale.unlink(missing_ok=True)


def ensure_writable(out_dir: Path) -> None:
    """Fail before any work is done if ``out_dir`` cannot take the outputs."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out_dir):
            pass
    except OSError as error:
        raise PipelineError(
            f"{out_dir}: output directory cannot be written ({error.strerror}); choose another with --out"
        ) from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, flush it to disk, then rename it over ``path``."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
