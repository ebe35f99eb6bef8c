"""A receipt stored in S3 (moto's server) opens through the API, for its business only."""

import io

import pytest

from tests.test_storage import PNG, s3, s3_endpoint  # noqa: F401 - the fixtures

pytestmark = pytest.mark.django_db
URL = "/api/v1/finance/transactions/"


def test_an_s3_receipt_streams_through_the_api(s3, business, staff, viewer, make_api):  # noqa: F811
    created = make_api(staff, business).post(
        URL,
        {
            "amount": "450.00",
            "transaction_type": "expense",
            "transaction_date": "2026-03-10",
            "receipt": io.BytesIO(PNG),
        },
        format="multipart",
    )
    assert created.status_code == 201, created.content
    opened = make_api(viewer, business).get(f"{URL}{created.json()['id']}/receipt/", HTTP_ACCEPT="image/*")
    assert opened.status_code == 200
    assert opened["Content-Type"] == "image/png"
    assert b"".join(opened.streaming_content) == PNG
    assert make_api().get(f"{URL}{created.json()['id']}/receipt/").status_code == 401
