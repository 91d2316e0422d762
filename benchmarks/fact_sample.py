"""Read multi-source facts of real stories: are they truly one fact?

Run the AllSides 2021 crawl through tidings, then sample 50 facts with two or more sources at random (fixed seed)
and show each with its mentions, for a person to judge. The verdicts live in ``fact_judgements.tsv`` beside this
file (sample seed, story id, fact index, a hash of the fact's shown text, verdict, one-line reason; no article
text), and the script tallies them, checking each judged fact is still the one the run produced (same hash).
Seed 2021 is the dev sample, read at fact_probability 0.65 (36 of 50 one fact), which moved the threshold to 0.8;
seed 7 is the sample reported at those settings (41 of 50), seed 11 the one after the act features of
analyze.fact_features were added (45 of 50), seed 23 the one after the 33-feature model and the places clash of
Dec 2026 (43 of 50; the 7 are two sides of one exchange: an allegation and its answer, a call and its rebuff, a vow
and its condition, two parts of one plan, or another count). Seed 24 was read after the cue features of
benchmarks/fact_cues.py were tried and left out, so with the same model (commit 86cd4ee): 44 of 50 (the 6: the
reactions to a veto grouped with it, a budget's parts vs its total, what a pill treats vs its trial result, a
visit vs its announcement's timing, two statements of one press conference, an expected announcement vs the
announcement). Seed 25 was read after ``fact_same_min_cosine`` (0.55) was added: 44 of 50 (the 6: three
expectations against the act, 'is expected to announce' / 'said', 'is close to advising' / 'unveiled', 'intends to
sign' / 'signed'; a CDC panel's recommendation grouped with the FDA's authorisation of the day before; background
against the news; a challenge to an extension against the extension). Then the expectation rule of
``analyze.expectation_vs_act`` was added (from the misses of seeds 24 and 25), and the fresh seed 26, read after
it: 47 of 50 (the 3: two parts of one mandate plan, a data release against a former official's comment on it, an
interview against the earlier confrontation it follows up; one 'one' is borderline, a deal announced by the
senators on Wednesday and by the President on Thursday). Samples differ by two or three facts from seed to seed
(43-45 with one model), so 47 is no proof of a gain of three. Seed 2016 is a blind read of another corpus,
PolNeAR (``corpora.py --polnear-jsonl``, a run at 404e1a7): all of its 35 multi-source facts, 29 one fact. Seed
1207 reads the crawl's July 2021 run alone (254 articles, ``tidings run`` on them, Dec 2026 session 14): 46 of 50
(the 4: an override that failed vs one chamber's vote for it, a letter to the FBI vs the FBI's letter back, an end
date vs a trust in the Taliban in one press conference, a veto vs the boycott it caused).
Seed 1208 reads the crawl's June 2021 run alone (263 articles, session 15): 45 of 50 read before any change, which
led to ``analyze.dated_apart`` (two acts dated on two days are two statements); 47 of 50 after it (its new facts read
after the change).
Seed 1209 reads its May 2021 alone (254 articles), once, after all of session 15's changes: 45 of 50 (the 5: two
expected authorisations against what follows or the act, a call against its rebuff, a budget's parts against its
release, a law's provision against its new reading).

    python benchmarks/corpora.py --allsides-jsonl /tmp/allsides.jsonl
    TIDINGS_SPACY_WORKERS=1 tidings run /tmp/allsides.jsonl --out /tmp/allsides-out --db /tmp/allsides.db
    python benchmarks/fact_sample.py /tmp/allsides-out/stories.json [--show] [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
from pathlib import Path

JUDGEMENTS = Path(__file__).resolve().parent / "fact_judgements.tsv"
SEED = 7  # the reported sample; seed 2021 was the dev sample that chose fact_probability (see the TSV)
SIZE = 50


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def sample(stories_json: Path, seed: int = SEED) -> list[tuple[str, int, dict]]:
    """(story id, fact index, fact) of ``SIZE`` facts with >= 2 sources, drawn with a fixed seed."""
    data = json.loads(stories_json.read_text(encoding="utf-8"))
    pool = [
        (story["id"], k, fact)
        for story in sorted(data["stories"], key=lambda s: s["id"])
        for k, fact in enumerate(story["facts"])
        if fact["independent_sources"] >= 2
    ]
    print(f"{len(data['stories'])} stories, {len(pool)} facts with two or more sources; sampling {SIZE} (seed {seed})")
    return random.Random(seed).sample(pool, min(SIZE, len(pool)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stories_json", type=Path)
    parser.add_argument("--show", action="store_true", help="print each sampled fact with its mentions, to judge")
    parser.add_argument("--seed", type=int, default=SEED, help=f"sample seed (default {SEED})")
    args = parser.parse_args()
    if not args.stories_json.exists():
        sys.exit(f"{args.stories_json} is absent: run the AllSides crawl through tidings first (see the docstring)")
    picked = sample(args.stories_json, args.seed)
    verdicts: dict[tuple[str, int], dict[str, str]] = {}
    if JUDGEMENTS.exists():
        with JUDGEMENTS.open(encoding="utf-8") as fh:
            for row in csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"):
                if int(row["seed"]) == args.seed:
                    verdicts[(row["story"], int(row["fact"]))] = row
    one = judged = stale = 0
    for n, (story_id, k, fact) in enumerate(picked, 1):
        row = verdicts.get((story_id, k))
        h = text_hash(fact["text"])
        if row and row["hash"] == h:
            judged += 1
            one += row["verdict"] == "one"
        elif row:
            stale += 1
        if args.show:
            verdict = f"{row['verdict']}: {row['reason']}" if row and row["hash"] == h else "(not judged)"
            print(f"\n#{n} {story_id}\t{k}\t{h}\t{fact['independent_sources']} sources\t{verdict}")
            for m in fact["mentions"]:
                print(f"    [{m.get('site')}] {m['text']}")
    print()
    print("| facts sampled | judged | truly one fact | not one fact | stale verdicts (fact changed) |")
    print("|---|---|---|---|---|")
    print(f"| {len(picked)} | {judged} | {one} | {judged - one} | {stale} |")


if __name__ == "__main__":
    main()
