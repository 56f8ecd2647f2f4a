"""/api/docs works offline; /api/openapi.json describes every endpoint; numbers are strings in it."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

ENDPOINTS = {
    ("get", "/api/units"),
    ("get", "/api/units/{unit_id}"),
    ("get", "/api/units/{unit_id}/history"),
    ("get", "/api/clusters"),
    ("get", "/api/clusters/{cluster_id}"),
    ("get", "/api/cluster-years/{cy_id}"),
    ("get", "/api/cluster-years/{cy_id}/targets"),
    ("put", "/api/cluster-years/{cy_id}/targets"),
    ("get", "/api/cluster-years/{cy_id}/results"),
    ("post", "/api/cluster-years/{cy_id}/reports"),
    ("get", "/api/reports/{report_id}"),
    ("put", "/api/reports/{report_id}/values"),
    ("post", "/api/reports/{report_id}/transition"),
}
WRITES = {(m, p) for m, p in ENDPOINTS if m != "get"}


def test_docs_page_references_only_local_static_files(client: Client) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), "an external URL"
    for cdn in ("cdn", "unpkg", "jsdelivr", "cloudflare"):
        assert cdn not in html.lower()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert all(a.startswith("/static/") for a in assets)


def test_docs_page_turns_off_the_online_spec_validator(client: Client) -> None:
    assert '"validatorUrl": null' in client.get("/api/docs").content.decode()


@pytest.mark.parametrize(
    "asset", ["swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css", "favicon.png"]
)
def test_the_docs_assets_are_found_by_staticfiles(asset: str) -> None:
    assert finders.find(f"ninja/{asset}") is not None


def test_openapi_lists_every_endpoint(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    listed = {(method, path) for path, methods in schema["paths"].items() for method in methods}
    assert not ENDPOINTS - listed, f"missing from the schema: {sorted(ENDPOINTS - listed)}"


def test_openapi_marks_writes_as_needing_a_session(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    for method, path in ENDPOINTS:
        security = schema["paths"][path][method].get("security")
        assert bool(security) == ((method, path) in WRITES), (method, path)


def test_openapi_declares_decimals_as_strings(client: Client) -> None:
    components = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert components["TargetOut"]["properties"]["value"]["type"] == "string"
    assert {"type": "string"} in components["CellOut"]["properties"]["percent"]["anyOf"]
    assert components["ValueOut"]["properties"]["value"]["type"] == "string"
