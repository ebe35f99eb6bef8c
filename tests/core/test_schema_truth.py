"""Answers that the schema promises (issue 10): each was found by tests/test_schemathesis.py."""

import pytest


@pytest.mark.django_db
def test_a_boolean_filter_takes_true_or_false_and_nothing_else(owner_api):
    assert owner_api.get("/api/v1/users/businesses/", {"is_active": "true"}).json()["results"]
    assert owner_api.get("/api/v1/users/businesses/", {"is_active": "false"}).json()["results"] == []
    assert owner_api.get("/api/v1/users/businesses/", {"is_active": ""}).status_code == 200  # not given
    for value in ("-58800", "maybe", "yes"):
        response = owner_api.get("/api/v1/users/businesses/", {"is_active": value})
        assert response.status_code == 400, value
        assert response.json()["code"] == "invalid"
    assert owner_api.get("/api/v1/finance/budgets/", {"current": "perhaps"}).status_code == 400


@pytest.mark.django_db
def test_an_empty_business_header_is_refused_not_ignored(make_api, owner, business):
    api = make_api(owner)
    assert api.get("/api/v1/core/ping/").status_code == 200  # absent: the only business
    response = api.get("/api/v1/core/ping/", HTTP_X_BUSINESS_ID="")
    assert response.status_code == 400 and response.json()["code"] == "business_invalid"


@pytest.mark.django_db
def test_ping_answers_the_one_object_the_schema_documents(owner_api, business):
    assert owner_api.get("/api/v1/core/ping/").json() == {
        "ok": True,
        "business": business.pk,
        "role": "owner",
    }


@pytest.mark.django_db
def test_json_is_the_only_body_outside_the_uploads(owner_api):
    response = owner_api.post("/api/v1/users/customers/", {"name": "Mama Mboga"}, format="multipart")
    assert response.status_code == 415
    assert (
        owner_api.post("/api/v1/users/customers/", {"name": "Mama Mboga"}, format="json").status_code == 201
    )
