"""Cluster stage: articles into stories, online, in time order (the news-stream recipe of Miranda et al. 2018).

Each new article is compared only with the stories active around its date. Those candidates come from usearch
(HNSW) indexes over story centroids, one index per time bucket (``window_days`` wide), so an article searches its
own bucket and the two next to it; stories without any dated article live in an "undated" index that every dated
article also searches, and undated articles search a global index of all stories (built the first time one
arrives), since no window applies to them.

Every candidate gets gate features (:data:`FEATURES`): cosine with the story centroid (running mean of the article
embeddings) and the best cosine with one of the story's exemplars (first and latest members); TF-IDF cosine of
title+lead keywords, of capitalised-name tokens and of numbers (years, magnitudes, prices) against the story's
bounded counters, with the *support* of the article's names and numbers (the share of the story's members that
mention them: a new person, place or date, or one only a stray member brought in, speaks against the join) and
whether both sides have any; whether the two name disjoint places for their event (a dateline or a name after 'in',
'at', 'near' on each side, and neither mentions the other's: protests in Oakland and in Seattle on one weekend, two
wildfires, which embeddings and keywords take for one event); time similarity to the story's span (times the best
embedding cosine: being of the same day says nothing for unrelated articles) and whether both are dated, both
weighted by the share of the story's members that have a date (one dated member does not make a story of undated
ones 'of that day'; an undated article or story gets no time terms at all, neither for nor against); the story's
coherence (mean cosine of its members with its centroid); and the margin of this candidate's cosine over the closest
other candidate. Content decides, time only gates and breaks ties: a linear gate over the content features (weights
fitted by ``benchmarks/clustering.py --fit``, stored in :class:`~tidings.settings.ClusterSettings`) accepts a
candidate when its score is positive, some member of the story is at least ``min_cosine`` close and the story's
centroid at least ``min_centroid_cosine`` (no chaining of unrelated events through one member); the time terms
(:data:`RANK_ONLY`) only order the accepted candidates, and the window (``window_days``) keeps stories of other days
out, but for a story up to ``continue_days`` away that says the same thing (centroid cosine, names and numbers all
agreeing: a developing story's follow-up after a silence, not a recurring beat's next figures). The article joins the
best accepted candidate, else opens a new story. (A busy news day has dozens of unrelated stories: with time in the
score, 'same day' outvoted 'different content'.) After a join, the grown story is compared with the other candidates the
article would also have joined, and merges with one whose story-to-story score clears
``merge_margin`` (recorded in :attr:`StoryClusterer.merged`). At the end of a batch, a second-chance pass
(``reassign_margin``) scores each of the batch's articles again against the stories as they are then, without
itself, and moves it when another story now beats its own: the article that joined a young story of another event
before its own event's story existed goes where it belongs, and an article left alone in its story (its event's
first, passed by when the next ones opened a story of their own) joins the story the gate now accepts it in
(``singleton_margin``). Last, a story the batch touched parts when its members form groups unrelated both by content
(mean cross cosine under ``split_cosine``, average link) and by names (``split_names_cosine``): every join was one
article against the story as it then was, so a story can chain another event of the same day in through one near
member, which the mean over all pairs sees. Only the batch's own articles move; stored ones keep their story.

A story holds one language (its first member's): the encoder's vectors of two languages are not comparable. In a
language the encoder does not read (``encoder_languages``) its cosines are no evidence at all (to an English model
every Russian news lead looks alike), so only stories sharing the article's keywords (``min_lexical_unread``) are
candidates there.

Cost per article is bounded: a few index searches of ``candidates`` each (twice with the second-chance pass),
sparse features only for candidates that could still clear the gate, over capped counters, and index updates only
when a centroid has moved (geometric schedule). Memory per story is bounded (capped counters, one index entry per
active time bucket). Copies (``article.copy_of``) go to their original's story and do not move its centroid,
counters or time span (a copy put out again a year later does not make its story of that year).
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from .model import Article
from .resources import ann_index_class
from .settings import ClusterSettings
from .text import stable_id

if TYPE_CHECKING:
    from usearch.index import Index

FEATURES = (
    "dense",
    "nearest",
    "lexical",
    "names",
    "names_both",
    "names_support",
    "figures",
    "figures_both",
    "figures_support",
    "places_clash",
    "time",
    "dated",
    "coherence",
    "margin",
)
"""Order of the gate features (see :meth:`StoryClusterer.candidates`)."""

RANK_ONLY = ("time", "dated")
"""Features that rank the candidates the content already accepts but never decide a join: a busy news day has dozens
of unrelated stories, so being of the same day is no evidence that two articles report one event."""

_NEAREST = FEATURES.index("nearest")
_DENSE = FEATURES.index("dense")
_UNDATED = "u"
_GLOBAL = "g"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+|\n+")
_NAME_WORD = re.compile(r"[A-Z][\w'’.\-]*")
_POSSESSIVE = re.compile(r"['’]s$")
# A dateline opening a paragraph: 'OAKLAND, Ca. -- ...', 'SEATTLE - ...', 'JAKARTA, Indonesia (Reuters) - ...'
_DATELINE = re.compile(
    r"^[\"“'‘]?([A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,3})(?:, ([A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){0,2}))?"
    r"\s*(?:\([^)\n]{1,40}\)\s*)?(?:[-–—]+|:)\s",
    re.MULTILINE,
)
_LOCATIVES = frozenset({"in", "at", "near", "outside", "off", "across", "around", "throughout"})
"""Words after which a capitalised run names where something happens ('a fire in Jurupa Valley')."""
_NOT_PLACES = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "the", "week", "weeks",
})
"""Capitalised words that follow a locative word without naming a place ('in March', 'on Sunday')."""
_GENERIC_PLACE_WORDS = frozenset({
    "county", "city", "valley", "state", "province", "district", "region", "island", "islands", "north", "south",
    "east", "west", "northern", "southern", "eastern", "western", "central", "new", "san", "santa", "st", "saint",
    "lake", "river", "mount", "beach", "bay", "port", "fort", "park", "street", "road", "square", "airport",
    "university", "hospital",
})
"""Words that many place names share ('Lassen County', 'Riverside County'): a shared one says nothing about the
place being the same, so they are left out of an article's places."""
_FIGURE = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.,])\d+(?:\.\d+)?(?![\w])")

@cache
def _stop_words(language: str = "en") -> frozenset[str]:
    """spaCy's stop words of a language (its ``spacy.lang.<code>.stop_words`` list; English for a language spaCy
    has none for), when spaCy is installed (IDF alone down-weights function words otherwise); read on first use,
    since importing spaCy costs half a second that commands reading no text should not pay. Per language because in
    a stream of many languages a minority language's function words are rare, so IDF weighs them up: with English
    stop words only, 22 unrelated Spanish articles of one week ('de', 'la', 'que' in common) made one story."""
    if language != "en" and language.isalpha() and len(language) <= 3:
        try:
            return frozenset(importlib.import_module(f"spacy.lang.{language}.stop_words").STOP_WORDS)
        except Exception:  # no list for this language
            pass
    try:
        from spacy.lang.en.stop_words import STOP_WORDS
    except Exception:  # pragma: no cover - spaCy is optional
        return frozenset()
    return frozenset(STOP_WORDS)


def primary_language(tag: str | None) -> str | None:
    """The primary subtag of a language tag, in lower case ('en-GB' -> 'en'); None for none or 'und'."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary and primary != "und" else None


def parse_time(published: str | None) -> float | None:
    """Days since the Unix epoch of an ISO 8601 date or datetime (naive = UTC), or None when absent or unparseable.

    A date without a time ('2026-04-14') is taken at its midday: it means some time that day, and read as midnight it
    put a next-morning report of the same event 1.3 days away, past a one-day window."""
    if not published:
        return None
    text = published.strip()
    date_only = len(text) == 10
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment, date_only = datetime.fromisoformat(text[:10]), True
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() / 86400.0 + (0.5 if date_only else 0.0)


def _keywords(title: str, lead: str, title_weight: float, language: str = "en") -> dict[str, float]:
    """Term frequencies of title (boosted) and lead words, minus the language's stop words and one-letter tokens."""
    out: dict[str, float] = {}
    stop = _stop_words(language)
    for text, weight in ((title, title_weight), (lead, 1.0)):
        for w in _WORD.findall(text.lower()):
            w = _POSSESSIVE.sub("", w)  # "kerry's" counts as "kerry"
            if len(w) < 2 or w in stop or (w.isdigit() and len(w) < 3):
                continue
            out[w] = out.get(w, 0.0) + weight
    return out


def _is_title_case(title: str) -> bool:
    """Headline Case capitalises every word, so its capitals say nothing about names."""
    long_words = [w for w in title.split() if len(w) > 3]
    return len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) >= 0.7 * len(long_words)


def _names(title: str, lead: str, title_weight: float) -> dict[str, float]:
    """Tokens of capitalised word runs ("Tara Reid", "Betty Ford Center"), a cheap stand-in for named entities.

    A lone capitalised word at the start of a sentence is not a name; title capitals only count when the title is
    not in Headline Case.
    """
    out: dict[str, float] = {}
    stop = _stop_words()
    sources = [(lead, 1.0)] if _is_title_case(title) else [(title, title_weight), (lead, 1.0)]
    for text, weight in sources:
        for sentence in _SENTENCE_END.split(text):
            tokens = sentence.split()
            run: list[str] = []
            starts_sentence = True
            for i, tok in enumerate([*tokens, ""]):
                word = tok.strip("\"“”‘’'()[],;:!?")
                acronym = word.isupper() and 2 <= len(word) <= 5
                if i < len(tokens) and (acronym or (_NAME_WORD.fullmatch(word) and not word.isupper())):
                    if not run:
                        starts_sentence = i == 0
                    run.append(word)
                    continue
                if run and (len(run) > 1 or not starts_sentence):
                    for name in run:
                        key = _POSSESSIVE.sub("", name).strip(".-").lower()
                        if len(key) > 1 and key not in stop:
                            out[key] = out.get(key, 0.0) + weight
                run = []
    return out


def _name_key(word: str) -> str:
    """The key of a name token, as :func:`_names` makes it ('Oakland's' -> 'oakland')."""
    return _POSSESSIVE.sub("", word).strip(".-").lower()


def _places(title: str, lead: str) -> frozenset[str]:
    """Name tokens of the places an article says its event happened in: datelines opening a paragraph ('SEATTLE -',
    'OAKLAND, Ca. --') and capitalised runs after a locative word ('a courthouse in Oakland', 'off Sumatra'), in the
    title (unless it is in Headline Case) and the lead. Words many place names share ('County', 'New') are left out.
    No gazetteer: a run after 'in' may name an institution ('in Congress'), and a town and its state do not match,
    so the set is evidence to weigh, not a fact (see :func:`_places_clash`)."""
    stop = _stop_words()
    out: set[str] = set()
    for match in _DATELINE.finditer(lead):
        out.update(_name_key(word) for part in match.groups() for word in (part or "").split())
    for text in ([lead] if _is_title_case(title) else [title, lead]):
        tokens = text.split()
        for i, tok in enumerate(tokens[:-1]):
            if tok.lower() not in _LOCATIVES:
                continue
            run: list[str] = []
            for nxt in tokens[i + 1 : i + 5]:
                word = nxt.strip("\"“”‘’'()[],;:!?")
                if not _NAME_WORD.fullmatch(word) or (not run and word.lower() in _NOT_PLACES):
                    break
                if word.replace(".", "").isupper() or any(ch.isdigit() for ch in word):
                    break  # an acronym or a code ('at CNN', 'in COVID-19 cases', 'at UFC 244', 'in U.S.'), no town
                run.append(word)
                if nxt[-1] in ",;:!?)\"”":  # 'in Portland, Ore.': the run ends at the comma
                    break
            out.update(_name_key(word) for word in run)
    return frozenset(
        k for k in out if len(k) > 1 and k not in stop and k not in _NOT_PLACES and k not in _GENERIC_PLACE_WORDS
    )


def _places_clash(places: Collection[str], names: Collection[str], story_places: Collection[str],
                  story_names: Collection[str]) -> float:
    """1 when both sides name where their event happened and neither side mentions any place of the other at all
    (Seattle vs Oakland, California; Aceh vs Java): two events of one kind in two places, which embeddings and
    keywords take for one. 0 when either side names no place (no evidence either way)."""
    if not places or not story_places:
        return 0.0
    if any(p in story_places or p in story_names for p in places):
        return 0.0
    if any(p in places or p in names for p in story_places):
        return 0.0
    return 1.0


def _figures(title: str, lead: str, title_weight: float) -> dict[str, float]:
    """Numbers of title and lead ("2013", "6.1", "13,000"): years, magnitudes, tolls and prices tell apart two events
    of the same kind (two earthquakes, two acquisitions) that words and embeddings mix up. Single digits are too
    common to say anything and are skipped."""
    out: dict[str, float] = {}
    for text, weight in ((title, title_weight), (lead, 1.0)):
        for match in _FIGURE.findall(text):
            key = match.replace(",", "")
            if len(key) < 2:
                continue
            out[key] = out.get(key, 0.0) + weight
    return out


def _support(weighted: dict[str, float], df: dict[str, float], members: float) -> float:
    """How much of the story stands behind the article's names (or numbers): the TF-IDF-weighted mean, over the
    article's names, of the share of the story's members that mention the name. A new person or place ("Capaldi"
    arriving in a story about "Smith") gets 0, and so does one that only a stray member brought in: once one article
    of another event has slipped into a story, its names match that event's next articles in the story's counters,
    but few members back them. 0 when the article has none."""
    total = sum(weighted.values())
    if total <= 0 or members <= 0:
        return 0.0
    return sum(w * min(1.0, df.get(t, 0.0) / members) for t, w in weighted.items()) / total


def _normalized(counts: dict[str, float]) -> dict[str, float]:
    total = sum(counts.values())
    return {k: v / total for k, v in counts.items()} if total > 0 else {}


def _prune(counts: dict[str, float], cap: int) -> dict[str, float]:
    """The ``cap`` heaviest entries (ties by key, so pruning is deterministic)."""
    if len(counts) <= cap:
        return counts
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:cap])


@dataclass
class _Doc:
    """An article prepared for clustering."""

    id: str
    vector: np.ndarray
    terms: dict[str, float]
    names: dict[str, float]
    figures: dict[str, float]
    places: frozenset[str]
    time: float | None
    copy_of: str | None
    language: str | None = None  # primary subtag, lower case ('en', 'ru'); None when unknown


@dataclass
class _Story:
    """What the clusterer keeps per story: bounded whatever the story's size."""

    id: str
    key: int
    seq: int  # creation order, for deterministic tie-breaks
    total: np.ndarray  # sum of member embeddings (copies excluded)
    n: int = 0  # members in the centroid (copies excluded)
    size: int = 0  # all members
    dated: int = 0  # members in the centroid that have a date
    terms: dict[str, float] = field(default_factory=dict)
    names: dict[str, float] = field(default_factory=dict)
    figures: dict[str, float] = field(default_factory=dict)
    names_df: dict[str, float] = field(default_factory=dict)  # members mentioning each name (capped like names)
    figures_df: dict[str, float] = field(default_factory=dict)
    places: dict[str, float] = field(default_factory=dict)  # members naming each place (capped like names)
    exemplars: list[np.ndarray] = field(default_factory=list)  # first and latest member vectors (bounded)
    first: float | None = None
    last: float | None = None
    language: str | None = None  # of its first member with a known language: stories hold one language
    indexed: dict[int | str, int] = field(default_factory=dict)  # index name -> n when the vector was put there
    norms: tuple[int, float, float, float] | None = None  # (IDF epoch, keyword, name and figure TF-IDF norms)
    # the exemplars stacked into a matrix, with the list they were stacked from: every change of the exemplars
    # assigns a new list, so the cache holds while ``stacked[0] is exemplars``
    stacked: tuple[list[np.ndarray], np.ndarray] | None = None

    @property
    def exemplar_matrix(self) -> np.ndarray:
        if self.stacked is None or self.stacked[0] is not self.exemplars:
            self.stacked = (self.exemplars, np.stack(self.exemplars))
        return self.stacked[1]

    @property
    def dated_share(self) -> float:
        """Share of the members with a date: how far the story's span speaks for all of it (a story of ten undated
        articles and one dated one is not 'of that day')."""
        return self.dated / self.n if self.n > 0 else (1.0 if self.first is not None else 0.0)

    @property
    def coherence(self) -> float:
        """Mean cosine of the members with the centroid direction (1 for one article; lower for a diffuse story)."""
        return float(np.linalg.norm(self.total)) / max(self.n, 1)

    @property
    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.total))
        return self.total / norm if norm > 0 else self.total


class StoryClusterer:
    """Assigns articles to stories online; warm it with :meth:`add_known` to continue stories of earlier runs."""

    def __init__(self, settings: ClusterSettings) -> None:
        self.settings = settings
        self.merged: dict[str, str] = {}
        """Story ids absorbed by another story during the last :meth:`assign` (old -> surviving id)."""
        self._stories: dict[str, _Story] = {}
        self._by_key: dict[int, _Story] = {}
        self._alias: dict[str, str] = {}  # every story id ever merged away -> the id it went into
        self._article_story: dict[str, str] = {}  # article id -> story id (for copies)
        self._df: dict[str, int] = {}  # document frequency of keywords and names (copies excluded)
        self._docs = 0
        self._epoch = 0  # IDF epoch: cached story norms are valid within one
        self._epoch_docs = 0
        self._indexes: dict[int | str, Index] = {}
        self._next_key = 0
        self._global = False  # whether the index of all stories is kept (from the first undated article on)
        self._dirty: set[str] = set()
        # the current assign batch, for the second-chance pass: its documents, their order, each story's members
        self._batch_docs: dict[str, _Doc] = {}
        self._batch_members: dict[str, list[str]] = {}
        self._batch_rank: dict[str, int] = {}
        self.reassigned = 0
        """Articles moved to another story by the second-chance pass so far (see :meth:`_reassign_batch`)."""
        weights = [getattr(settings, f"{name}_weight") for name in FEATURES]
        self._weights = np.array([0.0 if n in RANK_ONLY else w for n, w in zip(FEATURES, weights, strict=True)])
        self._rank_weights = np.array([w if n in RANK_ONLY else 0.0 for n, w in zip(FEATURES, weights, strict=True)])

    # -- public API ---------------------------------------------------------------------------------------------
    def add_known(self, article: Article, embedding: np.ndarray) -> None:
        """Register a stored article (``story_id`` set) so that new articles can join its story."""
        if not article.story_id:
            raise ValueError(f"article {article.id} has no story_id")
        if self._story_of(article.id) is not None:
            return
        story_id = self._resolve(article.story_id)
        doc = self._prepare(article, embedding)
        story = self._stories.get(story_id)
        if story is None:
            story = self._new_story(story_id, doc.vector.shape[0])
        self._add_member(story, doc, index=False)
        self._dirty.add(story.id)

    def assign(self, articles: list[Article], embeddings: np.ndarray) -> dict[str, str]:
        """Story id of each new article, processing them in time order (undated first, then by date, then id).

        Copies are placed after the others, in their original's story. New story ids are
        ``stable_id(first article id, prefix="s")``.
        """
        self.merged = {}
        if not articles:
            return {}
        self._flush()
        order = sorted(range(len(articles)), key=lambda i: self.order_key(articles[i]))
        originals = [i for i in order if not articles[i].copy_of]
        copies = [i for i in order if articles[i].copy_of]
        placed: dict[str, str] = {}
        self._batch_docs, self._batch_members, self._batch_rank = {}, {}, {}
        for n, i in enumerate(originals + copies):
            if n == len(originals):  # all originals placed: a second chance for each of them
                self._reassign_batch()
                self._split_batch()
            article = articles[i]
            known = self._story_of(article.id)
            if known is not None:  # already placed (an earlier batch or add_known): never counted twice
                placed[article.id] = known
                continue
            doc = self._prepare(article, embeddings[i])
            target = self._story_of(doc.copy_of) if doc.copy_of else None
            if target is not None:
                story = self._stories[target]
                self._add_member(story, doc, index=True)
            else:
                if doc.copy_of:  # original unknown: cluster it like any article
                    doc.copy_of = None
                story = self._decide(doc, self.candidates_for(doc, exact=False))
                self._batch_docs[doc.id] = doc
                self._batch_rank[doc.id] = len(self._batch_rank)
                self._batch_members.setdefault(story.id, []).append(doc.id)
            placed[article.id] = story.id
        if not copies:
            self._reassign_batch()
            self._split_batch()
        self._batch_docs, self._batch_members, self._batch_rank = {}, {}, {}
        return {aid: self._story_of(aid) or self._resolve(sid) for aid, sid in placed.items()}

    def candidates(self, article: Article, embedding: np.ndarray) -> list[tuple[str, np.ndarray]]:
        """Candidate stories for an article with their gate features (in :data:`FEATURES` order), best first.

        Read-only; used to fit the gate (``benchmarks/clustering.py --fit``) and to inspect decisions.
        """
        self._flush()
        doc = self._prepare(article, embedding)
        return [(s.id, f) for s, f in self.candidates_for(doc)]

    def place(self, article: Article, embedding: np.ndarray, story_id: str | None) -> str:
        """Put an article into ``story_id`` (or a new story when None) without the gate; returns the story id.

        Used for teacher-forced training of the gate; :meth:`assign` is the normal entry point.
        """
        self._flush()
        doc = self._prepare(article, embedding)
        if story_id is not None and self._resolve(story_id) in self._stories:
            story = self._stories[self._resolve(story_id)]
        else:
            story = self._new_story(stable_id(article.id, prefix="s"), doc.vector.shape[0])
        self._add_member(story, doc, index=True)
        return story.id

    def score(self, features: np.ndarray) -> float:
        """The gate's score for one feature vector (join when > 0): content only (see :data:`RANK_ONLY`), and never
        positive when no member of the story is as close as ``min_cosine`` (the similarity of unrelated news), nor when
        the story as a whole (its centroid) is farther than ``min_centroid_cosine``."""
        if features[_NEAREST] < self.settings.min_cosine or features[_DENSE] < self.settings.min_centroid_cosine:
            return -math.inf
        return float(self.settings.bias + features @ self._weights)

    def rank(self, features: np.ndarray) -> float:
        """The order among candidates: the gate's score plus the time terms, which break ties between stories the
        content accepts (the same kind of event on two days: the nearer one)."""
        return float(self.settings.bias + features @ self._weights + features @ self._rank_weights)

    def story_of(self, article_id: str) -> str | None:
        """The current story of an article seen by this clusterer (known or assigned), after merges."""
        return self._story_of(article_id)

    @property
    def story_count(self) -> int:
        return len(self._stories)

    # -- preparation ----------------------------------------------------------------------------------------------
    @staticmethod
    def order_key(article: Article) -> tuple[float, str]:
        """The processing order of :meth:`assign`: undated first, then by date, then by id."""
        t = parse_time(article.published)
        return (-math.inf if t is None else t, article.id)

    def _prepare(self, article: Article, embedding: np.ndarray) -> _Doc:
        vector = np.asarray(embedding, dtype=np.float32).reshape(-1)
        norm = float(np.linalg.norm(vector))
        if norm > 0:
            vector = vector / norm
        title = article.title or ""
        lead = article.text[: self.settings.lead_chars]
        return _Doc(
            id=article.id,
            vector=vector,
            terms=_keywords(title, lead, self.settings.title_weight, primary_language(article.language) or "en"),
            names=_names(title, lead, self.settings.title_weight),
            figures=_figures(title, lead, self.settings.title_weight),
            places=_places(title, lead),
            time=parse_time(article.published),
            copy_of=article.copy_of,
            language=primary_language(article.language),
        )

    def _idf(self, term: str) -> float:
        return math.log((self._docs + 1.0) / (self._df.get(term, 0) + 1.0))

    def _weighted(self, counts: dict[str, float]) -> tuple[dict[str, float], float]:
        """TF-IDF weights of a counter and their L2 norm."""
        weighted = {t: w * self._idf(t) for t, w in counts.items()}
        return weighted, math.sqrt(sum(w * w for w in weighted.values()))

    def _story_norms(self, story: _Story) -> tuple[float, float, float]:
        """TF-IDF norms of a story's keyword and name counters, cached until the story changes or the IDF epoch
        moves on (the article count grew by ``idf_refresh``): the costliest part of scoring otherwise."""
        if story.norms is None or story.norms[0] != self._epoch:
            story.norms = (
                self._epoch,
                self._weighted(story.terms)[1],
                self._weighted(story.names)[1],
                self._weighted(story.figures)[1],
            )
        return story.norms[1], story.norms[2], story.norms[3]

    def _lexical(self, terms: tuple[dict[str, float], float], story: _Story) -> float:
        """TF-IDF cosine of an article's weighted keywords with a story's keyword counter (the 'lexical' feature)."""
        return self._cosine(terms, story.terms, self._story_norms(story)[0])

    def _cosine(self, a: tuple[dict[str, float], float], b: dict[str, float], norm_b: float) -> float:
        """TF-IDF cosine of a weighted counter (with its norm) and a raw one (with its TF-IDF norm); both are
        capped, and only shared terms are visited: bounded work."""
        weighted, norm = a
        if norm <= 0 or norm_b <= 0 or not b:
            return 0.0
        small, large = (weighted, b) if len(weighted) <= len(b) else (b, weighted)
        dot = 0.0
        for term, w in small.items():
            other = large.get(term)
            if other is not None:
                dot += w * other * self._idf(term)
        return min(1.0, max(0.0, dot / (norm * norm_b)))

    # -- candidates and the gate ----------------------------------------------------------------------------------
    def _story_time_gap(self, t: float | None, story: _Story) -> float | None:
        if t is None or story.first is None or story.last is None:
            return None
        return max(0.0, story.first - t, t - story.last)

    def candidates_for(self, doc: _Doc, exact: bool = True) -> list[tuple[_Story, np.ndarray]]:
        """Stories near the article in the ANN indexes and in its time window, with gate features, best first.

        With ``exact=False`` the sparse features are skipped (left 0) for candidates that could not clear the gate
        even with perfect keyword and name overlap: the decision is the same, at a fraction of the cost.
        """
        k = self.settings.candidates
        found: dict[int, _Story] = {}
        if doc.time is None:
            searched: list[int | str] = [_GLOBAL]
            self._ensure_global()
        else:
            b = self._bucket(doc.time)
            reach = self._continue_buckets()
            searched = [*range(b - 1 - reach, b + 2 + reach), _UNDATED]
        for name in searched:
            index = self._indexes.get(name)
            if index is None or len(index) == 0:
                continue
            matches = index.search(doc.vector, min(k, len(index)), threads=1)
            for key in matches.keys:
                story = self._by_key.get(int(key))
                if story is not None:
                    found[story.key] = story
        stories = []
        beyond: set[int] = set()  # stories past the window, in reach of the continuation rule
        for story in found.values():
            gap = self._story_time_gap(doc.time, story)
            if gap is not None and gap > self.settings.window_days:
                if gap > self.settings.continue_days:
                    continue
                beyond.add(story.key)
            if doc.language and story.language and doc.language != story.language:
                continue  # the encoder's vectors of two languages are not comparable (see the module docstring)
            stories.append(story)
        if not stories:
            return []
        sparse_a = (self._weighted(doc.terms), self._weighted(doc.names), self._weighted(doc.figures))
        if doc.language and doc.language not in self.settings.encoder_languages:
            # the encoder does not read this language: its cosines say nothing (every Russian news lead looks
            # alike to an English model), so only stories that share the article's words are candidates
            stories = [s for s in stories if self._lexical(sparse_a[0], s) >= self.settings.min_lexical_unread]
            if not stories:
                return []
        if beyond:
            stories = [s for s in stories if s.key not in beyond or self._continues(doc.vector, sparse_a, s)]
            if not stories:
                return []
        centroids = np.stack([s.total for s in stories])
        norms = np.linalg.norm(centroids, axis=1)
        dense = (centroids @ doc.vector) / np.maximum(norms, 1e-12)
        coherence = norms / np.array([max(s.n, 1) for s in stories])
        # margin: how much closer this story is than the closest other candidate (an article amid many similar
        # stories is ambiguous; one with a single close story is not)
        top = np.sort(dense)[::-1]
        second = top[1] if len(top) > 1 else 0.0
        margins = np.where(dense >= top[0], dense - max(second, 0.0), dense - top[0])
        # the best cosine with each story's exemplars: one product over all of them, a maximum per story
        with_exemplars = [i for i, story in enumerate(stories) if story.exemplars]
        nearest = dense.astype(np.float64)
        if with_exemplars:
            matrices = [stories[i].exemplar_matrix for i in with_exemplars]
            starts = np.cumsum([0] + [len(m) for m in matrices[:-1]])
            best = np.maximum.reduceat(np.vstack(matrices) @ doc.vector, starts)
            nearest[with_exemplars] = np.maximum(nearest[with_exemplars], best)
        sparse_gain = sum(
            max(0.0, getattr(self.settings, f"{f}_weight")) for f in ("lexical", "names", "figures", "places_clash")
        )
        scored = []
        for story, d, n, c, m in zip(stories, dense, nearest, coherence, margins, strict=True):
            gap = self._story_time_gap(doc.time, story)
            features = self._features(float(d), float(n), sparse_a, doc.places, story, gap, float(c), float(m),
                                      sparse=False)
            score = self.score(features)
            if exact or score + sparse_gain > 0:
                features = self._features(float(d), float(n), sparse_a, doc.places, story, gap, float(c), float(m))
                score = self.score(features)
            scored.append((score, story, features))
        # stories the content accepts first, then by rank (the time terms break ties), then by age
        scored.sort(key=lambda ssf: (ssf[0] <= 0, -self.rank(ssf[2]), ssf[1].seq))
        return [(story, features) for _, story, features in scored]

    def _continues(self, vector: np.ndarray, sparse_a: tuple[tuple[dict[str, float], float], ...],
                   story: _Story) -> bool:
        """Whether a story past the window may still take the article (the continuation rule, ``continue_days``):
        its centroid near-identical in content, and its names and numbers agreeing with the article's."""
        s = self.settings
        if float(story.centroid @ vector) < s.continue_cosine:
            return False
        _, names_norm, figures_norm = self._story_norms(story)
        if self._cosine(sparse_a[1], story.names, names_norm) < s.continue_names_cosine:
            return False
        return s.continue_figures_cosine <= 0 or self._cosine(sparse_a[2], story.figures, figures_norm) >= \
            s.continue_figures_cosine

    def _features(
        self,
        dense: float,
        nearest: float,
        sparse_a: tuple[tuple[dict[str, float], float], ...],
        places_a: Collection[str],
        story: _Story,
        gap: float | None,
        coherence: float,
        margin: float,
        sparse: bool = True,
        share: float = 1.0,
    ) -> np.ndarray:
        """Gate features in :data:`FEATURES` order. ``sparse_a`` = the article's (or story's) TF-IDF keywords, names
        and figures with their norms, ``places_a`` its places (:func:`_places`). The ``*_both`` indicators say that
        both sides have names (figures): then a low overlap is a disagreement (two different people, places or
        dates), not an absence of evidence."""
        terms_a, names_a, figures_a = sparse_a
        # the time terms count as far as both sides are dated: ``share`` of the article side (1 for a dated
        # article, a story's dated share in story-to-story pairs), the story's dated share; and closeness in time
        # speaks for a join only as far as the content is close too (a news day has many unrelated stories)
        dated = 0.0 if gap is None else share * story.dated_share
        time_sim = 0.0 if gap is None else dated * math.exp(-gap / self.settings.time_decay_days) * max(nearest, 0.0)
        lexical = names = figures = names_support = figures_support = clash = 0.0
        if sparse:
            terms_norm, names_norm, figures_norm = self._story_norms(story)
            lexical = self._cosine(terms_a, story.terms, terms_norm)
            names = self._cosine(names_a, story.names, names_norm)
            figures = self._cosine(figures_a, story.figures, figures_norm)
            names_support = _support(names_a[0], story.names_df, story.n)
            figures_support = _support(figures_a[0], story.figures_df, story.n)
            clash = _places_clash(places_a, names_a[0], story.places, story.names)
        return np.array(
            [
                dense,
                nearest,
                lexical,
                names,
                1.0 if names_a[1] > 0 and story.names else 0.0,
                names_support,
                figures,
                1.0 if figures_a[1] > 0 and story.figures else 0.0,
                figures_support,
                clash,
                time_sim,
                dated,
                coherence,
                margin,
            ],
            dtype=np.float64,
        )

    def _decide(self, doc: _Doc, scored: list[tuple[_Story, np.ndarray]]) -> _Story:
        if scored and self.score(scored[0][1]) > 0:
            story = scored[0][0]
            self._add_member(story, doc, index=True)
            # Only stories the article would also have joined can have grown close to its story.
            self._merge_close(story, [s for s, f in scored[1:] if self.score(f) > 0])
            return self._stories[self._resolve(story.id)]
        story = self._new_story(stable_id(doc.id, prefix="s"), doc.vector.shape[0])
        self._add_member(story, doc, index=True)
        return story

    # -- merges ----------------------------------------------------------------------------------------------------
    def _pair_features(self, a: _Story, b: _Story) -> np.ndarray:
        dense = float(a.centroid @ b.centroid)
        gap = None
        if a.first is not None and b.first is not None and a.last is not None and b.last is not None:
            gap = max(0.0, a.first - b.last, b.first - a.last)
        nearest = dense
        if a.exemplars and b.exemplars:
            nearest = max(dense, float(np.max(a.exemplar_matrix @ b.exemplar_matrix.T)))
        sparse_a = (self._weighted(a.terms), self._weighted(a.names), self._weighted(a.figures))
        return self._features(
            dense, nearest, sparse_a, a.places, b, gap, min(a.coherence, b.coherence), 0.0, share=a.dated_share
        )

    def _merge_close(self, story: _Story, others: Iterable[_Story]) -> None:
        """Merge ``story`` with the closest other candidate if their gate score clears the merge margin."""
        best: tuple[float, _Story] | None = None
        for other in others:
            if other.id == story.id or other.id not in self._stories:
                continue
            s = self.score(self._pair_features(story, other))
            if s > self.settings.merge_margin and (best is None or s > best[0]):
                best = (s, other)
        if best is None:
            return
        other = best[1]
        keep, drop = (story, other) if (-story.size, story.seq) <= (-other.size, other.seq) else (other, story)
        self._absorb(keep, drop)

    def _absorb(self, keep: _Story, drop: _Story) -> None:
        """Move ``drop`` into ``keep``: sums, counters, span; ``drop`` leaves every index."""
        keep.total += drop.total
        keep.n += drop.n
        keep.dated += drop.dated
        keep.norms = None
        keep.size += drop.size
        keep.language = keep.language or drop.language
        for attr, cap in (*self._counters(), *((a, c) for a, _, c in self._df_counters())):
            merged = dict(getattr(keep, attr))
            for k, v in getattr(drop, attr).items():
                merged[k] = merged.get(k, 0.0) + v
            setattr(keep, attr, _prune(merged, cap))
        keep.exemplars = self._keep_exemplars([*keep.exemplars, *drop.exemplars])
        if drop.first is not None and drop.last is not None:
            keep.first = drop.first if keep.first is None else min(keep.first, drop.first)
            keep.last = drop.last if keep.last is None else max(keep.last, drop.last)
        for name in list(drop.indexed):
            index = self._indexes.get(name)
            if index is not None and drop.key in index:
                index.remove(drop.key)
        extra = [name for name in drop.indexed if name != _UNDATED and name not in keep.indexed]
        for name in extra:
            keep.indexed[name] = 0  # 0 forces the vector in on the next reindex
        if keep.first is not None and _UNDATED in keep.indexed:
            self._unindex(keep, _UNDATED)
        del self._stories[drop.id]
        del self._by_key[drop.key]
        if drop.id in self._batch_members:
            self._batch_members.setdefault(keep.id, []).extend(self._batch_members.pop(drop.id))
        self._alias[drop.id] = keep.id
        for old, new in list(self.merged.items()):
            if new == drop.id:
                self.merged[old] = keep.id
        self.merged[drop.id] = keep.id
        self._reindex(keep, list(keep.indexed), force=True)

    def _resolve(self, story_id: str) -> str:
        root = story_id
        while root in self._alias:
            root = self._alias[root]
        while story_id != root:  # path compression
            following = self._alias[story_id]
            self._alias[story_id] = root
            story_id = following
        return root

    def _story_of(self, article_id: str | None) -> str | None:
        if article_id is None:
            return None
        sid = self._article_story.get(article_id)
        if sid is None:
            return None
        sid = self._resolve(sid)
        return sid if sid in self._stories else None

    # -- refinement: second chances ------------------------------------------------------------------------------
    def _reassign_batch(self) -> None:
        """A second chance for this batch's articles, in processing order: each one leaves its story for a moment
        and is scored against the candidate stories as they are now (stories that formed after it was placed
        included); it moves when another story beats its own by ``reassign_margin``. Repairs the stray article that
        joined a young story of another event before its own event's story existed.

        An article still alone in its story gets the same second chance against ``singleton_margin`` (staying alone
        scores 0, as a new story does in the first pass): the article that came before its event's other articles,
        and that they then passed by for a story of their own, joins them now, with any copies of it. One candidate
        search per article, as in the first pass."""
        margin = self.settings.reassign_margin
        alone_margin = self.settings.singleton_margin
        if margin >= 99.0 and alone_margin >= 99.0:
            return
        order = sorted((d for members in self._batch_members.values() for d in members), key=self._batch_rank.get)
        for doc_id in order:
            doc = self._batch_docs[doc_id]
            sid = self._story_of(doc_id)
            story = self._stories.get(sid) if sid else None
            if story is None:
                continue
            alone = story.n <= 1
            if (alone and alone_margin >= 99.0) or (not alone and margin >= 99.0):
                continue
            saved = self._snapshot(story)
            self._subtract(story, doc)
            if alone:
                # Features without itself (its own story would otherwise be the closest candidate, cosine 1).
                scored = self.candidates_for(doc, exact=alone_margin < 0)
                best = next(((t, self.score(f)) for t, f in scored if t is not story), None)
                self._restore(story, saved)
                if best is not None and best[1] > alone_margin:
                    self._absorb(best[0], story)
                    self.reassigned += 1
                continue
            # Sparse features only where they can matter (as in the first pass): a story whose score could not be
            # positive even with them is no place to move to. Its own story's score is needed exactly, though.
            scored = self.candidates_for(doc, exact=False)
            best = next(((t, self.score(f)) for t, f in scored if t is not story), None)
            if best is not None and best[1] > 0:
                own = next((self.score(f) for t, f in self.candidates_for(doc, exact=True) if t is story), -math.inf)
            if best is None or best[1] <= 0 or best[1] <= own + margin:
                self._restore(story, saved)  # stays: exactly as it was
                continue
            self._batch_members[story.id].remove(doc.id)
            if story.first is None:  # its dated members all left: back among the undated stories
                story.indexed.setdefault(_UNDATED, 0)
            self._reindex(story, list(story.indexed), force=True)
            self._put_in(best[0], doc)
            self.reassigned += 1

    def _split_batch(self) -> None:
        """Part each story this batch touched whose members form groups unrelated by content: average-link
        agglomeration of its batch members (and of its stored members as one group that never parts, since stored
        articles keep their story), merging the two closest groups while their mean cross cosine is at least
        ``split_cosine``. Groups left apart from the story's stored members (or, in a story of this batch only,
        from its first member) open stories of their own. Every join was accepted one article at a time, so a
        story can drift through a chain of near members into another event of the same day; the mean over all
        pairs sees the chain. Bounded: at most ``split_max_members`` batch members per story, else it is left."""
        tau = self.settings.split_cosine
        if tau <= -1.0:
            return
        touched = self._batch_members.items()
        stories = [self._stories[sid] for sid, members in touched if members and sid in self._stories]
        for story in sorted(stories, key=lambda s: min(self._batch_rank[d] for d in self._batch_members[s.id])):
            members = sorted(self._batch_members[story.id], key=self._batch_rank.get)
            if not members or len(members) > self.settings.split_max_members or story.n < 2:
                continue
            groups = self._groups_apart(story, members, tau)
            if len(groups) < 2:
                continue
            for group in groups[1:]:
                self._split_off(story, group)
            if story.first is None:  # its dated members all left: back among the undated stories
                story.indexed.setdefault(_UNDATED, 0)
            self._reindex(story, list(story.indexed), force=True)

    def _groups_apart(self, story: _Story, members: list[str], tau: float) -> list[list[str]]:
        """Average-link groups of a story's batch members (see :meth:`_split_batch`), the group that stays first
        (the one holding the stored members, else the first member), each in batch order. The mean cosine of two
        groups is the dot product of their vector sums over the product of their sizes, so the stored members count
        as one group through the story's sum. Two groups whose names agree (TF-IDF cosine of their name counters at
        least ``split_names_cosine``) join whatever their vectors say: one event's reports share its people and
        places, however differently they are written."""
        docs = [self._batch_docs[d] for d in members]
        groups: list[list[str]] = [[d.id] for d in docs]
        sums = np.stack([d.vector for d in docs]).astype(np.float64)
        counts = [1.0] * len(docs)
        names = [_normalized(d.names) for d in docs]
        stored = story.n - len(docs)
        if stored > 0:
            groups.insert(0, [])
            sums = np.vstack([story.total.astype(np.float64) - sums.sum(axis=0), sums])
            counts.insert(0, float(stored))
            rest = dict(story.names)
            for counter in names:
                for k, v in counter.items():
                    rest[k] = rest.get(k, 0.0) - v
            names.insert(0, {k: v for k, v in rest.items() if v > 1e-9})
        dots = sums @ sums.T
        agree = self._names_agree(names)
        while len(groups) > 1:
            sim = dots / np.outer(counts, counts)
            np.fill_diagonal(sim, -np.inf)
            sim[~((sim >= tau) | agree)] = -np.inf
            i, j = divmod(int(np.argmax(sim)), len(groups))  # first maximum: ties broken by batch order
            if sim[i, j] == -np.inf:
                break
            i, j = min(i, j), max(i, j)
            groups[i] = groups[i] + groups[j]
            counts[i] += counts[j]
            for k, v in names[j].items():
                names[i][k] = names[i].get(k, 0.0) + v
            dots[i, :] += dots[j, :]
            dots[:, i] += dots[:, j]
            del groups[j], counts[j], names[j]
            dots = np.delete(np.delete(dots, j, axis=0), j, axis=1)
            agree = np.delete(np.delete(agree, j, axis=0), j, axis=1)
            agree[i, :] = agree[:, i] = self._names_agree(names, i)
        rank = self._batch_rank
        return [sorted(g, key=rank.get) for g in groups]

    def _names_agree(self, names: list[dict[str, float]], row: int | None = None) -> np.ndarray:
        """Which groups' name counters have a TF-IDF cosine of at least ``split_names_cosine``: the whole matrix,
        or the one row ``row`` of it."""
        floor = self.settings.split_names_cosine
        weighted = [self._weighted(counter) for counter in names]
        rows = range(len(names)) if row is None else [row]
        out = np.zeros((len(names), len(names)) if row is None else len(names), dtype=bool)
        for i in rows:
            for j in range(len(names)):
                if j == i:
                    continue
                a, b = weighted[i], weighted[j]
                dot = sum(w * b[0].get(t, 0.0) for t, w in a[0].items()) if a[1] > 0 and b[1] > 0 else 0.0
                agrees = dot >= floor * a[1] * b[1] and dot > 0
                if row is None:
                    out[i, j] = agrees
                else:
                    out[j] = agrees
        return out

    def _split_off(self, story: _Story, group: list[str]) -> None:
        """Move a group of a story's batch members into a new story, named after its first member (or, when that
        name was taken by a story merged away in this batch, after the first member and the story it leaves)."""
        story_id = stable_id(group[0], prefix="s")
        if story_id in self._stories or story_id in self._alias:
            story_id = stable_id(group[0], story.id, prefix="s")
        new = self._new_story(story_id, story.total.shape[0])
        new.language = story.language
        for doc_id in group:
            doc = self._batch_docs[doc_id]
            self._subtract(story, doc)
            self._batch_members[story.id].remove(doc_id)
            self._put_in(new, doc)
        if new.first is None:  # an undated group: found by undated articles and by dated ones' undated search
            new.indexed.setdefault(_UNDATED, 0)
        if self._global:
            new.indexed.setdefault(_GLOBAL, 0)
        self._reindex(new, list(new.indexed), force=True)

    @staticmethod
    def _snapshot(story: _Story) -> tuple:
        return (story.total.copy(), story.n, story.dated, story.size, dict(story.terms), dict(story.names),
                dict(story.figures), dict(story.names_df), dict(story.figures_df), dict(story.places),
                list(story.exemplars), story.first, story.last)

    @staticmethod
    def _restore(story: _Story, saved: tuple) -> None:
        (story.total, story.n, story.dated, story.size, story.terms, story.names, story.figures, story.names_df,
         story.figures_df, story.places, story.exemplars, story.first, story.last) = saved
        story.norms = None

    def _put_in(self, story: _Story, doc: _Doc) -> None:
        """Add a batch article to another story (its IDF counts stay as they were)."""
        self._accumulate(story, doc)
        self._article_story[doc.id] = story.id
        self._batch_members.setdefault(story.id, []).append(doc.id)
        if doc.time is not None:
            story.indexed.setdefault(self._bucket(doc.time), 0)
            if _UNDATED in story.indexed:
                self._unindex(story, _UNDATED)
        self._reindex(story, list(story.indexed))

    def _accumulate(self, story: _Story, doc: _Doc) -> None:
        """Add a document's vector, counters and time to a story (no indexes, no IDF)."""
        story.total = story.total + doc.vector
        story.n += 1
        story.dated += doc.time is not None
        story.size += 1
        story.norms = None
        for attr, _cap in self._counters():
            current = getattr(story, attr)
            for k, v in _normalized(getattr(doc, attr)).items():
                current[k] = current.get(k, 0.0) + v
        for attr, source, _cap in self._df_counters():
            current = getattr(story, attr)
            for k in getattr(doc, source):
                current[k] = current.get(k, 0.0) + 1.0
        story.exemplars = self._keep_exemplars([*story.exemplars, doc.vector])
        if doc.time is not None:
            story.first = doc.time if story.first is None else min(story.first, doc.time)
            story.last = doc.time if story.last is None else max(story.last, doc.time)

    def _subtract(self, story: _Story, doc: _Doc) -> None:
        """Take a batch article out of a story's sums and counters. Its span shrinks to what the story's other
        batch members cover when it has no stored members (otherwise it stays: stored dates are not kept)."""
        story.total = story.total - doc.vector
        story.n -= 1
        story.dated -= doc.time is not None
        story.size -= 1
        story.norms = None
        for attr, _cap in self._counters():
            current = getattr(story, attr)
            for k, v in _normalized(getattr(doc, attr)).items():
                if k in current:
                    current[k] -= v
                    if current[k] <= 1e-9:
                        del current[k]
        for attr, source, _cap in self._df_counters():
            current = getattr(story, attr)
            for k in getattr(doc, source):
                if k in current:
                    current[k] -= 1.0
                    if current[k] <= 1e-9:
                        del current[k]
        story.exemplars = [v for v in story.exemplars if v is not doc.vector] or [story.centroid.copy()]
        others = [d for d in self._batch_members.get(story.id, ()) if d != doc.id]
        if story.n <= len(others):  # every remaining member is of this batch
            times = [t for d in others if (t := self._batch_docs[d].time) is not None]
            story.first = min(times) if times else None
            story.last = max(times) if times else None

    # -- state and indexes -----------------------------------------------------------------------------------------
    def _new_story(self, story_id: str, dim: int) -> _Story:
        story_id = self._resolve(story_id)
        if story_id in self._stories:  # same first article id seen twice: keep one story
            return self._stories[story_id]
        story = _Story(id=story_id, key=self._next_key, seq=self._next_key, total=np.zeros(dim, dtype=np.float32))
        self._next_key += 1
        self._stories[story_id] = story
        self._by_key[story.key] = story
        return story

    def _add_member(self, story: _Story, doc: _Doc, index: bool) -> None:
        """Add an article to a story's state; a copy only adds to its size. Not to its span either: a copy put out
        again months later says nothing of when the event is, and with its date in the span the story would be a
        candidate (in the time window, at time similarity 1) for every new article of that later day."""
        self._article_story[doc.id] = story.id
        story.size += 1
        if story.language is None:
            story.language = doc.language
        if doc.copy_of is not None:
            return
        if doc.time is not None:
            story.first = doc.time if story.first is None else min(story.first, doc.time)
            story.last = doc.time if story.last is None else max(story.last, doc.time)
        story.total += doc.vector
        story.n += 1
        story.dated += doc.time is not None
        story.norms = None
        self._docs += 1
        if self._docs > self._epoch_docs * (1.0 + self.settings.idf_refresh):
            self._epoch, self._epoch_docs = self._epoch + 1, self._docs
        for term in set(doc.terms) | set(doc.names) | set(doc.figures):
            self._df[term] = self._df.get(term, 0) + 1
        for attr, cap in self._counters():
            counts = getattr(doc, attr)
            current = getattr(story, attr)
            for k, v in _normalized(counts).items():
                current[k] = current.get(k, 0.0) + v
            if len(current) > 2 * cap:
                setattr(story, attr, _prune(current, cap))
        for attr, source, cap in self._df_counters():
            current = getattr(story, attr)
            for k in getattr(doc, source):
                current[k] = current.get(k, 0.0) + 1.0
            if len(current) > 2 * cap:
                setattr(story, attr, _prune(current, cap))
        story.exemplars = self._keep_exemplars([*story.exemplars, doc.vector])
        if doc.time is not None:
            bucket = self._bucket(doc.time)
            story.indexed.setdefault(bucket, 0)
            if _UNDATED in story.indexed:
                self._unindex(story, _UNDATED)
        elif story.first is None:
            story.indexed.setdefault(_UNDATED, 0)
        if self._global:
            story.indexed.setdefault(_GLOBAL, 0)
        if index:
            targets: list[int | str] = [_GLOBAL] if _GLOBAL in story.indexed else []
            if doc.time is not None:
                targets.append(self._bucket(doc.time))
            elif story.first is None:
                targets.append(_UNDATED)
            self._reindex(story, targets)

    def _counters(self) -> tuple[tuple[str, int], ...]:
        """The story's sparse counters and their caps."""
        s = self.settings
        return (("terms", s.max_terms), ("names", s.max_names), ("figures", s.max_figures))

    def _df_counters(self) -> tuple[tuple[str, str, int], ...]:
        """The story's member counts per name / figure / place: (story attribute, article attribute, cap)."""
        s = self.settings
        return (("names_df", "names", s.max_names), ("figures_df", "figures", s.max_figures),
                ("places", "places", s.max_names))

    def _keep_exemplars(self, vectors: list[np.ndarray]) -> list[np.ndarray]:
        """A story's exemplars: its first members and its latest ones (a story drifts; its start and its current
        state both have to be found), ``exemplars`` in all."""
        cap = self.settings.exemplars
        if len(vectors) <= cap:
            return vectors
        head = (cap + 1) // 2
        return vectors[:head] + vectors[len(vectors) - (cap - head) :]

    def _continue_buckets(self) -> int:
        """How many time buckets past the window's on each side the continuation rule searches (0 when off)."""
        extra = self.settings.continue_days - self.settings.window_days
        return math.ceil(extra / self.settings.window_days) if extra > 0 else 0

    def _bucket(self, t: float) -> int:
        return math.floor(t / self.settings.window_days)

    def _index(self, name: int | str, dim: int) -> Index:
        index = self._indexes.get(name)
        if index is None:
            index = self._indexes[name] = ann_index_class()(ndim=dim, metric="cos", dtype="f32")
        return index

    def _reindex(self, story: _Story, names: Iterable[int | str], force: bool = False) -> None:
        """Put the story's current centroid into the named indexes, when it moved enough since last time."""
        if story.n == 0:  # only copies so far (their original's story was not known): nothing to index
            return
        for name in names:
            was = story.indexed.get(name, 0)
            if not force and was and story.n < was * (1.0 + self.settings.reindex_growth):
                continue
            index = self._index(name, story.total.shape[0])
            if story.key in index:
                index.remove(story.key)
            index.add(story.key, story.centroid, threads=1)
            story.indexed[name] = max(story.n, 1)

    def _unindex(self, story: _Story, name: int | str) -> None:
        index = self._indexes.get(name)
        if index is not None and story.key in index:
            index.remove(story.key)
        story.indexed.pop(name, None)

    def _ensure_global(self) -> None:
        """The index of all stories, for undated articles: built on first need, maintained afterwards."""
        if self._global:
            return
        self._global = True
        for story in sorted(self._stories.values(), key=lambda s: s.seq):
            story.indexed[_GLOBAL] = 0
            self._reindex(story, [_GLOBAL], force=True)

    def _flush(self) -> None:
        """Index the stories warmed by :meth:`add_known` (once, in creation order, so runs are deterministic)."""
        if not self._dirty:
            return
        for story in sorted((self._stories[s] for s in self._dirty if s in self._stories), key=lambda s: s.seq):
            for attr, cap in (*self._counters(), *((a, c) for a, _, c in self._df_counters())):
                setattr(story, attr, _prune(getattr(story, attr), cap))
            story.norms = None
            self._reindex(story, list(story.indexed), force=True)
        self._dirty.clear()
