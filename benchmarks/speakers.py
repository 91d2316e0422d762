"""Who said it, on real news tidings was never tuned on: speaker accuracy against hand labels.

The articles are read at run time from ``../shared/corpora`` (nothing is copied here):

- ``wmt``: the English originals of the WMT news test sets (``wmt-newstest/documents.jsonl.gz``, rows with
  ``language == "en"`` and ``is_translation`` false: 96 articles of the Guardian, AP, BBC, CNN, Fox, ...);
- ``allsides``: the outlets' excerpts of the AllSides 2021 crawl (``neus-allsides``, 1,479 excerpts).

The labels (``benchmarks/speaker_labels.tsv``) were written by reading each article around a quote that tidings
extracted and naming who really said it: the full name as the article gives it, a description when the article
names nobody ('a police spokesman'), an organisation when it is the source ('Kremlin'), or ``none`` when the
quotation has no speaker the article states (a title, a quote of unclear origin); alternatives are separated by
'|'. The file holds only the split, corpus, article id, a hash of the quote's first words, the label and a reason;
no article text. Two splits, reported apart:

- ``dev`` (369 quotes: all 209 quotes of the WMT originals, 160 sampled from the crawl, seed 14): labelled before
  the parser-based speaker rules were written, then read while writing them (their errors were looked at). No
  number was fitted on them, but the rules were shaped by them: an optimistic figure.
- ``held-out`` (130 quotes of crawl articles the dev split does not touch, seed 2026): labelled blind
  (``--dump allsides --blind``: tidings' speaker not shown) after the rules were written, and not used to change
  them.

Scoring. A label is matched to the quote of the same article whose first twelve words (lower-cased) hash the same.
A speaker is right when it shares a name word with the label (titles and determiners ignored, as in
``benchmarks/quotes.py``); for a ``none`` label the right answer is no speaker. Labels whose quote is no longer
extracted are counted apart (a change of quote boundaries, not of speakers).

Usage::

    .venv/bin/python benchmarks/speakers.py                 # accuracy on the labelled quotes
    .venv/bin/python benchmarks/speakers.py --errors 50     # and the wrong ones (ids, labels, reasons)
    .venv/bin/python benchmarks/speakers.py --dump allsides --sample 150   # quotes to label (prints article text)
    .venv/bin/python benchmarks/speakers.py --dump allsides --sample 130 --seed 2026 --blind   # the held-out split
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpora import CORPORA, load_allsides_crawl  # noqa: E402
from quotes import speaker_ok  # noqa: E402

WMT = CORPORA / "wmt-newstest" / "documents.jsonl.gz"
LABELS = Path(__file__).resolve().parent / "speaker_labels.tsv"
_WORD = re.compile(r"\w+")


def quote_key(text: str) -> str:
    """A short hash of a quote's first twelve words: names a quote without holding its text."""
    first = " ".join(w.lower() for w in _WORD.findall(text)[:12])
    return hashlib.sha1(first.encode("utf-8")).hexdigest()[:10]


def load_articles(corpus: str) -> list[tuple[str, str, str]]:
    """(id, title, text) of a corpus's English articles, in a fixed order."""
    if corpus == "wmt":
        if not WMT.exists():
            sys.exit(f"{WMT} is absent: this benchmark reads ../shared at run time")
        out = []
        with gzip.open(WMT, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                if row["language"] != "en" or row["is_translation"]:
                    continue
                lines = row["text"].split("\n")
                title = row.get("title") or ""
                body = lines[1:] if title and lines and lines[0] == title else lines
                out.append((row["doc"], title, "\n\n".join(body)))
        return sorted(out)
    items = load_allsides_crawl()
    return sorted((i.id, i.title, i.text) for i in items)


def extract(articles: list[tuple[str, str, str]]) -> dict[str, list]:
    from tidings.model import Article
    from tidings.quotes import extract_quotes
    from tidings.settings import AnalyzeSettings
    from tidings.text import segment

    settings = AnalyzeSettings()
    out = {}
    for aid, title, text in articles:
        article = Article(id=aid, origin=aid, title=title, text=text, language="en")
        out[aid] = extract_quotes(article, segment(article), settings)
    return out


def context(text: str, quote: str, paras_before: int = 2) -> str:
    """The paragraphs up to the one holding the quote (for a person labelling it; never written to a file)."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    head = " ".join(_WORD.findall(quote)[:6])
    for k, p in enumerate(paras):
        if head and head in " ".join(_WORD.findall(p)):
            return "\n".join(paras[max(0, k - paras_before) : k + 2])
    return "\n".join(paras[:3])


def dump(corpus: str, sample: int, seed: int, blind: bool) -> None:
    """Quotes to label, with the paragraphs around them. ``blind``: without tidings' speaker (labels written
    without seeing it), and only from articles no label covers yet (a fresh held-out sample)."""
    articles = load_articles(corpus)
    if blind and LABELS.exists():
        with open(LABELS, encoding="utf-8") as fh:
            seen = {line.split("\t")[1] for line in fh if not line.startswith("#") and "\t" in line}
        articles = [a for a in articles if a[0] not in seen]
    found = extract(articles)
    rows = [(aid, q) for aid, *_ in articles for q in found[aid]]
    if sample and len(rows) > sample:
        rows = sorted(random.Random(seed).sample(rows, sample), key=lambda r: rows.index(r))
    texts = {aid: text for aid, _, text in articles}
    for aid, q in rows:
        shown = "" if blind else f"\tpred={q.speaker!r} cue={q.cue!r}"
        print(f"=== {corpus}\t{aid}\t{quote_key(q.text)}{shown}")
        print(f"QUOTE: {q.text[:300]}")
        print(context(texts[aid], q.text))
        print()


def score(errors: int, limit: int | None = None) -> None:
    if not LABELS.exists():
        sys.exit(f"{LABELS} is absent")
    with open(LABELS, encoding="utf-8") as fh:
        labels = [r for r in csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t")][:limit]
    t0 = time.perf_counter()
    predicted: dict[tuple[str, str], str | None] = {}
    texts: dict[str, str] = {}
    for corpus in sorted({r["corpus"] for r in labels}):
        wanted = {r["article"] for r in labels if r["corpus"] == corpus}
        articles = [a for a in load_articles(corpus) if a[0] in wanted]
        texts.update({a[0]: a[2] for a in articles})
        for aid, quotes in extract(articles).items():
            for q in quotes:
                predicted.setdefault((aid, quote_key(q.text)), q.speaker)
    seconds = time.perf_counter() - t0
    tally: Counter[tuple[str, str]] = Counter()  # (split/corpus, what)
    wrong: list[str] = []
    for r in labels:
        key = (r["article"], r["hash"])
        kind = "none" if r["speaker"] == "none" else "speaker"
        group = f"{r['split']} {r['corpus']}"
        if key not in predicted:
            tally[group, "gone"] += 1
            continue
        pred = predicted[key]
        ok = pred is None if kind == "none" else any(speaker_ok(pred, alt) for alt in r["speaker"].split("|"))
        tally[group, kind] += 1
        tally[group, kind + " ok"] += ok
        # the worst error: another name given as the speaker (not a description left unresolved, not no speaker)
        tally[group, "misnamed"] += not ok and bool(pred) and pred[:1].isupper()
        if not ok:
            wrong.append(
                f"{group} {r['article']} {r['hash']}: pred={pred!r} label={r['speaker']!r} ({r['reason']})"
            )
    print(f"\n### Speakers on real news (hand labels, {len(labels)} quotes; {seconds:.1f} s)\n")
    print("| split, corpus | quotes with a speaker | speaker right | accuracy | wrong name given | labelled none | "
          "none right | quote gone |")
    print("|---|---|---|---|---|---|---|---|")
    groups = sorted({f"{r['split']} {r['corpus']}" for r in labels})
    for group in [*groups, "all"]:
        def n(what: str, g: str = group) -> int:
            return sum(v for (gg, k), v in tally.items() if k == what and (g == "all" or gg == g))

        print(f"| {group} | {n('speaker')} | {n('speaker ok')} | {n('speaker ok') / max(n('speaker'), 1):.3f} | "
              f"{n('misnamed')} | {n('none')} | {n('none ok')} | {n('gone')} |")
    if errors:
        print(f"\n#### wrong ({len(wrong)})")
        for line in wrong[:errors]:
            print("-", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dump", choices=["wmt", "allsides"], help="print extracted quotes with context to label")
    parser.add_argument("--sample", type=int, default=0, help="with --dump: a random sample of N quotes")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--blind", action="store_true", help="with --dump: hide tidings' speaker; unlabelled articles")
    parser.add_argument("--errors", type=int, default=0, help="print up to N wrong speakers")
    parser.add_argument("--limit", type=int, default=None, help="the first N labels only (a quick check)")
    args = parser.parse_args()
    if args.dump:
        dump(args.dump, args.sample, args.seed, args.blind)
    else:
        score(args.errors, args.limit)


if __name__ == "__main__":
    main()
