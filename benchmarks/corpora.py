"""Readers for the labelled news corpora in ../shared/corpora, shared by the clustering and throughput benchmarks.

Nothing from ../shared is copied into the repository: the texts are read at run time. Embeddings of the texts are
cached in benchmarks/.cache/ (gitignored), keyed by the encoder name and a hash of the texts.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import lzma
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tidings.resources import TextEncoder

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
CACHE = Path(__file__).resolve().parent / ".cache"
EMBED_CHARS = 1000  # an article as one text: title + the first ~1000 characters of the text


@dataclass
class Item:
    """One labelled article: its text, optional date, and gold labels (story / topic / event)."""

    id: str
    title: str
    text: str
    published: str | None
    split: str  # neus: train/val; ecbplus: train/dev/test (the coreference literature's topic split)
    story: str  # gold cluster at the level the benchmark scores (neus: roundup; ecbplus: event = subtopic)
    topic: str | None = None  # ecbplus: gold topic (two events of the same type per topic)
    site: str | None = None
    url: str | None = None


_NEUS_ITEM = re.compile(r"TITLE=>\s*(.*?)\.\s+ARTICLE=>\s*(.*)", re.S)


def published_from_text(title: str, paragraphs: list[str]) -> str | None:
    """The date ``tidings run`` gives an article that comes without one: the clean stage's dateline finder over its
    first lines (title, then text), as :class:`tidings.clean.Cleaner` applies it to a text document."""
    from tidings.clean import dateline_date
    from tidings.settings import CleanSettings

    return dateline_date([title, *paragraphs], _CLEAN_SETTINGS.setdefault("s", CleanSettings()))


_CLEAN_SETTINGS: dict = {}


def _bare_dateline(line: str) -> bool:
    """A short line that is a dateline ('December 16, 2008', '9 September 2013, 14:08')."""
    return len(line.split()) <= 12 and published_from_text(line, []) is not None


def _norm_title(title: str) -> str:
    return re.sub(r"\W+", " ", title.lower()).strip()


def load_neus(splits: tuple[str, ...] = ("train", "val")) -> list[Item]:
    """NeuS/AllSides roundups: one gold story per line, three outlets' excerpts each.

    Dates: the raw crawl (506 stories, Apr-Oct 2021) gives a date per story and the outlets' titles; an article whose
    normalised title equals a crawled outlet title gets that story's date. The others get a dateline date when their
    text opens with one (:func:`published_from_text`, as ``tidings run`` would), else stay undated.
    """
    base = CORPORA / "neus-allsides"
    dates: dict[str, str] = {}
    with lzma.open(base / "raw_crawled_headline_11_2021-10-19.jsonl.xz", "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            raw = json.loads(line)
            for side in (raw.get("news") or {}).values():
                if side.get("newsTitle") and raw.get("date"):
                    dates[_norm_title(side["newsTitle"])] = raw["date"]
    items: list[Item] = []
    for split in splits:
        with lzma.open(base / f"{split}.source.xz", "rt", encoding="utf-8") as fh:
            lines = [line for line in fh.read().split("\n") if line.strip()]
        for n, line in enumerate(lines):
            for j, part in enumerate(line.split(" [SEP] ")):
                m = _NEUS_ITEM.match(part.strip())
                if not m:
                    continue
                title, text = m.group(1).strip(), m.group(2).strip()
                items.append(
                    Item(
                        id=f"neus-{split}-{n:04d}-{j}",
                        title=title,
                        text=text,
                        published=dates.get(_norm_title(title)) or published_from_text(title, [text]),
                        split=split,
                        story=f"{split}-{n}",
                    )
                )
    return items


ALLSIDES_RAW = CORPORA / "neus-allsides" / "raw_crawled_headline_11_2021-10-19.jsonl.xz"
"""The AllSides crawl as crawled: one JSON record per roundup (its ``news`` by side, its ``roundup`` paragraphs)."""


def allsides_records() -> Iterator[dict[str, Any]]:
    """The raw records of the AllSides crawl (:data:`ALLSIDES_RAW`), in file order."""
    with lzma.open(ALLSIDES_RAW, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def listed(value: Any) -> list[Any]:
    """A list the crawl stores as itself or as its Python repr (its paragraph lists); a string it cannot read is a
    list of that one string."""
    if isinstance(value, str):
        import ast

        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return [value]
        return parsed if isinstance(parsed, list) else [value]
    return list(value or [])


def load_allsides_crawl() -> list[Item]:
    """The AllSides crawl of Apr-Oct 2021 (``raw_crawled_headline_11_2021-10-19.jsonl.xz``): 506 dated roundups, each
    with the excerpts of two or three outlets (1,479 articles). A dense real stream: about three stories a day, most of
    them US politics, several of one kind in a week (two votes, two court rulings). Each article gets its roundup's
    date and the outlet's name as its site; the gold story is the roundup (``split`` is "crawl")."""
    items: list[Item] = []
    for raw in allsides_records():
        for side, news in sorted((raw.get("news") or {}).items()):
            paragraphs = [" ".join(str(p).split()) for p in listed(news.get("newBody")) if str(p).strip()]
            title = " ".join((news.get("newsTitle") or "").split())
            if not title and not paragraphs:
                continue
            items.append(
                Item(
                    id=f"allsides-{raw['id']}-{side}",
                    title=title,
                    text="\n\n".join(paragraphs),
                    published=raw.get("date") or None,
                    split="crawl",
                    story=f"allsides-{raw['id']}",
                    topic=raw.get("topic") or None,
                    site=(news.get("newsSource") or "").split(" (")[0] or None,
                    url=news.get("newsLink") or None,
                )
            )
    return items


# PolNeAR's publisher codes -> the outlet's real domain (so credit lines naming "The Washington Post" meet the same
# outlet as its articles do, through tidings.outlets.KNOWN_OUTLETS).
POLNEAR_SITES: dict[str, str] = {
    "breitbart": "breitbart.com",
    "huff-post": "huffingtonpost.com",
    "nyt": "nytimes.com",
    "politico": "politico.com",
    "usa-today": "usatoday.com",
    "wash-post": "washingtonpost.com",
    "west-journal": "westernjournalism.com",
}


def load_polnear_stories() -> list[Item]:
    """PolNeAR's articles as news (``polnear/metadata.tsv`` + the texts in its .tar.xz, read in place): 1,008
    political stories of 2015-2016 from seven outlets, with the title, date and outlet of the metadata. No gold story:
    ``story`` is the file name (each article its own), ``topic`` the ``wire`` column (AP, AFP, UPI, reuters, else
    None), ``split`` the corpus split (train/dev/test). The 54 parc3-replication rows have no text and are left out."""
    import csv
    import tarfile

    base = CORPORA / "polnear"
    with open(base / "metadata.tsv", encoding="utf-8", newline="") as fh:
        meta = {r["filename"]: r for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)}
    items: list[Item] = []
    with tarfile.open(base / "polnear-v1.0.0-text-attributions.tar.xz", "r:xz") as tar:
        for member in tar:
            m = re.fullmatch(r"data/(\w+)/text/(.+)\.txt", member.name)
            if not m or not member.isfile() or m.group(2) not in meta:
                continue
            row = meta[m.group(2)]
            text = tar.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
            wire = (row.get("wire") or "").strip()
            items.append(
                Item(
                    id=f"polnear-{m.group(2)}",
                    title=" ".join((row.get("title") or "").split()),
                    text=text.strip(),
                    published=row.get("publication_date") or None,
                    split=m.group(1),
                    story=m.group(2),
                    topic=None if wire in ("", "None", "NA") else wire,
                    site=POLNEAR_SITES.get(row.get("publisher") or ""),
                )
            )
    items.sort(key=lambda i: (i.published or "", i.id))
    return items


def load_wmt_english() -> list[Item]:
    """The English originals of the WMT 2021-2023 news test sets (``wmt-newstest/documents.jsonl.gz``: 96 articles,
    no dates, translations left out; the title line the text opens with dropped, as ``tidings run`` drops it). Each
    article is its own gold story (``story`` = its ``doc``), so a
    multi-article story mixes articles, unless they happen to report one event (a few do). ``split`` is "wmt"."""
    items: list[Item] = []
    with gzip.open(CORPORA / "wmt-newstest" / "documents.jsonl.gz", "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            raw = json.loads(line)
            if raw["is_translation"] or raw["language"] != "en":
                continue
            # the text repeats the title as its first line, which tidings' cleaner drops (a title is no body line):
            # left in, it moved every lead the clusterer reads by a line, so the benchmark did not see what a run
            # sees
            head, _, body = raw["text"].partition("\n")
            text = body.lstrip("\n") if head.strip() == raw["title"].strip() and body.strip() else raw["text"]
            items.append(Item(id=f"wmt-{n}", title=raw["title"], text=text, published=None, split="wmt",
                              story=raw["doc"]))
    return items


def write_jsonl(items: list[Item], path: Path, with_story: bool = True) -> None:
    """Items as the JSONL ``tidings run`` reads (title, text, url, published, site, and story unless not
    ``with_story``: a story given there is kept as the article's story instead of clustering it)."""
    with open(path, "w", encoding="utf-8") as fh:
        for i in items:
            row = {"title": i.title, "text": i.text, "url": i.url, "published": i.published, "site": i.site,
                   "story": i.story if with_story else None}
            fh.write(json.dumps({k: v for k, v in row.items() if v is not None}, ensure_ascii=False) + "\n")


ECB_DEV = {2, 5, 12, 18, 21, 23, 34, 35}
ECB_TEST = set(range(36, 46))


def _detok(text: str) -> str:
    """Undo the corpus' tokenisation spaces ("word , word" -> "word, word"), keeping numbers whole: the ecbplus
    half splits "6.1" into "6 . 1", "3:00" into "3 : 00" and "13,000" into "13 , 000", and "U.S." into "U . S ."."""
    text = text.replace("``", '"').replace("''", '"')
    text = re.sub(r"(?<![\d.,:])(\d+) ([.:]) (\d+)(?![\d])", r"\1\2\3", text)  # 6 . 1 -> 6.1, 3 : 00 -> 3:00
    text = re.sub(r"(?<![\d/])(\d{1,2}) / (\d{1,2}) / (\d{2,4})(?![\d])", r"\1/\2/\3", text)  # 11 / 27 / 2005
    text = re.sub(r"(?<![\d.,])(\d{1,3}) , (\d{3})(?![\d])", r"\1,\2", text)  # 13 , 000 -> 13,000
    text = re.sub(r"(?<![\d,])(\d{1,3},\d{3}) , (\d{3})(?![\d])", r"\1,\2", text)  # 1 , 200 , 000
    text = re.sub(r"\b([A-Z]) \. (?=[A-Z] \.)", r"\1.", text)  # U . S . -> U.S .
    text = re.sub(r"\b([A-Z]\.[A-Z]) \.", r"\1.", text)
    text = re.sub(r"\s+([,.;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[$])\s+", r"\1", text)
    return re.sub(r"\s+('s|n't|'re|'ve|'ll|'d|'m)\b", r"\1", text)


def load_ecbplus() -> list[Item]:
    """ECB+ documents: topic = story type, subtopic = seminal event (the gold story).

    For the ``ecbplus`` half, sentence 0 is the source URL: it is dropped (a page's URL is metadata, not text).
    The first remaining sentence that is not a bare dateline serves as title, the rest as text. Documents carry no
    date metadata: they get the date of a dateline near their top when they have one (:func:`published_from_text`,
    the clean stage's finder, as ``tidings run`` would apply it to these texts); the ecb half has none.
    """
    items: list[Item] = []
    seen: set[str] = set()
    with gzip.open(CORPORA / "ecbplus" / "documents.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            doc = json.loads(line)
            if doc["doc_name"] in seen:
                continue
            seen.add(doc["doc_name"])
            sents = [_detok(s) for s in doc["sentences"]]
            if doc["corpus_part"] == "ecbplus" and sents and sents[0].startswith("http"):
                sents = sents[1:]
            if not sents:
                continue
            topic = int(doc["topic"])
            published = published_from_text(sents[0], sents[1:])
            title_at = 0  # a bare dateline is not a title (the Cleaner's title choice skips date lines too)
            while title_at < len(sents) - 1 and _bare_dateline(sents[title_at]):
                title_at += 1
            sents = [sents[title_at], *sents[:title_at], *sents[title_at + 1 :]]
            split = "test" if topic in ECB_TEST else "dev" if topic in ECB_DEV else "train"
            items.append(
                Item(
                    id=f"ecb-{doc['doc_name'].removesuffix('.xml')}",
                    title=sents[0],
                    text="\n\n".join(sents[1:]),
                    published=published,
                    split=split,
                    story=doc["subtopic"],
                    topic=str(topic),
                )
            )
    return items


def load_msrp_pairs(splits: tuple[str, ...] = ("train", "test")) -> list[Item]:
    """MSRP's sentence pairs (Microsoft Research Paraphrase Corpus: two sentences of two outlets' articles on one
    news story, 2003-2004, mined from news clusters), each pair a story of two one-sentence articles. Its paraphrase
    labels are not read: any pair, paraphrase or not, is two outlets' sentences on one story. Each article gets a
    made-up title and URL naming its item id (the pipeline maps its conflicts back to items by URL)."""
    items: list[Item] = []
    for split in splits:
        with gzip.open(CORPORA / "msrp" / f"msr_paraphrase_{split}.txt.gz", "rt", encoding="utf-8-sig") as fh:
            next(fh)
            for n, line in enumerate(fh):
                parts = line.rstrip("\n").split("\t")
                if len(parts) != 5:
                    continue
                for j, text in enumerate(parts[3:5]):
                    item_id = f"msrp-{split}-{n:04d}-{j}"
                    items.append(
                        Item(
                            id=item_id,
                            title=f"MSRP {split} pair {n} sentence {j}",
                            text=text.strip(),
                            published=None,
                            split=split,
                            story=f"{split}-{n}",
                            url=f"https://msrp.example/{item_id}",
                        )
                    )
    return items


def embed_text(item: Item) -> str:
    """An article as one text, title + newline + the first ~1000 characters (what BERTopic's topic words are drawn
    from; the pipeline's article vectors are :func:`article_embeddings`)."""
    return (item.title or "") + "\n" + item.text[:EMBED_CHARS]


def article_embeddings(name: str, articles: list) -> np.ndarray:
    """Article vectors exactly as the pipeline makes them (``tidings.pipeline.article_vectors``: title and lead
    sentences), for ``Item``s or ``Article``s, cached like :func:`embeddings`."""
    from tidings.model import Article
    from tidings.pipeline import article_vectors
    from tidings.resources import get_embedder
    from tidings.settings import Settings

    settings = Settings()
    lead_chars, title_weight = settings.cluster.vector_lead_chars, settings.cluster.vector_title_weight
    min_words = settings.dedupe.alignment_min_words
    arts = [a if isinstance(a, Article) else Article(id=a.id, origin=a.id, title=a.title, text=a.text)
            for a in articles]
    encoder = get_embedder()
    key = f"{lead_chars}\x1f{title_weight}\x1f{min_words}\x1e" + "\x1e".join(f"{a.title}\x1f{a.text}" for a in arts)
    return _cached_vectors(
        f"{name}-articles", key, len(arts), encoder,
        lambda part: article_vectors(arts[part], encoder, lead_chars, title_weight, min_words),
    )


def embeddings(name: str, texts: list[str]) -> np.ndarray:
    """Embeddings of ``texts`` with tidings' encoder, cached in benchmarks/.cache/<name>-<encoder>-<hash>.npy."""
    from tidings.resources import get_embedder

    encoder = get_embedder()
    return _cached_vectors(name, "\x1e".join(texts), len(texts), encoder, lambda part: encoder.encode(texts[part]))


def _cached_vectors(
    name: str, key: str, count: int, encoder: TextEncoder, embed: Callable[[slice], np.ndarray], batch: int = 256
) -> np.ndarray:
    """``embed`` over ``count`` items in batches (progress on stderr), cached in benchmarks/.cache by ``name``, the
    encoder and a hash of ``key``."""
    path = CACHE / f"{name}-{encoder.name}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}.npy"
    if path.exists():
        return np.load(path)
    CACHE.mkdir(parents=True, exist_ok=True)
    out = np.zeros((count, encoder.dim), dtype=np.float32)
    start = time.perf_counter()
    for i in range(0, count, batch):
        out[i : i + batch] = embed(slice(i, i + batch))
        done = min(i + batch, count)
        rate = done / max(time.perf_counter() - start, 1e-9)
        print(f"  embedding {name}: {done}/{count} ({rate:.0f}/s)", file=sys.stderr, flush=True)
    np.save(path, out)
    return out


if __name__ == "__main__":  # warm the cache; or: [--allsides-jsonl FILE | --polnear-jsonl FILE]
    if len(sys.argv) == 3 and sys.argv[1] == "--allsides-jsonl":  # the crawl as input for ``tidings run``
        crawl = load_allsides_crawl()
        write_jsonl(crawl, Path(sys.argv[2]))
        print(f"{len(crawl)} articles of {len({i.story for i in crawl})} stories -> {sys.argv[2]}")
        sys.exit(0)
    if len(sys.argv) == 3 and sys.argv[1] == "--polnear-jsonl":  # PolNeAR's stories as input for ``tidings run``
        polnear = load_polnear_stories()
        write_jsonl(polnear, Path(sys.argv[2]), with_story=False)  # no gold story: tidings groups them
        print(f"{len(polnear)} articles of {len({i.site for i in polnear})} outlets -> {sys.argv[2]}")
        sys.exit(0)
    for label, loaded in (("neus", load_neus()), ("ecbplus", load_ecbplus()), ("allsides", load_allsides_crawl())):
        print(label, len(loaded), "items", len({i.story for i in loaded}), "stories")
        article_embeddings(label, loaded)


def load_polnear() -> list[Item]:
    """PolNeAR's articles (political news of 2016 from seven outlets: Breitbart, Huffington Post, NYT, Politico,
    USA Today, Washington Post, Western Journalism; train, dev and test; its attribution labels are not read), each
    day's articles one story (``Item.story``: the publication date), so that two outlets' sentences of one day are
    compared. Each article gets a made-up URL naming its item id (as for MSRP)."""
    import tarfile

    meta = {}
    with open(CORPORA / "polnear" / "metadata.tsv", encoding="utf-8") as fh:
        header = next(fh).rstrip("\n").split("\t")
        for line in fh:
            row = dict(zip(header, line.rstrip("\n").split("\t"), strict=False))
            meta[row["filename"]] = row
    items: list[Item] = []
    with tarfile.open(CORPORA / "polnear" / "polnear-v1.0.0-text-attributions.tar.xz") as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            parts = member.name.split("/")
            if len(parts) != 4 or parts[2] != "text" or not parts[3].endswith(".txt"):
                continue
            name = parts[3][: -len(".txt")]
            row = meta.get(name, {})
            handle = tar.extractfile(member)
            if handle is None:
                continue
            item_id = f"polnear-{name}"
            items.append(
                Item(
                    id=item_id,
                    title=row.get("title", name),
                    text=handle.read().decode("utf-8").strip(),
                    published=row.get("publication_date"),
                    split=parts[1],
                    story=row.get("publication_date") or name,
                    site=row.get("publisher"),
                    url=f"https://polnear.example/{item_id}",
                )
            )
    return items
