"""tidings: turn a flood of news articles into deduplicated, cross-checked, cited stories."""

__version__ = "0.1.0"
