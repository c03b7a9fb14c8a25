"""Translate on a Dask cluster: the translate stage's other backend (``brief --scheduler``).

The driver (the ``brief`` process) reads, segments, checks, renders and writes, and owns the
translation memory; workers only translate. Sentences are sorted by length and sent in small
batches (``Client.submit`` with retries, never actors, which are not restarted when their
worker dies); each batch's English goes into the memory as it arrives, so the memory is the
checkpoint of a long run. Each worker loads its own copy of the model package once, and
must have the very package the driver has (name, version and weights' fingerprint).
Workers import this module: ``pipeline`` must be importable on them. Dask's client logs tracebacks
while it tries to reconnect to a lost scheduler; how loud a process is is its owner's choice (the
CLI silences Dask, see ``cli.quiet_dask_logging``), not this module's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from functools import cached_property

from pipeline.errors import ClusterError
from pipeline.model import DecodingSettings, ModelPackage, Translation
from pipeline.translate.local import Translator

BATCH_SENTENCES = 32
"""Sentences a task: a worker that dies costs a few seconds of work, and one batch of the local
translator's size keeps the decoder's batch as full."""
BATCHES_PER_THREAD = 8
"""A build's group of sentences gives every worker thread this many batches."""
RETRIES = 3
CONNECT_SECONDS = 10


class ClusterTranslator:
    """Translates on the workers of the scheduler at ``address``; the same face as ``Translator``."""

    def __init__(self, address: str, package: ModelPackage, settings: DecodingSettings = DecodingSettings()) -> None:
        self.address = address
        self.package = package
        self.settings = settings
        self._client = _connect(address)
        try:
            self._threads = self._check_workers()
        except BaseException:
            self.close()
            raise

    @cached_property
    def engine(self):
        """The same key of machine output in the memory as a local run's: local and cluster runs share it."""
        return Translator(self.package, self.settings).engine

    @property
    def configuration(self) -> str:
        return f"cluster {self.address}: {len(self._workers())} workers, {self._threads} threads"

    @property
    def group_sentences(self) -> int:
        return BATCH_SENTENCES * BATCHES_PER_THREAD * max(1, self._threads)

    def prepare(self, texts: Sequence[str]) -> None:
        """Nothing to measure: each worker translates with its own threads."""

    def _workers(self) -> dict:
        return self._client.scheduler_info()["workers"]

    def _check_workers(self) -> int:
        """Every worker has the driver's package, or nothing is sent; returns the workers' threads."""
        try:
            self._client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except TimeoutError:
            raise ClusterError(f"scheduler {self.address}: no worker has joined within {CONNECT_SECONDS} s; "
                               "start workers (make cluster starts two on this machine)") from None
        found = self._client.run(worker_model, on_error="return")
        for worker, model in sorted(found.items()):
            if isinstance(model, BaseException):
                raise ClusterError(f"worker {worker} cannot run the pipeline ({type(model).__name__}: {model}); start "
                                   "workers with this project's environment, where make setup installs the pipeline "
                                   "(.venv/bin/dask worker ADDRESS, as make cluster does)")
            if model != self.engine.model:
                raise ClusterError(f"worker {worker} has model {model}, this machine {self.engine.model}: install the "
                                   "same package on every worker (the same ARGOS_PACKAGES_DIR content)")
        return sum(info["nthreads"] for info in self._workers().values())

    def translate(self, texts: Sequence[str], progress: Callable[[int], None] | None = None,
                  remember: Callable[[Sequence[str], list[Translation]], None] | None = None) -> list[Translation]:
        """English for every sentence. ``remember`` gets each batch's sentences and English as the
        batch arrives (in any order), ``progress`` the number of sentences it finished."""
        from distributed import as_completed

        order = sorted(range(len(texts)), key=lambda index: (len(texts[index]), index))
        batches = [order[start:start + BATCH_SENTENCES] for start in range(0, len(order), BATCH_SENTENCES)]
        futures = {}
        for batch in batches:
            sentences = [texts[index] for index in batch]
            future = self._client.submit(translate_batch, self.engine.model, self.settings, sentences,
                                         key=_task_key(self.engine.model, self.settings, sentences), retries=RETRIES)
            futures[future] = batch
        translations: list[Translation | None] = [None] * len(texts)
        finished = 0
        try:
            for future in as_completed(futures, loop=self._client.loop):
                batch_translations = future.result()
                batch = futures[future]
                for index, translation in zip(batch, batch_translations):
                    translations[index] = translation
                if remember:
                    remember([texts[index] for index in batch], batch_translations)
                finished += 1
                if progress:
                    progress(len(batch))
        except ClusterError:
            raise
        except Exception as error:  # the scheduler lost, or a batch that killed one worker after another
            from distributed import KilledWorker

            reason = ("a batch killed every worker it was sent to" if isinstance(error, KilledWorker)
                      else f"lost while translating ({type(error).__name__})")
            raise ClusterError(f"scheduler {self.address}: {reason}; the translation memory keeps the {finished} "
                               f"batches of {BATCH_SENTENCES} sentences finished before: run the same command again "
                               "to go on") from None
        finally:
            for future in futures:
                future.release()
        return translations

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "ClusterTranslator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _connect(address: str):
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterError(f"scheduler {address}: cannot be reached ({error}); start one (make cluster) or check "
                           "--scheduler") from None


def _task_key(model: str, settings: DecodingSettings, sentences: list[str]) -> str:
    """The same batch gets the same key: a batch resubmitted after a lost driver is not translated twice."""
    digest = hashlib.sha256(json.dumps([model, settings.describe(), sentences], ensure_ascii=False).encode("utf-8"))
    return f"translate-{digest.hexdigest()[:32]}"


_loaded: dict[tuple[str, str], Translator] = {}
"""On a worker: its translator per model and decoding settings, loaded on the first batch."""


def worker_model() -> str:
    """On a worker: the model its installed package is (``Engine.model``), or why there is none."""
    from pipeline import packages
    from pipeline.errors import PipelineError

    try:
        return Translator(packages.find_package()).engine.model
    except PipelineError as error:
        return f"none ({error})"


def translate_batch(model: str, settings: DecodingSettings, sentences: list[str]) -> list[Translation]:
    """On a worker: translate one batch with this worker's copy of the model."""
    from distributed import get_worker

    from pipeline import packages

    translator = _loaded.get((model, settings.describe()))
    if translator is None:
        _undo_fixed_malloc_thresholds()
        worker = get_worker()
        translator = Translator(packages.find_package(), settings, threads=worker.state.nthreads)
        if translator.engine.model != model:
            raise ClusterError(f"worker {worker.address} has model {translator.engine.model}, the driver {model}: "
                               "install the same package on every worker")
        _loaded[(model, settings.describe())] = translator
    return translator.translate(sentences)


def _undo_fixed_malloc_thresholds() -> None:
    """Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which also fixes glibc's
    mmap threshold at 128 KiB: CTranslate2's buffers are then mapped and unmapped on every call,
    and decoding ran 4.7× slower here. Give back the ceiling glibc's own adaptive threshold
    reaches (32 MiB on 64-bit), and a trim threshold above it."""
    import ctypes
    import os

    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: the variable means nothing there
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    libc.mallopt(m_mmap_threshold, 32 << 20)
    libc.mallopt(m_trim_threshold, 64 << 20)
