"""``<name>.json``: the aligned pairs with ids, scores, origins and flags, and the provenance that
produced them; written last, its ``content_key`` marks the set of outputs as complete."""

from __future__ import annotations

import json

from pipeline.model import Brief

SUFFIX = ".json"
STAGE = "export"
NEEDS: tuple[str, ...] = ()


def render(brief: Brief, made: dict[str, bytes], options) -> bytes:
    return to_json(brief, options.content_key).encode("utf-8")


def to_json(brief: Brief, content_key: str) -> str:
    """The aligned pairs with ids and scores, plus the provenance that produced them.

    ``content_key`` identifies the content of the whole set of outputs (see ``build.content_key``).
    """
    document = brief.document
    signature = brief.signature
    data = {
        "document": {
            "name": document.name,
            "title": document.title,
            "source": document.source,
            "date": document.date,
            "author": document.author,
            "title_from": document.title_from,
            "date_from": document.date_from,
            "skipped": dict(document.skipped),
            "input": str(document.path) if document.path else None,
            "sha256": document.sha256,
            "encoding": document.encoding,
            "encoding_detected": document.encoding_detected,
        },
        "provenance": {
            "signature": signature.line(),
            "pipeline_version": signature.pipeline_version,
            "splitter": signature.splitter,
            "model": {"name": signature.package.name, "version": signature.package.version},
            "ctranslate2_version": signature.ctranslate2_version,
            "decoding": signature.decoding.describe(),
            "created": brief.created,
        },
        "english_file": brief.english_file,
        "glossary": ({"name": brief.glossary.name, "sha256": brief.glossary.sha256, "terms": brief.glossary.terms}
                     if brief.glossary else None),
        "qa": brief.qa.line(),
        "human_pairs": brief.human_pairs,
        "approved_pairs": brief.approved_pairs,
        "content_key": content_key,
        "pairs": [
            {
                "id": pair.segment.id,
                "paragraph": pair.segment.paragraph,
                "source": pair.segment.text,
                "target": pair.target,
                "score": None if pair.score is None else round(pair.score, 4),
                "origin": pair.origin,
                "approved": pair.approved,
                "flags": [{"check": f.check, "severity": f.severity, "message": f.message} for f in pair.flags],
                **({"alignment": _alignment(pair.alignment)} if pair.alignment else {}),
                **({"terms": [_term(hit) for hit in pair.terms]} if pair.terms else {}),
            }
            for pair in brief.pairs
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _term(hit) -> dict:
    """A glossary term in the pair's German: as written, the glossary's German, its approved English,
    the approved English the pair uses (or null) and forbidden English it uses (or null)."""
    return {"german": hit.german, "term": hit.term, "approved": list(hit.approved), "found": hit.found,
            "forbidden": hit.forbidden}


def _alignment(alignment) -> dict:
    """The pair's bead: kind, score, the English sentences' positions, the pair showing its English
    (for the later German sentences of a bead) and English with no German after it."""
    return {"bead": alignment.bead, "score": None if alignment.score is None else round(alignment.score, 4),
            "english": list(alignment.english), "lead": alignment.lead, "additions": list(alignment.additions)}
