"""The timeline of events: dates in sentences resolved against the publication date of the article saying them."""

from __future__ import annotations

from datetime import date

import pytest

from tidings.events import dated_events, published_day, resolve_date
from tidings.model import Article, Fact, Mention, Quote
from tidings.settings import AnalyzeSettings

WED_2022 = date(2022, 2, 2)  # a Wednesday


@pytest.mark.parametrize(
    ("sentence", "published", "day", "words"),
    [
        # weekdays: the most recent such day on or before publication
        ("On Wednesday, the port authority gave the union a written offer.", WED_2022, "2022-02-02", "Wednesday"),
        ("The talks collapsed on Monday.", WED_2022, "2022-01-31", "Monday"),
        ("The talks collapsed on Friday.", WED_2022, "2022-01-28", "Friday"),
        ("They met last Wednesday.", WED_2022, "2022-01-26", "last Wednesday"),
        # the day after publication is the dateline's day in a time zone ahead ('Saturday' in Seoul in an article
        # stamped Friday 22:00 UTC), not six days back; 'last Thursday' still is
        ("The president apologized on Thursday.", WED_2022, "2022-02-03", "Thursday"),
        ("They met last Thursday.", WED_2022, "2022-01-27", "last Thursday"),
        # a weekday in capitals (a headline-style lead) or lower case: a date like any other, never a crash
        ("The ferry strike began MONDAY at dawn.", WED_2022, "2022-01-31", "MONDAY"),
        ("the ferry strike began on monday.", WED_2022, "2022-01-31", "monday"),
        # a day of a month: in the publication year, the year before when that would be after publication
        ("On Wednesday, January 26, the port gave the union an offer.", WED_2022, "2022-01-26", "January 26"),
        ("The treaty was signed on 26 December.", WED_2022, "2021-12-26", "26 December"),
        ("The treaty was signed on Dec. 26, 2019.", WED_2022, "2019-12-26", "Dec. 26, 2019"),
        # a day after publication is a dateline for the next morning or another time zone, not last year
        ("WASHINGTON, Feb. 3 (UPI) -- The panel voted to end the strike.", WED_2022, "2022-02-03", "Feb. 3"),
        # relative days
        ("Four thousand of us walked out yesterday.", WED_2022, "2022-02-01", "yesterday"),
        ("Shares fell 14% today.", WED_2022, "2022-02-02", "today"),
        ("Today, the dockers voted to end the strike.", WED_2022, "2022-02-02", "Today"),
        # the future resolves forward
        ("The minister will meet both sides on Friday.", WED_2022, "2022-02-04", "Friday"),
        ("The strike is due to end at 6am on Thursday, March 5.", WED_2022, "2022-03-05", "March 5"),
        ("The next decision is due on 18 June.", WED_2022, "2022-06-18", "18 June"),
    ],
)
def test_a_date_is_resolved_against_the_publication_date(sentence, published, day, words):
    assert resolve_date(sentence, published) == (date.fromisoformat(day), words)


@pytest.mark.parametrize(
    "sentence",
    [
        "The union set a Friday deadline for an answer.",  # a date naming a thing
        "Ministers must decide by Friday.",
        "Friday's vote was postponed.",
        "The March 3 committee will question the harbour master.",  # a day that names an event's committee
        "Survivors gathered for a May 9 memorial at the quay.",
        "The strike ran from Monday to Wednesday.",  # a range: no one day
        "The attackers were inside the server between 28 May and 3 June.",
        "Officials may march on the capital.",  # 'may' and 'march' are no months
        "The port handled 900 ships last year.",
        "Today, ferry strikes are rare, but they do happen.",  # 'today' meaning nowadays
        "He then drafted the charter under which the port is still run today.",
        "The promise of a new harbour seems even more out of reach today.",
    ],
)
def test_sentences_that_date_no_one_event(sentence):
    assert resolve_date(sentence, WED_2022) is None


def test_a_relative_date_needs_a_publication_date_but_a_full_date_does_not():
    assert resolve_date("The talks collapsed on Monday.", None) is None
    assert resolve_date("The treaty was signed on 26 December 2019.", None) == (date(2019, 12, 26), "26 December 2019")
    assert published_day("2022-02-02T23:30:00-05:00") == WED_2022  # the day where it was published
    assert published_day("not a date") is None


def test_each_mention_is_dated_against_its_own_article_and_events_come_in_date_order():
    articles = [
        Article("a1", "one.txt", "Talks", "x", site="one.example", published="2022-02-02T09:00:00+00:00"),
        Article("a2", "two.txt", "Talks", "x", site="two.example", published="2022-02-03T09:00:00+00:00"),
        Article("a3", "three.txt", "Talks", "x", site="three.example"),  # undated
    ]
    facts = [
        Fact("The talks collapsed.", ["a1", "a2", "a3"], 3, [
            Mention("a1", "The talks collapsed on Monday.", "one.example"),
            Mention("a2", "The talks collapsed on Monday, January 31.", "two.example"),
            Mention("a3", "The talks collapsed on Monday.", "three.example"),  # no publication date: not dated
        ]),
        Fact("The port authority gave the union a written offer.", ["a2"], 1, [
            Mention("a2", "On Wednesday, the port authority gave the union a written offer.", "two.example"),
        ]),
        Fact("Ministers will decide by Friday.", ["a1"], 1, [Mention("a1", "Ministers will decide by Friday.")]),
    ]  # fmt: skip
    events = dated_events(facts, articles, AnalyzeSettings())
    assert [(e.date, e.article_ids) for e in events] == [("2022-01-31", ["a1", "a2"]), ("2022-02-02", ["a2"])]
    assert events[0].expression == "January 31" and events[0].text == "The talks collapsed on Monday, January 31."
    # a bounded list: the most corroborated are kept
    capped = dated_events(facts, articles, AnalyzeSettings(max_events=1))
    assert [e.date for e in capped] == ["2022-01-31"]


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("The library will reopen in June after the council approved the repairs on Monday evening.", "2022-01-31"),
        ("The review will cover 38 dams, the minister told parliament on Monday.", "2022-01-31"),
        ("The minister said she would visit the port on Friday.", "2022-02-04"),
        # what a court sets is ahead: a month later is this year's day, not last year's
        ("Rook has an arraignment set for March 3 in Marrowby Crown Court.", "2022-03-03"),
        ("Rook was remanded in custody to appear before Marrowby Crown Court on 3 March.", "2022-03-03"),
        ("Rook is scheduled to be sentenced March 3.", "2022-03-03"),
        ("Rook was sentenced on March 3.", "2021-03-03"),
    ],
)
def test_only_the_clause_of_the_date_says_whether_it_is_in_the_future(sentence, day):
    assert resolve_date(sentence, WED_2022)[0] == date.fromisoformat(day)


def test_a_relative_date_inside_a_quotation_dates_nothing_but_a_full_date_does():
    # the speaker's 'tonight' is when they spoke, which a report two days later does not say
    assert resolve_date("“Tonight, I ask you to stand with her,” he said.", WED_2022) is None
    assert resolve_date('"We meet again on Monday," she said.', WED_2022) is None
    assert resolve_date("He said on Monday that “the port stays shut.”", WED_2022) == (date(2022, 1, 31), "Monday")
    assert resolve_date("“The nature of March 3rd demands this decision,” she said.", WED_2022) is None  # a name
    assert resolve_date("“The treaty was signed on 26 December 2019,” he said.", WED_2022) == (
        date(2019, 12, 26),
        "26 December 2019",
    )


def test_a_sentence_inside_a_long_quote_has_no_relative_date():
    article = Article("a1", "one.txt", "Speech", "x", site="one.example", published="2022-02-02T09:00:00+00:00")
    middle = "Tonight, I ask you to do for her what you did for me."
    quote = Quote("Ada Rook", f"We have come far. {middle} Thank you", "a1", "said")
    fact = Fact(middle, ["a1"], 1, [Mention("a1", middle, "one.example")])
    assert dated_events([fact], [article], AnalyzeSettings(), [quote]) == []
    assert [e.date for e in dated_events([fact], [article], AnalyzeSettings())] == ["2022-02-02"]
