"""Fit the same-fact model (AnalyzeSettings.fact_weights, fact_bias, fact_probability) and tune the cosine
threshold of the fallback (fact_similarity and its name/figure bonuses) on MSRP.

MSRP pairs are sentences from news clusters on the same story, labelled by people as saying the same thing or
not: the question fact alignment asks of two sentences of different articles. For each setting of the bonuses
the script sweeps the threshold on the train split, picks the one with the best F1 (ties: higher precision),
and reports precision / recall / F1 / accuracy of that choice on the test split.

The criterion is accuracy, not F1: MSRP is two-thirds positive and its F1 peaks near "everything is a
paraphrase" (all-positive F1 0.80), while inside a story most sentence pairs are different statements.

    .venv/bin/python benchmarks/tune_facts.py [--limit N] [--hashing]

The first table is the logistic model over analyze.FACT_FEATURES, fit on train (scikit-learn, only needed here),
and the same model over the features tidings had before issue #14 (the first 21); each probability threshold is the
train-accuracy best; train is reported by 10-fold cross-validation at it, test once. The weights in settings.py (fit on
ECB+ topics 1-35 by benchmarks/fact_groups.py) are reported the same way, and at their fact_probability. The later
tables are the cosine + bonus fallback.

``--hashing`` tunes for the hashing fallback encoder (AnalyzeSettings.fact_similarity_lexical).
Reads ../shared/corpora/msrp at run time.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
MSRP = SHARED / "corpora" / "msrp"


def load_pairs(split: str, limit: int | None) -> list[tuple[int, str, str]]:
    path = MSRP / f"msr_paraphrase_{split}.txt.gz"
    rows: list[tuple[int, str, str]] = []
    with gzip.open(path, "rt", encoding="utf-8-sig") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5:
                rows.append((int(parts[0]), parts[3], parts[4]))
    return rows[:limit] if limit else rows


def features(pairs: list[tuple[int, str, str]]) -> dict[str, object]:
    """Cosines, name sets and figures of every pair (one encode and one spaCy pass over the unique sentences)."""
    from tidings.analyze import name_idf, sentence_features
    from tidings.resources import get_embedder

    texts = sorted({t for _, a, b in pairs for t in (a, b)})
    index = {t: i for i, t in enumerate(texts)}
    emb = get_embedder().encode(texts)
    feats = sentence_features(texts)
    idf = name_idf(f[0] for f in feats)
    ia = np.array([index[a] for _, a, _ in pairs])
    ib = np.array([index[b] for _, _, b in pairs])
    cos = np.sum(emb[ia] * emb[ib], axis=1)
    from tidings.analyze import fact_features

    x = np.array(
        [
            fact_features(float(c), a, b, feats[index[a]][0], feats[index[b]][0])
            for c, (_, a, b) in zip(cos, pairs, strict=True)
        ]
    )
    return {
        "cos": cos, "feats": feats, "ia": ia, "ib": ib, "idf": idf, "x": x,
        "labels": np.array([y for y, _, _ in pairs]),
    }  # fmt: skip


# FACT_FEATURES before issue #14 (the first 21 columns): the "before" row of the table.
BEFORE_ISSUE_14 = 21


def fit_and_report(
    name: str, train: dict[str, object], test: dict[str, object], columns: slice
) -> tuple[tuple[float, ...], float, float, np.ndarray]:
    """Fit the logistic model on train over ``columns`` of the features, pick its probability threshold on train
    (best in-sample accuracy), print a row: train 10-fold cross-validated and test accuracy / F1 at it."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    xtr, xte = train["x"][:, columns], test["x"][:, columns]  # type: ignore[index]
    ytr, yte = train["labels"], test["labels"]
    model = LogisticRegression(C=1.0, max_iter=5000).fit(xtr, ytr)  # type: ignore[arg-type]
    folds = StratifiedKFold(10, shuffle=True, random_state=0)
    cv = cross_val_predict(LogisticRegression(C=1.0, max_iter=5000), xtr, ytr, cv=folds, method="predict_proba")
    prob_tr, prob_te = model.predict_proba(xtr)[:, 1], model.predict_proba(xte)[:, 1]
    grid = np.round(np.arange(0.2, 0.91, 0.01), 2)
    sweep = [(scores(ytr, prob_tr >= t), t) for t in grid]  # type: ignore[arg-type]
    _, t = max(sweep, key=lambda x: (round(x[0][3], 3), x[0][0]))
    _p, _r, cf1, cacc = scores(ytr, cv[:, 1] >= t)  # type: ignore[arg-type]
    tp, tr, tf1, tacc = scores(yte, prob_te >= t)  # type: ignore[arg-type]
    print(f"| {name} | {xtr.shape[1]} | {t:.2f} | {cacc:.3f} | {cf1:.3f} | {tp:.3f} | {tr:.3f} | {tf1:.3f} | "
          f"{tacc:.3f} |")
    weights = tuple(round(float(w), 4) for w in model.coef_[0])
    return weights, round(float(model.intercept_[0]), 4), float(t), prob_te


def fit_model(train: dict[str, object], test: dict[str, object]) -> None:
    """Fit the logistic same-fact model on train, pick its threshold on train, report train-CV and test."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("(scikit-learn is absent: install the 'bench' extra to fit the same-fact model)\n")
        return

    from tidings.analyze import FACT_FEATURES, fact_probability
    from tidings.settings import AnalyzeSettings

    print("| same-fact model (fit on MSRP train) | features | threshold (train best acc) | train 10-fold CV acc | "
          "train CV F1 | test P | test R | test F1 | test acc |")
    print("|---|---|---|---|---|---|---|---|---|")
    fit_and_report("features before issue #14", train, test, slice(0, BEFORE_ISSUE_14))
    weights, bias, t, prob_te = fit_and_report("analyze.FACT_FEATURES", train, test, slice(None))
    print()
    grid = np.round(np.arange(0.2, 0.91, 0.01), 2)
    print("| weights of settings.py (fit on ECB+ 1-35) | threshold | train acc | test P | test R | test F1 | "
          "test acc |")
    print("|---|---|---|---|---|---|---|")
    deployed = AnalyzeSettings()
    dep_tr = np.array([fact_probability(list(f), deployed) for f in train["x"]])  # type: ignore[attr-defined]
    dep_te = np.array([fact_probability(list(f), deployed) for f in test["x"]])  # type: ignore[attr-defined]
    dsweep = [(scores(train["labels"], dep_tr >= th), th) for th in grid]  # type: ignore[arg-type]
    (_p, _r, _f1, dacc), dt = max(dsweep, key=lambda x: (round(x[0][3], 3), x[0][0]))
    dp, dr, df1, dtacc = scores(test["labels"], dep_te >= dt)  # type: ignore[arg-type]
    print(f"| at the MSRP-train best threshold | {dt:.2f} | {dacc:.3f} | {dp:.3f} | {dr:.3f} | {df1:.3f} | "
          f"{dtacc:.3f} |")
    p7, r7, f7, a7 = scores(test["labels"], dep_te >= deployed.fact_probability)  # type: ignore[arg-type]
    print(f"| at its fact_probability | {deployed.fact_probability:.2f} | - | {p7:.3f} | {r7:.3f} | "
          f"{f7:.3f} | {a7:.3f} |")
    print()
    print("MSRP-fit model along its probability:")
    print("| probability | test P | test R | test F1 | test acc |")
    print("|---|---|---|---|---|")
    for th in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        p, r, f1, a = scores(test["labels"], prob_te >= th)  # type: ignore[arg-type]
        print(f"| {th:.2f} | {p:.3f} | {r:.3f} | {f1:.3f} | {a:.3f} |")
    print()
    print("MSRP-fit weights (settings.py holds the ECB+ fit of benchmarks/fact_groups.py):")
    for name, w in zip(FACT_FEATURES, weights, strict=True):
        print(f"    {name:>40}: {w:+.4f}")
    print(f"fact_weights = {weights}\nfact_bias = {bias}\nfact_probability (train best accuracy) = {t:.2f}")
    print()


def bonuses(data: dict[str, object], name_bonus: float, figure_bonus: float) -> np.ndarray:
    from tidings.analyze import pair_bonus
    from tidings.settings import AnalyzeSettings

    s = replace(AnalyzeSettings(), fact_name_bonus=name_bonus, fact_figure_bonus=figure_bonus)
    feats = data["feats"]
    return np.array(
        [
            pair_bonus(feats[a][0], feats[b][0], feats[a][1], feats[b][1], data["idf"], s)  # type: ignore[index]
            for a, b in zip(data["ia"], data["ib"], strict=True)  # type: ignore[call-overload]
        ]
    )


def scores(labels: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float, float]:
    tp = float(np.sum(predicted & (labels == 1)))
    fp = float(np.sum(predicted & (labels == 0)))
    fn = float(np.sum(~predicted & (labels == 1)))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    acc = float(np.mean(predicted == (labels == 1)))
    return p, r, f1, acc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="pairs per split (default: all)")
    parser.add_argument("--hashing", action="store_true", help="tune for the hashing fallback encoder")
    args = parser.parse_args()
    if not MSRP.exists():
        sys.exit(f"{MSRP} is absent (this benchmark reads ../shared at run time)")
    if args.hashing:
        os.environ["TIDINGS_EMBEDDER"] = "hashing"
    from tidings.resources import get_embedder

    start = time.perf_counter()
    train = features(load_pairs("train", args.limit))
    test = features(load_pairs("test", args.limit))
    if not args.hashing:
        fit_model(train, test)
    grid_names = [0.0, 0.05, 0.1, 0.15]
    grid_figures = [0.0, 0.05, 0.1]
    thresholds = np.round(np.arange(0.3, 0.96, 0.01), 2)
    print(f"encoder: {get_embedder().name}; MSRP train {len(train['labels'])} pairs, test {len(test['labels'])}")
    print()
    print(
        "| name bonus | figure bonus | threshold (train best acc) | train acc | test P | test R | test F1 | test acc |"
    )
    print("|---|---|---|---|---|---|---|---|")
    best: tuple[float, ...] | None = None
    for nb in grid_names:
        for fb in grid_figures:
            tr = train["cos"] + bonuses(train, nb, fb)  # type: ignore[operator]
            te = test["cos"] + bonuses(test, nb, fb)  # type: ignore[operator]
            sweep = [(scores(train["labels"], tr >= t), t) for t in thresholds]  # type: ignore[arg-type]
            (p, _r, _f1, acc), t = max(sweep, key=lambda x: (round(x[0][3], 3), x[0][0]))
            tp, trc, tf1, tacc = scores(test["labels"], te >= t)  # type: ignore[arg-type]
            print(f"| {nb} | {fb} | {t:.2f} | {acc:.3f} | {tp:.3f} | {trc:.3f} | {tf1:.3f} | {tacc:.3f} |")
            if best is None or acc > best[0]:
                best = (acc, nb, fb, t)
    assert best is not None
    _acc, nb, fb, t = best
    print()
    print(f"best on train: name bonus {nb}, figure bonus {fb}, threshold {t:.2f}")
    # Precision / recall along the threshold for the chosen bonuses, on test (a fact should rather miss a
    # paraphrase than merge two different statements: the table shows what a stricter threshold buys).
    te = test["cos"] + bonuses(test, nb, fb)  # type: ignore[operator]
    print()
    print("| threshold | test P | test R | test F1 | test acc |")
    print("|---|---|---|---|---|")
    for th in np.round(np.arange(t - 0.1, t + 0.16, 0.05), 2):
        p, r, f1, acc = scores(test["labels"], te >= th)  # type: ignore[arg-type]
        print(f"| {th:.2f} | {p:.3f} | {r:.3f} | {f1:.3f} | {acc:.3f} |")
    print(f"\n({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
