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

FRONT_MATTER_KEYS = ("title", "source", "date", "author")
FRONT_MATTER_FENCE = "---"
MAX_CHAOS = 0.1
"""charset-normalizer's mess ratio above which a guessed encoding is not trusted."""
WESTERN_ENCODINGS = ("cp1252", "iso8859_15", "latin_1")
HEADLINE_MAX_CHARACTERS = 120

_WHITESPACE_RUN = re.compile(r"\s+")
# Control characters other than tab and newline, and zero-width/format characters
# that would silently split or glue words in the brief.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff\u00ad]")


@dataclass(frozen=True)
class Block:
    """A unit of text as a reader finds it: a paragraph, heading, list item or byline."""

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


def clean(text: str) -> str:
    """Drop invisible characters and collapse whitespace runs to one space."""
    return _WHITESPACE_RUN.sub(" ", _INVISIBLE.sub("", text)).strip()


def normalize_text(text: str) -> str:
    """A sentence as the read stage leaves it: NFC, no invisible characters, single spaces.

    Text from elsewhere (a TMX file, a corrections file) goes through this before it
    is compared with a document's sentences.
    """
    return clean(unicodedata.normalize("NFC", text))


def document(data: bytes, name: str, path: Path | None, blocks: list[Block], metadata: Metadata,
             encoding: str = "utf-8", encoding_detected: bool = False, title_from_text: bool = False) -> Document:
    """The ``Document`` of a reader's blocks; blocks that clean to nothing are dropped."""
    label = str(path) if path else name
    paragraphs = []
    for block in blocks:
        text = clean(unicodedata.normalize("NFC", block.text))
        if text:
            paragraphs.append(Paragraph(number=len(paragraphs) + 1, text=text, line=block.line or len(paragraphs) + 1,
                                        kind=block.kind))
    if not paragraphs:
        raise InputError(f"{label}: contains no text; nothing to translate")
    title = metadata.title or (headline(paragraphs[0].text) if title_from_text else None) \
        or title_from_name(name, " ".join(p.text for p in paragraphs[:50]))
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
        paragraphs=tuple(paragraphs),
    )


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
    return Metadata(**fields), closing + 1
