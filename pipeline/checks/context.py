"""What the checks see of one pair: the texts, the model's score, and the lexical
analysis (German content words and whether the English covers them), computed once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from pipeline.checks import counterparts, lexicon
from pipeline.checks.document import Document, alone, log_length_ratio
from pipeline.checks.settings import CheckSettings
from pipeline.checks.terms import TermIndex, hit
from pipeline.model import Alignment, TermHit
from pipeline.text import GERMAN_WORD

_ENGLISH_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_COGNATE_PREFIX = 5
_SEPARATED_PARTICLE = re.compile(
    r"\b(ab|an|auf|aus|bei|dabei|dafür|dagegen|daher|dahin|daneben|davon|dazu|dar|durch|ein|empor|entgegen|entlang|"
    r"fehl|fest|fort|frei|gegenüber|heim|her|herab|heran|herauf|heraus|herbei|herein|herüber|herum|herunter|hervor|"
    r"hin|hinab|hinauf|hinaus|hinein|hinterher|hinüber|hinunter|hinweg|hinzu|hoch|los|mit|nach|nieder|statt|teil|um|"
    r"voran|voraus|vorbei|vorüber|vor|weg|weiter|wieder|zu|zurecht|zurück|zusammen|zuvor)\s*(?=[,.;:!?)\"“”«»]|$|\s+(?:und|oder|aber|sondern|denn|als|wenn|weil|dass)\b)")
"""A verb particle at the end of a clause: ``teilte … mit`` is ``mitteilen``, ``kündigte … an`` ``ankündigen``."""

_ENGLISH_PREFIXES = ("inter", "over", "under", "out", "counter", "mis", "multi", "mid", "post", "super", "sub")
"""Prefixes an English word may add to the translation it holds: ``intermarried`` ↔ ``heirateten``."""
_YEAR_BEFORE_NUMBER = re.compile(r"Jahr(?:e|es)?\s+\d")


def _halves(word: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each way a lower-case English word splits into two of three letters or more (``cornfield`` →
    ``corn`` + ``field``), as (stem of the first, stems of the second)."""
    return tuple((lexicon.english_stem(word[:cut]), lexicon.english_stems(word[cut:])) for cut in range(3, len(word) - 2))


@dataclass(frozen=True)
class EnglishWord:
    text: str
    covered: bool
    """Some German word of the pair has it among its dictionary translations, or it is in the German."""
    position: int
    """Its index among the English's words (``[A-Za-z]+``)."""


@dataclass(frozen=True)
class GermanWord:
    text: str
    start: int
    covered: bool
    """The English has a counterpart: a dictionary translation, the word itself, or a cognate."""


class PairContext:
    def __init__(self, source: str, target: str, settings: CheckSettings, score: float | None = None,
                 parts: int = 1, alignment: Alignment | None = None, terms: TermIndex | None = None,
                 document: Document | None = None) -> None:
        self.source, self.target, self.settings, self.score, self.parts = source, target, settings, score, parts
        self.document = document or alone(settings)
        """What the pair's document tells beyond the pair (``checks.document``; alone: the prior)."""
        self.alignment = alignment
        """The bead, when the English is an existing translation aligned to the German."""
        self.terms = terms
        """The glossary, when the build has one."""

    @cached_property
    def length_ratio(self) -> float:
        """log English/German length (characters)."""
        return log_length_ratio(self.source, self.target)

    @cached_property
    def relative_length(self) -> float:
        """``length_ratio`` against the document's typical one: a document whose English is terse
        throughout (an English original, a house style) is not missing something in every pair."""
        return self.length_ratio - self.document.length_baseline

    @cached_property
    def term_hits(self) -> tuple[TermHit, ...]:
        if self.terms is None:
            return ()
        hits = (hit(term, german, self.source, self.target) for term, german in self.terms.find(self.source))
        return tuple(found for found in hits if found is not None)

    @cached_property
    def english_words(self) -> list[str]:
        return [w.lower() for w in _ENGLISH_WORD.findall(lexicon.spell_out_amounts(self.target))]

    @cached_property
    def english_stems(self) -> frozenset[str]:
        words = {part for w in self.english_words for part in re.split(r"['’-]", w) if part}
        words |= {w[len(prefix):] for w in words for prefix in _ENGLISH_PREFIXES
                  if w.startswith(prefix) and len(w) - len(prefix) >= 4}
        return frozenset(stem for w in words for stem in lexicon.english_stems(w))

    @cached_property
    def english_content_stems(self) -> frozenset[str]:
        """``english_stems`` less the stems of English function words (``to``, ``be``, ``one``)."""
        return self.english_stems - lexicon.english_function_stems()

    @cached_property
    def _english_forms(self) -> tuple[set[str], set[str]]:
        english = set(self.english_words) | {re.split(r"['’]", w)[0] for w in self.english_words}
        return english, {w[:_COGNATE_PREFIX] for w in english if len(w) >= _COGNATE_PREFIX}

    @cached_property
    def spelled(self) -> frozenset[str]:
        """The English words' first five letters as ``counterparts.transliterated`` spells them."""
        return counterparts.spelled(self.target)

    @cached_property
    def _phrase_english(self) -> dict[str, frozenset[str]]:
        words = GERMAN_WORD.findall(self.source)
        return lexicon.load().phrase_english({w.lower() for w in words} | {lexicon.lemma(w).lower() for w in words})

    @cached_property
    def _particles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m[1].lower() for m in _SEPARATED_PARTICLE.finditer(self.source)))

    def covers(self, word: str, besides: frozenset[str] = frozenset()) -> bool:
        """The English has a counterpart of the German word: itself (or without a genitive s),
        a cognate sharing its first five letters (also as ``counterparts.spellings`` spells both:
        ``mazedonisch`` ~ ``Macedonian``, ``Wladimir`` ~ ``Vladimir``, ``Cäsar`` ~ ``Caesar``), the glossary's English, one of its dictionary
        translations (of a phrase it is part of, of the whole particle verb when its particle
        stands at the clause end, or two of them closed up into one English word: ``Maisfeld`` ↔
        ``cornfield``), or what ``counterparts`` finds (initials, an English word German
        borrowed, a slip, a compound's head). ``besides``: English stems that cannot account for the
        word through the dictionary, the English of a name's neighbours (``New`` for ``York``, whose
        dictionary entry is ``New York``)."""
        english, prefixes = self._english_forms
        lower = word.lower()
        if (lower in english or lower.rstrip("s") in english
                or (len(lower) >= _COGNATE_PREFIX and lower[:_COGNATE_PREFIX] in prefixes)
                or any(spelling[:_COGNATE_PREFIX] in self.spelled for spelling in counterparts.spellings(word))):
            return True
        if any(hit.found and word in GERMAN_WORD.findall(hit.german) for hit in self.term_hits):
            return True  # the glossary's English for a term the word is part of
        lexical = lexicon.load()
        translations = lexical.english(word)
        if (translations | lexicon.name_translation_stems(word)) & (self._accounting_for(translations) - besides):
            return True
        stems = self.english_stems - besides
        if word[:1].isupper() and lexical.english(word.lower()) & stems:
            return True  # an adjective of a name: Osmanischen Reichs ↔ Ottoman Empire
        phrases = self._phrase_english
        if (phrases.get(lower, frozenset()) | phrases.get(lexicon.lemma(word).lower(), frozenset())) & stems:
            return True  # a word of a dictionary phrase: spielt keine Rolle ↔ won't matter
        if any(lexical.english_of_particle_verb(particle, word) & self.english_stems for particle in self._particles):
            return True
        if any(head in translations and tail & translations for head, tail in self._english_compounds):
            return True  # an English compound of the German compound's parts: Maisfeld ↔ cornfield
        return (counterparts.abbreviated(counterparts.name_run(word, self.source), self.target)
                or counterparts.borrowed(word, english)
                or counterparts.misspelt(word, self.english_stems)
                or counterparts.head_carried(word, self.spelled, self.english_stems))

    @cached_property
    def _english_compounds(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """Each way an English word splits into two words the dictionary's English has (``cornfield``
        → ``corn`` + ``field``), as (stem of the first, stems of the second)."""
        vocabulary = lexicon.load().english_vocabulary
        return tuple((head, tail) for word in set(self.english_words) if len(word) >= 6 and word.isalpha()
                     for head, tail in _halves(word) if head in vocabulary and tail & vocabulary)

    def _accounting_for(self, translations: frozenset[str]) -> frozenset[str]:
        """The English stems that may account for a word with these dictionary translations: content
        words only, unless all its translations are function words (``Mai`` :: ``May``)."""
        if translations <= lexicon.english_function_stems():
            return self.english_stems
        return self.english_content_stems

    @cached_property
    def content_words(self) -> tuple[GermanWord, ...]:
        """The German content words in order, each with whether the English covers it."""
        words = []
        for match in GERMAN_WORD.finditer(self.source):
            word = match.group()
            lower = word.lower()
            if lower in lexicon.GERMAN_FUNCTION_WORDS or lower in lexicon.GERMAN_LIGHT_WORDS or len(word) < 2:
                continue
            if _YEAR_BEFORE_NUMBER.match(self.source, match.start()):
                continue  # im Jahr 1975 ↔ in 1975
            words.append(GermanWord(word, match.start(), self.covers(word)))
        return tuple(words)

    @cached_property
    def english_content_words(self) -> tuple[EnglishWord, ...]:
        """The English content words in order, each with whether some German word accounts for it."""
        german_words = [m.group().lower() for m in GERMAN_WORD.finditer(self.source)]
        german = set(german_words)
        prefixes = {w[:_COGNATE_PREFIX] for w in german if len(w) >= _COGNATE_PREFIX}
        lexical = lexicon.load()
        stems = {stem for w in german if w not in lexicon.GERMAN_FUNCTION_WORDS for stem in lexical.english(w)}
        stems |= {stem for phrase in self._phrase_english.values() for stem in phrase}

        def accounted(word: str) -> bool:
            """The word, or both halves of a closed compound (``cornfield`` ↔ ``Maisfeld``)."""
            if word in german or word[:_COGNATE_PREFIX] in prefixes or lexicon.english_stems(word) & stems:
                return True
            return any(head in stems and tail & stems for head, tail in _halves(word))

        joined = {}  # a hyphenated compound as one word: ultra-light ↔ ultralight
        for match in re.finditer(r"[A-Za-z]+(?:-[A-Za-z]+)+", self.target):
            whole = accounted(match.group().replace("-", "").lower())
            for part in re.finditer(r"[A-Za-z]+", match.group()):
                joined[match.start() + part.start()] = whole
        words = []
        for position, token in enumerate(re.finditer(r"[A-Za-z]+", self.target)):
            lower = token.group().lower()
            if lower in lexicon.ENGLISH_FUNCTION_WORDS or len(lower) < 3:
                continue
            words.append(EnglishWord(token.group(), joined.get(token.start(), False) or accounted(lower), position))
        return tuple(words)

    @cached_property
    def uncovered(self) -> tuple[GermanWord, ...]:
        return tuple(word for word in self.content_words if not word.covered)

    @cached_property
    def longest_uncovered_run(self) -> tuple[GermanWord, ...]:
        best: list[GermanWord] = []
        run: list[GermanWord] = []
        for word in self.content_words:
            run = [] if word.covered else run + [word]
            if len(run) > len(best):
                best = run
        return tuple(best)
