"""Runs of many documents: the scheduling around ``pipeline.build``'s chain of stages.

The sentences of all documents are translated together, a group of documents at a time, so that
thirty short articles batch as well as one long one; a finished document is rendered while the
next group translates; builds into the same folder take turns writing (``files.folder_lock``); a
run of several briefs ends with the press review. A document that fails, for whatever reason,
is reported and the others are built.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from pipeline import build, files, render, writers
from pipeline.build import BuildResult, Prepared
from pipeline.errors import PipelineError, UsageError
from pipeline.glossary import Glossary
from pipeline.memory.store import TranslationMemory
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
        """Another build is writing into the output folder; this document's outputs wait for it."""

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
                 english: dict[Path, Path] | None = None, glossary: Glossary | None = None,
                 debug: bool = False) -> RunResult:
    """Build the outputs of every input (``build.output_paths``) and, for more than one, the press review.

    The sentences of all documents are translated together, a group of documents at a time,
    so that thirty short articles batch as well as one long one; a finished document is
    rendered while the next group translates (``_Renderer``). When a brief's content,
    the templates and the pipeline are unchanged since its outputs were written, nothing is
    rendered or written again unless ``force`` is set. Builds of the same document into the
    same folder take turns writing. A document that fails is reported and leaves nothing behind.
    ``outputs`` chooses what to write (``OUTPUTS``); the press review needs its HTML and PDF.
    ``english`` maps an input to its existing English translation, aligned instead of translated.
    ``glossary``: the organisation's terms, checked in every brief (``checks.terms``). An error
    that is not a ``PipelineError`` (a bug) fails only its document, unless ``debug`` asks for
    its traceback.
    """
    files.ensure_writable(out_dir)
    files.lock_folder()  # refused before any work if it is not safe to lock in
    results: dict[Path, BuildResult] = {}
    failures = 0
    with _Renderer(in_process=len(inputs) == 1, listener=listener) as renderer:
        prepared = []
        for path in inputs:
            try:
                prepared.append(build.read_and_segment(path, (english or {}).get(path), memory))
            except Exception as error:  # noqa: BLE001 - one document's failure never stops the others
                listener.failed(path, failure_message(path, error, debug))
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
                try:
                    pending.append(_finish(item, translations[start:end], recalled[start:end], translate_figure,
                                           translator, out_dir, force, renderer, pdf_variant, outputs, glossary))
                except Exception as error:  # noqa: BLE001
                    listener.failed(item.path, failure_message(item.path, error, debug))
                    failures += 1
                start = end
        for item, future in pending:
            try:
                result = future.result()
            except Exception as error:  # noqa: BLE001
                listener.failed(item.path, failure_message(item.path, error, debug))
                failures += 1
                continue
            results[item.path] = result
            listener.finished(result)
        built = [results[path] for path in inputs if path in results]
        wanted = len(built) > 1 and {"html", "pdf"} <= outputs
        review = _press_review(built, out_dir, review_name, force, pdf_variant, renderer.typesetters,
                               listener) if wanted else ()
    return RunResult(results=tuple(built), failures=failures, review=review, threads=translator.configuration)


def failure_message(path: Path, error: Exception, debug: bool) -> str:
    """The one line a failed document gets; with ``debug``, a bug's traceback instead."""
    if isinstance(error, PipelineError):
        return str(error)
    if debug:
        raise error
    return (f"{path}: internal error: {type(error).__name__}: {error} (the other documents were built; "
            "build this one alone with --debug for a traceback)")


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

    def __init__(self, in_process: bool, listener: BuildListener) -> None:
        self.typesetters = None if in_process else ProcessPool(len(os.sched_getaffinity(0))).started()
        self._thread = None if in_process else ThreadPoolExecutor(1, thread_name_prefix="renderer")
        self._listener = listener

    def submit(self, checked: build.Checked, key: str, paths: build.OutputPaths, pdf_variant: str) -> Future:
        on_wait = partial(self._listener.waiting, checked.path)
        if self._thread is not None:
            return self._thread.submit(build.render_and_write, checked, key, paths, pdf_variant, self.typesetters,
                                       on_wait)
        done: Future = Future()
        try:
            done.set_result(build.render_and_write(checked, key, paths, pdf_variant, on_wait=on_wait))
        except Exception as error:  # noqa: BLE001 - reported with its document
            done.set_exception(error)
        return done

    def __enter__(self) -> "_Renderer":
        return self

    def __exit__(self, *exc) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True, cancel_futures=exc[0] is not None)
            self.typesetters.shutdown(wait=True, cancel_futures=exc[0] is not None)


def _press_review(results: list[BuildResult], out_dir: Path, name: str, force: bool, pdf_variant: str,
                  typesetters: ProcessPool | None, listener: BuildListener) -> tuple[Path, ...]:
    """``index.html`` and ``<name>.pdf``: every brief of the run, with links and a contents page;
    the two and their key written under the folder's lock, so all three are of one run."""
    briefs = [result.brief for result in results]
    index = out_dir / "index.html"
    review = out_dir / f"{name}.pdf"
    index_text = render.index_html(briefs, review.name)
    review_html = render.press_review_html(briefs)
    key = hashlib.sha256(review_html.encode("utf-8") + pdf_variant.encode()).hexdigest()
    key_file = out_dir / f".{name}.key"
    if not force and review.is_file() and index.is_file() and key_file.is_file() and key_file.read_text() == key:
        return ()
    review_pdf = render.press_review_pdf(briefs, review_html, pdf_variant, typesetters)
    written = {index: index_text.encode("utf-8"), review: review_pdf, key_file: key.encode()}
    try:
        files.write_set(out_dir, written, on_wait=partial(listener.waiting, review))
    except OSError as error:
        raise PipelineError(f"{review}: the press review cannot be written ({error.strerror})") from None
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
