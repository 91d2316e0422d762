"""Read "Only in X" claims of real stories: does no other source of the story report it?

Runs a JSONL of articles through tidings (by default twice: ``exclusive_echo_probability`` at the settings in force,
and at ``fact_probability``, i.e. before the setting existed), then samples ``--size`` exclusive claims of
multi-source stories from each run at random (fixed seed) and shows each with the three sentences of the story's
other sources closest to it (by the encoder's cosine), for a person to judge: *echoed* (another source reports the
same thing) or *only* (no other source does). Verdicts live in ``exclusive_judgements.tsv`` beside this file (run,
story id, a hash of the claim, verdict, one-line reason; no article text); the script tallies them per run, checking
each judged claim is still one the run produced (a verdict belongs to the claim, whichever run drew it). The
settings were chosen on the first 400 articles of the AllSides crawl (sorted by date); the sample reported is from
the last 400 (held out). Run 'jul' reads the crawl's July 2021 alone (``--last 254`` of a JSONL of its 254
articles, seed 1207): 28 of 30 only. Run 'jun' reads its June 2021 alone (``--last 263``, seed 1208): 22 of 30 only,
before ``exclusive_echo_cosine``; ``--runs now,nocos`` shows the claims that rule withdraws (run 'withdrawn-cos' in the
verdicts: 15 of 17 rightly, on June, July and the last 400).

``--runs now,nocopy`` compares the settings in force with ``exclusive_copy_ngram`` 0 (no one-source sentence withdrawn
for the word runs another source prints) and also samples the claims the rule withdrew, shown beside the sentences
of the articles that echo them: there *echoed* means the withdrawal was right. (``withdrawn`` compares any two runs
the same way: the runs ``nojoin`` in the verdicts were an attempt, reverted, that compared a sentence with two
sentences of another source joined.)

    python benchmarks/corpora.py --allsides-jsonl /tmp/allsides.jsonl      # the whole crawl, dated
    python benchmarks/exclusive_sample.py /tmp/allsides.jsonl --last 400 [--show]
    python benchmarks/exclusive_sample.py /tmp/polnear.jsonl --last 1008 --runs now,nocopy --seed 31 [--show]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

JUDGEMENTS = Path(__file__).resolve().parent / "exclusive_judgements.tsv"
SEED = 5
SIZE = 30


def claim_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def run_stories(jsonl: Path, run: str, workdir: Path) -> list[dict]:
    """Stories (as ``stories.json`` has them) of one run: ``now`` (the settings in force), ``before``
    (``exclusive_echo_probability`` at ``fact_probability``), ``nocopy`` (``exclusive_copy_ngram`` 0: no one-source
    sentence is withdrawn for the word runs another source prints) or ``nocos`` (``exclusive_echo_cosine`` 1: none
    withdrawn for another source's sentence nearly alike)."""
    from tidings.pipeline import Pipeline
    from tidings.settings import Settings

    settings = Settings()
    if run == "before":
        settings.analyze = replace(settings.analyze, exclusive_echo_probability=settings.analyze.fact_probability)
    elif run == "nocopy":
        settings.analyze = replace(settings.analyze, exclusive_copy_ngram=0)
    elif run == "nocos":
        settings.analyze = replace(settings.analyze, exclusive_echo_cosine=1.0)
    result = Pipeline(settings=settings, db=workdir / f"{run}.db").run([str(jsonl)])
    return [s.to_dict() for s in result.stories]


def exclusives(stories: list[dict]) -> list[tuple[dict, dict]]:
    """The "only in" claims of a run's multi-source stories, in story order."""
    return [
        (story, fact)
        for story in sorted(stories, key=lambda s: s["id"])
        if story["independent_sources"] > 1
        for fact in story["facts"]
        if fact.get("exclusive_to") and fact["independent_sources"] <= 1
    ]


def sample(pool: list[tuple[dict, dict]], seed: int, size: int) -> list[tuple[dict, dict]]:
    return random.Random(seed).sample(pool, min(size, len(pool)))


def withdrawn(before: list[dict], after: list[dict]) -> list[tuple[dict, dict]]:
    """Claims "only in" under ``before`` that ``after`` no longer makes, as ``after`` has them (with the articles
    that echo them, ``echoed_by``)."""
    kept = {(s["id"], claim_hash(f["text"])) for s, f in exclusives(after)}
    facts = {(s["id"], claim_hash(f["text"])): (s, f) for s in after for f in s["facts"]}
    gone = dict.fromkeys(key for s, f in exclusives(before) if (key := (s["id"], claim_hash(f["text"]))) not in kept)
    return [facts[key] for key in gone if key in facts]


def closest(story: dict, fact: dict, k: int = 3, among: set[str] | None = None) -> list[tuple[float, str, str]]:
    """The ``k`` sentences of the story's other sources (of the articles ``among``, when given) closest to the claim
    (cosine), with their site."""
    from tidings.resources import get_embedder

    own = set(fact["article_ids"])
    others = [(m["text"], m.get("site") or "unknown site") for f in story["facts"] for m in f["mentions"]
              if m["article_id"] not in own and (among is None or m["article_id"] in among)]
    if not others:
        return []
    vecs = get_embedder().encode([fact["text"]] + [t for t, _ in others])
    sims = vecs[1:] @ vecs[0]
    order = np.argsort(-sims)[:k]
    return [(float(sims[i]), others[i][0], others[i][1]) for i in order]


def read_verdicts() -> dict[tuple[str, str], tuple[str, str]]:
    """Verdicts by (story id, claim hash): whether a claim is told by one source alone does not depend on the run
    that made it (the run column says which sample first drew it)."""
    if not JUDGEMENTS.exists():
        return {}
    lines = [ln for ln in JUDGEMENTS.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return {(r["story"], r["claim"]): (r["verdict"], r["reason"]) for r in csv.DictReader(lines, delimiter="\t")}


def report(run: str, head: str, claims: list[tuple[dict, dict]], verdicts: dict[tuple[str, str], tuple[str, str]],
           show: bool, echoers: bool = False) -> None:
    """Print (``show``) each sampled claim with the closest sentences of the other sources (of the articles that
    echo it, ``echoers``), then one line: the run, its claims and the sample's verdicts."""
    tally: dict[str, int] = {}
    for story, fact in claims:
        key = (story["id"], claim_hash(fact["text"]))
        verdict = verdicts.get(key, ("unjudged", ""))[0]
        tally[verdict] = tally.get(verdict, 0) + 1
        if show:
            where = fact["exclusive_to"] or f"(withdrawn) {fact['mentions'][0].get('site')}"
            print(f"\n[{run}] {key[0]}\t{key[1]}\t{verdict}\n  ONLY IN {where}: {fact['text']}")
            for sim, text, site in closest(story, fact, among=set(fact.get("echoed_by") or ()) if echoers else None):
                print(f"    {sim:.2f} [{site}] {text}")
    only, echoed, judged = tally.get("only", 0), tally.get("echoed", 0), tally.get("echoed", 0) + tally.get("only", 0)
    print(f"{head}; sample of {len(claims)}: only {only}, echoed {echoed}, unjudged {tally.get('unjudged', 0)}"
          + (f"; precision {only / judged:.2f}" if judged else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("jsonl", type=Path)
    ap.add_argument("--last", type=int, default=400, help="the last N articles by date (the held-out part)")
    ap.add_argument("--show", action="store_true", help="print each sampled claim with its closest sentences")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--size", type=int, default=SIZE)
    ap.add_argument("--runs", default="now,before",
                    help="the runs to make, comma-separated (now, before, nocopy, nocos)")
    ap.add_argument("--save", type=Path, help="write each run's stories to this folder (RUN.json)")
    args = ap.parse_args()
    from tidings.settings import AnalyzeSettings

    base = AnalyzeSettings()
    rows = [json.loads(line) for line in args.jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows.sort(key=lambda r: (r.get("published") or "", r.get("url") or "", r.get("title") or ""))
    verdicts = read_verdicts()
    with tempfile.TemporaryDirectory() as tmp:
        part = Path(tmp) / "part.jsonl"
        part.write_text("".join(json.dumps(r) + "\n" for r in rows[-args.last :]), encoding="utf-8")
        made: dict[str, list[dict]] = {}
        for run in args.runs.split(","):
            stories = made[run] = run_stories(part, run, Path(tmp))
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"{run}.json").write_text(json.dumps(stories), encoding="utf-8")
            pool = exclusives(stories)
            echo_shown = base.fact_probability if run == "before" else base.exclusive_echo_probability
            report(run, f"{run} (exclusive_echo_probability {echo_shown}): {len(pool)} exclusive claims in "
                   "multi-source stories", sample(pool, args.seed, args.size), verdicts, args.show)
        for other in ("nocopy", "nocos"):
            if "now" in made and other in made:
                # the claims the word-run (nocopy) or cosine (nocos) rule withdrew: 'echoed' verdicts say it was right
                gone = withdrawn(made[other], made["now"])
                report("withdrawn", f"withdrawn (only in under {other}, not now): {len(gone)} claims",
                       sample(gone, args.seed, args.size), verdicts, args.show, echoers=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
