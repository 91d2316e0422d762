"""`tidings spark` on local[2] gives what `tidings run` gives on the same input: the same stories (sets of article
ids), the same copies and the same summaries. Skipped, with the reason, where pyspark or Java is missing."""

from __future__ import annotations

import pickle
from collections import defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tidings.cli import app, samples_dir
from tidings.dedupe import CopyDetector, CopyPairs, bucket_pairs, processing_order
from tidings.pipeline import Pipeline
from tidings.settings import Settings
from tidings.spark import (
    CleaningFile,
    copy_rows,
    first_cleaning,
    input_files,
    input_units,
    read_units,
    reworded_block,
    spark_problem,
    split_by_size,
    window_keys,
)

PROBLEM = spark_problem()
needs_spark = pytest.mark.skipif(PROBLEM is not None, reason=f"Spark unavailable: {PROBLEM}")
SAMPLES = str(samples_dir() / "articles")


def outcome(store_path: Path) -> tuple[set[frozenset[str]], dict[str, tuple[str | None, str | None]], dict]:
    """Stories as sets of article ids, copies as article -> (original, relation), summaries by story."""
    from tidings.store import Store

    store = Store(str(store_path))
    stories = store.list_stories(limit=10_000)
    articles = store.get_articles([i for s in stories for i in s.article_ids])
    store.close()
    groups = {frozenset(s.article_ids) for s in stories}
    copies = {a.id: (a.copy_of, a.relation) for a in articles if a.copy_of}
    summaries = {frozenset(s.article_ids): [x.text for x in s.summary] for s in stories}
    return groups, copies, summaries


@pytest.fixture(scope="module")
def both_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    if PROBLEM is not None:
        pytest.skip(f"Spark unavailable: {PROBLEM}")
    tmp = tmp_path_factory.mktemp("spark")
    Pipeline(db=tmp / "run.db").run([SAMPLES], collect=False)
    args = ["spark", SAMPLES, "--out", str(tmp / "out"), "--master", "local[2]", "--store", str(tmp / "spark.db")]
    result = CliRunner().invoke(app, [*args, "--export"])
    assert result.exit_code == 0, result.output
    assert "stories in" in result.output and "Parquet tables in" in result.output
    return tmp / "run.db", tmp / "spark.db", tmp / "out"


@needs_spark
def test_spark_gives_the_stories_copies_and_summaries_of_tidings_run(both_runs: tuple[Path, Path, Path]) -> None:
    run_db, spark_db, _ = both_runs
    run_groups, run_copies, run_summaries = outcome(run_db)
    spark_groups, spark_copies, spark_summaries = outcome(spark_db)
    assert len(run_groups) > 1 and run_copies  # the samples have several stories and copies to get right
    assert spark_groups == run_groups
    assert spark_copies == run_copies
    assert spark_summaries == run_summaries


@needs_spark
def test_spark_writes_the_parquet_tables_and_the_export(both_runs: tuple[Path, Path, Path]) -> None:
    import pandas as pd

    run_db, _, out = both_runs
    run_groups, run_copies, _ = outcome(run_db)
    stories = pd.read_parquet(out / "stories.parquet")
    assert {frozenset(ids) for ids in stories["article_ids"]} == run_groups
    copies = pd.read_parquet(out / "copies.parquet")
    assert {r.article_id: (r.copy_of, r.relation) for r in copies.itertuples()} == run_copies
    articles = pd.read_parquet(out / "articles.parquet")
    assert set(articles["id"]) == {i for g in run_groups for i in g}
    facts = pd.read_parquet(out / "facts.parquet")
    assert set(facts["story_id"]) <= set(stories["story_id"]) and len(facts) > 0
    for name in ("quotes", "entities", "figures"):
        assert (out / f"{name}.parquet").exists()
    assert (out / "stories.json").exists() and (out / "index.html").exists()


def test_input_files_keep_the_order_of_tidings_run_and_split_by_size(tmp_path: Path) -> None:
    for name, size in [("b.txt", 300), ("a.txt", 100), ("c/d.txt", 50), (".hidden.txt", 10)]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x" * size)
    files = input_files([str(tmp_path), str(tmp_path / "missing.txt")])
    assert [Path(n).name for n, _ in files] == ["a.txt", "b.txt", "d.txt", "missing.txt"]
    chunks = split_by_size(files, 2)
    assert [n for chunk in chunks for n in chunk] == [n for n, _ in files]  # contiguous, nothing lost
    assert len(chunks) == 2
    with pytest.raises(ValueError, match="standard input"):
        input_files(["-"])


def test_spark_without_java_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    monkeypatch.delenv("JAVA_HOME", raising=False)
    result = CliRunner().invoke(app, ["spark", SAMPLES, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    message = result.output.strip()
    assert "\n" not in message and ("Java" in message or "pyspark" in message)


def stored(store_path: Path) -> dict[str, tuple]:
    """Every stored article as its id -> (title, text, removed, copy_of, relation, story_id)."""
    from tidings.store import Store

    store = Store(str(store_path))
    articles = [a for a, *_ in store.iter_replay_rows(0)]
    store.close()
    return {a.id: (a.title, a.text, a.removed, a.copy_of, a.relation, a.story_id) for a in articles}


def test_the_storing_pipeline_takes_the_first_cleaning_and_cleans_no_new_document_again(tmp_path: Path) -> None:
    from tidings import ingest
    from tidings.pipeline import StoredLineMemory
    from tidings.store import Store

    settings = Settings()
    items = list(ingest.iter_documents([SAMPLES], settings.ingest))
    Pipeline(db=tmp_path / "run.db", batch_size=4).run([SAMPLES], collect=False, build_stories=False)
    pipeline = Pipeline(db=tmp_path / "spark.db", batch_size=4)  # small batches: the memory learns across them
    record = CleaningFile(tmp_path / "cleaning.parquet")
    memory = StoredLineMemory(Store(str(tmp_path / "lines.db")), settings.clean)
    for _ in first_cleaning(items, settings, pipeline.encoder, memory, pipeline.batch_size, record=record):
        pass
    record.close()
    pipeline.cleaned = record.replay()
    remembered = []
    clean_stored = pipeline.cleaner.clean
    pipeline.cleaner.clean = lambda docs, remember=True: remembered.append(remember) or clean_stored(docs, remember)
    pipeline.run([], documents=items, collect=False, build_stories=False)
    assert True not in remembered  # the cleaner ran only on stored articles the memory taught it to clean again
    assert stored(tmp_path / "spark.db") == stored(tmp_path / "run.db")
    other = record.replay()
    with pytest.raises(RuntimeError, match="not the ones the first cleaning cleaned"):
        other([d for d in items if not hasattr(d, "reason")][1:2])


def bcubed_f1(predicted: dict[str, str], gold: dict[str, str]) -> float:
    """B-cubed F1 of one clustering (item -> cluster) against another."""
    members: dict[tuple[str, str], set[str]] = {}
    for kind, labels in (("p", predicted), ("g", gold)):
        for item, label in labels.items():
            members.setdefault((kind, label), set()).add(item)
    p = r = 0.0
    for i in gold:
        same_p, same_g = members[("p", predicted[i])], members[("g", gold[i])]
        p += len(same_p & same_g) / len(same_p)
        r += len(same_p & same_g) / len(same_g)
    p, r = p / len(gold), r / len(gold)
    return 2 * p * r / (p + r)


@needs_spark
@pytest.mark.corpus
def test_spark_agrees_with_tidings_run_on_a_few_hundred_allsides_articles(tmp_path: Path) -> None:
    """240 dated articles of the AllSides crawl (April-May 2021): two 30-day buckets, and a story across their edge
    that only the edge's task joins (each bucket alone: B-cubed 0.993 against tidings run; with the edge 1.000)."""
    import sys

    from conftest import ROOT, SHARED, require_shared

    require_shared(SHARED / "corpora" / "neus-allsides")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from corpora import load_allsides_crawl, write_jsonl

    items = load_allsides_crawl()[:240]
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(0, len(items), 60):  # four files: four read tasks
        write_jsonl(items[k : k + 60], folder / f"{k:04d}.jsonl")
    Pipeline(db=tmp_path / "run.db").run([str(folder)], collect=False)
    from tidings.spark import run_spark

    result = run_spark([str(folder)], tmp_path / "out", "local[2]", store=str(tmp_path / "spark.db"))
    assert "copies_join" in result.timings and "cluster_buckets" in result.timings  # the join and the buckets ran
    run_groups, run_copies, run_summaries = outcome(tmp_path / "run.db")
    spark_groups, spark_copies, spark_summaries = outcome(tmp_path / "spark.db")
    by_story = lambda groups: {i: str(sorted(g)) for g in groups for i in g}  # noqa: E731
    assert set(by_story(spark_groups)) == set(by_story(run_groups))  # the same articles kept (and skipped)
    assert len(by_story(run_groups)) > 200
    assert bcubed_f1(by_story(spark_groups), by_story(run_groups)) >= 0.98
    assert spark_copies == run_copies
    same = run_groups & spark_groups
    assert len(same) >= 0.9 * len(run_groups)
    assert all(spark_summaries[g] == run_summaries[g] for g in same)


def join_pairs(batches: list[list], settings: Settings) -> CopyPairs:
    """What the Spark job's copy join finds, with its executor functions called in plain Python (the grouping by
    band key and by block that Spark does is a dict here)."""
    from test_dedupe import embed

    rows, row = [], 0
    for batch in batches:
        for i in processing_order(batch):
            vector = embed([batch[i]])[0].astype("<f4").tobytes()
            rows.append({"row": row, "article": pickle.dumps(batch[i]), "vector": vector})
            row += 1
    prepared = list(copy_rows(rows, settings))
    pairs = CopyPairs()
    buckets: dict[bytes, list] = defaultdict(list)
    for p in prepared:
        for key in p["keys"]:
            buckets[key].append((p["row"], p["id"]))
    for members in buckets.values():
        for aid, other in bucket_pairs(members, settings.dedupe.max_copy_candidates):
            if other not in pairs.near.setdefault(aid, []):
                pairs.near[aid].append(other)
    blocks: dict[tuple, list] = defaultdict(list)
    undated = any(p["day"] is None for p in prepared)
    for p in prepared:
        for key, member in window_keys(p, settings.dedupe.paraphrase_max_days + 2.0, 2 if undated else None):
            blocks[key].append(member)
    for key, members in blocks.items():
        for aid, found in reworded_block(key, members, settings):
            pairs.reworded.setdefault(aid, []).append(found)
    return pairs


def test_the_copy_join_gives_the_copies_of_the_detectors_own_indexes() -> None:
    """The join's candidates (shared LSH band keys, exact nearest earlier neighbours by time window or row block,
    alignment verdicts) make the detector decide as its LSH tables and embedding index do."""
    from test_dedupe import FIRE, FIRE_OTHER_OUTLET, FIRE_REWORDED, MATCH, detect, edited_copy, make, needs_model

    needs_model()

    def batches() -> list[list]:
        return [
            [
                make(edited_copy(FIRE), "Fire", "2024-05-05T09:00:00Z", url="https://b.example/1"),
                make(FIRE, "Warehouse fire", "2024-05-05T06:00:00Z", url="https://a.example/1"),
                make(MATCH, "Rovers win", "2024-05-04", url="https://c.example/1"),
            ],
            [
                make(FIRE_REWORDED, "Landmark burns", "2024-05-06T10:00:00Z", url="https://d.example/1"),
                make(FIRE_OTHER_OUTLET, "A personal loss", "2024-05-06", url="https://e.example/1"),
                make(FIRE, "Warehouse fire (wire)", None, url="https://f.example/1"),  # undated: a row block
                make(MATCH + "\n\nTickets go on sale on Monday.", "Rovers top", None, url="https://h.example/1"),
            ],
        ]

    settings = Settings()
    own, joined = batches(), batches()
    pairs = join_pairs(joined, settings)
    assert pairs.near and pairs.reworded
    by_index, by_join = CopyDetector(settings.dedupe), CopyDetector(settings.dedupe, pairs)
    for mine, theirs in zip(own, joined, strict=True):
        detect(by_index, mine)
        detect(by_join, theirs)
    relations = lambda bs: {a.id: (a.copy_of, a.relation) for b in bs for a in b}  # noqa: E731
    assert relations(joined) == relations(own)
    kinds = [rel for _, rel in relations(joined).values()]
    assert sorted(kinds, key=str) == sorted(
        ["near_duplicate", "original", "original", "paraphrase", None, "duplicate", "near_duplicate"], key=str
    )


def test_a_big_jsonl_file_is_read_in_pieces_that_give_the_items_of_the_whole_file(tmp_path: Path) -> None:
    import json

    from tidings.ingest import iter_documents

    lines = [json.dumps({"title": f"Ferry {n}", "text": f"The Corran ferry sailed {n} times. " * 5}) for n in range(40)]
    lines[7] = "{not json"  # a bad line is skipped with its own line number, in whichever piece it falls
    lines[20] = ""
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    small = tmp_path / "small.jsonl"
    small.write_text(lines[0] + "\n", encoding="utf-8")
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(("\n".join(lines).replace("Ferry", "Fähre") + "\n").encode("latin-1"))
    settings = Settings()
    files = input_files([str(tmp_path)])
    units = input_units(files, 4, settings)
    pieces = [u for u, _ in units if isinstance(u, tuple)]
    assert len(pieces) >= 2 and {p[0] for p in pieces} == {str(big)}  # not the small one, nor the latin-1 one
    assert [u for u, _ in units if not isinstance(u, tuple)] == [str(latin), str(small)]
    whole = [(i.origin, getattr(i, "content", None), getattr(i, "reason", None))
             for i in iter_documents([name for name, _ in files], settings.ingest)]
    read = [(i.origin, getattr(i, "content", None), getattr(i, "reason", None))
            for i in read_units([u for u, _ in units], settings)]
    assert read == whole and len(read) == 2 * 39 + 1
    assert any(origin == f"{big}:8" and reason for origin, _, reason in read)


def bucket_rows(articles: list, settings: Settings) -> list[dict]:
    """The rows `--cluster buckets` gives its tasks (one Pipeline batch here), as plain dicts."""
    from test_cluster import embed

    vectors = embed(articles)
    return [{"batch": 1, "row": n, "article": pickle.dumps(a), "vector": v.astype("<f4").tobytes()}
            for n, (a, v) in enumerate(zip(articles, vectors, strict=True))]


def test_stories_that_straddle_a_bucket_edge_are_joined_by_the_edge_task() -> None:
    """Three events whose first report comes an hour before a bucket edge and the others just after it: each
    bucket's clusterer makes half a story of each; the edge's task joins the halves, and keeps the events apart."""
    from datetime import UTC, datetime, timedelta

    from test_cluster import gold, make_articles, partition, require_model
    from tidings.spark import UNDATED, bucket_of, cluster_bucket, edge_merges, final_stories, story_edges

    require_model()
    settings = Settings()
    days = settings.spark.cluster_bucket_days
    edge = datetime(2031, 3, 1, tzinfo=UTC).timestamp() // (days * 86_400) * (days * 86_400) + days * 86_400
    articles = make_articles()
    for n, a in enumerate(articles):
        hours = -1 if n % 3 == 0 else n % 3  # each event's first article before the edge, the others after
        a.published = (datetime.fromtimestamp(edge, UTC) + timedelta(hours=hours, minutes=n)).isoformat()
    rows = bucket_rows(articles, settings)
    buckets: dict[int, list] = defaultdict(list)
    for r in rows:
        buckets[bucket_of(pickle.loads(r["article"]), days)].append(r)
    assert len(buckets) == 2 and UNDATED not in buckets
    placed = [(b, *p) for b, members in buckets.items() for p in cluster_bucket(members, settings)]
    halves = {aid: sid for _, aid, sid, _, _ in placed}
    assert len(set(halves.values())) == 6  # each event split in two by the edge
    edges = story_edges(placed, days, settings.cluster.window_days)
    tasks: dict[int, list] = defaultdict(list)
    for r in rows:
        sid = halves[pickle.loads(r["article"]).id]
        for key, side in edges.get(sid, ()):
            tasks[key].append({**r, "story": sid, "side": side})
    assert len(tasks) == 1
    merges = [m for members in tasks.values() for m in edge_merges(members, settings)]
    assert partition(final_stories(placed, merges)) == partition(gold(articles))
