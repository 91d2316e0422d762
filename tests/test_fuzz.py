"""Property-based fuzzing of ingest -> clean -> store (hypothesis): on every input kind, nothing raises past the
skip boundary and the store holds exactly what was written. A bounded number of examples per kind keeps this to a
few seconds; ``benchmarks/fuzz.py`` runs the same harness on 10,000 inputs and counts crash causes."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import ROOT
from tidings.store import Store

sys.path.insert(0, str(ROOT / "benchmarks"))  # the fuzzer's inputs and harness are the benchmark's
from fuzz import KINDS, Harness, Input, inputs, integrity

EXAMPLES_PER_KIND = 25


@pytest.mark.parametrize("kind", [*KINDS, "folder"])
def test_fuzzed_inputs_never_break_the_boundary_or_the_store(kind: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "fuzz.db")
        harness = Harness(Store(db))

        @settings(
            max_examples=EXAMPLES_PER_KIND,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(inputs(kind))
        def one(item: Input) -> None:
            with tempfile.TemporaryDirectory(dir=tmp) as where:
                harness.run_one(item.write(Path(where)))

        one()
        harness.check_store()
        harness.store.close()
        assert integrity(db) == "ok"
