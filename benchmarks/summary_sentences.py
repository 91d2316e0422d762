"""Summary sentences a reader cannot read cold, counted by kind over a run's stories (issue #14).

A summary is read without its articles, so each sentence must stand alone where it stands: a pronoun or connective
opener ('He said...', 'But the...', 'They...') needs the sentence it followed in its article; a bare definite
('The vote was 285 to 120.', 'The company said...') needs the one that named it; a history sentence ('In 2019,
...') is background, not the news; a question or a fragment reports nothing; citation marks read in ascending
order. This script rebuilds the summary of every story of a run's store with the code on PYTHONPATH (the stored
facts are kept: only the summary stage runs, on the sentences a rebuild reads, with the run's cached vectors) and
counts its sentences by kind:

| kind | what it counts |
|---|---|
| dependent opener | a sentence opening with a pronoun, a connective or a referring adverbial (``DEPENDENT`` below) |
| ... opening the summary | such a sentence first in the summary |
| ... stranded | such a sentence after one that is not the sentence before it in the same article |
| bare definite opening | a summary opening with 'The' + a generic noun ('The vote', 'The company'; ``BARE_DEFINITE``) |
| non-lead opening | a summary opening with a sentence that is not its article's first (information, not a defect) |
| background | a sentence opening with a time before its article's year ('In 2019, ...', 'Two years ago') |
| ... opening the summary | such a sentence first in the summary |
| question / fragment | a question; a sentence under 5 words |
| citations out of order | a sentence whose marks do not ascend ([3][2]) |

The tables here are the benchmark's own, broader than the product's (``summarize.CONTEXT_OPENERS``), so that what
the product's table misses still counts. ``--stored`` classifies the summaries as the run stored them instead (no
rebuild; positions found by matching the article's sentences). ``--examples N`` prints N sentences of each kind.

    PYTHONPATH=src .venv/bin/python benchmarks/summary_sentences.py --db RUN.db [--examples 10] [--stored] \\
        [--set lean_context=0] [--dump summaries.txt]

A run's store comes from ``tidings run CORPUS.jsonl --db RUN.db``; the rebuild writes the vectors it computes into
that store's cache (use a copy of a store you want untouched).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

# Openers that refer back: personal and demonstrative pronouns, coordinating and discourse connectives, adverbials
# that place the sentence after another ('Later,', 'In response,'). A demonstrative before a time noun ('This
# week') or 'It' of a weather/time clause is no reference back; both are left out by ``NOT_DEPENDENT``.
DEPENDENT = re.compile(
    r"^[\"“‘'(]?(?:(?:he|she|it|they|we|i|you|him|his|her|its|their|them|this|that|these|those|such|both|neither|"
    r"either|another|but|and|or|nor|so|yet|also|however|still|instead|meanwhile|moreover|furthermore|"
    r"nevertheless|nonetheless|besides|otherwise|thus|hence|therefore|then|later|afterwards|again|too|indeed|"
    r"plus|likewise|similarly|additionally|accordingly|consequently|regardless|anyway|there|here|now)\b|"
    r"the (?:latter|former|same)\b|in (?:addition|response|turn|contrast|fact|particular)\b|as a result\b|"
    r"at the same time\b|by contrast\b|even so\b|for (?:his|her|their|its) part\b|on the other hand\b|"
    r"after that\b|despite (?:this|that|it)\b|other\b)",
    re.IGNORECASE,
)
NOT_DEPENDENT = re.compile(
    r"^[\"“‘'(]?(?:this|that|these|next|last) (?:week|weekend|month|year|morning|afternoon|evening|night|spring|"
    r"summer|fall|autumn|winter|season|time|days)\b|^(?:it|there) (?:is|was|will be|has been) (?:not )?"
    r"(?:unclear|not clear|likely|possible|expected|believed|unknown|estimated|the first|the latest)\b|"
    r"^there (?:is|are|was|were|have been|has been)\b|^now\b",
    re.IGNORECASE,
)
# A generic noun after a bare 'The' names something introduced before: 'The vote was 285 to 120.'
BARE_DEFINITE = re.compile(
    r"^[\"“‘'(]?the (?:[\d,.–-]+ )?(?:vote|decision|move|announcement|statement|order|ruling|memo|report|study|"
    r"bill|measure|law|plan|deal|proposal|policy|changes?|mandate|incident|attack|shooting|case|company|firm|"
    r"officials?|agency|group|man|woman|suspect|victim|couple|pair|court|judge|panel|committee|president|"
    r"lawmakers?|governor|senator|candidate|network|letter|video|post|tweet|comments|remarks|meeting|talks|"
    r"agreement|news|results?|poll|survey|findings|documents?|request|lawsuit|suit|complaint|indictment|charges|"
    r"investigation|probe|program|initiative|pill|drug|vaccine|effort|event|episode|book|film|show|project|"
    r"official|spokesman|spokeswoman|spokesperson|source|sources|department|organization|team|campaign|"
    r"administration|party|country|city|state|region|program|organisation)\b(?! of\b)",
    re.IGNORECASE,
)
_NUMBER = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|many|a few|some)"
BACKGROUND = re.compile(
    r"^[\"“‘'(]?(?:(?:back )?in (?:early |late |mid-|the summer of |the spring of |the fall of |the winter of |"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december),? )?"
    r"(?P<year>(?:19|20)\d\d)s?\b|(?:back )?in the (?:19|20)\d0s\b|since (?P<since>(?:19|20)\d\d)\b|"
    rf"{_NUMBER} (?:years?|decades?) ago\b|(?:decades|years) ago\b|(?:a|one) year ago\b|historically\b)",
    re.IGNORECASE,
)
FRAGMENT_WORDS = 5
_QUESTION = re.compile(r"\?[\"”’')\]]*$")


@dataclass
class Row:
    """One summary sentence with where it came from."""

    text: str
    article_id: str | None
    position: int | None  # among its article's body sentences; None when not found (stored mode)
    marks: list[int]
    year: int | None  # its article's publication year


@dataclass
class Counts:
    summaries: int = 0
    sentences: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)


def is_dependent(text: str) -> bool:
    t = text.strip()
    return bool(DEPENDENT.match(t)) and not NOT_DEPENDENT.match(t)


def is_background(text: str, year: int | None) -> bool:
    m = BACKGROUND.match(text.strip())
    if m is None:
        return False
    said = m.group("year") or m.group("since")
    return year is None or said is None or int(said) < year


def classify(rows: list[Row]) -> list[tuple[str, int]]:
    """(kind, index of the sentence) for every defect of one summary."""
    out: list[tuple[str, int]] = []
    for i, r in enumerate(rows):
        prev = rows[i - 1] if i else None
        if is_dependent(r.text):
            out.append(("dependent opener", i))
            if i == 0:
                out.append(("... opening the summary", i))
            else:
                follows = (
                    prev is not None
                    and prev.article_id == r.article_id
                    and r.position is not None
                    and prev.position is not None
                    and r.position == prev.position + 1
                )
                if not follows:
                    out.append(("... stranded (after another article's or a non-adjacent sentence)", i))
        if i == 0 and BARE_DEFINITE.match(r.text.strip()):
            out.append(("bare definite opening ('The vote was')", i))
        if i == 0 and r.position:
            out.append(("non-lead opening (information)", i))
        if is_background(r.text, r.year):
            out.append(("background ('In 2019, ...')", i))
            if i == 0:
                out.append(("... background opening the summary", i))
        if _QUESTION.search(r.text.strip()):
            out.append(("question", i))
        if len(r.text.split()) < FRAGMENT_WORDS:
            out.append(("fragment (< 5 words)", i))
        if r.marks != sorted(r.marks):
            out.append(("citations out of order ([3][2])", i))
    return out


KINDS = [
    "dependent opener",
    "... opening the summary",
    "... stranded (after another article's or a non-adjacent sentence)",
    "bare definite opening ('The vote was')",
    "non-lead opening (information)",
    "background ('In 2019, ...')",
    "... background opening the summary",
    "question",
    "fragment (< 5 words)",
    "citations out of order ([3][2])",
]


def _year(published: str | None) -> int | None:
    return int(published[:4]) if published and published[:4].isdigit() else None


def rows_of_story(pipeline: object, story_id: str, stored: bool) -> tuple[list[Row], int]:
    """The story's summary as rows (rebuilt with this tree's summarize, or as stored) and its article count."""
    from tidings import analyze
    from tidings.summarize import summary_sentences

    store = pipeline.store  # type: ignore[attr-defined]
    settings = pipeline.settings  # type: ignore[attr-defined]
    story = store.get_story(story_id)
    if story is None:
        return [], 0
    number = {aid: i for i, aid in enumerate(story.article_ids, 1)}
    members = store.story_members(story_id)[0]
    chosen = analyze.briefing_articles(members, settings.analyze.max_story_articles)
    articles = pipeline._briefing_texts([a.id for a in chosen])  # type: ignore[attr-defined]
    year = {a.id: _year(a.published) for a in articles}
    sentences = pipeline._prepare(articles)  # type: ignore[attr-defined]
    if stored:
        where: dict[str, tuple[str, int]] = {}
        for a in articles:
            body = [s for s in sentences.get(a.id, []) if not s.is_heading]
            for pos, s in enumerate(body):
                where.setdefault(" ".join(s.text.split()), (a.id, pos))
        rows = []
        for s in story.summary:
            aid, pos = next(
                (v for k, v in where.items() if k.endswith(" ".join(s.text.split()))), (None, None)
            )
            rows.append(Row(s.text, aid, pos, [number.get(a, 0) for a in s.article_ids], year.get(aid or "")))
        return rows, len(story.article_ids)
    rows = [
        Row(c.text, c.sentence.article_id, c.position, [number.get(a, 0) for a in c.cites],
            year.get(c.sentence.article_id))
        for c in summary_sentences(story, articles, sentences, settings.summarize)
    ]  # fmt: skip
    return rows, len(story.article_ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, type=Path, action="append", help="a run's store (repeatable)")
    parser.add_argument("--stored", action="store_true", help="classify the stored summaries, do not rebuild")
    parser.add_argument("--examples", type=int, default=0, help="print N sentences of each kind")
    parser.add_argument("--limit", type=int, default=None, help="first N stories of each store only")
    parser.add_argument("--dump", type=Path, default=None, help="write every summary (marks, kinds) to this file")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override a summary setting")
    args = parser.parse_args()
    from tidings.pipeline import Pipeline
    from tidings.resources import using_encoder
    from tidings.settings import Settings

    settings = Settings()
    for item in args.set:  # NAME=VALUE of SummarizeSettings, parsed as the field's type
        name, _, raw = item.partition("=")
        current = getattr(settings.summarize, name)
        value = raw.lower() in ("1", "true", "yes") if isinstance(current, bool) else type(current)(raw)
        settings = replace(settings, summarize=replace(settings.summarize, **{name: value}))

    results: dict[str, tuple[Counts, Counts]] = {}
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    start = time.perf_counter()
    for db in args.db:
        if not db.exists():
            sys.exit(f"{db} is absent")
        pipeline = Pipeline(settings, db=db)
        ids = sorted(s.id for s in pipeline.store.list_stories(limit=10**7))[: args.limit]
        all_counts, multi = Counts(), Counts()
        with using_encoder(pipeline.encoder):
            for sid in ids:
                rows, n_articles = rows_of_story(pipeline, sid, args.stored)
                if not rows:
                    continue
                found = classify(rows)
                for counts in (all_counts, multi) if n_articles > 1 else (all_counts,):
                    counts.summaries += 1
                    counts.sentences += len(rows)
                    counts.kinds.update(k for k, _ in found)
                    for k, i in found:
                        counts.examples.setdefault(k, []).append(
                            f"{sid} #{i + 1}: {rows[i].text} {''.join(f'[{m}]' for m in rows[i].marks)}"
                        )
                if dump:
                    marked = {i: [k for k, j in found if j == i] for i in range(len(rows))}
                    dump.write(f"## {sid} ({n_articles} articles)\n")
                    for i, r in enumerate(rows):
                        tag = f"  <{'; '.join(marked[i])}>" if marked[i] else ""
                        dump.write(f"- {r.text} {''.join(f'[{m}]' for m in r.marks)} (p{r.position}){tag}\n")
        results[db.name] = (all_counts, multi)
    if dump:
        dump.close()
    mode = "as stored" if args.stored else "rebuilt with the summarize stage on PYTHONPATH"
    mode += f"; settings: {', '.join(args.set)}" if args.set else ""
    print(f"\n### Summary sentences by kind ({mode})\n")
    head = " | ".join(f"{name}: all | {name}: 2+ articles" for name in results)
    print(f"| kind | {head} |")
    print("|---|" + "---|" * (2 * len(results)))
    for label, get in (("summaries", lambda c: c.summaries), ("sentences", lambda c: c.sentences)):
        print(f"| {label} | " + " | ".join(f"{get(a)} | {get(m)}" for a, m in results.values()) + " |")
    for kind in KINDS:
        print(f"| {kind} | " + " | ".join(f"{a.kinds[kind]} | {m.kinds[kind]}" for a, m in results.values()) + " |")
    if args.examples:
        for name, (counts, _) in results.items():
            for kind in KINDS:
                for line in counts.examples.get(kind, [])[: args.examples]:
                    print(f"{name} | {kind} | {line}")
    print(f"\n({time.perf_counter() - start:.0f} s in all)")


if __name__ == "__main__":
    main()
