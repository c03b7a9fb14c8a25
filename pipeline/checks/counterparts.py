"""Counterparts in the English that the dictionary does not list: the initials of a name of
several words (``British Columbia`` ↔ ``B.C.``), an English word German borrowed with its own
endings (``Chatten`` ↔ ``chat``), a misspelt German word whose neighbour one slip away is
translated (``Jahrzent`` ↔ ``decade``), a compound whose name-like head the English has
(``Ost|melanesier`` ↔ ``eastern Melanesians``), and the spelling German and English forms of a
name share (``Wladimir`` ~ ``Vladimir``) or spell one slip apart (``Ullrich`` ~ ``Ulrich``).
``PairContext.covers`` asks them last, so the omission and names checks agree on what the
English carries."""

from __future__ import annotations

import re
import unicodedata

from nltk.metrics.distance import edit_distance

from pipeline.checks import lexicon

_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüß"
_ENDINGS = ("", "e", "en", "n", "s", "es", "er")
"""Inflection endings a misspelt word's neighbour may have beyond its dictionary form (``Soldaten``)."""
_MIN_MISSPELT = 8
"""Shorter words have too many neighbours one slip away to tell a slip from a name."""
_MIN_RESPELLED = 5
"""Names shorter than this are not matched a slip apart."""
_TWO_SLIPS = 9
"""Names of this many letters may be spelt two slips apart (``Abtsgmünd`` ~ ``Absagmünd``)."""
_MAX_LETTERS = 40
"""Longer words are not looked into (slips and heads): their cost grows with the square of their length."""
_ENGLISH_ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}|\b[A-Z]{2,}\b")
_CAPITALIZED_RUN = re.compile(r"[A-ZÄÖÜ][\w-]*(?:\s+[A-ZÄÖÜ][\w-]*)+")


def transliterated(word: str) -> str:
    """A spelling that German and English forms of a name share: Wladimir ~ Vladimir, Dezember ~ December."""
    plain = unicodedata.normalize("NFKD", word.lower()).encode("ascii", "ignore").decode()
    for german, common in (("tsch", "ch"), ("sch", "sh"), ("ph", "f"), ("th", "t"), ("ck", "c"), ("w", "v"),
                           ("j", "i"), ("y", "i"), ("k", "c"), ("z", "c")):
        plain = plain.replace(german, common)
    return plain


_UMLAUTS_EXPANDED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def spellings(word: str) -> frozenset[str]:
    """``transliterated`` spellings of a German word: as written, and with its umlauts as English
    writes them, a vowel and an e (``Cäsar`` ~ ``Caesar``, ``Händel`` ~ ``Haendel``)."""
    expanded = word.translate(_UMLAUTS_EXPANDED)
    return frozenset({transliterated(word), transliterated(expanded)})


def spelled(target: str) -> frozenset[str]:
    """The first five letters of each English word as ``transliterated`` spells them
    (``PairContext.spelled`` keeps them for a pair), and of a capitalized word shorter than five
    letters run on into the next, and of a hyphenated compound closed up: German closes up what
    English writes apart (``Westindischen`` ↔ ``West Indies``, ``Bobtail`` ↔ ``Bob Tail``,
    ``Latenight`` ↔ ``late-night``)."""
    words = re.findall(r"\w+", target)
    closed_up = (first + second for first, second in zip(words, words[1:]) if len(first) < 5 and first[:1].isupper()
                 and second[:1].isupper())
    hyphenated = (compound.replace("-", "") for compound in re.findall(r"\w+(?:-\w+)+", target))
    return frozenset(transliterated(word)[:5] for word in (*words, *closed_up, *hyphenated))


def _slips(word: str) -> set[str]:
    """Words one typing slip away (a letter left out, added, changed, or two swapped)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
            | {a + c + b for a, b in splits for c in _LETTERS}) - {word}


def respelled(name: str, target: str) -> bool:
    """The English has the name spelt a slip or two apart (``Subanto`` ~ ``Subianto``, ``Ullrich`` ~
    ``Ulrich``, ``Cäsar`` ~ ``César``, ``Corona`` ~ ``corna``): a typing slip on either side, or a
    variant spelling of the name. One slip in names of five letters or more, two from
    ``_TWO_SLIPS`` letters: shorter names have too many neighbours. The English word is capitalized
    or no English word the dictionary knows (``corna``; ``lawyer`` is no ``Javier``)."""
    spelling = transliterated(name)
    if len(spelling) < _MIN_RESPELLED:
        return False
    slips = 2 if len(spelling) >= _TWO_SLIPS else 1
    vocabulary = lexicon.load().english_vocabulary
    candidates = {transliterated(word) for word in re.findall(r"\w+", target) if len(word) >= _MIN_RESPELLED
                  and (word[:1].isupper() or lexicon.english_stem(word.lower()) not in vocabulary)}
    return any(abs(len(word) - len(spelling)) <= slips and edit_distance(spelling, word, transpositions=True) <= slips
               for word in candidates)


def _parts(word: str) -> list[tuple[str, str]]:
    """``(modifier, rest)`` for each place where the word starts with a dictionary word, with or
    without a linking element (``Massen|infekton``, ``Ost|melanesier``)."""
    lexical = lexicon.load()
    lower = word.lower()
    return [(lower[:cut], lower[cut:]) for cut in range(3, len(lower) - 3) if lexical.modifier(lower[:cut])]


def misspelt(word: str, english_stems: frozenset[str]) -> bool:
    """A common word misspelt (``Jahrzent``, ``Atillerie``, ``Massen|infekton``) has a counterpart when
    a dictionary word one slip away, or the compound's head so, has a translation in the English.
    A name one slip from a word (``Friedrich`` ~ ``friedlich``) rarely has that word's translation
    beside it."""
    lexical = lexicon.load()
    if not _MIN_MISSPELT <= len(word) <= _MAX_LETTERS or lexical.forms(word):
        return False  # a word the dictionary knows, or can split, is spelt as it should be
    stems = {stem for stem in english_stems if len(stem) > 3 and stem not in lexicon.ENGLISH_FUNCTION_WORDS}
    pieces = [word.lower()] + [rest for modifier, rest in _parts(word) if len(modifier) > 3]
    return any(len(piece) >= _MIN_MISSPELT and any(candidate[: len(candidate) - len(ending)] in lexical.headwords
                                                   for ending in _ENDINGS if candidate.endswith(ending))
               and lexical.english(candidate) & stems for piece in pieces for candidate in _slips(piece))


def head_carried(word: str, spelled_english: frozenset[str], english_stems: frozenset[str]) -> bool:
    """A compound of a dictionary word and a name-like head (``Ost|melanesier`` ↔ ``eastern
    Melanesians``, ``Steißbein|teratom`` ↔ ``teratoma``): the English has the head, or a one-word
    sense of it (not any word of its phrases: ``an Land kommen`` :: ``to come ashore`` does not make
    ``come`` carry ``Port|land``)."""
    if len(word) > _MAX_LETTERS:
        return False
    parts = [rest for _, rest in _parts(word) if len(rest) >= 4]
    if not parts:
        return False
    lexical = lexicon.load()
    return any(transliterated(rest)[:5] in spelled_english or set(lexical.one_word.get(rest, "").split()) & english_stems
               for rest in parts)


_GERMAN_ENDINGS = ("en", "n", "e", "s", "es", "er", "ern", "t", "et", "te", "ten")
"""Endings German gives a word it borrows from English (``Chatten``, ``Tweets``, ``gepostet``)."""
_MIN_BORROWED = 4


def borrowed(word: str, english_words: set[str]) -> bool:
    """An English word of four letters or more with a German ending or participle (``Chatten`` ↔
    ``chat``, ``Tweets`` ↔ ``tweet``, ``gepostet`` ↔ ``posted``): the English has the word German borrowed."""
    lower = word.lower()
    stems = {lower} | ({lower[2:]} if lower.startswith("ge") else set())
    for stem in stems:
        for ending in _GERMAN_ENDINGS:
            base = stem[: -len(ending)]
            if stem.endswith(ending) and len(base) >= _MIN_BORROWED:
                bases = {base} | ({base[:-1]} if base[-1] == base[-2] else set())  # chatt|en ↔ chat
                if bases & english_words or any(lexicon.english_lemma(w) in bases for w in english_words
                                                if w[:_MIN_BORROWED] == base[:_MIN_BORROWED]):
                    return True
    return False


def abbreviated(words: list[str], target: str) -> bool:
    """A name of several words the English abbreviates: ``British Columbia`` ↔ ``B.C.``,
    ``Vereinigte Königreich`` ↔ ``UK`` (initials of the German or of its dictionary English)."""
    if len(words) < 2:
        return False
    lexical = lexicon.load()
    letters = [{word[0].lower()} | {stem[0] for stem in lexical.english(word) | lexical.english(word.lower())}
               for word in words]
    for match in _ENGLISH_ACRONYM.finditer(target):
        acronym = match.group().replace(".", "").lower()
        if len(acronym) == len(letters) and all(a in options for a, options in zip(acronym, letters)):
            return True
    return False


def name_run(word: str, source: str) -> list[str]:
    """The capitalized words the word stands among (``British Columbia``)."""
    for match in _CAPITALIZED_RUN.finditer(source):
        words = match.group().split()
        if word in words:
            return words
    return [word]
