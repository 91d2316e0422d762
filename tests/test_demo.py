"""`tidings demo` on the bundled sample corpus, checked against the corpus' own truth.json."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tidings.cli import app, samples_dir

TRUTH = json.loads((samples_dir() / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    """A folder where `tidings demo` ran as `make demo` runs it: no --db, so into the default store."""
    tmp = tmp_path_factory.mktemp("demo")
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        res = CliRunner().invoke(app, ["demo", "--out", "out"])
    finally:
        os.chdir(cwd)
    assert res.exit_code == 0, res.output
    assert "index.html" in res.output
    return tmp


@pytest.fixture(scope="module")
def demo_export(demo_dir: Path) -> dict:
    return json.loads((demo_dir / "out" / "stories.json").read_text(encoding="utf-8"))


def test_after_the_demo_the_default_store_holds_its_stories(demo_dir: Path, demo_export: dict, monkeypatch) -> None:
    """`make demo` then `tidings stories` / `tidings show ID`, as the README says, with no --db."""
    monkeypatch.chdir(demo_dir)
    assert (demo_dir / "tidings.db").exists()
    listing = CliRunner().invoke(app, ["stories"])
    assert listing.exit_code == 0, listing.output
    for story in demo_export["stories"]:
        assert story["id"] in listing.output
    first = demo_export["stories"][0]
    shown = CliRunner().invoke(app, ["show", first["id"]])
    assert shown.exit_code == 0 and first["headline"] in shown.output


def bcubed_f1(predicted: dict[str, str], gold: dict[str, str]) -> float:
    """B-cubed F1 of a clustering (item -> cluster) against gold (item -> class)."""
    items = list(gold)
    p = r = 0.0
    for i in items:
        same_pred = {j for j in items if predicted[j] == predicted[i]}
        same_gold = {j for j in items if gold[j] == gold[i]}
        p += len(same_pred & same_gold) / len(same_pred)
        r += len(same_pred & same_gold) / len(same_gold)
    p, r = p / len(items), r / len(items)
    return 2 * p * r / (p + r)


def test_demo_reads_every_sample(demo_export):
    titles = {a["title"] for a in demo_export["articles"]}
    expected = {t for ts in TRUTH["stories"].values() for t in ts} | {TRUTH["unrelated"]}
    assert expected <= titles
    assert demo_export["skipped"] == []


def test_demo_stories_match_truth(demo_export):
    by_title = {a["title"]: a for a in demo_export["articles"]}
    gold = {t: key for key, ts in TRUTH["stories"].items() for t in ts} | {TRUTH["unrelated"]: "unrelated"}
    predicted = {t: by_title[t]["story_id"] for t in gold}
    assert bcubed_f1(predicted, gold) >= 0.9
    unrelated_story = by_title[TRUTH["unrelated"]]["story_id"]
    assert Counter(predicted.values())[unrelated_story] == 1


@pytest.mark.parametrize(
    ("pair", "relations"),
    [("exact_duplicate", {"duplicate"}), ("syndicated_copy", {"near_duplicate"}), ("reworded_copy", {"paraphrase"})],
)
def test_demo_copies_know_their_original(demo_export, pair, relations):
    by_title = {a["title"]: a for a in demo_export["articles"]}
    original, copy = (by_title[t] for t in TRUTH[pair])
    if pair == "reworded_copy":
        # Both pages are undated, uncredited and equally long: nothing says which came first, so only the link
        # between them is checked, not its direction.
        original, copy = sorted((original, copy), key=lambda a: a["relation"] != "original")
    assert copy["relation"] in relations
    assert copy["copy_of"] == original["id"]
    assert original["relation"] == "original"


def test_demo_finds_the_conflicting_figure(demo_export):
    by_title = {a["title"]: a for a in demo_export["articles"]}
    conflict = TRUTH["conflicting_figure"]
    ids = {by_title[t]["id"] for t in conflict["values"]}
    story_id = by_title[next(iter(conflict["values"]))]["story_id"]
    story = next(s for s in demo_export["stories"] if s["id"] == story_id)
    found = [c for c in story["conflicts"] if ids <= {x["article_id"] for x in c["claims"]}]
    assert found, story["conflicts"]


def test_demo_summaries_are_cited(demo_export):
    for story in demo_export["stories"]:
        assert story["summary"], story["headline"]
        assert all(s["article_ids"] and set(s["article_ids"]) <= set(story["article_ids"]) for s in story["summary"])


def test_demo_removes_boilerplate(demo_export):
    for article in demo_export["articles"]:
        text = article["text"].lower()
        for junk in ("leave a reply", "post a comment", "products you may like", "turn on javascript"):
            assert junk not in text, (article["title"], junk)


def test_demo_twice_is_idempotent(tmp_path):
    runner = CliRunner()
    args = ["demo", "--out", str(tmp_path / "out"), "--db", str(tmp_path / "d.db")]
    assert runner.invoke(app, args).exit_code == 0
    first = json.loads((tmp_path / "out" / "stories.json").read_text())
    res = runner.invoke(app, args)
    assert res.exit_code == 0 and "(0 new)" in res.output
    second = json.loads((tmp_path / "out" / "stories.json").read_text())
    assert [a["id"] for a in first["articles"]] == [a["id"] for a in second["articles"]]
    assert [s["id"] for s in first["stories"]] == [s["id"] for s in second["stories"]]


def test_samples_are_packaged():
    files = {p.suffix for p in (Path(samples_dir()) / "articles").iterdir()}
    assert {".txt", ".html", ".jsonl", ".rss"} <= files
