"""Severities and the checks' thresholds, in one place."""

from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class CheckSettings:
    """Thresholds of the checks, calibrated on WMT21 news (newstest2021) with injected errors."""

    length_bands: tuple[tuple[int, float, float], ...] = ((20, 0.25, 4.0), (60, 0.45, 2.2), (10**9, 0.55, 1.8))
    """``(up to N source characters, lowest, highest target/source ratio)``: looser for short segments."""
    length_error_factor: float = 1.5
    """Beyond the band by this factor (ratio below low/f or above high·f) is an error, not a warning."""
    copied_share: float = 0.6
    """Share of target words taken over from the source above which a target counts as untranslated."""
    repeat_in_a_row: int = 3
    """A word this many times in a row is a stutter, whatever the German says."""
    min_alignment_score: float = 0.25
    """Bead score (``align.beads``) below which aligned English may belong to a neighbouring sentence:
    1 % of correct beads of held-out news and PUD pairs score below it, wrong ones 0.25–0.44."""
    min_score: float = -1.2
    """Mean log-probability per token below which the model was unsure (warning)."""
    length_ratio_prior: float = -0.067
    """The log English/German length ratio (characters) of a typical pair, the median of the first
    halves of both dev sets: what a document's own median is drawn toward (``checks.document.length_baseline``)."""
    length_ratio_pull: float = 10.0
    """How many pairs of its own a document needs for its median to count half against the prior."""
    length_ratio_reach: float = 0.15
    """How far (log) a document's baseline may move from the prior: the dev sets' halves lie between
    −0.14 and −0.03; English that runs shorter still is itself suspect (a model that truncates)."""
    omission_weights: tuple[float, ...] = (0.695, 0.451, -7.7, -0.127, -0.315)
    """Omission score: weights of (uncovered German content words, longest uncovered run,
    log English/German length ratio against the document's, log content-word ratio, uncovered
    English content words), fitted by ``tools/fit_checks.py`` on correct and clause-dropped pairs of
    the first halves of newstest2021 and UD German PUD, each pair scored alone. The bias is the fit's
    plus length weight × ``length_ratio_prior``, so that a pair judged against the prior scores as
    it did when lengths were not relative."""
    omission_bias: float = -2.944
    omission_warning: float = 0.487
    """Omission score above which a pair gets a warning (4.5 % of those correct pairs score above it)."""
    omission_error: float = 2.28
    """Omission score above which it is an error (0.5 % of those correct pairs) ..."""
    omission_error_shorter: float = -0.1
    """... when the English is also this much (log) shorter than its document's usual: a dropped clause
    shortens it, while English of the usual length with words uncovered is more likely a paraphrase
    (every clause-dropped pair of the dev sets that scores an error is shorter than that)."""

    addition_weights: tuple[float, ...] = (0.253, 0.78, 5.91, 5.97)
    """Addition score: weights of (English content words no German word accounts for, longest run
    of them, log English/German length ratio against the document's, uncovered share of an English
    sentence more than the German has), fitted by ``tools/fit_checks.py`` on correct pairs and pairs
    with a sentence appended, of the first halves of both dev sets; the bias moved as omission's."""
    addition_bias: float = -5.986
    addition_warning: float = -0.593
    """Addition score above which a pair gets a warning (1 % of those correct pairs score above it)."""
    addition_error: float = 0.0331
    """Addition score above which it is an error (0.1 % of those correct pairs)."""


DEFAULT_SETTINGS = CheckSettings()
