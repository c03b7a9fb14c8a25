"""Align stage: segments and their translations → paragraphs of sentence pairs; ``beads`` aligns an
existing English translation with the German sentences."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from pipeline.model import AlignedParagraph, Alignment, Pair, Segment, Translation


def align(segments: Sequence[Segment], translations: Sequence[Translation],
          alignments: Sequence[Alignment | None] | None = None) -> tuple[AlignedParagraph, ...]:
    """Pair each segment with its translation (and, for an existing English, its bead: ``beads``),
    grouped by paragraph, in order."""
    if len(segments) != len(translations):
        raise ValueError(f"{len(segments)} segments but {len(translations)} translations")
    pairs = [
        Pair(segment=segment, target=translation.text, score=translation.score, origin=translation.origin,
             approved=translation.approved, parts=translation.parts, alignment=alignment)
        for segment, translation, alignment in zip(segments, translations, alignments or [None] * len(segments))
    ]
    return tuple(
        AlignedParagraph(number=number, pairs=tuple(group))
        for number, group in groupby(pairs, key=lambda pair: pair.segment.paragraph)
    )
