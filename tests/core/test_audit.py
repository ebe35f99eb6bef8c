"""Every write of business data leaves exactly one ActivityLog row, and nobody can change the log."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from core.models import ActivityLog, ImmutableRecordError
from core.permissions import Role
from tests.factories import (
    ActivityLogFactory,
    CustomerFactory,
    InvitationFactory,
    MembershipFactory,
    ModuleAssignmentFactory,
    RegistrationFactory,
    UserFactory,
)
from users.services import _hash_token

pytestmark = pytest.mark.django_db


def _writes(business, owner):
    customer = CustomerFactory(business=business)
    staff = MembershipFactory(business=business, role=Role.STAFF)
    module = ModuleAssignmentFactory(business=business, module="budgets")
    invitation = InvitationFactory(business=business)
    return [
        ("business create", "post", "/api/v1/users/businesses/", {"legal_name": "Mpya Ltd"}, "create"),
        (
            "business update",
            "patch",
            f"/api/v1/users/businesses/{business.pk}/",
            {"phone": "0700111222"},
            "update",
        ),
        ("customer create", "post", "/api/v1/users/customers/", {"name": "Wanjiku Stores"}, "create"),
        ("customer put", "put", f"/api/v1/users/customers/{customer.pk}/", {"name": "Renamed"}, "update"),
        ("customer patch", "patch", f"/api/v1/users/customers/{customer.pk}/", {"phone": "0711"}, "update"),
        ("customer delete", "delete", f"/api/v1/users/customers/{customer.pk}/", None, "delete"),
        ("member role", "patch", f"/api/v1/users/memberships/{staff.pk}/", {"role": "viewer"}, "update"),
        ("member remove", "delete", f"/api/v1/users/memberships/{staff.pk}/", None, "delete"),
        (
            "invite",
            "post",
            "/api/v1/users/invitations/",
            {"email": "new@example.co.ke", "role": "staff"},
            "create",
        ),
        ("invite delete", "delete", f"/api/v1/users/invitations/{invitation.pk}/", None, "delete"),
        (
            "module create",
            "post",
            "/api/v1/core/module-assignments/",
            {"module": "kavi", "enabled": False},
            "create",
        ),
        (
            "module update",
            "patch",
            f"/api/v1/core/module-assignments/{module.pk}/",
            {"enabled": False},
            "update",
        ),
        ("module delete", "delete", f"/api/v1/core/module-assignments/{module.pk}/", None, "delete"),
        (
            "profile",
            "patch",
            "/api/v1/users/profile/",
            {"city": "Kisumu", "language_preference": "sw"},
            "update",
        ),
    ]


WRITE_NAMES = list(range(14))


@pytest.mark.parametrize("index", WRITE_NAMES)
def test_each_write_makes_exactly_one_log_row(index, business, owner, make_api):
    name, method, url, body, action = _writes(business, owner)[index]
    before_count = ActivityLog.objects.count()
    response = getattr(make_api(owner, business), method)(url, body, format="json")
    expected = {"post": 201, "put": 200, "patch": 200, "delete": 204}[method]
    assert response.status_code == expected, (name, response.status_code, response.content[:300])
    assert ActivityLog.objects.count() == before_count + 1, name
    log = ActivityLog.objects.order_by("-id").first()
    assert log.action == action
    assert log.actor == owner
    assert log.ip == "127.0.0.1"
    if action in ("update", "delete"):
        assert log.before, name
    if action in ("create", "update"):
        assert log.after, name
    if action == "update":
        assert log.before != log.after


def test_invitation_accept_and_transfer_are_audited_once(business, owner, make_api):
    invitee = UserFactory(email="invitee@example.co.ke")
    InvitationFactory(
        business=business, email=invitee.email, token_hash=_hash_token("tok-123"), role=Role.ADMIN
    )
    count = ActivityLog.objects.count()
    accepted = make_api(invitee).post("/api/v1/users/invitations/accept/", {"token": "tok-123"})
    assert accepted.status_code == 201, accepted.content
    assert ActivityLog.objects.count() == count + 1
    transfer = make_api(owner, business).post(
        f"/api/v1/users/businesses/{business.pk}/transfer_ownership/", {"user": invitee.pk}
    )
    assert transfer.status_code == 200, transfer.content
    assert ActivityLog.objects.count() == count + 2
    assert ActivityLog.objects.order_by("-id").first().action == "business.transfer_ownership"


def test_registration_approval_is_audited_once(superuser, make_api):
    registration = RegistrationFactory()
    count = ActivityLog.objects.count()
    response = make_api(superuser).post(f"/api/v1/users/registrations/{registration.pk}/approve/", {})
    assert response.status_code == 200, response.content
    assert ActivityLog.objects.count() == count + 1


def test_failed_write_logs_nothing(business, staff, make_api):
    count = ActivityLog.objects.count()
    assert make_api(staff, business).post("/api/v1/users/customers/", {"name": ""}).status_code == 400
    assert ActivityLog.objects.count() == count


def test_the_log_cannot_be_changed_through_the_api(business, owner, superuser, make_api):
    log = ActivityLogFactory(business=business)
    for client in (make_api(owner, business), make_api(superuser)):
        for method in ("put", "patch", "delete"):
            response = getattr(client, method)(f"/api/v1/core/activity-logs/{log.pk}/", {"action": "x"})
            assert response.status_code == 405
        assert client.post("/api/v1/core/activity-logs/", {"action": "x"}).status_code == 405
    log.refresh_from_db()
    assert log.action == "create"


def test_the_log_cannot_be_changed_in_the_admin(business, superuser, client):
    log = ActivityLogFactory(business=business)
    client.force_login(superuser)
    assert client.get("/admin/core/activitylog/").status_code == 200
    assert client.get(f"/admin/core/activitylog/{log.pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/core/activitylog/{log.pk}/change/", {"action": "x"}).status_code == 403
    assert client.post(f"/admin/core/activitylog/{log.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/core/activitylog/add/").status_code == 403
    log.refresh_from_db()
    assert log.action == "create"


def test_the_log_refuses_updates_in_code_and_in_the_database(business):
    log = ActivityLogFactory(business=business)
    with pytest.raises(ImmutableRecordError):
        log.save()
    with pytest.raises(ImmutableRecordError):
        log.delete()
    with pytest.raises(ImmutableRecordError):
        ActivityLog.objects.filter(pk=log.pk).update(action="x")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE core_activitylog SET action = 'x' WHERE id = %s", [log.pk])
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_activitylog WHERE id = %s", [log.pk])


def test_admins_see_their_business_log_and_super_admins_see_all(business, owner, staff, superuser, make_api):
    other = MembershipFactory(role=Role.OWNER)
    ActivityLogFactory(business=business, action="mine")
    ActivityLogFactory(business=other.business, action="theirs")
    mine = make_api(owner, business).get("/api/v1/core/activity-logs/").json()["results"]
    assert {r["action"] for r in mine} == {"mine"}
    assert make_api(staff, business).get("/api/v1/core/activity-logs/").status_code == 403
    everything = make_api(superuser).get("/api/v1/core/activity-logs/?page_size=200").json()["results"]
    assert {"mine", "theirs"} <= {r["action"] for r in everything}


def test_admin_pages_render_for_a_super_admin(business, superuser, client):
    from django.contrib import admin

    client.force_login(superuser)
    for model in admin.site._registry:
        meta = model._meta
        response = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert response.status_code == 200, (meta.label, response.status_code)
