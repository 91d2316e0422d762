"""Conflicting figures a reader can trust: figures disagree only when they are the same quantity of the same thing
at the same time. Each defect class found on real news has a made-up pair of sentences here (fictional places and
people); the sentences of a pair are nearly the same words, so that they are one fact on any encoder and their
figures are compared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tidings.analyze import analyze_story, pair_disagrees
from tidings.claims import claim_scope, listed, not_a_quantity, same_scope
from tidings.figures import extract_figures
from tidings.model import Article, Conflict, Story
from tidings.settings import AnalyzeSettings
from tidings.text import segment, stable_id


def _article(text: str, site: str, hour: int) -> Article:
    return Article(
        id=stable_id(site, "Marrowby", text, prefix="a"),
        origin=f"test:{site}",
        title="Marrowby",
        text=text,
        site=site,
        published=f"2025-01-01T{hour:02d}:00:00+00:00",
    )


def _conflicts(first: str, second: str) -> tuple[Story, list[list[str]]]:
    articles = [_article(first, "North Desk", 8), _article(second, "South Desk", 9)]
    story = Story(id="s-test", headline="", article_ids=[a.id for a in articles])
    story = analyze_story(story, articles, {a.id: segment(a) for a in articles}, AnalyzeSettings())
    return story, [sorted(x.value for x in c.claims) for c in story.conflicts if c.about != "date"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(  # a part of the total
            "Gunmen released 276 schoolgirls from the Vellmar school on Sunday, the Ostrava police said.",
            "Gunmen released 21 of the schoolgirls from the Vellmar school on Sunday, the Ostrava police said.",
            id="partitive",
        ),
        pytest.param(  # 'other': the rest besides the 12 leaders
            "A total of 140 Quillon politicians signed the open letter against the Brindle dam on Friday.",
            "Twelve party leaders and 128 other Quillon politicians signed the open letter against the Brindle dam on "
            "Friday.",
            id="other",
        ),
        pytest.param(  # a thousands separator followed by a space is one number
            "About 1, 600 officers patrolled the Varden carnival on Saturday night, the city said.",
            "About 1,600 officers patrolled the Varden carnival on Saturday night, the city said.",
            id="thousands-space",
        ),
        pytest.param(  # a software version is no quantity
            "The 5.50 update of the Brindle banking app fixed the login fault, the company said on Monday.",
            "The 5.00 update of the Brindle banking app fixed the login fault, the company said on Monday.",
            id="version",
        ),
        pytest.param(  # an ordinal names a rank
            "The Varden Falcons won their 5th league title with a late goal against Ostrava on Sunday.",
            "The Varden Falcons won their 6th league title with a late goal against Ostrava on Sunday.",
            id="ordinal",
        ),
        pytest.param(  # qualifiers that share no word: different groups
            "Mira Holt and three fellow gymnasts testified before the Varden council about the coach on Wednesday.",
            "The four Olympic gymnasts testified before the Varden council about the coach on Wednesday.",
            id="scope-qualifiers",
        ),
        pytest.param(  # new ones against the total so far
            "Rescuers at the collapsed Corvale tower have recovered 60 bodies so far, officials said on Thursday.",
            "Rescuers at the collapsed Corvale tower recovered six more bodies, officials said on Thursday.",
            id="cumulative-vs-new",
        ),
        pytest.param(  # two months
            "Marrowby employers added 943,000 jobs in July, the Quillon statistics office said in its report.",
            "Marrowby employers added 235,000 jobs in August, the Quillon statistics office said in its report.",
            id="different-months",
        ),
        pytest.param(  # a share against a count
            "In Quillon, 62 percent of voters backed the Brindle dam in the referendum on Sunday.",
            "In Quillon, 62,000 voters backed the Brindle dam in the referendum on Sunday.",
            id="percent-vs-count",
        ),
        pytest.param(  # each outlet counts its own sources
            "The Quillon cabinet will approve the Brindle dam on Friday, four officials familiar with the plan said.",
            "The Quillon cabinet will approve the Brindle dam on Friday, three officials familiar with the plan said.",
            id="sourcing",
        ),
        pytest.param(  # '$1.4 trillion' is given to one decimal: $1.37 trillion rounds to it
            "The Varden parliament passed a $1.37 trillion spending bill on Tuesday to avoid a shutdown.",
            "The Varden parliament passed a $1.4 trillion spending bill on Tuesday to avoid a shutdown.",
            id="decimal-rounding",
        ),
    ],
)
def test_figures_of_different_quantities_are_no_conflict(first: str, second: str):
    story, conflicts = _conflicts(first, second)
    assert len(story.facts[0].article_ids) == 2  # one fact, so the figures were compared
    assert conflicts == []


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param(
            "Nearly 80 people died in the Corvale floods, the regional governor said on Monday.",
            "At least 84 people died in the Corvale floods, the regional governor said on Monday.",
            ["At least 84 people", "Nearly 80 people"],
            id="death-toll",
        ),
        pytest.param(
            "About 1, 600 officers patrolled the Varden carnival on Saturday night, the city said.",
            "About 2,000 officers patrolled the Varden carnival on Saturday night, the city said.",
            ["About 1, 600 officers", "About 2,000 officers"],
            id="thousands-space-still-disagrees",
        ),
        pytest.param(
            "Gunmen released 21 of the schoolgirls from the Vellmar boarding school on Sunday, the police said.",
            "Gunmen released 27 of the schoolgirls from the Vellmar boarding school on Sunday, the police said.",
            ["21 of the schoolgirls", "27 of the schoolgirls"],
            id="two-parts-of-one-total",
        ),
        pytest.param(  # a round figure against a precise one beyond its rounding
            "The Varden parliament passed a $1 trillion spending bill on Tuesday to avoid a shutdown.",
            "The Varden parliament passed a $1.2 trillion spending bill on Tuesday to avoid a shutdown.",
            ["$1 trillion", "$1.2 trillion"],
            id="round-vs-precise",
        ),
        pytest.param(  # 'march' and 'may' in lower case are no months, so no two different times
            "Nearly 80 people died in the crush at the Corvale protest march, the regional governor said on Monday.",
            "At least 84 people died in the crush at the Corvale protest, the regional governor said on Monday, and "
            "the toll may rise.",
            ["At least 84 people", "Nearly 80 people"],
            id="a-march-is-no-month",
        ),
    ],
)
def test_counts_of_the_same_thing_at_the_same_time_still_conflict(first: str, second: str, expected: list[str]):
    story, conflicts = _conflicts(first, second)
    assert len(story.facts[0].article_ids) == 2
    assert conflicts == [expected]


def _figure(sentence: str, text: str):
    return next(fm for fm in extract_figures(sentence) if fm.text.startswith(text))


@pytest.mark.parametrize(
    ("sentence", "figure", "rule"),
    [
        ("The 5.50 update fixed the fault.", "5.50", "version or release after"),
        ("Brindle runs version 12 of the software on 40 servers.", "12", "label word before"),
        ("Vale, aged 84 people say, retired.", "84", "label word before"),
        ("The 737 jet landed safely at Corvale.", "737", "singular noun"),
        ("Quillon recorded 52 births per 1,000 women.", "52", "rate per"),
        ("Brindle expects to earn between 70 and 72 million euros.", "70", "range"),
        ("Economists were expecting 4,000 jobs in March.", "4,000", "forecast or target"),
        # a conditional is no report: 'should finish with 306 votes', 'would confirm 240,000 deaths'
        ("Vale should finish with 306 votes, the tally suggests.", "306", "hypothetical"),
        ("Officials said Quillon could soon be vaccinating 1.5 million people a day.", "1.5", "hypothetical"),
        # a threshold named by what follows it: 'the 90% enrichment required for a weapon'
        ("Brindle came within reach of the 90% enrichment required for a weapon.", "90%", "requirement after"),
        # the comma inside '845,000' ends no clause: the cue before it still holds for the rate
        ("Brindle's staff were looking for 845,000 new jobs and a jobless rate of 5.7%.", "5.7", "forecast or target"),
        # a count written with a decimal point is a version: the laptop's three ports are USB 2.0 ones
        ("The Brindle laptop offers 3 USB 2.0 ports and a card reader.", "2.0", "fractional count"),
    ],
)
def test_numbers_that_label_or_rate_are_no_quantity(sentence: str, figure: str, rule: str):
    assert not_a_quantity(_figure(sentence, figure)) == rule


def test_a_count_of_people_is_a_quantity():
    assert not_a_quantity(_figure("At least 84 people died in the Corvale floods.", "At least 84")) is None
    assert not_a_quantity(_figure("Officials said 2.5 million people lost power in Corvale.", "2.5 million")) is None


def test_an_amount_of_two_things_together_is_not_the_amount_of_one():
    both = claim_scope(_figure("Brindle will pay $334 million in cash and stock for Quillon Labs.", "$334"))
    cash = claim_scope(_figure("Brindle is paying $281 million in cash and $53 million in stock.", "$281"))
    other_cash = claim_scope(_figure("Brindle will pay $300 million in cash and 57 million shares.", "$300"))
    assert not same_scope(both, cash)
    assert same_scope(cash, other_cash)  # 'and 57 million shares' lists another figure: the $300 million is cash


@pytest.mark.parametrize(
    ("sentence", "figure", "scope"),
    [
        ("Gunmen freed 21 of the schoolgirls.", "21", {"part"}),
        ("The flood hit 3,000 homes, including 400 farms.", "400", {"part"}),
        ("Twelve leaders and 128 other politicians signed.", "128", {"additional"}),
        ("Another 40 people were hurt in Varden.", "40", {"additional"}),
        ("Mira Holt and three gymnasts testified.", "three", {"additional"}),
        ("The strike killed an aid worker and nine members of his family.", "nine", {"additional"}),
        ("Rescuers have found 60 bodies so far.", "60", {"total"}),
        ("A total of 140 politicians signed.", "140", {"total"}),
        ("Vale withdrew all five appointees.", "five", {"whole"}),
        ("Eight of the 12 crew members died.", "12", {"whole"}),  # the 12 aboard, not the dead
        ("Varden and Corvale were the other two cities on the list.", "two", {"additional"}),
        ("Payrolls rose by 235,000 jobs.", "235,000", {"change"}),
        ("Quillon reports 25,000 cases a day.", "25,000", {"rate"}),
        ("About 84 people died in Corvale.", "About 84", set()),
    ],
)
def test_the_scope_of_a_figure(sentence: str, figure: str, scope: set[str]):
    assert claim_scope(_figure(sentence, figure)).scope == scope


def test_figures_dated_differently_or_qualified_differently_have_different_scopes():
    july = claim_scope(_figure("Employers added 943,000 jobs in July.", "943,000"))
    august = claim_scope(_figure("Employers added 235,000 jobs in Aug. last year.", "235,000"))
    undated = claim_scope(_figure("Employers added 235,000 jobs.", "235,000"))
    assert not same_scope(july, august)
    assert same_scope(july, undated)  # one side names no time: the same time is not ruled out
    fellow = claim_scope(_figure("Holt and three fellow gymnasts testified.", "three"))
    olympic = claim_scope(_figure("The four Olympic gymnasts testified.", "four"))
    plain = claim_scope(_figure("Four gymnasts testified.", "Four"))
    assert not same_scope(fellow, olympic)
    assert same_scope(olympic, plain)
    # a market session and a fiscal period are times too: the close is not the afternoon
    close = claim_scope(_figure("Brindle lost 77 cents, or 14 percent, to close at $4.72.", "77"))
    afternoon = claim_scope(_figure("Brindle lost 73 cents to $4.76 in afternoon trading.", "73"))
    unsaid = claim_scope(_figure("Brindle lost 73 cents to $4.76 on the Varden exchange.", "73"))
    assert not same_scope(close, afternoon)
    assert same_scope(close, unsaid)
    prior = claim_scope(_figure("Vale made $721,154 in salary in the prior fiscal year.", "$721,154"))
    fiscal = claim_scope(_figure("Vale received $770,962 in salary in fiscal 2003.", "$770,962"))
    assert not same_scope(prior, fiscal)


@pytest.mark.parametrize(
    ("name", "item", "least"),
    [
        ("conflict_labels.tsv", r"allsides-\d+-\w+", 150),
        ("conflict_labels_neus.tsv", r"neus-(?:train|val)-\d{4}-\d", 250),
        ("conflict_labels_ecbplus.tsv", r"ecb-\d+_\d+ecb(?:plus)?", 300),
        ("conflict_labels_msrp.tsv", r"msrp-(?:train|test)-\d{4}-\d", 200),
        ("conflict_labels_fresh.tsv", r"fresh-(?:wmt-\d+|allsides-\d+-\w+)", 150),
    ],
)
def test_the_conflict_labels_hold_keys_not_article_text(name: str, item: str, least: int):
    labels = Path(__file__).resolve().parents[1] / "benchmarks" / name
    rows = [line.split("\t") for line in labels.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert len(rows) >= least
    for row in rows:
        assert len(row) == 8
        assert re.fullmatch(item, row[0]) and re.fullmatch(item, row[3])
        assert re.fullmatch(r"[0-9a-f]{12}", row[1]) and re.fullmatch(r"[0-9a-f]{12}", row[4])
        assert re.fullmatch(r"\d+-\d+", row[2]) and re.fullmatch(r"\d+-\d+", row[5])
        assert row[6] in ("0", "1") and row[7]
    keys = [tuple(sorted((tuple(row[0:3]), tuple(row[3:6])))) for row in rows]
    assert len(set(keys)) == len(keys)  # each pair labelled once


def test_two_shares_of_one_group_are_of_what_follows_them():
    fully = claim_scope(_figure("In Quillon, 37% of adults were fully vaccinated by May.", "37%"))
    once = claim_scope(_figure("In Quillon, 55% of adults have received one dose.", "55%"))
    also_fully = claim_scope(_figure("In Quillon, 41% of adults are fully vaccinated.", "41%"))
    assert not same_scope(fully, once)
    assert same_scope(fully, also_fully)


def test_two_pledges_of_one_kind_by_different_parties_are_no_conflict():
    """Outlets that give one quantity differently are rarely twice apart: a league's pledge of a billion doses and
    one member's purchase of 500 million count the same doses, but they are two acts, not one figure given two ways
    (seen on real news: a G7 pledge against one country's share)."""
    pledge = (
        "The Brindle League of seven wealthy nations on Friday pledged to deliver more than 1 billion doses of the "
        "Varden vaccine to poorer countries beginning this summer."
    )
    purchase = (
        "On the eve of the summit, President Tessa Hollin announced that Quillon will purchase 500 million doses of "
        "the Varden vaccine and will supply half of the doses to be shared."
    )
    articles = [_article(pledge, "North Desk", 8), _article(purchase, "South Desk", 9)]
    sentences = {a.id: segment(a) for a in articles}

    def conflicts(settings: AnalyzeSettings) -> list[Conflict]:
        story = Story(id="s-test", headline="", article_ids=[a.id for a in articles])
        return analyze_story(story, articles, sentences, settings).conflicts

    assert conflicts(AnalyzeSettings()) == []
    # the two sentences are compared and their counts of doses differ: the ratio is what tells them apart
    assert len(conflicts(AnalyzeSettings(conflict_max_ratio=3.0))) == 1


def test_counts_of_different_acts_or_places_are_of_different_groups():
    killed = _figure("Nine people were killed when the Corvale tower collapsed on Monday.", "Nine people")
    injured = _figure("Twelve people were injured when the Corvale tower collapsed on Monday.", "Twelve people")
    died = _figure("At least eleven people died when the Corvale tower collapsed on Monday.", "At least eleven people")
    assert not same_scope(claim_scope(killed), claim_scope(injured))
    assert same_scope(claim_scope(killed), claim_scope(died))  # one act, worded two ways
    from tidings.text import read_sentences

    first = "Nearly 8% of gas stations in Virginia had no fuel on Tuesday."
    second = "About 8.5% of gas stations in North Carolina had no fuel on Tuesday."
    a, b = (extract_figures(t, r)[0] for t, r in zip((first, second), read_sentences([first, second]), strict=True))
    if not (a.places and b.places):
        pytest.skip("the spaCy model did not tag the states as places")
    assert not same_scope(claim_scope(a), claim_scope(b))


def test_a_count_whose_act_only_one_side_names_is_of_another_group():
    """'Six children were found alive' and 'four children were killed' count two groups; so do a count whose
    sentence names no act and one that was killed: a reader cannot tell they are the same children."""
    alive = claim_scope(_figure("Six children were found alive after the Corvale ambush.", "Six children"))
    killed = claim_scope(_figure("Four children were killed in the Corvale ambush.", "Four children"))
    taken = claim_scope(_figure("Five children have been taken to Varden for treatment.", "Five children"))
    also_killed = claim_scope(_figure("At least five children were killed in the Corvale ambush.", "At least five"))
    assert not same_scope(alive, killed)
    assert not same_scope(taken, killed)
    assert same_scope(killed, also_killed)


def test_figures_followed_by_different_places_are_of_different_places():
    province = claim_scope(_figure("The 2004 tsunami killed 170,000 people in the province.", "170,000"))
    countries = claim_scope(_figure("The 2004 tsunami killed 230,000 people in 13 countries.", "230,000"))
    assert not same_scope(province, countries)
    healdsburg = claim_scope(_figure("The quake struck about 14 miles north - northeast of Healdsburg.", "about 14"))
    santa_rosa = claim_scope(_figure("The quake struck about 20 miles north of Santa Rosa.", "about 20"))
    also_santa_rosa = claim_scope(_figure("The quake struck about 26 miles north of Santa Rosa.", "about 26"))
    assert not same_scope(healdsburg, santa_rosa)
    assert same_scope(santa_rosa, also_santa_rosa)  # one place, two distances: still a disagreement


def test_a_figure_listed_after_another_is_no_main_figure():
    assert listed(_figure("Police seized six rifles, 12 magazines and 300 rounds.", "12"))
    assert listed(_figure("Daye finished with 20 points and eight rebounds.", "eight"))
    assert not listed(_figure("Police seized 12 magazines from the boat.", "12"))
    assert not listed(_figure("Mira Holt and three fellow gymnasts testified.", "three"))


def _pair(first: str, a: str, second: str, b: str) -> bool:
    figures_a, figures_b = extract_figures(first), extract_figures(second)
    fa = next(f for f in figures_a if f.text.startswith(a))
    fb = next(f for f in figures_b if f.text.startswith(b))
    return pair_disagrees(fa, fb, figures_a, figures_b, AnalyzeSettings())


def test_one_pair_of_figures_is_judged_as_the_pipeline_judges_it():
    """What benchmarks/conflicts.py --rules-only scores: a true disagreement is kept; a sentence giving two values
    of the thing ('404 yards' rushing and '440 yards' receiving) is ambiguous and gives none."""
    assert _pair(
        "Nearly 80 people died in the Corvale floods.", "Nearly 80", "At least 84 people died in the floods.", "At"
    )
    assert not _pair(
        "Vale rushed for 404 yards and caught 52 passes for 440 yards.",
        "440",
        "Vale had 404 yards rushing this season.",
        "404",
    )


def _scopes(first: str, a: str, second: str, b: str) -> bool:
    """Whether two figures (of two made-up sentences) can be one quantity: :func:`same_scope` of their scopes."""
    return same_scope(claim_scope(_figure(first, a)), claim_scope(_figure(second, b)))


@pytest.mark.parametrize(
    ("first", "a", "second", "b"),
    [
        pytest.param(  # the name that holds the figure: Brindle's share is not Quillon's
            "Varden led the market and Brindle came in third with a 17 percent share.",
            "17",
            "Quillon ranked second with 23 percent share, and Brindle ranked third.",
            "23",
            id="holder",
        ),
        pytest.param(  # a place opening the sentence scopes its figures; the other sentence is of the whole
            "Across the survey, 81 percent of drivers wore a seat belt.",
            "81",
            "But in Corvale, 62 percent of drivers wore a seat belt.",
            "62",
            id="opening-place",
        ),
        pytest.param(  # a group named by where it is from
            "About 30 rowers from the Kestrel Bay club signed the letter to the council on Sunday.",
            "About 30",
            "Some 45 rowers signed the letter to the council on Sunday.",
            "Some 45",
            id="named-origin",
        ),
        pytest.param(  # two notes' yields
            "The 20-year Quillon bond rose, taking its yield to 4.2 percent.",
            "4.2",
            "The five-year Quillon note rose, taking its yield to 3.1 percent.",
            "3.1",
            id="term",
        ),
        pytest.param(  # two chambers' versions of one plan
            "The Assembly-passed water plan sets a $300 fee for each farm.",
            "$300",
            "Under the Council-passed water plan, each farm pays a $250 fee.",
            "$250",
            id="version",
        ),
        pytest.param(  # two owners of one kind of thing
            "Brindle's 17 percent stake was sold on Monday.",
            "17",
            "Quillon's 23 percent stake was sold on Monday.",
            "23",
            id="possessor",
        ),
        pytest.param(  # a treated group and the control group
            "In the Varden trial, 12 percent of the patients who took lumarol fell ill.",
            "12",
            "In the Varden trial, 19 percent of the patients who took the dummy pill fell ill.",
            "19",
            id="who-clause",
        ),
        pytest.param(  # the same groups, restated as counts after 'or'
            "Some 19 percent of patients who took the dummy pill, or 410 patients, fell ill.",
            "410",
            "Some 12 percent of patients who took lumarol, or 260 patients, fell ill.",
            "260",
            id="restated-who-clause",
        ),
        pytest.param(  # two firms as the subjects that report the figure (MSRP's Lowe's / Home Depot)
            "Brindle, with half as many stores, reported a 33 percent rise in profit behind a 12 percent jump in"
            " sales.",
            "12",
            "Quillon reported a 22 percent rise in profit behind a nearly 8 percent rise in sales.",
            "nearly 8",
            id="subject",
        ),
        pytest.param(  # two candidates as the subjects of a passive whose agent is the share
            "Senator Hollin was not recognised by 61 percent of those polled.",
            "61",
            "Varga was viewed favourably by 66 percent of those polled.",
            "66",
            id="passive-subject",
        ),
    ],
)
def test_figures_of_two_referents_are_of_different_things(first: str, a: str, second: str, b: str):
    """Two figures that share a noun and a sentence shape but not what they measure (whose, which term, which
    group: claims.REFERENT_CUES) are no disagreement."""
    assert not _scopes(first, a, second, b)


@pytest.mark.parametrize(
    ("first", "a", "second", "b"),
    [
        pytest.param(  # the same holder in both sentences
            "Brindle came in third with a 17 percent share.",
            "17",
            "Brindle ranked third with 19 percent share.",
            "19",
            id="holder-named-twice",
        ),
        pytest.param(  # a possessor named by one outlet only: one bill (as on the crawl)
            "The council voted to advance Mayor Hollin's $1.2 million harbour plan on Tuesday.",
            "$1.2",
            "The council voted to advance a $1 million harbour plan on Tuesday.",
            "$1",
            id="possessor-on-one-side",
        ),
        pytest.param(  # a group worded with two verbs: one group told twice
            "The bodies of 17 walkers who died of cold on the Kestrel pass were found on Monday.",
            "17",
            "The bodies of 18 walkers who were killed by the storm on the Kestrel pass were found on Monday.",
            "18",
            id="who-clause-two-verbs",
        ),
        pytest.param(  # refugees from a region the other sentence also names
            "The camp holds about 20,000 refugees from the Nuba hills of South Kordofan.",
            "about 20,000",
            "The camp holds over 24,000 refugees who fled the fighting in South Kordofan.",
            "over 24,000",
            id="origin-named-on-both-sides",
        ),
        pytest.param(  # one firm, the subject of both sentences
            "Brindle reported a 12 percent jump in same-store sales on Tuesday.",
            "12",
            "Brindle, the Varden hardware chain, posted a 9 percent jump in same-store sales on Tuesday.",
            "9",
            id="subject-named-twice",
        ),
        pytest.param(  # a subject named by one outlet only: the other may leave it out
            "Brindle reported a 12 percent jump in same-store sales on Tuesday.",
            "12",
            "The chain reported a 9 percent jump in same-store sales on Tuesday.",
            "9",
            id="subject-on-one-side",
        ),
        pytest.param(  # actors on one bill are no holders of it (the crawl's one bill of two chambers)
            "The Assembly delayed a vote on the $1 trillion harbour bill on Thursday.",
            "$1",
            "Mayor Hollin will keep working on advancing a $1.2 trillion harbour bill.",
            "$1.2",
            id="actors-on-one-bill",
        ),
    ],
)
def test_figures_of_one_referent_worded_differently_stay_comparable(first: str, a: str, second: str, b: str):
    assert _scopes(first, a, second, b)


def test_the_whole_of_a_part_given_without_a_determiner_is_the_whole():
    """'completed 28 of 41 passes': 41 counts the passes thrown, not those completed."""
    assert not _scopes(
        "Oduya completed 28 passes for 300 yards on Sunday.", "28", "Oduya completed 28 of 41 passes on Sunday.", "41"
    )


def test_a_place_named_after_the_participle_of_a_count_is_its_place():
    everywhere = "The Varden flood of 1998 killed 9,000 people in 12 provinces."
    province = "Some 6,500 people were killed in Corvale province by the Varden flood of 1998."
    assert not _scopes(everywhere, "9,000", province, "Some 6,500")
    # a participle followed by no place name: one count, worded two ways
    assert _scopes(
        "Police said 12 people were injured in the riots.",
        "12",
        "Police said 18 people had been hurt in the unrest.",
        "18",
    )



@pytest.mark.parametrize(
    ("first", "a", "second", "b", "disagree"),
    [
        pytest.param(  # two outlets, two firms' figures in one sentence shape: no disagreement
            "Lowe's reported a 10 percent rise in same-store sales for the third quarter on Monday.",
            "10",
            "Home Depot reported a 12 percent rise in same-store sales for the third quarter on Monday.",
            "12",
            False,
            id="two-subjects",
        ),
        pytest.param(  # one firm's figure given twice: a disagreement
            "Lowe's reported a 10 percent rise in same-store sales for the third quarter on Monday.",
            "10",
            "Lowe's posted a 12 percent rise in same-store sales for the third quarter on Monday.",
            "12",
            True,
            id="one-subject",
        ),
        pytest.param(  # one event's toll, no subject holding it: still a disagreement
            "The Corvale floods left 80 people dead, the regional governor said on Monday.",
            "80",
            "The Corvale floods left 84 people dead, the regional governor said on Monday.",
            "84",
            True,
            id="one-event-toll",
        ),
    ],
)
def test_figures_conflict_only_when_their_subjects_agree(first: str, a: str, second: str, b: str, disagree: bool):
    """Two outlets' sentences of one shape, judged as the pipeline judges the sentences it compares: a figure held by
    a named subject ("Lowe's reported ...") is that subject's, so two subjects' figures are no disagreement; one
    subject's, or one event's, are. The whole pipeline on the two outlets shows the same."""
    assert _pair(first, a, second, b) is disagree
    _, conflicts = _conflicts(first, second)
    assert bool(conflicts) is disagree


def test_a_toll_that_counts_the_attacker_or_all_so_far_is_another_quantity():
    """'Four people were killed (including the gunman)' counts him; 'the gunman who killed three people' does not.
    'has so far lost seven soldiers' is a total, not one day's losses. Two tolls of one kind still disagree."""
    with_him = "Four people were killed (including the gunman) at the Corvale market on Sunday."
    victims = "Police hunted an accomplice of the gunman who killed three people at the Corvale market on Sunday."
    assert not _scopes(with_him, "Four", victims, "three")
    assert _scopes(with_him, "Four", "Five people were killed, including the gunman, at the Corvale market.", "Five")
    total = "Varden has so far lost seven soldiers in the border conflict."
    one_day = "Five Varden soldiers lost their lives on Wednesday in the border conflict."
    assert not _scopes(total, "seven", one_day, "Five")


@pytest.mark.parametrize(
    ("sentence", "values"),
    [
        ("The mayor spoke at the Corvale restaurant Two Lanterns on the Quay.", []),  # a name, not a count
        ("The plant at Three Mile Point closed in March.", []),
        ("Two people were hurt at the Corvale quay.", [2.0]),  # the first word: a count
        ("Officials said Two Hundred people came to the quay.", [200.0]),
        ("The council said three Senators voted no.", [3.0]),
    ],
)
def test_a_number_word_inside_a_name_is_no_figure(sentence: str, values: list[float]):
    assert [fm.value for fm in extract_figures(sentence)] == values
