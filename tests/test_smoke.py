def test_health(api, db):
    response = api.get("/api/health/")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
