"""The only orchestrator: read → segment → translate → align → render → write.

Straight calls, one stage after the other; a failure names the input file.
All outputs of a document are rendered in memory first and then written
through temporary files and renames, so a failed or killed build never leaves
a half-written file.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pipeline import __version__, align, check, export, read, render, segment
from pipeline.errors import PipelineError
from pipeline.model import Brief, Signature
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
class BuildResult:
    brief: Brief
    written: tuple[Path, ...]
    figures: tuple[StageFigure, ...]


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
    on_sentences: Callable[[int], None] | None = None,
    on_translated: Callable[[int], None] | None = None,
) -> BuildResult:
    """Build ``<name>.html``, ``.pdf``, ``.json`` and ``.review.html`` for one input file."""
    clock = StageClock()
    ensure_writable(out_dir)
    document = read.read_document(input_path)
    clock.lap("read")
    segments = segment.segment(document)
    clock.lap("segment")
    if on_sentences:
        on_sentences(len(segments))
    translations = translator.translate([s.text for s in segments], on_translated)
    clock.lap("translate")
    paragraphs = check.check(align.align(segments, translations))
    brief = Brief(
        document=document,
        paragraphs=paragraphs,
        qa=check.summarize(tuple(pair for paragraph in paragraphs for pair in paragraph.pairs)),
        signature=signature(translator),
        created=datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
    )
    clock.lap("align+check")
    html_text = render.html(brief)
    review_text = render.review_html(brief)
    clock.lap("render html")
    pdf_bytes = render.pdf(html_text)
    clock.lap("render pdf")
    outputs = {
        out_dir / f"{document.name}.html": html_text.encode("utf-8"),
        out_dir / f"{document.name}.review.html": review_text.encode("utf-8"),
        out_dir / f"{document.name}.pdf": pdf_bytes,
        out_dir / f"{document.name}.json": export.to_json(brief).encode("utf-8"),
    }
    for path, data in outputs.items():
        write_atomically(path, data)
    clock.lap("write")
    return BuildResult(brief=brief, written=tuple(outputs), figures=tuple(clock.figures))


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
