"""The JSON API keeps its OpenAPI contract: schemathesis generates valid and invalid requests from ``/openapi.json``
and runs all its checks on every answer (no 500, documented status codes, bodies and 422 details that match the
schema, schema-valid requests accepted, schema-invalid ones refused), in process, with a bounded number of examples
per operation. Plus the cases issue 18 found by hand."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from tidings.web.app import MAX_OFFSET, create_app

TOKEN = "contract-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

app = create_app(str(Path(tempfile.mkdtemp(prefix="tidings-contract-")) / "contract.db"), token=TOKEN)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
BOUNDED = {"deadline": None, "derandomize": True, "database": None, "suppress_health_check": list(HealthCheck)}


@schema.include(method="GET").parametrize()
@settings(max_examples=30, **BOUNDED)
def test_reads_keep_the_contract(case: schemathesis.Case) -> None:
    case.call_and_validate()


@schema.include(method="POST").parametrize()
@settings(max_examples=8, **BOUNDED)  # each valid POST runs the pipeline
def test_writes_keep_the_contract(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=AUTH)


def test_the_cases_found_by_hand() -> None:
    with TestClient(app) as c:
        huge = c.get("/api/stories", params={"offset": 2**63})
        assert huge.status_code == 422
        assert huge.json()["detail"][0]["loc"] == ["query", "offset"]
        assert c.get("/api/stories", params={"offset": MAX_OFFSET}).json() == {"stories": [], "next": None}
        control = c.get("/api/stories?since=%C2%80")
        assert control.status_code == 422 and "ISO 8601" in control.json()["detail"][0]["msg"]
        empty = c.post("/api/articles", content=b"[]", headers=AUTH)
        assert empty.status_code == 422 and "empty list" in empty.json()["detail"][0]["msg"]
        spec = c.get("/openapi.json").json()
        assert "404" in spec["paths"]["/api/stories/{story_id}"]["get"]["responses"]
        assert "404" in spec["paths"]["/api/articles/{article_id}"]["get"]["responses"]
        post = spec["paths"]["/api/articles"]["post"]
        assert "400" in post["responses"]
        assert post["requestBody"]["content"]["application/json"]["schema"]["oneOf"][1]["minItems"] == 1
