"""A glossary built from the Ding dictionary for a set of pairs, and term violations injected
into those pairs: what the ``terms`` check catches and how often it flags correct pairs.

The glossary has an entry for each German noun of the pairs that the dictionary lists as a
noun of its own and that every pair holding it (as a word or as the end of one, any inflection)
translates with some sense of the dictionary: its approved English is every dictionary sense that some pair's English uses
for it (the organisation's usage) plus the dictionary's first sense; its forbidden English is one
more one-word sense of the dictionary that no pair uses. Violations injected into a pair whose
English follows the glossary: the approved English replaced by the forbidden word, or removed
(where the English does not use it a second time).

    python -m tools.term_glossary        # builds the glossaries and prints the figures
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pipeline.checks import TermIndex, check_pair, lexicon
from pipeline.glossary import Glossary, Term
from pipeline.text import GERMAN_WORD

_NOUN = re.compile(r"^([A-ZÄÖÜ][a-zäöüß]{2,})\s*\{[mfn]\}")
_ANNOTATION = re.compile(r"\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|/[^/\s]+/|<[^>]*>")
_ENGLISH_WORD = re.compile(r"[^\W_]+")
_CAPITALIZED = re.compile(r"(?<=[\w,] )[A-ZÄÖÜ][a-zäöüß]{2,}\b")
_MIN_MODIFIER = 3


@lru_cache(maxsize=1)
def _noun_senses() -> dict[str, tuple[str, ...]]:
    """German noun (as the dictionary's headword) → its English senses in the dictionary's order,
    phrases of up to three words, from the sub-entries that name it first."""
    senses: dict[str, list[str]] = {}
    with lexicon.dictionary_path().open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if line.startswith("#") or " :: " not in line:
                continue
            german, english = line.rstrip("\n").split(" :: ", 1)
            german_part, english_part = german.split(" | ")[0], english.split(" | ")[0]
            head = _NOUN.match(german_part)
            if not head:
                continue
            for sense in _ANNOTATION.sub(" ", english_part).split(";"):
                sense = " ".join(sense.split())
                if sense and len(sense.split()) <= 3 and sense[0].islower() and not sense.startswith("to "):
                    senses.setdefault(head[1], []).append(sense)
    return {noun: tuple(dict.fromkeys(found)) for noun, found in senses.items()}


def _stems(text: str) -> tuple[str, ...]:
    return tuple(lexicon.english_stem(w.lower()) for w in _ENGLISH_WORD.findall(text))


def _used(sense: str, english: str) -> bool:
    wanted, words = _stems(sense), _stems(english)
    return any(words[i:i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


@lru_cache(maxsize=10_000)
def nouns(german: str) -> tuple[str, ...]:
    """The dictionary nouns of a German sentence, as lemmas, mid-sentence capitalized words only."""
    senses = _noun_senses()
    return tuple(base for word in _CAPITALIZED.findall(german) if (base := lexicon.lemma(word)) in senses)


@lru_cache(maxsize=10_000)
def _word_ends(german: str) -> frozenset[str]:
    """Every end of the sentence's capitalized words (sentence-initial ones too) from the whole word
    to its last three letters, lower case, as written and as a lemma."""
    ends = set()
    for word in GERMAN_WORD.findall(german):
        if word[:1].isupper():
            for cut in (0, *range(_MIN_MODIFIER, len(word) - 2)):
                end = word[cut:].replace("-", "")
                ends |= {end.lower(), lexicon.lemma(end.capitalize()).lower()}
    return frozenset(ends)


def _holds(german: str, noun: str) -> bool:
    """The sentence has the noun in some inflection as a word or as the end of one (``Tuning-Treffen``,
    ``Bevölkerungsdaten``), as a terminologist searching the organisation's texts for ``*treffen``
    finds it, whatever a check makes of it."""
    return noun.lower() in _word_ends(german)


def ding_glossary(pairs: Sequence[tuple[str, str, str]], name: str, *, compounds: bool = True) -> Glossary:
    """An entry for each dictionary noun of the pairs that every pair holding it translates with some
    dictionary sense, as a terminologist picks terms: nouns used consistently; its forbidden word is a
    sense none of those pairs uses. A pair holds the noun as a word or as the end of one (``_holds``),
    or, with ``compounds=False``, as a mid-sentence word only (``nouns``): a glossary whose terms the
    correct pairs need not follow inside compounds, though the check finds terms there."""
    senses = _noun_senses()
    candidates = {noun for _, german, _ in pairs for noun in nouns(german)}
    englishes: dict[str, list[str]] = {noun: [] for noun in candidates}
    for _, german, english in pairs:
        held = [noun for noun in candidates if _holds(german, noun)] if compounds else nouns(german)
        for noun in dict.fromkeys(held):
            englishes[noun].append(english)
    terms = []
    for noun in sorted(candidates):
        usage = [[s for s in senses[noun] if _used(s, english)] for english in englishes[noun]]
        if not all(usage):
            continue
        used = [sense for senses_used in usage for sense in senses_used]
        approved = tuple(dict.fromkeys([*used, senses[noun][0]]))
        approved_stems = {stem for variant in approved for stem in _stems(variant)}
        unused = [s for s in senses[noun] if len(s.split()) == 1 and not set(_stems(s)) & approved_stems
                  and not any(a in s or s in a for variant in approved for a in variant.split())
                  and not any(_used(s, english) for english in englishes[noun])]
        terms.append(Term(noun, approved, tuple(unused[:1])))
    return Glossary(name, "", tuple(terms))


@dataclass(frozen=True)
class TermFigures:
    entries: int
    pairs: int
    flagged: int
    """Correct pairs with a ``terms`` flag."""
    with_term: int
    """Correct pairs holding a glossary term."""
    caught: int
    tried: int

    def line(self, label: str) -> str:
        return (f"terms [{label}]: glossary of {self.entries} Ding entries; {self.flagged} of {self.pairs} correct pairs "
                f"flagged ({self.flagged / self.pairs:.1%}; {self.with_term} hold a term); injected violations "
                f"caught {self.caught} / {self.tried} ({self.caught / max(self.tried, 1):.1%})")


def _terms_flags(german: str, english: str, index: TermIndex) -> set[tuple[str, str]]:
    return {(f.severity, f.message) for f in check_pair(german, english, -0.3, terms=index) if f.check == "terms"}


def evaluate_terms(glossary: Glossary, pairs: Sequence[tuple[str, str, str]]) -> TermFigures:
    """Correct pairs flagged, and violations caught: in each pair that follows a term, its approved
    English replaced by the term's forbidden word (where it has one) and removed."""
    index = TermIndex(glossary)
    flagged = with_term = caught = tried = 0
    for _, german, english in pairs:
        clean = _terms_flags(german, english, index)
        flagged += bool(clean)
        hits = [term for term, _ in index.find(german)]
        with_term += bool(hits)
        for term in hits:
            found = next((v for v in term.english if _used(v, english)), None)
            if found is None:
                continue
            span = _span(english, found)
            for replacement in (*term.forbidden[:1], ""):
                broken = " ".join((english[:span[0]] + replacement + english[span[1]:]).split())
                if not replacement and any(_used(v, broken) for v in term.english):
                    continue  # the English uses the term's English elsewhere too: nothing is missing
                tried += 1
                caught += bool(_terms_flags(german, broken, index) - clean)
    return TermFigures(len(glossary.terms), len(pairs), flagged, with_term, caught, tried)


def _span(english: str, variant: str) -> tuple[int, int]:
    wanted = _stems(variant)
    words = list(_ENGLISH_WORD.finditer(english))
    stems = [lexicon.english_stem(w.group().lower()) for w in words]
    start = next(i for i in range(len(words)) if stems[i:i + len(wanted)] == list(wanted))
    return words[start].start(), words[start + len(wanted) - 1].end()


def main() -> None:
    from tools.fit_checks import dev_halves

    halves = dev_halves()
    everything = [pair for first, second in halves.values() for pair in (*first, *second)]
    print(evaluate_terms(ding_glossary(everything, "dev"), everything).line("built for all dev pairs"))
    print(evaluate_terms(ding_glossary(everything, "dev", compounds=False), everything)
          .line("built for all dev pairs, consistency judged on whole words only"))
    fitted = ding_glossary([pair for first, _ in halves.values() for pair in first], "first halves")
    for name, (_, second) in halves.items():
        print(evaluate_terms(fitted, second).line(f"built on the first halves, {name} second half"))


if __name__ == "__main__":
    main()
