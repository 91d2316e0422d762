"""The pipeline end to end on small fictional inputs and on the seed articles (read from ../shared)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from tidings import pipeline as pipeline_module
from tidings.pipeline import Pipeline
from tidings.settings import Settings
from tidings.store import Store

STRIKE = [
    (
        "Dock strike shuts Port Valen terminal",
        "harbourgazette.example",
        "2026-03-02",
        "Dock workers in Port Valen walked off the job on Monday, shutting the city's container terminal.\n\n"
        "The Valen Dockers Union said 3,200 members joined the strike after wage talks with the port authority "
        "collapsed.\n\n"
        "\u201cWe will not unload a single ship until the offer improves,\u201d union leader Mara Quill said.\n\n"
        "Port director Anselm Brisk said the authority remained open to talks.",
    ),
    (
        "Port Valen dockers strike over pay",
        "kestrelmouthpost.example",
        "2026-03-02",
        "Thousands of dock workers in Port Valen went on strike on Monday after pay talks broke down.\n\n"
        "The union said 4,000 members had joined the strike, closing the container terminal.\n\n"
        "Mara Quill, who leads the Valen Dockers Union, said: \u201cWe will not unload a single ship.\u201d\n\n"
        "Ships queued outside the harbour as the walkout began.",
    ),
]
BAKE = (
    "Ashcombe bake sale raises funds for library roof",
    "ashcombeadvertiser.example",
    "2026-03-03",
    "A bake sale at Ashcombe primary school raised money for the village library roof on Saturday.\n\n"
    "Volunteers sold lemon cakes, scones and apple pies to hundreds of visitors.\n\n"
    "Librarian Petra Holm thanked the bakers and said repairs would start in April.",
)


def write_jsonl(path: Path, rows: list[tuple[str, str, str, str]], story: str | None = None) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for title, site, day, text in rows:
            obj = {"title": title, "text": text, "site": site, "published": day, "url": f"https://{site}/{day}"}
            if story:
                obj["story"] = story
            f.write(json.dumps(obj) + "\n")
    return path


def test_run_groups_same_event_and_separates_others(tmp_path, db):
    src = write_jsonl(tmp_path / "in.jsonl", [*STRIKE, BAKE])
    result = Pipeline(db=db).run([str(src)])
    assert len(result.articles) == 3 and result.new_articles == 3
    by_title = {a.title: a for a in result.articles}
    strike_ids = {by_title[t].story_id for t, *_ in STRIKE}
    assert len(strike_ids) == 1
    assert by_title[BAKE[0]].story_id not in strike_ids
    strike = next(s for s in result.stories if s.id in strike_ids)
    assert strike.independent_sources == 2
    assert strike.summary and all(s.article_ids for s in strike.summary)
    assert strike.first_seen == "2026-03-02"
    assert [t.site for t in strike.timeline] == sorted(t.site for t in strike.timeline)  # same day: insertion order


def test_same_input_twice_changes_nothing(tmp_path, db):
    src = write_jsonl(tmp_path / "in.jsonl", [*STRIKE, BAKE])
    first = Pipeline(db=db).run([str(src)])
    second = Pipeline(db=db).run([str(src)])
    assert second.new_articles == 0
    assert [a.id for a in second.articles] == [a.id for a in first.articles]
    assert sorted(s.id for s in second.stories) == sorted(s.id for s in first.stories)
    assert [s.summary for s in second.stories] == [s.summary for s in first.stories]


def test_second_run_adds_to_existing_story(tmp_path, db):
    Pipeline(db=db).run([str(write_jsonl(tmp_path / "a.jsonl", [STRIKE[0], BAKE]))])
    result = Pipeline(db=db).run([str(write_jsonl(tmp_path / "b.jsonl", [STRIKE[1]]))])
    [article] = result.articles
    [story] = result.stories
    assert len(story.article_ids) == 2 and article.id in story.article_ids


def test_group_by_story_uses_the_story_field(tmp_path, db):
    src = tmp_path / "grouped.jsonl"
    write_jsonl(src, [STRIKE[0], BAKE], story="mixed-on-purpose")
    result = Pipeline(db=db).run([str(src)], group_by="story")
    assert len({a.story_id for a in result.articles}) == 1


def test_interrupted_run_keeps_committed_batches_only(tmp_path, db, monkeypatch):
    src = write_jsonl(tmp_path / "in.jsonl", [*STRIKE, BAKE])
    pipe = Pipeline(db=db, batch_size=2)
    real_assign = pipe.store.assign_stories
    calls = {"n": 0}

    def assign_then_die(conn, assignments, merged):
        calls["n"] += 1
        touched = real_assign(conn, assignments, merged)
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C inside the second batch's transaction
        return touched

    monkeypatch.setattr(pipe.store, "assign_stories", assign_then_die)
    with pytest.raises(KeyboardInterrupt):
        pipe.run([str(src)])
    assert pipe.store.count_articles() == 2  # the first batch, whole; nothing of the second
    # The next run finishes the job and rebuilds the stories the first batch touched.
    result = Pipeline(db=db).run([str(src)])
    assert result.new_articles == 1
    assert not Pipeline(db=db).store.dirty_story_ids()
    assert all(s.summary for s in result.stories)


def test_unreadable_input_is_skipped_and_run_goes_on(tmp_path, db):
    src = write_jsonl(tmp_path / "in.jsonl", [BAKE])
    with src.open("a") as f:
        f.write("{not json\n")
    (tmp_path / "empty.txt").write_text("")
    result = Pipeline(db=db).run([str(tmp_path)])
    assert len(result.articles) == 1
    reasons = {Path(s.origin).name.split(":")[0]: s.reason for s in result.skipped}
    assert "empty.txt" in reasons and "in.jsonl" in reasons


@pytest.mark.corpus
def test_seeds_make_one_cited_story(seeds_dir, db):
    result = Pipeline(db=db).run([str(seeds_dir)])
    assert len(result.articles) == 5
    assert len({a.story_id for a in result.articles}) == 1
    [story] = result.stories
    titles = {Path(a.origin).name[:3]: a.title for a in result.articles}
    first_lines = {p.name[:3]: next(line for line in p.read_text().splitlines() if line.strip()).strip()
                   for p in seeds_dir.glob("*.txt")}  # fmt: skip
    # Titles are the headline of each page, not its page-chrome first line (section labels, switchers).
    for key, title in titles.items():
        assert title and len(title.split()) >= 5, (key, title)
        assert title in (seeds_dir / next(p.name for p in seeds_dir.glob(key + "*"))).read_text()
    assert titles["000"] == first_lines["000"]
    assert 4 <= len(story.summary) <= 7
    assert all(s.article_ids for s in story.summary)
    assert story.independent_sources == 5


def test_stage_timings_are_recorded(tmp_path, db):
    pipe = Pipeline(db=db)
    pipe.run([str(write_jsonl(tmp_path / "in.jsonl", [BAKE]))])
    for stage in ("ingest", "clean", "embed", "dedupe", "cluster", "store", "analyze", "summarize"):
        assert stage in pipe.timings, stage
    assert pipe.timer.counts["clean"] == 1


def test_article_vector_is_title_and_lead_sentences():
    """An article's vector is the mean of its title's (counted twice) and its lead sentences' vectors, so the copy
    check and the analysis, which embed those sentences, find them in the vector cache."""
    from tidings.model import Article
    from tidings.resources import get_embedder

    encoder = get_embedder()
    body = " ".join(f"Sentence number {n} of the port strike report goes here." for n in range(60))
    a = Article(id="x", origin="o", title="Dockers strike in Port Valen", text=body)
    lead = pipeline_module.article_lead(a, lead_chars=200)
    assert lead[0] == "Sentence number 0 of the port strike report goes here."
    assert 3 <= len(lead) <= 5 and sum(map(len, lead)) < 300  # whole sentences, about 200 characters
    got = pipeline_module.article_vectors([a], encoder, lead_chars=200, title_weight=2.0)[0]
    parts = encoder.encode(["Dockers strike in Port Valen", *lead])
    want = 2.0 * parts[0] + parts[1:].sum(axis=0)
    assert np.allclose(got, want / np.linalg.norm(want), atol=1e-5)
    untitled = Article(id="y", origin="o", title=None, text="Too short.")  # no sentence of 3 words: the text itself
    assert np.isclose(np.linalg.norm(pipeline_module.article_vectors([untitled], encoder)[0]), 1.0, atol=1e-5)


# -- same input, same output --------------------------------------------------------------------------------------
# Four articles of one fictional site share its template lines (a masthead, a 'Story continues below' marker inside
# the body, a newsletter plug after it); a second site reports one of the same events. Only the memory of repeated
# lines can tell the template lines from the text, and only once two articles of the site have been seen.
LEDGER = "millbrookledger.example"
LEDGER_ROWS = [
    ("Millbrook council approves new bus depot", "2026-04-06",
     "The Millbrook town council approved plans for a new electric bus depot on Monday evening.",
     "Councillors voted seven to two in favour after a three-hour debate in the town hall.",
     "Construction is due to start in the autumn and should take about eighteen months."),
    ("Heavy rain floods Millbrook high street", "2026-04-07",
     "Heavy rain flooded shops along the Millbrook high street early on Tuesday morning.",
     "Firefighters pumped water out of a dozen basements as the river rose above its banks.",
     "The county weather office expects more showers until the end of the week."),
    ("Millbrook library reopens after roof repairs", "2026-04-08",
     "The Millbrook public library reopened on Wednesday after nine months of roof repairs.",
     "Readers queued outside the doors before the librarians unlocked them at nine o'clock.",
     "New shelves for the children's books were paid for by a bequest from a former teacher."),
    ("Millbrook rowing club wins regional title", "2026-04-09",
     "The Millbrook rowing club won the regional eights title on the river Lune on Thursday.",
     "The crew finished two lengths ahead of the defending champions from Kestrel Bay.",
     "Coach Ilse Varga said the young rowers had trained through the winter floods."),
]
OTHER_SITE = ("Bus depot gets green light in Millbrook", "lunevalleynews.example", "2026-04-06",
              "Millbrook councillors approved a new electric bus depot on Monday after a long debate.\n\n"
              "Seven councillors voted for the plans and two against at the town hall meeting.\n\n"
              "Work on the depot is expected to begin in the autumn.")


def _ledger_inputs() -> list[tuple[str, str, str, str]]:
    rows = []
    for title, day, first, second, third in LEDGER_ROWS:
        text = (f"Millbrook Ledger Weekend Edition\n\n{first}\n\n{second}\n\nStory continues below\n\n{third}\n\n"
                "Get the Ledger morning briefing every weekday")
        rows.append((title, LEDGER, day, text))
    rowing = LEDGER_ROWS[3]
    wire_copy = (rowing[0], "valleywire.example", rowing[1], "\n\n".join(rowing[2:]))  # a copy, without the template
    return [*rows, OTHER_SITE, wire_copy]


def _state(db: str) -> tuple[dict[str, str], set[frozenset[str]], int, dict[str, tuple[str | None, str | None]]]:
    """Every stored article's text by id, the stories as sets of article ids, the number of article rows and every
    article's copy relation."""
    p = Pipeline(db=db)
    ids = [a.id for a, _, _ in p.store.iter_index_rows()]
    articles = p.store.get_articles(ids)
    stories: dict[str, set[str]] = {}
    for a in articles:
        stories.setdefault(a.story_id or a.id, set()).add(a.id)
    texts = {a.id: a.text for a in articles}
    relations = {a.id: (a.relation, a.copy_of) for a in articles}
    return texts, {frozenset(s) for s in stories.values()}, p.store.count_articles(), relations


def _run_in_parts(tmp_path: Path, name: str, parts: list[list[tuple[str, str, str, str]]]) -> str:
    db = str(tmp_path / f"{name}.db")
    for n, part in enumerate(parts):
        Pipeline(db=db).run([str(write_jsonl(tmp_path / f"{name}-{n}.jsonl", part))])
    return db


def test_same_input_gives_same_articles_and_stories_however_it_is_split_into_runs(tmp_path):
    rows = _ledger_inputs()
    whole = _run_in_parts(tmp_path, "whole", [rows])
    reference = texts, stories, count, relations = _state(whole)
    assert count == len(rows) and len(texts) == len(rows)
    # the site's template lines are gone from every article, the first one of the site included
    assert not any("Story continues below" in t or "Weekend Edition" in t for t in texts.values())
    assert sorted(r for r, _ in relations.values() if r not in (None, "original")) == ["duplicate"]  # the wire copy
    depot = {i for i, t in texts.items() if "bus depot" in t}
    assert len(depot) == 2 and any(depot <= s for s in stories)
    splits = {
        "one-per-run": [[row] for row in rows],
        "one-per-run-reversed": [[row] for row in reversed(rows)],
        "four-runs-shuffled": [rows[2:4], rows[4:], rows[:1], rows[1:2]],
    }
    for name, parts in splits.items():
        db = _run_in_parts(tmp_path, name, parts)
        assert _state(db) == reference, name
        again = Pipeline(db=db).run([str(write_jsonl(tmp_path / f"{name}-again.jsonl", rows))])
        assert again.new_articles == 0 and not again.skipped, name  # re-run into the same store: nothing new
        assert _state(db) == reference, name
        # the re-run reports the stored articles, none of them a copy of itself
        assert {a.id: (a.relation, a.copy_of) for a in again.articles} == relations, name


def test_pages_that_are_not_articles_are_listed_as_skipped_not_made_stories(tmp_path, db):
    promo = "Chat with us in Facebook Messenger. Find out what's happening in the world as it unfolds."
    rows = [
        ("Fresh Basket Grocers", "freshbasket.example", "2026-03-02",
         "Sorry, this zipcode is not in our deliverable area.\n\nEnter another zipcode"),
        ("Ferry strike enters third day", "tarnbycourier.example", "2026-03-02", promo),
        ("Orchard harvest starts early", "tarnbycourier.example", "2026-08-19", promo),
        BAKE,
    ]
    result = Pipeline(db=db).run([str(write_jsonl(tmp_path / "in.jsonl", rows))])
    assert [a.title for a in result.articles] == [BAKE[0]] and len(result.stories) == 1
    reasons = sorted(s.reason for s in result.skipped)
    assert len(reasons) == 3 and all("\n" not in r for r in reasons)
    assert reasons[-1].startswith("not an article: an availability notice")


def test_progress_counts_each_input_as_it_is_read_and_names_each_stage(tmp_path, db):
    src = write_jsonl(tmp_path / "in.jsonl", [*STRIKE, BAKE])
    events: list[tuple[str, int, int | None]] = []
    Pipeline(db=db).run([str(src)], progress=lambda stage, done, total: events.append((stage, done, total)))
    stages = [stage for stage, _, _ in events]
    reads = [done for stage, done, _ in events if stage == "read"]
    assert reads == [1, 2, 3]  # one event per input, not one per batch
    assert stages.index("clean") > max(i for i, s in enumerate(stages) if s == "read")  # the batch is read first
    assert {"warm", "clean", "embed", "dedupe", "cluster", "store", "analyze", "summarize"} <= set(stages)
    assert ("clean", 3, None) in events  # a stage says how many articles it works on
    assert events[-1][0] == "stories"


def test_a_run_that_reads_nothing_loads_no_index_nor_model(tmp_path, db):
    events: list[str] = []
    result = Pipeline(db=db).run([str(tmp_path / "missing.txt")], progress=lambda stage, *_: events.append(stage))
    assert result.article_ids == [] and len(result.skipped) == 1
    assert "warm" not in events and "workers" not in events and "embed" not in events


def test_a_storys_sites_are_its_outlets_and_count_like_its_sources(tmp_path, db):
    rows = [(title, site, day, text) for (title, _, day, text), site in
            zip(STRIKE, ["www.harbourgazette.co.uk", "harbourgazette.co.uk"], strict=True)]  # fmt: skip
    story = Pipeline(db=db).run([str(write_jsonl(tmp_path / "in.jsonl", rows))]).stories[0]
    assert story.sites == ["harbourgazette.co.uk"]
    assert story.independent_sources == 1  # two pages of one outlet


# -- interrupted and resumed = uninterrupted ---------------------------------------------------------------------
def _stored_state(db: str) -> tuple[dict[str, str], set[frozenset[str]], dict[frozenset[str], list]]:
    """Every article's text by id, the stories as sets of article ids, and each story's facts (text, articles,
    sources) by its set of articles."""
    from tidings.store import Store

    store = Store(db)
    ids = [a.id for a, _, _ in store.iter_index_rows()]
    articles = store.get_articles(ids)
    members: dict[str, set[str]] = {}
    for a in articles:
        members.setdefault(a.story_id or a.id, set()).add(a.id)
    facts = {}
    for story_id, ids_ in members.items():
        story = store.get_story(story_id)
        assert story is not None and sorted(story.article_ids) == sorted(ids_)
        facts[frozenset(ids_)] = [(f.text, sorted(f.article_ids), f.independent_sources) for f in story.facts]
    assert store.dirty_story_ids() == []
    store.close()
    return {a.id: a.text for a in articles}, {frozenset(s) for s in members.values()}, facts


def _kill_when(db: Path, ready: str, source: str) -> str:
    """Run the samples into ``db`` in a real process (batches of 3) and SIGKILL it as soon as the SQL ``ready``
    (over the store) is true; returns what the store held then."""
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    code = ("import sys; from tidings.pipeline import Pipeline; "
            "Pipeline(db=sys.argv[1], batch_size=3).run([sys.argv[2]])")
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), source], stderr=subprocess.PIPE)
    state = ""
    try:
        while proc.poll() is None:
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
                row = con.execute(ready).fetchone()
                con.close()
            except sqlite3.Error:  # not created yet, or being written
                row = None
            if row and row[0]:
                proc.send_signal(signal.SIGKILL)
                state = str(row)
                break
            time.sleep(0.005)
    finally:
        proc.kill()
        proc.wait()
    assert state, f"the run ended before it could be killed there: {proc.stderr.read().decode()[-1500:]}"
    return state


@pytest.mark.parametrize(
    "where",
    [
        # mid-batch: one to three batches committed (of seven), their stories not rebuilt yet
        "SELECT count(*) BETWEEN 3 AND 9, count(*) FROM articles",
        # mid-rebuild: every article stored, some briefings written and some not
        "SELECT (SELECT count(*) FROM articles) = 20 AND sum(dirty = 0) > 0 AND sum(dirty = 1) > 0, sum(dirty) "
        "FROM stories",
    ],
    ids=["mid-batch", "mid-rebuild"],
)
def test_a_killed_and_resumed_run_stores_what_one_run_stores(tmp_path, where, uninterrupted):
    source, reference = uninterrupted
    resumed = tmp_path / "resumed.db"
    _kill_when(resumed, where, source)
    Pipeline(db=str(resumed), batch_size=3).run([source])
    assert _stored_state(str(resumed)) == reference


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> tuple[str, tuple]:
    """The samples run in one go (batches of 3) and what that stored."""
    from tidings.cli import samples_dir

    source = str(samples_dir() / "articles")
    db = tmp_path_factory.mktemp("whole") / "whole.db"
    Pipeline(db=str(db), batch_size=3).run([source])
    reference = _stored_state(str(db))
    texts, stories, _facts = reference
    assert len(texts) == 20 and len(stories) >= 5
    return source, reference


def test_a_new_run_on_a_store_clusters_from_the_state_the_last_run_left(tmp_path, db):
    # The clusterer is online: a run that continues (or resumes) a store replays the stored batches, so the next
    # article meets exactly the stories, centroids and counters the uninterrupted run would show it.
    src = write_jsonl(tmp_path / "in.jsonl", [*STRIKE, BAKE, *[(t, LEDGER, d, a) for t, d, a, _b, _c in LEDGER_ROWS]])
    online = Pipeline(db=db, batch_size=2)
    online.run([str(src)])
    warmed = Pipeline(db=db)
    warmed._warm()
    probes = [a for a, _, _ in warmed.store.iter_index_rows()]
    embeddings = {a.id: e for a, _, e in warmed.store.iter_index_rows()}
    for probe in warmed.store.get_articles([a.id for a in probes]):
        probe.id = "probe-" + probe.id  # a new article just like a stored one
        want = online._clusterer.candidates(probe, embeddings[probe.id[6:]])
        got = warmed._clusterer.candidates(probe, embeddings[probe.id[6:]])
        assert [s for s, _ in got] == [s for s, _ in want]
        assert all(np.array_equal(g, w) for (_, g), (_, w) in zip(got, want, strict=True))


def test_a_store_past_the_replay_cap_is_loaded_from_its_stories(tmp_path, db):
    # Replay costs a gate decision per stored article: past max_replay_articles the clusterer takes the stored
    # stories as they are (a bounded start-up), and a new run still adds to them.
    src = write_jsonl(tmp_path / "in.jsonl", [*STRIKE, BAKE])
    Pipeline(db=db).run([str(src)])
    settings = Settings()
    settings.cluster.max_replay_articles = 0
    warmed = Pipeline(settings, db=db)
    warmed._warm()
    assert not warmed._exact_replay
    stored = {a.id: a.story_id for a, _, _ in warmed.store.iter_index_rows()}
    assert {aid: warmed._clusterer.story_of(aid) for aid in stored} == stored
    more = write_jsonl(tmp_path / "more.jsonl", [(f"{STRIKE[0][0]} (update)", "c.example", *STRIKE[0][2:])])
    [article] = warmed.run([str(more)]).articles
    strike_story = Counter(stored.values()).most_common(1)[0][0]  # the strike's articles, the bake sale alone
    assert article.story_id == strike_story


def test_past_the_replay_cap_only_the_open_window_is_loaded_and_late_articles_reopen_it(tmp_path, db):
    # Past max_replay_articles a pipeline loads the articles of the last warm_window_days only: the strike, two
    # months older than the newest article, is archived; a late update of it, and a copy of it put out again now,
    # still find its story (they reopen it from the store).
    bake = (BAKE[0], BAKE[1], "2026-05-20", BAKE[3])
    Pipeline(db=db).run([str(write_jsonl(tmp_path / "in.jsonl", [*STRIKE, bake]))])
    settings = Settings()
    settings.cluster.max_replay_articles = 0
    warmed = Pipeline(settings, db=db)
    warmed._warm()
    stored = {a.id: (a.story_id, a.published) for a, _, _ in warmed.store.iter_index_rows()}
    strike_ids = [aid for aid, (_, day) in stored.items() if day == "2026-03-02"]
    [bake_id] = [aid for aid, (_, day) in stored.items() if day == "2026-05-20"]
    assert warmed._clusterer.story_of(bake_id) == stored[bake_id][0]
    assert all(warmed._clusterer.story_of(aid) is None for aid in strike_ids) and len(warmed._copies) == 1
    strike_story = stored[strike_ids[0]][0]
    late = (f"{STRIKE[0][0]} (update)", "c.example", "2026-03-03", STRIKE[0][3])
    [article] = warmed.run([str(write_jsonl(tmp_path / "late.jsonl", [late]))]).articles
    assert article.story_id == strike_story
    again = ("Port Valen terminal shut by strike", "d.example", "2026-05-21", STRIKE[1][3])  # the same words
    [copy] = warmed.run([str(write_jsonl(tmp_path / "copy.jsonl", [again]))]).articles
    assert (copy.relation, copy.copy_of, copy.story_id) == ("duplicate", strike_ids[1], strike_story)
    # a pipeline that runs on: once the newest date has moved a whole window past its window, it loads it anew
    title, _day, *body = LEDGER_ROWS[0]
    warmed.run([str(write_jsonl(tmp_path / "later.jsonl", [(title, LEDGER, "2026-06-10", "\n\n".join(body))]))])
    assert warmed._clusterer.story_of(bake_id) == stored[bake_id][0]
    warmed._warm()
    assert warmed._clusterer.story_of(bake_id) is None and len(warmed._copies) == 1


def test_a_warm_pipeline_whose_store_grows_past_the_replay_cap_loads_the_window_as_a_new_one_would(tmp_path, db):
    settings = Settings()
    settings.cluster.max_replay_articles = 2
    running = Pipeline(settings, db=db)
    running.run([str(write_jsonl(tmp_path / "in.jsonl", STRIKE))])
    assert running._exact_replay
    [article] = running.run([str(write_jsonl(tmp_path / "more.jsonl", [BAKE]))]).articles
    running._warm()  # what its next batch does first
    assert not running._exact_replay  # 3 stored: past the cap, its indexes now hold the open window only
    fresh = Pipeline(settings, db=db)
    fresh._warm()
    assert not fresh._exact_replay and len(fresh._copies) == len(running._copies) == 3
    assert running._clusterer.story_of(article.id) == fresh._clusterer.story_of(article.id) == article.story_id


def test_one_long_paragraph_is_stored_whole_and_its_story_built_from_its_head(tmp_path):
    # A ~300 KB paragraph with no sentence end (under every size cap) once took minutes and gigabytes in the story
    # rebuild: the briefing reads the first max_article_chars, in sentences of at most max_sentence_chars.
    settings = Settings()
    unit = "the port strike went on as talks on pay broke down said Dana Ortiz of the union "
    huge = unit * (300_000 // len(unit))
    assert len(huge) > 2 * settings.analyze.max_article_chars and "." not in huge
    path = write_jsonl(tmp_path / "in.jsonl", [("Port strike drags on", "a.example", "2024-05-02", huge), STRIKE[0]])
    db = str(tmp_path / "t.db")
    result = Pipeline(settings, db=db).run([str(path)])
    store = Store(db)
    assert store.dirty_story_ids() == []
    stored = {a.title: a for a in store.get_articles(result.article_ids)}
    assert stored["Port strike drags on"].text == huge.strip()  # stored whole: the cap is what the briefing reads
    story = store.get_story(stored["Port strike drags on"].story_id)
    assert story.summary and all(len(s.text) <= settings.analyze.max_sentence_chars for s in story.summary)


def test_a_warm_pipeline_catches_up_on_another_writers_batches_only(tmp_path, db):
    # The server's pipeline stays warm between POSTs; when another process stored articles meanwhile it replays
    # only those rows, and ends in the state a pipeline warmed from scratch on the whole store has.
    ledger = [(t, LEDGER, d, a) for t, d, a, _b, _c in LEDGER_ROWS]
    server = Pipeline(db=db, batch_size=2)
    server.run([str(write_jsonl(tmp_path / "a.jsonl", [*STRIKE, BAKE]))])
    held = server._replayed
    Pipeline(db=db, batch_size=2).run([str(write_jsonl(tmp_path / "b.jsonl", ledger))])  # another process
    copies, clusterer = server._copies, server._clusterer
    server._warm()
    assert (server._copies, server._clusterer) == (copies, clusterer)  # caught up in place, not rebuilt
    assert held < server._replayed == server.store.last_seq()
    fresh = Pipeline(db=db)
    fresh._warm()
    rows = list(server.store.iter_index_rows())
    for probe in server.store.get_articles([a.id for a, _, _ in rows]):
        embedding = {a.id: e for a, _, e in rows}[probe.id]
        probe.id = "probe-" + probe.id
        want = fresh._clusterer.candidates(probe, embedding)
        got = server._clusterer.candidates(probe, embedding)
        assert [s for s, _ in got] == [s for s, _ in want]
        assert all(np.array_equal(g, w) for (_, g), (_, w) in zip(got, want, strict=True))
    assert len(server._copies) == len(fresh._copies) == server.store.count_articles()
