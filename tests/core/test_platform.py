"""Health, throttling, module assignments, admin analytics, failed logins, errors and query counts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.permissions import Role
from tests.core.test_tenancy_routes import ROUTES
from tests.factories import MODEL_FACTORIES, BusinessFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_health_on_both_paths(api):
    for path in ("/api/health/", "/api/v1/health/"):
        body = api.get(path).json()
        assert body["status"] == "ok" and body["database"] == "ok" and body["cache"] == "ok"
        assert body["version"]


def test_health_is_503_when_the_database_is_down():
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/api/health/');"
        "print(r.status_code, json.loads(r.content)['database'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fg_copilot.settings.test",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
        "ALLOWED_HOSTS": "testserver",
        "DB_POOL_TIMEOUT": "2",
    }
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.stdout.split()[-2:] == ["503", "unavailable"], out.stderr[-2000:]


def test_anonymous_throttle(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/day", "user": "1000/hour", "kavi": "60/minute"},
    }
    codes = [api.post("/api/v1/users/register/", {}).status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    throttled = api.post("/api/v1/users/register/", {})
    assert throttled.json()["code"] == "throttled" and throttled.json()["retry_after"] > 0
    assert "Retry-After" in throttled.headers


def test_user_throttle(make_api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/hour", "user": "2/day", "kavi": "60/minute"},
    }
    api = make_api(UserFactory())
    assert [api.get("/api/v1/users/me/").status_code for _ in range(3)] == [200, 200, 429]


def test_module_assignment_membership_must_be_of_the_business(business, owner, make_api):
    foreign = MembershipFactory(role=Role.STAFF)
    mine = MembershipFactory(business=business, role=Role.STAFF)
    api = make_api(owner, business)
    bad = api.post("/api/v1/core/module-assignments/", {"module": "kavi", "membership": foreign.pk})
    assert bad.status_code == 400 and "membership" in bad.json()["fields"]
    ok = api.post(
        "/api/v1/core/module-assignments/", {"module": "kavi", "membership": mine.pk, "enabled": False}
    )
    assert ok.status_code == 201, ok.content
    duplicate = api.post("/api/v1/core/module-assignments/", {"module": "kavi", "membership": mine.pk})
    assert duplicate.status_code == 400
    assert api.post("/api/v1/core/module-assignments/", {"module": "teleport"}).status_code == 400


def test_super_admin_only_endpoints(business, owner, superuser, make_api):
    for path in ("/api/v1/core/failed-logins/", "/api/v1/core/admin-analytics/"):
        assert make_api(owner, business).get(path).status_code == 403
        assert make_api(superuser).get(path).status_code == 200
    analytics = make_api(superuser).get("/api/v1/core/admin-analytics/").json()
    assert analytics["totals"]["users"] >= 2 and analytics["totals"]["businesses"] >= 1
    assert analytics["series"]["users"]


def test_unknown_api_path_is_json_404(api, settings):
    settings.DEBUG = False
    response = api.get("/api/v1/does-not-exist/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_malformed_json_is_400(make_api):
    api = make_api(UserFactory())
    response = api.generic("PATCH", "/api/v1/users/profile/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    ("route", "view_class", "actions"),
    [r for r in ROUTES if "pk" not in r.values[0] and "get" in r.values[2]],
)
def test_list_query_count_does_not_grow_with_page_size(route, view_class, actions, make_api):
    model = view_class.queryset.model
    business = BusinessFactory()
    owner = MembershipFactory(business=business, role=Role.OWNER).user
    api = make_api(owner, business)
    url = "/" + route.replace("^", "").replace("$", "")
    factory = MODEL_FACTORIES[model]

    def count(n):
        for _ in range(n):
            if model is MembershipFactory._meta.model:
                MembershipFactory(business=business)
            elif model.__name__ == "ModuleAssignment":
                factory(business=business, membership=MembershipFactory(business=business), module="kavi")
            else:
                factory(business=business)
        cache.clear()  # reports are cached per books version; measure the work itself
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(url, {"page_size": 200}).status_code == 200
        return len(ctx.captured_queries)

    assert count(2) == count(25)


def test_check_deploy_with_production_settings_is_clean():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fg_copilot.settings.production",
        "SECRET_KEY": "x" * 20 + "a-production-like-secret-value-of-good-length",
        "ALLOWED_HOSTS": "kavi.example.co.ke",
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
    }
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "fg_copilot.settings.production"
    out = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode != 0 and "SECRET_KEY" in out.stderr


def test_the_web_app_is_served_with_history_fallback(api, settings, tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    settings.FRONTEND_DIST = tmp_path
    for path in ("/", "/dashboard", "/invoices/42"):
        response = api.get(path)
        assert response.status_code == 200
        assert b"id=root" in response.content
        assert response["Cache-Control"] == "no-cache"
    assert api.get("/api/v1/nothing-here/").status_code == 404


def test_a_missing_build_gets_a_helpful_page(api, settings, tmp_path):
    settings.FRONTEND_DIST = tmp_path / "absent"
    assert b"make run" in api.get("/").content


def test_throttle_counters_reset_with_the_window(make_api, settings, monkeypatch):
    import core.throttles

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/hour", "user": "2/minute", "kavi": "60/minute"},
    }
    clock = [1_800_000_000.0]
    monkeypatch.setattr(core.throttles.time, "time", lambda: clock[0])
    api = make_api(UserFactory())
    assert [api.get("/api/v1/users/me/").status_code for _ in range(3)] == [200, 200, 429]
    clock[0] += 60
    assert api.get("/api/v1/users/me/").status_code == 200


def test_membership_lookup_reads_one_row_without_joining_users(make_api, business, owner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = make_api(owner, business)
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/api/v1/core/ping/").status_code == 200
    lookups = [q["sql"] for q in captured if 'FROM "users_membership"' in q["sql"]]
    assert len(lookups) == 1
    assert '"users_user"' not in lookups[0] and "ORDER BY" not in lookups[0]


def test_workers_boot_without_the_gemini_and_elevenlabs_sdks():
    """The SDKs take seconds to import; the URL conf (every route) must not pull them in."""
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup(); import fg_copilot.urls; "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "print(sorted(m for m in sys.modules if m.startswith(('google.genai', 'elevenlabs'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_business_header_that_is_not_an_id_is_400(make_api, business, owner):
    api = make_api(owner)
    for raw in ("abc", "-1", "0", "9" * 30, "\u0661\u0662", "1.5"):
        response = api.get("/api/v1/core/ping/", HTTP_X_BUSINESS_ID=raw)
        assert response.status_code == 400 and response.json()["code"] == "business_invalid", raw
    assert api.get("/api/v1/core/ping/", HTTP_X_BUSINESS_ID=str(business.pk)).status_code == 200
