"""The Content-Security-Policy: strict on the web app (and the same text at the CloudFront edge),
compatible policies on Swagger UI and the admin, nothing to run on API answers. The browser check
that the built app raises no violation is frontend/e2e/csp.test.mjs."""

import re
from pathlib import Path

import pytest

from core import csp
from tests.infra.cfn import load

ROOT = Path(__file__).resolve().parents[2]


def _directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.fixture
def built_app(settings, tmp_path):
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><head><style>.boot{color:red}</style>"
        '<script type="module" src="/assets/index.js"></script></head><body></body></html>'
    )
    settings.FRONTEND_DIST = tmp_path
    return tmp_path


def test_the_app_shell_gets_the_strict_policy_with_the_hash_of_its_boot_style(client, built_app, db):
    response = client.get("/invoices/42")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    # sha256 of ".boot{color:red}", so only that style block runs, and no other inline style.
    assert policy["style-src"] == ["'self'", "'sha256-HbUxRw/PdkiSqljAVqa4dJ9nfz3z6dEup8cp680E5fY='"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert "blob:" in policy["media-src"]  # KAVI's spoken answers
    assert policy["worker-src"] == ["'self'"] and policy["manifest-src"] == ["'self'"]
    assert not any("unsafe" in s for sources in policy.values() for s in sources)


def test_a_configured_api_origin_may_be_called(client, built_app, settings, db):
    settings.CSP_API_ORIGINS = ["https://api.kavi.example"]
    csp._cache.clear()
    policy = _directives(client.get("/")["Content-Security-Policy"])
    assert policy["connect-src"] == ["'self'", "https://api.kavi.example"]


def test_the_policy_follows_a_new_build(client, built_app, db):
    first = client.get("/")["Content-Security-Policy"]
    index = built_app / "index.html"
    index.write_text("<html><head><style>.boot{color:blue}</style></head></html>")
    csp._cache.clear()
    assert client.get("/")["Content-Security-Policy"] != first


def test_the_edge_sends_the_same_policy_as_django_for_the_source_index():
    """infra/stacks/cdn.yml carries the policy as text; if index.html's boot style changes, this
    fails until the edge's hash is updated."""
    template = load(ROOT / "infra" / "stacks" / "cdn.yml")
    config = template["Resources"]["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    edge = config["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    expected = csp.app_policy((ROOT / "frontend" / "index.html").read_text(encoding="utf-8"))
    assert re.sub(r"\s+", " ", edge["ContentSecurityPolicy"]).strip() == expected
    # Django's own answers (/api, /admin, /static) keep their own policy at the edge.
    assert edge["Override"] is False
    assert len(edge["ContentSecurityPolicy"]) <= 1783  # CloudFront's limit for this header


def test_api_answers_carry_a_policy_that_runs_nothing(api, db):
    response = api.get("/api/v1/health/")
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_swagger_ui_is_served_from_our_origin_without_inline_script(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn.jsdelivr.net" not in html
    # The split view's start-up script is a URL of our own.
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


def test_the_admin_gets_a_policy_without_inline_scripts(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
