"""Exchange formats for CAT tools: TMX 1.4b and XLIFF 2.0, through translate-toolkit.

TMX carries sentence pairs (a brief's, or the whole translation memory's) to
and from tools such as OmegaT or Trados; XLIFF 2.0 carries a brief's pairs with
their paragraph structure and review state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.errors import InputError
from pipeline.model import Brief, HumanTranslation, MemoryEntry, Pair
from pipeline.text import normalize_text

CREATION_TOOL = "de-en-brief"
SOURCE_LANGUAGE, TARGET_LANGUAGE = "de", "en"
ORIGIN_PROPERTY = "x-origin"
SCORE_PROPERTY = "x-score"
APPROVED_PROPERTY = "x-approved"


@dataclass(frozen=True)
class ExchangeUnit:
    """One German sentence and its English, as exchange formats carry it."""

    id: str | None
    source: str
    target: str
    origin: str
    score: float | None = None
    approved: bool = False
    note: str = ""

    def as_human_translation(self) -> HumanTranslation:
        return HumanTranslation(source=self.source, target=self.target, approved=self.approved, note=self.note)


@dataclass(frozen=True)
class ImportedUnits:
    units: tuple[ExchangeUnit, ...]
    skipped_machine: int
    """Units marked as machine output (``x-origin`` ``mt``), which are not human work."""
    skipped_other_languages: int
    """Units without both a German and an English variant."""


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters XML 1.0 cannot hold at all, not even escaped."""


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def units_of(brief: Brief) -> list[ExchangeUnit]:
    """The brief's translation units: code, which is not translated, is none, nor German that an
    aligned English left out with no model to fill it; a bead of several German sentences is one
    unit with their joined German."""
    return [_unit_of(pair) for pair in brief.pairs if not pair.segment.verbatim and pair.origin != "missing"
            and not (pair.alignment and pair.alignment.lead)]


def units_of_memory(entries: Iterable[MemoryEntry]) -> list[ExchangeUnit]:
    return [ExchangeUnit(id=None, source=e.source, target=e.target, origin=e.origin, score=e.score,
                         approved=e.approved, note=e.note) for e in entries]


def _unit_of(pair: Pair) -> ExchangeUnit:
    source = pair.alignment.source if pair.alignment and pair.alignment.source else pair.segment.text
    return ExchangeUnit(id=pair.segment.id, source=source, target=pair.target, origin=pair.origin,
                        score=pair.score, approved=pair.approved)


def to_tmx(units: Iterable[ExchangeUnit]) -> bytes:
    """TMX 1.4b: a ``<tu>`` per unit with ``tuid``, ``xml:lang`` on each ``<tuv>``, origin and score as ``<prop>``."""
    from lxml import etree
    from translate.storage import tmx

    store = tmx.tmxfile(sourcelanguage=SOURCE_LANGUAGE, targetlanguage=TARGET_LANGUAGE)
    header = store.document.getroot().find("header")
    header.set("creationtool", CREATION_TOOL)
    header.set("creationtoolversion", __version__)
    header.set("datatype", "plaintext")
    for unit in units:
        tu = store.addsourceunit(_xml_text(unit.source))
        tu.settarget(_xml_text(unit.target), TARGET_LANGUAGE)
        if unit.id:
            tu.xmlelement.set("tuid", unit.id)
        properties = [(ORIGIN_PROPERTY, unit.origin), (APPROVED_PROPERTY, "yes" if unit.approved else "no")]
        if unit.score is not None:
            properties.append((SCORE_PROPERTY, f"{unit.score:.4f}"))
        first_variant = tu.xmlelement.find("tuv")
        for kind, value in properties:
            prop = etree.Element("prop", type=kind)
            prop.text = value
            first_variant.addprevious(prop)
        if unit.note:
            tu.addnote(_xml_text(unit.note))
    return bytes(store)


def to_xliff(brief: Brief) -> bytes:
    """XLIFF 2.0: a ``<unit>`` per paragraph, a ``<segment>`` per sentence, ``state`` from origin."""
    from translate.storage import xliff2

    store = xliff2.Xliff2File(sourcelanguage=SOURCE_LANGUAGE, targetlanguage=TARGET_LANGUAGE)
    store.body.set("id", brief.document.name)
    for paragraph in brief.paragraphs:
        unit_element = None
        for pair in (p for p in paragraph.pairs if not p.segment.verbatim):
            segment = store.UnitClass(_xml_text(pair.segment.text))
            segment.target = _xml_text(pair.target)
            segment.setid(f"p{paragraph.number}::{pair.segment.id}")
            segment.xmlelement.set("state", xliff_state(pair))
            if unit_element is None:
                store.addunit(segment)
                unit_element = segment.getunitelement()
            else:
                # translate-toolkit adds one segment per unit; further segments join the paragraph's unit.
                unit_element.append(segment.xmlelement)
                store.addunit(segment, new=False)
    return bytes(store)


def xliff_state(pair: Pair) -> str:
    """Machine output is ``translated``; human English ``reviewed``, or ``final`` once approved; no English ``initial``."""
    if pair.origin == "human":
        return "final" if pair.approved else "reviewed"
    return "initial" if pair.origin == "missing" else "translated"


def read_tmx(path: Path) -> ImportedUnits:
    """German→English units of a TMX file (any tool's); machine output marked as such is skipped."""
    from translate.storage import tmx
    from translate.storage.lisa import getXMLlang

    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        store = tmx.tmxfile.parsestring(data)
    except Exception as error:  # lxml's XMLSyntaxError and translate-toolkit's ValueErrors alike
        raise InputError(f"{path}: not a readable TMX file ({error}); export TMX 1.4 from your CAT tool") from None
    if store.document.getroot().tag != "tmx":
        raise InputError(f"{path}: not a TMX file (its root element is <{store.document.getroot().tag}>)")
    units, machine, other = [], 0, 0
    for unit in store.units:
        variants: dict[str, str] = {}
        for node in unit.getlanguageNodes():
            language = (getXMLlang(node) or "").split("-")[0].split("_")[0].lower()
            text = unit.getNodeText(node)
            if language in (SOURCE_LANGUAGE, TARGET_LANGUAGE) and normalize_text(text or "") \
                    and language not in variants:
                variants[language] = text
        if len(variants) < 2:
            other += 1
            continue
        properties = {prop.get("type"): (prop.text or "") for prop in unit.xmlelement.iterfind("prop")}
        if properties.get(ORIGIN_PROPERTY) == "mt":
            machine += 1
            continue
        units.append(ExchangeUnit(id=unit.xmlelement.get("tuid"), source=variants[SOURCE_LANGUAGE],
                                  target=variants[TARGET_LANGUAGE], origin="human",
                                  approved=properties.get(APPROVED_PROPERTY) == "yes", note=unit.getnotes() or ""))
    return ImportedUnits(units=tuple(units), skipped_machine=machine, skipped_other_languages=other)
