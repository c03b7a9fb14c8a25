"""numbers: a German number missing, changed or added in the English, allowing for German
formats (``2,5`` ↔ ``2.5``, ``5.000 $`` ↔ ``$5,000``), scale words (``116 Milliarden`` ↔
``116 billion``), ordinals (``3.`` ↔ ``3rd``), number words (``vier`` ↔ ``4``), clock times
(``21.30 Uhr`` ↔ ``9:30 pm``) and decades (``90er`` ↔ ``1990s``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR, WARNING
from pipeline.model import Flag

DESCRIPTION = "a number in the German is missing or changed in the English"

_GERMAN_TIME = re.compile(r"(?<![\w.,:])(?P<hour>[0-2]?\d)(?:[.:](?P<minute>[0-5]\d))?(?=\s*Uhr)")
_ENGLISH_TIME = re.compile(r"(?<![\w.,:])(?P<hour>[0-2]?\d)(?::(?P<minute>[0-5]\d)|\.(?P<dotted>[0-5]\d)(?=\s*[ap]\.?m))"
                           r"(?:\s*(?P<half>[ap])\.?m\.?)?(?![\d:])", re.I)
_SCORE = re.compile(r"(?<![\w.,:])(?P<a>\d+):(?P<b>\d+)(?![\d:])")
"""A result or ratio (``2:0``, ``17:21``): one number, not two."""
_GERMAN_NUMBER = re.compile(
    r"(?<![\w.,])(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?P<ordinal>\.(?=\s+[\wäöüÄÖÜ]))?"
    r"(?P<decade>er(?:n|jahren|jahre)?\b)?"
    r"(?:\s*(?P<scale>Milliarden|Milliarde|Mrd\.?|Millionen|Million|Mio\.?|Tausend|Tsd\.?|Billionen|Billion))?"
)
_ENGLISH_NUMBER = re.compile(
    r"(?<![\w.,])['’]?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<ordinal>st|nd|rd|th)?(?P<decade>['’]?s\b)?"
    r"(?:\s*(?P<scale>billion|bn|million|mn|m\b|thousand|trillion))?",
    re.IGNORECASE,
)
_GERMAN_SCALES = {"milliarden": 1e9, "milliarde": 1e9, "mrd": 1e9, "millionen": 1e6, "million": 1e6, "mio": 1e6,
                  "tausend": 1e3, "tsd": 1e3, "billionen": 1e12, "billion": 1e12}
_ENGLISH_SCALES = {"billion": 1e9, "bn": 1e9, "million": 1e6, "mn": 1e6, "m": 1e6, "thousand": 1e3, "trillion": 1e12}
_GERMAN_WORDS = {"null": 0, "eins": 1, "ein": 1, "eine": 1, "einen": 1, "einem": 1, "einer": 1, "zwei": 2,
                 "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
                 "elf": 11, "zwölf": 12, "hundert": 100,
                 "tausend": 1000, "erste": 1, "ersten": 1, "erster": 1, "zweite": 2, "zweiten": 2, "dritte": 3,
                 "dritten": 3, "vierte": 4, "vierten": 4, "fünfte": 5, "fünften": 5, "halb": 0.5, "hälfte": 0.5,
                 "dutzend": 12, "doppelt": 2, "zweimal": 2, "dreimal": 3}
"""German number words besides the teens and tens that ``german_word_numbers`` reads."""
_ENGLISH_WORDS = {"a": 1, "an": 1, "hundred": 100, "thousand": 1000, "half": 0.5, "dozen": 12, "double": 2,
                  "twice": 2, "once": 1, "single": 1, "both": 2, "pair": 2, "noon": 12, "midnight": 0}
"""English words that stand for numbers besides the cardinals and ordinals ``english_word_numbers`` reads."""


@dataclass(frozen=True)
class _Number:
    text: str
    values: frozenset[float]
    """Every value the written number may stand for (``90er``: 90, 1990, 2090; ``9 pm``: 9, 21)."""
    bare: float | None = None
    """The number before its scale word (``116`` of ``116 Milliarden``); ``None`` without one."""

    def matches(self, other: "_Number") -> bool:
        if self.values & other.values:
            return True
        if (self.bare is None) == (other.bare is None):
            return False
        return (self.bare if self.bare is not None else other.bare) in (other.values if self.bare is not None else self.values)


def _values(number: float, scale: float, decade: bool) -> frozenset[float]:
    values = {number * scale}
    if scale == 1 and decade and number < 100:
        values |= {1900 + number, 2000 + number}
    return frozenset(values)


def _scores(text: str) -> list[_Number]:
    return [_Number(m.group(), frozenset({-(int(m["a"]) * 1000 + int(m["b"]))})) for m in _SCORE.finditer(text)]


def _without_roads(text: str, source: str) -> str:
    names = {m[1] + m[2] for m in _ROAD.finditer(source)}
    return _ROAD.sub(lambda m: " " if m[1] + m[2] in names else m.group(), text)


_YEAR_RANGE = re.compile(r"\b(?P<century>1[5-9]|20)(?P<year>\d{2})(?P<between>\s*[/–-]\s*)(?P<end>\d{2})(?![\d.,]|[-/–]\d)")
"""A span of years whose end is written with two digits (``1968/69``, ``2019-20``; not a date ``2020-12-01``)."""


def _full_years(text: str) -> str:
    """``1968/69`` as ``1968/1969``, on either side: an English ``1968/1969`` is the same span."""
    def full(match: re.Match) -> str:
        century = int(match["century"]) + (int(match["end"]) < int(match["year"]))
        return f"{match['century']}{match['year']}{match['between']}{century}{match['end']}"
    return _YEAR_RANGE.sub(full, text)


def _german_numbers(text: str) -> list[_Number]:
    text = _full_years(_without_roads(text, text))
    found = [_Number(m.group(), frozenset({int(m["hour"]) * 60 + int(m["minute"] or 0)}
                                          | ({float(m["hour"])} if m["minute"] is None else set())))
             for m in _GERMAN_TIME.finditer(text)]
    text = _GERMAN_TIME.sub(" ", text)
    found += _scores(text)
    text = _SCORE.sub(" ", text)
    for match in _GERMAN_NUMBER.finditer(text):
        value = float(match["num"].replace(".", "").replace(",", "."))
        scale = _GERMAN_SCALES.get((match["scale"] or "").lower().rstrip("."), 1)
        found.append(_Number(match.group().strip(), _values(value, scale, bool(match["decade"]))))
    return found


_HOUR = re.compile(r"(?<![\w.,:])(\d{1,2})\s*(?:([ap])\.?m\.?|o['’]clock|h\b)", re.I)
_ROAD = re.compile(r"\b([A-Z]{1,2})\s?-?(\d+)\b")
"""Roads and models (``A81`` ↔ ``A 81``): a name, not a number."""


def english_numbers(text: str, source: str = "") -> list[_Number]:
    text = _full_years(_without_roads(text, source))
    found = []
    for match in _HOUR.finditer(text):
        hour = int(match[1]) % 12 + (12 if (match[2] or "").lower() == "p" else 0)
        found.append(_Number(match.group(), frozenset({hour * 60, (hour + 12) % 24 * 60, float(match[1])})))
    text = _HOUR.sub(" ", text)
    for match in _ENGLISH_TIME.finditer(text):
        hour, minute = int(match["hour"]) % 24, int(match["minute"] or match["dotted"])
        values = {hour * 60 + minute, -(int(match["hour"]) * 1000 + minute)}  # 17:21 may be a score
        if hour <= 12:
            values.add((hour + 12) % 24 * 60 + minute)  # 9:30 is 21:30 too
        found.append(_Number(match.group(), frozenset(values)))
    text = _ENGLISH_TIME.sub(" ", text)
    found += _scores(text)
    text = _SCORE.sub(" ", text)
    for match in _ENGLISH_NUMBER.finditer(text):
        value = float(match["num"].replace(",", ""))
        scale = _ENGLISH_SCALES.get((match["scale"] or "").lower(), 1)
        values = _values(value, scale, bool(match["decade"]))
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", match["num"]):
            values |= {float(match["num"].replace(".", "")) * scale}  # German grouping kept: 272.000
        found.append(_Number(match.group().strip(), values, value if scale > 1 else None))
    return found


def _word_values(text: str, words: dict[str, float]) -> set[float]:
    return {float(words[w]) for w in re.findall(r"[a-zäöüß]+", text.lower()) if w in words}


_ENGLISH_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                  "sixteen seventeen eighteen nineteen").split()
_ENGLISH_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_ENGLISH_ORDINAL_ENDINGS = {"first": "one", "second": "two", "third": "three", "fifth": "five", "eighth": "eight",
                            "ninth": "nine", "twelfth": "twelve"}
_ENGLISH_MULTIPLIERS = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}


def _english_cardinal(word: str) -> int | None:
    """``fifteen`` 15, ``sixtieth`` 60, ``seventies`` 70 (a decade), ``twelfth`` 12; else ``None``."""
    word = _ENGLISH_ORDINAL_ENDINGS.get(word, word)
    for ending, replacement in (("ieth", "y"), ("ies", "y"), ("th", ""), ("s", "")):
        if word not in _ENGLISH_UNITS and word not in _ENGLISH_TENS and word.endswith(ending):
            word = word[: -len(ending)] + replacement
    if word in _ENGLISH_UNITS:
        return _ENGLISH_UNITS.index(word)
    if word in _ENGLISH_TENS:
        return 20 + 10 * _ENGLISH_TENS.index(word)
    return None


def english_word_numbers(text: str) -> set[float]:
    """Every number English spells out: ``thirty-nine``, ``one hundred and five``, ``twenty-first``,
    ``the Seventies`` (70 and 1970), ``fifteen`` — each run of number words as one value, and each word alone."""
    values: set[float] = set()
    total = current = 0
    in_run = False
    for word in re.findall(r"[a-z]+|[^\sa-z]", re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text.lower())) + ["."]:
        unit = _english_cardinal(word)
        if unit is not None:
            current += unit
            values.add(float(unit))
            if word.endswith("ies"):
                values.add(float(1900 + unit))
            in_run = True
        elif word in _ENGLISH_MULTIPLIERS and in_run:
            total += max(current, 1) * _ENGLISH_MULTIPLIERS[word]
            current = 0
        elif word == "and" and in_run:
            continue
        else:
            if in_run:
                values.add(float(total + current))
            total = current = 0
            in_run = False
    return values


_GERMAN_UNIT_STEMS = {"ein": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sech": 6,
                      "sieben": 7, "sieb": 7, "acht": 8, "neun": 9}
_GERMAN_TENS = {"zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70,
                "achtzig": 80, "neunzig": 90}
_GERMAN_NUMBER_WORD = re.compile(
    r"(?:(?P<unit>ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und)?"
    r"(?:(?P<teen>drei|vier|fünf|sech|sieb|acht|neun)zehn|(?P<tens>zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|"
    r"achtzig|neunzig))(?:s?te[nrsm]?|er)?")


def german_word_numbers(text: str) -> set[float]:
    """Numbers German spells as one word: ``fünfzehn`` 15, ``neununddreißig`` 39, ``sechzigsten`` 60."""
    values = set()
    for word in re.findall(r"[a-zäöüß]+", text.lower()):
        match = _GERMAN_NUMBER_WORD.fullmatch(word)
        if match:
            value = (10 + _GERMAN_UNIT_STEMS[match["teen"]]) if match["teen"] else _GERMAN_TENS[match["tens"]]
            values.add(float(value + (_GERMAN_UNIT_STEMS[match["unit"]] if match["unit"] else 0)))
    return values


def run(pair: PairContext) -> list[Flag]:
    german, english = _german_numbers(pair.source), english_numbers(pair.target, pair.source)
    english_word_values = _word_values(pair.target, _ENGLISH_WORDS) | english_word_numbers(pair.target)
    unmatched = list(english)
    missing = []
    for number in german:
        match = next((e for e in unmatched if e.matches(number)), None)
        if match:
            unmatched.remove(match)
        elif not number.values & english_word_values:
            missing.append(number)
    german_word_values = _word_values(pair.source, _GERMAN_WORDS) | german_word_numbers(pair.source)
    extra = [e for e in unmatched if not e.values & german_word_values]
    if missing and extra:
        return [Flag("numbers", ERROR, f"number changed: German {', '.join(n.text for n in missing)} but English "
                                       f"{', '.join(n.text for n in extra)}",
                     tuple(n.text for n in missing), tuple(n.text for n in extra))]
    if missing:
        return [Flag("numbers", ERROR, f"number missing in the English: {', '.join(n.text for n in missing)}",
                     tuple(n.text for n in missing), ())]
    if extra:
        return [Flag("numbers", WARNING, f"number in the English that is not in the German: "
                                         f"{', '.join(n.text for n in extra)}", (), tuple(n.text for n in extra))]
    return []

