"""The pipeline: ingest -> clean -> dedupe -> cluster -> analyze -> summarize -> store.

:class:`Pipeline` is the one object the CLI, the web server and the distributed job build; none of them
re-implements a stage. Articles stream through in batches; each batch is written in one transaction, so an
interrupted run leaves the database as it was before that batch. Stories whose articles changed are marked dirty in
the same transaction and get their briefing rebuilt at the end of the run (or of the next run, if this one was
interrupted).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from . import clean, cluster, crosslang, dedupe, ingest
from .model import Article, Document, RunResult, Sentence, Skip, Story, TimelineEntry
from .resources import (
    CachedEncoder,
    TextEncoder,
    embedder_or_loader,
    load_multilingual_encoder,
    load_wide_encoder,
    using_encoder,
)
from .settings import CleanSettings, Settings
from .store import Store, article_problem, now_iso
from .text import (
    READING_CACHE_PARAGRAPHS,
    paragraphs,
    read_paragraphs,
    segment,
    stable_id,
    start_workers,
    text_head,
    words,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]
"""progress(stage, done, total): called as work advances (total None when unknown). ``read`` after each input item,
``stored`` after each batch, ``stories`` after each briefing; and, when a stage of :class:`StageTimer` starts
(``workers``, ``warm``, ``clean``, ``embed``, ``dedupe``, ``cluster``, ``store``, ``analyze``, ``summarize``,
``link``), its
name with the number of articles it works on (0 when not counted), so a display can say what it waits for."""


LEAD_READ_FACTOR = 20
"""An article's lead is looked for in its first ``LEAD_READ_FACTOR x lead_chars`` characters (room for headings and
short lines before it): segmenting a 200 MB text whole to take its first sentences cost minutes."""


def article_lead(article: Article, lead_chars: int = 1000, min_words: int = 3) -> list[str]:
    """An article's lead as sentences (rule-based segmentation, headings and sentences under ``min_words`` words left
    out): whole sentences until about ``lead_chars`` characters, at least one."""
    lead: list[str] = []
    used = 0
    if len(article.text) > LEAD_READ_FACTOR * lead_chars:  # a huge text: its lead is in its first pages
        article = replace(article, text=text_head(article.text, LEAD_READ_FACTOR * lead_chars))
    for sentence in segment(article, model=False):
        if used >= lead_chars:
            break
        if sentence.is_heading or len(words(sentence.text)) < min_words:
            continue
        lead.append(sentence.text)
        used += len(sentence.text) + 1
    return lead


def article_vectors(
    articles: list[Article], encoder: TextEncoder, lead_chars: int = 1000, title_weight: float = 2.0, min_words: int = 3
) -> np.ndarray:
    """What represents an article for clustering and copy search: the mean of the vectors of its title (weighted
    ``title_weight``) and of its lead sentences (:func:`article_lead`), L2-normalised.

    Built from sentence vectors rather than by embedding the lead as one text: the copy check and the analysis embed
    those same sentences (and titles) anyway, through the vector cache, so an article costs the model nothing of its
    own; one embedding of title + lead was 40% of the model's work. On the clustering benchmark's train streams the
    two score alike (B-cubed F1 NeuS train .800 vs .805, ECB+ topics 1-35 .862 vs .860 with the gate fitted to the
    old vectors)."""
    parts = [([a.title] if a.title else [], article_lead(a, lead_chars, min_words) or [a.text[:lead_chars]])
             for a in articles]
    texts = list(dict.fromkeys(t for title, lead in parts for t in (*title, *lead) if t.strip()))
    vectors = encoder.encode(texts) if texts else np.zeros((0, encoder.dim), dtype=np.float32)
    row = {t: i for i, t in enumerate(texts)}
    out = np.zeros((len(articles), encoder.dim), dtype=np.float32)
    for n, (title, lead) in enumerate(parts):
        total = np.zeros(encoder.dim, dtype=np.float32)
        for text, weight in [(t, title_weight) for t in title] + [(t, 1.0) for t in lead]:
            if text in row:  # a blank title or lead has no vector
                total += weight * vectors[row[text]]
        norm = float(np.linalg.norm(total))
        out[n] = total / norm if norm > 0 else total
    return out


def _iso_day(day: float | None) -> str | None:
    """An ISO date (YYYY-MM-DD) of a time in days since the Unix epoch (:func:`tidings.cluster.parse_time`)."""
    return None if day is None else datetime.fromtimestamp(day * 86400.0, UTC).date().isoformat()


@dataclass
class StageTimer:
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    on_start: Callable[[str, int], None] | None = None  # told (stage, items) when a stage starts

    @contextmanager
    def __call__(self, stage: str, items: int = 0) -> Iterator[None]:
        if self.on_start is not None and stage != "ingest":  # ingest is per item: "read" progress tells it
            self.on_start(stage, items)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start
            self.counts[stage] = self.counts.get(stage, 0) + items


class StoredLineMemory:
    """The cleaner's memory of repeated lines (:class:`tidings.clean.LineMemory`), kept in the store: what this
    batch saw waits in ``pending`` and is written with the batch; counts are the union of both. The stored rows are
    the same whatever order and split the input came in, so a line becomes template text once the whole input shows
    it often enough, whichever run that is."""

    def __init__(self, store: Store, settings: CleanSettings) -> None:
        self.store = store
        self.settings = settings
        self.cap = max(settings.repeated_block_min_sites, settings.repeated_block_min_site_docs)
        self.pending: dict[tuple[str, int], clean.LineRow] = {}

    def add(self, rows: Iterable[clean.LineRow]) -> None:
        for row in rows:
            self.pending[(row[0], row[2])] = row

    def _counts(
        self, pairs: set[tuple[str, int]], with_pending: bool, stored: Any = None
    ) -> dict[tuple[str, int], tuple[int, int]]:
        across, on_site = stored or self.store.line_contexts(pairs, self.cap)
        extra: dict[int, set[int]] = {}
        extra_site: dict[tuple[str, int], set[int]] = {}
        if with_pending:
            for _doc, site, key, context in self.pending.values():
                extra.setdefault(key, set()).add(context)
                if site:
                    extra_site.setdefault((site, key), set()).add(context)

        def size(stored: set[int] | None, more: set[int]) -> int:
            return self.cap if stored is None else min(self.cap, len(stored | more))

        return {
            (site, key): (
                size(across.get(key, set()), extra.get(key, set())),
                size(on_site.get((site, key), set()), extra_site.get((site, key), set())) if site else 0,
            )
            for site, key in pairs
        }

    def counts(self, pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], tuple[int, int]]:
        return self._counts(set(pairs), with_pending=True)

    def flipped(self) -> tuple[set[int], set[tuple[str, int]]]:
        """Lines that the pending rows make template text: across sites (keys) and on one site (site, key)."""
        s = self.settings
        pairs = {(site, key) for _doc, site, key, _ctx in self.pending.values()}
        if not pairs:
            return set(), set()
        stored = self.store.line_contexts(pairs, self.cap)
        before, after = self._counts(pairs, False, stored), self._counts(pairs, True, stored)
        keys = {p[1] for p, (n, _) in before.items() if n < s.repeated_block_min_sites <= after[p][0]}
        site_keys = {p for p, (_, n) in before.items() if p[0] and n < s.repeated_block_min_site_docs <= after[p][1]}
        return keys, site_keys

    def flush(self, conn: Connection) -> None:
        """Write the pending rows (inside the batch's transaction)."""
        self.store.add_line_rows(conn, self.pending.values())
        self.pending.clear()


class Pipeline:
    """Reads sources into a store and builds cited story briefings.

    Parameters
    ----------
    settings: every threshold of every stage (:class:`tidings.settings.Settings`).
    db: a SQLite file path or a SQLAlchemy URL (PostgreSQL for servers).
    batch_size: articles per transaction; bounds memory and what an interruption can lose (default 256).
    """

    def __init__(self, settings: Settings | None = None, db: str | Path = "tidings.db", batch_size: int = 256) -> None:
        self.settings = settings or Settings()
        self.store = Store(db, story_versions=self.settings.watch.story_versions)
        self.batch_size = batch_size
        self.timer = StageTimer()
        self.memory = StoredLineMemory(self.store, self.settings.clean)
        self.cleaner = clean.Cleaner(self.settings.clean, self.memory)
        self._copies: dedupe.CopyDetector | None = None
        self.copy_pairs: dedupe.CopyPairs | None = None
        """Copy candidates found before the run (the Spark job's join): the detector then decides on them."""
        self.story_plan: dict[str, str] | None = None
        """Stories decided before the run (the Spark job's time buckets): article id -> story id, used instead of
        the online clusterer (an article not in it opens a story of its own)."""
        self.cleaned: Callable[[list[Document]], tuple[list[Article | Skip], list[clean.LineRow]]] | None = None
        """The cleaning of each batch's new documents done before the run, with the template memory this Pipeline's
        cleaner would have had (the Spark job's first cleaning): their items and the line rows they teach the memory,
        used instead of cleaning them again (stored articles are still cleaned again when the memory learns)."""
        self._clusterer: cluster.StoryClusterer | None = None
        self._checked_stale = False
        self._replayed = 0  # storage position (seq) of the last stored article the warm indexes hold
        self._exact_replay = True  # replay the stored batches (False: load the stored stories; see _warm)
        self._window_start: float | None = None  # past the replay cap: the first day loaded (days since the epoch)
        self._newest_day: float | None = None  # ... and the newest date the indexes hold
        self._held = 0  # stored articles the indexes hold
        self._opened = 0  # ... of which the open window loaded
        self._reopened: set[tuple[str, str]] = set()  # the archived days (ranges) loaded for late articles
        self._touched: set[str] = set()  # stories that got articles in this run: linked across languages at its end
        # the model loads when a text is first embedded: a run that reads nothing new never pays for it
        self.encoder = CachedEncoder(embedder_or_loader(), self.store.get_vectors, self.store.put_vectors)

    @property
    def timings(self) -> dict[str, float]:
        return self.timer.timings

    # -- warm state -------------------------------------------------------------------------------------------
    def _warm(self) -> None:
        """Load the copy index and story index from what is stored, and bring them up to date with what other
        writers stored since (incrementally: only the rows stored after the last one they hold).

        The clusterer is online: its state after a batch depends on the batches before it, not only on the stories
        they made. So the stored batches are replayed through it, in storage order, as the run that stored them
        processed them (same articles, vectors and order): a run that resumes an interrupted one, or continues a
        store in a new run, clusters its next batch from the state the uninterrupted run had there. Stories given
        by the input (``group_by="story"``) and those of schema 2 stores are added as they are stored. The storage
        position replayed last is kept (``_replayed``): a warm pipeline (the server's, watch's) that finds rows
        after it replays just those, as a fresh one would (a whole replay costs ~2.4 ms per stored article).

        A store of more than ``max_replay_articles`` is loaded as stored instead (its stories, not its batches), and
        only its open part (:meth:`_open_window`): the articles of the last ``warm_window_days`` before the newest
        stored date and the last undated ones; older stories are archived (``ClusterSettings.warm_window_days``)."""
        if self._copies is not None and self._clusterer is not None and self._window_aged():
            self._copies = self._clusterer = None  # the newest date moved a whole window on: load the open part anew
        if self._copies is None or self._clusterer is None:
            self._copies = dedupe.CopyDetector(self.settings.dedupe, self.copy_pairs)
            self._copies.lookup = self.store.get_article
            self._copies.lookup_many = self.store.get_articles
            self._clusterer = cluster.StoryClusterer(self.settings.cluster)
            self._replayed = self._held = 0
            # replaying costs ~2.4 ms per stored article (a gate decision each): past the cap, the stories are
            # loaded as stored instead (one cheap add each), then and at every later catch-up
            self._exact_replay = self.store.count_articles() <= self.settings.cluster.max_replay_articles
            self._window_start = self._newest_day = None
            self._reopened = set()
            if not self._exact_replay:
                with self.timer("warm"):
                    self._open_window()
                return
        elif self.store.last_seq() == self._replayed:
            return
        with self.timer("warm"):
            self._replay(self._copies, self._clusterer, self.store.iter_replay_rows(
                self.settings.cluster.lead_chars, after=self._replayed))

    def _open_window(self) -> None:
        """Load the open part of a store past the replay cap: the articles dated within ``warm_window_days`` before
        the newest stored date (a date more than a day in the future does not count: a typo), and the last
        ``warm_undated_articles`` undated ones, in storage order. Its cost follows the window, not the store."""
        assert self._copies is not None and self._clusterer is not None
        c = self.settings.cluster
        last = self.store.last_seq()  # rows stored after it are caught up as any other writer's
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
        newest = cluster.parse_time(self.store.newest_published(tomorrow + "~"))  # '~' sorts after any time of day
        if newest is not None:
            self._newest_day = newest
            self._window_start = newest - c.warm_window_days
        seqs = [s for s in self.store.window_seqs(_iso_day(self._window_start), c.warm_undated_articles) if s <= last]
        self._replay(self._copies, self._clusterer, self.store.iter_replay_rows(c.lead_chars, seqs=seqs))
        self._replayed, self._opened = last, self._held
        log.info("warm: %d stored articles of the open window (from %s) loaded", len(seqs),
                 _iso_day(self._window_start) or "undated only")

    def _window_aged(self) -> bool:
        """Whether a warm pipeline should load its window anew: the newest date it took moved on by a whole
        ``warm_window_days`` past its window, or it took ``max_replay_articles`` more articles than its window held
        (reopened ones included): memory stays bounded in a pipeline that runs for months. Or the store it replays
        exactly has grown past ``max_replay_articles``: it then loads the window, as a new pipeline would."""
        c = self.settings.cluster
        if self._exact_replay:
            return self._held > c.max_replay_articles
        if self._held > self._opened + c.max_replay_articles:
            return True
        if self._window_start is None or self._newest_day is None:
            return False
        return self._newest_day - self._window_start > 2 * c.warm_window_days

    def _reopen(self, articles: list[Article]) -> None:
        """Load the archived stored articles that ``articles`` may meet (past the replay cap, where only the open
        window is loaded): exact copies of them (same content hash; a copy joins its original's story), and the
        stored articles of the days around a late article (one dated before the window: the stories of its days are
        reopened from their articles of those days). At most ``reopen_articles`` per batch."""
        if self._exact_replay or self._copies is None or self._clusterer is None:
            return
        c = self.settings.cluster
        cap = c.reopen_articles
        hashes = [a.content_hash for a in articles if a.content_hash and not self._copies.knows_hash(a.content_hash)]
        seqs = self.store.seqs_with_hashes(hashes, cap) if hashes else []
        reach = max(c.window_days, c.continue_days, self.settings.dedupe.paraphrase_max_days) + 1.0
        soon = datetime.now(UTC).timestamp() / 86400.0 + 1.0  # a date past tomorrow is a typo, not the news
        days = [t for a in articles if (t := cluster.parse_time(a.published)) is not None and t <= soon]
        if self._window_start is not None:
            late = {(_iso_day(t - reach), _iso_day(min(t + reach, self._window_start + 1.0)))
                    for t in days if t - reach < self._window_start}
            ranges = sorted((a, b) for a, b in late if a and b and (a, b) not in self._reopened)
            self._reopened.update(ranges)  # loaded once: the rows stay until the window is loaded anew
            seqs += self.store.seqs_published_between(ranges, cap - len(seqs))
        if days:
            self._newest_day = max(days + ([self._newest_day] if self._newest_day is not None else []))
        if seqs:
            self._replay(self._copies, self._clusterer,
                         self.store.iter_replay_rows(c.lead_chars, seqs=seqs), track=False)
            log.info("reopened: %d archived stored articles loaded for a batch", len(seqs))

    def _replay(self, copies: dedupe.CopyDetector, clusterer: cluster.StoryClusterer,
                rows: Iterable[tuple[Article, bytes | None, np.ndarray | None, int | None, int]],
                track: bool = True) -> None:
        """Replay stored ``rows`` (storage order) through the copy detector and the clusterer; with ``track``, keep
        the storage position replayed last in ``_replayed``."""
        batch: list[tuple[Article, np.ndarray]] = []
        batch_no: int | None = None

        def replay() -> None:
            if batch:
                clusterer.assign([a for a, _ in batch], np.stack([e for _, e in batch]))
                batch.clear()

        for article, signature, embedding, number, seq in rows:
            self._held += 1
            if track:
                self._replayed = seq
            if embedding is None:
                continue
            if signature is not None:  # the detector gets no text: it would take the lead for the whole
                copies.add_known(replace(article, text=""), signature, embedding)
            if number != batch_no:
                replay()
                batch_no = number
            if number is not None and self._exact_replay:
                batch.append((article, embedding))
            elif article.story_id:
                clusterer.add_known(article, embedding)
        replay()

    # -- the run ----------------------------------------------------------------------------------------------
    def run(
        self,
        sources: Iterable[str],
        group_by: str | None = None,
        progress: Progress | None = None,
        on_skip: Callable[[Skip], None] | None = None,
        stdin: IO[bytes] | None = None,
        collect: bool = True,
        documents: Iterable[Document | Skip] | None = None,
        build_stories: bool = True,
    ) -> RunResult:
        """Read ``sources`` (files, folders, URLs, feeds, '-'), store new articles, rebuild touched stories.

        ``group_by="story"`` uses each article's ``story`` field (JSONL) as its story instead of clustering.
        Returns every article of this input (new or already stored) and every story that contains one.
        ``stdin`` replaces standard input for the source '-' (the web server feeds POSTed JSONL this way).
        ``collect=False`` returns only ids (``article_ids``, ``story_ids``): a 100k-article run then never holds
        every text in memory. ``documents`` are items already read (the watch loop fetches its sources itself, with
        conditional GETs) and go through the same stages as ``sources`` would. ``build_stories=False`` leaves the
        touched stories dirty for another builder (the Spark job builds them on its executors, :mod:`tidings.spark`).
        """
        if group_by not in (None, "story"):
            raise ValueError(f"unknown --group-by {group_by!r} (only 'story' is supported)")
        progress = progress or (lambda _stage, _done, _total: None)
        skipped: list[Skip] = []
        input_ids: list[str] = []
        new_count = 0

        def skip(item: Skip) -> None:
            skipped.append(item)
            if on_skip:
                on_skip(item)

        self.timer.on_start = lambda stage, items: progress(stage, items, None)
        with using_encoder(self.encoder):
            for batch in self._batches(sources, skip, stdin, progress, documents):
                # at the first batch: a run that reads nothing loads no model nor index; one that builds no briefing
                # reads nothing with spaCy (the Spark job builds them on its executors)
                if self._copies is None and build_stories:
                    with self.timer("workers"):
                        start_workers()  # before the indexes load: the workers are forked from a small process
                self._warm()  # loads the indexes, or replays what other writers stored since the last batch
                # an article is recognised by its raw input before any cleaning: a stored one is never re-inserted
                docs: dict[str, Document] = {}
                for doc in batch:
                    docs.setdefault(clean.document_id(doc), doc)  # the first of equal inputs
                existing = self.store.existing_ids(docs)
                new = self._clean([doc for doc_id, doc in docs.items() if doc_id not in existing], skip)
                cleaned = {a.id for a in new}
                input_ids += [doc_id for doc_id in docs if doc_id in existing or doc_id in cleaned]
                recleaned = self._clean_again(set(docs))
                relabelled = self._exact_copies(recleaned)
                self._add_batch(new, group_by, {a.id: docs[a.id] for a in new}, recleaned, relabelled)
                new_count += len(new)
                progress("stored", new_count, None)
            if build_stories:
                self._rebuild_dirty_stories(progress)
            self._link_languages()
        return self._result(input_ids, skipped, new_count, collect)

    def _batches(
        self,
        sources: Iterable[str],
        skip: Callable[[Skip], None],
        stdin: IO[bytes] | None,
        progress: Progress,
        documents: Iterable[Document | Skip] | None = None,
    ) -> Iterator[list[Document]]:
        batch: list[Document] = []
        read = 0
        stream = ingest.iter_documents(sources, self.settings.ingest, stdin=stdin)
        it = iter(stream if documents is None else itertools.chain(documents, stream))
        while True:
            with self.timer("ingest"):
                item = next(it, None)
            if item is None:
                break
            read += 1
            progress("read", read, None)  # per item: a batch takes minutes to read from slow sites
            if isinstance(item, Skip):
                skip(item)
                continue
            batch.append(item)
            self.timer.counts["ingest"] = self.timer.counts.get("ingest", 0) + 1
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _clean(self, docs: list[Document], skip: Callable[[Skip], None]) -> list[Article]:
        with self.timer("clean", len(docs)):
            if self.cleaned is not None:
                items, rows = self.cleaned(docs)
                self.memory.add(rows)  # what the cleaner would have added: the batch's transaction writes it
            else:
                items = self.cleaner.clean(docs)
            out = []
            for item in items:
                problem = None if isinstance(item, Skip) else article_problem(item)
                if isinstance(item, Skip):
                    skip(item)
                elif problem:
                    skip(Skip(item.origin, problem))
                else:
                    out.append(item)
            return out

    def _clean_again(self, batch_ids: set[str]) -> list[Article]:
        """Stored articles cleaned again because this batch taught the memory one of their lines is template text
        (so their text is what it would be had they come with this batch). Ids, stories and copy relations stay."""
        keys, site_keys = self.memory.flipped()
        if not keys and not site_keys:
            return []
        ids = [i for i in self.store.articles_with_lines(keys, site_keys) if i not in batch_ids]
        sources = self.store.get_sources(ids)
        old = {a.id: a for a in self.store.get_articles(list(sources))}
        out: list[Article] = []
        with self.timer("clean", len(sources)):
            for article_id, item in zip(sources, self.cleaner.clean(list(sources.values()), remember=False),
                                        strict=True):
                if isinstance(item, Skip):  # a stored article stays one (its text is left as it was)
                    log.info("cleaned again, %s: kept as stored", item)
                    continue
                before = old[article_id]
                item.id = article_id
                if (item.title, item.text, item.removed) == (before.title, before.text, before.removed):
                    continue
                item.origin, item.story_id = before.origin, before.story_id
                item.copy_of, item.relation = before.copy_of, before.relation
                out.append(item)
        return out

    def _exact_copies(self, recleaned: list[Article]) -> list[Article]:
        """Near duplicates that the new cleaning made word for word the same are duplicates, as a run that saw them
        cleaned so from the start would have found (``recleaned`` are relabelled in place; the other articles whose
        relation changes are returned)."""
        if not recleaned:
            return []
        mine = {a.id: a for a in recleaned}
        linked = {a.copy_of for a in recleaned if a.copy_of} | set(self.store.copies_of(mine))
        group = {**{a.id: a for a in self.store.get_articles(sorted(linked - set(mine)))}, **mine}
        changed = []
        for a in group.values():
            root = group.get(a.copy_of or "")
            if a.relation == "near_duplicate" and root is not None and a.content_hash == root.content_hash:
                a.relation = "duplicate"
                if a.id not in mine:
                    changed.append(a)
        return changed

    def _add_batch(
        self,
        articles: list[Article],
        group_by: str | None,
        sources: dict[str, Document] | None = None,
        recleaned: list[Article] | None = None,
        relabelled: list[Article] | None = None,
    ) -> None:
        """Embed, dedupe and cluster new articles, then write them, their raw documents, what the cleaner learned
        and the articles it cleaned again, with their stories, in one transaction."""
        assert self._copies is not None and self._clusterer is not None
        recleaned = recleaned or []
        self._touched.update(a.story_id for a in recleaned if a.story_id)  # new titles and leads: linked again
        # stored in the order the copy detector registers them, so that one warmed from the store holds them alike
        articles = [articles[i] for i in dedupe.processing_order(articles)]
        if recleaned:
            c, min_words = self.settings.cluster, self.settings.dedupe.alignment_min_words
            again = article_vectors(recleaned, self.encoder, c.vector_lead_chars, c.vector_title_weight, min_words)
            again_signatures = [self._copies.signature(a) for a in recleaned]
        if not articles:
            with self.timer("store"), self.store.transaction() as conn:
                self.memory.flush(conn)
                if recleaned:
                    self.store.update_cleaned(conn, recleaned, again_signatures, again)
                    self.store.update_relations(conn, relabelled or [])
            if recleaned:
                self._copies = self._clusterer = None  # their indexes hold the old texts' signatures and vectors
                self._warm()
            return
        with self.timer("embed", len(articles)):
            # through the vector cache: the sentences are the ones dedupe and analyze embed, and rebuilding a store
            # from inputs embedded before costs no model time
            c, min_words = self.settings.cluster, self.settings.dedupe.alignment_min_words
            embeddings = article_vectors(articles, self.encoder, c.vector_lead_chars, c.vector_title_weight, min_words)
        self._reopen(articles)
        with self.timer("dedupe", len(articles)):
            signatures = [self._copies.signature(a) for a in articles]
            changed_known = self._copies.detect(articles, embeddings, signatures)
        with self.timer("cluster", len(articles)):
            if group_by == "story":
                assignments = {a.id: stable_id(a.story_key or a.id, prefix="s") for a in articles}
                merged: dict[str, str] = {}
                for a in articles:
                    a.story_id = assignments[a.id]
            elif self.story_plan is not None:
                assignments = {a.id: self.story_plan.get(a.id) or stable_id(a.id, prefix="s") for a in articles}
                merged = {}
            else:
                self._clusterer.merged = {}
                assignments = self._clusterer.assign(articles, embeddings)
                merged = dict(self._clusterer.merged)
                for a in articles:
                    a.story_id = assignments.get(a.id, a.story_id)
        batch_ids = {a.id for a in articles}
        with self.timer("store", len(articles)), self.store.transaction() as conn:
            # the indexes hold the store up to _replayed: this batch follows on only if no one wrote in between
            follows = self.store.last_seq(conn) == self._replayed
            stored = self.store.add_articles(conn, articles, signatures, embeddings, clustered=group_by is None)
            # another writer stored some of these since the run checked: its rows and stories stand
            assignments = {k: v for k, v in assignments.items() if k in stored or k not in batch_ids}
            self.store.add_sources(conn, sources or {})
            self.memory.flush(conn)
            if recleaned:
                self.store.update_cleaned(conn, recleaned, again_signatures, again)
                self.store.update_relations(conn, relabelled or [])
            self.store.update_relations(conn, changed_known)
            self.store.assign_stories(conn, assignments, merged)
            last = self.store.last_seq(conn)
        self._held += len(stored)
        self._touched.update(assignments.values())
        if follows and len(stored) == len(articles):
            self._replayed = last  # the indexes took this batch as a replay would
        else:  # another writer's rows came first in storage order: replay everything again before the next batch
            self._copies = self._clusterer = None
        if recleaned:
            self._copies = self._clusterer = None  # their indexes hold the old texts' signatures and vectors
            self._warm()

    # -- links across languages ---------------------------------------------------------------------------------
    def _link_languages(self) -> None:
        """Link the stories this run touched to the same event's stories in other languages (:mod:`tidings.
        crosslang`), and store the links; then compare the facts of the linked stories whose event or briefing changed
        with the sentences of their event's other languages (at most ``cross_language_fact_stories`` a run). Stories
        in one language only never load the multilingual model; without it (an optional extra) there are no links
        and no facts across languages, and one line in the log says so."""
        touched, self._touched = sorted(self._touched), set()
        if not touched:
            return
        c = self.settings.cluster
        candidates = self.store.link_candidates(
            touched, c.cross_language_window_days, c.cross_language_recent_articles, c.cross_language_max_stories
        )
        languages = sorted({language for _, language, _, _ in candidates if language})
        if len(languages) < 2:
            with self.store.transaction() as conn:  # one language: nothing to link (a merge may have left rows)
                self.store.set_links(conn, {sid: sid for sid, _, _, _ in candidates}, touched)
            return
        encoder = load_multilingual_encoder()
        if encoder is None:
            log.warning("stories in %s but no multilingual model (the 'multilingual' extra, README): not linked "
                        "across languages", ", ".join(languages))
            return
        with self.timer("link", len(candidates)):
            wide = load_wide_encoder if c.cross_language_wide else None
            event_of = crosslang.link_stored_stories(self.store, candidates, encoder, c, wide, self.timer)
            event_of.update({sid: sid for sid, _, _, _ in candidates if sid not in event_of})  # merged away: unlinked
            with self.store.transaction() as conn:
                self.store.set_links(conn, event_of, touched)
        pending = self.store.pending_fact_stories(c.cross_language_fact_stories)
        if pending:
            with self.timer("facts across languages", len(pending)):
                found = crosslang.corroborate_stored_stories(self.store, pending, encoder, c, wide, self.timer)
                with self.store.transaction() as conn:
                    self.store.put_fact_mentions(conn, found)

    # -- stories ----------------------------------------------------------------------------------------------
    def _rebuild_dirty_stories(self, progress: Progress) -> None:
        """Rebuild every dirty story, in chunks of about ``batch_size`` articles: the spaCy pass and the sentence
        embeddings of a chunk run as one batch each (a story at a time, they ran a few sentences at a time)."""
        if not self._checked_stale:  # once per Pipeline: briefings an older tidings left behind its articles
            with self.store.transaction() as conn:
                stale = self.store.mark_stale_stories(conn)
            if stale:
                log.warning("%d stories had briefings missing some of their articles: rebuilding them", stale)
            self._checked_stale = True
        dirty = self.store.dirty_story_ids()
        if not dirty:
            return
        from . import analyze  # here: a run that builds no story never loads it

        done = 0
        chunk: list[tuple[str, list[Article], list[str], int | None]] = []
        size = 0
        cap = self.settings.analyze.max_story_articles
        for n, story_id in enumerate(dirty):
            members, version = self.store.story_members(story_id)
            read = [a.id for a in analyze.briefing_articles(members, cap)]  # a giant story: a bounded choice
            chunk.append((story_id, members, read, version))
            size += len(read)
            if size < self.batch_size and n < len(dirty) - 1:
                continue
            loaded = [(sid, members, self._briefing_texts(read), version) for sid, members, read, version in chunk]
            sentences = self._prepare([a for _, _, articles, _ in loaded for a in articles])
            for sid, members, articles, version in loaded:
                story = None
                if articles and version is not None:
                    story = self.build_story(sid, articles, sentences, members)
                if story is not None:
                    with self.timer("store"), self.store.transaction() as conn:
                        # compare-and-set: a writer that changed the story meanwhile leaves it dirty (its own run
                        # rebuilds it after its commit)
                        self.store.save_story(conn, story, search_text=self._search_text(story), version=version)
                done += 1
                progress("stories", done, len(dirty))
            chunk, size = [], 0

    def _briefing_texts(self, ids: list[str]) -> list[Article]:
        """The stored articles ``ids`` as a briefing reads them: each text cut to ``max_article_chars``."""
        from . import analyze

        cap = self.settings.analyze.max_article_chars
        return [analyze.briefing_text(a, cap) for a in self.store.get_articles(ids)]

    def _prepare(self, articles: list[Article]) -> dict[str, list[Sentence]]:
        """Sentences of ``articles`` (one spaCy pass over all their paragraphs) with their embeddings cached."""
        return prepare_sentences(articles, self.settings, self.encoder, self.timer)

    def build_story(
        self,
        story_id: str,
        articles: list[Article] | None = None,
        sentences: dict[str, list[Sentence]] | None = None,
        members: list[Article] | None = None,
    ) -> Story | None:
        """Analyze and summarize one story: ``articles`` are what its briefing reads, ``members`` every article of
        the story (text not needed) for its article list, timeline, dates, sites and source count. By default the
        stored story, read as a rebuild reads it (at most ``max_story_articles``: :func:`analyze.briefing_articles`)."""
        if articles is None:
            from . import analyze

            members = self.store.story_members(story_id)[0]
            chosen = analyze.briefing_articles(members, self.settings.analyze.max_story_articles)
            articles = self._briefing_texts([a.id for a in chosen])
        return build_story(story_id, articles, members, self.settings, sentences, self.timer)

    @staticmethod
    def _search_text(story: Story) -> str:
        parts = [s.text for s in story.summary] + [f.text for f in story.facts] + [e.name for e in story.entities]
        parts += [t.title or "" for t in story.timeline] + story.sites
        return "\n".join(parts)

    def _result(self, input_ids: list[str], skipped: list[Skip], new_count: int, collect: bool) -> RunResult:
        story_ids = self.store.story_ids_of(input_ids)
        if not collect:
            return RunResult([], [], skipped, new_count, article_ids=input_ids, story_ids=story_ids)
        articles = self.store.get_articles(input_ids)
        stories = self.store.get_stories(story_ids)
        return RunResult(articles, stories, skipped, new_count, article_ids=input_ids, story_ids=story_ids)

    def export_articles(self, stories: list[Story], input_articles: list[Article]) -> list[Article]:
        """The input articles plus every other article of the exported stories, in story order."""
        ids = list(dict.fromkeys([a.id for a in input_articles] + [i for s in stories for i in s.article_ids]))
        return self.store.get_articles(ids)


def prepare_sentences(
    articles: list[Article], settings: Settings, encoder: TextEncoder, timer: StageTimer | None = None
) -> dict[str, list[Sentence]]:
    """Sentences of ``articles`` (one spaCy pass over all their paragraphs) with their embeddings computed through
    ``encoder`` (a cached one keeps them for the stages after). Plain data in and out: the Spark job calls it on its
    executors."""
    timer = timer or StageTimer()
    with timer("analyze"):
        paras = [p for a in articles for p in paragraphs(a.text)]
        if len(paras) <= READING_CACHE_PARAGRAPHS:  # a giant story is read article by article instead
            read_paragraphs(paras)
        sentences = {a.id: segment(a) for a in articles}
        analyze_s, summarize_s = settings.analyze, settings.summarize
        limit = max(analyze_s.max_sentences_per_article, summarize_s.max_candidates_per_article)
        texts = [a.title for a in articles if a.title]
        for a in articles:
            texts += [s.text for s in sentences[a.id] if not s.is_heading][:limit]
        encoder.encode(list(dict.fromkeys(texts)))
    return sentences


def build_story(
    story_id: str,
    articles: list[Article],
    members: list[Article] | None,
    settings: Settings,
    sentences: dict[str, list[Sentence]] | None = None,
    timer: StageTimer | None = None,
) -> Story | None:
    """Analyze and summarize one story from plain data, no store: ``articles`` are what its briefing reads (at most
    ``max_story_articles``, :func:`analyze.briefing_articles`), ``members`` every article of the story (text not
    needed) for its article list, timeline, dates, sites and source count. The encoder is the one installed with
    :func:`tidings.resources.using_encoder` (the model itself without one)."""
    from . import analyze, summarize  # here: a run that builds no story never loads them

    if not articles:
        return None
    timer = timer or StageTimer()
    members = members if members is not None else articles
    with timer("analyze", len(articles)):
        sentences = {a.id: (sentences or {}).get(a.id) or segment(a) for a in articles}
        story = Story(id=story_id, headline=articles[0].title or "(untitled)", article_ids=[a.id for a in members])
        story = analyze.analyze_story(story, articles, sentences, settings.analyze)
        story.independent_sources = dedupe.count_independent(members)
    with timer("summarize", len(articles)):
        story = summarize.summarize_story(story, articles, sentences, settings.summarize)
    dates = sorted(a.published for a in members if a.published)
    story.first_seen = dates[0] if dates else None
    story.last_seen = dates[-1] if dates else None
    story.timeline = [TimelineEntry(a.id, a.published, a.site, a.title) for a in members]
    story.sites = sorted({a.outlet for a in members if a.outlet})  # outlets: www.x.com and x.com are one
    story.updated_at = now_iso()
    return story
