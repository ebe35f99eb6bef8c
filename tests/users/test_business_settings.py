"""Business settings: payment instructions, KRA PIN, reminders and the logo."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.models import ActivityLog
from tests.factories import UserFactory
from users.models import Business

pytestmark = pytest.mark.django_db


def url(business):
    return f"/api/v1/users/businesses/{business.pk}/"


def image_bytes(kind="PNG", size=(40, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (15, 118, 110)).save(buffer, format=kind)
    return buffer.getvalue()


def test_defaults(business, owner, make_api):
    data = make_api(owner).get(url(business)).json()
    assert data["payment_instructions"] == {}
    assert data["reminders"] == {"days_before_due": [3], "days_after_due": [1, 7, 14], "channels": ["email"]}
    assert data["logo"] is None
    assert data["kra_pin"] == data["tax_id"]


def test_payment_instructions_are_saved_and_audited(business, owner, make_api):
    body = {
        "payment_instructions": {
            "mpesa_paybill": "600987",
            "account_hint": " Use the invoice number ",
            "bank": {
                "name": "KCB",
                "branch": "Moi Avenue",
                "account_name": "Duka Ltd",
                "account_number": "1234",
            },
        }
    }
    response = make_api(owner).patch(url(business), body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["payment_instructions"] == {
        "mpesa_paybill": "600987",
        "account_hint": "Use the invoice number",
        "bank": {"name": "KCB", "branch": "Moi Avenue", "account_name": "Duka Ltd", "account_number": "1234"},
    }
    business.refresh_from_db()
    assert business.payment_instructions["mpesa_paybill"] == "600987"
    log = ActivityLog.objects.filter(object_type="users.business", action="update").latest("at")
    assert log.after is not None and log.after["payment_instructions"]["mpesa_paybill"] == "600987"
    assert log.actor_id == owner.pk

    till = make_api(owner).patch(
        url(business),
        {"payment_instructions": {"mpesa_till": "123456", "bank": "Equity, acc 0101"}},
        format="json",
    )
    assert till.status_code == 200
    assert till.json()["payment_instructions"] == {"mpesa_till": "123456", "bank": "Equity, acc 0101"}


@pytest.mark.parametrize(
    "instructions, field",
    [
        ({"mpesa_paybill": "1234"}, "mpesa_paybill"),
        ({"mpesa_paybill": "12345678"}, "mpesa_paybill"),
        ({"mpesa_paybill": "60O987"}, "mpesa_paybill"),
        ({"mpesa_paybill": 600987}, "mpesa_paybill"),
        ({"mpesa_till": "12a45"}, "mpesa_till"),
        ({"account_hint": "x" * 41}, "account_hint"),
        ({"bank": "x" * 301}, "bank"),
        ({"bank": {"name": "KCB", "swift": "KCBLKENX"}}, "bank"),
        ({"bank": {"name": "x" * 101}}, "bank"),
        ({"bank": ["KCB"]}, "bank"),
        ({"paybill": "600987"}, "paybill"),
    ],
)
def test_payment_instructions_are_checked(business, owner, make_api, instructions, field):
    response = make_api(owner).patch(url(business), {"payment_instructions": instructions}, format="json")
    assert response.status_code == 400, response.content
    assert field in str(response.json()["fields"])


def test_payment_instructions_must_be_an_object(business, owner, make_api):
    for value in (["600987"], "600987", 5):
        response = make_api(owner).patch(url(business), {"payment_instructions": value}, format="json")
        assert response.status_code == 400


def test_kra_pin(business, owner, make_api):
    api = make_api(owner)
    ok = api.patch(url(business), {"kra_pin": "p051234567x"}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["kra_pin"] == "P051234567X" and ok.json()["tax_id"] == "P051234567X"
    for bad in ("P05123456X", "1051234567X", "P0512345678", "P051234567XX"):
        assert api.patch(url(business), {"kra_pin": bad}, format="json").status_code == 400
    assert api.patch(url(business), {"tax_id": "nonsense"}, format="json").status_code == 400
    differ = api.patch(url(business), {"kra_pin": "A123456789B", "tax_id": "A123456789C"}, format="json")
    assert differ.status_code == 400
    assert api.patch(url(business), {"kra_pin": ""}, format="json").json()["kra_pin"] == ""


def test_reminders(business, owner, make_api):
    api = make_api(owner)
    ok = api.patch(
        url(business),
        {
            "reminders": {
                "days_before_due": [1, 3, 3],
                "days_after_due": [30, 7],
                "channels": ["sms", "email"],
            }
        },
        format="json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["reminders"] == {
        "days_before_due": [3, 1],
        "days_after_due": [7, 30],
        "channels": ["email", "sms"],
    }
    partial = api.patch(url(business), {"reminders": {"channels": []}}, format="json")
    assert partial.json()["reminders"]["days_after_due"] == [1, 7, 14]
    for bad in (
        {"channels": ["pigeon"]},
        {"days_before_due": [-1]},
        {"days_after_due": [0]},
        {"days_after_due": [400]},
        {"days_after_due": "7"},
        {"days_after_due": list(range(1, 20))},
        {"days_after_due": ["7"]},
        {"days_after_due": [True]},
        {"days_after_due": [7.5]},
        {"channels": ["email", "sms", "whatsapp", "email"]},
        {"every": 3},
        [3],
    ):
        response = api.patch(url(business), {"reminders": bad}, format="json")
        assert response.status_code == 400, (bad, response.content)


def test_only_owner_and_admin_change_settings(business, owner, admin_user, staff, viewer, make_api):
    body = {"payment_instructions": {"mpesa_paybill": "600987"}}
    assert make_api(staff).patch(url(business), body, format="json").status_code == 403
    assert make_api(viewer).patch(url(business), body, format="json").status_code == 403
    assert make_api(admin_user).patch(url(business), body, format="json").status_code == 200
    assert make_api(UserFactory()).patch(url(business), body, format="json").status_code == 404


def test_logo_upload_serve_replace_and_clear(
    business, owner, staff, make_api, django_capture_on_commit_callbacks
):
    api = make_api(owner)
    png = SimpleUploadedFile("shop.png", image_bytes("PNG"), content_type="image/png")
    response = api.patch(url(business), {"logo": png}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["logo"] == f"/api/v1/users/businesses/{business.pk}/logo/"
    business.refresh_from_db()
    first = business.logo.name
    assert first.endswith(".png")

    served = make_api(staff).get(f"{url(business)}logo/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert make_api(UserFactory()).get(f"{url(business)}logo/").status_code == 404

    jpeg = SimpleUploadedFile("shop.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.patch(url(business), {"logo": jpeg}, format="multipart").status_code == 200
    business.refresh_from_db()
    assert business.logo.name.endswith(".jpg")
    assert not business.logo.storage.exists(first)  # the replaced file is deleted

    cleared = api.patch(url(business), {"logo": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["logo"] is None
    assert api.get(f"{url(business)}logo/").status_code == 404


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("shop.gif", None, "PNG or JPEG"),
        ("shop.png", b"not an image at all", "image"),
        ("big.png", "big", "1 MB"),
    ],
)
def test_logo_refusals(business, owner, make_api, name, content, message):
    if content is None:
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, format="GIF")
        content = buffer.getvalue()
    elif content == "big":
        content = image_bytes("PNG") + b"\0" * (1024 * 1024)
    upload = SimpleUploadedFile(name, content)
    response = make_api(owner).patch(url(business), {"logo": upload}, format="multipart")
    assert response.status_code == 400, response.content
    assert message in str(response.json()["fields"]["logo"])
    assert not Business.objects.get(pk=business.pk).logo
