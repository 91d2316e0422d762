"""Fuzzing ingest -> clean -> store: hostile and random inputs of every kind, counted by crash cause.

Run: ``.venv/bin/python benchmarks/fuzz.py [-n 10000] [--seed 0]`` (needs the dev extra's ``hypothesis``;
``FUZZ_SRC=<another checkout>/src`` measures that code instead, for a before/after). Prints inputs tried, crashes
(exceptions past the skip boundary), errors the boundary caught (an input skipped because a step raised) and each
distinct cause with a reproducing input. No sentence-embedding model runs (the cleaner's topical signal is off);
py3langid and trafilatura do. About 10 inputs a second on one core.

Inputs (``inputs()``): JSONL, JSON, HTML, plain-text and Markdown files, RSS and Atom feeds, raw bytes under a
supported extension, and folders of several of them (nested, hidden files, non-UTF-8 file names). They are built
from random Unicode and hostile fragments (lone surrogates as JSON escapes and character references, rich markup,
NUL, bidi marks, unparseable urls, script tags, broken markup), metadata fields of every JSON type, several
encodings, and truncation.

The boundary under test (:func:`run_one`): ingest yields only Documents and Skips; the cleaner returns an Article or
a Skip per document; an article that ``store.article_problem`` passes is written; nothing raises. Afterwards the
store holds exactly the articles written, each read back as written, and SQLite's integrity check passes.
``tests/test_fuzz.py`` runs the same with a bounded number of examples.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sqlite3
import sys
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("FUZZ_SRC", str(ROOT / "src")))

from tidings import ingest  # noqa: E402
from tidings.clean import Cleaner, document_id  # noqa: E402
from tidings.model import Article, Document, Skip  # noqa: E402
from tidings.settings import Settings  # noqa: E402
from tidings.store import Store  # noqa: E402

try:
    from tidings.store import article_problem
except ImportError:  # a checkout from before the storable check: every article goes to the store

    def article_problem(article: Article) -> str | None:
        return None

# -- inputs -----------------------------------------------------------------------------------------------------

HOSTILE = [
    "\ud800", "\udfff", "\x00", "\u202e", "\ufeff", "\u200b", "[/x]", "[bold]", "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">', "&#xD800;", "&#55296;", "&#0;", "&#x110000;", "&amp;", "&", "<", "]]>",
    "<![CDATA[", "<!--", "http://[x]/a", "http://a:99999/", "javascript:alert(1)", "\r\n", "\t", "\x1b[31m",
    "Crème brûlée", "Ελλάδα", "日本語", "🙂", "a" * 300, "%s%n", "{}", "null", "-->", "<?xml", "\\", '"',
]  # fmt: skip
WORDS = [
    "the",
    "port",
    "strike",
    "ended",
    "on",
    "Monday",
    "after",
    "talks",
    "said",
    "union",
    "harbour",
    "ferry",
    "council",
    "vote",
    "rate",
    "bank",
]

# any code point, lone surrogates included (st.characters leaves them out)
_text = st.text(alphabet=st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr)), max_size=40)
sentence = st.lists(st.sampled_from(WORDS), min_size=3, max_size=30).map(lambda ws: " ".join(ws).capitalize() + ".")
fragment = st.one_of(st.sampled_from(HOSTILE), _text, sentence, sentence)
prose = st.lists(fragment, min_size=0, max_size=12).map(" ".join)
paragraphs = st.lists(prose, min_size=0, max_size=6)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), prose)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6,
)
FIELDS = ["title", "text", "html", "url", "published", "site", "language", "story", "author", "authors"]
record = st.dictionaries(st.sampled_from(FIELDS), st.one_of(prose, prose, json_value), max_size=8)
encodings = st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "cp1250", "koi8-r"])


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")


@st.composite
def jsonl_file(draw: Any) -> tuple[str, bytes]:
    lines = [json.dumps(r, ensure_ascii=draw(st.booleans())) for r in draw(st.lists(record, max_size=4))]
    lines += draw(st.lists(prose, max_size=1))  # a line that is no JSON
    return ".jsonl", encode("\n".join(draw(st.permutations(lines))), draw(encodings))


@st.composite
def json_file(draw: Any) -> tuple[str, bytes]:
    value = draw(st.one_of(record, st.lists(record, max_size=3), json_value))
    return ".json", encode(json.dumps(value, ensure_ascii=draw(st.booleans())), draw(encodings))


@st.composite
def html_file(draw: Any) -> tuple[str, bytes]:
    charset = draw(encodings)
    body = "".join(f"<{draw(st.sampled_from(['p', 'div', 'h2', 'li', 'td', 'pre']))}>{p}" for p in draw(paragraphs))
    page = (
        f'<!doctype html><html><head><meta charset="{charset}"><title>{draw(prose)}</title>'
        f'<link rel="canonical" href="{draw(st.sampled_from([*HOSTILE, "https://example.org/a"]))}">'
        f'<meta property="article:published_time" content="{draw(prose)}"></head>'
        f"<body><article><h1>{draw(prose)}</h1>{body}</article></body></html>"
    )
    return draw(st.sampled_from([".html", ".htm", ".xhtml"])), encode(page, charset)


@st.composite
def text_file(draw: Any) -> tuple[str, bytes]:
    text = "\n\n".join([draw(prose), *draw(paragraphs)])
    return draw(st.sampled_from([".txt", ".md"])), encode(text, draw(encodings))


@st.composite
def feed_file(draw: Any) -> tuple[str, bytes]:
    items = []
    for _ in range(draw(st.integers(0, 3))):
        parts = {k: draw(prose) for k in ("title", "guid", "link", "description", "pubDate", "author")}
        items.append("".join(f"<{k}>{v}</{k}>" for k, v in parts.items() if draw(st.booleans())))
    if draw(st.booleans()):
        doc = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            + "".join(f"<item>{i}</item>" for i in items)
            + "</channel></rss>"
        )
    else:
        doc = (
            '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            + "".join(f"<entry>{i.replace('description', 'content')}</entry>" for i in items)
            + "</feed>"
        )
    return draw(st.sampled_from([".rss", ".xml", ".atom"])), encode(doc, "utf-8")


@st.composite
def raw_file(draw: Any) -> tuple[str, bytes]:
    ext = draw(st.sampled_from([*sorted(ingest.SUPPORTED - ingest.WARC_EXTENSIONS), ".gz", ".bin"]))
    return ext, draw(st.binary(max_size=300))


@st.composite
def truncated(draw: Any, files: Any) -> tuple[str, bytes]:
    ext, data = draw(files)
    return ext, data[: draw(st.integers(0, len(data)))] if draw(st.booleans()) else data


one_file = st.one_of(
    truncated(jsonl_file()), truncated(json_file()), truncated(html_file()), truncated(text_file()),
    truncated(feed_file()), raw_file(),
)  # fmt: skip
NAMES = [b"a", b"b c", b".hidden", b"sub/d", b"bad\xff", b"\xe9t\xe9", b"sub/.h/e", b"[x]"]


@st.composite
def folder(draw: Any) -> list[tuple[bytes, bytes]]:
    files = draw(st.lists(one_file, min_size=1, max_size=4))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=len(files), max_size=len(files)))
    return [
        (name + b"-" + str(i).encode() + ext.encode(), data)
        for i, (name, (ext, data)) in enumerate(zip(names, files, strict=True))
    ]


@dataclass
class Input:
    """One fuzzed input: a file (name, bytes) or a folder of them."""

    kind: str
    files: list[tuple[bytes, bytes]]

    def write(self, where: Path) -> str:
        target = os.fsencode(where / "in")
        base = target if self.kind == "folder" else os.path.dirname(target)
        for name, data in self.files:
            path = os.path.join(base, name) if self.kind == "folder" else target + name
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(data)
        return os.fsdecode(target if self.kind == "folder" else target + self.files[0][0])


KINDS = {
    "jsonl": jsonl_file(),
    "json": json_file(),
    "html": html_file(),
    "text": text_file(),
    "feed": feed_file(),
    "raw": raw_file(),
}


def inputs(kind: str | None = None) -> Any:
    """Fuzzed inputs of one kind (a key of KINDS, or 'folder'), or of any kind."""
    if kind == "folder":
        return folder().map(lambda files: Input("folder", files))
    if kind is not None:
        return truncated(KINDS[kind]).map(lambda f: Input(kind, [(f[0].encode(), f[1])]))
    return st.one_of(*[inputs(k) for k in [*KINDS, "folder"]])


# -- the boundary -----------------------------------------------------------------------------------------------


@dataclass
class Harness:
    """ingest -> clean -> store over one store, keeping what was written to check the store against it."""

    store: Store
    settings: Settings = field(default_factory=Settings)
    written: dict[str, tuple[str | None, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.settings.clean.use_embeddings = False  # no sentence model: the boundary, not the topical signal
        self.cleaner = Cleaner(self.settings.clean)

    def run_one(self, source: str) -> tuple[int, list[Skip]]:
        """Read, clean and store ``source``; (articles written, skips). Raises only past the skip boundary."""
        items = list(ingest.iter_documents([source], self.settings.ingest))
        assert all(isinstance(i, Document | Skip) for i in items)
        docs = {document_id(d): d for d in items if isinstance(d, Document)}
        existing = self.store.existing_ids(docs)
        new = [d for i, d in docs.items() if i not in existing]
        cleaned = self.cleaner.clean(new)
        assert len(cleaned) == len(new) and all(isinstance(a, Article | Skip) for a in cleaned)
        articles = [a for a in cleaned if isinstance(a, Article) and not article_problem(a)]
        with self.store.transaction() as conn:
            self.store.add_articles(conn, articles)
            self.store.add_sources(conn, {a.id: docs[a.id] for a in articles})
        self.written.update({a.id: (a.title, a.text) for a in articles})
        return len(articles), [i for i in [*items, *cleaned] if isinstance(i, Skip)]

    def check_store(self) -> None:
        """The store holds exactly what was written, read back unchanged."""
        assert self.store.count_articles() == len(self.written)
        back = {a.id: (a.title, a.text) for a in self.store.get_articles(list(self.written))}
        assert back == self.written


def integrity(db: str) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def cause(exc: BaseException) -> str:
    """Exception type and the innermost frame of the project (or else the innermost frame)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "tidings" in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    return f"{type(exc).__name__} at {where}"


# Skips that say a step raised and the boundary caught it (an input lost to a bug, not to what it is)
CAUGHT = ("unreadable (", "unreadable feed (", "could not be cleaned (")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="inputs to try")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the boundary logs each error it catches; they are counted below instead
    tried = written = skipped = 0
    crashes: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    examples: dict[str, Input] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "fuzz.db")
        harness = Harness(Store(db))

        @settings(
            max_examples=args.n,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(inputs())
        def one(item: Input) -> None:
            nonlocal tried, written, skipped
            tried += 1
            with tempfile.TemporaryDirectory(dir=tmp) as where:
                try:
                    n, skips = harness.run_one(item.write(Path(where)))
                except Exception as exc:
                    crashes[cause(exc)] += 1
                    examples.setdefault(cause(exc), item)
                    return
            written, skipped = written + n, skipped + len(skips)
            for s in skips:
                if s.reason.startswith(CAUGHT):
                    name = "caught: " + s.reason.split("(", 1)[1].split(":")[0]
                    caught[name] += 1
                    examples.setdefault(name, item)
            if tried % 500 == 0:
                print(f"... {tried} tried, {sum(crashes.values())} crashes", file=sys.stderr, flush=True)

        seed(args.seed)(one)()
        harness.check_store()
        print(
            "| inputs tried | crashes | distinct causes | errors caught as skips | articles written | skips | "
            "integrity_check |"
        )
        print("|---|---|---|---|---|---|---|")
        print(
            f"| {tried} | {sum(crashes.values())} | {len(crashes)} | {sum(caught.values())} | {written} | "
            f"{skipped} | {integrity(db)} |"
        )
        for name, count in [*crashes.most_common(), *caught.most_common()]:
            print(f"- {count} x {name}: e.g. {examples[name]!r}"[:400])


if __name__ == "__main__":
    main()
