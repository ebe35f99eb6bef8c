"""Businesses, memberships, invitations, registrations, customers, profile and me."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.permissions import Role
from tests.factories import (
    BusinessFactory,
    CustomerFactory,
    InvitationFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
)
from users.models import Business, Membership
from users.services import _hash_token

pytestmark = pytest.mark.django_db


def test_creator_becomes_owner_and_sees_only_their_businesses(make_api):
    user = UserFactory()
    BusinessFactory(legal_name="Not Mine Ltd")
    api = make_api(user)
    created = api.post("/api/v1/users/businesses/", {"legal_name": "Mama Pima Grocers", "industry": "Retail"})
    assert created.status_code == 201, created.content
    assert created.json()["role"] == "owner"
    assert created.json()["currency"] == "KES" and created.json()["timezone"] == "Africa/Nairobi"
    listed = api.get("/api/v1/users/businesses/").json()["results"]
    assert [b["legal_name"] for b in listed] == ["Mama Pima Grocers"]
    me = api.get("/api/v1/users/me/").json()
    assert me["memberships"][0]["business"]["legal_name"] == "Mama Pima Grocers"
    assert me["memberships"][0]["role"] == "owner"


def test_business_validation(make_api):
    api = make_api(UserFactory())
    assert (
        api.post("/api/v1/users/businesses/", {"legal_name": "X", "timezone": "Mars/Base"}).status_code == 400
    )
    assert (
        api.post("/api/v1/users/businesses/", {"legal_name": "X", "currency": "shillings"}).status_code == 400
    )
    assert (
        api.post("/api/v1/users/businesses/", {"legal_name": "X", "founding_year": 1200}).status_code == 400
    )
    assert api.post("/api/v1/users/businesses/", {}).status_code == 400


def test_business_roles(business, owner, admin_user, staff, make_api):
    url = f"/api/v1/users/businesses/{business.pk}/"
    assert make_api(staff).patch(url, {"phone": "1"}).status_code == 403
    assert make_api(admin_user).patch(url, {"phone": "0700000001"}).status_code == 200
    assert make_api(admin_user).delete(url).status_code == 403
    assert make_api(UserFactory()).get(url).status_code == 404
    assert make_api(owner).delete(url).status_code == 204
    assert not Business.objects.filter(pk=business.pk).exists()


def test_super_admin_sees_every_business(superuser, make_api):
    BusinessFactory.create_batch(3)
    assert make_api(superuser).get("/api/v1/users/businesses/").json()["count"] == 3


def test_business_header_rules(business, owner, make_api):
    second = MembershipFactory(user=owner, role=Role.VIEWER).business
    api = make_api(owner)
    missing = api.get("/api/v1/users/customers/")
    assert missing.status_code == 400 and missing.json()["code"] == "business_required"
    api.credentials(HTTP_AUTHORIZATION=api._credentials["HTTP_AUTHORIZATION"], HTTP_X_BUSINESS_ID="abc")
    assert api.get("/api/v1/users/customers/").status_code == 400
    assert make_api(owner, second).get("/api/v1/users/customers/").status_code == 200
    assert make_api(owner, BusinessFactory()).get("/api/v1/users/customers/").status_code == 403
    only_one = MembershipFactory(role=Role.STAFF)
    assert make_api(only_one.user).get("/api/v1/users/customers/").status_code == 200


def test_membership_rules(business, owner, admin_user, staff, make_api):
    owner_membership = Membership.objects.get(user=owner)
    staff_membership = Membership.objects.get(user=staff)
    admin_api = make_api(admin_user, business)
    members = admin_api.get("/api/v1/users/memberships/").json()["results"]
    assert {m["user"]["email"] for m in members} == {owner.email, admin_user.email, staff.email}
    assert (
        admin_api.patch(f"/api/v1/users/memberships/{staff_membership.pk}/", {"role": "owner"}).status_code
        == 403
    )
    assert (
        admin_api.patch(f"/api/v1/users/memberships/{owner_membership.pk}/", {"role": "staff"}).status_code
        == 403
    )
    assert admin_api.delete(f"/api/v1/users/memberships/{owner_membership.pk}/").status_code == 403
    assert (
        admin_api.patch(f"/api/v1/users/memberships/{staff_membership.pk}/", {"role": "bogus"}).status_code
        == 400
    )
    owner_api = make_api(owner, business)
    last_owner = owner_api.patch(f"/api/v1/users/memberships/{owner_membership.pk}/", {"role": "admin"})
    assert last_owner.status_code == 409 and last_owner.json()["code"] == "last_owner"
    assert owner_api.delete(f"/api/v1/users/memberships/{staff_membership.pk}/").status_code == 204
    assert make_api(staff, business).get("/api/v1/users/customers/").status_code == 403


def test_invitation_flow(business, owner, make_api, django_capture_on_commit_callbacks):
    api = make_api(owner, business)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/users/invitations/", {"email": "Amina@Example.co.ke", "role": "admin"})
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "pending"
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "/invitations/accept?token=" in body
    token = body.split("token=")[1].split()[0]

    stranger = UserFactory(email="someone@example.co.ke")
    assert make_api(stranger).post("/api/v1/users/invitations/accept/", {"token": token}).status_code == 403
    amina = UserFactory(email="amina@example.co.ke")
    accepted = make_api(amina).post("/api/v1/users/invitations/accept/", {"token": token})
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["role"] == "admin"
    assert make_api(amina).post("/api/v1/users/invitations/accept/", {"token": token}).status_code == 409
    assert make_api(amina).post("/api/v1/users/invitations/accept/", {"token": "nope"}).status_code == 404


def test_expired_invitation_and_invite_rules(business, owner, admin_user, make_api):
    invitee = UserFactory()
    InvitationFactory(
        business=business,
        email=invitee.email,
        token_hash=_hash_token("old"),
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    expired = make_api(invitee).post("/api/v1/users/invitations/accept/", {"token": "old"})
    assert expired.status_code == 400 and expired.json()["code"] == "invitation_expired"
    api = make_api(admin_user, business)
    assert api.post("/api/v1/users/invitations/", {"email": owner.email, "role": "staff"}).status_code == 409
    assert (
        api.post("/api/v1/users/invitations/", {"email": "x@example.co.ke", "role": "owner"}).status_code
        == 400
    )
    assert api.post("/api/v1/users/invitations/", {"email": "not-email"}).status_code == 400


def test_registration_is_approved_by_a_super_admin(superuser, make_api):
    user = UserFactory()
    api = make_api(user)
    created = api.post("/api/v1/users/registrations/", {"legal_name": "Shamba Fresh Ltd", "industry": "Agri"})
    assert created.status_code == 201
    registration_id = created.json()["id"]
    assert api.post(f"/api/v1/users/registrations/{registration_id}/approve/", {}).status_code == 403
    approved = make_api(superuser).post(f"/api/v1/users/registrations/{registration_id}/approve/", {})
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    business = Business.objects.get(pk=approved.json()["business"])
    assert Membership.objects.get(business=business).user == user
    assert (
        make_api(superuser).post(f"/api/v1/users/registrations/{registration_id}/reject/", {}).status_code
        == 409
    )
    assert make_api(UserFactory()).get(f"/api/v1/users/registrations/{registration_id}/").status_code == 404


def test_registration_reject(superuser, make_api):
    registration = RegistrationFactory()
    rejected = make_api(superuser).post(
        f"/api/v1/users/registrations/{registration.pk}/reject/", {"notes": "KRA PIN does not match"}
    )
    assert rejected.json()["status"] == "rejected"


def test_customers_crud(business, staff, viewer, make_api):
    api = make_api(staff, business)
    created = api.post(
        "/api/v1/users/customers/",
        {
            "name": "Kamau Hardware",
            "email": "kamau@example.co.ke",
            "phone": "0722000111",
            "tax_id": "A001",
            "notes": "Net 30",
        },
    )
    assert created.status_code == 201
    customer_id = created.json()["id"]
    assert api.patch(f"/api/v1/users/customers/{customer_id}/", {"email": "bad"}).status_code == 400
    assert api.get("/api/v1/users/customers/?search=kamau").json()["count"] == 1
    assert make_api(viewer, business).get(f"/api/v1/users/customers/{customer_id}/").status_code == 200
    assert make_api(viewer, business).post("/api/v1/users/customers/", {"name": "x"}).status_code == 403
    assert api.delete(f"/api/v1/users/customers/{customer_id}/").status_code == 403  # staff can't delete


def test_page_size_is_capped(business, owner, make_api):
    CustomerFactory.create_batch(205, business=business)
    page = make_api(owner, business).get("/api/v1/users/customers/?page_size=1000").json()
    assert len(page["results"]) == 200 and page["next"]
    assert page["previous"] is None and page["count"] == 205


def test_profile_read_and_update(make_api):
    user = UserFactory(first_name="Juma")
    api = make_api(user)
    profile = api.get("/api/v1/users/profile/").json()
    assert profile["first_name"] == "Juma" and profile["language_preference"] == "en"
    updated = api.patch(
        "/api/v1/users/profile/update/",
        {
            "language_preference": "sw",
            "city": "Mombasa",
            "last_name": "Hamisi",
            "notification_preferences": {"email": True},
        },
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["language_preference"] == "sw" and updated.json()["last_name"] == "Hamisi"
    assert api.patch("/api/v1/users/profile/", {"language_preference": "fr"}).status_code == 400
    assert api.patch("/api/v1/users/profile/", {"timezone": "Nowhere/Land"}).status_code == 400
    assert api.patch("/api/v1/users/profile/", {"notification_preferences": [1]}).status_code == 400
    for bad in (
        {"a": {"b": ["\x00"]}},
        {"a\x00": True},
        {"email": "x" * 101},
        {f"k{n}": True for n in range(51)},
    ):
        response = api.patch("/api/v1/users/profile/", {"notification_preferences": bad}, format="json")
        assert response.status_code == 400 and "notification_preferences" in response.json()["fields"]
    assert api.get("/api/v1/users/me/").json()["language_preference"] == "sw"


def test_a_user_without_a_profile_row_gets_one(make_api):
    from users.models import User, UserProfile

    user = User.objects.create_user(email="shell@example.co.ke", password="x-Very-Long-1")
    assert not UserProfile.objects.filter(user=user).exists()
    api = make_api(user)
    assert api.get("/api/v1/users/profile/").status_code == 200
    assert api.get("/api/v1/users/me/").json()["language_preference"] == "en"
    assert api.patch("/api/v1/users/profile/", {"city": "Nakuru"}).status_code == 200
