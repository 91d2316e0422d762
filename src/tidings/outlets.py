"""Outlets: which news organisation an article comes from, the unit that "independent sources" count.

A site's host is reduced to its registered domain with the Public Suffix List (tldextract, its bundled snapshot,
never fetched at run time), so ``www.washingtonpost.com`` and ``washingtonpost.com`` are one outlet, and so are
``edition.cnn.com`` and ``cnn.com``, and ``news.bbc.co.uk`` is ``bbc.co.uk``. An article without a site (a text
file) may name its outlet in a credit line or byline ("CBS News contributed to this report"): the rules that read
it are a table (:data:`CREDIT_OUTLET_PATTERNS`), and well-known names map to their domains (:data:`KNOWN_OUTLETS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import suppress
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit

UNKNOWN_SITE = "unknown site"
"""What an article without a site is called where a source is named ("only in unknown site")."""

# Well-known outlets named in credit lines, bylines and feeds' site fields, by the name they use there: name (lower
# case, without a leading 'the') -> domain. A name not listed is kept as written (it still counts as one outlet, the
# same one each time), unless the article's URL says which domain it is (:func:`article_outlet`).
KNOWN_OUTLETS: dict[str, str] = {
    "ap": "apnews.com",
    "associated press": "apnews.com",
    "reuters": "reuters.com",
    "afp": "afp.com",
    "agence france-presse": "afp.com",
    "bloomberg": "bloomberg.com",
    "cnn": "cnn.com",
    "cbs news": "cbsnews.com",
    "nbc news": "nbcnews.com",
    "abc news": "abcnews.go.com",
    "fox news": "foxnews.com",
    "bbc": "bbc.co.uk",
    "bbc news": "bbc.co.uk",
    "npr": "npr.org",
    "new york times": "nytimes.com",
    "washington post": "washingtonpost.com",
    "wall street journal": "wsj.com",
    "guardian": "theguardian.com",
    "politico": "politico.com",
    "axios": "axios.com",
    "hill": "thehill.com",
    "usa today": "usatoday.com",
    "los angeles times": "latimes.com",
    "financial times": "ft.com",
    "cnbc": "cnbc.com",
    "msnbc": "msnbc.com",
    "yahoo news": "yahoo.com",
    "newsweek": "newsweek.com",
    "huffpost": "huffpost.com",
    "al jazeera": "aljazeera.com",
}

# A name is taken as an outlet when it is listed above or ends with one of these words ("Kestrelmouth Post").
_OUTLET_WORDS = (
    r"News|Press|Times|Post|Herald|Journal|Tribune|Gazette|Telegraph|Chronicle|Observer|Guardian|Agency|Wire"
    r"|Radio|TV|Television|Network|Daily|Courier|Monitor|Bulletin|Examiner"
)
_NAME = r"(?P<outlet>(?:The |the )?[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,4})"

# Named rules that find the outlet a credit line or byline names, tried in order (each is searched in one line).
CREDIT_OUTLET_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "contributed",
        _NAME + r"(?:'s? [\w ]{1,40}?)? contributed(?: (?:to )?(?:this |the )?(?:report|reporting|story|"
        r"article))?",
    ),
    ("reporting by", r"(?i:reporting|writing|editing) by [^;.]*?\b(?:of|for|from) " + _NAME),
    ("outlet alone", r"^(?:By )?" + _NAME + r"$"),
    ("byline outlet", r"^(?:By )?[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}(?:,| \|| -| –| for| of) " + _NAME + r"\s*$"),
)
_CREDIT_RULES = tuple((name, re.compile(pattern)) for name, pattern in CREDIT_OUTLET_PATTERNS)
_OUTLET_NAME = re.compile(rf"(?:.* )?(?:{_OUTLET_WORDS})$")


@cache
def _extractor() -> Any:
    """The Public Suffix List reader: tldextract with its bundled snapshot only (no fetch, no cache on disk). Built
    on first use: tldextract costs ~0.25 s to import and parse, which commands that count no outlets never pay."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


@lru_cache(maxsize=4096)  # a story's articles ask again and again for the same few sites
def outlet_of_site(site: str | None) -> str | None:
    """The outlet a site belongs to: its registered domain ('edition.cnn.com' -> 'cnn.com'), lower case. A site
    given as a URL counts by its host; a host under no public suffix ('isles.example', 'localhost') keeps its last
    two labels; a name that is no host ('CBS News', from a credit line) is the outlet as written; None when there
    is no site."""
    name = " ".join((site or "").split()).rstrip(".")
    if "://" in name:
        with suppress(ValueError):  # a malformed URL ('http://[x') is taken as a name
            name = urlsplit(name).hostname or ""
    if not name:
        return None
    if " " in name or "/" in name or ("." not in name and name.lower() != "localhost"):  # a name, not a host
        return known_outlet(name) or name
    site = name.lower()
    parts = _extractor()(site)
    registered = f"{parts.domain}.{parts.suffix}" if parts.domain and parts.suffix else ""
    if registered:
        return registered
    labels = site.split(".")
    if len(labels) > 1 and not all(label.isdigit() for label in labels):
        return ".".join(labels[-2:])
    return site


def known_outlet(name: str) -> str | None:
    """The domain of a well-known outlet's name ('The Hill', 'AXIOS' -> 'thehill.com', 'axios.com'), else None."""
    key = " ".join(name.lower().split())
    return KNOWN_OUTLETS.get(key.removeprefix("the "))


def article_outlet(site: str | None, url: str | None) -> str | None:
    """An article's outlet: its site's (:func:`outlet_of_site`); when the site is a name no table knows ('Washington
    Examiner', a feed's own title) and the article has a web address, the address's registered domain, so that the
    outlet's pages count as one source whether a feed names it or only links to it."""
    outlet = outlet_of_site(site)
    if url and (outlet is None or "." not in outlet or " " in outlet):
        with suppress(ValueError):  # a malformed URL keeps the site's outlet
            host = urlsplit(url).hostname
            if host and urlsplit(url).scheme in ("http", "https"):
                return outlet_of_site(host) or outlet
    return outlet


def outlet_from_credits(lines: Iterable[str]) -> str | None:
    """The outlet that a credit line or byline names ("CBS News contributed to this report" -> 'cbsnews.com'), as
    a domain when it is a known outlet, else the name as written; None when no line names one."""
    for line in lines:
        line = " ".join(line.split())
        for _name, rule in _CREDIT_RULES:
            for match in rule.finditer(line):
                name = match.group("outlet").strip()
                known = known_outlet(name)
                if known:
                    return known
                if _OUTLET_NAME.fullmatch(name):
                    return name[4:] if name.lower().startswith("the ") else name
    return None
