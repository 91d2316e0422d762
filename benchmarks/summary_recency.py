"""Summaries of developing stories: does the summary tell where the story stands, or an earlier day's news?

A developing story holds reports of several days (the recall vote's eve and its result; a trial and its sentence).
The AllSides 2021 crawl gives a reference for "where it stands": each roundup is one day's event with AllSides' own
neutral summary of it. The script runs the crawl through tidings (clustering, not the gold stories), keeps the
stories whose articles come from gold roundups of two or more dates, and scores each story's summary against the
first paragraph of its *latest* roundup: ROUGE-1/2/L F1 (rouge-score, stemmed) x 100 at that paragraph's word
count (the summary is cut there, as benchmarks/summarize.py cuts every system), and the share of summaries that
open with a sentence of the latest day's articles. Side by side: the product's settings and ``--set`` overrides
(``recency_weight=0`` is the summary without the recency weight).

The crawl is split at its median date: stories whose latest article is in the first half are the design half,
the others are held out.

    .venv/bin/python benchmarks/summary_recency.py                           # settings in force vs recency_weight=0
    .venv/bin/python benchmarks/summary_recency.py --variant recency_weight=0.5 --variant recency_days=4
    .venv/bin/python benchmarks/summary_recency.py --show 5                   # print 5 summaries of each half

Needs the bench extra (rouge-score). About 5 minutes on 2 cores (one run of the 1,479 articles, then rebuilds).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import CORPORA, allsides_records, listed, load_allsides_crawl, write_jsonl
from summary_sentences import rows_of_story


def load_roundups() -> dict[str, str]:
    """Gold story id -> the first paragraph of AllSides' roundup (its neutral account of the day's event)."""
    out: dict[str, str] = {}
    for raw in allsides_records():
        paragraphs = listed(raw.get("roundup"))
        first = " ".join(str(paragraphs[0]).split()) if paragraphs else ""
        if first:
            out[f"allsides-{raw['id']}"] = first
    return out


def parse_variant(text: str, base: object) -> object:
    """'name=value,name=value' of SummarizeSettings, each parsed as the field's type."""
    for item in filter(None, text.split(",")):
        name, _, raw = item.partition("=")
        current = getattr(base, name)
        base = replace(base, **{name: type(current)(raw)})  # type: ignore[type-var]
    return base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=VALUE[,NAME=VALUE]",
                        help="a summary setting changed (repeatable: one row each); default: recency_weight=0")
    parser.add_argument("--show", type=int, default=0, help="print N summaries of each half, per row")
    args = parser.parse_args()
    if not (CORPORA / "neus-allsides").exists():
        sys.exit(f"{CORPORA / 'neus-allsides'} is absent: the benchmark reads ../shared/corpora at run time")
    try:
        from rouge_score import rouge_scorer
    except ImportError:
        sys.exit("needs the bench extra: pip install rouge-score")
    from tidings.pipeline import Pipeline
    from tidings.resources import using_encoder
    from tidings.settings import Settings

    items = load_allsides_crawl()
    roundups = load_roundups()
    gold = {(i.title, i.site): (i.story, (i.published or "")[:10]) for i in items}
    median = sorted((i.published or "")[:10] for i in items)[len(items) // 2]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    variants = [("settings in force", "")] + [(v, v) for v in (args.variant or ["recency_weight=0"])]
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "crawl.jsonl"
        write_jsonl(items, jsonl, with_story=False)
        Pipeline(Settings(), db=Path(tmp) / "crawl.db").run([str(jsonl)])
        base = Pipeline(Settings(), db=Path(tmp) / "crawl.db")
        developing: list[tuple[str, str, str, str]] = []  # story id, half, latest date, reference
        for story in base.store.list_stories(limit=10**7):
            members = base.store.story_members(story.id)[0]
            golds = {gold[(a.title, a.site)] for a in members if (a.title, a.site) in gold}
            dates = {d for _, d in golds if d}
            if len(dates) < 2:
                continue
            latest = max(dates)
            refs = [roundups[g] for g, d in sorted(golds) if d == latest and g in roundups]
            if refs:
                developing.append((story.id, "design" if latest < median else "held out", latest, refs[0]))
        print(f"{len(items)} articles; {len(developing)} developing stories (gold roundups of 2+ dates): "
              f"{sum(h == 'design' for _, h, _, _ in developing)} design (latest before {median}), "
              f"{sum(h == 'held out' for _, h, _, _ in developing)} held out\n")
        print("| settings | half | stories | ROUGE-1 | ROUGE-2 | ROUGE-L | opens with the latest day |")
        print("|---|---|---|---|---|---|---|")
        for label, variant in variants:
            settings = Settings()
            settings = replace(settings, summarize=parse_variant(variant, settings.summarize))  # type: ignore[arg-type]
            pipeline = Pipeline(settings, db=Path(tmp) / "crawl.db")
            by_half: dict[str, list[tuple[float, float, float, bool]]] = {"design": [], "held out": []}
            shown: dict[str, int] = {"design": 0, "held out": 0}
            with using_encoder(pipeline.encoder):
                for sid, half, latest, ref in developing:
                    rows, _ = rows_of_story(pipeline, sid, stored=False)
                    if not rows:
                        continue
                    budget = len(ref.split())
                    text = " ".join(" ".join(r.text for r in rows).split()[:budget])
                    s = scorer.score(ref, text)
                    published = {a.id: (a.published or "")[:10] for a in pipeline.store.story_members(sid)[0]}
                    opens_latest = published.get(rows[0].article_id or "", "") == latest
                    by_half[half].append((s["rouge1"].fmeasure, s["rouge2"].fmeasure, s["rougeL"].fmeasure,
                                          opens_latest))
                    if shown[half] < args.show:
                        shown[half] += 1
                        print(f"\n[{label}] {sid} ({half}, latest {latest})\n  REF: {ref[:300]}")
                        for r in rows[:4]:
                            print(f"  - ({published.get(r.article_id or '', '?')}) {r.text[:200]}")
                        print()
            for half, scores in by_half.items():
                n = max(len(scores), 1)
                r1, r2, rl = (100 * sum(s[k] for s in scores) / n for k in range(3))
                opens = sum(s[3] for s in scores)
                print(f"| {label} | {half} | {len(scores)} | {r1:.2f} | {r2:.2f} | {rl:.2f} | {opens}/{len(scores)} |")


if __name__ == "__main__":
    main()
