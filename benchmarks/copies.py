"""Copy detection benchmark: exact / near / reworded copies on a copy set built from real corpus articles.

Run: ``.venv/bin/python benchmarks/copies.py [--limit N] [--dev] [--scale 100000] [--hashing]``
(default: the test half, at most 1,000 sources per corpus; a few minutes on 2 cores, article embeddings cached in
benchmarks/.cache after the first run). ``--dev`` builds the tuning half, on which DedupeSettings were chosen.

Everything is read from ../shared/corpora at run time (nothing is copied into the repository).

The copy set
------------
Source articles (de-duplicated by content hash): ECB+ documents (each topic holds two events of the same type,
each reported by several outlets), the gold article bodies of the Zyte article-extraction-benchmark (181 pages,
8 languages) and the NeuS/AllSides excerpts (one story from three outlets). Test half: ECB+ topics 36-45, NeuS val,
odd extraction-benchmark pages, MSRP test. Dev half: ECB+ topics 1-35, NeuS train, even pages, MSRP train.
Most sources stay untouched as distractors: same-topic and same-event articles from other outlets, which must
NOT be called copies.

Some sources already copy each other (ECB+ and NeuS hold wire stories that several outlets reprinted, trimmed or
lightly rewrote). A lexical oracle, independent of the detector, groups them into "wire families": sources of one
ECB+ topic or NeuS story sharing 2+ near-verbatim sentences (6+ words, word-set Jaccard >= 0.7). Links inside a
family are counted apart (not scored), and family members get no made copies (their true original is unknown).

A seeded share of the other sources (with 3+ sentences) gets a copy made by one documented transformation (gold
relation in brackets):

- ``verbatim`` [duplicate]: the same text; half of them re-flowed (paragraph breaks, spacing and case changed).
- ``boilerplate`` [near_duplicate]: the article and its copy each get 1-4 different page-chrome lines at the top
  and/or bottom (newsletter and share prompts, copyright lines, "Read more:" + the title of another article).
- ``edited`` [near_duplicate]: 10-30% of the sentences are dropped or edited (in an edited sentence 1-2 word edits:
  a word dropped, two words swapped, a word replaced by another word of the article, a word inserted), plus a
  boilerplate change on half of them.
- ``reworded`` [paraphrase]: sentence-level paraphrase with MSRP positives: a synthetic article is 6-10 '#1'
  sentences of positive pairs (one per paragraph, pairs taken in id order so neighbours often share a news
  cluster), its copy the matching '#2' sentences in the same order, 0-20% of them dropped. Every other synthetic
  article is a distractor without a copy.
- ``chain``: for a fifth of the copies, a second-generation copy (``edited`` applied to the copy) whose gold
  original is the root original (the detector must point it at the root, not at the intermediate copy).

Copies are published 1-72 hours after their original; a quarter of the groups carry no dates (those with changed
page chrome always do: chrome says nothing about who was first): there the original carries a credit line, except
for ``edited`` copies with dropped sentences, where the original is the text that contains the other.

A stress test is reported apart: article pairs mirroring each other sentence by sentence with MSRP *non*-
paraphrase pairs (related sentences that human judges did not find equivalent).

All articles are shuffled (seeded) and fed to ``CopyDetector.detect`` in batches, so copies often arrive before
their originals (the known original must then be re-rooted and reported as changed).

Scores: a predicted pair (article -> copy_of) is correct when it equals the gold (copy -> root original).
Precision = correct / predicted pairs, recall = correct / gold pairs, per transformation and overall; "grouped"
ignores the orientation; "oriented" is the share of grouped pairs whose original is right.
Also MSRP sentence-level paraphrase precision/recall/F1 at the alignment threshold, detect() throughput, and
(``--scale N``) memory and speed with N known articles.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"

BATCH = 64
UNDATED_SHARE = 0.25
CHAIN_SHARE = 0.2
COPY_SHARE = {"verbatim": 0.06, "boilerplate": 0.08, "edited": 0.16}  # of the source articles
REWORDED_PAIRS = (6, 10)  # MSRP sentences per synthetic article
WIRE_WORDS, WIRE_SHARED, WIRE_JACCARD = 6, 2, 0.7  # see wire_families()

# Page chrome written for this benchmark (fictional outlets); "{title}" takes another article's title.
JUNK = [
    "Advertisement",
    "Share this article",
    "Sign up for our morning briefing and never miss a story.",
    "Read more: {title}",
    "Related: {title}",
    "© 2024 The Daily Lantern. All rights reserved.",
    "Follow us for the latest updates",
    "Comments (14)",
    "Listen to this article",
    "Download our app for breaking news alerts.",
    "Skip to main content",
    "This story has been shared 1,204 times.",
]
FILLERS = ["also", "reportedly", "now", "still", "then", "officially"]


@dataclass
class Source:
    id: str
    title: str
    text: str
    corpus: str
    group: str  # ECB+ topic, NeuS story, or the page itself: where sources may share wire text


@dataclass
class CopySet:
    articles: list = field(default_factory=list)  # tidings Article objects
    gold: dict[str, str] = field(default_factory=dict)  # copy id -> root original id
    kind: dict[str, str] = field(default_factory=dict)  # copy id -> transformation
    hard_negatives: list[tuple[str, str]] = field(default_factory=list)  # MSRP non-paraphrase article pairs
    family: dict[str, int] = field(default_factory=dict)  # source id -> family of sources sharing wire text


# -- reading the corpora ----------------------------------------------------------------------------------------
def load_sources(limit: int | None, dev: bool = False) -> list[Source]:
    """Source articles of the dev or the test half: ECB+ topics 1-35 / 36-45 (the coreference literature's
    train+dev / test topics), NeuS train / val stories, and alternate pages of the extraction benchmark."""
    from corpora import load_ecbplus, load_neus
    from tidings.text import content_hash

    out: list[Source] = []
    for item in load_ecbplus():
        if (item.split != "test") == dev:
            out.append(Source(item.id, item.title, item.text, "ecbplus", f"ecb-{item.topic}"))
    with gzip.open(CORPORA / "article-extraction-benchmark" / "ground-truth.json.gz", "rt", encoding="utf-8") as fh:
        gt = json.load(fh)
    for n, key in enumerate(sorted(gt)):
        if (n % 2 == 0) != dev:
            continue
        body = gt[key]["articleBody"].strip()
        paras = [p.strip() for p in re.split(r"\n+", body) if p.strip()]
        title = paras[0][:120] if paras else ""
        out.append(Source(f"aeb-{key[:12]}", title, "\n\n".join(paras), "aeb", key))
    for item in load_neus(("train",) if dev else ("val",)):
        out.append(Source(item.id, item.title, item.text, "neus", item.story))
    seen: set[str] = set()
    unique: list[Source] = []
    for src in out:
        h = content_hash(src.text)
        if src.text.strip() and h not in seen:
            seen.add(h)
            unique.append(src)
    if limit:
        by_corpus: dict[str, list[Source]] = defaultdict(list)
        for src in unique:
            by_corpus[src.corpus].append(src)
        unique = [s for corpus in sorted(by_corpus) for s in by_corpus[corpus][:limit]]
    return unique


def load_msrp(split: str) -> list[tuple[int, str, str]]:
    rows = []
    with gzip.open(CORPORA / "msrp" / f"msr_paraphrase_{split}.txt.gz", "rt", encoding="utf-8-sig") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 5:
                rows.append((int(parts[0]), int(parts[1]), parts[3], parts[4]))
    return rows


# -- transformations --------------------------------------------------------------------------------------------
_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
_NO_END = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|St|Jr|Sr|No|Inc|Corp|Co|Ltd|vs|Jan|Feb|Mar|Apr|Jun|Jul"
    r"|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z])\.$"
)


def sentences_of(text: str) -> list[list[str]]:
    """Paragraphs -> sentences: a regex split that does not end a sentence at a title or an initial ("Sen.",
    "J."), enough to make copies (the detector itself uses tidings.text.segment)."""
    out = []
    for para in re.split(r"\n\s*\n", text):
        sents: list[str] = []
        for part in _SPLIT.split(para.strip()):
            if sents and _NO_END.search(sents[-1]):
                sents[-1] += " " + part
            elif part.strip():
                sents.append(part)
        if sents:
            out.append(sents)
    return out


def join(paras: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paras if p)


def with_junk(text: str, rng: random.Random, titles: list[str]) -> str:
    lines = [rng.choice(JUNK).format(title=rng.choice(titles)) for _ in range(rng.randint(1, 4))]
    cut = rng.randint(0, len(lines))
    top, bottom = lines[:cut], lines[cut:]
    return "\n\n".join([*top, text, *bottom])


def edit_sentence(sentence: str, vocab: list[str], rng: random.Random) -> str:
    toks = sentence.split()
    for _ in range(rng.randint(1, 2)):
        if len(toks) < 4:
            break
        i = rng.randrange(1, len(toks) - 1)
        op = rng.choice(["drop", "swap", "replace", "insert"])
        if op == "drop":
            del toks[i]
        elif op == "swap":
            toks[i], toks[i + 1] = toks[i + 1], toks[i]
        elif op == "replace":
            toks[i] = rng.choice(vocab)
        else:
            toks.insert(i, rng.choice(FILLERS))
    return " ".join(toks)


def edited(text: str, rng: random.Random) -> tuple[str, bool]:
    """10-30% of the sentences dropped or edited. Returns the text and whether a sentence was dropped."""
    paras = sentences_of(text)
    flat = [(i, j) for i, p in enumerate(paras) for j in range(len(p)) if len(p[j].split()) >= 4]
    vocab = [w for p in paras for s in p for w in s.split() if w.isalpha()] or ["the"]
    n = max(1, round(len(flat) * rng.uniform(0.1, 0.3)))
    chosen = rng.sample(flat, min(n, len(flat)))
    dropped = False
    drop: set[tuple[int, int]] = set()
    for i, j in chosen:
        if rng.random() < 0.5 and len(flat) - len(drop) > 1:
            drop.add((i, j))
            dropped = True
        else:
            paras[i][j] = edit_sentence(paras[i][j], vocab, rng)
    out = [[s for j, s in enumerate(p) if (i, j) not in drop] for i, p in enumerate(paras)]
    return join(out), dropped


def reflow(text: str, rng: random.Random) -> str:
    """Same words, different layout: paragraphs merged or split, spacing and case of the first word changed."""
    flat = [s for p in sentences_of(text) for s in p]
    out, cur = [], []
    for s in flat:
        cur.append(s)
        if rng.random() < 0.4:
            out.append("  ".join(cur))
            cur = []
    if cur:
        out.append(" ".join(cur))
    if out:
        out[0] = out[0][:1].lower() + out[0][1:] if rng.random() < 0.5 else out[0].upper()
    return "\n\n".join(out)


# -- building the set -------------------------------------------------------------------------------------------
def make_article(aid: str, title: str | None, text: str, published: str | None, credits: list[str] | None = None):
    from tidings.model import Article
    from tidings.text import content_hash

    return Article(
        id=aid,
        origin=aid,
        title=title,
        text=text,
        published=published,
        credits=credits or [],
        content_hash=content_hash(text),
    )


def wire_families(sources: list[Source]) -> dict[str, int]:
    """Sources that already copy each other (ECB+ and NeuS hold wire stories reused, edited or excerpted by several
    outlets): two sources of the same group (ECB+ topic, NeuS story) sharing at least WIRE_SHARED near-verbatim
    sentences (word sets of WIRE_WORDS+ words with Jaccard >= WIRE_JACCARD), or sharing that many verbatim
    sentences anywhere. A lexical oracle, independent of the detector: links inside a family are not scored,
    and family members get no made copies (their right original would be unknown)."""
    from tidings.text import words

    sents = [
        [frozenset(ws) for p in sentences_of(src.text) for x in p if len(ws := words(x)) >= WIRE_WORDS]
        for src in sources
    ]
    shared: Counter[tuple[int, int]] = Counter()
    exact: dict[frozenset[str], set[int]] = defaultdict(set)
    for n, items in enumerate(sents):
        for item in set(items):
            exact[item].add(n)
    for ids in exact.values():
        if 1 < len(ids) <= 20:
            shared.update((a, b) for a in ids for b in ids if a < b)
    by_group: dict[str, list[int]] = defaultdict(list)
    for n, src in enumerate(sources):
        by_group[src.group].append(n)
    for members in by_group.values():  # pairs within a group only: bounded by story size
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                near = sum(
                    1 for x in sents[a] if any(x != y and len(x & y) >= WIRE_JACCARD * len(x | y) for y in sents[b])
                )
                if near:
                    shared[(min(a, b), max(a, b))] += near
    parent = list(range(len(sources)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (a, b), count in shared.items():
        if count >= WIRE_SHARED:
            parent[find(a)] = find(b)
    sizes = Counter(find(n) for n in range(len(sources)))
    return {src.id: find(n) for n, src in enumerate(sources) if sizes[find(n)] > 1}


def build_copy_set(sources: list[Source], seed: int, msrp_split: str = "test", limit: int | None = None) -> CopySet:
    rng = random.Random(seed)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    titles = [s.title for s in sources if s.title]
    cs = CopySet(family=wire_families(sources))
    order = list(range(len(sources)))
    rng.shuffle(order)
    # copies are made of sources with 3+ sentences outside wire families; the rest stay distractors
    eligible = {
        i
        for i, src in enumerate(sources)
        if src.id not in cs.family and sum(len(p) for p in sentences_of(src.text)) >= 3
    }
    order = [i for i in order if i in eligible] + [i for i in order if i not in eligible]
    plan: list[str] = []
    for kind, share in COPY_SHARE.items():
        plan += [kind] * round(share * len(sources))
    plan = plan[: len(eligible)] + [""] * (len(sources) - min(len(plan), len(eligible)))
    for idx, kind in zip(order, plan, strict=False):
        src = sources[idx]
        # page chrome says nothing about which came first: pairs whose chrome differs always carry dates
        junk = kind == "boilerplate" or (kind == "edited" and rng.random() < 0.5)
        dated = junk or rng.random() >= UNDATED_SHARE
        when = base + timedelta(hours=rng.randint(0, 24 * 300))
        pub = when.isoformat() if dated else None
        text = src.text
        if not kind:
            cs.articles.append(make_article(src.id, src.title, text, pub))
            continue
        copy_text = text
        dropped = False
        if kind == "verbatim":
            copy_text = reflow(text, rng) if rng.random() < 0.5 else text
        elif kind == "boilerplate":
            text, copy_text = with_junk(text, rng, titles), with_junk(text, rng, titles)
        elif kind == "edited":
            copy_text, dropped = edited(text, rng)
            if junk:
                text, copy_text = with_junk(text, rng, titles), with_junk(copy_text, rng, titles)
        credit = None if (dated or (kind == "edited" and dropped)) else ["Staff reporter contributed to this report."]
        original = make_article(src.id, src.title, text, pub, credit)
        later = (when + timedelta(hours=rng.randint(1, 72))).isoformat() if dated else None
        copy = make_article(src.id + "~copy", src.title, copy_text, later)
        cs.articles += [original, copy]
        cs.gold[copy.id], cs.kind[copy.id] = original.id, kind
        if rng.random() < CHAIN_SHARE and kind != "verbatim":
            chained, _ = edited(copy_text, rng)
            last = (when + timedelta(hours=rng.randint(73, 144))).isoformat() if dated else None
            chain = make_article(src.id + "~copy2", src.title, chained, last)
            cs.articles.append(chain)
            cs.gold[chain.id], cs.kind[chain.id] = original.id, "chain"
    add_reworded(cs, rng, base, msrp_split, limit)
    return cs


def add_reworded(cs: CopySet, rng: random.Random, base: datetime, split: str, limit: int | None) -> None:
    """Synthetic articles from MSRP pairs, one sentence per paragraph (as news paragraphs often are). Pairs are
    taken in sentence-id order, so that neighbouring sentences (often mined from the same news cluster) tend to
    share an article; every other article is a distractor."""
    rows = sorted(load_msrp(split), key=lambda r: r[1])
    pos = [r for r in rows if r[0] == 1]
    neg = [r for r in rows if r[0] == 0]
    n_articles = 0
    while pos and (not limit or n_articles < 2 * limit):
        k = rng.randint(*REWORDED_PAIRS)
        group, pos = pos[:k], pos[k:]
        if len(group) < REWORDED_PAIRS[0]:
            break
        n_articles += 1
        dated = rng.random() >= UNDATED_SHARE
        when = base + timedelta(hours=rng.randint(0, 24 * 300))
        if n_articles % 2 == 0:  # a distractor: the '#1' article alone
            cs.articles.append(make_article(f"msrp-{n_articles}", None, "\n\n".join(r[2] for r in group), None))
            continue
        drop = rng.uniform(0.0, 0.2)
        keep = [r for r in group if rng.random() >= drop]
        credit = None if dated else ["Staff reporter contributed to this report."]
        original = make_article(
            f"msrp-{n_articles}", None, "\n\n".join(r[2] for r in group), when.isoformat() if dated else None, credit
        )
        later = (when + timedelta(hours=rng.randint(1, 72))).isoformat() if dated else None
        copy = make_article(f"msrp-{n_articles}~copy", None, "\n\n".join(r[3] for r in keep), later)
        cs.articles += [original, copy]
        cs.gold[copy.id], cs.kind[copy.id] = original.id, "reworded"
    # stress pairs: the '#1' and '#2' sentences of MSRP NON-paraphrase pairs (related, not equivalent), as two
    # articles mirroring each other sentence by sentence; reported apart, not scored
    for n in range(min(len(neg) // 8, limit or len(neg))):
        group = neg[n * 8 : (n + 1) * 8]
        a = make_article(f"msrpneg-{n}", None, "\n\n".join(r[2] for r in group), None)
        b = make_article(f"msrpneg-{n}~other", None, "\n\n".join(r[3] for r in group), None)
        cs.articles += [a, b]
        cs.hard_negatives.append((a.id, b.id))


# -- running ----------------------------------------------------------------------------------------------------
def embed_articles(articles: list) -> np.ndarray:
    from corpora import article_embeddings

    return article_embeddings("copies", articles)


@contextmanager
def sentence_cache(encoder) -> Iterator[dict[str, np.ndarray]]:
    """Install a CachedEncoder backed by a dict persisted in benchmarks/.cache (tuning runs only)."""
    from corpora import CACHE
    from tidings.resources import CachedEncoder, using_encoder

    path = CACHE / f"copies-sentences-{encoder.name}.npz"
    store: dict[str, np.ndarray] = dict(np.load(path)) if path.exists() else {}

    def put(vectors: dict[str, np.ndarray]) -> None:
        store.update(vectors)

    with using_encoder(CachedEncoder(encoder, lambda keys: {k: store[k] for k in keys if k in store}, put)):
        yield store
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, **store)


def run_detector(cs: CopySet, vectors: np.ndarray, settings, seed: int, batch: int) -> dict[str, float]:
    from tidings.dedupe import CopyDetector

    order = list(range(len(cs.articles)))
    random.Random(seed + 1).shuffle(order)
    detector = CopyDetector(settings)
    for a in cs.articles:
        a.copy_of, a.relation = None, None
    t_sig = t_det = 0.0
    changed = 0
    for start in range(0, len(order), batch):
        idx = order[start : start + batch]
        arts = [cs.articles[i] for i in idx]
        t0 = time.perf_counter()
        sigs = [detector.signature(a) for a in arts]
        t1 = time.perf_counter()
        changed += len(detector.detect(arts, vectors[idx], sigs))
        t2 = time.perf_counter()
        t_sig += t1 - t0
        t_det += t2 - t1
    n = len(cs.articles)
    return {"articles": n, "signature_s": t_sig, "detect_s": t_det, "changed_known": changed, **detector.stats}


EXPECTED = {
    "verbatim": "duplicate",
    "boilerplate": "near_duplicate",
    "edited": "near_duplicate",
    "chain": "near_duplicate",
    "reworded": "paraphrase",
}


def score(cs: CopySet) -> tuple[list[list[str]], dict, list[tuple[str, str, str]]]:
    """Pairs (article -> copy_of) against the gold (copy -> root original); see the module docstring."""
    pred = {a.id: a.copy_of for a in cs.articles if a.copy_of}
    rel = {a.id: a.relation for a in cs.articles}
    group_of: dict[str, str] = {}
    for c, o in cs.gold.items():
        group_of[c] = group_of[o] = o

    def grouped(a: str, b: str) -> bool:
        return a in group_of and group_of.get(b) == group_of[a]

    def base_of(x: str) -> str:
        return x.split("~")[0]

    def same_family(a: str, b: str) -> bool:
        fa, fb = cs.family.get(base_of(a)), cs.family.get(base_of(b))
        return fa is not None and fa == fb

    negative_ids = {x for pair in cs.hard_negatives for x in pair}
    flagged = sum(1 for a, b in cs.hard_negatives if pred.get(a) == b or pred.get(b) == a)
    wire = {c for c, o in pred.items() if not grouped(c, o) and same_family(c, o)}
    pred = {c: o for c, o in pred.items() if c not in wire and c not in negative_ids}

    rows = []
    for kind, relation in EXPECTED.items():
        ids = [c for c, k in cs.kind.items() if k == kind]
        if not ids:
            continue
        hit = sum(pred.get(c) == cs.gold[c] for c in ids)
        grp = sum(1 for c in ids if (pred.get(c) and grouped(c, pred[c])) or pred.get(cs.gold[c]) == c)
        labelled = sum(rel.get(c) == relation for c in ids if pred.get(c) == cs.gold[c])
        rows.append(
            [
                kind,
                relation,
                str(len(ids)),
                f"{hit / len(ids):.3f}",
                f"{grp / len(ids):.3f}",
                f"{labelled / max(hit, 1):.3f}",
            ]
        )
    per_rel = []
    for relation in ["duplicate", "near_duplicate", "paraphrase"]:
        ids = [c for c in pred if rel[c] == relation]
        ok = sum(cs.gold.get(c) == pred[c] for c in ids)
        ok_grouped = sum(grouped(c, pred[c]) for c in ids)
        per_rel.append((relation, len(ids), ok, ok_grouped))
    correct = sum(cs.gold.get(c) == o for c, o in pred.items())
    correct_grouped = sum(grouped(c, o) for c, o in pred.items())
    false_pairs = [(c, o, rel[c]) for c, o in pred.items() if not grouped(c, o)]
    overall = {
        "predicted": len(pred),
        "gold": len(cs.gold),
        "precision": correct / max(len(pred), 1),
        "recall": correct / max(len(cs.gold), 1),
        "grouped_precision": correct_grouped / max(len(pred), 1),
        "grouped_recall": sum(1 for c in cs.gold if pred.get(c) and grouped(c, pred[c])) / max(len(cs.gold), 1),
        "oriented": correct / max(correct_grouped, 1),
        "hard_negatives_flagged": flagged,
        "hard_negatives": len(cs.hard_negatives),
        "wire_links": len(wire),
        "wire_families": len(set(cs.family.values())),
        "per_relation": per_rel,
    }
    return rows, overall, false_pairs


# -- MSRP sentence level ----------------------------------------------------------------------------------------
def msrp_sentences(settings, lexical: bool) -> list[list[str]]:
    """Sentence-level paraphrase P/R/F1 on MSRP: the score the alignment uses, thresholded. The threshold that
    maximises accuracy on train is shown next to the one in settings (which should be it), then both on test."""
    from tidings.dedupe import paraphrase_scores

    threshold = settings.paraphrase_sentence_sim_lexical if lexical else settings.paraphrase_sentence_sim
    data = {split: load_msrp(split) for split in ("train", "test")}

    def prf(sims: np.ndarray, y: np.ndarray, t: float) -> tuple[float, float, float, float]:
        p = sims >= t
        tp = float((p & (y == 1)).sum())
        prec = tp / max(p.sum(), 1)
        rec = tp / max((y == 1).sum(), 1)
        f1 = 2 * prec * rec / max(prec + rec, 1e-9)
        return prec, rec, f1, float((p == (y == 1)).mean())

    out = []
    grid = np.round(np.arange(0.30, 0.951, 0.005), 3)
    for label, weight in (("cosine only", 0.0), ("settings mix", settings.paraphrase_lexical_weight)):
        scores = {
            split: (
                paraphrase_scores([r[2] for r in rows], [r[3] for r in rows], weight),
                np.array([r[0] for r in rows]),
            )
            for split, rows in data.items()
        }
        best = float(max(grid, key=lambda t: (prf(*scores["train"], t)[3], -t)))
        choices = [("train-best", best)]
        if weight == settings.paraphrase_lexical_weight:
            choices.append(("settings", threshold))
        for which, t in choices:
            for split in ("train", "test"):
                p, r, f, acc = prf(*scores[split], t)
                out.append(
                    [
                        f"{label} (w={weight:.2f})",
                        which,
                        split,
                        f"{t:.3f}",
                        f"{p:.3f}",
                        f"{r:.3f}",
                        f"{f:.3f}",
                        f"{acc:.3f}",
                    ]
                )
    return out


# -- scale ------------------------------------------------------------------------------------------------------
def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def scale_check(n: int, settings) -> list[list[str]]:
    """Warm a detector with n synthetic known articles (random signatures and unit vectors, i.e. unrelated
    articles) and time a batch of new ones: memory and time must stay about linear."""
    from tidings.dedupe import CopyDetector
    from tidings.model import Article

    rng = np.random.default_rng(0)
    detector = CopyDetector(settings)
    detector.lookup = lambda _id: None
    before = rss_mb()
    t0 = time.perf_counter()
    header = np.array([400, 450], dtype="<u4").tobytes()
    for i in range(n):
        sig = header + rng.integers(0, 2**32 - 1, settings.num_perm, dtype=np.uint32).astype("<u4").tobytes()
        vec = rng.standard_normal(384).astype(np.float32)
        vec /= np.linalg.norm(vec)
        art = Article(id=f"k{i}", origin="", title=None, text="", published="2024-01-01", content_hash=f"h{i}")
        detector.add_known(art, sig, vec)
    probe = Article(id="probe", origin="", title=None, text="probe text", content_hash="probe")
    vec = rng.standard_normal((1, 384)).astype(np.float32)
    detector.detect([probe], vec / np.linalg.norm(vec), [detector.signature(probe)])  # first search builds the index
    warm = time.perf_counter() - t0
    after = rss_mb()
    words = [w for a in ("alpha beta gamma delta", "epsilon zeta eta theta iota kappa") for w in a.split()]
    new = [
        Article(id=f"n{i}", origin="", title="t", text=" ".join(rng.choice(words, 300)), content_hash=f"n{i}")
        for i in range(256)
    ]
    vecs = rng.standard_normal((256, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    t1 = time.perf_counter()
    detector.detect(new, vecs, [detector.signature(a) for a in new])
    det = time.perf_counter() - t1
    return [
        [f"{n:,}", f"{after - before:.0f}", f"{(after - before) * 2**20 / n:.0f}", f"{warm:.1f}", f"{256 / det:.0f}"]
    ]


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--limit", type=int, default=1000, help="at most this many source articles per corpus (0: all; NeuS has 8k)"
    )
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--batch", type=int, default=BATCH, help="articles per detect() call")
    ap.add_argument("--scale", type=int, default=0, help="also warm a detector with N synthetic known articles")
    ap.add_argument("--hashing", action="store_true", help="use the hashing fallback encoder instead of MiniLM")
    ap.add_argument("--no-msrp", action="store_true", help="skip the MSRP sentence-level evaluation")
    ap.add_argument("--set", action="append", default=[], help="override a DedupeSettings field: name=value")
    ap.add_argument("--show-errors", type=int, default=0, help="print up to N wrong pairs")
    ap.add_argument(
        "--dev",
        action="store_true",
        help="the tuning half: ECB+ topics 1-35, NeuS train, even extraction-benchmark pages, MSRP train, seed+1000",
    )
    ap.add_argument(
        "--sentence-cache",
        action="store_true",
        help="keep sentence vectors across runs in benchmarks/.cache (for tuning sweeps; detect() speed then "
        "excludes sentence embedding)",
    )
    args = ap.parse_args()
    if not CORPORA.exists():
        sys.exit(f"{CORPORA} is absent: this benchmark reads ../shared/corpora at run time")
    if args.hashing:
        os.environ["TIDINGS_EMBEDDER"] = "hashing"
    from tidings.resources import get_embedder
    from tidings.settings import DedupeSettings

    settings = DedupeSettings()
    for item in args.set:
        name, value = item.split("=", 1)
        settings = replace(settings, **{name: type(getattr(settings, name))(value)})
    encoder = get_embedder()
    label = "dev (MSRP train)" if args.dev else "test (MSRP test)"
    print(f"# Copy detection: {label}, encoder {encoder.name}, seed {args.seed}, batch {args.batch}\n")
    if not args.no_msrp:
        rows = msrp_sentences(settings, args.hashing)
        print("## MSRP sentence-level paraphrase (score >= threshold; score = (1-w) cosine + w word-set Dice)\n")
        print(table(["score", "threshold", "split", "value", "precision", "recall", "F1", "accuracy"], rows) + "\n")

    sources = load_sources(args.limit or None, args.dev)
    seed = args.seed + 1000 if args.dev else args.seed
    cs = build_copy_set(sources, seed, "train" if args.dev else "test", args.limit or None)
    counts = Counter(s.corpus for s in sources)
    print(
        f"Copy set: {len(cs.articles)} articles from {dict(counts)} sources + MSRP {'train' if args.dev else 'test'}; "
        f"{len(cs.gold)} gold copy pairs ({dict(Counter(cs.kind.values()))}).\n"
    )
    vectors = embed_articles(cs.articles)
    if args.sentence_cache:
        with sentence_cache(encoder) as cached:
            stats = run_detector(cs, vectors, settings, seed, args.batch)
        print(f"(sentence vectors cached: {len(cached)}; detect() speed below excludes sentence embedding)\n")
    else:
        stats = run_detector(cs, vectors, settings, seed, args.batch)
    rows, overall, false_pairs = score(cs)
    print("## Recall by transformation (gold relation)\n")
    print(
        table(
            [
                "transformation",
                "expected relation",
                "pairs",
                "recall (right root)",
                "recall (grouped)",
                "labelled as expected",
            ],
            rows,
        )
        + "\n"
    )
    print("## Precision by predicted relation\n")
    rel_rows = [
        [r, str(n), f"{ok / max(n, 1):.3f}", f"{og / max(n, 1):.3f}"] for r, n, ok, og in overall["per_relation"]
    ]
    print(table(["relation", "predicted", "precision (right root)", "precision (grouped)"], rel_rows) + "\n")
    print("## Overall\n")
    o = overall
    print(
        table(
            [
                "predicted pairs",
                "gold pairs",
                "precision",
                "recall",
                "F1",
                "grouped P",
                "grouped R",
                "oriented",
                "MSRP non-paraphrase article pairs linked",
                "links inside wire families (not scored)",
            ],
            [
                [
                    str(o["predicted"]),
                    str(o["gold"]),
                    f"{o['precision']:.3f}",
                    f"{o['recall']:.3f}",
                    f"{2 * o['precision'] * o['recall'] / max(o['precision'] + o['recall'], 1e-9):.3f}",
                    f"{o['grouped_precision']:.3f}",
                    f"{o['grouped_recall']:.3f}",
                    f"{o['oriented']:.3f}",
                    f"{o['hard_negatives_flagged']}/{o['hard_negatives']}",
                    f"{o['wire_links']} ({o['wire_families']} families)",
                ]
            ],
        )
        + "\n"
    )
    n = stats["articles"]
    print("## Speed (2 cores; article embeddings computed beforehand, as the pipeline does)\n")
    print(
        table(
            [
                "articles",
                "signature() art/s",
                "detect() art/s",
                "LSH candidates",
                "ANN candidates",
                "alignments",
                "known articles re-rooted",
            ],
            [
                [
                    str(n),
                    f"{n / max(stats['signature_s'], 1e-9):.0f}",
                    f"{n / max(stats['detect_s'], 1e-9):.0f}",
                    str(stats["lsh_candidates"]),
                    str(stats["ann_candidates"]),
                    str(stats["alignments"]),
                    str(stats["changed_known"]),
                ]
            ],
        )
        + "\n"
    )
    if args.show_errors:
        by_id = {a.id: a for a in cs.articles}
        print(f"False pairs ({len(false_pairs)}):")
        for c, orig, r in false_pairs[: args.show_errors]:
            print(f"  {r}: {c} -> {orig} | {by_id[c].text[:90]!r} | {by_id[orig].text[:90]!r}")
        missed = [c for c in cs.gold if by_id[c].copy_of != cs.gold[c]]
        print(f"Missed or mis-rooted ({len(missed)}):")
        for c in missed[: args.show_errors]:
            print(
                f"  {cs.kind[c]}: {c} -> got {by_id[c].copy_of} ({by_id[c].relation}), gold {cs.gold[c]} "
                f"(orig relation {by_id[cs.gold[c]].relation}, copy_of {by_id[cs.gold[c]].copy_of})"
            )
    if args.scale:
        print("## Scale (synthetic known articles; RSS growth of the detector's indexes)\n")
        print(
            table(
                [
                    "known articles",
                    "RSS MB",
                    "bytes/article",
                    "warm s (add_known + index build)",
                    "detect() art/s at that size",
                ],
                scale_check(args.scale, settings),
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
