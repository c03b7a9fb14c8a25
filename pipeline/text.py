"""Text as the pipeline keeps it: invisible characters dropped, whitespace collapsed, NFC. The read
stage cleans with it, and so does everything that compares text from elsewhere (a TMX file, a
corrections file) with a document's sentences."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

def _given_names() -> frozenset[str]:
    lines = (Path(__file__).resolve().parent / "data" / "given_names.txt").read_text("utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


GIVEN_NAMES = _given_names()
"""Common given names (``pipeline/data/given_names.txt``): bylines, and names the dictionary also
knows as words (``Horst``, ``Rose``)."""

GERMAN_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
"""A German word as the checks, the glossary and the review page's glosses see it: letters, with
hyphenated parts (``KI-Strategie``)."""
_WHITESPACE_RUN = re.compile(r"\s+")
# Control characters other than tab and newline, and zero-width/format characters
# that would silently split or glue words in the brief.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff\u00ad]")


def clean(text: str) -> str:
    """Drop invisible characters and collapse whitespace runs to one space."""
    return _WHITESPACE_RUN.sub(" ", _INVISIBLE.sub("", text)).strip()


def clean_code(text: str) -> str:
    """Code keeps its lines and indentation: invisible characters go, tabs become spaces, trailing
    spaces and blank lines around it are dropped."""
    lines = [_INVISIBLE.sub("", line).expandtabs(8).rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def normalize_text(text: str) -> str:
    """A sentence as the read stage leaves it: NFC, no invisible characters, single spaces.

    Text from elsewhere (a TMX file, a corrections file) goes through this before it
    is compared with a document's sentences.
    """
    return clean(unicodedata.normalize("NFC", text))


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def has_unpaired_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone UTF-16 surrogate, which JSON's ``\\ud800`` escapes can make and
    no encoding can write."""
    return bool(_SURROGATE.search(text))
