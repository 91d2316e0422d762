import os

import pytest

from tidings.model import Article
from tidings.resources import get_nlp
from tidings.text import (
    content_hash,
    is_advice,
    is_broken,
    is_furniture,
    looks_like_heading,
    normalize_text,
    paragraphs,
    read_paragraphs,
    read_sentences,
    segment,
    split_sentences,
    writer_voice,
)


def test_normalize_folds_odd_spaces_and_nfc():
    raw = "Cafe\u0301\u00a0au\u2009lait\r\n\r\n\r\nnext\u200b line  "
    assert normalize_text(raw) == "Café au lait\n\nnext line"


def test_normalize_parts_sentences_an_extractor_glued():
    assert normalize_text("the harbour forces.Video footage shows") == "the harbour forces. Video footage shows"
    assert normalize_text("state policy.”Hundreds came") == "state policy.” Hundreds came"
    kept = "U.S.Navy ships and harbourwire.example/News"  # abbreviations and addresses stay
    assert normalize_text(kept) == kept


def test_normalize_repairs_utf8_read_as_windows_1252():
    fixed = "Mayor Nuria Peña spoke at the café for 12 £."
    assert normalize_text("Mayor Nuria PeÃ±a spoke at the cafÃ© for 12 Â£.") == fixed
    assert normalize_text("Ihre GrÃ¶ÃŸe") == "Ihre Größe"
    # text that merely contains the letters stays as it is
    assert normalize_text("ÃRVORE Ã© and Â") == "ÃRVORE é and Â"
    assert normalize_text("Ã la carte") == "Ã la carte"


def test_content_hash_ignores_case_punctuation_and_spacing():
    assert content_hash("The mayor, Ms Orla Venn, resigned.") == content_hash("the mayor  Ms Orla Venn resigned")
    assert content_hash("The mayor resigned.") != content_hash("The mayor stayed.")


def test_paragraphs_split_on_blank_lines():
    assert paragraphs("One.\n\n\nTwo.\nStill two.\n\n") == ["One.", "Two.\nStill two."]


def test_heading_detection():
    assert looks_like_heading("Talks resume in Port Valen")
    assert not looks_like_heading("Talks resumed in Port Valen on Monday.")
    assert not looks_like_heading("this line starts lower case and has no stop")


def test_quotations_stay_whole():
    para = "\u201cWe will not move. The docks stay shut,\u201d Mara Quill said. The union agreed."
    [sents] = split_sentences([para])
    assert sents[0] == "\u201cWe will not move. The docks stay shut,\u201d Mara Quill said."
    assert sents[-1] == "The union agreed."


def test_segment_marks_headings():
    article = Article(
        id="a1", origin="x", title="T",
        text="The strike began at dawn. Ships waited offshore.\n\nWhat comes next\n\nTalks resume on Friday.",
    )  # fmt: skip
    sents = segment(article)
    assert [s.is_heading for s in sents] == [False, False, True, False]
    assert sents[2].text == "What comes next"
    assert [s.index for s in sents] == [0, 1, 2, 3]


def test_one_reading_serves_sentences_entities_and_sentence_views():
    if get_nlp() is None:
        pytest.skip("spaCy model not installed")
    para = "Mayor Orla Venn met the dockers in Port Valen on Monday. The strike had lasted 12 days, she said."
    [reading] = read_paragraphs([para])
    assert [para[a:b] for a, b in reading.sentences] == split_sentences([para])[0]
    assert any(e.text == "Orla Venn" and e.label == "PERSON" for e in reading.ents)
    second = split_sentences([para])[0][1]
    [view] = read_sentences([second])
    assert view.text == second
    # offsets of the view are into the sentence itself
    assert all(view.text[a:b] for a, b, _ in view.tokens)
    assert view.text[view.tokens[0][0] : view.tokens[0][1]] == "The"
    assert not any(e.text == "Orla Venn" for e in view.ents)  # the first sentence's entity stays there


def test_regex_sentences_without_the_model(monkeypatch):
    monkeypatch.setenv("TIDINGS_NO_SPACY", "1")
    assert read_paragraphs(["Any text."]) is None
    assert split_sentences(["Dr. Venn spoke. The port reopened."]) == [["Dr. Venn spoke.", "The port reopened."]]


def test_a_large_batch_is_read_by_worker_processes_with_the_same_result(monkeypatch):
    if get_nlp() is None:
        pytest.skip("spaCy model not installed")
    from dataclasses import replace

    from tidings import text

    paras = [
        f"Pilot {name} guided the {ship} into Port Valen on day {day}. \u201cThe swell was high,\u201d {name} said."
        for day, (name, ship) in enumerate(
            [("Ines Caldo", "Marrow Star"), ("Piet Oduya", "Gull"), ("Lena Brask", "Tern"), ("Ovo Hale", "Kite")] * 3
        )
    ]
    text.clear_readings()
    alone = read_paragraphs(paras)
    text.clear_readings()
    monkeypatch.setenv("TIDINGS_SPACY_WORKERS", "2")
    monkeypatch.setattr(text, "_ANALYZE", replace(text._ANALYZE, spacy_parallel_min_paragraphs=4, ner_batch_size=2))
    here, real_read = os.getpid(), text._read

    def read_elsewhere(nlp, texts):  # the forked workers inherit this: only they may read
        assert os.getpid() != here, "read in the calling process"
        return real_read(nlp, texts)

    monkeypatch.setattr(text, "_read", read_elsewhere)
    try:
        shared = read_paragraphs(paras)
    finally:
        text.stop_workers()
        text.clear_readings()
    assert shared == alone
    assert any(e.text == "Ines Caldo" for e in shared[0].ents)


def test_a_quote_whose_closing_mark_was_lost_ends_at_its_attribution():
    para = (
        "The harbour master set out \u201ca clear plan for the fleet, Ines Caldo told reporters in Port Valen. "
        "\u201cWe reopen at dawn. The tugs are ready.\u201d"
    )
    assert split_sentences([para], model=False)[0] == [
        "The harbour master set out \u201ca clear plan for the fleet, Ines Caldo told reporters in Port Valen.",
        "\u201cWe reopen at dawn. The tugs are ready.\u201d",
    ]
    assert split_sentences([para])[0] == split_sentences([para], model=False)[0]


@pytest.mark.parametrize(
    ("sentence", "broken"),
    [
        ("The harbour bridge reopened on Monday after six months of repairs.", False),
        ("“We are ready,” the mayor said.", False),
        ('"We are ready," the mayor said.', False),
        ("and the ferries will run until the pillars are repaired,” she said.", True),  # the tail of a quote
        ("“The bridge will stay closed, the engineer said.", True),  # a quote left open
        ('The engineer said the bridge "will stay closed.', True),
        ("Harbour...", True),  # cut off by the source
        ("The mayor said the ferries would run,…", True),
        ("… and the ferries ran all night.", True),
        ("Marrowby says, 'Ferries.", True),  # a single-quoted quote cut at its first stop
        ("The slogan 'Ferries. We run them' drew jeers.", False),
        ("The crews' shifts of the '90s were longer.", False),  # apostrophes open nothing
    ],
)
def test_broken_sentences_are_recognised(sentence: str, broken: bool):
    assert is_broken(sentence) is broken


@pytest.mark.parametrize(
    "line",
    [
        "Hide Caption 24 of 25 Photos",
        "Photos:",
        "CLOSE",
        "Related: Council approves harbour budget",
        "Photo: Jane Roe/Getty Images",
        "Dockworkers march on Monday. (Photo by Jane Roe/AFP via Getty Images)",
        "Opinion",
        "Image 3 of 12",
        "Crews bring down the rest of the Varden tower, late Sunday, July 4, 2021, in Marrowby, Ore.",  # a caption
        "Also on harbourwire.example Ferry union rejects the port's latest offer",  # a related link
        "1 | Ana Vell | 5040 | 5 | 17",  # a row of a table
        "Sign up for the free daily newsletter.",  # the site's promotion, left inside a paragraph
        "Be sure to check out the Harbour Gazette Ferry Price Guide for the latest deals on passes.",
        "Click To Tweet",
        "Ana Vell may be reached at avell@gazette.example.",  # the writer's contact line
        "Follow her on Twitter @AnaVell.",
        "Aug. 05, 2013 | 2:47 p. m.",  # a time stamp alone
        "Last Updated: Monday, 28 November 2005, 02:24 GMT",
        "Posted: 08/02/2013 11:10 am EDT",
    ],
)
def test_page_furniture_is_recognised(line: str):
    assert is_furniture(line)


@pytest.mark.parametrize(
    "sentence",
    [
        "Photos of the flooded harbour were shared widely on Monday.",
        "Close allies of the mayor said the deal was near.",
        "Opinion polls show the mayor ahead by 12 points.",
        "The video showed police officers at the gate.",
        "More than 8,500 troops were put on alert.",
        "More on harbour fees will follow next week, the council said.",
        "Fans follow her on Twitter in their thousands.",
        "The harbour master can be reached at the quay office on Mondays.",
        "The mayor signed the harbour bill on Tuesday, Jan. 5, 2021, at the town hall.",  # prose says 'on Tuesday'
        "The harbour vote was set for May 3, 2013.",  # a sentence that gives a date
        "",
    ],
)
def test_sentences_of_the_article_are_not_furniture(sentence: str):
    assert not is_furniture(sentence)


def test_a_paragraph_longer_than_spacy_takes_is_read_in_pieces(monkeypatch):
    """A huge single paragraph (past spaCy's max_length) is read in pieces cut at sentence ends and joined: every
    sentence and entity keeps its offsets into the whole paragraph, and nothing fails."""
    from tidings import text as text_module

    nlp = text_module.get_nlp()
    if nlp is None:
        pytest.skip("spaCy model not installed")
    monkeypatch.setattr(text_module._ANALYZE, "spacy_max_chars", 200)
    sentence = "Mayor Odile Tamsin closed the Lowmere harbour bridge on Tuesday. "
    paragraph = sentence * 12
    reading = text_module._read(nlp, [paragraph])[0]
    assert reading.text == paragraph
    assert [paragraph[a:b] for a, b in reading.sentences] == [sentence.strip()] * 12
    assert reading.ents and all(paragraph[e.start : e.end] == e.text for e in reading.ents)
    starts = [a for a, _b, _t in reading.tokens]
    assert starts == sorted(starts)
    assert [paragraph[a:b] for a, b, _t in reading.tokens][:3] == ["Mayor", "Odile", "Tamsin"]
    unbroken = "x" * 450  # no sentence end, no space: cut anyway
    assert text_module._read(nlp, [unbroken])[0].text == unbroken


@pytest.mark.parametrize("model", [True, False])
def test_a_sentence_longer_than_the_cap_is_cut_at_spaces_for_the_models(model):
    """A paragraph without sentence ends reaches the models as sentences of at most ``max_sentence_chars``, cut
    between words, together covering all its words."""
    from tidings import text as text_module

    cap = text_module._ANALYZE.max_sentence_chars
    paragraph = "the port strike went on and talks on pay broke down again " * (3 * cap // 50)
    [sentences] = text_module.split_sentences([paragraph], model=model)
    assert len(sentences) > 1 and all(len(s) <= cap for s in sentences)
    assert " ".join(sentences).split() == paragraph.split()


def test_text_head_cuts_at_a_paragraph_break_or_space():
    from tidings.text import text_head

    text = "First paragraph here.\n\nSecond one, longer than the rest of it."
    assert text_head(text, 1000) == text
    assert text_head(text, 40) == "First paragraph here."
    assert text_head("alpha beta gamma delta", 14) == "alpha beta"
    assert text_head("x" * 50, 10) == "x" * 10


def test_a_cut_before_a_lower_case_word_is_joined_back():
    from tidings.text import _join_false_breaks

    text = (
        "Tamsin Orr, who campaigned for Sen. Ivo Brant (D-Vt.) during the primary, leads. "
        "de Marco said so. eBay agreed."
    )
    cut = text.index("during")
    de, ebay = text.index("de Marco"), text.index("eBay")
    spans = [(0, cut - 1), (cut, de - 1), (de, ebay - 1), (ebay, len(text))]
    joined = [text[a:b] for a, b in _join_false_breaks(text, spans)]
    assert joined == [
        "Tamsin Orr, who campaigned for Sen. Ivo Brant (D-Vt.) during the primary, leads.",
        "de Marco said so.",  # a name particle starts a sentence
        "eBay agreed.",  # so does a word with a capital inside
    ]


@pytest.mark.parametrize(
    ("sentence", "voice"),
    [
        ("As I explained last night, the harbour board had no choice.", True),
        ("The ferry, I'm afraid, will not sail this winter.", True),
        ("In 2005, my colleagues at the Gazette wrote an essay about the port.", True),
        ("“I will not resign,” the harbour master said.", False),  # a speaker's 'I', quoted
        ("World War I ended the port's golden age.", False),  # a numeral
        ("Title I funds for the harbour school were cut.", False),
        ("The harbour master said the port would reopen on Monday.", False),
        ("Marrowby Council Restores the Harbour Ferry!", True),  # an exclamation of its own
        ("\"Bring the ferry back!\" the crowd chanted.", False),  # a quoted one reports
        ("The harbour deal was first reported by Yahoo!", False),  # a name that ends in one
    ],
)
def test_the_writers_own_voice_is_told_from_reporting(sentence: str, voice: bool) -> None:
    assert writer_voice(sentence) is voice


@pytest.mark.parametrize(
    ("sentence", "advice"),
    [
        ("Don't wear a mask on the ferry.", True),
        ("Please check the timetable before you travel.", True),
        ("Always carry a life jacket.", True),
        ("Don't panic, the harbour master said.", False),  # attributed: it reports what was said
        ("Never urged the council to close the port.", False),  # a point of a testimony, listed
        ("Donald Rook opened the new quay.", False),
        ("Apply the harbour board's urgent fix to your ferry app.", True),
        ("Take, for example, the night crews of the north docks.", True),
        ("Check out some notes from the regatta:", True),
        ("Share prices of the ferry company fell 3% on Monday.", False),  # a noun after it: no order
        ("Stay-at-home orders for the harbour town were lifted.", False),
        ("Wear a life jacket, the harbour master told the crews.", False),
    ],
)
def test_advice_to_the_reader_is_told_from_a_report(sentence: str, advice: bool) -> None:
    assert is_advice(sentence) is advice
