from tidings.model import Article
from tidings.text import content_hash, looks_like_heading, normalize_text, paragraphs, segment, split_sentences


def test_normalize_folds_odd_spaces_and_nfc():
    raw = "Cafe\u0301\u00a0au\u2009lait\r\n\r\n\r\nnext\u200b line  "
    assert normalize_text(raw) == "Café au lait\n\nnext line"


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
