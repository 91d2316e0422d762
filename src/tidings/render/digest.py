"""What a reader sees first of a story, and where everything else goes: shared by the story page, ``stories.md``
and ``tidings show``, so the three give the same order.

The digest is the headline, the first ``SUMMARY_MAX`` summary sentences (the summary is ordered most relevant
first), the ``TOP_FACTS`` facts with the most independent sources that the summary does not already state, the
disagreements (conflicts), and one line per named speaker. Everything else (the timeline, the other shared facts,
the exclusives grouped per outlet, every quote, entities, figures, sources) follows, folded by section. Nothing is
dropped: the digest only chooses what comes first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from ..events import published_day
from ..model import Conflict, Event, Fact, Quote, Story, SummarySentence, TimelineEntry
from ..outlets import UNKNOWN_SITE
from ..summarize import FOLLOWS, leaning
from ..text import strip_dateline

SUMMARY_MAX = 5
"""Summary sentences in the digest: the issue asks for a summary read in seconds (3-5 sentences)."""
TOP_FACTS = 5
"""Best-corroborated facts in the digest (facts of at least two independent sources, most sources first)."""


@dataclass
class SpeakerLine:
    """One named speaker in the digest: the quote carried by the most articles (the first on a tie) and how many
    quotes the speaker has in all."""

    speaker: str
    quote: Quote
    quotes: int


class ExclusiveGroup(NamedTuple):
    """The facts that one source alone reports: an outlet, or one article of an unknown site (``article_id``)."""

    source: str
    facts: list[Fact]

    @property
    def article_id(self) -> str | None:
        """The article whose facts these are, when its site is unknown (each such article is a source of its own,
        as the count of independent sources says): renderers name it by its citation mark."""
        return self.facts[0].article_ids[0] if self.source == UNKNOWN_SITE and self.facts[0].article_ids else None


@dataclass
class Digest:
    summary: list[SummarySentence]
    top_facts: list[Fact]
    conflicts: list[Conflict]
    speakers: list[SpeakerLine]
    other_shared: list[Fact] = field(default_factory=list)  # the shared facts not in ``top_facts``, in story order
    exclusives: list[ExclusiveGroup] = field(default_factory=list)  # per outlet, outlets by first fact
    # one source's facts that other sources' sentences come close to without stating them for sure: neither shared
    # nor exclusive, so shown apart with the articles that come close
    echoed: list[Fact] = field(default_factory=list)
    # shared facts whose mentions give a figure differently (fact text -> the conflicts): the fact's count must not
    # read as agreement on that figure
    figures_differ: dict[str, list[Conflict]] = field(default_factory=dict)
    # facts that other languages' stories also state and that no section above lists (a story of one source has no
    # exclusives; a one-source fact another outlet echoes is listed apart), in story order
    across_languages: list[Fact] = field(default_factory=list)


def quote_sources(q: Quote) -> list[str]:
    """The articles that carry a quote (a quote stored before quotes were merged has only ``article_id``)."""
    return q.article_ids or [q.article_id]


def exclusives_by_outlet(story: Story) -> list[ExclusiveGroup]:
    """Single-source facts grouped by the outlet that alone reports them, in the order analyze ranked them. A
    one-source fact another source echoes in other words has no ``exclusive_to``: it is no exclusive. Facts of
    articles whose site is unknown are grouped per article, not lumped under 'unknown site' as if one outlet had
    reported them all. A story of one source has no exclusives (everything is)."""
    if story.independent_sources <= 1:
        return []
    groups: dict[tuple[str, str], list[Fact]] = {}
    for f in story.facts:
        if f.independent_sources <= 1 and f.exclusive_to:
            article = f.article_ids[0] if f.exclusive_to == UNKNOWN_SITE and f.article_ids else ""
            groups.setdefault((f.exclusive_to, article), []).append(f)
    return [ExclusiveGroup(source, facts) for (source, _), facts in groups.items()]


def differing_figures(fact: Fact, conflicts: list[Conflict]) -> list[Conflict]:
    """The conflicts two of whose claims are mentions of ``fact`` in different articles: its outlets say one thing
    but give one of its figures differently ('a $1.2 trillion bill' / 'a $1 trillion bill')."""
    said = {(m.article_id, m.text) for m in fact.mentions}
    return [c for c in conflicts if len({x.article_id for x in c.claims if (x.article_id, x.text) in said}) > 1]


def speaker_lines(quotes: list[Quote]) -> list[SpeakerLine]:
    """One line per named speaker, in order of first appearance."""
    by_speaker: dict[str, list[Quote]] = {}
    for q in quotes:
        if q.speaker:
            by_speaker.setdefault(q.speaker, []).append(q)
    lines = []
    for speaker, said in by_speaker.items():
        best = max(said, key=lambda q: len(quote_sources(q)))  # max keeps the first of equals
        lines.append(SpeakerLine(speaker, best, len(said)))
    return lines


def make_digest(story: Story) -> Digest:
    """The story's digest and the rest of its facts, split the same way for every renderer."""
    summary = story.summary[:SUMMARY_MAX]
    said = {s.text for s in summary}
    shared = [f for f in story.facts if f.independent_sources > 1]
    ranked = sorted(shared, key=lambda f: (-f.independent_sources, -len(f.article_ids)))  # stable: ties keep order
    # A fact the summary already states in one of its wordings is not said twice in the digest (it stays below).
    top = [f for f in ranked if f.text not in said and not any(strip_dateline(m.text) in said for m in f.mentions)]
    # Read out of its article, a fact that leans on the sentence before it ('They were announced on Saturday.')
    # says nothing: it stays among the other shared facts.
    top = [f for f in top if (lean := leaning(f.text)) is None or lean[1] != FOLLOWS][:TOP_FACTS]
    chosen = {id(f) for f in top}
    differ = {f.text: found for f in shared if (found := differing_figures(f, story.conflicts))}
    exclusives = exclusives_by_outlet(story)
    echoed = [f for f in story.facts if f.independent_sources <= 1 and f.echoed_by and story.independent_sources > 1]
    listed = {id(f) for f in shared} | {id(f) for _, facts in exclusives for f in facts} | {id(f) for f in echoed}
    return Digest(
        figures_differ=differ,
        summary=summary,
        top_facts=top,
        conflicts=story.conflicts,
        speakers=speaker_lines(story.quotes),
        other_shared=[f for f in shared if id(f) not in chosen],
        exclusives=exclusives,
        echoed=echoed,
        across_languages=[f for f in story.facts if f.other_languages and id(f) not in listed],
    )


@dataclass
class Day:
    """One day of a story's timeline: the events that happened on it and the articles published on it."""

    date: str  # ISO date
    events: list[Event] = field(default_factory=list)
    published: list[TimelineEntry] = field(default_factory=list)


def day_label(iso: str) -> str:
    """'2026-04-14' -> 'Tue 14 Apr 2026' (the raw string if it does not parse)."""
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.strftime('%a')} {d.day} {d.strftime('%b %Y')}"


def timeline_days(story: Story) -> tuple[list[Day], list[TimelineEntry]]:
    """The story's events and its articles' publication times on one date scale, day by day (earliest first), and
    the articles with no publication date."""
    days: dict[str, Day] = {}
    for e in story.events:
        days.setdefault(e.date, Day(e.date)).events.append(e)
    undated: list[TimelineEntry] = []
    for t in sorted(story.timeline, key=lambda t: t.published or ""):
        day = published_day(t.published)
        if day is None:
            undated.append(t)
        else:
            days.setdefault(day.isoformat(), Day(day.isoformat())).published.append(t)
    return [days[d] for d in sorted(days)], undated
