"""Corrections files: a reviewer's edits, exported from the review page.

``<name>.corrections.json`` holds, for each edited or approved pair, its id, the
German source, the old and new English, the reviewer's note and the time. A file
is checked whole before anything is recorded, so a broken file changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.model import HumanTranslation, Segment
from pipeline.text import normalize_text

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
    corrections: tuple[Correction, ...]


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
    document, input_name = data.get("document"), data.get("input")
    items = data.get("corrections")
    if not isinstance(document, str) or not isinstance(input_name, str) or not isinstance(items, list):
        raise InputError(f'{path}: needs "document", "input" and a list of "corrections"')
    return CorrectionsFile(path=path, document=document, input_name=input_name,
                           corrections=tuple(_correction(path, number, item) for number, item in enumerate(items, 1)))


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
        fields[key] = value
    if not isinstance(item.get("approved", False), bool):
        raise InputError(f'{where}: "approved" must be true or false')
    if not normalize_text(fields["source"]):
        raise InputError(f"{where}: the German source is empty")
    shares = item.get("shares", "")
    if not isinstance(shares, str):
        raise InputError(f'{where}: "shares" must be the id of the pair whose English this German shares')
    if not normalize_text(fields["new_target"]) and not shares:
        raise InputError(f"{where}: the new English is empty; write the English or leave the pair unedited")
    return Correction(approved=item.get("approved", False), shares=shares, **fields)


def stale(corrections: CorrectionsFile, segments: list[Segment]) -> list[Correction]:
    """Corrections whose German sentence is no longer in the document."""
    present = {segment.text for segment in segments}
    return [c for c in corrections.corrections if normalize_text(c.source) not in present]
