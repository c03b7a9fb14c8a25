"""Corrections files: a reviewer's edits, exported from the review page.

``<name>.corrections.json`` holds, for each edited or approved pair, its id, the
German source, the old and new English, the reviewer's note and the time, and for the
whole file the SHA-256 of the German text the brief was built from (and, for a brief of
existing English, that English file's name). A file is checked whole before anything is
recorded, so a broken file changes nothing; it is recorded only for the document it was
exported from (``mismatches``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.model import Document, HumanTranslation, Segment
from pipeline.text import has_unpaired_surrogate, normalize_text

FORMAT = "de-en-brief corrections"
VERSION = 1


@dataclass(frozen=True)
class Correction:
    id: str
    source: str
    old_target: str
    new_target: str
    approved: bool
    note: str
    time: str
    shares: str = ""
    """For a brief of existing English: the id of the pair whose English this German shares (its
    ``new_target`` is then empty)."""

    def as_human_translation(self) -> HumanTranslation:
        return HumanTranslation(source=self.source, target=self.new_target, approved=self.approved, note=self.note)


@dataclass(frozen=True)
class CorrectionsFile:
    path: Path
    document: str
    """The brief's name (output stem)."""
    input_name: str
    """The input file's name the brief was built from."""
    sha256: str
    """The SHA-256 of that input file's bytes when the brief was built."""
    english: str | None
    """For a brief of existing English: that English file's name (alignment corrections are tied to it)."""
    corrections: tuple[Correction, ...]

    @property
    def of_english(self) -> tuple[Correction, ...]:
        """For a brief of existing English, every correction: the reviewed state of that English
        file's pairs, alignment changes included (kept apart, tied to the file: ``record_alignment``)."""
        return self.corrections if self.english else ()

    @property
    def translations(self) -> tuple[Correction, ...]:
        """The corrections that are a German sentence's English wherever it stands: not a German
        that shares its neighbour's English, nor that neighbour, whose English now covers both."""
        leads = {c.shares for c in self.corrections if c.shares}
        return tuple(c for c in self.corrections if not c.shares and c.id not in leads)


_SHA256 = re.compile(r"[0-9a-f]{64}")


def load(path: Path) -> CorrectionsFile:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; export it from the review page (Export corrections)") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 JSON; export it again from the review page") from None
    except json.JSONDecodeError as error:
        raise InputError(f"{path}:{error.lineno}: not valid JSON ({error.msg} at column {error.colno}); "
                         "export it again from the review page") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f'{path}: not a corrections file (expected "format": "{FORMAT}"); '
                         "export one from the review page")
    if data.get("version") != VERSION:
        raise InputError(f"{path}: corrections format version {data.get('version')!r} is not supported "
                         f"(this pipeline reads version {VERSION})")
    document, input_name, english = data.get("document"), data.get("input"), data.get("english")
    items = data.get("corrections")
    if not isinstance(document, str) or not isinstance(input_name, str) or not isinstance(items, list):
        raise InputError(f'{path}: needs "document", "input" and a list of "corrections"')
    corrections = tuple(_correction(path, number, item) for number, item in enumerate(items, 1))
    if not isinstance(data.get("sha256"), str) or not _SHA256.fullmatch(data["sha256"]):
        raise InputError(f'{path}: needs the "sha256" of the German text its brief was built from; export it '
                         "again from the review page")
    if english is not None and not (isinstance(english, str) and english.strip()):
        raise InputError(f'{path}: "english" must be the name of the English file the brief aligned')
    for key in ("document", "input", "english"):
        _require_text(path, f'"{key}"', data.get(key) or "")
    if english is None and any(c.shares for c in corrections):
        raise InputError(f"{path}: a correction shares another pair's English, but the file names no English "
                         "file; export it again from the review page of a brief of existing English")
    return CorrectionsFile(path=path, document=document, input_name=input_name, sha256=data["sha256"],
                           english=english, corrections=corrections)


def _require_text(path: Path, what: str, value: str) -> None:
    """Refuse a string JSON could hold but no text can: an unpaired surrogate (``"\\ud800"``)."""
    if has_unpaired_surrogate(value):
        raise InputError(f"{path}: {what} holds an unpaired UTF-16 surrogate, which is no character; "
                         "export the file again from the review page")


def _correction(path: Path, number: int, item: object) -> Correction:
    where = f"{path}: correction {number}"
    if not isinstance(item, dict):
        raise InputError(f"{where} is not an object")
    where += f" ({item.get('id')})" if isinstance(item.get("id"), str) else ""
    fields = {}
    for key in ("id", "source", "old_target", "new_target", "note", "time"):
        value = item.get(key, "" if key == "note" else None)
        if not isinstance(value, str):
            raise InputError(f'{where}: "{key}" must be a string')
        _require_text(path, f'correction {number} "{key}"', value)
        fields[key] = value
    if not isinstance(item.get("approved", False), bool):
        raise InputError(f'{where}: "approved" must be true or false')
    if not normalize_text(fields["source"]):
        raise InputError(f"{where}: the German source is empty")
    shares = item.get("shares", "")
    if not isinstance(shares, str) or has_unpaired_surrogate(shares):
        raise InputError(f'{where}: "shares" must be the id of the pair whose English this German shares')
    if not normalize_text(fields["new_target"]) and not shares:
        raise InputError(f"{where}: the new English is empty; write the English or leave the pair unedited")
    return Correction(approved=item.get("approved", False), shares=shares, **fields)


def mismatches(corrections: CorrectionsFile, document: Document, segments: list[Segment]) -> list[str]:
    """Why the file is not (wholly) for this document, one line each: its SHA-256 differs from the
    document's, or a correction's id is not a pair of it, or that pair's German differs. Empty when
    id, German and SHA-256 all agree, as for every file the review page exports for this brief."""
    reasons = []
    if corrections.sha256 != document.sha256:
        reasons.append(f"it was exported for a German text with SHA-256 {corrections.sha256[:12]}…, and "
                       f"{document.path or document.name} has {document.sha256[:12]}… (edited since, or another document)")
    german = {segment.id: segment.text for segment in segments}
    for correction in corrections.corrections:
        if correction.id not in german:
            reasons.append(f"{correction.id}: no pair of {document.name} has this id")
        elif german[correction.id] != normalize_text(correction.source):
            reasons.append(f"{correction.id}: the German differs from this pair's: {correction.source[:80]!r}")
    return reasons
