"""Read stage: bytes of a German text file → ``Document``.

Rules: UTF-8 with or without BOM (UTF-16 with BOM too); any other encoding only
when charset-normalizer detects it with confidence, and the document records
that it was assumed. Optional front matter between ``---`` lines. If the body
has blank lines they separate paragraphs and single line breaks are soft wraps;
otherwise every non-empty line is a paragraph.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from pathlib import Path

from pipeline.errors import InputError
from pipeline.model import Document, Paragraph

FRONT_MATTER_KEYS = ("title", "source", "date", "author")
FRONT_MATTER_FENCE = "---"
MAX_CHAOS = 0.1
WESTERN_ENCODINGS = ("cp1252", "iso8859_15", "latin_1")
"""charset-normalizer's mess ratio above which a guessed encoding is not trusted."""

_WHITESPACE_RUN = re.compile(r"\s+")
# Control characters other than tab and newline, and zero-width/format characters
# that would silently split or glue words in the brief.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff\u00ad]")


def read_document(path: Path) -> Document:
    """Read and parse one input file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the name or put the text into input/") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory; give a .txt file inside it") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied; make the file readable (chmod +r)") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None
    return parse_document(data, name=path.stem, path=path)


def parse_document(data: bytes, name: str, path: Path | None = None) -> Document:
    """Parse raw bytes; ``name`` labels errors and becomes the output file stem."""
    label = str(path) if path else name
    text, encoding, detected = _decode(data, label)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    front, body_start = _front_matter(lines, label)
    paragraphs = _paragraphs(lines, body_start)
    if not paragraphs:
        raise InputError(f"{label}: contains no text{' after its front matter' if body_start else ''}; nothing to translate")
    return Document(
        name=name,
        title=front.get("title") or _title_from_name(name),
        source=front.get("source"),
        date=front.get("date"),
        author=front.get("author"),
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        encoding_detected=detected,
        paragraphs=tuple(paragraphs),
    )


def _decode(data: bytes, label: str) -> tuple[str, str, bool]:
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


def _front_matter(lines: list[str], label: str) -> tuple[dict[str, str], int]:
    """Parse ``---`` front matter; return its fields and the index of the first body line."""
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        return {}, 0
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
        fields[key] = _clean(value.strip().strip('"').strip("'"))
    return fields, closing + 1


def _paragraphs(lines: list[str], start: int) -> list[Paragraph]:
    body = lines[start:]
    texts_and_lines: list[tuple[str, int]] = []
    filled = [i for i, line in enumerate(body) if line.strip()]
    separated_by_blank_lines = bool(filled) and any(not line.strip() for line in body[filled[0] : filled[-1]])
    if separated_by_blank_lines:
        block: list[str] = []
        block_line = 0
        for offset, line in enumerate(body + [""]):
            if line.strip():
                if not block:
                    block_line = start + offset + 1
                block.append(line)
            elif block:
                texts_and_lines.append((" ".join(block), block_line))
                block = []
    else:
        texts_and_lines = [(line, start + offset + 1) for offset, line in enumerate(body) if line.strip()]
    paragraphs = []
    for text, line in texts_and_lines:
        cleaned = _clean(text)
        if cleaned:
            paragraphs.append(Paragraph(number=len(paragraphs) + 1, text=cleaned, line=line))
    return paragraphs


def _clean(text: str) -> str:
    """Drop invisible characters and collapse whitespace runs to one space."""
    return _WHITESPACE_RUN.sub(" ", _INVISIBLE.sub("", text)).strip()


def normalize_text(text: str) -> str:
    """A sentence as the read stage leaves it: NFC, no invisible characters, single spaces.

    Text from elsewhere (a TMX file, a corrections file) goes through this before it
    is compared with a document's sentences.
    """
    return _clean(unicodedata.normalize("NFC", text))


def _title_from_name(name: str) -> str:
    words = re.sub(r"[-_]+", " ", name).strip()
    return words[:1].upper() + words[1:] if words else "Untitled"
