"""Test documents for the aligner, from German with its professional English (1:1), clean and
perturbed as the issue asks: 10 % of adjacent English sentences merged, 5 % of long English
sentences split at a clause boundary, 5 % deleted, 3 % inserted from elsewhere. Scores over beads,
strict (the exact bead) and lax (sharing a sentence on both sides), as vecalign and Bertalign report
them. Used by ``tests/test_alignment.py`` and ``make bench``."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

GoldBead = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class AlignmentCase:
    name: str
    german: tuple[str, ...]
    english: tuple[str, ...]
    gold: tuple[GoldBead, ...]


@dataclass(frozen=True)
class BeadScores:
    strict_precision: float
    strict_recall: float
    lax_precision: float
    lax_recall: float
    deleted: int
    """English sentences deleted from the gold (German with nothing): 1:0 beads of the gold."""
    deleted_found: int
    """Of those, how many the aligner gave as 1:0."""

    @property
    def strict_f1(self) -> float:
        return _f1(self.strict_precision, self.strict_recall)

    @property
    def lax_f1(self) -> float:
        return _f1(self.lax_precision, self.lax_recall)


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def pairs_of(path: Path) -> list[tuple[str, str]]:
    """(German, English) sentence pairs of a dev set, in order: newstest2021 or UD German PUD."""
    pairs = []
    for line in path.read_text("utf-8").splitlines():
        row = json.loads(line)
        if "de" in row:
            pairs.append((row["de"], row["en"]))
        else:
            pairs.extend(zip(row["sentences"], row["sentences_en"]))
    return pairs


def documents(pairs: list[tuple[str, str]], seed: int, smallest: int = 50, largest: int = 200) -> list[list[tuple[str, str]]]:
    """The pairs cut into documents of ``smallest``–``largest`` sentences (the last may be shorter)."""
    chooser = random.Random(seed)
    cut, start = [], 0
    while start < len(pairs):
        size = chooser.randint(smallest, largest)
        cut.append(pairs[start:start + size])
        start += size
    return cut


def clean(name: str, document: list[tuple[str, str]]) -> AlignmentCase:
    return AlignmentCase(name, tuple(de for de, _ in document), tuple(en for _, en in document),
                         tuple(((i,), (i,)) for i in range(len(document))))


def perturbed(name: str, document: list[tuple[str, str]], elsewhere: list[str], seed: int) -> AlignmentCase:
    """The document's English merged, split, deleted and padded with English from ``elsewhere``."""
    chooser = random.Random(seed)
    n = len(document)
    english: list[str] = []
    gold: list[tuple[list[int], list[int]]] = []
    i = 0
    while i < n:
        roll = chooser.random()
        de_text, en_text = document[i]
        if roll < 0.10 and i + 1 < n:  # merged with the next English sentence: a 2:1 bead
            gold.append(([i, i + 1], [len(english)]))
            english.append(f"{en_text} {document[i + 1][1]}")
            i += 2
            continue
        if roll < 0.15:  # deleted: 1:0
            gold.append(([i], []))
        elif roll < 0.20 and _split_point(en_text):  # split at a clause boundary: 1:2
            cut = _split_point(en_text)
            gold.append(([i], [len(english), len(english) + 1]))
            english += [en_text[:cut].rstrip(" ,;") + ".", en_text[cut:].strip().capitalize()]
        else:
            gold.append(([i], [len(english)]))
            english.append(en_text)
        if chooser.random() < 0.03:  # an English sentence from elsewhere: 0:1
            gold.append(([], [len(english)]))
            english.append(chooser.choice(elsewhere))
        i += 1
    return AlignmentCase(name, tuple(de for de, _ in document), tuple(english),
                         tuple((tuple(de), tuple(en)) for de, en in gold))


def _split_point(sentence: str) -> int | None:
    """A clause boundary (a comma or semicolon) near the middle of a long sentence, or ``None``."""
    if len(sentence) < 80:
        return None
    points = [m.end() for m in re.finditer(r"[,;] ", sentence) if 0.3 < m.end() / len(sentence) < 0.7]
    return min(points, key=lambda p: abs(p - len(sentence) / 2)) if points else None


def cases(pairs: list[tuple[str, str]], elsewhere: list[str], label: str, seed: int = 7) -> tuple[list[AlignmentCase], list[AlignmentCase]]:
    """Clean and perturbed documents of a set."""
    docs = documents(pairs, seed)
    return ([clean(f"{label}-{k}", doc) for k, doc in enumerate(docs)],
            [perturbed(f"{label}-{k}-perturbed", doc, elsewhere, seed + k) for k, doc in enumerate(docs)])


def score(predicted: Iterable[Iterable[GoldBead]], gold: Iterable[Iterable[GoldBead]]) -> BeadScores:
    """Bead precision and recall, strict and lax, over many documents together."""
    strict_hits = lax_predicted = lax_gold = predicted_count = gold_count = deleted = deleted_found = 0
    for found, truth in zip(predicted, gold):
        found, truth = [tuple(map(tuple, b)) for b in found], [tuple(map(tuple, b)) for b in truth]
        found_set, truth_set = set(found), set(truth)
        strict_hits += len(found_set & truth_set)
        truth_index, found_index = _by_german(truth), _by_german(found)
        lax_predicted += sum(_overlaps(bead, truth_index, truth_set) for bead in found)
        lax_gold += sum(_overlaps(bead, found_index, found_set) for bead in truth)
        predicted_count += len(found)
        gold_count += len(truth)
        deleted += sum(1 for bead in truth if not bead[1])
        deleted_found += sum(1 for bead in truth if not bead[1] and bead in found_set)
    return BeadScores(strict_hits / predicted_count, strict_hits / gold_count, lax_predicted / predicted_count,
                      lax_gold / gold_count, deleted, deleted_found)


def _by_german(beads: list[GoldBead]) -> dict[int, list[GoldBead]]:
    index: dict[int, list[GoldBead]] = {}
    for bead in beads:
        for german in bead[0]:
            index.setdefault(german, []).append(bead)
    return index


def _overlaps(bead: GoldBead, others: dict[int, list[GoldBead]], exact: set[GoldBead]) -> bool:
    """Lax: the bead shares a German and an English sentence with another (1:0 and 0:1 beads must
    be found exactly)."""
    if not bead[0] or not bead[1]:
        return bead in exact
    english = set(bead[1])
    return any(english & set(other[1]) for german in bead[0] for other in others.get(german, ()))
