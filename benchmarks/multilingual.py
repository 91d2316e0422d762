"""Stories across languages: what tidings' clusterer does with news in languages its encoder does not read.

Reads ``../shared/corpora/wmt-newstest`` at run time (nothing from it is copied here): real news articles of the
WMT 2021-2023 test sets, each in its original language and in professional translations; records sharing a
``doc`` are one article (the gold story). The originals alone (en 96, ru 250, ja 114, is 47, uk 26) are 533
different articles, so every multi-article story that holds two ``doc`` values mixes articles a reader would not
put together unless they report one event (a few do: two reports of one naval parade). With ``--translations`` the
1,325 records, where a story that holds an article and its translation is right.

Each article gets its language as ``tidings run`` gives it (py3langid over title and text, ``resources.
detect_language``), not the corpus label. Rows: the clusterer as it is (a story holds one language; in a language
the encoder does not read, ``encoder_languages``, only stories sharing the article's words, ``min_lexical_unread``,
are candidates) and as it was before (languages ignored: every language's vectors trusted).

    .venv/bin/python benchmarks/multilingual.py
    .venv/bin/python benchmarks/multilingual.py --translations
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from clustering import bcubed
from corpora import CORPORA, article_embeddings
from tidings.cluster import StoryClusterer
from tidings.model import Article
from tidings.resources import detect_language
from tidings.settings import ClusterSettings

WMT = CORPORA / "wmt-newstest" / "documents.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--translations", action="store_true", help="the translations too (1,325 records)")
    args = parser.parse_args()
    if not WMT.exists():
        sys.exit(f"{WMT} is absent: this benchmark reads the WMT news test sets at run time")
    with gzip.open(WMT, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    rows = [r for r in rows if args.translations or not r["is_translation"]]
    articles = [
        Article(
            id=f"wmt-{n}",
            origin=r["doc"],
            title=r["title"],
            text=r["text"],
            language=detect_language(f"{r['title']}\n{r['text'][:1000]}"),
        )
        for n, r in enumerate(rows)
    ]
    vectors = article_embeddings("wmt", articles)
    gold = [r["doc"] for r in rows]
    detected = sum(a.language == r["language"] for a, r in zip(articles, rows, strict=True))
    print(f"{len(rows)} records, {len(set(gold))} articles; language detected = corpus label for {detected}")
    print(f"languages: {dict(Counter(r['language'] for r in rows).most_common())}\n")
    print("| clusterer | B³ precision | B³ recall | B³ F1 | stories | multi-article stories | of them mixing "
          "articles | records in those | mixed, by language |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    every_language = tuple(sorted({a.language for a in articles if a.language}))
    for name, settings in (
        ("tidings (one language per story; unread languages by their words)", ClusterSettings()),
        ("before: every language's vectors trusted", dataclasses.replace(
            ClusterSettings(), encoder_languages=every_language)),
    ):
        if name.startswith("before"):  # languages ignored altogether, as before this benchmark
            unlabelled = [dataclasses.replace(a, language=None) for a in articles]
            placed = StoryClusterer(settings).assign(unlabelled, vectors)
        else:
            placed = StoryClusterer(settings).assign(articles, vectors)
        pred = [placed[a.id] for a in articles]
        p, r, f = bcubed(pred, gold)
        members: dict[str, list[int]] = defaultdict(list)
        for i, story in enumerate(pred):
            members[story].append(i)
        multi = [m for m in members.values() if len(m) > 1]
        mixing = [m for m in multi if len({gold[i] for i in m}) > 1]
        by_language = Counter(rows[i]["language"] for m in mixing for i in m)
        print(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {len(members)} | {len(multi)} | {len(mixing)} | "
              f"{sum(len(m) for m in mixing)} | {dict(by_language.most_common())} |")


if __name__ == "__main__":
    main()
