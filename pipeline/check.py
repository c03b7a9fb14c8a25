"""Check stage: cheap, reference-free checks of each sentence pair.

Machine translation fails in known ways: numbers changed or dropped, words
repeated, the source copied through, half a sentence missing, text invented,
names lost. Each check looks for one of them and explains what it found in
words a reviewer understands. ``check_pair`` runs them all on one pair.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from pipeline.model import AlignedParagraph, CheckCount, Flag, Pair, QASummary

ERROR, WARNING = "error", "warning"
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class CheckSettings:
    """Thresholds of the checks; the defaults suit news and reports."""

    length_bands: tuple[tuple[int, float, float], ...] = ((20, 0.25, 4.0), (60, 0.45, 2.2), (10**9, 0.55, 1.8))
    """``(up to N source characters, lowest, highest target/source ratio)``: looser for short segments."""
    length_error_factor: float = 1.5
    """Beyond the band by this factor (ratio below low/f or above high·f) is an error, not a warning."""
    copied_share: float = 0.6
    """Share of target words taken over from the source above which a target counts as untranslated."""
    repeat_count: int = 3
    min_score: float = -1.2
    """Mean log-probability per token below which the model was unsure (warning)."""


DEFAULT_SETTINGS = CheckSettings()


# --- numbers ----------------------------------------------------------------------------------

_GERMAN_NUMBER = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?P<ordinal>\.(?=\s+[\wäöüÄÖÜ]))?"
    r"(?:\s*(?P<scale>Milliarden|Milliarde|Mrd\.?|Millionen|Million|Mio\.?|Tausend|Tsd\.?|Billionen|Billion))?"
)
_ENGLISH_NUMBER = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<ordinal>st|nd|rd|th)?"
    r"(?:\s*(?P<scale>billion|bn|million|mn|m\b|thousand|trillion))?",
    re.IGNORECASE,
)
_GERMAN_SCALES = {"milliarden": 1e9, "milliarde": 1e9, "mrd": 1e9, "millionen": 1e6, "million": 1e6, "mio": 1e6,
                  "tausend": 1e3, "tsd": 1e3, "billionen": 1e12, "billion": 1e12}
_ENGLISH_SCALES = {"billion": 1e9, "bn": 1e9, "million": 1e6, "mn": 1e6, "m": 1e6, "thousand": 1e3, "trillion": 1e12}
_NUMBER_WORDS_DE = {"null": 0, "eins": 1, "ein": 1, "eine": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
                    "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "hundert": 100}
_NUMBER_WORDS_EN = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "hundred": 100, "first": 1,
                    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
                    "ninth": 9, "tenth": 10}


@dataclass(frozen=True)
class _Number:
    text: str
    value: float
    scale: float
    """1, or 1e3/1e6/1e9/1e12 when a scale word follows (Milliarden, billion, …)."""

    def matches(self, other: "_Number") -> bool:
        if self.scale > 1 and other.scale > 1:
            return self.value * self.scale == other.value * other.scale
        return self.value * self.scale == other.value * other.scale or self.value == other.value


def _german_numbers(text: str) -> list[_Number]:
    found = []
    for match in _GERMAN_NUMBER.finditer(text):
        value = float(match["num"].replace(".", "").replace(",", "."))
        scale = _GERMAN_SCALES.get((match["scale"] or "").lower().rstrip("."), 1)
        found.append(_Number(match.group().strip(), value, scale))
    return found


def _english_numbers(text: str) -> list[_Number]:
    found = []
    for match in _ENGLISH_NUMBER.finditer(text):
        value = float(match["num"].replace(",", ""))
        scale = _ENGLISH_SCALES.get((match["scale"] or "").lower(), 1)
        found.append(_Number(match.group().strip(), value, scale))
    return found


def _word_values(text: str, words: dict[str, int]) -> set[float]:
    return {float(words[w]) for w in re.findall(r"[a-zäöüß]+", text.lower()) if w in words}


def check_numbers(source: str, target: str, settings: CheckSettings) -> list[Flag]:
    german, english = _german_numbers(source), _english_numbers(target)
    unmatched_english = list(english)
    missing = []
    for number in german:
        match = next((e for e in unmatched_english if e.matches(number)), None)
        if match:
            unmatched_english.remove(match)
        elif number.value not in _word_values(target, _NUMBER_WORDS_EN):
            missing.append(number)
    extra = [e for e in unmatched_english if e.value not in _word_values(source, _NUMBER_WORDS_DE)]
    flags = []
    if missing and extra:
        flags.append(Flag("numbers", ERROR,
                          f"number changed: German {', '.join(n.text for n in missing)} but English "
                          f"{', '.join(n.text for n in extra)}",
                          tuple(n.text for n in missing), tuple(n.text for n in extra)))
    elif missing:
        flags.append(Flag("numbers", ERROR,
                          f"number missing in the English: {', '.join(n.text for n in missing)}",
                          tuple(n.text for n in missing), ()))
    elif extra:
        flags.append(Flag("numbers", WARNING,
                          f"number in the English that is not in the German: {', '.join(n.text for n in extra)}",
                          (), tuple(n.text for n in extra)))
    return flags


# --- length -----------------------------------------------------------------------------------

def check_length(source: str, target: str, settings: CheckSettings) -> list[Flag]:
    if not target.strip():
        return []  # the empty check speaks for this
    ratio = len(target) / max(len(source), 1)
    low, high = next((low, high) for limit, low, high in settings.length_bands if len(source) <= limit)
    if low <= ratio <= high:
        return []
    factor = settings.length_error_factor
    severity = ERROR if ratio < low / factor or ratio > high * factor else WARNING
    if ratio < low:
        message = f"English is {ratio:.0%} of the German's length (expected at least {low:.0%}): part of the sentence may be missing"
    else:
        message = f"English is {ratio:.0%} of the German's length (expected at most {high:.0%}): text may be invented or repeated"
    return [Flag("length", severity, message)]


# --- untranslated -----------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]{3,}")


def check_untranslated(source: str, target: str, settings: CheckSettings) -> list[Flag]:
    if _normalize(source) == _normalize(target) and re.search(r"[^\W\d_]{2,}", target):
        return [Flag("untranslated", ERROR, "the English is the German, copied unchanged", (), (target,))]
    source_words = {w.lower() for w in _WORD.findall(source)}
    target_words = _WORD.findall(target)
    copied = [w for w in target_words if w.lower() in source_words and not _is_acronym(w)]
    if len(target_words) >= 4 and len(copied) / len(target_words) >= settings.copied_share:
        shown = ", ".join(dict.fromkeys(copied[:6]))
        return [Flag("untranslated", ERROR,
                     f"{len(copied)} of {len(target_words)} English words are copied from the German ({shown}…)",
                     (), tuple(dict.fromkeys(copied)))]
    return []


def _normalize(text: str) -> str:
    return re.sub(r"\W+", " ", unicodedata.normalize("NFKC", text).lower()).strip()


def _is_acronym(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


# --- repetition -------------------------------------------------------------------------------

_ENGLISH_FUNCTION_WORDS = frozenset(
    "the a an of to in and or for on at by with from as is are was were be been that this it its their his her "
    "which who will would has have had not but than into over also more".split()
)


def _repeats(words: list[str], count: int) -> dict[tuple[str, ...], int]:
    repeated = {}
    for n in (4, 3, 2, 1):
        grams = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
        for gram, times in grams.items():
            if times < count or (n == 1 and gram[0] in _ENGLISH_FUNCTION_WORDS):
                continue
            if all(w in _ENGLISH_FUNCTION_WORDS for w in gram):
                continue
            if not any(set(gram) <= set(longer) for longer in repeated):
                repeated[gram] = times
    return repeated


def check_repetition(source: str, target: str, settings: CheckSettings) -> list[Flag]:
    target_words = [w for w in re.findall(r"\w+", target.lower()) if len(w) > 2 or w.isdigit()]
    source_words = re.findall(r"\w+", source.lower())
    source_max = max(Counter(w for w in source_words if len(w) > 3).values(), default=0)
    flags = []
    for gram, times in _repeats(target_words, settings.repeat_count).items():
        if times > source_max:
            phrase = " ".join(gram)
            flags.append(Flag("repetition", ERROR, f"“{phrase}” occurs {times} times in the English", (), (phrase,)))
    return flags[:1]


# --- empty ------------------------------------------------------------------------------------

def check_empty(source: str, target: str, settings: CheckSettings) -> list[Flag]:
    if not target.strip():
        return [Flag("empty", ERROR, "the English is empty")]
    if not re.search(r"[^\W_]", target):
        return [Flag("empty", ERROR, f"the English has no words, only symbols: {target.strip()[:40]!r}", (), (target.strip(),))]
    return []


# --- names and acronyms -----------------------------------------------------------------------

@lru_cache(maxsize=1)
def _name_translations() -> dict[str, tuple[str, ...]]:
    table = {}
    for line in (DATA / "name_translations.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            german, *english = line.split()
            table[german] = tuple(english)
    return table


_SEEN_LOWER_CASE_MID_SENTENCE = 1 << 5  # NLTK Punkt's _ORTHO_MID_LC flag


@lru_cache(maxsize=1)
def _german_words() -> dict[str, int]:
    """Word types of NLTK's German Punkt training corpus with their orthographic flags."""
    from punkt.data import german

    return german.ORTHO_CONTEXT


def _looks_german(word: str) -> bool:
    """A known word, or a compound whose head (a suffix of 5+ letters) is one: Batterie|riesen."""
    words = _german_words()
    lower = word.lower()
    return any(lower[i:] in words or lower[i:].rstrip("s") in words for i in range(0, max(len(lower) - 4, 1)))


_ACRONYM = re.compile(r"\b[A-ZÄÖÜ][A-ZÄÖÜ0-9&]{1,}s?\b")
_CAPITALIZED = re.compile(r"(?<=[\s(„\"'-])[A-Z][a-zäöüß]+[A-Za-zäöüß]*\b")
_NAME_PHRASE = re.compile(r"(?<=\s)(?P<adjective>[A-ZÄÖÜ][a-zäöüß]+e[nrsm]?)\s+(?P<noun>[A-ZÄÖÜ][\wäöüß]+)")


def _names(source: str) -> list[str]:
    """Acronyms, unfamiliar capitalized words, and capitalized adjective + noun mid-sentence."""
    names = [m.group().rstrip("s") if m.group().endswith("s") and m.group()[:-1].isupper() else m.group()
             for m in _ACRONYM.finditer(source)]
    for match in _CAPITALIZED.finditer(source):
        if len(match.group()) > 2 and not _looks_german(match.group()):
            names.append(match.group())
    words = _german_words()
    for match in _NAME_PHRASE.finditer(source):
        if words.get(match["adjective"].lower(), 0) & _SEEN_LOWER_CASE_MID_SENTENCE:
            names.append(f"{match['adjective']} {match['noun']}")  # an adjective capitalized mid-sentence: a name
    return list(dict.fromkeys(names))


def check_names(source: str, target: str, settings: CheckSettings) -> list[Flag]:
    translations = _name_translations()
    missing = []
    for name in _names(source):
        if _is_acronym(name.replace("&", "")):
            accepted = translations.get(name, ()) + (name,)
            found = any(re.search(rf"(?<!\w){re.escape(form)}", target) for form in accepted)
        else:  # names may change case or ending: Yuan → yuan, Professorin → Professor, Köln → Cologne
            stems = [form.lower()[: max(4, len(form) - 3)] for form in translations.get(name, ()) + (name,)]
            found = any(re.search(rf"(?<!\w){re.escape(stem)}", target.lower()) for stem in stems)
        if not found:
            missing.append(name)
    if not missing:
        return []
    severity = ERROR if any(_is_acronym(n.replace("&", "")) for n in missing) else WARNING
    return [Flag("names", severity, f"name or acronym missing in the English: {', '.join(missing)}", tuple(missing), ())]


# --- punctuation ------------------------------------------------------------------------------

_QUOTES = "„“”\"»«‚‘’›‹"


def check_punctuation(source: str, target: str, settings: CheckSettings) -> list[Flag]:
    flags = []
    if "?" in source and "?" not in target:
        flags.append(Flag("punctuation", ERROR, "the German asks a question (?) but the English does not", ("?",), ()))
    if "!" in source and "!" not in target:
        flags.append(Flag("punctuation", WARNING, "the German has an exclamation mark (!) but the English does not", ("!",), ()))
    if any(q in source for q in _QUOTES) and not any(q in target for q in _QUOTES):
        flags.append(Flag("punctuation", WARNING, "the German has quotation marks but the English has none",
                          tuple(q for q in _QUOTES if q in source), ()))
    return flags


# --- confidence -------------------------------------------------------------------------------

def check_confidence(score: float | None, settings: CheckSettings) -> list[Flag]:
    if score is None or score >= settings.min_score:
        return []
    return [Flag("confidence", WARNING,
                 f"the model was unsure: score {score:.2f} per token is below {settings.min_score:.2f}")]


def check_split(parts: int) -> list[Flag]:
    if parts <= 1:
        return []
    return [Flag("split", WARNING, f"the sentence is longer than the model's input limit; it was translated in "
                                   f"{parts} parts, cut at clause boundaries: check the joins")]


TEXT_CHECKS: dict[str, Callable[[str, str, CheckSettings], list[Flag]]] = {
    "numbers": check_numbers,
    "length": check_length,
    "untranslated": check_untranslated,
    "repetition": check_repetition,
    "empty": check_empty,
    "names": check_names,
    "punctuation": check_punctuation,
}
CHECK_NAMES = (*TEXT_CHECKS, "confidence", "split")
CHECK_DESCRIPTIONS = {
    "numbers": "a number in the German is missing or changed in the English",
    "length": "the English is much shorter or longer than the German",
    "untranslated": "the English is the German copied through",
    "repetition": "a word or phrase repeats in the English",
    "empty": "the English is empty or only symbols",
    "names": "a name or acronym is missing in the English",
    "punctuation": "a question, exclamation or quotation does not carry over",
    "confidence": "the model's score is low",
    "split": "the sentence was too long for the model and was translated in parts",
}


def check_pair(source: str, target: str, score: float | None = None,
               settings: CheckSettings = DEFAULT_SETTINGS, parts: int = 1) -> tuple[Flag, ...]:
    """All flags for one German/English pair."""
    flags = [flag for check in TEXT_CHECKS.values() for flag in check(source, target, settings)]
    return tuple(flags + check_confidence(score, settings) + check_split(parts))


def check(paragraphs: tuple[AlignedParagraph, ...], settings: CheckSettings = DEFAULT_SETTINGS) -> tuple[AlignedParagraph, ...]:
    """The paragraphs with every pair's flags filled in."""
    return tuple(
        replace(paragraph, pairs=tuple(
            replace(pair, flags=check_pair(pair.segment.text, pair.target, pair.score, settings, pair.parts))
            for pair in paragraph.pairs
        ))
        for paragraph in paragraphs
    )


def summarize(pairs: tuple[Pair, ...]) -> QASummary:
    """How many pairs each check flagged."""
    per_check = tuple(
        CheckCount(
            check=name,
            description=CHECK_DESCRIPTIONS[name],
            pairs=sum(any(f.check == name for f in pair.flags) for pair in pairs),
            errors=sum(any(f.check == name and f.severity == ERROR for f in pair.flags) for pair in pairs),
        )
        for name in CHECK_NAMES
    )
    return QASummary(pairs=len(pairs), flagged=sum(bool(pair.flags) for pair in pairs), per_check=per_check)
