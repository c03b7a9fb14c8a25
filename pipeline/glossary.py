"""An organisation's own terms (``brief --glossary FILE``): German terms with their approved
English and the English it must not use, read from TBX (translate-toolkit) or from a CSV/TSV
table of ``German, English[, note]``.

In a table, the English cell holds the approved variants separated by ``|``; a variant that
starts with ``!`` is forbidden (``Vorstand, executive board | management board | !board of
directors``). A first row naming its columns (``German``/``Deutsch``/``de``) is a header. In TBX,
the ``de`` and ``en`` language sets of each entry give the terms (any region: ``de-AT``,
``en-GB``), and an English term whose administrative status is deprecated or forbidden is
forbidden. The ``terms`` check (``pipeline.checks.terms``) uses it."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError, read_input
from pipeline.model import GlossaryMark

MAX_BYTES = 20 * 2**20
"""A glossary larger than this is no glossary (a large termbase exported whole has about 5 MB)."""
_HEADER_WORDS = {"german", "deutsch", "de", "source", "term"}
_FORBIDDEN_STATUSES = {"deprecated", "deprecatedterm-admn-sts", "deprecatedtermadmnsts", "supersededterm-admn-sts",
                       "forbidden", "notrecommended", "legalternotrecommended"}


@dataclass(frozen=True)
class Term:
    german: str
    english: tuple[str, ...]
    """Approved English variants; any of them satisfies the term."""
    forbidden: tuple[str, ...] = ()
    """English the organisation does not want for this term."""
    note: str = ""


@dataclass(frozen=True)
class Glossary:
    name: str
    """The file name, as the provenance shows it."""
    sha256: str
    terms: tuple[Term, ...]

    @property
    def mark(self) -> GlossaryMark:
        return GlossaryMark(self.name, self.sha256, len(self.terms))


def read_glossary(path: Path) -> Glossary:
    """The glossary in ``path``; one clear line (``InputError``) for a file that cannot be one."""
    data = read_input(path, "check the name given to --glossary", "--glossary takes a .tbx, .csv or .tsv file",
                      MAX_BYTES)
    suffix = path.suffix.lower()
    if suffix in (".tbx", ".xml"):
        terms = _tbx_terms(data, path)
    elif suffix in (".csv", ".tsv", ".txt"):
        terms = _table_terms(data, path, "\t" if suffix == ".tsv" else None)
    else:
        raise InputError(f"{path}: unknown glossary format {suffix or '(no suffix)'}; give a .tbx, .csv or .tsv file")
    if not terms:
        raise InputError(f"{path}: the glossary holds no German term with English")
    return Glossary(path.name, hashlib.sha256(data).hexdigest(), tuple(terms))


def _table_terms(data: bytes, path: Path, delimiter: str | None) -> list[Term]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: the glossary is not UTF-8 (byte {error.start}); save it as UTF-8") from None
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=first.count)
    terms = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if number == 1 and cells[0].lower() in _HEADER_WORDS:
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise InputError(f"{path}:{number}: a row needs a German term and its English "
                             f"(German{delimiter}English[{delimiter}note]), found {delimiter.join(cells)!r}")
        variants = [variant.strip() for variant in cells[1].split("|") if variant.strip()]
        approved = tuple(v for v in variants if not v.startswith("!"))
        forbidden = tuple(v[1:].strip() for v in variants if v.startswith("!") and v[1:].strip())
        terms.append(Term(cells[0], approved, forbidden, cells[2] if len(cells) > 2 else ""))
    return terms


_TBX_ROOTS = ("martif",)
"""TBX 2's root element (ISO 30042:2008), the TBX translate-toolkit reads."""


def _tbx_terms(data: bytes, path: Path) -> list[Term]:
    from lxml import etree
    from translate.storage import tbx

    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except (etree.LxmlError, ValueError) as error:
        raise InputError(f"{path}: is not a TBX file this tool reads ({error})") from None
    root_name = etree.QName(root).localname
    if root_name not in _TBX_ROOTS:  # translate-toolkit only asserts it (AssertionError)
        raise InputError(f"{path}: is not a TBX file this tool reads (its root element is <{root_name}>, not "
                         "<martif>); export TBX 2 (TBX-Basic, martif), or give the terms as .csv")
    try:
        store = tbx.tbxfile.parsestring(data)
    except (etree.LxmlError, ValueError, AssertionError) as error:
        raise InputError(f"{path}: is not a TBX file this tool reads ({error or type(error).__name__})") from None
    terms = []
    for unit in store.units:
        languages = [node.get("{http://www.w3.org/XML/1998/namespace}lang") or "" for node in unit.getlanguageNodes()]
        german = [t for lang in languages if lang.lower().split("-")[0] == "de" for t in unit.get_target_terms(lang)]
        english = [t for lang in languages if lang.lower().split("-")[0] == "en" for t in unit.get_target_terms(lang)]
        if not german or not english:
            continue
        forbidden = [t for t in english if (t.administrative_status or "").strip().lower() in _FORBIDDEN_STATUSES]
        approved = tuple(t.text for t in english if t not in forbidden)
        note = " ".join(n.text for n in unit.get_common_notes(source=True) if n.text)
        for term in german:
            terms.append(Term(term.text, approved, tuple(t.text for t in forbidden), note))
    return terms
