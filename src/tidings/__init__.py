"""tidings: turn a flood of news articles into deduplicated, cross-checked, cited stories."""

import contextlib

# onnxruntime's native module must load before usearch's (used by dedupe and cluster): the other order segfaults
# in onnxruntime's import (usearch 2.26 + onnxruntime 1.32 wheels). Loading it here makes the order hold for every
# entry point; without onnxruntime installed nothing is needed.
with contextlib.suppress(ImportError):
    import onnxruntime  # noqa: F401

__version__ = "0.1.0"
