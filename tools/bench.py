"""``make bench``: the translate stage against Argos Translate 1.11 and bare CTranslate2.

On the same sentences of the Fontane novel, with the Transformer-base-shaped
fixture package (``make bench-model``):

1. pipeline: ``Translator.translate``, the translate stage as ``make brief`` runs it;
2. peer: Argos Translate 1.11's own ``translate()``, per paragraph, in its own
   environment (``tools/bench_peer.py``);
3. limit: one bare CTranslate2 ``translate_batch`` over the tokenized sentences;
4. whole briefs: the BMW article cold and warm; the whole novel with stage timings, its
   PDF typeset in parts and then, from the same memory, at once; and 20,000 one-word
   paragraphs (these skipped with ``--limit``);
5. a morning's press review: 80 short documents (runs of ten UD German GSD sentences, as
   ``.txt``, ``.md`` and ``.html``) built by one ``brief`` run, against one ``brief`` process
   each, and against the one run's translate-only time (12 documents with ``--limit``).
6. the cluster backend: a few thousand ELTeC sentences in one process and on a local Dask
   cluster of two one-thread workers, with what a driver costs per sentence;

Each side runs in a process of its own, so that its peak RSS is its own.

    python -m tools.bench [--limit N] [--reuse-peer] [--model FILE] [--peer-python PATH] [--out output/bench.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOVEL = ROOT.parent / "shared" / "data" / "fontane-irrungen-wirrungen.txt"
ARTICLE = ROOT / "input" / "bmw-ki-strategie-china.txt"
WORK = ROOT / "build" / "bench"
PACKAGES = WORK / "packages"


@dataclass(frozen=True)
class SideFigures:
    name: str
    sentences: int
    seconds: float
    sentences_per_second: float
    target_tokens_per_second: float
    mean_output_tokens: float
    mean_source_tokens: float
    peak_rss_mb: float


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


ALIGN_SENTENCES = 10_000


def _translator():
    from pipeline import packages
    from pipeline.translate.local import Translator

    return Translator(packages.find_package())


def _corpus_sentences(corpus: dict) -> list[str]:
    return [sentence for paragraph in corpus["paragraphs"] for sentence in paragraph["sentences"]]


# -- measurements, each run in a process of its own -------------------------------------------

def measure_pipeline(corpus: dict) -> dict:
    translator = _translator()
    sentences = _corpus_sentences(corpus)
    translator.prepare(sentences)  # the thread layout, as a build chooses it
    translator.translate(["Guten Morgen."])  # loads the model
    started = time.perf_counter()
    translations = translator.translate(sentences)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "translations": [t.text for t in translations], "peak_rss_mb": _peak_rss_mb()}


def measure_limit(corpus: dict) -> dict:
    """CTranslate2 alone: tokenized input, the pipeline's model, threads and decoding settings, its own batching."""
    from pipeline.translate.local import MAX_BATCH_SENTENCES

    translator = _translator()
    settings = translator.settings
    tokenized = [translator.tokenize(sentence) for sentence in _corpus_sentences(corpus)]
    translator.prepare(_corpus_sentences(corpus))
    model = translator.model
    prefix = translator.target_prefix
    options = dict(
        beam_size=settings.beam_size, num_hypotheses=1, length_penalty=settings.length_penalty,
        replace_unknowns=settings.replace_unknowns, max_batch_size=MAX_BATCH_SENTENCES, max_input_length=0,
        max_decoding_length=int(max(map(len, tokenized)) * settings.max_length_ratio) + settings.max_length_extra,
    )
    model.translate_batch([translator.tokenize("Guten Morgen.")], **options)
    started = time.perf_counter()
    results = model.translate_batch(tokenized, target_prefix=[[prefix]] * len(tokenized) if prefix else None,
                                    **options)
    seconds = time.perf_counter() - started
    english = [translator.detokenize(result.hypotheses[0]) for result in results]
    return {"seconds": seconds, "translations": english, "peak_rss_mb": _peak_rss_mb()}


class ProcessTreeMemory:
    """Samples the resident memory of this process and of every process under it (a long PDF's
    parts are typeset in worker processes) from /proc, ten times a second. ``getrusage`` cannot
    tell: a spawned child's ``ru_maxrss`` starts from its parent's size at the fork."""

    def __init__(self) -> None:
        import threading

        self.peak_total_mb = self.peak_worker_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "ProcessTreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            children = [_rss_mb(pid) for pid in _descendants(os.getpid())]
            self.peak_worker_mb = max([self.peak_worker_mb, *children])
            self.peak_total_mb = max(self.peak_total_mb, _rss_mb(os.getpid()) + sum(children))


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        parent = stack.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:  # it has just ended
            continue
        for task in tasks:
            try:
                children = [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
            found.extend(children)
            stack.extend(children)
    return found


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # it has just ended
        return 0.0
    return int(status.split("VmRSS:")[1].split()[0]) / 1024 if "VmRSS:" in status else 0.0


def measure_brief(source: Path, cold: bool) -> dict:
    """One brief, built as ``brief --timings`` builds it: stage timings and this process's peak
    RSS per stage, and the peak of all its processes together and of its largest worker.
    ``cold``: with an empty translation memory; else with the memory the last run of this
    source left."""
    from pipeline import runs
    from pipeline.memory.store import TranslationMemory

    out = WORK / source.stem
    shutil.rmtree(out, ignore_errors=True)
    memory_path = WORK / f"{source.stem}-memory.sqlite"
    for stale in WORK.glob(f"{source.stem}-memory.sqlite*") if cold else ():
        stale.unlink()
    with TranslationMemory(memory_path) as memory, ProcessTreeMemory() as tree:
        result = runs.build_brief(source, out, _translator(), memory, force=True)
    pages = subprocess.run(["pdfinfo", str(out / f"{source.stem}.pdf")], capture_output=True, text=True).stdout
    page_count = next((int(line.split()[-1]) for line in pages.splitlines() if line.startswith("Pages:")), None)
    return {"stages": [asdict(figure) for figure in result.figures], "pairs": len(result.brief.pairs),
            "pdf_pages": page_count, "all_processes_peak_rss_mb": round(tree.peak_total_mb, 1),
            "largest_worker_peak_rss_mb": round(tree.peak_worker_mb, 1)}


def _words_file(count: int) -> Path:
    """The test suite's hostile long input: ``count`` one-word paragraphs."""
    path = WORK / f"words-{count}.txt"
    path.write_text("\n\n".join(f"Wort{n}" for n in range(count)) + "\n", "utf-8")
    return path


def measure_alignment(count: int) -> dict:
    """The aligner on a document pair of ``count`` sentences (newstest2021 and PUD, repeated, then
    perturbed), from reading the dictionary on: seconds, peak memory and bead scores."""
    from pipeline.align import beads
    from tools import alignment_sets

    shared = ROOT.parent / "shared" / "data"
    pairs = (alignment_sets.pairs_of(shared / "newstest2021-de-en.jsonl")
             + alignment_sets.pairs_of(shared / "ud-german-pud-half.jsonl"))
    case = alignment_sets.perturbed("bench", (pairs * (count // len(pairs) + 1))[:count], [en for _, en in pairs], 3)
    started = time.perf_counter()
    found = beads.align(case.german, case.english)
    seconds = time.perf_counter() - started
    scores = alignment_sets.score([[(b.german, b.english) for b in found]], [case.gold])
    return {"german_sentences": len(case.german), "english_sentences": len(case.english),
            "seconds": round(seconds, 2), "peak_rss_mb": round(_peak_rss_mb(), 1),
            "strict_f1": round(scores.strict_f1, 4), "lax_f1": round(scores.lax_f1, 4),
            "deleted_found": f"{scores.deleted_found}/{scores.deleted}"}


def measure_translate_only(folder: str) -> dict:
    """What the press review's one run must at least do: read, segment, load the model, translate."""
    from pipeline import read, segment

    started = time.perf_counter()
    texts = [s.text for path in sorted(Path(folder).iterdir()) for s in segment.segment(read.read_document(path))]
    translator = _translator()
    translator.prepare(texts)
    translator.translate(texts)
    return {"seconds": time.perf_counter() - started, "sentences": len(texts), "threads": translator.configuration}


ELTEC = ROOT.parent / "shared" / "data" / "eltec-deu"
CLUSTER_SENTENCES = 2000


def eltec_sentences(count: int) -> list[str]:
    """The first ``count`` distinct sentences of the ELTeC novels, a few from each in turn."""
    from pipeline import read, segment

    per_novel, found = 300, []
    for novel in sorted(ELTEC.glob("DEU*.txt")):
        document = read.read_document(novel)
        opening = replace(document, paragraphs=document.paragraphs[:150])  # segmenting a whole novel takes seconds
        texts = [s.text for s in segment.segment(opening)]
        found.extend(text for text in dict.fromkeys(texts[:per_novel]) if text not in found)
        if len(found) >= count:
            return found[:count]
    return found


def measure_cluster(count: int) -> dict:
    """The same sentences translated in this process and on a local cluster of two one-thread
    workers (a scheduler and workers on 127.0.0.1, without nannies, so that they run with the
    allocator settings this process has); both warmed up first (model loaded, layout chosen).
    Also what a driver costs per sentence: bytes sent, and the memory's writes per second."""
    import pickle

    from distributed import Client

    from pipeline.translate.cluster import BATCH_SENTENCES, ClusterTranslator
    from pipeline.memory.store import TranslationMemory

    sentences = eltec_sentences(count)
    warm_up = eltec_sentences(count + 4 * BATCH_SENTENCES)[count:]
    local = _translator()
    local.prepare(sentences)
    local.translate(warm_up)
    started = time.perf_counter()
    local_english = [translation.text for translation in local.translate(sentences)]
    one_process = time.perf_counter() - started

    port = 8786 + os.getpid() % 1000
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    logs = WORK / "cluster"
    logs.mkdir(exist_ok=True)
    processes = [subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port",
                                   str(port), "--no-dashboard"], stdout=(logs / "scheduler.log").open("wb"),
                                  stderr=subprocess.STDOUT, env=env)]
    try:
        for number in (1, 2):
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "dask", "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                 "--no-nanny", "--no-dashboard"], stdout=(logs / f"worker-{number}.log").open("wb"),
                stderr=subprocess.STDOUT, env=env))
        with Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=60)
        with ClusterTranslator(address, local.package, local.settings) as cluster:
            cluster.translate(warm_up)  # four batches: each worker loads its model
            started = time.perf_counter()
            translations = cluster.translate(sentences)
            on_cluster = time.perf_counter() - started
            configuration = cluster.configuration
    finally:
        for process in processes:
            process.kill()
            process.wait()
    batches = [sentences[start:start + BATCH_SENTENCES] for start in range(0, len(sentences), BATCH_SENTENCES)]
    sent = sum(len(pickle.dumps((local.engine.model, local.settings, batch))) for batch in batches)
    received = len(pickle.dumps(translations))
    memory_file = WORK / "cluster-memory.sqlite"
    for stale in WORK.glob("cluster-memory.sqlite*"):
        stale.unlink()
    with TranslationMemory(memory_file) as memory:
        started = time.perf_counter()
        for start in range(0, len(sentences), BATCH_SENTENCES):
            memory.remember_machine(sentences[start:start + BATCH_SENTENCES],
                                    translations[start:start + BATCH_SENTENCES], local.engine)
        writes = len(sentences) / (time.perf_counter() - started)
    per_worker = len(sentences) / on_cluster / 2
    identical = sum(a == b.text for a, b in zip(local_english, translations)) / len(sentences)
    return {"sentences": len(sentences), "identical_share": round(identical, 4), "one_process_seconds": round(one_process, 2),
            "cluster_seconds": round(on_cluster, 2), "ratio": round(one_process / on_cluster, 3),
            "one_process_threads": local.configuration, "cluster": configuration,
            "sentences_per_second_per_worker": round(per_worker, 2),
            "bytes_sent_per_sentence": round(sent / len(sentences), 1),
            "bytes_received_per_sentence": round(received / len(sentences), 1),
            "memory_writes_per_second": round(writes, 1),
            "workers_one_driver_can_feed": int(writes / per_worker)}


MEASUREMENTS = {"pipeline": measure_pipeline, "limit": measure_limit}
UD_GSD = ROOT.parent / "shared" / "data" / "ud-german-gsd-dev.jsonl"
REVIEW_PAGE = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="Beispielzeitung"></head><body>
<nav><a href="/">Startseite</a> <a href="/politik">Politik</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>{paragraphs}</article><footer>Impressum · Datenschutz · Kontakt</footer></body></html>"""


def write_review_documents(folder: Path, count: int) -> int:
    """``count`` short German documents, runs of ten UD GSD sentences, in turn .txt, .md and .html."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    runs = [json.loads(line)["sentences"] for line in UD_GSD.read_text("utf-8").splitlines() if line.strip()][:count]
    for number, sentences in enumerate(runs, start=1):
        title = f"Meldung {number}"
        paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
        kind = ("txt", "md", "html")[number % 3]
        if kind == "txt":
            text = f"{title}\n\n" + "\n\n".join(paragraphs) + "\n"
        elif kind == "md":
            text = f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"
        else:
            text = REVIEW_PAGE.format(title=title, paragraphs="".join(f"<p>{p}</p>" for p in paragraphs))
        (folder / f"meldung-{number:03d}.{kind}").write_text(text, "utf-8")
    return sum(len(r) for r in runs)


def measure_press_review(env: dict, count: int) -> dict:
    """One ``brief`` run over ``count`` documents, one ``brief`` process per document, and translate-only."""
    folder = WORK / "review"
    sentences = write_review_documents(folder / "input", count)
    documents = sorted((folder / "input").iterdir())

    def fresh(name: str) -> tuple[Path, Path]:
        out, memory = folder / f"{name}-out", folder / f"{name}-memory.sqlite"
        shutil.rmtree(out, ignore_errors=True)
        for stale in folder.glob(f"{name}-memory.sqlite*"):
            stale.unlink()
        return out, memory

    def brief(inputs: list[Path], out: Path, memory: Path) -> float:
        started = time.perf_counter()
        completed = subprocess.run([sys.executable, "-m", "pipeline", "brief", *map(str, inputs), "--out", str(out),
                                    "--memory", str(memory)], env=env, capture_output=True)
        if completed.returncode != 0:
            raise SystemExit(f"bench: a press-review brief failed: {completed.stderr.decode()[-2000:]}")
        return time.perf_counter() - started

    print(f"bench: press review, {count} documents in one run ...", file=sys.stderr, flush=True)
    out, memory = fresh("one-run")
    one_run = brief([folder / "input"], out, memory)
    print(f"bench: press review, {count} documents one process each ...", file=sys.stderr, flush=True)
    out, memory = fresh("each")
    each = sum(brief([document], out, memory) for document in documents)
    started = time.perf_counter()
    translate_only = _run_side([sys.executable, "-m", "tools.bench", "--measure", "translate-only",
                                str(folder / "input")], env, "translate-only")
    translate_only_seconds = time.perf_counter() - started
    return {"documents": count, "sentences": sentences, "one_run_seconds": round(one_run, 2),
            "one_process_each_seconds": round(each, 2), "ratio": round(each / one_run, 2),
            "translate_only_seconds": round(translate_only_seconds, 2),
            "one_run_vs_translate_only": round(one_run / translate_only_seconds, 2),
            "threads": translate_only["threads"]}


# -- the parent: corpus, processes, comparison, report -------------------------------------

def build_corpus(limit: int | None) -> dict:
    """Whole paragraphs of the novel, split by the pipeline, up to ``limit`` sentences."""
    from pipeline import read, segment

    document = read.read_document(NOVEL)
    segments = segment.segment(document)
    paragraphs, count = [], 0
    for paragraph in document.paragraphs:
        sentences = [s.text for s in segments if s.paragraph == paragraph.number]
        if limit is not None and count >= limit:
            break
        paragraphs.append({"text": paragraph.text, "sentences": sentences})
        count += len(sentences)
    return {"paragraphs": paragraphs}


def _run_side(command: list[str], env: dict, label: str) -> dict:
    result_file = WORK / f"{label}.result.json"
    result_file.unlink(missing_ok=True)
    print(f"bench: {label} ...", file=sys.stderr, flush=True)
    completed = subprocess.run(command + [str(result_file)], env=env)
    if completed.returncode != 0:
        raise SystemExit(f"bench: the {label} run failed (exit status {completed.returncode})")
    return json.loads(result_file.read_text("utf-8"))


def _peer_run(peer_python: Path, corpus_file: Path, env: dict, key: str, reuse: bool) -> dict:
    """Argos' run; with ``reuse``, the last one when it was made on the same corpus and model."""
    previous = WORK / "peer.result.json"
    if reuse and previous.exists():
        result = json.loads(previous.read_text("utf-8"))
        if result.get("key") == key:
            print("bench: peer: reusing the last run (same corpus and model)", file=sys.stderr)
            return result
    result = _run_side([str(peer_python), str(ROOT / "tools" / "bench_peer.py"), str(corpus_file)], env, "peer")
    previous.write_text(json.dumps(dict(result, key=key), ensure_ascii=False), "utf-8")
    return result


def _figures(name: str, run: dict, sources: list[str], translator) -> SideFigures:
    source_tokens = [len(translator.tokenize(text)) for text in sources]
    output_tokens = [len(translator.tokenize(text)) for text in run["translations"]]
    seconds = run["seconds"]
    return SideFigures(
        name=name, sentences=len(sources), seconds=round(seconds, 3),
        sentences_per_second=round(len(sources) / seconds, 2),
        target_tokens_per_second=round(sum(output_tokens) / seconds, 1),
        mean_output_tokens=round(statistics.mean(output_tokens), 2),
        mean_source_tokens=round(statistics.mean(source_tokens), 2),
        peak_rss_mb=round(run["peak_rss_mb"], 1),
    )


def _timed_brief(env: dict, out: Path, memory: Path) -> float:
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "pipeline", "brief", str(ARTICLE), "--out", str(out),
                                "--memory", str(memory)], env=env, capture_output=True)
    if completed.returncode != 0:
        raise SystemExit(f"bench: the article brief failed: {completed.stderr.decode()}")
    return round(time.perf_counter() - started, 3)


def run(limit: int | None, model: Path, peer_python: Path, out: Path, reuse_peer: bool = False) -> dict:
    package = _install(model)
    env = dict(os.environ, ARGOS_PACKAGES_DIR=str(PACKAGES), PYTHONPATH=str(ROOT))
    corpus = build_corpus(limit)
    corpus_file = WORK / "corpus.json"
    corpus_file.write_text(json.dumps(corpus, ensure_ascii=False), "utf-8")
    sources = _corpus_sentences(corpus)
    print(f"bench: {len(sources)} sentences in {len(corpus['paragraphs'])} paragraphs of {NOVEL.name}; "
          f"model {package.name} {package.version}", file=sys.stderr)

    own = [sys.executable, "-m", "tools.bench", "--measure"]
    peer_key = hashlib.sha256(corpus_file.read_bytes() + model.read_bytes()).hexdigest()
    runs = {
        "pipeline": _run_side(own + ["pipeline", str(corpus_file)], env, "pipeline"),
        "peer": _peer_run(peer_python, corpus_file, env, peer_key, reuse_peer),
        "limit": _run_side(own + ["limit", str(corpus_file)], env, "limit"),
    }
    translator = _translator()
    sides = {name: _figures(name, result, sources, translator) for name, result in runs.items()}

    differing = [i for i, (ours, theirs) in enumerate(zip(runs["pipeline"]["translations"], runs["peer"]["translations"]))
                 if ours != theirs]
    differences = [_difference(i, corpus, sources, runs, translator) for i in differing]
    paragraphs_identical = sum(
        " ".join(runs["pipeline"]["translations"][start:start + len(p["sentences"])]) == english
        for start, p, english in zip(_starts(corpus), corpus["paragraphs"], runs["peer"]["paragraphs"]))

    print("bench: article brief, cold and warm ...", file=sys.stderr, flush=True)
    article_out, article_memory = WORK / "article", WORK / "article-memory.sqlite"
    shutil.rmtree(article_out, ignore_errors=True)
    for stale in WORK.glob("article-memory.sqlite*"):
        stale.unlink()
    article_cold = _timed_brief(env, article_out, article_memory)
    article_warm = _timed_brief(env, article_out, article_memory)

    press_review = measure_press_review(env, 12 if limit is not None else 80)

    pdf = _pdf_cases(own, env) if limit is None else {"novel_brief": None, "novel_at_once": None, "words_brief": None}
    novel, novel_at_once, words = pdf["novel_brief"], pdf["novel_at_once"], pdf["words_brief"]
    cluster = _run_side(own + ["cluster", str(CLUSTER_SENTENCES if limit is None else 5 * limit)], env, "cluster")
    hostile = measure_hostile(env) if limit is None else None
    memory = measure_memory() if limit is None else None
    alignment = _run_side(own + ["align", str(ALIGN_SENTENCES if limit is None else 20 * limit)], env, "align")
    stage = _stage_figure
    report = {
        "corpus": {"file": NOVEL.name, "sentences": len(sources), "paragraphs": len(corpus["paragraphs"]),
                   "limit": limit},
        "model": {"name": package.name, "version": package.version,
                  "model_bin_mb": round((package.path / "model" / "model.bin").stat().st_size / 1e6, 1)},
        "machine": {"cpus": os.cpu_count()},
        "sides": {name: asdict(figures) for name, figures in sides.items()},
        "throughput_ratio_vs_peer": round(sides["pipeline"].sentences_per_second / sides["peer"].sentences_per_second, 3),
        "throughput_ratio_vs_limit": round(sides["pipeline"].sentences_per_second / sides["limit"].sentences_per_second, 3),
        "identical_share_vs_peer": round(1 - len(differing) / len(sources), 4),
        "identical_paragraphs_vs_peer": f"{paragraphs_identical}/{len(corpus['paragraphs'])}",
        "differences_vs_peer": differences,
        "translate_peak_rss_mb": sides["pipeline"].peak_rss_mb,
        "article_cold_seconds": article_cold,
        "article_warm_seconds": article_warm,
        "press_review": press_review,
        "hostile": hostile,
        "memory": memory,
        "novel_brief": novel,
        "novel_translate_peak_rss_mb": stage(novel, "translate", "peak_rss_mb"),
        "novel_pdf_seconds": stage(novel, "render pdf", "seconds"),
        "novel_pdf_peak_rss_mb": stage(novel, "render pdf", "peak_rss_mb"),
        "novel_all_processes_peak_rss_mb": novel["all_processes_peak_rss_mb"] if novel else None,
        "novel_largest_worker_peak_rss_mb": novel["largest_worker_peak_rss_mb"] if novel else None,
        "novel_pdf_at_once_seconds": stage(novel_at_once, "render pdf", "seconds"),
        "novel_pdf_at_once_peak_rss_mb": stage(novel_at_once, "render pdf", "peak_rss_mb"),
        "novel_pdf_time_ratio": (round(stage(novel, "render pdf", "seconds")
                                       / stage(novel_at_once, "render pdf", "seconds"), 3) if novel else None),
        "words_brief": words,
        "words_pdf_seconds": stage(words, "render pdf", "seconds"),
        "words_peak_rss_mb": stage(words, "write", "peak_rss_mb"),
        "words_all_processes_peak_rss_mb": words["all_processes_peak_rss_mb"] if words else None,
        "words_largest_worker_peak_rss_mb": words["largest_worker_peak_rss_mb"] if words else None,
        "cluster": cluster,
        "alignment": alignment,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    _print_table(report)
    print(f"bench: wrote {out}", file=sys.stderr)
    return report


HOSTILE_GOALS = {"seconds": 60, "largest_process_mb": 1024}
"""What an input under 1 MB may cost, whatever it holds (issue 19)."""


def measure_hostile(env: dict) -> dict:
    """Every generated hostile input (``tools/hostile_inputs.py``) used alone as a user would:
    seconds, exit status and the largest process, against ``HOSTILE_GOALS``. The readers' files
    are built; the hostile PDFs extracted; the corrections file carrying another document's sentence
    applied; the deadlock pair built at once in both orders into one folder; 150 documents built
    as one folder under a file limit of 128."""
    from tools.hostile_inputs import (KEPT, SENTENCE, foreign_corrections, hostile_pdfs, many_documents,
                                      refused_files, slow_page)

    folder = WORK / "hostile"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pipeline = [sys.executable, "-m", "pipeline"]
    memory = ["--memory", str(folder / "memory.sqlite")]

    def written(name: str, data: bytes) -> Path:
        (folder / name).write_bytes(data)
        return folder / name

    cases: dict[str, tuple[int, list[list[str]], int | None]] = {}
    """name → (input bytes, commands run at once, file limit)."""
    inputs = {name: data for name, (data, _) in refused_files().items()}
    inputs.update({name: build() for name, (build, _) in KEPT.items()})
    for name, data in inputs.items():
        cases[name] = (len(data), [[*pipeline, "brief", str(written(name, data)), "--out", str(folder / "out"),
                                    *memory]], None)
    for name, (data, _) in hostile_pdfs().items():
        cases[f"extract {name}"] = (len(data), [[*pipeline, "extract", str(written(name, data)), "--out",
                                                 str(folder / f"extract-{name}")]], None)
    other = written("anderes.txt", b"Der Stadtrat tagt am Montag.\n")
    planted = ARTICLE.read_text("utf-8").splitlines()[1]  # a sentence of the BMW article
    corrections = written("anderes.corrections.json", foreign_corrections(other, planted))
    cases["foreign corrections"] = (len(corrections.read_bytes()), [[*pipeline, "corrections", "apply",
                                                                     str(corrections), "--input", str(other), *memory]],
                                    None)
    big, small = written("gross.html", slow_page()), written("klein.txt", f"{SENTENCE}\n".encode())
    cases["deadlock pair"] = (big.stat().st_size + small.stat().st_size,
                              [[*pipeline, "brief", *map(str, order), "--out", str(folder / "pair"), *memory]
                               for order in ((big, small), (small, big))], None)
    documents = many_documents(folder / "many")
    cases["150 documents, ulimit -n 128"] = (sum(p.stat().st_size for p in documents),
                                             [[*pipeline, "brief", str(folder / "many"), "--out",
                                               str(folder / "many-out"), *memory]], 128)
    figures = {}
    for name, (size, commands, file_limit) in cases.items():
        print(f"bench: hostile input {name} ...", file=sys.stderr, flush=True)
        figures[name] = _hostile_case(size, commands, env, file_limit)
    within = all(case["seconds"] <= HOSTILE_GOALS["seconds"]
                 and case["largest_process_mb"] <= HOSTILE_GOALS["largest_process_mb"] for case in figures.values())
    return {"goals": HOSTILE_GOALS, "cases": figures, "all_within_goals": within}


def _hostile_case(size: int, commands: list[list[str]], env: dict, file_limit: int | None) -> dict:
    """Run ``commands`` at once: seconds until the last ends (killed past ten times the goal), the
    highest exit status, and the largest process among them."""
    limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (file_limit, file_limit))) if file_limit else None
    started = time.perf_counter()
    with ProcessTreeMemory() as memory:
        processes = [subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      preexec_fn=limit) for command in commands]
        statuses = []
        for process in processes:
            try:
                statuses.append(process.wait(timeout=10 * HOSTILE_GOALS["seconds"]))
            except subprocess.TimeoutExpired:
                process.kill()
                statuses.append(process.wait())
    return {"input_kb": round(size / 1024, 1), "exit": max(statuses),
            "seconds": round(time.perf_counter() - started, 2), "largest_process_mb": round(memory.peak_worker_mb, 1)}


MEMORY_GOALS = {"lookup_10000_seconds": 1.0, "copy_100000_seconds": 60}
"""Issue 34: looking up 10,000 sentences on PostgreSQL over loopback, ``memory copy`` of 100,000 entries."""


def measure_memory() -> dict:
    """The translation memory on both engines: 100,000 entries written to a SQLite memory, copied
    into a throwaway PostgreSQL on loopback by ``memory copy`` (a whole process, as a user runs it),
    and 10,000 of them looked up in each."""
    import random

    from pipeline.memory.store import TranslationMemory
    from pipeline.model import Engine, Translation
    from tools.throwaway_postgres import Cluster

    folder = WORK / "memory"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    engine, count = Engine("bench@1#0", "beam=2"), 100_000
    sentences = [f"Der Rat beriet in Sitzung {n} über den Haushalt des Jahres {1900 + n % 125}." for n in range(count)]
    personal = folder / "memory.sqlite"
    print(f"bench: {count:,} entries into a SQLite memory ...", file=sys.stderr, flush=True)
    with TranslationMemory(personal) as memory:
        for start in range(0, count, 5_000):
            batch = sentences[start:start + 5_000]
            memory.remember_machine(batch, [Translation(f"The council met ({len(s)}).", -0.2) for s in batch], engine)
    cluster = Cluster()
    try:
        team = cluster.tcp_url(cluster.create_database(owner="redaktion"))
        print("bench: memory copy into PostgreSQL ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", "memory", "copy", str(personal), team], check=True,
                       capture_output=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        copy_seconds = time.perf_counter() - started
        wanted = random.Random(3).sample(sentences, 10_000)
        lookups = {}
        for name, location in (("sqlite", personal), ("postgresql", team)):
            with TranslationMemory(location) as memory:
                memory.recall(wanted[:10], engine)  # the connection and the schema check, not the look-up
                started = time.perf_counter()
                found = memory.recall(wanted, engine)
                lookups[name] = round(time.perf_counter() - started, 3)
                assert all(found), f"{name}: a sentence went missing"
    finally:
        cluster.stop()
    return {"entries": count, "copy_seconds": round(copy_seconds, 2), "lookup_10000_seconds": lookups,
            "goals": MEMORY_GOALS,
            "within_goals": copy_seconds <= MEMORY_GOALS["copy_100000_seconds"]
            and lookups["postgresql"] <= MEMORY_GOALS["lookup_10000_seconds"]}


def print_memory(memory: dict) -> None:
    goals = memory["goals"]
    print(f"translation memory, {memory['entries']:,} entries: memory copy SQLite → PostgreSQL {memory['copy_seconds']} s "
          f"(goal {goals['copy_100000_seconds']} s); 10,000 look-ups: SQLite {memory['lookup_10000_seconds']['sqlite']} s, "
          f"PostgreSQL on loopback {memory['lookup_10000_seconds']['postgresql']} s (goal {goals['lookup_10000_seconds']} s); "
          f"within the goals: {'yes' if memory['within_goals'] else 'NO'}")


def run_only(case: str, model: Path, out: Path) -> dict:
    """One case of ``run``, on its own (each side still in a process of its own)."""
    _install(model)
    env = dict(os.environ, ARGOS_PACKAGES_DIR=str(PACKAGES), PYTHONPATH=str(ROOT))
    own = [sys.executable, "-m", "tools.bench", "--measure"]
    if case == "hostile":
        report = {"hostile": measure_hostile(env)}
        print_hostile(report["hostile"])
    elif case == "memory":
        report = {"memory": measure_memory()}
        print_memory(report["memory"])
    elif case == "align":
        report = {"alignment": _run_side(own + ["align", str(ALIGN_SENTENCES)], env, "align")}
    else:
        report = ({"cluster": _run_side(own + ["cluster", str(CLUSTER_SENTENCES)], env, "cluster")}
                  if case == "cluster" else _pdf_cases(own, env))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return report


def _install(model: Path):
    from pipeline import packages

    shutil.rmtree(PACKAGES, ignore_errors=True)
    return packages.install_archive(model)


def _pdf_cases(own: list[str], env: dict) -> dict:
    """The whole novel's brief with its PDF in parts, the same brief again (its English from the
    memory just filled) with its PDF at once, and 20,000 one-word paragraphs."""
    print("bench: the whole novel's brief, its PDF in parts, then at once ...", file=sys.stderr, flush=True)
    novel = _run_side(own + ["novel", "cold"], env, "novel")
    novel_at_once = _run_side(own + ["novel", "warm"], dict(env, PIPELINE_PDF_PART_PAIRS=str(10**9)), "novel-at-once")
    print("bench: 20,000 one-word paragraphs ...", file=sys.stderr, flush=True)
    words = _run_side(own + ["words", "cold"], env, "words")
    return {"novel_brief": novel, "novel_at_once": novel_at_once, "words_brief": words}


def _stage_figure(brief: dict | None, stage: str, figure: str) -> float | None:
    found = next((s for s in brief["stages"] if s["stage"] == stage), None) if brief else None
    return round(found[figure], 2) if found else None


def _difference(index: int, corpus: dict, sources: list[str], runs: dict, translator) -> dict:
    """A sentence whose English differs from the peer's, translated again by the pipeline's model:
    alone, and in the batch Argos made of its paragraph (``max_batch_size=32`` tokens). CTranslate2
    on CPU may change a result when the batch, and so the padding, changes (its issue 693)."""
    peer = runs["peer"]["translations"][index]
    alone = translator.translate([sources[index]])[0].text
    paragraph, position = next((p, index - start) for start, p in zip(_starts(corpus), corpus["paragraphs"])
                               if start <= index < start + len(p["sentences"]))
    as_argos = _translate_like_argos(translator, paragraph["sentences"])[position]
    return {"sentence": sources[index], "pipeline": runs["pipeline"]["translations"][index], "peer": peer,
            "pipeline_alone": alone, "alone_identical_to_peer": alone == peer,
            "in_argos_batch": as_argos, "in_argos_batch_identical_to_peer": as_argos == peer}


def _translate_like_argos(translator, sentences: list[str]) -> list[str]:
    """The pipeline's model given one paragraph with Argos 1.11's ``translate_batch`` arguments."""
    prefix = translator.target_prefix
    results = translator.model.translate_batch(
        [translator.tokenize(s) for s in sentences], target_prefix=[[prefix]] * len(sentences) if prefix else None,
        replace_unknowns=True, max_batch_size=32, batch_type="tokens", beam_size=4, num_hypotheses=1,
        length_penalty=0.2, return_scores=True)
    return [translator.detokenize(result.hypotheses[0]) for result in results]


def _starts(corpus: dict) -> list[int]:
    starts, position = [], 0
    for paragraph in corpus["paragraphs"]:
        starts.append(position)
        position += len(paragraph["sentences"])
    return starts


def _print_table(report: dict) -> None:
    print(f"\n{report['corpus']['sentences']} sentences of {report['corpus']['file']}, "
          f"{report['model']['name']} ({report['model']['model_bin_mb']} MB int8), {report['machine']['cpus']} CPUs\n")
    print(f"{'':<10}{'sent/s':>9}{'tok/s':>9}{'out tok':>9}{'src tok':>9}{'peak RSS MB':>13}{'seconds':>10}")
    for side in report["sides"].values():
        print(f"{side['name']:<10}{side['sentences_per_second']:>9.2f}{side['target_tokens_per_second']:>9.1f}"
              f"{side['mean_output_tokens']:>9.2f}{side['mean_source_tokens']:>9.2f}{side['peak_rss_mb']:>13.1f}"
              f"{side['seconds']:>10.1f}")
    differences = report["differences_vs_peer"]
    alone = sum(d["alone_identical_to_peer"] for d in differences)
    batched = sum(d["in_argos_batch_identical_to_peer"] for d in differences)
    print(f"\npipeline/peer throughput {report['throughput_ratio_vs_peer']:.2f}×   "
          f"pipeline/limit {report['throughput_ratio_vs_limit']:.2f}×   "
          f"identical to peer {report['identical_share_vs_peer']:.2%}")
    if differences:
        print(f"{len(differences)} sentences differ; translated again by the pipeline's model: identical to the "
              f"peer's {alone} of {len(differences)} alone, {batched} of {len(differences)} in the batch Argos made "
              "of their paragraph")
    print(f"article brief: cold {report['article_cold_seconds']:.2f} s, warm {report['article_warm_seconds']:.2f} s")
    review = report["press_review"]
    print(f"press review, {review['documents']} documents ({review['sentences']} sentences): one run "
          f"{review['one_run_seconds']:.1f} s, one process each {review['one_process_each_seconds']:.1f} s "
          f"({review['ratio']:.2f}×); translate-only {review['translate_only_seconds']:.1f} s, so the one run takes "
          f"{review['one_run_vs_translate_only']:.2f}× translate-only; threads {review['threads']}")
    if report["novel_brief"]:
        for label, key in (("novel brief", "novel_brief"), ("20,000 one-word paragraphs", "words_brief")):
            brief = report[key]
            print(f"{label}: {brief['pairs']} pairs, {brief['pdf_pages']} PDF pages")
            for stage in brief["stages"]:
                print(f"  {stage['stage']:<12}{stage['seconds']:>9.2f} s   peak RSS {stage['peak_rss_mb']:>8.1f} MB")
            print(f"  all processes together at most {brief['all_processes_peak_rss_mb']:.0f} MB, the largest "
                  f"worker {brief['largest_worker_peak_rss_mb']:.0f} MB")
        print(f"novel PDF in parts {report['novel_pdf_seconds']:.1f} s, at once {report['novel_pdf_at_once_seconds']:.1f} s "
              f"({report['novel_pdf_time_ratio']:.2f}×); peak RSS at once {report['novel_pdf_at_once_peak_rss_mb']:.0f} MB, "
              f"in parts {report['novel_pdf_peak_rss_mb']:.0f} MB")
    else:
        print("novel brief: skipped (--limit)")
    cluster = report["cluster"]
    print(f"cluster, {cluster['sentences']} ELTeC sentences: one process {cluster['one_process_seconds']:.1f} s, two "
          f"one-thread workers {cluster['cluster_seconds']:.1f} s ({cluster['ratio']:.2f}×), identical "
          f"{cluster['identical_share']:.2%}; {cluster['sentences_per_second_per_worker']:.1f} sent/s per worker, "
          f"{cluster['bytes_sent_per_sentence']:.0f} B sent and {cluster['bytes_received_per_sentence']:.0f} B back per "
          f"sentence, memory writes {cluster['memory_writes_per_second']:.0f} sent/s: one driver feeds about "
          f"{cluster['workers_one_driver_can_feed']} workers")
    alignment = report["alignment"]
    print(f"aligner, {alignment['german_sentences']} German and {alignment['english_sentences']} English sentences "
          f"(perturbed): {alignment['seconds']:.1f} s, {alignment['peak_rss_mb']:.0f} MB, strict F1 "
          f"{alignment['strict_f1']:.3f}, lax F1 {alignment['lax_f1']:.3f}, deleted found {alignment['deleted_found']}")
    if report["hostile"]:
        print_hostile(report["hostile"])
    if report.get("memory"):
        print_memory(report["memory"])


def print_hostile(hostile: dict) -> None:
    goals = hostile["goals"]
    print(f"hostile inputs (goal: each under {goals['seconds']} s and {goals['largest_process_mb']} MB):")
    for name, case in hostile["cases"].items():
        print(f"  {name:<30}{case['input_kb']:>9.1f} KB  exit {case['exit']:>3}  {case['seconds']:>6.1f} s  "
              f"largest process {case['largest_process_mb']:>6.0f} MB")
    print(f"  all within the goals: {'yes' if hostile['all_within_goals'] else 'NO'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N sentences (whole paragraphs); skips the novel's brief")
    parser.add_argument("--model", type=Path, default=ROOT / "build" / "fixture-bench.argosmodel")
    parser.add_argument("--peer-python", type=Path, default=ROOT / "build" / "peer-venv" / "bin" / "python")
    parser.add_argument("--out", type=Path, default=ROOT / "output" / "bench.json")
    parser.add_argument("--reuse-peer", action="store_true",
                        help="reuse the last Argos run if it was on the same corpus and model (it does not depend on "
                             "the pipeline's code, and takes most of the time)")
    parser.add_argument("--only", choices=("pdf", "cluster", "hostile", "align", "memory"),
                        help="only this case: pdf (the novel's PDF in parts and at once, 20,000 one-word paragraphs), "
                             "cluster (one process against two one-thread workers) or hostile (every generated "
                             "hostile input: seconds and largest process) or align (a 10,000-sentence document pair, "
                             "perturbed) or memory (100,000 entries copied from SQLite into PostgreSQL, 10,000 "
                             "looked up in each); "
                             "writes output/bench-CASE.json")
    parser.add_argument("--measure", nargs=3, metavar=("SIDE", "CORPUS", "RESULT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        side, corpus_file, result_file = args.measure
        if side in ("novel", "words"):
            result = measure_brief(NOVEL if side == "novel" else _words_file(20_000), corpus_file == "cold")
        elif side == "cluster":
            result = measure_cluster(int(corpus_file))
        elif side == "align":
            result = measure_alignment(int(corpus_file))
        elif side == "translate-only":
            result = measure_translate_only(corpus_file)
        else:
            result = MEASUREMENTS[side](json.loads(Path(corpus_file).read_text("utf-8")))
        Path(result_file).write_text(json.dumps(result, ensure_ascii=False), "utf-8")
        return 0
    needs = [(args.model, "make bench-model")] + ([] if args.only else [(args.peer_python, "make peer-venv")])
    for needed, how in needs:
        if not needed.exists():
            raise SystemExit(f"bench: {needed} is missing; run {how} (make bench does both)")
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ["ARGOS_PACKAGES_DIR"] = str(PACKAGES)  # before argostranslate is first imported
    if args.only:
        run_only(args.only, args.model, args.out.with_name(f"bench-{args.only}.json"))
    else:
        run(args.limit, args.model, args.peer_python, args.out, args.reuse_peer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
