"""Unknown API paths answer the JSON error shape, whatever DEBUG says (make run has it on)."""

import pytest


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    "path", ["/api/v1/core/module-assignments/0.5/", "/api/v1/nothing-here/", "/api/v2/", "/api/x"]
)
def test_an_unknown_api_path_is_a_json_404(client, settings, debug, path):
    settings.DEBUG = debug
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_a_missing_slash_still_redirects(client):
    response = client.get("/api/v1/core/ping")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/core/ping/"


@pytest.mark.django_db
def test_the_web_app_routes_are_not_touched(client):
    assert client.get("/dashboard").status_code == 200
