"""Build real Argos Translate packages with seeded random weights.

No German→English model can be downloaded on the machines this project is built
on, so tests and benchmarks make their own: a SentencePiece model trained on
German text, a CTranslate2 Transformer with seeded random weights, and a
``metadata.json``, zipped as a ``.argosmodel`` exactly like a published
package. The English it produces is gibberish, but every stage runs for real.

Random weights never choose the end token on their own, and under beam search
a constant bias on ``</s>`` ends every output either at once or never. So the
``</s>`` row of the output projection compares a target-length clock with the
source length instead (``_length_control``): outputs end near 1.1× the source
tokens, and their content still depends on the source.

    python -m tools.fixture_model --shape tiny --install
    python -m tools.fixture_model --shape bench --out build/bench.argosmodel
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@dataclass(frozen=True)
class ModelShape:
    """Hyper-parameters of a generated Transformer package."""

    name: str
    layers: int
    d_model: int
    heads: int
    ffn: int
    vocab_size: int
    weight_std: float = 0.1
    clock_ratio: float = 1.0
    """Length factor of the ``</s>`` logit; with the few tokens every output
    starts with, outputs average about 1.1× the source tokens."""
    end_sharpness: float = 40.0
    """Slope of the ``</s>`` logit over the clock difference. Deeper and wider
    models have larger residual streams, which the final layer norm divides the
    clocks by, so they need a steeper slope."""


SHAPES = {
    # Small enough to build in a few seconds inside a test.
    "tiny": ModelShape("tiny", layers=2, d_model=64, heads=4, ffn=128, vocab_size=600),
    # The shape of a real Argos de→en package (Transformer-base, 32k vocabulary).
    # Its weights are smaller (std 0.03, like a real initialization) so that six random layers do
    # not swamp the length clocks, and the </s> slope is calibrated: outputs average 1.07× the
    # source tokens on the Fontane novel (median 1.12, correlation 0.96).
    "bench": ModelShape("bench", layers=6, d_model=512, heads=8, ffn=2048, vocab_size=32000, weight_std=0.03,
                        end_sharpness=90.0),
}


def train_sentencepiece(texts: list[str], vocab_size: int, out_prefix: Path) -> Path:
    """Train a unigram SentencePiece model on ``texts``; returns the model file."""
    import sentencepiece as spm

    corpus = out_prefix.with_suffix(".txt")
    corpus.write_text("\n".join(line for text in texts for line in text.splitlines() if line.strip()), "utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(out_prefix),
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        model_type="unigram",
        input_sentence_size=2_000_000,
        shuffle_input_sentence=True,
        seed_sentencepiece_size=1_000_000,
        num_threads=2,
        minloglevel=2,
    )
    return out_prefix.with_suffix(".model")


MAX_POSITIONS = 1024
"""Input limit of generated models, in tokens (like a learned position table)."""

TARGET_CLOCK, SOURCE_CLOCK, ZERO = 0, 1, 2
"""Residual dimensions reserved for the length mechanism (see ``_length_control``).
``ZERO`` always holds 0: after a layer norm it reads ``-mean/std``, the reference
that cancels the mean the layer norm subtracts from the clocks."""
RESERVED = [TARGET_CLOCK, SOURCE_CLOCK, ZERO]


def _sinusoids(length: int, dim: int) -> np.ndarray:
    positions = np.arange(length)[:, None]
    rates = 1.0 / np.power(10000.0, np.arange(0, dim, 2) / dim)
    table = np.zeros((length, dim), np.float32)
    table[:, 0::2] = np.sin(positions * rates)
    table[:, 1::2] = np.cos(positions * rates)
    return table


def _fill(spec, rng: np.random.Generator, shape: ModelShape, vocab: int) -> None:
    """Give every weight of a TransformerSpec a seeded random value.

    The two clock dimensions are kept free of random writes so that the
    length mechanism reads clean values.
    """
    d, ffn, std = shape.d_model, shape.ffn, shape.weight_std

    def normal(*dims: int) -> np.ndarray:
        return (rng.standard_normal(dims) * std).astype(np.float32)

    def layer_norm(ln) -> None:
        ln.gamma = np.ones(d, np.float32)
        ln.beta = np.zeros(d, np.float32)

    def linear(lin, out_dim: int, in_dim: int, writes_residual: bool = False) -> None:
        lin.weight = normal(out_dim, in_dim)
        lin.bias = np.zeros(out_dim, np.float32)
        if writes_residual:
            lin.weight[RESERVED] = 0.0

    def attention(att, self_attention: bool) -> None:
        layer_norm(att.layer_norm)
        if self_attention:
            linear(att.linear[0], 3 * d, d)
        else:
            linear(att.linear[0], d, d)
            linear(att.linear[1], 2 * d, d)
        linear(att.linear[-1], d, d, writes_residual=True)

    def feed_forward(ff) -> None:
        layer_norm(ff.layer_norm)
        linear(ff.linear_0, ffn, d)
        linear(ff.linear_1, d, ffn, writes_residual=True)

    def embeddings() -> np.ndarray:
        table = rng.standard_normal((vocab, d)).astype(np.float32)
        table[:, RESERVED] = 0.0
        return table

    spec.encoder.embeddings[0].weight = embeddings()
    layer_norm(spec.encoder.layer_norm)
    for layer in spec.encoder.layer:
        attention(layer.self_attention, True)
        feed_forward(layer.ffn)

    spec.decoder.embeddings.weight = embeddings()
    layer_norm(spec.decoder.layer_norm)
    for layer in spec.decoder.layer:
        attention(layer.self_attention, True)
        attention(layer.attention, False)
        feed_forward(layer.ffn)
    linear(spec.decoder.projection, vocab, d)


def _length_control(spec, shape: ModelShape, end_id: int, target_ratio: float) -> None:
    """Make ``</s>`` likely once the output is about ``target_ratio`` × the source length.

    The decoder's position table counts target steps in ``TARGET_CLOCK``; the
    encoder's counts source positions in ``SOURCE_CLOCK``. In the last decoder
    layer, head 0 of the cross-attention gets zero queries, so it attends
    uniformly over the source and copies the mean source position
    (≈ source length / 2) into ``SOURCE_CLOCK``. The ``</s>`` row of the output
    projection compares the two clocks.
    """
    d = shape.d_model
    step = 0.05
    encoder_table = _sinusoids(MAX_POSITIONS, d)
    decoder_table = _sinusoids(MAX_POSITIONS, d)
    encoder_table[:, RESERVED] = 0.0
    decoder_table[:, RESERVED] = 0.0
    encoder_table[:, SOURCE_CLOCK] = np.arange(MAX_POSITIONS) * step
    decoder_table[:, TARGET_CLOCK] = np.arange(MAX_POSITIONS) * step
    spec.encoder.position_encodings.encodings = encoder_table
    spec.decoder.position_encodings.encodings = decoder_table

    # Copy the encoder's source clock through the last layer's cross-attention head 0.
    cross = spec.decoder.layer[-1].attention
    head = d // shape.heads
    cross.linear[0].weight[:head] = 0.0
    value = cross.linear[1].weight[d:]
    value[:head] = 0.0
    # The encoder's final layer norm divides by about sqrt(d) (the embedding scale); undo it.
    value[SOURCE_CLOCK, SOURCE_CLOCK] = d**0.5
    value[SOURCE_CLOCK, ZERO] = -(d**0.5)
    out = cross.linear[-1].weight
    out[:, :head] = 0.0
    out[SOURCE_CLOCK, :] = 0.0
    out[SOURCE_CLOCK, SOURCE_CLOCK] = 1.0

    # ``</s>`` logit ∝ target clock − 2·ratio·(mean source position).
    projection = spec.decoder.projection
    projection.weight[end_id] = 0.0
    sharpness = shape.end_sharpness
    projection.weight[end_id, TARGET_CLOCK] = sharpness
    projection.weight[end_id, SOURCE_CLOCK] = -sharpness * 2.0 * target_ratio
    projection.weight[end_id, ZERO] = sharpness * (2.0 * target_ratio - 1.0)


def build_ctranslate2_model(vocabulary: list[str], shape: ModelShape, seed: int, out_dir: Path) -> None:
    """Save an int8 CTranslate2 Transformer with a shared source/target vocabulary."""
    from ctranslate2.specs import TransformerSpec

    spec = TransformerSpec.from_config(shape.layers, shape.heads)
    _fill(spec, np.random.default_rng(seed), shape, len(vocabulary))
    _length_control(spec, shape, vocabulary.index("</s>"), shape.clock_ratio)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization="int8")
    out_dir.mkdir(parents=True)
    spec.save(str(out_dir))


def build_package(
    texts: list[str],
    out_file: Path,
    shape: ModelShape = SHAPES["tiny"],
    seed: int = 1234,
    version: str = "0.0.1",
) -> Path:
    """Write a de→en ``.argosmodel`` trained on ``texts`` to ``out_file``."""
    import sentencepiece as spm

    folder_name = f"translate-de_en-fixture-{shape.name}"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / folder_name
        root.mkdir()
        sp_model = train_sentencepiece(texts, shape.vocab_size, Path(tmp) / "spm")
        shutil.copy(sp_model, root / "sentencepiece.model")
        processor = spm.SentencePieceProcessor(model_file=str(sp_model))
        vocabulary = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
        build_ctranslate2_model(vocabulary, shape, seed, root / "model")
        metadata = {
            "package_version": version,
            "argos_version": "1.9",
            "from_code": "de",
            "from_name": "German",
            "to_code": "en",
            "to_name": "English",
            "type": "translate",
            "code": f"fixture-{shape.name}",
        }
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), "utf-8")
        (root / "README.md").write_text(
            f"Fixture de→en package ({shape.name}, seed {seed}) built by tools.fixture_model.\n"
            "Its weights are random: its English is gibberish. For tests and benchmarks only.\n",
            "utf-8",
        )
        out_file.parent.mkdir(parents=True, exist_ok=True)
        partial = out_file.with_name(out_file.name + ".part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                archive.write(path, path.relative_to(root.parent).as_posix())
        partial.replace(out_file)
    return out_file


def default_training_texts(shape: ModelShape) -> list[str]:
    """German text to train the tokenizer on: the inputs, plus novels for a 32k vocabulary."""
    texts = [p.read_text("utf-8") for p in sorted(Path("input").glob("*.txt"))]
    if shape.vocab_size > 5000:
        novels = sorted((SHARED_DATA / "eltec-deu").glob("DEU0[0-1]*.txt"))
        texts += [p.read_text("utf-8") for p in novels]
        texts.append((SHARED_DATA / "fontane-irrungen-wirrungen.txt").read_text("utf-8"))
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.fixture_model", description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", choices=sorted(SHAPES), default="tiny")
    parser.add_argument("--seed", type=int, default=1234)
    parser.add_argument("--out", type=Path, help="where to write the .argosmodel (default: build/fixture-SHAPE.argosmodel)")
    parser.add_argument("--install", action="store_true", help="install it into the Argos packages directory")
    args = parser.parse_args(argv)
    shape = SHAPES[args.shape]
    out = args.out or Path("build") / f"fixture-{shape.name}.argosmodel"
    build_package(default_training_texts(shape), out, shape, args.seed)
    print(f"built {out}", file=sys.stderr)
    if args.install:
        from pipeline import packages

        installed = packages.install_archive(out)
        print(f"installed {installed.name} {installed.version} into {installed.path.parent}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
