"""Questions naming impossible periods get an answer, never a 500."""

QUESTIONS = [
    "0001-01-01",
    "9999-12-31",
    "spend in 0001",
    "spend in year 9999",
    "income from 0001-01-01 to 9999-12-31",
    "spend in March 0001",
    "transport on 31/12/9999",
    "1/1/1",
    "income in the last 3000 years",
    "income in the last 3660 months",
    "income in the last 3660 weeks",
    "income in the last 3660 days",
    "mapato miaka 3000 iliyopita",
    "compare 9999 with 9998",
    "income Q4 9999",
    "income first half of 9999",
    "income from December 9999 to January",
    "income between 31 December 2999 and 1 January",
    "budget for 9999",
    "expenses since 0001",
]


def test_impossible_periods_are_answered(make_api, business, owner, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/hour", "user": "1000000/hour", "kavi": "1000000/minute"},
    }
    api = make_api(owner, business)
    api.raise_request_exception = False
    answered = {q: api.post("/api/v1/kavi/chat/", {"message": q}, format="json") for q in QUESTIONS}
    assert {q: r.status_code for q, r in answered.items() if r.status_code != 200} == {}
    assert all(r.json()["message"] for r in answered.values())
