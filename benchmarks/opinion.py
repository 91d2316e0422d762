"""Opinion pieces told from news reports (``tidings.text.is_opinion``), against AllSides' own labels.

The AllSides 2021 crawl (``../shared/corpora/neus-allsides``) tags each outlet's article of a roundup: OPINION,
ANALYSIS, FACT CHECK, DATA or nothing (a news report). ``is_opinion`` reads only the article's address and title
(an opinion section such as ``/opinion/``, a slug that opens with 'opinion-', a title labelled 'Opinion |'), so it
runs on every input; this script counts what it calls opinion in each AllSides class. The section list was written
reading the article-extraction-benchmark pages; the crawl was scored blind first (58 of 140 OPINION, no other
article), then 'ideas' and the slug prefixes were added reading its misses (62 of 140). ``argues`` adds the titles
that argue (``text.ARGUMENT_TITLE``: 'Stop listening to the CDC', 'No, ...', 'Why ...'), written reading the crawl's
titles (so not blind): it decides headlines and summary weights, never the 'opinion' label.

    .venv/bin/python benchmarks/opinion.py              # the table
    .venv/bin/python benchmarks/opinion.py --misses 20  # and 20 OPINION articles it does not tell
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpora import ALLSIDES_RAW, allsides_records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", type=int, default=0, help="print N OPINION articles not told (seeded sample)")
    args = parser.parse_args()
    if not ALLSIDES_RAW.exists():
        sys.exit(f"{ALLSIDES_RAW} is absent: the benchmark reads ../shared/corpora at run time")
    from tidings.model import Article
    from tidings.text import argues, is_opinion

    rows: list[tuple[str, bool, str, str]] = []
    for raw in allsides_records():
        for news in (raw.get("news") or {}).values():
            tag = str(news.get("opinionTag") or "None")
            title, url = news.get("newsTitle") or "", news.get("newsLink") or ""
            article = Article(id="x", origin="x", title=title, text="", url=url or None)
            rows.append(("news report" if tag == "None" else tag, is_opinion(article), title, url, argues(article)))
    counts, told = Counter(t for t, *_ in rows), Counter(t for t, o, *_ in rows if o)
    argued = Counter(r[0] for r in rows if r[4])
    print(f"\n### Opinion pieces told by address and title ({len(rows)} articles of the AllSides crawl)\n")
    print("| AllSides label | articles | called opinion (is_opinion) | said to argue (argues: also the title) |")
    print("|---|---|---|---|")
    for tag, n in counts.most_common():
        print(f"| {tag} | {n} | {told[tag]} ({told[tag] / n:.0%}) | {argued[tag]} ({argued[tag] / n:.0%}) |")
    opinion, others = told["OPINION"], sum(v for k, v in told.items() if k != "OPINION")
    print(f"\nprecision (OPINION among those called opinion) {opinion / max(opinion + others, 1):.2f}; "
          f"recall {opinion / max(counts['OPINION'], 1):.2f}")
    missed = [r for r in rows if r[0] == "OPINION" and not r[1]]
    reports = argued["news report"]
    print(f"argues: {sum(argued.values()) - reports} of {sum(argued.values())} are not news reports "
          f"(opinion, analysis, fact check, data)")
    for _, _, title, url, _ in random.Random(1).sample(missed, min(args.misses, len(missed))):
        print(f"- {title[:80]} | {url}")


if __name__ == "__main__":
    main()
