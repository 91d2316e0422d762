"""A Markdown briefing per story: summary with citation marks, facts, exclusives, conflicts, quotes, entities."""

from __future__ import annotations

from ..model import Article, Story


def citation_numbers(story: Story) -> dict[str, int]:
    """Article id -> its citation number [n] within a story (story order)."""
    return {aid: i for i, aid in enumerate(story.article_ids, 1)}


def render_story_markdown(story: Story, articles: dict[str, Article]) -> str:
    cite = citation_numbers(story)

    def marks(ids: list[str]) -> str:
        return "".join(f"[{cite[i]}]" for i in ids if i in cite)

    lines = [f"## {story.headline}", ""]
    lines.append(
        f"*{len(story.article_ids)} articles, {story.independent_sources} independent sources"
        + (f", {story.first_seen} – {story.last_seen}" if story.first_seen else "")
        + "*"
    )
    lines.append("")
    for s in story.summary:
        lines.append(f"- {s.text} {marks(s.article_ids)}")
    shared = [f for f in story.facts if f.independent_sources > 1]
    if shared:
        lines += ["", "### Reported by several sources", ""]
        lines += [f"- ({f.independent_sources} sources) {f.text} {marks(f.article_ids)}" for f in shared]
    # a one-source fact that another source echoes in other words is no exclusive (analyze leaves exclusive_to empty)
    exclusives = [f for f in story.facts if f.independent_sources <= 1 and f.exclusive_to]
    if exclusives and len(story.article_ids) > 1:
        lines += ["", "### Only in one source"]
        by_source: dict[str, list[str]] = {}  # per outlet, in the order analyze ranked them (as the story page does)
        for f in exclusives:
            by_source.setdefault(f.exclusive_to or "", []).append(f"- {f.text} {marks(f.article_ids)}")
        for source, items in by_source.items():
            lines += ["", f"#### Only in {source}", "", *items]
    if story.conflicts:
        lines += ["", "### Figures given differently", ""]
        for c in story.conflicts:
            claims = "; ".join(f"{x.value} {marks([x.article_id])}" for x in c.claims)
            lines.append(f"- {c.about}: {claims}")
    if story.quotes:
        lines += ["", "### Who said what", ""]
        lines += [f"- **{q.speaker or 'unattributed'}**: “{q.text}” {marks([q.article_id])}" for q in story.quotes]
    if story.entities:
        lines += ["", "### People, places, organisations", ""]
        for e in story.entities[:30]:
            aka = f" (also {', '.join(e.aliases)})" if e.aliases else ""
            lines.append(f"- {e.name} — {e.type}{aka}")
    lines += ["", "### Sources", ""]
    for aid in story.article_ids:
        a = articles.get(aid)
        if a is None:
            continue
        rel = f" — {a.relation}" + (f" of [{cite.get(a.copy_of, '?')}]" if a.copy_of else "") if a.relation else ""
        where = a.url or a.origin
        site, published = a.site or "site unknown", a.published or "undated"
        lines.append(f"{cite[aid]}. {a.title or '(untitled)'} — {site}, {published} ({where}){rel}")
    return "\n".join(lines) + "\n"


def render_markdown(stories: list[Story], articles: list[Article]) -> str:
    by_id = {a.id: a for a in articles}
    parts = ["# tidings briefing", ""]
    parts += [render_story_markdown(s, by_id) for s in stories]
    return "\n".join(parts)
