"""Everything SQL: articles, stories and cached vectors in SQLite (default) or PostgreSQL, through SQLAlchemy 2.

Every write happens inside one transaction (``with store.transaction() as tx``), so an interrupted run leaves the
database as it was before the batch it was writing. Articles are keyed by ids derived from their raw input
(``clean.document_id``), so writing the same input twice changes nothing. The cleaner's memory of repeated lines and
the raw documents live here too (``line_memory``, ``article_sources``): every run sees what earlier runs saw and can
clean a stored article again.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .model import Article, Document, LanguageCoverage, OtherLanguageMention, Story, WatchSource
from .outlets import outlet_of_site

if TYPE_CHECKING:  # numpy is imported where vectors are read: `tidings stories` never needs it
    import numpy as np

SCHEMA_VERSION = 8
"""2: article ids from the raw input; the cleaner's memory of repeated lines and raw documents. 3: stories carry a
``version`` bumped whenever their articles change; a rebuild clears the dirty flag only if the version it read is
still the story's (migrated from 2 by adding the column; stories whose briefing misses articles are marked dirty).
4: articles carry the number of the clustered batch that stored them (migrated: none, as stories of the input).
5: the sources `tidings watch` polls, the feed entries it has read and its webhook events (new tables: created on
opening). 6: ``story_versions``, a digest of each briefing for "what's new" (new table; migrated by giving every
briefed story that has none its current briefing as version 1). 7: ``article_multilingual`` (each article's
multilingual title + lead vector) and ``story_links`` (the event each story of another language's is linked to,
:mod:`tidings.crosslang`): new tables, created on opening (nothing to migrate: a next run links the stories it
touches). 8: ``fact_mentions`` (the sentences of linked stories in other languages that state each fact) and
``story_links.facts`` (1 when they are computed for the story's links and briefing; migrated by adding the column
at 0: the next run with the multilingual model computes them for every linked story, a bounded number per run).
Each migration step checks what the store already
has, so any older version reaches this one."""

metadata = MetaData()

meta_table = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

articles_table = Table(
    "articles",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("origin", Text, nullable=False),
    Column("url", Text),
    Column("site", Text),
    Column("title", Text),
    Column("published", String(40), index=True),
    Column("language", String(8)),
    Column("text", Text, nullable=False),
    Column("removed", Text, nullable=False, default="[]"),
    Column("headings", Text, nullable=False, default="[]"),
    Column("authors", Text, nullable=False, default="[]"),
    Column("credits", Text, nullable=False, default="[]"),
    Column("story_key", Text),
    Column("story_id", String(40), index=True),
    Column("copy_of", String(40), index=True),
    Column("relation", String(20)),
    Column("content_hash", String(40), index=True),
    Column("signature", LargeBinary),
    Column("embedding", LargeBinary),
    Column("seq", Integer, index=True),  # insertion order, for stable listing
    # the clustered batch that stored the article (None: stories from the input's 'story' field, or schema 2): a
    # resumed run replays the stored batches through the clusterer, as the uninterrupted run processed them
    Column("batch", Integer),
    Column("created_at", String(40), nullable=False),
)

stories_table = Table(
    "stories",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("headline", Text, nullable=False),
    Column("first_seen", String(40)),
    Column("last_seen", String(40), index=True),
    Column("updated_at", String(40), index=True),
    Column("n_articles", Integer, nullable=False, default=0),
    Column("independent_sources", Integer, nullable=False, default=0),
    Column("dirty", Integer, nullable=False, default=1),  # articles changed since the briefing was written
    # bumped in the transaction that changes the story's articles: a rebuild that read an older version must not
    # clear the flag (a concurrent writer added articles it did not see)
    Column("version", Integer, nullable=False, default=0, server_default="0"),
    Column("data", Text, nullable=False, default="{}"),
    Column("search_text", Text, nullable=False, default=""),
    # the dirty stories are looked up at every run and watch cycle: without it, a scan of every story (0.5 s at
    # 100k articles); created on opening for older stores (see _init_schema)
    Index("ix_stories_dirty", "dirty", "id"),
)

vectors_table = Table(
    "sentence_vectors",
    metadata,
    Column("key", String(40), primary_key=True),  # sha1 of model name + text
    Column("vector", LargeBinary, nullable=False),
)

line_memory_table = Table(
    "line_memory",
    metadata,
    Column("doc_id", String(40), primary_key=True),  # document_id of the page the line was seen on
    Column("key", BigInteger, primary_key=True),  # clean.line_key of the line
    Column("site", String(255), nullable=False, default=""),
    Column("context", BigInteger, nullable=False),  # key of the body text next to it
    Index("ix_line_memory_key", "key"),
    Index("ix_line_memory_site_key", "site", "key"),
)

sources_table = Table(
    "article_sources",
    metadata,
    Column("id", String(40), primary_key=True),  # the article id (document_id of this raw document)
    Column("kind", String(8), nullable=False),
    Column("meta", Text, nullable=False),
    Column("content", LargeBinary, nullable=False),  # zlib-compressed UTF-8
)

watch_sources_table = Table(
    "sources",
    metadata,
    Column("url", String(2048), primary_key=True),  # an http(s) URL or an absolute local path
    Column("kind", String(8), nullable=False),  # feed, page or folder
    Column("added", String(40), nullable=False),
    Column("etag", Text),  # validators of the last 200 response, sent back as If-None-Match / If-Modified-Since
    Column("last_modified", Text),
    Column("last_success", String(40)),
    Column("last_error", Text),
    Column("error_count", Integer, nullable=False, default=0),  # failed polls in a row: sets the back-off
    Column("next_poll", String(40), index=True),
    Column("articles_seen", Integer, nullable=False, default=0),
)

seen_entries_table = Table(
    "source_entries",
    metadata,
    # document_id of an entry as read from its source (before its linked page is fetched): an entry read once is
    # not read again, so a summary-only entry's page is fetched once
    Column("id", String(40), primary_key=True),
    Column("source", String(2048), nullable=False),
    Column("seen_at", String(40), nullable=False),
)

webhook_outbox_table = Table(
    "webhook_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event", String(40), nullable=False),  # story.created / story.updated
    Column("story_id", String(40), nullable=False),
    Column("payload", Text, nullable=False),  # the JSON body, fixed when the event happened
    Column("created_at", String(40), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt", String(40), index=True),
    Column("status", String(12), nullable=False, default="pending"),  # pending or failed (delivered: deleted)
    Column("last_error", Text),
)

story_versions_table = Table(
    "story_versions",
    metadata,
    # one row per briefing that changed what a reader compares (changes.digest); the newest watch.story_versions
    # rows of a story are kept
    Column("story_id", String(40), primary_key=True),
    Column("version", Integer, primary_key=True),  # 1, 2, ... per story (not the stories.version write counter)
    Column("at", String(40), nullable=False, index=True),  # when the briefing was written (UTC, ISO 8601)
    Column("digest", Text, nullable=False),  # changes.digest as JSON
)

article_multilingual_table = Table(
    "article_multilingual",
    metadata,
    # an article's multilingual vector (title + lead), what links its story to other languages' stories
    Column("article_id", String(40), primary_key=True),
    Column("model", String(64), primary_key=True),  # the encoder's name: another model's vectors are not comparable
    Column("vector", LargeBinary, nullable=False),
)

story_links_table = Table(
    "story_links",
    metadata,
    # only linked stories have a row; stories of one event share event_id (the smallest story id of the group)
    Column("story_id", String(40), primary_key=True),
    Column("event_id", String(40), nullable=False, index=True),
    # 1 when fact_mentions holds this story's facts against its event's other stories as they are now; 0: to do
    Column("facts", Integer, nullable=False, default=0, server_default="0", index=True),
)

fact_mentions_table = Table(
    "fact_mentions",
    metadata,
    # a sentence of another language's linked story that states one of the story's facts (tidings.crosslang)
    Column("story_id", String(40), primary_key=True),
    Column("fact", String(16), primary_key=True),  # crosslang.fact_key of the fact's text
    Column("article_id", String(40), primary_key=True),  # one sentence per article and fact
    Column("other_story_id", String(40), nullable=False),
    Column("language", String(8), nullable=False),
    Column("site", Text),
    Column("text", Text, nullable=False),
    Column("cosine", Float, nullable=False),
)

DEFAULT_STORY_VERSIONS = 50
"""Versions kept per story unless the caller says otherwise (settings.WatchSettings.story_versions)."""

_WATCH_FIELDS = (
    "url", "kind", "added", "etag", "last_modified", "last_success", "last_error", "error_count", "next_poll",
    "articles_seen",
)  # fmt: skip

_CLEANED_FIELDS = (
    "title", "text", "url", "site", "published", "language", "content_hash",
)  # fmt: skip
_JSON_LIST_FIELDS = ("removed", "headings", "authors", "credits")
_ARTICLE_FIELDS = (
    "id", "origin", "url", "site", "title", "published", "language", "text", "story_key", "story_id",
    "copy_of", "relation", "content_hash",
)  # fmt: skip


def article_problem(article: Article) -> str | None:
    """Why ``article`` cannot be stored (a field that is not text, or text that no database takes: NUL, a lone
    surrogate), or None. The pipeline checks each article before its batch's transaction, so one bad article is
    skipped instead of rolling the others back."""
    for name in _ARTICLE_FIELDS:
        value = getattr(article, name)
        if value is not None and (not isinstance(value, str) or _unstorable(value)):
            return f"field {name!r} cannot be stored ({type(value).__name__})"
    for name in _JSON_LIST_FIELDS:
        value = getattr(article, name)
        if not isinstance(value, list) or not all(isinstance(v, str) and not _unstorable(v) for v in value):
            return f"field {name!r} cannot be stored (not a list of text)"
    return None


def _unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def fts_rowid(story_id: str) -> int:
    """The rowid of a story's row in the SQLite full-text table: 62 bits of a hash of its id (stable, unlike the
    stories table's own rowid, which VACUUM may renumber)."""
    return int.from_bytes(hashlib.blake2b(story_id.encode("utf-8"), digest_size=8).digest(), "big") >> 2


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def db_url_for(path_or_url: str | Path) -> str:
    """Accept a file path (SQLite) or a SQLAlchemy URL (``postgresql+psycopg://...``)."""
    s = str(path_or_url)
    return s if "://" in s else f"sqlite:///{s}"


class SchemaError(RuntimeError):
    pass


class Store:
    """One database of articles and stories."""

    def __init__(self, db: str | Path = "tidings.db", story_versions: int = DEFAULT_STORY_VERSIONS) -> None:
        self.url = db_url_for(db)
        self.max_story_versions = story_versions
        self.is_sqlite = self.url.startswith("sqlite")
        self.engine = create_engine(self.url, future=True)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._init_schema()

    # -- schema -----------------------------------------------------------------------------------------------
    def _init_schema(self) -> None:
        with self.engine.begin() as conn:
            metadata.create_all(conn)
            version = conn.execute(select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar()
            if version is None:
                conn.execute(insert(meta_table).values(key="schema_version", value=str(SCHEMA_VERSION)))
            elif int(version) > SCHEMA_VERSION:
                raise SchemaError(
                    f"{self.url}: database schema version {version} is newer than this tidings ({SCHEMA_VERSION})"
                )
            elif int(version) < SCHEMA_VERSION:
                self._migrate(conn, int(version))
            # indexes, not tables or columns: any older store gets them on opening, whatever its version
            conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_stories_dirty ON stories (dirty, id)")
            if self.is_sqlite:
                conn.exec_driver_sql(_FTS_TABLE)
                self._key_fts_rows(conn)
            else:  # the full-text index of list_stories(q=...); IF NOT EXISTS: any older store gets it on opening
                conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_stories_tsv ON stories USING GIN ({_PG_DOCUMENT})")

    def _key_fts_rows(self, conn: Connection) -> None:
        """Give the full-text rows of an older store the rowid of their story (:func:`fts_rowid`), once (marked in
        ``meta``): a story's row is then replaced through its rowid, where a search by the unindexed story id read
        every row (0.3 s a story at 100k articles). The rows move to a new table in one statement (each text is
        tokenized once; deleting them one by one tokenized them twice)."""
        marked = select(meta_table.c.value).where(meta_table.c.key == "fts_rowids")
        if conn.execute(marked).scalar() is not None:
            return
        if conn.exec_driver_sql("SELECT 1 FROM stories_fts LIMIT 1").first() is not None:
            conn.exec_driver_sql("ALTER TABLE stories_fts RENAME TO stories_fts_unkeyed")
            conn.exec_driver_sql(_FTS_TABLE)
            conn.exec_driver_sql(
                "INSERT OR REPLACE INTO stories_fts (rowid, story_id, headline, body) "
                "SELECT tidings_fts_rowid(story_id), story_id, headline, body FROM stories_fts_unkeyed"
            )
            conn.exec_driver_sql("DROP TABLE stories_fts_unkeyed")
        conn.execute(self._insert_or_ignore(meta_table).values(key="fts_rowids", value="story"))

    def _migrate(self, conn: Connection, version: int) -> None:
        """Bring a store of an older schema up to :data:`SCHEMA_VERSION`, in the schema's own transaction."""
        if "version" not in {c["name"] for c in inspect(conn).get_columns("stories")}:
            conn.exec_driver_sql("ALTER TABLE stories ADD COLUMN version INTEGER NOT NULL DEFAULT 0")
            # Briefings written by a rebuild that raced a writer (schema 2 cleared the flag unconditionally).
            self.mark_stale_stories(conn)
        if "batch" not in {c["name"] for c in inspect(conn).get_columns("articles")}:
            conn.exec_driver_sql("ALTER TABLE articles ADD COLUMN batch INTEGER")
        if "facts" not in {c["name"] for c in inspect(conn).get_columns("story_links")}:
            # every linked story's facts are still to be compared with its other languages' stories
            conn.exec_driver_sql("ALTER TABLE story_links ADD COLUMN facts INTEGER NOT NULL DEFAULT 0")
            conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_story_links_facts ON story_links (facts)")
        self._seed_story_versions(conn)
        conn.execute(
            update(meta_table).where(meta_table.c.key == "schema_version").values(value=str(SCHEMA_VERSION))
        )

    def _seed_story_versions(self, conn: Connection, chunk: int = 500) -> None:
        """Give every briefed story without versions its current briefing as version 1 (at its update time), so
        that "what's new since" a time before the upgrade compares with what the store held then. Streamed by id."""
        from .changes import digest

        s, v = stories_table, story_versions_table
        has_versions = select(v.c.story_id).where(v.c.story_id == s.c.id).exists()
        last = ""
        while True:
            query = select(s.c.id, s.c.data, s.c.updated_at).where(s.c.id > last, s.c.data != "{}", ~has_versions)
            rows = list(conn.execute(query.order_by(s.c.id).limit(chunk)))
            if not rows:
                return
            values = [
                {"story_id": sid, "version": 1, "at": updated or now_iso(),
                 "digest": json.dumps(digest(Story.from_dict(json.loads(data))), ensure_ascii=False)}
                for sid, data, updated in rows
            ]
            conn.execute(insert(v), values)
            last = rows[-1][0]

    @property
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar())

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection whose writes commit together at the end of the block, or not at all."""
        with self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    # -- articles ---------------------------------------------------------------------------------------------
    def existing_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        found: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                found.update(conn.execute(select(articles_table.c.id).where(articles_table.c.id.in_(chunk))).scalars())
        return found

    def add_articles(
        self,
        conn: Connection,
        articles: list[Article],
        signatures: list[bytes] | None = None,
        embeddings: np.ndarray | None = None,
        clustered: bool = False,
    ) -> set[str]:
        """Insert new articles inside the caller's transaction and return the ids this call stored. ``clustered``:
        they are one batch of the clusterer, numbered after the stored ones (see :meth:`iter_replay_rows`).

        Idempotent: an id already stored (another writer inserted the same article since this one checked, e.g. two
        POSTs of one article at once) is left as it is (ON CONFLICT DO NOTHING) and left out of the ids returned, so
        the caller does not assign it to a story: the first writer's row and story stand."""
        if not articles:
            return set()
        seq = conn.execute(select(func.coalesce(func.max(articles_table.c.seq), 0))).scalar() or 0
        batch = None
        if clustered:  # numbers grow with storage order: the last numbered row has the largest (max() read every row)
            last = select(articles_table.c.batch).where(articles_table.c.batch.is_not(None))
            batch = (conn.execute(last.order_by(articles_table.c.seq.desc()).limit(1)).scalar() or 0) + 1
        rows = []
        for i, a in enumerate(articles):
            row = {f: getattr(a, f) for f in _ARTICLE_FIELDS}
            row.update({f: json.dumps(getattr(a, f), ensure_ascii=False) for f in _JSON_LIST_FIELDS})
            row["signature"] = signatures[i] if signatures else None
            row["embedding"] = embeddings[i].astype("float32").tobytes() if embeddings is not None else None
            row["seq"] = seq + i + 1
            row["batch"] = batch
            row["created_at"] = now_iso()
            rows.append(row)
        stmt = self._insert_or_ignore(articles_table).returning(articles_table.c.id)
        return set(conn.execute(stmt, rows).scalars())

    def update_relations(self, conn: Connection, articles: Iterable[Article]) -> None:
        for a in articles:
            conn.execute(
                update(articles_table).where(articles_table.c.id == a.id).values(copy_of=a.copy_of, relation=a.relation)
            )

    def get_articles(self, ids: Iterable[str]) -> list[Article]:
        """Articles by id, in the order asked (unknown ids are left out)."""
        ids = list(ids)
        by_id: dict[str, Article] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for row in conn.execute(select(articles_table).where(articles_table.c.id.in_(chunk))).mappings():
                    by_id[row["id"]] = _row_to_article(row)
        return [by_id[i] for i in ids if i in by_id]

    def get_article(self, article_id: str) -> Article | None:
        found = self.get_articles([article_id])
        return found[0] if found else None

    def story_article_ids(self, story_id: str) -> list[str]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(articles_table.c.id)
                    .where(articles_table.c.story_id == story_id)
                    .order_by(articles_table.c.published.is_(None), articles_table.c.published, articles_table.c.seq)
                ).scalars()
            )

    def copies_of(self, article_ids: Iterable[str]) -> list[str]:
        """Stored articles that point at one of these as their original."""
        ids = sorted(set(article_ids))
        found: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                query = select(articles_table.c.id).where(articles_table.c.copy_of.in_(ids[start : start + 500]))
                found.update(conn.execute(query).scalars())
        return sorted(found)

    def story_ids_of(self, article_ids: list[str]) -> list[str]:
        """The stories of these articles, in the order their first article appears."""
        story_of: dict[str, str] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(article_ids), 500):
                chunk = article_ids[start : start + 500]
                query = select(articles_table.c.id, articles_table.c.story_id).where(articles_table.c.id.in_(chunk))
                story_of.update({aid: sid for aid, sid in conn.execute(query) if sid})
        return list(dict.fromkeys(story_of[a] for a in article_ids if a in story_of))

    def iter_index_rows(self, batch: int = 2000) -> Iterator[tuple[Article, bytes | None, np.ndarray | None]]:
        """Every stored article without its text, with its MinHash signature and embedding, for warming the
        copy detector and the clusterer (streamed: 100k articles never sit in memory as full rows)."""
        for article, signature, embedding, _batch, _seq in self.iter_replay_rows(0, batch):
            yield article, signature, embedding

    def iter_replay_rows(
        self, lead_chars: int, batch: int = 2000, after: int = 0, seqs: list[int] | None = None
    ) -> Iterator[tuple[Article, bytes | None, np.ndarray | None, int | None, int]]:
        """Every stored article in storage order (those stored after position ``after`` only; with ``seqs``, those
        at these storage positions only) with its signature, embedding, clustered batch number and storage position
        (seq); its text cut to the first ``lead_chars`` characters (all the clusterer reads of it), to replay the
        batches."""
        cols = [c for c in articles_table.c if c.name not in ("text", "removed")]
        lead = func.substr(articles_table.c.text, 1, lead_chars).label("lead")
        wanted = sorted(s for s in set(seqs) if s > after) if seqs is not None else None
        last = after
        while True:
            with self.engine.connect() as conn:
                query = select(*cols, lead).order_by(articles_table.c.seq)
                if wanted is None:
                    rows = list(conn.execute(query.where(articles_table.c.seq > last).limit(batch)).mappings())
                elif wanted:  # a chunk of the positions asked, each row read through the seq index
                    chunk, wanted = wanted[:500], wanted[500:]
                    rows = list(conn.execute(query.where(articles_table.c.seq.in_(chunk))).mappings())
                    if not rows:
                        continue
                else:
                    return
            if not rows:
                return
            import numpy as np

            for row in rows:
                emb = np.frombuffer(row["embedding"], dtype=np.float32) if row["embedding"] else None
                article = _row_to_article({**row, "text": row["lead"] or "", "removed": "[]"})
                yield article, row["signature"], emb, row["batch"], row["seq"]
            last = rows[-1]["seq"]

    def newest_published(self, not_after: str) -> str | None:
        """The newest stored publication date not after ``not_after`` (an ISO date: a date in the future is a typo
        or a scheduled page, not where the news is). Read from the index on ``published``."""
        query = select(func.max(articles_table.c.published)).where(articles_table.c.published <= not_after)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()

    def window_seqs(self, since: str | None, undated: int) -> list[int]:
        """Storage positions of the open part of the store (see ``ClusterSettings.warm_window_days``): the articles
        dated ``since`` (an ISO date) or later, and the last ``undated`` articles without a date. Both are read
        through indexes (``published``, ``seq``): no scan of the store."""
        a = articles_table.c
        with self.engine.connect() as conn:
            found = set(conn.execute(select(a.seq).where(a.published >= since)).scalars()) if since else set()
            last_undated = select(a.seq).where(a.published.is_(None)).order_by(a.seq.desc()).limit(undated)
            found.update(conn.execute(last_undated).scalars())
        return sorted(s for s in found if s is not None)

    def seqs_published_between(self, ranges: list[tuple[str, str]], limit: int) -> list[int]:
        """Storage positions of the articles dated within any of ``ranges`` (ISO dates, start included, end
        excluded), at most ``limit``: the last stored first."""
        a = articles_table.c
        if not ranges or limit <= 0:
            return []
        dated = or_(*[(a.published >= start) & (a.published < end) for start, end in ranges])
        with self.engine.connect() as conn:
            return sorted(conn.execute(select(a.seq).where(dated).order_by(a.seq.desc()).limit(limit)).scalars())

    def seqs_with_hashes(self, hashes: Iterable[str], limit: int) -> list[int]:
        """Storage positions of stored articles with one of these content hashes (at most ``limit``, the first
        stored first: the one a copy detector would have met first)."""
        wanted = sorted(set(hashes))
        found: list[int] = []
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                query = select(articles_table.c.seq).where(articles_table.c.content_hash.in_(chunk))
                found.extend(conn.execute(query.order_by(articles_table.c.seq).limit(limit)).scalars())
        return sorted(found)[:limit]

    def last_seq(self, conn: Connection | None = None) -> int:
        """Storage position of the last stored article (0 for an empty store)."""
        query = select(func.coalesce(func.max(articles_table.c.seq), 0))
        if conn is not None:
            return int(conn.execute(query).scalar() or 0)
        with self.engine.connect() as own:
            return int(own.execute(query).scalar() or 0)

    def count_articles(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(articles_table)).scalar() or 0)

    # -- stories ----------------------------------------------------------------------------------------------
    def assign_stories(self, conn: Connection, assignments: dict[str, str], merged: dict[str, str]) -> set[str]:
        """Point articles at their stories, fold merged stories into their survivors, and mark every touched
        story dirty (its briefing must be rebuilt). Returns the touched story ids."""
        touched: set[str] = set()
        for old, new in merged.items():
            conn.execute(update(articles_table).where(articles_table.c.story_id == old).values(story_id=new))
            conn.execute(delete(stories_table).where(stories_table.c.id == old))
            conn.execute(delete(story_versions_table).where(story_versions_table.c.story_id == old))
            if self.is_sqlite:
                conn.execute(text("DELETE FROM stories_fts WHERE rowid = :r"), {"r": fts_rowid(old)})
            touched.add(new)
        by_story: dict[str, list[str]] = {}
        for article_id, story_id in assignments.items():
            by_story.setdefault(story_id, []).append(article_id)
        for story_id, ids in by_story.items():
            conn.execute(update(articles_table).where(articles_table.c.id.in_(ids)).values(story_id=story_id))
            touched.add(story_id)
        for story_id in touched:
            exists = conn.execute(select(stories_table.c.id).where(stories_table.c.id == story_id)).scalar()
            if exists:
                conn.execute(
                    update(stories_table)
                    .where(stories_table.c.id == story_id)
                    .values(dirty=1, version=stories_table.c.version + 1)
                )
            else:
                first = conn.execute(
                    select(articles_table.c.title).where(articles_table.c.story_id == story_id).limit(1)
                ).scalar()
                conn.execute(
                    insert(stories_table).values(
                        id=story_id,
                        headline=first or "(untitled)",
                        dirty=1,
                        version=1,
                        data="{}",
                        search_text="",
                        updated_at=now_iso(),
                    )
                )
        return touched

    def dirty_story_ids(self) -> list[str]:
        with self.engine.connect() as conn:
            # In id order: stories are rebuilt in chunks, and a fixed order makes a run reproducible (with the
            # opt-in quantized encoder a vector also depends a little on what shares its batch).
            query = select(stories_table.c.id).where(stories_table.c.dirty == 1).order_by(stories_table.c.id)
            return list(conn.execute(query).scalars())

    def story_members(self, story_id: str) -> tuple[list[Article], int | None]:
        """A story's articles without their text (by date, then insertion) and its version, read together: a rebuild
        chooses what its briefing reads from these and passes the version to :meth:`save_story`. Version None: no
        such story row."""
        cols = [c for c in articles_table.c if c.name not in ("text", "removed", "signature", "embedding")]
        with self.engine.begin() as conn:  # one transaction: the articles are those of that version (or a later one)
            version = conn.execute(select(stories_table.c.version).where(stories_table.c.id == story_id)).scalar()
            rows = conn.execute(
                select(*cols)
                .where(articles_table.c.story_id == story_id)
                .order_by(articles_table.c.published.is_(None), articles_table.c.published, articles_table.c.seq)
            ).mappings()
            return [_row_to_article({**row, "text": "", "removed": "[]"}) for row in rows], version

    def save_story(self, conn: Connection, story: Story, search_text: str = "", version: int | None = None) -> bool:
        """Write a story's briefing (replacing the previous one) and clear its dirty flag.

        With ``version`` (what :meth:`story_members` gave when the rebuild read the story) this is a compare-and-set:
        the briefing is written and the flag cleared only if the story is still at that version; if a writer has
        changed its articles since (or merged it away), nothing is written, the story stays dirty and is rebuilt
        again (by that writer's run or the next). Returns whether the briefing was written."""
        # also_in and the facts' other_languages come from the links when the story is read: a link never makes a
        # briefing stale
        briefing = {k: v for k, v in story.to_dict().items() if k != "also_in"}
        briefing["facts"] = [{k: v for k, v in f.items() if k != "other_languages"} for f in briefing["facts"]]
        data = json.dumps(briefing, ensure_ascii=False)
        values = {
            "headline": story.headline,
            "first_seen": story.first_seen,
            "last_seen": story.last_seen,
            "updated_at": story.updated_at or now_iso(),
            "n_articles": len(story.article_ids),
            "independent_sources": story.independent_sources,
            "dirty": 0,
            "data": data,
            "search_text": search_text,
        }
        if version is not None:
            where = (stories_table.c.id == story.id) & (stories_table.c.version == version)
            if conn.execute(update(stories_table).where(where).values(**values)).rowcount != 1:
                return False
        else:
            exists = conn.execute(select(stories_table.c.id).where(stories_table.c.id == story.id)).scalar()
            if exists:
                conn.execute(update(stories_table).where(stories_table.c.id == story.id).values(**values))
            else:
                conn.execute(insert(stories_table).values(id=story.id, **values))
        if self.is_sqlite:  # one row per story, at its story's rowid (INSERT OR REPLACE: replaced in place)
            conn.execute(
                text("INSERT OR REPLACE INTO stories_fts (rowid, story_id, headline, body) VALUES (:r, :id, :h, :b)"),
                {"r": fts_rowid(story.id), "id": story.id, "h": story.headline, "b": search_text},
            )
        self._add_story_version(conn, story)
        return True

    def _add_story_version(self, conn: Connection, story: Story) -> None:
        """Keep the briefing's digest as the story's next version, unless it equals the latest (a rebuild that
        changed nothing a reader compares); versions past the newest ``story_versions`` are deleted."""
        from .changes import digest

        v = story_versions_table
        body = json.dumps(digest(story), ensure_ascii=False)
        latest = conn.execute(
            select(v.c.version, v.c.digest).where(v.c.story_id == story.id).order_by(v.c.version.desc()).limit(1)
        ).first()
        if latest is not None and latest[1] == body:
            return
        number = (latest[0] if latest is not None else 0) + 1
        # (or-ignore: a concurrent save of the same briefing that numbered it first keeps its row; the save stands)
        conn.execute(self._insert_or_ignore(v).values(story_id=story.id, version=number, at=now_iso(), digest=body))
        conn.execute(delete(v).where(v.c.story_id == story.id, v.c.version <= number - self.max_story_versions))

    def story_versions(self, story_id: str) -> list[dict[str, Any]]:
        """The kept versions of a story, oldest first: version, at, digest (parsed)."""
        v = story_versions_table
        query = select(v.c.version, v.c.at, v.c.digest).where(v.c.story_id == story_id).order_by(v.c.version)
        with self.engine.connect() as conn:
            return [{"version": n, "at": at, "digest": json.loads(d)} for n, at, d in conn.execute(query)]

    def changed_since(self, story_ids: Iterable[str], since: str) -> set[str]:
        """Those of ``story_ids`` whose briefing got a new version at or after ``since`` (ISO 8601, UTC)."""
        ids = list(story_ids)
        v = story_versions_table
        found: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                query = select(v.c.story_id).where(v.c.story_id.in_(ids[start : start + 500]), v.c.at >= since)
                found.update(conn.execute(query.distinct()).scalars())
        return found

    def mark_stale_stories(self, conn: Connection) -> int:
        """Mark dirty every clean story whose briefing counts another number of articles than the story has (left by
        a crash or a race of an older tidings); returns how many. A count per story over the indexed story_id."""
        members = (
            select(func.count())
            .select_from(articles_table)
            .where(articles_table.c.story_id == stories_table.c.id)
            .scalar_subquery()
        )
        stale = (stories_table.c.dirty == 0) & (stories_table.c.n_articles != members)
        query = update(stories_table).where(stale).values(dirty=1, version=stories_table.c.version + 1)
        return int(conn.execute(query).rowcount or 0)

    def get_story(self, story_id: str) -> Story | None:
        """One story with its briefing and its coverage in other languages (``also_in``)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(stories_table).where(stories_table.c.id == story_id)).mappings().first()
        if row is None:
            return None
        story = _row_to_story(row)
        story.also_in = self.coverage([story_id]).get(story_id, [])
        if story.also_in:
            from .crosslang import fact_key

            linked = {c.story_id for c in story.also_in}
            found = self.fact_mentions(story_id)
            for fact in story.facts:
                fact.other_languages = [m for m in found.get(fact_key(fact.text), []) if m.story_id in linked]
        return story

    def briefings(self, ids: Iterable[str]) -> dict[str, Story]:
        """The stored briefings of these stories as written (no links read), by id."""
        ids = sorted(set(ids))
        out: dict[str, Story] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                query = select(stories_table).where(stories_table.c.id.in_(ids[start : start + 500]))
                out.update({row["id"]: _row_to_story(row) for row in conn.execute(query).mappings()})
        return out

    def get_stories(self, ids: Iterable[str]) -> list[Story]:
        out = []
        for story_id in ids:
            story = self.get_story(story_id)
            if story is not None:
                out.append(story)
        return out

    # -- links across languages (tidings.crosslang) ----------------------------------------------------------
    def put_multilingual(self, conn: Connection, model: str, ids: list[str], vectors: np.ndarray) -> None:
        """Keep (or replace: an article cleaned again has a new title and lead) the articles' multilingual vectors."""
        t = article_multilingual_table
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            conn.execute(delete(t).where(t.c.article_id.in_(chunk), t.c.model == model))
        rows = [{"article_id": i, "model": model, "vector": v.astype("float32").tobytes()}
                for i, v in zip(ids, vectors, strict=True)]
        if rows:
            conn.execute(insert(t), rows)

    def link_candidates(
        self, story_ids: Iterable[str], window_days: float, recent_articles: int, limit: int
    ) -> list[tuple[str, str | None, str | None, str | None]]:
        """Stories that linking ``story_ids`` must look at: those ones, every story with an article dated within
        ``window_days`` of their articles' dates, and (undated news has no window) the stories of the last
        ``recent_articles`` stored articles; at most ``limit``, most recently stored first. Each as (story id, its
        articles' most common language, first and last date)."""
        from datetime import datetime, timedelta

        a = articles_table
        ids = sorted(set(story_ids))
        with self.engine.connect() as conn:
            dates: list[str] = []
            for start in range(0, len(ids), 500):
                query = select(func.min(a.c.published), func.max(a.c.published)).where(
                    a.c.story_id.in_(ids[start : start + 500]))
                dates += [d for row in conn.execute(query) for d in row if d]
            wanted = select(a.c.story_id).where(a.c.story_id.is_not(None))
            last = int(conn.execute(select(func.coalesce(func.max(a.c.seq), 0))).scalar() or 0)
            near = a.c.seq > last - recent_articles
            parsed = []
            for day in dates:
                try:
                    parsed.append(datetime.fromisoformat(day).replace(tzinfo=None))  # compared as text below
                except ValueError:  # a date the cleaner kept as written: no window from it
                    continue
            if parsed:
                margin = timedelta(days=window_days)
                lo, hi = (min(parsed) - margin).isoformat(), (max(parsed) + margin).isoformat()
                near = or_(near, a.c.published.between(lo, hi))
            query = (
                select(a.c.story_id, func.max(a.c.seq).label("last_seq"))
                .where(a.c.story_id.in_(wanted.where(near)))
                .group_by(a.c.story_id)
                .order_by(func.max(a.c.seq).desc())
                .limit(limit)
            )
            chosen = set(conn.execute(query).scalars()) | set(ids)
            # and the stories they are linked to now, so that relinking them cannot drop a link by not seeing it
            t = story_links_table
            events = select(t.c.event_id).where(t.c.story_id.in_(sorted(chosen))).scalar_subquery()
            chosen |= set(conn.execute(select(t.c.story_id).where(t.c.event_id.in_(events))).scalars())
            chosen_list = sorted(chosen)
            found: dict[str, tuple[Counter[str], list[str]]] = {}
            for start in range(0, len(chosen_list), 500):
                query = (
                    select(a.c.story_id, a.c.language, a.c.published, func.count())
                    .where(a.c.story_id.in_(chosen_list[start : start + 500]))
                    .group_by(a.c.story_id, a.c.language, a.c.published)
                )
                for sid, language, published, n in conn.execute(query):
                    languages, days = found.setdefault(sid, (Counter(), []))
                    if language:
                        languages[language] += n
                    if published:
                        days.append(published)
        # a linked story merged away since holds no article: listed without language, so relinking drops its row
        found.update({sid: (Counter(), []) for sid in chosen_list if sid not in found})
        return [
            (sid, languages.most_common(1)[0][0] if languages else None, min(days, default=None),
             max(days, default=None))
            for sid, (languages, days) in sorted(found.items())
        ]

    def story_heads(
        self, story_ids: list[str], model: str, per_story: int, lead_chars: int
    ) -> dict[str, list[tuple[str, str | None, str, np.ndarray | None]]]:
        """The stories' first ``per_story`` stored articles (storage order) as (id, title, first ``lead_chars``
        characters of the text, multilingual vector of ``model`` or None when it has none yet)."""
        import numpy as np

        a, m = articles_table, article_multilingual_table
        out: dict[str, list[tuple[str, str | None, str, np.ndarray | None]]] = {}
        joined = a.outerjoin(m, (m.c.article_id == a.c.id) & (m.c.model == model))
        with self.engine.connect() as conn:
            for start in range(0, len(story_ids), 500):
                query = (
                    select(a.c.story_id, a.c.id, a.c.title, func.substr(a.c.text, 1, lead_chars), m.c.vector)
                    .select_from(joined)
                    .where(a.c.story_id.in_(story_ids[start : start + 500]))
                    .order_by(a.c.story_id, a.c.seq)
                )
                for sid, aid, title, head, blob in conn.execute(query):
                    rows = out.setdefault(sid, [])
                    if len(rows) < per_story:
                        vector = np.frombuffer(blob, dtype=np.float32) if blob is not None else None
                        rows.append((aid, title, head or "", vector))
        return out

    def set_links(self, conn: Connection, event_of: dict[str, str], touched: Iterable[str] = ()) -> None:
        """Replace the links of these stories: a row for each story linked to another (event id not its own). The
        facts across languages of every story of an event that changed (a story joined or left it) or holds a
        ``touched`` story (its briefing was rebuilt) are marked to do; a story no longer linked loses them."""
        t = story_links_table
        ids = sorted(event_of)
        size = Counter(event_of.values())
        new = {sid: e for sid, e in event_of.items() if size[e] > 1}
        old: dict[str, tuple[str, int]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            old.update({sid: (e, done) for sid, e, done in conn.execute(
                select(t.c.story_id, t.c.event_id, t.c.facts).where(t.c.story_id.in_(chunk)))})
            conn.execute(delete(t).where(t.c.story_id.in_(chunk)))
        touched = set(touched)
        changed = {sid for sid in ids if sid in touched or old.get(sid, (None, 0))[0] != new.get(sid)}
        stale_events = {new[s] for s in changed if s in new} | {old[s][0] for s in changed if s in old}
        rows = [{"story_id": sid, "event_id": e, "facts": 0 if sid in changed else old[sid][1]}
                for sid, e in new.items()]
        if rows:
            conn.execute(insert(t), rows)
        events = sorted(stale_events)
        for start in range(0, len(events), 500):
            conn.execute(update(t).where(t.c.event_id.in_(events[start : start + 500])).values(facts=0))
        unlinked = sorted(sid for sid in ids if sid not in new and sid in old)
        for start in range(0, len(unlinked), 500):
            f = fact_mentions_table
            conn.execute(delete(f).where(f.c.story_id.in_(unlinked[start : start + 500])))

    def pending_fact_stories(self, limit: int) -> list[str]:
        """Linked stories whose facts across languages are to be computed (``story_links.facts`` 0), at most
        ``limit``, in id order."""
        t = story_links_table
        query = select(t.c.story_id).where(t.c.facts == 0).order_by(t.c.story_id).limit(limit)
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def put_fact_mentions(
        self, conn: Connection, found: dict[str, list[tuple[str, OtherLanguageMention]]]
    ) -> None:
        """Replace each story's sentences of other languages (``found[story]``: (fact key, mention) pairs) and mark
        its facts across languages done."""
        f, t = fact_mentions_table, story_links_table
        ids = sorted(found)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            conn.execute(delete(f).where(f.c.story_id.in_(chunk)))
            conn.execute(update(t).where(t.c.story_id.in_(chunk)).values(facts=1))
        rows = [{"story_id": sid, "fact": key, "article_id": m.article_id, "other_story_id": m.story_id,
                 "language": m.language, "site": m.site, "text": m.text, "cosine": m.cosine}
                for sid, pairs in found.items() for key, m in pairs]
        if rows:
            conn.execute(insert(f), rows)

    def fact_mentions(self, story_id: str) -> dict[str, list[OtherLanguageMention]]:
        """A story's sentences of other languages by fact key, closest first."""
        from .crosslang import language_name

        f = fact_mentions_table
        query = select(f).where(f.c.story_id == story_id).order_by(f.c.fact, f.c.cosine.desc(), f.c.article_id)
        out: dict[str, list[OtherLanguageMention]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(query).mappings():
                out.setdefault(row["fact"], []).append(OtherLanguageMention(
                    story_id=row["other_story_id"], language=row["language"],
                    language_name=language_name(row["language"]), article_id=row["article_id"], text=row["text"],
                    site=row["site"], cosine=round(float(row["cosine"]), 3)))
        return out

    def coverage(self, story_ids: list[str]) -> dict[str, list[LanguageCoverage]]:
        """For each story, the other stories of its event (one per other language, most articles first): their
        language, article count and first article's title and lead as written."""
        from .crosslang import language_name

        t, a = story_links_table, articles_table
        out: dict[str, list[LanguageCoverage]] = {}
        with self.engine.connect() as conn:
            events = dict(conn.execute(select(t.c.story_id, t.c.event_id).where(t.c.story_id.in_(story_ids))).all())
            if not events:
                return out
            linked = dict(conn.execute(
                select(t.c.story_id, t.c.event_id).where(t.c.event_id.in_(set(events.values())))).all())
            found: dict[str, LanguageCoverage] = {}
            for sid in sorted(linked):
                rows = conn.execute(
                    select(a.c.id, a.c.language, a.c.title, func.substr(a.c.text, 1, LEAD_CHARS))
                    .where(a.c.story_id == sid)
                    .order_by(a.c.published.is_(None), a.c.published, a.c.seq)
                ).all()
                if not rows:  # merged away since it was linked
                    continue
                languages = Counter(r[1] for r in rows if r[1])
                language = languages.most_common(1)[0][0] if languages else "und"
                first = next((r for r in rows if r[1] == language), rows[0])
                found[sid] = LanguageCoverage(
                    story_id=sid, language=language, language_name=language_name(language), articles=len(rows),
                    article_id=first[0], title=first[2], lead=_lead(first[3] or "", first[2]),
                )
        for sid, event_id in events.items():
            mine = found.get(sid)
            shown = [c for other, c in found.items() if other != sid and linked.get(other) == event_id
                     and (mine is None or c.language != mine.language)]
            out[sid] = sorted(shown, key=lambda c: (-c.articles, c.language, c.story_id))
        return out

    def list_stories(
        self,
        limit: int = 50,
        offset: int = 0,
        q: str | None = None,
        since: str | None = None,
        until: str | None = None,
        site: str | None = None,
        language: str | None = None,
    ) -> list[Story]:
        """Stories newest first (by last article date, then update time), or with a search ``q`` most relevant
        first (FTS5 bm25 on SQLite, headline words weighing 5 body words; ``ts_rank`` of PostgreSQL full-text
        search elsewhere); words in double quotes are matched as a phrase. Filters: ``since`` keeps stories whose
        latest article is at/after an ISO date (undated ones: updated since), ``until`` those whose first article
        is at/before one (compared at the precision given: until=2024-05-06 takes all of that day), ``site`` and
        ``language`` those with an article of that site / language."""
        s = stories_table
        query = select(s).where(s.c.dirty == 0)
        if since:
            undated = s.c.last_seen.is_(None) & (s.c.updated_at >= since)
            query = query.where(or_(s.c.last_seen >= since, undated))
        if until:
            query = query.where(func.substr(s.c.first_seen, 1, len(until)) <= until)
        if site:
            # the site as an article gives it ('Axios', 'www.axios.com'), or the outlet a story lists it under
            # ('axios.com', one of its ``sites``, a string of its JSON)
            named = s.c.id.in_(select(articles_table.c.story_id).where(articles_table.c.site == site))
            outlet = outlet_of_site(site)
            if outlet:
                escaped = outlet.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                named = or_(named, s.c.data.like(f'%"{escaped}"%', escape="\\"))
            query = query.where(named)
        if language:
            query = query.where(
                s.c.id.in_(select(articles_table.c.story_id).where(articles_table.c.language == language))
            )
        order: list[Any] = []
        if q:
            if self.is_sqlite:
                fts = (
                    text("SELECT story_id, bm25(stories_fts, 0.0, 5.0, 1.0) AS rank FROM stories_fts "
                         "WHERE stories_fts MATCH :q")
                    .bindparams(q=_fts_query(q))
                    .columns(story_id=String, rank=Float)
                    .subquery("fts")
                )
                query = query.join(fts, fts.c.story_id == s.c.id)
                order.append(fts.c.rank)  # bm25: lower is more relevant
            else:
                document = literal_column(_PG_DOCUMENT)
                tsquery = func.websearch_to_tsquery(literal_column("'simple'"), q)
                query = query.where(document.op("@@")(tsquery))
                order.append(func.ts_rank(document, tsquery).desc())
        query = (
            query.order_by(*order, s.c.last_seen.is_(None), s.c.last_seen.desc(), s.c.updated_at.desc(), s.c.id)
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as conn:
            return [_row_to_story(r) for r in conn.execute(query).mappings()]

    def count_stories(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(stories_table)).scalar() or 0)

    # -- what cleaning needs: raw documents and the memory of repeated lines ---------------------------------------
    def add_sources(self, conn: Connection, docs: dict[str, Document]) -> None:
        """Keep the raw documents of new articles (compressed), to clean them again when the memory of repeated
        lines learns one of their lines."""
        existing = self._existing(conn, sources_table.c.id, list(docs))
        rows = [
            {
                "id": doc_id,
                "kind": doc.kind,
                "meta": json.dumps(doc.meta or {}, ensure_ascii=False, default=str),
                "content": zlib.compress(doc.content.encode("utf-8")),
            }
            for doc_id, doc in docs.items()
            if doc_id not in existing
        ]
        if rows:  # a concurrent writer may store the same document meanwhile: the same id is the same content
            conn.execute(self._insert_or_ignore(sources_table), rows)

    def get_sources(self, ids: Iterable[str]) -> dict[str, Document]:
        """The raw documents of stored articles (origin: the article's), by article id."""
        ids = list(ids)
        out: dict[str, Document] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                query = select(sources_table, articles_table.c.origin).join(
                    articles_table, articles_table.c.id == sources_table.c.id
                ).where(sources_table.c.id.in_(chunk))
                for row in conn.execute(query).mappings():
                    content = zlib.decompress(row["content"]).decode("utf-8")
                    out[row["id"]] = Document(row["origin"], content, row["kind"], json.loads(row["meta"]))
        return out

    @staticmethod
    def _existing(conn: Connection, column: Any, values: list[Any]) -> set[Any]:
        found: set[Any] = set()
        for start in range(0, len(values), 500):
            found.update(conn.execute(select(column).where(column.in_(values[start : start + 500]))).scalars())
        return found

    def add_line_rows(self, conn: Connection, rows: Iterable[tuple[str, str, int, int]]) -> None:
        """Remember (document id, site, line key, context key) rows; rows already stored are left alone."""
        by_doc: dict[str, list[tuple[str, str, int, int]]] = {}
        for row in rows:
            by_doc.setdefault(row[0], []).append(row)
        known = self._existing(conn, line_memory_table.c.doc_id, list(by_doc))
        fresh = [
            {"doc_id": d, "site": site, "key": key, "context": context}
            for doc_id, doc_rows in by_doc.items()
            if doc_id not in known  # a page's rows are written together, once
            for d, site, key, context in doc_rows
        ]
        if fresh:
            conn.execute(insert(line_memory_table), fresh)

    def line_contexts(
        self, pairs: Iterable[tuple[str, int]], cap: int
    ) -> tuple[dict[int, set[int] | None], dict[tuple[str, int], set[int] | None]]:
        """The stored contexts of lines, across sites (by key) and on a site (by (site, key)); None for a line
        already seen in ``cap`` or more contexts (all the cleaner needs to know, and cheap for template lines
        seen a hundred thousand times)."""
        pairs = set(pairs)
        keys = sorted({key for _, key in pairs})
        t = line_memory_table
        n_contexts = func.count(func.distinct(t.c.context))
        across: dict[int, set[int] | None] = {}
        on_site: dict[tuple[str, int], set[int] | None] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                small: list[int] = []
                for key, n in conn.execute(select(t.c.key, n_contexts).where(t.c.key.in_(chunk)).group_by(t.c.key)):
                    across[key] = None if n >= cap else set()
                    if n < cap:
                        small.append(key)
                if small:
                    for key, context in conn.execute(select(t.c.key, t.c.context).where(t.c.key.in_(small))):
                        across[key].add(context)  # type: ignore[union-attr]
                query = select(t.c.site, t.c.key, n_contexts).where(t.c.key.in_(chunk), t.c.site != "")
                small_sites: list[tuple[str, int]] = []
                for site, key, n in conn.execute(query.group_by(t.c.site, t.c.key)):
                    if (site, key) in pairs:
                        on_site[(site, key)] = None if n >= cap else set()
                        if n < cap:
                            small_sites.append((site, key))
                for site, key in small_sites:
                    query = select(t.c.context).where(t.c.site == site, t.c.key == key)
                    on_site[(site, key)].update(conn.execute(query).scalars())  # type: ignore[union-attr]
        return across, on_site

    def articles_with_lines(self, keys: set[int], site_keys: set[tuple[str, int]]) -> list[str]:
        """Stored articles whose pages hold one of the lines ``keys`` (any site) or ``site_keys`` (on that site)."""
        t, a = line_memory_table, articles_table
        found: set[str] = set()
        with self.engine.connect() as conn:
            listed = sorted(keys)
            for start in range(0, len(listed), 500):
                query = select(a.c.id).join(t, t.c.doc_id == a.c.id).where(t.c.key.in_(listed[start : start + 500]))
                found.update(conn.execute(query).scalars())
            for site, key in sorted(site_keys):
                query = select(a.c.id).join(t, t.c.doc_id == a.c.id).where(t.c.site == site, t.c.key == key)
                found.update(conn.execute(query).scalars())
        return sorted(found)

    def update_cleaned(
        self, conn: Connection, articles: list[Article], signatures: list[bytes], embeddings: np.ndarray
    ) -> None:
        """Write what a new cleaning of stored articles gave (same ids and stories) and mark their stories dirty."""
        for i, a in enumerate(articles):
            values: dict[str, Any] = {f: getattr(a, f) for f in (*_CLEANED_FIELDS, "relation", "copy_of")}
            values.update({f: json.dumps(getattr(a, f), ensure_ascii=False) for f in _JSON_LIST_FIELDS})
            values["signature"] = signatures[i]
            values["embedding"] = embeddings[i].astype("float32").tobytes()
            conn.execute(update(articles_table).where(articles_table.c.id == a.id).values(**values))
            # its title and lead may have changed: the next link step encodes them again
            conn.execute(delete(article_multilingual_table).where(article_multilingual_table.c.article_id == a.id))
        stories = sorted({a.story_id for a in articles if a.story_id})
        if stories:
            conn.execute(
                update(stories_table)
                .where(stories_table.c.id.in_(stories))
                .values(dirty=1, version=stories_table.c.version + 1)
            )
            # their sentences changed: the facts across languages of their events are to do again
            t = story_links_table
            events = select(t.c.event_id).where(t.c.story_id.in_(stories)).scalar_subquery()
            conn.execute(update(t).where(t.c.event_id.in_(events)).values(facts=0))

    # -- sentence vector cache --------------------------------------------------------------------------------
    def get_vectors(self, keys: list[str]) -> dict[str, np.ndarray]:
        import numpy as np

        out: dict[str, np.ndarray] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                for key, blob in conn.execute(
                    select(vectors_table.c.key, vectors_table.c.vector).where(vectors_table.c.key.in_(chunk))
                ):
                    out[key] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_vectors(self, vectors: dict[str, np.ndarray]) -> None:
        if not vectors:
            return
        with self.transaction() as conn:
            existing = set()
            keys = list(vectors)
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                existing.update(
                    conn.execute(select(vectors_table.c.key).where(vectors_table.c.key.in_(chunk))).scalars()
                )
            rows = [
                {"key": k, "vector": v.astype("float32").tobytes()} for k, v in vectors.items() if k not in existing
            ]
            if rows:  # a concurrent writer may store the same sentence meanwhile: its vector is the same
                conn.execute(self._insert_or_ignore(vectors_table), rows)

    def _insert_or_ignore(self, table: Table) -> Any:
        """INSERT that leaves rows whose key is already stored alone (ON CONFLICT DO NOTHING)."""
        if self.is_sqlite:
            return sqlite_insert(table).on_conflict_do_nothing()
        return postgresql_insert(table).on_conflict_do_nothing()

    # -- watched sources (tidings watch) -----------------------------------------------------------------------
    def add_watch_source(self, url: str, kind: str) -> bool:
        """Watch a source (due at once); False when it is already watched (its state is left as it is)."""
        with self.transaction() as conn:
            if self._existing(conn, watch_sources_table.c.url, [url]):
                return False
            conn.execute(insert(watch_sources_table).values(url=url, kind=kind, added=now_iso(), error_count=0,
                                                            articles_seen=0))
        return True

    def remove_watch_source(self, url: str) -> bool:
        """Stop watching a source (its articles stay); False when it was not watched."""
        with self.transaction() as conn:
            gone = conn.execute(delete(watch_sources_table).where(watch_sources_table.c.url == url)).rowcount
            conn.execute(delete(seen_entries_table).where(seen_entries_table.c.source == url))
        return bool(gone)

    def watch_sources(self, due_at: str | None = None) -> list[WatchSource]:
        """Watched sources in the order they were added; with ``due_at``, only those due then (never polled, or
        their next poll at or before it), longest overdue first."""
        t = watch_sources_table
        query = select(t).order_by(t.c.added, t.c.url)
        if due_at is not None:  # the longest overdue first (never polled before any)
            query = select(t).where(or_(t.c.next_poll.is_(None), t.c.next_poll <= due_at)).order_by(
                t.c.next_poll.is_not(None), t.c.next_poll, t.c.added, t.c.url)
        with self.engine.connect() as conn:
            return [WatchSource(**{f: row[f] for f in _WATCH_FIELDS}) for row in conn.execute(query).mappings()]

    def update_watch_source(self, conn: Connection, url: str, **values: Any) -> None:
        """Set polling state of a watched source inside the caller's transaction (``articles_seen`` is added to)."""
        values = {k: v for k, v in values.items() if k in _WATCH_FIELDS and k != "url"}
        if "articles_seen" in values:
            values["articles_seen"] = watch_sources_table.c.articles_seen + values["articles_seen"]
        conn.execute(update(watch_sources_table).where(watch_sources_table.c.url == url).values(**values))

    def seen_entries(self, ids: Iterable[str]) -> set[str]:
        """The ids among ``ids`` of entries a watched source has already given."""
        with self.engine.connect() as conn:
            return self._existing(conn, seen_entries_table.c.id, list(dict.fromkeys(ids)))

    def add_seen_entries(self, conn: Connection, source: str, ids: Iterable[str]) -> None:
        """Remember entries read from ``source`` (inside the caller's transaction; known ones are left alone)."""
        ids = list(dict.fromkeys(ids))
        known = self._existing(conn, seen_entries_table.c.id, ids)
        rows = [{"id": i, "source": source, "seen_at": now_iso()} for i in ids if i not in known]
        if rows:
            conn.execute(insert(seen_entries_table), rows)

    # -- webhook events (tidings watch) ------------------------------------------------------------------------
    def add_webhook_events(self, conn: Connection, events: Iterable[tuple[str, str, str]], due: str) -> None:
        """Queue (event, story id, JSON body) for delivery, inside the caller's transaction."""
        rows = [{"event": e, "story_id": s, "payload": p, "created_at": now_iso(), "attempts": 0, "next_attempt": due,
                 "status": "pending"} for e, s, p in events]
        if rows:
            conn.execute(insert(webhook_outbox_table), rows)

    def due_webhook_events(self, at: str, limit: int) -> list[dict[str, Any]]:
        """Pending events whose next attempt is due, oldest first."""
        t = webhook_outbox_table
        query = select(t).where(t.c.status == "pending", t.c.next_attempt <= at).order_by(t.c.id).limit(limit)
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def webhook_events(self) -> list[dict[str, Any]]:
        """Every pending or failed event (delivered ones are deleted), oldest first."""
        with self.engine.connect() as conn:
            query = select(webhook_outbox_table).order_by(webhook_outbox_table.c.id)
            return [dict(row) for row in conn.execute(query).mappings()]

    def update_webhook_event(self, event_id: int, **values: Any) -> None:
        """Record a failed attempt (``values``), or with no values, forget a delivered event."""
        t = webhook_outbox_table
        with self.transaction() as conn:
            if values:
                conn.execute(update(t).where(t.c.id == event_id).values(**values))
            else:
                conn.execute(delete(t).where(t.c.id == event_id))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL: readers (the web server) never block the writer; synchronous=NORMAL is durable at each commit in WAL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()
    dbapi_conn.create_function("tidings_fts_rowid", 1, fts_rowid, deterministic=True)


_FTS_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS stories_fts USING fts5("
    "story_id UNINDEXED, headline, body, tokenize='unicode61 remove_diacritics 2')"
)
"""The SQLite full-text table of stories: one row per briefed story, at rowid :func:`fts_rowid` of its id."""


_PG_DOCUMENT = "to_tsvector('simple', headline || ' ' || search_text)"
"""What PostgreSQL searches ('simple': no stemming and no stop words, as FTS5's unicode61, since stories come in
many languages); a GIN index on this same expression (created on opening) makes the search an index lookup."""

_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|(\S+)')


def _words(text_: str) -> list[str]:
    return "".join(ch if ch.isalnum() else " " for ch in text_).split()


def _fts_query(q: str) -> str:
    """A user's search as an FTS5 query: every word must appear (prefix match), words in double quotes as a phrase
    (in that order, next to each other); other punctuation is dropped, so no input is an FTS syntax error."""
    terms: list[str] = []
    for phrase, word in _PHRASE_OR_WORD.findall(q):
        if phrase:
            words = _words(phrase)
            if words:
                terms.append('"' + " ".join(words) + '"')
        else:
            terms += [f'"{w}"*' for w in _words(word)]
    return " ".join(terms) or '""'


LEAD_CHARS = 400
"""Characters of a linked story's first article read for its lead (the story page shows its first sentences)."""


def _lead(text_: str, title: str | None, max_chars: int = 300) -> str:
    """The first sentences of a text (up to about ``max_chars``), the title left out when the text repeats it."""
    body = text_.strip()
    if title and body.startswith(title.strip()):
        body = body[len(title.strip()):].lstrip()
    body = " ".join(body.split())
    if len(body) <= max_chars:
        return body
    cut = max(body.rfind(mark, 0, max_chars) for mark in (". ", "。", "! ", "? "))
    return body[: cut + 1] if cut > max_chars // 3 else body[:max_chars].rsplit(" ", 1)[0] + " …"


def _row_to_article(row: Any) -> Article:
    data = {f: row[f] for f in _ARTICLE_FIELDS}
    for f in _JSON_LIST_FIELDS:
        data[f] = json.loads(row[f] or "[]")
    return Article(**data)


def _row_to_story(row: Any) -> Story:
    data = json.loads(row["data"] or "{}")
    if not data:
        return Story(id=row["id"], headline=row["headline"], article_ids=[])
    return Story.from_dict(data)
