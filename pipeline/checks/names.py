"""names: a name in the German that the English does not carry. An acronym (``BMW``,
``F&E`` ↔ ``R&D``) is always a name; a capitalized word is one when the dictionary does not
know it as a common word (``Shenyang``, ``Rogers``) or knows it only with capitalized English
(``Deutschland`` ↔ ``Germany``, ``April``), and so are a common given name mid-sentence
(``Frank``), the word after it (``Horst Seehofer``) and a word the document's English keeps as
written in another sentence (``Eintracht``, ``Heil``: ``checks.document``). It counts as carried
when the English has it, its possessive (``Clintons`` ↔ ``Clinton's``), a known exonym (``Peking`` ↔ ``Beijing``:
``pipeline/data/name_translations.txt``), the name spelt a slip apart (``Ullrich`` ↔ ``Ulrich``,
``Cäsar`` ↔ ``César``), or anything ``PairContext.covers`` accepts: its spelling in English
(``Wladimir`` ↔ ``Vladimir``), a dictionary translation, the initials of a name of several words,
a slip of a common word, a compound's head (``pipeline/checks/counterparts.py``)."""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.checks import lexicon
from pipeline.checks.counterparts import abbreviated, name_run, respelled, transliterated
from pipeline.checks.context import PairContext
from pipeline.checks.settings import ERROR, WARNING
from pipeline.checks.untranslated import is_acronym
from pipeline.model import Flag
from pipeline.text import GIVEN_NAMES

DESCRIPTION = "a name or acronym is missing in the English"
_ACRONYM = re.compile(r"(?<![\w&])[A-ZÄÖÜ][A-ZÄÖÜ0-9&]+(?![\w&])")
_SEEN_LOWER_CASE_MID_SENTENCE = 1 << 5  # NLTK Punkt's _ORTHO_MID_LC flag
_MIN_DERIVED = 8
"""Shorter words with a common noun's ending may be names (``Jung``, ``Freyung``)."""


@lru_cache(maxsize=1)
def _punkt_orthography() -> dict[str, int]:
    """Word types of NLTK's German Punkt training corpus with their orthographic flags."""
    from punkt.data import german

    return german.ORTHO_CONTEXT


def _is_name(word: str) -> bool:
    if len(word) >= _MIN_DERIVED and word.lower().endswith(lexicon.COMMON_NOUN_ENDINGS):
        return False  # a common noun the dictionary does not know: Föderalisierung, Nutzungsmögichkeiten
    lexical = lexicon.load()
    if _punkt_orthography().get(word.lower(), 0) & _SEEN_LOWER_CASE_MID_SENTENCE and lexical.is_common_word(word):
        return False  # also written lower case: Klein, Neue (not World, Select: English the corpus quoted)
    if lexicon.verb_guessed(word):  # a name unless the dictionary knows the word as written
        return word.lower() not in lexical.common and not lexical.has_common_head(word)
    return not lexical.is_common_word(word) and not lexical.has_common_head(word)


def _carried(name: str, pair: PairContext) -> bool:
    if _kept(name, pair.target):
        return True
    if is_acronym(name.replace("&", "")):  # A81 ↔ A 81; or an acronym the dictionary translates (Mrd ↔ bn)
        return re.sub(r"[\s-]", "", name.rstrip("s")) in re.sub(r"[\s-]", "", pair.target) or pair.covers(name)
    neighbours = frozenset(lexicon.english_stem(word.lower()) for word in name_run(name, pair.source) if word != name)
    if pair.covers(name, besides=neighbours):
        return True
    demonym = re.fullmatch(r"(\w{3,}?)(?:er|ern|erin|erinnen)", name)  # Münchner ↔ Munich, Londoner ↔ London
    if not demonym:
        return False
    stem = demonym[1]
    return any(_kept(city, pair.target) for city in {stem, stem + "en", stem[:-1] + "en" if stem.endswith("n") else stem})


def _kept(name: str, target: str) -> bool:
    """The English has the name as written, as its exonym or spelt a slip apart."""
    for form in lexicon.name_translations().get(name, ()) + (name,):
        if re.search(rf"(?<!\w){re.escape(form)}", target, 0 if is_acronym(form) else re.I):
            return True
    return respelled(name, target)


_NAME_PHRASE = re.compile(r"(?<=[a-zäöüß,] )(?P<adjective>[A-ZÄÖÜ][a-zäöüß]+e[nrsm]?)\s+(?P<noun>[A-ZÄÖÜ][\wäöüß]+)")
"""Mid-sentence: after a lower-case word or a comma, never after a colon or a quotation mark."""
_ENGLISH_PAIR = re.compile(r"(?=\b([\w'’-]+)\s+([\w'’-]+))")


def _name_phrases(pair: PairContext) -> list[str]:
    """A capitalized adjective mid-sentence before a noun is part of a name: Neue Klasse, Europäische Union."""
    phrases = []
    for match in _NAME_PHRASE.finditer(pair.source):
        adjective = match["adjective"].lower()
        if adjective in lexicon.GERMAN_FUNCTION_WORDS or adjective in lexicon.GERMAN_LIGHT_WORDS:
            continue
        if _punkt_orthography().get(adjective, 0) & _SEEN_LOWER_CASE_MID_SENTENCE:
            phrases.append(match)
    lexical = lexicon.load()
    missing = []
    for match in phrases:
        phrase = f"{match['adjective']} {match['noun']}"
        if phrase.lower() in pair.target.lower():
            continue
        # the dictionary lists adjectives in lower case: Indischen Ozean ↔ Indian Ocean, Fernen Osten ↔ far east
        adjective = lexical.english(match["adjective"]) | lexical.english(match["adjective"].lower())
        noun = lexical.english(match["noun"])
        if not any(lexicon.english_stem(a) in adjective and (lexicon.english_stem(b) in noun or pair.covers(match["noun"]))
                   for a, b in _ENGLISH_PAIR.findall(pair.target)) and not abbreviated(phrase.split(), pair.target) \
                and not (pair.covers(match["adjective"]) and pair.covers(match["noun"])):
            missing.append(phrase)
    return missing


_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Lord|Lady|President|Chancellor|Minister|General)\.?"


def _given_name_before_a_title(name: str, pair: PairContext) -> bool:
    """``Prasad Panvalker`` ↔ ``Mr Panvalkar``: a given name dropped by house style, the English naming
    the person by title and surname (the surname spelled alike in its first five letters)."""
    following = re.search(rf"\b{re.escape(name)}\s+([A-ZÄÖÜ][\wäöüß'-]+)", pair.source)
    if not following:
        return False
    surname = transliterated(following[1])[:5]
    return any(transliterated(word)[:5] == surname
               for word in re.findall(rf"\b{_TITLE}\s+([A-Z][\w'’-]+)", pair.target))


_CAPITALIZED_PAIR = re.compile(r"(?=\b([A-ZÄÖÜ][\w-]*)\s+([A-ZÄÖÜ][\w-]*))")
_MID_SENTENCE_WORD = re.compile(r"(?<=[\w,] )[A-ZÄÖÜ][a-zäöüß]+")


def _full_names(source: str) -> set[str]:
    """A common given name mid-sentence (``Frank``), and the capitalized word after one (``Horst
    Seehofer``, ``Stefanie Kramer``): names, though the dictionary knows them as words (a Horst is an
    eyrie, a Kramer a grocer; frank is candid)."""
    after_one = {word for first, second in _CAPITALIZED_PAIR.findall(source) if first in GIVEN_NAMES
                 for word in (first, second)}
    return after_one | {word for word in _MID_SENTENCE_WORD.findall(source) if word in GIVEN_NAMES}


_CUED = re.compile(r"\b(?i:%s)\s+([A-ZÄÖÜ][\wäöüß]+)(?![\wäöüß-]|\s+[A-ZÄÖÜ])"
                   % "|".join(sorted(lexicon.NAME_CUES, key=len, reverse=True)))
"""A cue word, then a capitalized word that no hyphen or capitalized word follows (that one is a title)."""


def _cued_names(source: str) -> set[str]:
    """A bare capitalized word after a verb of saying or a noun of place (``sagte Heil``, ``im
    Landkreis Hof``, ``Bad Kissingen``: ``pipeline/data/name_cues.txt``) is a name, though the
    dictionary knows it as a word; so is ``Bad`` before a place's name."""
    cued = {word for word in _CUED.findall(source) if word.lower() not in lexicon.GERMAN_FUNCTION_WORDS}
    return cued | {"Bad" for _ in re.finditer(r"\bBad\s+[A-ZÄÖÜ]", source)}


def run(pair: PairContext) -> list[Flag]:
    acronym_matches = [m for m in _ACRONYM.finditer(pair.source) if is_acronym(m.group().replace("&", ""))]
    acronyms = [m.group() for m in acronym_matches]
    words = [w.text for w in pair.content_words if w.text[:1].isupper() and not w.text.isupper()]
    parts = [p for w in words for p in w.split("-") if len(p) > 1 and p[:1].isupper() and not p.isupper()
             and p.lower() not in lexicon.GERMAN_FUNCTION_WORDS]  # Unter-Ägypten ↔ lower Egypt
    name_like = {p for p in parts if _is_name(p)}
    full_names = _full_names(pair.source) | _cued_names(pair.source)
    kept_elsewhere = {p for p in parts if pair.document.keeps(p) and p not in full_names and p not in name_like}
    full_names |= kept_elsewhere
    with_period = {m[1] for m in re.finditer(r"\b([A-ZÄÖÜ]\w*)\.", pair.source) if m[1].lower() in lexicon.GERMAN_ABBREVIATIONS}
    names = list(dict.fromkeys(acronyms + [p for p in parts if p not in with_period
                                           and (p in name_like or p in full_names)]))
    missing = [name for name in names if not _carried(name, pair) and not _given_name_before_a_title(name, pair)]
    missing += _name_phrases(pair)
    if not missing:
        return []
    # an acronym that only modifies compounds (US-Präsident, EU-Kommission) leaves their heads' sense
    standalone = {m.group() for m in acronym_matches if not re.match(r"-\w", pair.source[m.end():])}
    severity = ERROR if any(name in standalone for name in missing) else WARNING
    named = ", ".join(f"{name} (a name here: kept as written in another sentence's English)"
                      if name in kept_elsewhere else name for name in missing)
    return [Flag("names", severity, f"name missing in the English: {named}", tuple(missing), ())]
