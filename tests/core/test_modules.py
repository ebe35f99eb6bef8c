"""Module assignments hold: a module switched off for a business or a member answers 403
`module_disabled` on every route of its viewsets (walked from the URL conf), a member's own
assignment wins over the business's, other businesses are untouched, and /users/me/ says which
modules are on."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Module, ModuleAssignment
from core.permissions import Role, module_assignments_changed
from tests.core.test_tenancy_routes import _url, _walk
from tests.factories import BusinessFactory, MembershipFactory, ModuleAssignmentFactory

pytestmark = pytest.mark.django_db


def module_routes() -> list:
    from django.urls import get_resolver

    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "cls", None)
        module = getattr(view_class, "module", None)
        if view_class is None or module is None:
            continue
        actions = dict(
            getattr(pattern.callback, "actions", None)
            or {m: m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)}
        )
        for method in actions:
            routes.append(pytest.param(route, method, module, id=f"{method} {route}"))
    return routes


ROUTES = module_routes()

# One list endpoint per module that must answer 200 while the module is on.
LISTS = {
    Module.TRANSACTIONS: "/api/v1/finance/transactions/",
    Module.INVOICES: "/api/v1/finance/invoices/",
    Module.BUDGETS: "/api/v1/finance/budgets/",
    Module.CASHFLOW: "/api/v1/finance/cash-flows/",
    Module.FORECASTS: "/api/v1/finance/forecasts/",
    Module.CREDIT: "/api/v1/finance/credit-scores/",
    Module.SUPPLIERS: "/api/v1/finance/suppliers/",
    Module.KAVI: "/api/v1/kavi/conversations/",
    Module.MPESA: "/api/v1/finance/mpesa/stk-requests/",
}
# What stays available whatever is switched off.
ALWAYS = [
    "/api/v1/core/ping/",
    "/api/v1/users/dashboard/",
    "/api/v1/users/customers/",
    "/api/v1/core/module-assignments/",
    "/api/v1/users/me/",
]


def switch(business: Any, module: str, enabled: bool, membership: Any = None) -> ModuleAssignment:
    assignment: ModuleAssignment = ModuleAssignmentFactory.create(
        business=business, module=module, enabled=enabled, membership=membership
    )
    # Written past the API here, so the cached switches are moved on as the API would.
    module_assignments_changed(business_id=business.pk)
    return assignment


def disabled(response) -> bool:
    return response.status_code == 403 and response.json().get("code") == "module_disabled"


def test_every_module_has_routes_and_the_map_is_complete():
    found = {param.values[2] for param in ROUTES}
    assert found == set(Module.values)
    paths = " ".join(_url(param.values[0], 1) for param in ROUTES)
    for expected in (
        "transactions",
        "invoice-items",
        "budgets",
        "cash-flows",
        "forecasts",
        "credit-scores",
        "suppliers",
        "kavi/chat",
        "kavi/tts",
        "kavi/insights",
        "conversations",
        "mpesa/stk-push",
        "mpesa/stk-requests",
        "mpesa/unapplied-payments",
    ):
        assert expected in paths, expected
    # Money that arrives is recorded whatever is switched off: the Daraja callbacks have no module.
    assert "mpesa/callback" not in paths and "mpesa/confirmation" not in paths


@pytest.mark.parametrize(("route", "method", "module"), ROUTES)
def test_a_module_switched_off_for_the_business_refuses_each_of_its_routes(
    route, method, module, business, owner, make_api
):
    switch(business, module, False)
    api = make_api(owner, business)
    response = getattr(api, method)(_url(route, 1), {}, format="json")
    assert disabled(response), (response.status_code, response.content[:300])
    assert response.json()["module"] == module


@pytest.mark.parametrize("module", Module.values)
def test_on_works_and_off_spares_the_rest(module, business, owner, make_api):
    api = make_api(owner, business)
    assert api.get(LISTS[module]).status_code == 200
    switch(business, module, False)
    assert disabled(api.get(LISTS[module]))
    for other, path in LISTS.items():
        if other != module:
            assert api.get(path).status_code == 200, (other, path)
    for path in ALWAYS:
        assert api.get(path).status_code == 200, path


def test_an_assignment_switched_on_is_on(business, owner, make_api):
    switch(business, Module.BUDGETS, True)
    assert make_api(owner, business).get(LISTS[Module.BUDGETS]).status_code == 200


def test_a_member_assignment_wins_over_the_business(business, owner, make_api):
    staff = MembershipFactory(business=business, role=Role.STAFF)
    clerk = MembershipFactory(business=business, role=Role.STAFF)
    switch(business, Module.INVOICES, False)
    switch(business, Module.INVOICES, True, membership=staff)
    switch(business, Module.SUPPLIERS, False, membership=clerk)

    assert disabled(make_api(owner, business).get(LISTS[Module.INVOICES]))
    assert disabled(make_api(clerk.user, business).get(LISTS[Module.INVOICES]))
    assert make_api(staff.user, business).get(LISTS[Module.INVOICES]).status_code == 200

    assert disabled(make_api(clerk.user, business).get(LISTS[Module.SUPPLIERS]))
    assert make_api(staff.user, business).get(LISTS[Module.SUPPLIERS]).status_code == 200
    assert make_api(owner, business).get(LISTS[Module.SUPPLIERS]).status_code == 200


def test_another_business_is_unaffected(business, owner, make_api):
    other = BusinessFactory()
    MembershipFactory(business=other, user=owner, role=Role.OWNER)
    outsider = MembershipFactory(business=other, role=Role.OWNER).user
    switch(business, Module.KAVI, False)
    switch(business, Module.TRANSACTIONS, False)
    assert disabled(make_api(owner, business).get(LISTS[Module.KAVI]))
    for user in (owner, outsider):
        api = make_api(user, other)
        assert api.get(LISTS[Module.KAVI]).status_code == 200
        assert api.get(LISTS[Module.TRANSACTIONS]).status_code == 200


def test_changes_through_the_api_take_effect_at_once(business, owner, make_api):
    api = make_api(owner, business)
    path = LISTS[Module.BUDGETS]
    assert api.get(path).status_code == 200  # the switches are now cached
    created = api.post("/api/v1/core/module-assignments/", {"module": "budgets", "enabled": False})
    assert created.status_code == 201, created.content
    assert disabled(api.get(path))
    url = f"/api/v1/core/module-assignments/{created.json()['id']}/"
    assert api.patch(url, {"enabled": True}).status_code == 200
    assert api.get(path).status_code == 200
    assert api.patch(url, {"enabled": False}).status_code == 200
    assert disabled(api.get(path))
    assert api.delete(url).status_code == 204
    assert api.get(path).status_code == 200


def test_the_check_costs_no_query_once_cached(business, owner, make_api):
    api = make_api(owner, business)
    switch(business, Module.KAVI, False)
    api.get("/api/v1/core/ping/")
    with CaptureQueriesContext(connection) as first:
        api.get(LISTS[Module.BUDGETS])
    with CaptureQueriesContext(connection) as second:
        api.get(LISTS[Module.BUDGETS])
    assert any("core_moduleassignment" in q["sql"] for q in first.captured_queries)
    assert not any("core_moduleassignment" in q["sql"] for q in second.captured_queries)
    assert len(second.captured_queries) <= len(first.captured_queries)


def test_a_dead_cache_still_enforces_the_switches(business, owner, make_api, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "kavi-test-dead",
        }
    }
    switch(business, Module.FORECASTS, False)
    api = make_api(owner, business)
    assert disabled(api.get(LISTS[Module.FORECASTS]))
    assert api.get(LISTS[Module.BUDGETS]).status_code == 200


def test_me_says_which_modules_are_on(business, owner, make_api):
    clerk = MembershipFactory(business=business, role=Role.STAFF)
    switch(business, Module.KAVI, False)
    switch(business, Module.MPESA, False, membership=clerk)
    for user, off in ((owner, {"kavi"}), (clerk.user, {"kavi", "mpesa"})):
        me = make_api(user).get("/api/v1/users/me/")
        assert me.status_code == 200, me.content
        (membership,) = me.json()["memberships"]
        assert membership["modules"] == {module: module not in off for module in Module.values}
