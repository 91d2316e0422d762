"""Conflicting figures on the AllSides 2021 crawl, NeuS roundups and ECB+ events: precision and recall against labels.

Reads ``../shared/corpora/neus-allsides`` and ``../shared/corpora/ecbplus`` at run time (nothing from them is copied
here) and runs the whole pipeline (``tidings run`` with its default clustering) on each labelled corpus (``--labels``,
crawl and NeuS by default; ``ecbplus`` when named): the crawl's 1,479 articles, the 7,212 articles of the NeuS
roundups outside the crawl's dates (:func:`neus_items`) and ECB+'s 982 documents (:func:`ecbplus_items`), once with
this tree's code and once with an older commit's (``--base``, extracted with ``git archive`` into a temporary
folder), each in its own process and database. Each figure conflict is cut into pairs of claims from two articles
whose figures disagree (date conflicts are counted, not scored); a pair is matched to the labelled pairs of
``benchmarks/conflict_labels.tsv`` (crawl), ``benchmarks/conflict_labels_neus.tsv`` (NeuS) or
``benchmarks/conflict_labels_ecbplus.tsv`` (ECB+; see their headers: how the candidates were made and labelled, and
the keys).

MSRP (``--labels msrp``, :func:`corpora.load_msrp_pairs`): fresh blind sets, ``benchmarks/conflict_labels_msrp.tsv``:
three samples of 225 of the 1,125 candidate pairs of MSRP's sentence pairs (two outlets' sentences on one story, each
pair a story of two one-sentence articles): every fifth from the first, labelled and committed before any rule was
run on MSRP and before branch conflictprec changed a rule; every fifth from the third, labelled and committed
before its second round of rules was run on MSRP; every fifth from the second, labelled and committed by branch
conflicts3 before it changed a rule or ran one on them. Its split is 'blind', each sample scored apart. The pipeline
is not scored on it (one-sentence articles; most of the pairs it would find are among the candidates not labelled).

PolNeAR (``--labels polnear``, :func:`corpora.load_polnear`): a fresh blind set of a corpus no rule was ever run on,
``benchmarks/conflict_labels_polnear.tsv``: 2016 US political news of seven outlets, each day's articles one story;
every fourth of the generator's 600 most similar candidates (150 pairs), labelled before any rule was run on it.
None is a true disagreement (two candidates, two polls, a share and a margin), so it counts only false alarms.

Fresh (``--labels fresh``, :func:`fresh_items`): branch conflicts4's blind set, ``conflict_labels_fresh.tsv``:
candidates ACROSS stories, which no other set holds: the WMT 2021-2023 English originals as one pool (96 articles, no
rule ever run on them) and the crawl's roundups pooled by ISO week (pairs of two roundups; the crawl's pairs within a
roundup are all in conflict_labels.tsv). 180 of the generator's 1,869 candidates (60 of WMT, 120 of the crawl's weeks,
spread by rank) labelled and committed before any rule was run on them or changed: 7 true, all one disagreement told
in several outlets' words (the bipartisan infrastructure bill as '$1 trillion' / '$1.2 trillion').

Branch conf (a measured attempt, NOT adopted; the code is commit d6a5d47, reverted): the pipeline's recall is near
zero because of which sentences it compares, not the rules (the rules alone: crawl dev 14/14, test 2/2, fresh 7/7).
Of the crawl's 22 true pairs, 11 (9 dev, 2 test) have their articles in different stories of the default run (one
bill over several weeks: acceptable) and 11 are in one story, where figures were compared only within a fact or
between sentences at cosine >= conflict_similarity (0.6) with counted nouns. The attempt: a candidate generator keyed
on the figures (``analyze.figure_pairs``): sentences of different articles and facts whose figures are of one thing
(``takes_part`` and ``_same_thing``: the counted noun and unit, or amounts sharing a word after them) and whose values
disagree, compared by the same rules at cosine >= ``conflict_figure_min_cosine``, each figure checked against at most
``conflict_figure_max_neighbours`` (50) figures of its thing. The floor was chosen on the crawl's dev split alone
(a scratch harness re-running find_conflicts on one pipeline run's stories): 0.6 and 0.5 find 3/18, every floor from
0.4 down to none the same 5/18 (+2 unlabelled); 0 was taken. ``--labels crawl neus ecbplus --ref d6a5d47 --base
280a4d5 --runs DIR --errors 60`` (75 min on 2 shared cores, seconds from the cache) and ``--labels fresh`` likewise:

    | set | before (280a4d5): pairs, precision, recall | figure-keyed generator (d6a5d47) |
    |---|---|---|
    | crawl dev (chose the floor) | 1: 1/1, 1/18 | 7: 5/5 + 2 unlabelled (both right), 5/18 |
    | crawl test | 0 said, 0/4 | 2: 2/2 = 1.000, 2/4 |
    | NeuS (held out) | 5: 1/5 = 0.200, 1/18 | 10: 1/7 = 0.143 + 3 unlabelled (all false), 1/18 |
    | ECB+ (held out) | 65: 19/63 = 0.302 + 2 unlabelled (false), 19/48 | 461: 24/70 = 0.343 + 391 unlabelled, 20/48 |
    | fresh (blind, across stories) | 1 unlabelled (right), 0/7 | 8 unlabelled (all right), 0/7 |

Precision fell on held-out data, so the generator is not adopted. The unlabelled pairs, read: the crawl's two are the
one bill's '$1.2 trillion' / 'roughly $1 trillion' and '$1 trillion' / '$1.2 trillion' (right); NeuS's three are two
different days of one confirmation ('three key Republicans' / 'two'), a bill's two versions ('$300' / '$400' weekly
supplement) and two measures of efficacy ('100%' against severe cases / '94 percent'), all false, as are its two new
labelled pairs (children taken to hospital / killed; '100%' / '94.1%'); ECB+'s 391 (a random 12 read, all false) are
counts that recur across the events of one story: boats of the 2008 and 2011 navy actions (195 pairs), yards and
games of different players, games and seasons in two football stories (99 + 62); fresh's eight are the crawl's pairs
within a roundup (7 labelled true in conflict_labels.tsv) and one across two roundups (right), none of WMT. The five
new NeuS pairs sit at cosine 0.21-0.76, so no floor of the dev plateau would have removed more than one (read after
the choice; not a setting). Within a story a figure's thing (noun and unit, or a word after an amount) does not tell
one quantity from the same kind of count of another event, player or season: the fact or the sentence's similarity
was doing that work. In-story, the generator reached every true crawl pair the rules allow (dev: 5 labelled and one
under another sentence cut; the other 3 are amounts with no shared word after them, 'a roughly $1 trillion bill to
revamp the nation's infrastructure' / '$1.2 trillion bipartisan infrastructure package' and 'The $1.2 trillion bill
includes ...' twice, which the rules alone miss too).

Branch conflicts4: the subject of a figure (``claims.SUBJECT_CUES``): a name that opens the sentence, then a verb of
``claims.HOLDING_VERBS`` (reported, posted, earned, gained, rose, fell, won, ...) whose object holds the figure with no
new clause between, or a passive whose agent is the figure; two subjects, each absent from the other sentence, hold
two things ("Lowe's ... reported a 12 percent jump" / 'Home Depot reported a nearly 8 percent rise'; 'Bob Graham was
not identifiable by 61 percent' / 'Kerry was viewed favorably by 66 percent'). Verbs that act on a thing are not in the
table: 'The House delayed a vote on the $1 trillion bill' / "Biden ... advancing a $1.2 trillion bill" is one bill.
Also two scopes: a toll that counts the attacker ('Four people were killed (including the shooter)' / 'the gunman who
killed three people') and 'has so far lost seven soldiers' (a total, as 'so far' after a figure). Chosen on the dev
sets (crawl dev, NeuS, ECB+, MSRP samples 1-3: sample 3's false pairs were read on branch conflicts3), scored on the
fresh set, labelled first. ``--labels crawl neus ecbplus msrp polnear fresh --rules-only`` (3 min on 2 cores shared
with other runs), the rules of main (404e1a7) and of the branch:

    | set | main (404e1a7) | this branch | recall, this branch |
    |---|---|---|---|
    | crawl dev (chose the rules) | 14/14 | 14/14 | 14/18 |
    | crawl test | 2/2 | 2/2 | 2/4 |
    | NeuS (dev) | 2/15 = 0.133 | 2/13 = 0.154 | 2/18 |
    | ECB+ all 544 (dev) | 24/66 = 0.364 | 24/65 = 0.369 | 24/48 |
    | ECB+ blind 400 (dev) | 6/7 = 0.857 | 6/7 = 0.857 | 6/30 |
    | MSRP samples 1 / 2 (dev) | 3/3, 3/3 | 3/3, 3/3 | 3/23, 3/40 |
    | MSRP sample 3 (dev since conflicts3) | 5/10 = 0.500 | 5/8 = 0.625 | 5/41 |
    | PolNeAR (150 pairs, none true) | 0 said | 0 said | - |
    | fresh, WMT (60 pairs, none true) | 0 said | 0 said | - |
    | fresh, crawl weeks (120 pairs, 7 true) | 7/7 = 1.000 | 7/7 = 1.000 | 7/7 |
    | **fresh, all 180 (blind)** | **7/7 = 1.000** | **7/7 = 1.000** | 7/7 |

The fresh set says main's rules are already precise across stories (7/7; no false alarm on 173 pairs of different
events, bills, groups or times told in like words), but it is a weak test: its 7 true pairs are one disagreement, and
no pair of it has the shapes the new rules are about, so it neither confirms nor refutes them. On every candidate of
the generator on MSRP, PolNeAR, NeuS, ECB+ and the fresh pools (18,716 pairs, labelled or not; each pair judged
without its sentences' other figures), the new rules change what is said of 4 pairs: the 2 of MSRP sample 3 above,
one more of MSRP not labelled (Lowe's 33 / Home Depot 22 percent profit rise) and NeuS's Gilroy toll, all false; of
the labelled pairs they change 5, all false: those three labelled, NeuS's London toll and ECB+'s Israeli soldiers
(pairs the pipeline found). So they cost nothing and reach little. Of the fresh pool's 1,869 candidates the rules
say 18 disagree (7 of them labelled); read after the run, all 18 are the one bill's $1 / $1.2 trillion. Tried and
dropped: any verb (a word in -ed or -s) in place of the table: no more false pair taken, 2 true pairs of the crawl's
dev split lost, actors on one bill ('The Senate voted to advance ... $1.2 trillion' / 'Senators wrapped up ...
roughly $1 trillion'; 'The Senate barreled toward ... $1 trillion' / 'Schumer is barreling toward ... $1.2 trillion').

Branch conflicts3: the referent of a figure (``claims.REFERENT_CUES``): whose, or which one of several, it is. A name
that holds it ('IBM ranked second with 24 percent share'), a place opening its sentence ('But in San Francisco, ...')
or a group's origin ('20 students from West Boca Raton High School'), named on one side and absent from the other
sentence; or two different terms ('30-year' / '10-year'), versions ('Senate-passed' / 'House-passed'), possessors or
'who' groups of one verb ('who took finasteride' / 'who took the placebo'): two things. Also 'completed 28 of 41
passes' (a whole) and the place names after a count's participle ('168,000 people were killed in Aceh'). Chosen on
the seen sets (crawl, NeuS, ECB+, MSRP samples 1-2; no labelled-true pair of them lost), then scored once on MSRP
sample 3 and PolNeAR, both labelled and committed before. ``--labels crawl neus ecbplus msrp polnear --rules-only``
(a minute alone, 12 on 2 cores shared with other runs), the rules of the branch's base (86cd4ee) and of the branch:

    | set | before (86cd4ee) | this branch | recall, this branch |
    |---|---|---|---|
    | crawl dev (chose the rules) | 14/14 | 14/14 | 14/18 |
    | crawl test | 2/2 | 2/2 | 2/4 |
    | NeuS (seen) | 2/17 = 0.118 | 2/15 = 0.133 | 2/18 |
    | ECB+ all 544 (seen) | 24/74 = 0.324 | 24/66 = 0.364 | 24/48 |
    | ECB+ blind 400 (seen) | 6/8 = 0.750 | 6/7 = 0.857 | 6/30 |
    | MSRP sample 1 (seen) | 3/5 = 0.600 | 3/3 = 1.000 | 3/23 |
    | MSRP sample 2 (seen) | 3/7 = 0.429 | 3/3 = 1.000 | 3/40 |
    | MSRP sample 3 (blind: labelled before the branch) | 5/11 = 0.455 | **5/10 = 0.500** | 5/41 |
    | PolNeAR (blind, 150 pairs, none true) | 0 said | **0 said** | - |

On the blind sample the referent removes one false pair of six (the placebo group, a sentence MSRP also pairs in
sample 2) and the goal (0.7) is not reached. The five false pairs left, read: two sentences whose subjects are two
holders with no 'with'/'has' between name and figure ("Lowe's ... reported ... a 12 percent jump in same-store sales" /
'Home Depot ... a nearly 8 percent rise'; 'Bob Graham was not identifiable by 61 percent' / 'Kerry was viewed
favorably by 66 percent'), two currencies against the yen (the dollar / the euro), a volume at a point of the session
/ the day's, a price at 0335 GMT / at the close ('a record closing high'). A rule on the sentences' subjects would
take two of them, but on the crawl it would also take 'The Senate's ... $1.2 trillion infrastructure bill' / 'The
House delayed a vote on the $1 trillion ... bill' (one bill, labelled true): two chambers act on one bill, or each
passes its own plan, and one sentence does not say which. On PolNeAR the rules, before and after, call no pair of 150
a disagreement: no false alarm, and no precision to report (the sample holds no true pair).
The pipeline on ECB+ (``--labels ecbplus --base 86cd4ee``, 18 min a tree on 2 cores shared with other runs): 171
stories; this branch 29 figure conflicts, 66 disagreeing pairs, 64 labelled, 19 true: precision 0.297, recall 19/48;
its base 32 conflicts, 75 pairs, 73 labelled, 19 true: 0.260, recall 19/48 (main has changed since round 2's 21/75).
The 9 pairs fewer, all false: 6 of the 2004 tsunami's dead in Aceh / around the ocean, two players' rushing yards
('Jones has 193 yards'), 28 of 41 passes, and 'KC ended the game with 352 net yards rushing' / 'the Chiefs gained
507 yards' (rushing vs all yards; the holder rule drops it for the wrong reason: KC is the Chiefs).

Scores per split (the crawl's even story numbers chose the rules, the odd ones are held out; NeuS and ECB+ are all
held out: no rule or threshold was chosen on them, and their labels were made before the rules were run on them):
precision = labelled-true pairs / labelled pairs found (pairs found but never labelled are counted apart);
recall = labelled-true pairs found / labelled-true pairs.

Rules-only (``--rules-only``) applies :func:`tidings.analyze.pair_disagrees` to each labelled pair: the rules the
pipeline applies to the sentences it compares, including its rule that a sentence giving two values of one thing is
ambiguous (before branch conflictprec the rules-only path left that rule out).

Branch conflictprec, in two rounds, each scored once on an MSRP sample labelled before it was run there. Round 1
(commit 786c288; rules chosen on the three seen sets: a conditional or threshold is no quantity, 'the other two',
the whole of 'eight of the nine', an act named on one side only, a place phrase right after the figure, a figure
listed after another); round 2 (commit 1320a6b; chosen on the seen sets and MSRP sample 1: a market session, a clock
time and 'the prior fiscal year' are times). ``--labels crawl neus ecbplus msrp --rules-only`` (about a minute):

    | set | before (76ca8b9) | round 1 | round 2 | recall, round 2 |
    |---|---|---|---|---|
    | crawl dev (chose the rules) | 14/14 | 14/14 | 14/14 | 14/18 |
    | crawl test | 2/3 | 2/2 | 2/2 | 2/4 |
    | NeuS (seen since) | 3/37 = 0.081 | 2/17 = 0.118 | 2/17 = 0.118 | 2/18 |
    | ECB+ all 544 (seen since) | 25/153 = 0.163 | 24/74 = 0.324 | 24/74 = 0.324 | 24/48 |
    | ECB+ blind 400 (seen since) | 7/36 = 0.194 | 6/8 = 0.750 | 6/8 = 0.750 | 6/30 |
    | MSRP sample 1 (blind to round 1) | 4/10 = 0.400 | **3/7 = 0.429** | 3/5 = 0.600 (seen) | 3/23 |
    | MSRP sample 2 (blind to round 2) | 4/12 = 0.333 | 3/8 = 0.375 | **3/7 = 0.429** | 3/40 |

The pipeline on ECB+, round 2 (``--labels ecbplus --base none``, 20 min on 2 shared cores): 170 stories, 34 figure
conflicts, 77 disagreeing pairs (was 165 at 90643d4), 75 labelled, 21 true: precision 0.280 (was 0.127), recall
21/48 (unchanged); of the blind 400, 4 found, 3 true (was 3/21); the 2 unlabelled, read: rushing vs receiving yards
(false). On the first 450 articles of the crawl (168 stories, default settings) main and this branch show the same two
conflicts, both true ($1.2 / $1 trillion for one bill; an order dated Tuesday / Wednesday).

Bold: the measurement on data no rule was chosen on. The goal (0.7) is not reached there. The false pairs left on
MSRP are two different quantities that share a noun and a sentence shape: two notes' yields (30-year vs 10-year), two
firms' market shares (Microsoft vs IBM), a drug group vs the placebo group ('18 percent of the men who took
finasteride' / '24 percent of men who took the placebo'), the Senate's vs the House's plan, a city vs overall ('in San
Francisco, ... 59 percent of women'). The true pair round 1 lost on sample 1 (a dividend's old value, 12 / 13 cents)
was dropped as ambiguous (its sentences also give the new 25 cents). Tried and dropped: a logistic gate over pair
features after the rules (same-fact probability, cosine, context overlap, value ratio, qualifiers), fit on two seen
sets and scored on the third: held-out crawl 1/1 at p >= 0.3 (recall 1/16) and nothing above; NeuS 2/15 at 0.3, 2/7
at 0.7; ECB+ 4/10 at 0.3, 1/6 at 0.7: no level carries across sets. A floor on the same-fact probability of the two
sentences (0.5-0.8) cut true pairs as fast as false ones on every seen set (the false ones are mostly one fact told
of two places, groups or events). A rule on the people named before a figure ('Vaughn finished with 16 points' /
'Hansbrough ... 20 points') changed nothing: the small spaCy model tags neither name as a person.

Usage::

    .venv/bin/python benchmarks/conflicts.py                        # this tree and the rules before (73ca879)
    .venv/bin/python benchmarks/conflicts.py --base none --errors 20
    .venv/bin/python benchmarks/conflicts.py --labels crawl neus --rules-only --errors 60
    .venv/bin/python benchmarks/conflicts.py --labels neus --base none --group-by story
    .venv/bin/python benchmarks/conflicts.py --ref 73ca879 --similarity 0.15 --sheet /tmp/sheet.txt
        # the permissive candidate generator the labels were made from: the pairs with both sentences, for reading
    .venv/bin/python benchmarks/conflicts.py --labels neus --all-pairs /tmp/pairs.txt --min-overlap 0 --limit 1000
        # the generator without the pipeline whose 593 NeuS pairs are all labelled
    .venv/bin/python benchmarks/conflicts.py --labels ecbplus --all-pairs /tmp/pairs.txt --min-overlap 0 --limit 400
        # its 400 most similar ECB+ pairs (of 12,074), all labelled
    .venv/bin/python benchmarks/conflicts.py --labels ecbplus --rules-only --errors 60
    .venv/bin/python benchmarks/conflicts.py --labels msrp --all-pairs /tmp/pairs.txt --min-overlap 0 --limit 2000
        # MSRP's 1,125 candidates; every fifth is labelled
    .venv/bin/python benchmarks/conflicts.py --labels crawl neus ecbplus msrp --rules-only
    .venv/bin/python benchmarks/conflicts.py --labels crawl neus ecbplus msrp polnear --rules-only
    .venv/bin/python benchmarks/conflicts.py --labels polnear --all-pairs /tmp/pairs.txt --min-overlap 0 --limit 100000
        # PolNeAR's 3,070 candidates; every fourth of the first 600 is labelled
    .venv/bin/python benchmarks/conflicts.py --labels fresh --all-pairs /tmp/pairs.txt --min-overlap 0 --limit 100000
        # the fresh pools' 1,869 candidates across stories (conflict_labels_fresh.tsv says which are labelled)
    .venv/bin/python benchmarks/conflicts.py --labels crawl neus ecbplus msrp polnear fresh --rules-only

ECB+, held out and labelled blind (400 pairs, 30 true; labels committed before any rule was run on ECB+), rules of
main at 90643d4 (``--labels ecbplus --rules-only``, 20 s): the rules alone say 36 pairs disagree, 7 truly: precision
7/36 = 0.194, recall 7/30 = 0.233. The 29 false: 16 different places (12 of them one background fact: the 2004
tsunami's 170,000 dead in Aceh vs 230,000 around the ocean; 4 a quake's distance from two towns), 10 different
quantities (a season's rushing vs receiving yards), 2 different groups (two players), 1 part vs whole (seven
AK-47s of 'nine assault rifles'). Missed 23 of 30: 9 one revolver's calibre (.38 / .357, borderline), 4 a quake's
depth (1.2 / 12 miles), 2 a climber's fall (60 / 150 metres), 2 an island's population (120,000 / 200,000), 2 one
offer ($200 million / under $184 million), 1 a magnitude (6.1 / 5.9), 1 a stock fall (5.4 / 3.9 per cent), 1 a
number of payments (24 / 20), 1 marchers (more than 200 / nearly 100).
The 30 true pairs are 14 distinct disagreements (documents of one event share sentences). 16 of the 30 say
'borderline'; counting those as 0, the rules alone are 3/36 = 0.083, recall 3/14.
The pipeline, this tree (``--labels ecbplus --base none``, 12 min): 170 stories, 37 figure conflicts, 165
disagreeing pairs, 21 of them among the blind 400 (3 true: 3/21 = 0.143, recall 3/30). Its other 144 pairs were then
labelled too (not blind: after a '# not blind' line in the labels file; 18 true, 9 borderline), so that all 165 are
labelled: precision 21/165 = 0.127, recall 21/48 = 0.438. 57 of the 165 join two subtopics that clustering merged
(the 2008 and 2011 navy actions against pirates, the 2009 Papua and 2013 Aceh quakes): all false; 46 more are one
background fact, the 2004 tsunami's dead in Aceh vs around the ocean. On all 544 labels the rules alone say 153
pairs disagree, 25 truly (0.163, recall 25/48); ``--rules-only`` prints the blind 400 alone as 'blind only'.

NeuS, held out (612 labelled pairs, 18 true), rules of main at 01b9055 (measured on this branch, 2 shared cores):
rules alone (``--labels crawl neus --rules-only``) say 41 pairs disagree, 3 truly: precision 3/41 = 0.073, recall
3/18 = 0.167. The 38 false: 11 different quantities (a bill's size vs the checks it pays, a threshold vs a level),
8 part vs whole ('four dead including the assailant' / 'killed three'), 6 different groups (each outlet's own
'three' / 'four officials'), 6 different times or bills, 2 different places, 2 revisions of a toll, 2 rounded
figures that agree ('$1.37 trillion' / '$1.4 trillion', 'just shy of 1,000' / '966 pages'). Missed: 15 of 18:
7 a round figure for a bill against a precise one ('$2 trillion' / '$2.2 trillion', labelled 1 as on the crawl),
3 other sizes of one bill or program ('$500 billion' / '$300 billion'), 2 troop counts ('around 3,000' / '2,500'),
3 other: a day's cases by two trackers, a share ('nearly 21%' / '19.49 percent'), patients (30 / 37 million).
The crawl rows of the same run: dev 14/14 = 1.000 (recall 14/18), test 2/3 = 0.667 (2/4). Before this commit the
rules alone re-read only the pipeline's sentence cuts, so 26 crawl labels made from the fast splitter's cuts were
'not re-read' (now 2) and counted as not said (dev 13/13, recall 13/18).
The pipeline, this tree (``--labels crawl neus --base none``, 10 min for the crawl, 30 for NeuS): NeuS 12 figure
conflicts, 19 disagreeing pairs, all labelled, 2 true: precision 2/19 = 0.105, recall 2/18 = 0.111 (7 of the 17
false are one election's electoral votes across roundups that clustering joined: a partial count, the final one,
the 270 needed); crawl dev 1/1 (recall 1/18), test none found (0/4). Grouped by roundup (``--group-by story``,
default settings): NeuS 10 conflicts, 11 pairs, 3 true: 3/11 = 0.273, recall 3/18; crawl dev 1/1 (1/18), test
none (0/4). Permissive, grouped by roundup: ``--similarity 0.15`` NeuS 3/22 = 0.136, ``--similarity 0.05
--fact-probability 0.3`` 3/25 = 0.120 (recall 3/18 both). Every false pair of the pipeline on NeuS is one the
rules alone also call a conflict: the gap is in the rules (same thing, same time), not in which sentences are compared.
9 of the 18 true labels say 'borderline'; counting those as 0, the rules alone are 2/41 (recall 2/9), the default
pipeline 1/19 and by roundup 2/11 (the hate-crime share is borderline, the two trackers' death tolls are not).

Measured with 538 labels (test 298 pairs, 4 true; dev 240, 18 true). With conflict_max_ratio 1.5 (chosen on dev
with ``--rules-only``, see settings.py): rules alone test 2/5 = 0.400 (recall 2/4), dev 13/14 = 0.929 (13/18);
default pipeline: dev 1/1 (recall 1/18), test none found (0/4), and one date conflict, a real one (an order
dated Tuesday by one outlet and Wednesday by another). Before, at commit 28995e0's rules:
default pipeline (``--base none``): test 2 pairs found, 0 true (precision 0/2, recall 0/4), dev 2/2, recall 2/18;
every pair the pipeline finds is labelled, so the held-out precision of its default output rests on 2 pairs however
many are labelled. Permissive (``--base none --similarity 0.15 --fact-probability 0.5 --group-by story``): test
1/5 (recall 1/4), dev 6/8 (6/18). Rules alone (``--rules-only``): test 2/14 = 0.143 (recall 2/4), dev 13/26 = 0.500
(13/18); without the same-thing test of amounts (before commit a3b1f9f) test 4/51 = 0.078 (4/4), dev 17/52.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpora import (  # noqa: E402
    CORPORA,
    load_allsides_crawl,
    load_ecbplus,
    load_msrp_pairs,
    load_neus,
    load_polnear,
    load_wmt_english,
    write_jsonl,
)

LABELS = ROOT / "benchmarks" / "conflict_labels.tsv"
NEUS_LABELS = ROOT / "benchmarks" / "conflict_labels_neus.tsv"
ECBPLUS_LABELS = ROOT / "benchmarks" / "conflict_labels_ecbplus.tsv"
MSRP_LABELS = ROOT / "benchmarks" / "conflict_labels_msrp.tsv"
POLNEAR_LABELS = ROOT / "benchmarks" / "conflict_labels_polnear.tsv"
FRESH_LABELS = ROOT / "benchmarks" / "conflict_labels_fresh.tsv"
CRAWL = CORPORA / "neus-allsides" / "raw_crawled_headline_11_2021-10-19.jsonl.xz"
BASE = "73ca879"  # the conflict rules before this benchmark existed


def sentence_key(text: str) -> str:
    """A sentence's stable key: the first 12 hex digits of the SHA-1 of its words joined by single spaces."""
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def split_of(a: str, b: str) -> str:
    """The split of a pair of claims from articles ``a`` and ``b``: for the crawl's item ids, 'dev' when the crawl's
    story number of the first of them (in id order) is even (rules chosen there), 'test' when it is odd (held out);
    for NeuS and ECB+ item ids, 'held out' (no rule was chosen on either)."""
    if a.startswith(("neus-", "ecb-")):
        return "held out"
    if a.startswith(("msrp-", "polnear-", "fresh-")):
        return "blind"
    return "dev" if int(min(a, b).split("-")[1]) % 2 == 0 else "test"


@dataclass(frozen=True)
class Corpus:
    """A labelled corpus: its name, labels file, loader and the splits of its pairs (:func:`split_of`)."""

    name: str
    labels: Path
    splits: tuple[str, ...]

    def items(self) -> list:
        loaders = {
            "crawl": load_allsides_crawl,
            "neus": neus_items,
            "ecbplus": ecbplus_items,
            "msrp": load_msrp_pairs,
            "polnear": load_polnear,
            "fresh": fresh_items,
        }
        return loaders[self.name]()


@dataclass(frozen=True)
class ClaimKey:
    article: str  # the crawl's item id: allsides-<story>-<side>
    sentence: str  # sentence_key of the claim's sentence
    start: int  # the figure's characters in the sentence
    end: int

    def matches(self, other: ClaimKey) -> bool:
        same = self.article == other.article and self.sentence == other.sentence
        return same and self.start < other.end and other.start < self.end

    def field(self) -> str:
        return f"{self.article}\t{self.sentence}\t{self.start}-{self.end}"


@dataclass
class Label:
    a: ClaimKey
    b: ClaimKey
    label: int
    reason: str
    blind: bool = True  # labelled before any rule or pipeline was run on the pair (see read_labels)
    batch: str = ""  # the sample the pair was labelled in, when a file holds several (a '# batch: NAME' line)

    def matches(self, a: ClaimKey, b: ClaimKey) -> bool:
        return (self.a.matches(a) and self.b.matches(b)) or (self.a.matches(b) and self.b.matches(a))


def read_labels(path: Path = LABELS) -> list[Label]:
    """A labels file's pairs; those after a line '# not blind' were labelled knowing what a run said of them, those
    after a line '# batch: NAME' belong to sample NAME (scored apart by --rules-only)."""
    out: list[Label] = []
    blind = True
    batch = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# not blind"):
            blind = False
        if line.startswith("# batch:"):
            batch = line.split(":", 1)[1].strip()
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split("\t")
        a = ClaimKey(f[0], f[1], *map(int, f[2].split("-")))
        b = ClaimKey(f[3], f[4], *map(int, f[5].split("-")))
        out.append(Label(a, b, int(f[6]), f[7] if len(f) > 7 else "", blind, batch))
    return out


def neus_items() -> list:
    """The NeuS roundups (train and val) that the conflict rules never saw: those none of whose articles is dated in
    the AllSides crawl's range (Apr-Oct 2021, the crawl the rules were chosen on; ``load_neus`` dates an article by
    its title's match in the crawl, else by a dateline). Each article gets a made-up URL naming its item id, as the
    pipeline's conflicts are mapped back to items by URL."""
    crawl = sorted(i.published[:10] for i in load_allsides_crawl() if i.published)
    items = load_neus()
    near = {i.story for i in items if i.published and crawl[0] <= i.published[:10] <= crawl[-1]}
    kept = [i for i in items if i.story not in near]
    for i in kept:
        i.url = f"https://neus.example/{i.id}"
    return kept


def ecbplus_items() -> list:
    """The ECB+ documents (``load_ecbplus``: both halves, all 43 topics), grouped by subtopic (``Item.story``: one
    seminal event, e.g. '1_ecb' and '1_ecbplus' are two different events of topic 1), so that candidate pairs come
    from two documents reporting one event. Each document gets a made-up URL naming its item id, as for NeuS."""
    items = load_ecbplus()
    for i in items:
        i.url = f"https://ecbplus.example/{i.id}"
    return items


def fresh_items() -> list:
    """Branch conflicts4's blind set (``benchmarks/conflict_labels_fresh.tsv``): candidates across stories, which no
    labelled set holds. The WMT English originals (96 articles of 2021-2023, each its own document) as one pool, and
    the AllSides crawl's roundups pooled by ISO week of their date (an ongoing story, a bill or a vaccine drive, spans
    several roundups). Item ids get a 'fresh-' prefix so that these pairs are scored apart from the crawl's labels;
    ``Item.topic`` keeps the gold story (wmt: the document; crawl: the roundup), and pairs of one gold story are not
    candidates (the crawl's are all labelled in conflict_labels.tsv)."""
    import datetime

    items = []
    for i in load_wmt_english():
        i.id, i.topic, i.story = f"fresh-{i.id}", i.story, "wmt"
        items.append(i)
    for i in load_allsides_crawl():
        year, week, _ = datetime.date.fromisoformat(i.published[:10]).isocalendar()
        week = f"crawl-w{year}-{week:02d}"
        i.id, i.topic, i.story = f"fresh-{i.id}", i.story, week
        items.append(i)
    return items


CORPUS = {
    "crawl": Corpus("crawl", LABELS, ("dev", "test")),
    "neus": Corpus("neus", NEUS_LABELS, ("held out",)),
    "ecbplus": Corpus("ecbplus", ECBPLUS_LABELS, ("held out",)),
    "msrp": Corpus("msrp", MSRP_LABELS, ("blind",)),
    "polnear": Corpus("polnear", POLNEAR_LABELS, ("blind",)),
    "fresh": Corpus("fresh", FRESH_LABELS, ("blind",)),
}


# -- one run, in a child process whose PYTHONPATH is the tree under test --------------------------------------------


def _child(
    jsonl: str,
    db: str,
    out: str,
    similarity: float | None,
    group_by: str | None,
    fact_similarity: float | None,
    fact_probability: float | None = None,
) -> None:
    """Run the pipeline on the crawl; write each figure conflict's disagreeing pairs (their sentences, figure texts
    and spans) and the count of date conflicts."""
    from tidings.figures import extract_figures
    from tidings.pipeline import Pipeline
    from tidings.settings import Settings
    from tidings.text import read_sentences

    settings = Settings()
    if similarity is not None:  # the permissive candidate generator: more sentence pairs compared, no cap
        settings.analyze.conflict_similarity = similarity
        settings.analyze.max_conflicts = 10_000
    if fact_similarity is not None:  # bigger facts: more figures compared inside one fact
        settings.analyze.fact_similarity = fact_similarity  # only read without the same-fact model (fact_weights)
    if fact_probability is not None:  # bigger facts with the same-fact model (the default)
        settings.analyze.fact_probability = fact_probability
    result = Pipeline(settings=settings, db=db).run([jsonl], group_by=group_by)
    urls = {a.id: a.url for a in result.articles}
    tolerance = settings.analyze.conflict_tolerance

    texts = sorted({x.text for story in result.stories for c in story.conflicts for x in c.claims})
    readings = dict(zip(texts, read_sentences(texts) or [None] * len(texts), strict=True))

    def figure(text: str, value: str):  # the claim's figure, re-read from its sentence as the pipeline read it
        return next((fm for fm in extract_figures(text, readings[text]) if fm.text == value), None)

    conflicts = []
    for story in result.stories:
        for c in story.conflicts:
            # the value as the pipeline wrote it may differ in case from its sentence ('12 magazines' in '12 Magazines')
            claims = [(urls[x.article_id], x.text, x.value, x.text.lower().find(x.value.lower())) for x in c.claims]
            pairs = []
            if c.about != "date":
                for i, (ua, ta, va, sa) in enumerate(claims):
                    for ub, tb, vb, sb in claims[i + 1 :]:
                        if ua == ub:
                            continue
                        fa, fb = figure(ta, va), figure(tb, vb)
                        if fa is not None and fb is not None:
                            (lo_a, hi_a), (lo_b, hi_b) = fa.interval(tolerance), fb.interval(tolerance)
                            if lo_a <= hi_b and lo_b <= hi_a:
                                continue  # an agreeing source listed with the disagreement
                        elif va == vb:
                            continue
                        pairs.append(((ua, ta, va, sa), (ub, tb, vb, sb)))
            conflicts.append({"about": c.about, "pairs": pairs})
    Path(out).write_text(json.dumps({"stories": len(result.stories), "conflicts": conflicts}), encoding="utf-8")


def run_tree(
    src: Path,
    jsonl: Path,
    workdir: Path,
    similarity: float | None,
    group_by: str | None = None,
    fact_similarity: float | None = None,
    fact_probability: float | None = None,
) -> dict:
    out, db = workdir / "conflicts.json", workdir / "tidings.db"
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.setdefault("TIDINGS_SPACY_WORKERS", "1")
    env.setdefault("TIDINGS_ONNX_THREADS", "1")
    args = [sys.executable, __file__, "--child", str(jsonl), str(db), str(out)]
    if similarity is not None:
        args += ["--similarity", str(similarity)]
    if group_by:
        args += ["--group-by", group_by]
    if fact_similarity is not None:
        args += ["--fact-similarity", str(fact_similarity)]
    if fact_probability is not None:
        args += ["--fact-probability", str(fact_probability)]
    subprocess.run(args, env=env, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def extract_ref(ref: str, into: Path) -> Path:
    """The ``src`` folder of commit ``ref`` of this repository, written under ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    archive = into / "src.tar"
    with open(archive, "wb") as fh:
        subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


# -- scoring ----------------------------------------------------------------------------------------------------------


def keyed_pairs(run: dict, url_to_item: dict[str, str]) -> list[tuple[ClaimKey, ClaimKey, tuple, tuple]]:
    out = []
    for c in run["conflicts"]:
        for a, b in c["pairs"]:
            keys = [ClaimKey(url_to_item[u], sentence_key(t), s, s + len(v)) for u, t, v, s in (a, b)]
            out.append((keys[0], keys[1], tuple(a), tuple(b)))
    return out


def score(
    run: dict, labels: list[Label], url_to_item: dict[str, str], errors: int, name: str, corpus: Corpus
) -> list[str]:
    pairs = keyed_pairs(run, url_to_item)
    rows = []
    for split in corpus.splits:
        found = [(ka, kb, a, b) for ka, kb, a, b in pairs if split_of(ka.article, kb.article) == split]
        conflicts = sum(
            1
            for c in run["conflicts"]
            if c["pairs"] and split_of(*(url_to_item[claim[0]] for claim in c["pairs"][0])) == split
        )
        labelled = [lab for lab in labels if split_of(lab.a.article, lab.b.article) == split]
        hits: list[tuple[Label, tuple, tuple]] = []
        unlabelled = []
        for ka, kb, a, b in found:
            lab = next((x for x in labelled if x.matches(ka, kb)), None)
            if lab is None:
                unlabelled.append((ka, kb, a, b))
            else:
                hits.append((lab, a, b))
        true_found = {id(lab) for lab, _, _ in hits if lab.label == 1}
        n_true = sum(lab.label for lab in labelled)
        precision = len([1 for lab, _, _ in hits if lab.label == 1]) / len(hits) if hits else float("nan")
        recall = len(true_found) / n_true if n_true else float("nan")
        rows.append(
            f"| {name} | {corpus.name} {split} | {conflicts} | {len(found)} | {len(hits)} | {len(unlabelled)} | "
            f"{precision:.3f} | {len(true_found)}/{n_true} = {recall:.3f} |"
        )
        if errors:
            for lab, a, b in [h for h in hits if h[0].label == 0][:errors]:
                print(f"  [{name} {corpus.name} {split}] false: {a[2]!r} / {b[2]!r} ({lab.reason})", file=sys.stderr)
            for ka, kb, a, b in unlabelled[:errors]:
                print(
                    f"  [{name} {corpus.name} {split}] unlabelled: {ka.field()}\t{kb.field()}\t{a[2]!r} / {b[2]!r}",
                    file=sys.stderr,
                )
    return rows


def candidate_pairs(items: list, min_overlap: float) -> list[tuple[float, tuple, tuple]]:
    """A generator that needs no pipeline and none of its rules: in each roundup (``Item.story``), every two
    sentences of different articles with figures of the same noun or unit whose values are incompatible, when the
    sentences share at least ``min_overlap`` of their words (Jaccard); most similar first, ties in key order.
    Each pair is (overlap, (item id, sentence, figure), (item id, sentence, figure)). Pairs are compared within a
    roundup only (three or so articles), so the cost is bounded by the largest roundup, not the corpus."""
    import re

    from tidings.figures import extract_figures
    from tidings.model import Article
    from tidings.text import read_sentences, segment, words

    apart = {i.id: i.topic for i in items if i.id.startswith("fresh-")}  # fresh_items: across gold stories only
    by_story: dict[str, list] = {}
    for i in items:
        by_story.setdefault(i.story, []).append(i)
    sents = []
    for story, members in by_story.items():
        for i in members:
            article = Article(id=i.id, origin="crawl", title=i.title, text=i.text)
            for s in segment(article, model=False):
                if not s.is_heading and re.search(r"\d", s.text):
                    sents.append((story, i.id, s.text))
    readings = read_sentences([t for _, _, t in sents]) or [None] * len(sents)
    figs: dict[str, list] = {}
    for (story, item, text), reading in zip(sents, readings, strict=True):
        for fm in extract_figures(text, reading):
            if fm.unit and fm.value:
                figs.setdefault(story, []).append((item, text, fm, set(words(text))))
    found = []
    for rows in figs.values():
        for n, (ia, ta, fa, wa) in enumerate(rows):
            for ib, tb, fb, wb in rows[n + 1 :]:
                if ia == ib or fa.key != fb.key or (apart and apart.get(ia) == apart.get(ib)):
                    continue
                (lo_a, hi_a), (lo_b, hi_b) = fa.interval(0.01), fb.interval(0.01)
                overlap = len(wa & wb) / len(wa | wb)
                if (lo_a > hi_b or lo_b > hi_a) and overlap >= min_overlap:
                    found.append((overlap, (ia, ta, fa), (ib, tb, fb)))

    def order(t: tuple) -> tuple:
        _, (ia, ta, fa), (ib, tb, fb) = t
        return (-t[0], ia, sentence_key(ta), fa.start, ib, sentence_key(tb), fb.start)

    return sorted(found, key=order)


def all_pairs_sheet(items: list, path: Path, min_overlap: float, limit: int) -> None:
    """:func:`candidate_pairs`' ``limit`` most similar pairs, with both sentences, for reading."""
    with open(path, "w", encoding="utf-8") as fh:
        for _, (ia, ta, fa), (ib, tb, fb) in candidate_pairs(items, min_overlap)[:limit]:
            ka = ClaimKey(ia, sentence_key(ta), fa.start, fa.end)
            kb = ClaimKey(ib, sentence_key(tb), fb.start, fb.end)
            fh.write(f"{ka.field()}\t{kb.field()}\n  A: {fa.text!r}: {ta}\n  B: {fb.text!r}: {tb}\n")


def rules_only(items: list, labels: list[Label], corpus: Corpus, errors: int = 0) -> list[str]:
    """This tree's rules on every labelled pair, without the pipeline's choice of which sentences to compare: both
    figures are quantities of the same thing, of the same scope, with values that disagree. Amounts that name no
    counted noun are of the same thing only when the words after them share one, as in the pipeline
    (``analyze._thing``: '$1.2 trillion infrastructure bill' is no '$3.5 trillion spending package'; the pipeline
    also links them through a third amount, a pair alone cannot). Rows per split."""
    from tidings.analyze import pair_disagrees
    from tidings.figures import extract_figures
    from tidings.model import Article
    from tidings.settings import AnalyzeSettings
    from tidings.text import read_sentences, segment

    wanted = {k.article for lab in labels for k in (lab.a, lab.b)}
    sentences: dict[tuple[str, str], str] = {}
    for i in items:
        if i.id in wanted:
            article = Article(id=i.id, origin="crawl", title=i.title, text=i.text)
            # the pipeline's sentences and the fast splitter's (candidate_pairs'): a label may come from either
            for s in segment(article) + segment(article, model=False):
                sentences[(i.id, sentence_key(s.text))] = s.text
    texts = sorted(set(sentences.values()))
    readings = dict(zip(texts, read_sentences(texts) or [None] * len(texts), strict=True))
    settings = AnalyzeSettings()

    def figures(k: ClaimKey) -> list:
        text = sentences.get((k.article, k.sentence))
        return [] if text is None else extract_figures(text, readings[text])

    def figure(k: ClaimKey):
        return next((f for f in figures(k) if f.start < k.end and k.start < f.end), None)

    groups = []
    for split in corpus.splits:
        in_split = [lab for lab in labels if split_of(lab.a.article, lab.b.article) == split]
        groups.append((split, in_split))
        if not all(lab.blind for lab in in_split):  # also the pairs labelled before any run, alone
            groups.append((f"{split}, blind only", [lab for lab in in_split if lab.blind]))
        batches = sorted({lab.batch for lab in in_split})
        if len(batches) > 1:  # each sample alone
            groups += [(f"{split}, {b}", [lab for lab in in_split if lab.batch == b]) for b in batches]
    rows, wrong = [], []
    for split, group in groups:
        tp = fp = fn = missing = 0
        for lab in group:
            fa, fb = figure(lab.a), figure(lab.b)
            if fa is None or fb is None:
                missing += 1
                said = False
            else:
                said = pair_disagrees(fa, fb, figures(lab.a), figures(lab.b), settings)
            tp += said and lab.label == 1
            fp += said and lab.label == 0
            if said != (lab.label == 1) and fa is not None and fb is not None:
                verdict = "said to disagree" if said else "missed"
                claims = f"{fa.text!r} in {fa.sentence!r} / {fb.text!r} in {fb.sentence!r}"
                wrong.append(f"{corpus.name} {split} {verdict} ({lab.reason}): {claims}")
            fn += not said and lab.label == 1
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        scores = f"{precision:.3f} | {tp}/{tp + fn} = {recall:.3f}"
        rows.append(f"| rules only | {corpus.name} {split} | {tp + fp} | {scores} | {missing} |")
    return rows + wrong[:errors]


def write_sheet(run: dict, url_to_item: dict[str, str], path: Path) -> None:
    """Every distinct pair, with both sentences: what a person reads to label (kept out of the repository)."""
    seen: set[tuple] = set()
    with open(path, "w", encoding="utf-8") as fh:
        for ka, kb, a, b in keyed_pairs(run, url_to_item):
            key = tuple(sorted((ka.field(), kb.field())))
            if key in seen:
                continue
            seen.add(key)
            fh.write(f"{ka.field()}\t{kb.field()}\n  A: {a[2]!r}: {a[1]}\n  B: {b[2]!r}: {b[1]}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--base", default=BASE, help="commit with the rules to compare with ('none': skip)")
    parser.add_argument("--ref", default=None, help="score this commit instead of the working tree")
    parser.add_argument("--similarity", type=float, default=None, help="conflict_similarity (default: settings)")
    parser.add_argument("--fact-similarity", type=float, default=None, help="fact_similarity (default: settings)")
    parser.add_argument("--fact-probability", type=float, default=None, help="fact_probability (default: settings)")
    parser.add_argument("--group-by", default=None, help="'story': the crawl's roundups as stories, not clustering")
    parser.add_argument("--sheet", type=Path, default=None, help="write the pairs found, with sentences, here")
    parser.add_argument("--all-pairs", type=Path, default=None, help="write the no-pipeline candidate pairs here")
    parser.add_argument("--min-overlap", type=float, default=0.1, help="--all-pairs: least word overlap (Jaccard)")
    parser.add_argument("--runs", type=Path, default=None, help="keep each run's conflicts here and reuse them")
    parser.add_argument("--rules-only", action="store_true", help="this tree's rules on the labelled pairs alone")
    parser.add_argument("--errors", type=int, default=0, help="print this many false and unlabelled pairs")
    parser.add_argument(
        "--labels",
        nargs="+",
        choices=sorted(CORPUS),
        default=["crawl", "neus"],
        help="labelled corpora to score, in this order ('crawl': the AllSides 2021 crawl; 'neus': NeuS roundups;"
        " 'ecbplus': ECB+ events; 'msrp': MSRP sentence pairs; 'polnear': PolNeAR's 2016 political news, a day's"
        " articles one story; 'fresh': pairs across stories of WMT's English originals and the crawl's weeks; the"
        " last four not scored by default)",
    )
    parser.add_argument("--limit", type=int, default=400, help="--all-pairs: the most similar pairs written")
    args = parser.parse_args()
    if args.child:
        _child(*args.child, args.similarity, args.group_by, args.fact_similarity, args.fact_probability)
        return
    corpora = [CORPUS[name] for name in args.labels]
    for corpus in corpora:  # NeuS's roundups are chosen by the crawl's dates: both need the crawl
        needs = {
            "ecbplus": (CORPORA / "ecbplus" / "documents.jsonl.gz",),
            "msrp": (CORPORA / "msrp",),
            "polnear": (CORPORA / "polnear",),
            "fresh": (CORPORA / "wmt-newstest" / "documents.jsonl.gz", CRAWL),
        }.get(corpus.name, (CRAWL,))
        for need in needs:
            if not need.exists():
                sys.exit(f"{need} is absent: this benchmark reads the {corpus.name} corpus at run time")
    loaded = []
    for corpus in corpora:
        items = corpus.items()
        labels = read_labels(corpus.labels) if corpus.labels.exists() else []
        counts = Counter(lab.label for lab in labels)
        where = corpus.labels.relative_to(ROOT)
        print(
            f"{corpus.name}: {len(items)} articles; labels: {len(labels)} pairs ({counts[1]} true, {counts[0]} false)"
            f" in {where}"
        )
        loaded.append((corpus, items, labels))
    if args.rules_only:
        print("| rules | split | pairs said to disagree | precision | recall | figure not re-read |")
        print("|---|---|---|---|---|---|")
        print(
            "\n".join(row for corpus, items, labels in loaded for row in rules_only(items, labels, corpus, args.errors))
        )
        return
    if args.all_pairs:  # of the first corpus named
        all_pairs_sheet(loaded[0][1], args.all_pairs, args.min_overlap, limit=args.limit)
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        trees: list[tuple[str, Path]] = []
        if args.ref:
            trees.append((args.ref, extract_ref(args.ref, Path(tmp) / "ref")))
        else:
            trees.append(("this tree", ROOT / "src"))
        if args.base != "none" and not args.sheet:
            trees.append((f"before ({args.base})", extract_ref(args.base, Path(tmp) / "base")))
        for corpus, items, labels in loaded:
            url_to_item = {i.url: i.id for i in items if i.url}
            jsonl = Path(tmp) / f"{corpus.name}.jsonl"
            write_jsonl(items, jsonl)
            for name, src in trees:
                tag = name.split()[-1].strip("()")
                saved = args.runs / f"{tag}.json" if args.runs and corpus.name == "crawl" else None
                if args.runs and corpus.name != "crawl":
                    saved = args.runs / f"{corpus.name}-{tag}.json"
                if saved is not None and saved.exists():
                    run = json.loads(saved.read_text(encoding="utf-8"))
                else:
                    work = Path(tempfile.mkdtemp(dir=tmp))
                    run = run_tree(
                        src, jsonl, work, args.similarity, args.group_by, args.fact_similarity, args.fact_probability
                    )
                    if saved is not None:
                        saved.parent.mkdir(parents=True, exist_ok=True)
                        saved.write_text(json.dumps(run), encoding="utf-8")
                dates = sum(1 for c in run["conflicts"] if c["about"] == "date")
                figures = len(run["conflicts"]) - dates
                print(
                    f"{name} on {corpus.name}: {run['stories']} stories, {figures} figure conflicts, {dates} date"
                    " conflicts"
                )
                if args.sheet and corpus is loaded[0][0]:
                    write_sheet(run, url_to_item, args.sheet)
                    print(f"pairs with their sentences -> {args.sheet}")
                rows += score(run, labels, url_to_item, args.errors, name, corpus)
    print()
    print("| rules | split | figure conflicts | disagreeing pairs | labelled | unlabelled | precision | recall |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
