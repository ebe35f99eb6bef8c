"""Uploads go to S3 through django-storages: private objects and presigned download links.

The real S3 client talks to moto's S3 server on 127.0.0.1; only the endpoint differs from AWS.
"""

import io
import urllib.error
import urllib.parse
import urllib.request

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from moto.server import ThreadedMotoServer

from finance.models import Invoice, Transaction
from tests.factories.finance import InvoiceFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/finance/transactions/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
BUCKET = "kavi-test-uploads"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    """A fresh bucket on the moto server, and the app's default storage pointed at it."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    # What production gets from AWS_STORAGE_BUCKET_NAME (fg_copilot/settings/base.py), plus the
    # endpoint. Changing STORAGES makes Django drop its cached storage objects (setting_changed),
    # so default_storage and the models' FileFields build a new S3Storage from these settings.
    # The settings read the keys from the environment at import, which was before this fixture.
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    yield client
    for page in client.get_paginator("list_object_versions").paginate(Bucket=BUCKET):
        for version in page.get("Versions", []) + page.get("DeleteMarkers", []):
            client.delete_object(Bucket=BUCKET, Key=version["Key"], VersionId=version["VersionId"])
    client.delete_bucket(Bucket=BUCKET)


def _signature_and_expiry(url):
    """The signature and the lifetime of a presigned URL, in either signing scheme."""
    query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    if "X-Amz-Signature" in query:
        return query["X-Amz-Signature"][0], query["X-Amz-Expires"][0]
    if "Signature" in query:
        return query["Signature"][0], query["Expires"][0]
    return None


def _is_private(client, key):
    grants = client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    return not [g for g in grants if g["Grantee"].get("URI") == ALL_USERS]


def test_the_app_uses_s3_storage_when_a_bucket_is_named(s3):
    from storages.backends.s3 import S3Storage

    assert not default_storage.exists("receipts/none.png")  # builds the lazy object, asks S3
    assert isinstance(default_storage._wrapped, S3Storage)
    assert default_storage.bucket_name == BUCKET
    assert default_storage.default_acl is None and default_storage.querystring_auth is True
    assert Transaction._meta.get_field("receipt").storage._wrapped is default_storage._wrapped


def test_receipt_upload_is_private_and_downloads_through_a_presigned_url(
    s3, s3_endpoint, business, staff, make_api
):
    api = make_api(staff, business)
    response = api.post(
        URL,
        {
            "amount": "450.00",
            "transaction_type": "expense",
            "transaction_date": "2026-03-10",
            "receipt": io.BytesIO(PNG),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content

    transaction = Transaction.objects.get(pk=response.json()["id"])
    key = transaction.receipt.name
    assert key.startswith("receipts/2026/") or key.startswith("receipts/")
    stored = s3.get_object(Bucket=BUCKET, Key=key)
    assert stored["Body"].read() == PNG
    assert _is_private(s3, key)

    # Plain, unsigned GETs are refused: the object is not public.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/{key}", timeout=10)  # noqa: S310 - local moto server
    assert refused.value.code == 403

    for url in (
        response.json()["receipt"],
        api.get(f"{URL}{transaction.pk}/").json()["receipt"],
        api.get(URL).json()["results"][0]["receipt"],
    ):
        assert url.startswith(f"{s3_endpoint}/{BUCKET}/receipts/")
        assert _signature_and_expiry(url), url
        with urllib.request.urlopen(url, timeout=10) as download:  # noqa: S310 - local moto server
            assert download.read() == PNG


def test_invoice_pdfs_are_stored_privately_too(s3, business):
    invoice = InvoiceFactory(business=business)
    invoice.pdf.save(f"{invoice.invoice_number}.pdf", ContentFile(b"%PDF-1.4 test invoice"))
    key = Invoice.objects.get(pk=invoice.pk).pdf.name
    assert key.startswith("invoices/")
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == b"%PDF-1.4 test invoice"
    assert _is_private(s3, key)
    assert _signature_and_expiry(invoice.pdf.url)


def test_presigned_urls_use_sigv4_and_the_configured_expiry(s3, settings):
    settings.AWS_S3_REGION_NAME = "eu-west-1"
    url = default_storage.url("receipts/2026/03/receipt.png")
    query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Signature"]
    assert query["X-Amz-Expires"] == [str(settings.AWS_QUERYSTRING_EXPIRE)]
