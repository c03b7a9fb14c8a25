"""Command line: one short handler per verb; errors become one line and an exit status.

Exit status: 0 success, 1 failure, 2 usage error or no model installed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from contextlib import ExitStack
from pathlib import Path

from pipeline import __version__
from pipeline import memory as memory_store
from pipeline.errors import InputError, ModelMissingError, PipelineError, UsageError
from pipeline.writers import OUTPUTS

DEFAULT_INPUT_DIR = Path("input")


def main(argv: list[str] | None = None) -> int:
    standard_streams()
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except PipelineError as error:
        say(f"error: {error}")
        return error.exit_status
    except KeyboardInterrupt:
        say("interrupted: stopped; finished outputs are complete, unfinished ones were not written")
        return 130
    except Exception as error:  # a bug: say so in one line unless --debug asks for the traceback
        if args.debug:
            raise
        say(f"internal error: {type(error).__name__}: {error} (run again with --debug for a traceback)")
        return 1


def standard_streams() -> None:
    """The same streams for every verb, whatever the locale: data on standard input and output
    (text for ``segment``, JSON lines for ``qa`` and ``align``) is UTF-8, as JSON must be; messages
    on standard error are in the terminal's encoding, with what it cannot show escaped
    (``\\u2192``) rather than failing. Standard input is read as bytes by each verb."""
    for stream, settings in ((sys.stdout, {"encoding": "utf-8", "errors": "strict"}),
                             (sys.stderr, {"errors": "backslashreplace"})):
        if hasattr(stream, "reconfigure"):  # not when a caller replaced the stream with its own object
            stream.reconfigure(**settings)


def say(line: str, stream=None) -> None:
    """A message line, printed safely (``printable``): it stays one line and the terminal obeys
    nothing in it. Every message of every verb goes through here."""
    print(printable(line), file=stream or sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description="Offline German→English bilingual briefs.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    parser.set_defaults(handler=lambda _args: parser.print_help() or 2)
    verbs = parser.add_subparsers(title="commands", metavar="COMMAND")

    brief = verbs.add_parser("brief", help="translate German documents into bilingual HTML, PDF and JSON briefs")
    brief.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                       help=f"German documents or folders of them: .txt, .md, .html, .docx, .epub (default: {DEFAULT_INPUT_DIR}/)")
    brief.add_argument("--out", type=Path, default=Path("output"), help="output directory (default: output/)")
    brief.add_argument("--timings", action="store_true", help="print time and peak memory per stage")
    brief.add_argument("--force", action="store_true", help="render and write outputs even when they are up to date")
    brief.add_argument("--pdf-variant", choices=("a-3", "ua-1", "none"), default="a-3",
                       help="PDF/A-3 with tags (default), PDF/UA-1, or a plain PDF")
    brief.add_argument("--review-name", default="press-review", metavar="NAME",
                       help="with several inputs, the press review's PDF is OUT/NAME.pdf beside OUT/index.html "
                            "(default: press-review)")
    brief.add_argument("--english", type=Path, metavar="EN_FILE",
                       help="an existing English translation of the one INPUT: aligned to the German instead of "
                            "translated (in folders, NAME.en.EXT beside NAME.EXT is found by itself)")
    brief.add_argument("--outputs", default=",".join(OUTPUTS), metavar="LIST",
                       help=f"which outputs to write, comma-separated: {','.join(OUTPUTS)} (default: all); "
                            "the press review needs html and pdf")
    brief.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="translate on this Dask scheduler's workers (pip install -r requirements-cluster.txt; "
                            "make cluster starts one here) instead of in this process")
    brief.add_argument("--glossary", type=Path, metavar="FILE",
                       help="the organisation's terms (.tbx, or .csv/.tsv of German,English[,note]; English variants "
                            "separated by |, forbidden ones marked !): the terms check flags pairs that do not follow it")
    brief.set_defaults(handler=_brief)

    seg = verbs.add_parser("segment", help="split German text on stdin into sentences, one a line")
    seg.add_argument("--eval", type=Path, metavar="FILE.jsonl", help="score the splitter on gold sentences instead")
    seg.set_defaults(handler=_segment)

    extract = verbs.add_parser("extract", help="write the JSON, XLIFF and TMX that a brief's PDF carries")
    extract.add_argument("file", type=Path, metavar="FILE.pdf")
    extract.add_argument("--out", type=Path, default=Path("."), help="folder to write them into (default: here)")
    extract.add_argument("--force", action="store_true", help="overwrite files of the same names in --out")
    extract.set_defaults(handler=_extract)

    aligner = verbs.add_parser("align", help="align a German document with its existing English: beads as JSON lines")
    aligner.add_argument("german", type=Path, metavar="DE_FILE")
    aligner.add_argument("english", type=Path, metavar="EN_FILE")
    aligner.set_defaults(handler=_align)

    qa = verbs.add_parser("qa", help='check pairs: JSON lines {"id", "source", "target"[, "score"]} on stdin → flags on stdout')
    qa.add_argument("--glossary", type=Path, metavar="FILE", help="the organisation's terms, as for brief")
    qa.set_defaults(handler=_qa)

    model, model_verbs = _group(verbs, "model", "list or install German→English model packages")
    model_verbs.add_parser("list", help="list installed translation packages").set_defaults(handler=_model_list)
    install = model_verbs.add_parser("install", help="validate and install a .argosmodel file")
    install.add_argument("file", type=Path, metavar="FILE.argosmodel")
    install.set_defaults(handler=_model_install)
    model_verbs.add_parser("download", help="install de→en from Argos Translate's package index (needs internet)").set_defaults(
        handler=_model_download
    )
    setup = model_verbs.add_parser("setup", help="what make setup runs: install FILE, else models/*.argosmodel, else try the index")
    setup.add_argument("--file", type=Path, metavar="FILE.argosmodel")
    setup.set_defaults(handler=_model_setup)
    memory, memory_verbs = _group(verbs, "memory", "inspect, export or seed the translation memory")
    stats = memory_verbs.add_parser("stats", help="entries by origin and engine")
    stats.set_defaults(handler=_memory_stats)
    export = memory_verbs.add_parser("export", help="write the memory as TMX 1.4b")
    export.add_argument("file", type=Path, metavar="FILE.tmx")
    export.add_argument("--origin", choices=("all", "human", "mt"), default="all", help="which entries (default: all)")
    export.set_defaults(handler=_memory_export)
    import_ = memory_verbs.add_parser("import", help="record the German→English units of a TMX file as human work")
    import_.add_argument("file", type=Path, metavar="FILE.tmx")
    import_.set_defaults(handler=_memory_import)
    copy = memory_verbs.add_parser("copy", help="copy one memory into another, empty one (SQLite file or PostgreSQL "
                                                "URL, either way), verified before it says done")
    copy.add_argument("source", metavar="SRC", help="the memory to copy: FILE.sqlite or postgresql://USER@HOST/DB")
    copy.add_argument("target", metavar="DST", help="a new or empty memory: FILE.sqlite or postgresql://USER@HOST/DB")
    copy.set_defaults(handler=_memory_copy)

    corrections, corrections_verbs = _group(verbs, "corrections", "record a reviewer's corrections in the translation memory")
    apply = corrections_verbs.add_parser("apply", help="record FILE (exported from the review page) as human English")
    apply.add_argument("file", type=Path, metavar="FILE.corrections.json")
    apply.add_argument("--input", type=Path, metavar="INPUT.txt",
                       help="the German text the brief was built from (default: input/ and the name in FILE)")
    apply.add_argument("--include-stale", action="store_true",
                       help="record the corrections even where the German text changed since its brief was built, "
                            "or a pair's id or German is not this document's")
    apply.set_defaults(handler=_corrections_apply)

    for sub in (brief, memory, stats, export, import_, apply):
        sub.add_argument("--memory", default=argparse.SUPPRESS, metavar="FILE.sqlite|postgresql://USER@HOST/DB",
                         help=f"translation memory: a SQLite file, or a PostgreSQL database a team shares (the "
                              f"password from the URL, PGPASSWORD or ~/.pgpass; default: ${memory_store.PATH_VARIABLE} "
                              f"or {memory_store.DEFAULT_PATH})")
    for sub in (brief, seg, qa, model, install, setup, memory, stats, export, import_, copy, corrections, apply):
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def _group(verbs, name: str, help_text: str):
    """A verb with actions of its own (``model install``); alone, it prints its help."""
    group = verbs.add_parser(name, help=help_text)
    group.set_defaults(handler=lambda _args: group.print_help() or 2)
    return group, group.add_subparsers(title=f"{name} commands", metavar="ACTION")


def _open_memory(args: argparse.Namespace):
    from pipeline.memory.store import TranslationMemory

    return TranslationMemory(getattr(args, "memory", None) or memory_store.default_location())


def _brief(args: argparse.Namespace) -> int:
    from pipeline import files, packages, runs
    from pipeline.glossary import read_glossary
    from pipeline.translate.local import Translator

    if not args.inputs and not DEFAULT_INPUT_DIR.is_dir():
        raise UsageError(f"no input files: put German documents into {DEFAULT_INPUT_DIR}/ or name them "
                         "(python -m pipeline brief FILE ...)")
    inputs, links = _inputs(args.inputs or [DEFAULT_INPUT_DIR])
    english = _english_of(inputs, args.english)
    if not re.fullmatch(r"[\w.-]+", args.review_name):
        raise UsageError(f"--review-name {args.review_name!r}: use letters, digits, '.', '-' or '_'")
    runs.check_output_names(inputs, args.out, args.review_name)
    for link in links:
        say(f"skipped {link}: a symbolic link in a folder is not followed (name it on the command line "
            "to build what it points to)")
    outputs = _outputs(args.outputs)
    glossary = read_glossary(args.glossary) if args.glossary else None
    files.ensure_writable(args.out)
    try:
        package = packages.find_package()
    except ModelMissingError:
        if not english or len(english) < len(inputs):
            raise
        package = None  # every document brings its English: what it leaves out stays untranslated, flagged
    listener = _BriefListener(len(inputs), args.timings)
    with ExitStack() as stack:
        if args.scheduler:
            from pipeline.translate.cluster import ClusterTranslator

            quiet_dask_logging()
            translator = stack.enter_context(ClusterTranslator(args.scheduler, package))
        elif package is None:
            from pipeline.translate.absent import NoModel

            translator = NoModel()
        else:
            translator = Translator(package)
        memory = stack.enter_context(_open_memory(args))
        stack.callback(listener.close)
        run = runs.build_briefs(inputs, args.out, translator, memory, args.force, listener, args.review_name,
                                 args.pdf_variant, outputs, english, glossary, args.debug)
    if run.review:
        say(f"press review of {len(run.results)} briefs → {', '.join(str(p) for p in run.review)}")
    if args.timings:
        say(f"threads: {run.threads}")
    return 1 if run.failures else 0


def quiet_dask_logging() -> None:
    """This process is the command's: Dask's client logs tracebacks while it tries to reconnect to a
    lost scheduler, which ``brief`` reports as one line instead. For the rest of the process, not only
    while the client is open: its background threads go on logging after it is closed."""
    import importlib
    import logging

    importlib.import_module("distributed")  # it sets its loggers' levels when imported: set them after

    for name in ["distributed", *(name for name in logging.root.manager.loggerDict if name.startswith("distributed."))]:
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _outputs(listed: str) -> frozenset[str]:
    chosen = {name.strip() for name in listed.split(",") if name.strip()}
    unknown = sorted(chosen - set(OUTPUTS))
    if unknown or not chosen:
        raise UsageError(f"--outputs {listed!r}: choose among {','.join(OUTPUTS)}"
                         + (f" ({', '.join(unknown)} is not one)" if unknown else ""))
    return frozenset(chosen)


def _inputs(named: list[Path]) -> tuple[list[Path], list[Path]]:
    """The files named, and the readable documents inside the folders named, in order; and the
    symbolic links found in those folders, which are skipped (a file named may be a link: the
    user chose it)."""
    from pipeline.read import SUFFIXES

    inputs, links = [], []
    for path in named:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
                           and not is_english(p))
            links.extend(p for p in found if p.is_symlink())
            found = [p for p in found if not p.is_symlink()]
            if not found:
                raise UsageError(f"{path}: no German documents in this folder ({', '.join(SUFFIXES)}); "
                                 "put them there or name the files")
            inputs.extend(found)
        elif is_english(path):
            raise UsageError(f"{path}: a NAME.en.EXT file is the English of NAME.EXT, never German; name the German "
                             "document (its English is found beside it) or use --english")
        else:
            inputs.append(path)
    return inputs, links


ENGLISH_MARK = ".en"
"""``bericht.en.md`` is the English of ``bericht.txt`` (any supported format on either side)."""


def is_english(path: Path) -> bool:
    return Path(path.stem).suffix.lower() == ENGLISH_MARK


def _english_of(inputs: list[Path], named: Path | None) -> dict[Path, Path]:
    """Each input's existing English: ``--english`` for the one input, else ``NAME.en.EXT`` beside it."""
    from pipeline.read import SUFFIXES

    if named is not None:
        if len(inputs) != 1:
            raise UsageError(f"--english {named}: name one German document with it, not {len(inputs)}; in a folder, "
                             "put each English beside its German as NAME.en.EXT")
        if not named.is_file():
            raise UsageError(f"--english {named}: no such file")
        return {inputs[0]: named}
    found = {}
    for path in inputs:
        candidates = sorted(path.with_name(f"{path.stem}{ENGLISH_MARK}{suffix}") for suffix in SUFFIXES)
        candidates = [c for c in candidates if c.is_file() and not c.is_symlink()]
        if len(candidates) > 1:
            raise UsageError(f"{path}: several English versions beside it ({', '.join(c.name for c in candidates)}); "
                             "keep one")
        if candidates:
            found[path] = candidates[0]
    return found


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def printable(line: str) -> str:
    """A line as a terminal shows it safely: control, format and bidi characters (a newline or an
    escape sequence in a file name) escaped, so the line stays one line and the terminal obeys nothing."""
    return _UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), line)


class _BriefListener:
    """Prints what a run does: a line per document, errors, timings, and a progress line on a terminal."""

    def __init__(self, documents: int, timings: bool) -> None:
        self._progress = _Progress(total_documents=documents)
        self._timings = timings

    def waiting(self, path: Path) -> None:
        self._progress.say(f"{path}: waiting for another build to finish writing into the same folder")

    def planned(self, sentences: int) -> None:
        self._progress.plan(sentences)

    def translated(self, sentences: int) -> None:
        self._progress.advance(sentences)

    def finished(self, result) -> None:
        self._progress.document_done()
        written = (" → " + ", ".join(str(p) for p in result.written)) if result.written else \
            "; outputs up to date, nothing written (--force writes them again)"
        self._progress.say(f"{result.path}: {result.memory_use.line()}{written}")
        if self._timings:
            for line in _timings(result.path, result.figures, result.brief.document.skipped):
                self._progress.say(line)

    def failed(self, path: Path, message: str) -> None:
        self._progress.document_done()
        self._progress.say(f"error: {message}")

    def close(self) -> None:
        self._progress.close()


def _timings(path: Path, figures, skipped: tuple[tuple[str, int], ...]) -> list[str]:
    lines = [f"timings for {path}:"]
    if skipped:
        lines.append("  read skipped: " + "; ".join(f"{count:,} {what}" for what, count in skipped))
    for figure in figures:
        lines.append(f"  {figure.stage:<12} {figure.seconds:8.2f} s   peak RSS {figure.peak_rss_mb:8.1f} MB")
    lines.append(f"  {'total':<12} {sum(f.seconds for f in figures):8.2f} s")
    return lines


class _Progress:
    """One line on stderr, on a terminal only: sentences done of all (from memory or translated),
    sentences per second, the time left, and documents written."""

    def __init__(self, total_documents: int):
        from tqdm import tqdm

        self._documents, self._done = total_documents, 0
        self._bar = tqdm(total=0, unit="sent", desc="sentences", disable=not sys.stderr.isatty(), file=sys.stderr,
                         dynamic_ncols=True, smoothing=0.05)
        self._bar.set_postfix_str(f"0/{total_documents} documents", refresh=False)

    def plan(self, sentences: int) -> None:
        self._bar.reset(total=sentences)

    def advance(self, done: int) -> None:
        self._bar.update(done)

    def document_done(self) -> None:
        self._done += 1
        self._bar.set_postfix_str(f"{self._done}/{self._documents} documents")

    def say(self, line: str) -> None:
        """A line above the progress line, printed safely: it stays one line."""
        self._bar.write(printable(line), file=sys.stderr)

    def close(self) -> None:
        self._bar.close()


def _segment(args: argparse.Namespace) -> int:
    from pipeline import read, segment

    if args.eval:
        scores = segment.evaluate(_gold_runs(args.eval))
        say(f"precision {scores.precision:.4f}  recall {scores.recall:.4f}  F1 {scores.f1:.4f}  "
            f"({scores.true_positives} correct, {scores.false_positives} false, {scores.false_negatives} missed boundaries)",
            sys.stdout)
        return 0
    document = read.parse_document(sys.stdin.buffer.read(), name="<stdin>")
    segments = segment.segment(document)
    paragraphs = [[s.text for s in segments if s.paragraph == p.number] for p in document.paragraphs]
    print("\n\n".join("\n".join(sentences) for sentences in paragraphs))
    return 0


def _gold_runs(path: Path) -> list[list[str]]:
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None
    runs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            sentences = json.loads(line)["sentences"]
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(f'{path}:{number}: expected a JSON object with "sentences": [...]') from None
        if not isinstance(sentences, list) or not all(isinstance(s, str) for s in sentences):
            raise InputError(f'{path}:{number}: "sentences" must be a list of strings')
        runs.append(sentences)
    return runs


def _extract(args: argparse.Namespace) -> int:
    """Each attachment a brief's PDF carries (``pdf.embedded_files``: names and sizes checked before
    anything is written), written whole into ``--out``, never over a file there without ``--force``."""
    from pipeline import files, pdf

    with pdf.embedded_files(args.file) as (found, skipped):
        if not found:
            raise InputError(f"{args.file}: carries no brief data (.json, .xlf, .tmx); only briefs from pipeline "
                             "0.2 on embed their data")
        files.ensure_writable(args.out)
        there = [args.out / embedded.file_name for embedded in found
                 if os.path.lexists(args.out / embedded.file_name)]
        if there and not args.force:
            raise UsageError(f"{there[0]} exists{f' (and {len(there) - 1} more)' if len(there) > 1 else ''}; "
                             "nothing extracted: choose another --out, or --force to overwrite")
        for name in skipped:
            say(f"skipped attachment {name!r}: not a brief's data (a .json, .xlf or .tmx file name)")
        for embedded in found:
            target = args.out / embedded.file_name
            try:
                size = files.write_atomically(target, embedded.chunks(), overwrite=args.force)
            except FileExistsError:
                raise PipelineError(f"{target}: appeared while extracting; not overwritten (--force overwrites)") from None
            except OSError as error:
                raise PipelineError(f"{target}: cannot be written ({error.strerror})") from None
            renamed = f" (attachment {embedded.name!r})" if embedded.name != embedded.file_name else ""
            say(f"wrote {target} ({size:,} bytes){renamed}")
    return 0


def _align(args: argparse.Namespace) -> int:
    """One JSON object a line per bead, in order: its kind, score, the German sentence ids and text,
    and the English sentences' positions (0-based) and text."""
    from pipeline import read, segment
    from pipeline.align import beads

    german = [s for s in segment.segment(read.read_document(args.german)) if not s.verbatim]
    english = segment.english_sentences(read.read_document(args.english))
    for bead in beads.align_segments(german, english):
        print(json.dumps({"bead": bead.kind, "score": None if bead.score is None else round(bead.score, 4),
                          "de": [german[i].id for i in bead.german], "en": list(bead.english),
                          "german": " ".join(german[i].text for i in bead.german),
                          "english": " ".join(english[j].text for j in bead.english)}, ensure_ascii=False))
    return 0


def _qa(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from pipeline.checks import TermIndex, check_pair, document_of
    from pipeline.glossary import read_glossary
    from pipeline.text import has_unpaired_surrogate

    terms = TermIndex(read_glossary(args.glossary)) if args.glossary else None
    pairs = []
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(f"stdin line {number}: not UTF-8 (byte 0x{raw[error.start]:02x} at column "
                             f"{error.start + 1}); JSON lines are UTF-8") from None
        if not line.strip():
            continue
        try:
            pair = json.loads(line)
            source, target, score = pair["source"], pair["target"], pair.get("score")
            if not (isinstance(source, str) and isinstance(target, str)
                    and (score is None or isinstance(score, (int, float)))):
                raise TypeError
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
            raise InputError(f'stdin line {number}: expected a JSON object with "id", "source" and "target"') from None
        if has_unpaired_surrogate(source + target):
            raise InputError(f"stdin line {number}: the text holds an unpaired UTF-16 surrogate (\\ud800 to "
                             "\\udfff), which is no character")
        pairs.append((pair.get("id"), source, target, score))
    # The pairs are one document (checks.document): each is judged against the others' lengths and names.
    document = document_of((source, target) for _, source, target, _ in pairs)
    for pair_id, source, target, score in pairs:
        flags = check_pair(source, target, score, terms=terms, document=document.without(source, target))
        out = [{key: value for key, value in asdict(flag).items() if value or key in ("check", "severity", "message")}
               for flag in flags]
        print(json.dumps({"id": pair_id, "flags": out}, ensure_ascii=False))
    return 0


def _memory_stats(args: argparse.Namespace) -> int:
    with _open_memory(args) as memory:
        stats = memory.stats()
    say(f"{stats.path}: {stats.size_bytes / 1024:.0f} KiB", sys.stdout)
    say(f"  human entries    {stats.human} ({stats.approved} approved); {stats.history} human versions kept in history",
        sys.stdout)
    say(f"  alignment corrections of existing English  {stats.alignments}", sys.stdout)
    say(f"  machine entries  {stats.machine}", sys.stdout)
    for model, settings, count in stats.engines:
        say(f"    {count:>6}  {model}  ({settings})", sys.stdout)
    return 0


def _memory_copy(args: argparse.Namespace) -> int:
    from pipeline.memory.store import TranslationMemory, copy

    with TranslationMemory(args.source) as source, TranslationMemory(args.target) as target:
        rows, digest = copy(source, target)
    say(f"copied {rows:,} rows (entries, human versions, alignment corrections) from {source.path} to {target.path}; "
        f"verified: the same counts and content (SHA-256 {digest[:16]}…)")
    return 0


def _memory_export(args: argparse.Namespace) -> int:
    from pipeline import exchange, files

    with _open_memory(args) as memory:
        units = exchange.units_of_memory(memory.entries(None if args.origin == "all" else args.origin))
    try:
        files.write_atomically(args.file, exchange.to_tmx(units))
    except OSError as error:
        raise PipelineError(f"{args.file}: cannot be written ({error.strerror})") from None
    say(f"wrote {len(units)} entries to {args.file}")
    return 0


def _memory_import(args: argparse.Namespace) -> int:
    from pipeline import exchange

    imported = exchange.read_tmx(args.file)
    with _open_memory(args) as memory:
        memory.record_human((unit.as_human_translation() for unit in imported.units),
                            recorded_from=f"tmx:{args.file.name}")
    skipped = []
    if imported.skipped_machine:
        skipped.append(f"{imported.skipped_machine} marked as machine translation")
    if imported.skipped_other_languages:
        skipped.append(f"{imported.skipped_other_languages} without both German and English")
    say(f"recorded {len(imported.units)} human translations from {args.file} into {memory.path}"
        + (f" (skipped {', '.join(skipped)})" if skipped else ""))
    return 0


def _corrections_apply(args: argparse.Namespace) -> int:
    """Record a corrections file, only for the document it was exported from (``corrections.mismatches``)
    unless ``--include-stale``: translations as human English, alignment changes for its English file."""
    from pipeline import corrections, read, segment

    loaded = corrections.load(args.file)
    input_path = args.input or DEFAULT_INPUT_DIR / Path(loaded.input_name).name
    if not input_path.is_file():
        raise UsageError(f"{args.file}: its brief was built from {loaded.input_name}, which is not at {input_path}; "
                         "name the German text with --input")
    document = read.read_document(input_path)
    mismatches = corrections.mismatches(loaded, document, segment.segment(document))
    if mismatches and not args.include_stale:
        more = f" (and {len(mismatches) - 1} more)" if len(mismatches) > 1 else ""
        raise InputError(f"{args.file}: not the corrections of {input_path} as it is: {mismatches[0]}{more}; nothing "
                         "recorded. Review a brief built from it again, or record them anyway with --include-stale")
    with _open_memory(args) as memory:
        recorded = memory.record_human((c.as_human_translation() for c in loaded.translations),
                                       recorded_from=f"corrections:{args.file.name}")
        aligned = memory.record_alignment((c.as_human_translation() for c in loaded.of_english), loaded.english,
                                          recorded_from=f"corrections:{args.file.name}") if loaded.english else 0
    approved = sum(c.approved for c in loaded.corrections)
    alignment = f", and {aligned} pairs as aligned with {loaded.english}" if aligned else ""
    say(f"recorded {len(recorded)} corrections ({approved} approved) from {args.file} into {memory.path} as human "
        f"English{alignment}; the next brief shows them")
    for correction, item in zip(loaded.translations, recorded):
        if item.replaced is not None:
            say(f"note: {correction.id}: replaces earlier human English {item.replaced!r} (kept in the history)")
    for mismatch in mismatches:
        say(f"warning: recorded anyway (--include-stale): {mismatch}; every brief with the same German sentence "
            "shows its English")
    return 0


def _model_list(_args: argparse.Namespace) -> int:
    from pipeline import packages

    found = packages.installed_packages()
    if not found:
        say(f"no translation packages installed in {packages.packages_dir()}")
    for package in found:
        say(f"{package.from_code}→{package.to_code}  {package.name}  {package.version}  {package.path}", sys.stdout)
    return 0


def _model_install(args: argparse.Namespace) -> int:
    from pipeline import packages

    package = packages.install_archive(args.file)
    say(f"installed {package.name} {package.version} ({package.from_code}→{package.to_code}) into {package.path}",
        sys.stdout)
    return 0


def _model_download(_args: argparse.Namespace) -> int:
    from pipeline import packages

    package = packages.download_from_index()
    say(f"installed {package.name} {package.version} ({package.from_code}→{package.to_code}) into {package.path}",
        sys.stdout)
    return 0


def _model_setup(args: argparse.Namespace) -> int:
    """Install a de→en package if one can be had; never fail setup for want of one."""
    from pipeline import packages

    archives = [args.file] if args.file else sorted(Path("models").glob("*.argosmodel"))
    for archive in archives:
        package = packages.install_archive(archive)
        say(f"installed {package.name} {package.version} from {archive}", sys.stdout)
    if archives:
        return 0
    try:
        package = packages.find_package()
        say(f"German→English model already installed: {package.name} {package.version} ({package.path})", sys.stdout)
        return 0
    except PipelineError:
        pass
    try:
        package = packages.download_from_index()
        say(f"installed {package.name} {package.version} from Argos Translate's package index", sys.stdout)
    except PipelineError as error:
        say(f"note: {error}")
        say(f"note: {packages.HOW_TO_GET_A_MODEL}")
    return 0
