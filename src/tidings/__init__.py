"""tidings: turn a flood of news articles into deduplicated, cross-checked, cited stories."""

# Heavy libraries (onnxruntime, usearch, spaCy, datasketch) load when first used, not here: a command that does
# no model work (`tidings stories`) starts in a fraction of a second. usearch loads through
# `resources.ann_index_class`, which keeps onnxruntime first (the other order segfaults).

__version__ = "0.1.0"
