"""A Markdown briefing per story: the digest first (summary, best-corroborated facts, figures given differently, who
said what), then, when ``full``, everything else by section (the timeline of events, other shared facts, exclusives
per outlet, quotes, entities, figures, sources). ``stories.md`` is the full briefing; ``tidings show`` prints the
digest unless ``--full``."""

from __future__ import annotations

import re

from ..model import Article, Conflict, Fact, Story
from ..text import is_opinion
from .digest import day_label, make_digest, quote_sources, timeline_days

# What article text must not carry into Markdown, which many viewers render with its raw HTML: HTML-significant
# characters become entities ('<script>' shows as text), and link, image and code-span syntax is backslash-escaped
# ('![x](http://tracker)' shows as text). Line breaks fold to spaces so that text cannot start a heading or a list.
_MD_SPECIAL = re.compile(r"([\\`\[\]])")
_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _days(first: str, last: str | None) -> str:
    """The story's span in days ('2021-06-29', '2016-07-27 – 2016-07-29'): timestamps tell a reader nothing more
    here, and one day is written once."""
    a, b = first[:10], (last or first)[:10]
    return a if a == b else f"{a} – {b}"


def md(text: object) -> str:
    """Text from articles (titles, sentences, names, urls), safe to put in Markdown: shown as written."""
    folded = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", "".join(_HTML_SPECIAL.get(c, c) for c in folded))


def citation_numbers(story: Story) -> dict[str, int]:
    """Article id -> its citation number [n] within a story (story order)."""
    return {aid: i for i, aid in enumerate(story.article_ids, 1)}


def cited_in_order(ids: list[str], cite: dict[str, int]) -> list[str]:
    """The ids that have a citation number, ascending by it: marks read [1][3], never [3][1] (a fact or a summary
    sentence lists its articles in the order it found them)."""
    return sorted((i for i in dict.fromkeys(ids) if i in cite), key=cite.__getitem__)


# Figure conflicts are a rules' judgement (benchmarks/conflicts.py: a minority are true disagreements on roundups it
# never saw), so the digest says what is certain, that the figures differ, and asks the reader to check.
FIGURES_NOTE = (
    "*Outlets give these figures differently. Read their sentences: a figure may be a part, an earlier count or "
    "another group.*"
)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def render_story_markdown(story: Story, articles: dict[str, Article], full: bool = True) -> str:
    """One story's briefing: the digest, then (``full``) every other finding, nothing left out."""
    cite = citation_numbers(story)
    digest = make_digest(story)
    opinion_ids = {aid for aid in story.article_ids if aid in articles and is_opinion(articles[aid])}

    def marks(ids: list[str]) -> str:
        return "".join(f"[{cite[i]}]" for i in cited_in_order(ids, cite))

    def other_languages(fact: Fact) -> list[str]:
        return [f"  - also reported in {md(m.language_name)} by {md(m.site or 'unknown site')}: “{md(m.text)}”"
                for m in fact.other_languages]

    def values(c: Conflict) -> str:
        return f"{md(c.about)}: " + "; ".join(f"{md(x.value)} {marks([x.article_id])}" for x in c.claims)

    def fact_line(fact: Fact) -> str:
        differ = "".join(f" (figures differ: {values(c)})" for c in digest.figures_differ.get(fact.text, []))
        line = f"- ({plural(fact.independent_sources, 'source')}) {md(fact.text)} {marks(fact.article_ids)}{differ}"
        return "\n".join([line, *other_languages(fact)])

    lines = [f"## {md(story.headline)}", ""]
    lines.append(
        f"*{plural(len(story.article_ids), 'article')}, {plural(story.independent_sources, 'independent source')}"
        + (f", {_days(story.first_seen, story.last_seen)}" if story.first_seen else "")
        + "*"
    )
    lines.append("")
    if story.also_in:
        also = "; ".join(f"{md(c.language_name)} ({plural(c.articles, 'article')}, story {c.story_id})"
                         for c in story.also_in)
        lines += [f"*Also in: {also}*", ""]
        lines += [f"- {md(c.language_name)}: **{md(c.title or '(untitled)')}** {md(c.lead)}" for c in story.also_in]
        lines.append("")
    for s in digest.summary:
        lines.append(f"- {md(s.text)} {marks(s.article_ids)}")
    if digest.top_facts:
        lines += ["", "### Best-corroborated facts", ""]
        lines += [fact_line(f) for f in digest.top_facts]
    if digest.conflicts:
        lines += ["", "### Figures given differently", "", FIGURES_NOTE, ""]
        for c in digest.conflicts:  # each value with the sentence that gives it, so the reader can check
            lines.append(f"- {values(c)}")
            lines += [f"  - {marks([x.article_id])} “{md(x.text)}”" for x in c.claims]
    if digest.speakers:
        lines += ["", "### Who said what", ""]
        for sp in digest.speakers:
            more = f" (+{plural(sp.quotes - 1, 'more quote')})" if sp.quotes > 1 else ""
            lines.append(f"- **{md(sp.speaker)}**: “{md(sp.quote.text)}” {marks(quote_sources(sp.quote))}{more}")
    if not full:
        rest = [
            plural(len(digest.other_shared), "more shared fact"),
            plural(sum(len(fs) for _, fs in digest.exclusives), "exclusive")
            + f" from {plural(len(digest.exclusives), 'source')}",
            plural(len(digest.echoed), "one-source fact") + " close to another's",
            plural(len(story.events), "dated event"),
            *([plural(len(digest.across_languages), "fact") + " also reported in other languages"]
              if digest.across_languages else []),
            plural(len(story.quotes), "quote"),
            plural(len(story.figures), "figure"),
            plural(len(story.article_ids), "source"),
        ]
        lines += ["", f"*Everything else: {', '.join(rest)}. `tidings show {story.id} --full` shows it all.*"]
        return "\n".join(lines) + "\n"

    lines += ["", "### Everything else"]
    days, undated = timeline_days(story)
    if days or undated:
        lines += ["", "#### Timeline", ""]
        for day in days:
            for e in day.events:
                lines.append(f"- **{day_label(day.date)}**: {md(e.text)} {marks(e.article_ids)}")
            if day.published:
                pubs = ", ".join(f"{marks([t.article_id])} {md(t.site or 'unknown site')}" for t in day.published)
                lines.append(f"- **{day_label(day.date)}**: published {pubs}")
        if undated:
            pubs = ", ".join(f"{marks([t.article_id])} {md(t.site or 'unknown site')}" for t in undated)
            lines.append(f"- undated: published {pubs}")
    if digest.other_shared:
        lines += ["", "#### More facts reported by several sources", ""]
        lines += [fact_line(f) for f in digest.other_shared]
    if digest.exclusives:
        lines += ["", "#### Only in one source"]
        for group in digest.exclusives:
            source, facts = group
            which = f" {marks([group.article_id])}" if group.article_id else ""  # an article of an unknown site
            lines += ["", f"##### Only in {md(source)}{which} ({plural(len(facts), 'fact')})", ""]
            for f in facts:
                said = " (opinion)" if opinion_ids.intersection(f.article_ids) else ""
                lines += [f"- {md(f.text)} {marks(f.article_ids)}{said}", *other_languages(f)]
    if digest.echoed:
        lines += ["", "#### One source's words, close to another's", ""]
        for f in digest.echoed:
            lines += [f"- {md(f.text)} {marks(f.article_ids)} (close: {marks(f.echoed_by)})", *other_languages(f)]
    if digest.across_languages:
        lines += ["", "#### Also reported in other languages", ""]
        for f in digest.across_languages:
            lines += [f"- {md(f.text)} {marks(f.article_ids)}", *other_languages(f)]
    if story.quotes:
        lines += ["", "#### All quotes", ""]
        lines += [
            f"- **{md(q.speaker or 'unattributed')}**: “{md(q.text)}” {marks(quote_sources(q))}" for q in story.quotes
        ]
    if story.entities:
        lines += ["", "#### People, places, organisations", ""]
        for e in story.entities:
            aka = f" (also {md(', '.join(e.aliases))})" if e.aliases else ""
            lines.append(f"- {md(e.name)} — {md(e.type)}{aka}")
    if story.figures:
        lines += ["", "#### Figures", ""]
        for fig in story.figures:
            also = f" (also {md('; '.join(fig.aliases))})" if fig.aliases else ""
            lines.append(f"- {md(fig.text)}{also} {marks(fig.article_ids)}")
    lines += ["", "#### Sources", ""]
    for aid in story.article_ids:
        a = articles.get(aid)
        if a is None:
            continue
        rel = f" — {a.relation}" + (f" of [{cite.get(a.copy_of, '?')}]" if a.copy_of else "") if a.relation else ""
        where = a.url or a.origin
        site, published = md(a.site or "unknown site"), md(a.published or "undated")
        kind = " — opinion" if aid in opinion_ids else ""
        lines.append(f"{cite[aid]}. {md(a.title or '(untitled)')} — {site}, {published} ({md(where)}){rel}{kind}")
    return "\n".join(lines) + "\n"


def render_markdown(stories: list[Story], articles: list[Article]) -> str:
    by_id = {a.id: a for a in articles}
    parts = ["# tidings briefing", ""]
    parts += [render_story_markdown(s, by_id) for s in stories]
    return "\n".join(parts)
