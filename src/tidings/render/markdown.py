"""A Markdown briefing per story: summary with citation marks, facts, exclusives, conflicts, quotes, entities."""

from __future__ import annotations

import re

from ..model import Article, Story

# What article text must not carry into Markdown, which many viewers render with its raw HTML: HTML-significant
# characters become entities ('<script>' shows as text), and link, image and code-span syntax is backslash-escaped
# ('![x](http://tracker)' shows as text). Line breaks fold to spaces so that text cannot start a heading or a list.
_MD_SPECIAL = re.compile(r"([\\`\[\]])")
_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def md(text: object) -> str:
    """Text from articles (titles, sentences, names, urls), safe to put in Markdown: shown as written."""
    folded = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", "".join(_HTML_SPECIAL.get(c, c) for c in folded))


def citation_numbers(story: Story) -> dict[str, int]:
    """Article id -> its citation number [n] within a story (story order)."""
    return {aid: i for i, aid in enumerate(story.article_ids, 1)}


def render_story_markdown(story: Story, articles: dict[str, Article]) -> str:
    cite = citation_numbers(story)

    def marks(ids: list[str]) -> str:
        return "".join(f"[{cite[i]}]" for i in ids if i in cite)

    lines = [f"## {md(story.headline)}", ""]
    lines.append(
        f"*{len(story.article_ids)} articles, {story.independent_sources} independent sources"
        + (f", {story.first_seen} – {story.last_seen}" if story.first_seen else "")
        + "*"
    )
    lines.append("")
    for s in story.summary:
        lines.append(f"- {md(s.text)} {marks(s.article_ids)}")
    shared = [f for f in story.facts if f.independent_sources > 1]
    if shared:
        lines += ["", "### Reported by several sources", ""]
        lines += [f"- ({f.independent_sources} sources) {md(f.text)} {marks(f.article_ids)}" for f in shared]
    # a one-source fact that another source echoes in other words is no exclusive (analyze leaves exclusive_to empty)
    exclusives = [f for f in story.facts if f.independent_sources <= 1 and f.exclusive_to]
    if exclusives and len(story.article_ids) > 1:
        lines += ["", "### Only in one source"]
        by_source: dict[str, list[str]] = {}  # per outlet, in the order analyze ranked them (as the story page does)
        for f in exclusives:
            by_source.setdefault(f.exclusive_to or "", []).append(f"- {md(f.text)} {marks(f.article_ids)}")
        for source, items in by_source.items():
            lines += ["", f"#### Only in {md(source)}", "", *items]
    if story.conflicts:
        lines += ["", "### Figures given differently", ""]
        for c in story.conflicts:
            claims = "; ".join(f"{md(x.value)} {marks([x.article_id])}" for x in c.claims)
            lines.append(f"- {md(c.about)}: {claims}")
    if story.quotes:
        lines += ["", "### Who said what", ""]
        for q in story.quotes:
            lines.append(f"- **{md(q.speaker or 'unattributed')}**: “{md(q.text)}” {marks([q.article_id])}")
    if story.entities:
        lines += ["", "### People, places, organisations", ""]
        for e in story.entities[:30]:
            aka = f" (also {md(', '.join(e.aliases))})" if e.aliases else ""
            lines.append(f"- {md(e.name)} — {md(e.type)}{aka}")
    lines += ["", "### Sources", ""]
    for aid in story.article_ids:
        a = articles.get(aid)
        if a is None:
            continue
        rel = f" — {a.relation}" + (f" of [{cite.get(a.copy_of, '?')}]" if a.copy_of else "") if a.relation else ""
        where = a.url or a.origin
        site, published = md(a.site or "site unknown"), md(a.published or "undated")
        lines.append(f"{cite[aid]}. {md(a.title or '(untitled)')} — {site}, {published} ({md(where)}){rel}")
    return "\n".join(lines) + "\n"


def render_markdown(stories: list[Story], articles: list[Article]) -> str:
    by_id = {a.id: a for a in articles}
    parts = ["# tidings briefing", ""]
    parts += [render_story_markdown(s, by_id) for s in stories]
    return "\n".join(parts)
