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
import re
import resource
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from pipeline import __version__, align, checks, read, render, segment, writers
from pipeline.errors import PipelineError, UsageError
from pipeline.memory import TranslationMemory
from pipeline.pdf import DEFAULT_VARIANT
from pipeline.processes import process_pool
from pipeline.model import Brief, Document, EnglishSource, Segment, Signature, Translation
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
        self.figures.append(StageFigure(stage, seconds, _peak_rss_mb()))
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
    path: Path
    brief: Brief
    written: tuple[Path, ...]
    """Empty when the outputs were already up to date."""
    figures: tuple[StageFigure, ...]
    memory_use: MemoryUse


@dataclass(frozen=True)
class RunResult:
    results: tuple[BuildResult, ...]
    """One per document built, in input order."""
    failures: int
    review: tuple[Path, ...]
    """The press review's files, when the run built more than one brief."""
    threads: str
    """How the English source runs (``EnglishSource.configuration``)."""


class BuildListener:
    """What a run reports as it goes; the CLI prints it. The methods here do nothing."""

    def waiting(self, path: Path) -> None:
        """Another build of this document holds its lock."""

    def planned(self, sentences: int) -> None:
        """The run has this many sentences in all (read and segmented)."""

    def translated(self, sentences: int) -> None:
        """That many more sentences are done (from memory or the model)."""

    def finished(self, result: BuildResult) -> None:
        """A document's outputs are written (or were up to date)."""

    def failed(self, path: Path, message: str) -> None:
        """A document could not be built; the others go on."""


@dataclass(frozen=True)
class _Prepared:
    path: Path
    document: Document
    segments: tuple[Segment, ...]
    figures: tuple[StageFigure, ...]

    @property
    def translatable(self) -> tuple[Segment, ...]:
        """The segments that go to the English source (code is kept as it is)."""
        return tuple(s for s in self.segments if not s.verbatim)


def signature(translator: EnglishSource) -> Signature:
    import ctranslate2

    return Signature(
        pipeline_version=__version__,
        splitter=segment.splitter_name(),
        package=translator.package,
        ctranslate2_version=ctranslate2.__version__,
        decoding=translator.settings,
    )


def build_briefs(inputs: list[Path], out_dir: Path, translator: EnglishSource, memory: TranslationMemory,
                 force: bool = False, listener: BuildListener = BuildListener(),
                 review_name: str = "press-review", pdf_variant: str = DEFAULT_VARIANT,
                 outputs: frozenset[str] = frozenset(writers.OUTPUTS)) -> RunResult:
    """Build the outputs of every input (see ``output_paths``) and, for more than one, the press review.

    The sentences of all documents are translated together, a group of documents at a time,
    so that thirty short articles batch as well as one long one; a finished document is
    rendered in another process while the next group translates. When a brief's content,
    the templates and the pipeline are unchanged since its outputs were written, nothing is
    rendered or written again unless ``force`` is set. Builds of the same document into the
    same folder take turns. A document that fails is reported and leaves nothing behind.
    ``outputs`` chooses what to write (``OUTPUTS``); the press review needs its HTML and PDF.
    """
    ensure_writable(out_dir)
    results: dict[Path, BuildResult] = {}
    failures = 0
    with ExitStack() as locks, _Renderer(in_process=len(inputs) == 1) as renderer:
        prepared = []
        for path in inputs:
            try:
                locks.enter_context(document_lock(out_dir, path.stem, lambda path=path: listener.waiting(path)))
                prepared.append(_prepare(path))
            except PipelineError as error:
                listener.failed(path, str(error))
                failures += 1
        listener.planned(sum(len(item.translatable) for item in prepared))
        pending = []
        for group in _groups(prepared, translator.group_sentences):
            started = time.perf_counter()
            texts = [s.text for item in group for s in item.translatable]
            translations, recalled = translate_with_memory(texts, translator, memory, listener.translated)
            translate_figure = StageFigure("translate", time.perf_counter() - started, _peak_rss_mb())
            start = 0
            for item in group:
                end = start + len(item.translatable)
                pending.append(_finish(item, translations[start:end], recalled[start:end], translate_figure,
                                       translator, out_dir, force, renderer, pdf_variant, outputs))
                start = end
        for item, future in pending:
            try:
                result = future.result()
            except PipelineError as error:
                listener.failed(item.path, str(error))
                failures += 1
                continue
            results[item.path] = result
            listener.finished(result)
        built = [results[path] for path in inputs if path in results]
        wanted = len(built) > 1 and {"html", "pdf"} <= outputs
        review = _press_review(built, out_dir, review_name, force, pdf_variant) if wanted else ()
    return RunResult(results=tuple(built), failures=failures, review=review, threads=translator.configuration)


def build_brief(input_path: Path, out_dir: Path, translator: EnglishSource, memory: TranslationMemory,
                force: bool = False) -> BuildResult:
    """Build one document's outputs; raises its ``PipelineError`` if it fails."""

    class _Raise(BuildListener):
        def failed(self, path: Path, message: str) -> None:
            raise PipelineError(message)

    return build_briefs([input_path], out_dir, translator, memory, force, _Raise()).results[0]


def _prepare(path: Path) -> _Prepared:
    clock = StageClock()
    document = read.read_document(path)
    clock.lap("read")
    segments = segment.segment(document)
    clock.lap("segment")
    return _Prepared(path, document, tuple(segments), tuple(clock.figures))


def _groups(prepared: list[_Prepared], size: int) -> Iterator[list[_Prepared]]:
    group: list[_Prepared] = []
    for item in prepared:
        group.append(item)
        if sum(len(i.segments) for i in group) >= size:
            yield group
            group = []
    if group:
        yield group


def _finish(item: _Prepared, translations: list[Translation], recalled: list[bool], translate_figure: StageFigure,
            translator: EnglishSource, out_dir: Path, force: bool, renderer: "_Renderer",
            pdf_variant: str, outputs: frozenset[str]) -> tuple[_Prepared, Future]:
    """Align, check and sign one document, then hand it to the renderer unless it is up to date.
    ``translations`` are those of the segments that are not code, in order."""
    clock = StageClock()
    paragraphs = checks.check(align.align(item.segments, with_verbatim(item.segments, translations)))
    brief = Brief(
        document=item.document,
        paragraphs=paragraphs,
        qa=checks.summarize(tuple(pair for paragraph in paragraphs for pair in paragraph.pairs)),
        signature=signature(translator),
        created=datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
    )
    clock.lap("align+check")
    human = sum(known and t.origin == "human" for t, known in zip(translations, recalled))
    use = MemoryUse(segments=len(translations), from_memory=sum(recalled), human=human,
                    translated=len(translations) - sum(recalled))
    figures = (*item.figures, translate_figure, *clock.figures)
    paths = output_paths(out_dir, item.document.name, outputs)
    _remove_stale_temporaries(paths)
    key = content_key(brief, pdf_variant)
    if not force and _up_to_date(paths, key):
        done: Future = Future()
        done.set_result(BuildResult(item.path, brief, (), figures, use))
        return item, done
    return item, renderer.submit(item.path, brief, key, paths, figures, use, pdf_variant)


def with_verbatim(segments: Sequence[Segment], translations: Sequence[Translation]) -> list[Translation]:
    """A translation for every segment: code keeps its own text (origin ``verbatim``)."""
    given = iter(translations)
    return [Translation(s.text, None, origin="verbatim") if s.verbatim else next(given) for s in segments]


class _Renderer:
    """Renders and writes finished briefs: in this process for a single document, else in one
    worker process, so that the next documents translate while a PDF (single-threaded) is set."""

    def __init__(self, in_process: bool) -> None:
        self._pool = None if in_process else process_pool(1)

    def submit(self, path: Path, brief: Brief, key: str, paths: "OutputPaths", figures: tuple[StageFigure, ...],
               use: MemoryUse, pdf_variant: str) -> Future:
        if self._pool is not None:
            return self._pool.submit(render_and_write, path, brief, key, paths, figures, use, pdf_variant)
        done: Future = Future()
        try:
            done.set_result(render_and_write(path, brief, key, paths, figures, use, pdf_variant))
        except PipelineError as error:
            done.set_exception(error)
        return done

    def __enter__(self) -> "_Renderer":
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc[0] is not None)


def render_and_write(path: Path, brief: Brief, key: str, paths: "OutputPaths", figures: tuple[StageFigure, ...],
                     use: MemoryUse, pdf_variant: str = DEFAULT_VARIANT) -> BuildResult:
    """Make the chosen outputs of a brief in memory, each by its writer (``pipeline.writers``), then
    write them in ``writers.OUTPUTS`` order, the JSON last."""
    clock = StageClock()
    options = writers.Options(key, pdf_variant, {name: file.name for name, file in paths.files.items()})
    made: dict[str, bytes] = {}
    for name in writers.needed(paths.chosen):
        made[name] = writers.WRITERS[name].render(brief, made, options)
        clock.lap(writers.WRITERS[name].STAGE)
    # The JSON last: its content key marks the set as complete, so an interrupted write is redone next time.
    outputs = {paths.files[name]: made[name] for name in writers.OUTPUTS if name in paths.chosen}
    try:
        for output, data in outputs.items():
            write_atomically(output, data)
    except OSError as error:
        raise PipelineError(f"{path}: outputs cannot be written ({error.strerror})") from None
    clock.lap("write")
    return BuildResult(path, brief, tuple(outputs), (*figures, *clock.figures), use)


def _press_review(results: list[BuildResult], out_dir: Path, name: str, force: bool,
                  pdf_variant: str) -> tuple[Path, ...]:
    """``index.html`` and ``<name>.pdf``: every brief of the run, with links and a contents page."""
    briefs = [result.brief for result in results]
    index = out_dir / "index.html"
    review = out_dir / f"{name}.pdf"
    index_text = render.index_html(briefs, review.name)
    review_html = render.press_review_html(briefs)
    key = hashlib.sha256(review_html.encode("utf-8") + pdf_variant.encode()).hexdigest()
    key_file = out_dir / f".{name}.key"
    if not force and review.is_file() and index.is_file() and key_file.is_file() and key_file.read_text() == key:
        return ()
    write_atomically(index, index_text.encode("utf-8"))
    write_atomically(review, render.press_review_pdf(briefs, review_html, pdf_variant))
    write_atomically(key_file, key.encode())
    return index, review


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
        fresh.update(zip(sources, translations))

    if missing:
        translator.translate(missing, on_done, remember)
    return [known or fresh[text] for text, known in zip(texts, recalled)], [known is not None for known in recalled]


@dataclass(frozen=True)
class OutputPaths:
    files: dict[str, Path]
    """Every output's file, by its ``--outputs`` name (``writers.OUTPUTS``)."""
    chosen: frozenset[str] = frozenset(writers.OUTPUTS)
    """Which outputs a build writes."""

    def all(self) -> tuple[Path, ...]:
        return tuple(self.files[name] for name in writers.OUTPUTS)

    def written(self) -> tuple[Path, ...]:
        return tuple(self.files[name] for name in writers.OUTPUTS if name in self.chosen)


def check_output_names(inputs: list[Path], out_dir: Path, review_name: str) -> None:
    """Refuse, before anything is read or written, inputs whose outputs would overwrite each other
    (``a.txt`` and ``a.md``; ``a.txt``'s ``a.review.html`` and ``a.review.txt``'s ``a.review.html``)
    or the press review's (``index.txt`` and the run's ``index.html``)."""
    owners: dict[Path, Path] = {}
    for path in inputs:
        for output in output_paths(out_dir, path.stem).all():
            if owners.get(output, path) != path:
                raise UsageError(f"{owners[output]} and {path} would both write {output}; rename one of them")
            owners[output] = path
    if len(inputs) > 1:
        for output in (out_dir / "index.html", out_dir / f"{review_name}.pdf"):
            if output in owners:
                raise UsageError(f"{owners[output]} would write {output}, which the press review writes; rename it, "
                                 "or choose another --review-name")


def output_paths(out_dir: Path, name: str, chosen: frozenset[str] = frozenset(writers.OUTPUTS)) -> OutputPaths:
    return OutputPaths({output: out_dir / f"{name}{writers.WRITERS[output].SUFFIX}" for output in writers.OUTPUTS},
                       chosen)


def content_key(brief: Brief, pdf_variant: str = DEFAULT_VARIANT) -> str:
    """A hash of everything the outputs show except the build time: content, templates, pipeline, PDF variant."""
    digest = hashlib.sha256(to_json(replace(brief, created=""), "").encode("utf-8") + pdf_variant.encode())
    for template in sorted(render.TEMPLATES.iterdir()):
        digest.update(template.name.encode() + b"\0" + template.read_bytes())
    return digest.hexdigest()


def _up_to_date(paths: OutputPaths, key: str) -> bool:
    """The chosen outputs exist and the JSON, written last, carries this content's key."""
    if "json" not in paths.chosen or not all(path.is_file() for path in paths.written()):
        return False
    try:
        return json.loads(paths.files["json"].read_text("utf-8")).get("content_key") == key
    except (OSError, ValueError, AttributeError):
        return False


def lock_path(out_dir: Path, name: str) -> Path:
    """Where a document's lock lives: outside the output folder, one per output folder and name."""
    folder = hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:16]
    locks = Path(tempfile.gettempdir()) / f"de-en-brief-locks-{os.getuid()}"
    locks.mkdir(mode=0o700, exist_ok=True)
    return locks / f"{folder}-{name}.lock"


@contextmanager
def document_lock(out_dir: Path, name: str, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the document's lock (``lock_path``); a second build of the same document waits for the first."""
    with open(lock_path(out_dir, name), "a") as lock:
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
