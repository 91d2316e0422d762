"""Links between stories of different languages: one event, its coverage in every language.

Stories stay per language (the clusterer's vectors of two languages are not comparable; facts, quotes and summary
are per language). Each story has a multilingual centroid: the mean of its first articles' title + lead vectors from
:class:`tidings.resources.MultilingualUSE`. Two stories of different languages are linked when each is the other's
nearest story in its language (mutual best: an event's coverage in one language is one story, and a hub story
cannot collect every nearby event of another language), their centroids are at least ``cross_language_min_cosine``
close, and, both dated, their spans lie within ``cross_language_window_days``. A pair with a language USE does not
read is compared by :class:`tidings.resources.MultilingualE5` vectors instead, at ``cross_language_wide_min_cosine``.
Links are taken strongest first, and two groups that each hold a story of one language are never joined (an event
has one story per language), so a chain of pairwise links cannot join two events. Linked stories share an
``event_id``: the smallest story id of the linked group, so the same stories give the same id in any order.

Cost: one nearest-neighbour search per story and other language (usearch index per language and space), no
all-pairs loop; the pipeline links only the stories near the ones a run touched (``Store.link_candidates``).

Facts across languages: a linked story's facts are compared with the sentences of its event's other stories
(:func:`align_sentences` over sentence vectors of the same models): an article states a fact by its most similar
sentence when close enough and closest to that fact. They are shown with the fact, never counted in its
independent sources (a translation of an article is not another source), and stored per story
(``Store.put_fact_mentions``), recomputed when the event or a briefing of it changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np

from .model import OtherLanguageMention
from .resources import CachedEncoder, TextEncoder, ann_index_class

if TYPE_CHECKING:
    from .model import LanguageCoverage
    from .settings import ClusterSettings
    from .store import Store


LANGUAGE_NAMES = {
    "ar": "العربية", "bg": "Български", "ca": "Català", "cs": "Čeština", "da": "Dansk", "de": "Deutsch",
    "el": "Ελληνικά", "en": "English", "es": "Español", "et": "Eesti", "fa": "فارسی", "fi": "Suomi",
    "fr": "Français", "he": "עברית", "hi": "हिन्दी", "hr": "Hrvatski", "hu": "Magyar", "id": "Bahasa Indonesia",
    "is": "Íslenska", "it": "Italiano", "ja": "日本語", "ko": "한국어", "lt": "Lietuvių", "lv": "Latviešu",
    "nl": "Nederlands", "no": "Norsk", "pl": "Polski", "pt": "Português", "ro": "Română", "ru": "Русский",
    "sk": "Slovenčina", "sl": "Slovenščina", "sr": "Српски", "sv": "Svenska", "th": "ไทย", "tr": "Türkçe",
    "uk": "Українська", "vi": "Tiếng Việt", "zh": "中文",
}  # fmt: skip
"""A language's name in itself, as the story page names another language's coverage ("also in: Deutsch")."""


def language_name(code: str) -> str:
    """The name of a language in itself, or its code when the table has none."""
    return LANGUAGE_NAMES.get(code, code)


def multilingual_text(title: str | None, text: str, lead_chars: int) -> str:
    """What an article's multilingual vector reads: its title and the first ``lead_chars`` characters of its text."""
    return f"{title or ''}\n{text[:lead_chars]}".strip()


@dataclass
class StoryVector:
    """What linking needs of a story: its language, multilingual centroid and the span of its articles' dates."""

    story_id: str
    language: str | None
    vector: np.ndarray  # mean of its articles' multilingual title + lead vectors (normalised here)
    first: datetime | None = None
    last: datetime | None = None
    wide: np.ndarray | None = None  # the same from the wide encoder (MultilingualE5), when it was needed


def centroid(vectors: np.ndarray) -> np.ndarray:
    """The normalised mean of a story's article vectors."""
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


def _within(a: StoryVector, b: StoryVector, window_days: float) -> bool:
    """Spans within the window of each other; an undated story has no window (the WMT corpus has no dates)."""
    if a.first is None or b.first is None:
        return True
    a_last, b_last = a.last or a.first, b.last or b.first
    gap = max((b.first - a_last).total_seconds(), (a.first - b_last).total_seconds(), 0.0)
    return gap <= window_days * 86400


def link_languages(
    stories: list[StoryVector],
    min_cosine: float,
    window_days: float,
    read_languages: tuple[str, ...] | None = None,
    wide_min_cosine: float = 1.0,
) -> dict[str, str]:
    """The event id of every story (its own id when it is linked to no other language's story). Links are taken
    strongest first (cosine above its threshold) and never join two groups that each hold a story of one language.

    Two languages that the multilingual model reads (``read_languages``; None: every language) are compared by
    ``vector`` at ``min_cosine``; a pair with another language by ``wide`` at ``wide_min_cosine`` (stories without a
    wide vector are then not compared: its scale differs, unrelated pairs score ~0.78)."""
    by_language: dict[str, list[int]] = {}
    for i, story in enumerate(stories):
        if story.language:
            by_language.setdefault(story.language, []).append(i)

    def wide_pair(a: str, b: str) -> bool:
        return read_languages is not None and (a not in read_languages or b not in read_languages)

    index_class = ann_index_class()
    indexes: dict[tuple[str, bool], tuple[object, list[int]]] = {}

    def index_of(language: str, wide: bool) -> tuple[object, list[int]] | None:
        """The ANN index of a language's stories in one space, with the stories it holds (built once)."""
        if (language, wide) not in indexes:
            members = [i for i in by_language[language] if not wide or stories[i].wide is not None]
            index = None
            if members:
                matrix = _matrix([stories[i].wide if wide else stories[i].vector for i in members])
                index = index_class(ndim=matrix.shape[1], metric="cos")
                index.add(np.arange(len(members), dtype=np.uint64), matrix)
            indexes[(language, wide)] = (index, members)
        index, members = indexes[(language, wide)]
        return (index, members) if index is not None else None

    # best[i][language] = the story of that language nearest to story i, with its cosine and the threshold
    best: dict[int, dict[str, tuple[int, float, float]]] = {}
    for language, members in by_language.items():
        for other in by_language:
            if other == language:
                continue
            wide = wide_pair(language, other)
            mine = [i for i in members if not wide or stories[i].wide is not None]
            found_index = index_of(other, wide)
            if not mine or found_index is None:
                continue
            index, theirs = found_index
            queries = _matrix([stories[i].wide if wide else stories[i].vector for i in mine])
            found = index.search(queries, 1)  # type: ignore[attr-defined]
            keys, distances = np.atleast_2d(found.keys), np.atleast_2d(found.distances)
            threshold = wide_min_cosine if wide else min_cosine
            for row, i in enumerate(mine):
                j = theirs[int(keys[row][0])]
                best.setdefault(i, {})[other] = (j, 1.0 - float(distances[row][0]), threshold)
    parent = list(range(len(stories)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    edges = []
    for i, nearest in best.items():
        for j, cosine, threshold in nearest.values():
            mutual = best.get(j, {}).get(stories[i].language or "", (-1, 0.0, 0.0))[0] == i
            if i < j and mutual and cosine >= threshold and _within(stories[i], stories[j], window_days):
                edges.append((cosine - threshold, stories[i].story_id, stories[j].story_id, i, j))
    # strongest links first; an event holds at most one story per language, so two groups that both have a story
    # of one language stay apart: no chain of pairwise links (en-uk, uk-ja, ja-en') joins two events
    languages = {i: {story.language} for i, story in enumerate(stories)}
    for *_, i, j in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        a, b = root(i), root(j)
        if a != b and not languages[a] & languages[b]:
            parent[a] = b
            languages[b] |= languages.pop(a)
    groups: dict[int, list[str]] = {}
    for i, story in enumerate(stories):
        groups.setdefault(root(i), []).append(story.story_id)
    return {sid: min(members) for members in groups.values() for sid in members}


def _matrix(vectors: list[np.ndarray | None]) -> np.ndarray:
    """Rows of normalised float32 vectors."""
    rows = np.stack([np.asarray(v, dtype=np.float32) for v in vectors if v is not None])
    return (rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)).astype(np.float32)


@contextmanager
def _untimed(_stage: str, _items: int) -> Iterator[None]:
    yield


def _date(value: str | None) -> datetime | None:
    """A stored ISO date as an aware datetime (a naive one is taken as UTC), None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _story_vectors(
    store: Store,
    story_ids: list[str],
    encoder: TextEncoder,
    per_story: int,
    lead_chars: int,
    timer: Callable[[str, int], AbstractContextManager[None]] | None = None,
) -> dict[str, np.ndarray]:
    """The centroid of each story's first ``per_story`` articles' vectors: stored ones read, missing ones encoded
    (timed as ``encode <model name>``) and stored (in one transaction)."""
    heads = store.story_heads(story_ids, encoder.name, per_story, lead_chars)
    missing = [(aid, title, head) for rows in heads.values() for aid, title, head, vector in rows if vector is None]
    fresh: dict[str, np.ndarray] = {}
    if missing:
        texts = [multilingual_text(title, head, lead_chars) for _, title, head in missing]
        with (timer or _untimed)(f"encode {encoder.name}", len(texts)):
            vectors = encoder.encode(texts)
        fresh = {aid: vectors[i] for i, (aid, _, _) in enumerate(missing)}
        with store.transaction() as conn:
            store.put_multilingual(conn, encoder.name, list(fresh), np.stack(list(fresh.values())))
    return {
        sid: centroid(np.stack([vector if vector is not None else fresh[aid] for aid, _, _, vector in rows]))
        for sid, rows in heads.items() if rows
    }


def link_stored_stories(
    store: Store,
    candidates: list[tuple[str, str | None, str | None, str | None]],
    encoder: TextEncoder,
    settings: ClusterSettings,
    wide_encoder: Callable[[], TextEncoder | None] | None = None,
    timer: Callable[[str, int], AbstractContextManager[None]] | None = None,
) -> dict[str, str]:
    """The event id of each candidate story (``Store.link_candidates``), from the stored vectors of its first
    articles (the missing ones encoded now and stored). When a candidate's language is one the multilingual model
    does not read and ``wide_encoder`` (a loader, called only then) gives an encoder, every candidate also gets a
    wide vector (its first ``cross_language_wide_articles`` articles): the stories such a story could be linked to."""
    ids = [sid for sid, _, _, _ in candidates]
    lead_chars = settings.cross_language_lead_chars
    vectors = _story_vectors(store, ids, encoder, settings.cross_language_story_articles, lead_chars, timer)
    read = getattr(encoder, "languages", None)
    stories = [
        StoryVector(sid, language, vectors[sid], _date(first), _date(last))
        for sid, language, first, last in candidates if sid in vectors
    ]
    unread = [s for s in stories if read is not None and s.language and s.language not in read]
    second = wide_encoder() if unread and wide_encoder is not None else None
    if second is not None:
        wanted = wide_candidates(stories, unread, settings.cross_language_wide_candidates,
                                 settings.cross_language_window_days)
        wide = _story_vectors(store, wanted, second, settings.cross_language_wide_articles, lead_chars, timer)
        stories = [replace(s, wide=wide.get(s.story_id)) for s in stories]
    return link_languages(stories, settings.cross_language_min_cosine, settings.cross_language_window_days,
                          read if second is not None else None, settings.cross_language_wide_min_cosine)


def wide_candidates(
    stories: list[StoryVector], unread: list[StoryVector], per_story: int, window_days: float
) -> list[str]:
    """The stories that need a wide vector: those in a language the multilingual model does not read, and for each
    of them its ``per_story`` nearest stories of other languages by the multilingual vectors (weaker for that
    language, but they rank its translation near the top), within the window. Bounds the wide encoder's work by
    the unread stories, not by every candidate of a run."""
    wanted = {s.story_id for s in unread}
    if not unread:
        return sorted(wanted)
    scores = _matrix([o.vector for o in stories]) @ _matrix([s.vector for s in unread]).T  # one product for all
    for column, story in enumerate(unread):
        ranked = [k for k in np.argsort(-scores[:, column])
                  if stories[k].language != story.language and _within(story, stories[k], window_days)]
        wanted.update(stories[k].story_id for k in ranked[:per_story])
    return sorted(wanted)


# -- facts across languages ------------------------------------------------------------------------------------------


def align_sentences(
    facts: np.ndarray, candidates: np.ndarray, articles: list[str], min_cosine: float, mutual: bool = True
) -> list[list[tuple[int, float]]]:
    """For each fact vector, the candidate sentences (of another language's articles, ``articles[k]`` the article of
    candidate ``k``) that state it: in each article, the sentence most similar to the fact, when at least
    ``min_cosine`` close and (``mutual``) the fact is also that sentence's most similar fact. One sentence per
    article: an article states a fact once; mutual: a sentence states one fact (the one it is closest to)."""
    out: list[list[tuple[int, float]]] = [[] for _ in range(len(facts))]
    if not len(facts) or not len(candidates):
        return out
    scores = _matrix(list(facts)) @ _matrix(list(candidates)).T  # facts x candidates
    best_fact = scores.argmax(axis=0)
    by_article: dict[str, list[int]] = {}
    for k, article in enumerate(articles):
        by_article.setdefault(article, []).append(k)
    for members in by_article.values():
        block = scores[:, members]
        for i, column in enumerate(block.argmax(axis=1)):
            k = members[int(column)]
            cosine = float(block[i, column])
            if cosine >= min_cosine and (not mutual or int(best_fact[k]) == i):
                out[i].append((k, cosine))
    for found in out:
        found.sort(key=lambda x: (-x[1], x[0]))
    return out


def fact_key(text: str) -> str:
    """The key a fact's sentences of other languages are stored under: a hash of its text (a rebuilt briefing keeps a
    fact's text when it keeps the fact)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class FactComparison:
    """One story's facts against one linked story's sentences (article id, text as written, site), in one space."""

    story_id: str
    facts: list[str]
    other: LanguageCoverage
    candidates: list[tuple[str, str, str | None]]
    wide: bool  # compared by the wide encoder (a language the multilingual model does not read)


def fact_comparisons(
    store: Store, story_ids: list[str], read: tuple[str, ...] | None, settings: ClusterSettings, wide: bool
) -> list[FactComparison]:
    """What comparing these linked stories' facts with their event's other languages takes: each story's first
    ``cross_language_fact_sentences`` facts against each linked story's first ``cross_language_fact_candidates``
    mention sentences. A pair with a language the multilingual model does not read (``read``) is left out unless
    ``wide`` (the wide encoder is at hand and ``cross_language_fact_wide``)."""
    coverage = store.coverage(story_ids)
    others = sorted({c.story_id for found in coverage.values() for c in found})
    language = {c.story_id: c.language for found in store.coverage(others).values() for c in found}
    briefs = store.briefings([*story_ids, *others])
    out: list[FactComparison] = []
    for sid in story_ids:
        story, mine = briefs.get(sid), language.get(sid)
        if story is None or mine is None:
            continue
        # (a text once: facts are keyed by their text)
        facts = list(dict.fromkeys(f.text for f in story.facts[: settings.cross_language_fact_sentences]))
        for other in coverage.get(sid, []):
            theirs = briefs.get(other.story_id)
            if theirs is None or not facts:
                continue
            seen: dict[tuple[str, str], str | None] = {}
            for fact in theirs.facts:
                for m in fact.mentions:
                    seen.setdefault((m.article_id, m.text), m.site)
            candidates = [(aid, text, site) for (aid, text), site in seen.items()]
            candidates = candidates[: settings.cross_language_fact_candidates]
            unread = read is not None and (mine not in read or other.language not in read)
            if candidates and (wide or not unread):
                out.append(FactComparison(sid, facts, other, candidates, unread))
    return out


def corroborate_stored_stories(
    store: Store,
    story_ids: list[str],
    encoder: TextEncoder,
    settings: ClusterSettings,
    wide_encoder: Callable[[], TextEncoder | None] | None = None,
    timer: Callable[[str, int], AbstractContextManager[None]] | None = None,
) -> dict[str, list[tuple[str, OtherLanguageMention]]]:
    """For each linked story, the sentences of its event's stories in other languages that state its facts
    (:func:`fact_comparisons`, :func:`align_sentences`), as (fact key, mention) pairs. Sentence vectors by the
    multilingual model at ``cross_language_fact_min_cosine``; for a pair with a language it does not read, by the
    wide encoder (loaded only then) at ``cross_language_fact_wide_min_cosine``; without it such a pair gets none (the
    multilingual model's vectors of those languages are not calibrated). Each space's sentences are encoded once and
    kept in the store's sentence vector cache."""
    read = getattr(encoder, "languages", None)
    work = fact_comparisons(store, story_ids, read, settings, wide=settings.cross_language_fact_wide)
    second = wide_encoder() if wide_encoder is not None and any(w.wide for w in work) else None
    work = [w for w in work if not w.wide or second is not None]
    vectors: dict[bool, dict[str, np.ndarray]] = {False: {}, True: {}}
    for wide, model in ((False, encoder), (True, second)):
        texts = sorted({t for w in work if w.wide == wide for t in [*w.facts, *(c[1] for c in w.candidates)]})
        if texts and model is not None:
            # the store's sentence vector cache (keyed by model and text): an event touched again re-reads them
            cached = CachedEncoder(model, store.get_vectors, store.put_vectors)
            with (timer or _untimed)(f"encode sentences {model.name}", len(texts)):
                found = cached.encode(texts)
            vectors[wide] = {t: found[i] for i, t in enumerate(texts)}
    out: dict[str, list[tuple[str, OtherLanguageMention]]] = {sid: [] for sid in story_ids}
    for w in work:
        space = vectors[w.wide]
        threshold = settings.cross_language_fact_wide_min_cosine if w.wide else settings.cross_language_fact_min_cosine
        aligned = align_sentences(np.stack([space[t] for t in w.facts]),
                                  np.stack([space[c[1]] for c in w.candidates]), [c[0] for c in w.candidates],
                                  threshold)
        for fact, found_for in zip(w.facts, aligned, strict=True):
            for k, cosine in found_for:
                aid, text, site = w.candidates[k]
                out[w.story_id].append((fact_key(fact), OtherLanguageMention(
                    w.other.story_id, w.other.language, w.other.language_name, aid, text, site, round(cosine, 3))))
    return out
