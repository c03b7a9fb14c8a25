"""Runs of many documents: the scheduling around ``pipeline.build``'s chain of stages.

The sentences of all documents are translated together, a group of documents at a time, so that
thirty short articles batch as well as one long one; a finished document is rendered while the
next group translates; builds of the same document into the same folder take turns (a lock per
document); a run of several briefs ends with the press review.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline import build, render, writers
from pipeline.build import BuildResult, Prepared
from pipeline.errors import PipelineError, UsageError
from pipeline.glossary import Glossary
from pipeline.memory import TranslationMemory
from pipeline.model import EnglishSource, Translation
from pipeline.pdf import DEFAULT_VARIANT
from pipeline.processes import ProcessPool


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


def build_briefs(inputs: list[Path], out_dir: Path, translator: EnglishSource, memory: TranslationMemory,
                 force: bool = False, listener: BuildListener = BuildListener(),
                 review_name: str = "press-review", pdf_variant: str = DEFAULT_VARIANT,
                 outputs: frozenset[str] = frozenset(writers.OUTPUTS),
                 english: dict[Path, Path] | None = None, glossary: Glossary | None = None) -> RunResult:
    """Build the outputs of every input (``build.output_paths``) and, for more than one, the press review.

    The sentences of all documents are translated together, a group of documents at a time,
    so that thirty short articles batch as well as one long one; a finished document is
    rendered while the next group translates (``_Renderer``). When a brief's content,
    the templates and the pipeline are unchanged since its outputs were written, nothing is
    rendered or written again unless ``force`` is set. Builds of the same document into the
    same folder take turns. A document that fails is reported and leaves nothing behind.
    ``outputs`` chooses what to write (``OUTPUTS``); the press review needs its HTML and PDF.
    ``english`` maps an input to its existing English translation, aligned instead of translated.
    ``glossary``: the organisation's terms, checked in every brief (``checks.terms``).
    """
    build.ensure_writable(out_dir)
    results: dict[Path, BuildResult] = {}
    failures = 0
    with ExitStack() as locks, _Renderer(in_process=len(inputs) == 1) as renderer:
        prepared = []
        for path in inputs:
            try:
                locks.enter_context(document_lock(out_dir, path.stem, lambda path=path: listener.waiting(path)))
                prepared.append(build.read_and_segment(path, (english or {}).get(path), memory))
            except PipelineError as error:
                listener.failed(path, str(error))
                failures += 1
        listener.planned(sum(len(item.to_translate) for item in prepared))
        pending = []
        for group in _groups(prepared, translator.group_sentences):
            started = time.perf_counter()
            texts = [s.text for item in group for s in item.to_translate]
            translations, recalled = build.translate_with_memory(texts, translator, memory, listener.translated)
            translate_figure = build.StageFigure("translate", time.perf_counter() - started, build.peak_rss_mb())
            start = 0
            for item in group:
                end = start + len(item.to_translate)
                pending.append(_finish(item, translations[start:end], recalled[start:end], translate_figure,
                                       translator, out_dir, force, renderer, pdf_variant, outputs, glossary))
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
        review = _press_review(built, out_dir, review_name, force, pdf_variant, renderer.typesetters) if wanted else ()
    return RunResult(results=tuple(built), failures=failures, review=review, threads=translator.configuration)


def build_brief(input_path: Path, out_dir: Path, translator: EnglishSource, memory: TranslationMemory,
                force: bool = False) -> BuildResult:
    """Build one document's outputs; raises its ``PipelineError`` if it fails."""

    class _Raise(BuildListener):
        def failed(self, path: Path, message: str) -> None:
            raise PipelineError(message)

    return build_briefs([input_path], out_dir, translator, memory, force, _Raise()).results[0]


def _groups(prepared: list[Prepared], size: int) -> Iterator[list[Prepared]]:
    group: list[Prepared] = []
    for item in prepared:
        group.append(item)
        if sum(len(i.segments) for i in group) >= size:
            yield group
            group = []
    if group:
        yield group


def _finish(item: Prepared, translations: list[Translation], recalled: list[bool],
            translate_figure: build.StageFigure, translator: EnglishSource, out_dir: Path, force: bool,
            renderer: "_Renderer", pdf_variant: str, outputs: frozenset[str],
            glossary: Glossary | None) -> tuple[Prepared, Future]:
    """Check one document, then hand it to the renderer unless its outputs are up to date."""
    checked = build.checked_brief(item, translations, recalled, translate_figure, translator, glossary)
    paths = build.output_paths(out_dir, item.document.name, outputs)
    build.remove_stale_temporaries(paths)
    key = build.content_key(checked.brief, pdf_variant)
    if not force and build.up_to_date(paths, key):
        done: Future = Future()
        done.set_result(BuildResult(item.path, checked.brief, (), checked.figures, checked.memory_use))
        return item, done
    return item, renderer.submit(checked, key, paths, pdf_variant)


class _Renderer:
    """Renders and writes finished briefs: in this process for a single document; else in a thread
    of its own, so that the next documents translate while one is rendered, with its PDFs typeset
    in the build's processes (one per CPU: WeasyPrint is single-threaded and holds every page in
    memory). The build's only pool; the press review is typeset in it too."""

    def __init__(self, in_process: bool) -> None:
        self.typesetters = None if in_process else ProcessPool(len(os.sched_getaffinity(0))).started()
        self._thread = None if in_process else ThreadPoolExecutor(1, thread_name_prefix="renderer")

    def submit(self, checked: build.Checked, key: str, paths: build.OutputPaths, pdf_variant: str) -> Future:
        if self._thread is not None:
            return self._thread.submit(build.render_and_write, checked, key, paths, pdf_variant, self.typesetters)
        done: Future = Future()
        try:
            done.set_result(build.render_and_write(checked, key, paths, pdf_variant))
        except PipelineError as error:
            done.set_exception(error)
        return done

    def __enter__(self) -> "_Renderer":
        return self

    def __exit__(self, *exc) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True, cancel_futures=exc[0] is not None)
            self.typesetters.shutdown(wait=True, cancel_futures=exc[0] is not None)


def _press_review(results: list[BuildResult], out_dir: Path, name: str, force: bool, pdf_variant: str,
                  typesetters: ProcessPool | None) -> tuple[Path, ...]:
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
    build.write_atomically(index, index_text.encode("utf-8"))
    build.write_atomically(review, render.press_review_pdf(briefs, review_html, pdf_variant, typesetters))
    build.write_atomically(key_file, key.encode())
    return index, review


def check_output_names(inputs: list[Path], out_dir: Path, review_name: str) -> None:
    """Refuse, before anything is read or written, inputs whose outputs would overwrite each other
    (``a.txt`` and ``a.md``; ``a.txt``'s ``a.review.html`` and ``a.review.txt``'s ``a.review.html``)
    or the press review's (``index.txt`` and the run's ``index.html``)."""
    owners: dict[Path, Path] = {}
    for path in inputs:
        for output in build.output_paths(out_dir, path.stem).all():
            if owners.get(output, path) != path:
                raise UsageError(f"{owners[output]} and {path} would both write {output}; rename one of them")
            owners[output] = path
    if len(inputs) > 1:
        for output in (out_dir / "index.html", out_dir / f"{review_name}.pdf"):
            if output in owners:
                raise UsageError(f"{owners[output]} would write {output}, which the press review writes; rename it, "
                                 "or choose another --review-name")


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


