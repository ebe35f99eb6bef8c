"""Walks every business-scoped route in the URL conf (not a hand-kept list) and proves that
anonymous callers get 401, outsiders 403, other businesses' objects 404, viewers can't write,
and that no other business's data shows up in any response."""

import re
import uuid

import pytest
from django.core.files.base import ContentFile
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver

from core.permissions import Role
from finance.models import Transaction
from tests.factories import MODEL_FACTORIES, BusinessFactory, MembershipFactory
from users.models import Membership

WRITE_METHODS = {"post", "put", "patch", "delete"}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def scoped_routes():
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "cls", None)
        if view_class is None or not getattr(view_class, "business_scoped", False):
            continue
        actions = dict(
            getattr(pattern.callback, "actions", None)
            or {m: m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)}
        )
        routes.append(pytest.param(route, view_class, actions, id=route))
    return routes


ROUTES = scoped_routes()


def _url(route: str, pk) -> str:
    path = route.replace("^", "").replace("$", "").replace("\\.", ".")
    path = re.sub(r"\(\?P<pk>[^)]*\)", str(pk), path)
    path = re.sub(r"<(?:\w+:)?pk>", str(pk), path)
    path = path.replace("(?P<format>[a-z0-9]+)/?", "")
    return "/" + path


def _marked(model: type[models.Model], business, marker: str):
    """An object of `model` in `business` whose text carries `marker`."""
    factory = MODEL_FACTORIES.get(model)
    assert factory is not None, f"Add a factory for {model.__name__} to tests.factories.MODEL_FACTORIES"
    overrides = {}
    names = {f.name: f for f in model._meta.concrete_fields}
    for candidate in ("name", "description", "notes", "email", "action", "category"):
        field = names.get(candidate)
        if field is None or field.choices:
            continue
        overrides[candidate] = f"{marker}@leak.test" if isinstance(field, models.EmailField) else marker
        break
    if model is Membership:
        return MembershipFactory(business=business, role=Role.STAFF, user__email=f"{marker}@leak.test")
    obj = factory(business=business, **overrides)
    if model is Transaction:
        # With a receipt (a PDF by its first bytes), so the receipt route has a file to serve its
        # member and to keep from everyone else.
        obj.receipt.save(f"{marker}.pdf", ContentFile(b"%PDF-1.4\n" + marker.encode()), save=True)
    return obj


def text_of(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def test_the_walk_finds_the_scoped_routes():
    names = " ".join(str(r.values[0]) for r in ROUTES)
    for expected in ("customers", "memberships", "invitations", "activity-logs", "module-assignments"):
        assert expected in names


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "view_class", "actions"), ROUTES)
def test_route_is_scoped(route, view_class, actions, make_api):
    model = view_class.queryset.model
    business_a, business_b = BusinessFactory(), BusinessFactory(legal_name=f"B-{uuid.uuid4().hex}")
    outsider = MembershipFactory(business=business_a, role=Role.OWNER).user
    viewer_b = MembershipFactory(business=business_b, role=Role.VIEWER).user
    marker = f"LEAKB{uuid.uuid4().hex[:12]}"
    secret = _marked(model, business_b, marker)
    mine = _marked(model, business_a, f"MINE{uuid.uuid4().hex[:8]}")
    is_detail = "pk" in route
    url = _url(route, secret.pk)

    for method in actions:
        # Anonymous: 401.
        response = getattr(make_api(), method)(url, {}, format="json")
        assert response.status_code == 401, (method, url, response.status_code)

        # A member of A naming business B: 403.
        response = getattr(make_api(outsider, business_b), method)(url, {}, format="json")
        assert response.status_code == 403, (method, url, response.status_code)
        assert marker not in text_of(response)

        # A member of A, in A, reaching for B's object: 404.
        if is_detail:
            response = getattr(make_api(outsider, business_a), method)(url, {}, format="json")
            assert response.status_code == 404, (method, url, response.status_code)
            assert marker not in text_of(response)

        # A viewer of B may not write.
        if method in WRITE_METHODS:
            response = getattr(make_api(viewer_b, business_b), method)(url, {}, format="json")
            assert response.status_code == 403, (method, url, response.status_code)

    # A member of A reading in A sees only A's rows.
    if "get" in actions:
        read_url = _url(route, mine.pk)
        response = make_api(outsider, business_a).get(read_url)
        assert response.status_code == 200, (read_url, response.status_code, response.content[:300])
        assert marker not in text_of(response)
        assert str(business_b.legal_name) not in text_of(response)
