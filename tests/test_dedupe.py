"""Copy detection: exact, near and reworded copies, who is the original, and counting independent sources.

All articles here are fictional, written for these tests.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest

from tidings.dedupe import CopyDetector, count_independent, independent_groups, monotone_alignment
from tidings.model import Article
from tidings.resources import HashingEncoder, get_embedder, using_encoder
from tidings.settings import DedupeSettings
from tidings.text import content_hash, stable_id

FIRE = "\n\n".join(
    [
        (
            "A fire destroyed the old grain warehouse on the Port Veldan waterfront early on Sunday, the town's "
            "fire service said."
        ),
        (
            "Crews were called at about 3 a.m. after a night watchman saw smoke rising from the roof. More than "
            "forty firefighters from three stations fought the blaze for six hours."
        ),
        "No one was hurt, but the building, which dates from 1887, collapsed shortly after dawn.",
        (
            'Fire chief Maren Holt said the cause was not yet known. "We will not speculate until the '
            'investigators have been inside," she told reporters at the scene.'
        ),
        (
            "The warehouse had been empty since the grain cooperative moved to a new site in the spring. The town"
            " council had planned to turn it into a market hall next year."
        ),
        "Residents of nearby streets were asked to keep their windows closed because of the smoke.",
    ]
)

FIRE_REWORDED = "\n\n".join(
    [
        (
            "The historic grain warehouse on Port Veldan's waterfront burned down in the early hours of Sunday, "
            "according to the local fire service."
        ),
        (
            "Firefighters were alerted around 3 a.m. when a night guard noticed smoke coming from the roof. Over "
            "forty firefighters from three fire stations battled the flames for six hours."
        ),
        "Nobody was injured, though the 1887 building fell in soon after sunrise.",
        (
            'Maren Holt, the fire chief, said it was too early to know what caused the fire. "We will not '
            'speculate until the investigators have been inside," she said at the site.'
        ),
        (
            "The building had stood empty since the grain cooperative relocated to a new site this spring. "
            "Council members had hoped to convert it into a market hall next year."
        ),
        "People living on the surrounding streets were told to keep their windows shut because of the smoke.",
    ]
)

FIRE_OTHER_OUTLET = "\n\n".join(
    [
        (
            "Port Veldan lost one of its best-known landmarks on Sunday when the waterfront grain warehouse went "
            "up in flames."
        ),
        (
            "For local historian Tomas Brek, the loss is personal. His grandfather unloaded barges at the "
            "warehouse in the 1930s, and he has spent years collecting photographs of its busy quays."
        ),
        '"It was the heart of the harbour for a century," Brek said, standing behind the police tape.',
        (
            "The cooperative that owned the building sold it to the town in 2019 for a symbolic sum. Insurance "
            "experts say the town may struggle to recover the cost of clearing the site."
        ),
        (
            "Some residents questioned why the empty building had no sprinkler system. The council said a safety "
            "review had been scheduled for the summer."
        ),
    ]
)

MATCH = "\n\n".join(
    [
        "Veldan Rovers beat Karsby Athletic 3-1 on Saturday to move to the top of the northern league.",
        (
            "Striker Ilse Marr scored twice in the first half, and a late header from defender Jonah Pike sealed "
            "the win."
        ),
        "Karsby pulled one back from the penalty spot after an hour but could not find an equaliser.",
        (
            'Rovers coach Anders Vell praised his side\'s patience. "We kept the ball and waited for our moments,"'
            " he said."
        ),
        "The two clubs meet again in the cup next month.",
    ]
)


def make(
    text: str, title: str, published: str | None = None, credits: list[str] | None = None, url: str = ""
) -> Article:
    return Article(
        id=stable_id(url, title, text, prefix="a"),
        origin=url or title,
        title=title,
        text=text,
        url=url or None,
        published=published,
        credits=credits or [],
        content_hash=content_hash(text),
    )


def embed(articles: list[Article]) -> np.ndarray:
    """The article embedding the pipeline uses: title and lead."""
    return get_embedder().encode([f"{a.title or ''}\n{a.text[:1000]}" for a in articles])


def detect(detector: CopyDetector, articles: list[Article]) -> list[Article]:
    return detector.detect(articles, embed(articles), [detector.signature(a) for a in articles])


def edited_copy(text: str) -> str:
    """A syndicated copy: one sentence reworded, the last paragraph dropped, page chrome added."""
    paras = text.split("\n\n")[:-1]
    paras[1] = paras[1].replace("More than forty", "Over 40").replace("six hours", "nearly six hours")
    return "\n\n".join(["Advertisement", *paras, "Sign up for our evening newsletter."])


def needs_model() -> None:
    if get_embedder().name == HashingEncoder.name:
        pytest.skip("reworded copies need the MiniLM sentence model (the hashing fallback is in use)")


@pytest.fixture
def detector() -> CopyDetector:
    return CopyDetector(DedupeSettings())


def test_exact_copy_is_a_duplicate_of_the_earlier_article(detector: CopyDetector) -> None:
    first = make(FIRE, "Fire destroys warehouse", "2024-05-05T08:00:00Z", url="https://veldan-post.example/fire")
    # the same words, re-flowed and re-cased on another site
    again = make(FIRE.replace("\n\n", "\n\n\n").upper(), "Warehouse fire", "2024-05-05T11:30:00+02:00", url="x")
    detect(detector, [again, first])
    assert (again.relation, again.copy_of) == ("duplicate", first.id)
    assert (first.relation, first.copy_of) == ("original", None)


def test_edited_copy_with_page_chrome_is_a_near_duplicate(detector: CopyDetector) -> None:
    original = make(FIRE, "Fire destroys warehouse", "2024-05-05")
    copy = make(edited_copy(FIRE), "Fire destroys warehouse", "2024-05-06")
    detect(detector, [original])
    changed = detect(detector, [copy])
    assert (copy.relation, copy.copy_of) == ("near_duplicate", original.id)
    assert changed == [original] and original.relation == "original"


def test_reworded_copy_is_a_paraphrase(detector: CopyDetector) -> None:
    needs_model()
    original = make(FIRE, "Fire destroys Port Veldan grain warehouse", "2024-05-05T06:00:00Z")
    spun = make(FIRE_REWORDED, "Historic Port Veldan warehouse burns down", "2024-05-05T09:00:00Z")
    detect(detector, [original, spun])
    assert (spun.relation, spun.copy_of) == ("paraphrase", original.id)
    assert original.relation == "original"


def test_two_reports_of_the_same_event_are_not_copies(detector: CopyDetector) -> None:
    a = make(FIRE, "Fire destroys warehouse", "2024-05-05")
    b = make(FIRE_OTHER_OUTLET, "Port Veldan mourns its warehouse", "2024-05-05")
    c = make(MATCH, "Rovers go top", "2024-05-04")
    assert detect(detector, [a, b, c]) == []
    assert all(x.relation is None and x.copy_of is None for x in (a, b, c))


def test_two_short_reports_quoting_one_statement_are_not_copies(detector: CopyDetector) -> None:
    """Two outlets' excerpts of one ruling: a lead each and the same two quotations from it. Shared quotations are a
    shared source, not copying; three reworded sentences of their own would be."""
    needs_model()
    a = make(
        "The harbour court ordered the Veldan port board on Friday to hand its pay records to the dockworkers' union."
        "\n\n“The board has given no reason to withhold the records from the union,” the ruling said.\n\n"
        "“The records must be handed over within fourteen days,” the court wrote.",
        "Court orders port board to hand over pay records", "2024-05-05T08:00:00Z", url="https://ledger.example/a")
    b = make(
        "The Veldan port board must give the dockworkers' union its pay records, the harbour court ruled on Friday."
        "\n\n“The board has given no reason to withhold the records from the union,” the judges wrote.\n\n"
        "“The records must be handed over within fourteen days,” the ruling said.",
        "Port board told to share pay records with union", "2024-05-05T08:00:00Z", url="https://gazette.example/b")
    detect(detector, [a, b])
    assert a.copy_of is None and b.copy_of is None
    assert a.relation is None and b.relation is None


def test_an_earlier_published_newcomer_becomes_the_original(detector: CopyDetector) -> None:
    later = make(edited_copy(FIRE), "Warehouse fire", "2024-05-06T10:00:00Z")
    detect(detector, [later])
    assert later.relation is None
    earlier = make(FIRE, "Warehouse fire", "2024-05-05T10:00:00Z")
    changed = detect(detector, [earlier])
    assert (earlier.relation, earlier.copy_of) == ("original", None)
    assert [a.id for a in changed] == [later.id]
    assert (later.relation, later.copy_of) == ("near_duplicate", earlier.id)


def test_without_dates_the_text_that_contains_the_other_is_the_original(detector: CopyDetector) -> None:
    excerpt = make("\n\n".join(FIRE.split("\n\n")[:4]), "Warehouse fire")
    full = make(FIRE, "Warehouse fire")
    detect(detector, [excerpt])
    changed = detect(detector, [full])
    assert (full.relation, full.copy_of) == ("original", None)
    assert (excerpt.relation, excerpt.copy_of) == ("near_duplicate", full.id)
    assert [a.id for a in changed] == [excerpt.id]


def test_without_dates_the_credited_copy_of_the_same_text_is_the_original(detector: CopyDetector) -> None:
    plain = make(FIRE, "Warehouse fire", url="https://aggregator.example/1")
    credited = make(
        FIRE, "Warehouse fire", credits=["Lena Ostrova contributed to this report."], url="https://a.example"
    )
    detect(detector, [plain])
    detect(detector, [credited])
    assert credited.relation == "original"
    assert (plain.relation, plain.copy_of) == ("duplicate", credited.id)


def test_copies_of_copies_point_at_the_root_original(detector: CopyDetector) -> None:
    root = make(FIRE, "Warehouse fire", "2024-05-05T06:00:00Z")
    first_copy = make(edited_copy(FIRE), "Warehouse fire", "2024-05-05T09:00:00Z")
    second_copy = make(edited_copy(FIRE).replace("Advertisement", "Share this story"), "Fire", "2024-05-05T12:00:00Z")
    detect(detector, [root])
    detect(detector, [first_copy])
    detect(detector, [second_copy])
    assert first_copy.copy_of == root.id and second_copy.copy_of == root.id
    # and when an even earlier version turns up, the whole group moves under it
    earliest = make(FIRE + "\n\nThe fire service thanked neighbours for their help.", "Fire", "2024-05-05T05:00:00Z")
    changed = detect(detector, [earliest])
    assert {a.id for a in changed} == {root.id, first_copy.id, second_copy.id}
    assert all(a.copy_of == earliest.id for a in (root, first_copy, second_copy))
    assert earliest.relation == "original" and earliest.copy_of is None


def test_copies_within_one_batch_are_found(detector: CopyDetector) -> None:
    a = make(FIRE, "Fire", "2024-05-05")
    b = make(FIRE, "Fire (copy)", "2024-05-07", url="https://b.example")
    c = make(edited_copy(FIRE), "Fire", "2024-05-06")
    detect(detector, [b, c, a])
    assert a.relation == "original"
    assert (b.relation, b.copy_of) == ("duplicate", a.id)
    assert (c.relation, c.copy_of) == ("near_duplicate", a.id)


def test_warm_start_from_the_store_uses_lookup_for_texts() -> None:
    """As the pipeline warms the detector: stored rows come without text; the text is fetched on demand."""
    needs_model()
    stored = make(FIRE, "Fire destroys Port Veldan grain warehouse", "2024-05-05T06:00:00Z")
    signature, embedding = CopyDetector(DedupeSettings()).signature(stored), embed([stored])[0]
    fetched: list[str] = []

    def lookup(article_id: str) -> Article | None:
        fetched.append(article_id)
        return replace(stored) if article_id == stored.id else None

    detector = CopyDetector(DedupeSettings())
    detector.lookup = lookup
    detector.add_known(replace(stored, text=""), signature, embedding)
    spun = make(FIRE_REWORDED, "Historic Port Veldan warehouse burns down", "2024-05-05T09:00:00Z")
    changed = detect(detector, [spun])
    assert (spun.relation, spun.copy_of) == ("paraphrase", stored.id)
    assert fetched and [(a.id, a.relation) for a in changed] == [(stored.id, "original")]


def test_already_known_articles_are_not_detected_again(detector: CopyDetector) -> None:
    a = make(FIRE, "Fire", "2024-05-05")
    detect(detector, [a])
    assert detect(detector, [a]) == [] and a.relation is None and len(detector) == 1


def test_signature_is_compact_and_deterministic() -> None:
    settings = DedupeSettings()
    article = make(FIRE, "Fire")
    sig = CopyDetector(settings).signature(article)
    assert sig == CopyDetector(settings).signature(make(FIRE, "Other title"))
    assert len(sig) == 8 + 4 * settings.num_perm
    assert sig != CopyDetector(settings).signature(make(MATCH, "Match"))


def test_degrades_without_the_sentence_model() -> None:
    """With the hashing fallback encoder, exact and near copies are still found and nothing breaks."""
    with using_encoder(HashingEncoder()):
        detector = CopyDetector(DedupeSettings())
        a = make(FIRE, "Fire", "2024-05-05")
        b = make(edited_copy(FIRE), "Fire", "2024-05-06")
        c = make(FIRE_OTHER_OUTLET, "Landmark lost", "2024-05-06")
        detect(detector, [a, b, c])
    assert (b.relation, b.copy_of) == ("near_duplicate", a.id)
    assert c.relation is None


def test_independent_groups_count_copies_once() -> None:
    a = make(FIRE, "A")
    b = replace(make(FIRE, "B", url="b"), copy_of=a.id, relation="duplicate")
    c = replace(make(FIRE_REWORDED, "C"), copy_of=a.id, relation="paraphrase")
    d = make(FIRE_OTHER_OUTLET, "D")
    e = replace(make(MATCH, "E"), copy_of="a-stored-elsewhere", relation="near_duplicate")
    groups = independent_groups([a, b, c, d, e])
    assert groups == {a.id: a.id, b.id: a.id, c.id: a.id, d.id: d.id, e.id: "a-stored-elsewhere"}
    assert count_independent([a, b, c, d, e]) == 3
    # a chain left over from older data still lands on its root
    f = replace(make(FIRE, "F", url="f"), copy_of=b.id, relation="duplicate")
    assert independent_groups([a, b, f])[f.id] == a.id


def test_monotone_alignment_keeps_order() -> None:
    sim = np.array([[0.9, 0.1, 0.1], [0.1, 0.1, 0.8], [0.1, 0.9, 0.1]])
    # (0,0) then either (1,2) or (2,1): the two cannot both align without crossing
    pairs = monotone_alignment(sim, 0.5)
    assert len(pairs) == 2 and pairs[0] == (0, 0)
    assert all(i1 < i2 and j1 < j2 for (i1, j1), (i2, j2) in itertools.pairwise(pairs))
    assert monotone_alignment(np.zeros((0, 3)), 0.5) == []


def test_a_copy_of_a_copy_whose_original_was_not_loaded_points_at_that_original(detector: CopyDetector) -> None:
    stored_copy = replace(make(FIRE, "Fire", "2024-05-06"), copy_of="a-not-loaded", relation="duplicate")
    detector.add_known(stored_copy, detector.signature(stored_copy), embed([stored_copy])[0])
    again = make(FIRE, "Fire again", "2024-05-07", url="https://c.example")
    assert detect(detector, [again]) == []
    assert (again.relation, again.copy_of) == ("duplicate", "a-not-loaded")


@pytest.mark.parametrize(("window", "found"), [(2, False), (3, True)])
def test_near_copies_are_looked_up_among_the_most_recent_lsh_window_articles(window: int, found: bool) -> None:
    """Warmed from a store, the LSH holds the last ``lsh_window`` articles; older ones are reached by embedding."""
    detector = CopyDetector(DedupeSettings(lsh_window=window))
    no_embedding = np.zeros(0, dtype=np.float32)
    stored = [
        make(FIRE, "Fire destroys warehouse", "2024-05-05"),
        make(MATCH, "Cup tie ends level", "2024-05-06"),
        make(FIRE_OTHER_OUTLET, "Waterfront blaze", "2024-05-06"),
    ]
    for article in stored:
        detector.add_known(article, detector.signature(article), no_embedding)
    copy = make(edited_copy(FIRE), "Fire destroys warehouse", "2024-05-07")
    detector.detect([copy], np.zeros((1, 0), dtype=np.float32), [detector.signature(copy)])
    assert (copy.copy_of == stored[0].id) is found
    # the window moves on as articles arrive: the copy is now among the most recent ones, and a copy of it is
    # found (pointing at the root original when the first copy was linked to it)
    again = make(edited_copy(FIRE) + "\n\nUpdated at noon.", "Fire destroys warehouse", "2024-05-07")
    detector.detect([again], np.zeros((1, 0), dtype=np.float32), [detector.signature(again)])
    assert again.copy_of == (stored[0].id if found else copy.id)


def test_pages_that_share_only_boilerplate_are_not_copies(detector: CopyDetector) -> None:
    promo = "Chat with us in Facebook Messenger. Find out what's happening in the world as it unfolds."
    first = make(promo, "Ferry strike enters third day", "2024-05-05", url="https://tarnby.example/ferry")
    second = make(promo, "Orchard harvest starts early", "2024-08-19", url="https://tarnby.example/orchard")
    # a little real text beside the same plugs is still too little content to call two pages copies
    plugs = "\n\n".join([promo, "Sign up for our Morning Brief newsletter.", "Follow us on Facebook and Instagram."])
    third = make(f"The ferry strike ended.\n\n{plugs}", "Ferry strike ends", "2024-05-08", url="https://t.example/3")
    fourth = make(f"Apples are in.\n\n{plugs}", "Apple harvest", "2024-08-20", url="https://t.example/4")
    detect(detector, [first, third])
    detect(detector, [second, fourth])
    assert all(a.copy_of is None and a.relation in (None, "original") for a in (first, second, third, fourth))
