"""terms: the organisation's glossary (``brief --glossary``) is not followed. A German term of
the glossary is found in the German as the dictionary matching finds words: in any inflection
(its lemma), as the head of a compound (``Konzernvorstands`` holds ``Vorstand``), and word by
word for a term of several words (``künstlichen Intelligenz``). Then the English must use one of
the term's approved variants (in any inflection: ``executive boards``), else a warning; English the
glossary forbids for the term is an error, unless it is part of an approved variant used there
(``board`` inside ``executive board``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.checks import lexicon
from pipeline.checks.settings import ERROR, WARNING
from pipeline.glossary import Glossary, Term
from pipeline.model import Flag, TermHit
from pipeline.text import GERMAN_WORD

DESCRIPTION = "a glossary term's German is in the pair and the English uses none of its approved variants, or a forbidden one"
_ENGLISH_WORD = re.compile(r"[^\W_]+")
_QUOTED = re.compile(r"[„“\"»«]([^„“”\"»«]*)[“”\"«»]")
_TITLE = 80
"""Letters a quoted title has at most; a longer quotation is speech, not a name."""
_MIN_MODIFIER = 3
"""Letters a compound's modifier has at least (``Konzern|vorstand``)."""
_PROBE = 4
"""A compound's head is looked up only when its first letters begin some term's last word."""


def _normal(word: str) -> str:
    return lexicon.lemma(word).lower()


@dataclass(frozen=True)
class _Entry:
    term: Term
    before: tuple[str, ...]
    """The normal forms of the term's words before its last one."""
    noun: bool
    """The term ends in a capitalized word: only a capitalized word of the German ends it."""


class TermIndex:
    """A glossary made ready for matching many pairs: terms by the normal form of their last word."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self._by_last: dict[str, list[_Entry]] = {}
        for term in glossary.terms:
            words = GERMAN_WORD.findall(term.german)
            if words:
                entry = _Entry(term, tuple(_normal(w) for w in words[:-1]), words[-1][:1].isupper())
                # Under the word as the glossary writes it (its base form), not its lemma: the
                # lemmatizer takes Falle (a trap) for Fall (a case), and a German Fall is no trap.
                self._by_last.setdefault(words[-1].lower(), []).append(entry)
        self._probes = {key[:_PROBE] for key in self._by_last}

    def _keys(self, word: str) -> list[tuple[str, bool]]:
        """Normal forms the word may end a term with: its own, and its compound heads' (``True``)
        where what comes before the head is a word of the dictionary or ends in a hyphen
        (``Gemüse|hof``, ``US-|Präsident``, not ``Sonderkontrollpro|gramm``)."""
        lower = word.lower()
        keys = [(lower, False), (_normal(word), False)]
        for cut in range(_MIN_MODIFIER, len(lower) - 2):
            head = lower[cut:]
            if head[:_PROBE] in self._probes and (lower[cut - 1] == "-" or lexicon.load().modifier(lower[:cut])):
                keys += [(head, True), (_normal(head.capitalize()), True)]
        return keys

    def find(self, source: str) -> list[tuple[Term, str]]:
        """Each glossary term in the German once, with the words as the sentence has them. A compound
        the dictionary lists as a word of its own holds a term as its head only when its English shares
        a word with the term's (``Bundesregierung`` holds ``Regierung``; ``Ministerpräsident``, a prime
        minister, does not hold ``Präsident``)."""
        words = list(GERMAN_WORD.finditer(source))
        found: dict[str, tuple[Term, str]] = {}
        for index, match in enumerate(words):
            for key, as_head in self._keys(match.group()):
                for entry in self._by_last.get(key, ()):
                    start = index - len(entry.before)
                    if entry.term.german in found or start < 0:
                        continue
                    if entry.noun and not match.group()[:1].isupper():
                        continue  # weg is no Weg, verstärken no Stärke, ausrollen no Rolle
                    if as_head and not _holds(match.group(), entry.term):
                        continue
                    if all(_normal(words[start + k].group()) == form for k, form in enumerate(entry.before)):
                        found[entry.term.german] = (entry.term, source[words[start].start():match.end()])
        return list(found.values())


def _holds(compound: str, term: Term) -> bool:
    """The longest end of the compound that the dictionary lists as a word (after its last hyphen:
    ``Achtelfinal-Pflicht``) shares English with the term, or there is none longer than the term:
    ``Produktivitäts|werkzeuge`` (tools) holds no ``Zeuge`` (witness), ``Bundesregierung`` holds
    ``Regierung``."""
    lexical = lexicon.load()
    lower = compound.lower().rsplit("-", 1)[-1]
    head = len(_normal(GERMAN_WORD.findall(term.german)[-1]))
    for cut in (0, *range(_MIN_MODIFIER, len(lower) - head)):
        part = lower[cut:]
        if part in lexical.headwords or lexicon.lemma(part.capitalize()).lower() in lexical.headwords:
            return bool(lexical.english(part) & {lexicon.english_stem(w.lower()) for variant in term.english
                                                 for w in _ENGLISH_WORD.findall(variant)})
    return True


def _spans(target: str, phrase: str) -> list[tuple[int, int]]:
    """Where the phrase is in the English, word by word, in any inflection (compared by stems); a
    word of one word also as the end of an English compound (``ball`` in ``football``)."""
    wanted = [lexicon.english_stem(w.lower()) for w in _ENGLISH_WORD.findall(phrase)]
    if not wanted:
        return []
    words = list(_ENGLISH_WORD.finditer(target))
    stems = [lexicon.english_stem(w.group().lower()) for w in words]
    spans = [(words[i].start(), words[i + len(wanted) - 1].end()) for i in range(len(words) - len(wanted) + 1)
             if stems[i:i + len(wanted)] == wanted]
    if len(wanted) == 1 and len(wanted[0]) >= _PROBE:
        word = phrase.strip().lower()
        spans += [(w.start(), w.end()) for w, stem in zip(words, stems) if len(w.group()) >= len(word) + _MIN_MODIFIER
                  and (stem.endswith(wanted[0]) or w.group().lower().endswith(word))]
    return spans


def _own_translation(compound: str, term: Term, target: str) -> str | None:
    """A compound the dictionary lists as a word of its own, holding the term as its head, may be
    translated as a whole (``Zeitpunkt`` ↔ ``moment`` for a term ``Punkt``, ``Hochschule`` ↔
    ``college`` for ``Schule``): one of the compound's senses in its gloss, every word of it
    (``Bundesregierung`` ↔ ``federal`` alone is not ``federal government``), or a sense of its
    entries that is one English word."""
    if " " in compound or compound.lower() == term.german.lower():
        return None
    lexical = lexicon.load()
    gloss = lexical.gloss(compound)
    if gloss is None or "+" in gloss.headword or gloss.headword == term.german.lower():
        return None  # not a compound, or the term itself in another inflection (Fallen for Falle)
    senses = (sense.strip() for part in gloss.senses.split("|") for sense in part.split(";"))
    found = next((target[spans[0][0]:spans[0][1]] for sense in senses if sense and (spans := _spans(target, sense))), None)
    one_word = set(lexical.one_word.get(gloss.headword, "").split())
    return found or next((word.group() for word in _ENGLISH_WORD.finditer(target)
                          if lexicon.english_stem(word.group().lower()) in one_word), None)


def _kept_name(german: str, term: Term, source: str, target: str) -> bool:
    """A compound holding the term that the English keeps as written is a name (``Eggenfelden``
    for a term ``Feld``, ``DFB-Pokal`` ↔ ``DFB Pokal``), not the term. The term itself kept as
    written is left to be flagged, it may be untranslated, unless the German writes it as a name:
    in capitals (``BILD``), as part of a web address (``Bild.de``) or in a quoted title (``„Bild am
    Sonntag“``)."""
    if _normal(german) == _normal(term.german) or german.lower() == term.german.lower():
        if not re.search(rf"(?<!\w){re.escape(german)}(?!\w)", target, re.I):
            return False
        return (german.isupper() or re.search(rf"(?<!\w){re.escape(german)}\.[a-z]{{2,}}\b", source) is not None
                or any(german in quoted and len(quoted) <= _TITLE for quoted in _QUOTED.findall(source)))
    pattern = r"[\s-]".join(re.escape(part) for part in re.split(r"[\s-]+", german))
    return re.search(rf"(?<!\w){pattern}(?!\w)", target) is not None


def hit(term: Term, german: str, source: str, target: str) -> TermHit | None:
    """What the English does with a term found in the German; ``None`` where the German is a name
    that holds the term or writes it as a name (``_kept_name``)."""
    approved = {variant: _spans(target, variant) for variant in term.english}
    found = next((variant for variant, spans in approved.items() if spans), None) or _own_translation(german, term, target)
    if found is None and _kept_name(german, term, source, target):
        return None
    inside = [span for spans in approved.values() for span in spans]
    forbidden = None
    for variant in term.forbidden:
        outside = [(s, e) for s, e in _spans(target, variant) if not any(a <= s and e <= b for a, b in inside)]
        if outside:
            forbidden = target[outside[0][0]:outside[0][1]]
            break
    return TermHit(german, term.german, term.english, found, forbidden)


def flags(hits: tuple[TermHit, ...]) -> list[Flag]:
    found = []
    for term_hit in hits:
        wanted = " or ".join(f"“{variant}”" for variant in term_hit.approved)
        if term_hit.forbidden:
            found.append(Flag("terms", ERROR, f"the glossary forbids “{term_hit.forbidden}” for {term_hit.term}"
                              + (f"; use {wanted}" if wanted else ""), (term_hit.german,), (term_hit.forbidden,)))
        elif wanted and not term_hit.found:
            found.append(Flag("terms", WARNING, f"the glossary's English for {term_hit.term} is {wanted}; "
                              "the English uses none of them", (term_hit.german,), ()))
    return found


def run(pair) -> list[Flag]:
    return flags(pair.term_hits)
