"""Fixtures shared by the whole suite."""

import datetime as dt
import os
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from core import cache as core_cache
from core.permissions import Role
from tests.factories import BusinessFactory, MembershipFactory, UserFactory

# `fake_server`: the one fake HTTP server harness (Daraja, Gemini, ElevenLabs, ECS metadata);
# `hostile_books`: a business with books, made once per module, for the hostile-input tests.
pytest_plugins = ["tests.fakes.server", "tests.hostile"]


def _clear_cache() -> None:
    # A test that simulated a Redis outage leaves the breaker open for a moment, and its counters in
    # the process: neither may spill into the next test (a limit would be counted in two places).
    core_cache.breaker.reset()
    core_cache.local_counter.clear()
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("RedisCache"):
        # Only this suite's keys: a shared Redis may hold other data.
        client = cache._cache.get_client(write=True)
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    else:
        cache.clear()


_pretended: list[time_machine.travel] = []


def pytest_configure(config):
    """KAVI_TEST_TODAY=2027-02-28 (or 2027-02-28T23:30, Nairobi time; noon when no time is given) runs
    the suite with the clock moved there and ticking, to find tests that depend on the calendar.
    Tests that freeze their own clock still see their own date. A hook, not a fixture, so that it
    starts before every fixture (the time_machine marker's among them)."""
    value = os.environ.get("KAVI_TEST_TODAY")
    if value:
        moment = dt.datetime.fromisoformat(value if "T" in value else f"{value}T12:00")
        traveller = time_machine.travel(moment.replace(tzinfo=zoneinfo.ZoneInfo("Africa/Nairobi")), tick=True)
        traveller.start()
        _pretended.append(traveller)


def pytest_unconfigure(config):
    while _pretended:
        _pretended.pop().stop()


@pytest.fixture(autouse=True)
def _isolated_cache():
    _clear_cache()
    yield
    _clear_cache()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker):
    """A transaction around the rest of the module, rolled back at its end: rows made once for a
    module (inside `django_db_blocker.unblock()`) are shared by its tests, and each test's own
    transaction nests in it as a savepoint, so no test sees another's writes."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


class Api(APIClient):
    """An API client that signs in as a user and names the active business."""

    def as_user(self, user, business=None):
        refresh = RefreshToken.for_user(user)
        self.credentials(
            HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}",
            **({"HTTP_X_BUSINESS_ID": str(business.pk)} if business is not None else {}),
        )
        return self


@pytest.fixture
def api():
    return Api()


@pytest.fixture
def make_api():
    def make(user=None, business=None):
        client = Api()
        if user is not None:
            client.as_user(user, business)
        return client

    return make


@pytest.fixture
def business(db):
    return BusinessFactory()


@pytest.fixture
def owner(business):
    return MembershipFactory(business=business, role=Role.OWNER).user


@pytest.fixture
def admin_user(business):
    return MembershipFactory(business=business, role=Role.ADMIN).user


@pytest.fixture
def staff(business):
    return MembershipFactory(business=business, role=Role.STAFF).user


@pytest.fixture
def viewer(business):
    return MembershipFactory(business=business, role=Role.VIEWER).user


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def owner_api(make_api, owner, business):
    return make_api(owner, business)
