"""Copies and provenance: which articles are copies of which, and which one is the original.

Three kinds of copy, cheapest test first:

- ``duplicate``: the same words (equal :attr:`Article.content_hash`).
- ``near_duplicate``: the same text with edits, trims or different boilerplate. Candidates come from a datasketch
  :class:`~datasketch.MinHashLSH` over word-shingle MinHashes; the MinHash estimate of Jaccard (or of how much of
  the shorter text the longer contains) confirms them.
- ``paraphrase``: a spun or lightly reworded version. Candidates are the nearest articles in an embedding index
  (usearch HNSW over the article embeddings the pipeline computes); a candidate is confirmed when most of the
  shorter article's sentences align, in order, with paraphrases of the other's (a monotone alignment over the
  sentence-similarity matrix of the two articles only).

The original is the earliest published; without dates, the one whose text contains the other's, then the one
with a credit line, then the fuller one, then the dated one, then the smaller id (never the order of arrival, so
that any split of the input into runs gives the same originals). Copies point at the root original of their group
(never at another copy); the original gets ``relation="original"``.

Scale (100k articles, ~2.5 KB each): per article the detector keeps its MinHash row (4 bytes per permutation),
one half-precision vector in the usearch index (768 bytes + graph links), its content hash and a small record
(dates, sizes, group). The LSH tables cost ~12 KB per article (one Python set per band), so only the most recent
``settings.lsh_window`` articles are in them; near copies of older articles are still found by the embedding
index and the sentence alignment, which also recognises an unreworded copy. Texts are not kept: the sentences
(vectors and word sets) of recently seen articles live in a bounded LRU, and older candidates are fetched through
:attr:`CopyDetector.lookup` (the pipeline points it at the store) when they need aligning. Nothing compares all
pairs: each new article meets its LSH bucket-mates and at most ``paraphrase_candidates`` nearest neighbours.

The decisions are plain functions (:func:`near_verdict` on signatures, :func:`aligned_verdict` on two articles'
sentences), and the candidates can come from outside: a detector given :class:`CopyPairs` (the Spark job's join over
:meth:`CopyDetector.band_keys` and :func:`nearest_earlier`) keeps no LSH tables nor embedding index, and links and
orients copies with the same rules, on plain articles and signatures, without a store.
"""

from __future__ import annotations

import hashlib
import itertools
import struct
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import numpy as np

from .clean import is_boilerplate, is_syndication_credit
from .model import Article, Relation
from .resources import HashingEncoder, ann_index_class, get_embedder
from .settings import DedupeSettings
from .text import paragraphs, quoted_share, segment, text_head, words

if TYPE_CHECKING:
    from usearch.index import Index

_SCHEME = "affine32"  # datasketch's 32-bit permutation scheme: hash values fit in 4 bytes
_HEADER = struct.Struct("<II")  # signature header: number of distinct shingles, number of words
_BAND_KEY_BYTES = 8  # LSH band keys are hashed to this many bytes (memory; collisions are re-checked)
_INDEX_CHUNK = 4096  # vectors added to the ANN index per bulk call (bounds the queue; no effect on results)
_Parsed = tuple[np.ndarray, int, int]  # a parsed signature: hash values, distinct shingles, words


def _band_key(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=_BAND_KEY_BYTES).digest()


@dataclass(frozen=True)
class _When:
    """A publication time, with whether only the day is known (then same-day comparisons are ties)."""

    moment: datetime
    day_only: bool

    @classmethod
    def parse(cls, value: str | None) -> _When | None:
        if not value:
            return None
        raw = value.strip()
        try:
            if len(raw) <= 10:
                d = date.fromisoformat(raw)
                return cls(datetime(d.year, d.month, d.day, tzinfo=UTC), True)
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return cls(moment.astimezone(UTC), False)

    def compare(self, other: _When) -> int:
        """-1 if self is earlier, 1 if later, 0 when they cannot be told apart."""
        if self.day_only or other.day_only:
            a, b = self.moment.date(), other.moment.date()
        else:
            a, b = self.moment, other.moment  # type: ignore[assignment]
        return -1 if a < b else 1 if a > b else 0


class _Known:
    """What the detector remembers of every article: enough to judge provenance, no text."""

    __slots__ = ("copy_of", "credited", "id", "n_shingles", "n_words", "relation", "row", "syndicated", "when")

    def __init__(self, article: Article, row: int, n_shingles: int, n_words: int) -> None:
        self.id = article.id
        self.row = row
        self.when = _When.parse(article.published)
        self.syndicated = any(is_syndication_credit(line) for line in article.credits)
        self.credited = any(not is_syndication_credit(line) for line in article.credits)
        self.n_shingles = n_shingles
        self.n_words = n_words
        self.copy_of: str | None = article.copy_of
        self.relation: Relation | None = article.relation

    @property
    def root(self) -> str:
        return self.copy_of or self.id


@dataclass
class _Match:
    """A confirmed copy relation between a new article and a known one, with the evidence for orientation."""

    other: _Known
    relation: Relation
    score: float
    own_new: float  # how much of the new text is not in the other (shingles, or words for a paraphrase)
    own_other: float  # how much of the other text is not in the new one (same unit)
    size: float  # the larger of the two texts (same unit)


@dataclass
class _Sentences:
    """An article's body sentences for alignment: embeddings (half precision, to keep the LRU small) and word
    sets. Cut by the regex splitter, not spaCy: alignment only needs the same cut on both sides, and spaCy's
    senter was a quarter of this stage's time."""

    vectors: np.ndarray
    words: list[frozenset[str]]
    quoted: list[float]  # the share of each sentence inside quotation marks

    @staticmethod
    def texts_of(article: Article, min_words: int, ui_share: float, max_chars: int) -> list[str]:
        """The sentences to align: not headings, not too short, not boilerplate; of the first ``max_chars``."""
        if len(article.text) > max_chars:
            article = replace(article, text=text_head(article.text, max_chars))
        return [s.text for s in segment(article, model=False)
                if not s.is_heading and len(words(s.text)) >= min_words and not is_boilerplate(s.text, ui_share)]

    @classmethod
    def from_texts(cls, texts: list[str]) -> _Sentences:
        return cls.many([texts])[0]

    @classmethod
    def many(cls, groups: list[list[str]]) -> list[_Sentences]:
        """One ``_Sentences`` per group of texts, all embedded in one encoder call."""
        flat = [t for texts in groups for t in texts]
        vectors = get_embedder().encode(flat) if flat else np.zeros((0, 1), dtype=np.float32)
        out, start = [], 0
        for texts in groups:
            part = vectors[start : start + len(texts)].astype(np.float16)
            out.append(cls(part, [frozenset(words(t)) for t in texts], [quoted_share(t) for t in texts]))
            start += len(texts)
        return out


def sentence_similarity(a: _Sentences, b: _Sentences, lexical_weight: float) -> np.ndarray:
    """Paraphrase score of every sentence of ``a`` with every sentence of ``b``: the cosine of their embeddings,
    mixed with the Dice overlap of their word sets (``lexical_weight``). On MSRP the mix separates paraphrases
    better than either alone (benchmarks/copies.py)."""
    cos = a.vectors.astype(np.float32) @ b.vectors.astype(np.float32).T
    if not lexical_weight or cos.size == 0:
        return cos
    dice = np.array([[2.0 * len(x & y) / max(len(x) + len(y), 1) for y in b.words] for x in a.words], dtype=np.float32)
    return (1.0 - lexical_weight) * cos + lexical_weight * dice


def sentence_sets(groups: list[list[str]]) -> list[_Sentences]:
    """Each group of sentences (``CopyDetector.alignment_texts``) as the alignment reads it (vectors and word sets),
    in one encoder call: what :func:`aligned_verdict` compares."""
    return _Sentences.many(groups)


def paraphrase_scores(first: list[str], second: list[str], lexical_weight: float) -> np.ndarray:
    """Paraphrase score of each pair ``(first[i], second[i])``, as the alignment computes it."""
    a, b = _Sentences.from_texts(first), _Sentences.from_texts(second)
    return np.array([sentence_similarity(_row(a, i), _row(b, i), lexical_weight)[0, 0] for i in range(len(first))])


def _row(s: _Sentences, i: int) -> _Sentences:
    return _Sentences(s.vectors[i : i + 1], s.words[i : i + 1], s.quoted[i : i + 1])


def monotone_alignment(sim: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """The largest set of sentence pairs (i, j) with ``sim[i, j] >= threshold`` that keep their order in both
    texts (no crossing pairs): a longest common subsequence over the boolean match matrix.

    Rows are filled vectorised, ``best[i][j] = max(best[i-1][j], best[i][j-1], best[i-1][j-1] + match[i][j])``,
    then the pairs are read back from the table. Cost O(n * m) for two articles of n and m sentences.
    """
    n, m = sim.shape if sim.ndim == 2 else (0, 0)
    if n == 0 or m == 0:
        return []
    match = (sim >= threshold).astype(np.int32)
    best = np.zeros((n + 1, m + 1), dtype=np.int32)
    for i in range(n):
        row = np.empty(m + 1, dtype=np.int32)
        row[0] = 0
        row[1:] = np.maximum(best[i, 1:], best[i, :-1] + match[i])
        best[i + 1] = np.maximum.accumulate(row)
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while i > 0 and j > 0:
        if best[i, j] == best[i - 1, j]:
            i -= 1
        elif best[i, j] == best[i, j - 1]:
            j -= 1
        else:  # only a match at (i-1, j-1) raises the count here
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return pairs[::-1]


Verdict = tuple[Relation, float, float, float, float]
"""A confirmed copy relation between two texts: relation, score, and the evidence for orientation (how much of the
new text is not in the other, how much of the other is not in the new one, the larger size; see ``_Match``)."""


def near_verdict(
    parsed: _Parsed, sigs: np.ndarray, sizes: np.ndarray, settings: DedupeSettings
) -> tuple[int, Verdict] | None:
    """Whether a new article (its parsed signature) is a near duplicate of one of the candidates (their signatures
    and (shingles, words) sizes, in row order): the index of the first best confirmed one and the verdict, or None.
    The MinHash estimate of Jaccard, or of how much of the shorter text the longer contains, decides."""
    values, n_shingles, _ = parsed
    s = settings
    other_shingles, other_words = sizes[:, 0], sizes[:, 1]
    jaccard = np.mean(sigs == values, axis=1)
    inter = jaccard / (1.0 + jaccard) * (n_shingles + other_shingles)
    in_other = np.minimum(1.0, inter / max(n_shingles, 1))
    in_new = np.minimum(1.0, inter / np.maximum(other_shingles, 1))
    shorter = np.where(n_shingles <= other_shingles, in_other, in_new)
    enough = np.minimum(n_shingles, other_shingles) >= s.near_min_shingles
    contained = (shorter >= s.near_min_containment) & enough
    ok = (other_words >= s.copy_min_words) & ((jaccard >= s.near_min_jaccard) | contained)
    if not ok.any():
        return None
    score = np.where(ok, np.maximum(jaccard, shorter), -1.0)
    k = int(np.argmax(score))  # the first best in row order, as a loop over the sorted rows keeps it
    j, n_other = float(jaccard[k]), int(other_shingles[k])
    common = j / (1.0 + j) * (n_shingles + n_other)
    return k, ("near_duplicate", float(score[k]), n_shingles - common, n_other - common, max(n_shingles, n_other))


def aligned_verdict(
    mine: _Sentences, theirs: _Sentences, settings: DedupeSettings, sentence_sim: float
) -> Verdict | None:
    """Whether a new article is a reworded (or edited) copy of another, from their body sentences: most of the
    shorter one's sentences align, in order, with paraphrases of the other's. None when they are no copies."""
    s = settings
    shorter = min(len(mine.words), len(theirs.words))
    if shorter < min(s.near_min_pairs, s.paraphrase_min_sentences):
        return None
    sim = sentence_similarity(mine, theirs, s.paraphrase_lexical_weight)
    pairs = monotone_alignment(sim, sentence_sim)
    if not pairs or len(pairs) / shorter < s.paraphrase_min_aligned:
        return None
    verbatim = [(i, j) for i, j in pairs if sim[i, j] >= s.near_sentence_sim]
    # two reports quoting one statement or document align on its words: that is a shared source, not a copy
    shared_quote = {(i, j) for i, j in pairs if min(mine.quoted[i], theirs.quoted[j]) >= s.paraphrase_quotation_share}
    if len(verbatim) >= s.near_verbatim_share * len(pairs):
        # mostly the same sentences (an excerpt, an edited or re-dressed copy): a near duplicate, unless the only
        # sentences printed alike are the quotations
        relation: Relation = "near_duplicate"
        if len(verbatim) < s.near_min_pairs or shared_quote.issuperset(verbatim):
            return None
    else:
        relation = "paraphrase"
        if len(pairs) - len(shared_quote) < s.paraphrase_min_pairs or shorter < s.paraphrase_min_sentences:
            return None
    # what each text has of its own: the words of its sentences left out of the alignment
    aligned_mine, aligned_theirs = {i for i, _ in pairs}, {j for _, j in pairs}
    own_new = sum(len(w) for i, w in enumerate(mine.words) if i not in aligned_mine)
    own_other = sum(len(w) for j, w in enumerate(theirs.words) if j not in aligned_theirs)
    size = max(sum(map(len, mine.words)), sum(map(len, theirs.words)))
    return relation, len(pairs) / shorter, own_new, own_other, size


@dataclass
class CopyPairs:
    """Copy candidates found outside the detector, e.g. by the Spark job's join (:mod:`tidings.spark`), for a
    detector that then keeps no LSH tables nor embedding index: per article id, ``near`` holds the ids of earlier
    articles (in registration order) that share an LSH band with it, and ``reworded`` its nearest earlier articles
    by embedding as ``(id, cosine, verdict)``, the verdict of :func:`aligned_verdict` for the pair (None: no copy).
    The detector decides and orients with these exactly as with its own candidates."""

    near: dict[str, list[str]] = field(default_factory=dict)
    reworded: dict[str, list[tuple[str, float, Verdict | None]]] = field(default_factory=dict)


def bucket_pairs(members: list[tuple[int, str]], cap: int) -> list[tuple[str, str]]:
    """The candidate pairs of one LSH bucket (members as (registration row, id)): each member with the ``cap``
    members registered just before it, as ``(id, earlier id)``. The detector scores only the ``cap`` most recent of
    a new article's candidates (``max_copy_candidates``), and those are among the ``cap`` most recent of each of its
    buckets, so the pairs stay linear in the bucket's size and lose nothing."""
    members = sorted(members)
    return [(aid, members[j][1]) for i, (_, aid) in enumerate(members) for j in range(max(0, i - cap), i)]


def nearest_earlier(
    query_rows: np.ndarray,
    queries: np.ndarray,
    ref_rows: np.ndarray,
    refs: np.ndarray,
    k: int,
    min_sim: float,
    allowed: np.ndarray | None = None,
) -> list[list[tuple[int, float]]]:
    """Exact k nearest neighbours by cosine, for each query among the references registered before it (a smaller
    row), at or above ``min_sim``: ``(reference index, cosine)``, nearest first (ties: earlier row first). Vectors
    are rounded to half precision first, as the detector's embedding index (``index_dtype``) stores them.
    ``allowed``: a mask (query x reference) of the pairs to consider."""
    def unit(v: np.ndarray) -> np.ndarray:
        v = v.astype(np.float16).astype(np.float32)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    out: list[list[tuple[int, float]]] = []
    if not len(refs):
        return [[] for _ in range(len(queries))]
    r = unit(refs)
    for start in range(0, len(queries), _INDEX_CHUNK):  # bounded blocks of the product
        q = unit(queries[start : start + _INDEX_CHUNK])
        sim = q @ r.T
        keep = ref_rows[None, :] < query_rows[start : start + _INDEX_CHUNK, None]
        if allowed is not None:
            keep &= allowed[start : start + _INDEX_CHUNK]
        sim = np.where(keep & (sim >= min_sim), sim, -np.inf)
        for row in sim:
            found = np.flatnonzero(np.isfinite(row))
            if len(found) > k:
                found = found[np.argpartition(-row[found], k - 1)[:k]]
            order = found[np.lexsort((ref_rows[found], -row[found]))]  # by cosine, then row
            out.append([(int(j), float(row[j])) for j in order])
    return out


def independent_groups(articles: list[Article]) -> dict[str, str]:
    """Article id -> id of its group's root original: copies share their original's group, so counting distinct
    values counts independent sources. Follows ``copy_of`` through the given articles (a defensive step: the
    detector always points copies at the root)."""
    by_id = {a.id: a for a in articles}
    out: dict[str, str] = {}
    for article in articles:
        root, seen = article.id, {article.id}
        nxt = article.copy_of
        while nxt and nxt not in seen:
            root = nxt
            seen.add(nxt)
            parent = by_id.get(nxt)
            nxt = parent.copy_of if parent is not None else None
        out[article.id] = root
    return out


def source_groups(articles: list[Article], groups: dict[str, str] | None = None) -> dict[str, str]:
    """Article id -> its independent source: the outlet (:attr:`Article.outlet`, the registered domain) of its copy
    group's original, so a copy counts with its original and the pages of one outlet count once (a live page and
    its update, www.x.com and x.com); the copy group's id when no site is known. ``groups`` are the copy groups
    (:func:`independent_groups`) when already computed. Every count of "independent sources" is of these values."""
    groups = groups if groups is not None else independent_groups(articles)
    by_id = {a.id: a for a in articles}
    out: dict[str, str] = {}
    for a in articles:
        root = by_id.get(groups[a.id], a)
        outlet = root.outlet or a.outlet
        out[a.id] = f"site:{outlet.lower()}" if outlet else groups[a.id]
    return out


def count_independent(articles: list[Article]) -> int:
    """Number of independent sources among ``articles``: outlets, a group of copies counting once."""
    return len(set(source_groups(articles).values()))


def processing_order(articles: list[Article]) -> list[int]:
    """The order :meth:`CopyDetector.detect` registers a batch in: dated articles by date, then undated ones; equal
    keys in the order given. The pipeline stores a batch in this order, so a detector warmed from the store
    (articles in storage order) holds them as the one that detected them did."""
    return sorted(range(len(articles)), key=lambda i: CopyDetector._time_key(articles[i], i))


class CopyDetector:
    """Finds exact, near and reworded copies among new articles and everything seen before.

    Usage: ``add_known`` every stored article (with its stored signature and embedding), then ``detect`` each new
    batch. Set :attr:`lookup` to fetch a stored article by id: it supplies the text of older paraphrase
    candidates and the full record of known articles whose relation changes. Without a lookup, the detector keeps
    every article object it is given (fine for small stores and tests); with one, it keeps only
    ``settings.article_cache`` of them.
    """

    def __init__(self, settings: DedupeSettings, pairs: CopyPairs | None = None) -> None:
        self.settings = settings
        self.pairs = pairs
        """Candidates found elsewhere (:class:`CopyPairs`): then the detector builds no LSH tables nor embedding
        index and aligns no sentences; it decides and orients on the given candidates and verdicts."""
        self._lookup: Callable[[str], Article | None] | None = None
        self.lookup_many: Callable[[list[str]], list[Article]] | None = None
        """``lookup_many(ids) -> articles``: fetch many stored articles at once (one query for a batch's paraphrase
        candidates instead of one each); optional beside :attr:`lookup`."""
        from datasketch import MinHash, MinHashLSH  # imported here: datasketch loads scipy (~0.5 s)

        self._lsh = MinHashLSH(threshold=settings.near_threshold, num_perm=settings.num_perm, hashfunc=_band_key)
        # The LSH holds the most recent ``lsh_window`` rows. Which rows belong there is kept here (``_lsh_rows``);
        # the tables catch up only before a query (``_sync_lsh``): warming from a big store then inserts the last
        # window once instead of inserting every row and removing all but the last window.
        self._lsh_rows: deque[int] = deque()  # rows that belong in the LSH, oldest first
        self._lsh_in: deque[int] = deque()  # rows in the LSH tables, oldest first
        self._sigs = np.zeros((0, settings.num_perm), dtype=np.uint32)
        self._sizes = np.zeros((0, 2), dtype=np.int64)  # per row: distinct shingles, content words (as in _Known)
        self._ids: list[str] = []
        self._known: dict[str, _Known] = {}
        self._by_hash: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}  # root id -> ids of its copies
        self._index: Index | None = None  # created with the first embedding (its dimension)
        self._pending: list[tuple[int, np.ndarray]] = []  # (row, vector) not yet in the index
        self._articles: OrderedDict[str, Article] = OrderedDict()
        self._sentences: OrderedDict[str, _Sentences] = OrderedDict()
        # the MinHash permutations of settings.seed, drawn once (a MinHash draws them anew for every article)
        self._permutations = MinHash(num_perm=settings.num_perm, seed=settings.seed, scheme=_SCHEME).permutations
        self.stats: dict[str, int] = {"lsh_candidates": 0, "ann_candidates": 0, "alignments": 0, "lookups": 0}

    # -- configuration ----------------------------------------------------------------------------------------
    @property
    def lookup(self) -> Callable[[str], Article | None] | None:
        """``lookup(id) -> Article | None``: fetch a stored article (with its text). Setting it bounds memory."""
        return self._lookup

    @lookup.setter
    def lookup(self, fn: Callable[[str], Article | None] | None) -> None:
        self._lookup = fn
        self._trim_articles()

    def __len__(self) -> int:
        return len(self._ids)

    def knows_hash(self, content_hash: str) -> bool:
        """Whether an article with this content hash is known (its exact copies are then found)."""
        return content_hash in self._by_hash

    # -- signatures -------------------------------------------------------------------------------------------
    def shingles(self, article: Article) -> set[bytes]:
        """Distinct word shingles of the body text, paragraph by paragraph (a shingle never spans two paragraphs,
        so a changed page-chrome line weighs only its own words; a paragraph shorter than a shingle is one)."""
        k = self.settings.shingle_words
        out: set[bytes] = set()
        for para in self.content(article):
            toks = words(para)
            if 0 < len(toks) <= k:
                out.add(" ".join(toks).encode("utf-8"))
            else:
                out.update(" ".join(toks[i : i + k]).encode("utf-8") for i in range(len(toks) - k + 1))
        return out

    def alignment_texts(self, article: Article) -> list[str]:
        """The body sentences the alignment reads of an article (see ``_Sentences.texts_of``)."""
        s = self.settings
        return _Sentences.texts_of(article, s.alignment_min_words, s.boilerplate_ui_share, s.max_article_chars)

    def content(self, article: Article) -> list[str]:
        """The paragraphs that are article content (of its first ``max_article_chars``): boilerplate never makes two
        articles copies."""
        share = self.settings.boilerplate_ui_share
        text = text_head(article.text, self.settings.max_article_chars)
        return [p for p in paragraphs(text) if not is_boilerplate(p, share)]

    def content_words(self, article: Article) -> int:
        return sum(len(words(p)) for p in self.content(article))

    def signature(self, article: Article) -> bytes:
        """The article's MinHash, serialized compactly: a header (shingle and word counts) + 4 bytes per
        permutation. Stored with the article so that warming the detector never re-reads texts."""
        from datasketch import MinHash

        shingles = self.shingles(article)
        mh = MinHash(num_perm=self.settings.num_perm, seed=self.settings.seed, scheme=_SCHEME,
                     permutations=self._permutations)
        if shingles:
            mh.update_batch(sorted(shingles))
        values = np.asarray(mh.hashvalues, dtype="<u4")
        return _HEADER.pack(len(shingles), self.content_words(article)) + values.tobytes()

    def band_keys(self, signature: bytes) -> list[bytes]:
        """The LSH band keys of a signature as the detector's LSH tables key it (the band's number, then datasketch's
        hash of the band): two articles are near-duplicate candidates when they share one. None without shingles."""
        from datasketch import LeanMinHash

        parsed = self._parse_signature(signature)
        if parsed is None or not parsed[1]:
            return []
        values = LeanMinHash(seed=self.settings.seed, hashvalues=parsed[0], scheme=_SCHEME).hashvalues
        return [struct.pack("<H", band) + self._lsh._H(values[start:end])
                for band, (start, end) in enumerate(self._lsh.hashranges)]

    def _parse_signature(self, signature: bytes) -> _Parsed | None:
        if len(signature) != _HEADER.size + 4 * self.settings.num_perm:
            return None  # made with other settings
        n_shingles, n_words = _HEADER.unpack_from(signature)
        return np.frombuffer(signature, dtype="<u4", offset=_HEADER.size).astype(np.uint32), n_shingles, n_words

    # -- registering ------------------------------------------------------------------------------------------
    def add_known(self, article: Article, signature: bytes, embedding: np.ndarray) -> None:
        """Register a stored article (its ``copy_of``/``relation`` as stored). A signature made with other
        settings is recomputed from the text when the article carries it, else the article is only searchable
        by embedding."""
        if article.id in self._known:
            return
        parsed = self._parse_signature(signature)
        if parsed is None and article.text:
            parsed = self._parse_signature(self.signature(article))
        self._register(article, parsed, np.asarray(embedding, dtype=np.float32))
        if article.copy_of:
            self._members.setdefault(article.copy_of, []).append(article.id)

    def _register(self, article: Article, parsed: _Parsed | None, embedding: np.ndarray) -> None:
        row = len(self._ids)
        values, n_shingles, n_words = parsed if parsed is not None else (None, 0, self.content_words(article))
        self._ids.append(article.id)
        if row >= self._sigs.shape[0]:
            grown = np.zeros((max(64, 2 * self._sigs.shape[0]), self.settings.num_perm), dtype=np.uint32)
            grown[:row] = self._sigs[:row]
            self._sigs = grown
            sizes = np.zeros((grown.shape[0], 2), dtype=np.int64)
            sizes[:row] = self._sizes[:row]
            self._sizes = sizes
        self._sizes[row] = (n_shingles, n_words)
        if values is not None:
            self._sigs[row] = values
            if n_shingles:
                self._lsh_rows.append(row)
                if len(self._lsh_rows) > self.settings.lsh_window:
                    # older articles stay findable by hash and through the embedding index + alignment
                    self._lsh_rows.popleft()
        self._known[article.id] = _Known(article, row, n_shingles, n_words)
        if article.content_hash and article.content_hash not in self._by_hash:
            self._by_hash[article.content_hash] = article.id
        if embedding.size:
            self._ann_add(row, embedding)
        self._remember(article)

    def _ann_add(self, row: int, vector: np.ndarray) -> None:
        """Queue a vector for the ANN index; queued vectors are added in bulk before the next search."""
        if self.pairs is not None:
            return  # the neighbours are given
        self._pending.append((row, vector.reshape(-1)))
        if len(self._pending) >= _INDEX_CHUNK:
            self._ann()

    def _ann(self) -> Index | None:
        """The embedding index, with every queued vector in it (bulk adds: one by one is twice as slow)."""
        if self._pending:
            if self._index is None:
                ndim = int(self._pending[0][1].shape[-1])
                self._index = ann_index_class()(ndim=ndim, metric="cos", dtype=self.settings.index_dtype)
            keys = np.array([row for row, _ in self._pending], dtype=np.uint64)
            self._index.add(keys, np.stack([v for _, v in self._pending]), threads=1)
            self._pending.clear()
        return self._index

    def _remember(self, article: Article) -> None:
        self._articles[article.id] = article
        self._articles.move_to_end(article.id)
        self._trim_articles()

    def _trim_articles(self) -> None:
        if self._lookup is None:
            return
        while len(self._articles) > self.settings.article_cache:
            self._articles.popitem(last=False)

    def _article(self, article_id: str) -> Article | None:
        """The article object, from memory or from the store."""
        found = self._articles.get(article_id)
        if found is not None and (found.text or self._lookup is None):
            return found
        if self._lookup is not None:
            self.stats["lookups"] += 1
            fetched = self._lookup(article_id)
            if fetched is not None:
                self._remember(fetched)
                return fetched
        return found

    # -- detection --------------------------------------------------------------------------------------------
    def detect(self, articles: list[Article], embeddings: np.ndarray, signatures: list[bytes]) -> list[Article]:
        """Set ``copy_of``/``relation`` on ``articles`` (against known articles and each other) and register
        them. Returns the already-known articles whose ``copy_of``/``relation`` changed."""
        embeddings = np.asarray(embeddings, dtype=np.float32)
        self._prefetch_sentences(articles, embeddings)
        order = processing_order(articles)
        touched: set[str] = set()
        new_ids: list[str] = []
        for i in order:
            article = articles[i]
            if article.id in self._known:
                continue
            parsed = self._parse_signature(signatures[i]) or self._parse_signature(self.signature(article))
            article.copy_of, article.relation = None, None
            match = self._find(article, parsed, embeddings[i])
            self._register(article, parsed, embeddings[i])
            new_ids.append(article.id)
            if match is not None:
                touched |= self._link(self._known[article.id], match)
        given = {a.id: a for a in articles}
        for aid in new_ids:
            rec = self._known[aid]
            given[aid].copy_of, given[aid].relation = rec.copy_of, rec.relation
        new_set = set(new_ids)
        changed: list[Article] = []
        for aid in sorted(touched - new_set):
            rec = self._known[aid]
            art = self._article(aid)
            if art is None:
                continue
            if (art.copy_of, art.relation) != (rec.copy_of, rec.relation):
                art.copy_of, art.relation = rec.copy_of, rec.relation
                changed.append(art)
        return changed

    @staticmethod
    def _time_key(article: Article, index: int) -> tuple[int, datetime, int]:
        when = _When.parse(article.published)
        return (0, when.moment, index) if when else (1, datetime.min.replace(tzinfo=UTC), index)

    def _find(self, article: Article, parsed: _Parsed | None, embedding: np.ndarray) -> _Match | None:
        """The strongest copy relation of a new article to a known one, or None (always None for an article
        with too little content: ``copy_min_words``)."""
        n_words = parsed[2] if parsed is not None else self.content_words(article)
        if n_words < self.settings.copy_min_words:
            return None
        if article.content_hash and article.content_hash in self._by_hash:
            other = self._known[self._by_hash[article.content_hash]]
            if other.n_words >= self.settings.copy_min_words:
                return _Match(other, "duplicate", 1.0, 0.0, 0.0, 0.0)
        if parsed is not None and parsed[1]:
            near = self._near(parsed, article.id)
            if near is not None:
                return near
        return self._reworded(article, embedding)

    def _containment(self, jaccard: float, n_a: int, n_b: int) -> tuple[float, float]:
        """Shares of A found in B and of B found in A, from a Jaccard estimate and the set sizes."""
        inter = jaccard / (1.0 + jaccard) * (n_a + n_b)
        return min(1.0, inter / max(n_a, 1)), min(1.0, inter / max(n_b, 1))

    def _sync_lsh(self) -> None:
        """Bring the LSH tables to ``_lsh_rows``: both are ascending and rows are only ever appended, so the tables
        hold a prefix of the wanted rows once the rows that left the window are out."""
        from datasketch import LeanMinHash

        oldest = self._lsh_rows[0] if self._lsh_rows else len(self._ids)
        while self._lsh_in and self._lsh_in[0] < oldest:
            self._lsh.remove(self._lsh_in.popleft())
        newest = self._lsh_in[-1] if self._lsh_in else -1
        for row in itertools.islice(self._lsh_rows, len(self._lsh_in), None):
            if row > newest:
                self._lsh.insert(row, LeanMinHash(seed=self.settings.seed, hashvalues=self._sigs[row], scheme=_SCHEME))
                self._lsh_in.append(row)

    def _near(self, parsed: _Parsed, article_id: str) -> _Match | None:
        from datasketch import LeanMinHash

        if self.pairs is not None:
            return self._near_from_pairs(parsed, article_id)
        values = parsed[0]
        self._sync_lsh()
        found = self._lsh.query(LeanMinHash(seed=self.settings.seed, hashvalues=values, scheme=_SCHEME))
        self.stats["lsh_candidates"] += len(found)
        if not found:
            return None
        # Many alike articles (10,000 short updates of one story) share every LSH bucket: each new one met all
        # earlier ones, one by one (768 s of copy detection); only the most recent are scored (_near_rows)
        rows = np.sort(np.fromiter(found, dtype=np.int64, count=len(found)))
        return self._near_rows(parsed, rows)

    def _near_from_pairs(self, parsed: _Parsed, article_id: str) -> _Match | None:
        """``_near`` on the LSH candidates of :attr:`pairs`: those the LSH tables would hold now (known rows with
        shingles among the ``lsh_window`` most recent)."""
        assert self.pairs is not None
        oldest = self._lsh_rows[0] if self._lsh_rows else len(self._ids)
        rows = [self._known[i].row for i in self.pairs.near.get(article_id, ()) if i in self._known]
        rows = sorted(r for r in rows if r >= oldest and self._sizes[r, 0] > 0)
        self.stats["lsh_candidates"] += len(rows)
        return self._near_rows(parsed, np.array(rows, dtype=np.int64))

    def _near_rows(self, parsed: _Parsed, rows: np.ndarray) -> _Match | None:
        """The near-duplicate match among candidate ``rows`` (ascending): the ``max_copy_candidates`` most recent
        are scored, all at once (a fixed choice, row numbers, whatever the order they were found in)."""
        rows = rows[-self.settings.max_copy_candidates :]
        if not len(rows):
            return None
        found = near_verdict(parsed, self._sigs[rows], self._sizes[rows], self.settings)
        if found is None:
            return None
        k, verdict = found
        return _Match(self._known[self._ids[int(rows[k])]], *verdict)

    # -- reworded copies --------------------------------------------------------------------------------------
    def thresholds(self) -> tuple[float, float]:
        """(article candidate cosine, sentence paraphrase cosine) for the encoder in use: the lexical fallback
        encoder has its own scale."""
        if get_embedder().name == HashingEncoder.name:
            return self.settings.paraphrase_candidate_sim_lexical, self.settings.paraphrase_sentence_sim_lexical
        return self.settings.paraphrase_candidate_sim, self.settings.paraphrase_sentence_sim

    def _reworded(self, article: Article, embedding: np.ndarray) -> _Match | None:
        if self.pairs is not None:
            return self._reworded_from_pairs(article)
        index = self._ann()
        if index is None or len(index) == 0 or not embedding.size:
            return None
        s = self.settings
        candidate_sim, sentence_sim = self.thresholds()
        found = index.search(embedding.reshape(-1), min(s.paraphrase_candidates, len(index)), threads=1)
        mine: _Sentences | None = None
        for row, dist in sorted(zip(found.keys.tolist(), found.distances.tolist(), strict=True), key=lambda x: x[1]):
            if 1.0 - dist < candidate_sim:
                break
            other = self._known[self._ids[int(row)]]
            if not self._may_be_reworded(article, other):
                continue
            self.stats["ann_candidates"] += 1
            if mine is None:
                mine = self._sentences_of(article.id, article)
            theirs = self._sentences_of(other.id)
            if theirs is None or mine is None:
                continue
            self.stats["alignments"] += 1
            verdict = aligned_verdict(mine, theirs, s, sentence_sim)
            if verdict is not None:
                return _Match(other, *verdict)
        return None

    def _may_be_reworded(self, article: Article, other: _Known) -> bool:
        """Whether a known article found near a new one by embedding is worth aligning with it."""
        s = self.settings
        if other.n_words < s.copy_min_words:
            return False
        when = _When.parse(article.published)
        # a recurring report (weekly figures, a yearly event) reworded from last time's is no copy
        return not (when and other.when and abs((when.moment - other.when.moment).days) > s.paraphrase_max_days)

    def _reworded_from_pairs(self, article: Article) -> _Match | None:
        """``_reworded`` on the neighbours and alignment verdicts of :attr:`pairs`: the same candidates (the
        ``paraphrase_candidates`` nearest known ones, nearest first, down to the candidate cosine), the same checks."""
        assert self.pairs is not None
        candidate_sim, _ = self.thresholds()
        found = [c for c in self.pairs.reworded.get(article.id, ()) if c[0] in self._known]
        found.sort(key=lambda c: -c[1])  # a stable sort: ties keep the order the join gave (row order)
        for other_id, cosine, verdict in found[: self.settings.paraphrase_candidates]:
            if cosine < candidate_sim:
                break
            other = self._known[other_id]
            if not self._may_be_reworded(article, other):
                continue
            self.stats["ann_candidates"] += 1
            if verdict is not None:
                return _Match(other, *verdict)
        return None

    def _prefetch_sentences(self, articles: list[Article], embeddings: np.ndarray) -> None:
        """Segment and embed, in one batch, the sentences the reworded-copy check of this batch will align: those
        of every new article with a candidate (a known article or a batch-mate above the candidate cosine) and
        of the known candidates. One encoder call per batch instead of one per article: several times faster."""
        if not articles or not embeddings.size or self.pairs is not None:
            return
        candidate_sim, _ = self.thresholds()
        wanted: dict[str, Article | None] = {}
        mates = embeddings @ embeddings.T  # the batch with itself: bounded by the batch size
        np.fill_diagonal(mates, -1.0)
        index = self._ann()
        k = self.settings.paraphrase_candidates
        for i, article in enumerate(articles):
            known: list[str] = []
            if index is not None and len(index):
                found = index.search(embeddings[i].reshape(-1), min(k, len(index)), threads=1)
                known = [self._ids[int(r)] for r, d in zip(found.keys.tolist(), found.distances.tolist(), strict=True)
                         if 1.0 - d >= candidate_sim]
            if known or mates[i].max() >= candidate_sim:
                wanted.setdefault(article.id, article)
                for other in known:
                    wanted.setdefault(other, None)
        todo: list[tuple[str, list[str]]] = []
        fetched: dict[str, Article] = {}
        if self.lookup_many is not None:
            missing = [aid for aid, given in wanted.items() if given is None and aid not in self._sentences
                       and not (aid in self._articles and self._articles[aid].text)]
            if missing:
                self.stats["lookups"] += len(missing)
                fetched = {a.id: a for a in self.lookup_many(missing)}
        for aid, given in wanted.items():
            if aid in self._sentences:
                continue
            article = given or fetched.get(aid) or self._article(aid)
            if article is not None and article.text:
                todo.append((aid, self.alignment_texts(article)))
        for (aid, _), found in zip(todo, _Sentences.many([texts for _, texts in todo]), strict=True):
            self._keep_sentences(aid, found)

    def _keep_sentences(self, article_id: str, found: _Sentences) -> None:
        self._sentences[article_id] = found
        while len(self._sentences) > self.settings.sentence_cache_articles:
            self._sentences.popitem(last=False)

    def _sentences_of(self, article_id: str, article: Article | None = None) -> _Sentences | None:
        """An article's body sentences as vectors and word sets (LRU-cached; fetched through ``lookup``)."""
        cached = self._sentences.get(article_id)
        if cached is not None:
            self._sentences.move_to_end(article_id)
            return cached
        article = article or self._article(article_id)
        if article is None or not article.text:
            return None
        found = _Sentences.from_texts(self.alignment_texts(article))
        self._keep_sentences(article_id, found)
        return found

    # -- provenance -------------------------------------------------------------------------------------------
    def _new_is_original(self, new: _Known, match: _Match) -> bool:
        """Whether the new article, rather than the root original of the matched group, is the original:
        the earlier published; without dates, the one without a syndication credit, the one with a credit line,
        then the one whose text contains the other's, then the fuller one; else the dated one, then the smaller id
        (never the order of arrival)."""
        s = self.settings
        root = self._root(match.other)
        if new.when and root.when:
            order = new.when.compare(root.when)
            if order:
                return order < 0
        if root is match.other:
            own_new, own_other, size = match.own_new, match.own_other, match.size
        elif new.n_shingles and root.n_shingles:  # matched a copy: weigh the new text against the root's own
            jaccard = float(np.mean(self._sigs[new.row] == self._sigs[root.row]))
            common = jaccard / (1.0 + jaccard) * (new.n_shingles + root.n_shingles)
            own_new, own_other = new.n_shingles - common, root.n_shingles - common
            size = max(new.n_shingles, root.n_shingles)
        else:
            own_new = own_other = size = 0.0
        # a syndication credit ("This article was supplied by X") marks the copy; a newsroom's credit line ("X
        # contributed to this report") its own text: syndicators drop it
        if new.syndicated != root.syndicated:
            return root.syndicated
        if new.credited != root.credited:
            return new.credited
        # one text contains the other when it has clearly more of its own (a dropped paragraph, not an edit)
        needed = max(s.containment_min_extra, s.containment_margin * size)
        if own_new - own_other >= needed:
            return True
        if own_other - own_new >= needed:
            return False
        if new.n_words >= root.n_words * s.fuller_ratio:
            return True
        if root.n_words >= new.n_words * s.fuller_ratio:
            return False
        # alike: a tie-break that does not depend on which came first, so that the same input gives the same
        # original however it is split into runs: the dated text (a batch meets dated articles first), then the id
        if bool(new.when) != bool(root.when):
            return bool(new.when)
        return new.id < root.id

    def _root(self, rec: _Known) -> _Known:
        """The root original of a known article's group."""
        return self._known[rec.copy_of] if rec.copy_of else rec

    def _link(self, new: _Known, match: _Match) -> set[str]:
        """Join the new article to the matched group; returns the ids whose relation may have changed."""
        if match.other.copy_of and match.other.copy_of not in self._known:
            # the stored original was not loaded (e.g. stored without an embedding): join it as it stands
            new.copy_of, new.relation = match.other.copy_of, match.relation
            self._members.setdefault(new.copy_of, []).append(new.id)
            return {new.id}
        root = self._root(match.other)
        touched = {root.id}
        if not self._new_is_original(new, match):
            new.copy_of, new.relation = root.id, match.relation
            root.relation = "original"
            self._members.setdefault(root.id, []).append(new.id)
            return touched | {new.id}
        members = self._members.pop(root.id, [])
        for mid in members:
            self._known[mid].copy_of = new.id
            touched.add(mid)
        root.copy_of, root.relation = new.id, match.relation
        new.copy_of, new.relation = None, "original"
        self._members[new.id] = [*members, root.id]
        return touched | {new.id}

    # -- introspection ----------------------------------------------------------------------------------------
    def group_of(self, article_id: str) -> str | None:
        """Root original of a known article (itself when it is not a copy), or None when unknown."""
        rec = self._known.get(article_id)
        return rec.root if rec else None
