"""Main-text extraction from HTML: tidings (trafilatura + junk filter) next to trafilatura alone,
readability-lxml and jusText, all run in this process on the same pages, with pages/s for each.

Corpora (read at run time from ../shared/corpora, nothing copied):

- ``article-extraction-benchmark`` (Zyte, 181 news pages with human-checked article bodies). Score as the
  benchmark defines it (see its PROVENANCE.md): \\w+ tokens, multisets of 4-token shingles of gold vs
  prediction give TP/FP/FN per page, normalised so every page weighs the same; precision and recall are
  means over pages; F1 from the two means; accuracy = share of pages whose token sequence equals the gold.
- ``trafilatura-eval`` (990 pages, mostly German, with snippets that must / must not be in the text).
  Score as trafilatura's evaluation does (PROVENANCE.md): whitespace-normalised substring search; a found
  'with' snippet is a TP, a missing one a FN, a found 'without' snippet a FP, a missing one a TN; micro
  precision, recall, accuracy and F1 over all snippets.

Settings for the others follow the corpora's own runners: trafilatura ``extract(include_comments=False,
include_tables=True)``, readability-lxml ``Document(html).summary()`` turned into text, jusText with the
union of its stop lists. Every output is turned into text the same way (blocks on their own lines).

    .venv/bin/python benchmarks/extraction.py              # both corpora, all systems (~4 min on 2 cores)
    .venv/bin/python benchmarks/extraction.py --limit 60   # quick run
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
import tarfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tidings.clean import Cleaner  # noqa: E402
from tidings.model import Article, Document  # noqa: E402
from tidings.settings import CleanSettings  # noqa: E402

SHARED = ROOT.parent / "shared"
AEB = SHARED / "corpora" / "article-extraction-benchmark"
TEV = SHARED / "corpora" / "trafilatura-eval"
_TOKEN = re.compile(r"\w+", re.UNICODE)
WARM_UP_PAGES = 3
_BLOCKS = (
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "td", "th", "dt",
    "dd", "section", "article", "header", "footer", "figcaption", "table", "ul", "ol", "br",
)  # fmt: skip


# ------------------------------------------------------------------------------------------- corpora


@dataclass
class Page:
    id: str
    html: str
    gold: str | None = None  # article body (AEB)
    with_: list[str] = field(default_factory=list)  # snippets that must be found (trafilatura-eval)
    without: list[str] = field(default_factory=list)  # snippets that must not be found


def load_aeb(limit: int | None) -> list[Page]:
    with gzip.open(AEB / "ground-truth.json.gz", "rt", encoding="utf-8") as fh:
        gold = json.load(fh)
    pages = []
    for key in sorted(gold)[:limit]:
        with gzip.open(AEB / "html" / f"{key}.html.gz", "rb") as fh:
            html = fh.read().decode("utf-8", errors="replace")
        pages.append(Page(key, html, gold=gold[key].get("articleBody") or ""))
    return pages


def _decode(data: bytes) -> str:
    """Bytes of a test page as text: UTF-8, else the declared charset, else charset-normalizer."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = re.search(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", data[:4096], re.I)
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else data.decode("utf-8", errors="replace")


def load_tev(limit: int | None) -> list[Page]:
    with gzip.open(TEV / "evaldata.json.gz", "rt", encoding="utf-8") as fh:
        evaldata = json.load(fh)
    items = sorted(evaldata.items())[:limit]
    wanted = {item["file"] for _, item in items}
    files: dict[str, bytes] = {}
    with tarfile.open(TEV / "html.tar.xz") as tar:
        for member in tar:
            name = member.name.split("/", 1)[-1]
            if member.isfile() and name in wanted:
                extracted = tar.extractfile(member)
                if extracted is not None:
                    files[name] = extracted.read()
    return [
        Page(url, _decode(files[item["file"]]), with_=item["with"], without=item["without"])
        for url, item in items
        if item["file"] in files
    ]


# ------------------------------------------------------------------------------------------- scoring


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def aeb_counts(gold: str, pred: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of 4-token shingles for one page."""
    g, p = _shingles(gold), _shingles(pred)
    tp = sum((g & p).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def aeb_scores(counts: list[tuple[float, float, float]], exact: list[bool]) -> dict[str, float]:
    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    ps = [precision(*c) for c in counts if c[0] + c[1] > 0]
    rs = [recall(*c) for c in counts if c[0] + c[2] > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "accuracy": _mean(exact)}


def _norm(text: str) -> str:
    return " ".join(text.split())


def tev_counts(page: Page, pred: str) -> tuple[int, int, int, int]:
    text = _norm(pred)
    tp = sum(1 for s in page.with_ if _norm(s) in text)
    fp = sum(1 for s in page.without if _norm(s) in text)
    return tp, fp, len(page.with_) - tp, len(page.without) - fp


def tev_scores(counts: list[tuple[int, int, int, int]]) -> dict[str, float]:
    tp, fp, fn, tn = (sum(c[i] for c in counts) for i in range(4))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    total = tp + fp + fn + tn
    return {
        "precision": p,
        "recall": r,
        "accuracy": (tp + tn) / total if total else 0.0,
        "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0,
    }


def _mean(values: list[bool] | list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# ------------------------------------------------------------------------------------------- systems


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment, one block per line (same for every system that returns HTML)."""
    import lxml.html

    if not html or not html.strip():
        return ""
    try:
        root = lxml.html.fromstring(html)
    except Exception:
        return ""
    for el in root.iter(*_BLOCKS):
        el.tail = "\n" + (el.tail or "")
    return "\n".join(line.strip() for line in root.text_content().split("\n") if line.strip())


def run_trafilatura(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False, include_tables=True) or ""


def run_readability(html: str) -> str:
    from readability import Document as ReadabilityDocument

    return html_to_text(ReadabilityDocument(html).summary(html_partial=True))


_JT_STOPLIST: frozenset[str] | None = None


def run_justext(html: str) -> str:
    global _JT_STOPLIST
    import justext

    if _JT_STOPLIST is None:
        _JT_STOPLIST = frozenset(w for lang in justext.get_stoplists() for w in justext.get_stoplist(lang))
    paragraphs = justext.justext(html.encode("utf-8"), _JT_STOPLIST)
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


class TidingsRunner:
    """The clean stage on Document(kind='html'): trafilatura extraction, then the junk filter."""

    def __init__(self, settings: CleanSettings) -> None:
        self.cleaner = Cleaner(settings)

    def batch(self, pages: list[Page]) -> list[str]:
        docs = [Document(origin=p.id, content=p.html, kind="html", meta={}) for p in pages]
        return [r.text if isinstance(r, Article) else "" for r in self.cleaner.clean(docs)]


# ------------------------------------------------------------------------------------------- driver


def run_corpus(
    pages: list[Page],
    systems: dict[str, Callable[[str], str]],
    tidings: dict[str, TidingsRunner],
    batch: int,
) -> tuple[dict[str, list[str]], dict[str, float]]:
    """Outputs and seconds of every system on every page, interleaved batch by batch."""
    outputs: dict[str, list[str]] = {name: [] for name in [*tidings, *systems]}
    seconds: dict[str, float] = dict.fromkeys(outputs, 0.0)
    for start in range(0, len(pages), batch):
        chunk = pages[start : start + batch]
        for name, runner in tidings.items():
            t0 = time.perf_counter()
            outputs[name].extend(runner.batch(chunk))
            seconds[name] += time.perf_counter() - t0
        for name, fn in systems.items():
            for page in chunk:
                t0 = time.perf_counter()
                try:
                    out = fn(page.html)
                except Exception as exc:  # a crash counts as an empty output
                    logging.debug("%s failed on %s: %s", name, page.id, exc)
                    out = ""
                seconds[name] += time.perf_counter() - t0
                outputs[name].append(out)
        print(f"  {min(start + batch, len(pages))}/{len(pages)} pages", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    return outputs, seconds


def _table(title: str, columns: list[str], rows: list[list[str]]) -> str:
    lines = [f"### {title}", "", "| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="pages per corpus (default: all)")
    parser.add_argument("--corpus", choices=["aeb", "tev", "both"], default="both")
    parser.add_argument("--batch", type=int, default=16, help="pages per Cleaner.clean call (as the pipeline)")
    parser.add_argument("--systems", default="trafilatura,readability-lxml,justext", help="comma-separated others")
    parser.add_argument("--ablation", action="store_true", help="also run tidings without the topic signal")
    parser.add_argument("--errors", type=int, default=0, help="print the N pages where tidings loses most")
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    missing = [p for p in (AEB, TEV) if not p.exists()]
    if missing:
        sys.exit(f"absent: {', '.join(map(str, missing))} (the benchmark reads ../shared at run time)")

    available: dict[str, Callable[[str], str]] = {
        "trafilatura": run_trafilatura,
        "readability-lxml": run_readability,
        "justext": run_justext,
    }
    systems = {name: available[name] for name in args.systems.split(",") if name in available}
    tidings = {"tidings": TidingsRunner(CleanSettings())}
    if args.ablation:
        tidings["tidings (no topic signal)"] = TidingsRunner(CleanSettings(use_embeddings=False))

    versions = _versions()
    print(f"Systems: {versions}\n")
    if args.corpus in ("aeb", "both"):
        pages = load_aeb(args.limit)
        print(f"article-extraction-benchmark: {len(pages)} pages", file=sys.stderr)
        _warm_up(pages, systems)
        outputs, seconds = run_corpus(pages, systems, tidings, args.batch)
        rows = []
        for name, outs in outputs.items():
            counts = [aeb_counts(p.gold or "", o) for p, o in zip(pages, outs, strict=True)]
            exact = [_TOKEN.findall(p.gold or "") == _TOKEN.findall(o) for p, o in zip(pages, outs, strict=True)]
            sc = aeb_scores(counts, exact)
            rows.append(
                [name, *(f"{sc[k]:.3f}" for k in ("precision", "recall", "f1", "accuracy")),
                 f"{len(pages) / seconds[name]:.1f}"]
            )  # fmt: skip
        print(_table(f"article-extraction-benchmark ({len(pages)} pages; 4-token shingles, page-averaged)",
                     ["system", "precision", "recall", "F1", "accuracy", "pages/s"], rows))  # fmt: skip
        print()
        if args.errors and "trafilatura" in outputs:
            _print_errors(pages, outputs, args.errors, lambda p, o: aeb_f1(p, o))
    if args.corpus in ("tev", "both"):
        pages = load_tev(args.limit)
        print(f"trafilatura-eval: {len(pages)} pages", file=sys.stderr)
        _warm_up(pages, systems)
        outputs, seconds = run_corpus(pages, systems, tidings, args.batch)
        rows = []
        for name, outs in outputs.items():
            sc = tev_scores([tev_counts(p, o) for p, o in zip(pages, outs, strict=True)])
            rows.append(
                [name, *(f"{sc[k]:.3f}" for k in ("precision", "recall", "accuracy", "f1")),
                 f"{len(pages) / seconds[name]:.1f}"]
            )  # fmt: skip
        print(_table(f"trafilatura-eval ({len(pages)} pages; with/without snippets, micro)",
                     ["system", "precision", "recall", "accuracy", "F1", "pages/s"], rows))  # fmt: skip
        print()
        if args.errors and "trafilatura" in outputs:
            _print_errors(pages, outputs, args.errors, tev_page_score)


def _warm_up(pages: list[Page], systems: dict[str, Callable[[str], str]]) -> None:
    """Pay one-time costs (imports, model and dictionary loads) before timing: every system runs on the
    first few pages untimed, with a throwaway Cleaner so that tidings' run-wide memory starts empty."""
    warm = {"tidings": TidingsRunner(CleanSettings())}
    run_corpus(pages[:WARM_UP_PAGES], systems, warm, WARM_UP_PAGES)


def aeb_f1(page: Page, out: str) -> float:
    tp, fp, fn = aeb_counts(page.gold or "", out)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def tev_page_score(page: Page, out: str) -> float:
    tp, fp, fn, tn = tev_counts(page, out)
    return (tp + tn) / max(1, tp + fp + fn + tn)


def _print_errors(
    pages: list[Page], outputs: dict[str, list[str]], n: int, score: Callable[[Page, str], float]
) -> None:
    """Pages where tidings scores below trafilatura alone, worst first, with what the filter changed."""
    diffs = []
    for i, page in enumerate(pages):
        ours, theirs = outputs["tidings"][i], outputs["trafilatura"][i]
        diffs.append((score(page, ours) - score(page, theirs), i))
    for delta, i in sorted(diffs)[:n]:
        if delta >= 0:
            break
        page = pages[i]
        ours = set(_norm(x) for x in outputs["tidings"][i].split("\n") if x.strip())
        theirs = [_norm(x) for x in outputs["trafilatura"][i].split("\n") if x.strip()]
        print(f"--- {page.id}  delta {delta:+.3f}", file=sys.stderr)
        for line in theirs:
            if line not in ours:
                print(f"   - {line[:150]}", file=sys.stderr)
        for s in page.with_:
            if _norm(s) not in _norm(outputs["tidings"][i]):
                print(f"   MISSING with: {s[:100]}", file=sys.stderr)
        for s in page.without:
            if _norm(s) in _norm(outputs["tidings"][i]):
                print(f"   FOUND without: {s[:100]}", file=sys.stderr)


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for dist in ("trafilatura", "readability-lxml", "justext", "tidings"):
        try:
            out.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            out.append(f"{dist} (not installed)")
    return ", ".join(out)


if __name__ == "__main__":
    main()
