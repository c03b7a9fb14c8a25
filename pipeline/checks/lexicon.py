"""The German–English lexicon under the checks and the review page's glosses.

Three well-kept sources, each doing one thing:

- the Ding dictionary (Debian's ``trans-de-en``, GPL-2+): German words, abbreviations and
  phrases with their English, aligned sub-entry by sub-entry (``|``), synonyms separated by ``;``;
- simplemma (MIT): German lemmas for forms the dictionary does not list, English lemmas for
  irregular forms (``stole`` ~ ``steal``);
- NLTK's Snowball stemmer: English words compared by stem (``strategies`` ~ ``strategy``).

Beside them, the project's own name table (``pipeline/data/name_translations.txt``: exonyms,
acronyms and currencies with the English a translation may use instead).

Compounds the dictionary does not list are split against its own headwords
(``Batterieriesen`` → ``batterie`` + ``riesen``). The dictionary is parsed once into a
compact cache (``$XDG_CACHE_HOME/de-en-brief/``, keyed by the file's size and time), which
loads in a fraction of a second; everything else loads lazily on first use.
"""

from __future__ import annotations

import os
import pickle
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from pipeline.cache import cache_path, store
from pipeline.errors import PipelineError

DING_PATH = Path("/usr/share/trans/de-en")
_CACHE_FORMAT = 16
_DATA = Path(__file__).resolve().parent.parent / "data"


def _word_list(name: str) -> frozenset[str]:
    lines = (_DATA / name).read_text("utf-8").split("\n")
    return frozenset(word.lower() for line in lines if not line.startswith("#") for word in line.split())


GERMAN_FUNCTION_WORDS = _word_list("german_function_words.txt")
GERMAN_LIGHT_WORDS = _word_list("german_light_words.txt")
NAME_HEADS = _word_list("name_heads.txt")
NAME_ENDINGS = _word_list("name_endings.txt")
NAME_CUES = _word_list("name_cues.txt")
COMMON_NOUN_ENDINGS = tuple(sorted(_word_list("common_noun_endings.txt")))
GERMAN_ABBREVIATIONS = _word_list("abbreviations.txt")
"""Abbreviations that end in a period (``Chr.``, ``Anm.``), lower case, as the splitter knows them."""
ENGLISH_FUNCTION_WORDS = _word_list("english_function_words.txt")
_ANNOTATION = re.compile(r"\{[^}]*\}|\[[^\]]*\]|\([^)]*\)|/[^/\s]+/|<[^>]*>")
_ABBREVIATION = re.compile(r"(?<!\S)/([^/\s]+)/(?!\S)")
"""The dictionary's abbreviation of a sub-entry: ``Bruttoinlandsprodukt /BIP/ :: gross domestic product /GDP/``."""
_GERMAN_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_ENGLISH_TOKEN = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_PLACEHOLDERS = frozenset({"etw", "jdm", "jdn", "jds", "jd", "sb", "sth"})
"""The dictionary's stand-ins for objects: ``etw. sagen`` :: ``to say sth.``."""
_VERB_PARTICLES = frozenset("dar fest fort her hin los weg zurück zusammen offen heim wider entgegen nieder voran vorbei weiter wieder".split())
"""Particles of separable verbs that are no prepositions: a noun made from such a verb is no compound
(``Offen|haltung`` is made from ``offenhalten``, ``Fest|nahme`` from ``festnehmen``)."""
_LINKS = ("", "s", "es", "n", "en", "e", "er")


class DictionaryMissing(PipelineError):
    pass


@dataclass(frozen=True)
class Gloss:
    """What the dictionary says a German word means, for a reviewer."""

    headword: str
    """The dictionary form the gloss was found under (lemma or compound head)."""
    senses: str
    """A few English senses, ``;``-separated."""


@lru_cache(maxsize=50_000)
def english_stem(word: str) -> str:
    return _stemmer().stem(word.lower())


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


def english_content_stems(text: str) -> list[str]:
    """Stems of the English content words of a text, in order."""
    words = (w.lower() for token in _ENGLISH_TOKEN.findall(text) for w in token.split("-"))
    return [english_stem(w) for w in words if w not in ENGLISH_FUNCTION_WORDS and w not in _PLACEHOLDERS and len(w) > 1]


@lru_cache(maxsize=1)
def english_function_stems() -> frozenset[str]:
    """The stems of the English function words (``to``, ``be``, ``one``)."""
    return frozenset(english_stem(word) for word in ENGLISH_FUNCTION_WORDS)


def english_stems(word: str) -> frozenset[str]:
    """The stems of an English word and of its lemma: ``stole`` ~ ``steal``, ``grew`` ~ ``grow``."""
    return frozenset((english_stem(word), english_stem(english_lemma(word))))


@lru_cache(maxsize=50_000)
def english_lemma(word: str) -> str:
    """simplemma's English lemma of a lower-case word (itself when unknown)."""
    return _lemmatizer().lemmatize(word, lang="en")


_MAGNITUDE_SUFFIX = re.compile(r"(?<=\d)(bn|mn|m|tn|k)\b", re.I)
_MAGNITUDE_WORDS = {"bn": "billion", "mn": "million", "m": "million", "tn": "trillion", "k": "thousand"}


@lru_cache(maxsize=1)
def name_translations() -> dict[str, tuple[str, ...]]:
    """German names, acronyms and currencies with the English forms a correct translation may use
    instead (``Peking`` ↔ ``Beijing``, ``GBP`` ↔ ``£``): ``pipeline/data/name_translations.txt``."""
    table = {}
    for line in (_DATA / "name_translations.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            german, *english = line.split()
            table[german] = tuple(english)
    return table


def name_translation_stems(word: str) -> frozenset[str]:
    """Stems of the English words the name table gives for a German word (``GBP`` → pound, sterling)."""
    return frozenset(english_stem(form) for form in name_translations().get(word, ()) if form.isalpha())


@lru_cache(maxsize=1)
def _symbol_words() -> dict[str, str]:
    """Currency symbol → the first English word the name table gives beside it, longest symbol first."""
    words: dict[str, str] = {}
    for forms in name_translations().values():
        spelled = next((form for form in forms if form.isalpha() and form.islower()), None)
        for form in forms:
            if spelled and not any(c.isalpha() for c in form) and spelled not in words.get(form, ""):
                words[form] = f"{words.get(form, '')} {spelled}".strip()
    return dict(sorted(words.items(), key=lambda item: -len(item[0])))


def spell_out_amounts(english: str) -> str:
    """Currency symbols and magnitude suffixes as words: ``£2bn`` → `` pound 2 billion``."""
    for symbol, words in _symbol_words().items():
        english = english.replace(symbol, f" {words} ")
    return _MAGNITUDE_SUFFIX.sub(lambda m: " " + _MAGNITUDE_WORDS[m[1].lower()], english)


def _all_stems(text: str) -> list[str]:
    """Every word's stem: for senses made only of function words (Mai :: May)."""
    return [english_stem(w) for w in _ENGLISH_TOKEN.findall(text)]


def _lower_case(sense: str) -> bool:
    """The sense's first content word is lower case: ``court``, ``to land``, not ``in the Ukraine``."""
    content = [t for t in _ENGLISH_TOKEN.findall(sense) if t.lower() not in ENGLISH_FUNCTION_WORDS]
    return bool(content) and content[0][:1].islower() or not content and sense[:1].islower()


def _clean(phrase: str) -> str:
    return " ".join(_ANNOTATION.sub(" ", phrase).replace("…", " ").split())


class _DingParser:
    """Reads the Ding file into plain dicts: word → English stems, word → gloss, and which
    words the dictionary knows as common words (some English sense lower case)."""

    def __init__(self) -> None:
        self.stems: dict[str, set[str]] = {}
        self.phrase_stems: dict[str, set[str]] = {}
        self.phrases: dict[tuple[str, ...], set[str]] = {}
        self.glosses: dict[str, list[tuple[tuple[bool, int], int, list[str]]]] = {}
        self.one_word: dict[str, set[str]] = {}
        self.line_number = 0
        self.common: set[str] = set()
        self.proper: set[str] = set()

    def line(self, line: str) -> None:
        self.line_number += 1
        if line.startswith("#") or " :: " not in line:
            return
        german, english = line.rstrip("\n").split(" :: ", 1)
        entries = german.count(" | ") + 1
        for index, (german_part, english_part) in enumerate(zip(german.split(" | "), english.split(" | "))):
            senses = [" ".join(s.split()) for s in _clean(english_part).split(";")]
            senses = [s for s in senses if s]
            stems = {stem for sense in senses for stem in english_content_stems(sense) or _all_stems(sense)}
            stems |= {english_stem(a.strip(".")) for a in _ABBREVIATION.findall(english_part)}
            for abbreviation in _ABBREVIATION.findall(german_part):
                if senses and _GERMAN_TOKEN.fullmatch(abbreviation.strip(".")):
                    self.stems.setdefault(abbreviation.strip(".").lower(), set()).update(stems)
            lower_sense = any(_lower_case(sense) for sense in senses)
            for position, synonym in enumerate(_clean(german_part).split(";")):
                synonym = synonym.strip()
                if not synonym or synonym[-1] in ".!?" or len(synonym.split()) > 6:
                    continue  # an example sentence, not a word or phrase
                tokens = [t.lower() for t in _GERMAN_TOKEN.findall(synonym)]
                content = [t for t in tokens if t not in GERMAN_FUNCTION_WORDS and t not in _PLACEHOLDERS]
                if len(content) > 3:
                    continue
                if len(content) > 1:
                    for token in content:
                        self.phrase_stems.setdefault(token, set()).update(stems)
                    if any(token not in GERMAN_LIGHT_WORDS for token in content):
                        self.phrases.setdefault(tuple(sorted(set(content))), set()).update(stems)
                elif len(content) == 1 and senses:
                    word = content[0]
                    self.stems.setdefault(word, set()).update(stems)
                    (self.common if lower_sense else self.proper).add(word)
                    # The main entry names the word first and lists the most forms (groß | größer | am größten).
                    rank = (position == 0 and len(tokens) == 1, entries)
                    if index == 0:
                        self.glosses.setdefault(word, []).append((rank, self.line_number, senses))
                        self.one_word.setdefault(word, set()).update(
                            stems[0] for sense in senses if len(re.sub(r"^to ", "", sense).split()) == 1
                            for stems in [english_content_stems(sense)] if len(stems) == 1)

    def lexicon(self) -> "Lexicon":
        phrase_only = {word: stems for word, stems in self.phrase_stems.items() if word not in self.stems}
        return Lexicon(
            translations={word: " ".join(sorted(stems)) for word, stems in (self.stems | phrase_only).items()},
            headwords=frozenset(self.stems),
            glosses={word: _gloss(candidates) for word, candidates in self.glosses.items()},
            common=frozenset(self.common),
            proper=frozenset(self.proper - self.common),
            phrases=_phrase_index(self.phrases),
            one_word={word: " ".join(sorted(stems)) for word, stems in self.one_word.items() if stems},
        )


def _phrase_index(phrases: dict[tuple[str, ...], set[str]]) -> dict[str, str]:
    """Each phrase under the first of its words in sorted order, as lines of ``words<TAB>stems``
    (plain strings: they load in a fraction of the time tuples take)."""
    index: dict[str, list[str]] = {}
    for words, stems in phrases.items():
        index.setdefault(words[0], []).append(f"{' '.join(words)}\t{' '.join(sorted(stems))}")
    return {first: "\n".join(lines) for first, lines in index.items()}


def _gloss(candidates: list[tuple[tuple[bool, int], int, list[str]]]) -> str:
    """Two senses from each of the three best entries, in the dictionary's order, four at most."""
    best = sorted(sorted(candidates, key=lambda c: c[0], reverse=True)[:3], key=lambda c: c[1])
    return "; ".join(list(dict.fromkeys(sense for _, _, senses in best for sense in senses[:2]))[:4])


@dataclass(frozen=True, eq=False)
class Lexicon:
    """Compared by identity: one loaded lexicon per process, so lookups can be cached."""

    translations: dict[str, str]
    """Lower-case German word → space-separated stems of the English it translates to (as a
    word of its own where the dictionary lists it so, else in its phrases)."""
    headwords: frozenset[str]
    """German words the dictionary lists as entries of their own (forms included)."""
    glosses: dict[str, str]
    """Lower-case German headword → a few English senses."""
    common: frozenset[str]
    """German words the dictionary knows with a lower-case English sense (common words)."""
    proper: frozenset[str]
    """German words the dictionary knows only with capitalized English (Deutschland → Germany)."""
    phrases: dict[str, str]
    """Phrases of two or three content words (``eine Rolle spielen`` :: ``to matter``, ``im wahrsten
    Sinne des Wortes`` :: ``literally``): first word in sorted order → lines of its phrases' words and
    English stems (``_phrase_index``)."""
    one_word: dict[str, str]
    """Lower-case German headword → stems of the senses of its main entries that are one English
    word (``Hochschule`` → ``college``, ``university`` …): what a compound may be translated as whole."""

    @cached_property
    def english_vocabulary(self) -> frozenset[str]:
        """Stems of every English word the dictionary translates to: English as it is spelt."""
        return frozenset(stem for stems in self.translations.values() for stem in stems.split())

    def phrase_english(self, words: set[str]) -> dict[str, frozenset[str]]:
        """For the lower-case forms and lemmas of a sentence's words: each word of a phrase whose
        words are all there → the stems of the phrase's English."""
        found: dict[str, set[str]] = {}
        for first in words & self.phrases.keys():
            for phrase, stems in _phrases_under(self, first):
                if phrase <= words:
                    for word in phrase:
                        found.setdefault(word, set()).update(stems)
        return {word: frozenset(stems) for word, stems in found.items()}

    def forms(self, word: str) -> tuple[str, ...]:
        """The dictionary words behind a German token: itself, its lemma, or its compound parts."""
        return _forms(self, word)

    def english(self, word: str) -> frozenset[str]:
        """Stems of every English translation of the German token (its form, lemma or parts)."""
        return frozenset(stem for form in self.forms(word) for stem in self.translations[form].split())

    def modifier(self, part: str) -> str:
        """The dictionary word a compound's first part is, without its linking element
        (``Verkehrs|`` → ``verkehr``, ``Massen|`` → ``massen``); empty when it is none, or a
        preposition, another function word or a verb particle: ``Aus|bildung`` is made from
        ``ausbilden`` (to train), not from ``Bildung`` (education)."""
        if part in GERMAN_FUNCTION_WORDS or part in _VERB_PARTICLES:
            return ""
        return next((part[: len(part) - len(link)] for link in _LINKS if part.endswith(link) and len(part) > len(link)
                     and part[: len(part) - len(link)] in self.headwords
                     and part[: len(part) - len(link)] not in GERMAN_FUNCTION_WORDS), "")

    def is_common_word(self, word: str) -> bool:
        """The dictionary lists the word (or its lemma) with a lower-case English sense. A word it
        knows only as a compound of other words (``Wolf|gang``, ``Terzen|bach``) is not one."""
        forms = self.forms(word)
        direct = word.lower().strip("-") in forms or lemma(word).lower() in forms
        return direct and all(form not in self.proper for form in forms) and any(f in self.common for f in forms)

    def english_of_particle_verb(self, particle: str, verb: str) -> frozenset[str]:
        """Stems of the English of ``particle`` + the verb's lemma (``mit`` + ``teilte`` → ``mitteilen``)."""
        if verb[:1].isupper():
            return frozenset()
        base = particle + lemma(verb).lower()
        if base not in self.headwords:
            base = particle + lemma(verb.lower() + "n").lower()  # teilte → teilten → teilen
        return frozenset(self.translations[base].split()) if base in self.headwords else frozenset()

    def has_common_head(self, word: str) -> bool:
        """Ends in a common word of five letters or more after a modifier of three or more
        (``Streif|vorgang``), or of three or four after a dictionary word of five or more
        (``Überraschungs|team``, ``Landrats|amt``): a compound noun; names end in short parts
        (``-burg``, ``-land``) after parts that are no words (``Würz|burg``). Longer heads that end
        place names and surnames (``-hausen``, ``-kirchen``: ``pipeline/data/name_heads.txt``) do not count, and
        a word ending as place names do (``Kiss|ingen``, ``Eggen|felden``: ``name_endings.txt``) is none."""
        lower = word.lower()
        if any(lower.endswith(ending) for ending in NAME_ENDINGS):
            return False
        if any(head not in NAME_HEADS and _known_form(self, head) in self.common
               for head in (lower[cut:] for cut in range(3, len(lower) - 4))):
            return True
        return any(head not in NAME_HEADS and _known_form(self, head) in self.common and len(self.modifier(lower[:cut])) >= 5
                   for cut in range(len(lower) - 4, len(lower) - 2) for head in (lower[cut:],))

    def gloss(self, word: str) -> Gloss | None:
        """The senses of the word's lemma (or form), else of its compound parts."""
        forms = self.forms(word)
        if not forms:
            return None
        base = lemma(word).lower()
        if base in forms and base in self.glosses:
            forms = (base,)
        glossed = [form for form in forms if form in self.glosses][: 1 if len(forms) == 2 and forms[1] == base else 3]
        if not glossed:
            return None
        return Gloss(" + ".join(glossed), " | ".join(self.glosses[form] for form in glossed))


@lru_cache(maxsize=20_000)
def _phrases_under(lexicon: Lexicon, first: str) -> tuple[tuple[frozenset[str], tuple[str, ...]], ...]:
    """The phrases filed under a word, read from their lines once."""
    entries = (line.split("\t") for line in lexicon.phrases[first].split("\n"))
    return tuple((frozenset(words.split()), tuple(stems.split())) for words, stems in entries)


@lru_cache(maxsize=200_000)
def _forms(lexicon: Lexicon, word: str) -> tuple[str, ...]:
    lower = word.lower().strip("-")
    base = lemma(word).lower()
    found = tuple(dict.fromkeys(form for form in (lower, base) if form in lexicon.headwords))
    if found:
        return found
    if lower in lexicon.translations:
        return (lower,)
    if lower.endswith("s") and lower[:-1] in lexicon.headwords:
        return (lower[:-1],)  # a genitive: Deutschlands
    if "-" in lower:
        return tuple(form for part in lower.split("-") if part for form in _forms(lexicon, part))
    return _split_compound(lexicon, lower) or _split_compound(lexicon, base)


def _split_compound(lexicon: Lexicon, word: str, depth: int = 0) -> tuple[str, ...]:
    """Modifier(s) + head, every part a dictionary word of 3+ letters: the longest head first.
    A modifier may have lost its ending (``Absperr|zaun``: absperren) or gained a linking
    element (``Verkehr|s|unfall``); a feminine ``-in``/``-innen`` is its noun's (``Fahrerin``)."""
    known = lexicon.headwords
    for suffix in ("innen", "in"):
        if word.endswith(suffix) and word[: -len(suffix)] in known and len(word) > len(suffix) + 3:
            return (word[: -len(suffix)],)
    for cut in range(3, len(word) - 2):
        head = _known_form(lexicon, word[cut:])
        if not head:
            continue
        modifier = word[:cut]
        for link in _LINKS:
            if link and not modifier.endswith(link):
                continue
            stem = modifier[: len(modifier) - len(link)] if link else modifier
            for candidate in (stem, stem + "e", stem + "en", stem + "n"):
                if len(candidate) >= 3 and candidate in known:
                    return (candidate, head)
            if depth == 0 and len(stem) >= 6:
                parts = _split_compound(lexicon, stem, depth + 1)
                if parts:
                    return (*parts, head)
    return ()


def _known_form(lexicon: Lexicon, word: str) -> str:
    if word in lexicon.headwords:
        return word
    base = lemma(word).lower()
    return base if base in lexicon.headwords else ""


@lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """simplemma's German lemma of the token (itself when unknown). A word in capitals is an
    acronym or a name and its own lemma: simplemma takes ``BILD`` for a form of ``bilden``."""
    if len(word) > 1 and word.isupper():
        return word
    return _lemmatizer().lemmatize(word, lang="de")


def verb_guessed(word: str) -> bool:
    """The lemmatizer takes the capitalized word for a form of a verb it does not end like
    (``Klopp`` → ``kloppen``, ``Laschet`` → ``laschen``): mid-sentence, where German capitalizes
    no verb, the word is a name, not that verb."""
    base = lemma(word)
    return word[:1].isupper() and base[:1].islower() and base.endswith("n") and not word.lower().endswith("n")


@lru_cache(maxsize=1)
def _lemmatizer():
    """simplemma's German lemmatizer, its word list kept as a pickle beside the dictionary's:
    simplemma decodes its compressed list in 1.7 s, the pickle loads in a third of that."""
    from simplemma import Lemmatizer
    from simplemma.strategies import DefaultStrategy
    from simplemma.strategies.dictionaries.dictionary_factory import (CachingDictionaryFactory,
                                                                      MappingStrToByteString,
                                                                      _load_dictionary_from_disk)

    class PickledFactory(CachingDictionaryFactory):
        def _get_dictionary_uncached(self, lang: str):
            import simplemma

            cache = cache_path(f"simplemma-{simplemma.__version__}-{lang}.pickle")
            try:
                with cache.open("rb") as handle:
                    return MappingStrToByteString(pickle.load(handle))
            except (OSError, pickle.UnpicklingError, EOFError):
                words = _load_dictionary_from_disk(lang)
                store(cache, pickle.dumps(words, protocol=pickle.HIGHEST_PROTOCOL))
                return MappingStrToByteString(words)

    return Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=PickledFactory()))


def _cache_path(source: Path) -> Path:
    stat = source.stat()
    return cache_path(f"ding-{stat.st_size}-{int(stat.st_mtime)}-v{_CACHE_FORMAT}.pickle")


def dictionary_path() -> Path:
    return Path(os.environ.get("PIPELINE_DICTIONARY") or DING_PATH)


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """The lexicon, from the cache when there is one; parsing the dictionary takes ~20 s once."""
    source = dictionary_path()
    if not source.is_file():
        raise DictionaryMissing(
            f"{source}: the German–English dictionary the checks need is missing; install Debian's "
            f"trans-de-en (make setup does), or point PIPELINE_DICTIONARY at a Ding-format file")
    cache = _cache_path(source)
    try:
        with cache.open("rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    parser = _DingParser()
    with source.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            parser.line(line)
    lexicon = parser.lexicon()
    store(cache, pickle.dumps(lexicon, protocol=pickle.HIGHEST_PROTOCOL))
    for stale in cache.parent.glob("ding-*.pickle"):
        if stale != cache:
            stale.unlink(missing_ok=True)
    return lexicon
