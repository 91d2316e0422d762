"""The pipeline on Apache Spark (``tidings spark``): the same stage functions, spread over executors where they are
independent.

The steps, each calling the stages of this package (nothing here re-implements one):

1. **Read** (executors, ``mapPartitions`` over the input files, split into partitions of about equal bytes): ingest,
   clean (with a memory of repeated lines local to the partition), language, rule-based sentence split and the
   article vectors (:func:`tidings.pipeline.article_vectors`). The model loads once per Python worker. What leaves an
   executor is each raw item (document or skip) and every sentence vector it computed, keyed as the vector cache
   keys them (:class:`tidings.resources.CachedEncoder`).
2. **Copies as a join** (``--copies join``, the default on an empty store): the driver cleans the items in input
   order as its Pipeline would (:func:`first_cleaning`: the template memory learns in input order, so this one pass
   stays on the driver; its model work is a cache hit), once: the storing Pipeline takes this cleaning
   (:class:`CleaningFile`); and the executors find the copy candidates:
   near duplicates by a join on the LSH band keys of the detector's own MinHash signatures, reworded copies by
   exact nearest neighbours among earlier articles inside time windows (block matrix products), each candidate pair
   aligned there by :func:`tidings.dedupe.aligned_verdict` (:func:`copy_pairs`). The driver's detector then decides
   and orients on these candidates with its own rules, holding no LSH tables nor embedding index.
3. **Stories by time bucket** (``--cluster buckets``): the driver links the copies as its detector will, and the
   executors run one :class:`tidings.cluster.StoryClusterer` per time bucket (``cluster_bucket_days``), in the
   Pipeline's batches and order; stories that touch an edge between two buckets are joined, one task per edge, when
   each one's first article would join the other by the clusterer's own gate (:func:`bucket_stories`).
   ``--cluster driver`` clusters on the driver instead.
4. **Store** (driver): a :class:`tidings.pipeline.Pipeline` over the target store takes the items in input order,
   with the executors' vectors in its vector cache, the copy candidates, the bucket stories and (with the join) the
   first cleaning: it links copies and stores exactly as ``tidings run`` does, at a few ms per article.
5. **Briefings** (executors, ``groupBy(chunk).applyInPandas``): every story the run touched, with the articles its
   briefing reads (at most ``max_story_articles``, chosen as ``tidings run`` chooses) and the vectors the driver's
   cache holds of them, in chunks of stories of about ``batch_size`` articles read, as ``tidings run`` rebuilds
   them (one spaCy pass and one embedding batch per chunk), is analyzed and summarized by
   :func:`tidings.pipeline.build_story`; the driver saves each one with the version it read (compare-and-set).

The outputs are Parquet tables and, on request, the export of ``tidings run --out``.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import clean, ingest
from .model import Article, Document, Skip, Story
from .settings import Settings

STORY_ROWS_SCHEMA = "story_id string, story string"
PARQUET_TABLES = ("articles", "copies", "stories", "facts", "quotes", "entities", "figures")


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing: the message is one line saying what to install."""


def spark_problem() -> str | None:
    """Why a Spark job cannot start here (one line), or None."""
    try:
        import pandas  # noqa: F401
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed: pip install 'tidings[spark]' (or `make spark-deps`)"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").exists()) and shutil.which("java") is None:
        return "Java is missing (Spark needs it): apt-get install default-jre-headless; macOS: brew install openjdk"
    return None


@dataclass
class SparkResult:
    """What a Spark run did: input articles, the stories they are in, skipped items, and seconds per step."""

    article_ids: list[str]
    story_ids: list[str]
    skipped: list[Skip]
    new_articles: int
    timings: dict[str, float] = field(default_factory=dict)
    tables: dict[str, Path] = field(default_factory=dict)


def input_files(sources: Iterable[str]) -> list[tuple[str, int]]:
    """Each source as the items the executors read, with its size in bytes (0 for a URL or a missing file, which
    ingest then reads or skips with its own one-line reason): a folder is its files, in the order ``tidings run``
    reads them (:func:`tidings.ingest.iter_documents`)."""
    out: list[tuple[str, int]] = []
    for source in sources:
        if source == "-":
            raise ValueError("'-' (standard input) cannot be split across executors: pass files or folders")
        path = Path(source)
        if source.startswith(("http://", "https://")) or not path.exists():
            out.append((source, 0))
        elif path.is_dir():
            for child in ingest._walk(path):
                name = os.path.join(source, child)
                out.append((name, os.path.getsize(name)))
        else:
            out.append((source, path.stat().st_size))
    return out


Unit = str | tuple[str, int, int, int]
"""What one executor reads: a file or URL, or a piece of a JSONL file (path, start byte, end byte, first line)."""


def input_units(files: list[tuple[str, int]], parts: int, settings: Settings) -> list[tuple[Unit, int]]:
    """The input files with any JSONL file larger than a fair share (its bytes over ``parts``) cut into pieces of
    about that share at line breaks (:func:`tidings.ingest.jsonl_pieces`: only where the pieces read exactly as the
    whole file), each with its size: one big file no longer makes one task that holds up the job."""
    share = max(sum(max(size, 1) for _, size in files) // max(parts, 1), 1)
    out: list[tuple[Unit, int]] = []
    for name, size in files:
        pieces = ingest.jsonl_pieces(name, share, settings.ingest) if size > share else None
        if pieces:
            out += [((name, start, end, line), end - start) for start, end, line in pieces]
        else:
            out.append((name, size))
    return out


def read_units(units: Iterable[Unit], settings: Settings) -> Iterator[Document | Skip]:
    """The items of each unit, in order, as ``tidings run`` reads them."""
    for unit in units:
        if isinstance(unit, tuple):
            yield from ingest.iter_jsonl_piece(*unit)
        else:
            yield from ingest.iter_documents([unit], settings.ingest)


def split_by_size(items: list[tuple[Unit, int]], parts: int) -> list[list[Unit]]:
    """Contiguous runs of ``items`` of about equal bytes (a unit is never split), at most ``parts`` of them: the
    order is kept so the driver sees the input in the order ``tidings run`` reads it."""
    parts = max(1, min(parts, len(items)))
    total = sum(max(size, 1) for _, size in items)
    chunks: list[list[Unit]] = [[]]
    done = 0
    for name, size in items:
        if chunks[-1] and done >= total * len(chunks) / parts and len(chunks) < parts:
            chunks.append([])
        chunks[-1].append(name)
        done += max(size, 1)
    return chunks


def read_partition(names: Iterable[Unit], settings: Settings, batch_size: int = 256) -> Iterator[tuple[str, Any]]:
    """Step 1 on an executor: ``("vectors", {key: vector})`` then ``("item", Document | Skip)`` for each batch of
    ``batch_size`` items, in input order. Runs ingest, clean and the article vectors through a recording encoder, so
    every vector the driver's stages will ask for is computed here."""
    from .pipeline import article_vectors
    from .resources import CachedEncoder, load_embedder, using_encoder

    recorded: dict[str, Any] = {}
    encoder = CachedEncoder(load_embedder, lambda _keys: {}, recorded.update)
    cleaner = clean.Cleaner(settings.clean)  # this partition's template memory; the driver cleans with the store's
    c, min_words = settings.cluster, settings.dedupe.alignment_min_words
    stream = read_units(list(names), settings)
    with using_encoder(encoder):
        while True:
            batch = [item for _, item in zip(range(batch_size), stream, strict=False)]
            if not batch:
                break
            docs = [item for item in batch if isinstance(item, Document)]
            articles = [a for a in cleaner.clean(docs) if isinstance(a, Article)]
            if articles:
                article_vectors(articles, encoder, c.vector_lead_chars, c.vector_title_weight, min_words)
            yield "vectors", dict(recorded)
            recorded.clear()
            for item in batch:
                yield "item", item


def build_story_rows(rows: Any, settings: Settings) -> Any:
    """Step 5 on an executor (``applyInPandas``): the article rows of a chunk of stories in, one row (id, Story JSON)
    per story out. As the Pipeline's rebuild, the chunk's articles go through one spaCy pass and one embedding
    batch (:func:`tidings.pipeline.prepare_sentences`), then each story through
    :func:`tidings.pipeline.build_story`; the vectors the driver's cache held of them come with the rows."""
    import pandas as pd

    from .analyze import briefing_text
    from .pipeline import build_story, prepare_sentences
    from .resources import CachedEncoder, load_embedder, using_encoder

    rows = rows.sort_values(["story_id", "position"])
    cap = settings.analyze.max_article_chars  # what a briefing reads of each article, as in Pipeline
    stories: dict[str, tuple[list[Article], list[Article]]] = {}
    vectors: dict[str, Any] = {}
    for story_id, blob, read, cached in zip(rows["story_id"], rows["article"], rows["read"], rows["vectors"],
                                            strict=True):
        article = pickle.loads(blob)
        members, articles = stories.setdefault(str(story_id), ([], []))
        members.append(article)
        if read:
            articles.append(briefing_text(article, cap))
            vectors.update(pickle.loads(cached))
    encoder = CachedEncoder(load_embedder, lambda keys: {k: vectors[k] for k in keys if k in vectors}, vectors.update)
    built: list[Story] = []
    with using_encoder(encoder):
        sentences = prepare_sentences([a for _, articles in stories.values() for a in articles], settings, encoder)
        for story_id, (members, articles) in stories.items():
            story = build_story(story_id, articles, members, settings, sentences)
            if story is not None:
                built.append(story)
    return pd.DataFrame(
        {"story_id": [story.id for story in built],
         "story": [json.dumps(story.to_dict(), ensure_ascii=False) for story in built]}
    )


def briefing_vectors(
    articles: list[Article],
    settings: Settings,
    key: Callable[[str], str],
    cached: Callable[[list[str]], dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """Per article, the vectors the cache (``cached``, the store's lookup by ``key``) holds of what its briefing
    embeds: its title and sentences, split by rules as the read step split them (spaCy's split mostly agrees; the
    executors embed what it splits otherwise). No model work: a lookup."""
    from .text import segment

    a_s, s_s = settings.analyze, settings.summarize
    limit = max(a_s.max_sentences_per_article, s_s.max_candidates_per_article)
    keys: dict[str, list[str]] = {}
    for a in articles:
        texts = [s.text for s in segment(a, model=False) if not s.is_heading][:limit]
        keys[a.id] = [key(t) for t in ([a.title] if a.title else []) + texts]
    found = cached(sorted({k for ks in keys.values() for k in ks}))
    return {aid: {k: found[k] for k in ks if k in found} for aid, ks in keys.items()}


def story_builder(settings: Settings) -> Callable[[Any], Any]:
    """:func:`build_story_rows` with the settings bound, as a one-argument function (pyspark reads the arity and
    type hints of what ``applyInPandas`` gets: a partial or a second parameter would be taken for the group key)."""

    def build(rows: Any) -> Any:
        return build_story_rows(rows, settings)

    return build


def start_session(master: str, app_name: str = "tidings", conf: dict[str, str] | None = None) -> Any:
    """A SparkSession whose Python workers run this interpreter (the venv that has tidings and its models); ``conf``:
    more Spark settings (benchmarks/spark.py --profile turns on Spark's Python profilers)."""
    problem = spark_problem()
    if problem:
        raise SparkUnavailable(problem)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.python.worker.reuse", "true")  # a worker keeps its loaded models from task to task
        # a task has its core: its briefings' spaCy pass must not fork one reader process per core of the machine
        .config("spark.executorEnv.TIDINGS_SPACY_WORKERS", os.environ.get("TIDINGS_SPACY_WORKERS", "1"))
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def run_spark(
    sources: list[str],
    out: Path,
    master: str = "local[2]",
    store: str | None = None,
    settings: Settings | None = None,
    export: bool = False,
    partitions: int | None = None,
    on_skip: Callable[[Skip], None] | None = None,
    spark: Any = None,
    copies: str = "join",
    cluster: str = "buckets",
    briefings: bool = True,
) -> SparkResult:
    """Run the pipeline on Spark; write Parquet tables (and the export when ``export``) under ``out``.

    ``store``: where the articles and stories land (a SQLite path or SQLAlchemy URL; default ``out/tidings.db``),
    as ``tidings run --db`` would write them. ``partitions``: read tasks (default: twice the default parallelism).
    ``spark``: an existing SparkSession (else one is started on ``master`` and stopped at the end). ``copies``:
    ``join`` finds copy candidates and decides alignments on the executors (:func:`copy_pairs`), ``driver`` leaves
    all of copy detection to the driver's Pipeline; a store that already holds articles is always ``driver`` (the
    join sees only this input). ``cluster``: ``buckets`` clusters time buckets on the executors and joins their
    stories across bucket edges (:func:`bucket_stories`; with the join only), ``driver`` runs the online clusterer
    on the driver, as ``tidings run`` does. ``briefings=False`` leaves the stories' briefings unbuilt (dirty), for
    a later run or ``tidings run`` to build."""
    if copies not in ("join", "driver"):
        raise ValueError(f"unknown --copies {copies!r} (join or driver)")
    if cluster not in ("buckets", "driver"):
        raise ValueError(f"unknown --cluster {cluster!r} (buckets or driver)")
    import time

    from pyspark import StorageLevel

    from .pipeline import Pipeline

    settings = settings or Settings()
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    own = spark is None
    started = time.perf_counter()
    spark = spark or start_session(master)
    spark.sparkContext.setLogLevel("ERROR")
    timings["session"] = time.perf_counter() - started
    try:
        sc = spark.sparkContext
        parts = partitions or 2 * sc.defaultParallelism
        chunks = split_by_size(input_units(input_files(sources), parts, settings), parts)
        step = time.perf_counter()
        s = settings
        read = sc.parallelize(chunks, len(chunks)).mapPartitions(
            lambda part: (row for names in part for row in read_partition(names, s))
        )
        # computed in parallel once and kept, then streamed to the driver a partition at a time, in input order
        read = read.persist(StorageLevel.MEMORY_AND_DISK)
        read.count()
        timings["read"] = time.perf_counter() - step

        pipeline = Pipeline(settings=settings, db=store or str(out / "tidings.db"))
        joined = copies == "join" and pipeline.store.count_articles() == 0
        record = CleaningFile(out / "first-cleaning.parquet") if joined else None
        try:
            if record is not None:
                plan = plan_run(spark, read, pipeline, settings, out, len(chunks), cluster, record)
                pipeline.copy_pairs, pipeline.story_plan = plan.pairs, plan.stories
                pipeline.cleaned = record.replay()  # the Pipeline stores what the first cleaning gave: cleaned once
                timings.update(plan.timings)

            def items() -> Iterator[Document | Skip]:
                for kind, payload in read.toLocalIterator():
                    if kind == "vectors":
                        if not joined:  # else the join's pass put them in the cache already
                            pipeline.store.put_vectors(payload)
                    else:
                        yield payload

            step = time.perf_counter()
            result = pipeline.run([], documents=items(), build_stories=False, collect=False, on_skip=on_skip)
        finally:
            if record is not None:
                record.path.unlink(missing_ok=True)
        read.unpersist()
        timings["copies_and_stories"] = time.perf_counter() - step

        step = time.perf_counter()
        built = build_stories(spark, pipeline, settings) if briefings else 0
        timings["briefings"] = time.perf_counter() - step
        timings["briefings_built"] = float(built)

        step = time.perf_counter()
        story_ids = pipeline.store.story_ids_of(result.article_ids)
        stories = pipeline.store.get_stories(story_ids)
        articles = pipeline.export_articles(stories, pipeline.store.get_articles(result.article_ids))
        tables = write_tables(out, stories, articles)
        if export:
            from .render import write_outputs

            write_outputs(out, stories, articles, result.skipped)
        timings["write"] = time.perf_counter() - step
        return SparkResult(result.article_ids, story_ids, result.skipped, result.new_articles, timings, tables)
    finally:
        if own:
            spark.stop()


def build_stories(spark: Any, pipeline: Any, settings: Settings, chunk_articles: int = 20_000) -> int:
    """Step 5: build every dirty story of ``pipeline``'s store on the executors, in chunks of stories of about
    ``pipeline.batch_size`` articles read (as the Pipeline's rebuild), ``chunk_articles`` article rows per Spark
    job (what the driver holds at once); save each with the version read. Returns how many were saved."""
    import pandas as pd

    from . import analyze
    from .pipeline import Pipeline

    dirty = pipeline.store.dirty_story_ids()
    cap, chars = settings.analyze.max_story_articles, settings.analyze.max_article_chars
    saved = 0
    start = 0
    while start < len(dirty):
        rows: list[dict[str, Any]] = []
        versions: dict[str, int] = {}
        chunk = size = 0
        while start < len(dirty) and len(rows) < chunk_articles:
            story_id = dirty[start]
            start += 1
            members, version = pipeline.store.story_members(story_id)
            if version is None or not members:
                continue
            versions[story_id] = version
            read = {a.id for a in analyze.briefing_articles(members, cap)}
            texts = {a.id: a for a in pipeline.store.get_articles(sorted(read))}
            cached = briefing_vectors([analyze.briefing_text(a, chars) for a in texts.values()], settings,
                                      pipeline.encoder.key, pipeline.store.get_vectors)
            for n, a in enumerate(members):
                rows.append(
                    {
                        "chunk": chunk,
                        "story_id": story_id,
                        "position": n,
                        "read": a.id in texts,
                        "article": pickle.dumps(texts.get(a.id, a)),
                        "vectors": pickle.dumps(cached.get(a.id, {})),
                    }
                )
            size += len(texts)
            if size >= pipeline.batch_size:
                chunk, size = chunk + 1, 0
        if not rows:
            continue
        frame = spark.createDataFrame(pd.DataFrame(rows))
        built = frame.groupBy("chunk").applyInPandas(story_builder(settings), STORY_ROWS_SCHEMA)
        for row in built.toLocalIterator():
            story = Story.from_dict(json.loads(row["story"]))
            with pipeline.store.transaction() as conn:
                if pipeline.store.save_story(conn, story, Pipeline._search_text(story), versions[story.id]):
                    saved += 1
    return saved


def write_tables(out: Path, stories: list[Story], articles: list[Article]) -> dict[str, Path]:
    """The Parquet tables: one row per article, copy relation, story, fact, quote, entity and figure."""
    import pandas as pd

    def flat(value: Any) -> Any:  # nested lists of records as JSON text: every reader of Parquet reads them
        return (
            json.dumps(value, ensure_ascii=False)
            if isinstance(value, (dict, list))
            and value
            and isinstance(value[0] if isinstance(value, list) else None, dict)
            else value
        )

    frames: dict[str, list[dict[str, Any]]] = {name: [] for name in PARQUET_TABLES}
    for a in articles:
        frames["articles"].append({k: v for k, v in asdict(a).items() if k not in ("removed",)})
        if a.copy_of:
            frames["copies"].append({"article_id": a.id, "copy_of": a.copy_of, "relation": a.relation})
    for story in stories:
        frames["stories"].append(
            {
                "story_id": story.id,
                "headline": story.headline,
                "article_ids": story.article_ids,
                "independent_sources": story.independent_sources,
                "first_seen": story.first_seen,
                "last_seen": story.last_seen,
                "sites": story.sites,
                "summary": [s.text for s in story.summary],
            }
        )
        for name, items in (
            ("facts", story.facts),
            ("quotes", story.quotes),
            ("entities", story.entities),
            ("figures", story.figures),
        ):
            for item in items:
                frames[name].append({"story_id": story.id, **{k: flat(v) for k, v in asdict(item).items()}})
    paths: dict[str, Path] = {}
    for name, rows in frames.items():
        path = out / f"{name}.parquet"
        frame = pd.DataFrame(rows) if rows else pd.DataFrame({"story_id" if name != "articles" else "id": []})
        frame.to_parquet(path, index=False)
        paths[name] = path
    return paths


# -- copies as a join ------------------------------------------------------------------------------------------------
def first_cleaning(
    items: Iterable[Document | Skip],
    settings: Settings,
    encoder: Any,
    memory: Any,
    batch_size: int = 256,
    cached: Callable[[list[str]], dict[str, Any]] | None = None,
    record: CleaningFile | None = None,
) -> Iterator[tuple[int, int, Article, Any, dict[str, Any]]]:
    """Each article as a :class:`tidings.pipeline.Pipeline` over an empty store cleans it, with its batch's number,
    the row its copy detector registers it at and its article vector: the Pipeline's batches (``batch_size`` input
    documents, equal inputs once), each cleaned with the template memory learned so far, in
    :func:`tidings.dedupe.processing_order`. What the copy join compares: what the Pipeline's detector will.

    ``memory`` is a :class:`tidings.pipeline.StoredLineMemory` over an empty scratch store: the Pipeline's own kind
    of memory (complete, on disk), flushed after each batch as the Pipeline flushes it, so each batch is cleaned as
    the Pipeline would clean it. ``record`` keeps each batch's cleaning and line rows for the storing Pipeline
    (:attr:`tidings.pipeline.Pipeline.cleaned`), which then cleans nothing again. With ``cached`` (the vector
    cache's lookup), each article comes with the vectors the cache already holds of the sentences the copy
    alignment reads of it (no model work), so that the executors embed only the others."""
    from .dedupe import CopyDetector, processing_order
    from .pipeline import article_vectors
    from .resources import using_encoder
    from .store import article_problem

    cleaner = clean.Cleaner(settings.clean, memory)
    detector = CopyDetector(settings.dedupe)  # only for the sentences it aligns
    c, min_words = settings.cluster, settings.dedupe.alignment_min_words
    stored: set[str] = set()
    row = number = 0
    docs = (item for item in items if isinstance(item, Document))
    with using_encoder(encoder):
        while True:
            number += 1
            batch = [doc for _, doc in zip(range(batch_size), docs, strict=False)]
            if not batch:
                break
            unique: dict[str, Document] = {}
            for doc in batch:
                unique.setdefault(clean.document_id(doc), doc)
            new = {doc_id: doc for doc_id, doc in unique.items() if doc_id not in stored}
            cleaned = cleaner.clean(list(new.values()))
            if record is not None:
                record.add(number, list(new), cleaned, list(memory.pending.values()))
            with memory.store.transaction() as conn:  # as the Pipeline writes them with the batch
                memory.flush(conn)
            articles = [a for a in cleaned if isinstance(a, Article) and not article_problem(a)]
            articles = [articles[i] for i in processing_order(articles)]
            stored.update(a.id for a in articles)
            if not articles:
                continue
            vectors = article_vectors(articles, encoder, c.vector_lead_chars, c.vector_title_weight, min_words)
            keys = [[encoder.key(t) for t in detector.alignment_texts(a)] for a in articles]
            found = cached(sorted({k for ks in keys for k in ks})) if cached else {}
            for article, vector, ks in zip(articles, vectors, keys, strict=True):
                yield number, row, article, vector, {k: found[k] for k in ks if k in found}
                row += 1


class _ParquetRows:
    """A Parquet file written a few thousand rows at a time (``schema``: (column, pyarrow type name) pairs)."""

    CHUNK_ROWS = 4096

    def __init__(self, path: Path, schema: tuple[tuple[str, str], ...]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path = path
        self._schema = pa.schema([(name, getattr(pa, kind)()) for name, kind in schema])
        self._writer = pq.ParquetWriter(str(path), self._schema)
        self._chunk: list[dict[str, Any]] = []

    def _append(self, row: dict[str, Any]) -> None:
        self._chunk.append(row)
        if len(self._chunk) >= self.CHUNK_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._chunk:
            self._writer.write_table(pa.Table.from_pylist(self._chunk, self._schema))
            self._chunk = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


class CleaningFile(_ParquetRows):
    """The driver's one cleaning of the input (:func:`first_cleaning`), batch by batch, in a Parquet file on the
    driver (``batch``, document ``id``, pickled ``item``, pickled line ``rows`` of the batch on its first row), read
    back in order by the storing Pipeline (:meth:`replay`): each document is cleaned once."""

    SCHEMA = (("batch", "int64"), ("id", "string"), ("item", "binary"), ("rows", "binary"))

    def __init__(self, path: Path) -> None:
        super().__init__(path, self.SCHEMA)

    def add(self, batch: int, ids: list[str], items: list[Article | Skip], rows: list[clean.LineRow]) -> None:
        for n, (doc_id, item) in enumerate(zip(ids, items, strict=True)):
            self._append({"batch": batch, "id": doc_id, "item": pickle.dumps(item),
                          "rows": pickle.dumps(rows if n == 0 else [])})

    def _batches(self) -> Iterator[tuple[int, list[str], list[Article | Skip], list[clean.LineRow]]]:
        import pyarrow.parquet as pq

        number, ids, items, rows = None, [], [], []
        for chunk in pq.ParquetFile(str(self.path)).iter_batches(batch_size=4096):
            for r in chunk.to_pylist():
                if r["batch"] != number and ids:
                    yield number, ids, items, rows
                    ids, items, rows = [], [], []
                number = r["batch"]
                ids.append(r["id"])
                items.append(pickle.loads(r["item"]))
                rows += pickle.loads(r["rows"])
        if ids:
            yield number, ids, items, rows

    def replay(self) -> Callable[[list[Document]], tuple[list[Article | Skip], list[clean.LineRow]]]:
        """What :attr:`tidings.pipeline.Pipeline.cleaned` takes: called once per batch with the batch's new
        documents, it gives their recorded cleaning (a batch with none was not recorded). Raises if the documents
        are not the ones recorded (the input changed between the two passes)."""
        recorded = self._batches()

        def cleaned(docs: list[Document]) -> tuple[list[Article | Skip], list[clean.LineRow]]:
            if not docs:
                return [], []
            _, ids, items, rows = next(recorded, (None, [], [], []))
            if ids != [clean.document_id(d) for d in docs]:
                raise RuntimeError("the documents to store are not the ones the first cleaning cleaned")
            return items, rows

        return cleaned


INPUT_SCHEMA = (
    ("batch", "int64"), ("row", "int64"), ("article", "binary"), ("vector", "binary"), ("sentences", "binary")
)


class RowsFile(_ParquetRows):
    """A Parquet file of articles for the executors (``batch``, ``row``, pickled ``article``, ``vector`` bytes, and
    pickled cached ``sentences`` vectors by cache key), written by the driver a few thousand rows at a time. On a
    cluster it must be where every node reads it."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, INPUT_SCHEMA)

    def add(self, batch: int, row: int, article: Article, vector: Any, sentences: dict[str, Any] | None = None) -> None:
        self._append(
            {"batch": batch, "row": row, "article": pickle.dumps(article), "vector": vector.astype("<f4").tobytes(),
             "sentences": pickle.dumps(sentences or {})}
        )

    def batches(self) -> Iterator[tuple[list[Article], Any]]:
        """The rows back, a Pipeline batch at a time: (articles, vectors)."""
        import numpy as np
        import pyarrow.parquet as pq

        articles: list[Article] = []
        vectors: list[Any] = []
        number = None
        for chunk in pq.ParquetFile(str(self.path)).iter_batches(batch_size=4096):
            for r in chunk.to_pylist():
                if r["batch"] != number and articles:
                    yield articles, np.stack(vectors)
                    articles, vectors = [], []
                number = r["batch"]
                articles.append(pickle.loads(r["article"]))
                vectors.append(np.frombuffer(r["vector"], dtype=np.float32))
        if articles:
            yield articles, np.stack(vectors)


@dataclass
class Plan:
    """What the executors decided before the driver's Pipeline stores the articles: copy candidates, and the
    stories when clustering by time bucket."""

    pairs: Any = None
    stories: dict[str, str] | None = None
    timings: dict[str, float] = field(default_factory=dict)


def plan_run(
    spark: Any,
    read: Any,
    pipeline: Any,
    settings: Settings,
    work: Path,
    partitions: int,
    cluster: str,
    record: CleaningFile | None = None,
) -> Plan:
    """Copies as a join and, with ``cluster="buckets"``, stories by time bucket, for ``pipeline``'s empty store: the
    driver cleans the items ``read`` (step 1's output) as the Pipeline will (:func:`first_cleaning`; the executors'
    vectors make that model work a cache hit) into a Parquet file under ``work``, and the cleaning into ``record``
    for the Pipeline; the executors find the copy candidates (:func:`copy_pairs`); for buckets, the driver links
    the copies with the detector the Pipeline will use, and the executors cluster (:func:`bucket_stories`)."""
    import tempfile
    import time

    from .dedupe import CopyDetector
    from .pipeline import StoredLineMemory
    from .store import Store

    def items() -> Iterator[Document | Skip]:
        for kind, payload in read.toLocalIterator():
            if kind == "vectors":
                pipeline.store.put_vectors(payload)
            else:
                yield payload

    plan = Plan()
    step = time.perf_counter()
    rows = RowsFile(work / "copy-join-input.parquet")
    undated = False
    try:
        with tempfile.TemporaryDirectory(dir=work) as scratch:  # the template memory, as the Pipeline's store keeps it
            lines = Store(str(Path(scratch) / "lines.db"))
            memory = StoredLineMemory(lines, settings.clean)
            cleaned = first_cleaning(items(), settings, pipeline.encoder, memory, pipeline.batch_size,
                                     pipeline.store.get_vectors, record)
            for number, row, article, vector, sentences in cleaned:
                undated = undated or not article.published
                rows.add(number, row, article, vector, sentences)
            rows.close()
            lines.close()
        if record is not None:
            record.close()
        plan.timings["first_cleaning"] = time.perf_counter() - step
        step = time.perf_counter()
        plan.pairs = copy_pairs(spark, rows.path, settings, partitions, undated)
        plan.timings["copies_join"] = time.perf_counter() - step
        if cluster != "buckets":
            return plan
        step = time.perf_counter()
        detector = CopyDetector(settings.dedupe, plan.pairs)
        detector.lookup = lambda _id: None  # it keeps only recent article objects: deciding on pairs needs no text
        linked = RowsFile(work / "cluster-input.parquet")
        try:
            row = 0
            for number, (articles, vectors) in enumerate(rows.batches()):  # as the Pipeline's detector registers them
                detector.detect(articles, vectors, [detector.signature(a) for a in articles])
                for a, v in zip(articles, vectors, strict=True):  # each with its copy link as the clusterer meets it
                    linked.add(number, row, a, v)
                    row += 1
            linked.close()
            plan.timings["copy_links"] = time.perf_counter() - step
            step = time.perf_counter()
            plan.stories = bucket_stories(spark, linked.path, settings, partitions)
            plan.timings["cluster_buckets"] = time.perf_counter() - step
        finally:
            linked.path.unlink(missing_ok=True)
        return plan
    finally:
        rows.path.unlink(missing_ok=True)


def copy_rows(rows: Iterable[Any], settings: Settings) -> Iterator[dict[str, Any]]:
    """On an executor: what the join needs of each article (signature's band keys, content words, day, vector and
    the sentences the alignment reads), computed by the detector's own functions."""
    import numpy as np

    from .dedupe import CopyDetector, _When

    detector = CopyDetector(settings.dedupe)
    for r in rows:
        article: Article = pickle.loads(r["article"])
        when = _When.parse(article.published)
        yield {
            "id": article.id,
            "row": int(r["row"]),
            "day": when.moment.timestamp() / 86_400 if when else None,
            "words": detector.content_words(article),
            "keys": detector.band_keys(detector.signature(article)),
            "vector": np.frombuffer(r["vector"], dtype=np.float32),
            "texts": detector.alignment_texts(article),
            "cached": pickle.loads(r["sentences"]) if r.get("sentences") else {},
        }


def window_keys(p: dict[str, Any], width_days: float, undated_rows: int | None) -> Iterator[tuple[Any, Any]]:
    """The blocks an article takes part in for the reworded-copy join: as a query in its time window, as a
    reference in that window and the two beside it (two dated articles closer than ``paraphrase_max_days`` are in
    neighbouring windows); when the input has undated articles (``undated_rows``), also in blocks of that many
    rows, which compare the undated ones with everything registered shortly before them."""
    if p["day"] is not None:
        k = int(p["day"] // width_days)
        yield ("t", k), ("q", p)
        for d in (-1, 0, 1):
            yield ("t", k + d), ("r", p)
    if undated_rows:
        c = p["row"] // undated_rows
        yield ("r", c), ("q", p)
        yield ("r", c), ("r", p)
        yield ("r", c + 1), ("r", p)


def reworded_block(key: Any, members: Iterable[tuple[str, dict[str, Any]]], settings: Settings) -> Iterator[Any]:
    """On an executor, one block of the reworded-copy join: each query's nearest earlier references (exact, by a
    matrix product) and, for those the detector would align, the verdict of :func:`tidings.dedupe.aligned_verdict`
    on the sentences of both. Yields ``(id, (other id, cosine, verdict or None))``."""
    import numpy as np

    from .dedupe import CopyDetector, aligned_verdict, nearest_earlier, sentence_sets
    from .resources import CachedEncoder, load_embedder, using_encoder

    queries = [p for role, p in members if role == "q"]
    refs = [p for role, p in members if role == "r"]
    if not queries or not refs:
        return
    allowed = None
    if key[0] == "r":  # a row block: pairs with an undated article (dated pairs are the time windows')
        undated_q = np.array([p["day"] is None for p in queries])
        undated_r = np.array([p["day"] is None for p in refs])
        if not undated_q.any() and not undated_r.any():
            return
        allowed = undated_q[:, None] | undated_r[None, :]
    s = settings.dedupe
    vectors: dict[str, Any] = {k: v for p in (*queries, *refs) for k, v in p["cached"].items()}  # the driver's cache
    encoder = CachedEncoder(load_embedder, lambda keys: {k: vectors[k] for k in keys if k in vectors}, vectors.update)
    with using_encoder(encoder):
        detector = CopyDetector(s)
        candidate_sim, sentence_sim = detector.thresholds()
        found = nearest_earlier(
            np.array([p["row"] for p in queries]), np.stack([p["vector"] for p in queries]),
            np.array([p["row"] for p in refs]), np.stack([p["vector"] for p in refs]),
            s.paraphrase_candidates, candidate_sim, allowed,
        )

        def aligned(q: dict[str, Any], r: dict[str, Any]) -> bool:  # what the detector checks before aligning
            far = q["day"] is not None and r["day"] is not None and abs(q["day"] - r["day"]) > s.paraphrase_max_days + 1
            return q["words"] >= s.copy_min_words and r["words"] >= s.copy_min_words and not far

        todo = {p["id"]: p for q, near in zip(queries, found, strict=True) for p in
                [q, *(refs[j] for j, _ in near)] if any(aligned(q, refs[j]) for j, _ in near)}
        sets = dict(zip(todo, sentence_sets([p["texts"] for p in todo.values()]), strict=True))
        for q, near in zip(queries, found, strict=True):
            for j, cosine in near:
                r = refs[j]
                verdict = aligned_verdict(sets[q["id"]], sets[r["id"]], s, sentence_sim) if aligned(q, r) else None
                if verdict is not None:
                    verdict = (verdict[0], *(float(x) for x in verdict[1:]))
                yield q["id"], (r["id"], cosine, verdict)


def copy_pairs(spark: Any, path: Path, settings: Settings, partitions: int, undated: bool) -> Any:
    """The copy candidates of the articles in the Parquet file ``path`` (written from :func:`first_cleaning`), found
    on the executors: near duplicates by a join on LSH band keys, reworded copies by exact nearest neighbours in
    time windows, each pair's alignment decided there. Returns a :class:`tidings.dedupe.CopyPairs`."""
    from pyspark import StorageLevel

    from .dedupe import CopyPairs, bucket_pairs

    s = settings
    cap = s.dedupe.max_copy_candidates
    width = s.dedupe.paraphrase_max_days + 2.0  # days: closer dated pairs are in neighbouring windows
    undated_rows = s.spark.undated_block if undated else None
    rows = spark.read.parquet(str(path)).rdd.map(lambda r: r.asDict()).repartition(partitions)
    prepared = rows.mapPartitions(lambda part: copy_rows(part, s)).persist(StorageLevel.MEMORY_AND_DISK)
    pairs = CopyPairs()
    near = (
        prepared.flatMap(lambda p: [(key, (p["row"], p["id"])) for key in p["keys"]])
        .groupByKey()
        .flatMap(lambda kv: bucket_pairs(list(kv[1]), cap))
        .distinct()
    )
    for aid, other in near.toLocalIterator():
        pairs.near.setdefault(aid, []).append(other)
    reworded = (
        prepared.flatMap(lambda p: window_keys(p, width, undated_rows))
        .groupByKey()
        .flatMap(lambda kv: reworded_block(kv[0], kv[1], s))
    )
    for aid, found in reworded.toLocalIterator():
        pairs.reworded.setdefault(aid, []).append(found)
    for found in pairs.reworded.values():
        found.sort(key=lambda c: -c[1])
    prepared.unpersist()
    return pairs


# -- stories by time bucket ------------------------------------------------------------------------------------------
UNDATED = -(2**62)
"""The bucket of undated articles, and the key of the edge between it and every dated story (Spark sorts keys when a
shuffle spills: they are all integers)."""


def bucket_of(article: Article, days: float) -> int:
    """The time bucket (``days`` wide) of an article's publication date; :data:`UNDATED` when undated."""
    from .cluster import parse_time

    t = parse_time(article.published)
    return UNDATED if t is None else int(t // days)  # parse_time: days since the epoch


def batch_buckets(dated: dict[int, list[int]], batches: Iterable[int]) -> dict[int, int]:
    """The time bucket of each batch's undated articles: the most common bucket of the batch's dated articles
    (``dated``: batch -> their buckets), else the nearest batch's before it, else after it. The input order stands
    in for time (a feed is read about in the order it was published), and keeps undated articles with the dated ones
    that ``tidings run``'s clusterer meets them with; the clusterer still gives them no time."""
    import collections

    numbers = sorted(set(batches))
    own = {b: collections.Counter(v).most_common(1)[0][0] for b, v in dated.items() if v}
    out: dict[int, int] = {}
    last: int | None = None
    for b in numbers:
        last = own.get(b, last)
        if last is not None:
            out[b] = last
    following: int | None = None
    for b in reversed(numbers):
        following = own.get(b, following)
        if b not in out:
            out[b] = following if following is not None else 0
    return out


def cluster_bucket(members: Iterable[dict[str, Any]], settings: Settings) -> list[tuple[Any, ...]]:
    """On an executor, one time bucket: its articles through a :class:`tidings.cluster.StoryClusterer` in the
    Pipeline's batches and order (copies linked as the Pipeline's detector links them). Returns ``(article id, story
    id, publication time, copy_of)`` per article, after the bucket's merges."""
    import itertools

    import numpy as np

    from .cluster import StoryClusterer, parse_time

    clusterer = StoryClusterer(settings.cluster)
    placed: dict[str, str] = {}
    times: dict[str, float | None] = {}
    copy_of: dict[str, str | None] = {}
    for _, group in itertools.groupby(sorted(members, key=lambda m: m["row"]), key=lambda m: m["batch"]):
        rows = list(group)
        articles = [pickle.loads(m["article"]) for m in rows]
        times.update((a.id, parse_time(a.published)) for a in articles)
        copy_of.update((a.id, a.copy_of) for a in articles)
        placed.update(clusterer.assign(articles, np.stack([np.frombuffer(m["vector"], np.float32) for m in rows])))
    return [(aid, clusterer.story_of(aid) or sid, times[aid], copy_of[aid]) for aid, sid in placed.items()]


def edge_merges(members: Iterable[dict[str, Any]], settings: Settings) -> list[tuple[str, str]]:
    """On an executor, one edge between two time buckets (or between the undated bucket and the dated ones): a story
    of one side joins one of the other when its first article would have joined that story by the clusterer's own
    gate (:func:`first_joins`) and that story had begun before it, in the order the Pipeline's clusterer meets
    articles (batch, then undated first, then by time): as the online clusterer would have met that first article.
    Returns (later story, earlier story) pairs."""
    from .cluster import StoryClusterer

    members = sorted(members, key=lambda m: m["row"])
    began: dict[str, tuple[Any, ...]] = {}
    for m in members:
        article = pickle.loads(m["article"])
        t = StoryClusterer.order_key(article)[0]
        key = (m["batch"], t, m["row"])
        if m["story"] not in began or key < began[m["story"]]:
            began[m["story"]] = key
    merges = []
    for warm in ("before", "after"):
        for story, joined in first_joins(members, warm=warm, settings=settings).items():
            if began[joined] < began[story]:
                merges.append((story, joined))
    return sorted(merges)


def first_joins(members: list[dict[str, Any]], warm: str, settings: Settings) -> dict[str, str]:
    """The stories of the ``warm`` side of an edge in one :class:`tidings.cluster.StoryClusterer`; each story of the
    other side -> the one of them its first article would join (the gate's best accepted candidate), if any."""
    import numpy as np

    from .cluster import StoryClusterer

    clusterer = StoryClusterer(settings.cluster)
    firsts: dict[str, tuple[tuple[float, int], Article, Any]] = {}
    for m in members:
        article = pickle.loads(m["article"])
        vector = np.frombuffer(m["vector"], np.float32)
        if m["side"] == warm:
            article.story_id = m["story"]
            clusterer.add_known(article, vector)
            continue
        key = (*StoryClusterer.order_key(article)[:1], m["row"])
        if m["story"] not in firsts or key < firsts[m["story"]][0]:
            firsts[m["story"]] = (key, article, vector)
    joins: dict[str, str] = {}
    for story, (_, article, vector) in sorted(firsts.items()):
        found = clusterer.candidates(article, vector)
        if found and clusterer.score(found[0][1]) > 0:
            joins[story] = found[0][0]
    return joins


def bucket_stories(spark: Any, path: Path, settings: Settings, partitions: int) -> dict[str, str]:
    """Stories by time bucket (``spark.cluster_bucket_days``; undated articles are one bucket of their own): each
    bucket clustered by its own online clusterer on an executor (:func:`cluster_bucket`), the stories that touch an
    edge between two buckets joined by the clusterer's gate (:func:`edge_merges`, one task per edge; the undated
    bucket's stories meet every dated story in one more task), and a copy put in its original's story when they ended in
    different buckets. Returns article id -> story id."""
    s = settings
    days = s.spark.cluster_bucket_days
    rows = spark.read.parquet(str(path)).rdd.map(lambda r: r.asDict()).repartition(partitions)
    keyed = rows.map(lambda m: (bucket_of(pickle.loads(m["article"]), days), m)).persist()
    placed = keyed.groupByKey().flatMap(lambda kv: [(kv[0], *p) for p in cluster_bucket(kv[1], s)]).collect()
    story = {aid: sid for _, aid, sid, _, _ in placed}
    # a story meets the other side of an edge as far as the clusterer reaches: its window, or the continuation
    # rule's days for a story that says the same thing
    edges = story_edges(placed, days, max(s.cluster.window_days, s.cluster.continue_days))
    shared = spark.sparkContext.broadcast((story, edges))  # sent to each executor once, not with every task

    def at_edges(m: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
        stories, taking_part = shared.value
        sid = stories[pickle.loads(m["article"]).id]
        return [(edge, {**m, "story": sid, "side": side}) for edge, side in taking_part.get(sid, ())]

    merges = keyed.values().flatMap(at_edges).groupByKey().flatMap(lambda kv: edge_merges(kv[1], s)).collect()
    keyed.unpersist()
    shared.unpersist()
    return final_stories(placed, merges)


def story_edges(placed: list[tuple[Any, ...]], days: float, window_days: float) -> dict[str, list[tuple[int, str]]]:
    """Which bucket edges each story of :func:`cluster_bucket`'s output (with its bucket first) takes part in, and on
    which side: a story with an article within ``window_days`` (the clusterer's reach) of an edge between two buckets;
    with undated articles, the undated bucket's stories before its edge and every dated story after it (the online
    clusterer takes a batch's undated articles first, and its dated articles search the undated stories)."""
    span: dict[str, tuple[int, float, float]] = {}
    undated: set[str] = set()
    for bucket, _, sid, t, _ in placed:
        if bucket == UNDATED:
            undated.add(sid)
        elif t is not None:
            _, first, last = span.get(sid, (bucket, t, t))
            span[sid] = (bucket, min(first, t), max(last, t))
    reach, width = window_days, days  # in days, as parse_time gives times
    edges: dict[str, list[tuple[int, str]]] = {}
    for sid, (b, first, last) in span.items():
        if last >= (b + 1) * width - reach:
            edges.setdefault(sid, []).append((b + 1, "before"))
        if first < b * width + reach:
            edges.setdefault(sid, []).append((b, "after"))
        if undated:  # a dated article meets every undated story in tidings run (after them, in a batch)
            edges.setdefault(sid, []).append((UNDATED, "after"))
    for sid in undated:
        edges.setdefault(sid, []).append((UNDATED, "before"))
    return edges


def final_stories(placed: list[tuple[Any, ...]], merges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Article id -> story id from the buckets' stories (:func:`cluster_bucket`'s output with its bucket first) and
    the edges' merges (pairs of stories; a union, the larger story's id surviving), a copy in its original's story."""
    parent: dict[str, str] = {}
    size: dict[str, int] = {}
    for _, _, sid, _, _ in placed:
        size[sid] = size.get(sid, 0) + 1

    def final(sid: str) -> str:
        while parent.get(sid, sid) != sid:
            parent[sid] = parent.get(parent[sid], parent[sid])  # path halving
            sid = parent[sid]
        return sid

    for later, earlier in merges:  # a union: a story may meet others at two edges
        a, b = final(later), final(earlier)
        if a != b:
            keep, drop = (a, b) if (-size.get(a, 0), a) < (-size.get(b, 0), b) else (b, a)  # the larger survives
            parent[drop] = keep
            size[keep] = size.get(keep, 0) + size.get(drop, 0)
    story = {aid: final(sid) for _, aid, sid, _, _ in placed}
    for _, aid, _, _, original in placed:  # a copy is in its original's story (the clusterer's rule), across buckets
        if original and original in story:
            story[aid] = story[original]
    return story
