"""ROUGE of tidings' story summaries against AllSides' neutral roundups (NeuS), beside classic summarizers.

Each line of ``../shared/corpora/neus-allsides/{split}.source.xz`` is one story told by three outlets (left,
centre, right excerpts); the aligned target line is AllSides' neutral roundup, the reference. For every story the
script builds one Article per outlet (what ``tidings run stories.jsonl --group-by story`` does with the same data),
runs ``analyze_story`` + ``summarize_story``, and compares with sumy's LexRank, TextRank and LSA and with the lead
sentences of the first listed article, all on the same sentences (tidings' splitter).

Length: every system is cut to the same word budget, the reference's word count, by one rule: each system adds
sentences in its own ranking until the budget is reached (the last sentence may pass it), its sentences are joined
in its own order (sumy: document order; lead: article order; tidings: its reading order) and the text is truncated
to exactly the budget, so the last sentence is cut the same way for all. For tidings the
budget is its ``target_words`` (the product default, 110, stands in for a reference it does not have); its
``max_sentences`` stays the product's 7, the sumy systems and the lead have no sentence cap. A second table
gives each system the number of sentences tidings chose, untruncated. ROUGE-1/2/L F1 (rouge-score, stemmed) x 100.

    .venv/bin/python benchmarks/summarize.py [--split val] [--offset K] [--limit N] [--set name=value ...]
    .venv/bin/python benchmarks/summarize.py --tune --split train --limit 800   # coordinate ascent of the weights
    .venv/bin/python benchmarks/summarize.py --split train --offset 800 --limit 800   # held-out train check

``--set`` overrides a SummarizeSettings field for tidings (e.g. ``--set repeat_weight=0`` to see a change's
effect); the other systems do not depend on it.

Reads ../shared at run time; needs the "bench" extra (sumy, rouge-score).
"""

from __future__ import annotations

import argparse
import lzma
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tidings.settings import SummarizeSettings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NEUS = SHARED / "corpora" / "neus-allsides"
_ITEM = re.compile(r"TITLE=>\s*(?P<title>.*?)\s*ARTICLE=>\s*(?P<text>.*)$", re.DOTALL)
_WORD = re.compile(r"\w+(?:['’]\w+)?")


@dataclass
class Example:
    titles: list[str]
    texts: list[str]
    ref_title: str
    reference: str


def _parse_item(item: str) -> tuple[str, str]:
    m = _ITEM.search(item.strip())
    if m is None:
        return "", item.strip()
    title = m.group("title").strip()
    if title.endswith("."):
        title = title[:-1]  # the release joins "TITLE=> <title>. ARTICLE=>"
    return title, m.group("text").strip()


def load(split: str, limit: int | None, offset: int = 0) -> list[Example]:
    with (
        lzma.open(NEUS / f"{split}.source.xz", "rt", encoding="utf-8") as fs,
        lzma.open(NEUS / f"{split}.target.xz", "rt", encoding="utf-8") as ft,
    ):
        out: list[Example] = []
        for line, (src, tgt) in enumerate(zip(fs, ft, strict=True)):
            if line < offset:
                continue
            items = [_parse_item(x) for x in src.split(" [SEP] ") if x.strip()]
            ref_title, reference = _parse_item(tgt)
            out.append(Example([t for t, _ in items], [x for _, x in items], ref_title, reference))
            if limit and len(out) >= limit:
                break
    return out


def n_words(text: str) -> int:
    return len(text.split())


def truncate(sentences: list[str], budget: int) -> str:
    """The sentences joined and cut to ``budget`` words."""
    return " ".join(" ".join(sentences).split()[:budget])


# ---------------------------------------------------------------------------------------------------------------
# Systems
# ---------------------------------------------------------------------------------------------------------------


class Story:
    """One example prepared once: articles, their sentences, the analyzed story (facts) for tidings."""

    def __init__(self, ex: Example, index: int) -> None:
        from tidings import analyze
        from tidings.model import Article
        from tidings.model import Story as StoryModel
        from tidings.settings import AnalyzeSettings
        from tidings.text import segment, stable_id

        self.example = ex
        self.articles = [
            Article(
                id=stable_id(str(index), str(k), t, prefix="a"),
                origin=f"neus:{index}:{k}",
                title=t or None,
                text=x,
                story_key=str(index),
            )
            for k, (t, x) in enumerate(zip(ex.titles, ex.texts, strict=True))
        ]
        self.sentences = {a.id: segment(a) for a in self.articles}
        story = StoryModel(id=f"s{index}", headline="", article_ids=[a.id for a in self.articles])
        self.story = analyze.analyze_story(story, self.articles, self.sentences, AnalyzeSettings())
        self.body = [[s.text for s in self.sentences[a.id] if not s.is_heading] for a in self.articles]

    def tidings(self, settings: object) -> tuple[list[str], str]:
        from tidings.summarize import summarize_story

        story = summarize_story(self.story, self.articles, self.sentences, settings)  # type: ignore[arg-type]
        return [s.text for s in story.summary], story.headline


class _Tokenizer:
    """What sumy asks of a tokenizer; sentences come from tidings' splitter (NLTK's punkt data is not here)."""

    language = "english"

    def to_sentences(self, paragraph: str) -> list[str]:
        from tidings.text import split_sentences

        return split_sentences([paragraph])[0]

    def to_words(self, sentence: str) -> list[str]:
        return _WORD.findall(sentence)


def sumy_system(name: str) -> Callable[[list[list[str]], Callable[[list[object]], list[object]] | int], list[str]]:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    cls = {"LexRank": LexRankSummarizer, "TextRank": TextRankSummarizer, "LSA": LsaSummarizer}[name]
    summarizer = cls(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    tokenizer = _Tokenizer()

    def run(body: list[list[str]], count: Callable[[list[object]], list[object]] | int) -> list[str]:
        doc = ObjectDocumentModel([Paragraph([Sentence(s, tokenizer) for s in sents]) for sents in body if sents])
        return [str(s) for s in summarizer(doc, count)]

    return run


def budget_count(budget: int) -> Callable[[list[object]], list[object]]:
    """sumy count callable: best-rated sentences until the word budget is reached."""

    def count(infos: list[object]) -> list[object]:
        out, total = [], 0
        for info in infos:
            if total >= budget:
                break
            out.append(info)
            total += n_words(str(info.sentence))  # type: ignore[attr-defined]
        return out

    return count


def lead(body: list[list[str]], budget: int | None, k: int | None = None) -> list[str]:
    sents = body[0] if body else []
    if k is not None:
        return sents[:k]
    out, total = [], 0
    for s in sents:
        if budget is not None and total >= budget:
            break
        out.append(s)
        total += n_words(s)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------------------------


def make_scorer() -> Callable[[str, str], tuple[float, float, float]]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)

    def score(reference: str, candidate: str) -> tuple[float, float, float]:
        s = scorer.score(reference, candidate)
        return (s["rouge1"].fmeasure, s["rouge2"].fmeasure, s["rougeL"].fmeasure)

    return score


def table(title: str, rows: dict[str, list[tuple[float, float, float]]], words: dict[str, list[int]]) -> None:
    print(f"\n### {title}\n")
    print("| system | ROUGE-1 | ROUGE-2 | ROUGE-L | words (mean) |")
    print("|---|---|---|---|---|")
    for name, scores in rows.items():
        arr = np.array(scores) * 100
        r1, r2, rl = arr.mean(axis=0)
        print(f"| {name} | {r1:.2f} | {r2:.2f} | {rl:.2f} | {statistics.mean(words[name]):.1f} |")


def prepare(examples: list[Example]) -> list[Story]:
    from tidings.resources import CachedEncoder, get_embedder, using_encoder

    cache: dict[str, np.ndarray] = {}
    encoder = CachedEncoder(get_embedder(), lambda keys: {k: cache[k] for k in keys if k in cache}, cache.update)
    _ENCODER.append(encoder)
    with using_encoder(encoder):
        return [Story(ex, i) for i, ex in enumerate(examples)]


_ENCODER: list[object] = []


def evaluate(stories: list[Story], settings: SummarizeSettings) -> None:
    from tidings.resources import using_encoder

    score = make_scorer()
    variants = {f"tidings, {o} order": replace(settings, order=o) for o in ("lede", "position") if o != settings.order}
    systems = ["tidings", *variants, "LexRank", "TextRank", "LSA", "Lead (first article)"]
    runners = {name: sumy_system(name) for name in ("LexRank", "TextRank", "LSA")}
    budget_rows: dict[str, list[tuple[float, float, float]]] = {n: [] for n in systems}
    budget_words: dict[str, list[int]] = {n: [] for n in systems}
    k_rows: dict[str, list[tuple[float, float, float]]] = {n: [] for n in systems}
    k_words: dict[str, list[int]] = {n: [] for n in systems}
    head_rows: dict[str, list[tuple[float, float, float]]] = {"tidings headline": [], "first article's title": []}
    head_words: dict[str, list[int]] = {n: [] for n in head_rows}
    with using_encoder(_ENCODER[0]):  # type: ignore[arg-type]
        for st in stories:
            ref = st.example.reference
            budget = n_words(ref)
            summary, head = st.tidings(settings)
            k = len(summary)
            at_budget, _ = st.tidings(replace(settings, target_words=budget))
            outputs_budget = {"tidings": truncate(at_budget, budget)}
            outputs_k = {"tidings": " ".join(summary)}
            for name, variant in variants.items():
                other, _ = st.tidings(variant)
                outputs_budget[name] = truncate(st.tidings(replace(variant, target_words=budget))[0], budget)
                outputs_k[name] = " ".join(other)
            for name, run in runners.items():
                outputs_budget[name] = truncate(run(st.body, budget_count(budget)), budget)
                outputs_k[name] = " ".join(run(st.body, k))
            outputs_budget["Lead (first article)"] = truncate(lead(st.body, budget), budget)
            outputs_k["Lead (first article)"] = " ".join(lead(st.body, None, k))
            for name in systems:
                budget_rows[name].append(score(ref, outputs_budget[name]))
                budget_words[name].append(n_words(outputs_budget[name]))
                k_rows[name].append(score(ref, outputs_k[name]))
                k_words[name].append(n_words(outputs_k[name]))
            first_title = next((t for t in st.example.titles if t), "")
            for name, text in (("tidings headline", head), ("first article's title", first_title)):
                head_rows[name].append(score(st.example.ref_title, text))
                head_words[name].append(n_words(text))
    table(f"Summary at the reference's word budget ({len(stories)} stories)", budget_rows, budget_words)
    table("Summary with as many sentences as tidings chose (untruncated)", k_rows, k_words)
    table("Headline vs the reference headline", head_rows, head_words)


def tune(stories: list[Story], start: SummarizeSettings) -> None:
    """Coordinate ascent of the summary weights on the given stories (use the train split): each weight in turn
    takes the value of its grid that raises mean ROUGE-2 at the reference's word budget; two sweeps."""
    from tidings.resources import using_encoder

    score = make_scorer()
    grid: dict[str, list[object]] = {
        "agreement_weight": [0.0, 0.5, 1.0, 2.0, 3.0],
        "title_weight": [0.0, 0.25, 0.5, 1.0],
        "corroboration_weight": [0.0, 0.25, 0.5, 1.0],
        "centrality_weight": [0.0, 0.5, 1.0],
        "position_weight": [0.0, 0.15, 0.3, 0.6],
        "quote_weight": [0.0, 0.2, 0.5],
        "standalone_weight": [0.1, 0.25, 0.5, 1.0],
        "mmr_lambda": [0.5, 0.7, 0.85, 1.0],
        "redundancy_threshold": [0.6, 0.7, 0.8],
        "repeat_weight": [0.0, 0.1, 0.2, 0.4, 0.8],
        "lexical_centrality_weight": [0.0, 0.05, 0.1, 0.15, 0.25, 0.5],
        "fill_same_fact": [False, True],
        "fill_novelty": [0.2, 0.35, 0.5, 0.7],
        "order": ["relevance", "lede", "position"],
    }

    def rouge2(settings: SummarizeSettings) -> float:
        values = []
        for st in stories:
            ref = st.example.reference
            summary, _ = st.tidings(replace(settings, target_words=n_words(ref)))
            values.append(score(ref, truncate(summary, n_words(ref)))[1])
        return statistics.mean(values) * 100

    current = start
    with using_encoder(_ENCODER[0]):  # type: ignore[arg-type]
        best = rouge2(current)
        print(f"\n### Coordinate ascent on {len(stories)} stories (ROUGE-2 at the reference's word budget)\n")
        print("| step | setting | value | ROUGE-2 |")
        print("|---|---|---|---|")
        print(f"| 0 | (defaults) | | {best:.2f} |")
        step = 0
        for _sweep in range(2):
            for name, values in grid.items():
                for value in values:
                    if getattr(current, name) == value:
                        continue
                    candidate = replace(current, **{name: value})
                    r2 = rouge2(candidate)
                    if r2 > best + 0.05:
                        step += 1
                        best, current = r2, candidate
                        print(f"| {step} | {name} | {value} | {r2:.2f} |", flush=True)
    print(f"\nbest: {current}")


def override(settings: SummarizeSettings, assignments: list[str]) -> SummarizeSettings:
    """``name=value`` pairs applied to the settings, each value parsed as the field's current type."""
    for item in assignments:
        name, _, raw = item.partition("=")
        if not hasattr(settings, name):
            sys.exit(f"--set: SummarizeSettings has no field {name!r}")
        current = getattr(settings, name)
        truth = raw.strip().lower() in ("1", "true", "yes")
        value: object = truth if isinstance(current, bool) else type(current)(raw)
        settings = replace(settings, **{name: value})
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="val", choices=["train", "val"])
    parser.add_argument("--limit", type=int, default=None, help="first N stories only")
    parser.add_argument("--offset", type=int, default=0, help="skip the first K stories (a held-out part of train)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override a summary setting")
    parser.add_argument("--tune", action="store_true", help="tune the summary weights (use --split train)")
    args = parser.parse_args()
    if not NEUS.exists():
        sys.exit(f"{NEUS} is absent (this benchmark reads ../shared at run time)")
    try:
        import rouge_score  # noqa: F401
        import sumy  # noqa: F401
    except ImportError:
        sys.exit("needs the bench extra: pip install sumy rouge-score")
    from tidings.resources import get_embedder, get_nlp

    start = time.perf_counter()
    settings = override(SummarizeSettings(), args.set)
    examples = load(args.split, args.limit, args.offset)
    stories = prepare(examples)
    prepared = time.perf_counter() - start
    print(
        f"NeuS/AllSides {args.split}: {len(stories)} stories, encoder {get_embedder().name}, "
        f"spaCy {'on' if get_nlp() is not None else 'off'}; analyze: {prepared:.0f} s"
        + (f"; settings: {', '.join(args.set)}" if args.set else "")
    )
    if args.tune:
        tune(stories, settings)
    else:
        evaluate(stories, settings)
    print(f"\n({time.perf_counter() - start:.0f} s in all)")


if __name__ == "__main__":
    main()
