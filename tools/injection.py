"""Errors injected into correct German/English pairs, to measure what the checks catch.

Each kind is one of the critical errors of neural MT (WMT's categories) or a decoder
failure. An injected error counts as caught only when the broken pair gets a flag that the
correct pair does not already have: a check or severity it lacks, or a flag pointing at text its
flags did not (a names flag on a pair that already missed one name, now naming the dropped one
too). The stricter count, by check and severity alone, is kept beside it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.checks import check_pair, document_of

_ENGLISH_NEGATION = re.compile(r"\s*\b(?:not|never)\b|n['’]t\b|\bno\b\s*(?=\w)", re.I)
_GERMAN_NEGATION = re.compile(r"\b(?:nicht|kein\w*|nie|niemals|nichts|niemand\w*)\b", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALIZED = re.compile(r"(?<=\s)[A-Z][a-z]+(?:['’]s)?(?=[\s,.;:)])")


def _negation(de: str, en: str, rnd: random.Random) -> str | None:
    if not _GERMAN_NEGATION.search(de) or not _ENGLISH_NEGATION.search(en):
        return None
    matches = list(_ENGLISH_NEGATION.finditer(en))
    match = rnd.choice(matches)
    replacement = " " if match.group().strip().lower() == "no" else ""
    if match.group().lower() in ("n't", "n’t"):
        replacement = ""  # "didn't" → "did", "can't" stays odd but negation-free
    broken = en[: match.start()] + replacement + en[match.end():]
    return re.sub(r"\bca\b", "can", re.sub(r"\bwo\b", "will", re.sub(r"  +", " ", broken)))


def _name(de: str, en: str, rnd: random.Random) -> str | None:
    """Drop a name the English carries over from the German: China, Rogers, April, Clinton's."""
    german = set(re.findall(r"\w+", de))
    names = [m for m in _CAPITALIZED.finditer(en)
             if re.sub(r"['’]s$", "", m.group()) in german or re.sub(r"['’]s$", "", m.group()) + "s" in german]
    if not names:
        return None
    match = rnd.choice(names)
    return re.sub(r"  +", " ", en[: match.start()] + en[match.end():])


def _clause(de: str, en: str, rnd: random.Random) -> str | None:
    words = en.split()
    if len(words) < 9:
        return None
    spans, start = [], 0
    for i, word in enumerate(words):
        if word.endswith(","):
            if start > 0 and 4 <= i + 1 - start <= len(words) - 3:
                spans.append((start, i + 1))
            start = i + 1
    if spans:
        a, b = rnd.choice(spans)
    else:
        n = rnd.randint(4, min(7, len(words) - 5))
        a = rnd.randint(2, len(words) - n - 2)
        b = a + n
    return " ".join(words[:a] + words[b:])


def _stutter(de: str, en: str, rnd: random.Random) -> str | None:
    words = en.split()
    if len(words) < 3:
        return None
    i = rnd.randrange(len(words) - 1)
    word = re.sub(r"\W+$", "", words[i]) or words[i]
    return " ".join(words[:i] + [word] * 4 + words[i:])


def _numbers(de: str, en: str, rnd: random.Random) -> str | None:
    numbers = list(_NUMBER.finditer(en))
    if not numbers or not _NUMBER.search(de):
        return None
    match = rnd.choice(numbers)
    if rnd.random() < 0.5:
        return re.sub(r"  +", " ", en[: match.start()] + en[match.end():])
    digits = match.group()
    changed = digits[:-1] + str((int(digits[-1]) + rnd.randint(1, 8)) % 10)
    return en[: match.start()] + changed + en[match.end():]


def _truncation(de: str, en: str, rnd: random.Random) -> str | None:
    words = en.split()
    return " ".join(words[: len(words) // 2]) if len(words) >= 6 else None


def _copy(de: str, en: str, rnd: random.Random) -> str | None:
    return de


def _empty(de: str, en: str, rnd: random.Random) -> str | None:
    return ""


_ADDITIONS = ("The company did not comment on the report at first.", "Further details were initially not known.",
              "This was announced by a spokesman on Monday evening.", "The investigation is still ongoing.")


def _added(de: str, en: str, rnd: random.Random) -> str | None:
    return f"{en} {rnd.choice(_ADDITIONS)}"


INJECTORS: dict[str, Callable[[str, str, random.Random], str | None]] = {
    "negation": _negation, "names": _name, "clause": _clause, "stutter": _stutter, "numbers": _numbers,
    "truncation": _truncation, "copy-through": _copy, "added text": _added, "empty": _empty,
}


@dataclass(frozen=True)
class Evaluation:
    pairs: int
    clean_error_rate: float
    clean_flag_rate: float
    clean_flags_per_check: dict[str, int]
    caught: dict[str, tuple[int, int]]
    """Kind → (caught, tried): by a flag the correct pair does not have, or that points at other text."""
    caught_by_check: dict[str, int]
    """Kind → caught by a check or severity the correct pair does not have (the stricter count)."""

    def table(self) -> list[str]:
        lines = [f"QA checks on {self.pairs} correct pairs: {self.clean_error_rate:.1%} with an error flag, "
                 f"{self.clean_flag_rate:.1%} with any flag "
                 f"({', '.join(f'{c} {n}' for c, n in self.clean_flags_per_check.items() if n)})",
                 "  injected error        caught / tried   by a new check or severity alone"]
        for kind, (caught, tried) in self.caught.items():
            strict = self.caught_by_check[kind]
            lines.append(f"  {kind:<20} {caught / max(tried, 1):>6.1%}  {caught:>4} / {tried:<5} {strict / max(tried, 1):>6.1%}")
        return lines


def _flag_keys(flags) -> set[tuple[str, str, str]]:
    """What the flags report: each check and severity with each text it points at."""
    return {(flag.check, flag.severity, mark) for flag in flags for mark in flag.source_marks + flag.target_marks or ("",)}


def _check_keys(flags) -> set[tuple[str, str]]:
    return {(flag.check, flag.severity) for flag in flags}


def evaluate(pairs: Sequence[tuple[str, str, str]], document_key: Callable[[str], str] | None = None) -> Evaluation:
    """``pairs``: (id, German, correct English); ``document_key``: the document a pair's id belongs to
    (without it, all pairs are one). Each pair, correct or broken, is checked in the document of the
    other, correct pairs, as one faulty pair of a document would be."""
    key = document_key or (lambda pair_id: "")
    members: dict[str, list[tuple[str, str]]] = {}
    for pair_id, de, en in pairs:
        members.setdefault(key(pair_id), []).append((de, en))
    documents = {name: document_of(texts) for name, texts in members.items()}
    others = {pair_id: documents[key(pair_id)].without(de, en) for pair_id, de, en in pairs}
    clean = {pair_id: check_pair(de, en, -0.3, document=others[pair_id]) for pair_id, de, en in pairs}
    per_check: dict[str, int] = {}
    for flags in clean.values():
        for name in {flag.check for flag in flags}:
            per_check[name] = per_check.get(name, 0) + 1
    caught, caught_by_check = {}, {}
    for kind, inject in INJECTORS.items():
        found = by_check = tried = 0
        for pair_id, de, en in pairs:
            broken = inject(de, en, random.Random(f"{kind}:{pair_id}"))
            if broken is None or broken == en:
                continue
            tried += 1
            flags = check_pair(de, broken, -0.3, document=others[pair_id])
            found += bool(_flag_keys(flags) - _flag_keys(clean[pair_id]))
            by_check += bool(_check_keys(flags) - _check_keys(clean[pair_id]))
        caught[kind], caught_by_check[kind] = (found, tried), by_check
    return Evaluation(
        pairs=len(pairs),
        clean_error_rate=sum(any(f.severity == "error" for f in flags) for flags in clean.values()) / len(pairs),
        clean_flag_rate=sum(bool(flags) for flags in clean.values()) / len(pairs),
        clean_flags_per_check=dict(sorted(per_check.items())),
        caught=caught,
        caught_by_check=caught_by_check,
    )


# --- things that must survive verbatim: placed into correct pairs, then mangled in the English ---

VERBATIM_ITEMS = (
    "https://www.bundesregierung.de/breg-de/aktuelles", "www.bmw.de/ki-strategie", "http://example.org/a_b?c=1&d=2",
    "presse@bmw-group.com", "kontakt.redaktion@zeit.de", "@BMWGroup", "@tagesschau", "#Klimaschutz", "#IAA2025",
    "/usr/share/doc/debian/FAQ", "~/.config/pipeline/settings.toml", "ISBN 978-3-16-148410-0", "v2.3.1",
    "Version 4.1.2", "A320neo", "RTX4090", "COVID-19", "F-35", "MP3", "G7",
)


def _mangled(item: str, rnd: random.Random) -> str:
    """What machine translation is known to do to such a thing."""
    choices = [
        lambda s: s.replace("@", " at ", 1) if "@" in s else None,
        lambda s: s.replace(".", " dot ", 1) if "." in s else None,
        lambda s: s.replace("www.", "", 1) if "www." in s else None,
        lambda s: s.replace(".de", ".com", 1) if ".de" in s else None,
        lambda s: s.replace("/", " / ") if "/" in s else None,
        lambda s: s.lstrip("@#") if s[0] in "@#" else None,
        lambda s: "#ClimateProtection" if s == "#Klimaschutz" else None,
        lambda s: re.sub(r"\d(?!.*\d)", lambda m: str((int(m.group()) + 1) % 10), s) if re.search(r"\d", s) else None,
        lambda s: s[:-1] if len(s) > 3 else None,
    ]
    options = [result for change in choices if (result := change(item)) and result != item]
    return rnd.choice(options)


def evaluate_verbatim(pairs: Sequence[tuple[str, str, str]]) -> tuple[int, int, int, int]:
    """Each pair gets one item (German: "Mehr unter ITEM.", English: "More at ITEM."): how many of
    those correct pairs get a new verbatim flag, and how many with the item mangled do;
    returns (correct pairs flagged, correct pairs, mangled caught, mangled tried)."""
    flagged = caught = 0
    for index, (pair_id, de, en) in enumerate(pairs):
        rnd = random.Random(f"verbatim:{pair_id}")
        item = VERBATIM_ITEMS[index % len(VERBATIM_ITEMS)]
        german, english = f"{de} Mehr unter {item} .", f"{en} More at {item} ."
        before = {f for f in check_pair(de, en, -0.3) if f.check == "verbatim"}
        flagged += bool({f for f in check_pair(german, english, -0.3) if f.check == "verbatim"} - before)
        broken = f"{en} More at {_mangled(item, rnd)} ."
        caught += any(f.check == "verbatim" for f in check_pair(german, broken, -0.3))
    return flagged, len(pairs), caught, len(pairs)
