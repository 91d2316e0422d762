"""Plain data objects that flow through the pipeline.

Data flows one way: ingest -> clean -> dedupe -> cluster -> analyze -> summarize -> store/render.
Every stage reads and writes these dataclasses; none of them knows about SQL, HTTP or the terminal.
"""

from __future__ import annotations

from array import array
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from .outlets import article_outlet

Relation = Literal["original", "duplicate", "near_duplicate", "paraphrase"]


@dataclass
class Document:
    """One raw input item as read by ingest, before cleaning.

    ``content`` is decoded text; ``kind`` says whether it is HTML or plain text. ``meta`` carries what the
    container already knew (JSONL fields, feed entry fields, HTTP headers): title, url, published, site,
    language, story.
    """

    origin: str
    content: str
    kind: Literal["html", "text"]
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Skip:
    """An input that could not be read: where, and why (one line)."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


@dataclass
class Article:
    """A cleaned article. ``id`` is derived from its raw input (``clean.document_id``), so re-reading the same input
    gives the same id, on any machine, even when the cleaner later removes more of its text."""

    id: str
    origin: str
    title: str | None
    text: str
    url: str | None = None
    site: str | None = None
    published: str | None = None
    language: str | None = None
    removed: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    story_key: str | None = None  # the JSONL ``story`` field, used by --group-by story
    story_id: str | None = None
    copy_of: str | None = None
    relation: Relation | None = None
    content_hash: str = ""  # hash of the normalized body text: equal hashes = exact duplicates

    @property
    def outlet(self) -> str | None:
        """The outlet this article's site belongs to (its registered domain: 'edition.cnn.com' -> 'cnn.com'; a
        site named, not given as a host, by its URL's domain unless the name is a known outlet's), the unit that
        independent sources count; None without a site or URL."""
        return article_outlet(self.site, self.url)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Sentence:
    """One sentence (or heading) of an article, with its place in it."""

    article_id: str
    index: int
    text: str
    paragraph: int = 0
    is_heading: bool = False


@dataclass(frozen=True)
class EntSpan:
    """One recognised mention inside a text (a paragraph or a sentence): character offsets, label and text."""

    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True)
class Reading:
    """spaCy's reading of one paragraph, kept instead of its Doc (about a hundred times smaller): sentence spans,
    token spans with their part-of-speech tags, and entities; every offset is into the paragraph. Token offsets
    are packed (``array('I')`` of start, end pairs) because thousands of readings stay cached."""

    text: str
    sentences: tuple[tuple[int, int], ...]
    offsets: array
    tags: tuple[str, ...]
    ents: tuple[EntSpan, ...]

    @property
    def tokens(self) -> list[tuple[int, int, str]]:
        """(start, end, tag) of every token."""
        return [(self.offsets[2 * k], self.offsets[2 * k + 1], tag) for k, tag in enumerate(self.tags)]

    def within(self, start: int, end: int) -> Reading:
        """The part of this reading inside ``[start, end)``, offsets shifted to start at 0."""
        kept = [(a - start, b - start, t) for a, b, t in self.tokens if a >= start and b <= end]
        return Reading(
            self.text[start:end],
            ((0, end - start),),
            array("I", [x for a, b, _ in kept for x in (a, b)]),
            tuple(t for _, _, t in kept),
            tuple(EntSpan(e.start - start, e.end - start, e.label, e.text) for e in self.ents
                  if e.start >= start and e.end <= end),
        )


@dataclass(frozen=True)
class Parse:
    """spaCy's dependency parse of one paragraph, kept instead of its Doc: each token's span (packed start, end
    pairs), the index of its head (itself for a root) and its relation to it ('nsubj', 'conj', ...). Quote
    attribution reads who is the subject of a speech verb, and of each sentence, from it."""

    offsets: array
    heads: array
    deps: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.deps)

    def span(self, i: int) -> tuple[int, int]:
        return self.offsets[2 * i], self.offsets[2 * i + 1]


@dataclass
class Mention:
    """One article's sentence stating a fact (``site``: the outlet, so a reader can check a fact's source count)."""

    article_id: str
    text: str
    site: str | None = None


@dataclass
class OtherLanguageMention:
    """A sentence of another language's story of the same event that states a fact (``tidings.crosslang``), as
    written (not translated): the story, its language, the article and its outlet, and how close the multilingual
    model puts the two sentences."""

    story_id: str
    language: str
    language_name: str  # the language's name in itself ("Deutsch")
    article_id: str
    text: str
    site: str | None = None
    cosine: float = 0.0


@dataclass
class Fact:
    """Sentences of different articles that report the same thing."""

    text: str
    article_ids: list[str]
    independent_sources: int  # outlets whose own mention states it (copies and one outlet's pages count once)
    mentions: list[Mention] = field(default_factory=list)
    exclusive_to: str | None = None  # the site, when only one independent source reports it
    # a one-source fact that other sources' sentences come close to (below the same-fact threshold): their articles
    echoed_by: list[str] = field(default_factory=list)
    # sentences of the same event's stories in other languages that state it: read from the store, never part of the
    # briefing, and not counted in independent_sources (a translation of an article is no independent source)
    other_languages: list[OtherLanguageMention] = field(default_factory=list)


@dataclass
class Claim:
    article_id: str
    text: str
    value: str


@dataclass
class Conflict:
    """One quantity that sources give differently."""

    about: str
    claims: list[Claim] = field(default_factory=list)


@dataclass
class Quote:
    """What a speaker said, once: ``article_ids`` lists every article that carries it (``article_id`` is the first,
    kept for readers of older exports)."""

    speaker: str | None
    text: str
    article_id: str
    cue: str | None = None  # the attribution verb ("said", "told")
    article_ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.article_ids:
            self.article_ids = [self.article_id]


@dataclass
class Entity:
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    mentions: int = 0


@dataclass
class Figure:
    """A number with what it counts: '283 tons of ammunition' -> value 283, unit 'tons', counts 'ammunition'."""

    text: str
    value: float | None
    unit: str | None
    article_ids: list[str] = field(default_factory=list)
    counts: str | None = None
    sentence: str | None = None
    aliases: list[str] = field(default_factory=list)  # other wordings of the same figure ('47 ships' of '47 vessels')


@dataclass
class SummarySentence:
    text: str
    article_ids: list[str]


@dataclass
class TimelineEntry:
    article_id: str
    published: str | None
    site: str | None
    title: str | None


@dataclass
class Event:
    """A dated fact on the story's timeline: the day it happened (ISO date, resolved against the publication date of
    each article saying it), what happened (the fact's text), the articles that date it so, and the words that did
    ('on Wednesday', 'January 26')."""

    date: str
    text: str
    article_ids: list[str]
    expression: str


@dataclass
class LanguageCoverage:
    """Another language's story of the same event (``tidings.crosslang``): its language, how many articles it has,
    and its first article's title and lead as written (not translated)."""

    story_id: str
    language: str
    language_name: str  # the language's name in itself ("Deutsch"), or its code when the table has none
    articles: int
    article_id: str
    title: str | None
    lead: str


@dataclass
class Story:
    id: str
    headline: str
    article_ids: list[str]
    independent_sources: int = 0
    first_seen: str | None = None
    last_seen: str | None = None
    summary: list[SummarySentence] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)  # the timeline of events (dated facts), in date order
    sites: list[str] = field(default_factory=list)
    updated_at: str | None = None
    # the same event's stories in other languages: read from the store's links, never part of the briefing
    also_in: list[LanguageCoverage] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Story:
        """Rebuild a Story from ``to_dict`` output (as stored in the database)."""
        return cls(
            id=data["id"],
            headline=data["headline"],
            article_ids=list(data["article_ids"]),
            independent_sources=data.get("independent_sources", 0),
            first_seen=data.get("first_seen"),
            last_seen=data.get("last_seen"),
            summary=[SummarySentence(**s) for s in data.get("summary", [])],
            facts=[
                Fact(
                    text=f["text"],
                    article_ids=f["article_ids"],
                    independent_sources=f["independent_sources"],
                    mentions=[Mention(**m) for m in f.get("mentions", [])],
                    exclusive_to=f.get("exclusive_to"),
                    echoed_by=list(f.get("echoed_by", [])),
                    other_languages=[OtherLanguageMention(**m) for m in f.get("other_languages", [])],
                )
                for f in data.get("facts", [])
            ],
            conflicts=[
                Conflict(about=c["about"], claims=[Claim(**x) for x in c.get("claims", [])])
                for c in data.get("conflicts", [])
            ],
            quotes=[Quote(**q) for q in data.get("quotes", [])],
            entities=[Entity(**e) for e in data.get("entities", [])],
            figures=[Figure(**f) for f in data.get("figures", [])],
            timeline=[TimelineEntry(**t) for t in data.get("timeline", [])],
            events=[Event(**e) for e in data.get("events", [])],
            sites=list(data.get("sites", [])),
            updated_at=data.get("updated_at"),
            also_in=[LanguageCoverage(**c) for c in data.get("also_in", [])],
        )


@dataclass
class RunResult:
    """What one pipeline run did: the articles it read (new or already stored), the stories they are in."""

    articles: list[Article]
    stories: list[Story]
    skipped: list[Skip]
    new_articles: int = 0
    article_ids: list[str] = field(default_factory=list)  # every input article, also when not collected
    story_ids: list[str] = field(default_factory=list)


@dataclass
class WatchSource:
    """A source that ``tidings watch`` polls, with its polling state (the ``sources`` table of the store).

    ``kind``: 'feed' (RSS/Atom), 'page' (one web page or data file) or 'folder' (a local folder or file, re-read
    each cycle). ``etag``/``last_modified`` are the validators of the last 200 response (conditional GET);
    ``error_count`` is the number of failed polls in a row (it sets the back-off); times are ISO 8601 UTC."""

    url: str
    kind: Literal["feed", "page", "folder"]
    added: str
    etag: str | None = None
    last_modified: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    error_count: int = 0
    next_poll: str | None = None
    articles_seen: int = 0
