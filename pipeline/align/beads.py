"""Align German sentences with an English translation that already exists: beads of 1:1, 1:2, 2:1,
2:2, 1:0 and 0:1 sentences, by dynamic programming over a band, as Gale–Church and hunalign do.

A bead's cost adds a prior for its kind, the Gale–Church length term (English characters against
German characters times the document's own ratio), how much of each side's content words the other
side covers (``features``: the dictionary, lemmas, names, cognates) and disagreeing numbers. A 1:0 or
0:1 bead costs a fixed ``skip``. The band follows a path through anchors (sentences whose best match
stands out), so time and memory grow linearly with the text; a path that touches the band's edge
is searched again in a band twice as wide around it.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby

from pipeline.align import features
from pipeline.align.features import SentenceFeatures
from pipeline.model import Segment



@dataclass(frozen=True)
class AlignerSettings:
    """Tuned on the first half of newstest2021's documents, perturbed (``tests/test_alignment.py``)."""

    priors: dict[tuple[int, int], float] = field(default_factory=lambda: {
        (1, 1): 0.0, (1, 2): 1.5, (2, 1): 1.5, (2, 2): 3.5})
    skip: float = 2.5
    """Cost of a sentence with nothing on the other side."""
    length_weight: float = 0.6
    variance: float = 6.8
    """Gale–Church's variance of English characters per German character."""
    lexical_weight: float = 3.0
    number_weight: float = 1.5
    weakest_weight: float = 3.0
    """For beads of more than two sentences: how little the other side covers the worst-covered one
    (a German sentence whose English was left out must not ride along with its neighbour's)."""
    band: int = 6
    """Half-width of the band, in sentences, for texts too long to search whole (doubled while the
    best path touches its edge)."""
    search: int = 30
    """How far from the expected place an anchor's English is looked for, in sentences."""
    whole_cells: int = 10_000
    """Texts whose sentence counts multiply to at most this are searched whole."""


DEFAULT_SETTINGS = AlignerSettings()


@dataclass(frozen=True)
class Bead:
    german: tuple[int, ...]
    """Positions of the German sentences (consecutive; empty for English with no German)."""
    english: tuple[int, ...]
    """Positions of the English sentences (consecutive; empty for German with no English)."""
    score: float | None
    """How well the two sides match, 0–1 (length, shared words, numbers); ``None`` for 1:0 and 0:1."""

    @property
    def kind(self) -> str:
        return f"{len(self.german)}:{len(self.english)}"


def align(german: Sequence[str], english: Sequence[str], settings: AlignerSettings = DEFAULT_SETTINGS) -> list[Bead]:
    """The cheapest sequence of beads covering both texts, in order."""
    return _Aligner([features.german(s) for s in german], [features.english(s) for s in english], settings).run()


def align_features(german: Sequence[SentenceFeatures], english: Sequence[SentenceFeatures],
                   settings: AlignerSettings = DEFAULT_SETTINGS) -> list[Bead]:
    """``align`` for sentences whose features are computed already."""
    return _Aligner(list(german), list(english), settings).run()


def align_segments(german: Sequence[Segment], english: Sequence[Segment],
                   settings: AlignerSettings = DEFAULT_SETTINGS) -> list[Bead]:
    """Beads over two documents' sentences: paragraph by paragraph where both have the same number
    of paragraphs of corresponding lengths, else over the whole texts. Bead positions index the
    given sequences."""
    german_paragraphs = _by_paragraph(german)
    english_paragraphs = _by_paragraph(english)
    if len(german_paragraphs) == len(english_paragraphs) > 1 and _corresponding(german_paragraphs, english_paragraphs):
        beads, i, j = [], 0, 0
        for german_part, english_part in zip(german_paragraphs, english_paragraphs):
            for bead in align([s.text for s in german_part], [s.text for s in english_part], settings):
                beads.append(Bead(tuple(i + k for k in bead.german), tuple(j + k for k in bead.english), bead.score))
            i, j = i + len(german_part), j + len(english_part)
        return beads
    return align([s.text for s in german], [s.text for s in english], settings)


def _by_paragraph(segments: Sequence[Segment]) -> list[list[Segment]]:
    return [list(group) for _, group in groupby(segments, key=lambda s: s.paragraph)]


def _corresponding(german: list[list[Segment]], english: list[list[Segment]]) -> bool:
    """Every paragraph pair's length ratio within a factor of two of the whole documents'."""
    lengths = [(sum(len(s.text) for s in g), sum(len(s.text) for s in e)) for g, e in zip(german, english)]
    ratio = sum(e for _, e in lengths) / max(1, sum(g for g, _ in lengths))
    return all(g and 0.5 <= e / (g * ratio) <= 2.0 for g, e in lengths)


class _Aligner:
    def __init__(self, german: list[SentenceFeatures], english: list[SentenceFeatures], settings: AlignerSettings):
        self.german, self.english, self.settings = german, english, settings
        german_characters = sum(s.length for s in german)
        self.ratio = sum(s.length for s in english) / german_characters if german_characters else 1.0
        self._masks: dict[tuple[int, int], tuple[int, int]] = {}
        self._german_lengths = [s.length for s in german]
        self._english_lengths = [s.length for s in english]

    def run(self) -> list[Bead]:
        n, m = len(self.german), len(self.english)
        if not n or not m:
            return [Bead((i,), (), None) for i in range(n)] + [Bead((), (j,), None) for j in range(m)]
        if n * m <= self.settings.whole_cells:
            return self._search([0] * (n + 1), [m] * (n + 1))
        width = self.settings.band
        centre = self._anchor_path()
        while True:
            low = [max(0, round(c) - width) for c in centre]
            high = [min(m, round(c) + width) for c in centre]
            for i in range(1, n + 1):  # a band without gaps between rows
                low[i] = min(low[i], high[i - 1])
            beads = self._search(low, high)
            path = _path_rows(beads, n)
            touches = any((low[i] > 0 and path[i] <= low[i]) or (high[i] < m and path[i] >= high[i])
                          for i in range(1, n))
            if not touches or width >= max(n, m):
                return beads
            centre, width = path, width * 2

    # -- costs ---------------------------------------------------------------------------------

    def _mask(self, i: int, j: int) -> tuple[int, int]:
        """Which of German sentence i's content words English sentence j covers, and the other way."""
        found = self._masks.get((i, j))
        if found is None:
            g, e = self.german[i], self.english[j]
            found = (features.covered(g.words, e.keys), features.covered(e.words, g.keys))
            self._masks[(i, j)] = found
        return found

    def _match(self, i: int, j: int, di: int, dj: int, budget: float) -> float | None:
        """How badly German ``i:i+di`` and English ``j:j+dj`` match (the bead's cost without its
        prior), or ``None`` when the length term alone reaches ``budget`` (the bead cannot win)."""
        settings = self.settings
        german_length = sum(self._german_lengths[i:i + di]) + di - 1
        english_length = sum(self._english_lengths[j:j + dj]) + dj - 1
        delta = (english_length - self.ratio * german_length) / math.sqrt(
            settings.variance * max(1.0, (german_length + english_length / self.ratio) / 2))
        match = settings.length_weight * min(delta * delta, 25.0) / 2
        if match >= budget:
            return None
        german = self.german[i:i + di]
        english = self.english[j:j + dj]
        if di == 1 and dj == 1:
            german_mask, english_mask = self._mask(i, j)
            covered, weakest = german_mask.bit_count() + english_mask.bit_count(), 1.0
        else:
            covered, weakest = self._covered(i, j, german, english)
        words = sum(len(s.words) for s in german) + sum(len(s.words) for s in english)
        lexical = covered / words if words else 0.5
        german_numbers = [n for s in german for n in s.numbers]
        english_numbers = [n for s in english for n in s.numbers]
        numbers = _disagreement(german_numbers, english_numbers) if german_numbers or english_numbers else 0.0
        return (match + settings.lexical_weight * (1 - lexical) + settings.number_weight * numbers
                + settings.weakest_weight * (1 - weakest))

    def _covered(self, i: int, j: int, german: list[SentenceFeatures],
                 english: list[SentenceFeatures]) -> tuple[int, float]:
        """Content words of a bead covered by the other side, and the smallest share covered of
        any one sentence."""
        covered, weakest = 0, 1.0
        sides = ((0, german, lambda a: [(i + a, j + b) for b in range(len(english))]),
                 (1, english, lambda b: [(i + a, j + b) for a in range(len(german))]))
        for side, sentences, cells_of in sides:
            for position, sentence in enumerate(sentences):
                mask = 0
                for cell in cells_of(position):
                    mask |= self._mask(*cell)[side]
                covered += mask.bit_count()
                weakest = min(weakest, _share(mask, sentence))
        return covered, weakest

    # -- search --------------------------------------------------------------------------------

    def _search(self, low: list[int], high: list[int]) -> list[Bead]:
        """Dynamic programming over the cells (i, j) with low[i] <= j <= high[i]. A cell keeps its
        cheapest way in: (total cost, German taken, English taken, the bead's match or ``None``)."""
        n, m = len(self.german), len(self.english)
        skip, priors = self.settings.skip, self.settings.priors
        best: list[dict[int, tuple[float, int, int, float | None]]] = [dict() for _ in range(n + 1)]
        best[0][0] = (0.0, 0, 0, None)
        for i in range(n + 1):
            row = best[i]
            for j in range(low[i], high[i] + 1):
                if i == 0 and j == 0:
                    continue
                choice = None
                for di, dj in ((1, 0), (0, 1)):  # the skips first: they bound what the others may cost
                    before = best[i - di].get(j - dj) if i >= di and j >= dj else None
                    if before is not None and (choice is None or before[0] + skip < choice[0]):
                        choice = (before[0] + skip, di, dj, None)
                for (di, dj), prior in priors.items():
                    if i < di or j < dj:
                        continue
                    before = best[i - di].get(j - dj)
                    if before is None:
                        continue
                    budget = (choice[0] if choice else math.inf) - before[0] - prior
                    if budget <= 0:
                        continue
                    match = self._match(i - di, j - dj, di, dj, budget)
                    if match is not None and match < budget:
                        choice = (before[0] + prior + match, di, dj, match)
                if choice is not None:
                    row[j] = choice
        if m not in best[n]:
            raise RuntimeError("the band does not reach the end of both texts")
        beads = []
        i, j = n, m
        while i or j:
            _, di, dj, match = best[i][j]
            score = None if match is None else math.exp(-match / 2)
            beads.append(Bead(tuple(range(i - di, i)), tuple(range(j - dj, j)), score))
            i, j = i - di, j - dj
        return beads[::-1]

    def _anchor_path(self) -> list[float]:
        """For each German position, the English position the band is centred on: straight lines
        between anchors. An anchor is a German sentence whose best English match, within
        ``settings.search`` sentences of where the last anchor leads, clearly beats the second best
        (shared keys: dictionary translations, names, numbers, cognates)."""
        n, m = len(self.german), len(self.english)
        ratio, offset, reach = m / n, 0.0, self.settings.search
        anchors = []
        for i, german in enumerate(self.german):
            if len(german.words) < 4:
                continue
            centre = int(i * ratio + offset)
            ranked = sorted(((len(german.keys & self.english[j].keys) / (len(self.english[j].words) + 1), j)
                             for j in range(max(0, centre - reach), min(m, centre + reach + 1))), reverse=True)
            if len(ranked) > 1 and ranked[0][0] >= 0.5 and ranked[0][0] >= 1.5 * ranked[1][0]:
                anchors.append((i, ranked[0][1]))
                offset = ranked[0][1] - i * ratio
        chain = _increasing(anchors)
        points = [(0, 0.0), *((i, j + 0.5) for i, j in chain), (n, float(m))]
        centre = []
        for i in range(n + 1):
            k = max(0, bisect_left(points, (i, -1.0)) - 1)
            (i0, j0), (i1, j1) = points[k], points[min(k + 1, len(points) - 1)]
            centre.append(j0 if i1 == i0 else j0 + (j1 - j0) * (i - i0) / (i1 - i0))
        return centre


def _disagreement(german: list[str], english: list[str]) -> float:
    """The share of numbers found on one side only (as multisets)."""
    if not german or not english:
        return 1.0
    if len(german) == len(english) and sorted(german) == sorted(english):
        return 0.0
    left, right = Counter(german), Counter(english)
    return sum(((left - right) + (right - left)).values()) / sum((left | right).values())


def _share(mask: int, sentence: SentenceFeatures) -> float:
    """The share of the sentence's content words that ``mask`` marks (1 for fewer than two words)."""
    return mask.bit_count() / len(sentence.words) if len(sentence.words) >= 2 else 1.0


def _increasing(anchors: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of anchors increasing in both positions."""
    tails: list[int] = []
    tail_at: list[int] = []
    previous = [-1] * len(anchors)
    for index, (_, j) in enumerate(anchors):
        k = bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_at.append(index)
        else:
            tails[k], tail_at[k] = j, index
        previous[index] = tail_at[k - 1] if k else -1
    chain = []
    index = tail_at[-1] if tail_at else -1
    while index >= 0:
        chain.append(anchors[index])
        index = previous[index]
    return chain[::-1]


def _path_rows(beads: list[Bead], n: int) -> list[float]:
    """For each German position, the English position the path passes there."""
    rows = [0.0] * (n + 1)
    j = 0
    for bead in beads:
        j += len(bead.english)
        if bead.german:
            rows[bead.german[-1] + 1] = float(j)
    for i in range(1, n + 1):
        rows[i] = max(rows[i], rows[i - 1])
    return rows
