"""The Markdown briefing: every section a reader expects, with citation numbers that match the source list."""

from __future__ import annotations

import re

from test_render_html import make_story
from tidings.model import Fact, Mention, Quote, Story, SummarySentence
from tidings.render.markdown import citation_numbers, render_markdown, render_story_markdown


def test_briefing_cites_by_source_number_and_lists_the_sources() -> None:
    story, arts = make_story()
    md = render_story_markdown(story, arts)
    assert md.startswith("## Orrin bridge closed\n")
    assert "- The Orrin bridge closed on Monday. [1][2][3]" in md
    assert citation_numbers(story) == {"a1": 1, "a2": 2, "a3": 3}
    sources = md.split("#### Sources", 1)[1]
    assert "1. Bridge closed — first.example, 2024-06-03T08:00:00+00:00 (one.txt) — original" in sources
    assert "3. Bridge closed — third.example, 2024-06-03T10:00:00+00:00 (three.txt) — duplicate of [1]" in sources
    # every citation mark names a listed source
    listed = {int(n) for n in re.findall(r"^(\d+)\. ", sources, re.MULTILINE)}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", md)} <= listed


def test_exclusives_are_grouped_under_the_outlet_that_alone_reports_them() -> None:
    story, arts = make_story()
    facts = [
        Fact("Both outlets say the bridge closed.", ["a1", "a2"], 2),
        Fact("A ferry ran instead.", ["a1"], 1, exclusive_to="first.example"),
        Fact("The mayor visited.", ["a2"], 1, exclusive_to="second.example"),
        Fact("Buses were rerouted.", ["a1"], 1, exclusive_to="first.example"),
        Fact("Echoed elsewhere in other words.", ["a2"], 1),  # no exclusive_to: another source echoes it
    ]
    md = render_story_markdown(Story(**{**story.__dict__, "facts": facts}), arts)
    assert "- (2 sources) Both outlets say the bridge closed. [1][2]" in md
    first = md.index("##### Only in first.example (2 facts)")
    assert first < md.index("- A ferry ran instead. [1]") < md.index("- Buses were rerouted. [1]")
    assert md.index("- Buses were rerouted. [1]") < md.index("##### Only in second.example (1 fact)")
    assert md.count("##### Only in") == 2
    assert "Echoed elsewhere" not in md


def test_a_one_source_fact_close_to_another_source_is_shown_apart_with_who_comes_close() -> None:
    story, arts = make_story()
    facts = [
        Fact("A ferry ran instead.", ["a1"], 1, exclusive_to="first.example"),
        Fact("Boats replaced the bridge for the day.", ["a2"], 1, echoed_by=["a1"]),
    ]
    md = render_story_markdown(Story(**{**story.__dict__, "facts": facts}), arts)
    close = md.split("#### One source's words, close to another's", 1)[1]
    assert close.lstrip().startswith("- Boats replaced the bridge for the day. [2] (close: [1])")
    assert "Boats replaced" not in md.split("#### One source's words")[0]  # not claimed as 'only in'
    digest = render_story_markdown(Story(**{**story.__dict__, "facts": facts}), arts, full=False)
    assert "1 one-source fact close to another's" in digest


def test_each_figure_given_differently_comes_with_the_sentence_that_gives_it() -> None:
    story, arts = make_story()  # its conflict: 3 km [1] against 5 km [2]
    md = render_story_markdown(story, arts, full=False)
    block = md.split("### Figures given differently", 1)[1].split("###", 1)[0]
    assert "3 km [1]; 5 km [2]" in block
    assert "  - [1] “Cars queued for 3 km.”" in block and "  - [2] “Cars queued for 5 km.”" in block


def test_a_shared_fact_whose_outlets_give_a_figure_differently_says_so() -> None:
    story, arts = make_story()  # its conflict: 'Cars queued for 3 km.' [1] against 'Cars queued for 5 km.' [2]
    queue = Fact("Cars queued for 3 km.", ["a1", "a2"], 2,
                 [Mention("a1", "Cars queued for 3 km.", "first.example"),
                  Mention("a2", "Cars queued for 5 km.", "second.example")])
    other = Fact("The bridge reopens on Friday.", ["a1", "a2"], 2)
    md = render_story_markdown(Story(**{**story.__dict__, "facts": [queue, other]}), arts)
    assert "- (2 sources) Cars queued for 3 km. [1][2] (figures differ: " in md
    assert "3 km [1]; 5 km [2])" in md.split("Cars queued for 3 km. [1][2]", 1)[1].splitlines()[0]
    assert "- (2 sources) The bridge reopens on Friday. [1][2]\n" in md


def test_unknown_site_and_date_are_said_plainly() -> None:
    story, arts = make_story()
    arts["a2"].site, arts["a2"].published = None, None
    md = render_markdown([story], list(arts.values()))
    assert md.startswith("# tidings briefing\n")
    assert "2. Orrin bridge shut — unknown site, undated" in md


def test_digest_first_then_everything_else_and_show_prints_the_digest_alone() -> None:
    story, arts = make_story()
    facts = [Fact(f"Shared detail {i}.", ["a1", "a2"], 2) for i in range(7)]
    facts.insert(3, Fact("Most sources say this.", ["a1", "a2", "a3"], 3))
    facts.append(Fact("A ferry ran instead.", ["a1"], 1, exclusive_to="first.example"))
    story = Story(**{**story.__dict__, "facts": facts})
    md = render_story_markdown(story, arts)
    order = [
        "## Orrin bridge closed",
        "### Best-corroborated facts",
        "### Figures given differently",
        "### Who said what",
        "### Everything else",
        "#### More facts reported by several sources",
        "#### Only in one source",
        "#### All quotes",
        "#### Sources",
    ]
    assert [md.index(h) for h in order] == sorted(md.index(h) for h in order)
    top = md.split("### Best-corroborated facts", 1)[1].split("###", 1)[0]
    assert top.strip().splitlines()[0] == "- (3 sources) Most sources say this. [1][2][3]"
    assert top.count("- (") == 5
    assert "- **Mara Lind**: “We had no choice” [1] (+1 more quote)" in md  # one line per speaker
    for i in range(7):
        assert md.count(f"Shared detail {i}.") == 1  # each fact once, in the digest or after it

    digest = render_story_markdown(story, arts, full=False)
    assert digest.startswith(md.split("### Everything else")[0].rstrip("\n"))
    assert "### Everything else" not in digest and "A ferry ran instead." not in digest
    assert "3 more shared facts, 1 exclusive from 1 source" in digest and "--full" in digest


def test_the_digest_does_not_state_a_summary_sentence_again_as_a_top_fact() -> None:
    story, arts = make_story()
    said = Fact("The Orrin bridge closed on Monday.", ["a1", "a2"], 2)  # the summary's own sentence
    other = Fact("Cars queued for kilometres.", ["a1", "a2"], 2)
    md = render_story_markdown(Story(**{**story.__dict__, "facts": [said, other]}), arts)
    top = md.split("### Best-corroborated facts", 1)[1].split("###", 1)[0]
    assert "Cars queued" in top and "The Orrin bridge closed" not in top
    assert "(2 sources) The Orrin bridge closed on Monday. [1][2]" in md.split("### Everything else")[1]  # kept


def test_article_text_cannot_put_html_or_links_into_the_markdown() -> None:
    story, arts = make_story()
    hostile = 'Bridge <script>alert(1)</script> shut <img src=x onerror="alert(2)"> ![t](http://t.example/p.gif)'
    arts["a2"].title = hostile
    summary = [SummarySentence(f"{hostile}\n# not a heading", ["a2"])]
    quotes = [Quote("Ann <i>Lee</i>", "<b>Closed</b> [for now](javascript:alert(3))", "a2")]
    md = render_story_markdown(Story(**{**story.__dict__, "headline": hostile, "summary": summary, "quotes": quotes}),
                               arts)  # fmt: skip
    for raw in ("<script", "<img", "<b>", "<i>", "\n# not"):
        assert raw not in md, raw
    assert not re.search(r"(?<!\\)\]\(", md)  # no link or image: every '](' from the text is escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md  # shown as written, not dropped
    assert md.count("!\\[t\\](http://t.example/p.gif)") == 3  # headline, summary and the source list
    assert "- The Orrin bridge closed on Monday. [1][2][3]" not in md  # (the summary above replaced it)
    assert "[2]" in md  # citation marks are still links to sources


def test_counts_of_one_are_singular() -> None:
    story, arts = make_story()
    lone = Story(**{**story.__dict__, "article_ids": ["a1"], "independent_sources": 1})
    md = render_story_markdown(lone, arts)
    assert "*1 article, 1 independent source" in md
    assert "1 independent sources" not in md


def test_show_names_the_other_languages_coverage_with_its_title_as_written(tmp_path) -> None:
    from conftest import linked_store

    store = linked_store(str(tmp_path / "linked.db"))
    story = store.get_story("s-en")
    text = render_story_markdown(story, {a.id: a for a in store.get_articles(story.article_ids)}, full=False)
    assert "*Also in: Deutsch (1 article, story s-de)*" in text
    assert "- Deutsch: **Fähre läuft im Hafen von Marnia auf Grund** Die Fähre „Oska“ ist am Montag" in text


def test_a_fact_says_where_another_language_reports_it_with_the_sentence_as_written() -> None:
    from tidings.model import OtherLanguageMention

    story, arts = make_story()
    german = OtherLanguageMention("s-de", "de", "Deutsch", "d1", "Die Brücke ist gesperrt.", "nordblatt.example", 0.8)
    facts = [
        Fact("Both outlets say the bridge closed.", ["a1", "a2"], 2, other_languages=[german]),
        Fact("A ferry ran instead.", ["a1"], 1, exclusive_to="first.example", other_languages=[german]),
    ]
    md = render_story_markdown(Story(**{**story.__dict__, "facts": facts}), arts)
    shared = "- (2 sources) Both outlets say the bridge closed. [1][2]\n"
    assert shared + "  - also reported in Deutsch by nordblatt.example: “Die Brücke ist gesperrt.”" in md
    assert "- A ferry ran instead. [1]\n  - also reported in Deutsch by nordblatt.example" in md


def test_a_one_source_story_lists_the_facts_other_languages_also_report() -> None:
    from tidings.model import OtherLanguageMention

    story, arts = make_story()
    german = OtherLanguageMention("s-de", "de", "Deutsch", "d1", "Die Brücke ist gesperrt.", "nordblatt.example", 0.8)
    facts = [Fact("The bridge closed.", ["a1"], 1, exclusive_to="first.example", other_languages=[german]),
             Fact("A ferry ran instead.", ["a1"], 1, exclusive_to="first.example")]
    one_source = Story(**{**story.__dict__, "facts": facts, "independent_sources": 1})  # so: no exclusives section
    md = render_story_markdown(one_source, arts)
    assert "#### Only in one source" not in md
    assert ("#### Also reported in other languages\n\n- The bridge closed. [1]\n"
            "  - also reported in Deutsch by nordblatt.example: “Die Brücke ist gesperrt.”") in md
    assert "A ferry ran instead" not in md.split("#### Also reported in other languages")[1]
    assert "1 fact also reported in other languages" in render_story_markdown(one_source, arts, full=False)


def test_citation_marks_ascend_whatever_order_a_sentence_lists_its_articles() -> None:
    story, arts = make_story()
    story = Story(
        **{
            **story.__dict__,
            "summary": [SummarySentence("The Orrin bridge closed on Monday.", ["a3", "a1", "a2"])],
            "facts": [Fact("The Orrin bridge closed on Monday.", ["a2", "a1"], 2)],
        }
    )
    md = render_story_markdown(story, arts)
    assert "- The Orrin bridge closed on Monday. [1][2][3]" in md
    assert "- (2 sources) The Orrin bridge closed on Monday. [1][2]" in md
    assert "[3][1]" not in md and "[2][1]" not in md


def test_the_story_span_is_given_in_days_and_one_day_once() -> None:
    story, arts = make_story()
    story.first_seen, story.last_seen = "2024-06-03T08:00:00+00:00", "2024-06-03T10:00:00+00:00"
    assert "2 independent sources, 2024-06-03*" in render_story_markdown(story, arts)
    story.last_seen = "2024-06-05T07:00:00-07:00"
    assert "2 independent sources, 2024-06-03 – 2024-06-05*" in render_story_markdown(story, arts)


def test_a_fact_that_leans_on_the_sentence_before_it_is_no_top_fact() -> None:
    story, arts = make_story()
    leaning = Fact("They were announced on Saturday.", ["a1", "a2", "a3"], 3)  # who? read alone it says nothing
    other = Fact("Cars queued for kilometres.", ["a1", "a2"], 2)
    md = render_story_markdown(Story(**{**story.__dict__, "facts": [leaning, other]}), arts)
    top = md.split("### Best-corroborated facts", 1)[1].split("###", 1)[0]
    assert "Cars queued" in top and "They were announced" not in top
    assert "They were announced on Saturday." in md.split("### Everything else")[1]  # kept below


def test_an_opinion_piece_is_labelled_in_the_sources_and_beside_its_exclusives() -> None:
    story, arts = make_story()
    arts["a2"].url = "https://second.example/opinion/the-bridge-should-never-have-closed"
    facts = [Fact("The closure was a scandal.", ["a2"], 1, exclusive_to="second.example"),
             Fact("A ferry ran instead.", ["a1"], 1, exclusive_to="first.example")]
    md = render_story_markdown(Story(**{**story.__dict__, "facts": facts}), arts)
    assert "- The closure was a scandal. [2] (opinion)" in md
    assert "- A ferry ran instead. [1]\n" in md
    sources = md.split("#### Sources", 1)[1]
    assert re.search(r"^2\. .* — opinion$", sources, re.MULTILINE)
    assert not re.search(r"^1\. .* — opinion$", sources, re.MULTILINE)
