"""What every reader shares: text cleaning, decoding, front matter, titles, and the
``Document`` built from a reader's blocks."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.model import Document, Paragraph
from pipeline.text import GIVEN_NAMES, clean, clean_code

FRONT_MATTER_KEYS = ("title", "source", "date", "author")
FRONT_MATTER_FENCE = "---"
MAX_CHAOS = 0.1
"""charset-normalizer's mess ratio above which a guessed encoding is not trusted."""
WESTERN_ENCODINGS = ("cp1252", "iso8859_15", "latin_1")
HEADLINE_MAX_CHARACTERS = 120

_ISO_DATE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?(?:$|[T ]\d)")
_SLASH_DATE = re.compile(r"^(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})\b")
_GERMAN_DATE = re.compile(r"^(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?(?P<year>\d{4})\b")


@dataclass(frozen=True)
class Block:
    """A unit of text as a reader finds it: a paragraph, heading, list item, byline or code."""

    text: str
    kind: str = "text"
    line: int = 0
    """Line in the input file; 0 where the format has none (then the block's position is used)."""


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    source: str | None = None
    date: str | None = None
    author: str | None = None
    title_from: str | None = None
    """Where the title came from, for the provenance (e.g. ``front matter``); ``metadata`` when unset."""
    date_from: str | None = None


def document(data: bytes, name: str, path: Path | None, blocks: list[Block], metadata: Metadata,
             encoding: str = "utf-8", encoding_detected: bool = False, title_from_text: bool = False,
             skipped: Counter | None = None) -> Document:
    """The ``Document`` of a reader's blocks; blocks that clean to nothing are dropped, so is a table
    of contents, and author or date lines at the top become metadata (``front_lines``). ``skipped``
    counts what the reader left out, by what it was; what is dropped here is added to it."""
    skipped = Counter(skipped or {})
    label = str(path) if path else name
    cleaned = []
    for block in blocks:
        text = (clean_code if block.kind == "code" else clean)(unicodedata.normalize("NFC", block.text))
        if text:
            cleaned.append(Block(text, block.kind, block.line))
    counted = len(cleaned)
    cleaned = without_contents(cleaned)
    skipped["table-of-contents lines"] += counted - len(cleaned)
    counted = len(cleaned)
    cleaned = without_running_titles(cleaned)
    skipped["running titles"] += counted - len(cleaned)
    counted = len(cleaned)
    cleaned, metadata = front_lines(cleaned, metadata)
    skipped["author and date lines (now metadata)"] += counted - len(cleaned)
    paragraphs = tuple(Paragraph(number=number, text=block.text, line=block.line or number, kind=block.kind)
                       for number, block in enumerate(cleaned, start=1))
    if not paragraphs:
        raise InputError(f"{label}: contains no text; nothing to translate")
    first = paragraphs[0]
    if metadata.title:
        title, title_from = metadata.title, metadata.title_from or "metadata"
    elif title_from_text and first.kind != "code" and (first.kind == "heading" or headline(first.text)):
        title, title_from = first.text, "first heading" if first.kind == "heading" else "first line"
    else:
        title, title_from = title_from_name(name, " ".join(p.text for p in paragraphs[:50])), "file name"
    return Document(
        name=name,
        title=clean(title),
        source=metadata.source,
        date=metadata.date,
        author=metadata.author,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        encoding_detected=encoding_detected,
        paragraphs=paragraphs,
        title_from=title_from,
        date_from=(metadata.date_from or "metadata") if metadata.date else None,
        skipped=tuple(sorted((what, count) for what, count in skipped.items() if count)),
    )


CONTENTS_LABELS = frozenset({"inhaltsverzeichnis", "inhalt", "inhaltsübersicht", "contents", "table of contents",
                             "stichwortverzeichnis", "index", "register", "sachregister", "personenregister"})
"""Labels of a table of contents or an index, which are navigation, not text."""
CONTENTS_RUN = 3
"""Without a label, this many lines in a row that repeat later headings are a table of contents."""
_LEADERS = ".·…_"
"""What separates a contents line's page number from its heading, besides spaces ("Kapitel 1 ...... 5")."""


def without_page_number(text: str) -> str:
    """A contents line without its page number: one to four digits after spaces or leader dots at
    its end, not a word's digits. Scanned from the end, so a line of 50,000 dots costs no more
    than reading it (a regular expression anchored at the end retries every start: quadratic)."""
    end = len(text.rstrip())
    digits = end
    while digits > 0 and text[digits - 1].isdecimal():
        digits -= 1
    if not 1 <= end - digits <= 4:
        return text[:end]
    leaders = digits
    while leaders > 0 and (text[leaders - 1].isspace() or text[leaders - 1] in _LEADERS):
        leaders -= 1
    return text[:leaders] if leaders < digits else text[:end]


def without_contents(blocks: list[Block]) -> list[Block]:
    """Drop a table of contents: a run of lines that repeat headings further on (before those
    headings), after a label such as "Inhaltsverzeichnis" or at least ``CONTENTS_RUN`` long."""
    def key(text: str) -> str:
        return without_page_number(text).strip().lower()

    keys = [key(block.text) for block in blocks]
    last_heading = {keys[index]: index for index, block in enumerate(blocks) if block.kind == "heading"}

    def repeats_a_later_heading(index: int) -> bool:
        return last_heading.get(keys[index], -1) > index

    kept, index = [], 0
    while index < len(blocks):
        labelled = keys[index] in CONTENTS_LABELS and blocks[index].kind != "code"
        start = index + 1 if labelled else index
        end = start
        while end < len(blocks) and blocks[end].kind != "code" and repeats_a_later_heading(end):
            end += 1
        if end > start and (labelled or end - start >= CONTENTS_RUN):
            index = end
            continue
        if labelled and (end == len(blocks) or blocks[end].kind == "heading"):
            index += 1  # the label of an empty index or contents page
            continue
        kept.append(blocks[index])
        index += 1
    return kept


def without_running_titles(blocks: list[Block]) -> list[Block]:
    """Drop a line that only repeats the heading right after it (a converted page's navigation bar)."""
    return [block for block, following in zip(blocks, [*blocks[1:], None])
            if not (following is not None and following.kind == "heading" and block.kind != "heading"
                    and block.text == following.text)]


FRONT_LINES = 4
"""How many blocks at the top may be an author or date line."""
PARTICLES = frozenset({"von", "van", "de", "der", "den", "zu", "vom", "di", "da", "du", "la", "le", "ten", "ter"})
_NAME_WORD = re.compile(r"^[A-ZÄÖÜ][a-zäöüßéèáàóòíìúùçñ'’-]+$|^[A-ZÄÖÜ]\.$")
_BYLINE_PREFIX = re.compile(r"^(?:von|by|text:|autor:|autorin:)\s+", re.IGNORECASE)
_MONTHS = {"januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
           "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12}
_LONG_DATE = re.compile(r"^(?:(?P<day>\d{1,2})\.\s*)?(?P<month>[A-Za-zäÄ]+)\s+(?P<year>\d{4})$")
_YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2})$")




def person(text: str) -> str | None:
    """The name when a line is only a person's name (``Arthur Schnitzler``, ``Von Anna Schmidt``):
    two to four words, the first a known given name or an initial, the others names or particles."""
    words = _BYLINE_PREFIX.sub("", text.strip()).split()
    if not 2 <= len(words) <= 4 or not (words[0] in GIVEN_NAMES or re.fullmatch(r"[A-Z]\.", words[0])):
        return None
    if not all(_NAME_WORD.match(word) or word in PARTICLES for word in words[1:]) or words[-1] in PARTICLES:
        return None
    return " ".join(words)


def date_line(text: str) -> str | None:
    """A line that is only a date, as ISO 8601: ``1879``, ``3. Oktober 2025``, ``2025-10-03``."""
    text = text.strip()
    if _YEAR.match(text):
        return text
    match = _LONG_DATE.match(text)
    if match and match.group("month").lower() in _MONTHS:
        month = _MONTHS[match.group("month").lower()]
        day = f"-{int(match.group('day')):02d}" if match.group("day") else ""
        return f"{match.group('year')}-{month:02d}{day}"
    return iso_date(text) if re.fullmatch(r"[\d./T:+ -]+", text) else None


def front_lines(blocks: list[Block], metadata: Metadata) -> tuple[list[Block], Metadata]:
    """Author and date lines among the first blocks (before the text starts) become metadata."""
    author, date, kept = metadata.author, metadata.date, []
    date_from = metadata.date_from
    for position, block in enumerate(blocks):
        if position >= FRONT_LINES or block.kind == "code" or len(block.text) > HEADLINE_MAX_CHARACTERS:
            kept.extend(blocks[position:])
            break
        name, when = person(block.text), date_line(block.text)
        if name and block.kind == "heading":
            following = blocks[position + 1] if position + 1 < len(blocks) else None
            if following is None or not (following.kind == "heading" or headline(following.text)):
                name = None  # a headline about a person ("Angela Merkel"), not a byline
        if name and (not author or name == author):
            author = name
        elif when and (not date or when == date):
            date, date_from = when, date_from if date else "date line"
        else:
            kept.append(block)
    return kept, Metadata(metadata.title, metadata.source, date, author, metadata.title_from, date_from)


def iso_date(value: str | None) -> str | None:
    """A date as ISO 8601 (``2026-11-20``, or ``1879`` / ``1879-05`` where only that is known), from
    ``2026-11-20T08:00+01:00``, ``2026/11/20``, ``20.11.2026`` or a year; ``None`` for anything else."""
    value = (value or "").strip()
    match = _ISO_DATE.match(value) or _SLASH_DATE.match(value)
    if match:
        year, month, day = match.group("year"), match.group("month"), match.group("day")
    elif match := _GERMAN_DATE.match(value):
        year, month, day = match.group("year"), match.group("month"), match.group("day")
    else:
        return None
    if month and not 1 <= int(month) <= 12 or day and not 1 <= int(day) <= 31:
        return None
    return "-".join(f"{int(part):02d}" for part in (year, month, day) if part)


def headline(text: str) -> str | None:
    """The text when it reads like a headline: short and without a sentence's final punctuation."""
    if len(text) <= HEADLINE_MAX_CHARACTERS and not text.rstrip("“”\"'»«)").endswith((".", "!", "?", ":", ";", ",")):
        return text
    return None


def title_from_name(name: str, text: str) -> str:
    """``bmw-ki-strategie-china`` → ``BMW KI Strategie China``: each word as the text writes it
    most often (so acronyms stay upper case), else capitalized."""
    words = [w for w in re.split(r"[-_\s.]+", name) if w]
    if not words:
        return "Untitled"
    spellings: dict[str, Counter] = {}
    for token in re.findall(r"\w+", text):
        spellings.setdefault(token.lower(), Counter())[token] += 1
    shown = []
    for word in words:
        seen = spellings.get(word.lower())
        shown.append(seen.most_common(1)[0][0] if seen else word[:1].upper() + word[1:])
    return " ".join(shown)


def decode(data: bytes, label: str) -> tuple[str, str, bool]:
    """Return the text, the encoding used, and whether that encoding was guessed."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", ""), False
            except UnicodeDecodeError as error:
                raise InputError(f"{label}: starts with a {encoding} byte-order mark but is not valid {encoding} (byte {error.start})") from None
    if b"\x00" in data:
        raise InputError(f"{label}: contains NUL bytes, so it is binary data, not text; give a plain-text (.txt) file")
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError as error:
        utf8_error = error
    import charset_normalizer

    candidates = [
        match for match in charset_normalizer.from_bytes(data)
        if match.chaos <= MAX_CHAOS and _mostly_latin(str(match))
    ]
    if not candidates:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise InputError(
            f"{label}:{line}: not UTF-8 (byte 0x{data[utf8_error.start]:02x}) and its encoding cannot be "
            "detected with confidence; convert it to UTF-8, e.g. iconv -f latin1 -t utf-8"
        )
    # Several single-byte encodings decode German alike; name the one German text is usually in.
    for match in candidates:
        for encoding in WESTERN_ENCODINGS:
            if encoding in match.could_be_from_charset:
                return data.decode(encoding), encoding, True
    return str(candidates[0]), candidates[0].encoding, True


def _mostly_latin(text: str) -> bool:
    """German text decoded with the right encoding is almost all Latin letters."""
    letters = [c for c in text if c.isalpha()]
    latin = sum(1 for c in letters if unicodedata.name(c, "").startswith("LATIN"))
    return bool(letters) and latin >= 0.95 * len(letters)


def split_lines(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")


def front_matter(lines: list[str], label: str) -> tuple[Metadata, int]:
    """Parse ``---`` front matter; return its fields and the index of the first body line."""
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return Metadata(), 0
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE), None)
    if closing is None:
        raise InputError(f"{label}:1: front matter opened with '---' is never closed; add a '---' line after it")
    fields: dict[str, str] = {}
    for index in range(1, closing):
        line = lines[index].strip()
        if not line or line.startswith("#"):
            continue
        key, colon, value = line.partition(":")
        key = key.strip().lower()
        if not colon or key not in FRONT_MATTER_KEYS:
            raise InputError(
                f"{label}:{index + 1}: front matter line {line[:60]!r} is not 'key: value' with a key among "
                f"{', '.join(FRONT_MATTER_KEYS)}"
            )
        fields[key] = clean(value.strip().strip('"').strip("'"))
    return Metadata(**fields, title_from="front matter" if "title" in fields else None,
                    date_from="front matter" if "date" in fields else None), closing + 1
