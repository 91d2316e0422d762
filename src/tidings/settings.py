"""Every tunable number of the pipeline, in one place, with its default and why.

Each stage has its own section (a dataclass); :class:`Settings` groups them. Stage code reads its section and
never hard-codes a threshold. Where a benchmark chose a value, the comment names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IngestSettings:
    max_bytes: int = 10 * 1024 * 1024
    """Inputs (files, HTTP bodies, decompressed .gz) larger than this are skipped: 10 MB."""
    http_timeout: float = 20.0
    """Seconds for connect/read of one URL."""
    max_redirects: int = 5
    user_agent: str = "tidings/0.1 (+https://github.com/tidings/tidings; news deduplication engine)"


@dataclass
class CleanSettings:
    min_paragraph_chars: int = 1
    """Paragraphs shorter than this are dropped outright (after stripping)."""
    repeated_block_min_sites: int = 3
    """A line seen verbatim in this many different articles of a run is boilerplate (navigation, footers)."""


@dataclass
class DedupeSettings:
    num_perm: int = 128
    """MinHash permutations: 128 gives ~0.09 standard error on Jaccard estimates."""
    shingle_words: int = 5
    """Word shingle length for MinHash."""
    near_threshold: float = 0.5
    """LSH Jaccard threshold for near-duplicate candidates (benchmarks/copies.py)."""
    near_min_jaccard: float = 0.6
    """Estimated Jaccard above which a candidate is a near duplicate."""
    paraphrase_min_aligned: float = 0.6
    """Share of the shorter article's sentences that must align (in order) for a reworded copy."""
    paraphrase_sentence_sim: float = 0.75
    """Cosine of two sentence embeddings for them to count as a paraphrase pair."""
    paraphrase_candidate_sim: float = 0.8
    """Cosine of two article embeddings for them to be checked as a possible reworded copy."""


@dataclass
class ClusterSettings:
    join_threshold: float = 0.5
    """Combined similarity above which an article joins a story (benchmarks/clustering.py)."""
    window_days: float = 7.0
    """Only stories active within this many days of an article's date are candidates."""
    candidates: int = 20
    """Nearest stories fetched from the ANN index per article."""
    dense_weight: float = 0.7
    lexical_weight: float = 0.3
    time_decay_days: float = 3.0


@dataclass
class AnalyzeSettings:
    fact_similarity: float = 0.72
    """Cosine above which two sentences of different articles report the same fact (MSRP-tuned)."""
    max_facts: int = 60


@dataclass
class SummarizeSettings:
    max_sentences: int = 6
    min_sentences: int = 4
    mmr_lambda: float = 0.7
    """Relevance vs novelty trade-off of maximal marginal relevance."""
    redundancy_threshold: float = 0.7
    """Two summary candidates more similar than this say the same thing: keep one."""


@dataclass
class Settings:
    ingest: IngestSettings = field(default_factory=IngestSettings)
    clean: CleanSettings = field(default_factory=CleanSettings)
    dedupe: DedupeSettings = field(default_factory=DedupeSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    analyze: AnalyzeSettings = field(default_factory=AnalyzeSettings)
    summarize: SummarizeSettings = field(default_factory=SummarizeSettings)
