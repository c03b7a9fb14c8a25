"""Align stage: segments and their translations → paragraphs of sentence pairs."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from pipeline.model import AlignedParagraph, Pair, Segment, Translation


def align(segments: Sequence[Segment], translations: Sequence[Translation]) -> tuple[AlignedParagraph, ...]:
    """Pair each segment with its translation, grouped by paragraph, in order."""
    if len(segments) != len(translations):
        raise ValueError(f"{len(segments)} segments but {len(translations)} translations")
    pairs = [
        Pair(segment=segment, target=translation.text, score=translation.score, origin=translation.origin,
             approved=translation.approved, parts=translation.parts)
        for segment, translation in zip(segments, translations)
    ]
    return tuple(
        AlignedParagraph(number=number, pairs=tuple(group))
        for number, group in groupby(pairs, key=lambda pair: pair.segment.paragraph)
    )
