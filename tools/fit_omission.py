"""Fit the omission check's weights: logistic regression on correct pairs (0) and the same pairs
with a clause dropped from the English (1), from the *first halves* of both dev sets only
(newstest2021: news, German original; UD German PUD: news and Wikipedia, English original), with
5-fold cross-validation to check that the fit holds on pairs it did not see. The thresholds are
the scores that 6 % (warning) and 0.5 % (error) of the correct pairs exceed. The second halves
are left for reporting (``tests/test_check.py``).

    python -m tools.fit_omission      # prints the fit, the folds and the settings to paste
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import numpy as np

from pipeline.checks import DEFAULT_SETTINGS, omission
from pipeline.checks.context import PairContext
from tools.injection import INJECTORS

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
WARNING_SHARE = 0.06
ERROR_SHARE = 0.005
L2 = 1.0


def dev_halves() -> dict[str, tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]]:
    """Each dev set's (first half, second half) of (id, German, correct English)."""
    news = [(r["id"], r["de"], r["en"]) for r in map(json.loads, (SHARED / "newstest2021-de-en.jsonl").open())]
    pud = [(f"{r['id']}.{k}", de, en) for r in map(json.loads, (SHARED / "ud-german-pud-half.jsonl").open())
           for k, (de, en) in enumerate(zip(r["sentences"], r["sentences_en"]))]
    return {name: (pairs[: len(pairs) // 2], pairs[len(pairs) // 2:]) for name, pairs in
            (("newstest2021", news), ("UD German PUD", pud))}


def features(source: str, target: str) -> list[float]:
    return list(omission.features(PairContext(source, target, DEFAULT_SETTINGS)))


def dataset(pairs: list[tuple[str, str, str]]) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for pair_id, de, en in pairs:
        context = PairContext(de, en, DEFAULT_SETTINGS)
        if not context.content_words:
            continue
        rows.append(features(de, en))
        labels.append(0)
        broken = INJECTORS["clause"](de, en, random.Random(f"clause:{pair_id}"))
        if broken and broken != en:
            rows.append(features(de, broken))
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


def main() -> None:
    halves = dev_halves()
    x_parts, y_parts = zip(*(dataset(first) for first, _ in halves.values()))
    x, y = np.vstack(x_parts), np.concatenate(y_parts)
    order = np.random.default_rng(7).permutation(len(x))
    folds = np.array_split(order, 5)
    for k, held in enumerate(folds):
        train = np.setdiff1d(order, held)
        weights = fit(x[train], y[train])
        warning = np.quantile(scores(weights, x[train][y[train] == 0]), 1 - WARNING_SHARE)
        held_scores = scores(weights, x[held])
        clean = held_scores[y[held] == 0]
        dropped = held_scores[y[held] == 1]
        print(f"fold {k + 1}: held-out correct pairs flagged {np.mean(clean > warning):.1%}, "
              f"dropped clauses caught {np.mean(dropped > warning):.1%}")
    weights = fit(x, y)
    clean = scores(weights, x[y == 0])
    warning = float(np.quantile(clean, 1 - WARNING_SHARE))
    error = float(np.quantile(clean, 1 - ERROR_SHARE))
    caught = np.mean(scores(weights, x[y == 1]) > warning)
    print(f"all first halves: {int((y == 0).sum())} correct, {int(y.sum())} dropped; caught {caught:.1%}")
    print(f"omission_weights = ({', '.join(f'{w:.3g}' for w in weights[1:])})")
    print(f"omission_bias = {weights[0]:.3g}")
    print(f"omission_warning = {warning:.3g}")
    print(f"omission_error = {error:.3g}")
    if not math.isfinite(warning):
        raise SystemExit("the fit did not converge")


if __name__ == "__main__":
    main()
