"""Story clustering: what a user sees is which articles end up in the same story, run after run."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from tidings.cluster import FEATURES, StoryClusterer, parse_time
from tidings.model import Article
from tidings.resources import get_embedder
from tidings.settings import ClusterSettings
from tidings.text import stable_id

# Fictional events, three outlets each, written for these tests.
EVENTS: dict[str, list[tuple[str, str]]] = {
    "bridge": [
        (
            "Lowmere harbour bridge shut after engineers find crack",
            "The Lowmere harbour bridge was closed to all traffic on Tuesday after city engineers found a crack in "
            "one of its steel girders. Mayor Odile Tamsin said ferries would run every twenty minutes.",
        ),
        (
            "Crack in girder closes Lowmere's harbour crossing",
            "Engineers inspecting the harbour bridge in Lowmere discovered a crack in a main girder, and the city "
            "closed the crossing. Mayor Tamsin promised extra ferry services while repairs are planned.",
        ),
        (
            "Lowmere bridge closure: ferries added as girder repairs begin",
            "Lowmere has closed its harbour bridge because of a cracked girder, Mayor Odile Tamsin announced. "
            "Commuters were told to use the ferries until engineers finish the repairs.",
        ),
    ],
    "chess": [
        (
            "Ilsa Verhoven wins national chess championship in Brantford",
            "Ilsa Verhoven, 19, won the national chess championship in Brantford on Sunday, beating the defending "
            "champion Marek Dunsby in a tense final game that lasted six hours.",
        ),
        (
            "Teenager Verhoven takes chess title from champion Dunsby",
            "The chess prodigy Ilsa Verhoven became national champion after defeating Marek Dunsby in the final "
            "round of the Brantford tournament, a six-hour endgame.",
        ),
        (
            "Brantford chess final: Verhoven dethrones Dunsby",
            "Nineteen-year-old Ilsa Verhoven is the new national chess champion. She beat Marek Dunsby in Brantford "
            "after six hours of play in the deciding game.",
        ),
    ],
    "flood": [
        (
            "Floods swamp farms across the Kessin valley",
            "Heavy rain pushed the river Aldry over its banks and flooded dozens of farms in the Kessin valley, "
            "where farmers moved their cattle to higher ground overnight.",
        ),
        (
            "River Aldry bursts its banks, Kessin valley farms under water",
            "Farmers in the Kessin valley were evacuating livestock after the river Aldry flooded fields following "
            "two days of heavy rain.",
        ),
        (
            "Kessin valley flooding: cattle moved as Aldry overflows",
            "Dozens of farms in the Kessin valley are under water after the Aldry river overflowed in heavy rain; "
            "farmers spent the night moving cattle to safety.",
        ),
    ],
}


def make_articles(dated: bool = True, day: str = "2031-03-04") -> list[Article]:
    articles = []
    for n, (event, items) in enumerate(EVENTS.items()):
        for k, (title, text) in enumerate(items):
            published = f"{day}T{8 + k:02d}:{10 * n:02d}:00+00:00" if dated else None
            aid = stable_id(event, str(k), prefix="a")
            articles.append(Article(id=aid, origin=f"{event}-{k}", title=title, text=text, published=published))
    return articles


def gold(articles: list[Article]) -> dict[str, str]:
    return {a.id: a.origin.split("-")[0] for a in articles}


def embed(articles: list[Article]) -> np.ndarray:
    return get_embedder().encode([f"{a.title}\n{a.text[:1000]}" for a in articles])


def require_model() -> None:
    """The gate's weights were fitted on MiniLM embeddings; with the hashing fallback (model not installed) stories
    still form, but hand-made paraphrases are not guaranteed to join."""
    if get_embedder().name.startswith("hashing"):
        pytest.skip("sentence-embedding model not installed (hashing fallback): partition checks need it")


def partition(assignment: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for aid, sid in assignment.items():
        groups.setdefault(sid, set()).add(aid)
    return {frozenset(g) for g in groups.values()}


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return make_articles()


@pytest.fixture(scope="module")
def vectors(articles: list[Article]) -> np.ndarray:
    return embed(articles)


def test_same_event_joins_and_different_events_stay_apart(articles: list[Article], vectors: np.ndarray) -> None:
    require_model()
    assigned = StoryClusterer(ClusterSettings()).assign(articles, vectors)
    assert set(assigned) == {a.id for a in articles}
    assert partition(assigned) == partition(gold(articles))


def test_new_story_id_comes_from_its_first_article(articles: list[Article], vectors: np.ndarray) -> None:
    require_model()
    assigned = StoryClusterer(ClusterSettings()).assign(articles, vectors)
    for event in EVENTS:
        members = [a for a in articles if a.origin.startswith(event)]
        first = min(members, key=lambda a: (a.published or "", a.id))
        assert {assigned[a.id] for a in members} == {stable_id(first.id, prefix="s")}


def test_undated_articles_still_cluster() -> None:
    require_model()
    undated = make_articles(dated=False)
    assigned = StoryClusterer(ClusterSettings()).assign(undated, embed(undated))
    assert partition(assigned) == partition(gold(undated))


def test_time_window_keeps_far_apart_articles_in_separate_stories(articles: list[Article], vectors: np.ndarray) -> None:
    require_model()
    settings = ClusterSettings()
    bridge = [a for a in articles if a.origin.startswith("bridge")]
    later = [
        dataclasses.replace(a, id=a.id + "-later", published="2031-06-20T09:00:00+00:00") for a in bridge[1:]
    ]
    batch = [bridge[0], *later]
    vecs = embed(batch)
    assigned = StoryClusterer(settings).assign(batch, vecs)
    days = parse_time(later[0].published) - parse_time(bridge[0].published)  # type: ignore[operator]
    assert days > settings.window_days
    assert assigned[bridge[0].id] != assigned[later[0].id]
    assert assigned[later[0].id] == assigned[later[1].id]  # within the window they still join


def test_assignment_is_deterministic_whatever_the_input_order(articles: list[Article], vectors: np.ndarray) -> None:
    first = StoryClusterer(ClusterSettings()).assign(articles, vectors)
    order = list(reversed(range(len(articles))))
    again = StoryClusterer(ClusterSettings()).assign([articles[i] for i in order], vectors[order])
    assert first == again


def test_second_run_adds_to_stories_of_the_first(articles: list[Article], vectors: np.ndarray) -> None:
    batch = StoryClusterer(ClusterSettings()).assign(articles, vectors)
    order = sorted(range(len(articles)), key=lambda i: (articles[i].published or "", articles[i].id))
    head, tail = order[: len(order) // 2], order[len(order) // 2 :]
    first_run = StoryClusterer(ClusterSettings()).assign([articles[i] for i in head], vectors[head])
    second = StoryClusterer(ClusterSettings())
    for i in head:  # as the pipeline warms the clusterer from the store
        stored = dataclasses.replace(articles[i], story_id=first_run[articles[i].id])
        second.add_known(stored, vectors[i])
    second_run = second.assign([articles[i] for i in tail], vectors[tail])
    assert {**first_run, **second_run} == batch
    assert second.story_of(articles[head[0]].id) == batch[articles[head[0]].id]


def test_copies_follow_their_original(articles: list[Article], vectors: np.ndarray) -> None:
    chess = next(a for a in articles if a.origin == "chess-0")
    # A copy whose text was mangled beyond recognition still goes where its original is: dedupe decided.
    copy = Article(
        id="a-copy",
        origin="copy",
        title="Syndicated",
        text="Reprinted with permission; the storm over the Kessin valley flooded farms.",
        published="2031-03-05T10:00:00+00:00",
        copy_of=chess.id,
        relation="near_duplicate",
    )
    batch = [*articles, copy]
    assigned = StoryClusterer(ClusterSettings()).assign(batch, np.vstack([vectors, embed([copy])]))
    assert assigned[copy.id] == assigned[chess.id]

    # Also when the original was stored by an earlier run.
    warm = StoryClusterer(ClusterSettings())
    for a, v in zip(articles, vectors, strict=True):
        warm.add_known(dataclasses.replace(a, story_id=assigned[a.id]), v)
    assert warm.assign([copy], embed([copy])) == {copy.id: assigned[chess.id]}


def test_a_copy_put_out_a_year_later_does_not_make_its_story_of_that_year() -> None:
    """The copy joins its original's story, but a new article of the copy's day, a year on, is not compared with
    that story: the time window is the originals' span."""
    only_dense = {f"{name}_weight": 0.0 for name in FEATURES} | {"dense_weight": 10.0}
    settings = ClusterSettings(bias=-6.5, **only_dense)
    v = np.eye(8, dtype=np.float32)[:1]
    original = Article(id="a0", origin="x", title="", text="", published="2031-01-01T09:00:00")
    copy = Article(id="a1", origin="x", title="", text="", published="2032-01-01T09:00:00", copy_of="a0")
    clusterer = StoryClusterer(settings)
    first = clusterer.assign([original, copy], np.vstack([v, v]))
    assert first["a1"] == first["a0"]
    later = Article(id="a2", origin="x", title="", text="", published="2032-01-01T10:00:00")
    assert clusterer.assign([later], v)["a2"] != first["a0"]


def test_close_stories_merge_and_the_merge_is_recorded() -> None:
    """Two stories far apart, then articles that sit between them: the grown story absorbs the other (the end-of-batch
    split, which would part the two again, is off)."""
    only_dense = {f"{name}_weight": 0.0 for name in FEATURES} | {"dense_weight": 10.0}
    # orthogonal stories: the content floors are off, so that this tests the merge alone
    settings = ClusterSettings(bias=-5.0, merge_margin=-3.0, min_cosine=0.0, min_centroid_cosine=0.0,
                               split_cosine=-1.0, **only_dense)
    e1, e2 = np.eye(8, dtype=np.float32)[:2]
    bridge = (e1 + e2) / np.linalg.norm(e1 + e2)
    docs = [
        Article(id="a1", origin="x", title="Alpha", text="one", published="2031-01-01T00:00:00"),
        Article(id="a2", origin="x", title="Beta", text="two", published="2031-01-01T01:00:00"),
        Article(id="a3", origin="x", title="Gamma", text="three", published="2031-01-01T02:00:00"),
    ]
    clusterer = StoryClusterer(settings)
    assigned = clusterer.assign(docs, np.stack([e1, e2, bridge]))
    assert len(set(assigned.values())) == 1
    assert clusterer.merged, "the absorbed story is reported so the store can rewrite it"
    (old, new), = clusterer.merged.items()
    assert new == assigned["a1"] and old != new
    assert clusterer.story_count == 1


def test_every_feature_is_a_setting() -> None:
    settings = ClusterSettings()
    for name in FEATURES:
        assert isinstance(getattr(settings, f"{name}_weight"), float)


@pytest.mark.parametrize("value", ["2031-03-04", "2031-03-04T10:00:00Z", "2031-03-04T10:00:00+02:00"])
def test_dates_parse(value: str) -> None:
    t = parse_time(value)
    assert t is not None and abs(t - parse_time("2031-03-04")) < 1.0  # type: ignore[operator]


def test_bad_dates_count_as_undated() -> None:
    assert parse_time("next Tuesday") is None
    assert parse_time(None) is None


def test_cost_per_article_stays_bounded() -> None:
    """Many unrelated stories: each article sees at most `candidates` stories from each index it searches."""
    settings = ClusterSettings(candidates=5)
    rng = np.random.default_rng(7)
    vecs = rng.standard_normal((400, 32)).astype(np.float32)
    docs = [
        Article(id=f"a{i:03d}", origin="r", title=f"Item {i}", text="", published=f"2031-01-{1 + i % 28:02d}")
        for i in range(400)
    ]
    clusterer = StoryClusterer(settings)
    clusterer.assign(docs, vecs)
    probe = Article(id="probe", origin="r", title="Probe", text="", published="2031-01-15")
    found = clusterer.candidates(probe, rng.standard_normal(32).astype(np.float32))
    # three time buckets + the undated index (the continuation rule's farther buckets hold no near-identical story)
    assert len(found) <= settings.candidates * 4
    for a, b in itertools.pairwise(found):
        assert clusterer.score(a[1]) >= clusterer.score(b[1])


def test_an_article_seen_again_keeps_its_story_and_is_not_counted_twice(
    articles: list[Article], vectors: np.ndarray
) -> None:
    clusterer = StoryClusterer(ClusterSettings())
    first = clusterer.assign(articles, vectors)
    stories = clusterer.story_count
    assert clusterer.assign(articles, vectors) == first
    assert clusterer.story_count == stories


# Two fictional earthquakes of the same kind: different town, year and magnitude (the same-type-event trap).
QUAKES: dict[str, list[tuple[str, str]]] = {
    "quake_tervel": [
        (
            "Magnitude 5.8 earthquake shakes Tervel",
            "A magnitude 5.8 earthquake struck near Tervel on 12 May 2029, cracking walls in the old town. The Tervel "
            "fire brigade said 14 people were treated for light injuries.",
        ),
        (
            "Tervel quake of 5.8 injures 14",
            "Fourteen people were hurt when a 5.8 magnitude quake hit Tervel in May 2029, the fire brigade of Tervel "
            "said, as inspectors checked the cracked walls of the old town.",
        ),
        (
            "Tervel inspects old town after 5.8 tremor",
            "Inspectors in Tervel checked cracked walls in the old town after the magnitude 5.8 earthquake of May "
            "2029, in which 14 people were injured.",
        ),
    ],
    "quake_oskarby": [
        (
            "Earthquake of magnitude 6.3 hits Oskarby",
            "An earthquake of magnitude 6.3 hit Oskarby on 3 February 2034. Mayor Hedda Lunn said 230 homes in "
            "Oskarby were damaged and schools would stay closed.",
        ),
        (
            "Oskarby counts 230 damaged homes after 6.3 quake",
            "Mayor Hedda Lunn of Oskarby said the 6.3 magnitude earthquake of February 2034 damaged 230 homes; "
            "Oskarby's schools stay closed.",
        ),
    ],
}


def quake_articles() -> list[Article]:
    return [
        Article(id=stable_id(event, str(k), prefix="a"), origin=f"{event}-{k}", title=title, text=text)
        for event, items in QUAKES.items()
        for k, (title, text) in enumerate(items)
    ]


def test_two_events_of_the_same_kind_stay_apart() -> None:
    """Undated, so only the text tells them apart: different place, year and magnitude mean different stories."""
    require_model()
    quakes = quake_articles()
    assigned = StoryClusterer(ClusterSettings()).assign(quakes, embed(quakes))
    assert partition(assigned) == partition(gold(quakes))


def test_names_and_numbers_of_the_story_back_its_own_articles_more() -> None:
    """The entity and number features of a candidate story: high for another report of the same quake, low for a
    report of the other quake even once one of its articles has slipped into the story."""
    quakes = quake_articles()
    vectors = embed(quakes)
    clusterer = StoryClusterer(ClusterSettings())
    story = clusterer.place(quakes[0], vectors[0], None)
    clusterer.place(quakes[1], vectors[1], story)
    clusterer.place(quakes[3], vectors[3], story)  # a stray member from the other quake
    same = dict(zip(FEATURES, clusterer.candidates(quakes[2], vectors[2])[0][1], strict=True))
    other = dict(zip(FEATURES, clusterer.candidates(quakes[4], vectors[4])[0][1], strict=True))
    assert same["figures"] > 0 and same["names"] > 0
    assert same["names_both"] == other["names_both"] == 1.0
    assert other["names_support"] < same["names_support"]
    assert other["figures_support"] < same["figures_support"]
    assert same["nearest"] >= same["dense"] - 1e-6  # the best exemplar is at least as close as the centroid


def test_story_state_stays_bounded_for_a_long_story() -> None:
    """Exemplars and counters are capped whatever a story's size (memory and cost per candidate bounded)."""
    settings = ClusterSettings(exemplars=4, max_figures=8)
    clusterer = StoryClusterer(settings)
    rng = np.random.default_rng(3)
    story = None
    for i in range(60):
        doc = Article(id=f"a{i}", origin="r", title=f"Update {i}", text=f"Figures {100 + i} and {2000 + i}.")
        story = clusterer.place(doc, rng.standard_normal(16).astype(np.float32), story)
    probe = Article(id="probe", origin="r", title="Update", text="Figures 100.")
    (sid, _features), = clusterer.candidates(probe, rng.standard_normal(16).astype(np.float32))
    assert sid == story
    state = clusterer._stories[story]
    assert len(state.exemplars) == 4
    assert len(state.figures) <= 2 * settings.max_figures and len(state.figures_df) <= 2 * settings.max_figures


# The same yearly event twice, a year apart: same town, same kind of report (fictional).
REGATTAS = [
    ("2030-06-14", "Lowmere harbour regatta draws record crowds",
     "Thousands lined the Lowmere harbour on Saturday for the annual regatta, won by the Kessin rowing club."),
    ("2030-06-15", "Kessin crew wins Lowmere regatta",
     "The Kessin rowing club won the annual Lowmere harbour regatta on Saturday in front of record crowds."),
    ("2031-06-13", "Record crowds at Lowmere harbour regatta",
     "Record crowds watched the annual Lowmere harbour regatta on Saturday, won by the Kessin rowing club."),
    ("2031-06-14", "Lowmere regatta: Kessin rowing club takes the cup",
     "The Kessin rowing club took the cup at the annual Lowmere harbour regatta before record crowds on Saturday."),
]


def test_same_kind_of_event_a_year_apart_forms_two_stories() -> None:
    """Words, names and embeddings say 'same story'; the dates a year apart say otherwise, and win."""
    docs = [
        Article(id=f"r{k}", origin=day[:4], title=title, text=text, published=day)
        for k, (day, title, text) in enumerate(REGATTAS)
    ]
    assigned = StoryClusterer(ClusterSettings()).assign(docs, embed(docs))
    assert partition(assigned) == {frozenset({"r0", "r1"}), frozenset({"r2", "r3"})}


def test_a_story_with_few_dated_members_is_not_of_their_day() -> None:
    """A dated article meeting a story of undated articles and one dated one: the time terms count only as far as
    the story is dated, so one member's date does not pull in everything of that day."""
    docs = [Article(id=f"u{k}", origin="u", title=t, text=x) for k, (_day, t, x) in enumerate(REGATTAS[:3])]
    docs.append(Article(id="d", origin="d", title=REGATTAS[3][1], text=REGATTAS[3][2], published="2031-06-14"))
    vectors = embed(docs)
    clusterer = StoryClusterer(ClusterSettings())
    story = None
    for doc, vector in zip(docs, vectors, strict=True):
        story = clusterer.place(doc, vector, story)
    probe = Article(id="p", origin="p", title=REGATTAS[2][1], text=REGATTAS[2][2], published="2031-06-14")
    (_sid, features), = clusterer.candidates(probe, embed([probe])[0])
    named = dict(zip(FEATURES, features, strict=True))
    assert named["dated"] == pytest.approx(0.25)  # one of four members dated
    assert named["time"] == pytest.approx(0.25 * named["nearest"])  # same day, weighted by that share


def test_second_chance_moves_an_article_to_the_story_that_formed_after_it() -> None:
    """An article placed in the only story there was, before its own event's story formed, moves there at the end
    of the batch (with the second-chance pass on); without the pass it stays."""
    only_dense = {f"{name}_weight": 0.0 for name in FEATURES} | {"dense_weight": 10.0}
    e1, e2 = np.eye(8, dtype=np.float32)[:2]
    x = (e1 + e2) / np.linalg.norm(e1 + e2)
    t = (0.2 * e1 + e2) / np.linalg.norm(0.2 * e1 + e2)
    docs = [
        Article(id=f"a{k}", origin="x", title="", text="", published=f"2031-01-01T0{k}:00:00") for k in range(4)
    ]
    vectors = np.stack([e1, x, t, t])
    moved = StoryClusterer(ClusterSettings(bias=-6.5, merge_margin=99.0, reassign_margin=0.5, **only_dense))
    assert partition(moved.assign(docs, vectors)) == {frozenset({"a0"}), frozenset({"a1", "a2", "a3"})}
    assert moved.reassigned == 1
    kept = StoryClusterer(ClusterSettings(bias=-6.5, merge_margin=99.0, reassign_margin=99.0, **only_dense))
    assert partition(kept.assign(docs, vectors)) == {frozenset({"a0", "a1"}), frozenset({"a2", "a3"})}


def test_second_chance_lets_an_article_left_alone_join_the_story_its_event_formed_later() -> None:
    """The first article of an event, passed by when the next ones formed a story of their own, joins that story
    at the end of the batch once the story is close enough (``singleton_margin``); with the pass off it stays
    alone."""
    only_dense = {f"{name}_weight": 0.0 for name in FEATURES} | {"dense_weight": 10.0}
    e1, e2 = np.eye(8, dtype=np.float32)[:2]
    first = e1
    second = (0.6 * e1 + 0.8 * e2) / np.linalg.norm(0.6 * e1 + 0.8 * e2)  # cosine 0.6 with the first: a new story
    third = (0.8 * e1 + 0.6 * e2) / np.linalg.norm(0.8 * e1 + 0.6 * e2)  # closest to the second: joins it
    docs = [
        Article(id=f"a{k}", origin="x", title="", text="", published=f"2031-01-01T0{k}:00:00") for k in range(3)
    ]
    vectors = np.stack([first, second, third])
    settings = ClusterSettings(bias=-6.5, merge_margin=99.0, reassign_margin=0.5, singleton_margin=0.0, **only_dense)
    joined = StoryClusterer(settings)
    assignment = joined.assign(docs, vectors)
    assert partition(assignment) == {frozenset({"a0", "a1", "a2"})}  # cosine 0.71 with the grown story
    assert joined.reassigned == 1
    assert assignment["a0"] == stable_id("a1", prefix="s")  # it joins the story; the story keeps its id
    alone = StoryClusterer(dataclasses.replace(settings, singleton_margin=99.0))
    assert partition(alone.assign(docs, vectors)) == {frozenset({"a0"}), frozenset({"a1", "a2"})}


def _unit_vectors_at(cosine: float, count: int, dim: int = 384) -> np.ndarray:
    """``count`` unit vectors whose pairwise cosines are all ``cosine`` (a shared part plus an own part each)."""
    out = np.zeros((count, dim), dtype=np.float32)
    out[:, 0] = np.sqrt(cosine)
    for i in range(count):
        out[i, 1 + i] = np.sqrt(1.0 - cosine)
    return out


BUSY_DAY = [
    ("Fireball lights up the sky over the Varrow coast", "Residents of Varrow saw a bright fireball cross the sky."),
    ("Snowfall record broken in Tessmouth", "Tessmouth measured 60 centimetres of snow in two days, a record."),
    ("Orvane Telecom raises its bid for Kellis Networks", "Orvane offered more for Kellis Networks on Monday."),
    ("Rocket of Halden Space ready for its first flight", "Halden Space rolled its rocket to the launch pad."),
    ("Lindqvist and Moreau end their engagement", "The singer and the actor said they had parted as friends."),
    ("Campaign against gambling addiction starts in Pellham", "Pellham's health board began a campaign."),
]


@pytest.mark.parametrize("cosine", [0.3, 0.45])
def test_unrelated_articles_of_one_busy_day_never_join(cosine: float) -> None:
    """Content decides: articles of one hour whose vectors are as close as unrelated news (cosine 0.3-0.45, the
    range of the events a same-day gate once mixed) each make their own story, however many share the day."""
    articles = [
        Article(id=f"a{k}", origin=f"busy-{k}", title=title, text=text, published=f"2031-02-05T10:{k:02d}:00+00:00")
        for k, (title, text) in enumerate(BUSY_DAY)
    ]
    assigned = StoryClusterer(ClusterSettings()).assign(articles, _unit_vectors_at(cosine, len(articles)))
    assert len(set(assigned.values())) == len(articles)


def test_time_ranks_but_does_not_decide() -> None:
    """Two stories of the same kind a few days apart that the content accepts equally: a new article goes to the
    nearer one in time (time breaks the tie). The same article far from both in content opens a story of its own
    even on their day."""
    settings = ClusterSettings()
    clusterer = StoryClusterer(settings)
    title, text = EVENTS["flood"][0]
    older = Article(id="old", origin="o", title=title, text=text, published="2031-03-01T08:00:00+00:00")
    newer = Article(id="new", origin="n", title=title, text=text, published="2031-03-04T08:00:00+00:00")
    clusterer.add_known(dataclasses.replace(older, story_id="s-old"), _unit_vectors_at(0.9, 1)[0])
    clusterer.add_known(dataclasses.replace(newer, story_id="s-new"), _unit_vectors_at(0.9, 1)[0])
    late = Article(id="late", origin="l", title=title, text=text, published="2031-03-04T20:00:00+00:00")
    assert clusterer.assign([late], _unit_vectors_at(0.9, 1))["late"] == "s-new"
    far = Article(id="far", origin="f", title="Chess final in Brantford", text="Verhoven won.",
                  published="2031-03-04T21:00:00+00:00")
    vector = np.zeros((1, 384), dtype=np.float32)
    vector[0, 200] = 1.0
    assert clusterer.assign([far], vector)["far"] not in {"s-old", "s-new"}


def test_a_date_without_a_time_is_its_midday() -> None:
    """'2031-03-04' means some time that day: a report the next morning is less than a day away."""
    assert parse_time("2031-03-04") == pytest.approx(parse_time("2031-03-04T12:00:00Z"))  # type: ignore[arg-type]
    assert parse_time("2031-03-05T07:20:00Z") - parse_time("2031-03-04") < 1.0  # type: ignore[operator]


def test_a_story_holds_one_language() -> None:
    """The encoder's vectors of two languages are not comparable: an article joins no story of another language,
    however close its vector (a language left unknown splits nothing)."""
    title, text = EVENTS["chess"][0]
    english = Article(id="en", origin="en", title=title, text=text, language="en")
    german = Article(id="de", origin="de", title="Ilsa Verhoven gewinnt die Schachmeisterschaft in Brantford",
                     text="Ilsa Verhoven, 19, gewann am Sonntag in Brantford die nationale Schachmeisterschaft.",
                     language="de")
    unknown = Article(id="xx", origin="xx", title=EVENTS["chess"][1][0], text=EVENTS["chess"][1][1])
    assigned = StoryClusterer(ClusterSettings()).assign([english, german, unknown], _unit_vectors_at(0.95, 3))
    assert assigned["en"] != assigned["de"]
    assert assigned["xx"] in {assigned["en"], assigned["de"]}


# Two reports of one (made-up) event and one of another, in Russian: to an English encoder every Russian news lead
# looks alike, so their vectors are given here as all close (cosine 0.9), as that encoder makes them.
RUSSIAN = [
    ("Паводок затопил фермы в долине Кессин",
     "Река Алдри вышла из берегов и затопила десятки ферм в долине Кессин, фермеры увели скот на холмы."),
    ("Фермы долины Кессин под водой после паводка",
     "Десятки ферм в долине Кессин затоплены: река Алдри вышла из берегов, скот увели на холмы."),
    ("Шахматистка Ильза Верховен выиграла чемпионат страны",
     "Девятнадцатилетняя Ильза Верховен победила в финале чемпионата по шахматам в Брантфорде."),
]


def test_in_a_language_the_encoder_does_not_read_only_articles_that_share_words_join(
    articles: list[Article], vectors: np.ndarray
) -> None:
    """A run of English news and three Russian reports (keyword weights need a run of some size: IDF)."""
    russian = [Article(id=f"r{k}", origin=f"r{k}", title=t, text=x, language="ru") for k, (t, x) in
               enumerate(RUSSIAN)]
    close = _unit_vectors_at(0.9, 3, dim=vectors.shape[1])
    for settings in (ClusterSettings(), ClusterSettings(encoder_languages=("en", "ru"))):
        clusterer = StoryClusterer(settings)
        clusterer.assign(articles, vectors)
        assigned = clusterer.assign(russian, close)
        if settings.encoder_languages == ("en",):
            assert assigned["r0"] == assigned["r1"] != assigned["r2"]
        else:  # said to be a language the encoder reads, the cosine 0.9 puts all three together
            assert len(set(assigned.values())) == 1


PROTESTS = [
    ("Courthouse set on fire during protest in Lowmere",
     "Protesters set fire to a courthouse and damaged a police station in Lowmere late on Saturday, police said."),
    ("Fires and pepper spray as protest march turns violent",
     "BRANTFORD - Protesters set fires and police used pepper spray as a march through the city turned violent late "
     "on Saturday."),
    ("Police count the damage after the courthouse fire",
     "Police in Lowmere said the protesters who set the courthouse on fire on Saturday also damaged a police "
     "station."),
]


def test_two_reports_of_one_kind_naming_different_places_stay_apart() -> None:
    """Two protests of one weekend, each report naming where it happened (Lowmere; a Brantford dateline), neither
    mentioning the other's place: two events, even where the rest of the content alone would join them (here by
    half the clash's weight). A follow-up naming the same place joins its story."""
    weight = ClusterSettings().places_clash_weight
    assert weight < 0, "a clash of places speaks against a join"
    only_dense = {f"{name}_weight": 0.0 for name in FEATURES} | {"dense_weight": 10.0, "places_clash_weight": weight}
    cosine = 0.6  # as close as two reports of one kind of event; the gate's score without the clash is -weight / 2
    settings = ClusterSettings(bias=-10.0 * cosine + abs(weight) / 2, **only_dense)
    articles = [Article(id=f"a{k}", origin=f"p{k}", title=title, text=text) for k, (title, text) in enumerate(PROTESTS)]
    vectors = _unit_vectors_at(cosine, len(articles))
    clusterer = StoryClusterer(settings)
    story = clusterer.place(articles[0], vectors[0], None)
    clash = FEATURES.index("places_clash")
    (elsewhere, features_elsewhere), = clusterer.candidates(articles[1], vectors[1])
    (same_place, features_same), = clusterer.candidates(articles[2], vectors[2])
    assert elsewhere == same_place == story
    assert features_elsewhere[clash] == 1.0 and features_same[clash] == 0.0
    assigned = StoryClusterer(settings).assign(articles, vectors)
    assert partition(assigned) == {frozenset({"a0", "a2"}), frozenset({"a1"})}
    # without the clash the same content joins all three: the places decided
    blind = StoryClusterer(dataclasses.replace(settings, places_clash_weight=0.0)).assign(articles, vectors)
    assert len(set(blind.values())) == 1


def _chain(names_b: str) -> tuple[list[Article], np.ndarray]:
    """Two pairs of articles, each pair tight, whose joins chained them into one story through the nearest member
    (cosine 0.55 at the link, a mean of 0.42 across the pairs), with two unrelated articles beside them. The first
    pair names Mayor Odile Tamsin; the second names ``names_b``."""
    e = np.eye(8, dtype=np.float32)
    raw = (e[0], e[0] + 0.1 * e[2], 0.55 * e[0] + 0.835 * e[1], 0.3 * e[0] + 0.954 * e[1], e[5], e[6])
    unit = [v / np.linalg.norm(v) for v in raw]
    texts = ["The council heard Mayor Odile Tamsin.", "The council heard Mayor Odile Tamsin again.",
             f"The hall heard {names_b}.", f"The hall heard {names_b} again.",
             "The port heard Captain Ilsa Verhoven.", "The club heard Coach Arno Pellham."]
    docs = [Article(id=f"a{k}", origin="x", title="", text=t, published=f"2031-01-01T0{k}:00:00")
            for k, t in enumerate(texts)]
    return docs, np.stack(unit)


def test_a_story_whose_members_form_two_unrelated_groups_parts_at_the_end_of_the_batch() -> None:
    """Joins are decided one article at a time, so a story can chain another event in through one near member; at
    the end of the batch the groups whose mean cosine stays under ``split_cosine`` and whose names do not agree
    part, the one holding the story's first member keeping its id. Groups that name the same people stay one
    story, and with the check off the chain stays."""
    only_dense = {f"{name}_weight": 0.0 for name in FEATURES} | {"dense_weight": 10.0}
    settings = ClusterSettings(bias=-4.0, merge_margin=99.0, split_cosine=0.6, split_names_cosine=0.4, **only_dense)
    docs, vectors = _chain("Judge Marek Dunsby")
    chained = StoryClusterer(dataclasses.replace(settings, split_cosine=-1.0)).assign(docs, vectors)
    assert frozenset({"a0", "a1", "a2", "a3"}) in partition(chained)
    parted = StoryClusterer(settings).assign(docs, vectors)
    assert {frozenset({"a0", "a1"}), frozenset({"a2", "a3"})} <= partition(parted)
    assert parted["a0"] == stable_id("a0", prefix="s") and parted["a2"] == stable_id("a2", prefix="s")
    docs, vectors = _chain("Mayor Odile Tamsin")
    assert frozenset({"a0", "a1", "a2", "a3"}) in partition(StoryClusterer(settings).assign(docs, vectors))


def test_a_split_moves_only_the_batch_articles_and_stored_ones_keep_their_story() -> None:
    """In a later run the stored members are one group that never parts: the new articles that chained in leave."""
    only_dense = {f"{name}_weight": 0.0 for name in FEATURES} | {"dense_weight": 10.0}
    settings = ClusterSettings(bias=-4.0, merge_margin=99.0, split_cosine=0.6, split_names_cosine=0.4, **only_dense)
    docs, vectors = _chain("Judge Marek Dunsby")
    clusterer = StoryClusterer(settings)
    for k in (0, 1, 4, 5):
        clusterer.add_known(dataclasses.replace(docs[k], story_id="s-stored" if k < 2 else f"s-{k}"), vectors[k])
    assigned = clusterer.assign(docs[2:4], vectors[2:4])
    assert assigned["a2"] == assigned["a3"] == stable_id("a2", prefix="s")
    assert clusterer.story_of("a0") == clusterer.story_of("a1") == "s-stored"


# A development reported days later in near-identical words, and a weekly figure of one beat (fictional).
FOLLOW_UP = [
    ("2031-05-01T09:00:00+00:00", "Lowmere harbour bridge to close for 14 weeks of girder repairs",
     "The Lowmere harbour bridge will close on 3 May for 14 weeks while engineers replace the cracked girder, Mayor "
     "Odile Tamsin said. The repairs will cost 8.5 million crowns and ferries will run every twenty minutes."),
    ("2031-05-05T10:00:00+00:00", "Lowmere harbour bridge closes for 14 weeks of girder repairs",
     "The Lowmere harbour bridge closed on Monday for 14 weeks while engineers replace its cracked girder, Mayor "
     "Odile Tamsin said. The 8.5 million crown repairs have begun and ferries now run every twenty minutes."),
]
WEEKLY = [
    ("2031-05-11T09:00:00+00:00", "Kessin jobless claims fall to 41,200 in the week to 6 May",
     "Weekly jobless claims in Kessin fell to 41,200 in the week to 6 May, from 44,900 a week earlier, the Kessin "
     "labour office said on Thursday. Economists had expected 43,000."),
    ("2031-05-18T09:00:00+00:00", "Kessin jobless claims rise to 46,300 in the week to 13 May",
     "Weekly jobless claims in Kessin rose to 46,300 in the week to 13 May, from 41,200 a week earlier, the Kessin "
     "labour office said on Thursday. Economists had expected 42,500."),
]


def _dated(rows: list[tuple[str, str, str]], prefix: str) -> list[Article]:
    return [Article(id=f"{prefix}{k}", origin=prefix, title=title, text=text, published=day)
            for k, (day, title, text) in enumerate(rows)]


def test_a_follow_up_days_later_in_the_same_words_names_and_numbers_joins_its_story() -> None:
    """Four days after the announcement, the bridge closes as announced: past the window, but the content is
    near-identical and the names and numbers agree (the continuation rule); without the rule it is a story of its
    own. Two weekly jobless figures read alike and name the same office, but their numbers differ: a recurring
    beat, not a development, so the rule does not chain them (it would without the numbers' agreement)."""
    require_model()
    docs = [*_dated(FOLLOW_UP, "b"), *_dated(WEEKLY, "j")]
    vectors = embed(docs)
    settings = ClusterSettings()
    for a, b in ((docs[0], docs[1]), (docs[2], docs[3])):
        assert settings.window_days < parse_time(b.published) - parse_time(a.published) <= settings.continue_days  # type: ignore[operator]
    stories = {frozenset({"b0", "b1"}), frozenset({"j0"}), frozenset({"j1"})}
    assert partition(StoryClusterer(settings).assign(docs, vectors)) == stories
    off = dataclasses.replace(settings, continue_days=0.0)
    assert partition(StoryClusterer(off).assign(docs, vectors)) == {frozenset({d.id}) for d in docs}
    no_numbers = dataclasses.replace(settings, continue_figures_cosine=0.0)
    assert frozenset({"j0", "j1"}) in partition(StoryClusterer(no_numbers).assign(docs, vectors))


def test_a_follow_up_joins_the_same_story_in_one_run_or_run_after_run() -> None:
    """The continuation rule meets stored stories as it meets the batch's own: one run, or one run per article
    warmed from the store, give the same stories."""
    require_model()
    docs = [*make_articles(), *_dated(FOLLOW_UP, "b"), *_dated(WEEKLY, "j")]  # earlier news first: word weights
    vectors = embed(docs)
    batch = StoryClusterer(ClusterSettings()).assign(docs, vectors)
    stored: dict[str, str] = {}
    for k in sorted(range(len(docs)), key=lambda i: docs[i].published or ""):
        clusterer = StoryClusterer(ClusterSettings())
        for i, doc in enumerate(docs):
            if doc.id in stored:
                clusterer.add_known(dataclasses.replace(doc, story_id=stored[doc.id]), vectors[i])
        stored.update(clusterer.assign([docs[k]], vectors[k : k + 1]))
    assert stored == batch
    assert {frozenset({"b0", "b1"}), frozenset({"j0"}), frozenset({"j1"})} <= partition(batch)


def test_an_articles_keywords_leave_out_its_own_languages_stop_words() -> None:
    from tidings.cluster import _keywords

    title, lead = "La jugada de los concejales que cambia el puerto", "El concejo de Marrowby votó la ley del puerto."
    spanish = _keywords(title, lead, 2.0, "es")
    assert not {"la", "de", "los", "que", "el", "del"} & set(spanish)  # function words a Spanish story would share
    assert {"jugada", "concejales", "puerto", "marrowby"} <= set(spanish)
    assert "la" in _keywords(title, lead, 2.0, "en")  # English stop words know no Spanish
