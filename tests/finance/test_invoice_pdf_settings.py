"""The business's settings on the invoice PDF: logo, names, KRA PIN, M-Pesa and bank details."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from finance.models import MpesaSettings
from finance.pdf import how_to_pay, invoice_pdf
from tests.factories.finance import InvoiceFactory, InvoiceItemFactory

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def invoice(business):
    business.legal_name = "Duka la Mama Pima Ltd"
    business.dba_name = "Mama Pima"
    business.address = "Tom Mboya Street, Nairobi"
    business.tax_id = "P051234567X"
    business.save()
    invoice = InvoiceFactory(business=business, invoice_number="INV-2026-0052")
    InvoiceItemFactory(invoice=invoice)
    return invoice


def test_paybill_with_the_invoice_number_as_the_account(invoice, staff, make_api):
    invoice.business.payment_instructions = {"mpesa_paybill": "600987"}
    invoice.business.save()
    response = make_api(staff, invoice.business).get(f"/api/v1/finance/invoices/{invoice.pk}/pdf/")
    assert response.status_code == 200
    text = one_line(pdf_text(response.content))
    assert "Pay with M-Pesa: Paybill 600987, Account INV-2026-0052" in text
    assert "Duka la Mama Pima Ltd" in text and "Trading as Mama Pima" in text
    assert "Tom Mboya Street, Nairobi" in text
    assert "KRA PIN P051234567X" in text
    assert "Till" not in text


def test_till_hint_and_bank_details(invoice):
    invoice.business.payment_instructions = {
        "mpesa_till": "123456",
        "account_hint": "Send the M-Pesa message to 0722 000 111",
        "bank": {
            "name": "KCB",
            "branch": "Moi Avenue",
            "account_name": "Mama Pima",
            "account_number": "1100223344",
        },
    }
    invoice.business.save()
    text = one_line(pdf_text(invoice_pdf(invoice)))
    assert "Pay with M-Pesa: Till 123456" in text
    assert "Paybill" not in text
    assert "Send the M-Pesa message to 0722 000 111" in text
    assert "KCB, branch Moi Avenue, account name Mama Pima, account number 1100223344" in text
    assert how_to_pay(invoice)["account"] is None


def test_free_text_bank_is_shown_as_text(invoice):
    invoice.business.payment_instructions = {"bank": "Equity <b>Bank</b> & Co, acc 0101"}
    invoice.business.save()
    text = one_line(pdf_text(invoice_pdf(invoice)))
    assert "Equity <b>Bank</b> & Co, acc 0101" in text


def test_daraja_shortcode_is_the_fallback_paybill(invoice):
    MpesaSettings.objects.create(business=invoice.business, shortcode="174379")
    text = one_line(pdf_text(invoice_pdf(invoice)))
    assert "Paybill 174379, Account INV-2026-0052" in text
    invoice.business.payment_instructions = {"mpesa_paybill": "600987"}
    invoice.business.save()
    assert "Paybill 600987, Account INV-2026-0052" in one_line(pdf_text(invoice_pdf(invoice)))


def test_logo_is_drawn_and_a_missing_file_is_skipped(invoice, owner, make_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGB", (200, 80), (15, 118, 110)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    business = invoice.business
    assert (
        make_api(owner)
        .patch(f"/api/v1/users/businesses/{business.pk}/", {"logo": upload}, format="multipart")
        .status_code
        == 200
    )
    invoice.refresh_from_db()
    reader = PdfReader(io.BytesIO(invoice_pdf(invoice)))
    assert len(reader.pages[0].images) == 1

    invoice.business.logo.storage.delete(invoice.business.logo.name)
    reader = PdfReader(io.BytesIO(invoice_pdf(invoice)))
    assert len(reader.pages[0].images) == 0
    assert "INV-2026-0052" in pdf_text(invoice_pdf(invoice))
