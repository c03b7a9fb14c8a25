"""Fit the weights of the checks that score a pair (omission, addition): logistic regression on
correct pairs (0) and the same pairs with an error injected (1: a clause dropped from the English,
a sentence appended to it), from the *first halves* of both dev sets only (newstest2021: news,
German original; UD German PUD: news and Wikipedia, English original), with 5-fold
cross-validation to check that the fit holds on pairs it did not see. The thresholds are the
scores that a share of the correct pairs exceed (warning: 4.5 % for omission, whose errors hide
among paraphrases, 1 % for addition, whose appended sentences stand out; error: 0.5 % and
0.1 %). Each pair is scored as if checked alone, its length against the prior
(``CheckSettings.length_ratio_prior``), so that the weights serve a single pair too; ``brief`` and
``qa`` then judge a document's lengths against its own (``checks.document``), as
``tools/injection.py`` does with each half. The second halves are left for reporting
(``tests/test_check.py``).

    python -m tools.fit_checks      # prints each fit, its folds and the settings to paste
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pipeline.checks import DEFAULT_SETTINGS, addition, omission
from pipeline.checks.context import PairContext
from tools.injection import INJECTORS

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
L2 = 1.0
FITTED: dict[str, tuple[Callable[[PairContext], tuple[float, ...]], str, float, float]] = {
    "omission": (omission.features, "clause", 0.045, 0.005),
    "addition": (addition.features, "added text", 0.01, 0.001),
}
"""Check → (its features, the injected error it is fitted to tell from correct pairs, the shares of
correct pairs its warning and its error thresholds let through)."""


def dev_halves() -> dict[str, tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]]:
    """Each dev set's (first half, second half) of (id, German, correct English)."""
    news = [(r["id"], r["de"], r["en"]) for r in map(json.loads, (SHARED / "newstest2021-de-en.jsonl").open())]
    pud = [(f"{r['id']}.{k}", de, en) for r in map(json.loads, (SHARED / "ud-german-pud-half.jsonl").open())
           for k, (de, en) in enumerate(zip(r["sentences"], r["sentences_en"]))]
    return {name: (pairs[: len(pairs) // 2], pairs[len(pairs) // 2:]) for name, pairs in
            (("newstest2021", news), ("UD German PUD", pud))}


def dataset(pairs: list[tuple[str, str, str]], features, kind: str) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for pair_id, de, en in pairs:
        context = PairContext(de, en, DEFAULT_SETTINGS)
        if not context.content_words:
            continue
        rows.append(list(features(context)))
        labels.append(0)
        broken = INJECTORS[kind](de, en, random.Random(f"{kind}:{pair_id}"))
        if broken and broken != en:
            rows.append(list(features(PairContext(de, broken, DEFAULT_SETTINGS))))
            labels.append(1)
    return np.array(rows), np.array(labels, dtype=float)


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Weights (bias first) by Newton's method with an L2 penalty on the weights."""
    design = np.hstack([np.ones((len(x), 1)), x])
    weights = np.zeros(design.shape[1])
    penalty = np.eye(design.shape[1]) * L2
    penalty[0, 0] = 0
    for _ in range(50):
        p = 1 / (1 + np.exp(-design @ weights))
        gradient = design.T @ (p - y) + penalty @ weights
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-8:
            break
    return weights


def scores(weights: np.ndarray, x: np.ndarray) -> np.ndarray:
    return weights[0] + x @ weights[1:]


def fit_check(name: str) -> None:
    features, kind, warning_share, error_share = FITTED[name]
    halves = dev_halves()
    x_parts, y_parts = zip(*(dataset(first, features, kind) for first, _ in halves.values()))
    x, y = np.vstack(x_parts), np.concatenate(y_parts)
    order = np.random.default_rng(7).permutation(len(x))
    print(f"{name} (correct pairs against '{kind}'):")
    for k, held in enumerate(np.array_split(order, 5)):
        train = np.setdiff1d(order, held)
        weights = fit(x[train], y[train])
        warning = np.quantile(scores(weights, x[train][y[train] == 0]), 1 - warning_share)
        held_scores = scores(weights, x[held])
        print(f"  fold {k + 1}: held-out correct pairs flagged {np.mean(held_scores[y[held] == 0] > warning):.1%}, "
              f"injected caught {np.mean(held_scores[y[held] == 1] > warning):.1%}")
    weights = fit(x, y)
    clean = scores(weights, x[y == 0])
    warning = float(np.quantile(clean, 1 - warning_share))
    error = float(np.quantile(clean, 1 - error_share))
    injected = scores(weights, x[y == 1])
    print(f"  all first halves: {int((y == 0).sum())} correct, {int(y.sum())} injected; caught {np.mean(injected > warning):.1%}, "
          f"as an error {np.mean(injected > error):.1%}")
    print(f"  {name}_weights = ({', '.join(f'{w:.3g}' for w in weights[1:])})")
    print(f"  {name}_bias = {weights[0]:.3g}")
    print(f"  {name}_warning = {warning:.3g}")
    print(f"  {name}_error = {error:.3g}")
    if not math.isfinite(warning):
        raise SystemExit(f"the {name} fit did not converge")


def main() -> None:
    for name in FITTED:
        fit_check(name)


if __name__ == "__main__":
    main()
