"""Real articles are not skipped as non-articles: how many real news and article pages the clean stage turns into a
skip ('not an article: ...', 'no article text left'), and why.

Every page of these corpora is an article (read at run time from ../shared/corpora, nothing copied):
``article-extraction-benchmark`` (181 news pages), ``trafilatura-eval`` (990 pages), ``readability-test-pages``
(130 pages; a few are deliberately odd: a page that is only an image, a table of data...). Pages go through
:class:`tidings.clean.Cleaner` in batches of 16, as the pipeline cleans them.

    .venv/bin/python benchmarks/non_articles.py               # all three corpora (~3 min on 2 cores)
    .venv/bin/python benchmarks/non_articles.py --limit 60    # quick run
    .venv/bin/python benchmarks/non_articles.py --jsonl /tmp/a.jsonl   # also any JSONL input, e.g. the AllSides
                                                          # articles written by benchmarks/corpora.py --allsides-jsonl
"""

from __future__ import annotations

import argparse
import logging
import sys
import tarfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction import Page, _decode, load_aeb, load_tev  # noqa: E402
from tidings.clean import Cleaner  # noqa: E402
from tidings.model import Document, Skip  # noqa: E402
from tidings.settings import CleanSettings  # noqa: E402

RTP = ROOT.parent / "shared" / "corpora" / "readability-test-pages" / "test-pages.tar.xz"


def load_rtp(limit: int | None) -> list[Page]:
    pages: list[Page] = []
    with tarfile.open(RTP) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if member.isfile() and member.name.endswith("/source.html"):
                extracted = tar.extractfile(member)
                if extracted is not None:
                    pages.append(Page(member.name.split("/")[-2], _decode(extracted.read())))
    return pages[:limit]


def load_jsonl(path: str) -> list[Document]:
    from tidings.ingest import iter_documents
    from tidings.settings import IngestSettings

    return [d for d in iter_documents([path], IngestSettings()) if isinstance(d, Document)]


def skips(docs: list[Document], batch: int = 16) -> list[Skip]:
    cleaner = Cleaner(CleanSettings())
    out: list[Skip] = []
    for start in range(0, len(docs), batch):
        out += [r for r in cleaner.clean(docs[start : start + batch]) if isinstance(r, Skip)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="pages per corpus")
    parser.add_argument("--jsonl", action="append", default=[], help="also count the skips of this JSONL input")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    corpora = {
        "article-extraction-benchmark": load_aeb,
        "trafilatura-eval": load_tev,
        "readability-test-pages": load_rtp,
    }
    print("| corpus | pages | skipped | not an article | reasons |")
    print("|---|---:|---:|---:|---|")
    inputs: dict[str, Callable[[], list[Document]]] = {
        name: (lambda load=load: [Document(p.id, p.html, "html", {}) for p in load(args.limit)])
        for name, load in corpora.items()
    }
    inputs.update({path: (lambda path=path: load_jsonl(path)[: args.limit]) for path in args.jsonl})
    for name, load_docs in inputs.items():
        try:
            pages = load_docs()
        except FileNotFoundError as exc:
            print(f"| {name} | - | - | - | absent: {exc.filename} |")
            continue
        found = skips(pages)
        reasons = Counter(s.reason.split(" (")[0] for s in found)
        listed = "; ".join(f"{r} x{n}" for r, n in reasons.most_common())
        non_article = sum(1 for s in found if s.reason.startswith("not an article"))
        print(f"| {name} | {len(pages)} | {len(found)} | {non_article} | {listed} |")
        for s in found:
            print(f"    {s}", file=sys.stderr)


if __name__ == "__main__":
    main()
